package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/nhsreview/nhsreview/rules"
)

func mustReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseHTML(t testing.TB, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// noExternal fails on anything a browser would fetch: elements that load
// resources, src-like attributes, CSS url() and @import, meta refresh,
// script from a file; scripts are allowed inline only where asked.
func noExternal(t *testing.T, name string, doc *html.Node, scripts int) {
	t.Helper()
	styles, gotScripts := 0, 0
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "link", "img", "iframe", "frame", "object", "embed", "image", "video", "audio", "source", "track", "base", "form", "input", "picture", "portal", "applet", "font-face-uri":
			t.Errorf("%s: <%s> element", name, n.Data)
		case "style":
			styles++
		case "script":
			gotScripts++
		case "meta":
			if v, _ := attr(n, "http-equiv"); strings.EqualFold(v, "refresh") {
				t.Errorf("%s: meta refresh", name)
			}
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case k == "src" || k == "srcset" || k == "poster" || k == "data" || k == "background" || k == "action" || k == "formaction":
				t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
			case strings.HasPrefix(k, "on"):
				t.Errorf("%s: event handler <%s %s>", name, n.Data, a.Key)
			case k == "href" || strings.HasSuffix(k, ":href"):
				// Links are navigation, not resources: in-page anchors,
				// or the document's own web address.
				if n.Data != "a" && !strings.HasPrefix(a.Val, "#") {
					t.Errorf("%s: <%s href=%q> loads a resource", name, n.Data, a.Val)
				}
				if n.Data == "a" && !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") {
					t.Errorf("%s: link to %q", name, a.Val)
				}
			case k == "style":
				t.Errorf("%s: style attribute on <%s> (the CSP allows none)", name, n.Data)
			}
		}
		if n.Data == "style" || n.Data == "script" {
			body := strings.ToLower(textOf(n))
			for _, bad := range []string{"url(", "@import", "http://", "https://", "fetch(", "xmlhttprequest", "import("} {
				if strings.Contains(body, bad) {
					t.Errorf("%s: %q in <%s>", name, bad, n.Data)
				}
			}
			if _, ok := attr(n, "src"); ok {
				t.Errorf("%s: <%s src>", name, n.Data)
			}
		}
	})
	if styles != 1 {
		t.Errorf("%s: %d style elements, want 1", name, styles)
	}
	if gotScripts != scripts {
		t.Errorf("%s: %d scripts, want %d", name, gotScripts, scripts)
	}
}

func findClass(doc *html.Node, tag, class string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			if v, _ := attr(n, "class"); strings.Contains(" "+v+" ", " "+class+" ") {
				out = append(out, n)
			}
		}
	})
	return out
}

var criterionNames = []string{"Problem analysis", "Inequality actions", "Costed plans", "VCS involvement", "Public involvement"}

func TestHTMLSelfContained(t *testing.T) {
	for _, tc := range []struct {
		name    string
		page    []byte
		scripts int
	}{
		{"sample", render(t, func(b *bytes.Buffer) error { return HTML(b, cards(t, "sample")) }), 0},
		{"hostile", render(t, func(b *bytes.Buffer) error { return HTML(b, cards(t, "hostile")) }), 0},
		{"two cards", render(t, func(b *bytes.Buffer) error { return HTML(b, cards(t, "sample", "hostile")) }), 0},
		{"compare", render(t, func(b *bytes.Buffer) error {
			return Compare(b, FormatHTML, cards(t, "sample", "hostile", "westbrook-2024"), Options{})
		}), 1},
		{"diff", render(t, func(b *bytes.Buffer) error { return diffOf(t).HTML(b) }), 0},
	} {
		doc := parseHTML(t, tc.page)
		noExternal(t, tc.name, doc, tc.scripts)
		if len(findClass(doc, "svg", "chart"))+len(findClass(doc, "svg", "heatmap")) == 0 {
			t.Errorf("%s: no SVG chart", tc.name)
		}
		if !bytes.Contains(tc.page, []byte(`http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`)) {
			t.Errorf("%s: no Content-Security-Policy forbidding resources", tc.name)
		}
		// The policy lets a script run only by the hash of its exact text.
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "script" {
				sum := sha256.Sum256([]byte(textOf(n)))
				if !bytes.Contains(tc.page, []byte("sha256-"+base64.StdEncoding.EncodeToString(sum[:]))) {
					t.Errorf("%s: the script's hash is not in the Content-Security-Policy: the browser would block it", tc.name)
				}
			}
		})
	}
}

// The front page of each card holds the five criteria with their scores,
// and each criterion has its own section with the evidence.
func TestHTMLFrontPage(t *testing.T) {
	doc := parseHTML(t, render(t, func(b *bytes.Buffer) error { return HTML(b, cards(t, "sample", "hostile")) }))
	fronts := findClass(doc, "section", "front")
	if len(fronts) != 2 {
		t.Fatalf("%d front pages, want 2", len(fronts))
	}
	for i, f := range fronts {
		text := textOf(f)
		for _, n := range criterionNames {
			if !strings.Contains(text, n) {
				t.Errorf("front page %d lacks %q", i+1, n)
			}
		}
		if len(findClass(f, "svg", "chart")) != 1 {
			t.Errorf("front page %d has no chart", i+1)
		}
	}
	sample := textOf(fronts[0])
	for _, want := range []string{"Total11/15", "3/3", "1/3", "Questions to ask", "Is this new money, or money already in budgets?"} {
		if !strings.Contains(sample, want) {
			t.Errorf("sample front page lacks %q", want)
		}
	}
	hostile := textOf(fronts[1])
	for _, want := range []string{"Reading problems", "12 of 40 pages had no text: scanned?", "and 2 more, listed at the end", "and 5 more on the following pages"} {
		if !strings.Contains(hostile, want) {
			t.Errorf("hostile front page lacks %q", want)
		}
	}
	sections := findClass(doc, "section", "criterion")
	if len(sections) != 10 {
		t.Fatalf("%d criterion sections, want 10", len(sections))
	}
	first := textOf(sections[0])
	for _, want := range []string{"Evidence", "Healthy life expectancy in Eastmoor is 56.1 years", "Page 1 · 1. Our population and its health > 1.1 What is wrong now"} {
		if !strings.Contains(first, want) {
			t.Errorf("first criterion section lacks %q", want)
		}
	}
}

// Document text is text: markup in titles, quotes, sections and flags is
// shown, never run.
func TestHTMLEscapes(t *testing.T) {
	h := loadCard(t, "hostile")
	page := render(t, func(b *bytes.Buffer) error { return HTML(b, []*rules.Scorecard{h}) })
	doc := parseHTML(t, page)
	var h1 string
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "h1" {
			h1 = textOf(n)
		}
	})
	if h1 != clip(h.Document.Title, frontTitle) || !strings.Contains(h1, "<script>alert(1)</script>") {
		t.Errorf("title shown as %q", h1)
	}
	all := textOf(doc)
	for _, want := range []string{
		"“</blockquote><img src=x onerror=alert(1)><script>alert('quote')</script>”",
		"<style>body{display:none}</style> Section 2 > Part 1",
		"Red flag 0 <script>alert(0)</script>",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q not shown as text", want)
		}
	}
	var a string
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			if v, _ := attr(n, "href"); strings.HasPrefix(v, "https://") {
				a = v
			}
		}
	})
	if a != "https://example.nhs.uk/board?pack=1&x=%3cy%3e" {
		t.Errorf("source link %q", a)
	}
}

// elements lists the tags of a page in document order: its structure.
func elements(doc *html.Node) string {
	var b strings.Builder
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode {
			b.WriteString(n.Data + " ")
		}
	})
	return b.String()
}

func fuzzCard(s string) *rules.Scorecard {
	c := card(2)
	c.Document.Title = "T" + s
	c.Document.Source = "src" + s
	c.Document.Quality.Warnings = []string{"W" + s}
	cr := &c.Criteria[0]
	cr.Name, cr.Summary = "N"+s, "M"+s
	cr.Evidence[0].Quote, cr.Evidence[0].Section, cr.Evidence[0].Signal = "Q"+s, "S"+s, "G"+s
	cr.Gaps, cr.Questions, cr.RedFlags = []string{"g" + s}, []string{"q" + s}, []string{"F" + s}
	c.Facts[0].Text = "£" + s
	return c
}

// Whatever text a document holds, the page has the same elements as for
// harmless text: nothing in the text can add, remove or reorder markup.
func FuzzHTML(f *testing.F) {
	for _, s := range []string{"x", "<script>alert(1)</script>", "</style><img src=x>", "]]><!--", "&amp;", "\x00", "javascript:alert(1)", "\"'><svg onload=x>"} {
		f.Add(s)
	}
	want := func(t *testing.T) (string, string) {
		c := fuzzCard("x")
		page := render(t, func(b *bytes.Buffer) error { return HTML(b, []*rules.Scorecard{c}) })
		cmp := render(t, func(b *bytes.Buffer) error { return Compare(b, FormatHTML, []*rules.Scorecard{c}, Options{}) })
		return elements(parseHTML(t, page)), elements(parseHTML(t, cmp))
	}
	f.Fuzz(func(t *testing.T, s string) {
		wantPage, wantCmp := want(t)
		c := fuzzCard(s)
		page := render(t, func(b *bytes.Buffer) error { return HTML(b, []*rules.Scorecard{c}) })
		if got := elements(parseHTML(t, page)); got != wantPage {
			t.Fatalf("text %q changed the page's elements:\n%s\nwant\n%s", s, got, wantPage)
		}
		cmp := render(t, func(b *bytes.Buffer) error { return Compare(b, FormatHTML, []*rules.Scorecard{c}, Options{}) })
		if got := elements(parseHTML(t, cmp)); got != wantCmp {
			t.Fatalf("text %q changed the comparison's elements", s)
		}
	})
}

// Whatever text a document holds, the CSV reads back with the same fields.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{"x", "a,b", "\"q\"", "line\nbreak", "\r\n", "=1+1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := card(1)
		c.Document.Title, c.Document.Source = s, "doc"+s
		out := render(t, func(b *bytes.Buffer) error { return CSV(b, []*rules.Scorecard{c}) })
		rows, err := csvRead(out)
		if err != nil {
			t.Fatalf("title %q: %v", s, err)
		}
		if len(rows) != 2 {
			t.Fatalf("title %q: %d rows", s, len(rows))
		}
		// With CRLF line ends, encoding/csv writes a line break inside a
		// field as \r\n (read back as \n) and drops a lone \r.
		norm := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "") }
		if rows[1][1] != norm(csvCell(s)) || rows[1][0] != norm(csvCell("doc"+s)) {
			t.Fatalf("title %q read back as %q", s, rows[1][1])
		}
	})
}

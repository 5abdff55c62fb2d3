package htmldoc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/internal/testkit/readertest"
	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// goldenDoc is what the golden files hold: the parts of the document this
// package decides.
type goldenDoc struct {
	Title  string           `json:"title"`
	Format document.Format  `json:"format"`
	Blocks []document.Block `json:"blocks"`
}

func TestReadGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.html")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no test inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".html")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Read(data, "")
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			readertest.CheckOnePage(t, d, 6, document.FormatHTML)
			golden.JSON(t, filepath.Join("testdata", name+".golden.json"), goldenDoc{d.Title, d.Format, d.Pages[0].Blocks})
		})
	}
}

func TestReadArticleContent(t *testing.T) {
	data, err := os.ReadFile("testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(data, "text/html")
	if err != nil {
		t.Fatal(err)
	}
	text := d.PlainText()
	for _, chrome := range []string{"Skip to main content", "cookies", "About us", "Board papers",
		"Related pages", "Share on Facebook", "Back to top", "Privacy policy", "dataLayer", "font-family"} {
		if strings.Contains(text, chrome) {
			t.Errorf("page chrome %q in the text", chrome)
		}
	}
	for _, content := range []string{"Winter plan 2025/26", "Published 4 September 2025",
		"winter months. It was agreed", "to 120 beds", "Page last reviewed"} {
		if !strings.Contains(text, content) {
			t.Errorf("content %q missing", content)
		}
	}
	if d.Title != "Winter plan 2025/26" {
		t.Errorf("title %q", d.Title)
	}
}

func TestReadCharset(t *testing.T) {
	latin1 := []byte("<html><body><p>Caf\xe9 \x96 \xa3100</p></body></html>")
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "<p>Café</p>" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	tests := []struct {
		name        string
		data        []byte
		contentType string
		want        string
	}{
		{"content type charset", latin1, "text/html; charset=windows-1252", "Café – £100"},
		{"sniffed single byte", latin1, "", "Café – £100"},
		{"utf-8 default", []byte("<p>Café – £100</p>"), "", "Café – £100"},
		{"content type wins over meta", []byte(`<meta charset="windows-1252"><p>Café</p>`), "text/html; charset=utf-8", "Café"},
		{"utf-16 with BOM", utf16, "", "Café"},
		{"utf-8 BOM dropped", append([]byte("\xEF\xBB\xBF"), "<p>Café</p>"...), "", "Café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read(tt.data, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(d.PlainText()); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not HTML: empty"},
		{"blank", []byte(" \n\t"), "not HTML: empty"},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "not HTML: content looks like application/pdf"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), "not HTML: content looks like application/zip"},
		{"plain text", []byte("Just a line of text.\nAnd another."), "not HTML: no markup found"},
		{"binary", []byte{0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00}, "not HTML"},
		{"too many elements", bytes.Repeat([]byte("<br>"), maxNodes+1), "more than"},
		{"too deep", bytes.Repeat([]byte("<div>"), 600), "open stack of elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Read(tt.data, "")
			if err == nil {
				t.Fatalf("no error; got %d blocks", len(d.Pages[0].Blocks))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestChooseTitle(t *testing.T) {
	tests := []struct {
		page, h1, want string
	}{
		{"Tobacco - West Sussex JSNA Website", "Tobacco", "Tobacco - West Sussex JSNA Website"},
		{"Winter plan | Example Trust", "Winter plan", "Winter plan"},
		{"Example Trust :: Board papers", "Board papers", "Board papers"},
		{"Board papers", "Welcome", "Board papers"},
		{"", "Only a heading", "Only a heading"},
		{"Only a title", "", "Only a title"},
		{"NHS Long Term Plan » Chapter 1", "chapter 1", "chapter 1"},
		{"Home", "", "Home"},
	}
	for _, tt := range tests {
		var blocks []document.Block
		if tt.h1 != "" {
			blocks = []document.Block{{Kind: document.Heading, Text: tt.h1, Level: 1}}
		}
		if got := chooseTitle(tt.page, blocks, nil); got != tt.want {
			t.Errorf("chooseTitle(%q, %q) = %q, want %q", tt.page, tt.h1, got, tt.want)
		}
	}
}

func TestAttrWords(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"nav__list", "nav list"},
		{"site-nav greedy-nav", "site nav greedy nav"},
		{"canvas-wrapper", "canvas wrapper"},
		{"masthead__menu-item", "masthead menu item"},
	}
	for _, tt := range tests {
		if got := strings.Join(attrWords(tt.in), " "); got != tt.want {
			t.Errorf("attrWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if chromeWords["canvas"] || chromeWords["header"] {
		t.Error("chrome words must be whole words")
	}
}

func sharedDir(t *testing.T) string { return sharedcorpus.Require(t, "corpus", "real") }

func TestCorpus(t *testing.T) {
	dir := sharedDir(t)
	// Each page with text that only its chrome holds (menus, breadcrumbs,
	// table of contents, footers, overlays) and text its content must keep.
	tests := []struct {
		file        string
		title       string
		minHeadings int
		minTables   int
		chrome      []string
		content     []string
	}{
		{
			file: "wsjsna-crawley-ccg-tobacco-profile-2018.html", title: "Tobacco - West Sussex JSNA Website", minHeadings: 15, minTables: 5,
			chrome: []string{"Toggle Menu", "On This Page", "Wider determinants", "Physical Activity",
				"Enter your search term", "Follow:", "Powered by", "Previous", "↩", "Total1"},
			content: []string{"Number of Respondents to the IHS Survey (2010-2014)", "Smoking Attributable Mortality",
				"Crawley\t293\t222\t266\t214\t207"},
		},
		{
			file: "wsjsna-coastal-west-sussex-ccg-deprivation-profile-2018.html", title: "Deprivation - West Sussex JSNA Website", minHeadings: 10, minTables: 1,
			chrome:  []string{"Toggle Menu", "On This Page", "Back to list of domains", "Updates", "Enter your search term"},
			content: []string{"Indices of Deprivation 2015", "Income Deprivation Affecting Children"},
		},
		{
			file: "nuffieldtrust-nhs-timeline-2010s.html", title: "Timeline", minHeadings: 15,
			chrome:  []string{"Site map", "Privacy policy", "Tweet", "Site by Torchbox", "Image credit"},
			content: []string{"2010 February", "The Robert Francis Inquiry report into Mid-Staffordshire NHS Foundation Trust is published."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			d, err := Read(data, "")
			if err != nil {
				t.Fatal(err)
			}
			readertest.CheckOnePage(t, d, 6, document.FormatHTML)
			if d.Title != tt.title {
				t.Errorf("title %q, want %q", d.Title, tt.title)
			}
			headings, tables := 0, 0
			seen := map[string]int{}
			for _, b := range d.Pages[0].Blocks {
				switch b.Kind {
				case document.Heading:
					headings++
				case document.Table:
					tables++
					if len(b.Rows) < 2 {
						t.Errorf("table with %d rows", len(b.Rows))
					}
				case document.Paragraph:
					if len(b.Text) > 80 {
						seen[b.Text]++
					}
				}
			}
			if headings < tt.minHeadings || tables < tt.minTables {
				t.Errorf("%d headings and %d tables, want at least %d and %d", headings, tables, tt.minHeadings, tt.minTables)
			}
			for text, n := range seen {
				if n > 1 {
					t.Errorf("paragraph repeated %d times: %.60q", n, text)
				}
			}
			text := d.PlainText()
			for _, s := range tt.chrome {
				if strings.Contains(text, s) {
					t.Errorf("chrome text %q in the output", s)
				}
			}
			for _, s := range tt.content {
				if !strings.Contains(text, s) {
					t.Errorf("content %q missing", s)
				}
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	seeds := []string{
		"<html><head><title>T | Site</title></head><body><h1>T</h1><p>x<br>y</p></body></html>",
		"<main><h2>A</h2><ul><li>one<ul><li>two</li></ul></li></ul></main>",
		"<table><caption>C</caption><tr><th>a</th><td>b<table><tr><td>c</td></tr></table></td></tr></table>",
		"<article><header><h1>X</h1></header><aside>no</aside><p><span>2010</span><span>May</span></p></article>",
		"<div class=nav><main><p>kept</p></main></div><nav>gone</nav><footer>gone</footer>",
		"<p><a href=#top>Back</a></p><figure><figcaption>F</figcaption></figure><pre>a\n b</pre>",
		"<ul><li><h3>layout</h3><p>item</p></li></ul><table><tr><td><h2>h</h2></td></tr></table>",
		"<meta charset=windows-1252><p>\x93q\x94</p>",
		"<svg><title>no</title></svg><template><p>no</p></template><p hidden>no</p>",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("<p>caf\xe9</p>"), "text/html; charset=iso-8859-1")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		d, err := Read(data, contentType)
		if err != nil {
			return
		}
		if len(d.Pages) != 1 {
			t.Fatalf("%d pages", len(d.Pages))
		}
		for _, b := range d.Pages[0].Blocks {
			if strings.TrimSpace(b.Text) == "" {
				t.Fatalf("empty block %+v", b)
			}
		}
	})
}

// The walk over the page's elements checks the context.
func TestReadStops(t *testing.T) {
	const elements = 40000
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>Plan</title></head><body><main><h1>Plan</h1>")
	for i := range elements / 2 {
		fmt.Fprintf(&b, "<p>Paragraph %d says <b>what</b> will be done.</p>", i)
	}
	b.WriteString("</main></body></html>")
	readertest.CheckStops(t, elements, checkEvery, func(ctx context.Context) error {
		_, err := ReadWith([]byte(b.String()), "text/html", Options{Context: ctx})
		return err
	})
}

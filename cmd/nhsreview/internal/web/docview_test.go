package web

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

func joined(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

func marked(segs []seg) []string {
	var out []string
	for _, s := range segs {
		if s.Mark != nil {
			out = append(out, s.Text)
		}
	}
	return out
}

func TestHighlight(t *testing.T) {
	q := func(s string) *quoteOnPage {
		return &quoteOnPage{anchor: "a-" + s[:3], folded: textclean.Fold(s), titles: []string{"T"}}
	}
	cases := []struct {
		name, text string
		quotes     []string
		want       []string
	}{
		{"plain", "We will invest £2m. Then more.", []string{"We will invest £2m."}, []string{"We will invest £2m."}},
		{"line breaks inside", "We will\ninvest  £2m\tin beds. End", []string{"We will invest £2m in beds."}, []string{"We will\ninvest  £2m\tin beds."}},
		{"first occurrence", "aaa bbb aaa bbb", []string{"aaa bbb"}, []string{"aaa bbb"}},
		{"overlap merged", "one two three four", []string{"one two three", "two three four"}, []string{"one two three four"}},
		{"absent", "nothing here", []string{"something else"}, nil},
		{"two apart", "alpha beta. gamma delta.", []string{"alpha beta.", "gamma delta."}, []string{"alpha beta.", "gamma delta."}},
	}
	for _, tc := range cases {
		var qs []*quoteOnPage
		for _, s := range tc.quotes {
			qs = append(qs, q(s))
		}
		segs := highlight(tc.text, qs)
		if joined(segs) != tc.text {
			t.Errorf("%s: segments join to %q", tc.name, joined(segs))
		}
		if got := marked(segs); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: marked %q, want %q", tc.name, got, tc.want)
		}
	}
	// Overlapping quotes keep both anchors.
	qs := []*quoteOnPage{q("one two three"), q("two three four")}
	segs := highlight("one two three four", qs)
	if len(segs) != 1 || len(segs[0].Mark.IDs) != 2 {
		t.Errorf("merged mark: %+v", segs)
	}
}

// The highlighted text is the text, unchanged, and a quote found (after
// folding) is marked exactly.
func FuzzHighlight(f *testing.F) {
	f.Add("We will\ninvest £2m in beds.", "invest £2m")
	f.Add("a  b\u00a0c", "b c")
	f.Add("\xff\xfe bad bytes \xff", "bad")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, text, quote string) {
		qp := &quoteOnPage{anchor: "a", folded: textclean.Fold(quote)}
		segs := highlight(text, []*quoteOnPage{qp})
		if joined(segs) != text {
			t.Fatalf("segments join to %q, not %q", joined(segs), text)
		}
		m := marked(segs)
		found := qp.folded != "" && strings.Contains(textclean.Fold(text), qp.folded)
		if found != (len(m) == 1) || qp.placed != found {
			t.Fatalf("found %v, marks %q, placed %v", found, m, qp.placed)
		}
		if found && textclean.Fold(m[0]) != qp.folded {
			t.Fatalf("marked %q for quote %q", m[0], qp.folded)
		}
	})
}

// goldenDoc is a small document with every block kind, and a card quoting
// a paragraph, a list item, a table row, text across two blocks and a
// page the document does not have.
func goldenDoc() (*document.Document, *rules.Scorecard) {
	d := &document.Document{
		Title: "Westbrook <Plan> & Strategy", Source: "/upload/abc/plan.pdf", Format: document.FormatPDF,
		Pages: []document.Page{
			{Number: 1, Blocks: []document.Block{
				{Kind: document.Heading, Level: 1, Text: "1. Our population"},
				{Kind: document.Paragraph, Text: "Men in Eastmoor die 9.2 years earlier\nthan men in Northvale. <script>alert(1)</script>"},
				{Kind: document.List, Text: "• Lung checks\n• Health checks for 75%", Items: []string{"• Lung checks", "• Health checks for 75%"}},
			}},
			{Number: 2, Blocks: []document.Block{
				{Kind: document.Heading, Level: 2, Text: "2.1 Money"},
				{Kind: document.Table, Rows: [][]string{{"Service", "2025/26"}, {"Urgent care", "£12.1m"}}},
				{Kind: document.Paragraph, Text: "We will work with"},
				{Kind: document.Caption, Text: "partners across the area."},
			}},
		},
		Sections: []*document.Section{{Title: "1. Our population", Level: 1, PageStart: 1, PageEnd: 2, Start: document.BlockRef{Page: 0, Block: 0},
			Children: []*document.Section{{Title: "2.1 Money", Level: 2, PageStart: 2, PageEnd: 2, Start: document.BlockRef{Page: 1, Block: 0}}}}},
		Quality: document.Quality{Warnings: []string{"1 of 2 pages had little text"}},
	}
	card := &rules.Scorecard{Criteria: []rules.Criterion{
		{ID: "problem-analysis", Name: "Problem analysis", Score: 2, Max: 3, Evidence: []rules.Evidence{
			{Quote: "Men in Eastmoor die 9.2 years earlier than men in Northvale.", Page: 1, Signal: "figure-and-group"},
			{Quote: "Health checks for 75%", Page: 1, Signal: "goal"},
		}},
		{ID: "costed-plans", Name: "Costed plans", Score: 1, Max: 3, Evidence: []rules.Evidence{
			{Quote: "Urgent care | £12.1m", Page: 2, Signal: "costed"},
			{Quote: "We will work with partners across the area.", Page: 2, Signal: "vcs"},
			{Quote: "A quote from a page that is not there.", Page: 9, Signal: "lost"},
			{Quote: "Men in Eastmoor die 9.2 years earlier than men in Northvale.", Page: 1, Signal: "again"},
		}},
	}}
	return d, card
}

// The document view of goldenDoc, rendered: go test -update rewrites
// testdata/document-view.html after review.
func TestDocumentViewGolden(t *testing.T) {
	pg, err := newPages()
	if err != nil {
		t.Fatal(err)
	}
	d, card := goldenDoc()
	v := buildDocView(7, d, card)
	var buf bytes.Buffer
	if err := pg.sets["document"].ExecuteTemplate(&buf, "content", pageData{Body: v}); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	// Every evidence passage has its anchor, once.
	for _, cr := range card.Criteria {
		for _, e := range cr.Evidence {
			if n := bytes.Count(got, []byte(`id="`+evidenceAnchor(e)+`"`)); n != 1 {
				t.Errorf("anchor of %q appears %d times", e.Quote, n)
			}
		}
	}
	if bytes.Contains(got, []byte("<script>")) {
		t.Error("document text became markup")
	}
	golden.Check(t, filepath.Join("testdata", "document-view.html"), got)
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		"plan.pdf":                        "plan.pdf",
		"../../etc/passwd":                "passwd",
		`C:\Users\me\board pack.pdf`:      "board pack.pdf",
		"a\x00b\nc.md":                    "abc.md",
		"..":                              "upload",
		"":                                "upload",
		strings.Repeat("x", 300) + ".pdf": strings.Repeat("x", 116) + ".pdf",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

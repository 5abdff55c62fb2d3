package textdoc

import (
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

func paras(lines ...string) []document.Block {
	var bs []document.Block
	for _, l := range lines {
		bs = append(bs, document.Block{Kind: document.Paragraph, Text: l})
	}
	return bs
}

func texts(bs []document.Block) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Text)
	}
	return out
}

// Two columns of a page, read across line by line, repeated so that the
// document has enough lines to tell.
var interleaved = []string{
	"Welcome to the annual report of the trust,",
	"We have asked an independent panel to",
	"looking back at what our teams did in",
	"review the care given in our maternity",
	"the last financial year.",
	"and neonatal services, so that we can",
	"This year has been one of great effort",
	"understand the data on outcomes for",
	"for our teams as we have dealt with",
	"babies and their families in the city.",
	"rising demand and long waiting lists.",
	"A new board has been set up to oversee",
}

func TestRejoinLines(t *testing.T) {
	var doc []string
	for range 3 {
		doc = append(doc, interleaved...)
	}
	got, rj := rejoinLines(paras(doc...))
	if !rj.TwoColumns || rj.Lines != len(doc) {
		t.Fatalf("rejoined %+v, want two columns and %d lines", rj, len(doc))
	}
	want := []string{
		"Welcome to the annual report of the trust, looking back at what our teams did in the last financial year. This year has been one of great effort for our teams as we have dealt with rising demand and long waiting lists.",
		"We have asked an independent panel to review the care given in our maternity and neonatal services, so that we can understand the data on outcomes for babies and their families in the city. A new board has been set up to oversee",
	}
	out := strings.Join(texts(got), "\n")
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("no paragraph %q in\n%s", w, out)
		}
	}

	tests := []struct {
		name  string
		in    []document.Block
		want  []string
		lines int
	}{
		{"one column, a paragraph per line, a hyphen mended",
			paras("Integrated care systems join up health and", "social care services and have been estab-", "lished to manage the care of people with", "complex chronic conditions."),
			[]string{"Integrated care systems join up health and social care services and have been established to manage the care of people with complex chronic conditions."}, 4},
		{"names and job titles are not running text",
			paras("Dr Sara Lane Chief Executive", "Rachel Stone Non-Executive Director", "Ruth Burnett Medical Director", "Ian Lewis Non-Executive Director"),
			[]string{"Dr Sara Lane Chief Executive", "Rachel Stone Non-Executive Director", "Ruth Burnett Medical Director", "Ian Lewis Non-Executive Director"}, 0},
		{"finished sentences are left alone",
			paras("We will open a clinic.", "We will train staff.", "We will publish the results.", "We will report each year."),
			[]string{"We will open a clinic.", "We will train staff.", "We will publish the results.", "We will report each year."}, 0},
		{"three lines are too few to tell",
			paras("Integrated care systems join up health and", "social care services and have been", "established to manage care"),
			[]string{"Integrated care systems join up health and", "social care services and have been", "established to manage care"}, 0},
		{"a heading breaks a run",
			append(append(paras("The plan sets out how we will", "reduce waiting times for"), document.Block{Kind: document.Heading, Text: "Money", Level: 2}), paras("people in the most deprived", "wards of the city")...),
			[]string{"The plan sets out how we will", "reduce waiting times for", "Money", "people in the most deprived", "wards of the city"}, 0},
		{"letters lost by a converter are not joined",
			paras(", f", "veys", "int", "er", ", dig"),
			[]string{", f", "veys", "int", "er", ", dig"}, 0},
	}
	for _, tt := range tests {
		got, rj := rejoinLines(tt.in)
		if g := texts(got); strings.Join(g, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, g, tt.want)
		}
		if rj.Lines != tt.lines || rj.TwoColumns {
			t.Errorf("%s: rejoined %+v, want %d lines in one column", tt.name, rj, tt.lines)
		}
	}
}

// A reading warning says what was done.
func TestRejoinWarning(t *testing.T) {
	var doc []string
	for range 3 {
		doc = append(doc, interleaved...)
	}
	d, err := Read([]byte("# Report\n\n"+strings.Join(doc, "\n\n")+"\n"), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Quality.Warnings) != 1 || !strings.Contains(d.Quality.Warnings[0], "two columns across") {
		t.Errorf("warnings %q", d.Quality.Warnings)
	}
}

// The document's quality says what share of its blocks was put back from
// columns read across, so that later stages know what may not read whole.
func TestColumnShare(t *testing.T) {
	var lines []string
	for range 3 {
		lines = append(lines, interleaved...)
	}
	text := "# Annual report\n\n" + strings.Join(lines, "\n\n") + "\n"
	d, err := Read([]byte(text), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	// 36 reordered lines of the 37 blocks read (a heading and 36 lines).
	if got, want := d.Quality.ColumnShare, 0.973; got != want {
		t.Errorf("column share %v, want %v", got, want)
	}
	d, err = Read([]byte(strings.Repeat("A paragraph of ordinary running text that reads as one whole sentence.\n\n", 10)), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	if d.Quality.ColumnShare != 0 {
		t.Errorf("column share %v of a text with no columns, want 0", d.Quality.ColumnShare)
	}
}

// TestJoinBroken: a paragraph that starts in lower case carries on the
// unfinished one before it (a converter's blank line mid-sentence); a
// finished sentence, a bold line or a document read as two columns across
// keeps its paragraphs.
func TestJoinBroken(t *testing.T) {
	p := func(s string) document.Block { return document.Block{Kind: document.Paragraph, Text: s} }
	tests := []struct {
		name string
		in   []document.Block
		two  bool
		want []string
	}{
		{"lower case after an unfinished sentence",
			[]document.Block{p("The Willow Group was formed by Southern Health Trust and operates"), p("out of Gosport.")}, false,
			[]string{"The Willow Group was formed by Southern Health Trust and operates out of Gosport."}},
		{"after a dash",
			[]document.Block{p("a model that – while not without challenges"), p("– has begun to deliver the results.")}, false,
			[]string{"a model that – while not without challenges – has begun to deliver the results."}},
		{"a word broken by a hyphen",
			[]document.Block{p("the neighbourhood teams were estab-"), p("lished in 2023.")}, false,
			[]string{"the neighbourhood teams were established in 2023."}},
		{"a finished sentence",
			[]document.Block{p("Retention has improved."), p("and acute sector colleagues.")}, false,
			[]string{"Retention has improved.", "and acute sector colleagues."}},
		{"a capital after an unfinished line",
			[]document.Block{p("Our priorities"), p("Healthy lives for all.")}, false,
			[]string{"Our priorities", "Healthy lives for all."}},
		{"a bold line", []document.Block{{Kind: document.Paragraph, Bold: true, Text: "Trust-led general practice in"}, p("southern areas.")}, false,
			[]string{"Trust-led general practice in", "southern areas."}},
		{"two columns read across",
			[]document.Block{p("The Willow Group was formed by Southern Health Trust and operates"), p("out of Gosport.")}, true,
			[]string{"The Willow Group was formed by Southern Health Trust and operates", "out of Gosport."}},
	}
	for _, tt := range tests {
		rj := rejoined{TwoColumns: tt.two}
		var got []string
		for _, b := range joinBroken(slices.Clone(tt.in), &rj) {
			got = append(got, b.Text)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

package sections

import (
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

func heading(text string, size float64) document.Block {
	return document.Block{Kind: document.Heading, Text: text, FontSize: size}
}

func para(text string) document.Block {
	return document.Block{Kind: document.Paragraph, Text: text, FontSize: 10}
}

// outline renders a section tree as "level:title[pages]" lines, indented.
func outline(secs []*document.Section) string {
	var b strings.Builder
	document.Walk(secs, func(s *document.Section, parents []*document.Section) {
		b.WriteString(strings.Repeat("  ", len(parents)))
		b.WriteString(s.Title)
		b.WriteString(" [")
		b.WriteString(itoa(s.PageStart))
		b.WriteString("-")
		b.WriteString(itoa(s.PageEnd))
		b.WriteString("]\n")
	})
	return b.String()
}

func itoa(i int) string {
	return strings.TrimLeft(string([]byte{byte('0' + i/10), byte('0' + i%10)}), "0")
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name   string
		pages  [][]document.Block
		marks  []Mark
		markup bool
		want   string
		origin string
	}{
		{
			name: "typography: larger is higher, one-off display text is not a parent",
			pages: [][]document.Block{
				{heading("Foreword", 16), para("..."), heading("Table of Contents", 40), para("...")},
				{heading("Introduction", 16), para("x"), heading("Background", 12), para("y")},
				{heading("Our population", 16), heading("Deprivation", 12), para("z")},
			},
			want: "Foreword [1-1]\nTable of Contents [1-1]\nIntroduction [2-2]\n  Background [2-2]\nOur population [3-3]\n  Deprivation [3-3]\n",
		},
		{
			name: "typography: a title on page 1 is the root",
			pages: [][]document.Block{
				{heading("Joint Forward Plan", 28), heading("Summary", 16), para("x")},
				{heading("Finance", 16), para("y")},
			},
			want: "Joint Forward Plan [1-2]\n  Summary [1-1]\n  Finance [2-2]\n",
		},
		{
			name: "numbering beats typography",
			pages: [][]document.Block{
				{heading("1. Introduction", 12), para("x"), heading("1.1 Purpose", 12)},
				{heading("2. Our population", 12), heading("2.1 Deprivation", 12), heading("2.2 Ethnicity", 12)},
				{heading("Appendix A", 12), para("z")},
			},
			want:   "1. Introduction [1-1]\n  1.1 Purpose [1-1]\n2. Our population [2-2]\n  2.1 Deprivation [2-2]\n  2.2 Ethnicity [2-2]\nAppendix A [3-3]\n",
			origin: OriginNumbering,
		},
		{
			name: "bookmarks beat both, matched to their blocks",
			pages: [][]document.Block{
				{para("cover"), heading("Foreword", 14)},
				{heading("1. Context", 14), para("x")},
				{heading("2. Priorities", 14), para("y")},
			},
			marks:  []Mark{{"Foreword", 1, 1}, {"Context", 1, 2}, {"Priorities", 1, 3}},
			want:   "Foreword [1-1]\nContext [2-2]\nPriorities [3-3]\n",
			origin: OriginBookmark,
		},
		{
			name: "markup levels kept",
			pages: [][]document.Block{
				{{Kind: document.Heading, Text: "Plan", Level: 1}, {Kind: document.Heading, Text: "Aims", Level: 2}, para("x"), {Kind: document.Heading, Text: "Detail", Level: 4}},
			},
			markup: true,
			want:   "Plan [1-1]\n  Aims [1-1]\n    Detail [1-1]\n",
			origin: OriginMarkup,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &document.Document{}
			for i, bs := range tc.pages {
				d.Pages = append(d.Pages, document.Page{Number: i + 1, Blocks: bs})
			}
			Build(d, tc.marks, tc.markup)
			if got := outline(d.Sections); got != tc.want {
				t.Errorf("tree:\n%s\nwant:\n%s", got, tc.want)
			}
			if tc.origin != "" && len(d.Sections) > 0 && d.Sections[0].Origin != tc.origin {
				t.Errorf("origin = %s, want %s", d.Sections[0].Origin, tc.origin)
			}
		})
	}
}

// A bookmark matched to its heading gives that block the bookmark's level
// and the section starts at it.
func TestBookmarkStartsAtItsHeading(t *testing.T) {
	d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{para("a"), heading("Finance", 14), para("b")}}}}
	Build(d, []Mark{{"Finance", 2, 1}, {"Other", 1, 1}}, false)
	s := d.Sections[0]
	if s.Start != (document.BlockRef{Page: 0, Block: 1}) || d.Pages[0].Blocks[1].Level != 2 {
		t.Errorf("start %+v, level %d", s.Start, d.Pages[0].Blocks[1].Level)
	}
}

func TestSimilar(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"1. Executive summary", "Executive summary", true}, // outlines often drop the number
		{"Introduction", "Introduction", true},
		{"Slide 2: Introduction", "Introduction", true},
		{"Our population and its needs", "Our population", false},
		{"A", "A", true},
		{"Finance", "Workforce", false},
	} {
		if got := Similar(tc.a, tc.b); got != tc.want {
			t.Errorf("Similar(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

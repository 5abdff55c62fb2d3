package pack

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// page is a printed page with the given running lines and blocks (a
// heading first, then paragraphs).
func page(n int, running []string, heading string, paras ...string) document.Page {
	p := document.Page{Number: n, Width: 595, Height: 842, Running: running}
	if heading != "" {
		p.Blocks = append(p.Blocks, document.Block{Kind: document.Heading, Text: heading, Level: 1})
	}
	for _, t := range paras {
		p.Blocks = append(p.Blocks, document.Block{Kind: document.Paragraph, Text: t})
	}
	return p
}

// TestSplitRunning: a pack whose only sign of its papers is the item its
// pages' running lines name ("Paper C" in the footer beside the page
// number) splits where that item changes; a page that names none stays
// with the paper before it; titles come from the papers' headings, as the
// agenda lists no items of those names.
func TestSplitRunning(t *testing.T) {
	foot := func(item string, n int) []string {
		return []string{"Trust Board, 4 March 2026", "Paper " + item + " | Page " + string(rune('0'+n))}
	}
	d := &document.Document{Title: "Trust Board pack", Pages: []document.Page{
		page(1, []string{"Trust Board, 4 March 2026"}, "Trust Board meeting in public", "Agenda", "Apologies and declarations of interest."),
		page(2, foot("A", 2), "Minutes of the meeting held on 4 February 2026", "Present: the Chair and eight directors."),
		page(3, foot("A", 3), "", "The meeting closed at 12:40."),
		page(4, foot("B", 4), "Winter Plan 2026/27", "The Board is asked to approve the plan.", "We will open 40 beds."),
		page(5, []string{"Trust Board, 4 March 2026"}, "Appendix A: surge capacity", "Wards open in turn."),
		page(6, foot("C", 6), "Finance report, month 10", "The Trust reports a deficit of 2.1 million pounds."),
	}}
	got := Split(d)
	want := []Paper{
		{Title: "Agenda and papers before the first item", Kind: KindAgenda, FirstPage: 1, LastPage: 1},
		{Number: "A", Title: "Minutes of the meeting held on 4 February 2026", Kind: KindMinutes, FirstPage: 2, LastPage: 3},
		{Number: "B", Title: "Winter Plan 2026/27", Kind: KindStrategy, Asked: "The Board is asked to approve the plan.", FirstPage: 4, LastPage: 5},
		{Number: "C", Title: "Finance report, month 10", Kind: KindFinance, FirstPage: 6, LastPage: 6},
	}
	if len(got) != len(want) {
		t.Fatalf("%d papers, want %d:\n%s", len(got), len(want), show(got))
	}
	for i := range want {
		g := got[i]
		g.start, g.end = 0, 0
		if g != want[i] {
			t.Errorf("paper %d\n got %+v\nwant %+v", i, g, want[i])
		}
	}
}

// TestSplitRunningNotTrusted: running lines that do not name one paper
// after another (an item back after another), or that name one item
// only, do not split a document; nor do items in lower case or inside
// the text rather than in the running lines.
func TestSplitRunningNotTrusted(t *testing.T) {
	for name, pages := range map[string][]document.Page{
		"an item back after another": {
			page(1, []string{"Agenda item 4"}, "Winter Plan", "Text."),
			page(2, []string{"Agenda item 5"}, "Finance report", "Text."),
			page(3, []string{"Agenda item 4"}, "", "Text."),
		},
		"one item": {
			page(1, []string{"Agenda item 4"}, "Winter Plan", "Text."),
			page(2, []string{"Agenda item 4"}, "", "Text."),
		},
		"a letter in lower case": {
			page(1, []string{"item a"}, "Winter Plan", "Text."),
			page(2, []string{"item b"}, "Finance report", "Text."),
		},
		"items in the text": {
			page(1, nil, "Winter Plan", "Agenda item 4"),
			page(2, nil, "Finance report", "Agenda item 5"),
		},
	} {
		d := &document.Document{Title: "A plan", Pages: pages}
		if got := Split(d); len(got) != 1 {
			t.Errorf("%s: split into %d papers:\n%s", name, len(got), show(got))
		}
	}
}

// TestRunningItem reads the item of running lines as packs write it.
func TestRunningItem(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  string
	}{
		{[]string{"Agenda item 7"}, "7"},
		{[]string{"Trust Board 4 March 2026", "AGENDA ITEM 4aii"}, "4aii"},
		{[]string{"Item 5.1 | Page 6 of 12"}, "5.1"},
		{[]string{"Board of Directors - Paper C"}, "C"},
		{[]string{"Enclosure B2"}, "B2"},
		{[]string{"Agenda item: 12"}, "12"},
		{[]string{"Page 3 of 40", "Trust Board"}, ""},
		{[]string{"Board paper assurance"}, ""},
		{nil, ""},
	} {
		if got := runningItem(tc.lines); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.lines, got, tc.want)
		}
	}
}

// pagesOf is the first and last pages of each paper, with its number:
// "2:2-3 3:4-4".
func pagesOf(ps []Paper) string {
	var b []string
	for _, p := range ps {
		b = append(b, fmt.Sprintf("%s:%d-%d", p.Number, p.FirstPage, p.LastPage))
	}
	return strings.Join(b, " ")
}

// TestSplitRunningWithCovers: in a pack with cover sheets, a paper
// without one starts where its pages' running lines change to its item,
// titled by the agenda; a cover and a change of item on the same page
// are one start, and a cover page without the running line does not part
// its paper from its body. Running lines the covers do not bear out (an
// item that is not the cover's number on the cover's page), or whose
// item comes back after another, leave the pack to its covers.
func TestSplitRunningWithCovers(t *testing.T) {
	cover := func(n int, running []string, item, title string) document.Page {
		return page(n, running, "", "Agenda item: "+item, "Title of report: "+title, "Presented by: Director of Strategy", "Purpose: For approval")
	}
	item := func(n string) []string { return []string{"Agenda item " + n} }
	agenda := page(1, nil, "Board meeting in public", "Agenda", "Item 2 Minutes of the last meeting", "Item 3 Winter Plan 2026/27",
		"Item 4 Quality and safety report", "Item 5 Finance report, month 10")
	for _, tc := range []struct {
		name  string
		pages []document.Page
		want  string
	}{
		{"a paper without a cover", []document.Page{
			agenda,
			cover(2, item("2"), "2", "Minutes of the last meeting"),
			page(3, item("2"), "", "The meeting closed at 12:40."),
			cover(4, item("3"), "3", "Winter Plan 2026/27"),
			page(5, item("3"), "Capacity", "We will open 40 beds."),
			page(6, item("4"), "Safety in the third quarter", "Pressure ulcers fell to twelve."),
			page(7, item("4"), "", "Complaints were answered on time."),
			cover(8, item("5"), "5", "Finance report, month 10"),
		}, ":1-1 2:2-3 3:4-5 4:6-7 5:8-8"},
		{"cover pages without the running line", []document.Page{
			agenda,
			cover(2, nil, "2", "Minutes of the last meeting"),
			page(3, item("2"), "", "The meeting closed at 12:40."),
			cover(4, nil, "3", "Winter Plan 2026/27"),
			page(5, item("3"), "Capacity", "We will open 40 beds."),
			page(6, item("4"), "Safety in the third quarter", "Pressure ulcers fell to twelve."),
			cover(7, nil, "5", "Finance report, month 10"),
			page(8, item("5"), "", "A deficit of 2.1 million pounds."),
		}, ":1-1 2:2-3 3:4-5 4:6-6 5:7-8"},
		{"lines the covers do not bear out", []document.Page{
			agenda,
			cover(2, []string{"Paper A"}, "2", "Minutes of the last meeting"),
			cover(3, []string{"Paper B"}, "3", "Winter Plan 2026/27"),
			page(4, []string{"Paper C"}, "Safety in the third quarter", "Pressure ulcers fell to twelve."),
			cover(5, []string{"Paper D"}, "5", "Finance report, month 10"),
		}, ":1-1 2:2-2 3:3-4 5:5-5"},
		{"an item back after another", []document.Page{
			agenda,
			cover(2, item("2"), "2", "Minutes of the last meeting"),
			cover(3, item("3"), "3", "Winter Plan 2026/27"),
			page(4, item("4"), "Safety in the third quarter", "Pressure ulcers fell to twelve."),
			page(5, item("3"), "", "Appendix."),
			cover(6, item("5"), "5", "Finance report, month 10"),
		}, ":1-1 2:2-2 3:3-5 5:6-6"},
	} {
		got := Split(&document.Document{Title: "Board pack", Pages: tc.pages})
		if pagesOf(got) != tc.want {
			t.Errorf("%s: %s, want %s:\n%s", tc.name, pagesOf(got), tc.want, show(got))
		}
		if tc.name == "a paper without a cover" && (got[3].Title != "Quality and safety report" || got[3].Kind != KindQuality) {
			t.Errorf("%s: paper 4 is %+v, want the agenda's title", tc.name, got[3])
		}
	}
}

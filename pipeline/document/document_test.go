package document

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func page(n int, texts ...string) Page {
	p := Page{Number: n}
	for _, t := range texts {
		p.Blocks = append(p.Blocks, Block{Kind: Paragraph, Text: t})
	}
	return p
}

func TestMeasure(t *testing.T) {
	long := strings.Repeat("word ", 40)
	tests := []struct {
		name     string
		pages    []Page
		controls int
		ocr      bool
		empty    []int
		warn     string
	}{
		{"text on every page", []Page{page(1, long), page(2, long)}, 0, false, nil, ""},
		{"no text at all", []Page{page(1), page(2)}, 0, true, []int{1, 2}, "needs OCR"},
		{"some pages empty", []Page{page(1, long), page(2), page(3, long)}, 0, false, []int{2}, "1 of 3 pages had no text"},
		{"undecodable glyphs", []Page{page(1, long+strings.Repeat("\uFFFD", 20))}, 0, false, nil, "could not be decoded"},
		{"control characters", []Page{page(1, long)}, 50, false, nil, "control characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &Document{Format: FormatPDF, Pages: tc.pages}
			d.Measure(tc.controls)
			q := d.Quality
			if q.NeedsOCR != tc.ocr {
				t.Errorf("needs_ocr = %v, want %v", q.NeedsOCR, tc.ocr)
			}
			if len(q.EmptyPages) != len(tc.empty) {
				t.Errorf("empty pages = %v, want %v", q.EmptyPages, tc.empty)
			}
			all := strings.Join(q.Warnings, "\n")
			if tc.warn == "" && all != "" || !strings.Contains(all, tc.warn) {
				t.Errorf("warnings %q, want one containing %q", q.Warnings, tc.warn)
			}
			if q.Pages != len(tc.pages) {
				t.Errorf("pages = %d", q.Pages)
			}
		})
	}
}

// The JSON keys are the contract's (CONTRACT.md, extract schema 1).
func TestJSONKeys(t *testing.T) {
	d := &Document{SchemaVersion: 1, Source: "s", SHA256: "h", Format: FormatPDF, Title: "T",
		Pages:    []Page{{Number: 1, Blocks: []Block{{Kind: Heading, Text: "x", Level: 2}}}},
		Sections: []*Section{{Title: "x", Level: 1, PageStart: 1, PageEnd: 4, Children: []*Section{}}}}
	d.Measure(0)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"schema_version":1`, `"source":`, `"sha256":`, `"format":"pdf"`, `"title":`, `"pages":[{"number":1,"blocks":[{"kind":"heading","text":"x","level":2`,
		`"sections":[{"title":"x","level":1,"page_start":1,"page_end":4`, `"children":[]`, `"quality":{"pages":1,"chars_per_page":`, `"needs_ocr":`, `"warnings":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s:\n%s", key, b)
		}
	}
}

func TestPlainTextSeparatesPagesWithFormFeeds(t *testing.T) {
	d := &Document{Pages: []Page{page(1, "a", "b"), page(2, "c")}}
	if got := d.PlainText(); got != "a\nb\n\fc\n" {
		t.Errorf("PlainText = %q", got)
	}
}

func TestTables(t *testing.T) {
	rows := [][]string{{"Service", "2024/25"}, {"", ""}, {}, {"Urgent care", "£12.1m"}, {"", "note"}}
	kept := FilledRows(rows)
	if want := [][]string{{"Service", "2024/25"}, {"Urgent care", "£12.1m"}, {"", "note"}}; !reflect.DeepEqual(kept, want) {
		t.Errorf("FilledRows = %q, want %q", kept, want)
	}
	if got, want := TableText(kept), "Service\t2024/25\nUrgent care\t£12.1m\n\tnote"; got != want {
		t.Errorf("TableText = %q, want %q", got, want)
	}
	if FilledRows([][]string{{""}}) != nil || TableText(nil) != "" {
		t.Error("an empty table is no rows and no text")
	}
}

// EachBlock names each block's section as evidence does: the titles
// down to the deepest section started at or before it, a title root left
// out.
func TestEachBlock(t *testing.T) {
	d := &Document{Pages: []Page{
		{Number: 1, Blocks: []Block{{Kind: Heading, Text: "Plan"}, {Kind: Paragraph, Text: "Intro."}, {Kind: Heading, Text: "2. Money"}}},
		{Number: 2, Blocks: []Block{{Kind: Heading, Text: "Capital"}, {Kind: Table, Rows: [][]string{{"Year", "£m"}, {"2026/27", "4"}}}, {Kind: List, Items: []string{"a", "b"}}}},
	}}
	money := &Section{Title: "2. Money", Start: BlockRef{0, 2}, Children: []*Section{{Title: "Capital", Start: BlockRef{1, 0}}}}
	d.Sections = []*Section{{Title: "Plan", Start: BlockRef{0, 0}, Children: []*Section{money}}}
	var got []string
	d.EachBlock(func(ref BlockRef, b Block, section string) {
		got = append(got, fmt.Sprintf("%d/%d %s: %s", ref.Page, ref.Block, section, BlockText(b)))
	})
	want := []string{"0/0 Plan: Plan", "0/1 Plan: Intro.", "0/2 2. Money: 2. Money", "1/0 2. Money > Capital: Capital",
		"1/1 2. Money > Capital: Year | £m\n2026/27 | 4", "1/2 2. Money > Capital: a\nb"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A tree whose starts are out of order (a section's child listed before
// where the next top-level section starts, as PDF bookmarks can be): the
// path follows the tree, as the annotator names evidence sections
// (EachBlockPath), not the last start met in reading order.
func TestEachBlockFollowsTheTree(t *testing.T) {
	d := &Document{Pages: []Page{{Number: 1, Blocks: []Block{
		{Kind: Heading, Text: "Report"}, {Kind: Heading, Text: "Types"}, {Kind: Paragraph, Text: "a"},
		{Kind: Heading, Text: "Background"}, {Kind: Paragraph, Text: "b"}}}}}
	// Background starts after Types, yet is listed under the first root.
	d.Sections = []*Section{
		{Title: "Report", Start: BlockRef{0, 0}, Children: []*Section{{Title: "Background", Start: BlockRef{0, 3}}}},
		{Title: "Types", Start: BlockRef{0, 1}},
	}
	var got, paths []string
	d.EachBlock(func(ref BlockRef, b Block, section string) { got = append(got, section) })
	d.EachBlockPath(func(ref BlockRef, b Block, path []string) { paths = append(paths, strings.Join(path, " > ")) })
	want := "Report|Types|Types|Types|Types"
	if strings.Join(got, "|") != want || strings.Join(paths, "|") != want {
		t.Errorf("sections %q, paths %q; want %q for both", strings.Join(got, "|"), strings.Join(paths, "|"), want)
	}
}

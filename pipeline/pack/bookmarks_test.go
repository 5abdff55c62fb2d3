package pack

import (
	"context"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// A PDF pack with bookmarks and no cover sheets is split at its
// top-level bookmarks: numbers and titles from the bookmarks, the
// appendix (a child bookmark) kept with its paper, pages exact.
func TestSplitBookmarks(t *testing.T) {
	fx := pdfgen.BoardPack()
	d, err := extract.Document(context.Background(), &fetched.Doc{Source: "pack.pdf", Data: fx.PDF}, extract.Options{InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	got := Split(d)
	t.Logf("split:\n%s", show(got))
	want := []Paper{
		{Number: "1", Title: "Agenda", Kind: KindAgenda, FirstPage: 1, LastPage: 1},
		{Number: "2", Title: "Minutes of the meeting held on 4 February 2026", Kind: KindMinutes, FirstPage: 2, LastPage: 2},
		{Number: "3", Title: "Chief Executive's report", Kind: KindReport, FirstPage: 3, LastPage: 3},
		{Number: "4", Title: "Winter Plan 2026/27", Asked: "The board is asked to approve the winter plan, which adds 40 beds from December to March.", Kind: KindStrategy, FirstPage: 4, LastPage: 5},
		{Number: "5", Title: "Finance report, month 10", Kind: KindFinance, FirstPage: 6, LastPage: 6},
	}
	if len(got) != len(want) {
		t.Fatalf("%d papers, want %d:\n%s", len(got), len(want), show(got))
	}
	for i := range want {
		g := got[i]
		g.start, g.end = 0, 0
		if g != want[i] {
			t.Errorf("paper %d = %+v, want %+v", i, g, want[i])
		}
	}
}

// A strategy's chapters are bookmarked too: without cover sheets or a
// bookmark for an agenda or minutes, bookmarks do not make a pack.
func TestSplitBookmarksNotAPack(t *testing.T) {
	d := &document.Document{Title: "Joint Forward Plan", Pages: []document.Page{
		{Number: 1, Blocks: []document.Block{{Kind: document.Heading, Text: "1. Introduction"}, {Kind: document.Paragraph, Text: "This plan says what we will do."}}},
		{Number: 2, Blocks: []document.Block{{Kind: document.Heading, Text: "2. Our priorities"}, {Kind: document.Paragraph, Text: "We have three priorities."}}},
	}, Sections: []*document.Section{
		{Title: "1. Introduction", Level: 1, Origin: "bookmark", Start: document.BlockRef{Page: 0, Block: 0}},
		{Title: "2. Our priorities", Level: 1, Origin: "bookmark", Start: document.BlockRef{Page: 1, Block: 0}},
	}}
	if got := Split(d); len(got) != 1 {
		t.Errorf("a bookmarked strategy split into %d papers, want 1:\n%s", len(got), show(got))
	}
}

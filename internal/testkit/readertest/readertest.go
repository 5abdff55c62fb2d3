// Package readertest holds what the tests of the one-page readers (HTML,
// DOCX, Markdown and text) check of every document they read.
package readertest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// CheckOnePage asserts what holds for every document a one-page reader
// returns: the schema version and one of formats; one page numbered 1;
// source, hash and sections left to the caller; quality measured; and
// every block non-empty, whitespace folded, a list's text its items, a
// table's text its rows, a heading's level from 1 to maxLevel.
func CheckOnePage(t testing.TB, d *document.Document, maxLevel int, formats ...document.Format) {
	t.Helper()
	if d.SchemaVersion != document.SchemaVersion {
		t.Errorf("schema version %d", d.SchemaVersion)
	}
	if !slices.Contains(formats, d.Format) {
		t.Errorf("format %q, want one of %q", d.Format, formats)
	}
	if len(d.Pages) != 1 || d.Pages[0].Number != 1 {
		t.Fatalf("want one page numbered 1, got %d pages", len(d.Pages))
	}
	if d.Source != "" || d.SHA256 != "" || d.Sections != nil {
		t.Errorf("Source, SHA256 and Sections are the caller's")
	}
	if d.Quality.Pages != 1 || d.Quality.Warnings == nil {
		t.Errorf("quality not measured: %+v", d.Quality)
	}
	for i, b := range d.Pages[0].Blocks {
		if strings.TrimSpace(b.Text) == "" {
			t.Errorf("block %d is empty: %+v", i, b)
		}
		for _, piece := range foldedPieces(b) {
			if piece != strings.TrimSpace(piece) || strings.ContainsAny(piece, "\t\n") || strings.Contains(piece, "  ") {
				t.Errorf("block %d not folded: %q", i, piece)
			}
		}
		switch b.Kind {
		case document.Heading:
			if b.Level < 1 || b.Level > maxLevel {
				t.Errorf("heading %d has level %d", i, b.Level)
			}
		case document.List:
			if b.Text != strings.Join(b.Items, "\n") {
				t.Errorf("list %d text is not its items", i)
			}
		case document.Table:
			var rows []string
			for _, r := range b.Rows {
				rows = append(rows, strings.Join(r, "\t"))
			}
			if b.Text != strings.Join(rows, "\n") {
				t.Errorf("table %d text is not its rows", i)
			}
		}
	}
}

// foldedPieces returns the strings of a block that must be whitespace
// folded: the text, or each list item, or each table cell.
func foldedPieces(b document.Block) []string {
	switch b.Kind {
	case document.List:
		return b.Items
	case document.Table:
		var cells []string
		for _, r := range b.Rows {
			cells = append(cells, r...)
		}
		return cells
	}
	return []string{b.Text}
}

// stopAfter is a context that is never done until its Err has been asked
// After times, and done from then on: a reader that checks it in its
// loop stops part-way, and Calls says how often it asked.
type stopAfter struct {
	After int
	Calls int
}

func (c *stopAfter) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *stopAfter) Done() <-chan struct{}       { return nil }
func (c *stopAfter) Value(any) any               { return nil }

func (c *stopAfter) Err() error {
	c.Calls++
	if c.After > 0 && c.Calls >= c.After {
		return context.Canceled
	}
	return nil
}

// CheckStops reads a document of n units (lines, elements, XML tokens)
// twice with read: once with a context that is never done, which the
// reader must ask at least once per every units (so that it checks in
// its loop, not only at the start or end), and once with one that is
// done at the third asking, where read must fail with context.Canceled.
func CheckStops(t *testing.T, n, every int, read func(ctx context.Context) error) {
	t.Helper()
	never := &stopAfter{}
	if err := read(never); err != nil {
		t.Fatalf("with a context that is never done: %v", err)
	}
	if want := n/every - 1; never.Calls < want {
		t.Errorf("the reader asked its context %d times over %d units, want at least %d (once every %d)", never.Calls, n, want, every)
	}
	stop := &stopAfter{After: 3}
	err := read(stop)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("with a context done part-way: error %v, want context.Canceled", err)
	}
	// context.Cause asks once more, for a context of this kind.
	if stop.Calls > 4 {
		t.Errorf("the reader asked %d times after its context was done, want it to stop at once", stop.Calls-3)
	}
}

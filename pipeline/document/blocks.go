package document

import (
	"slices"
	"strings"
)

// BlockText is a block's text as one passage: a list's items one a line,
// a table's rows one a line with their cells joined by " | " (as quotes
// of a row read), anything else its text.
func BlockText(b Block) string {
	switch {
	case b.Kind == List && len(b.Items) > 0:
		return strings.Join(b.Items, "\n")
	case b.Kind == Table && len(b.Rows) > 0:
		lines := make([]string, 0, len(b.Rows))
		for _, r := range b.Rows {
			lines = append(lines, strings.Join(r, " | "))
		}
		return strings.Join(lines, "\n")
	}
	return b.Text
}

// EachBlock calls fn for every block in reading order with where it is
// and the section path it falls under, as the scorecard's evidence names
// sections: the titles from the outermost section to the deepest one that
// starts at or before the block, joined by " > ", a single root section
// that is the document's title left out ("2. Money", not "Plan > 2.
// Money"). One pass over the blocks, for indexing whole documents; the
// annotator finds the section of a sentence at a time.
func (d *Document) EachBlock(fn func(ref BlockRef, b Block, section string)) {
	type start struct {
		at   BlockRef
		path string
	}
	titleRoot := ""
	if len(d.Sections) == 1 && d.Sections[0] != nil && len(d.Sections[0].Children) > 0 {
		titleRoot = d.Sections[0].Title
	}
	var starts []start
	Walk(d.Sections, func(s *Section, parents []*Section) {
		if s == nil {
			return
		}
		titles := make([]string, 0, len(parents)+1)
		for _, p := range parents {
			titles = append(titles, p.Title)
		}
		titles = append(titles, s.Title)
		if len(titles) > 1 && titles[0] == titleRoot {
			titles = titles[1:]
		}
		starts = append(starts, start{s.Start, strings.Join(titles, " > ")})
	})
	// Walk visits a parent before its children; a stable sort keeps that
	// order where they start at the same block, so the deeper one wins.
	slices.SortStableFunc(starts, func(a, b start) int {
		switch {
		case a.at.Less(b.at):
			return -1
		case b.at.Less(a.at):
			return 1
		}
		return 0
	})
	next, section := 0, ""
	for pi, p := range d.Pages {
		for bi, b := range p.Blocks {
			ref := BlockRef{Page: pi, Block: bi}
			for next < len(starts) && !ref.Less(starts[next].at) {
				section = starts[next].path
				next++
			}
			fn(ref, b, section)
		}
	}
}

package document

import (
	"slices"
	"sort"
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
// starts at or before the block (SectionPaths' path), joined by " > ", a
// single root section that is the document's title left out ("2. Money",
// not "Plan > 2. Money").
func (d *Document) EachBlock(fn func(ref BlockRef, b Block, section string)) {
	titleRoot := ""
	if len(d.Sections) == 1 && d.Sections[0] != nil && len(d.Sections[0].Children) > 0 {
		titleRoot = d.Sections[0].Title
	}
	joined := ""
	var last []string
	d.EachBlockPath(func(ref BlockRef, b Block, path []string) {
		// Blocks of one section share their path: joined once.
		if len(path) != len(last) || (len(path) > 0 && &path[0] != &last[0]) {
			titles := path
			if len(titles) > 1 && titles[0] == titleRoot {
				titles = titles[1:]
			}
			joined, last = strings.Join(titles, " > "), path
		}
		fn(ref, b, joined)
	})
}

// EachBlockPath calls fn for every block in reading order with where it
// is and its section path: the titles from the outermost section to the
// deepest one whose Start is at or before the block, following the tree
// (at each level the last child starting at or before the block; of
// equal starts, the later listed). Blocks of one section share the path
// slice, which fn must not change. The one home of a block's section,
// for the annotator and the corpus's passage index alike.
func (d *Document) EachBlockPath(fn func(ref BlockRef, b Block, path []string)) {
	x := newSectionIndex(d.Sections)
	for pi, p := range d.Pages {
		for bi, b := range p.Blocks {
			ref := BlockRef{Page: pi, Block: bi}
			fn(ref, b, x.path(ref))
		}
	}
}

// sectionIndex finds the section path of a block.
type sectionIndex struct {
	roots []*Section
	cache map[*Section][]string
	// sorted holds each list of siblings (nil: the roots) by Start, for
	// a binary search per level: long documents have a thousand sections
	// in one list and ten thousand blocks.
	sorted map[*Section][]*Section
	chain  []*Section
}

func newSectionIndex(roots []*Section) *sectionIndex {
	return &sectionIndex{roots: roots, cache: map[*Section][]string{}, sorted: map[*Section][]*Section{}}
}

// siblings returns the children of parent (the roots for nil) without
// nils, stably sorted by Start.
func (x *sectionIndex) siblings(parent *Section) []*Section {
	if l, ok := x.sorted[parent]; ok {
		return l
	}
	list := x.roots
	if parent != nil {
		list = parent.Children
	}
	l := make([]*Section, 0, len(list))
	for _, s := range list {
		if s != nil {
			l = append(l, s)
		}
	}
	slices.SortStableFunc(l, func(a, b *Section) int {
		switch {
		case a.Start.Less(b.Start):
			return -1
		case b.Start.Less(a.Start):
			return 1
		}
		return 0
	})
	x.sorted[parent] = l
	return l
}

// path returns the titles from the outermost section to the deepest one
// whose Start is at or before ref, following the tree. Blocks of one
// section share the returned slice.
func (x *sectionIndex) path(ref BlockRef) []string {
	var last *Section
	chain := x.chain[:0]
	var parent *Section
	for depth := 0; depth < 64; depth++ {
		list := x.siblings(parent)
		i := sort.Search(len(list), func(i int) bool { return ref.Less(list[i].Start) })
		if i == 0 {
			break
		}
		pick := list[i-1]
		chain = append(chain, pick)
		last, parent = pick, pick
	}
	x.chain = chain
	if last == nil {
		return nil
	}
	if p, ok := x.cache[last]; ok {
		return p
	}
	p := make([]string, len(chain))
	for i, s := range chain {
		p[i] = s.Title
	}
	x.cache[last] = p
	return p
}

// Package sections builds a document's section tree and sets heading
// levels. It uses, in order of trust: bookmarks (a PDF outline matched to
// its pages), markup (HTML, Markdown and DOCX heading levels), numbering
// ("2.3 Our aims", "Appendix A") and typography (larger or bold short
// lines, as the extractor typed them).
//
// Levels are only given where the evidence supports them: a wrong level
// misfiles every paragraph under it, while a flat list only loses nesting,
// so typography alone never invents more than three levels and a document
// whose heading sizes are inconsistent stays flat.
package sections

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Mark is a bookmark: a title, its depth (1 = top) and the page it points
// to (0 when unknown).
type Mark struct {
	Title string
	Level int
	Page  int
}

// Origins of sections, as recorded in Section.Origin.
const (
	OriginBookmark   = "bookmark"
	OriginMarkup     = "markup"
	OriginNumbering  = "numbering"
	OriginTypography = "typography"
)

// entry is a heading in reading order before the tree is built.
type entry struct {
	title string
	level int
	ref   document.BlockRef
	page  int // page number
}

// Build fills d.Sections and the Level of heading blocks. markup says the
// heading levels already in the blocks come from the source's own markup
// (HTML h1-h6, Markdown #, DOCX heading styles) and are to be kept.
func Build(d *document.Document, marks []Mark, markup bool) {
	var entries []entry
	origin := OriginTypography
	switch {
	case usableMarks(marks, len(d.Pages)):
		entries, origin = fromMarks(d, marks), OriginBookmark
	case markup:
		entries, origin = fromMarkup(d), OriginMarkup
	default:
		if e := fromNumbering(d); e != nil {
			entries, origin = e, OriginNumbering
		} else {
			entries = fromTypography(d)
		}
	}
	d.Sections = tree(d, entries, origin)
}

// usableMarks: at least two bookmarks, most of them resolved to a page.
func usableMarks(marks []Mark, pages int) bool {
	if len(marks) < 2 {
		return false
	}
	ok := 0
	for _, m := range marks {
		if m.Page > 0 && m.Page <= pages {
			ok++
		}
	}
	return ok*2 >= len(marks)
}

// key normalises a title for comparison: lower case, letters and digits
// only, single spaces.
func key(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// Similar reports whether two titles name the same heading: equal after
// normalising, or one a prefix of the other making up most of it (outline
// titles are often shortened, or carry a number the page omits).
func Similar(a, b string) bool {
	ka, kb := key(a), key(b)
	if ka == "" || kb == "" {
		return false
	}
	if ka == kb {
		return true
	}
	if len(ka) > len(kb) {
		ka, kb = kb, ka
	}
	if len(ka) < 4 {
		return false
	}
	if strings.HasPrefix(kb, ka) || strings.HasSuffix(kb, ka) {
		return float64(len(ka)) >= 0.6*float64(len(kb))
	}
	return false
}

// fromMarks matches bookmarks to the blocks that carry their titles.
func fromMarks(d *document.Document, marks []Mark) []entry {
	var out []entry
	page := 1
	lastRef := document.BlockRef{}
	for _, m := range marks {
		if m.Page > 0 && m.Page <= len(d.Pages) {
			page = m.Page
		}
		level := m.Level
		if level < 1 {
			level = 1
		}
		pi := page - 1
		ref := document.BlockRef{Page: pi, Block: 0}
		found := false
		blocks := d.Pages[pi].Blocks
		for bi := range blocks {
			if (document.BlockRef{Page: pi, Block: bi}).Less(lastRef) {
				continue
			}
			if Similar(blocks[bi].Text, m.Title) || strings.HasPrefix(key(blocks[bi].Text), key(m.Title)) && key(m.Title) != "" {
				ref, found = document.BlockRef{Page: pi, Block: bi}, true
				break
			}
		}
		if found {
			b := &d.Pages[pi].Blocks[ref.Block]
			if b.Kind == document.Paragraph && len(b.Text) <= 2*len(m.Title)+10 {
				b.Kind = document.Heading
			}
			if b.Kind == document.Heading {
				b.Level = level
			}
		} else if lastRef.Page == pi && lastRef.Less(document.BlockRef{Page: pi, Block: len(blocks)}) {
			ref = lastRef
		}
		lastRef = ref
		title := m.Title
		if title == "" {
			title = "(untitled)"
		}
		out = append(out, entry{title: title, level: level, ref: ref, page: page})
	}
	// Headings the outline does not list sit one level below the bookmark
	// they follow.
	i := 0
	cur := 0
	for pi := range d.Pages {
		for bi := range d.Pages[pi].Blocks {
			r := document.BlockRef{Page: pi, Block: bi}
			for i < len(out) && !r.Less(out[i].ref) {
				cur = out[i].level
				i++
			}
			b := &d.Pages[pi].Blocks[bi]
			if b.Kind == document.Heading && b.Level == 0 {
				b.Level = min(cur+1, 6)
			}
		}
	}
	return out
}

// fromMarkup keeps the levels the source gave its headings.
func fromMarkup(d *document.Document) []entry {
	var out []entry
	eachHeading(d, func(r document.BlockRef, b *document.Block) {
		if b.Level < 1 {
			b.Level = 1
		}
		if b.Level > 6 {
			b.Level = 6
		}
		out = append(out, entry{title: b.Text, level: b.Level, ref: r, page: d.Pages[r.Page].Number})
	})
	return out
}

func eachHeading(d *document.Document, fn func(document.BlockRef, *document.Block)) {
	for pi := range d.Pages {
		for bi := range d.Pages[pi].Blocks {
			if b := &d.Pages[pi].Blocks[bi]; b.Kind == document.Heading {
				fn(document.BlockRef{Page: pi, Block: bi}, b)
			}
		}
	}
}

var (
	numberRE   = lazyre.New(`^(\d{1,2})((?:\.\d{1,2}){0,3})\.?\s+\S`)
	partRE     = lazyre.New(`^(?i:part|chapter)\s+(?:[IVX]{1,5}|\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b`)
	appendixRE = lazyre.New(`^(?i:appendix|annex|annexe|section)\s+(?:[A-Z]|\d{1,2}|[IVX]{1,5})\b`)
)

// numberDepth returns the depth a heading's number gives it (1 for "2",
// "2." or "Appendix A", 2 for "2.3") or 0 when it is not numbered.
func numberDepth(text string) int {
	if m := numberRE.FindStringSubmatch(text); m != nil {
		return 1 + strings.Count(m[2], ".")
	}
	if partRE.MatchString(text) || appendixRE.MatchString(text) {
		return 1
	}
	return 0
}

// fromNumbering uses section numbers when at least three headings carry
// them and they include more than one top-level number. Unnumbered headings
// (a cover title, "Foreword") take the level of the numbered headings of
// their size or, when smaller, sit under the previous numbered heading.
func fromNumbering(d *document.Document) []entry {
	type h struct {
		ref   document.BlockRef
		b     *document.Block
		depth int
	}
	var hs []h
	tops := map[string]bool{}
	numbered := 0
	eachHeading(d, func(r document.BlockRef, b *document.Block) {
		dep := numberDepth(b.Text)
		if dep > 0 {
			numbered++
			if dep == 1 {
				tops[strings.Fields(b.Text)[0]] = true
			}
		}
		hs = append(hs, h{r, b, dep})
	})
	if numbered < 3 || len(tops) < 2 || numbered*3 < len(hs) {
		return nil
	}
	// the font size of top-level numbered headings
	topSize := 0.0
	for _, x := range hs {
		if x.depth == 1 {
			topSize = math.Max(topSize, x.b.FontSize)
		}
	}
	var out []entry
	last := 0
	for _, x := range hs {
		level := x.depth
		if level == 0 {
			if x.b.FontSize >= topSize-0.5 || last == 0 {
				level = 1
			} else {
				level = min(last+1, 6)
			}
		} else {
			last = level
		}
		x.b.Level = level
		out = append(out, entry{title: x.b.Text, level: level, ref: x.ref, page: d.Pages[x.ref.Page].Number})
	}
	return out
}

// fromTypography ranks heading font sizes (sizes within 1pt are one
// tier): the largest tier used by at least two headings is level 1, the
// next level 2, the next 3 (bold headings at body size are the smallest
// tier, so they come below every larger one). A size used only once is
// display text ("Table of Contents" in 40pt, a slide's callout) and takes
// the level of the first tier, not a level of its own, except the
// document's title: the first heading, on the first page, in the largest
// size, which becomes the root that the rest sits under.
func fromTypography(d *document.Document) []entry {
	var tiers []*tier
	tierOf := func(size float64) *tier {
		for _, t := range tiers {
			if math.Abs(t.size-size) <= 1 {
				return t
			}
		}
		return nil
	}
	var heads []*document.Block
	var refs []document.BlockRef
	eachHeading(d, func(r document.BlockRef, b *document.Block) {
		heads = append(heads, b)
		refs = append(refs, r)
	})
	sizes := make([]float64, len(heads))
	for i, b := range heads {
		sizes[i] = math.Round(b.FontSize)
	}
	sorted := append([]float64(nil), sizes...)
	sort.Sort(sort.Reverse(sort.Float64Slice(sorted)))
	for _, sz := range sorted {
		if t := tierOf(sz); t != nil {
			t.count++
		} else {
			tiers = append(tiers, &tier{size: sz, count: 1})
		}
	}
	// levels of the tiers used more than once, largest first
	level := map[*tier]int{}
	next := 1
	title := len(heads) > 1 && refs[0].Page == 0 && tierOf(sizes[0]) == tiers[0] && tiers[0].count == 1
	if title {
		next = 2
	}
	for _, t := range tiers {
		if t.count >= 2 && next <= 3+btoi(title) {
			level[t] = next
			next++
		}
	}
	firstLevel, deepest := 1+btoi(title), next-1
	if deepest < firstLevel {
		deepest = firstLevel
	}
	var out []entry
	for i, b := range heads {
		t := tierOf(sizes[i])
		lv, ok := level[t]
		switch {
		case i == 0 && title:
			lv = 1
		case ok:
		case t.count == 1 && (len(level) == 0 || t.size > firstMain(tiers).size):
			lv = firstLevel // display text above the headings
		default:
			lv = deepest // a one-off smaller size, or beyond three tiers
		}
		b.Level = lv
		out = append(out, entry{title: b.Text, level: lv, ref: refs[i], page: d.Pages[refs[i].Page].Number})
	}
	return out
}

// tier is a heading font size and how many headings use it.
type tier struct {
	size  float64
	count int
}

// firstMain is the largest tier used by more than one heading.
func firstMain(tiers []*tier) *tier {
	for _, t := range tiers {
		if t.count >= 2 {
			return t
		}
	}
	return tiers[len(tiers)-1]
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tree nests entries by level and gives each section its page range: from
// its heading to the page before the next section at its level or above
// (or that page itself when the next heading is further down it).
func tree(d *document.Document, entries []entry, origin string) []*document.Section {
	roots := []*document.Section{}
	type open struct {
		s *document.Section
		e entry
	}
	var stack []open
	lastPage := 1
	if n := len(d.Pages); n > 0 {
		lastPage = d.Pages[n-1].Number
	}
	closeTo := func(next entry, level int) {
		for len(stack) > 0 && stack[len(stack)-1].e.level >= level {
			top := stack[len(stack)-1]
			end := next.page
			if next.ref.Block == 0 && next.page > top.e.page {
				end = next.page - 1
			}
			top.s.PageEnd = max(end, top.s.PageStart)
			stack = stack[:len(stack)-1]
		}
	}
	for _, e := range entries {
		closeTo(e, e.level)
		title, _ := textclean.Clean(e.title, false)
		s := &document.Section{
			Title:     textclean.Fold(title),
			Level:     e.level,
			PageStart: e.page,
			PageEnd:   e.page,
			Start:     e.ref,
			Origin:    origin,
			Children:  []*document.Section{},
		}
		if len(stack) == 0 {
			roots = append(roots, s)
		} else {
			p := stack[len(stack)-1].s
			p.Children = append(p.Children, s)
		}
		stack = append(stack, open{s, e})
	}
	for _, o := range stack {
		o.s.PageEnd = max(lastPage, o.s.PageStart)
	}
	return roots
}

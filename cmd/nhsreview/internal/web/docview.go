package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

func shortHash(b []byte) string { return shortSum(sha256.Sum256(b)) }

// shortSum is the first 8 bytes of a SHA-256, in hex: how pages name
// passages and uploads.
func shortSum(sum [sha256.Size]byte) string { return hex.EncodeToString(sum[:8]) }

// evidenceAnchor names a quoted passage in the document view. The
// scorecard's links and the view's marks both compute it from the page
// and the (folded) quote, so one cannot drift from the other.
func evidenceAnchor(e rules.Evidence) string {
	return fmt.Sprintf("ev-p%d-%s", e.Page, shortHash([]byte(textclean.Fold(e.Quote))))
}

// PassageAnchor names a block in the document view (its id): the
// passage a search found, the start of a section.
func PassageAnchor(pageIndex, block int) string { return fmt.Sprintf("b%d-%d", pageIndex, block) }

// docView is what the document page reads.
type docView struct {
	ID                    int64
	Title, Source, Format string
	PageCount             string
	Warnings              []string
	Evidence              []evidenceGroup
	TOC                   []tocEntry
	Pages                 []viewPage
	Lost                  []*viewMark
}

type evidenceGroup struct {
	Name, Class string
	Score, Max  int
	Items       []evidenceItem
}

type evidenceItem struct {
	Anchor, Short string
	Page          int
}

type tocEntry struct {
	Title, Anchor string
	Page          int
	Children      []tocEntry
}

type viewPage struct {
	Number   int
	Anchor   string
	Blocks   []viewBlock
	Unplaced []*viewMark
}

type viewBlock struct {
	ID     string
	Kind   string
	HLevel int
	Segs   []seg
	Items  [][]seg
	Rows   []viewRow
	// Mark is set when a quote runs across the block's items or cells.
	Mark *viewMark
}

type viewRow struct {
	Cells [][]seg
	Mark  *viewMark
}

// seg is a run of text, highlighted when Mark is set.
type seg struct {
	Text string
	Mark *viewMark
}

// viewMark is one highlighted passage; IDs are the anchors that lead to
// it (several when quotes overlap), Title says which criteria quote it.
type viewMark struct {
	IDs   []string
	Title string
	Quote string
}

// quoteOnPage is an evidence passage waiting to be placed.
type quoteOnPage struct {
	anchor, folded, quote string
	titles                []string
	placed                bool
}

// maxTOCDepth bounds the section tree shown; deeper levels add nothing a
// reader can use and a hostile document could nest without end.
const maxTOCDepth = 6

// buildDocView lays out an extracted document for reading, with every
// evidence passage of card highlighted where it is on its page.
func buildDocView(id int64, d *document.Document, card *rules.Scorecard) *docView {
	v := &docView{ID: id, Title: d.Title, Source: d.Source, Format: string(d.Format), Warnings: d.Quality.Warnings}
	if v.Title == "" {
		v.Title = "(no title)"
	}
	v.PageCount = textclean.Plural(len(d.Pages), "page")
	byPage := map[int][]*quoteOnPage{}
	byAnchor := map[string]*quoteOnPage{}
	if card != nil {
		for _, cr := range card.Criteria {
			g := evidenceGroup{Name: cr.Name, Score: cr.Score, Max: cr.Max, Class: scoreClass(cr.Score, cr.Max)}
			for _, e := range cr.Evidence {
				a := evidenceAnchor(e)
				title := cr.Name
				if e.Signal != "" {
					title += " (" + e.Signal + ")"
				}
				q := byAnchor[a]
				if q == nil {
					q = &quoteOnPage{anchor: a, folded: textclean.Fold(e.Quote), quote: e.Quote}
					byAnchor[a] = q
					byPage[e.Page] = append(byPage[e.Page], q)
				}
				q.titles = append(q.titles, title)
				g.Items = append(g.Items, evidenceItem{Anchor: a, Short: clipText(e.Quote, 160), Page: e.Page})
			}
			if len(g.Items) > 0 {
				v.Evidence = append(v.Evidence, g)
			}
		}
	}
	pageNumbers := map[int]bool{}
	for pi, p := range d.Pages {
		vp := viewPage{Number: p.Number, Anchor: fmt.Sprintf("page-%d", p.Number)}
		pageNumbers[p.Number] = true
		qs := byPage[p.Number]
		for bi, b := range p.Blocks {
			vp.Blocks = append(vp.Blocks, layoutBlock(PassageAnchor(pi, bi), b, qs))
		}
		for _, q := range qs {
			if !q.placed {
				q.placed = true
				vp.Unplaced = append(vp.Unplaced, q.mark())
			}
		}
		v.Pages = append(v.Pages, vp)
	}
	// Quotes citing a page the document does not have still get their
	// anchor, so that no evidence link leads nowhere.
	var lostPages []int
	for pg := range byPage {
		if !pageNumbers[pg] {
			lostPages = append(lostPages, pg)
		}
	}
	sort.Ints(lostPages)
	for _, pg := range lostPages {
		for _, q := range byPage[pg] {
			v.Lost = append(v.Lost, q.mark())
		}
	}
	v.TOC = toc(d.Sections, d, 1)
	return v
}

func (q *quoteOnPage) mark() *viewMark {
	return &viewMark{IDs: []string{q.anchor}, Title: strings.Join(q.titles, "; "), Quote: q.quote}
}

func toc(secs []*document.Section, d *document.Document, depth int) []tocEntry {
	if depth > maxTOCDepth {
		return nil
	}
	var out []tocEntry
	for _, s := range secs {
		if s == nil {
			continue
		}
		anchor := fmt.Sprintf("page-%d", s.PageStart)
		if p := s.Start.Page; p >= 0 && p < len(d.Pages) && s.Start.Block >= 0 && s.Start.Block < len(d.Pages[p].Blocks) {
			anchor = PassageAnchor(p, s.Start.Block)
		}
		out = append(out, tocEntry{Title: s.Title, Anchor: anchor, Page: s.PageStart, Children: toc(s.Children, d, depth+1)})
	}
	return out
}

// layoutBlock renders one block's text as segments, highlighting the
// page's quotes not yet placed.
func layoutBlock(id string, b document.Block, qs []*quoteOnPage) viewBlock {
	vb := viewBlock{ID: id, Kind: string(b.Kind)}
	switch b.Kind {
	case document.Heading:
		vb.HLevel = min(max(b.Level, 1)+2, 6)
		vb.Segs = highlight(b.Text, qs)
	case document.List:
		items := b.Items
		if len(items) == 0 {
			items = strings.Split(b.Text, "\n")
		}
		for _, it := range items {
			vb.Items = append(vb.Items, highlight(it, qs))
		}
		vb.Mark = markWhole(strings.Join(items, " "), qs)
	case document.Table:
		rows := b.Rows
		if len(rows) == 0 {
			for _, l := range strings.Split(b.Text, "\n") {
				rows = append(rows, strings.Split(l, "\t"))
			}
		}
		var all []string
		for _, row := range rows {
			vr := viewRow{}
			for _, c := range row {
				vr.Cells = append(vr.Cells, highlight(c, qs))
			}
			// A quote of a row reads its cells joined, with or without
			// the separators people and the annotators use.
			vr.Mark = markWhole(strings.Join(row, " | "), qs)
			if vr.Mark == nil {
				vr.Mark = markWhole(strings.Join(row, " "), qs)
			}
			if vr.Mark == nil && len(vb.Rows) > 0 {
				// Evidence quotes a row under its column headers.
				if h, ok := document.HeadedRow(strings.Join(rows[0], " | "), strings.Join(row, " | ")); ok {
					vr.Mark = markWhole(h, qs)
				}
			}
			vb.Rows = append(vb.Rows, vr)
			all = append(all, strings.Join(row, " "))
		}
		vb.Mark = markWhole(strings.Join(all, " "), qs)
	default:
		vb.Segs = highlight(b.Text, qs)
	}
	if vb.Mark == nil && b.Kind != document.Heading && b.Kind != document.Paragraph && b.Kind != document.Caption {
		// The block's own text may differ from its items or cells.
		vb.Mark = markWhole(b.Text, qs)
	}
	return vb
}

// markWhole places, as one mark over a whole block or row, the quotes
// found in text that no finer segment took.
func markWhole(text string, qs []*quoteOnPage) *viewMark {
	var m *viewMark
	f := textclean.Fold(text)
	for _, q := range qs {
		if q.placed || q.folded == "" || !strings.Contains(f, q.folded) {
			continue
		}
		q.placed = true
		if m == nil {
			m = &viewMark{}
		}
		m.IDs = append(m.IDs, q.anchor)
		m.Title = joinTitle(m.Title, strings.Join(q.titles, "; "))
	}
	return m
}

func joinTitle(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// folded is text with every run of whitespace made one space (as
// textclean.Fold does), remembering where each byte came from.
type folded struct {
	text       string
	start, end []int // original byte range of each folded byte
}

func foldMapped(s string) folded {
	var b strings.Builder
	var start, end []int
	spaceAt := -1
	for i, r := range s {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			if spaceAt < 0 && b.Len() > 0 {
				spaceAt = i
			}
			continue
		}
		if spaceAt >= 0 {
			b.WriteByte(' ')
			start, end = append(start, spaceAt), append(end, i)
			spaceAt = -1
		}
		n := b.Len()
		b.WriteRune(r)
		for range b.Len() - n {
			start, end = append(start, i), append(end, i+size)
		}
	}
	return folded{text: b.String(), start: start, end: end}
}

type span struct {
	start, end int
	mark       *viewMark
}

// highlight splits text into plain and highlighted segments: each quote
// not yet placed that occurs in it (after whitespace folding) is marked
// at its first occurrence; overlapping marks are merged. The segments
// joined are text, unchanged.
func highlight(text string, qs []*quoteOnPage) []seg {
	if text == "" {
		return nil
	}
	var spans []span
	var fm *folded
	for _, q := range qs {
		if q.placed || q.folded == "" {
			continue
		}
		if fm == nil {
			f := foldMapped(text)
			fm = &f
		}
		i := strings.Index(fm.text, q.folded)
		if i < 0 {
			continue
		}
		q.placed = true
		j := i + len(q.folded) - 1
		spans = append(spans, span{fm.start[i], fm.end[j], &viewMark{IDs: []string{q.anchor}, Title: strings.Join(q.titles, "; "), Quote: q.quote}})
	}
	if len(spans) == 0 {
		return []seg{{Text: text}}
	}
	sort.SliceStable(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	merged := []span{spans[0]}
	for _, sp := range spans[1:] {
		last := &merged[len(merged)-1]
		if sp.start < last.end {
			last.end = max(last.end, sp.end)
			last.mark.IDs = append(last.mark.IDs, sp.mark.IDs...)
			last.mark.Title = joinTitle(last.mark.Title, sp.mark.Title)
			continue
		}
		merged = append(merged, sp)
	}
	var out []seg
	at := 0
	for _, sp := range merged {
		if sp.start > at {
			out = append(out, seg{Text: text[at:sp.start]})
		}
		out = append(out, seg{Text: text[sp.start:sp.end], Mark: sp.mark})
		at = sp.end
	}
	if at < len(text) {
		out = append(out, seg{Text: text[at:]})
	}
	return out
}

// scoreClass names a score's colour as the report does (s0 to s3).
func scoreClass(score, outOf int) string {
	if outOf <= 0 {
		return "s0"
	}
	return fmt.Sprintf("s%d", min(max(score*3/outOf, 0), 3))
}

// clipText folds s and cuts it to n runes, at a space in the second half
// where there is one, for the short quotes of the evidence list. Unlike
// textclean.Shorten it counts runes, and it folds first.
func clipText(s string, n int) string {
	s = textclean.Fold(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := strings.LastIndexByte(string(r), ' ')
	if cut < n/2 {
		return string(r) + "…"
	}
	return string(r)[:cut] + "…"
}

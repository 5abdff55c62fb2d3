package pdfdoc

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Layout turns spans into blocks in reading order. Coordinates from here on
// are in points from the top-left corner of the page; "base" is a line's
// baseline.
//
// The thresholds are fractions of the font size, so that they hold for
// 8pt footnotes and 40pt slide titles alike.
const (
	wordGap     = 0.13 // a gap wider than this (× size) between glyph runs is a space (pdftotext uses 0.1)
	fragmentGap = 1.2  // a gap wider than this splits a row into fragments (columns, table cells)
	marginZone  = 0.12 // share of the page height at the top and bottom where running headers live
)

// frag is a piece of one text line: glyph runs on one baseline with no
// column-sized gap inside.
type frag struct {
	x0, x1, top, bottom, base float64
	size                      float64
	bold                      bool
	text                      string
	drop                      bool // running header, footer or page number
}

type layout struct {
	pages    []rawPage
	vocab    map[string]bool // words of the document, lower case, for hyphenation
	frags    [][]*frag
	bodySize float64
	pitch    map[int]float64 // modal baseline distance by font size (half points)
}

// newLayout prepares the document-wide facts layout needs (body size, line
// pitch, running lines, vocabulary) from every page's fragments.
func newLayout(pages []rawPage, frags [][]*frag) *layout {
	l := &layout{pages: pages, frags: frags, pitch: map[int]float64{}}
	l.measure()
	l.dropRunning()
	l.vocab = map[string]bool{}
	for _, fs := range l.frags {
		for _, f := range fs {
			for _, w := range strings.Fields(f.text) {
				l.vocab[strings.ToLower(strings.Trim(w, `.,;:!?()[]"'“”‘’`))] = true
			}
		}
	}
	return l
}

// sizeKey buckets font sizes by half points.
func sizeKey(s float64) int { return int(math.Round(s * 2)) }

// measure finds the body font size (the most common size, weighted by
// characters) and the usual line pitch of each size.
func (l *layout) measure() {
	chars := map[int]int{}
	deltas := map[int]map[int]int{}
	for _, fs := range l.frags {
		for i, f := range fs {
			chars[sizeKey(f.size)] += utf8.RuneCountInString(f.text)
			// the next fragment below that overlaps horizontally
			for j := i + 1; j < len(fs); j++ {
				g := fs[j]
				d := g.base - f.base
				if d < 0.5*f.size {
					continue
				}
				if d > 3*f.size {
					break
				}
				if sizeKey(g.size) == sizeKey(f.size) && g.x0 < f.x1 && g.x1 > f.x0 {
					k := sizeKey(f.size)
					if deltas[k] == nil {
						deltas[k] = map[int]int{}
					}
					deltas[k][int(math.Round(d*2))]++
					break
				}
			}
		}
	}
	best := 0
	for k, n := range chars {
		if n > chars[best] || n == chars[best] && k < best {
			best = k
		}
	}
	l.bodySize = float64(best) / 2
	if l.bodySize == 0 {
		l.bodySize = 10
	}
	for k, m := range deltas {
		bestD, bestN := 0, 0
		for d, n := range m {
			if n > bestN || n == bestN && d < bestD {
				bestD, bestN = d, n
			}
		}
		if bestN >= 3 {
			l.pitch[k] = float64(bestD) / 2
		}
	}
}

// linePitch is the expected distance between baselines of lines of one
// paragraph in this size.
func (l *layout) linePitch(size float64) float64 {
	p := l.pitch[sizeKey(size)]
	if p < 0.9*size || p > 2.2*size {
		p = 1.2 * size
	}
	return p
}

// buildFrags turns a page's spans into fragments. Spans are first chained
// in content order (each continuing where the previous one ended), which
// keeps overlapping text objects apart; the chains of one baseline are then
// joined left to right where they neither overlap nor leave a column-sized
// gap. Text on the two sides of a vertical rule is never joined: the rule
// is a table's cell border, and a cell's text that runs up to it ("Minutes
// of the meeting held on 4 February 2026") would otherwise take the next
// cell's ("Chair") into it, however the table is read afterwards.
func buildFrags(p rawPage) []*frag {
	var chains []*chain
	var cur *chain
	var rotated []span
	walls := wallsOf(p)
	for _, s := range p.spans {
		if !s.upright {
			rotated = append(rotated, s)
			continue
		}
		base := p.height - s.y0
		x0, x1 := s.x0, s.x1
		if x1 < x0 {
			x0, x1 = x1, x0
		}
		if x1 < -2 || x0 > p.width+2 || base < -2 || base > p.height+s.size || s.size < 0.5 {
			continue // off the page (pdftotext drops it too) or degenerate
		}
		r := run{x0, x1, base, s.size, s.bold, s.text}
		if cur != nil && cur.continues(r) && !walls.between(cur.x1, r.x0, base) {
			cur.add(r)
			continue
		}
		if strings.TrimSpace(r.text) == "" {
			continue // a space with nothing to separate
		}
		cur = &chain{}
		cur.add(r)
		chains = append(chains, cur)
	}
	chains = dropDuplicates(chains)
	sort.SliceStable(chains, func(i, j int) bool {
		if math.Abs(chains[i].base-chains[j].base) > 0.01 {
			return chains[i].base < chains[j].base
		}
		return chains[i].x0 < chains[j].x0
	})
	var rows [][]*chain
	for _, c := range chains {
		if n := len(rows); n > 0 {
			ref := rows[n-1][0]
			if math.Abs(c.base-ref.base) <= 0.35*math.Min(c.size, ref.size) {
				rows[n-1] = append(rows[n-1], c)
				continue
			}
		}
		rows = append(rows, []*chain{c})
	}
	rows = foldScripts(rows)
	var out []*frag
	for _, row := range rows {
		sort.SliceStable(row, func(i, j int) bool { return row[i].x0 < row[j].x0 })
		var f *chain
		for _, c := range row {
			if f != nil {
				size := math.Max(math.Min(c.size, f.lastSize), 1)
				gap := c.x0 - f.x1
				if gap >= -0.2*size && (gap <= fragmentGap*size || isMarker(f.text())) && !walls.between(f.x1, c.x0, c.base) {
					f.join(c, gap > wordGap*size)
					continue
				}
				out = append(out, f.frag())
			}
			f = c
		}
		if f != nil {
			out = append(out, f.frag())
		}
	}
	// Rotated text (chart labels, vertical margin notes) keeps its content
	// order and goes after the page's other text.
	for i := 0; i < len(rotated); {
		j := i + 1
		text := rotated[i].text
		for j < len(rotated) && math.Hypot(rotated[j].x0-rotated[j-1].x1, rotated[j].y0-rotated[j-1].y1) < 1.5*rotated[j].size {
			if math.Hypot(rotated[j].x0-rotated[j-1].x1, rotated[j].y0-rotated[j-1].y1) > wordGap*rotated[j].size && !endsSpace(text) {
				text += " "
			}
			text += rotated[j].text
			j++
		}
		if t := strings.TrimSpace(text); t != "" {
			s := rotated[i]
			out = append(out, &frag{x0: p.width + 1, x1: p.width + 2, top: p.height + 1, bottom: p.height + 2, base: p.height + 1, size: s.size, text: t})
		}
		i = j
	}
	var kept []*frag
	for _, f := range out {
		if f.text != "" {
			kept = append(kept, f)
		}
	}
	return kept
}

// walls are a page's vertical rules in layout space, sorted by x.
type walls []seg

func wallsOf(p rawPage) walls {
	w := walls(vrules(p))
	sort.Slice(w, func(a, b int) bool { return w[a].pos < w[b].pos })
	return w
}

// between reports whether a vertical rule crosses baseline base in the
// gap between x0, where one piece of text ends, and x1, where the next
// starts. A cell's text keeps clear of its borders; a rule where there is
// no gap is a chart's gridline drawn through a word, which stays whole.
func (w walls) between(x0, x1, base float64) bool {
	const tol = 0.5
	if x1-x0 < 1 {
		return false
	}
	for i := sort.Search(len(w), func(i int) bool { return w[i].pos >= x0 }); i < len(w) && w[i].pos <= x1; i++ {
		if base >= w[i].lo-tol && base <= w[i].hi+tol {
			return true
		}
	}
	return false
}

// around reports whether f lies between two vertical rules that cross its
// baseline: it is in a table's cell.
func (w walls) around(f *frag) bool {
	const tol = 2.0
	left, right := false, false
	for _, s := range w {
		if f.base < s.lo-tol || f.base > s.hi+tol {
			continue
		}
		left = left || s.pos <= f.x0+tol
		right = right || s.pos >= f.x1-tol
	}
	return left && right
}

type run struct {
	x0, x1, base, size float64
	bold               bool
	text               string
}

// chain is runs that follow one another: a word, a line, or the part of a
// line one text object drew.
type chain struct {
	b                   strings.Builder
	x0, x1, base, size  float64
	lastSize            float64
	chars               map[int]int
	boldChars, allChars int
	mainSize            float64
}

func (c *chain) continues(r run) bool {
	size := math.Max(math.Min(r.size, c.lastSize), 1)
	db := r.base - c.base
	sameLine := math.Abs(db) <= 0.35*size
	script := r.size <= 0.8*c.mainSize && db > -0.75*c.mainSize && db < 0.35*c.mainSize
	if !sameLine && !script {
		return false
	}
	if strings.TrimSpace(r.text) == "" && r.x0 < c.x1-0.2*size {
		return true // a space drawn inside a word: absorbed, not a break
	}
	return r.x0 >= c.x1-0.35*size && r.x0 <= c.x1+fragmentGap*size
}

func (c *chain) add(r run) {
	if c.chars == nil {
		c.chars = map[int]int{}
		c.x0, c.x1, c.base, c.mainSize = r.x0, r.x1, r.base, r.size
	} else {
		gap := r.x0 - c.x1
		if strings.TrimSpace(r.text) == "" && gap < -0.2*r.size {
			return
		}
		if gap > wordGap*math.Max(math.Min(r.size, c.lastSize), 1) && !endsSpace(c.b.String()) && !strings.HasPrefix(r.text, " ") {
			c.b.WriteByte(' ')
		}
	}
	c.b.WriteString(r.text)
	c.x1 = math.Max(c.x1, r.x1)
	if r.size > c.mainSize {
		c.mainSize, c.base = r.size, r.base
	}
	c.lastSize = r.size
	n := utf8.RuneCountInString(r.text)
	c.chars[sizeKey(r.size)] += n
	c.allChars += n
	if r.bold {
		c.boldChars += n
	}
	c.size = c.mainSize
}

func (c *chain) text() string { return c.b.String() }

// join appends chain o (to the right on the same baseline).
func (c *chain) join(o *chain, space bool) {
	if space && !endsSpace(c.b.String()) && !strings.HasPrefix(o.b.String(), " ") {
		c.b.WriteByte(' ')
	}
	c.b.WriteString(o.b.String())
	c.x1 = math.Max(c.x1, o.x1)
	c.lastSize = o.lastSize
	for k, n := range o.chars {
		c.chars[k] += n
	}
	c.allChars += o.allChars
	c.boldChars += o.boldChars
	if o.mainSize > c.mainSize {
		c.mainSize, c.base = o.mainSize, o.base
	}
}

func (c *chain) frag() *frag {
	best := 0
	for k, n := range c.chars {
		if n > c.chars[best] || n == c.chars[best] && k > best {
			best = k
		}
	}
	size := float64(best) / 2
	return &frag{
		x0: c.x0, x1: c.x1, base: c.base,
		top:    c.base - 0.8*size,
		bottom: c.base + 0.25*size,
		size:   size,
		bold:   c.boldChars*2 > c.allChars,
		text:   strings.TrimSpace(c.b.String()),
	}
}

// dropDuplicates removes text drawn twice at (almost) the same place, a
// common way to fake bold or a shadow. The copy is offset by a fraction of
// a glyph.
func dropDuplicates(chains []*chain) []*chain {
	out := chains[:0]
	for i, c := range chains {
		dup := false
		for j := i - 1; j >= 0 && j >= i-8; j-- {
			o := chains[j]
			if o.text() == c.text() && math.Abs(o.x0-c.x0) < math.Min(0.3*c.size, 0.4*(o.x1-o.x0)) && math.Abs(o.base-c.base) < 0.3*c.size {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// foldScripts joins a row of small text (superscripts, subscripts) to the
// neighbouring row whose glyphs it sits against.
func foldScripts(rows [][]*chain) [][]*chain {
	for i := 0; i < len(rows); i++ {
		small := rows[i]
		maxSmall := 0.0
		for _, c := range small {
			maxSmall = math.Max(maxSmall, c.size)
		}
		for _, j := range []int{i + 1, i - 1} {
			if j < 0 || j >= len(rows) {
				continue
			}
			big := rows[j][0]
			if maxSmall > 0.8*big.size {
				continue
			}
			b := small[0].base
			lo, hi := rows[j][0].x0, rows[j][0].x1
			for _, c := range rows[j] {
				lo, hi = math.Min(lo, c.x0), math.Max(hi, c.x1)
			}
			if b > big.base-0.75*big.size && b < big.base+0.35*big.size && overlapsX(small[0].x0, small[len(small)-1].x1, lo, hi+big.size) {
				rows[j] = append(rows[j], small...)
				rows = append(rows[:i], rows[i+1:]...)
				i--
				break
			}
		}
	}
	return rows
}

func overlapsX(a0, a1, b0, b1 float64) bool { return a0 < b1 && b0 < a1 }

func endsSpace(s string) bool {
	return s == "" || strings.HasSuffix(s, " ")
}

var markerRE = lazyre.New(`^(?:[•●○◦▪■□➢➤►▶✓✔\-–—*·o]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])$`)

// isMarker reports whether s is only a list marker (bullet, "1.", "a)").
func isMarker(s string) bool { return markerRE.MatchString(strings.TrimSpace(s)) }

var itemRE = lazyre.New(`^(?:[•●○◦▪■□➢➤►▶✓✔\-–*·]\s*|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+|\(?[ivx]{1,4}[.)]\s+)\S`)

// markerClass tells list markers apart so that a bulleted list followed
// by a numbered one makes two lists: 'b' bullet, 'd' dash, 'n' number,
// 'a' letter, 'r' roman numeral.
func markerClass(s string) byte {
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r == '-' || r == '–' || r == '—':
		return 'd'
	case r >= '0' && r <= '9':
		return 'n'
	case r == '(':
		return markerClass(s[1:])
	case strings.HasPrefix(s, "i") || strings.HasPrefix(s, "v") || strings.HasPrefix(s, "x"):
		if len(s) > 1 && (s[1] == '.' || s[1] == ')' || s[1] == 'i' || s[1] == 'v') {
			return 'r'
		}
		return 'a'
	case unicode.IsLetter(r):
		return 'a'
	}
	return 'b'
}

// startsItem reports whether a line starts with a list marker.
func startsItem(s string) bool { return itemRE.MatchString(s) }

var digitsRE = lazyre.New(`\d+`)

// runningItemRE is a pack's running "Agenda item 4a", "Item 7", "Paper C"
// or "Enclosure B": each paper's pages carry its own, so the item is
// ignored, as digits are, when lines are matched across pages. Without
// that, a paper of two pages under "Agenda item 4ai" and the next under
// "Agenda item 4aii" would each repeat too few times to be running lines.
// (pipeline/pack reads the item from the line kept in Page.Running with
// a pattern of its own, since extraction knows nothing of packs.)
var runningItemRE = lazyre.New(`\b((?i:agenda item|item|paper|enclosure|enc\.))\s*:?\s*(?:[0-9]+(?:\.[0-9]+)*[a-zA-Z]{0,4}|[A-Z][0-9]{0,2})\b`)
var pageNumRE = lazyre.New(`(?i)^(?:page\s*)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?$`)

// dropRunning marks running headers and footers: lines in the top or
// bottom margin that repeat (digits ignored, so "Page 3 of 9" matches
// "Page 4 of 9") at about the same height on several pages, and bare page
// numbers in the margins. Text in a ruled table's cell is neither: a
// board pack's cover sheets put "Agenda item:" and its number ("4") at
// the top of page after page, and the number is the item's, not the
// page's.
func (l *layout) dropRunning() {
	type key struct {
		text string
		y    int
	}
	count := map[key]map[int]bool{}
	cellWalls := make([]walls, len(l.pages))
	for i, p := range l.pages {
		cellWalls[i] = wallsOf(p)
	}
	keyOf := func(f *frag, p rawPage, w walls) (key, bool) {
		if f.top > marginZone*p.height && f.bottom < (1-marginZone)*p.height || w.around(f) {
			return key{}, false
		}
		t := strings.ToLower(digitsRE.ReplaceAllString(runningItemRE.ReplaceAllString(textclean.Fold(f.text), "$1 #"), "#"))
		return key{t, int(math.Round(f.base / 4))}, true
	}
	for i, fs := range l.frags {
		for _, f := range fs {
			if k, ok := keyOf(f, l.pages[i], cellWalls[i]); ok {
				for dy := -1; dy <= 1; dy++ {
					kk := key{k.text, k.y + dy}
					if count[kk] == nil {
						count[kk] = map[int]bool{}
					}
					count[kk][i] = true
				}
			}
		}
	}
	minPages := 3
	if len(l.pages) < 3 {
		minPages = len(l.pages) + 1 // never for one- or two-page documents
	}
	for i, fs := range l.frags {
		for _, f := range fs {
			k, ok := keyOf(f, l.pages[i], cellWalls[i])
			if !ok {
				continue
			}
			if len(count[k]) >= minPages || pageNumRE.MatchString(strings.TrimSpace(f.text)) && len(l.pages) > 1 {
				f.drop = true
			}
		}
	}
}

// runningLines are the texts of a page's running lines, top to bottom
// and left to right, cleaned as block text is: the document keeps them
// (document.Page.Running) for the stages that read them, out of the
// page's text.
func runningLines(fs []*frag) []string {
	sort.SliceStable(fs, func(a, b int) bool {
		if math.Abs(fs[a].base-fs[b].base) > 0.5 {
			return fs[a].base < fs[b].base
		}
		return fs[a].x0 < fs[b].x0
	})
	var out []string
	for _, f := range fs {
		c, _ := textclean.Clean(f.text, false)
		if t := strings.TrimSpace(textclean.Fold(c)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// blk is a block being built.
type blk struct {
	kind     document.Kind
	lines    []*frag
	items    [][]*frag // list items (kind List)
	rows     [][]string
	x0, x1   float64
	top, bot float64
	size     float64
	bold     bool
	lastBase float64
	lastX1   float64
	lastSize float64
	lastBold bool
	marker   byte // list marker class, see markerClass
}

func (b *blk) add(f *frag) {
	if len(b.lines) == 0 {
		b.x0, b.x1, b.top, b.bot = f.x0, f.x1, f.top, f.bottom
		b.size, b.bold = f.size, f.bold
	}
	b.lines = append(b.lines, f)
	b.x0 = math.Min(b.x0, f.x0)
	b.x1 = math.Max(b.x1, f.x1)
	b.top = math.Min(b.top, f.top)
	b.bot = math.Max(b.bot, f.bottom)
	b.lastBase, b.lastX1, b.lastSize, b.lastBold = f.base, f.x1, f.size, f.bold
}

// page lays out page i.
func (l *layout) page(i int) (document.Page, textclean.Stats) {
	rp := l.pages[i]
	p := document.Page{Number: rp.number, Width: round2(rp.width), Height: round2(rp.height), Blocks: []document.Block{}}
	var frags, running []*frag
	for _, f := range l.frags[i] {
		if f.drop {
			running = append(running, f)
		} else {
			frags = append(frags, f)
		}
	}
	p.Running = runningLines(running)
	sort.SliceStable(frags, func(a, b int) bool {
		if math.Abs(frags[a].base-frags[b].base) > 0.5 {
			return frags[a].base < frags[b].base
		}
		return frags[a].x0 < frags[b].x0
	})
	hr := hrules(rp)
	grids, frags := l.lattices(frags, hr, rp)
	tables, rest := l.findTables(frags, hr)
	blocks := append(append(grids, tables...), l.group(rest)...)
	blocks = joinColumnBreaks(orderBlocks(blocks))
	var st textclean.Stats
	for _, b := range blocks {
		db, s := l.render(b)
		st.Add(s)
		if db.Text != "" {
			p.Blocks = append(p.Blocks, db)
		}
	}
	return p, st
}

// joinColumnBreaks joins a paragraph cut at the foot of a column to its
// rest at the head of the next, in reading order: its sentence would
// otherwise be two blocks, and every block's sentences are found on their
// own ("Vacancies in community nursing fell to" / "eight per cent").
func joinColumnBreaks(blocks []*blk) []*blk {
	var out []*blk
	for _, b := range blocks {
		if n := len(out); n > 0 && runsOn(out[n-1], b) {
			for _, f := range b.lines {
				out[n-1].add(f)
			}
			continue
		}
		out = append(out, b)
	}
	return out
}

// runsOn reports whether paragraph b, at the head of a new column, goes
// on with paragraph a: a ends mid-sentence, b starts in lower case, in the
// same size and weight, higher on the page than a's foot and to the right
// of a's middle.
func runsOn(a, b *blk) bool {
	if a.kind != document.Paragraph || b.kind != document.Paragraph || len(a.lines) == 0 || len(b.lines) == 0 {
		return false
	}
	if b.top >= a.bot || b.x0 <= (a.x0+a.x1)/2 {
		return false // not a new column
	}
	last, first := a.lines[len(a.lines)-1], b.lines[0]
	if sizeKey(last.size) != sizeKey(first.size) || last.bold != first.bold {
		return false
	}
	end, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(last.text))
	start, _ := utf8.DecodeRuneInString(strings.TrimSpace(first.text))
	return !strings.ContainsRune(".!?:;", end) && unicode.IsLower(start)
}

// columnEdges counts, by whole point, where the page's fragments start.
type edgeCount map[int]int

func columnEdges(frags []*frag) edgeCount {
	e := edgeCount{}
	for _, f := range frags {
		e[int(math.Round(f.x0))]++
	}
	return e
}

// minColumnLines is how many fragments must start at one x for it to be
// the left edge of a column.
const minColumnLines = 4

// column reports whether x is the left edge of a column: a gap before a
// fragment there is a gutter, not a wide space in a justified line. Two
// columns a gutter of under 3 em apart share baselines, and joining their
// lines glued them into one ("We are committed to supporting a
// high-quality encourage dentists to work in these areas").
func (e edgeCount) column(x float64) bool {
	k := int(math.Round(x))
	return e[k-1]+e[k]+e[k+1] >= minColumnLines
}

// group gathers fragments into paragraphs and lists. A fragment continues
// the nearest block above it that it overlaps horizontally, when the line
// pitch, font size and weight agree.
func (l *layout) group(frags []*frag) []*blk {
	var blocks []*blk
	edges := columnEdges(frags)
	for _, f := range frags {
		var best *blk
		bestD := math.Inf(1)
		item := startsItem(f.text)
		for _, b := range blocks {
			d := f.base - b.lastBase
			size := math.Max(f.size, b.lastSize)
			// The same baseline: a line split at a wide justified gap.
			if math.Abs(d) < 0.3*size && f.x0 >= b.lastX1 && f.x0-b.lastX1 < 3*size && sizeKey(f.size) == sizeKey(b.lastSize) && b.kind != document.Table &&
				!edges.column(f.x0) {
				best, bestD = b, -1
				break
			}
			if d <= 0.3*size || d > 1.35*l.linePitch(size) {
				continue
			}
			if !overlapsX(f.x0, f.x1, b.x0, b.x1) || f.x0 < b.x0-1.5*size {
				continue
			}
			if math.Abs(f.size-b.lastSize) > 0.12*size || f.bold != b.lastBold {
				continue
			}
			if item && (b.kind != document.List || markerClass(f.text) != b.marker) {
				continue
			}
			if b.kind == document.List && !item && f.x0 < b.x0-0.5*size {
				continue // back at the margin: the list has ended
			}
			if !item && b.kind != document.List && paragraphEnded(b, f) {
				continue
			}
			if d < bestD {
				best, bestD = b, d
			}
		}
		switch {
		case best == nil:
			b := &blk{kind: document.Paragraph}
			if item {
				b.kind = document.List
				b.items = [][]*frag{{f}}
				b.marker = markerClass(f.text)
			}
			b.add(f)
			blocks = append(blocks, b)
		case bestD < 0:
			// join onto the last line of the block
			last := best.lines[len(best.lines)-1]
			joined := *last
			joined.text = last.text + " " + f.text
			joined.x1 = f.x1
			best.lines[len(best.lines)-1] = &joined
			if best.kind == document.List {
				it := best.items[len(best.items)-1]
				if it[len(it)-1] == last {
					it[len(it)-1] = &joined
				}
			}
			best.x1 = math.Max(best.x1, f.x1)
			best.lastX1 = f.x1
		default:
			if best.kind == document.List {
				if item {
					best.items = append(best.items, []*frag{f})
				} else {
					k := len(best.items) - 1
					best.items[k] = append(best.items[k], f)
				}
			}
			best.add(f)
		}
	}
	return blocks
}

// paragraphEnded reports whether line f starts a new paragraph after b: the
// last line of b was short and ended a sentence, and f is indented or b's
// previous lines were full.
func paragraphEnded(b *blk, f *frag) bool {
	last := b.lines[len(b.lines)-1]
	t := strings.TrimSpace(last.text)
	if t == "" {
		return false
	}
	end, _ := utf8.DecodeLastRuneInString(t)
	if !strings.ContainsRune(".?!:", end) {
		return false
	}
	width := b.x1 - b.x0
	return len(b.lines) >= 1 && last.x1 < b.x0+0.75*width && width > 10*b.size
}

// render turns a built block into a document block with clean text.
func (l *layout) render(b *blk) (document.Block, textclean.Stats) {
	var st textclean.Stats
	clean := func(s string) string {
		c, s2 := textclean.Clean(s, false)
		st.Add(s2)
		return textclean.Fold(c)
	}
	db := document.Block{
		Kind:     b.kind,
		FontSize: round2(b.size),
		Bold:     b.bold,
		Box:      &document.Box{X0: round2(b.x0), Y0: round2(b.top), X1: round2(b.x1), Y1: round2(b.bot)},
	}
	switch b.kind {
	case document.Table:
		for _, r := range b.rows {
			var cells []string
			for _, c := range r {
				cells = append(cells, clean(c))
			}
			db.Rows = append(db.Rows, cells)
		}
		db.Text = document.TableText(db.Rows)
		return db, st
	case document.List:
		for _, it := range b.items {
			if s := clean(l.joinLines(it)); s != "" {
				db.Items = append(db.Items, s)
			}
		}
		db.Text = strings.Join(db.Items, "\n")
		if len(db.Items) == 1 {
			// One numbered line in a larger or bold font is a heading
			// ("1. Executive summary"), not a list.
			if l.isHeading(b, db.Text) {
				db.Kind, db.Items = document.Heading, nil
				return db, st
			}
			first, _ := utf8.DecodeRuneInString(db.Items[0])
			if !strings.ContainsRune("•●○◦▪■□➢➤►▶✓✔-–*·", first) && !listNumbered(db.Items[0]) {
				db.Kind, db.Items = document.Paragraph, nil
			}
		}
		return db, st
	}
	db.Text = clean(l.joinLines(b.lines))
	boldChars, all := 0, 0
	for _, f := range b.lines {
		n := len(f.text)
		all += n
		if f.bold {
			boldChars += n
		}
	}
	db.Bold = boldChars*2 > all
	switch {
	case captionRE.MatchString(db.Text) && len(b.lines) <= 3:
		db.Kind = document.Caption
	case l.isHeading(b, db.Text):
		db.Kind = document.Heading
	}
	return db, st
}

var listNumRE = lazyre.New(`^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s`)

func listNumbered(s string) bool { return listNumRE.MatchString(s) }

var captionRE = lazyre.New(`^(?i:figure|fig\.|table|chart|graph|map|diagram|source|note)s?\s*[:\d(A-Z]`)

// isHeading: short, no sentence ending, and either clearly larger than the
// body text or bold at body size.
func (l *layout) isHeading(b *blk, text string) bool {
	if len(b.lines) > 3 || len(text) > 160 || len(strings.Fields(text)) > 24 {
		return false
	}
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 2 {
		return false
	}
	// A line ending in a colon introduces what follows ("Key
	// contributors:"); one ending in a full stop is a sentence.
	last, _ := utf8.DecodeLastRuneInString(text)
	if last == '.' && !numberedHeadingRE.MatchString(text) || last == ',' || last == ';' || last == ':' {
		return false
	}
	bigger := b.size >= l.bodySize+1.2 || b.size >= 1.15*l.bodySize
	return bigger || b.bold && b.size >= l.bodySize-0.6
}

var numberedHeadingRE = lazyre.New(`^(?:\d+(?:\.\d+)*\.?|[A-Z]\.|(?i:part|section|chapter|appendix|annex)\s+[\dA-Z]+)\s`)

// joinLines joins the lines of a paragraph. A line ending in a hyphen
// joins the next without a space; the hyphen goes when it was a break
// inside a word ("inequal-" + "ities", or a soft hyphen) and stays when it
// belongs to the word ("long-" + "term"). Which is which is judged by the
// document's own words: pdftotext always drops it, turning "long-term"
// into "longterm".
func (l *layout) joinLines(lines []*frag) string {
	var b strings.Builder
	for i, f := range lines {
		if i > 0 {
			prev := b.String()
			switch {
			case !lineEndHyphen(prev, f.text):
				if !endsSpace(prev) {
					b.WriteByte(' ')
				}
			case !l.keepsHyphen(prev, f.text):
				s := strings.TrimRight(prev, "-\u00ad‐")
				b.Reset()
				b.WriteString(s)
			}
		}
		b.WriteString(f.text)
	}
	return b.String()
}

// lineEndHyphen reports whether prev ends in a hyphen after a letter and
// next goes on in lower case: a hyphen that may be a word break.
func lineEndHyphen(prev, next string) bool {
	if prev == "" || next == "" {
		return false
	}
	last, size := utf8.DecodeLastRuneInString(prev)
	if last != '-' && last != '\u00ad' && last != '‐' {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(prev[:len(prev)-size])
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLetter(before) && unicode.IsLower(first)
}

// keepsHyphen decides a hyphen at a line end, from the document's own
// words: the hyphenated form or the joined form seen elsewhere settles it;
// otherwise a hyphen between two words the document uses on their own
// ("long-" + "term") stays, and one before a word ending ("preven-" +
// "tion", "commu-" + "nities") goes. A soft hyphen always goes.
func (l *layout) keepsHyphen(prev, next string) bool {
	if strings.HasSuffix(prev, "\u00ad") {
		return false
	}
	head := prev[strings.LastIndexAny(prev, " \t")+1:]
	tail := next
	if i := strings.IndexAny(next, " \t"); i >= 0 {
		tail = next[:i]
	}
	trim := func(w string) string { return strings.ToLower(strings.Trim(w, `.,;:!?()[]"'“”‘’`)) }
	h := trim(strings.TrimRight(head, "-‐"))
	t := trim(tail)
	switch {
	case l.vocab[h+"-"+t]:
		return true
	case l.vocab[h+t]:
		return false
	case wordEndings[t]:
		return false
	case compoundHeads[h]:
		return true
	}
	return l.vocab[h] && l.vocab[t] && len(h) > 1 && len(t) > 1
}

// wordEndings are word endings that are not words of their own.
var wordEndings = map[string]bool{}

func init() {
	for _, e := range strings.Fields("tion tions sion sions ment ments ness ity ities ing ings ed es ous ive ives ic ical ly ise ised ises ize ized izes ance ances ence ences ent ents ant ants al ally ary ories ory able ably ible ibly ful less ship ships ist ists ism ure ures age ages ate ated ates ating ation ations") {
		wordEndings[e] = true
	}
}

// compoundHeads are words that mostly begin hyphenated compounds in
// health strategy writing ("long-term", "self-care", "place-based").
var compoundHeads = map[string]bool{}

func init() {
	for _, h := range strings.Fields("long short well self non co cross high low full part multi pre post anti semi mid year day age place person patient people evidence data community health cost value time end user family city system early life one two three four five six seven eight nine ten first second third front top older young") {
		compoundHeads[h] = true
	}
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

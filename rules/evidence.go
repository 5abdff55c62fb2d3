package rules

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// maxEvidence is how many passages are quoted per criterion.
const maxEvidence = 6

// maxQuote bounds a quote; longer sentences are cut to a window of words
// around what matched (still verbatim: no ellipsis is added).
const maxQuote = 320

// evidence picks up to maxEvidence passages for tiers of signals (the
// level reached first). Within a tier it goes round the signals, so that
// each thing the score needed is shown (a figure, a group, a cause ...)
// before a second of any. A signal's passages are taken strongest first
// (rank), and among equally strong ones it prefers pages not yet cited;
// headings, which name a topic rather than show it, come last.
func (r *run) evidence(cc *ccrit, tiers ...[]string) []Evidence {
	p := &picker{r: r, cc: cc, used: map[int]bool{}, quoted: map[string]bool{}, pages: map[int]int{}, lists: map[string]*candidates{}}
	for _, names := range tiers {
		for _, n := range names {
			if cs := cc.byName[n]; cs != nil && !slices.Contains(p.level, cs) {
				p.level = append(p.level, cs)
			}
		}
	}
	for _, names := range tiers {
		for len(p.out) < maxEvidence {
			took := false
			for _, name := range names {
				if len(p.out) >= maxEvidence {
					break
				}
				if p.next(name) {
					took = true
				}
			}
			if !took {
				break
			}
		}
	}
	out := p.out
	sort.SliceStable(out, func(a, b int) bool { return out[a].Page < out[b].Page })
	return out
}

// picker is one choice of evidence: the passages taken so far, and each
// signal's candidates.
type picker struct {
	r      *run
	cc     *ccrit
	out    []Evidence
	used   map[int]bool    // sentences taken or passed over
	quoted map[string]bool // quotes taken
	pages  map[int]int     // passages taken per page
	level  []*csignal      // every signal the tiers name, for rank
	lists  map[string]*candidates
}

// candidates are a signal's passages. Each signal's candidates are listed
// once, strongest first, then in document order, with headings last; a
// cursor skips those already used, and the search for an uncited page
// looks a bounded way ahead among equally strong ones, so the cost stays
// n log n in the sentences a signal matched.
type candidates struct {
	idx    []int
	rank   []int
	cursor int
}

// lookahead bounds the search for a passage on a page not yet cited.
const lookahead = 64

func (p *picker) candidates(name string) *candidates {
	if l, ok := p.lists[name]; ok {
		return l
	}
	l := &candidates{}
	if cs := p.cc.byName[name]; cs != nil {
		type ranked struct{ i, rank int }
		var passages []ranked
		var heads []int
		for i, ok := range p.r.matched[cs.idx] {
			switch {
			case !ok:
			case p.r.sents[i].Kind == document.Heading:
				heads = append(heads, i)
			default:
				passages = append(passages, ranked{i, p.r.rank(p.level, cs, i)})
			}
		}
		slices.SortStableFunc(passages, func(a, b ranked) int { return cmp.Compare(b.rank, a.rank) })
		for _, c := range passages {
			l.idx, l.rank = append(l.idx, c.i), append(l.rank, c.rank)
		}
		for _, i := range heads {
			l.idx, l.rank = append(l.idx, i), append(l.rank, 0) // below any passage
		}
	}
	p.lists[name] = l
	return l
}

// skip moves the cursor past the candidates already used.
func (l *candidates) skip(used map[int]bool) {
	for l.cursor < len(l.idx) && used[l.idx[l.cursor]] {
		l.cursor++
	}
}

// next takes the signal's next passage, and reports whether there was one.
func (p *picker) next(name string) bool {
	l := p.candidates(name)
	l.skip(p.used)
	pick := p.first(l)
	for pick >= 0 {
		p.used[pick] = true
		if p.r.sents[pick].Kind == document.Heading && len(p.out) > 0 {
			return false // a heading only when there is nothing else
		}
		if p.take(name, pick) {
			return true
		}
		// the same words elsewhere: try the next candidate
		pick = -1
		l.skip(p.used)
		if l.cursor < len(l.idx) {
			pick = l.idx[l.cursor]
		}
	}
	return false
}

// first is the candidate to try first: among the unused ones as strong as
// the one at the cursor (looking lookahead ahead), the first on a page not
// yet cited, else the first; -1 when there is none.
func (p *picker) first(l *candidates) int {
	pick := -1
	for k := l.cursor; k < len(l.idx) && k < l.cursor+lookahead && l.rank[k] == l.rank[l.cursor]; k++ {
		i := l.idx[k]
		if p.used[i] {
			continue
		}
		if pick < 0 {
			pick = i
		}
		if p.pages[p.r.sents[i].Page] == 0 {
			return i
		}
	}
	return pick
}

// take quotes sentence i for the signal, unless the same words are
// already quoted or the quote is not one a reader can read whole.
func (p *picker) take(name string, i int) bool {
	s := p.r.sents[i]
	q := quoteOf(s.Sentence, p.r.where[p.cc.byName[name].idx][i])
	if p.quoted[q] || !quotable(s, q) {
		return false
	}
	p.quoted[q] = true
	p.pages[s.Page]++
	p.out = append(p.out, Evidence{Quote: q, Page: s.Page, Section: s.section, Signal: name, Claim: &s.Claim, OCR: p.r.quality.ReadByOCR(s.Page)})
	return true
}

// rank is how strongly sentence i shows what a level needs: a whole
// unit (a sentence, list item or headed row quoted whole, not a window of
// a longer line) before a window; then one the signal prefers (its
// prefer parts); then how many of the level's signals it
// shows (a figure that also names the group and the cause says more than
// a figure alone; counted up to three, since a long run-on line matches
// everything); then its claim: the document's own, about its own area,
// and not a hypothetical. Headings rank 0, below every passage.
func (r *run) rank(level []*csignal, cs *csignal, i int) int {
	s := r.sents[i]
	rank := 1
	if len(s.Text) <= maxQuote || s.Kind == document.Table && s.Header != "" {
		rank += 1000
	}
	if r.anyPartIn(cs.prefer, i) {
		rank += 100 // after whole units, before any count of parts
	}
	if r.anyPartIn(cs.avoid, i) {
		rank -= 200 // below every passage without it, preferred or not
	}
	parts := 0
	for _, cs := range level {
		if r.matched[cs.idx][i] {
			parts++
		}
	}
	rank += 2 * min(parts, 3)
	if s.Claim.Voice == annotate.VoiceOwn {
		rank++
	}
	if s.Claim.Scope == annotate.ScopeLocal {
		rank++
	}
	if s.Claim.Status != annotate.StatusExample {
		rank++
	}
	return rank
}

// showable: sentence i, matched by cs, can be quoted as its evidence.
func (r *run) showable(cs *csignal, i int) bool {
	s := r.sents[i]
	return s.Kind == document.Heading || quotable(s, quoteOf(s.Sentence, r.where[cs.idx][i]))
}

// anyPartIn reports whether one of parts (a signal's prefer or avoid
// parts) holds in sentence i.
func (r *run) anyPartIn(parts []*cpart, i int) bool {
	for _, p := range parts {
		if _, ok := r.partIn(p, i); ok {
			return true
		}
	}
	return false
}

// quotable: a quote a reader can read as a whole statement. A window cut
// from a long line that starts mid-sentence ("benefit claimant the
// financial security ...") or after a footnote number is not, nor is a
// question, which claims nothing, nor a list run together into one line;
// a list item may start in lower case,
// read after its lead-in. The passage still counts for the score: only
// its quote is passed over for another.
func quotable(s *sentence, q string) bool {
	if strings.HasSuffix(strings.TrimRight(q, " ”\"'’)"), "?") {
		return false
	}
	if annotate.GluedList(q) {
		return false
	}
	return s.Kind == document.List || !annotate.StartsMidSentence(q)
}

// quoteOf quotes a sentence; a table row is quoted under its column
// headers ("Service: Urgent care; 2023/24: £12.1m"), because its cells
// alone ("Urgent care | £12.1m") do not say what the numbers are.
func quoteOf(s *annotate.Sentence, sp span) string {
	if s.Kind == document.Table && s.Header != "" {
		// A row too long to quote whole is quoted as a window of its
		// cells, like a long sentence: a quote is never cut inside.
		if q, ok := document.HeadedRow(s.Header, s.Text); ok && len(q) <= 2*maxQuote {
			return q
		}
	}
	return quote(s.Text, sp)
}

// quote returns the sentence, or a window of whole words around sp when
// the sentence is long. The result is always a substring of text. A
// window starts, where it can, at the start of a clause (after "; ", ": "
// or a bullet) and ends at the end of one, so that a long list quoted in
// part reads as whole items rather than as words cut at both ends.
func quote(text string, sp span) string {
	if len(text) <= maxQuote {
		return text
	}
	sp.start, sp.end = max(0, min(sp.start, len(text))), max(0, min(sp.end, len(text)))
	// The clause the match is in, then whole clauses after it and before
	// it while they fit.
	start, end := sp.start, sp.end
	for start > 0 && !clauseStart(text, start) {
		start--
	}
	for end < len(text) && !clauseEnd(text, end) {
		end++
	}
	if end-start <= maxQuote {
		return clauseWindow(text, start, end)
	}
	// One clause longer than a quote: whole words around the match.
	start = max(0, sp.start-maxQuote/3)
	end = min(len(text), start+maxQuote)
	for start > 0 && text[start-1] != ' ' {
		start++
	}
	for end < len(text) && end > start && text[end] != ' ' {
		end--
	}
	return strings.TrimSpace(text[start:end])
}

// clauseWindow widens the clause text[start:end] by whole clauses, after
// it and then before it, while the quote fits in maxQuote.
func clauseWindow(text string, start, end int) string {
	for {
		e := end + 1
		for e < len(text) && !clauseEnd(text, e) {
			e++
		}
		if e > len(text) || e-start > maxQuote {
			break
		}
		end = e
		if end == len(text) {
			break
		}
	}
	for start > 0 {
		b := start - 1
		for b > 0 && !clauseStart(text, b) {
			b--
		}
		if end-b > maxQuote {
			break
		}
		start = b
	}
	return strings.TrimRight(strings.TrimSpace(text[start:end]), ";")
}

// clauseStart reports whether a clause starts at i: after "; ", ": " or
// a bullet.
func clauseStart(text string, i int) bool {
	if i < 2 || text[i-1] != ' ' {
		return false
	}
	switch text[i-2] {
	case ';', ':':
		return true
	}
	return strings.HasSuffix(text[:i-1], "•")
}

// clauseEnd reports whether a clause ends at i: before a semicolon, or
// after a full stop followed by a space.
func clauseEnd(text string, i int) bool {
	if i < 1 || i >= len(text) {
		return false
	}
	return text[i] == ';' || text[i-1] == '.' && text[i] == ' '
}

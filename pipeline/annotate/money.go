package annotate

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// Money sub-kinds. A sum may carry one of each pair, comma-separated
// ("recurrent,new"); test with Annotation.HasSub.
const (
	SubRecurrent    = "recurrent"
	SubNonRecurrent = "non-recurrent"
	SubOneOff       = "one-off"
	SubNew          = "new"
	SubExisting     = "existing"
)

// HasSub reports whether sub is among a's comma-separated sub-kinds.
func (a Annotation) HasSub(sub string) bool {
	for s := range strings.SplitSeq(a.Sub, ",") {
		if s == sub {
			return true
		}
	}
	return false
}

// numPat is a number as written in English prose: thousands separated by
// commas, an optional decimal part.
const numPat = `\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`

// scalePat are the multipliers written after a sum. Each alternative ends
// the match only at a word boundary, so "£3 more" is £3, not £3m.
const scalePat = `bn|billion|mn|million|m|k|thousand|tn|trillion`

var (
	// moneyAt reads a sum at a "£" or "GBP"; poundsAt a sum written
	// "27 million pounds" at its number. Both are anchored: Annotate runs
	// them only where a sum can start, which is many times faster than
	// searching every sentence. Ranges are assembled in code so that the
	// second half's scale can be shared ("£10–15 million").
	moneyAt  = lazyre.New(`^(?:£|gbp)\s?(` + numPat + `)(?:\s?(` + scalePat + `)\b)?`)
	poundsAt = lazyre.New(`^(` + numPat + `)(?:\s?(` + scalePat + `))?\s(?:pounds|pounds\s+sterling)\b`)
	// rangeTailRe continues a sum into a range: "-£15m", " to £15m", "–15 million".
	rangeTailRe = lazyre.New(`^\s?(-|–|—|to)\s?(£|gbp\s?)?\s?(` + numPat + `)(?:\s?(` + scalePat + `)\b)?`)
	// unitRe is a qualifier right after a sum.
	unitRe = lazyre.New(`^,?\s?\(?(?:(?:per|a|an|each|every)\s(year|annum|head|person|capita|resident|bed|patient|week|month|day|hour|pupil|household)\b|(annually|yearly|p\.a\.|pa)(?:\W|$))`)
)

// allAt runs the anchored re at the start of every token cand accepts and
// returns the matches, non-overlapping and in order, as
// FindAllStringSubmatchIndex would over the whole text.
func allAt(re *lazyre.Regexp, t *text, cand candFn) [][]int {
	var out [][]int
	last := 0
	for k, tk := range t.toks {
		if tk.start < last || !cand(t, k) {
			continue
		}
		if m := anchoredAt(re, t.lower, tk.start); m != nil {
			out = append(out, m)
			last = m[1]
		}
	}
	return out
}

// candFn says whether a pattern may start at token k. Each pattern has a
// cheap test of the token and the few after it, so that the regular
// expression runs only where it has a chance.
type candFn func(t *text, k int) bool

// then requires, besides f, one of the n tokens after k to pass ok. It is
// only a filter (a decimal point counts as a break between tokens, so
// breaks are not checked): the expression decides.
func (f candFn) then(n int, ok func(tk token) bool) candFn {
	return func(t *text, k int) bool {
		if !f(t, k) {
			return false
		}
		for j := k + 1; j <= k+n && j < len(t.toks); j++ {
			if ok(t.toks[j]) {
				return true
			}
		}
		return false
	}
}

// or accepts where f or g does.
func (f candFn) or(g candFn) candFn {
	return func(t *text, k int) bool { return f(t, k) || g(t, k) }
}

// normIn accepts tokens whose norm is one of words.
func normIn(words ...string) candFn {
	set := wordSet(words...)
	return func(t *text, k int) bool { return set[t.toks[k].norm] }
}

// tokIn is normIn for the tokens after the start.
func tokIn(words ...string) func(tk token) bool {
	set := wordSet(words...)
	return func(tk token) bool { return set[tk.norm] }
}

func tokTest(ok func(tk token) bool) candFn {
	return func(t *text, k int) bool { return ok(t.toks[k]) }
}

func isDigitToken(tk token) bool { return tk.norm != "" && isDigitByte(tk.norm[0]) }

// anchorWindow bounds the text an anchored expression sees, in bytes: no
// pattern here matches more, and Go's backtracking matcher clears state in
// proportion to its input, so handing it the rest of a long sentence at
// every token would cost quadratic time.
const anchorWindow = 96

// window returns l[pos:] cut after about n bytes, at a byte that cannot
// continue a word, so that a \b at the cut is a real word boundary.
func window(l string, pos, n int) string {
	end := pos + n
	if end >= len(l) {
		return l[pos:]
	}
	for end < len(l) && (isWordByte(l[end]) || l[end] >= 0x80) {
		end++
	}
	return l[pos:end]
}

// anchoredAt runs an anchored regular expression at byte offset pos of l
// and returns its submatch offsets in l, or nil.
func anchoredAt(re *lazyre.Regexp, l string, pos int) []int {
	m := re.FindStringSubmatchIndex(window(l, pos, anchorWindow))
	if m == nil {
		return nil
	}
	for i := range m {
		if m[i] >= 0 {
			m[i] += pos
		}
	}
	return m
}

// qualifierWindow is how far, in bytes, a qualifier may sit from a sum and
// still be taken as qualifying it.
const qualifierWindow = 60

func scaleOf(s string) float64 {
	switch s {
	case "k", "thousand":
		return 1e3
	case "m", "mn", "million":
		return 1e6
	case "bn", "billion":
		return 1e9
	case "tn", "trillion":
		return 1e12
	}
	return 1
}

// parseNum reads a number with thousands commas; ok is false for forms
// that are not quantities, such as "000" (a "£000s" column header).
func parseNum(s string) (float64, bool) {
	if len(s) > 1 && s[0] == '0' && s[1] != '.' {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// FindMoney finds sums of money in pounds. Value is in pounds, Value2 the
// upper bound of a range; Unit is "per year", "per head", "per bed",
// "per patient", "per week", ... when a qualifier follows the sum; Sub
// lists "recurrent", "non-recurrent" or "one-off", and "new" or "existing",
// when the words next to the sum say so.
func FindMoney(s string) []Annotation {
	return findMoney(newText(s))
}

func findMoney(t *text) []Annotation {
	l := t.lower
	hasPound, hasGBP, hasWord := strings.Contains(l, "£"), strings.Contains(l, "gbp"), strings.Contains(l, "pound")
	if !hasPound && !hasGBP && !hasWord {
		return nil
	}
	// Candidate sums in text order: at each "£" and "GBP", and at numbers
	// when the sentence says "pounds".
	type cand struct {
		m      []int
		pounds bool
	}
	var cands []cand
	for i := range t.toks {
		tk := t.toks[i]
		if hasWord && isDigitByte(l[tk.start]) && numberStartOK(l, tk.start) {
			if m := anchoredAt(poundsAt, l, tk.start); m != nil {
				cands = append(cands, cand{m, true})
			}
		}
		if hasGBP && tk.norm == "gbp" {
			if m := anchoredAt(moneyAt, l, tk.start); m != nil {
				cands = append(cands, cand{m, false})
			}
		}
	}
	for off := 0; hasPound; {
		k := strings.Index(l[off:], "£")
		if k < 0 {
			break
		}
		if m := anchoredAt(moneyAt, l, off+k); m != nil {
			cands = append(cands, cand{m, false})
		}
		off += k + len("£")
	}
	slices.SortFunc(cands, func(x, y cand) int { return cmp.Compare(x.m[0], y.m[0]) })
	var out []Annotation
	for _, c := range cands {
		m := c.m
		start, end := m[0], m[1]
		if len(out) > 0 && start < out[len(out)-1].End {
			continue // inside a range already taken
		}
		numA, numB, scA := m[2], m[3], m[4]
		if !c.pounds {
			numB, end = footnoteCut(t, numA, numB, end, scA)
		}
		if end < len(l) && isDigitByte(l[end]) {
			continue
		}
		v, ok := parseNum(l[numA:numB])
		if !ok {
			continue
		}
		scale := ""
		if scA >= 0 {
			scale = l[scA:m[5]]
		}
		a := Annotation{Kind: Money, Start: start, End: end, Value: v * scaleOf(scale)}
		if !c.pounds {
			a = extendRange(l, a, v, scale)
		}
		a.Text = t.s[a.Start:a.End]
		out = append(out, a)
	}
	out = mergeBetween(t, out)
	for i := range out {
		qualifyMoney(t, out, i)
	}
	return out
}

// footnoteCut drops a footnote number glued to a sum by a full stop:
// "£230,000.17 This suggests" (footnote 17), "£162,000.117". A decimal
// part of a comma-grouped sum with other than two digits, or followed by
// a capitalised word, is taken as a footnote. It returns the new end of the
// number and of the match.
func footnoteCut(t *text, numA, numB, end, scaleStart int) (int, int) {
	l := t.lower
	dot := strings.IndexByte(l[numA:numB], '.')
	if dot < 0 || scaleStart >= 0 {
		return numB, end
	}
	dot += numA
	grouped := strings.IndexByte(l[numA:dot], ',') >= 0
	decimals := numB - dot - 1
	nextCap := numB+1 < len(l) && l[numB] == ' ' && isUpperAt(t.s, numB+1)
	if grouped && decimals != 2 || nextCap && (grouped || decimals != 2) {
		return dot, dot
	}
	return numB, end
}

func isUpperAt(s string, i int) bool { return i < len(s) && s[i] >= 'A' && s[i] <= 'Z' }

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// extendRange grows a sum into a range when a second amount follows.
func extendRange(l string, a Annotation, v float64, scale string) Annotation {
	tm := rangeTailRe.FindStringSubmatchIndex(window(l, a.End, anchorWindow))
	if tm == nil {
		return a
	}
	conn := l[a.End+tm[2] : a.End+tm[3]]
	hasPound := tm[4] >= 0
	scale2 := ""
	if tm[8] >= 0 {
		scale2 = l[a.End+tm[8] : a.End+tm[9]]
	}
	// "£10 to 15 people" is not a range: "to" needs a second "£" or scale.
	if conn == "to" && !hasPound && scale2 == "" {
		return a
	}
	// A bare second number with no scale after a scaled first one is a
	// different quantity ("£2m-3 years" is unlikely; "£5m - 12 schemes").
	if !hasPound && scale2 == "" && scale != "" {
		return a
	}
	end := a.End + tm[1]
	if end < len(l) && isDigitByte(l[end]) {
		return a
	}
	v2, ok := parseNum(l[a.End+tm[6] : a.End+tm[7]])
	if !ok {
		return a
	}
	if scale2 == "" {
		scale2 = scale
	}
	// "£10–15 million": the scale written once applies to both ends.
	if scale == "" && !hasPound {
		a.Value = v * scaleOf(scale2)
	}
	v2 *= scaleOf(scale2)
	if v2 <= a.Value {
		return a
	}
	a.Value2 = v2
	a.End = end
	return a
}

// mergeBetween joins "between £2m and £3m" into one range.
func mergeBetween(t *text, ms []Annotation) []Annotation {
	if len(ms) < 2 {
		return ms
	}
	out := ms[:0]
	for i := 0; i < len(ms); i++ {
		a := ms[i]
		if i+1 < len(ms) && a.Value2 == 0 && ms[i+1].Value2 == 0 &&
			strings.HasSuffix(t.lower[:a.Start], "between ") &&
			t.lower[a.End:ms[i+1].Start] == " and " && ms[i+1].Value > a.Value {
			a.Value2 = ms[i+1].Value
			a.End = ms[i+1].End
			a.Text = t.s[a.Start:a.End]
			i++
		}
		out = append(out, a)
	}
	return out
}

// qualifyMoney sets Unit and Sub of ms[i] from the words around it, never
// looking past a neighbouring sum, so that in "£3m recurrent and £1m
// one-off" each sum gets its own qualifier.
func qualifyMoney(t *text, ms []Annotation, i int) {
	a := &ms[i]
	l := t.lower
	if u := unitRe.FindStringSubmatch(window(l, a.End, anchorWindow)); u != nil {
		w := u[1]
		if w == "" {
			w = u[2]
		}
		switch w {
		case "year", "annum", "annually", "yearly", "p.a.", "pa":
			a.Unit = "per year"
		case "head", "person", "capita", "resident":
			a.Unit = "per head"
		default:
			a.Unit = "per " + w
		}
	}
	lo := max(0, a.Start-qualifierWindow)
	if i > 0 {
		lo = max(lo, ms[i-1].End)
	}
	hi := min(len(l), a.End+qualifierWindow)
	if i+1 < len(ms) {
		hi = min(hi, ms[i+1].Start)
	}
	lo, hi = clauseBounds(l, lo, a.Start, a.End, hi)
	var subs []string
	if sub := nearest(t, recurAt, recurStarts, lo, hi, a.Start, a.End); sub != "" {
		subs = append(subs, recurSub(sub))
	}
	if sub := nearest(t, newAt, newStarts, lo, hi, a.Start, a.End); sub != "" {
		if strings.HasPrefix(sub, "existing") {
			subs = append(subs, SubExisting)
		} else {
			subs = append(subs, SubNew)
		}
	}
	a.Sub = strings.Join(subs, ",")
}

// clauseBounds narrows [lo, hi) around [start, end) to the clause: a
// semicolon or table cell separator ends the reach of a qualifier.
func clauseBounds(l string, lo, start, end, hi int) (int, int) {
	if k := strings.LastIndexAny(l[lo:start], ";|"); k >= 0 {
		lo += k + 1
	}
	if k := strings.IndexAny(l[end:hi], ";|"); k >= 0 {
		hi = end + k
	}
	return lo, hi
}

// recurAt and newAt are the money qualifiers looked for next to a sum,
// anchored for the token-driven search: at tokens in recurStarts and
// newStarts.
var (
	recurAt            = lazyre.New(`^(?:\bnon[\s-]?recurr(?:ent|ing)\b|\bone[\s-]off\b|\bone-time\b|\brecurr(?:ent|ing)\b)`)
	newAt              = lazyre.New(`^(?:\b(?:new|additional|extra)\s(?:recurrent\s|capital\s|revenue\s|national\s|government\s)?(?:money|monies|funding|investment)\b|\bexisting\s(?:resources|budgets?|funding|allocations?|monies|money)\b)`)
	recurStarts        = wordSet("non", "nonrecurrent", "nonrecurring", "recurrent", "recurring", "one")
	newStarts          = wordSet("new", "additional", "extra", "existing")
	recurCand   candFn = func(t *text, k int) bool { return recurStarts[t.toks[k].norm] }
)

// recurSub is the Sub of a recurAt match.
func recurSub(match string) string {
	switch {
	case strings.HasPrefix(match, "non"):
		return SubNonRecurrent
	case strings.HasPrefix(match, "one"):
		return SubOneOff
	}
	return SubRecurrent
}

// nearest returns the match of the anchored re, tried at tokens in starts
// within [lo, hi), closest to [start, end).
func nearest(t *text, re *lazyre.Regexp, starts map[string]bool, lo, hi, start, end int) string {
	if lo >= hi {
		return ""
	}
	best, bestDist := "", -1
	for k := t.tokenAt(lo); k < len(t.toks) && t.toks[k].start < hi; k++ {
		if !starts[t.toks[k].norm] {
			continue
		}
		m := anchoredAt(re, t.lower, t.toks[k].start)
		if m == nil || m[1] > hi {
			continue
		}
		a, b := m[0], m[1]
		if a < end && b > start {
			continue
		}
		d := a - end
		if b <= start {
			d = start - b
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = t.lower[a:b], d
		}
	}
	return best
}

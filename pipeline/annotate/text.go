package annotate

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// text is one sentence prepared once for every annotator: Annotate builds
// it a single time and hands it to all of them, where the exported FindX
// functions each build their own.
type text struct {
	s string
	// lower is s with ASCII letters lower-cased and nothing else changed,
	// so byte offsets found in it are offsets in s. Regular expressions run
	// on it without (?i), which Go's engine handles much faster.
	lower string
	toks  []token
	// people and vcs cache, per sentence, whether it is about patients,
	// the public or communities, and whether it names the voluntary
	// sector: 0 not yet known, 1 yes, 2 no.
	people, vcs int8
	// cl holds each token's word classes (claim.go), filled on first use.
	cl []uint64
}

// classes returns each token's mask of word classes.
func (t *text) classes() []uint64 {
	if t.cl == nil {
		t.cl = make([]uint64, len(t.toks))
		for k, tk := range t.toks {
			t.cl[k] = claimWords[tk.norm]
		}
	}
	return t.cl
}

// token is a word, a number or one of the symbols "%" and "&".
type token struct {
	start, end int
	// norm is the lower-case form with curly apostrophes made straight and
	// "&" spelled "and", so that lexicon entries need one spelling.
	norm string
	// brk says a hard break (sentence or clause punctuation, a table cell
	// separator, a bracket) lies between the previous token and this one:
	// lexicon phrases never span one.
	brk bool
}

func newText(s string) *text {
	t := &text{s: s, lower: textclean.ASCIILower(s)}
	t.tokenize()
	return t
}

// isHardBreak reports punctuation that ends a phrase. Commas, hyphens and
// slashes do not: "Gypsy, Roma and Traveller" and "co-production" must
// match as phrases.
func isHardBreak(r rune) bool {
	switch r {
	case '.', ';', ':', '!', '?', '|', '(', ')', '[', ']', '{', '}', '"', '“', '”', '•', '–', '—', '\t', '\n':
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' }

func (t *text) tokenize() {
	s, lower := t.s, t.lower
	if len(s) > 0 {
		t.toks = make([]token, 0, len(s)/6+1)
	}
	brk := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isWordRune(r):
			start := i
			curly := false
			i += size
			for i < len(s) {
				r, size = utf8.DecodeRuneInString(s[i:])
				if isWordRune(r) {
					i += size
					continue
				}
				// An apostrophe stays inside a word only when a letter
				// follows: "Alzheimer's" is one token, "citizens'" loses it.
				if isApostrophe(r) && i+size < len(s) {
					if r2, _ := utf8.DecodeRuneInString(s[i+size:]); unicode.IsLetter(r2) {
						curly = curly || r != '\''
						i += size
						continue
					}
				}
				break
			}
			norm := lower[start:i]
			if curly {
				norm = straightQuotes.Replace(norm)
			}
			t.toks = append(t.toks, token{start: start, end: i, norm: norm, brk: brk})
			brk = false
		case r == '%' || r == '&':
			norm := "%"
			if r == '&' {
				norm = "and"
			}
			t.toks = append(t.toks, token{start: i, end: i + 1, norm: norm, brk: brk})
			brk = false
			i += size
		default:
			brk = brk || isHardBreak(r)
			i += size
		}
	}
}

// tokenAt returns the index of the first token starting at or after byte
// offset off.
func (t *text) tokenAt(off int) int {
	return sort.Search(len(t.toks), func(i int) bool { return t.toks[i].start >= off })
}

// has reports whether any token's norm is in set.
// hasWord reports whether a token is in the set.
func (t *text) hasWord(set map[string]bool) bool {
	for _, tk := range t.toks {
		if set[tk.norm] {
			return true
		}
	}
	return false
}

// has reports whether a token belongs to the word class.
func (t *text) has(class uint64) bool {
	for _, c := range t.classes() {
		if c&class != 0 {
			return true
		}
	}
	return false
}

// onlySpaceBetween reports whether s[a:b] is empty or spaces only.
func onlySpaceBetween(s string, a, b int) bool {
	if a > b || b > len(s) {
		return false
	}
	for i := a; i < b; i++ {
		if s[i] != ' ' {
			return false
		}
	}
	return true
}

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// entry is one lexicon phrase. Its pattern is words separated by spaces;
// a word may list alternatives with "|", and an empty alternative makes
// the word optional ("voluntary and| community sector|sectors").
// Patterns with an upper-case letter match case-sensitively, so "Mind",
// "SMI" and "Black" are not found in "mind", "smi" or "black".
type entry struct {
	pattern string
	kind    string
	sub     string
	// check, when set, may veto a match of tokens [i, j).
	check func(t *text, i, j int) bool
}

type phrase struct {
	words         []map[string]bool
	optional      []bool
	caseSensitive bool
	entry
}

// lexicon finds the leftmost-longest non-overlapping phrases of a list in
// a sentence's tokens: one map look-up per token, which is far cheaper than
// a regular expression alternation of a few hundred phrases.
type lexicon struct {
	first map[string][]*phrase
}

// lazyLexicon builds a lexicon on first use. Every nhsreview process
// initialises this package, including the PDF readers, which never
// annotate; built at start-up, the lexicons cost each of them about 2 ms.
func lazyLexicon(entries func() []entry) func() *lexicon {
	return sync.OnceValue(func() *lexicon { return newLexicon(entries()) })
}

func newLexicon(entries []entry) *lexicon {
	lx := &lexicon{first: map[string][]*phrase{}}
	for _, e := range entries {
		p := &phrase{entry: e, caseSensitive: strings.ToLower(e.pattern) != e.pattern}
		for _, w := range strings.Fields(e.pattern) {
			alts := map[string]bool{}
			opt := false
			for _, a := range strings.Split(w, "|") {
				if a == "" {
					opt = true
					continue
				}
				if !p.caseSensitive {
					a = strings.ToLower(a)
				}
				alts[a] = true
			}
			p.words = append(p.words, alts)
			p.optional = append(p.optional, opt)
		}
		if len(p.words) == 0 || p.optional[0] {
			panic("annotate: lexicon pattern must start with a required word: " + e.pattern)
		}
		for a := range p.words[0] {
			key := strings.ToLower(a)
			lx.first[key] = append(lx.first[key], p)
		}
	}
	return lx
}

// match returns the end token index of p matched at token i, or -1.
func (p *phrase) match(t *text, i int) int {
	end := p.matchFrom(t, 0, i)
	if end > i && p.check != nil && !p.check(t, i, end) {
		return -1
	}
	return end
}

func (p *phrase) matchFrom(t *text, w, i int) int {
	if w == len(p.words) {
		return i
	}
	if i < len(t.toks) && (w == 0 || !t.toks[i].brk) && p.wordMatches(t, w, i) {
		if end := p.matchFrom(t, w+1, i+1); end >= 0 {
			return end
		}
	}
	if p.optional[w] {
		return p.matchFrom(t, w+1, i)
	}
	return -1
}

func (p *phrase) wordMatches(t *text, w, i int) bool {
	tk := t.toks[i]
	if p.caseSensitive {
		// "&" is spelled "and" in patterns, whatever their case.
		if tk.norm == "and" {
			return p.words[w]["and"]
		}
		orig := t.s[tk.start:tk.end]
		if len(orig) != len(tk.norm) {
			orig = straightQuotes.Replace(orig)
		}
		return p.words[w][orig]
	}
	return p.words[w][tk.norm]
}

// find appends the lexicon's matches in t to out.
func (lx *lexicon) find(t *text, out []Annotation) []Annotation {
	for i := 0; i < len(t.toks); {
		best, bestEnd := lx.matchAt(t, i)
		if best == nil || bestEnd <= i {
			i++
			continue
		}
		a, b := t.toks[i].start, t.toks[bestEnd-1].end
		out = append(out, Annotation{Kind: best.kind, Sub: best.sub, Text: t.s[a:b], Start: a, End: b})
		i = bestEnd
	}
	return out
}

// matchAt returns the phrase of lx matching at token i (longest), its end
// token, or nil.
func (lx *lexicon) matchAt(t *text, i int) (*phrase, int) {
	if i >= len(t.toks) {
		return nil, -1
	}
	best, bestEnd := (*phrase)(nil), -1
	for _, p := range lx.first[t.toks[i].norm] {
		if end := p.match(t, i); end > bestEnd {
			best, bestEnd = p, end
		}
	}
	return best, bestEnd
}

// overlaps reports whether [a, b) overlaps any annotation in spans.
func overlaps(spans []Annotation, a, b int) bool {
	for _, sp := range spans {
		if a < sp.End && sp.Start < b {
			return true
		}
	}
	return false
}

// sortAnnotations orders by Start, then longer first, then kind, so output
// is deterministic.
func sortAnnotations(as []Annotation) {
	slices.SortStableFunc(as, func(x, y Annotation) int {
		return cmp.Or(cmp.Compare(x.Start, y.Start), cmp.Compare(y.End, x.End), cmp.Compare(x.Kind, y.Kind))
	})
}

// straightQuotes spells curly apostrophes as the lexicons do.
var straightQuotes = strings.NewReplacer("’", "'", "‘", "'")

// nonOverlapping keeps, from candidates, a set of non-overlapping ones,
// preferring (at equal start) the longer; a later candidate overlapping a
// kept one is dropped unless prefer says it is better, in which case it
// replaces it.
func nonOverlapping(cands []Annotation, prefer func(a, b Annotation) bool) []Annotation {
	if len(cands) < 2 {
		return cands
	}
	sortAnnotations(cands)
	out := cands[:0:0]
	for _, c := range cands {
		if n := len(out); n > 0 && c.Start < out[n-1].End {
			if prefer != nil && prefer(c, out[n-1]) {
				out[n-1] = c
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

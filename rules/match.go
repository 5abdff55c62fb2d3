package rules

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Terms are matched with one Aho-Corasick automaton holding every term of
// every rule, run once over each sentence: with hundreds of terms and
// thousands of sentences, one pass instead of a regular expression per term
// list per sentence is what keeps scoring a board pack under a second.
//
// Text and terms are normalised the same way before matching: ASCII lower
// case and hyphens as spaces ("co-production" matches "co production").
// Both keep byte offsets, so matches point into the original text.

type automaton struct {
	// The trie while terms are added, as flat arrays indexed by state
	// (first child, next sibling, the byte on the edge into the state):
	// one map per state made building the 11,000 states of the built-in
	// rules a third of every command's fixed cost.
	child, sibling []int32
	label          []byte
	out            [][]int32 // pattern ids ending at each state
	pats           []pattern
	byText         map[string]int32
	// After build: a DFA over byte classes, so that scanning a sentence is
	// one table lookup a byte, with no failure links to follow.
	class  [256]uint16
	nclass int
	delta  []int32 // delta[state*nclass+class]
}

type pattern struct {
	text   string
	prefix bool // the term ended in "*": any word ending matches
}

// trieStates is the room made for the trie at the start: the built-in
// rules make 11,000 states, and growing the arrays to that, out above
// all (a slice a state), was a third of adding the terms.
const trieStates = 1 << 14

func newAutomaton() *automaton {
	a := &automaton{
		child:   make([]int32, 1, trieStates),
		sibling: make([]int32, 1, trieStates),
		label:   make([]byte, 1, trieStates),
		out:     make([][]int32, 1, trieStates),
		byText:  make(map[string]int32, 2048),
	}
	a.child[0], a.sibling[0] = -1, -1
	return a
}

// next is the trie's child of s on byte c, or -1.
func (a *automaton) next(s int32, c byte) int32 {
	for n := a.child[s]; n >= 0; n = a.sibling[n] {
		if a.label[n] == c {
			return n
		}
	}
	return -1
}

// add registers a term and returns its pattern id.
func (a *automaton) add(term string) int32 {
	prefix := strings.HasSuffix(term, "*")
	text := normalise(strings.TrimSuffix(term, "*"))
	key := text
	if prefix {
		key += "*"
	}
	if id, ok := a.byText[key]; ok {
		return id
	}
	id := int32(len(a.pats))
	a.pats = append(a.pats, pattern{text, prefix})
	a.byText[key] = id
	s := int32(0)
	for i := 0; i < len(text); i++ {
		n := a.next(s, text[i])
		if n < 0 {
			n = int32(len(a.label))
			a.label = append(a.label, text[i])
			a.child = append(a.child, -1)
			a.sibling = append(a.sibling, a.child[s])
			a.out = append(a.out, nil)
			a.child[s] = n
		}
		s = n
	}
	a.out[s] = append(a.out[s], id)
	return id
}

// build turns the trie into the DFA, breadth first: a state's failure
// state is shallower, so its row of the DFA is complete when the state's
// own row is made from it, and its failure state is that row's entry
// for the byte into it.
func (a *automaton) build() {
	// Byte classes: every byte that occurs in a term has its own class;
	// all other bytes share class 0, on which every state goes back to
	// the root.
	a.nclass = 1
	for _, c := range a.label[1:] {
		if a.class[c] == 0 {
			a.class[c] = uint16(a.nclass)
			a.nclass++
		}
	}
	states := len(a.label)
	a.delta = make([]int32, states*a.nclass)
	fail := make([]int32, states)
	queue := make([]int32, 0, states)
	queue = append(queue, 0)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		base := int(s) * a.nclass
		if s != 0 {
			fbase := int(fail[s]) * a.nclass
			copy(a.delta[base:base+a.nclass], a.delta[fbase:fbase+a.nclass])
		}
		for n := a.child[s]; n >= 0; n = a.sibling[n] {
			k := int(a.class[a.label[n]])
			if s != 0 {
				// The row of s still holds its failure state's moves here.
				fail[n] = a.delta[base+k]
			}
			a.delta[base+k] = n
			a.out[n] = append(a.out[n], a.out[fail[n]]...)
			queue = append(queue, n)
		}
	}
	a.child, a.sibling, a.label = nil, nil, nil // the trie is no longer needed
}

// hit is a term found in a text.
type hit struct {
	pat        int32
	start, end int
}

// scan finds every term in norm (already normalised) that starts and ends
// at word boundaries.
func (a *automaton) scan(norm string, hits []hit) []hit {
	s := int32(0)
	for i := 0; i < len(norm); i++ {
		s = a.delta[int(s)*a.nclass+int(a.class[norm[i]])]
		for _, id := range a.out[s] {
			p := a.pats[id]
			start, end := i+1-len(p.text), i+1
			if !boundaryBefore(norm, start) || !p.prefix && !boundaryAfter(norm, end) {
				continue
			}
			hits = append(hits, hit{id, start, end})
		}
	}
	return hits
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func boundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

func boundaryAfter(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(r)
}

// normalise lower-cases ASCII letters and turns hyphens into spaces,
// keeping every byte offset.
func normalise(s string) string {
	b := []byte(s)
	changed := false
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
			changed = true
		case c == '-':
			b[i] = ' '
			changed = true
		}
	}
	if !changed {
		return s
	}
	return string(b)
}

// termList is one signal's (or part's) terms and exclusions.
type termList struct {
	terms   []int32
	exclude []int32
	res     []*filteredRE
	exRes   []*filteredRE
}

func (a *automaton) list(terms, exclude []string) *termList {
	tl := &termList{}
	for _, t := range terms {
		if re := termRegexp(t); re != nil {
			tl.res = append(tl.res, re)
		} else {
			tl.terms = append(tl.terms, a.add(t))
		}
	}
	for _, t := range exclude {
		if re := termRegexp(t); re != nil {
			tl.exRes = append(tl.exRes, re)
		} else {
			tl.exclude = append(tl.exclude, a.add(t))
		}
	}
	return tl
}

func termRegexp(t string) *filteredRE {
	if expr, ok := termExpr(t); ok {
		return lazyFilteredRE(expr)
	}
	return nil
}

// span is a match of a term list in a sentence (byte offsets).
type span struct{ start, end int }

// match returns the first occurrence of a term of the list in the
// sentence that no exclusion covers, if any. hits are the sentence's
// automaton hits; norm is its normalised text (regular expressions run on
// it too, so that they see "60 times" in "60-times").
func (tl *termList) match(hits []hit, norm string) (span, bool) {
	var excl []span
	if len(tl.exclude) > 0 {
		for _, h := range hits {
			if slices.Contains(tl.exclude, h.pat) {
				excl = append(excl, span{h.start, h.end})
			}
		}
	}
	for _, re := range tl.exRes {
		if !re.mayMatch(norm) {
			continue
		}
		for _, loc := range re.findAll(norm) {
			excl = append(excl, span{loc[0], loc[1]})
		}
	}
	covered := func(s span) bool {
		for _, e := range excl {
			if e.start <= s.start && s.end <= e.end {
				return true
			}
		}
		return false
	}
	for _, h := range hits {
		if slices.Contains(tl.terms, h.pat) {
			s := span{h.start, h.end}
			if !covered(s) {
				return s, true
			}
		}
	}
	for _, re := range tl.res {
		if !re.mayMatch(norm) {
			continue
		}
		if len(excl) == 0 {
			// Nothing excluded: the first match is the answer, and
			// finding every match costs a pass over the whole sentence.
			if loc := re.find(norm); loc != nil {
				return span{loc[0], loc[1]}, true
			}
			continue
		}
		for _, loc := range re.findAll(norm) {
			s := span{loc[0], loc[1]}
			if !covered(s) {
				return s, true
			}
		}
	}
	return span{}, false
}

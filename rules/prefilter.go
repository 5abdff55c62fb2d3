package rules

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// filteredRE is a regular expression with a cheap test that rules most
// texts out before it runs: the literals one of which every match must
// contain (the idea of RE2's FilteredRE2). Most sentences contain none of
// "times", "years", "driven", so most regex terms never run.
type filteredRE struct {
	pattern string
	once    sync.Once
	re      *regexp.Regexp
	lits    []string // lower case; nil means no filter
	// leading: the pattern is `^\W*(...)`, a sentence's first word; its
	// literals are looked for only there, not across the whole sentence.
	leading bool
	maxLit  int
	// hand, when set, finds the pattern's matches as re would, by hand
	// (handMatchers).
	hand func(s string, from int) (start, end int)
}

func newFilteredRE(pattern string) *filteredRE {
	f := lazyFilteredRE(pattern)
	f.prepare()
	return f
}

// lazyFilteredRE is newFilteredRE compiled on first use: most term
// patterns of the built-in rules never get past the filter on a short
// document, and compiling them all was a sixth of the rule set's
// building, which every command pays (the patterns were checked when the
// rules were read, or when the built-in set was generated).
func lazyFilteredRE(pattern string) *filteredRE {
	return &filteredRE{pattern: pattern, hand: handMatchers[pattern]}
}

// prepare compiles the pattern and finds its literals, once.
func (f *filteredRE) prepare() {
	f.once.Do(func() {
		f.re = regexp.MustCompile(f.pattern)
		if tree, err := syntax.Parse(f.pattern, syntax.Perl); err == nil {
			if lits, ok := lazyre.RequiredLiterals(tree.Simplify(), true); ok {
				f.lits = lits
				f.leading = strings.HasPrefix(strings.TrimPrefix(f.pattern, "(?i)"), `^\W*(`)
				for _, l := range lits {
					f.maxLit = max(f.maxLit, len(l))
				}
			}
		}
	})
}

// mayMatch reports whether lower-cased text could match.
func (f *filteredRE) mayMatch(lower string) bool {
	f.prepare()
	if f.lits == nil {
		return true
	}
	if f.leading {
		// \W* skips every byte that is not an ASCII letter, digit or
		// underscore; a match then holds a literal within its length.
		i := 0
		for i < len(lower) && !isWordByte(lower[i]) {
			i++
		}
		lower = lower[i:min(len(lower), i+f.maxLit)]
	}
	for _, l := range f.lits {
		if strings.Contains(lower, l) {
			return true
		}
	}
	return false
}

// find returns the first match in s, as re.FindStringIndex would.
func (f *filteredRE) find(s string) []int {
	f.prepare()
	if f.hand == nil {
		return f.re.FindStringIndex(s)
	}
	if start, end := f.hand(s, 0); start >= 0 {
		return []int{start, end}
	}
	return nil
}

// findAll returns every match in s, as re.FindAllStringIndex(s, -1)
// would (the hand-written patterns never match the empty string).
func (f *filteredRE) findAll(s string) [][]int {
	f.prepare()
	if f.hand == nil {
		return f.re.FindAllStringIndex(s, -1)
	}
	var out [][]int
	for from := 0; from <= len(s); {
		start, end := f.hand(s, from)
		if start < 0 {
			break
		}
		out = append(out, []int{start, end})
		from = end
	}
	return out
}

// handMatchers are hand-written matchers for term patterns of the
// built-in rules that have no literal to filter sentences on, so that
// their regular expression ran on every sentence of every document: a
// fifth of the time of the rules' regular expressions on the shared
// corpus. Each returns the leftmost-first match of its pattern starting
// at or after from (with the bytes before from as context for \b), or
// -1, -1; TestHandMatchers holds each to its pattern.
var handMatchers = map[string]func(s string, from int) (int, int){
	`\b\d[\d,.]*\b`: numberAt,
	`(?i)[”"’]\s*$`: closingQuoteAt,
}

// numberAt matches \b\d[\d,.]*\b: a digit at the start of a word, then
// the longest run of digits, commas and full stops that ends at a word
// boundary (\b, \d and \w are ASCII in Go's syntax).
func numberAt(s string, from int) (int, int) {
	for i := from; i < len(s); i++ {
		if !isDigit(s[i]) || i > 0 && isWordByte(s[i-1]) {
			continue
		}
		e := i + 1
		for e < len(s) && (isDigit(s[e]) || s[e] == ',' || s[e] == '.') {
			e++
		}
		for j := e; j > i; j-- {
			if isWordByte(s[j-1]) != (j < len(s) && isWordByte(s[j])) {
				return i, j
			}
		}
	}
	return -1, -1
}

// closingQuoteAt matches (?i)[”"’]\s*$: a closing quotation mark followed
// by nothing but white space (\s is [\t\n\f\r ]; none of the three marks
// has another case).
func closingQuoteAt(s string, from int) (int, int) {
	t := strings.TrimRight(s, "\t\n\f\r ")
	for _, q := range []string{"”", "\"", "’"} {
		if strings.HasSuffix(t, q) {
			if start := len(t) - len(q); start >= from {
				return start, len(s)
			}
			break
		}
	}
	return -1, -1
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

package rules

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// filteredRE is a regular expression with a cheap test that rules most
// texts out before it runs: the literals one of which every match must
// contain (the idea of RE2's FilteredRE2). Most sentences contain none of
// "times", "years", "driven", so most regex terms never run.
type filteredRE struct {
	re   *regexp.Regexp
	lits []string // lower case; nil means no filter
	// leading: the pattern is `^\W*(...)`, a sentence's first word; its
	// literals are looked for only there, not across the whole sentence.
	leading bool
	maxLit  int
}

func newFilteredRE(pattern string) *filteredRE {
	re := regexp.MustCompile(pattern)
	f := &filteredRE{re: re}
	if tree, err := syntax.Parse(pattern, syntax.Perl); err == nil {
		if lits, ok := required(tree.Simplify()); ok {
			f.lits = lits
			f.leading = strings.HasPrefix(strings.TrimPrefix(pattern, "(?i)"), `^\W*(`)
			for _, l := range lits {
				f.maxLit = max(f.maxLit, len(l))
			}
		}
	}
	return f
}

// mayMatch reports whether lower-cased text could match.
func (f *filteredRE) mayMatch(lower string) bool {
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

// required returns literals one of which every match contains, or false
// when no such set is known.
func required(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := strings.ToLower(string(re.Rune))
		if strings.TrimSpace(s) == "" {
			return nil, false
		}
		return []string{s}, true
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil, false
	case syntax.OpConcat:
		// Every part is required: keep the part whose literals are the
		// most selective (the shortest literal longest).
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			lits, ok := required(sub)
			if !ok {
				continue
			}
			short := len(lits[0])
			for _, l := range lits {
				short = min(short, len(l))
			}
			if short > bestLen {
				best, bestLen = lits, short
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits, ok := required(sub)
			if !ok {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, len(all) > 0
	}
	return nil, false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

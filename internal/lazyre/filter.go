package lazyre

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// maxLits is the most literals a filter looks for: each is a pass over
// the text, and past a few the pattern itself is as quick.
const maxLits = 6

// filters returns the literals one of which every match of the pattern
// contains, and, for a top-level alternation whose every branch has
// such literals, the branches compiled one by one.
func filters(pattern string) ([]string, []branch) {
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, nil
	}
	tree = tree.Simplify()
	lits, ok := required(tree)
	if !ok || len(lits) > maxLits {
		lits = nil
	}
	texts := splitTop(pattern)
	if tree.Op != syntax.OpAlternate || len(texts) != len(tree.Sub) {
		return lits, nil
	}
	var bs []branch
	for i, sub := range tree.Sub {
		bl, ok := required(sub)
		if !ok || len(bl) > maxLits {
			return lits, nil
		}
		re, err := regexp.Compile(texts[i])
		if err != nil {
			return lits, nil
		}
		bs = append(bs, branch{re, bl})
	}
	return lits, bs
}

// splitTop splits a pattern at its top-level bars, each part with the
// pattern's leading flags ("(?i)"), or returns nil when it cannot be sure
// of the parts: a flag group further on would hold across the bars. (The
// parser's tree printed back would do, but printing a large pattern's
// tree took half a second.)
func splitTop(p string) []string {
	if strings.Contains(p, `\Q`) {
		return nil // \Q...\E quotes bars and brackets alike
	}
	flags := ""
	if strings.HasPrefix(p, "(?") {
		if end := strings.IndexByte(p, ')'); end > 0 && strings.Trim(p[2:end], "imsU-") == "" {
			flags, p = p[:end+1], p[end+1:]
		}
	}
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			// A class ends at the first ] but one right after [ or [^,
			// escapes skipped and [:alpha:] names inside it.
			j := i + 1
			if j < len(p) && p[j] == '^' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for ; j < len(p) && p[j] != ']'; j++ {
				if p[j] == '\\' {
					j++
				} else if p[j] == '[' && j+1 < len(p) && p[j+1] == ':' {
					if k := strings.Index(p[j:], ":]"); k > 0 {
						j += k + 1
					}
				}
			}
			i = j
		case '(':
			if depth == 0 && strings.HasPrefix(p[i:], "(?") && !strings.HasPrefix(p[i:], "(?:") && !strings.HasPrefix(p[i:], "(?P<") && !strings.HasPrefix(p[i:], "(?<") {
				// (?i:...) is a group of its own; (?i) holds to the end.
				if k := strings.IndexAny(p[i+2:], ":)"); k < 0 || p[i+2+k] == ')' {
					return nil
				}
			}
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				parts = append(parts, flags+p[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil
	}
	return append(parts, flags+p[start:])
}

// required is RequiredLiterals for text as it is.
func required(re *syntax.Regexp) ([]string, bool) { return RequiredLiterals(re, false) }

// RequiredLiterals returns literals one of which every match of re
// contains, or false when no such set is known. With lower, the literals
// are lower-cased, for a pattern run on lower-cased text (the rules'
// terms); without, a literal matched without regard to case counts only
// when it has no letter (Unicode folds "k" with the Kelvin sign, "s" with
// the long s).
func RequiredLiterals(re *syntax.Regexp, lower bool) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if strings.TrimSpace(s) == "" {
			return nil, false // everywhere: no filter
		}
		if lower {
			return []string{strings.ToLower(s)}, true
		}
		if re.Flags&syntax.FoldCase != 0 && strings.IndexFunc(s, func(r rune) bool { return unicode.SimpleFold(r) != r }) >= 0 {
			return nil, false
		}
		return []string{s}, true
	case syntax.OpCapture, syntax.OpPlus:
		return RequiredLiterals(re.Sub[0], lower)
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return RequiredLiterals(re.Sub[0], lower)
		}
		return nil, false
	case syntax.OpConcat:
		// Every part is required: keep the part whose literals are the
		// most selective (the shortest literal longest).
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			lits, ok := RequiredLiterals(sub, lower)
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
			lits, ok := RequiredLiterals(sub, lower)
			if !ok {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, len(all) > 0
	}
	return nil, false
}

func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

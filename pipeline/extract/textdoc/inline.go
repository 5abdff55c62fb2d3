package textdoc

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// Scan limits for inline constructs. They keep stripInline linear on
// hostile lines ("[[[[…", "<<<<…") at the cost of leaving absurdly long
// links or tags as text.
const (
	maxLabel   = 1000
	maxTarget  = 2000
	maxTag     = 1000
	maxCode    = 10000
	maxNesting = 5
)

var (
	autolinkRe = lazyre.New(`^<((?:https?|ftp|mailto):[^\s<>]*)>`)
	tagRe      = lazyre.New(`^</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>`)
)

// inlineTags are raw HTML tags that sit inside a word run; others (br, p,
// div) separate words.
var inlineTags = map[string]bool{
	"a": true, "b": true, "i": true, "em": true, "strong": true, "span": true, "sup": true,
	"sub": true, "u": true, "small": true, "code": true, "mark": true, "abbr": true, "s": true,
	"del": true, "ins": true, "font": true,
}

// stripInline removes Markdown inline markup and keeps the text a reader
// sees: emphasis and code markers go, links keep their text, images and
// footnote references go, raw HTML tags go, backslash escapes and HTML
// entities are resolved.
func stripInline(s string) string {
	if !strings.ContainsAny(s, "\\`*_~[]!<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	inlineInto(&b, s, 0)
	return html.UnescapeString(b.String())
}

func inlineInto(b *strings.Builder, s string, depth int) {
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) && isASCIIPunct(s[i+1]) {
				b.WriteByte(s[i+1])
				i += 2
				continue
			}
		case '`':
			n := runLen(s, i, '`')
			if end := findRun(s, i+n, '`', n); end >= 0 {
				b.WriteString(s[i+n : end])
				i = end + n
				continue
			}
			b.WriteString(s[i : i+n])
			i += n
			continue
		case '!':
			if i+1 < len(s) && s[i+1] == '[' {
				if _, end, ok := link(s, i+1); ok {
					i = end // images are figures, not text
					continue
				}
			}
		case '[':
			if i+1 < len(s) && s[i+1] == '^' {
				if j := strings.IndexByte(s[i:min(len(s), i+100)], ']'); j > 0 {
					i += j + 1 // footnote reference
					continue
				}
			}
			if labelEnd, end, ok := link(s, i); ok && depth < maxNesting {
				inlineInto(b, s[i+1:labelEnd], depth+1)
				i = end
				continue
			}
		case '<':
			window := s[i:min(len(s), i+maxTag)]
			if m := autolinkRe.FindStringSubmatch(window); m != nil {
				b.WriteString(m[1])
				i += len(m[0])
				continue
			}
			if m := tagRe.FindStringSubmatchIndex(window); m != nil {
				if !inlineTags[strings.ToLower(window[m[2]:m[3]])] {
					b.WriteByte(' ')
				}
				i += m[1]
				continue
			}
		case '*', '_', '~':
			n := runLen(s, i, c)
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			keep := false
			switch {
			case c == '~':
				keep = n == 1
			case c == '_' && isAlnum(prev) && isAlnum(next):
				keep = true // snake_case and file_names
			case n == 1 && i > 0 && i+n < len(s) && unicode.IsSpace(prev) && unicode.IsSpace(next):
				keep = true // "2 * 3"
			}
			if keep {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		b.WriteByte(c)
		i++
	}
}

func isASCIIPunct(c byte) bool {
	return c < utf8.RuneSelf && unicode.IsPunct(rune(c)) || strings.IndexByte("$+<=>^`|~", c) >= 0
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// findRun returns the index of the next run of exactly n c's from i, or -1.
func findRun(s string, i int, c byte, n int) int {
	limit := min(len(s), i+maxCode)
	for i < limit {
		if s[i] != c {
			i++
			continue
		}
		k := runLen(s, i, c)
		if k == n {
			return i
		}
		i += k
	}
	return -1
}

// link parses "[label](target)" or "[label][ref]" at s[i] == '['. It
// returns the index of the closing ']' of the label and the index just
// past the whole link.
func link(s string, i int) (labelEnd, end int, ok bool) {
	labelEnd = matching(s, i, '[', ']', maxLabel)
	if labelEnd < 0 || labelEnd+1 >= len(s) {
		return 0, 0, false
	}
	switch s[labelEnd+1] {
	case '(':
		if e := matching(s, labelEnd+1, '(', ')', maxTarget); e >= 0 {
			return labelEnd, e + 1, true
		}
	case '[':
		if e := matching(s, labelEnd+1, '[', ']', maxLabel); e >= 0 {
			return labelEnd, e + 1, true
		}
	}
	return 0, 0, false
}

// matching returns the index of the bracket closing the one at s[i],
// skipping escaped characters, or -1 when there is none within limit.
func matching(s string, i int, open, close byte, limit int) int {
	depth := 0
	stop := min(len(s), i+limit)
	for j := i; j < stop; j++ {
		switch s[j] {
		case '\\':
			j++
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

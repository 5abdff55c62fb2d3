// Package textclean normalises text coming out of any extractor so that
// every later stage sees the same characters: NFKC (ligatures, non-breaking
// spaces, full-width forms), control characters removed and counted, and
// whitespace folded. It is also the one home of the small text helpers
// several packages share: Shorten, ASCIILower, OneLine, Plural and
// Thousands (byte counts are internal/bytesize's).
package textclean

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cp1252 maps the C1 control range to what Windows-1252 puts there. PDF
// fonts whose ToUnicode maps were built from Windows code pages put curly
// quotes and dashes at these code points; mapping them back keeps the
// punctuation instead of dropping it.
var cp1252 = map[rune]rune{
	0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡',
	0x88: 'ˆ', 0x89: '‰', 0x8A: 'Š', 0x8B: '‹', 0x8C: 'Œ', 0x8E: 'Ž',
	0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—',
	0x98: '˜', 0x99: '™', 0x9A: 'š', 0x9B: '›', 0x9C: 'œ', 0x9E: 'ž', 0x9F: 'Ÿ',
}

// Stats counts what Clean removed. (What is left, U+FFFD included, is
// measured once on the finished document: document.Measure.)
type Stats struct {
	Controls int // control characters removed
}

// Add accumulates o into s.
func (s *Stats) Add(o Stats) {
	s.Controls += o.Controls
}

// Clean returns s in NFKC with control characters removed (newlines and
// tabs become spaces or stay, as keepNewlines says) and invalid UTF-8
// replaced by U+FFFD. Runs of spaces are not folded: callers that build
// lines from positioned glyphs rely on the spaces they put in.
func Clean(s string, keepNewlines bool) (string, Stats) {
	var st Stats
	if isPlain(s) {
		return s, st
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(unicode.ReplacementChar)
		case r == '\n' || r == '\r':
			if keepNewlines {
				if r == '\n' {
					b.WriteByte('\n')
				}
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r >= 0x80 && r <= 0x9F:
			if m, ok := cp1252[r]; ok {
				b.WriteRune(m)
			} else {
				st.Controls++
			}
		case r == 0xAD: // soft hyphen: invisible unless at a line end
		case r >= 0xE000 && r <= 0xF8FF:
			// Symbol and Wingdings fonts put bullets in the private-use
			// area; keep those as a real bullet, drop the rest.
			if r == 0xF0B7 || r == 0xF0A7 || r == 0xF06E || r == 0xF0FC || r == 0xF0D8 {
				b.WriteRune('•')
			} else {
				st.Controls++
			}
		case unicode.IsControl(r), r == '\uFEFF':
			st.Controls++
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if !norm.NFKC.IsNormalString(out) {
		out = norm.NFKC.String(out)
	}
	return out, st
}

// isPlain reports whether s is printable ASCII (plus spaces), which needs
// no work; most text is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7F {
			return false
		}
	}
	return true
}

// Fold collapses every run of whitespace into one space and trims the ends.
// Quotes are compared after folding (CONTRACT.md: "verbatim text of the
// document (after whitespace folding)").
func Fold(s string) string {
	if isFolded(s) {
		return s // most text comes folded from the readers: no copy
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isFolded reports whether Fold would return s unchanged: single spaces
// only, none at the ends, and valid UTF-8 (Fold rewrites invalid bytes).
func isFolded(s string) bool {
	space := true // a space at the start is not folded
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false
		case r == ' ':
			if space {
				return false
			}
			space = true
		case unicode.IsSpace(r):
			return false
		default:
			space = false
		}
	}
	return !space || s == ""
}

// Shorten cuts s to at most n bytes at the last space before n (at n
// itself when that space is in the first half), marking the cut with an
// ellipsis; a text that fits is returned as it is. The cut never splits a
// character. (Titles are cut by title.Cut, at any word boundary.)
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
	}
	return strings.ToValidUTF8(s[:cut], "") + "…"
}

// ASCIILower lower-cases ASCII letters and changes nothing else, so that
// byte offsets found in the result are offsets in s; patterns run on it
// need no case folding, which Go's regular expressions run several times
// slower.
func ASCIILower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// OneLine keeps a field or message on its line: each carriage return and
// line feed becomes a space, and nothing else changes.
func OneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}

// Plural counts word: "1 page", "3 pages" (the plural adds an s).
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// Thousands writes n with a comma between groups of three digits:
// "12,345", "-1,000".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range s {
		if i > 0 && s[i-1] != '-' && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// StartsLower: s starts with a lower-case letter.
func StartsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// StartsUpper: s starts with an upper-case letter.
func StartsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// CountWords counts the words of s, runs of non-space, without building
// them (strings.Fields would).
func CountWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

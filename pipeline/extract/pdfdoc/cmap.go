package pdfdoc

import (
	"unicode/utf16"
)

// toUnicode is a parsed /ToUnicode CMap: code → text, looked up in a map
// rather than by scanning every range for every glyph as the library does.
type toUnicode struct {
	// codeLen[n] is true when codes of n bytes exist (from the codespace
	// ranges; bfchar/bfrange entries add their own lengths).
	codeLen [5]bool
	m       map[uint32]string
	work    int
}

// maxCMapEntries bounds what one CMap may define; real ones have at most a
// few tens of thousands, a hostile one could claim 2^32 in one bfrange.
const maxCMapEntries = 1 << 17

// maxCMapWork bounds the codes visited over all ranges: the same range
// repeated a million times keeps the map small but would take hours.
const maxCMapWork = 1 << 22

// parseToUnicode reads the bfchar/bfrange/codespacerange sections of a
// ToUnicode CMap. It is tolerant: anything it does not understand is skipped,
// because a partly usable map is worth more than none.
func parseToUnicode(data []byte) *toUnicode {
	cm := &toUnicode{m: make(map[uint32]string)}
	lx := cmapLexer{data: data}
	var operands []cmapToken
	for {
		tok, ok := lx.next()
		if !ok {
			break
		}
		if tok.kind != tokOp {
			if len(operands) < 4096 {
				operands = append(operands, tok)
			}
			continue
		}
		switch string(tok.text) {
		case "begincodespacerange", "beginbfchar", "beginbfrange":
			operands = operands[:0]
		case "endcodespacerange":
			for i := 0; i+1 < len(operands); i += 2 {
				n := len(operands[i].text)
				if operands[i].kind == tokHex && n >= 1 && n <= 4 {
					cm.codeLen[n] = true
				}
			}
			operands = operands[:0]
		case "endbfchar":
			for i := 0; i+1 < len(operands); i += 2 {
				src, dst := operands[i], operands[i+1]
				if src.kind != tokHex || len(src.text) == 0 || len(src.text) > 4 {
					continue
				}
				cm.codeLen[len(src.text)] = true
				cm.m[codeOf(src.text)] = utf16String(dst.text)
				if len(cm.m) > maxCMapEntries {
					return cm
				}
			}
			operands = operands[:0]
		case "endbfrange":
			cm.addRanges(operands)
			operands = operands[:0]
			if len(cm.m) > maxCMapEntries || cm.work > maxCMapWork {
				return cm
			}
		default:
			operands = operands[:0]
		}
	}
	return cm
}

func (cm *toUnicode) addRanges(ops []cmapToken) {
	for i := 0; i+2 < len(ops); {
		lo, hi, dst := ops[i], ops[i+1], ops[i+2]
		if lo.kind != tokHex || hi.kind != tokHex || len(lo.text) == 0 || len(lo.text) > 4 || len(lo.text) != len(hi.text) {
			i++
			continue
		}
		cm.codeLen[len(lo.text)] = true
		a, b := codeOf(lo.text), codeOf(hi.text)
		if b < a || b-a > maxCMapEntries || cm.work > maxCMapWork {
			i += 3
			continue
		}
		cm.work += int(b-a) + 1
		switch dst.kind {
		case tokHex:
			// The destination increments with the code: the last UTF-16
			// unit is bumped (the spec's rule), carrying into surrogates
			// is not needed for real ligature and letter ranges.
			base := append([]byte(nil), dst.text...)
			for c := a; c <= b; c++ {
				cm.m[c] = utf16String(base)
				if len(base) >= 2 {
					v := uint16(base[len(base)-2])<<8 | uint16(base[len(base)-1])
					v++
					base[len(base)-2], base[len(base)-1] = byte(v>>8), byte(v)
				} else if len(base) == 1 {
					base[0]++
				}
			}
			i += 3
		case tokArrayStart:
			j := i + 3
			c := a
			for ; j < len(ops) && ops[j].kind != tokArrayEnd; j++ {
				if ops[j].kind == tokHex && c <= b {
					cm.m[c] = utf16String(ops[j].text)
					c++
				}
			}
			i = j + 1
		default:
			i += 3
		}
	}
}

func codeOf(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c = c<<8 | uint32(x)
	}
	return c
}

// utf16String decodes big-endian UTF-16 (an odd trailing byte is taken as
// a one-byte code point, as some producers write <41> for "A").
func utf16String(b []byte) string {
	if len(b) == 1 {
		return string(rune(b[0]))
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

// A small lexer for CMap streams: hex strings, arrays, names, numbers and
// operators; literal strings and comments are skipped.
type cmapTokenKind int

const (
	tokOp cmapTokenKind = iota
	tokHex
	tokName
	tokNumber
	tokArrayStart
	tokArrayEnd
	tokOther
)

type cmapToken struct {
	kind cmapTokenKind
	text []byte
}

type cmapLexer struct {
	data []byte
	pos  int
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (lx *cmapLexer) next() (cmapToken, bool) {
	d := lx.data
	for lx.pos < len(d) {
		c := d[lx.pos]
		switch {
		case isPDFSpace(c):
			lx.pos++
		case c == '%':
			for lx.pos < len(d) && d[lx.pos] != '\n' && d[lx.pos] != '\r' {
				lx.pos++
			}
		case c == '[':
			lx.pos++
			return cmapToken{kind: tokArrayStart}, true
		case c == ']':
			lx.pos++
			return cmapToken{kind: tokArrayEnd}, true
		case c == '<':
			if lx.pos+1 < len(d) && d[lx.pos+1] == '<' {
				lx.pos += 2
				return cmapToken{kind: tokOther}, true
			}
			lx.pos++
			var out []byte
			var hi byte
			half := false
			for lx.pos < len(d) && d[lx.pos] != '>' {
				v := hexVal(d[lx.pos])
				lx.pos++
				if v < 0 {
					continue
				}
				if half {
					out = append(out, hi<<4|byte(v))
				} else {
					hi = byte(v)
				}
				half = !half
			}
			if half {
				out = append(out, hi<<4)
			}
			lx.pos++
			return cmapToken{kind: tokHex, text: out}, true
		case c == '>':
			lx.pos++
			if lx.pos < len(d) && d[lx.pos] == '>' {
				lx.pos++
			}
			return cmapToken{kind: tokOther}, true
		case c == '(':
			depth := 0
			for lx.pos < len(d) {
				ch := d[lx.pos]
				lx.pos++
				if ch == '\\' {
					lx.pos++
					continue
				}
				if ch == '(' {
					depth++
				} else if ch == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			return cmapToken{kind: tokOther}, true
		case c == '/':
			start := lx.pos
			lx.pos++
			for lx.pos < len(d) && !isPDFSpace(d[lx.pos]) && !isPDFDelim(d[lx.pos]) {
				lx.pos++
			}
			return cmapToken{kind: tokName, text: d[start+1 : lx.pos]}, true
		case c == '{' || c == '}' || c == ')':
			lx.pos++
			return cmapToken{kind: tokOther}, true
		default:
			start := lx.pos
			for lx.pos < len(d) && !isPDFSpace(d[lx.pos]) && !isPDFDelim(d[lx.pos]) {
				lx.pos++
			}
			word := d[start:lx.pos]
			if (word[0] >= '0' && word[0] <= '9') || word[0] == '-' || word[0] == '+' || word[0] == '.' {
				return cmapToken{kind: tokNumber, text: word}, true
			}
			return cmapToken{kind: tokOp, text: word}, true
		}
	}
	return cmapToken{}, false
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

package pdfdoc

import (
	"bytes"
	"math"
	"strconv"
)

// keepOps are the operators the walker acts on. Everything else on a page
// (paths, colours, clipping, marked content, shading) costs the library's
// lexer most of its time on designed documents and says nothing about text.
var keepOps = map[string]bool{
	"BT": true, "ET": true, "Tc": true, "Tw": true, "Tz": true, "TL": true, "Tf": true,
	"Tr": true, "Ts": true, "Td": true, "TD": true, "Tm": true, "T*": true, "Tj": true,
	"TJ": true, "'": true, "\"": true, "cm": true, "q": true, "Q": true, "Do": true,
}

// reduceContent returns the content stream with only the operators in
// keepOps and their operands, so that pdf.Interpret lexes only what the
// walker needs. Of the paths it keeps only rules, the lines that divide a
// ruled table's rows: thin rectangles, and straight horizontal or
// vertical segments, which it writes as rectangles of no thickness. It also reports whether any text or XObject is drawn at
// all: a stream without either (a vector drawing) needs no interpreting.
// Inline images must have been stripped already.
func reduceContent(b []byte) (out []byte, useful bool) {
	out = make([]byte, 0, len(b)/2)
	opStart := 0 // start of the current operator's operands
	var px, py float64
	moved := false // px, py is the current point of a path
	i := 0
	for i < len(b) {
		c := b[i]
		switch {
		case isPDFSpace(c):
			i++
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '(':
			i = skipLiteral(b, i)
		case c == '<':
			if i+1 < len(b) && b[i+1] == '<' {
				i = skipDict(b, i)
			} else {
				for i < len(b) && b[i] != '>' {
					i++
				}
				i++
			}
		case c == '[':
			i = skipArray(b, i)
		case c == '/':
			i++
			for i < len(b) && !isPDFSpace(b[i]) && !isPDFDelim(b[i]) {
				i++
			}
		case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
			i++
		default:
			start := i
			for i < len(b) && !isPDFSpace(b[i]) && !isPDFDelim(b[i]) {
				i++
			}
			word := b[start:i]
			if isNumberToken(word) {
				continue
			}
			op := string(word)
			switch op {
			case "re":
				if n, ok := operands(b[opStart:start], 4); ok && thinRect(n[2], n[3]) {
					out = append(out, b[opStart:i]...)
					out = append(out, '\n')
				}
			case "m":
				if n, ok := operands(b[opStart:start], 2); ok {
					px, py, moved = n[0], n[1], true
				}
			case "l":
				if n, ok := operands(b[opStart:start], 2); ok {
					if w, h := n[0]-px, n[1]-py; moved && thinRect(w, h) {
						out = appendRect(out, px, py, w, h)
					}
					px, py = n[0], n[1]
				}
			}
			if keepOps[op] {
				if op == "BT" || op == "Do" {
					useful = true
				}
				out = append(out, b[opStart:i]...)
				out = append(out, '\n')
			}
			opStart = i
		}
	}
	if i > len(b) {
		i = len(b)
	}
	return out, useful
}

// thinRect reports whether a w × h rectangle is a rule: long and thin
// (at least 8 points, eight times longer than it is thick). The shape is
// judged before the current matrix scales it, which keeps the ratio.
func thinRect(w, h float64) bool {
	w, h = math.Abs(w), math.Abs(h)
	long, thick := math.Max(w, h), math.Min(w, h)
	return long >= 8*thick && long > 0
}

// operands parses the last n numbers before an operator.
func operands(b []byte, n int) ([4]float64, bool) {
	var out [4]float64
	f := bytes.Fields(b)
	if len(f) < n || n > len(out) {
		return out, false
	}
	for k, w := range f[len(f)-n:] {
		v, err := strconv.ParseFloat(string(w), 64)
		if err != nil {
			return out, false
		}
		out[k] = v
	}
	return out, true
}

func appendRect(out []byte, x, y, w, h float64) []byte {
	for _, v := range [4]float64{x, y, w, h} {
		out = strconv.AppendFloat(out, v, 'f', -1, 64)
		out = append(out, ' ')
	}
	return append(out, "re\n"...)
}

func isNumberToken(w []byte) bool {
	if len(w) == 0 {
		return false
	}
	for _, c := range w {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+') {
			return false
		}
	}
	return true
}

// skipArray skips a [...] array, nested arrays and strings included.
func skipArray(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '[':
			depth++
			i++
		case ']':
			depth--
			i++
			if depth == 0 {
				return i
			}
		case '(':
			i = skipLiteral(b, i)
		case '<':
			if i+1 < len(b) && b[i+1] == '<' {
				i = skipDict(b, i)
				continue
			}
			for i < len(b) && b[i] != '>' {
				i++
			}
			i++
		default:
			i++
		}
	}
	return i
}

// skipDict skips a <<...>> dictionary (marked-content properties).
func skipDict(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch {
		case b[i] == '<' && i+1 < len(b) && b[i+1] == '<':
			depth++
			i += 2
		case b[i] == '>' && i+1 < len(b) && b[i+1] == '>':
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		case b[i] == '(':
			i = skipLiteral(b, i)
		default:
			i++
		}
	}
	return i
}

package pdfdoc

import "math"

// keepOps are the operators the walker acts on. Everything else on a page
// (paths, colours, clipping, marked content, shading) costs the library's
// lexer most of its time on designed documents and says nothing about text.
var keepOps = map[string]bool{
	"BT": true, "ET": true, "Tc": true, "Tw": true, "Tz": true, "TL": true, "Tf": true,
	"Tr": true, "Ts": true, "Td": true, "TD": true, "Tm": true, "T*": true, "Tj": true,
	"TJ": true, "'": true, "\"": true, "cm": true, "q": true, "Q": true, "Do": true,
}

// keepOp is keepOps[op] without hashing: the lookup ran for every operator
// of every page, a sixth of reduceContent's time (TestKeepOp).
func keepOp(op string) bool {
	switch op {
	case "BT", "ET", "Tc", "Tw", "Tz", "TL", "Tf", "Tr", "Ts", "Td", "TD", "Tm", "T*", "Tj", "TJ", "'", "\"", "cm", "q", "Q", "Do":
		return true
	}
	return false
}

// reduceContent returns the content stream with only the operators in
// keepOps and their operands, so that pdf.Interpret lexes only what the
// walker needs. It also reports whether any text or XObject is drawn at
// all: a stream without either (a vector drawing) needs no interpreting.
// Inline images must have been stripped already.
//
// Of the paths it keeps only rules, the lines that divide a ruled table:
// thin rectangles, and straight horizontal or vertical segments. They are
// returned in the stream's starting space (the stream's own cm, q and Q
// applied), for the walker to place with the matrix the stream starts
// with: handing them to pdf.Interpret too would add a tenth to the
// lexing of a document full of tables.
func reduceContent(b []byte) (out []byte, useful bool, rules []rule) {
	out = make([]byte, 0, len(b)/2)
	opStart := 0 // start of the current operator's operands
	var px, py float64
	moved := false // px, py is the current point of a path
	// The numbers since the last operator, as they are read (at most the
	// last four: a rectangle's). Parsing them only for path operators
	// keeps the cost of the rest of the stream what it was.
	var nums [6][]byte
	nNums := 0
	num := func(k int) float64 { return parseNumber(nums[k]) }
	ctm := identity
	var stack []matrix
	addRule := func(x, y, w, h float64) {
		if len(rules) >= maxRules {
			return
		}
		rules = append(rules, ctm.rect(x, y, x+w, y+h))
	}
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
				if nNums == len(nums) {
					copy(nums[:], nums[1:])
					nNums--
				}
				nums[nNums] = word
				nNums++
				continue
			}
			op := string(word)
			switch op {
			case "q":
				if len(stack) < 256 {
					stack = append(stack, ctm)
				}
			case "Q":
				if k := len(stack); k > 0 {
					ctm, stack = stack[k-1], stack[:k-1]
				}
			case "cm":
				if nNums == 6 {
					ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(ctm)
				}
			case "re":
				if nNums >= 4 && thinRect(num(nNums-2), num(nNums-1)) {
					addRule(num(nNums-4), num(nNums-3), num(nNums-2), num(nNums-1))
				}
			case "m":
				if nNums >= 2 {
					px, py, moved = num(nNums-2), num(nNums-1), true
				}
			case "l":
				if nNums >= 2 {
					x, y := num(nNums-2), num(nNums-1)
					if w, h := x-px, y-py; moved && thinRect(w, h) {
						addRule(px, py, w, h)
					}
					px, py = x, y
				}
			}
			nNums = 0
			if keepOp(op) {
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
	return out, useful, rules
}

// thinRect reports whether a w × h rectangle is a rule: long and thin
// (at least 8 points, eight times longer than it is thick). The shape is
// judged before the current matrix scales it, which keeps the ratio.
func thinRect(w, h float64) bool {
	w, h = math.Abs(w), math.Abs(h)
	long, thick := math.Max(w, h), math.Min(w, h)
	return long >= 8*thick && long > 0
}

// parseNumber reads a PDF number (digits, a sign and a point; PDF has no
// exponents) without allocating; a malformed one reads as 0.
func parseNumber(w []byte) float64 {
	neg := false
	v, scale := 0.0, 0.0
	for _, c := range w {
		switch {
		case c == '-':
			neg = true
		case c == '.':
			if scale == 0 {
				scale = 1
			}
		case c >= '0' && c <= '9':
			v = v*10 + float64(c-'0')
			if scale > 0 {
				scale *= 10
			}
		}
	}
	if scale > 0 {
		v /= scale
	}
	if neg {
		v = -v
	}
	return v
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

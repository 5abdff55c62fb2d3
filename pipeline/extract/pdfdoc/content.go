package pdfdoc

import (
	"errors"
	"fmt"
	"strconv"
)

// A content stream, once reduced to the operators the walker acts on
// (reduceContent), is lexed here rather than by pdf.Interpret. The
// library's lexer was 45% of the extraction's CPU time: it reads through
// an io.Reader a byte at a time, makes a string and an interface value of
// every token, and needs the bytes wrapped as a PDF file of their own. This
// lexer reads the tokens the same way, byte for byte (lex.go and ps.go of
// github.com/ledongthuc/pdf), into a program the walker then runs; on
// anything the library would reject, or that this lexer does not read as
// it would (an error it recovers from, an odd keyword), it gives up and the
// stream goes to the library as before, so the walker sees the operators
// and operands the library would have given it. FuzzContentMatchesLibrary
// holds the two to the same operators.

// operandKind is what an operand is, as the library's Value.Kind says.
type operandKind uint8

const (
	operandNull operandKind = iota
	operandBool
	operandInteger
	operandReal
	operandString
	operandName
	operandArray
	operandDict
)

// operand is one operand of a content operator.
type operand struct {
	kind operandKind
	num  float64   // integers and reals
	str  []byte    // strings and names (decoded)
	arr  []operand // arrays
}

// float is the library's Value.Float64: a number, or 0.
func (o operand) float() float64 {
	if o.kind == operandInteger || o.kind == operandReal {
		return o.num
	}
	return 0
}

// text is the library's RawString: a string's bytes, or none.
func (o operand) text() []byte {
	if o.kind == operandString {
		return o.str
	}
	return nil
}

// name is the library's Name: a name's bytes, or none.
func (o operand) name() []byte {
	if o.kind == operandName {
		return o.str
	}
	return nil
}

// contentOp is an operator and its operands, args[a:b] of its program.
type contentOp struct {
	name string
	a, b int
}

// program is a lexed content stream. Its slices are reused from one
// stream to the next (one program per depth of forms, see
// extractor.program).
type program struct {
	ops   []contentOp
	args  []operand
	elems []operand // arrays' elements
	text  []byte    // strings' and names' bytes
	stack []operand // an array's elements while it is read
}

func (p *program) reset() {
	p.ops, p.args, p.elems, p.text, p.stack = p.ops[:0], p.args[:0], p.elems[:0], p.text[:0], p.stack[:0]
}

// errLibrary says the stream must go to the library's lexer.
var errLibrary = errors.New("content stream left to the PDF library")

// errOpenHex is a hexadecimal string still open at the end of the stream,
// on which the library's lexer never returns.
var errOpenHex = errors.New("content stream: a hexadecimal string is not closed")

// maxObjectDepth is the library's limit on nested arrays and dictionaries.
const maxObjectDepth = 1000

// contentLexer reads one stream, as the library's buffer does: past the
// end every byte reads as a newline and sets eof, after which a byte
// cannot be unread.
type contentLexer struct {
	b     []byte
	pos   int
	eof   bool
	p     *program
	depth int
}

// tokKind is what a token is; keywords and delimiters ("<<", "[", ...) are
// tokKeyword, with their bytes in word.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokKeyword
	tokOperand
)

type token struct {
	kind tokKind
	word []byte // keyword
	op   operand
}

// lexContent lexes data into p, or returns errLibrary when the library
// must read it, or errOpenHex.
func lexContent(data []byte, p *program) (err error) {
	p.reset()
	l := &contentLexer{b: data, p: p}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(lexFailure); ok {
				err = e.err
				return
			}
			panic(r)
		}
	}()
	pending := 0
	for {
		tok := l.readToken()
		if tok.kind == tokEOF {
			return nil
		}
		if tok.kind == tokKeyword {
			switch string(tok.word) {
			case "null", "[", "]", "<<", ">>":
				// objects, below
			case "dict", "currentdict", "begin", "end", "def", "pop":
				// PostScript dictionary operators, which the
				// library runs itself: never in a page's text.
				l.fail(errLibrary)
			default:
				p.ops = append(p.ops, contentOp{name: opName(tok.word), a: pending, b: len(p.args)})
				pending = len(p.args)
				continue
			}
		}
		p.args = append(p.args, l.readObject(&tok))
	}
}

// lexFailure carries an error out of the lexer's recursion.
type lexFailure struct{ err error }

func (l *contentLexer) fail(err error) { panic(lexFailure{err}) }

func (l *contentLexer) readByte() byte {
	if l.pos >= len(l.b) {
		l.eof = true
		return '\n'
	}
	c := l.b[l.pos]
	l.pos++
	return c
}

func (l *contentLexer) unreadByte() {
	if !l.eof && l.pos > 0 {
		l.pos--
	}
}

func (l *contentLexer) readToken() token {
	c := l.readByte()
	for {
		if isPDFSpace(c) {
			if l.eof {
				return token{kind: tokEOF}
			}
			c = l.readByte()
		} else if c == '%' {
			for c != '\r' && c != '\n' {
				c = l.readByte()
			}
		} else {
			break
		}
	}
	switch c {
	case '<':
		if l.readByte() == '<' {
			return token{kind: tokKeyword, word: kwDictOpen}
		}
		l.unreadByte()
		return token{kind: tokOperand, op: operand{kind: operandString, str: l.readHexString()}}
	case '(':
		return token{kind: tokOperand, op: operand{kind: operandString, str: l.readLiteralString()}}
	case '[':
		return token{kind: tokKeyword, word: kwArrayOpen}
	case ']':
		return token{kind: tokKeyword, word: kwArrayClose}
	case '{':
		return token{kind: tokKeyword, word: kwBraceOpen}
	case '}':
		return token{kind: tokKeyword, word: kwBraceClose}
	case '/':
		return token{kind: tokOperand, op: operand{kind: operandName, str: l.readName()}}
	case '>':
		if l.readByte() == '>' {
			return token{kind: tokKeyword, word: kwDictClose}
		}
		l.fail(errLibrary) // "unexpected delimiter"
	}
	if isPDFDelim(c) {
		l.fail(errLibrary)
	}
	l.unreadByte()
	return l.readKeyword()
}

var (
	kwDictOpen   = []byte("<<")
	kwDictClose  = []byte(">>")
	kwArrayOpen  = []byte("[")
	kwArrayClose = []byte("]")
	kwBraceOpen  = []byte("{")
	kwBraceClose = []byte("}")
)

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (l *contentLexer) readHexString() []byte {
	start := len(l.p.text)
	for {
		c := l.readByte()
		for isPDFSpace(c) {
			if l.eof {
				l.fail(errOpenHex)
			}
			c = l.readByte()
		}
		if c == '>' {
			break
		}
		c2 := l.readByte()
		for isPDFSpace(c2) {
			if l.eof {
				l.fail(errOpenHex)
			}
			c2 = l.readByte()
		}
		x := unhex(c)<<4 | unhex(c2)
		if x < 0 {
			l.fail(errLibrary) // "malformed hex string"
		}
		l.p.text = append(l.p.text, byte(x))
	}
	return l.p.text[start:len(l.p.text):len(l.p.text)]
}

func (l *contentLexer) readLiteralString() []byte {
	start := len(l.p.text)
	t := l.p.text
	depth := 1
Loop:
	for !l.eof {
		c := l.readByte()
		switch c {
		default:
			t = append(t, c)
		case '(':
			depth++
			t = append(t, c)
		case ')':
			if depth--; depth == 0 {
				break Loop
			}
			t = append(t, c)
		case '\\':
			switch c = l.readByte(); c {
			default:
				l.fail(errLibrary) // "invalid escape sequence"
			case 'n':
				t = append(t, '\n')
			case 'r':
				t = append(t, '\r')
			case 'b':
				t = append(t, '\b')
			case 't':
				t = append(t, '\t')
			case 'f':
				t = append(t, '\f')
			case '(', ')', '\\':
				t = append(t, c)
			case '\r':
				if l.readByte() != '\n' {
					l.unreadByte()
				}
			case '\n':
			case '0', '1', '2', '3', '4', '5', '6', '7':
				x := int(c - '0')
				for i := 0; i < 2; i++ {
					c = l.readByte()
					if c < '0' || c > '7' {
						l.unreadByte()
						break
					}
					x = x*8 + int(c-'0')
				}
				if x > 255 {
					l.fail(errLibrary) // "invalid octal escape"
				}
				t = append(t, byte(x))
			}
		}
	}
	l.p.text = t
	return t[start:len(t):len(t)]
}

func (l *contentLexer) readName() []byte {
	start := len(l.p.text)
	t := l.p.text
	for {
		c := l.readByte()
		if isPDFDelim(c) || isPDFSpace(c) {
			l.unreadByte()
			break
		}
		if c == '#' {
			x := unhex(l.readByte())<<4 | unhex(l.readByte())
			if x < 0 {
				l.fail(errLibrary) // "malformed name"
			}
			t = append(t, byte(x))
			continue
		}
		t = append(t, c)
	}
	l.p.text = t
	return t[start:len(t):len(t)]
}

func (l *contentLexer) readKeyword() token {
	start := l.pos
	for {
		c := l.readByte()
		if isPDFDelim(c) || isPDFSpace(c) {
			l.unreadByte()
			break
		}
	}
	w := l.b[start:l.pos]
	switch {
	case string(w) == "true":
		return token{kind: tokOperand, op: operand{kind: operandBool}}
	case string(w) == "false":
		return token{kind: tokOperand, op: operand{kind: operandBool}}
	case isInteger(w):
		x, err := strconv.ParseInt(string(w), 10, 64)
		if err != nil {
			l.fail(errLibrary) // "invalid integer"
		}
		return token{kind: tokOperand, op: operand{kind: operandInteger, num: float64(x)}}
	case isReal(w):
		x, err := strconv.ParseFloat(string(w), 64)
		if err != nil {
			l.fail(errLibrary) // "invalid real"
		}
		return token{kind: tokOperand, op: operand{kind: operandReal, num: x}}
	}
	return token{kind: tokKeyword, word: w}
}

// isInteger and isReal are the library's tests: an optional sign, then
// digits, with exactly one point for a real.
func isInteger(w []byte) bool {
	if len(w) > 0 && (w[0] == '+' || w[0] == '-') {
		w = w[1:]
	}
	if len(w) == 0 {
		return false
	}
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isReal(w []byte) bool {
	if len(w) > 0 && (w[0] == '+' || w[0] == '-') {
		w = w[1:]
	}
	if len(w) == 0 {
		return false
	}
	dots := 0
	for _, c := range w {
		if c == '.' {
			dots++
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return dots == 1
}

// readObject is the library's readObject with its first token read.
func (l *contentLexer) readObject(tok *token) operand {
	switch tok.kind {
	case tokEOF:
		return operand{} // a dictionary's value at the end of the stream
	case tokOperand:
		return tok.op
	}
	switch string(tok.word) {
	case "null", ">>", "]":
		return operand{}
	case "<<":
		l.nest()
		l.readDict()
		l.depth--
		return operand{kind: operandDict}
	case "[":
		l.nest()
		o := l.readArray()
		l.depth--
		return o
	}
	l.fail(errLibrary) // "unexpected keyword parsing object", recovered by the library
	return operand{}
}

// nest counts a level of arrays and dictionaries, within the library's
// limit (its readObject counts every object; the objects inside the
// deepest container are one level further).
func (l *contentLexer) nest() {
	if l.depth++; l.depth+2 > maxObjectDepth {
		l.fail(errLibrary)
	}
}

func (l *contentLexer) readArray() operand {
	p := l.p
	start := len(p.stack)
	for {
		tok := l.readToken()
		if tok.kind == tokEOF || tok.kind == tokKeyword && string(tok.word) == "]" {
			break
		}
		p.stack = append(p.stack, l.readObject(&tok))
	}
	first := len(p.elems)
	p.elems = append(p.elems, p.stack[start:]...)
	p.stack = p.stack[:start]
	return operand{kind: operandArray, arr: p.elems[first:len(p.elems):len(p.elems)]}
}

// readDict reads a dictionary through; its entries are never operands the
// walker reads (marked-content properties).
func (l *contentLexer) readDict() {
	for {
		tok := l.readToken()
		if tok.kind == tokEOF || tok.kind == tokKeyword && string(tok.word) == ">>" {
			return
		}
		if tok.kind != tokOperand || tok.op.kind != operandName {
			l.fail(errLibrary) // "unexpected non-name key", recovered by the library
		}
		v := l.readToken()
		l.readObject(&v)
	}
}

// opName is an operator's name, without allocating for the operators
// the walker knows.
func opName(w []byte) string {
	switch string(w) {
	case "BT":
		return "BT"
	case "ET":
		return "ET"
	case "Tc":
		return "Tc"
	case "Tw":
		return "Tw"
	case "Tz":
		return "Tz"
	case "TL":
		return "TL"
	case "Tf":
		return "Tf"
	case "Tr":
		return "Tr"
	case "Ts":
		return "Ts"
	case "Td":
		return "Td"
	case "TD":
		return "TD"
	case "Tm":
		return "Tm"
	case "T*":
		return "T*"
	case "Tj":
		return "Tj"
	case "TJ":
		return "TJ"
	case "'":
		return "'"
	case "\"":
		return "\""
	case "cm":
		return "cm"
	case "q":
		return "q"
	case "Q":
		return "Q"
	case "Do":
		return "Do"
	}
	return string(w)
}

// runContent runs a reduced content stream through the walker: lexed
// here, or by the library when this lexer leaves it to it. A panic in the
// walker (the library resolving a damaged font or form) ends the stream
// with an error, as it did inside pdf.Interpret.
func (w *pageWalker) runContent(data []byte) (err error) {
	p := w.x.program(w.depth)
	switch lerr := lexContent(data, p); {
	case errors.Is(lerr, errLibrary):
		return interpret(data, w.libraryOp)
	case lerr != nil:
		return lerr
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("content stream: %s", firstLine(fmt.Sprint(r)))
		}
	}()
	for _, op := range p.ops {
		w.op(op.name, p.args[op.a:op.b])
		if w.err != nil {
			break // past the operator budget, the rest would only be counted
		}
	}
	return nil
}

// program is the reusable program for streams at a depth of forms: a
// form is run while the stream that draws it is still being run.
func (x *extractor) program(depth int) *program {
	for len(x.programs) <= depth {
		x.programs = append(x.programs, &program{})
	}
	return x.programs[depth]
}

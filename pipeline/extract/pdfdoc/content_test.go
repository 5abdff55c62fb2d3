package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// contentCases are streams that reach every path of the lexer: strings
// with escapes, octal and nested brackets, hexadecimal strings with
// spaces, names with #xx, comments, numbers the library reads as
// keywords, nested arrays, dictionaries, and each way of being damaged.
var contentCases = []string{
	"BT /F1 12 Tf 72 700 Td (Hello, world) Tj ET",
	"BT [(A) -120 (W) 30.5 (ay)] TJ T* (x) ' 1 2 (y) \" ET",
	`(a\(b\)c) Tj (\n\r\t\b\f\\) Tj (\101\60\0601) Tj (nested (parens) here) Tj (line\` + "\r\n" + `join) Tj (cr\` + "\r" + `x) Tj`,
	"<48 65 6C6C 6f> Tj <> Tj < 41 > Tj",
	"/F#31 9 Tf /A#2fB Do /Name#20x Do",
	"% a comment\nBT %another\r/F1 1 Tf ET % last",
	"1 0 0 1 0 0 cm +.5 -.0 1. 0.25 -3 Tc 1.2.3 Tw -- Tz + - Td",
	"[1 [2 [3 (x)] /N] << /A 1 >> null true false] TJ",
	"/P << /MCID 0 /Nested << /A [1 2] >> >> BDC (x) Tj EMC",
	"{ } 1 2 Td",
	"] 1 Td >> 2 Td null Tj",
	"<< /A >> 1 Tf",
	"(unterminated Tj",
	"[1 2 (unclosed array",
	"(bad escape \\x) Tj",
	"(octal \\777) Tj",
	"<4G> Tj",
	"<414> Tj",
	") Tj",
	"> Tj",
	"/Bad#zz Tf",
	"99999999999999999999 Tw",
	". Tw",
	"1 dict begin /Tj 5 def end",
	"[ (a) foo (b) ] TJ",
	"<< 1 2 >> BDC",
	"q 1 0 0 1 10 10 cm Q BT ET",
	"",
	"   \n\t\f\x00 ",
	"BT",
	"Tj",
	"(x)Tj(y)Tj[(z)]TJ/F1 9Tf",
}

// libraryOps runs a stream through pdf.Interpret and writes down what the
// walker is given: each operator with its operands.
func libraryOps(data []byte) (string, error) {
	var b strings.Builder
	err := interpret(data, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]operand, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = operandOf(stk.Pop())
		}
		writeOp(&b, op, args)
	})
	return b.String(), err
}

// lexedOps is the same from this package's lexer.
func lexedOps(data []byte) (string, error) {
	var p program
	if err := lexContent(data, &p); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, op := range p.ops {
		writeOp(&b, op.name, p.args[op.a:op.b])
	}
	return b.String(), nil
}

func writeOp(b *strings.Builder, op string, args []operand) {
	for _, a := range args {
		writeOperand(b, a)
		b.WriteByte(' ')
	}
	fmt.Fprintf(b, "%q\n", op)
}

func writeOperand(b *strings.Builder, a operand) {
	switch a.kind {
	case operandArray:
		b.WriteString("[")
		for _, e := range a.arr {
			writeOperand(b, e)
			b.WriteByte(' ')
		}
		b.WriteString("]")
	case operandString, operandName:
		fmt.Fprintf(b, "%d:%q", a.kind, a.str)
	default:
		fmt.Fprintf(b, "%d:%v", a.kind, a.num)
	}
}

// checkContent compares the lexer with the library on one stream: where
// the lexer reads a stream, the library must read it without error and
// give the walker the same operators and operands.
func checkContent(t *testing.T, data []byte) {
	got, err := lexedOps(data)
	switch {
	case errors.Is(err, errOpenHex):
		// The library's lexer loops for ever on these: not run.
		return
	case errors.Is(err, errLibrary):
		return
	case err != nil:
		t.Fatalf("%q: %v", data, err)
	}
	want, lerr := libraryOps(data)
	if lerr != nil {
		t.Fatalf("%q: the lexer read a stream the library fails on (%v)", data, lerr)
	}
	if got != want {
		t.Fatalf("%q:\nlexer:\n%s\nlibrary:\n%s", data, got, want)
	}
}

func TestContentMatchesLibrary(t *testing.T) {
	lexed := 0
	for _, c := range contentCases {
		checkContent(t, []byte(c))
		if _, err := lexedOps([]byte(c)); err == nil {
			lexed++
		}
	}
	// Most cases must be read by the lexer itself, or it would pass by
	// leaving everything to the library.
	if lexed < len(contentCases)/2 {
		t.Errorf("the lexer read %d of %d cases itself", lexed, len(contentCases))
	}
	for _, c := range []string{"(x) Tj", "BT (a) Tj ET", "[(a) 1 (b)] TJ"} {
		if _, err := lexedOps([]byte(c)); err != nil {
			t.Errorf("%q left to the library: %v", c, err)
		}
	}
	if _, err := lexedOps([]byte("(x) Tj <41")); !errors.Is(err, errOpenHex) {
		t.Errorf("an open hexadecimal string: %v", err)
	}
}

// fixtureStreams are the reduced page streams of the generated test PDFs.
func fixtureStreams(t testing.TB) [][]byte {
	var out [][]byte
	for _, fx := range pdfgen.All() {
		if len(fx.PDF) > 256<<10 {
			continue
		}
		x := &extractor{opt: DefaultOptions(), fonts: map[string]*font{}, forms: map[string]formContent{}}
		func() {
			defer func() { recover() }() // damaged fixtures
			if x.open(fx.PDF) != nil {
				return
			}
			pages, err := x.pageList()
			if err != nil {
				return
			}
			for _, pg := range pages {
				data, _ := x.streamData(pg.Key("Contents"))
				reduced, _, _ := reduceContent(stripInlineImages(data))
				out = append(out, reduced)
			}
		}()
	}
	return out
}

func TestContentMatchesLibraryOnFixtures(t *testing.T) {
	streams := fixtureStreams(t)
	if len(streams) < 20 {
		t.Fatalf("only %d fixture streams", len(streams))
	}
	for _, s := range streams {
		checkContent(t, s)
	}
}

// FuzzContentMatchesLibrary: on any stream, the lexer reads what the
// library reads, or leaves the stream to it.
func FuzzContentMatchesLibrary(f *testing.F) {
	for _, c := range contentCases {
		f.Add([]byte(c))
	}
	for _, s := range fixtureStreams(f) {
		if len(s) < 4096 {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Count(data, []byte("[")) > 200 {
			return // the library's recursion, not the comparison, would be measured
		}
		checkContent(t, data)
	})
}

// BenchmarkContent lexes the reduced page streams of the test PDFs, with
// the library's lexer for comparison.
func BenchmarkContent(b *testing.B) {
	streams := fixtureStreams(b)
	size := 0
	for _, s := range streams {
		size += len(s)
	}
	b.Run("lexer", func(b *testing.B) {
		var p program
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, s := range streams {
				lexContent(s, &p)
			}
		}
	})
	b.Run("library", func(b *testing.B) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, s := range streams {
				interpret(s, func(stk *pdf.Stack, op string) {
					for stk.Len() > 0 {
						stk.Pop()
					}
				})
			}
		}
	})
}

// keepOp keeps what keepOps lists, and nothing else.
func TestKeepOp(t *testing.T) {
	for op := range keepOps {
		if !keepOp(op) {
			t.Errorf("keepOp(%q) = false", op)
		}
	}
	for _, op := range []string{"", "b", "B", "re", "m", "l", "f", "S", "W", "n", "BI", "ID", "EI", "BDC", "EMC", "gs", "Tjx", "T", "D", "o", "sh", "d0", "d1", "BX", "EX"} {
		if keepOp(op) != keepOps[op] {
			t.Errorf("keepOp(%q) = %v", op, keepOp(op))
		}
	}
}

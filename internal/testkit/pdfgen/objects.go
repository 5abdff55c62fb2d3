// Package pdfgen writes small, deterministic PDF files for tests.
//
// The project must not commit third-party PDFs, so every PDF fixture used by
// the extractor tests, fuzz seeds, CLI tests and the damaged-file suite is
// generated here. The package has three layers:
//
//   - File: a list of indirect objects written with exact cross-reference
//     offsets (classic xref table, or an xref stream with object streams);
//   - Doc, Page, Content, Font, Form, Image, Bookmark: a declarative builder
//     that assigns object numbers and resource names;
//   - Fixture and the named fixture functions (Widths, TwoColumns, ...),
//     each carrying the text, headings and outline a correct extractor
//     should produce, plus what github.com/ledongthuc/pdf is known to do
//     with it.
//
// Everything is deterministic: building the same fixture twice gives the same
// bytes, so fixtures can be compared, hashed and used as fuzz seeds.
package pdfgen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Name is a PDF name object, written as /Name.
type Name string

// Ref is a reference to indirect object number Ref (generation 0).
type Ref int

// Dict is a PDF dictionary. Keys are names without the slash. Entries are
// written with /Type first and the rest sorted, so output is deterministic.
type Dict map[string]any

// Array is a PDF array.
type Array []any

// String is a PDF literal string; it is escaped when written.
type String string

// Hex is a PDF string written in hexadecimal form.
type Hex []byte

// Raw is written verbatim. It exists for deliberately malformed output.
type Raw string

// Stream is a stream object. Length is computed when written; Data is
// written as given (already encoded), so Dict must carry any /Filter.
type Stream struct {
	Dict Dict
	Data []byte
}

// writeObj appends the PDF syntax for v to b. It panics on a Go type that
// has no PDF meaning: that is a bug in this package, never a data problem.
func writeObj(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.Write(appendNum(nil, x))
	case Name:
		writeName(b, string(x))
	case Ref:
		b.WriteString(strconv.Itoa(int(x)))
		b.WriteString(" 0 R")
	case String:
		b.Write(appendLiteral(nil, []byte(x)))
	case Hex:
		b.Write(appendHex(nil, x))
	case Raw:
		b.WriteString(string(x))
	case Array:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeObj(b, e)
		}
		b.WriteByte(']')
	case Dict:
		b.WriteString("<<")
		for _, k := range dictKeys(x) {
			b.WriteByte(' ')
			writeName(b, k)
			b.WriteByte(' ')
			writeObj(b, x[k])
		}
		b.WriteString(" >>")
	default:
		panic(fmt.Sprintf("pdfgen: cannot write %T as a PDF object", v))
	}
}

// dictKeys puts /Type (and /Subtype) first because that is how producers
// write them and how humans read a dump; the rest are sorted for determinism.
func dictKeys(d Dict) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		if k != "Type" && k != "Subtype" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var head []string
	if _, ok := d["Type"]; ok {
		head = append(head, "Type")
	}
	if _, ok := d["Subtype"]; ok {
		head = append(head, "Subtype")
	}
	return append(head, keys...)
}

// writeName escapes delimiters, whitespace and non-ASCII bytes as #xx, as
// PDF 1.2+ requires.
func writeName(b *bytes.Buffer, s string) {
	b.WriteByte('/')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || bytes.IndexByte([]byte("#()<>[]{}/%"), c) >= 0 {
			fmt.Fprintf(b, "#%02X", c)
			continue
		}
		b.WriteByte(c)
	}
}

// appendNum writes numbers the way producers do: integers without a
// decimal point, others rounded to 4 places without trailing zeros, never in
// exponent form (which PDF does not allow).
func appendNum(dst []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendInt(dst, int64(v), 10)
	}
	r := math.Round(v*10000) / 10000
	if r == 0 {
		return append(dst, '0')
	}
	return strconv.AppendFloat(dst, r, 'f', -1, 64)
}

// appendLiteral writes a literal string. Parentheses are always escaped,
// although balanced ones need not be, so a reader's escape handling is
// exercised; control and non-ASCII bytes become octal escapes so the file
// stays printable where possible.
func appendLiteral(dst, s []byte) []byte {
	dst = slices.Grow(dst, len(s)+2)
	dst = append(dst, '(')
	for len(s) > 0 {
		// Copy the run of bytes that need no escape in one go.
		n := 0
		for n < len(s) && s[n] >= ' ' && s[n] <= '~' && s[n] != '(' && s[n] != ')' && s[n] != '\\' {
			n++
		}
		dst = append(dst, s[:n]...)
		if n == len(s) {
			break
		}
		c := s[n]
		s = s[n+1:]
		switch c {
		case '(', ')', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
		}
	}
	return append(dst, ')')
}

func appendHex(dst, s []byte) []byte {
	const digits = "0123456789ABCDEF"
	dst = append(dst, '<')
	for _, c := range s {
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return append(dst, '>')
}

// TextString encodes s as a PDF text string (used in /Title and outline
// titles): literal PDFDocEncoding when s is printable ASCII, otherwise
// UTF-16BE with a byte-order mark, which every reader must accept.
func TextString(s string) any {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			ascii = false
			break
		}
	}
	if ascii {
		return String(s)
	}
	out := []byte{0xFE, 0xFF}
	for _, r := range s {
		out = appendUTF16BE(out, r)
	}
	return Hex(out)
}

// File is a set of indirect objects that writes itself as a PDF file with
// exact cross-reference offsets. Object numbers start at 1 and are dense.
type File struct {
	// Header is the first line, without end-of-line; "" means "%PDF-1.7".
	Header string
	// Root and Info are the trailer's /Root and /Info (Info may be 0).
	Root, Info Ref
	// XRefStream writes a cross-reference stream and packs every
	// non-stream object into one object stream (PDF 1.5), instead of a
	// classic xref table.
	XRefStream bool

	objs []any
}

// Reserve allocates an object number whose value is set later with Set,
// which lets objects refer to each other (page ↔ parent, outline links).
func (f *File) Reserve() Ref {
	f.objs = append(f.objs, nil)
	return Ref(len(f.objs))
}

// Set stores the value of a reserved object.
func (f *File) Set(r Ref, v any) {
	f.objs[r-1] = v
}

// Add allocates an object number for v.
func (f *File) Add(v any) Ref {
	f.objs = append(f.objs, v)
	return Ref(len(f.objs))
}

// Len is the number of objects allocated so far.
func (f *File) Len() int { return len(f.objs) }

// Bytes writes the whole file.
func (f *File) Bytes() []byte {
	var b bytes.Buffer
	// Sizing the buffer up front matters for ManyPages: growing a 30 MB
	// buffer by doubling costs more than writing it.
	size := 1024
	for _, v := range f.objs {
		size += 512
		if s, ok := v.(Stream); ok {
			size += len(s.Data)
		}
	}
	b.Grow(size)
	header := f.Header
	if header == "" {
		header = "%PDF-1.7"
	}
	b.WriteString(header)
	// The binary comment tells transfer tools the file is not text.
	b.WriteString("\n%\xE2\xE3\xCF\xD3\n")
	if f.XRefStream {
		f.writeWithXRefStream(&b)
	} else {
		f.writeWithXRefTable(&b)
	}
	return b.Bytes()
}

func (f *File) writeIndirect(b *bytes.Buffer, num int, v any) {
	b.WriteString(strconv.Itoa(num))
	b.WriteString(" 0 obj\n")
	if s, ok := v.(Stream); ok {
		d := make(Dict, len(s.Dict)+1)
		for k, e := range s.Dict {
			d[k] = e
		}
		d["Length"] = len(s.Data)
		writeObj(b, d)
		b.WriteString("\nstream\n")
		b.Write(s.Data)
		b.WriteString("\nendstream")
	} else {
		writeObj(b, v)
	}
	b.WriteString("\nendobj\n")
}

// fileID derives the trailer /ID from the body so that it is stable across
// builds yet differs between documents, as readers expect.
func fileID(body []byte) Array {
	sum := sha256.Sum256(body)
	return Array{Hex(sum[:16]), Hex(sum[:16])}
}

func (f *File) trailerDict(size int, body []byte) Dict {
	d := Dict{"Size": size, "Root": f.Root, "ID": fileID(body)}
	if f.Info != 0 {
		d["Info"] = f.Info
	}
	return d
}

func (f *File) writeWithXRefTable(b *bytes.Buffer) {
	offsets := make([]int, len(f.objs))
	for i, v := range f.objs {
		offsets[i] = b.Len()
		f.writeIndirect(b, i+1, v)
	}
	xref := b.Len()
	trailer := f.trailerDict(len(f.objs)+1, b.Bytes())
	fmt.Fprintf(b, "xref\n0 %d\n0000000000 65535 f \n", len(f.objs)+1)
	for _, off := range offsets {
		// Each entry must be exactly 20 bytes, hence " \n".
		fmt.Fprintf(b, "%010d 00000 n \n", off)
	}
	b.WriteString("trailer\n")
	writeObj(b, trailer)
	fmt.Fprintf(b, "\nstartxref\n%d\n%%%%EOF\n", xref)
}

func (f *File) writeWithXRefStream(b *bytes.Buffer) {
	n := len(f.objs)
	objStm := n + 1
	xrefNum := n + 2
	type entry struct{ typ, a, b int }
	entries := make([]entry, xrefNum+1)
	entries[0] = entry{0, 0, 65535}

	// Pack non-stream objects into one object stream; streams cannot live
	// in object streams.
	var head, objs bytes.Buffer
	packed := 0
	for i, v := range f.objs {
		if _, ok := v.(Stream); ok {
			continue
		}
		fmt.Fprintf(&head, "%d %d ", i+1, objs.Len())
		writeObj(&objs, v)
		objs.WriteByte('\n')
		entries[i+1] = entry{2, objStm, packed}
		packed++
	}
	for i, v := range f.objs {
		if _, ok := v.(Stream); !ok {
			continue
		}
		entries[i+1] = entry{1, b.Len(), 0}
		f.writeIndirect(b, i+1, v)
	}
	data := append(head.Bytes(), objs.Bytes()...)
	entries[objStm] = entry{1, b.Len(), 0}
	f.writeIndirect(b, objStm, Stream{
		Dict: Dict{"Type": Name("ObjStm"), "N": packed, "First": head.Len(), "Filter": Name("FlateDecode")},
		Data: mustEncode(Flate, data),
	})

	xref := b.Len()
	entries[xrefNum] = entry{1, xref, 0}
	var rows []byte
	for _, e := range entries {
		rows = append(rows, byte(e.typ),
			byte(e.a>>24), byte(e.a>>16), byte(e.a>>8), byte(e.a),
			byte(e.b>>8), byte(e.b))
	}
	d := f.trailerDict(xrefNum+1, b.Bytes())
	d["Type"] = Name("XRef")
	d["W"] = Array{1, 4, 2}
	d["Filter"] = Name("FlateDecode")
	f.writeIndirect(b, xrefNum, Stream{Dict: d, Data: mustEncode(Flate, rows)})
	fmt.Fprintf(b, "startxref\n%d\n%%%%EOF\n", xref)
}

package pdfdoc

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"
	"github.com/nhsreview/nhsreview/internal/bytesize"
	tifflzw "golang.org/x/image/tiff/lzw"
)

// errStreamLimit is returned when a stream decompresses past the limit: a
// decompression bomb must cost a warning, not the machine's memory.
var errStreamLimit = errors.New("stream exceeds the decompressed size limit")

// streamLimit names the limit and its flag, so the one-line report says
// what to raise.
func streamLimit(limit int64) error {
	return fmt.Errorf("%w of %s (--max-stream-bytes)", errStreamLimit, formatSize(limit))
}

// formatSize prints a byte count the way the flags take it ("256MiB"),
// or as bytes.
func formatSize(n int64) string {
	s := bytesize.Flag(n)
	if !strings.HasSuffix(s, "B") {
		s += " bytes"
	}
	return s
}

// streamData returns the decoded bytes of a stream, or of an array of
// streams joined by newlines (a page's /Contents may be split anywhere, even
// inside an operator's operands, so the parts are joined before lexing).
// Filters the library does not know (LZW, RunLength, ASCIIHex) are decoded
// here from the raw bytes. A stream cut short yields what could be read and
// an error.
func (x *extractor) streamData(v pdf.Value) ([]byte, error) {
	if v.Kind() == pdf.Array {
		var out []byte
		var firstErr error
		n := v.Len()
		if n > 10000 {
			n = 10000
		}
		for i := 0; i < n; i++ {
			b, err := x.streamData(v.Index(i))
			if err != nil && firstErr == nil {
				firstErr = err
			}
			out = append(out, b...)
			out = append(out, '\n')
			if int64(len(out)) > x.opt.MaxStreamBytes {
				return out, streamLimit(x.opt.MaxStreamBytes)
			}
		}
		return out, firstErr
	}
	if v.Kind() != pdf.Stream {
		return nil, nil
	}
	data, err := x.libraryStream(v)
	if errors.Is(err, errUnknownFilter) {
		return x.rawStream(v)
	}
	return data, err
}

var errUnknownFilter = errors.New("unknown filter")

// libraryStream reads a stream through the library, turning its panics
// (unknown filters, bad predictors) into errors.
func (x *extractor) libraryStream(v pdf.Value) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			if strings.Contains(msg, "unknown filter") || strings.Contains(msg, "unsupported filter") || msg == "pred" {
				err = fmt.Errorf("%w: %s", errUnknownFilter, msg)
				return
			}
			err = fmt.Errorf("reading stream: %s", msg)
		}
	}()
	return readLimited(v.Reader(), x.opt.MaxStreamBytes)
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], streamLimit(limit)
	}
	if err != nil {
		return data, fmt.Errorf("stream damaged after %d bytes: %w", len(data), err)
	}
	return data, nil
}

// rawStream decodes a stream from the file's bytes with this package's own
// filters. The library keeps a stream's file offset private but prints it
// at the end of Value.String ("<<...>>@1234").
func (x *extractor) rawStream(v pdf.Value) ([]byte, error) {
	data, err := x.encodedBytes(v)
	if err != nil {
		return nil, err
	}
	names, parms := filtersOf(v)
	for i, name := range names {
		data, err = decodeFilter(name, parms[i], data, x.opt.MaxStreamBytes)
		if err != nil {
			return data, fmt.Errorf("%s: %w", name, err)
		}
	}
	return data, nil
}

// encodedBytes are a stream's bytes as the file holds them, before any
// filter.
func (x *extractor) encodedBytes(v pdf.Value) ([]byte, error) {
	if x.encrypted {
		return nil, errors.New("encrypted stream with a filter the PDF library does not support")
	}
	s := v.String()
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return nil, errors.New("stream offset unknown")
	}
	off, err := strconv.ParseInt(s[at+1:], 10, 64)
	length := v.Key("Length").Int64()
	if err != nil || off < 0 || length < 0 || off >= int64(len(x.raw)) {
		return nil, errors.New("stream offset or length out of range")
	}
	end := off + length
	if end > int64(len(x.raw)) {
		end = int64(len(x.raw))
	}
	return x.raw[off:end], nil
}

// filtersOf lists a stream's filters and their parameters, in the order
// they are applied (at most 8: a longer chain is hostile).
func filtersOf(v pdf.Value) (names []string, parms []pdf.Value) {
	filters, params := v.Key("Filter"), v.Key("DecodeParms")
	switch filters.Kind() {
	case pdf.Name:
		names, parms = []string{filters.Name()}, []pdf.Value{params}
	case pdf.Array:
		for i := 0; i < filters.Len() && i < 8; i++ {
			names = append(names, filters.Index(i).Name())
			parms = append(parms, params.Index(i))
		}
	}
	return names, parms
}

// decodeFilter applies one standard filter.
func decodeFilter(name string, parm pdf.Value, in []byte, limit int64) ([]byte, error) {
	switch name {
	case "FlateDecode", "Fl":
		zr, err := zlib.NewReader(bytes.NewReader(in))
		if err != nil {
			return nil, err
		}
		return readLimited(zr, limit)
	case "LZWDecode", "LZW":
		var r io.ReadCloser
		if ec := parm.Key("EarlyChange"); ec.Kind() == pdf.Integer && ec.Int64() == 0 {
			r = lzw.NewReader(bytes.NewReader(in), lzw.MSB, 8)
		} else {
			r = tifflzw.NewReader(bytes.NewReader(in), tifflzw.MSB, 8)
		}
		defer r.Close()
		return readLimited(r, limit)
	case "ASCIIHexDecode", "AHx":
		out := make([]byte, 0, len(in)/2)
		var hi int = -1
		for _, c := range in {
			if c == '>' {
				break
			}
			v := hexVal(c)
			if v < 0 {
				continue
			}
			if hi < 0 {
				hi = v
			} else {
				out = append(out, byte(hi<<4|v))
				hi = -1
			}
		}
		if hi >= 0 {
			out = append(out, byte(hi<<4))
		}
		return out, nil
	case "ASCII85Decode", "A85":
		in = bytes.TrimPrefix(bytes.TrimSpace(in), []byte("<~"))
		if i := bytes.Index(in, []byte("~>")); i >= 0 {
			in = in[:i]
		}
		return readLimited(ascii85.NewDecoder(bytes.NewReader(in)), limit)
	case "RunLengthDecode", "RL":
		var out []byte
		for i := 0; i < len(in); {
			n := int(in[i])
			i++
			switch {
			case n == 128:
				return out, nil
			case n < 128:
				end := i + n + 1
				if end > len(in) {
					end = len(in)
				}
				out = append(out, in[i:end]...)
				i = end
			default:
				if i < len(in) {
					out = append(out, bytes.Repeat([]byte{in[i]}, 257-n)...)
				}
				i++
			}
			if int64(len(out)) > limit {
				return out[:limit], streamLimit(limit)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("filter not supported")
}

// stripInlineImages removes BI ... ID <data> EI sequences. The library's
// lexer reads inline image data as tokens, and a "(" byte in it opens a
// string that swallows the rest of the page's text.
func stripInlineImages(b []byte) []byte {
	if !bytes.Contains(b, []byte("BI")) {
		return b
	}
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '(':
			i = skipLiteral(b, i)
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '<' && i+1 < len(b) && b[i+1] != '<':
			for i < len(b) && b[i] != '>' {
				i++
			}
			i++
		case isPDFSpace(c) || isPDFDelim(c):
			i++
		default:
			start := i
			for i < len(b) && !isPDFSpace(b[i]) && !isPDFDelim(b[i]) {
				i++
			}
			if i-start != 2 || b[start] != 'B' || b[start+1] != 'I' {
				continue
			}
			end := inlineImageEnd(b, i)
			if out == nil {
				out = make([]byte, 0, len(b))
			}
			out = append(out, b[last:start]...)
			out = append(out, ' ')
			last, i = end, end
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// inlineImageEnd finds the end of an inline image whose BI ends at i: after
// the ID keyword, the first "EI" that stands as a token.
func inlineImageEnd(b []byte, i int) int {
	id := bytes.Index(b[i:], []byte("ID"))
	if id < 0 {
		return len(b)
	}
	j := i + id + 2
	for {
		k := bytes.Index(b[j:], []byte("EI"))
		if k < 0 {
			return len(b)
		}
		e := j + k
		before := e == 0 || isPDFSpace(b[e-1])
		after := e+2 == len(b) || isPDFSpace(b[e+2]) || isPDFDelim(b[e+2])
		if before && after {
			return e + 2
		}
		j = e + 2
	}
}

func skipLiteral(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		c := b[i]
		i++
		switch c {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// interpret runs pdf.Interpret over bytes. Interpret only accepts a
// pdf.Value, so the bytes (already decoded and cleaned of inline images)
// are wrapped as the one stream of a minimal in-memory PDF. Panics from the
// library's lexer become errors.
func interpret(data []byte, do func(stk *pdf.Stack, op string)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("content stream: %s", firstLine(fmt.Sprint(r)))
		}
	}()
	var b bytes.Buffer
	b.Grow(len(data) + 200)
	b.WriteString("%PDF-1.4\n")
	obj := b.Len()
	fmt.Fprintf(&b, "1 0 obj\n<< /Length %d >>\nstream\n", len(data))
	b.Write(data)
	b.WriteString("\nendstream\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 2\n0000000000 65535 f \n%010d 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", obj, xref)
	r, err := pdf.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		return fmt.Errorf("wrapping content stream: %w", err)
	}
	pdf.Interpret(r.Trailer().Key("Root"), do)
	return nil
}

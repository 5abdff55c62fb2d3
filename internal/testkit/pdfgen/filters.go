package pdfgen

import (
	"bytes"
	"compress/zlib"
	"fmt"
)

// Filter is a stream encoding. ledongthuc/pdf decodes only FlateDecode (and
// ASCII85Decode); the others exist so tests can check that an extractor
// reports "unknown filter" cleanly instead of panicking.
type Filter int

// The stream filters the builder can write.
const (
	NoFilter Filter = iota
	Flate
	LZW
	ASCIIHex
	RunLength
)

// Name is the /Filter name, "" for NoFilter.
func (f Filter) Name() string {
	switch f {
	case Flate:
		return "FlateDecode"
	case LZW:
		return "LZWDecode"
	case ASCIIHex:
		return "ASCIIHexDecode"
	case RunLength:
		return "RunLengthDecode"
	}
	return ""
}

// Encode encodes data with f.
func (f Filter) Encode(data []byte) ([]byte, error) {
	switch f {
	case NoFilter:
		return data, nil
	case Flate:
		var b bytes.Buffer
		// Default compression keeps output identical across runs; zlib in
		// the standard library is deterministic for a given level.
		w := zlib.NewWriter(&b)
		if _, err := w.Write(data); err != nil {
			return nil, fmt.Errorf("flate: %w", err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("flate: %w", err)
		}
		return b.Bytes(), nil
	case LZW:
		return EncodeLZW(data), nil
	case ASCIIHex:
		return EncodeASCIIHex(data), nil
	case RunLength:
		return EncodeRunLength(data), nil
	}
	return nil, fmt.Errorf("unknown filter %d", int(f))
}

// mustEncode is for encodings that cannot fail on in-memory buffers.
func mustEncode(f Filter, data []byte) []byte {
	out, err := f.Encode(data)
	if err != nil {
		panic(err)
	}
	return out
}

// EncodeASCIIHex writes data as hex digits, 64 per line, ended by '>' as
// the ASCIIHexDecode filter requires.
func EncodeASCIIHex(data []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, len(data)*2+len(data)/32+2)
	for i, c := range data {
		if i > 0 && i%32 == 0 {
			out = append(out, '\n')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return append(out, '>')
}

// EncodeRunLength writes the PackBits-style RunLengthDecode encoding:
// a length byte 0-127 copies the next n+1 bytes, 129-255 repeats the next
// byte 257-n times, and 128 ends the data.
func EncodeRunLength(data []byte) []byte {
	var out []byte
	i := 0
	for i < len(data) {
		run := 1
		for i+run < len(data) && run < 128 && data[i+run] == data[i] {
			run++
		}
		if run >= 2 {
			out = append(out, byte(257-run), data[i])
			i += run
			continue
		}
		// Literal stretch: up to the next pair of equal bytes.
		j := i + 1
		for j < len(data) && j-i < 128 && (j+1 >= len(data) || data[j] != data[j+1]) {
			j++
		}
		out = append(out, byte(j-i-1))
		out = append(out, data[i:j]...)
		i = j
	}
	return append(out, 128)
}

// LZW code constants of the PDF LZWDecode filter.
const (
	lzwClear    = 256
	lzwEOD      = 257
	lzwFirst    = 258
	lzwMaxWidth = 12
	// lzwReset is where the encoder starts a new table. It is well below
	// 4096 so that no decoder, whatever its off-by-one habits, ever needs
	// a 13-bit code.
	lzwReset = 4000
)

// EncodeLZW encodes data for LZWDecode with the default /EarlyChange 1:
// MSB-first codes of 9 to 12 bits, starting with a clear-table code and
// ending with EOD. The standard library's compress/lzw implements the GIF
// variant without early change, which PDF readers misdecode.
func EncodeLZW(data []byte) []byte {
	w := bitWriter{}
	width := 9
	w.write(lzwClear, width)
	table := make(map[int]int)
	next := lzwFirst
	prefix := -1
	for _, c := range data {
		if prefix < 0 {
			prefix = int(c)
			continue
		}
		key := prefix<<8 | int(c)
		if code, ok := table[key]; ok {
			prefix = code
			continue
		}
		w.write(prefix, width)
		table[key] = next
		next++
		// The decoder adds its entry one code later than the encoder
		// and widens when its next code + EarlyChange reaches a power
		// of two, which is exactly when the encoder's next code does.
		if next >= 1<<width && width < lzwMaxWidth {
			width++
		}
		if next >= lzwReset {
			w.write(lzwClear, width)
			clear(table)
			next = lzwFirst
			width = 9
		}
		prefix = int(c)
	}
	if prefix >= 0 {
		w.write(prefix, width)
		// The decoder adds an entry for this last code too, so the
		// width of EOD follows one more table entry.
		if next+1 >= 1<<width && width < lzwMaxWidth {
			width++
		}
	}
	w.write(lzwEOD, width)
	return w.flush()
}

type bitWriter struct {
	out   []byte
	acc   uint32
	nbits uint
}

func (w *bitWriter) write(code, width int) {
	w.acc = w.acc<<uint(width) | uint32(code)
	w.nbits += uint(width)
	for w.nbits >= 8 {
		w.nbits -= 8
		w.out = append(w.out, byte(w.acc>>w.nbits))
	}
	w.acc &= 1<<w.nbits - 1
}

func (w *bitWriter) flush() []byte {
	if w.nbits > 0 {
		w.out = append(w.out, byte(w.acc<<(8-w.nbits)))
		w.nbits = 0
		w.acc = 0
	}
	return w.out
}

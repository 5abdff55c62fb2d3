package fetched

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	bomUTF32LE = []byte{0xFF, 0xFE, 0x00, 0x00}
	bomUTF32BE = []byte{0x00, 0x00, 0xFE, 0xFF}
)

// DecodeText returns text bytes as UTF-8: a UTF-8 byte-order mark is
// dropped, and UTF-16 or UTF-32 with a byte-order mark is converted.
// Anything else is returned unchanged: it may be UTF-8 or a legacy 8-bit
// encoding, which is for the extractor to judge. Invalid code units become
// U+FFFD, and a trailing partial code unit is dropped.
func DecodeText(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return data[len(bomUTF8):]
	// UTF-32LE before UTF-16LE: its BOM starts with the UTF-16LE one.
	case bytes.HasPrefix(data, bomUTF32LE):
		return decodeUTF32(data[4:], binary.LittleEndian)
	case bytes.HasPrefix(data, bomUTF32BE):
		return decodeUTF32(data[4:], binary.BigEndian)
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeUTF16(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeUTF16(data[2:], binary.BigEndian)
	}
	return data
}

func decodeUTF16(b []byte, order binary.ByteOrder) []byte {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	out := make([]byte, 0, len(b)/2*3/2+4)
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

func decodeUTF32(b []byte, order binary.ByteOrder) []byte {
	out := make([]byte, 0, len(b)/4+4)
	for i := 0; i+4 <= len(b); i += 4 {
		r := rune(order.Uint32(b[i:]))
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

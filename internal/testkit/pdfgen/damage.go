package pdfgen

import (
	"bytes"
	"fmt"
	"strconv"
)

// The functions in this file damage finished PDF bytes the way real files
// get damaged: interrupted downloads, bad producers, files glued together.
// Each returns a new slice and leaves its input untouched.

// Truncate returns the first n bytes, as an interrupted download leaves
// them.
func Truncate(pdf []byte, n int) []byte {
	n = min(max(n, 0), len(pdf))
	return bytes.Clone(pdf[:n])
}

// ReplaceHeader replaces the first line with header. If the lengths differ
// every cross-reference offset is wrong afterwards; use Doc.Header for a
// different header with correct offsets.
func ReplaceHeader(pdf []byte, header string) []byte {
	end := bytes.IndexAny(pdf, "\r\n")
	if end < 0 {
		end = len(pdf)
	}
	return append([]byte(header), pdf[end:]...)
}

// Prepend puts junk before the header, so offsets are off by len(junk), as
// in files saved with an HTTP preamble or a mail header.
func Prepend(pdf, junk []byte) []byte {
	return append(bytes.Clone(junk), pdf...)
}

// AppendGarbage appends n pseudo-random bytes after %%EOF (deterministic
// for a seed), as a download that concatenated an error page does.
func AppendGarbage(pdf []byte, n int, seed uint64) []byte {
	return append(bytes.Clone(pdf), RandomBytes(n, seed)...)
}

// BreakStartXref adds delta to the offset after the last "startxref", so
// it no longer points at the cross-reference section.
func BreakStartXref(pdf []byte, delta int) ([]byte, error) {
	i := bytes.LastIndex(pdf, []byte("startxref"))
	if i < 0 {
		return nil, fmt.Errorf("break startxref: no startxref keyword")
	}
	start := i + len("startxref")
	for start < len(pdf) && (pdf[start] == '\r' || pdf[start] == '\n' || pdf[start] == ' ') {
		start++
	}
	end := start
	for end < len(pdf) && pdf[end] >= '0' && pdf[end] <= '9' {
		end++
	}
	off, err := strconv.Atoi(string(pdf[start:end]))
	if err != nil {
		return nil, fmt.Errorf("break startxref: offset %q: %w", pdf[start:end], err)
	}
	out := bytes.Clone(pdf[:start])
	out = strconv.AppendInt(out, int64(off+delta), 10)
	return append(out, pdf[end:]...), nil
}

// RandomBytes returns n pseudo-random bytes from a fixed generator
// (xorshift64*), so damaged fixtures are the same on every platform and Go
// version.
func RandomBytes(n int, seed uint64) []byte {
	x := seed | 1
	out := make([]byte, n)
	for i := range out {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		out[i] = byte((x * 2685821657736338717) >> 56)
	}
	return out
}

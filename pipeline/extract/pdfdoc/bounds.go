package pdfdoc

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// maxObjects is the highest object number a file of n bytes may use. The
// PDF library allocates its cross-reference table from the numbers the file
// declares (an xref stream's /Size and /Index, a table's subsection starts)
// before reading any object, so "/Size 2000000000" in a 2 KB file would ask
// for 80 GB and kill the process outright (Go cannot recover from running
// out of memory). Every object takes some bytes of the file, so one object
// per byte, with a floor for small files with sparse numbers, is far above
// any real document and keeps the table under a few hundred MB.
func maxObjects(n int) int {
	return min(1<<23, max(1<<16, n))
}

var (
	xrefSize  = lazyre.New(`/Size[ \t\r\n\f\x00]*(\d+)`)
	xrefPrev  = lazyre.New(`/Prev[ \t\r\n\f\x00]*(\d+)`)
	xrefIndex = lazyre.New(`/Index[ \t\r\n\f\x00]*\[([^\]]*)\]`)
)

// checkXrefBounds follows the cross-reference sections the library will
// read (from the last startxref along /Prev) and refuses numbers beyond
// maxObjects, and object streams said to be inside object streams (the
// library resolves the container first, recursively and without a cycle
// check, so two streams inside each other overflow the stack, which no
// recover catches). It only guards: anything it cannot make sense of is
// left to the library to reject.
func checkXrefBounds(data []byte) error {
	limit := int64(maxObjects(len(data)))
	tail := data[max(0, len(data)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil
	}
	off, _, ok := pdfInt(tail[i+len("startxref"):])
	seen := map[int64]bool{}
	// The newest section read first wins an object number, as in the
	// library.
	listed := map[int64]bool{}
	container := map[int64]int64{}
	for hop := 0; ok && hop < 64 && !seen[off]; hop++ {
		seen[off] = true
		if off < 0 || off >= int64(len(data)) {
			break
		}
		sec := skipPDFSpace(data[off:])
		var dict []byte
		if bytes.HasPrefix(sec, []byte("xref")) {
			top, rest := xrefTableTop(sec[len("xref"):])
			if top > limit {
				return fmt.Errorf("cross-reference table lists object %d, more than a file of %d bytes can hold", top, len(data))
			}
			dict = rest[:min(len(rest), 4096)]
		} else {
			end := bytes.Index(sec[:min(len(sec), 64<<10)], []byte("stream"))
			if end < 0 {
				break
			}
			dict = sec[:end]
			size := int64(-1)
			if m := xrefSize.FindSubmatch(dict); m != nil {
				n, err := strconv.ParseInt(string(m[1]), 10, 64)
				if err != nil || n > limit {
					return fmt.Errorf("cross-reference stream declares /Size %s, more than a file of %d bytes can hold", m[1], len(data))
				}
				size = n
			}
			index := []int64{0, size}
			if m := xrefIndex.FindSubmatch(dict); m != nil {
				index = index[:0]
				f := bytes.Fields(m[1])
				for j := 0; j+1 < len(f); j += 2 {
					a, err1 := strconv.ParseInt(string(f[j]), 10, 64)
					b, err2 := strconv.ParseInt(string(f[j+1]), 10, 64)
					if err1 != nil || err2 != nil || a < 0 || b < 0 || a > limit || b > limit || a+b > limit {
						return fmt.Errorf("cross-reference stream /Index lists objects beyond what a file of %d bytes can hold", len(data))
					}
					index = append(index, a, b)
				}
			}
			xrefStreamEntries(sec[end:], dict, index, func(obj, typ, field2 int64) {
				if listed[obj] {
					return
				}
				listed[obj] = true
				if typ == 2 {
					container[obj] = field2
				}
			})
		}
		m := xrefPrev.FindSubmatch(dict)
		if m == nil {
			break
		}
		off, ok = 0, true
		if n, err := strconv.ParseInt(string(m[1]), 10, 64); err == nil {
			off = n
		} else {
			ok = false
		}
	}
	for obj, c := range container {
		if _, nested := container[c]; nested {
			return fmt.Errorf("cross-reference stream puts object %d in object stream %d, which is itself in an object stream", obj, c)
		}
	}
	return nil
}

var (
	xrefW         = lazyre.New(`/W[ \t\r\n\f\x00]*\[[ \t\r\n\f\x00]*(\d+)[ \t\r\n\f\x00]+(\d+)[ \t\r\n\f\x00]+(\d+)[ \t\r\n\f\x00]*\]`)
	xrefLength    = lazyre.New(`/Length[ \t\r\n\f\x00]*(\d+)([ \t\r\n\f\x00]+\d+[ \t\r\n\f\x00]+R)?`)
	xrefFilter    = lazyre.New(`/Filter[ \t\r\n\f\x00]*\[?[ \t\r\n\f\x00]*/(\w+)[ \t\r\n\f\x00]*\]?`)
	xrefPredictor = lazyre.New(`/Predictor[ \t\r\n\f\x00]*(\d+)`)
	xrefColumns   = lazyre.New(`/Columns[ \t\r\n\f\x00]*(\d+)`)
)

// xrefStreamEntries decodes the entries of a cross-reference stream (its
// data follows the "stream" keyword at the start of body) and calls fn
// for each: object number, type and second field. Streams it cannot decode
// (other filters, TIFF predictors, indirect lengths cut short) give no
// entries; the library judges those.
func xrefStreamEntries(body, dict []byte, index []int64, fn func(obj, typ, field2 int64)) {
	wm := xrefW.FindSubmatch(dict)
	if wm == nil {
		return
	}
	var w [3]int
	for k := range w {
		n, err := strconv.Atoi(string(wm[k+1]))
		if err != nil || n > 8 {
			return
		}
		w[k] = n
	}
	width := w[0] + w[1] + w[2]
	if width == 0 {
		return
	}
	body = bytes.TrimPrefix(body, []byte("stream"))
	body = bytes.TrimPrefix(body, []byte("\r"))
	body = bytes.TrimPrefix(body, []byte("\n"))
	raw := body
	if m := xrefLength.FindSubmatch(dict); m != nil && len(m[2]) == 0 {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n <= len(body) {
			raw = body[:n]
		}
	} else if e := bytes.Index(body, []byte("endstream")); e >= 0 {
		raw = body[:e]
	}
	if m := xrefFilter.FindSubmatch(dict); m != nil {
		if string(m[1]) != "FlateDecode" {
			return
		}
		zr, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			return
		}
		// A cut stream still lists the entries before the cut.
		raw, _ = readLimited(zr, 64<<20)
	}
	if m := xrefPredictor.FindSubmatch(dict); m != nil && string(m[1]) != "1" {
		p, _ := strconv.Atoi(string(m[1]))
		cols := 1
		if c := xrefColumns.FindSubmatch(dict); c != nil {
			cols, _ = strconv.Atoi(string(c[1]))
		}
		if p < 10 || cols <= 0 || cols > 64 {
			return
		}
		raw = unPNG(raw, cols, 1)
	}
	field := func(b []byte) int64 {
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return v
	}
	row := 0
	for k := 0; k+1 < len(index); k += 2 {
		for j := int64(0); j < index[k+1]; j++ {
			if (row+1)*width > len(raw) {
				return
			}
			r := raw[row*width : (row+1)*width]
			row++
			typ := int64(1)
			if w[0] > 0 {
				typ = field(r[:w[0]])
			}
			fn(index[k]+j, typ, field(r[w[0]:w[0]+w[1]]))
		}
	}
}

// unPNG undoes the PNG row filters of rows of cols bytes with bpp bytes a
// pixel (at least 1): cross-reference streams use them with one byte a
// pixel (mostly "Up"), images with their own.
func unPNG(data []byte, cols, bpp int) []byte {
	var out []byte
	prev := make([]byte, cols)
	bpp = max(bpp, 1)
	for len(data) >= cols+1 {
		ft, row := data[0], append([]byte(nil), data[1:cols+1]...)
		data = data[cols+1:]
		for i := range row {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = row[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			switch ft {
			case 1:
				row[i] += left
			case 2:
				row[i] += up
			case 3:
				row[i] += byte((int(left) + int(up)) / 2)
			case 4:
				row[i] += paeth(left, up, upLeft)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// xrefTableTop reads the subsections of a classic table ("start count"
// then count entries of three tokens) as the library's tokenizer does,
// and returns the highest object number they reach and what follows the
// "trailer" keyword.
func xrefTableTop(b []byte) (int64, []byte) {
	var top int64
	for {
		b = skipPDFSpace(b)
		if bytes.HasPrefix(b, []byte("trailer")) {
			return top, b[len("trailer"):]
		}
		start, rest, ok1 := pdfInt(b)
		n, rest, ok2 := pdfInt(rest)
		if !ok1 || !ok2 || start < 0 || n < 0 {
			return top, nil
		}
		if start+n > top {
			top = start + n
		}
		if top > 1<<40 {
			return top, nil
		}
		b = rest
		// Each entry is "offset generation f|n"; the library stops at the
		// first that is not, and so does this.
		for i := int64(0); i < n; i++ {
			var ok1, ok2 bool
			_, b, ok1 = pdfInt(b)
			_, b, ok2 = pdfInt(b)
			b = skipPDFSpace(b)
			if !ok1 || !ok2 || len(b) == 0 || (b[0] != 'f' && b[0] != 'n') {
				return top, nil
			}
			b = b[1:]
		}
	}
}

// pdfInt reads an unsigned integer token after optional white space.
func pdfInt(b []byte) (int64, []byte, bool) {
	b = skipPDFSpace(b)
	j := 0
	for j < len(b) && j < 19 && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == 0 {
		return 0, b, false
	}
	n, err := strconv.ParseInt(string(b[:j]), 10, 64)
	return n, b[j:], err == nil
}

func skipPDFSpace(b []byte) []byte {
	for len(b) > 0 && isPDFSpace(b[0]) {
		b = b[1:]
	}
	return b
}

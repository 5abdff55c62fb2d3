package pdfdoc

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// The repairs are cumulative: each works on the output of the one before,
// and open tries the file as it is first.
var repairs = []struct {
	name string
	fix  func([]byte) []byte
}{
	{"header", fixHeader},
	{"end of file", func(b []byte) []byte { return fixTrailer(fixHeader(b)) }},
	{"cross-reference table rebuilt", func(b []byte) []byte { return rebuildXref(fixTrailer(fixHeader(b))) }},
}

// fixHeader drops bytes before %PDF- and rewrites the header line in place
// (same length, so offsets hold) to a version the library accepts: it
// rejects "%PDF-2.0" and a header not followed directly by a line end.
func fixHeader(data []byte) []byte {
	start := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if start < 0 || len(data)-start < 16 {
		return data
	}
	buf := append([]byte(nil), data[start:]...)
	if buf[5] != '1' || buf[6] != '.' || buf[7] < '0' || buf[7] > '7' {
		copy(buf[5:8], "1.7")
	}
	if buf[8] != '\r' && buf[8] != '\n' {
		buf[8] = '\n'
	}
	return buf
}

// fixTrailer cuts anything after the last %%EOF: the library only looks at
// the last 100 bytes, so a download with junk appended fails otherwise.
func fixTrailer(data []byte) []byte {
	i := bytes.LastIndex(data, []byte("%%EOF"))
	if i < 0 {
		return append(append([]byte(nil), data...), "\n%%EOF\n"...)
	}
	return append(data[:i+5:i+5], '\n')
}

var objHeader = lazyre.New(`(?:^|[\r\n\s])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b`)
var rootRef = lazyre.New(`/Root[ \t\r\n]*(\d+)[ \t\r\n]+(\d+)[ \t\r\n]+R`)
var infoRef = lazyre.New(`/Info[ \t\r\n]*(\d+)[ \t\r\n]+(\d+)[ \t\r\n]+R`)
var catalogType = lazyre.New(`/Type[ \t\r\n]*/Catalog\b`)

// rebuildXref scans the file for "N G obj" headers, as qpdf and Acrobat do
// for a file whose cross-reference table is missing (truncated downloads)
// or wrong, and appends a new cross-reference stream. A stream rather than a
// table, because objects inside object streams can only be listed there.
func rebuildXref(data []byte) []byte {
	type entry struct {
		typ      byte
		off      int64
		gen      int
		stm, idx int
	}
	entries := map[int]entry{}
	root := -1
	for _, m := range objHeader.FindAllSubmatchIndex(data, -1) {
		id, err1 := strconv.Atoi(string(data[m[2]:m[3]]))
		gen, err2 := strconv.Atoi(string(data[m[4]:m[5]]))
		if err1 != nil || err2 != nil || id <= 0 || id > maxObjects(len(data)) {
			continue
		}
		entries[id] = entry{typ: 1, off: int64(m[2]), gen: gen}
		end := len(data)
		if end > m[1]+4096 {
			end = m[1] + 4096
		}
		head := data[m[1]:end]
		if k := bytes.Index(head, []byte("endobj")); k >= 0 {
			head = head[:k]
		}
		if catalogType.Match(head) {
			root = id
		}
	}
	if len(entries) == 0 {
		return nil
	}
	// Objects packed in object streams, taken stream by stream in file
	// order: where an incremental update packs an object again, or writes
	// it out plainly, the copy written last is the current one. (Map order
	// once decided this, and the same damaged file read or failed at
	// random.)
	byOffset := make([]int, 0, len(entries))
	for id := range entries {
		byOffset = append(byOffset, id)
	}
	sort.Slice(byOffset, func(i, j int) bool { return entries[byOffset[i]].off < entries[byOffset[j]].off })
	members := map[int][]int{}
	for _, sid := range byOffset {
		if m := objStreamMembers(data, entries[sid].off); len(m) > 0 {
			members[sid] = m
		}
	}
	for _, sid := range byOffset {
		e := entries[sid]
		for i, member := range members[sid] {
			if member <= 0 || member > maxObjects(len(data)) || members[member] != nil {
				// A damaged header can name any number (the table is
				// sized by the highest), or another object stream: the
				// library follows a stream inside a stream without end.
				continue
			}
			if old, ok := entries[member]; ok && old.typ == 1 && old.off > e.off {
				continue
			}
			entries[member] = entry{typ: 2, stm: sid, idx: i}
		}
	}
	// Prefer the /Root of the last trailer or xref stream that still parses.
	if ms := rootRef.FindAllSubmatch(data, -1); len(ms) > 0 {
		for i := len(ms) - 1; i >= 0; i-- {
			if id, err := strconv.Atoi(string(ms[i][1])); err == nil {
				if _, ok := entries[id]; ok {
					root = id
					break
				}
			}
		}
	}
	if root < 0 {
		return nil
	}
	info := ""
	if ms := infoRef.FindAllSubmatch(data, -1); len(ms) > 0 {
		if id, err := strconv.Atoi(string(ms[len(ms)-1][1])); err == nil {
			if _, ok := entries[id]; ok {
				info = fmt.Sprintf(" /Info %d 0 R", id)
			}
		}
	}
	ids := make([]int, 0, len(entries))
	maxID := 0
	for id := range entries {
		ids = append(ids, id)
		if id > maxID {
			maxID = id
		}
	}
	sort.Ints(ids)
	xrefID := maxID + 1
	size := xrefID + 1
	var rows bytes.Buffer
	row := func(typ byte, a int64, b int) {
		rows.WriteByte(typ)
		for s := 32; s >= 0; s -= 8 {
			rows.WriteByte(byte(a >> uint(s)))
		}
		rows.WriteByte(byte(b >> 8))
		rows.WriteByte(byte(b))
	}
	out := bytes.NewBuffer(make([]byte, 0, len(data)+size*8+256))
	out.Write(data)
	out.WriteString("\n")
	xrefOff := int64(out.Len())
	for id := 0; id < size; id++ {
		e, ok := entries[id]
		switch {
		case id == xrefID:
			row(1, xrefOff, 0)
		case !ok:
			row(0, 0, 65535)
		case e.typ == 1:
			row(1, e.off, e.gen)
		default:
			row(2, int64(e.stm), e.idx)
		}
	}
	fmt.Fprintf(out, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 5 2] /Root %d 0 R%s /Length %d >>\nstream\n", xrefID, size, root, info, rows.Len())
	out.Write(rows.Bytes())
	fmt.Fprintf(out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return out.Bytes()
}

// objStreamMembers lists the object numbers packed in the object stream
// whose "N G obj" starts at off, or nil when it is not one. The stream's
// /Length is not trusted (it may be an indirect reference or wrong): the
// data runs to "endstream".
func objStreamMembers(data []byte, off int64) []int {
	rest := data[off:]
	if len(rest) > 1<<26 {
		rest = rest[:1<<26]
	}
	hs := bytes.Index(rest, []byte("stream"))
	if hs < 0 || hs > 4096 {
		return nil
	}
	head := rest[:hs]
	if !bytes.Contains(head, []byte("/ObjStm")) || !bytes.Contains(head, []byte("/FlateDecode")) {
		return nil
	}
	first := dictInt(head, "/First")
	n := dictInt(head, "/N")
	if first <= 0 || n <= 0 || n > 1<<20 {
		return nil
	}
	body := rest[hs+len("stream"):]
	body = bytes.TrimLeft(body, "\r\n")
	if e := bytes.Index(body, []byte("endstream")); e >= 0 {
		body = body[:e]
	}
	zr, err := zlib.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil
	}
	hdr, _ := io.ReadAll(io.LimitReader(zr, int64(first)))
	fields := bytes.Fields(hdr)
	var ids []int
	for i := 0; i+1 < len(fields) && len(ids) < n; i += 2 {
		id, err := strconv.Atoi(string(fields[i]))
		if err != nil {
			return ids
		}
		ids = append(ids, id)
	}
	return ids
}

var intAfter = map[string]*lazyre.Regexp{
	"/First": lazyre.New(`/First[ \t\r\n]*(\d+)`),
	"/N":     lazyre.New(`/N[ \t\r\n]*(\d+)`),
}

func dictInt(head []byte, key string) int {
	m := intAfter[key].FindSubmatch(head)
	if m == nil {
		return -1
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return -1
	}
	return n
}

package pdfdoc

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// checkXrefBounds must refuse exactly the cross-reference numbers the PDF
// library would allocate gigabytes for, and pass real files.
func TestCheckXrefBounds(t *testing.T) {
	table := pdfgen.Widths().PDF
	stream := pdfgen.XRefStream().PDF
	sub := func(pdf []byte, re, repl string) []byte {
		return regexp.MustCompile(re).ReplaceAll(pdf, []byte(repl))
	}
	tests := []struct {
		name    string
		pdf     []byte
		wantErr string
	}{
		{"generated table", table, ""},
		{"generated xref stream", stream, ""},
		{"stream /Size at the bound", sub(stream, `/Size \d+`, "/Size 65536"), ""},
		{"stream /Size past the bound", sub(stream, `/Size \d+`, "/Size 65537"), "declares /Size 65537"},
		{"stream /Size overflowing int64", sub(stream, `/Size \d+`, "/Size 99999999999999999999"), "declares /Size"},
		{"stream /Index reaching far", sub(stream, `/Type /XRef`, "/Type /XRef /Index [0 3 70000 5]"), "/Index lists objects"},
		{"stream /Index negative-looking", sub(stream, `/Type /XRef`, "/Type /XRef /Index [0 99999999999999999999]"), "/Index lists objects"},
		{"table subsection far out", sub(table, `xref\n0 `, "xref\n2000000000 "), "lists object 2000000"},
		{"table subsection count far out", sub(table, `xref\n0 (\d+)`, "xref\n0 900000"), "lists object 900000"},
		{"startxref past the end", sub(table, `startxref\n\d+`, "startxref\n999999999"), ""},
		{"no startxref", sub(table, `startxref`, "startxrex"), ""},
	}
	for _, tt := range tests {
		err := checkXrefBounds(tt.pdf)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

// A bad section behind /Prev is refused too: the library reads the whole
// chain before anything else.
func TestCheckXrefBoundsFollowsPrev(t *testing.T) {
	pdf := string(pdfgen.Widths().PDF)
	i := strings.LastIndex(pdf, "startxref")
	first := strings.TrimSpace(pdf[i+len("startxref") : strings.LastIndex(pdf, "%%EOF")])
	// An update section whose /Prev is the original table; then the
	// original table's subsection is made hostile.
	bad := strings.Replace(pdf[:i], "xref\n0 ", "xref\n3000000000 ", 1)
	update := len(bad)
	bad += "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev " + first + " >>\n"
	bad += "startxref\n" + strconv.Itoa(update) + "\n%%EOF\n"
	if err := checkXrefBounds([]byte(bad)); err == nil || !strings.Contains(err.Error(), "lists object 3000000") {
		t.Errorf("err = %v, want the section behind /Prev refused", err)
	}
}

func TestMaxObjects(t *testing.T) {
	for _, tt := range []struct{ size, want int }{
		{0, 1 << 16}, {2000, 1 << 16}, {1 << 20, 1 << 20}, {200 << 20, 1 << 23},
	} {
		if got := maxObjects(tt.size); got != tt.want {
			t.Errorf("maxObjects(%d) = %d, want %d", tt.size, got, tt.want)
		}
	}
}

// xrefStreamFile is a file whose only cross-reference section is an xref
// stream with the given rows (W [1 2 1]), flate-compressed and, with up,
// PNG-"Up"-filtered as producers write them.
func xrefStreamFile(t *testing.T, rows [][4]byte, up bool) []byte {
	t.Helper()
	var data []byte
	prev := [4]byte{}
	for _, r := range rows {
		if up {
			data = append(data, 2)
			for i := range r {
				data = append(data, r[i]-prev[i])
			}
			prev = r
			continue
		}
		data = append(data, r[:]...)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(data)
	zw.Close()
	parms := ""
	if up {
		parms = " /DecodeParms << /Predictor 12 /Columns 4 >>"
	}
	head := "%PDF-1.7\n"
	off := len(head)
	body := fmt.Sprintf("9 0 obj\n<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R /Filter /FlateDecode%s /Length %d >>\nstream\n", len(rows), parms, z.Len())
	return []byte(head + body + z.String() + "\nendstream\nendobj\nstartxref\n" + strconv.Itoa(off) + "\n%%EOF\n")
}

// An object stream listed inside an object stream (here: inside itself)
// sends the library into endless recursion: the file must go to the
// repair instead. A found crasher of FuzzExtract.
func TestCheckXrefNestedObjectStreams(t *testing.T) {
	valid := [][4]byte{{0, 0, 0, 255}, {2, 0, 3, 0}, {2, 0, 3, 1}, {1, 0, 9, 0}}
	selfNested := [][4]byte{{0, 0, 0, 255}, {2, 0, 3, 0}, {0, 0, 0, 0}, {2, 0, 3, 1}}
	pair := [][4]byte{{0, 0, 0, 255}, {2, 0, 2, 0}, {2, 0, 1, 0}}
	for _, up := range []bool{false, true} {
		if err := checkXrefBounds(xrefStreamFile(t, valid, up)); err != nil {
			t.Errorf("valid table (PNG Up %v): %v", up, err)
		}
		if err := checkXrefBounds(xrefStreamFile(t, selfNested, up)); err == nil || !strings.Contains(err.Error(), "object stream 3, which is itself in an object stream") {
			t.Errorf("stream inside itself (PNG Up %v): err = %v", up, err)
		}
		if err := checkXrefBounds(xrefStreamFile(t, pair, up)); err == nil {
			t.Errorf("two streams inside each other (PNG Up %v): no error", up)
		}
	}
}

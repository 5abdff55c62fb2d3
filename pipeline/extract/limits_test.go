package extract

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// pdfBuilder writes the hostile files that pdfgen's well-formed builder
// will not: streams that inflate to gigabytes, forms nested a thousand
// deep, loops in the page tree and the outline.
type pdfBuilder struct {
	f     pdfgen.File
	font  pdfgen.Ref
	pages pdfgen.Ref
	kids  pdfgen.Array
}

func newPDF() *pdfBuilder {
	b := &pdfBuilder{}
	b.font = b.f.Add(pdfgen.Dict{"Type": pdfgen.Name("Font"), "Subtype": pdfgen.Name("Type1"), "BaseFont": pdfgen.Name("Helvetica"), "Encoding": pdfgen.Name("WinAnsiEncoding")})
	b.pages = b.f.Reserve()
	return b
}

// textOps draws one line of text with /F1.
func textOps(y int, s string) []byte {
	return fmt.Appendf(nil, "BT /F1 12 Tf 72 %d Td (%s) Tj ET\n", y, s)
}

func (b *pdfBuilder) stream(data []byte, dict pdfgen.Dict) pdfgen.Ref {
	if dict == nil {
		dict = pdfgen.Dict{}
	}
	return b.f.Add(pdfgen.Stream{Dict: dict, Data: data})
}

// page adds a page drawing content, with /F1 and the given XObjects.
func (b *pdfBuilder) page(content pdfgen.Ref, xobjects pdfgen.Dict) pdfgen.Ref {
	res := pdfgen.Dict{"Font": pdfgen.Dict{"F1": b.font}}
	if xobjects != nil {
		res["XObject"] = xobjects
	}
	p := b.f.Add(pdfgen.Dict{"Type": pdfgen.Name("Page"), "Parent": b.pages, "MediaBox": pdfgen.Array{0, 0, 612, 792}, "Contents": content, "Resources": res})
	b.kids = append(b.kids, p)
	return p
}

func (b *pdfBuilder) textPage(s string) pdfgen.Ref {
	return b.page(b.stream(textOps(700, s), nil), nil)
}

func (b *pdfBuilder) build(catalog pdfgen.Dict) []byte {
	b.f.Set(b.pages, pdfgen.Dict{"Type": pdfgen.Name("Pages"), "Kids": b.kids, "Count": len(b.kids)})
	if catalog == nil {
		catalog = pdfgen.Dict{}
	}
	catalog["Type"] = pdfgen.Name("Catalog")
	catalog["Pages"] = b.pages
	b.f.Root = b.f.Add(catalog)
	return b.f.Bytes()
}

var bombs sync.Map

// bomb is n bytes of a repeated pattern, deflated (about 1 MB per GiB of
// zeros), built once per test binary.
func bomb(n int64, pattern string) []byte {
	key := fmt.Sprint(n, pattern)
	if b, ok := bombs.Load(key); ok {
		return b.([]byte)
	}
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	chunk := bytes.Repeat([]byte(pattern), (1<<20)/len(pattern)+1)[:1<<20]
	if pattern == "\x00" {
		chunk = make([]byte, 1<<20)
	}
	for left := n; left > 0; left -= int64(len(chunk)) {
		w.Write(chunk[:min(int64(len(chunk)), left)])
	}
	w.Close()
	bombs.Store(key, out.Bytes())
	return out.Bytes()
}

func flateDict() pdfgen.Dict { return pdfgen.Dict{"Filter": pdfgen.Name("FlateDecode")} }

// hostileCase is one hostile file and what reading it must give: either
// a document (with warnings containing warn, and words containing text)
// or an error containing err. Every case must finish within its deadline
// plus a margin, and say what happened in one line.
type hostileCase struct {
	name     string
	data     func() []byte
	opt      Options
	format   string // "" for a PDF; else a file name whose extension helps sniffing
	wantErr  string
	wantWarn string
	wantText []string
	// noText are words a limit must have stopped.
	noText []string
}

// nestedForms draws form 1, which draws form 2, ... down to depth n; each
// level writes its own line ("Level 7").
func nestedForms(n int, fanout int) []byte {
	b := newPDF()
	refs := make([]pdfgen.Ref, n+1)
	for i := n; i >= 1; i-- {
		ops := textOps(780-(i%60)*12, fmt.Sprintf("Level %d", i))
		res := pdfgen.Dict{"Font": pdfgen.Dict{"F1": b.font}}
		if i < n {
			for k := 0; k < fanout; k++ {
				ops = append(ops, "/Fx Do\n"...)
			}
			res["XObject"] = pdfgen.Dict{"Fx": refs[i+1]}
		}
		refs[i] = b.stream(ops, pdfgen.Dict{"Type": pdfgen.Name("XObject"), "Subtype": pdfgen.Name("Form"), "BBox": pdfgen.Array{0, 0, 612, 792}, "Resources": res})
	}
	b.page(b.stream([]byte("/Fx Do\n"), nil), pdfgen.Dict{"Fx": refs[1]})
	return b.build(nil)
}

// setXrefNumbers rewrites the cross-reference numbers of a generated file
// to hostile values: what the PDF library allocates its tables from.
func setXrefNumbers(pdf []byte, re, repl string) []byte {
	return regexp.MustCompile(re).ReplaceAll(pdf, []byte(repl))
}

func hostileCases() []hostileCase {
	small := Options{PDF: pdfdoc.Options{MaxStreamBytes: 4 << 20}}
	return []hostileCase{
		{
			name: "decompression bomb: 1 GiB of zeros in a page, default limits",
			data: func() []byte {
				b := newPDF()
				b.page(b.stream(bomb(1<<30, "\x00"), flateDict()), nil)
				b.textPage("The second page survives.")
				return b.build(nil)
			},
			wantWarn: "stream exceeds the decompressed size limit of 256MiB (--max-stream-bytes)",
			wantText: []string{"The second page survives."},
		},
		{
			name: "decompression bomb of text operators, the only page",
			data: func() []byte {
				b := newPDF()
				b.page(b.stream(bomb(64<<20, "BT ET q Q "), flateDict()), nil)
				return b.build(nil)
			},
			opt:     small,
			wantErr: "no page could be read: stream exceeds the decompressed size limit of 4MiB (--max-stream-bytes)",
		},
		{
			name: "decompression bomb in a Form XObject",
			data: func() []byte {
				b := newPDF()
				form := b.stream(bomb(64<<20, "\x00"), pdfgen.Dict{"Filter": pdfgen.Name("FlateDecode"), "Type": pdfgen.Name("XObject"), "Subtype": pdfgen.Name("Form"), "BBox": pdfgen.Array{0, 0, 612, 792}})
				b.page(b.stream(append(textOps(700, "Text beside the bomb."), "/Fx Do\n"...), nil), pdfgen.Dict{"Fx": form})
				return b.build(nil)
			},
			opt:      small,
			wantWarn: "a form XObject could not be read: stream exceeds the decompressed size limit of 4MiB (--max-stream-bytes)",
			wantText: []string{"Text beside the bomb."},
		},
		{
			// Without an /Encoding the PDF library builds its own decoder
			// from the whole ToUnicode stream, bomb and all.
			name: "decompression bomb in a font's ToUnicode map",
			data: func() []byte {
				b := newPDF()
				tu := b.stream(bomb(1<<30, "\x00"), flateDict())
				b.f.Set(b.font, pdfgen.Dict{"Type": pdfgen.Name("Font"), "Subtype": pdfgen.Name("Type1"), "BaseFont": pdfgen.Name("Helvetica"), "ToUnicode": tu})
				b.textPage("Text in a font with a bomb for a map.")
				return b.build(nil)
			},
			opt:      small,
			wantWarn: "a font's ToUnicode map was cut: stream exceeds the decompressed size limit of 4MiB (--max-stream-bytes)",
			wantText: []string{"Text in a font with a bomb for a map."},
		},
		{
			name: "a ToUnicode map repeating one 65,536-code range a million times",
			data: func() []byte {
				b := newPDF()
				cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <00> <FF> endcodespacerange\n" +
					strings.Repeat("1000 beginbfrange\n"+strings.Repeat("<0000> <FFFF> <0041>\n", 1000)+"endbfrange\n", 1000) + "endcmap\n"
				tu := b.stream(bomb(int64(len(cmap)), cmap), flateDict())
				b.f.Set(b.font, pdfgen.Dict{"Type": pdfgen.Name("Font"), "Subtype": pdfgen.Name("Type1"), "BaseFont": pdfgen.Name("Helvetica"), "ToUnicode": tu})
				b.textPage("Plain words.")
				return b.build(nil)
			},
			opt: Options{Deadline: 20 * time.Second},
		},
		{
			name:     "Form XObjects nested 1,000 deep",
			data:     func() []byte { return nestedForms(1000, 1) },
			wantWarn: "form XObjects nested deeper than 12; deeper ones skipped (--max-depth)",
			wantText: []string{"Level 1", "Level 12"},
			noText:   []string{"Level 13"},
		},
		{
			name:     "Form XObjects nested 1,000 deep, --max-depth 3",
			data:     func() []byte { return nestedForms(1000, 1) },
			opt:      Options{MaxDepth: 3},
			wantWarn: "nested deeper than 3",
			wantText: []string{"Level 3"},
			noText:   []string{"Level 4"},
		},
		{
			// Each form draws the next twice: 2^40 paths, stopped by the
			// operator budget of the page, not by time.
			name:     "Form XObjects fanning out 2^40 times, --max-depth 64",
			data:     func() []byte { return nestedForms(40, 2) },
			opt:      Options{MaxDepth: 64, Deadline: 20 * time.Second},
			wantWarn: "too many content operators",
			wantText: []string{"Level 1"},
		},
		{
			name: "page tree whose kids include the root",
			data: func() []byte {
				b := newPDF()
				b.textPage("A page in a looping tree.")
				b.kids = append(b.kids, b.pages)
				return b.build(nil)
			},
			wantWarn: "the page tree loops",
			wantText: []string{"A page in a looping tree."},
		},
		{
			name: "bookmark whose child is itself",
			data: func() []byte {
				b := newPDF()
				p := b.textPage("Introduction and purpose.")
				outlines := b.f.Reserve()
				item := b.f.Reserve()
				b.f.Set(item, pdfgen.Dict{"Title": pdfgen.String("Introduction"), "Parent": outlines, "First": item, "Last": item, "Count": 1, "Dest": pdfgen.Array{p, pdfgen.Name("Fit")}})
				b.f.Set(outlines, pdfgen.Dict{"Type": pdfgen.Name("Outlines"), "First": item, "Last": item, "Count": 1})
				return b.build(pdfgen.Dict{"Outlines": outlines})
			},
			wantWarn: "the bookmarks loop",
			wantText: []string{"Introduction and purpose."},
		},
		{
			name:     "xref stream claiming /Size 2000000000",
			data:     func() []byte { return setXrefNumbers(pdfgen.XRefStream().PDF, `/Size \d+`, "/Size 2000000000") },
			wantWarn: "cross-reference table rebuilt",
			wantText: []string{"Our ambition"},
		},
		{
			name: "xref stream /Index reaching object 2000000000",
			data: func() []byte {
				return setXrefNumbers(pdfgen.XRefStream().PDF, `/Type /XRef`, "/Type /XRef /Index [1999999990 20]")
			},
			wantWarn: "cross-reference table rebuilt",
			wantText: []string{"Our ambition"},
		},
		{
			name:     "xref table subsection starting at object 2000000000",
			data:     func() []byte { return setXrefNumbers(pdfgen.Widths().PDF, `xref\n0 `, "xref\n2000000000 ") },
			wantWarn: "cross-reference table rebuilt",
			wantText: []string{"Our ambition"},
		},
		{
			name: "a page of 2 million operators",
			data: func() []byte {
				b := newPDF()
				b.page(b.stream(append(textOps(700, "Before the flood."), bytes.Repeat([]byte("BT ET\n"), 1_000_000)...), nil), nil)
				return b.build(nil)
			},
			opt:      Options{PDF: pdfdoc.Options{MaxOps: 100_000}},
			wantWarn: "too many content operators",
			wantText: []string{"Before the flood."},
		},
		{
			name:    "more pages than --max-pages",
			data:    func() []byte { return pdfgen.ManyPages(30).PDF },
			opt:     Options{PDF: pdfdoc.Options{MaxPages: 20}},
			wantErr: "more than 20 pages, the page limit (--max-pages)",
		},
		{
			name: "a stream whose /Length claims a petabyte",
			data: func() []byte {
				pdf := pdfgen.Widths().PDF
				return regexp.MustCompile(`/Length \d+`).ReplaceAll(pdf, []byte("/Length 1000000000000000"))
			},
		},
		{
			name: "bomb past the memory limit",
			data: func() []byte {
				b := newPDF()
				b.page(b.stream(bomb(1<<30, "\x00"), flateDict()), nil)
				return b.build(nil)
			},
			opt:     Options{MaxMemory: 256 << 20, PDF: pdfdoc.Options{MaxStreamBytes: 2 << 30}},
			wantErr: "out of memory (limit 256 MiB, --max-memory)",
		},
		{
			name:     "a small PDF under a 128 MiB memory limit",
			data:     func() []byte { return pdfgen.ManyPages(5).PDF },
			opt:      Options{MaxMemory: 128 << 20},
			wantText: []string{"1. Introduction"},
		},
		{
			name:   "HTML nested deeper than --max-depth",
			format: "deep.html",
			data: func() []byte {
				return []byte("<html><body><p>Shallow text.</p>" + strings.Repeat("<div>", 40) + "Deep text." + strings.Repeat("</div>", 40) + "</body></html>")
			},
			opt:      Options{MaxDepth: 20},
			wantWarn: "elements nested deeper than 20: their content was skipped (--max-depth)",
			wantText: []string{"Shallow text."},
			noText:   []string{"Deep text."},
		},
		{
			name:   "HTML nested 100,000 deep",
			format: "deeper.html",
			data: func() []byte {
				return []byte("<html><body>" + strings.Repeat("<div>", 100_000) + "Deep text.</body></html>")
			},
			wantErr: "open stack of elements exceeds 512 nodes",
		},
		{
			name:   "DOCX nested deeper than --max-depth",
			format: "deep.docx",
			data: func() []byte {
				return docx(strings.Repeat("<w:sdt><w:sdtContent>", 20) + "<w:p><w:r><w:t>Deep</w:t></w:r></w:p>" + strings.Repeat("</w:sdtContent></w:sdt>", 20))
			},
			opt:     Options{MaxDepth: 16},
			wantErr: "elements nested more than 16 deep (--max-depth)",
		},
		{
			name:    "Markdown of 4,000 nested list levels past the deadline",
			format:  "deep.md",
			data:    func() []byte { return deepMarkdown(4000) },
			opt:     Options{Deadline: 40 * time.Millisecond},
			wantErr: "reading the document took longer than 40ms (--deadline)",
		},
	}
}

// deepMarkdown is n list items, each indented two spaces more than the
// last: 16 MB of spaces for n = 4000, which the Markdown reader takes
// about a second over on a quiet machine, twenty times the deadline
// the case sets, so the case does not depend on the machine's speed.
func deepMarkdown(n int) []byte {
	var b bytes.Buffer
	b.WriteString("# Plan\n\n")
	for i := range n {
		b.WriteString(strings.Repeat("  ", i))
		b.WriteString("- item\n")
	}
	return b.Bytes()
}

// TestHostileFiles reads each hostile file as the command does (PDFs in
// a child process) and holds it to its expected outcome.
func TestHostileFiles(t *testing.T) {
	t.Run("cases", func(t *testing.T) {
		for _, tc := range hostileCases() {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				testHostile(t, tc)
			})
		}
	})
	StopWorkers() // children are counted once waited for
	t.Logf("peak memory of any PDF child so far: %s", bytesize.Human(childPeakRSS()))
	if peak := childPeakRSS(); peak > 2<<30 {
		t.Errorf("a PDF child used %s at its peak, want under 2 GiB", bytesize.Human(peak))
	}
}

func testHostile(t *testing.T, tc hostileCase) {
	data := tc.data()
	opt := tc.opt
	if opt.Deadline == 0 {
		opt.Deadline = 30 * time.Second
	}
	name := tc.format
	if name == "" {
		name = "hostile.pdf"
	}
	start := time.Now()
	d, err := Document(context.Background(), &fetched.Doc{Source: name, Data: data}, opt)
	took := time.Since(start)
	o := outcome{doc: d, err: err, took: took, deadlineWanted: strings.Contains(tc.wantErr, "(--deadline)")}
	checkOutcome(t, tc.name, o, opt.Deadline+5*time.Second)
	t.Logf("%s, %s: %v", bytesize.Human(int64(len(data))), took.Round(time.Millisecond), summary(d, err))
	if tc.wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("err = %v, want a document", err)
	}
	if tc.wantWarn != "" && !strings.Contains(strings.Join(d.Quality.Warnings, "\n"), tc.wantWarn) {
		t.Errorf("warnings %q, want one containing %q", d.Quality.Warnings, tc.wantWarn)
	}
	text := d.PlainText()
	for _, w := range tc.wantText {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%.300s", w, text)
		}
	}
	for _, w := range tc.noText {
		if strings.Contains(text, w) {
			t.Errorf("text has %q, which the limit should have stopped", w)
		}
	}
}

func summary(d *document.Document, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("%d pages, warnings %q", len(d.Pages), d.Quality.Warnings)
}

// childPeakRSS is the largest resident set of any child process this
// test binary has waited for (Linux reports it in KiB).
func childPeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10
}

// docx packs a document.xml body into the smallest package the reader
// accepts.
func docx(body string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, part := range []struct{ name, text string }{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`},
	} {
		w, err := zw.Create(part.name)
		if err != nil {
			panic(err)
		}
		w.Write([]byte(part.text))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TestEncryptedPDFs encrypts a generated PDF with qpdf in the ways NHS
// exports are: RC4 and AES-128 with no user password (any reader opens
// them), 40-bit RC4 and AES-256 (which the PDF library cannot decrypt),
// and a user password. Each reads, or fails with one line saying what to
// do.
func TestEncryptedPDFs(t *testing.T) {
	needTool(t, "qpdf")
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.pdf")
	if err := os.WriteFile(plain, pdfgen.Widths().PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" when it must read
	}{
		{"RC4 40-bit, no user password", []string{"", "owner", "40"}, "encrypted PDF (40-bit RC4) is not supported: decrypt it first"},
		{"RC4 128-bit, no user password", []string{"", "owner", "128", "--use-aes=n"}, ""},
		{"AES-128, no user password", []string{"", "owner", "128", "--use-aes=y"}, ""},
		{"AES-256, no user password", []string{"", "owner", "256"}, "encrypted PDF (AES-256) is not supported: decrypt it first (e.g. qpdf --decrypt)"},
		{"AES-256 with a user password", []string{"user", "owner", "256"}, "encrypted PDF (AES-256) is not supported"},
		{"AES-128 with a user password", []string{"user", "owner", "128", "--use-aes=y"}, "encrypted PDF needs a password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.NewReplacer(" ", "-", ",", "").Replace(tt.name)+".pdf")
			// RC4 is weak, and qpdf writes it only when told to: NHS
			// exports from old tools still carry it.
			args := append([]string{"--allow-weak-crypto", "--encrypt"}, tt.args...)
			args = append(args, "--", plain, out)
			if msg, err := exec.Command("qpdf", args...).CombinedOutput(); err != nil {
				t.Fatalf("qpdf %q: %v: %s", args, err, msg)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			d, err := Document(context.Background(), &fetched.Doc{Source: out, Data: data}, Options{Deadline: 30 * time.Second})
			checkOutcome(t, tt.name, outcome{doc: d, err: err, took: time.Since(start)}, 20*time.Second)
			t.Logf("%v", summary(d, err))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v, want the document", err)
				}
				if !strings.Contains(d.PlainText(), "Our ambition") {
					t.Errorf("decrypted text wrong:\n%.300s", d.PlainText())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestTenThousandPages reads a 10,000-page document (58 MB) with the
// default limits, in a child process: all pages, within the default
// deadline, with the child's memory bounded. Long: NHSREVIEW_LONG=1.
func TestTenThousandPages(t *testing.T) {
	if !longSuites() {
		t.Skip("long: set NHSREVIEW_LONG=1 (about 15 s)")
	}
	data := pdfgen.ManyPages(10000).PDF
	start := time.Now()
	d, err := Document(context.Background(), &fetched.Doc{Source: "ten-thousand.pdf", Data: data}, Options{})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pages) != 10000 {
		t.Errorf("%d pages, want 10000", len(d.Pages))
	}
	StopWorkers() // children are counted once waited for
	peak := childPeakRSS()
	t.Logf("10,000 pages (%s) in %s, child peak memory %s", bytesize.Human(int64(len(data))), took.Round(time.Millisecond), bytesize.Human(peak))
	if took > DefaultDeadline {
		t.Errorf("took %s, over the default deadline", took)
	}
	if peak > 2<<30 {
		t.Errorf("child peak memory %s, want under 2 GiB", bytesize.Human(peak))
	}
	_, err = Document(context.Background(), &fetched.Doc{Source: "ten-thousand.pdf", Data: data}, Options{PDF: pdfdoc.Options{MaxPages: 9999}})
	if err == nil || !strings.Contains(err.Error(), "(--max-pages)") {
		t.Errorf("with --max-pages 9999: err = %v, want the page limit named", err)
	}
}

// A panic inside a reader costs the document, with one line, never the
// run: the in-process readers are guarded like the PDF child.
func TestReaderPanicIsOneLine(t *testing.T) {
	_, err := protect(document.FormatHTML, func() (*document.Document, error) {
		var m map[string]int
		m["x"] = 1 // a nil-map write: a runtime panic
		return nil, nil
	})
	if err == nil || !strings.HasPrefix(err.Error(), "internal error while reading the html: assignment to entry in nil map") {
		t.Fatalf("err = %v", err)
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, "goroutine") || strings.Contains(msg, ".go:") {
		t.Errorf("not one line without a trace: %q", msg)
	}
	if errors.Is(err, ErrDeadline) {
		t.Error("a panic reported as the deadline")
	}
}

package pdfgen

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// squash removes what text extractors disagree on (whitespace, line-end
// hyphens, the replacement characters ledongthuc/pdf emits for unmapped
// newline codes) and expands ligatures, so text can be compared as a run
// of characters.
func squash(s string, dropHyphens bool) string {
	s = nfkcLigatures(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\uFFFD' || dropHyphens && r == '-' {
			return -1
		}
		return r
	}, s)
}

func writeFixture(t *testing.T, f Fixture) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), f.Name+".pdf")
	if err := os.WriteFile(path, f.PDF, 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return path
}

func TestAllNamesUniqueAndFound(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range All() {
		if f.Name == "" || seen[f.Name] {
			t.Errorf("fixture name %q empty or duplicated", f.Name)
		}
		seen[f.Name] = true
		if len(f.PDF) == 0 {
			t.Errorf("%s: empty PDF", f.Name)
		}
		if !f.Damaged && f.Pages == 0 {
			t.Errorf("%s: valid fixture with no pages", f.Name)
		}
		got, ok := ByName(f.Name)
		if !ok || !bytes.Equal(got.PDF, f.PDF) {
			t.Errorf("ByName(%q) did not return the fixture", f.Name)
		}
	}
	if _, ok := ByName("no-such-fixture"); ok {
		t.Error("ByName found a fixture that does not exist")
	}
}

func TestDeterministic(t *testing.T) {
	a, b := All(), All()
	for i := range a {
		if !bytes.Equal(a[i].PDF, b[i].PDF) {
			t.Errorf("%s: two builds differ", a[i].Name)
		}
	}
	if !bytes.Equal(ManyPages(40).PDF, ManyPages(40).PDF) {
		t.Error("ManyPages(40): two builds differ")
	}
}

// qpdfExit is the qpdf --check exit status of each fixture that is not 0:
// 2 is an error, 3 success with warnings. Junk before the header or after
// %%EOF is tolerated by qpdf without a warning.
var qpdfExit = map[string]int{
	"truncated":   2,
	"not-a-pdf":   2,
	"broken-xref": 3,
}

func TestQPDFCheck(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf not installed")
	}
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			out, err := exec.Command("qpdf", "--check", writeFixture(t, f)).CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatalf("run qpdf: %v", err)
			}
			if want := qpdfExit[f.Name]; code != want {
				t.Fatalf("qpdf --check exit %d, want %d:\n%s", code, want, out)
			}
			if code == 0 && !bytes.Contains(out, []byte("No syntax or stream encoding errors")) {
				t.Errorf("qpdf --check did not confirm the file:\n%s", out)
			}
			if code == 0 && bytes.Contains(out, []byte("WARNING")) {
				t.Errorf("qpdf --check warned:\n%s", out)
			}
		})
	}
}

func TestPdftotext(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	for _, f := range All() {
		if f.WantText == "" && !f.NeedsOCR {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			var stderr bytes.Buffer
			cmd := exec.Command("pdftotext", "-enc", "UTF-8", writeFixture(t, f), "-")
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("pdftotext: %v\n%s", err, stderr.Bytes())
			}
			if stderr.Len() > 0 {
				t.Errorf("pdftotext warned: %s", stderr.Bytes())
			}
			// pdftotext ends every page with a form feed.
			got := strings.Split(string(out), "\f")
			if len(got) != f.Pages+1 {
				t.Fatalf("pdftotext gave %d pages, want %d", len(got)-1, f.Pages)
			}
			if f.NeedsOCR {
				if strings.TrimSpace(string(out)) != "" {
					t.Errorf("image-only fixture has text %q", out)
				}
				return
			}
			for i, page := range strings.Split(f.WantText, "\f") {
				// pdftotext joins hyphenated line ends, so words are
				// compared with hyphens and spaces removed.
				sq := squash(got[i], true)
				for _, w := range strings.Fields(page) {
					if !strings.Contains(sq, squash(w, true)) {
						t.Errorf("page %d: %q missing from pdftotext output:\n%s", i+1, w, got[i])
					}
				}
			}
			norm := nfkcLigatures(string(out))
			for _, w := range f.NotWords {
				if strings.Contains(norm, w) {
					t.Errorf("pdftotext output contains %q:\n%s", w, norm)
				}
			}
		})
	}
}

func openLib(t *testing.T, b []byte) (*pdf.Reader, error) {
	t.Helper()
	return pdf.NewReader(bytes.NewReader(b), int64(len(b)))
}

type outlineEntry struct {
	title string
	level int
}

func flattenOutline(o pdf.Outline, level int, out *[]outlineEntry) {
	for _, c := range o.Child {
		*out = append(*out, outlineEntry{c.Title, level})
		flattenOutline(c, level+1, out)
	}
}

// TestLibraryExpectations pins what ledongthuc/pdf does with each fixture,
// so that a library upgrade that changes it fails here first.
func TestLibraryExpectations(t *testing.T) {
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			r, err := openLib(t, f.PDF)
			if (err != nil) != f.Lib.OpenFails {
				t.Fatalf("NewReader error = %v, Lib.OpenFails = %v", err, f.Lib.OpenFails)
			}
			if err != nil {
				return
			}
			if n := r.NumPage(); n != f.Pages {
				t.Errorf("NumPage = %d, want %d", n, f.Pages)
			}
			var text strings.Builder
			var textErr error
			for i := 1; i <= r.NumPage(); i++ {
				s, err := r.Page(i).GetPlainText(nil)
				if err != nil && textErr == nil {
					textErr = err
				}
				text.WriteString(s)
			}
			if (textErr != nil) != f.Lib.TextFails {
				t.Fatalf("GetPlainText error = %v, Lib.TextFails = %v", textErr, f.Lib.TextFails)
			}
			if textErr != nil {
				return
			}
			got := squash(text.String(), false)
			for _, line := range strings.FieldsFunc(f.WantText, func(r rune) bool { return r == '\n' || r == '\f' }) {
				if slices.ContainsFunc(f.Lib.Missing, func(w string) bool { return strings.Contains(line, w) }) {
					continue
				}
				if !strings.Contains(got, squash(line, false)) {
					t.Errorf("library text lacks line %q:\n%s", line, text.String())
				}
			}
			for _, w := range f.Lib.Missing {
				if strings.Contains(got, w) {
					t.Errorf("library now finds %q: update Lib.Missing", w)
				}
			}
			if len(f.Lib.DocWideMissing) > 0 {
				rd, err := r.GetPlainText()
				if err != nil {
					t.Fatalf("document GetPlainText: %v", err)
				}
				var doc bytes.Buffer
				if _, err := doc.ReadFrom(rd); err != nil {
					t.Fatalf("read document text: %v", err)
				}
				for _, w := range f.Lib.DocWideMissing {
					if !strings.Contains(got, w) {
						t.Errorf("page text lacks %q", w)
					}
					if strings.Contains(doc.String(), w) {
						t.Errorf("document text now has %q: update Lib.DocWideMissing", w)
					}
				}
			}
			if len(f.WantOutline) > 0 && !f.Lib.OutlineHangs {
				var gotOutline []outlineEntry
				flattenOutline(r.Outline(), 1, &gotOutline)
				var want []outlineEntry
				for _, h := range f.WantOutline {
					want = append(want, outlineEntry{h.Text, h.Level})
				}
				if !slices.Equal(gotOutline, want) {
					t.Errorf("Outline = %v, want %v", gotOutline, want)
				}
			}
		})
	}
}

// TestOutlineStructure checks the outline objects directly, including the
// cycle that makes the library's Outline hang (which cannot be called).
func TestOutlineStructure(t *testing.T) {
	for _, f := range []Fixture{Bookmarks(), BookmarkCycle()} {
		t.Run(f.Name, func(t *testing.T) {
			r, err := openLib(t, f.PDF)
			if err != nil {
				t.Fatal(err)
			}
			root := r.Trailer().Key("Root")
			outlines := root.Key("Outlines")
			if c := outlines.Key("Count").Int64(); c != 5 {
				t.Errorf("outline /Count = %d, want 5", c)
			}
			first := outlines.Key("First")
			second := first.Key("Next")
			if got := second.Key("Title").Text(); got != "2. Our priorities" {
				t.Errorf("second entry %q", got)
			}
			loops := second.Key("Next").Key("Title").Text() == first.Key("Title").Text()
			if loops != (f.Name == "bookmark-cycle") {
				t.Errorf("last /Next loops back = %v", loops)
			}
			// Entry 2 refers to a named destination, entry 1.1 uses a
			// GoTo action with an explicit /Fit destination.
			named := second.Key("Dest")
			if f.Name == "bookmark-cycle" {
				if named.Kind() != pdf.Name || named.Name() != "priorities" {
					t.Errorf("named dest = %v, want /priorities", named)
				}
				if d := root.Key("Dests").Key("priorities"); d.Index(1).Name() != "XYZ" {
					t.Errorf("catalog /Dests entry = %v", d)
				}
			} else {
				if named.Kind() != pdf.String || named.RawString() != "priorities" {
					t.Errorf("named dest = %v, want (priorities)", named)
				}
				names := root.Key("Names").Key("Dests").Key("Names")
				if names.Len() != 4 || names.Index(0).RawString() != "access" {
					t.Errorf("/Names /Dests tree = %v", names)
				}
			}
			action := first.Key("First").Key("A")
			if action.Key("S").Name() != "GoTo" || action.Key("D").Index(1).Name() != "Fit" {
				t.Errorf("GoTo action = %v", action)
			}
		})
	}
}

var objRE = regexp.MustCompile(`^(\d+) 0 obj`)

// TestXrefOffsets checks every classic xref entry against the bytes it
// points at, independently of any PDF reader.
func TestXrefOffsets(t *testing.T) {
	for _, f := range append(All(), ManyPages(30)) {
		if f.Damaged || f.Name == "xref-stream" {
			continue
		}
		b := f.PDF
		i := bytes.LastIndex(b, []byte("startxref\n"))
		end := bytes.IndexByte(b[i+10:], '\n')
		off, err := strconv.Atoi(string(b[i+10 : i+10+end]))
		if err != nil {
			t.Fatalf("%s: startxref: %v", f.Name, err)
		}
		if !bytes.HasPrefix(b[off:], []byte("xref\n0 ")) {
			t.Fatalf("%s: startxref %d does not point at xref", f.Name, off)
		}
		lines := strings.Split(string(b[off:]), "\n")
		n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
		for num := 1; num < n; num++ {
			entry := lines[2+num] + "\n"
			if len(entry) != 20 {
				t.Fatalf("%s: xref entry %d is %d bytes", f.Name, num, len(entry))
			}
			at, _ := strconv.Atoi(entry[:10])
			m := objRE.FindSubmatch(b[at:min(len(b), at+20)])
			if m == nil || string(m[1]) != strconv.Itoa(num) {
				t.Fatalf("%s: object %d offset %d points at %q", f.Name, num, at, b[at:min(len(b), at+20)])
			}
		}
	}
}

func TestManyPages(t *testing.T) {
	start := time.Now()
	f := ManyPages(5000)
	elapsed := time.Since(start)
	t.Logf("5000 pages: %d bytes in %v", len(f.PDF), elapsed)
	// A generous bound: the target is well under a second, but CI
	// machines and the race detector are slow.
	if elapsed > 10*time.Second {
		t.Errorf("ManyPages(5000) took %v", elapsed)
	}
	r, err := openLib(t, f.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if r.NumPage() != 5000 {
		t.Fatalf("NumPage = %d", r.NumPage())
	}
	last, err := r.Page(5000).GetPlainText(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(last, "page 5000") {
		t.Errorf("page 5000 text %q lacks its footer", last)
	}
	if len(f.WantHeadings) != 1250 || f.WantHeadings[1].Page != 5 {
		t.Errorf("headings: %d, second on page %d", len(f.WantHeadings), f.WantHeadings[1].Page)
	}
	pages := strings.Split(f.WantText, "\f")
	if len(pages) != 5000 || !strings.HasSuffix(pages[4999], "page 5000") {
		t.Errorf("WantText has %d pages", len(pages))
	}
	// Every page's text must be in the library's extraction of it.
	for _, n := range []int{1, 2, 777, 5000} {
		s, err := r.Page(n).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		if squash(s, false) != squash(pages[n-1], false) {
			t.Errorf("page %d: library %q, want %q", n, s, pages[n-1])
		}
	}
}

func BenchmarkManyPages5000(b *testing.B) {
	for b.Loop() {
		ManyPages(5000)
	}
}

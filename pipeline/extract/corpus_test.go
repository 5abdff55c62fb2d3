package extract

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

func TestMain(m *testing.M) {
	Worker() // the PDF child processes are this test binary
	os.Exit(m.Run())
}

func sharedCorpus(t testing.TB) string { return sharedcorpus.Require(t, "corpus", "real") }

func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed (apt-get install %s): skipped", name, map[string]string{"pdftotext": "poppler-utils", "qpdf": "qpdf"}[name])
	}
}

func readFile(t testing.TB, path string, opt Options) (*document.Document, error) {
	t.Helper()
	res, err := fetch.Get(context.Background(), path, fetch.Options{})
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	return Document(context.Background(), res, opt)
}

// Files of the shared corpus that have no text layer or are not PDFs.
var notTextBearing = map[string]bool{
	"reliability-corrupt-not-a-pdf.pdf":                          true,
	"wscc-public-health-outcomes-walkthrough-2017-imageonly.pdf": true,
	"nhse-core20plus5-cyp-infographic-2022.pdf":                  true,
}

// dropsLetters is the Venngage export whose fonts lose letters in every
// extractor (research/NOTES.md): held to the mean, not the floor.
const dropsLetters = "wscc-tobacco-control-strategy-2019.pdf"

func textPDFs(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if !notTextBearing[filepath.Base(f)] {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func wordBag(s string) map[string]int {
	bag := map[string]int{}
	for _, w := range strings.Fields(norm.NFKC.String(s)) {
		bag[w]++
	}
	return bag
}

// wordF1 is the F1 of two word multisets.
func wordF1(ref, got map[string]int) float64 {
	common, nref, ngot := 0, 0, 0
	for w, n := range ref {
		nref += n
		common += min(n, got[w])
	}
	for _, n := range got {
		ngot += n
	}
	if nref == 0 || ngot == 0 || common == 0 {
		return 0
	}
	p, r := float64(common)/float64(ngot), float64(common)/float64(nref)
	return 2 * p * r / (p + r)
}

// TestCorpusAgreesWithPdftotext compares the words nhsreview extracts from
// every text-bearing PDF of the shared corpus with pdftotext's. Running
// headers and footers, which nhsreview removes and pdftotext keeps, cost
// some recall; the thresholds allow for that.
func TestCorpusAgreesWithPdftotext(t *testing.T) {
	dir := sharedCorpus(t)
	needTool(t, "pdftotext")
	files := textPDFs(t, dir)
	if len(files) < 20 {
		t.Fatalf("only %d text-bearing PDFs found in %s", len(files), dir)
	}
	sum := 0.0
	for _, f := range files {
		ref, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", f, err)
		}
		d, err := readFile(t, f, Options{})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		f1 := wordF1(wordBag(string(ref)), wordBag(d.PlainText()))
		sum += f1
		t.Logf("%.3f %s", f1, filepath.Base(f))
		if f1 < 0.90 && filepath.Base(f) != dropsLetters {
			t.Errorf("%s: word F1 %.3f against pdftotext, want at least 0.90", filepath.Base(f), f1)
		}
	}
	mean := sum / float64(len(files))
	t.Logf("mean word F1 %.4f over %d PDFs", mean, len(files))
	if mean < 0.97 {
		t.Errorf("mean word F1 %.4f, want at least 0.97", mean)
	}
}

// TestCorpusHeadings removes the bookmarks of the PDFs that have them and
// checks that the headings found from the page content name the same
// sections. Only sections down to the outline's own depth are compared:
// an outline listing chapters says nothing about sub-headings.
func TestCorpusHeadings(t *testing.T) {
	dir := sharedCorpus(t)
	needTool(t, "qpdf")
	tmp := t.TempDir()
	var f1s []float64
	for _, f := range textPDFs(t, dir) {
		d, err := readFile(t, f, Options{})
		if err != nil {
			continue
		}
		var marks []*document.Section
		depth := 0
		document.Walk(d.Sections, func(s *document.Section, _ []*document.Section) {
			if s.Origin == sections.OriginBookmark {
				marks = append(marks, s)
				depth = max(depth, s.Level)
			}
		})
		if len(marks) < 3 {
			continue
		}
		bare := filepath.Join(tmp, filepath.Base(f))
		if out, err := exec.Command("qpdf", "--empty", "--pages", f, "1-z", "--", bare).CombinedOutput(); err != nil {
			t.Fatalf("qpdf: %v: %s", err, out)
		}
		d2, err := readFile(t, bare, Options{})
		if err != nil {
			t.Fatalf("%s without bookmarks: %v", filepath.Base(f), err)
		}
		// A document title found as the single root adds a level above
		// what the outline lists.
		if len(d2.Sections) == 1 {
			depth++
		}
		var found []*document.Section
		document.Walk(d2.Sections, func(s *document.Section, _ []*document.Section) {
			if s.Origin == sections.OriginBookmark {
				t.Errorf("%s: bookmarks still present after qpdf", filepath.Base(f))
			}
			if s.Level <= depth {
				found = append(found, s)
			}
		})
		tp, hit := 0, 0
		for _, s := range found {
			for _, m := range marks {
				if sections.Similar(s.Title, m.Title) {
					tp++
					break
				}
			}
		}
		for _, m := range marks {
			for _, s := range found {
				if sections.Similar(s.Title, m.Title) {
					hit++
					break
				}
			}
		}
		p, r := 0.0, float64(hit)/float64(len(marks))
		if len(found) > 0 {
			p = float64(tp) / float64(len(found))
		}
		f1 := 0.0
		if p+r > 0 {
			f1 = 2 * p * r / (p + r)
		}
		t.Logf("%.3f (precision %.2f, recall %.2f, %d headings, %d bookmarks) %s", f1, p, r, len(found), len(marks), filepath.Base(f))
		f1s = append(f1s, f1)
	}
	if len(f1s) < 4 {
		t.Fatalf("only %d PDFs with usable bookmarks", len(f1s))
	}
	sum := 0.0
	for _, x := range f1s {
		sum += x
	}
	mean := sum / float64(len(f1s))
	t.Logf("mean heading F1 %.3f over %d PDFs", mean, len(f1s))
	if mean < 0.75 {
		t.Errorf("mean heading F1 %.3f, want at least 0.75", mean)
	}
}

// TestCorpusHardCases: the corrupt file fails with one line; the scanned
// page and the outlined infographic succeed and, without OCR (--ocr
// never, as before OCR), say they need it.
func TestCorpusHardCases(t *testing.T) {
	dir := sharedCorpus(t)
	_, err := readFile(t, filepath.Join(dir, "reliability-corrupt-not-a-pdf.pdf"), Options{})
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "not a PDF") {
		t.Errorf("corrupt file: err = %v, want a one-line 'not a PDF' error", err)
	}
	for _, name := range []string{"wscc-public-health-outcomes-walkthrough-2017-imageonly.pdf", "nhse-core20plus5-cyp-infographic-2022.pdf"} {
		d, err := readFile(t, filepath.Join(dir, name), Options{OCR: OCRNever})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d.Quality.OCR != nil {
			t.Errorf("%s: quality.ocr set with --ocr never", name)
		}
		if !d.Quality.NeedsOCR {
			t.Errorf("%s: needs_ocr false, want true (chars per page %.1f)", name, d.Quality.CharsPerPage)
		}
		if len(d.Quality.Warnings) == 0 {
			t.Errorf("%s: no warning", name)
		}
	}
}

// TestIsolatedMatchesInProcess: the child process returns the same
// document as reading in this process.
func TestIsolatedMatchesInProcess(t *testing.T) {
	dir := sharedCorpus(t)
	f := filepath.Join(dir, "wscc-hwb-strategy-cost-of-living-addendum-2024.pdf")
	a, err := readFile(t, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := readFile(t, f, Options{InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(a.PlainText()), []byte(b.PlainText())) || len(a.Sections) != len(b.Sections) {
		t.Error("isolated and in-process extraction differ")
	}
}

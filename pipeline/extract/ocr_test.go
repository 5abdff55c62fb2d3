package extract

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/ocr"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// needTesseract skips a test when Tesseract or its English model is not
// installed (.ci/run installs them).
func needTesseract(t testing.TB) {
	t.Helper()
	if _, _, err := ocr.Find(); err != nil {
		t.Skipf("skipping: %v", err)
	}
}

// scanText is the text drawn on the generated scans: two pages of a
// plan, with headings, figures and money, as a board paper has them.
var scanText = [][]pdfgen.ScanLine{
	{
		{Text: "Northvale Joint Forward Plan", Size: 20, Bold: true},
		{Text: "1. Our population", Size: 14, Bold: true},
		{Text: "Around 412,000 people live in Northvale. Life expectancy for men in the most deprived areas is 9.2 years lower than in the least deprived, and one in five children lives in a low income household."},
		{Text: "Waiting lists for community services have grown by 14% since 2022, and people from Black and minority ethnic communities wait longer for mental health assessments than others."},
		{Text: "2. What we will do", Size: 14, Bold: true},
		{Text: "We will invest £4.5m over three years in neighbourhood teams in the wards with the highest need, working with the voluntary and community sector and with local people who use our services."},
	},
	{
		{Text: "3. Money", Size: 14, Bold: true},
		{Text: "The integrated care board will spend £12.5m in 2025/26 on urgent care, and £2.1m on smoking cessation services for pregnant women and for people with serious mental illness."},
		{Text: "4. Involving people", Size: 14, Bold: true},
		{Text: "Over 1,200 residents took part in our engagement on this plan. Their views changed our priorities for children and young people, and a citizens panel will review progress every six months."},
	},
}

func scanWords() map[string]int {
	var b strings.Builder
	for _, page := range scanText {
		for _, l := range page {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	}
	return wordBag(b.String())
}

func readPDF(t testing.TB, data []byte, opt Options) (*document.Document, error) {
	t.Helper()
	return Document(context.Background(), &fetched.Doc{Source: "scan.pdf", Data: data}, opt)
}

// TestOCRGeneratedScans holds OCR's words against the words drawn, on
// scans stored every way the reader decodes: a JPEG as the file stores
// it, Flate grey samples, CCITT Group 4 fax, strips, and an image stored
// turned a quarter and set upright by its matrix. Clean 300 dpi pages
// must give word F1 of 0.95 or more (measured 0.988 to 1.000); a 150 dpi
// JPEG 0.90 (measured 1.000); 300 dpi with one pixel in 200 flipped and a
// 2-degree skew 0.80 (measured 0.854: Tesseract takes parts of a speckled
// page for pictures). See docs/ocr.md.
func TestOCRGeneratedScans(t *testing.T) {
	needTesseract(t)
	want := scanWords()
	for _, tc := range []struct {
		name  string
		o     pdfgen.ScanOptions
		minF1 float64
	}{
		{"jpeg-300dpi", pdfgen.ScanOptions{DPI: 300, Codec: pdfgen.ImageJPEG}, 0.95},
		{"flate-gray-300dpi", pdfgen.ScanOptions{DPI: 300, Codec: pdfgen.ImageSamples}, 0.95},
		{"ccitt-300dpi", pdfgen.ScanOptions{DPI: 300, Codec: pdfgen.ImageCCITT}, 0.95},
		{"strips-300dpi", pdfgen.ScanOptions{DPI: 300, Codec: pdfgen.ImageSamples, Strips: 4}, 0.95},
		{"rotated-300dpi", pdfgen.ScanOptions{DPI: 300, Codec: pdfgen.ImageCCITT, Rotate: true}, 0.95},
		{"jpeg-150dpi", pdfgen.ScanOptions{DPI: 150, Codec: pdfgen.ImageJPEG}, 0.90},
		{"noise-skew-300dpi", pdfgen.ScanOptions{DPI: 300, Codec: pdfgen.ImageJPEG, Noise: 0.005, Skew: 2}, 0.80},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, err := pdfgen.ScannedPDF(scanText, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			d, err := readPDF(t, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			f1 := wordF1(want, wordBag(d.PlainText()))
			t.Logf("%s: word F1 %.3f, confidence %.1f", tc.name, f1, d.Quality.OCR.Confidence)
			if f1 < tc.minF1 {
				t.Errorf("word F1 %.3f, want at least %.2f\n%s", f1, tc.minF1, d.PlainText())
			}
			q := d.Quality
			if q.NeedsOCR || q.OCR == nil || len(q.OCR.Pages) != 2 {
				t.Fatalf("quality %+v: want two pages read by OCR, no needs_ocr", q)
			}
			for _, p := range q.OCR.Pages {
				if p.Error != "" || p.Words < 50 || p.Confidence < 50 {
					t.Errorf("OCR page %+v: want read, with words and confidence", p)
				}
			}
			if !strings.HasPrefix(d.Title, "Northvale Joint Forward Plan") {
				t.Errorf("title %q", d.Title)
			}
			var heads []string
			for _, p := range d.Pages {
				for _, b := range p.Blocks {
					if b.Kind == document.Heading {
						heads = append(heads, b.Text)
					}
				}
			}
			if tc.minF1 >= 0.95 && !strings.Contains(strings.Join(heads, "|"), "3. Money") {
				t.Errorf("headings %q: want the numbered headings", heads)
			}
		})
	}
}

// TestOCRModes: never keeps the reading of before (needs_ocr, no OCR);
// always reads a page drawn as an image even with text; a document with
// a text layer is left alone in auto mode; without Tesseract, auto says
// how to install it and always fails in one line.
func TestOCRModes(t *testing.T) {
	needTesseract(t)
	scan, err := pdfgen.ScannedPDF(scanText[:1], pdfgen.ScanOptions{DPI: 200, Codec: pdfgen.ImageJPEG})
	if err != nil {
		t.Fatal(err)
	}
	d, err := readPDF(t, scan, Options{OCR: OCRNever})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Quality.NeedsOCR || d.Quality.OCR != nil {
		t.Errorf("--ocr never: needs_ocr %v, ocr %+v; want true, nil", d.Quality.NeedsOCR, d.Quality.OCR)
	}
	text := pdfgen.Widths().PDF
	for _, mode := range []OCRMode{OCRAuto, OCRNever} {
		d, err := readPDF(t, text, Options{OCR: mode})
		if err != nil {
			t.Fatal(err)
		}
		if d.Quality.OCR != nil {
			t.Errorf("--ocr %s on a text PDF: ocr %+v, want none", mode, d.Quality.OCR)
		}
	}
	d, err = readPDF(t, text, Options{OCR: OCRAlways})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(d.Quality.Warnings, "\n"), "no page image to read by OCR") {
		t.Errorf("--ocr always on a text PDF: warnings %q, want the pages without an image named", d.Quality.Warnings)
	}

	oldFind, oldLook := findOCR, lookPath
	t.Cleanup(func() { findOCR, lookPath = oldFind, oldLook })
	findOCR = func() (string, string, error) {
		return "", "", errors.New("Tesseract is not installed: " + ocr.InstallHint)
	}
	lookPath = func(string) (string, error) { return "", errors.New("not found") }
	d, err = readPDF(t, scan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Quality.NeedsOCR || !strings.Contains(strings.Join(d.Quality.Warnings, "\n"), "apt-get install tesseract-ocr tesseract-ocr-eng") {
		t.Errorf("no Tesseract: warnings %q, want how to install it", d.Quality.Warnings)
	}
	if _, err := readPDF(t, scan, Options{OCR: OCRAlways}); err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "--ocr always") {
		t.Errorf("no Tesseract, --ocr always: err %v, want one line naming the flag", err)
	}
	// On PATH but without its English model: the same line, once the
	// document is found to need OCR.
	lookPath = oldLook
	d, err = readPDF(t, scan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Quality.NeedsOCR || d.Quality.OCR != nil || !strings.Contains(strings.Join(d.Quality.Warnings, "\n"), "tesseract-ocr-eng") {
		t.Errorf("Tesseract without a model: quality %+v, want needs_ocr and how to install it", d.Quality)
	}
}

// TestCorpusScannedByOCR: the image-only page of the shared corpus (a
// single JPEG poster) is read by OCR: its title and headings come from
// the image, quality says the page was read by OCR and how surely.
func TestCorpusScannedByOCR(t *testing.T) {
	needTesseract(t)
	dir := sharedCorpus(t)
	d, err := readFile(t, filepath.Join(dir, "wscc-public-health-outcomes-walkthrough-2017-imageonly.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Title, "A WALK THROUGH THE LIFE COURSE IN WEST SUSSEX") {
		t.Errorf("title %q, want the poster's", d.Title)
	}
	var heads []string
	for _, b := range d.Pages[0].Blocks {
		if b.Kind == document.Heading {
			heads = append(heads, b.Text)
		}
	}
	if h := strings.Join(heads, "|"); !strings.Contains(h, "WEST SUSSEX PUBLIC HEALTH OUTCOMES") {
		t.Errorf("headings %q, want the poster's heading", heads)
	}
	q := d.Quality
	if q.NeedsOCR || q.OCR == nil || len(q.OCR.Pages) != 1 || q.OCR.Pages[0].Words < 300 || q.OCR.Confidence < 60 {
		t.Fatalf("quality %+v (ocr %+v): want page 1 read by OCR", q, q.OCR)
	}
	for _, w := range []string{"life", "expectancy", "smokers", "BIRTHWEIGHT"} {
		if !strings.Contains(d.PlainText(), w) {
			t.Errorf("text lacks %q", w)
		}
	}
	t.Logf("title %q; %d words at mean confidence %.1f", d.Title, q.OCR.Pages[0].Words, q.OCR.Confidence)
}

// TestCorpusPaperPagesByOCR: in PDFs with a text layer, --ocr auto reads a
// page drawn as an image of paper (a page of a population profile pack:
// a table of figures) and leaves full-page photographs (a manifesto's)
// alone.
func TestCorpusPaperPagesByOCR(t *testing.T) {
	needTesseract(t)
	dir := sharedCorpus(t)
	d, err := readFile(t, filepath.Join(dir, "sussex-icb-crawley-ict-population-profile-pack-2023.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if q := d.Quality.OCR; q == nil || !d.Quality.ReadByOCR(18) || q.Pages[0].Words < 300 {
		t.Errorf("population profile pack: ocr %+v, want page 18 read by OCR", q)
	}
	d, err = readFile(t, filepath.Join(dir, "conservative-party-manifesto-2024.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Quality.OCR != nil {
		t.Errorf("manifesto: ocr %+v, want its photographs left alone", d.Quality.OCR)
	}
}

// TestOCRMemoryLimit: Tesseract runs under the memory limit; a page it
// cannot read within it is that page's failure, with a reason, and the
// document is still read.
func TestOCRMemoryLimit(t *testing.T) {
	needTesseract(t)
	if !canLimitChild {
		t.Skip("skipping: no memory limit for child processes on this system")
	}
	scan, err := pdfgen.ScannedPDF(scanText, pdfgen.ScanOptions{DPI: 200, Codec: pdfgen.ImageJPEG})
	if err != nil {
		t.Fatal(err)
	}
	d, err := readPDF(t, scan, Options{InProcess: true, MaxMemory: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	o := d.Quality.OCR
	if o == nil || len(o.Pages) != 2 {
		t.Fatalf("quality.ocr %+v: want both pages", o)
	}
	for _, p := range o.Pages {
		if p.Error == "" || !strings.Contains(p.Error, "Tesseract failed") {
			t.Errorf("page %+v: want Tesseract's failure under an 8 MiB limit", p)
		}
	}
	t.Logf("under 8 MiB: %s", o.Pages[0].Error)
}

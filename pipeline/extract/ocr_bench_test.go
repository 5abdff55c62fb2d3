package extract

import (
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// The cost of OCR (docs/ocr.md): a scanned page on one core, and a
// 100-page scan read two pages at a time (-j 2). Run with
//
//	go test ./pipeline/extract -run '^$' -bench OCR -benchmem -benchtime 1x
//
// s/page is wall time a page, which on one core is its CPU time.

func benchScan(b *testing.B, pages, jobs int) {
	needTesseract(b)
	var doc [][]pdfgen.ScanLine
	for i := range pages {
		doc = append(doc, scanText[i%len(scanText)])
	}
	data, err := pdfgen.ScannedPDF(doc, pdfgen.ScanOptions{DPI: 300, Codec: pdfgen.ImageJPEG})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		d, err := readPDF(b, data, Options{OCRJobs: jobs, Deadline: 10 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		if d.Quality.OCR == nil || len(d.Quality.OCR.Pages) != pages {
			b.Fatalf("quality %+v: want %d pages read by OCR", d.Quality, pages)
		}
		n++
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(n*pages), "s/page")
}

// BenchmarkOCRPage: one 300 dpi page, one Tesseract at a time.
func BenchmarkOCRPage(b *testing.B) { benchScan(b, 1, 1) }

// BenchmarkOCR100Pages: a 100-page scan, two pages at a time (-j 2).
func BenchmarkOCR100Pages(b *testing.B) { benchScan(b, 100, 2) }

package pdfdoc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
)

// BenchmarkExtractCorpus reads every PDF of the shared corpus once per
// iteration (in process, one core's worth of work per file).
func BenchmarkExtractCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sharedcorpus.Require(b, "corpus", "real"), "*.pdf"))
	var data [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	pages := 0
	for i := 0; i < b.N; i++ {
		for _, d := range data {
			doc, _, err := Extract(d, DefaultOptions())
			if err == nil {
				pages += len(doc.Pages)
			}
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkExtractGenerated reads a generated 300-page board pack.
func BenchmarkExtractGenerated(b *testing.B) {
	data := pdfgen.ManyPages(300).PDF
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, _, err := Extract(data, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

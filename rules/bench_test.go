package rules

import (
	"os"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/textdoc"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

// boardPack builds a document of about n words: the bundled sample
// strategy repeated as the papers of a board pack, one paper per page.
func boardPack(b testing.TB, n int) *document.Document {
	b.Helper()
	src, err := os.ReadFile("../cmd/nhsreview/sample/sample-strategy.md")
	if err != nil {
		b.Fatal(err)
	}
	paper, err := textdoc.Read(src, "text/markdown")
	if err != nil {
		b.Fatal(err)
	}
	words := len(strings.Fields(paper.PlainText()))
	d := &document.Document{Title: "Board pack"}
	for i := 0; i*words < n; i++ {
		d.Pages = append(d.Pages, document.Page{Number: i + 1, Blocks: paper.Pages[0].Blocks})
	}
	sections.Build(d, nil, true)
	return d
}

// BenchmarkAnnotateAndScore is the scoring issue's speed target:
// annotation and rules on a 150,000-word board pack in under 1 s on one
// core (go test -bench AnnotateAndScore -cpu 1), the prose model loaded
// before timing.
func BenchmarkAnnotateAndScore(b *testing.B) {
	d := boardPack(b, 150000)
	rs, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	annotate.Annotate(&document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{{Kind: document.Paragraph, Text: "Warm up."}}}}})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs.Score(annotate.Annotate(d), Tool{})
	}
	b.ReportMetric(150000/(b.Elapsed().Seconds()/float64(b.N)), "words/s")
}

// BenchmarkScore is the rules alone on the annotated pack.
func BenchmarkScore(b *testing.B) {
	ad := annotate.Annotate(boardPack(b, 150000))
	rs, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs.Score(ad, Tool{})
	}
}

// BenchmarkDefault is the fixed cost every scoring command pays once:
// the built-in rule set read, checked and compiled.
func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

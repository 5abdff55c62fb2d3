package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/extract/textdoc"
	"github.com/nhsreview/nhsreview/rules"
)

// BenchmarkReviewPack is what the corpus does with a board pack it adds,
// on the real 62,775-word pack of the shared corpus, read once: "score"
// scores the whole pack (its stored score, which listings, exports and
// 'compare' read), "papers" splits it and scores each paper on its kind's
// criteria (Papers, the stored papers). The two together are what adding
// a pack costs after reading it.
//
//	go test ./pipeline -run XXX -bench ReviewPack -benchmem -cpu 1
func BenchmarkReviewPack(b *testing.B) {
	dir := sharedcorpus.Require(b, "corpus", "real-text")
	data, err := os.ReadFile(filepath.Join(dir, "lch-trust-board-public-papers-2025-09.md"))
	if err != nil {
		b.Fatal(err)
	}
	d, err := textdoc.Read(data, "text/markdown")
	if err != nil {
		b.Fatal(err)
	}
	rs, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	r := NewReviewer(extract.Options{}, rs, rules.Tool{Name: "nhsreview"})
	ctx := context.Background()
	b.Run("score", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Score(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("papers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			papers, err := r.Papers(ctx, d)
			if err != nil || len(papers) < 2 {
				b.Fatalf("%d papers, %v", len(papers), err)
			}
		}
	})
}

package corpus

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

// BenchmarkIngest measures what the store itself costs per new document
// (hashing, the transaction, the gzipped extraction and the scorecard),
// with extraction and scoring done once beforehand: a 1 MiB document of
// 40 pages.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	p := newReviewer(b, 1, "r1")
	res := result("https://x.nhs.uk/plan.md", strategy(1))
	doc, err := p.Read(ctx, res)
	if err != nil {
		b.Fatal(err)
	}
	for range 40 {
		doc.Pages = append(doc.Pages, doc.Pages[0])
	}
	card, err := p.Score(context.Background(), doc)
	if err != nil {
		b.Fatal(err)
	}
	fixed := &counting{
		extractorVersion: 1, rulesVersion: "r1",
		read:  func(context.Context, *fetched.Doc) (*document.Document, error) { return doc, nil },
		score: func(context.Context, *document.Document) (*rules.Scorecard, error) { return card, nil },
	}
	s := openTemp(b)
	// Text, as a document is: Ingest refuses bytes that look binary.
	// Each round's first line differs, so each is a new version.
	data := bytes.Repeat([]byte("The plan sets out what we will do.\n"), 1<<20/35)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		copy(data, fmt.Sprintf("%016x", i))
		if _, err := s.Ingest(ctx, fixed, result(fmt.Sprintf("https://x.nhs.uk/%d.md", i), data), Meta{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngestUnchanged is a document fetched again with the same
// bytes: what a second crawl costs per document without ETags.
func BenchmarkIngestUnchanged(b *testing.B) {
	ctx := context.Background()
	p := newReviewer(b, 1, "r1")
	s := openTemp(b)
	res := result("https://x.nhs.uk/plan.md", strategy(1))
	if _, err := s.Ingest(ctx, p, res, Meta{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Ingest(ctx, p, res, Meta{}); err != nil {
			b.Fatal(err)
		}
	}
}

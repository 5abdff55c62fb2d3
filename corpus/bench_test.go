package corpus

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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

// benchVocabulary is the words of the bundled sample strategy and the
// examples in docs/examples, most frequent first: realistic words for
// generated documents.
func benchVocabulary() ([]string, error) {
	files, err := filepath.Glob("../docs/examples/*.md")
	if err != nil {
		return nil, err
	}
	files = append(files, "../cmd/nhsreview/sample/sample-strategy.md")
	counts := map[string]int{}
	word := regexp.MustCompile(`[a-z]+`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("the benchmark's vocabulary: %w", err)
		}
		for _, w := range word.FindAllString(strings.ToLower(string(data)), -1) {
			counts[w]++
		}
	}
	vocab := slices.Collect(maps.Keys(counts))
	slices.SortFunc(vocab, func(a, b string) int {
		if c := counts[b] - counts[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if len(vocab) < 300 {
		return nil, fmt.Errorf("the benchmark's vocabulary: %d words in %v, want at least 300", len(vocab), files)
	}
	return vocab, nil
}

// searchBenchDocs is the size of the corpus BenchmarkSearch searches.
const searchBenchDocs = 1000

// BenchmarkSearch is a search over 1,000 stored documents of 40 pages
// (200,000 passages), as 'corpus search' and the web's search page run
// it: the 20 best passages with their snippets and signals, for a rare
// phrase, the commonest word, a common word, a prefix, and a common word
// with filters, each ranking every match and ranking at most
// DefaultRankLimit. The documents' words are those of the bundled
// documents, drawn with Zipf-like frequencies. The target is under
// 100 ms a search.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	if p := os.Getenv("NHSREVIEW_KEEP_BENCH_DB"); p != "" {
		s.Close()
		var err error
		if s, err = Open(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	vocab, err := benchVocabulary()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Words drawn with Zipf-like frequencies (the k-th most frequent word
	// of the bundled documents about 1/k as often as the first), as in
	// real text: a few words in most passages, most words in few.
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	sentence := func() string {
		n := 12 + rng.IntN(14)
		w := make([]string, n)
		for i := range w {
			w[i] = vocab[zipf.Uint64()]
		}
		return strings.ToUpper(w[0][:1]) + w[0][1:] + " " + strings.Join(w[1:], " ") + "."
	}
	var doc *document.Document
	var card *rules.Scorecard
	fixed := &counting{
		extractorVersion: 1, rulesVersion: "r1",
		read:   func(context.Context, *fetched.Doc) (*document.Document, error) { return doc, nil },
		score:  func(context.Context, *document.Document) (*rules.Scorecard, error) { return card, nil },
		papers: func(context.Context, *document.Document) ([]Paper, error) { return nil, nil },
	}
	for i := range searchBenchDocs {
		doc = &document.Document{Title: fmt.Sprintf("Plan %d", i), Format: document.FormatPDF}
		var quotes []rules.Evidence
		for pg := range 40 {
			p := document.Page{Number: pg + 1, Blocks: []document.Block{{Kind: document.Heading, Text: fmt.Sprintf("%d. %s", pg+1, sentence()[:30])}}}
			for range 4 {
				text := sentence() + " " + sentence()
				switch {
				case i%10 == 0 && pg == 3:
					text += " We will keep you informed of progress on Core20PLUS5."
					quotes = append(quotes, rules.Evidence{Quote: text, Page: pg + 1, Signal: "inform"})
				case rng.IntN(50) == 0:
					text += " We will invest £2m a year from 2026/27."
					quotes = append(quotes, rules.Evidence{Quote: text, Page: pg + 1, Signal: "costed"})
				}
				p.Blocks = append(p.Blocks, document.Block{Kind: document.Paragraph, Text: text})
			}
			doc.Pages = append(doc.Pages, p)
		}
		card = &rules.Scorecard{Status: rules.StatusScored, Criteria: []rules.Criterion{
			{ID: "costed-plans", Score: i % 4, Max: 3, Evidence: quotes},
			{ID: "public-involvement", Score: (i / 4) % 4, Max: 3, RedFlags: make([]string, i%3)},
		}}
		data := fmt.Appendf(nil, "document %d\n", i)
		if _, err := s.Ingest(ctx, fixed, result(fmt.Sprintf("https://x.nhs.uk/%d.md", i), data), Meta{Kind: Kinds[i%len(Kinds)]}); err != nil {
			b.Fatal(err)
		}
	}
	if n := count(b, s, `SELECT count(*) FROM passages`); n != searchBenchDocs*200 {
		b.Fatalf("%d passages, want %d", n, searchBenchDocs*200)
	}
	for _, q := range []struct {
		name string
		q    Search
	}{
		{"phrase", Search{Query: `"keep you informed"`}},
		// The most frequent word of all, deliberately: in most passages.
		{"common-word", Search{Query: vocab[0]}},
		{"health", Search{Query: "health"}},
		{"prefix", Search{Query: "improv*"}},
		{"boolean", Search{Query: "funding AND (children OR families) NOT hospital"}},
		{"filtered", Search{Query: "health", Filter: Filter{Kind: "strategy"}, MinScore: map[string]int{"public-involvement": 2}, RedFlag: true}},
		{"signal", Search{Query: "invest", Criterion: "costed-plans", Signal: "costed"}},
	} {
		// Side by side: ranking every match by bm25 (as before the rank
		// limit), and ranking at most DefaultRankLimit of them.
		for _, rank := range []struct {
			name  string
			limit int
		}{{"rank-all", -1}, {"rank-limit", 0}} {
			b.Run(q.name+"/"+rank.name, func(b *testing.B) {
				b.ReportAllocs()
				sq := q.q
				sq.RankLimit = rank.limit
				var among int
				for b.Loop() {
					f, err := s.SearchRanked(ctx, sq, "r1")
					if err != nil || len(f.Hits) == 0 {
						b.Fatalf("%d hits, %v", len(f.Hits), err)
					}
					among = f.RankedAmong
				}
				b.ReportMetric(float64(among), "ranked-among")
			})
		}
	}
}

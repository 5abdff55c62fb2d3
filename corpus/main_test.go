package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/rules"
)

func TestMain(m *testing.M) {
	extract.Worker()
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// counting is a Reviewer that counts how often it reads and scores. Its
// stages are the real ones, called as pipeline.Reviewer calls them
// (these tests cannot import package pipeline, which imports corpus); a
// test may replace them.
type counting struct {
	read  func(ctx context.Context, res *fetched.Doc) (*document.Document, error)
	score func(ctx context.Context, d *document.Document) (*rules.Scorecard, error)
	// papers, when set, replaces the split (splitPapers).
	papers           func(ctx context.Context, d *document.Document) ([]Paper, error)
	splits           atomic.Int32
	extractorVersion int
	rulesVersion     string
	// splitterVersion is pack.Version unless a test says otherwise.
	splitterVersion  int
	extracts, scores atomic.Int32
}

func (c *counting) Read(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
	c.extracts.Add(1)
	return c.read(ctx, res)
}

func (c *counting) Score(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
	c.scores.Add(1)
	card, err := c.score(ctx, d)
	if err != nil {
		return nil, err
	}
	// The tests pretend to change the rules by changing the version the
	// reviewer reports.
	card.Tool.RulesVersion = c.rulesVersion
	return card, nil
}

// Papers splits a pack as pipeline.Reviewer does (these tests cannot
// import it): package pack's split, each paper its kind triages scored
// with Score on the criteria its kind calls for.
func (c *counting) Papers(ctx context.Context, d *document.Document) ([]Paper, error) {
	c.splits.Add(1)
	if c.papers != nil {
		return c.papers(ctx, d)
	}
	split := pack.Split(d)
	if len(split) < 2 {
		return nil, nil
	}
	var out []Paper
	for _, p := range split {
		sp := Paper{Number: p.Number, Title: p.Title, Presenter: p.Presenter, Purpose: p.Purpose, Asked: p.Asked,
			Kind: p.Kind, FirstPage: p.FirstPage, LastPage: p.LastPage}
		if apply := pack.Criteria(p.Kind); len(apply) > 0 {
			card, err := c.Score(ctx, p.Document(d))
			if err != nil {
				sp.Err = err
			} else {
				kept := *card
				kept.Criteria = nil
				for _, cr := range card.Criteria {
					if slices.Contains(apply, cr.ID) {
						kept.Criteria = append(kept.Criteria, cr)
					}
				}
				sp.Card = &kept
			}
		}
		out = append(out, sp)
	}
	return out, nil
}

func (c *counting) ExtractorVersion() int { return c.extractorVersion }
func (c *counting) SplitterVersion() int  { return c.splitterVersion }
func (c *counting) RulesVersion() string  { return c.rulesVersion }

var (
	rulesOnce sync.Once
	ruleSet   *rules.Set
	rulesErr  error
)

// newReviewer is the real reviewer (the stages `score` runs), counted.
func newReviewer(t testing.TB, extractorVersion int, rulesVersion string) *counting {
	t.Helper()
	rulesOnce.Do(func() { ruleSet, rulesErr = rules.Default() })
	if rulesErr != nil {
		t.Fatal(rulesErr)
	}
	return &counting{
		extractorVersion: extractorVersion,
		rulesVersion:     rulesVersion,
		splitterVersion:  pack.Version,
		read: func(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
			return extract.Document(ctx, res, extract.Options{})
		},
		score: func(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
			ad, err := annotate.AnnotateContext(ctx, d)
			if err != nil {
				return nil, err
			}
			return ruleSet.ScoreContext(ctx, ad, rules.Tool{Name: "nhsreview", Version: "test"})
		},
	}
}

// eachBackend runs a test on a SQLite file and on a PostgreSQL database
// (skipped with a message when there is none: see package pgtest), with
// the opener of an empty store of that kind; the tests name it openTemp,
// as the SQLite one they were written with.
func eachBackend(t *testing.T, test func(t *testing.T, openTemp func(testing.TB) *Store)) {
	t.Run("sqlite", func(t *testing.T) { test(t, openTemp) })
	t.Run("postgres", func(t *testing.T) { test(t, openPostgresTemp) })
}

// openPostgresTemp opens a store in a new PostgreSQL database.
func openPostgresTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// isPostgres says whether a test's store is on PostgreSQL, for the few
// checks that differ (the SQL of damage done by hand, messages of
// FTS5's own).
func isPostgres(s *Store) bool { return s.db.dialect == postgresDialect }

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// strategy is a small Markdown strategy; n makes each one different.
func strategy(n int) []byte {
	return fmt.Appendf(nil, `# Joint Forward Plan %d

## Our population

Life expectancy in the most deprived areas is 9.%d years lower than in the least deprived.

## What we will do

We will invest £%d.5m a year from 2025/26 to 2027/28 in community services for people experiencing homelessness.
We will co-produce the plan with local people and the voluntary and community sector, funded with £%d00,000.
`, n, n%10, n+1, n+2)
}

// corruptPDF has a PDF header and nothing a reader can repair.
var corruptPDF = []byte("%PDF-1.7\n" + strings.Repeat("\x00garbage", 200) + "\n%%EOF\n")

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func result(source string, data []byte) *fetched.Doc {
	return &fetched.Doc{Source: source, Data: data, FetchedAt: time.Now()}
}

// count runs a counting query.
func count(t testing.TB, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

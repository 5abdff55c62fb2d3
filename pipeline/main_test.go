package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

func TestMain(m *testing.M) {
	extract.Worker()
	if os.Getenv(childEnv) != "" {
		os.Exit(crawlChild())
	}
	os.Exit(m.Run())
}

// counting is the real Reviewer, counting how often it reads and scores.
type counting struct {
	*Reviewer
	extracts, scores atomic.Int32
}

func (c *counting) Read(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
	c.extracts.Add(1)
	return c.Reviewer.Read(ctx, res)
}

func (c *counting) Score(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
	c.scores.Add(1)
	return c.Reviewer.Score(ctx, d)
}

var (
	rulesOnce sync.Once
	ruleSet   *rules.Set
	rulesErr  error
)

// newCounting is the reviewer of the commands (the stages `score` runs),
// counted.
func newCounting(t testing.TB) *counting {
	t.Helper()
	rulesOnce.Do(func() { ruleSet, rulesErr = rules.Default() })
	if rulesErr != nil {
		t.Fatal(rulesErr)
	}
	return &counting{Reviewer: NewReviewer(extract.Options{}, ruleSet, rules.Tool{Name: "nhsreview", Version: "test"})}
}

func openTemp(t testing.TB) *corpus.Store {
	t.Helper()
	s, err := corpus.Open(context.Background(), filepath.Join(t.TempDir(), "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openDB opens the store's database file a second time, for tests to
// look at rows the store's methods do not show; it is closed when the
// test ends.
func openDB(t testing.TB, s *corpus.Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// count runs a counting query.
func count(t testing.TB, s *corpus.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := openDB(t, s).QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
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

// snapshot lists every stored version with what hangs on it, one line
// each, so that a test can say that all of it is still there later.
func snapshot(t testing.TB, s *corpus.Store) []string {
	t.Helper()
	rows, err := openDB(t, s).Query(`SELECT d.id, d.source, v.seq, v.sha256, c.size,
			(SELECT count(*) FROM fetches WHERE version_id = v.id),
			(SELECT count(*) FROM scores WHERE sha256 = v.sha256),
			(SELECT title FROM extractions WHERE sha256 = v.sha256)
		FROM documents d JOIN versions v ON v.document_id = d.id JOIN contents c ON c.sha256 = v.sha256
		ORDER BY d.id, v.seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, seq, size, fetches, scores int
		var src, sha, title string
		if err := rows.Scan(&id, &src, &seq, &sha, &size, &fetches, &scores, &title); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("#%d %s v%d %s %d bytes, %d fetches, %d scores, %q", id, src, seq, sha[:12], size, fetches, scores, title))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// mustBeWhole fails the test when Check finds anything.
func mustBeWhole(t testing.TB, s *corpus.Store) {
	t.Helper()
	problems, err := s.Check(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("corpus damaged: %s", p)
	}
}

// stillThere fails the test for each line of before missing from now.
func stillThere(t testing.TB, before, now []string) {
	t.Helper()
	for _, l := range before {
		if !slices.Contains(now, l) {
			t.Errorf("lost or changed: %s", l)
		}
	}
}

// webSite serves a publications page and documents, with ETags when
// asked, and counts full downloads per path.
type webSite struct {
	*httptest.Server
	mu        sync.Mutex
	docs      map[string][]byte // path -> body
	order     []string
	etags     bool
	downloads map[string]int
	notMod    map[string]int
	// served is told each path served in full.
	served chan string
	delay  time.Duration
	extra  string // more HTML for the publications page
	robots string
}

func newWebSite(t testing.TB, etags bool) *webSite {
	w := &webSite{docs: map[string][]byte{}, etags: etags, downloads: map[string]int{}, notMod: map[string]int{}}
	w.Server = httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.Close)
	return w
}

func (w *webSite) set(path string, body []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.docs[path]; !ok {
		w.order = append(w.order, path)
	}
	w.docs[path] = body
}

func (w *webSite) serve(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	robots := w.robots
	if r.URL.Path == "/robots.txt" {
		w.mu.Unlock()
		if robots == "" {
			http.NotFound(rw, r)
			return
		}
		fmt.Fprint(rw, robots)
		return
	}
	if r.URL.Path == "/publications" {
		var b strings.Builder
		b.WriteString("<html><body><h1>Publications</h1><ul>\n")
		for _, p := range w.order {
			fmt.Fprintf(&b, "<li><a href=%q>%s</a></li>\n", p, p)
		}
		b.WriteString(w.extra + "</ul></body></html>")
		w.mu.Unlock()
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprint(rw, b.String())
		return
	}
	body, ok := w.docs[r.URL.Path]
	etags, delay, served := w.etags, w.delay, w.served
	if ok && etags && r.Header.Get("If-None-Match") == `"`+sum(body)[:16]+`"` {
		w.notMod[r.URL.Path]++
		w.mu.Unlock()
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	if ok {
		w.downloads[r.URL.Path]++
	}
	w.mu.Unlock()
	if !ok {
		http.NotFound(rw, r)
		return
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	if etags {
		rw.Header().Set("ETag", `"`+sum(body)[:16]+`"`)
	}
	switch {
	case strings.HasSuffix(r.URL.Path, ".pdf"):
		rw.Header().Set("Content-Type", "application/pdf")
	case strings.HasSuffix(r.URL.Path, ".md"):
		rw.Header().Set("Content-Type", "text/markdown")
	}
	rw.Write(body)
	if served != nil {
		served <- r.URL.Path
	}
}

func (w *webSite) stats(path string) (downloads, notModified int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.downloads[path], w.notMod[path]
}

func quickPolite() *fetch.Polite {
	p := fetch.NewPolite(fetch.Options{Timeout: 10 * time.Second})
	p.Delay = 0
	p.Backoff = time.Millisecond
	return p
}

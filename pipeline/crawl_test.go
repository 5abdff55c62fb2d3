package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/faultweb"
	"github.com/nhsreview/nhsreview/internal/testkit/hang"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
)

func crawl(t *testing.T, s *corpus.Store, p *counting, pol *fetch.Polite, start string, opt CrawlOptions) (CrawlStats, []CrawlEvent) {
	t.Helper()
	var events []CrawlEvent
	st, err := Crawl(context.Background(), s, pol, p, start, opt, func(e CrawlEvent) { events = append(events, e) })
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	return st, events
}

func TestCrawlConditional(t *testing.T) {
	for _, etags := range []bool{true, false} {
		t.Run(fmt.Sprintf("etags=%v", etags), func(t *testing.T) {
			w := newWebSite(t, etags)
			w.set("/docs/plan.md", strategy(1))
			w.set("/docs/strategy.pdf", pdfgen.NumberedHeadings().PDF)
			w.set("/docs/board.md", strategy(2))
			s := openTemp(t)
			p := newCounting(t)
			opt := CrawlOptions{Workers: 2, Meta: corpus.Meta{Org: "QWO", Kind: "board-papers"}}

			st, _ := crawl(t, s, p, quickPolite(), w.URL+"/publications", opt)
			if st != (CrawlStats{New: 3}) {
				t.Fatalf("first crawl: %+v", st)
			}

			// Nothing changed: with ETags nothing is downloaded again;
			// without, the hashes show nothing is new.
			st, _ = crawl(t, s, p, quickPolite(), w.URL+"/publications", opt)
			if st != (CrawlStats{Unchanged: 3}) {
				t.Fatalf("second crawl: %+v", st)
			}
			for _, path := range []string{"/docs/plan.md", "/docs/strategy.pdf", "/docs/board.md"} {
				dl, nm := w.stats(path)
				if etags && (dl != 1 || nm != 1) {
					t.Errorf("%s: %d downloads, %d not-modified; want 1 and 1", path, dl, nm)
				}
				if !etags && dl != 2 {
					t.Errorf("%s: %d downloads, want 2", path, dl)
				}
			}
			if p.extracts.Load() != 3 {
				t.Errorf("%d extractions, want 3", p.extracts.Load())
			}

			// A changed document is a new version of the same document.
			w.set("/docs/plan.md", strategy(3))
			st, events := crawl(t, s, p, quickPolite(), w.URL+"/publications", opt)
			if st != (CrawlStats{Changed: 1, Unchanged: 2}) {
				t.Fatalf("third crawl: %+v", st)
			}
			for _, e := range events {
				if strings.HasSuffix(e.URL, "/plan.md") && (e.Outcome.Seq != 2 || e.Outcome.Status != corpus.Changed) {
					t.Errorf("plan.md: %+v", e.Outcome)
				}
			}
			if n := count(t, s, `SELECT count(*) FROM documents WHERE org_code = 'QWO' AND kind = 'board-papers'`); n != 3 {
				t.Errorf("%d documents filed, want 3", n)
			}
			if n := count(t, s, `SELECT count(*) FROM versions`); n != 4 {
				t.Errorf("%d versions, want 4", n)
			}
			wantFetches := 9
			if n := count(t, s, `SELECT count(*) FROM fetches`); n != wantFetches {
				t.Errorf("%d fetches, want %d", n, wantFetches)
			}
			if etags {
				if n := count(t, s, `SELECT count(*) FROM fetches WHERE status = 304`); n != 5 {
					t.Errorf("%d fetches recorded as 304, want 5", n)
				}
			}
		})
	}
}

func TestCrawlFailuresGoOn(t *testing.T) {
	w := newWebSite(t, true)
	w.robots = "User-agent: *\nDisallow: /private/\n"
	w.set("/docs/a.md", strategy(1))
	w.set("/docs/big.pdf", append(append([]byte(nil), pdfgen.NumberedHeadings().PDF...), make([]byte, 64<<10)...))
	w.set("/docs/corrupt.pdf", corruptPDF)
	w.set("/private/secret.md", strategy(2))
	w.set("/docs/b.md", strategy(3))
	w.extra = `<li><a href="/docs/missing.pdf">gone</a></li>`
	s := openTemp(t)
	p := newCounting(t)
	pol := quickPolite()
	pol.Options.MaxBytes = 32 << 10

	st, events := crawl(t, s, p, pol, w.URL+"/publications", CrawlOptions{Workers: 3})
	if st != (CrawlStats{New: 2, Failed: 3, Skipped: 1}) {
		t.Errorf("stats %+v", st)
	}
	var errs []string
	for _, e := range events {
		if e.Err != nil {
			errs = append(errs, strings.TrimPrefix(e.URL, w.URL)+": "+e.Err.Error())
		}
	}
	slices.Sort(errs)
	want := []string{
		"/docs/big.pdf: exceeds the size limit of 32 KiB",
		"/docs/corrupt.pdf: ",
		"/docs/missing.pdf: HTTP 404 Not Found",
		"/private/secret.md: disallowed by robots.txt",
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %q", errs)
	}
	for i := range want {
		if !strings.HasPrefix(errs[i], want[i]) {
			t.Errorf("error %q, want %q…", errs[i], want[i])
		}
	}
	if dl, _ := w.stats("/private/secret.md"); dl != 0 {
		t.Error("a document closed by robots.txt was downloaded")
	}
	if n := count(t, s, `SELECT count(*) FROM documents`); n != 2 {
		t.Errorf("%d documents stored, want 2", n)
	}
}

func TestCrawlStartFails(t *testing.T) {
	w := newWebSite(t, false)
	s := openTemp(t)
	p := newCounting(t)
	_, err := Crawl(context.Background(), s, quickPolite(), p, w.URL+"/nope", CrawlOptions{}, nil)
	if err == nil || err.Error() != "HTTP 404 Not Found" {
		t.Errorf("err = %v", err)
	}
	_, err = Crawl(context.Background(), s, quickPolite(), p, w.URL+"/publications", CrawlOptions{Meta: corpus.Meta{Org: "NOPE"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "unknown organisation") {
		t.Errorf("err = %v", err)
	}
}

// The kill-and-resume test runs a crawl in a child process (this test
// binary, re-executed) and kills it with SIGKILL part way, then resumes.
const (
	childEnv    = "NHSREVIEW_CORPUS_CRAWL_CHILD" // the database path
	childURLEnv = "NHSREVIEW_CORPUS_CRAWL_URL"
)

func crawlChild() int {
	s, err := corpus.Open(context.Background(), os.Getenv(childEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	p := newCounting(&testing.B{})
	_, err = Crawl(context.Background(), s, quickPolite(), p, os.Getenv(childURLEnv), CrawlOptions{Workers: 3}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	return 0
}

func TestCrawlKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const n = 12
	w := newWebSite(t, true)
	for i := range n {
		if i%4 == 3 {
			w.set(fmt.Sprintf("/docs/%02d.pdf", i), pdfgen.Widths().PDF) // the same bytes at three URLs
		} else {
			w.set(fmt.Sprintf("/docs/%02d.md", i), strategy(i))
		}
	}
	w.delay = 20 * time.Millisecond
	dir := t.TempDir()
	db := filepath.Join(dir, "corpus.db")

	// Kill the child after k documents were served, twice, at different
	// points; then resume in this process.
	for _, k := range []int{2, 7} {
		served := make(chan string, 64)
		w.mu.Lock()
		w.served = served
		w.mu.Unlock()
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+db, childURLEnv+"="+w.URL+"/publications")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		got := 0
	wait:
		for got < k {
			select {
			case <-served:
				got++
			case err := <-exited:
				t.Fatalf("the child finished before it could be killed (%v): %s", err, stderr.String())
			case <-time.After(60 * time.Second):
				break wait
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-exited
		w.mu.Lock()
		w.served = nil
		w.mu.Unlock()
		// Drain what was served while the kill was on its way.
		for len(served) > 0 {
			<-served
		}

		s, err := corpus.Open(context.Background(), db)
		if err != nil {
			t.Fatalf("after a kill at %d: %v", k, err)
		}
		docs := count(t, s, `SELECT count(*) FROM documents`)
		// Everything stored is whole: each document has its version,
		// fetch, extraction and score, or is not there at all.
		problems, err := s.Check(context.Background(), false)
		if err != nil {
			t.Fatalf("after a kill at %d: %v", k, err)
		}
		for _, p := range problems {
			t.Errorf("after a kill at %d: %s", k, p)
		}
		t.Logf("killed after %d documents served: %d stored", k, docs)
		s.Close()
	}

	s, err := corpus.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := newCounting(t)
	if _, err := Crawl(context.Background(), s, quickPolite(), p, w.URL+"/publications", CrawlOptions{Workers: 3}, nil); err != nil {
		t.Fatal(err)
	}
	checks := map[string]int{
		// Three URLs share one PDF: one document with three sources.
		`SELECT count(*) FROM documents`:               n - 2,
		`SELECT count(DISTINCT source) FROM sources`:   n,
		`SELECT count(*) FROM versions`:                n - 2,
		`SELECT count(*) FROM versions WHERE seq <> 1`: 0,
		`SELECT count(*) FROM contents`:                n - 2,
		`SELECT count(*) FROM extractions`:             n - 2,
		`SELECT count(*) FROM scores`:                  n - 2,
		// Documents stored before a kill are unchanged when resumed.
		`SELECT count(*) FROM fetches WHERE outcome = 'changed'`: 0,
		`SELECT count(*) FROM fetches WHERE outcome = 'new'`:     n - 2,
		`SELECT count(*) FROM fetches WHERE outcome = 'source'`:  2,
	}
	for q, want := range checks {
		if got := count(t, s, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	// No partial files: only the database and its journal.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "corpus.db") || !slices.Contains([]string{"corpus.db", "corpus.db-wal", "corpus.db-shm"}, e.Name()) {
			t.Errorf("stray file %s", e.Name())
		}
	}
	// A run after the resume fetches nothing new.
	st, err := Crawl(context.Background(), s, quickPolite(), p, w.URL+"/publications", CrawlOptions{Workers: 3}, nil)
	if err != nil || st != (CrawlStats{Unchanged: n}) {
		t.Errorf("run after resume: %+v, %v", st, err)
	}
	if errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// TestCrawlNetworkFaults crawls a page whose links lead to every kind of
// misbehaving server, into a corpus that already holds documents: the
// good document is stored, every fault is reported with its error and
// leaves nothing behind, and what was stored before is untouched.
func TestCrawlNetworkFaults(t *testing.T) {
	good := pdfgen.Widths().PDF
	site := faultweb.New(t, good)
	s := openTemp(t)
	p := newCounting(t)
	for i := range 3 {
		if _, err := s.Ingest(context.Background(), p, result(fmt.Sprintf("https://x.nhs.uk/%d.md", i), strategy(i)), corpus.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, s)

	pol := fetch.NewPolite(fetch.Options{Timeout: 2 * time.Second, MaxBytes: 10 << 20, MaxRedirects: 5})
	pol.Delay, pol.Retries = 0, 0
	opt := CrawlOptions{
		// Every link is a document, on whatever host it is.
		DiscoverOptions: fetch.DiscoverOptions{Match: regexp.MustCompile(`^http`), AnyHost: true},
		Workers:         4,
	}
	start := time.Now()
	var events []CrawlEvent
	st, err := Crawl(context.Background(), s, pol, p, site.URL+faultweb.PublicationsPath, opt, func(e CrawlEvent) { events = append(events, e) })
	took := time.Since(start)
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	faults := site.Faults()
	if st.New != 1 || st.Failed+st.Skipped != len(faults) {
		t.Errorf("stats %+v, want 1 new and %d failed or skipped", st, len(faults))
	}
	// Every fault waits at most one timeout; four at a time.
	if limit := hang.Bound(time.Duration(len(faults)/4+2) * 3 * time.Second); took > limit {
		t.Errorf("crawl took %s", took.Round(time.Millisecond))
	}
	byURL := map[string]error{}
	for _, e := range events {
		byURL[e.URL] = e.Err
	}
	if err, ok := byURL[site.URL+faultweb.GoodPath]; !ok || err != nil {
		t.Errorf("the good document: %v (reported: %t)", err, ok)
	}
	for _, f := range faults {
		err, ok := byURL[f.URL]
		switch {
		case !ok:
			t.Errorf("%s: not reported", f.Name)
		case err == nil:
			t.Errorf("%s: stored", f.Name)
		case errors.Is(err, fetch.ErrDisallowed):
			// The raw servers fail their robots.txt request first, in the
			// same way; an unreadable robots.txt closes the host.
			if !strings.Contains(err.Error(), "robots.txt could not be read") {
				t.Errorf("%s: %v", f.Name, err)
			}
		case !strings.Contains(err.Error(), f.Err) || strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: %q, want one line with %q", f.Name, err, f.Err)
		}
		t.Logf("%s: %v", f.Name, err)
	}
	now := snapshot(t, s)
	stillThere(t, before, now)
	if len(now) != len(before)+1 {
		t.Errorf("%d versions stored, want %d:\n%s", len(now), len(before)+1, strings.Join(now, "\n"))
	}
	mustBeWhole(t, s)
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 10 * time.Minute: "10m", 90 * time.Second: "1m30s", 2*time.Hour + 30*time.Minute: "2h30m",
		time.Hour + 5*time.Second: "1h0m5s", 1500 * time.Millisecond: "1.5s", time.Second: "1s",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestCrawlTimeLimit: a crawl that runs out of time stops within a
// moment of its limit, says so, keeps every document it finished whole,
// and the next crawl completes it.
func TestCrawlTimeLimit(t *testing.T) {
	const n = 8
	w := newWebSite(t, true)
	for i := range n {
		w.set(fmt.Sprintf("/docs/%02d.md", i), strategy(i))
	}
	w.delay = 300 * time.Millisecond
	s := openTemp(t)
	p := newCounting(t)
	const limit = time.Second
	start := time.Now()
	st, err := Crawl(context.Background(), s, quickPolite(), p, w.URL+"/publications", CrawlOptions{Workers: 1, MaxTime: limit}, nil)
	took := time.Since(start)
	var tl *TimeLimitError
	if !errors.As(err, &tl) || tl.MaxTime != limit {
		t.Fatalf("err = %v, want a time limit error", err)
	}
	if want := "stopped at the crawl's time limit of 1s"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if took > hang.Bound(limit) {
		t.Errorf("stopped %s after a limit of %s", took.Round(time.Millisecond), limit)
	}
	stored := count(t, s, `SELECT count(*) FROM documents`)
	if st.New != stored || stored == 0 || stored >= n || st.Failed != 0 {
		t.Errorf("stats %+v with %d stored: want some but not all of %d stored, none failed", st, stored, n)
	}
	mustBeWhole(t, s)

	st, err = Crawl(context.Background(), s, quickPolite(), p, w.URL+"/publications", CrawlOptions{Workers: 2}, nil)
	if err != nil || st.New != n-stored || st.Unchanged != stored {
		t.Errorf("the crawl after: %+v, %v; want %d new, %d unchanged", st, err, n-stored, stored)
	}
	mustBeWhole(t, s)
}

package corpus

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/faultweb"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
)

// snapshot lists every stored version with what hangs on it, one line
// each, so that a test can say that all of it is still there later.
func snapshot(t testing.TB, s *Store) []string {
	t.Helper()
	rows, err := s.db.Query(`SELECT d.id, d.source, v.seq, v.sha256, c.size,
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
func mustBeWhole(t testing.TB, s *Store) {
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

// TestCheck damages a whole corpus in each way a partial write could
// and expects Check to name it. (Versions without their bytes are
// looked for too, but foreign keys stop this process making one.)
func TestCheck(t *testing.T) {
	damages := []struct {
		name, sql, want string
	}{
		{"none", ``, ""},
		{"a document without a version", `INSERT INTO documents (source, added_at) VALUES ('https://x.nhs.uk/a.pdf', '2026-01-01T00:00:00Z')`, "1 documents without a version"},
		{"a score missing", `DELETE FROM scores WHERE sha256 = (SELECT min(sha256) FROM scores)`, "1 versions without a score"},
		{"an extraction missing", `DELETE FROM extractions WHERE sha256 = (SELECT min(sha256) FROM extractions)`, "1 versions without an extraction"},
		{"bytes cut short", `UPDATE contents SET data = substr(data, 1, 10) WHERE sha256 = (SELECT min(sha256) FROM contents)`, "1 contents whose bytes are not the size recorded"},
		{"fetches gone", `DELETE FROM fetches WHERE document_id = 1`, "1 documents without a fetch"},
		{"bytes no version refers to", `INSERT INTO contents (sha256, size, data) VALUES ('00', 1, x'00')`, "1 contents no version refers to"},
		// Damage SQLite's own check cannot see: the rows are well formed,
		// what they hold is not.
		{"a byte flipped in a document", `UPDATE contents SET data = CAST(x'58' || substr(data, 2) AS BLOB) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 2)`,
			"document #2 version 1 (https://x.nhs.uk/1.md): the stored bytes do not match their SHA-256"},
		{"an extraction garbled", `UPDATE extractions SET document = x'1f8b0800' WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 3)`,
			"document #3 version 1 (https://x.nhs.uk/2.md): the stored extraction cannot be read"},
		{"a scorecard cut", `UPDATE scores SET scorecard = substr(scorecard, 1, 40) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 1)`,
			"document #1 version 1 (https://x.nhs.uk/0.md): a stored scorecard cannot be read"},
	}
	p := newReviewer(t, 1, "r1")
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			s := openTemp(t)
			for i := range 3 {
				if _, err := s.Ingest(context.Background(), p, result(fmt.Sprintf("https://x.nhs.uk/%d.md", i), strategy(i)), Meta{}); err != nil {
					t.Fatal(err)
				}
			}
			if d.sql != "" {
				if _, err := s.db.Exec(d.sql); err != nil {
					t.Fatal(err)
				}
			}
			problems, err := s.Check(context.Background(), false)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(problems, "; ")
			if d.want == "" && got != "" || !strings.Contains(got, d.want) {
				t.Errorf("Check = %q, want %q", got, d.want)
			}
			// --quick reads no row: damage inside a row is not its to find.
			if strings.Contains(d.name, "flipped") {
				quick, err := s.Check(context.Background(), true)
				if err != nil || len(quick) != 0 {
					t.Errorf("quick check = %q, %v; want nothing found", quick, err)
				}
			}
		})
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
	p := newReviewer(t, 1, "r1")
	for i := range 3 {
		if _, err := s.Ingest(context.Background(), p, result(fmt.Sprintf("https://x.nhs.uk/%d.md", i), strategy(i)), Meta{}); err != nil {
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
	st, err := s.Crawl(context.Background(), pol, p, site.URL+faultweb.PublicationsPath, opt, func(e CrawlEvent) { events = append(events, e) })
	took := time.Since(start)
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	faults := site.Faults()
	if st.New != 1 || st.Failed+st.Skipped != len(faults) {
		t.Errorf("stats %+v, want 1 new and %d failed or skipped", st, len(faults))
	}
	// Every fault waits at most one timeout; four at a time.
	if limit := time.Duration(len(faults)/4+2) * 3 * time.Second; took > limit {
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
	p := newReviewer(t, 1, "r1")
	const limit = time.Second
	start := time.Now()
	st, err := s.Crawl(context.Background(), quickPolite(), p, w.URL+"/publications", CrawlOptions{Workers: 1, MaxTime: limit}, nil)
	took := time.Since(start)
	var tl *TimeLimitError
	if !errors.As(err, &tl) || tl.MaxTime != limit {
		t.Fatalf("err = %v, want a time limit error", err)
	}
	if want := "stopped at the crawl's time limit of 1s"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if took > limit+2*time.Second {
		t.Errorf("stopped %s after a limit of %s", took.Round(time.Millisecond), limit)
	}
	stored := count(t, s, `SELECT count(*) FROM documents`)
	if st.New != stored || stored == 0 || stored >= n || st.Failed != 0 {
		t.Errorf("stats %+v with %d stored: want some but not all of %d stored, none failed", st, stored, n)
	}
	mustBeWhole(t, s)

	st, err = s.Crawl(context.Background(), quickPolite(), p, w.URL+"/publications", CrawlOptions{Workers: 2}, nil)
	if err != nil || st.New != n-stored || st.Unchanged != stored {
		t.Errorf("the crawl after: %+v, %v; want %d new, %d unchanged", st, err, n-stored, stored)
	}
	mustBeWhole(t, s)
}

// TestRepair: damage inside rows is mended from the sources where they
// still hold the same bytes, and named where they do not; unreadable
// extractions and scorecards are made again. Afterwards Check finds only
// what could not be mended.
func TestRepair(t *testing.T) {
	p := newReviewer(t, 1, "r1")
	s := openTemp(t)
	sources := map[string][]byte{}
	for i := range 3 {
		src := fmt.Sprintf("https://x.nhs.uk/%d.md", i)
		sources[src] = strategy(i)
		if _, err := s.Ingest(context.Background(), p, result(src, strategy(i)), Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		// document 1: a byte flipped; its source still serves the bytes
		`UPDATE contents SET data = CAST(x'58' || substr(data, 2) AS BLOB) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 1)`,
		// document 2: a byte flipped; its source has changed since
		`UPDATE contents SET data = CAST(x'58' || substr(data, 2) AS BLOB) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 2)`,
		// document 3: its extraction and scorecard garbled
		`UPDATE extractions SET document = x'1f8b0800' WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 3)`,
		`UPDATE scores SET scorecard = substr(scorecard, 1, 40) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 3)`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	sources["https://x.nhs.uk/1.md"] = strategy(7) // changed at the source
	get := func(_ context.Context, src string) (*fetch.Result, error) {
		data, ok := sources[src]
		if !ok {
			return nil, fmt.Errorf("no such source")
		}
		return result(src, data), nil
	}
	done, err := s.Repair(context.Background(), p, get)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range done {
		lines = append(lines, fmt.Sprintf("%v %s: %s", r.Done, r.Versions, r.Problem))
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"true document #1 version 1 (https://x.nhs.uk/0.md): the stored bytes do not match",
		"false document #2 version 1 (https://x.nhs.uk/1.md): the stored bytes do not match",
		"true document #3 version 1 (https://x.nhs.uk/2.md): the stored extraction cannot be read",
		"true document #3 version 1 (https://x.nhs.uk/2.md): a stored scorecard cannot be read",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("repair lacks %q:\n%s", want, got)
		}
	}
	problems, err := s.Check(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "document #2 version 1") {
		t.Errorf("after repair, check finds %q; want only document #2, which its source could not mend", problems)
	}
}

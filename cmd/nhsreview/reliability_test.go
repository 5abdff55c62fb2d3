package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/faultweb"
	"github.com/nhsreview/nhsreview/internal/testkit/hang"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/rules"
)

// stderrLine is the one shape of every failure on stderr.
var stderrLine = regexp.MustCompile(`^nhsreview: (\S+): (.+)$`)

// failures splits stderr into the failed sources and their messages,
// leaving warnings aside; any other line (a trace, a blank line) fails
// the test.
func failures(t *testing.T, stderr string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if l == "" {
			continue
		}
		m := stderrLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("stderr line not in the 'nhsreview: SOURCE: message' form: %q", l)
			continue
		}
		if strings.HasPrefix(m[2], "warning: ") {
			continue
		}
		if _, dup := out[m[1]]; dup {
			t.Errorf("%s reported twice", m[1])
		}
		out[m[1]] = m[2]
	}
	return out
}

// batch writes 90 readable documents (PDF, Markdown, HTML, text) and 10
// broken ones into dir, and returns them in a shuffled but fixed order
// with the broken ones' names.
func batch(t *testing.T, dir string) (sources []string, broken []string) {
	t.Helper()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var good []string
	pdfs := []pdfgen.Fixture{pdfgen.Widths(), pdfgen.TwoColumns(), pdfgen.NumberedHeadings(), pdfgen.ListsTables(), pdfgen.TJSpacing(), pdfgen.XRefStream()}
	for i := range 30 {
		fx := pdfs[i%len(pdfs)]
		good = append(good, write(fmt.Sprintf("plan-%02d.pdf", i), fx.PDF))
	}
	for i := range 30 {
		md := fmt.Sprintf("# Joint forward plan %d\n\n## Our population\n\nLife expectancy is %d years lower in the most deprived areas.\n\n"+
			"## Money\n\nWe will invest £%d.5m a year from 2025/26 in community nursing, funded from the ICB allocation.\n", i, 5+i%7, 1+i%9)
		good = append(good, write(fmt.Sprintf("plan-%02d.md", i), []byte(md)))
	}
	for i := range 20 {
		html := fmt.Sprintf("<!doctype html><html><head><title>Board paper %d</title></head><body><main><h1>Board paper %d</h1>"+
			"<p>The board is asked to note the winter plan. We co-produced it with the patient panel.</p>"+
			"<table><tr><th>Area</th><th>2025/26</th></tr><tr><td>Nursing</td><td>£%dm</td></tr></table></main></body></html>", i, i, 2+i)
		good = append(good, write(fmt.Sprintf("paper-%02d.html", i), []byte(html)))
	}
	for i := range 10 {
		txt := fmt.Sprintf("Minutes of meeting %d\n\nThe committee agreed the report. Voluntary sector partners will run the hub.\n", i)
		good = append(good, write(fmt.Sprintf("minutes-%02d.txt", i), []byte(txt)))
	}
	numbered := pdfgen.NumberedHeadings().PDF
	broken = []string{
		write("cut-short.pdf", pdfgen.Truncate(numbered, len(numbered)/50)),
		write("not-a-pdf.pdf", pdfgen.NotAPDF().PDF),
		write("empty.pdf", nil),
		write("noise.pdf", pdfgen.RandomBytes(5000, 3)),
		write("sign-in-page.pdf", []byte("<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Password</form></body></html>")),
		write("spreadsheet.docx", zipWith(t, "xl/workbook.xml")),
		write("header-only.pdf", []byte("%PDF-1.7\n"+strings.Repeat("garbage ", 100))),
		write("scan.pdf", append([]byte("\x89PNG\r\n\x1a\n"), pdfgen.RandomBytes(500, 4)...)),
		write("broken.docx", []byte("PK\x03\x04"+strings.Repeat("\x00", 200))),
		filepath.Join(dir, "missing.pdf"),
	}
	sources = append(good, broken...)
	// Interleave, deterministically: failures arrive among successes.
	order := make([]string, 0, len(sources))
	for i := range 10 {
		order = append(order, good[i*9:i*9+9]...)
		order = append(order, broken[i])
	}
	return order, broken
}

// without is sources less those in drop, in order.
func without(sources, drop []string) []string {
	var out []string
	for _, s := range sources {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func zipWith(t *testing.T, name string) []byte {
	t.Helper()
	// A stored ZIP with one empty member: the local header, central
	// directory and end record by hand, since only the names matter.
	var b []byte
	n := len(name)
	b = append(b, "PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)
	b = append(b, byte(n), byte(n>>8), 0, 0)
	b = append(b, name...)
	cd := len(b)
	b = append(b, "PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)
	b = append(b, byte(n), byte(n>>8), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	b = append(b, name...)
	size := len(b) - cd
	b = append(b, "PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00"...)
	b = append(b, byte(size), byte(size>>8), 0, 0, byte(cd), byte(cd>>8), 0, 0, 0, 0)
	return b
}

// TestBatchWithBrokenDocuments scores 100 documents of which 10 are
// broken: the 90 are scored and printed in the order given, the 10 are
// listed on stderr with one line each, and the exit code is 2.
func TestBatchWithBrokenDocuments(t *testing.T) {
	dir := t.TempDir()
	sources, broken := batch(t, dir)
	out := filepath.Join(dir, "scores.json")
	start := time.Now()
	stdout, stderr, code := runCLI(t, append([]string{"score", "--format", "json", "-j", "2", "-o", out}, sources...)...)
	t.Logf("100 documents scored in %s", time.Since(start).Round(time.Millisecond))
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if stdout != "" {
		t.Errorf("stdout not empty with -o: %.200q", stdout)
	}
	failed := failures(t, stderr)
	var got []string
	for src, msg := range failed {
		got = append(got, src)
		t.Logf("%s: %s", filepath.Base(src), msg)
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(broken))
	if !slices.Equal(got, want) {
		t.Errorf("failed sources:\n%q\nwant:\n%q", got, want)
	}
	for src, msg := range failed {
		if strings.Contains(msg, "internal error") || strings.Contains(msg, "crashed") {
			t.Errorf("%s: %s", src, msg)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the scores of the 90 were not written: %v", err)
	}
	var cards []rules.Scorecard
	if err := json.Unmarshal(data, &cards); err != nil {
		t.Fatalf("output is not a JSON array of scorecards: %v", err)
	}
	var scored []string
	for _, c := range cards {
		scored = append(scored, c.Document.Source)
		if len(c.Criteria) != 5 {
			t.Errorf("%s: %d criteria", c.Document.Source, len(c.Criteria))
		}
	}
	if wantScored := without(sources, broken); !slices.Equal(scored, wantScored) {
		t.Errorf("scored %d documents, want the %d readable ones in the order given", len(scored), len(wantScored))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".scores.json.*")); len(left) > 0 {
		t.Errorf("temporary output left behind: %q", left)
	}
}

// TestNetworkFaultsFromTheCommandLine: URLs whose servers misbehave
// (faultweb's whole table) fail with one line each, within the timeout;
// the good URL among them is still read; and a run with -o where every
// source fails leaves no file.
func TestNetworkFaultsFromTheCommandLine(t *testing.T) {
	site := faultweb.New(t, pdfgen.Widths().PDF)
	faults := site.Faults()
	args := []string{"extract", "--timeout", "2s", "--max-bytes", "10MiB", "-j", strconv.Itoa(len(faults) + 1), site.URL + faultweb.GoodPath}
	for _, f := range faults {
		args = append(args, f.URL)
	}
	start := time.Now()
	stdout, stderr, code := runCLI(t, args...)
	took := time.Since(start)
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if took > hang.Bound(2*time.Second) {
		t.Errorf("took %s with a 2s timeout", took)
	}
	if !strings.Contains(stdout, "Our ambition") {
		t.Errorf("the good URL was not printed:\n%.300s", stdout)
	}
	checkFaults(t, faults, failures(t, stderr))

	// Every source failing: -o must not leave a file, whole or partial.
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	_, _, code = runCLI(t, "extract", "--format", "json", "--timeout", "2s", "-o", out, site.ResetMidBody+"/plan.pdf", site.URL+"/papers/board-pack.pdf")
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left after a failed run: %v", entries)
	}
}

// checkFaults holds the failures reported on stderr to the faults' own
// errors: each reported once, with its message.
func checkFaults(t *testing.T, faults []faultweb.Fault, failed map[string]string) {
	t.Helper()
	for _, f := range faults {
		msg, ok := failed[f.URL]
		switch {
		case !ok:
			t.Errorf("%s (%s): not reported on stderr", f.Name, f.URL)
		case !strings.Contains(msg, f.Err):
			t.Errorf("%s: %q, want it to say %q", f.Name, msg, f.Err)
		case strings.HasPrefix(f.Err, "timed out") && !strings.HasSuffix(msg, "(--timeout)"),
			strings.HasPrefix(f.Err, "exceeds the size limit") && !strings.HasSuffix(msg, "(--max-bytes)"):
			t.Errorf("%s: %q does not name the flag of the limit", f.Name, msg)
		}
	}
	if len(failed) != len(faults) {
		t.Errorf("%d failures reported, want %d: %q", len(failed), len(faults), failed)
	}
}

// corpusEntries lists the corpus as `corpus ls --format json` prints it.
func corpusEntries(t *testing.T, db string) []corpus.Entry {
	t.Helper()
	stdout, stderr, code := runCLI(t, "corpus", "ls", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("corpus ls: exit %d: %s", code, stderr)
	}
	var entries []corpus.Entry
	if err := json.Unmarshal([]byte(stdout), &entries); err != nil {
		t.Fatalf("corpus ls: %v", err)
	}
	return entries
}

// corpusWhole runs `corpus check` and fails the test unless it says the
// corpus is whole with the number of documents given.
func corpusWhole(t *testing.T, db string, documents int) {
	t.Helper()
	stdout, stderr, code := runCLI(t, "corpus", "check", "--db", db)
	if code != 0 || stderr != "" {
		t.Fatalf("corpus check: exit %d:\n%s", code, stderr)
	}
	if want := fmt.Sprintf("whole: %d documents,", documents); !strings.Contains(stdout, want) {
		t.Errorf("corpus check: %q, want %q", stdout, want)
	}
}

// TestCorpusKeepsWhatItHas runs the batch, network and time-limit faults
// into a corpus that already holds documents: every readable document is
// stored, every fault is one line on stderr and leaves nothing behind,
// and the documents stored before are exactly as they were.
func TestCorpusKeepsWhatItHas(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100 documents and waits for timeouts")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "corpus.db")
	var earlier []string
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("earlier-%d.md", i))
		md := fmt.Sprintf("# Strategy %d\n\nWe will invest £%dm a year from 2025/26 in community mental health services for children.\n", i, i+2)
		if err := os.WriteFile(p, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
		earlier = append(earlier, p)
	}
	if _, stderr, code := runCLI(t, append([]string{"corpus", "add", "--db", db}, earlier...)...); code != 0 {
		t.Fatalf("corpus add: exit %d: %s", code, stderr)
	}
	before := corpusEntries(t, db)
	// The earlier five and the batch's distinct readable contents: six
	// PDFs (each five times) and 60 other files.
	const batchDocuments = 5 + 6 + 60
	unchanged := func(step string) {
		t.Helper()
		now := corpusEntries(t, db)
		for _, e := range before {
			i := slices.IndexFunc(now, func(n corpus.Entry) bool { return n.ID == e.ID })
			if i < 0 || now[i] != e {
				t.Errorf("%s: document #%d %s lost or changed", step, e.ID, e.Source)
			}
		}
	}

	t.Run("100 documents of which 10 are broken", func(t *testing.T) {
		batchDir := filepath.Join(dir, "batch")
		if err := os.Mkdir(batchDir, 0o755); err != nil {
			t.Fatal(err)
		}
		sources, broken := batch(t, batchDir)
		stdout, stderr, code := runCLI(t, append([]string{"corpus", "add", "--db", db, "-j", "2"}, sources...)...)
		if code != exitFailure {
			t.Errorf("exit code %d, want %d", code, exitFailure)
		}
		failed := failures(t, stderr)
		got := slices.Sorted(maps.Keys(failed))
		if want := slices.Sorted(slices.Values(broken)); !slices.Equal(got, want) {
			t.Errorf("failed sources:\n%q\nwant:\n%q", got, want)
		}
		var stored []string
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			f := strings.Fields(l)
			// The six PDFs are each written five times: one document
			// each, with five sources.
			if len(f) < 4 || f[0] != "new" && f[0] != "source" {
				t.Errorf("stdout line %q, want a new document or source", l)
				continue
			}
			stored = append(stored, f[3])
		}
		if want := without(sources, broken); !slices.Equal(stored, want) {
			t.Errorf("stored %d documents, want the %d readable ones in the order given", len(stored), len(want))
		}
		unchanged("after the batch")
		corpusWhole(t, db, batchDocuments)
	})

	site := faultweb.New(t, pdfgen.Widths().PDF)
	faults := site.Faults()
	t.Run("network faults", func(t *testing.T) {
		args := []string{"corpus", "add", "--db", db, "--timeout", "2s", "--max-bytes", "10MiB", "-j", strconv.Itoa(len(faults) + 1), site.URL + faultweb.GoodPath}
		for _, f := range faults {
			args = append(args, f.URL)
		}
		start := time.Now()
		stdout, stderr, code := runCLI(t, args...)
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("took %s with a 2s timeout", took)
		}
		if code != exitFailure {
			t.Errorf("exit code %d, want %d", code, exitFailure)
		}
		// The good document's bytes are one of the batch's PDFs.
		if !strings.HasPrefix(stdout, "source ") || strings.Count(stdout, "\n") != 1 {
			t.Errorf("stdout %q, want one new source of a stored document", stdout)
		}
		checkFaults(t, faults, failures(t, stderr))
		unchanged("after the network faults")
		corpusWhole(t, db, batchDocuments)
	})

	t.Run("a crawl into the faults", func(t *testing.T) {
		start := time.Now()
		stdout, stderr, code := runCLI(t, "corpus", "crawl", "--db", db, "--match", "^http", "--any-host", "--delay", "0", "--retries", "0",
			"--timeout", "2s", "--max-bytes", "10MiB", "-j", "4", site.URL+faultweb.PublicationsPath)
		t.Logf("crawl took %s", time.Since(start).Round(time.Millisecond))
		if code != exitFailure {
			t.Errorf("exit code %d, want %d", code, exitFailure)
		}
		// The raw servers fail their robots.txt request first, which
		// closes their host: those documents are skipped, not failed.
		if !regexp.MustCompile(`(?m)^crawl: 0 new, 0 changed, 1 unchanged, \d+ failed, \d+ skipped \(robots.txt\)$`).MatchString(stdout) {
			t.Errorf("stdout %q", stdout)
		}
		failed := failures(t, stderr)
		for _, f := range faults {
			msg := failed[f.URL]
			if !strings.Contains(msg, f.Err) && !strings.HasPrefix(msg, "skipped: disallowed by robots.txt: robots.txt could not be read") {
				t.Errorf("%s: %q, want it to say %q", f.Name, msg, f.Err)
			}
		}
		unchanged("after the crawl")
		corpusWhole(t, db, batchDocuments)
	})

	t.Run("a crawl out of time", func(t *testing.T) {
		start := time.Now()
		// One document at a time: the slow ones on the page take longer
		// than the limit.
		stdout, stderr, code := runCLI(t, "corpus", "crawl", "--db", db, "--match", "^http", "--any-host", "--delay", "0", "--retries", "0",
			"--timeout", "2s", "--max-bytes", "10MiB", "-j", "1", "--max-time", "1s", site.URL+faultweb.PublicationsPath)
		if took := time.Since(start); took > 4*time.Second {
			t.Errorf("a crawl with --max-time 1s took %s", took)
		}
		if code != exitFailure {
			t.Errorf("exit code %d, want %d", code, exitFailure)
		}
		if !strings.Contains(stdout, "before the time limit") {
			t.Errorf("stdout %q", stdout)
		}
		want := "nhsreview: " + site.URL + faultweb.PublicationsPath + ": stopped at the crawl's time limit of 1s (--max-time); what was stored is kept: run the crawl again to go on\n"
		if !strings.HasSuffix(stderr, want) {
			t.Errorf("stderr ends %q, want %q", stderr, want)
		}
		failures(t, stderr)
		unchanged("after the crawl out of time")
		corpusWhole(t, db, batchDocuments)
	})
}

//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/reports"
)

// TestWorkersKilled is issue 18's crash test: one crawl of 200 documents
// served here, queued with --detach, run by three 'nhsreview worker'
// processes sharing the corpus, one of which is killed with SIGKILL in the
// middle of a job, restarted, killed again in the middle of a job, and
// restarted. "In the middle of a job" is made certain, not timed: every
// request for a document waits at the server until the kills are done,
// and each kill is of the worker River records as running the job of a
// waiting request (jobs' worker: its process id), while that request
// waits. The killed jobs stay running until the rescue delay
// (--rescue-after, short here) hands them back. Then every document is
// stored exactly once, whole ('corpus check'), and every job is done or
// failed with its errors; the two killed jobs are done, after a try
// handed back. On a SQLite file (several workers on one machine share
// it) and on PostgreSQL, at the same time: most of the time is the wait
// for the rescue (River looks for lost jobs every 30 seconds).
func TestWorkersKilled(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "corpus.db")
			if backend == "postgres" {
				db = pgtest.URL(t)
			}
			t.Parallel()
			crashTest(t, db)
		})
	}
}

func crashTest(t *testing.T, db string) {
	ctx := testContext(t)
	const n = 200
	s := newSite(t, smallDocs(n))
	s.gate.close()
	if out, errs, code := runCLI(t, "corpus", "crawl", "--db", db, "--queue", "--detach", "--delay", "0", "--kind", "board-papers", s.URL+"/publications.html"); code != exitOK || out != fmt.Sprintf("crawl: %d jobs queued; 'nhsreview worker' runs them, 'nhsreview jobs' lists them\n", n) {
		t.Fatalf("crawl --queue --detach: exit %d\n%s%s", code, out, errs)
	}
	st, err := corpus.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q, err := jobs.New(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// The job timeout and the rescue delay are short, so that the test
	// waits for the rescue seconds rather than 35 minutes. A job that
	// times out meanwhile (a slow machine, a request kept waiting) is
	// tried again: the test holds all the same.
	args := []string{"--jobs", "2", "--delay", "0", "--job-timeout", "10s", "--rescue-after", "15s"}
	ws := &workerSet{t: t, db: db, args: args}
	for range 3 {
		ws.start()
	}

	// The first request to come is a job in hand: kill its worker.
	var h *held
	var victim *workerProc
	for victim == nil {
		h = s.gate.next(ctx, t)
		victim = ws.byPID(workerOf(ctx, t, q, h.url))
	}
	victim.kill()
	t.Logf("killed worker %d with SIGKILL while it fetched %s", victim.cmd.Process.Pid, h.url)
	killed := []string{h.url}
	// Its request ends with it: it was under way.
	select {
	case <-h.ended:
	case <-ctx.Done():
		t.Fatalf("the killed worker's request to %s is still open", h.url)
	}
	restarted := ws.start()
	// The next request of the restarted worker: kill it again. The
	// others' requests wait meanwhile, so that the queue is not emptied
	// before it comes.
	for {
		h := s.gate.next(ctx, t)
		if ws.byPID(workerOf(ctx, t, q, h.url)) == restarted {
			restarted.kill()
			t.Logf("killed worker %d, restarted, with SIGKILL while it fetched %s", restarted.cmd.Process.Pid, h.url)
			killed = append(killed, h.url)
			select {
			case <-h.ended:
			case <-ctx.Done():
				t.Fatalf("the killed worker's request to %s is still open", h.url)
			}
			break
		}
	}
	ws.start()
	s.gate.open()

	// Wait for every job to be over; the killed ones come last, handed
	// back after the rescue delay (and River's round, every 30s).
	var list []jobs.Job
	for {
		list, err = q.List(ctx, nil, 10*n)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(list, func(j jobs.Job) bool { return j.State == "queued" || j.State == "running" }) {
			break
		}
		select {
		case <-ctx.Done():
			ws.logs()
			t.Fatalf("jobs still queued or running: %s", jobSummary(list))
		case <-time.After(200 * time.Millisecond):
		}
	}
	ws.stop()
	// Besides the jobs killed in their fetch, each killed worker had
	// another in hand (--jobs 2), waiting for its turn at the host, also
	// handed back; a job that timed out on a busy machine is retried too.
	var retried []string
	for _, j := range list {
		if j.Attempt > 1 && !slices.Contains(killed, j.What) {
			retried = append(retried, fmt.Sprintf("%s %q", j.What, j.Errors))
		}
	}
	t.Logf("all %d jobs over; %d more tried again: %s", len(list), len(retried), strings.Join(retried, "; "))

	// Every job done, or failed with its reason; the killed ones done,
	// after a try handed back.
	out, errs, code := runCLI(t, "jobs", "--db", db, "--format", "json", "--limit", "1000")
	if code != exitOK {
		t.Fatalf("jobs: exit %d: %s", code, errs)
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Errorf("%d jobs, want %d", len(list), n)
	}
	for _, j := range list {
		switch {
		case j.Kind != "fetch":
			t.Errorf("job %d: kind %s", j.ID, j.Kind)
		case j.State == "failed" && len(j.Errors) == 0:
			t.Errorf("job %d (%s) failed with no error", j.ID, j.What)
		case j.State != "done" && j.State != "failed":
			t.Errorf("job %d (%s): %s", j.ID, j.What, j.State)
		case slices.Contains(killed, j.What) && (j.State != "done" || !slices.Contains(j.Errors, jobs.Rescued)):
			t.Errorf("killed job %d (%s): %s after %d tries, errors %q; want done after a try handed back", j.ID, j.What, j.State, j.Attempt, j.Errors)
		}
	}

	// Every document stored once, whole.
	out, errs, code = runCLI(t, "corpus", "ls", "--db", db, "--format", "json")
	if code != exitOK {
		t.Fatalf("corpus ls: exit %d: %s", code, errs)
	}
	var entries []reports.ListingEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for _, e := range entries {
		stored[e.Source]++
		if e.Versions != 1 || e.Total < 0 {
			t.Errorf("%s: %d versions, total %d", e.Source, e.Versions, e.Total)
		}
	}
	for path := range s.docs {
		if c := stored[s.URL+path]; c != 1 {
			t.Errorf("%s stored %d times", path, c)
		}
	}
	if len(entries) != n {
		t.Errorf("%d documents listed, want %d", len(entries), n)
	}
	for _, table := range []string{"documents", "versions", "extractions", "scores"} {
		var c int
		if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&c); err != nil || c != n {
			t.Errorf("%s: %d rows, %v; want %d", table, c, err, n)
		}
	}
	if out, errs, code := runCLI(t, "corpus", "check", "--db", db); code != exitOK {
		t.Errorf("corpus check: exit %d\n%s%s", code, out, errs)
	}
}

// testContext ends a little before the test's deadline (go test -timeout),
// so that a wait that never ends fails with what was seen.
func testContext(t testing.TB) context.Context {
	var end time.Time
	ok := false
	if d, isT := t.(interface{ Deadline() (time.Time, bool) }); isT {
		end, ok = d.Deadline()
	}
	if !ok {
		end = time.Now().Add(time.Hour) // a benchmark: go test -timeout ends it
	}
	ctx, cancel := context.WithDeadline(context.Background(), end.Add(-15*time.Second))
	t.Cleanup(cancel)
	return ctx
}

// workerOf is the process id of the worker running the job of url; 0
// when it is no longer running (it timed out while its request waited,
// on a slow machine).
func workerOf(ctx context.Context, t testing.TB, q *jobs.Queue, url string) int {
	t.Helper()
	// The job is marked running, with its worker, before its work starts.
	list, err := q.List(ctx, []string{"running"}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range list {
		if j.What == url {
			if pid := jobs.WorkerPID(j.Worker); pid != 0 {
				return pid
			}
			t.Fatalf("job %d: no process id in its worker %q", j.ID, j.Worker)
		}
	}
	t.Logf("no running job for %s (timed out?): %s", url, jobSummary(list))
	return 0
}

func jobSummary(list []jobs.Job) string {
	var b strings.Builder
	states := map[string]int{}
	for _, j := range list {
		states[j.State]++
		if j.State == "queued" || j.State == "running" {
			fmt.Fprintf(&b, "\n  %d %s %s %d/%d %s %q", j.ID, j.State, j.What, j.Attempt, j.MaxAttempts, j.Worker, j.Errors)
		}
	}
	return fmt.Sprint(states) + b.String()
}

// workerSet runs 'nhsreview worker' processes (the test binary, as
// nhsreview) on one corpus.
type workerSet struct {
	t    testing.TB
	db   string
	args []string
	all  []*workerProc
}

type workerProc struct {
	cmd    *exec.Cmd
	log    string
	done   chan struct{}
	err    error
	killed bool
}

func (ws *workerSet) start() *workerProc {
	t := ws.t
	t.Helper()
	log := filepath.Join(t.TempDir(), fmt.Sprintf("worker%d.log", len(ws.all)+1))
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(os.Args[0], append([]string{"worker", "--db", ws.db}, ws.args...)...)
	cmd.Env = append(os.Environ(), "NHSREVIEW_TEST_MAIN=1")
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &workerProc{cmd: cmd, log: log, done: make(chan struct{})}
	go func() { w.err = cmd.Wait(); close(w.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-w.done
	})
	ws.all = append(ws.all, w)
	return w
}

// byPID is the worker of process pid (nil for 0).
func (ws *workerSet) byPID(pid int) *workerProc {
	if pid == 0 {
		return nil
	}
	for _, w := range ws.all {
		if w.cmd.Process.Pid == pid {
			return w
		}
	}
	ws.t.Fatalf("no worker of this test has process id %d", pid)
	return nil
}

// kill kills the worker with SIGKILL and waits for its end.
func (w *workerProc) kill() {
	w.killed = true
	w.cmd.Process.Kill()
	<-w.done
}

// stop stops the live workers with SIGTERM, each of which must end as a
// stopped worker does (exit 143).
func (ws *workerSet) stop() {
	t := ws.t
	for _, w := range ws.all {
		if !w.killed {
			w.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	for _, w := range ws.all {
		<-w.done
		if w.killed {
			continue
		}
		if code := w.cmd.ProcessState.ExitCode(); code != exitTerminate {
			log, _ := os.ReadFile(w.log)
			t.Errorf("worker %d: %v, want exit %d; its output:\n%s", w.cmd.Process.Pid, w.err, exitTerminate, log)
		}
	}
}

// logs writes every worker's output to the test's log.
func (ws *workerSet) logs() {
	for _, w := range ws.all {
		log, _ := os.ReadFile(w.log)
		ws.t.Logf("worker %d (killed %v):\n%s", w.cmd.Process.Pid, w.killed, log)
	}
}

// site serves a publications page linking to its documents, each request
// for a document passing its gate.
type site struct {
	*httptest.Server
	docs map[string][]byte // by path
	gate *gate
}

func newSite(t testing.TB, docs map[string][]byte) *site {
	s := &site{docs: docs, gate: &gate{arrived: make(chan *held, 10000)}}
	paths := make([]string, 0, len(docs))
	for p := range docs {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var page strings.Builder
	page.WriteString("<html><body><h1>Board papers</h1>\n")
	for _, p := range paths {
		fmt.Fprintf(&page, "<a href=%q>Paper %s</a>\n", p, p)
	}
	page.WriteString("</body></html>\n")
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/publications.html" {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(page.String()))
			return
		}
		body, ok := s.docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if !s.gate.pass(r, s.URL+r.URL.Path) {
			return
		}
		switch filepath.Ext(r.URL.Path) {
		case ".pdf":
			w.Header().Set("Content-Type", "application/pdf")
		case ".md":
			w.Header().Set("Content-Type", "text/markdown")
		}
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

// gate keeps the requests for documents waiting while closed.
type gate struct {
	mu      sync.Mutex
	closed  bool
	waiting []*held
	arrived chan *held
}

// held is a request kept waiting at the gate.
type held struct {
	url     string
	release chan struct{}
	ended   chan struct{} // its client went away while it waited
}

func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// open lets the waiting requests and all later ones through.
func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = false
	for _, h := range g.waiting {
		close(h.release)
	}
	g.waiting = nil
}

// pass waits while the gate is closed and says whether to answer: not
// when the client went away while it waited.
func (g *gate) pass(r *http.Request, url string) bool {
	g.mu.Lock()
	if !g.closed {
		g.mu.Unlock()
		return true
	}
	h := &held{url: url, release: make(chan struct{}), ended: make(chan struct{})}
	g.waiting = append(g.waiting, h)
	g.mu.Unlock()
	g.arrived <- h
	select {
	case <-h.release:
		return true
	case <-r.Context().Done():
		close(h.ended)
		return false
	}
}

// next is the next request to come to the closed gate.
func (g *gate) next(ctx context.Context, t testing.TB) *held {
	t.Helper()
	select {
	case h := <-g.arrived:
		return h
	case <-ctx.Done():
		t.Fatal("no request for a document came")
		return nil
	}
}

// smallDocs are n small board papers, by path: three in four Markdown,
// the others two-page PDFs, each different.
func smallDocs(n int) map[string][]byte {
	docs := make(map[string][]byte, n)
	body := pdfgen.WinAnsi("F1", pdfgen.Helvetica)
	bold := pdfgen.WinAnsi("F2", pdfgen.HelveticaBold)
	for i := range n {
		title := fmt.Sprintf("Board paper %d: community services investment", i+1)
		para := fmt.Sprintf("The board is asked to approve an investment of £%d.%dm a year from 2025/26 to 2027/28 in community services for the %d most deprived wards, where life expectancy is %d.%d years lower than in the least deprived.", i%9+1, i%10, i+3, i%7+5, i%10)
		if i%4 != 3 {
			docs[fmt.Sprintf("/papers/paper%03d.md", i+1)] = []byte("# " + title + "\n\n## Purpose\n\n" + para + "\n\n## Recommendation\n\nThe board is asked to approve the plan.\n")
			continue
		}
		doc := pdfgen.Doc{Title: title}
		for page := range 2 {
			c := doc.AddPage().NewContent()
			y := float64(pdfgen.A4Height - 90)
			if page == 0 {
				c.Text(bold, 16, 72, y, title)
				y -= 30
			}
			c.Lines(body, 10, 72, y, 12.5, pdfgen.Wrap(pdfgen.Helvetica, 10, pdfgen.A4Width-144, para)...)
		}
		docs[fmt.Sprintf("/papers/paper%03d.pdf", i+1)] = doc.MustBuild()
	}
	return docs
}

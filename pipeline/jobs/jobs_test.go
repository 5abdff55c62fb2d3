package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

func TestMain(m *testing.M) {
	extract.Worker()
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// backends runs a test on a new corpus in SQLite and on PostgreSQL
// (skipped, with pgtest's message, when there is none).
func backends(t *testing.T, test func(t *testing.T, st *corpus.Store)) {
	for _, b := range []string{"sqlite", "postgres"} {
		t.Run(b, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "corpus.db")
			if b == "postgres" {
				db = pgtest.URL(t)
			}
			st, err := corpus.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			test(t, st)
		})
	}
}

var (
	rulesOnce sync.Once
	ruleSet   *rules.Set
	rulesErr  error
)

func reviewer(t *testing.T) *pipeline.Reviewer {
	t.Helper()
	rulesOnce.Do(func() { ruleSet, rulesErr = rules.Default() })
	if rulesErr != nil {
		t.Fatal(rulesErr)
	}
	return pipeline.NewReviewer(extract.Options{}, ruleSet, rules.Tool{Name: "nhsreview", Version: "test"})
}

// now retries a failed job at once, so that a test waits for no backoff.
type now struct{}

func (now) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

func newQueue(t *testing.T, st *corpus.Store, rv corpus.Reviewer, attempts int) *Queue {
	t.Helper()
	q, err := New(st, Config{Reviewer: rv, Workers: 2, MaxAttempts: attempts, RetryPolicy: now{},
		PollInterval: 20 * time.Millisecond, Fetcher: fetch.NewPolite(fetch.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// run runs the queue's workers until the test ends.
func run(t *testing.T, q *Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(0) })
}

// writeDocs writes n small strategies and returns their paths.
func writeDocs(t *testing.T, n int) []string {
	dir := t.TempDir()
	var paths []string
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("plan%d.md", i))
		body := fmt.Sprintf("# Joint Forward Plan %d\n\n## What we will do\n\nWe will invest £%d.5m a year from 2025/26 in community services.\n", i, i+1)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func count(t *testing.T, st *corpus.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

func wait(t *testing.T, q *Queue, ids []int64) []Job {
	t.Helper()
	jobs, err := q.Wait(context.Background(), ids, 20*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func fetchArgs(paths []string) []FetchArgs {
	var args []FetchArgs
	for _, p := range paths {
		args = append(args, FetchArgs{Source: p, DocKind: "strategy"})
	}
	return args
}

// TestFetchJobs: documents queued (one of them twice) are each stored
// once, by workers sharing the queue.
func TestFetchJobs(t *testing.T) {
	backends(t, func(t *testing.T, st *corpus.Store) {
		q := newQueue(t, st, reviewer(t), 0)
		paths := writeDocs(t, 6)
		ids, err := q.EnqueueFetch(context.Background(), fetchArgs(append(paths, paths[0])))
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != len(paths) {
			t.Errorf("%d jobs for %d documents, one queued twice", len(ids), len(paths))
		}
		// Queued again before any worker runs: the same jobs.
		again, err := q.EnqueueFetch(context.Background(), fetchArgs(paths))
		if err != nil || fmt.Sprint(again) != fmt.Sprint(ids) {
			t.Errorf("queued again: jobs %v, %v; want %v", again, err, ids)
		}
		run(t, q)
		for _, j := range wait(t, q, ids) {
			if j.State != "done" || j.Output == nil || j.Output.Status != "new" {
				t.Errorf("job %d (%s): %s, output %+v, errors %q", j.ID, j.What, j.State, j.Output, j.Errors)
			}
		}
		for _, table := range []string{"documents", "versions", "extractions", "scores"} {
			if n := count(t, st, table); n != len(paths) {
				t.Errorf("%d %s, want %d", n, table, len(paths))
			}
		}
		listed, err := q.List(context.Background(), []string{"done"}, 100)
		if err != nil || len(listed) != len(paths) {
			t.Errorf("listing done jobs: %d, %v; want %d", len(listed), err, len(paths))
		}
		for _, j := range listed {
			if WorkerPID(j.Worker) != os.Getpid() {
				t.Errorf("job %d: worker %q, want this process's id %d in it", j.ID, j.Worker, os.Getpid())
			}
		}
	})
}

// TestTimeouts: the rescue delay defaults to the job timeout and a
// margin, and must be longer than the timeout, as River requires.
func TestTimeouts(t *testing.T) {
	for _, tc := range []struct {
		timeout, rescue         time.Duration
		wantTimeout, wantRescue time.Duration
		wantErr                 bool
	}{
		{0, 0, DefaultJobTimeout, DefaultJobTimeout + RescueMargin, false},
		{10 * time.Second, 0, 10 * time.Second, 10*time.Second + RescueMargin, false},
		{10 * time.Second, 15 * time.Second, 10 * time.Second, 15 * time.Second, false},
		{2 * time.Hour, 0, 2 * time.Hour, 2*time.Hour + RescueMargin, false},
		{0, time.Hour, DefaultJobTimeout, time.Hour, false},
		{10 * time.Second, 10 * time.Second, 0, 0, true},
		{0, 20 * time.Minute, 0, 0, true},
		{-time.Second, 0, 0, 0, true},
	} {
		timeout, rescue, err := Config{JobTimeout: tc.timeout, RescueAfter: tc.rescue}.Timeouts()
		if timeout != tc.wantTimeout || rescue != tc.wantRescue || (err != nil) != tc.wantErr {
			t.Errorf("timeout %s, rescue %s: %s, %s, %v; want %s, %s, error %v", tc.timeout, tc.rescue, timeout, rescue, err, tc.wantTimeout, tc.wantRescue, tc.wantErr)
		}
	}
	if _, err := New(nil, Config{JobTimeout: time.Minute, RescueAfter: time.Minute}); err == nil {
		t.Error("a queue whose rescue comes with the timeout was made")
	}
}

// TestFailedJob: a job that fails is tried MaxAttempts times, then kept
// as failed with each attempt's error.
func TestFailedJob(t *testing.T) {
	backends(t, func(t *testing.T, st *corpus.Store) {
		q := newQueue(t, st, reviewer(t), 3)
		missing := filepath.Join(t.TempDir(), "gone.pdf")
		ids, err := q.EnqueueFetch(context.Background(), []FetchArgs{{Source: missing}})
		if err != nil {
			t.Fatal(err)
		}
		run(t, q)
		j := wait(t, q, ids)[0]
		if j.State != "failed" || j.Attempt != 3 || len(j.Errors) != 3 {
			t.Fatalf("job: state %s, attempt %d, errors %q; want failed after 3", j.State, j.Attempt, j.Errors)
		}
		for _, e := range j.Errors {
			if !strings.Contains(e, missing) {
				t.Errorf("error %q does not name %s", e, missing)
			}
		}
		listed, err := q.List(context.Background(), []string{"failed"}, 10)
		if err != nil || len(listed) != 1 || len(listed[0].Errors) != 3 {
			t.Errorf("listing failed jobs: %+v, %v", listed, err)
		}
		if n := count(t, st, "documents"); n != 0 {
			t.Errorf("%d documents stored by a failed job", n)
		}
	})
}

// TestJobTwice: the same fetch job and the same rescore job, each run
// twice, leave one version, one extraction and one score.
func TestJobTwice(t *testing.T) {
	backends(t, func(t *testing.T, st *corpus.Store) {
		rv := reviewer(t)
		q := newQueue(t, st, rv, 0)
		run(t, q)
		doc := writeDocs(t, 1)
		for range 2 {
			// The first job is done before the second is queued, so the
			// second is a job of its own, not the first again.
			ids, err := q.EnqueueFetch(context.Background(), fetchArgs(doc))
			if err != nil {
				t.Fatal(err)
			}
			if j := wait(t, q, ids)[0]; j.State != "done" {
				t.Fatalf("fetch job: %s, %q", j.State, j.Errors)
			}
		}
		shas, err := st.RescoreDue(context.Background(), rv, true)
		if err != nil || len(shas) != 1 {
			t.Fatalf("versions to rescore: %q, %v", shas, err)
		}
		for range 2 {
			ids, err := q.EnqueueRescore(context.Background(), shas, true)
			if err != nil {
				t.Fatal(err)
			}
			if j := wait(t, q, ids)[0]; j.State != "done" || j.Output == nil || j.Output.Status != "extracted" {
				t.Fatalf("rescore job: %s, %+v, %q", j.State, j.Output, j.Errors)
			}
		}
		for _, table := range []string{"documents", "versions", "extractions", "scores"} {
			if n := count(t, st, table); n != 1 {
				t.Errorf("%d %s after each job twice, want 1", n, table)
			}
		}
		if n := count(t, st, "fetches"); n != 2 {
			t.Errorf("%d fetches recorded, want 2 (one per run)", n)
		}
	})
}

// blocking reads nothing until its context is cancelled, telling
// started when it begins.
type blocking struct {
	*pipeline.Reviewer
	started chan struct{}
}

func (b *blocking) Read(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
	close(b.started)
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestStopReturnsJob: a worker stopped with no grace and a job in hand
// hands it back to the queue, where another worker runs it; nothing is
// stored by the interrupted try.
func TestStopReturnsJob(t *testing.T) {
	backends(t, func(t *testing.T, st *corpus.Store) {
		rv := &blocking{Reviewer: reviewer(t), started: make(chan struct{})}
		q := newQueue(t, st, rv, 0)
		ids, err := q.EnqueueFetch(context.Background(), fetchArgs(writeDocs(t, 1)))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- q.Run(ctx, 0) }()
		<-rv.started
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("stopping: %v", err)
		}
		jobs, err := q.List(context.Background(), nil, 10)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("jobs: %+v, %v", jobs, err)
		}
		if j := jobs[0]; j.ID != ids[0] || j.State != "queued" {
			t.Errorf("job after the stop: %s %+v; want queued again", j.State, j)
		}
		if n := count(t, st, "documents"); n != 0 {
			t.Errorf("%d documents stored by a cancelled job", n)
		}
		// Another worker takes the job up and does it.
		q2 := newQueue(t, st, reviewer(t), 0)
		run(t, q2)
		if j := wait(t, q2, ids)[0]; j.State != "done" {
			t.Errorf("the job handed back, run again: %s, %q", j.State, j.Errors)
		}
		if n := count(t, st, "versions"); n != 1 {
			t.Errorf("%d versions, want 1", n)
		}
	})
}

// held reads once released, telling started when it begins; its context
// is not what ends it.
type held struct {
	*pipeline.Reviewer
	started, release chan struct{}
}

func (h *held) Read(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
	close(h.started)
	<-h.release
	return h.Reviewer.Read(ctx, res)
}

// TestStopFinishesJob: a worker stopped with grace finishes the job in
// hand, which is then done, and stored.
func TestStopFinishesJob(t *testing.T) {
	backends(t, func(t *testing.T, st *corpus.Store) {
		rv := &held{Reviewer: reviewer(t), started: make(chan struct{}), release: make(chan struct{})}
		q := newQueue(t, st, rv, 0)
		ids, err := q.EnqueueFetch(context.Background(), fetchArgs(writeDocs(t, 1)))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		// The grace is never reached: the job is released once the stop
		// has been asked for.
		go func() { done <- q.Run(ctx, time.Hour) }()
		<-rv.started
		cancel()
		close(rv.release)
		if err := <-done; err != nil {
			t.Fatalf("stopping: %v", err)
		}
		jobs, err := q.List(context.Background(), nil, 10)
		if err != nil || len(jobs) != 1 || jobs[0].ID != ids[0] || jobs[0].State != "done" {
			t.Fatalf("job after the stop: %+v, %v; want done", jobs, err)
		}
		if n := count(t, st, "versions"); n != 1 {
			t.Errorf("%d versions, want 1", n)
		}
	})
}

// TestWaitGone: a job deleted while waited for ends the wait, as gone.
func TestWaitGone(t *testing.T) {
	backends(t, func(t *testing.T, st *corpus.Store) {
		q := newQueue(t, st, nil, 0)
		ids, err := q.EnqueueFetch(context.Background(), fetchArgs(writeDocs(t, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().Exec(`DELETE FROM river_job`); err != nil {
			t.Fatal(err)
		}
		if j := wait(t, q, ids)[0]; j.State != Gone || j.ID != ids[0] {
			t.Errorf("deleted job: %+v", j)
		}
	})
}

func upload(name string, data []byte) *fetched.Doc {
	return &fetched.Doc{Source: "/upload/" + name, Data: data, FetchedAt: time.Now()}
}

// TestUploadJobs: an upload is kept in the database with its job, in one
// transaction; queued again while pending it is the same job; a worker
// stores it (the job recording the document's number) and drops the
// upload's bytes; queued again after, the job finds them among the
// stored contents and stores nothing twice. Bytes that are not a
// document fail at once, and are dropped.
func TestUploadJobs(t *testing.T) {
	backends(t, func(t *testing.T, st *corpus.Store) {
		ctx := context.Background()
		q := newQueue(t, st, reviewer(t), 0)
		data, err := os.ReadFile(writeDocs(t, 1)[0])
		if err != nil {
			t.Fatal(err)
		}
		id, err := q.EnqueueUpload(ctx, upload("plan.md", data), corpus.Meta{Kind: "strategy"})
		if err != nil {
			t.Fatal(err)
		}
		again, err := q.EnqueueUpload(ctx, upload("plan.md", data), corpus.Meta{Kind: "strategy"})
		if err != nil || again != id {
			t.Errorf("the same upload queued again: job %d, %v; want %d", again, err, id)
		}
		other, err := q.EnqueueUpload(ctx, upload("notes.bin", []byte{0, 1, 2, 3, 0xff, 0xfe}), corpus.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := st.Uploads(ctx); n != 2 {
			t.Errorf("%d uploads waiting, want 2", n)
		}
		// Before any worker: the second job has the first ahead of it.
		if waiting, running, err := q.Ahead(ctx, other); err != nil || waiting != 1 || running != 0 {
			t.Errorf("ahead of job %d: %d waiting, %d running, %v; want 1, 0", other, waiting, running, err)
		}
		if j, err := q.Get(ctx, id); err != nil || j.State != "queued" || j.Kind != "upload" || j.What != "/upload/plan.md" {
			t.Errorf("job %d: %+v, %v", id, j, err)
		}
		if _, err := q.Get(ctx, other+100); !errors.Is(err, ErrNoJob) {
			t.Errorf("a job never queued: %v, want ErrNoJob", err)
		}

		run(t, q)
		jobs := wait(t, q, []int64{id, other})
		if j := jobs[0]; j.State != "done" || j.Output == nil || j.Output.Status != "new" || j.Output.Document == 0 {
			t.Fatalf("upload job: %s, output %+v, errors %q", j.State, j.Output, j.Errors)
		}
		if j := jobs[1]; j.State != "failed" || j.Attempt != 1 || len(j.Errors) != 1 || !strings.Contains(j.Errors[0], "(not retried)") {
			t.Errorf("upload of no document: %s after %d tries, errors %q; want failed at once", j.State, j.Attempt, j.Errors)
		}
		if n, _ := st.Uploads(ctx); n != 0 {
			t.Errorf("%d uploads left after their jobs", n)
		}
		e, err := st.Show(ctx, fmt.Sprint(jobs[0].Output.Document), "")
		if err != nil || e.Source != "/upload/plan.md" || e.Kind != "strategy" {
			t.Errorf("the stored document: %+v, %v", e, err)
		}

		// The same job run again, its bytes dropped by the first run:
		// found among the stored contents, stored once.
		var a UploadArgs
		if err := json.Unmarshal(jobs[0].Args, &a); err != nil || a.SHA256 == "" {
			t.Fatalf("the job's arguments %s: %v", jobs[0].Args, err)
		}
		res, err := q.client.Insert(ctx, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		if j := wait(t, q, []int64{res.Job.ID})[0]; j.State != "done" || j.Output == nil || j.Output.Status != "unchanged" || j.Output.Document != jobs[0].Output.Document {
			t.Errorf("the upload's job again: %s, %+v, %q", j.State, j.Output, j.Errors)
		}
		for _, table := range []string{"documents", "versions", "extractions", "scores", "contents"} {
			if n := count(t, st, table); n != 1 {
				t.Errorf("%d %s after the upload's job twice, want 1", n, table)
			}
		}
	})
}

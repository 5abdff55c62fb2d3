package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// fetchWorker runs fetch jobs.
type fetchWorker struct {
	river.WorkerDefaults[FetchArgs]
	st  *corpus.Store
	pol *fetch.Polite
	rv  corpus.Reviewer
}

// Output is what a job that ended well records, for those who wait.
type Output struct {
	Status   string   `json:"status"` // new, changed, unchanged, ...; extracted, scored, current
	Warnings []string `json:"warnings,omitempty"`
	// Document is the number of the document a fetch or upload job
	// stored (0 for a rescore).
	Document int64 `json:"document,omitempty"`
}

func (w *fetchWorker) Work(ctx context.Context, job *river.Job[FetchArgs]) error {
	a := job.Args
	out, err := pipeline.FetchOne(ctx, w.st, w.pol, w.rv, a.Source, corpus.Meta{Org: a.Org, Kind: a.DocKind})
	if permanent(err) {
		// Asking again would get the same answer.
		return river.JobCancel(fmt.Errorf("%s: %w (%w)", a.Source, err, errCancelled))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", a.Source, err)
	}
	return river.RecordOutput(ctx, Output{Status: string(out.Status), Warnings: corpus.PaperWarnings(out.Papers, out.PapersErr), Document: out.DocumentID})
}

// permanent says whether a fetch's error is one a later try would meet
// again: robots.txt closes the document, or the server answered a 4xx
// other than 408 and 429 (which the polite fetcher has already retried
// with backoff, as it has 5xx answers).
func permanent(err error) bool {
	var se *fetch.StatusError
	if errors.As(err, &se) {
		return se.Code >= 400 && se.Code < 500 && se.Code != 408 && se.Code != 429
	}
	return errors.Is(err, fetch.ErrDisallowed)
}

// rescoreWorker runs rescore jobs.
type rescoreWorker struct {
	river.WorkerDefaults[RescoreArgs]
	st *corpus.Store
	rv corpus.Reviewer
}

func (w *rescoreWorker) Work(ctx context.Context, job *river.Job[RescoreArgs]) error {
	ev, err := w.st.RescoreVersion(ctx, w.rv, job.Args.SHA256, job.Args.All)
	if errors.Is(err, corpus.ErrNoVersion) {
		return river.JobCancel(err)
	}
	if err != nil {
		return fmt.Errorf("%s (%.12s): %w", ev.Source, job.Args.SHA256, err)
	}
	status := ev.Action
	if status == "" {
		status = "current"
	}
	return river.RecordOutput(ctx, Output{Status: status, Warnings: ev.Warnings})
}

// uploadWorker runs upload jobs.
type uploadWorker struct {
	river.WorkerDefaults[UploadArgs]
	st *corpus.Store
	rv corpus.Reviewer
}

// Work stores the upload as the web server would have (corpus.Ingest,
// keyed by content hash and rules version: a job run twice stores once,
// the second run finding the bytes among the stored contents), then
// drops the upload's bytes, which the stored content now holds. An upload
// that is not a document nhsreview reads is given up at once, and its
// bytes dropped, as they are after the last try.
func (w *uploadWorker) Work(ctx context.Context, job *river.Job[UploadArgs]) error {
	a := job.Args
	data, err := w.st.Upload(ctx, a.SHA256)
	if errors.Is(err, corpus.ErrNoUpload) {
		return river.JobCancel(fmt.Errorf("%s: %w (%w)", a.Source, err, errCancelled))
	}
	if err != nil {
		return w.failed(ctx, job, err)
	}
	res := &fetched.Doc{Source: a.Source, URL: a.URL, Data: data, ContentType: a.ContentType, Status: a.Status,
		ETag: a.ETag, LastModified: a.LastModified, FetchedAt: a.Received}
	if res.FetchedAt.IsZero() {
		res.FetchedAt = time.Now()
	}
	out, err := w.st.Ingest(ctx, w.rv, res, corpus.Meta{Org: a.Org, Kind: a.DocKind})
	if errors.Is(err, fetched.ErrUnsupported) {
		w.drop(ctx, a.SHA256)
		return river.JobCancel(fmt.Errorf("%s: %w (%w)", a.Source, err, errCancelled))
	}
	if err != nil {
		return w.failed(ctx, job, err)
	}
	warnings := corpus.PaperWarnings(out.Papers, out.PapersErr)
	if err := w.st.DropUpload(ctx, a.SHA256); err != nil {
		// Stored: the job is done; the bytes wait twice until the next
		// job of the same bytes drops them.
		warnings = append(warnings, err.Error())
	}
	return river.RecordOutput(ctx, Output{Status: string(out.Status), Warnings: warnings, Document: out.DocumentID})
}

// failed is the error of a try that failed: after the last try the
// upload's bytes are dropped (no job will store them), unless the worker
// is stopping, when River hands the job back without counting the try.
func (w *uploadWorker) failed(ctx context.Context, job *river.Job[UploadArgs], err error) error {
	if job.Attempt >= job.MaxAttempts && ctx.Err() == nil {
		w.drop(ctx, job.Args.SHA256)
	}
	return fmt.Errorf("%s: %w", job.Args.Source, err)
}

// drop removes an upload's bytes; failing to is not the job's failure
// (the bytes are only kept longer).
func (w *uploadWorker) drop(ctx context.Context, sha string) {
	_ = w.st.DropUpload(context.WithoutCancel(ctx), sha)
}

// Job is one job as 'nhsreview jobs' shows it.
type Job struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"`
	State string `json:"state"` // see States
	// What is the job's document: a fetch's source, a rescore's SHA-256.
	What        string          `json:"what"`
	Args        json.RawMessage `json:"args"`
	Attempt     int             `json:"attempt"`
	MaxAttempts int             `json:"max_attempts"`
	Created     time.Time       `json:"created"`
	Finished    *time.Time      `json:"finished,omitempty"`
	// Worker names the client of the last try (a running job's worker):
	// its host, process id (WorkerPID), number in the process and start
	// time, as in "db1_pid4242_1_2026_12_07T09_00_00_000000".
	Worker string `json:"worker,omitempty"`
	// Errors are the failed attempts' errors, oldest first.
	Errors []string `json:"errors,omitempty"`
	Output *Output  `json:"output,omitempty"`
}

// States are the states 'nhsreview jobs' names, each some of River's:
// queued (to run, or waiting for its retry), running, failed (given up
// after its last attempt, or not retried), done.
var States = map[string][]rivertype.JobState{
	"queued":  {rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateScheduled, rivertype.JobStateRetryable},
	"running": {rivertype.JobStateRunning},
	"failed":  {rivertype.JobStateDiscarded, rivertype.JobStateCancelled},
	"done":    {rivertype.JobStateCompleted},
}

// StateNames are the keys of States, in the order a job goes through them.
var StateNames = []string{"queued", "running", "failed", "done"}

func stateName(s rivertype.JobState) string {
	for name, states := range States {
		if slices.Contains(states, s) {
			return name
		}
	}
	return string(s)
}

// riverRescued is the error River records for a try still running after
// the rescue delay, handed back; Rescued says it in nhsreview's words.
const (
	riverRescued = "Stuck job rescued by JobRescuer"
	Rescued      = "handed back: still running after the rescue delay, its worker taken for lost"
)

func jobOf(row *rivertype.JobRow) Job {
	j := Job{ID: row.ID, Kind: row.Kind, State: stateName(row.State), Args: json.RawMessage(row.EncodedArgs),
		Attempt: row.Attempt, MaxAttempts: row.MaxAttempts, Created: row.CreatedAt, Finished: row.FinalizedAt}
	if len(row.AttemptedBy) > 0 {
		j.Worker = row.AttemptedBy[len(row.AttemptedBy)-1]
	}
	var args struct {
		Source string `json:"source"`
		SHA256 string `json:"sha256"`
	}
	if json.Unmarshal(row.EncodedArgs, &args) == nil {
		// A fetch's or an upload's source, a rescore's content.
		j.What = args.Source
		if j.What == "" {
			j.What = args.SHA256
		}
	}
	for _, e := range row.Errors {
		// River names its wrapper of a job given up at once; the
		// error's own words follow, and "(not retried)" says it.
		msg := strings.TrimPrefix(e.Error, "JobCancelError: ")
		if msg == riverRescued {
			msg = Rescued
		}
		j.Errors = append(j.Errors, msg)
	}
	if out := row.Output(); len(out) > 0 {
		var o Output
		if json.Unmarshal(out, &o) == nil {
			j.Output = &o
		}
	}
	return j
}

// List lists the jobs in the states named (all with none), newest
// first, at most limit of them.
func (q *Queue) List(ctx context.Context, states []string, limit int) ([]Job, error) {
	p := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(max(limit, 1))
	var rs []rivertype.JobState
	for _, s := range states {
		st, ok := States[s]
		if !ok {
			return nil, fmt.Errorf("no job state %q (use %v)", s, StateNames)
		}
		rs = append(rs, st...)
	}
	if len(rs) > 0 {
		p = p.States(rs...)
	}
	res, err := q.client.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("job queue %s: listing jobs: %w", q.st.Path(), err)
	}
	jobs := make([]Job, len(res.Jobs))
	for i, row := range res.Jobs {
		jobs[i] = jobOf(row)
	}
	return jobs, nil
}

// ErrNoJob is Get's error for a job not in the queue: never queued, or
// deleted (River deletes done jobs after a day, failed ones after a
// week).
var ErrNoJob = errors.New("no such job in the queue")

// Get is one job.
func (q *Queue) Get(ctx context.Context, id int64) (Job, error) {
	row, err := q.client.JobGet(ctx, id)
	if errors.Is(err, rivertype.ErrNotFound) {
		return Job{}, fmt.Errorf("job %d: %w", id, ErrNoJob)
	}
	if err != nil {
		return Job{}, fmt.Errorf("job queue %s: reading job %d: %w", q.st.Path(), id, err)
	}
	return jobOf(row), nil
}

// Ahead counts the jobs of the queue waiting to run that were queued
// before job id (which workers take first), and the jobs running now.
func (q *Queue) Ahead(ctx context.Context, id int64) (waiting, running int, err error) {
	// River's own table, read as River's job list would (it has no
	// count): its states are text on SQLite, an enum on PostgreSQL, and
	// read alike as literals; id is a number, written in.
	var states []string
	for _, s := range States["queued"] {
		states = append(states, "'"+string(s)+"'")
	}
	err = q.st.DB().QueryRowContext(ctx, fmt.Sprintf(`SELECT
		(SELECT count(*) FROM river_job WHERE state IN (%s) AND id < %d),
		(SELECT count(*) FROM river_job WHERE state = 'running')`, strings.Join(states, ", "), id)).Scan(&waiting, &running)
	if err != nil {
		return 0, 0, fmt.Errorf("job queue %s: counting the jobs ahead of job %d: %w", q.st.Path(), id, err)
	}
	return waiting, running, nil
}

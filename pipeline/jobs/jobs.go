// Package jobs is nhsreview's job queue: the work of a crawl and of a
// rescore cut into one job per document or per stored version, kept in
// the corpus's own database by River (github.com/riverqueue/river), so
// that any number of workers on any machines share it. A job is claimed
// by one worker at a time, retried with backoff when it fails, kept as
// discarded with its errors after its last attempt, and handed back
// (retried later) when its worker stops or dies.
//
// There are three kinds: fetch (one URL or file: fetch, extract, score,
// store, as a crawl does each document), rescore (one stored content,
// as 'corpus rescore' does each) and upload (a document a web server
// received, its bytes kept in the database until the job stores them). Each stores through the corpus's
// upserts keyed by content hash, extractor and rules version, so a job
// run twice leaves what one run leaves.
//
// On PostgreSQL the queue uses River's database/sql driver (polling, as
// database/sql has no LISTEN); on SQLite River's SQLite driver over the
// same modernc.org/sqlite file, whose busy timeout makes River's writers
// wait their turn.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// DefaultAttempts is how many times a job is tried before it is kept as
// failed: enough to ride out a server's bad hour with River's backoff
// (attempt⁴ seconds: 1s, 16s, 81s, 256s), few enough that a document
// that cannot be read stops costing work soon.
const DefaultAttempts = 5

// FetchArgs is a fetch job: one document to fetch, read, score and
// store, filed under Org and Kind.
type FetchArgs struct {
	Source string `json:"source"` // a URL, or a file's absolute path
	Org    string `json:"org,omitempty"`
	// DocKind is the document's kind (strategy, board-papers, ...).
	DocKind string `json:"doc_kind,omitempty"`
}

// Kind names the job kind in River's tables.
func (FetchArgs) Kind() string { return "fetch" }

// RescoreArgs is a rescore job: one stored content (its SHA-256) to read
// again and score under the worker's rules, as 'corpus rescore' does.
type RescoreArgs struct {
	SHA256 string `json:"sha256"`
	All    bool   `json:"all,omitempty"` // read again even when current
}

// Kind names the job kind in River's tables.
func (RescoreArgs) Kind() string { return "rescore" }

// UploadArgs is an upload job: a document a web server received (`serve
// --queue`), an upload or a link it fetched, whose bytes wait in the
// corpus's database (corpus.Store.PutUpload) under SHA256, to read,
// score and store under Source, filed under Org and DocKind, as the
// server would have in its own process.
type UploadArgs struct {
	SHA256 string `json:"sha256" river:"unique"`
	// Source is how the corpus names the document: /upload/PREFIX/NAME
	// for an upload (named by its content and file name), the link for
	// a document fetched from one.
	Source  string `json:"source" river:"unique"`
	Org     string `json:"org,omitempty" river:"unique"`
	DocKind string `json:"doc_kind,omitempty" river:"unique"`
	// What the link's server said, as a fetch records it (empty for an
	// upload), and when the bytes arrived.
	URL          string    `json:"url,omitempty"`
	ContentType  string    `json:"content_type,omitempty"`
	Status       int       `json:"status,omitempty"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Received     time.Time `json:"received"`
}

// Kind names the job kind in River's tables.
func (UploadArgs) Kind() string { return "upload" }

// pending are the states in which a job is still to be done: a second
// enqueue of the same arguments then adds nothing, while a document
// done (or failed) before can be queued again by the next crawl.
var pending = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

// Config is how a Queue runs jobs. A Queue with no Reviewer only enqueues
// and lists: it runs no job.
type Config struct {
	Reviewer corpus.Reviewer
	// Fetcher fetches the fetch jobs' documents (nil: a polite fetcher
	// with the default limits).
	Fetcher *fetch.Polite
	// Workers is how many jobs run at once (at least 1).
	Workers int
	// MaxAttempts is how many times a job is tried (0: DefaultAttempts).
	MaxAttempts int
	// RetryPolicy, if set, says when a failed job is tried again
	// (River's default: attempt⁴ seconds later).
	RetryPolicy river.ClientRetryPolicy
	// PollInterval is how often workers look for new jobs (0: 1s).
	PollInterval time.Duration
	// JobTimeout is the most one job may take: its context is cancelled
	// then, and it fails (0: DefaultJobTimeout).
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it is taken
	// for lost (its worker died) and handed back to the queue, to be tried
	// again; longer than JobTimeout (0: JobTimeout plus RescueMargin). The
	// handing back is done by one of the clients running jobs, elected
	// among them (River's leader), with its own settings: the workers of a
	// queue should share them.
	RescueAfter time.Duration
	// Logger receives River's own messages (nil: none).
	Logger *slog.Logger
}

// DefaultJobTimeout is the most one job may take: a large scanned pack
// read with OCR takes minutes, never half an hour. A job still running
// RescueMargin after its timeout has lost its worker (a job past its
// timeout is cancelled, and ends within seconds), and is handed to
// another: by default 35 minutes after it started.
const (
	DefaultJobTimeout = 30 * time.Minute
	RescueMargin      = 5 * time.Minute
)

// Timeouts returns the job timeout and the rescue delay cfg gives, with
// their defaults, or an error when the rescue would come before the
// timeout (a job would be handed to a second worker while the first
// still runs it).
func (cfg Config) Timeouts() (timeout, rescue time.Duration, err error) {
	timeout, rescue = cfg.JobTimeout, cfg.RescueAfter
	if timeout < 0 || rescue < 0 {
		return 0, 0, errors.New("the job timeout and the rescue delay cannot be negative")
	}
	if timeout == 0 {
		timeout = DefaultJobTimeout
	}
	if rescue == 0 {
		rescue = timeout + RescueMargin
	}
	if rescue <= timeout {
		return 0, 0, fmt.Errorf("the rescue delay (%s) must be longer than the job timeout (%s): a job still running would be handed to a second worker", rescue, timeout)
	}
	return timeout, rescue, nil
}

// Queue is the job queue of one corpus.
type Queue struct {
	client *river.Client[*sql.Tx]
	st     *corpus.Store
}

// New opens the queue of st's database, whose tables corpus.Open made.
func New(st *corpus.Store, cfg Config) (*Queue, error) {
	timeout, rescue, err := cfg.Timeouts()
	if err != nil {
		return nil, err
	}
	var driver riverdriver.Driver[*sql.Tx]
	if st.File() == "" {
		driver = riverdatabasesql.New(st.DB())
	} else {
		driver = riversqlite.New(st.DB())
	}
	rc := &river.Config{
		ID:                   clientID(),
		MaxAttempts:          cfg.MaxAttempts,
		RetryPolicy:          cfg.RetryPolicy,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, river.FetchCooldownDefault),
		JobTimeout:           timeout,
		RescueStuckJobsAfter: rescue,
		// database/sql and SQLite have no LISTEN/NOTIFY: workers poll.
		PollOnly: true,
		Logger:   cfg.Logger,
	}
	if rc.MaxAttempts <= 0 {
		rc.MaxAttempts = DefaultAttempts
	}
	if rc.FetchPollInterval <= 0 {
		rc.FetchPollInterval = time.Second
		rc.FetchCooldown = river.FetchCooldownDefault
	}
	if rc.Logger == nil {
		rc.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Reviewer != nil {
		pol := cfg.Fetcher
		if pol == nil {
			pol = fetch.NewPolite(fetch.Options{})
		}
		rc.Workers = river.NewWorkers()
		river.AddWorker(rc.Workers, &fetchWorker{st: st, pol: pol, rv: cfg.Reviewer})
		river.AddWorker(rc.Workers, &rescoreWorker{st: st, rv: cfg.Reviewer})
		river.AddWorker(rc.Workers, &uploadWorker{st: st, rv: cfg.Reviewer})
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(cfg.Workers, 1)}}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("job queue %s: %w", st.Path(), err)
	}
	return &Queue{client: client, st: st}, nil
}

// clientSeq numbers the clients of this process.
var clientSeq atomic.Int64

// clientID names a client in River's tables (a job's attempted_by, the
// leader): River's default, the host and the time, with the process id
// and the client's number in the process, so that the worker running a
// job can be told ('nhsreview jobs --format json': worker).
func clientID() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "unknown_host"
	}
	host = strings.ReplaceAll(host, ".", "_")
	if len(host) > 60 {
		host = host[:60]
	}
	return fmt.Sprintf("%s_pid%d_%d_%s", host, os.Getpid(), clientSeq.Add(1),
		strings.Replace(time.Now().UTC().Format("2006_01_02T15_04_05.000000"), ".", "_", 1))
}

// WorkerPID is the process id in a job's Worker (0: none, as for a
// worker of another program).
func WorkerPID(worker string) int {
	m := pidRE.FindStringSubmatch(worker)
	if m == nil {
		return 0
	}
	pid, _ := strconv.Atoi(m[1])
	return pid
}

var pidRE = lazyre.New(`_pid(\d+)_\d+_\d{4}_\d\d_\d\dT`)

// EnqueueFetch queues a fetch job per document (per distinct FetchArgs)
// and returns the jobs' IDs; a document already queued and not yet done
// keeps its job, whose ID is returned.
func (q *Queue) EnqueueFetch(ctx context.Context, docs []FetchArgs) ([]int64, error) {
	// A batch may not hold one unique job twice: a document a crawl
	// found on two pages is queued once.
	var params []river.InsertManyParams
	seen := make(map[FetchArgs]bool, len(docs))
	for _, d := range docs {
		if !seen[d] {
			seen[d] = true
			params = append(params, river.InsertManyParams{Args: d, InsertOpts: uniqueOpts()})
		}
	}
	return q.insert(ctx, params)
}

// EnqueueRescore queues a rescore job per content.
func (q *Queue) EnqueueRescore(ctx context.Context, shas []string, all bool) ([]int64, error) {
	var params []river.InsertManyParams
	seen := make(map[string]bool, len(shas))
	for _, sha := range shas {
		if !seen[sha] {
			seen[sha] = true
			params = append(params, river.InsertManyParams{Args: RescoreArgs{SHA256: sha, All: all}, InsertOpts: uniqueOpts()})
		}
	}
	return q.insert(ctx, params)
}

// EnqueueUpload keeps a document's bytes in the corpus's database and
// queues an upload job to store it, in one transaction: both are kept,
// or neither. The same document (bytes, source, organisation and kind)
// queued again while its job is pending keeps that job, whose ID is
// returned.
func (q *Queue) EnqueueUpload(ctx context.Context, res *fetched.Doc, meta corpus.Meta) (int64, error) {
	args := UploadArgs{Source: res.Source, Org: meta.Org, DocKind: meta.Kind, URL: res.URL, ContentType: res.ContentType,
		Status: res.Status, ETag: res.ETag, LastModified: res.LastModified, Received: res.FetchedAt.UTC()}
	var id int64
	_, err := q.st.PutUpload(ctx, res.Data, func(tx *sql.Tx, sha string) error {
		args.SHA256 = sha
		r, err := q.client.InsertTx(ctx, tx, args, uniqueOpts())
		if err != nil {
			return fmt.Errorf("job queue %s: %w", q.st.Path(), err)
		}
		id = r.Job.ID
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("queueing %s: %w", res.Source, err)
	}
	return id, nil
}

func uniqueOpts() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pending}}
}

func (q *Queue) insert(ctx context.Context, params []river.InsertManyParams) ([]int64, error) {
	if len(params) == 0 {
		return nil, nil
	}
	res, err := q.client.InsertMany(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("job queue %s: queueing %d jobs: %w", q.st.Path(), len(params), err)
	}
	ids := make([]int64, len(res))
	for i, r := range res {
		ids[i] = r.Job.ID
	}
	return ids, nil
}

// Run runs jobs until ctx is cancelled, then stops: the jobs in hand
// are given grace to finish, and those still running after it are
// cancelled and handed back to the queue (tried again later, by any
// worker), so that no job is lost. With grace 0 they are handed back at
// once.
func (q *Queue) Run(ctx context.Context, grace time.Duration) error {
	// The jobs run under a context of their own: cancelling ctx asks
	// for a stop, it does not cut the jobs short.
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job queue %s: starting the workers: %w", q.st.Path(), err)
	}
	<-ctx.Done()
	return q.Stop(grace)
}

// Start starts running jobs in the background, until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("job queue %s: starting the workers: %w", q.st.Path(), err)
	}
	return nil
}

// Stop stops the workers Start or Run started, as Run says.
func (q *Queue) Stop(grace time.Duration) error {
	if grace > 0 {
		gctx, cancel := context.WithTimeout(context.Background(), grace)
		err := q.client.Stop(gctx)
		cancel()
		if err == nil {
			return nil
		}
	}
	if err := q.client.StopAndCancel(context.Background()); err != nil {
		return fmt.Errorf("job queue %s: stopping the workers: %w", q.st.Path(), err)
	}
	return nil
}

// finalized says whether a job is over: done, or given up.
func finalized(s rivertype.JobState) bool {
	return s == rivertype.JobStateCompleted || s == rivertype.JobStateDiscarded || s == rivertype.JobStateCancelled
}

// Gone is the state Wait gives a job no longer in the queue.
const Gone = "gone"

// Wait waits until every job of ids is over (done, or failed for good,
// or Gone) and returns them; poll is how often it looks (0: 1s). end, if set, is
// told each job as it ends.
func (q *Queue) Wait(ctx context.Context, ids []int64, poll time.Duration, end func(Job)) ([]Job, error) {
	if poll <= 0 {
		poll = time.Second
	}
	done := make(map[int64]Job, len(ids))
	for {
		var open []int64
		for _, id := range ids {
			if _, ok := done[id]; !ok {
				open = append(open, id)
			}
		}
		for len(open) > 0 {
			batch := open[:min(len(open), 1000)]
			open = open[len(batch):]
			res, err := q.client.JobList(ctx, river.NewJobListParams().IDs(batch...).First(len(batch)))
			if err != nil {
				return nil, fmt.Errorf("job queue %s: %w", q.st.Path(), err)
			}
			listed := make(map[int64]bool, len(res.Jobs))
			for _, row := range res.Jobs {
				listed[row.ID] = true
				if finalized(row.State) {
					j := jobOf(row)
					done[row.ID] = j
					if end != nil {
						end(j)
					}
				}
			}
			for _, id := range batch {
				if !listed[id] {
					// Deleted (by hand, or by River's cleaner a day
					// after it ended): waiting longer would be forever.
					j := Job{ID: id, State: Gone}
					done[id] = j
					if end != nil {
						end(j)
					}
				}
			}
		}
		if len(done) == len(uniq(ids)) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(poll):
		}
	}
	jobs := make([]Job, 0, len(ids))
	for _, id := range uniq(ids) {
		jobs = append(jobs, done[id])
	}
	return jobs, nil
}

// uniq is ids without repeats (a document queued twice in one crawl is
// one job), in their order.
func uniq(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// errCancelled marks the errors a job gives up on at once: trying again
// would meet them again.
var errCancelled = errors.New("not retried")

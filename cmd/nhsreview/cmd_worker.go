package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
)

// workerOptions are the flags of 'worker'.
type workerOptions struct {
	db       corpusFlags
	read     readOptions
	rulesDir string
	grace    time.Duration
}

func newWorkerCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts workerOptions
	c := &cobra.Command{
		Use:   "worker [--db URL] [--jobs N] [--rules DIR] [--grace DURATION]",
		Short: "Run the corpus's queued jobs (crawl, rescore and serve --queue) until stopped",
		Long: `Runs the jobs queued in the corpus's database ('corpus crawl --queue',
'corpus rescore --queue', 'serve --queue'), --jobs of them at once, until
stopped: fetch jobs fetch, read, score and store one document, as a crawl
does; rescore jobs read again and score one stored version under this
worker's rules (the built-in set, or --rules DIR); upload jobs read, score
and store a document a web server received, whose bytes wait in the
database. Any number of workers, on any machines, may
share a PostgreSQL database: each job is claimed by one worker. A job that
fails is tried again with backoff (1s, 16s, 81s, 256s), and after 5 tries
kept as failed with its errors ('nhsreview jobs --state failed'); a 4xx
answer (but 408 and 429) or a robots.txt refusal fails it at once. Each job
stores as 'corpus add' does, keyed by content hash and rules version, so a
job run twice leaves one version, extraction and score.

SIGTERM or Ctrl-C stops the worker: the jobs in hand are given --grace to
finish, and those still running then are handed back to the queue, to be
run again by the next worker; a second Ctrl-C kills at once. A worker that
dies has its jobs handed back after an hour.

Exit codes: 143 stopped by SIGTERM, 130 by Ctrl-C (the jobs in hand
finished or handed back), as for every command; 2 the database could not
be opened, or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runWorker(c.Context(), opts, stdout, stderr))
		},
	}
	opts.db.register(c.Flags(), "")
	registerRules(c, &opts.rulesDir)
	c.Flags().DurationVar(&opts.grace, "grace", 30*time.Second, "time the jobs in hand may take to finish when the worker is stopped (0: hand them back at once)")
	opts.read.register(c)
	return c
}

// runWorker runs the queue until ctx is cancelled (main cancels it on
// SIGTERM and Ctrl-C).
func runWorker(ctx context.Context, opts workerOptions, stdout, stderr io.Writer) int {
	if opts.grace < 0 {
		return fail(stderr, errors.New("--grace cannot be negative"))
	}
	if err := opts.read.check(); err != nil {
		return fail(stderr, err)
	}
	rs, err := loadRules(opts.rulesDir)
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	q, err := newJobQueue(st, opts.read, nil, newReviewer(opts.read, rs), stderr)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stderr, "nhsreview: worker on %s: running up to %d jobs at once (rules %.12s); stop with SIGTERM or Ctrl-C\n", st.Path(), max(opts.read.jobs, 1), rs.Version)
	if err := q.Run(ctx, opts.grace); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintln(stderr, "nhsreview: worker stopped")
	return exitOK
}

// newJobQueue is the job queue of st with workers fetching with pol (nil:
// a polite fetcher with ro's limits) and reading with ro and rv; River's
// own messages at warning level and above (a job that failed) go to
// stderr.
func newJobQueue(st *corpus.Store, ro readOptions, pol *fetch.Polite, rv corpus.Reviewer, stderr io.Writer) (*jobs.Queue, error) {
	if pol == nil {
		pol = fetch.NewPolite(ro.fetchLimits())
	}
	return jobs.New(st, jobs.Config{Reviewer: rv, Fetcher: pol, Workers: ro.jobs, Logger: warnLogger(stderr)})
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
)

// workerOptions are the flags of 'worker'.
type workerOptions struct {
	db          corpusFlags
	read        readOptions
	rulesDir    string
	grace       time.Duration
	delay       time.Duration
	retries     int
	jobTimeout  time.Duration
	rescueAfter time.Duration
}

func newWorkerCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts workerOptions
	c := &cobra.Command{
		Use:   "worker [--db URL] [--jobs N] [--rules DIR] [--grace DURATION] [--rescue-after DURATION]",
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
job run twice leaves one version, extraction and score. Fetch jobs are
polite as a crawl is (robots.txt, --delay and --retries per host, within
this worker).

SIGTERM or Ctrl-C stops the worker: the jobs in hand are given --grace to
finish, and those still running then are handed back to the queue, to be
run again by the next worker; a second Ctrl-C kills at once. A job running
longer than --job-timeout is cancelled, and fails that try. A worker that
dies (SIGKILL, its machine lost) leaves its jobs running: they are handed
back, as a failed try, once they have been running --rescue-after (by
default 5 minutes more than --job-timeout, and always longer; River looks
every 30 seconds), and tried again after the usual backoff. One of the
processes running jobs does the handing back, under its own settings: give
every worker the same.

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
	c.Flags().DurationVar(&opts.delay, "delay", fetch.DefaultDelay, "least time between two requests of this worker to one host (a longer robots.txt Crawl-delay wins)")
	c.Flags().IntVar(&opts.retries, "retries", fetch.DefaultRetries, "how many times a 429 or 5xx answer is retried within a fetch job's try")
	c.Flags().DurationVar(&opts.jobTimeout, "job-timeout", jobs.DefaultJobTimeout, "time one job may take before it is cancelled and fails that try")
	c.Flags().DurationVar(&opts.rescueAfter, "rescue-after", 0, "time a job may stay running before it is taken for lost (its worker died) and handed back to the queue; longer than --job-timeout")
	_ = c.Flags().SetAnnotation("rescue-after", docDefault, []string{"--job-timeout plus 5m"})
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
	if opts.delay < 0 || opts.retries < 0 {
		return fail(stderr, errors.New("--delay and --retries cannot be negative"))
	}
	tcfg := jobs.Config{JobTimeout: opts.jobTimeout, RescueAfter: opts.rescueAfter}
	switch _, _, err := tcfg.Timeouts(); {
	case opts.jobTimeout <= 0:
		return fail(stderr, fmt.Errorf("--job-timeout %s: must be positive", opts.jobTimeout))
	case opts.rescueAfter < 0:
		return fail(stderr, fmt.Errorf("--rescue-after %s: cannot be negative", opts.rescueAfter))
	case err != nil:
		return fail(stderr, fmt.Errorf("--rescue-after %s: must be longer than --job-timeout (%s), or a job still running would be handed to a second worker", opts.rescueAfter, opts.jobTimeout))
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
	pol := fetch.NewPolite(opts.read.fetchLimits())
	pol.Delay, pol.Retries = opts.delay, opts.retries
	q, err := newJobQueue(st, opts.read, pol, newReviewer(opts.read, rs), stderr, tcfg)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stderr, "nhsreview: worker %d on %s: running up to %d jobs at once (rules %.12s); stop with SIGTERM or Ctrl-C\n", os.Getpid(), st.Path(), max(opts.read.jobs, 1), rs.Version)
	if err := q.Run(ctx, opts.grace); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintln(stderr, "nhsreview: worker stopped")
	return exitOK
}

// newJobQueue is the job queue of st with workers fetching with pol (nil:
// a polite fetcher with ro's limits) and reading with ro and rv, under
// cfg's job timeout and rescue delay; River's own messages at warning
// level and above (a job that failed) go to stderr.
func newJobQueue(st *corpus.Store, ro readOptions, pol *fetch.Polite, rv corpus.Reviewer, stderr io.Writer, cfg jobs.Config) (*jobs.Queue, error) {
	if pol == nil {
		pol = fetch.NewPolite(ro.fetchLimits())
	}
	cfg.Reviewer, cfg.Fetcher, cfg.Workers, cfg.Logger = rv, pol, ro.jobs, warnLogger(stderr)
	return jobs.New(st, cfg)
}

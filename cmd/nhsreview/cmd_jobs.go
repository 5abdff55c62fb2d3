package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// jobsOptions are the flags of 'jobs'.
type jobsOptions struct {
	db     corpusFlags
	states []string
	format string
	limit  int
}

func newJobsCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts jobsOptions
	c := &cobra.Command{
		Use:   "jobs [--db URL] [--state queued|running|failed|done]... [--format text|json]",
		Short: "List the corpus's queued, running, failed and done jobs, with their errors",
		Long: `Lists the jobs of the corpus's queue ('corpus crawl --queue', 'corpus rescore
--queue', 'serve --queue', run by 'nhsreview worker'), newest first: its
number, kind (fetch, rescore or upload), state, tries so far and allowed,
the document (a fetch's URL or file, a rescore's content hash, an upload's
name), and the last error. States: queued (to run,
or waiting to be tried again), running, failed (given up after its last
try, or not to be retried: robots.txt closes it), done. --state picks some
(repeat it, or separate them with commas). --format json writes every
attempt's error, what a done job found, and the worker of the last try (its
host, process id and start time).

Exit codes: 0 listed; 2 the database could not be opened, or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runJobs(c.Context(), opts, stdout, stderr))
		},
	}
	opts.db.register(c.Flags(), "")
	c.Flags().StringSliceVar(&opts.states, "state", nil, "list only jobs in these states: "+strings.Join(jobs.StateNames, ", "))
	c.Flags().StringVar(&opts.format, "format", "text", "text or json")
	c.Flags().IntVar(&opts.limit, "limit", 100, "list at most this many jobs, the newest")
	return c
}

func runJobs(ctx context.Context, opts jobsOptions, stdout, stderr io.Writer) int {
	if opts.format != "text" && opts.format != "json" {
		return fail(stderr, fmt.Errorf("--format %q: use text or json", opts.format))
	}
	if opts.limit < 1 {
		return fail(stderr, fmt.Errorf("--limit %d: use 1 or more", opts.limit))
	}
	for _, s := range opts.states {
		if !slices.Contains(jobs.StateNames, s) {
			return fail(stderr, fmt.Errorf("--state %q: use %s", s, strings.Join(jobs.StateNames, ", ")))
		}
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	q, err := jobs.New(st, jobs.Config{})
	if err != nil {
		return fail(stderr, err)
	}
	list, err := q.List(ctx, opts.states, opts.limit)
	if err != nil {
		return fail(stderr, err)
	}
	if opts.format == "json" {
		if list == nil {
			list = []jobs.Job{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATE\tTRIES\tDOCUMENT\tLAST ERROR")
	for _, j := range list {
		last := ""
		if len(j.Errors) > 0 {
			last = textclean.OneLine(j.Errors[len(j.Errors)-1])
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, j.Kind, j.State, j.Attempt, j.MaxAttempts, j.What, last)
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// warnLogger writes River's warnings and errors (a job that failed) to
// stderr, one line each.
func warnLogger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// queueFlags are the flags of the commands that can queue their work
// instead of doing it (crawl, rescore).
type queueFlags struct {
	queue, detach bool
}

func (qf *queueFlags) register(c *cobra.Command) {
	c.Flags().BoolVar(&qf.queue, "queue", false, "queue one job per document in the corpus's database, for 'nhsreview worker' to run, and wait for them (working on them too)")
	c.Flags().BoolVar(&qf.detach, "detach", false, "with --queue: return once the jobs are queued")
}

func (qf queueFlags) check() error {
	if qf.detach && !qf.queue {
		return errors.New("--detach goes with --queue")
	}
	return nil
}

// waitPoll is how often a command waiting for its queued jobs looks.
const waitPoll = time.Second

// runQueued queues work (one job per document) and, unless --detach,
// works on the queue in this process too until every job queued is over,
// writing a line per job. verb names the command in the summary.
// pol, if set, is the fetcher of this process's fetch jobs (a crawl's,
// with its --delay and --retries).
func runQueued(ctx context.Context, st *corpus.Store, qf queueFlags, ro readOptions, pol *fetch.Polite, rv corpus.Reviewer, verb string, stdout, stderr io.Writer,
	enqueue func(q *jobs.Queue) ([]int64, error)) int {
	// Each job's end is told below: River's own messages would repeat it.
	q, err := newJobQueue(st, ro, pol, rv, io.Discard, jobs.Config{})
	if err != nil {
		return fail(stderr, err)
	}
	ids, err := enqueue(q)
	if err != nil {
		return fail(stderr, err)
	}
	if qf.detach {
		fmt.Fprintf(stdout, "%s: %s queued; 'nhsreview worker' runs them, 'nhsreview jobs' lists them\n", verb, textclean.Plural(len(ids), "job"))
		return exitOK
	}
	if err := q.Start(ctx); err != nil {
		return fail(stderr, err)
	}
	var done, failed int
	_, err = q.Wait(ctx, ids, waitPoll, func(j jobs.Job) {
		if j.State == "done" {
			done++
			status := ""
			if j.Output != nil {
				status = j.Output.Status
				for _, w := range j.Output.Warnings {
					fmt.Fprintf(stderr, "nhsreview: %s: warning: %s\n", j.What, textclean.OneLine(w))
				}
			}
			fmt.Fprintf(stdout, "%-9s  %s\n", status, j.What)
			return
		}
		failed++
		if j.State == jobs.Gone {
			fmt.Fprintf(stderr, "nhsreview: job %d: no longer in the queue (deleted)\n", j.ID)
			return
		}
		last := "cancelled"
		if len(j.Errors) > 0 {
			last = textclean.OneLine(j.Errors[len(j.Errors)-1])
		}
		tries := fmt.Sprintf("%d tries", j.Attempt)
		if j.Attempt == 1 {
			tries = "1 try"
		}
		fmt.Fprintf(stderr, "nhsreview: %s: failed after %s: %s\n", j.What, tries, last)
	})
	// The jobs this process has in hand go back to the queue.
	if serr := q.Stop(0); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "nhsreview: %s: stopped; the jobs not done stay queued: 'nhsreview worker' runs them\n", verb)
			return exitFailure
		}
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s: %s, %d done, %d failed\n", verb, textclean.Plural(len(ids), "job"), done, failed)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

package main

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// corpusRescoreOptions are the flags of 'corpus rescore'.
type corpusRescoreOptions struct {
	db       *corpusFlags
	read     readOptions
	rulesDir string
	all      bool
	queue    queueFlags
}

func newCorpusRescoreCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusRescoreOptions{db: cf}
	c := &cobra.Command{
		Use:   "rescore [--rules DIR] [--all]",
		Short: "Bring stored scores up to the current rules and extractor, without downloading",
		Long: `Re-reads, from the stored bytes, every version extracted by another version of
the extractor, and re-scores every version that has no score under the
current rules (the built-in set, or --rules DIR). Nothing is downloaded.
Scores under other rules are kept. --all re-reads and re-scores everything.
A board pack's papers are split and scored with it and stored as its parts
('corpus papers ID'); a version scored before papers were stored has them made
from its stored extraction (a pack counts as re-scored).

--queue queues one job per version with work to do in the corpus's
database instead, for 'nhsreview worker' processes to run under their own
rules (see 'nhsreview worker'); the rescore waits for them, working on the
queue itself meanwhile under its rules, and writes a line per job. With
--detach it returns once they are queued ('nhsreview jobs' lists them).

Exit codes: 0 done (with --detach: queued); 2 some versions could not be read again (they keep what
they had), or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusRescore(c.Context(), opts, stdout, stderr))
		},
	}
	registerRules(c, &opts.rulesDir)
	c.Flags().BoolVar(&opts.all, "all", false, "re-read and re-score every version")
	opts.queue.register(c)
	opts.read.register(c)
	return c
}

// runCorpusRescore brings the stored extractions and scores up to the
// current extractor and rules; a version that fails is a line on stderr
// and keeps what it had.
func runCorpusRescore(ctx context.Context, opts corpusRescoreOptions, stdout, stderr io.Writer) int {
	if err := opts.queue.check(); err != nil {
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
	rv := newReviewer(opts.read, rs)
	if opts.queue.queue {
		return runQueued(ctx, st, opts.queue, opts.read, nil, rv, "rescore", stdout, stderr, func(q *jobs.Queue) ([]int64, error) {
			shas, err := st.RescoreDue(ctx, rv, opts.all)
			if err != nil {
				return nil, err
			}
			return q.EnqueueRescore(ctx, shas, opts.all)
		})
	}
	var mu sync.Mutex // events come from the rescoring workers
	stats, err := st.Rescore(ctx, rv, opts.read.jobs, opts.all, func(ev corpus.RescoreEvent) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Err != nil {
			fmt.Fprintf(stderr, "nhsreview: %s (%.12s): %s\n", ev.Source, ev.SHA256, textclean.OneLine(ev.Err.Error()))
		}
		for _, w := range ev.Warnings {
			fmt.Fprintf(stderr, "nhsreview: %s (%.12s): warning: %s\n", ev.Source, ev.SHA256, textclean.OneLine(w))
		}
	})
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "rescore: %d re-extracted, %d re-scored, %d current, %d failed (rules %.12s, extractor %d)\n",
		stats.Extracted, stats.Scored, stats.Current, stats.Failed, rs.Version, rv.ExtractorVersion())
	if stats.Failed > 0 {
		return exitFailure
	}
	return exitOK
}

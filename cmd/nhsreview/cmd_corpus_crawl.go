package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// corpusCrawlOptions are the flags of 'corpus crawl'.
type corpusCrawlOptions struct {
	db       *corpusFlags
	read     readOptions
	meta     metaFlags
	rulesDir string
	match    string
	depth    int
	retries  int
	anyHost  bool
	delay    time.Duration
	maxTime  time.Duration
	queue    queueFlags
}

func newCorpusCrawlCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusCrawlOptions{db: cf}
	c := &cobra.Command{
		Use:   "crawl URL [--depth N] [--match REGEXP] [--org CODE] [--kind KIND]",
		Short: "Find the documents linked from a publications page and store what is new",
		Long: `Reads the page at URL, finds its links to documents (PDF, DOCX and Markdown
files; or the links --match names, web pages included), and fetches, reads,
scores and stores each, as 'corpus add' does. --depth 2 also follows the
page's links to other pages of the same host and takes their documents, and
so on; documents on other hosts are taken only with --any-host.

The crawl is polite: robots.txt is obeyed (its Crawl-delay too); requests
to a host go one at a time, --delay apart; 429 and 5xx answers are retried
with backoff, honouring Retry-After. Each request for a known document is
conditional (ETag, Last-Modified), and bytes already stored add nothing, so
a second crawl fetches nothing new. A document over --max-bytes fails; it
is never cut. Each failure is reported on stderr and the crawl goes on; a
summary ends the output.

A crawl can be interrupted at any moment: every document is stored whole
or not at all, and running the crawl again completes it. --max-time ends
the crawl in that way when it has run that long.

--queue finds the documents, then queues one job per document in the
corpus's database instead of reading them: 'nhsreview worker' processes, on
any machine sharing the database, run them, each tried again with backoff
when it fails (see 'nhsreview worker'); the crawl waits for them, working on
the queue itself meanwhile (--jobs at once), and writes a line per job.
With --detach it returns once they are queued ('nhsreview jobs' lists them).
--max-time does not apply to queued jobs.

Exit codes: 0 the crawl finished and every document was stored (with
--detach: queued); 2 the page could not be read, or some documents could
not be (the others are stored), or --max-time ran out, or bad usage. Documents robots.txt closes are
skipped, not failed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusCrawl(c.Context(), opts, args[0], stdout, stderr))
		},
	}
	opts.meta.register(c)
	c.Flags().IntVar(&opts.depth, "depth", 1, "how many links away from the page documents may be (2 also visits the pages it links to)")
	c.Flags().StringVar(&opts.match, "match", "", "a regular expression: the links (absolute URLs) that are documents, instead of .pdf, .docx and .md files")
	c.Flags().BoolVar(&opts.anyHost, "any-host", false, "also take documents on other hosts (pages are only ever visited on the page's own host)")
	c.Flags().DurationVar(&opts.delay, "delay", fetch.DefaultDelay, "least time between two requests to one host (a longer robots.txt Crawl-delay wins)")
	c.Flags().IntVar(&opts.retries, "retries", fetch.DefaultRetries, "how many times a 429 or 5xx answer is retried")
	c.Flags().DurationVar(&opts.maxTime, "max-time", pipeline.DefaultCrawlTime, "time the whole crawl may take (0: no limit); documents still being read then are left for the next crawl")
	registerRules(c, &opts.rulesDir)
	opts.queue.register(c)
	opts.read.register(c)
	return c
}

// runCorpusCrawl crawls from the page at start and stores the documents
// found, with one line on stdout for each stored and a summary at the
// end. Exit 2 when a document failed or the time ran out: what was
// stored is kept, and the next crawl goes on from there.
func runCorpusCrawl(ctx context.Context, opts corpusCrawlOptions, start string, stdout, stderr io.Writer) int {
	crawlOpt, err := opts.crawlOptions(start)
	if err != nil {
		return fail(stderr, err)
	}
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
	if err := st.CheckMeta(ctx, &crawlOpt.Meta); err != nil {
		return fail(stderr, err)
	}
	pol := fetch.NewPolite(opts.read.fetchLimits())
	pol.Delay, pol.Retries = opts.delay, opts.retries
	if opts.queue.queue {
		return crawlQueued(ctx, opts, st, pol, newReviewer(opts.read, rs), start, crawlOpt, stdout, stderr)
	}
	clog := newCrawlLog(stdout, stderr)
	defer clog.prog.finish()
	pol.Logf = clog.logf
	crawlOpt.Found = clog.prog.found
	stats, err := pipeline.Crawl(ctx, st, pol, newReviewer(opts.read, rs), start, crawlOpt, func(ev pipeline.CrawlEvent) { clog.event(ctx, ev) })
	clog.prog.finish()
	var timeUp *pipeline.TimeLimitError
	if err != nil && !errors.As(err, &timeUp) {
		return fail(stderr, fmt.Errorf("%s: %w", start, err))
	}
	fmt.Fprintln(stdout, crawlSummary(stats, timeUp != nil))
	if timeUp != nil {
		// The documents stored are whole; the rest were never
		// stored, and the next crawl takes them up.
		fmt.Fprintf(stderr, "nhsreview: %s: %s (--max-time); what was stored is kept: run the crawl again to go on\n", start, timeUp)
		return exitFailure
	}
	if stats.Failed > 0 {
		return exitFailure
	}
	return exitOK
}

// crawlQueued finds the documents linked from start and queues a fetch
// job for each (see runQueued). A page other than start that cannot be
// read is a line on stderr and exit 2, as in a crawl.
func crawlQueued(ctx context.Context, opts corpusCrawlOptions, st *corpus.Store, pol *fetch.Polite, rv corpus.Reviewer, start string, crawlOpt pipeline.CrawlOptions, stdout, stderr io.Writer) int {
	var (
		mu          sync.Mutex // Discover may report from several goroutines
		found       []jobs.FetchArgs
		pagesFailed int
	)
	pol.Logf = func(format string, a ...any) { fmt.Fprintf(stderr, "nhsreview: "+format+"\n", a...) }
	err := pol.Discover(ctx, start, crawlOpt.DiscoverOptions,
		func(f fetch.Found) {
			mu.Lock()
			defer mu.Unlock()
			found = append(found, jobs.FetchArgs{Source: f.URL, Org: crawlOpt.Org, DocKind: crawlOpt.Kind})
		},
		func(link string, err error) {
			mu.Lock()
			defer mu.Unlock()
			pagesFailed++
			fmt.Fprintf(stderr, "nhsreview: %s: %s\n", link, textclean.OneLine(err.Error()))
		})
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", start, err))
	}
	code := runQueued(ctx, st, opts.queue, opts.read, pol, rv, "crawl", stdout, stderr, func(q *jobs.Queue) ([]int64, error) {
		return q.EnqueueFetch(ctx, found)
	})
	if pagesFailed > 0 {
		return exitFailure
	}
	return code
}

// crawlOptions checks the flags and the start URL, in the order the
// errors are reported, and turns them into the crawl's options (without
// Found, which the progress line gives).
func (o corpusCrawlOptions) crawlOptions(start string) (pipeline.CrawlOptions, error) {
	meta, err := o.meta.meta()
	if err != nil {
		return pipeline.CrawlOptions{}, err
	}
	var re *regexp.Regexp
	if o.match != "" {
		if re, err = regexp.Compile(o.match); err != nil {
			return pipeline.CrawlOptions{}, fmt.Errorf("--match: %w", err)
		}
	}
	if o.depth < 1 {
		return pipeline.CrawlOptions{}, fmt.Errorf("--depth %d: use 1 (the documents the page links to) or more", o.depth)
	}
	if o.retries < 0 || o.delay < 0 || o.maxTime < 0 {
		return pipeline.CrawlOptions{}, errors.New("--retries, --delay and --max-time cannot be negative")
	}
	if !fetched.IsURL(start) {
		return pipeline.CrawlOptions{}, fmt.Errorf("%s: crawl needs an http or https URL (use 'corpus add' for files)", start)
	}
	return pipeline.CrawlOptions{
		DiscoverOptions: fetch.DiscoverOptions{Depth: o.depth, Match: re, AnyHost: o.anyHost},
		Meta:            meta,
		Workers:         o.read.jobs,
		MaxTime:         o.maxTime,
	}, nil
}

// crawlLog writes what a crawl reports as it goes, from its workers one
// line at a time: a line on stdout per document stored, a line on stderr
// per failure, skip or message of the polite fetcher, all above the
// progress line a terminal shows.
type crawlLog struct {
	mu     sync.Mutex
	prog   *progress
	stdout io.Writer
	errw   io.Writer // stderr, above the progress line
}

func newCrawlLog(stdout, stderr io.Writer) *crawlLog {
	prog := startOpenProgress(stderr, "documents")
	return &crawlLog{prog: prog, stdout: stdout, errw: prog.writer(stderr)}
}

// logf is the polite fetcher's log: retries, waits, robots.txt.
func (l *crawlLog) logf(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.errw, "nhsreview: "+format+"\n", a...)
}

// event reports one document: stored, skipped (robots.txt) or failed,
// with the flag of a limit it hit (ctx tells the fetch's own timeout
// from the crawl's end).
func (l *crawlLog) event(ctx context.Context, ev pipeline.CrawlEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prog.end(ev.URL, ev.Err)
	switch {
	case errors.Is(ev.Err, fetch.ErrDisallowed):
		fmt.Fprintf(l.errw, "nhsreview: %s: skipped: %s\n", ev.URL, textclean.OneLine(ev.Err.Error()))
	case ev.Err != nil:
		fmt.Fprintf(l.errw, "nhsreview: %s: %s\n", ev.URL, textclean.OneLine(nameFetchLimit(ctx, ev.Err).Error()))
	default:
		l.prog.clear()
		fmt.Fprintln(l.stdout, outcomeLine(ev.URL, ev.Outcome))
		paperWarnings(l.errw, ev.URL, ev.Outcome)
	}
}

// crawlSummary is the last line of a crawl.
func crawlSummary(stats pipeline.CrawlStats, timeUp bool) string {
	summary := fmt.Sprintf("crawl: %d new, %d changed, %d unchanged, %d failed", stats.New, stats.Changed, stats.Unchanged, stats.Failed)
	if stats.Sources > 0 {
		// Only when there are any: the line is as it was for crawls
		// that find no copies.
		summary = strings.Replace(summary, " unchanged,", fmt.Sprintf(" unchanged, %d stored under another name,", stats.Sources), 1)
	}
	if stats.Skipped > 0 {
		summary += fmt.Sprintf(", %d skipped (robots.txt)", stats.Skipped)
	}
	if timeUp {
		summary += " before the time limit"
	}
	return summary
}

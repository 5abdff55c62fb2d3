package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// CrawlStore is what a crawl needs of the corpus (a *corpus.Store): the
// filing to check, what the last fetch of a link returned, and the two
// ways to record a fetch.
type CrawlStore interface {
	CheckMeta(ctx context.Context, m *corpus.Meta) error
	Validators(ctx context.Context, source string) (fetched.Validators, error)
	NotModified(ctx context.Context, source, finalURL string, v fetched.Validators, fetchedAt time.Time, meta corpus.Meta) (*corpus.Outcome, error)
	Ingest(ctx context.Context, rv corpus.Reviewer, res *fetched.Doc, meta corpus.Meta) (*corpus.Outcome, error)
}

// CrawlOptions says what to crawl and how the documents found are filed.
type CrawlOptions struct {
	fetch.DiscoverOptions
	corpus.Meta
	// Workers is how many documents are fetched and read at once (the
	// Polite fetcher still sends one request at a time to each host).
	Workers int
	// Found, if set, is told each document link as it is found, before
	// it is fetched (for progress displays).
	Found func(url string)
	// MaxTime, if positive, is the time the whole crawl may take. When
	// it runs out, the documents being read are dropped (the next crawl
	// does them) and Crawl returns a *TimeLimitError.
	MaxTime time.Duration
}

// DefaultCrawlTime is the time limit of a crawl from the command line:
// long enough for a large publications page at a polite pace, short
// enough that a crawl left running at night ends.
const DefaultCrawlTime = time.Hour

// TimeLimitError is the error of a crawl stopped by CrawlOptions.MaxTime.
type TimeLimitError struct {
	MaxTime time.Duration
}

func (e *TimeLimitError) Error() string {
	return fmt.Sprintf("stopped at the crawl's time limit of %s", shortDuration(e.MaxTime))
}

// shortDuration writes 1h and 10m rather than 1h0m0s and 10m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// CrawlStats is the summary of a crawl.
type CrawlStats struct {
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	// Sources counts documents found stored under another name: each
	// is another source of the stored document.
	Sources int `json:"sources"`
	Failed  int `json:"failed"`
	// Skipped counts documents robots.txt closes to nhsreview.
	Skipped int `json:"skipped"`
}

// CrawlEvent reports one link: a document stored (Outcome), or a page or
// document that failed (Err).
type CrawlEvent struct {
	URL     string
	Page    bool // the link was a page to look for documents on
	Outcome *corpus.Outcome
	Err     error
}

// Crawl finds the documents linked from a publications page (see
// fetch.Polite.Discover), reads and scores each with rv and stores it in
// st: conditional requests with what the last fetch returned, so a
// second crawl downloads nothing that did not change; content hashes, so
// a changed page that serves the same bytes adds no version. Each
// document is stored in its own transaction as soon as it is read;
// report is called once per link, from one goroutine at a time. The
// error is the start page's, or the context's cause (a *TimeLimitError
// when MaxTime ran out).
func Crawl(ctx context.Context, st CrawlStore, pol *fetch.Polite, rv corpus.Reviewer, start string, opt CrawlOptions, report func(CrawlEvent)) (CrawlStats, error) {
	var stats CrawlStats
	if err := st.CheckMeta(ctx, &opt.Meta); err != nil {
		return stats, err
	}
	if opt.MaxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opt.MaxTime, &TimeLimitError{opt.MaxTime})
		defer cancel()
	}
	var mu sync.Mutex
	emit := func(ev CrawlEvent) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case errors.Is(ev.Err, fetch.ErrDisallowed):
			stats.Skipped++
		case ev.Err != nil:
			stats.Failed++
		case ev.Outcome.Status == corpus.New:
			stats.New++
		case ev.Outcome.Status == corpus.Changed:
			stats.Changed++
		case ev.Outcome.Status == corpus.NewSource:
			stats.Sources++
		default:
			stats.Unchanged++
		}
		if report != nil {
			report(ev)
		}
	}
	found := make(chan fetch.Found)
	var wg sync.WaitGroup
	for range max(opt.Workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range found {
				out, err := crawlOne(ctx, st, pol, rv, f, opt.Meta)
				if err != nil && ctx.Err() != nil {
					// A document the cancellation cut short was never
					// stored, and the next run does it: not a failure.
					// One stored before the cancellation is still told.
					continue
				}
				emit(CrawlEvent{URL: f.URL, Outcome: out, Err: err})
			}
		}()
	}
	err := pol.Discover(ctx, start, opt.DiscoverOptions,
		func(f fetch.Found) {
			if opt.Found != nil {
				opt.Found(f.URL)
			}
			select {
			case found <- f:
			case <-ctx.Done():
			}
		},
		func(link string, err error) {
			emit(CrawlEvent{URL: link, Page: true, Err: err})
		})
	close(found)
	wg.Wait()
	if ctx.Err() != nil {
		// Whatever Discover made of the cancellation, its cause says why.
		err = context.Cause(ctx)
	}
	return stats, err
}

// FetchOne fetches, reads, scores and stores one document, a URL or a
// file's absolute path, as a crawl does each document it finds: a
// conditional request with what the last fetch returned, and the source
// stored under its own name whatever it redirected to. It is the work of
// one queued fetch job (pipeline/jobs).
func FetchOne(ctx context.Context, st CrawlStore, pol *fetch.Polite, rv corpus.Reviewer, source string, meta corpus.Meta) (*corpus.Outcome, error) {
	return crawlOne(ctx, st, pol, rv, fetch.Found{URL: source}, meta)
}

func crawlOne(ctx context.Context, st CrawlStore, pol *fetch.Polite, rv corpus.Reviewer, f fetch.Found, meta corpus.Meta) (*corpus.Outcome, error) {
	res := f.Result
	if res == nil {
		v, err := st.Validators(ctx, f.URL)
		if err != nil {
			return nil, err
		}
		res, err = pol.Get(ctx, f.URL, v)
		if errors.Is(err, fetch.ErrNotModified) {
			return st.NotModified(ctx, f.URL, f.URL, v, time.Now(), meta)
		}
		if err != nil {
			return nil, err
		}
	}
	// The link is the document's name, whatever it redirected to.
	res.Source = f.URL
	return st.Ingest(ctx, rv, res, meta)
}

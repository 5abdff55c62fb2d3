package main

// The work every command that reads sources shares: fetching, reading
// and scoring each source, several at a time, with one line on stderr per
// failure or warning.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// outcome is what became of one source.
type outcome[T any] struct {
	source string
	val    T
	err    error
}

// eachSource runs work on every source, at most jobs at a time, and
// returns the outcomes in the order given. Each failure and each warning
// work returns is one line on stderr as it happens, above the progress
// line ("3/10 read") that a terminal shows.
//
// work's context carries a page count for scanned PDFs
// (extract.WithPageProgress): the progress line shows how many pages of a
// source OCR has read, and a single source that is being read by OCR gets
// a line of its own for its pages.
func eachSource[T any](ctx context.Context, sources []string, jobs int, verb string, stderr io.Writer, work func(ctx context.Context, src string) (T, []string, error)) []outcome[T] {
	out := make([]outcome[T], len(sources))
	var mu sync.Mutex // one line at a time on stderr
	prog := startProgress(stderr, verb, len(sources))
	defer prog.finish()
	term := stderr
	stderr = prog.writer(stderr)
	sem := make(chan struct{}, max(jobs, 1))
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			prog.begin(src)
			pages, done := pageProgress(prog, term, src)
			val, warnings, err := work(extract.WithPageProgress(ctx, pages), src)
			done()
			out[i] = outcome[T]{src, val, err}
			mu.Lock()
			defer mu.Unlock()
			defer prog.end(src, err)
			if err != nil {
				fmt.Fprintf(stderr, "nhsreview: %s: %s\n", src, textclean.OneLine(err.Error()))
				return
			}
			for _, w := range warnings {
				fmt.Fprintf(stderr, "nhsreview: %s: warning: %s\n", src, textclean.OneLine(w))
			}
		}()
	}
	wg.Wait()
	return out
}

// succeeded are the values of the outcomes that succeeded, in order, and
// whether any failed (each failure was reported by eachSource).
func succeeded[T any](outs []outcome[T]) (vals []T, failed bool) {
	for _, o := range outs {
		if o.err != nil {
			failed = true
			continue
		}
		vals = append(vals, o.val)
	}
	return vals, failed
}

// cardsOf turns scoring outcomes into scorecards in the order given: a
// source that failed becomes a card with status failed when keepFailed
// (listings keep a row for every source), and is left out otherwise (the
// JSON's scorecards all describe documents that were read). notScored
// reports a failure or a document that could not be judged: exit 2.
func cardsOf(outs []outcome[*rules.Scorecard], keepFailed bool) (cards []*rules.Scorecard, notScored bool) {
	for _, o := range outs {
		switch {
		case o.err != nil:
			notScored = true
			if keepFailed {
				cards = append(cards, rules.Failed(o.source, o.err))
			}
		default:
			notScored = notScored || !o.val.Scored()
			cards = append(cards, o.val)
		}
	}
	return cards, notScored
}

// anyRead reports whether a card describes a document that was read: a
// run whose sources all failed writes no report (and no -o file).
func anyRead(cards []*rules.Scorecard) bool {
	for _, c := range cards {
		if c.Status != rules.StatusFailed {
			return true
		}
	}
	return false
}

// newReviewer is the reviewer of every command, with the reading limits
// of the flags.
func newReviewer(ro readOptions, rs *rules.Set) *pipeline.Reviewer {
	return pipeline.NewReviewer(ro.extractLimits(), rs, rules.Tool{Name: "nhsreview", Version: version})
}

// scoreAll reads and scores every source (see eachSource).
func scoreAll(ctx context.Context, sources []string, ro readOptions, rs *rules.Set, stderr io.Writer) []outcome[*rules.Scorecard] {
	return eachSource(ctx, sources, ro.jobs, "scored", stderr, func(ctx context.Context, src string) (*rules.Scorecard, []string, error) {
		return scoreOne(ctx, src, ro, rs)
	})
}

// scoreOne reads and scores one source (a file or URL, or a pack's paper
// of one), with its warnings.
func scoreOne(ctx context.Context, src string, ro readOptions, rs *rules.Set) (*rules.Scorecard, []string, error) {
	base, item := paperRef(src)
	res, err := fetchSource(ctx, base, ro)
	if err != nil {
		return nil, nil, err
	}
	card, err := scoreResult(ctx, res, ro, rs, src, item)
	if err != nil {
		return nil, nil, err
	}
	return card, cardWarnings(card), nil
}

// cardWarnings are a card's document's warnings, and why it was not
// scored.
func cardWarnings(card *rules.Scorecard) []string {
	warnings := card.Document.Quality.Warnings
	if !card.Scored() {
		warnings = append(slices.Clone(warnings), "not scored: "+card.Reason)
	}
	return warnings
}

// scoreResult runs the reviewer on fetched bytes: document, annotated
// document, scorecard; of the pack's paper item when there is one (src is
// then the paper's name, "pack.pdf#7i").
func scoreResult(ctx context.Context, res *fetched.Doc, ro readOptions, rs *rules.Set, src, item string) (*rules.Scorecard, error) {
	rv := newReviewer(ro, rs)
	d, err := rv.Read(ctx, res)
	if err != nil {
		return nil, err
	}
	if d, err = pickPaper(d, src, item); err != nil {
		return nil, err
	}
	return rv.Score(ctx, d)
}

// readAll fetches and extracts every source (see eachSource).
func readAll(ctx context.Context, sources []string, o readOptions, stderr io.Writer) []outcome[*document.Document] {
	return eachSource(ctx, sources, o.jobs, "read", stderr, func(ctx context.Context, src string) (*document.Document, []string, error) {
		d, err := readOne(ctx, src, o)
		if err != nil {
			return nil, nil, err
		}
		return d, d.Quality.Warnings, nil
	})
}

// fetchSource is fetch.Get with the flag of a limit hit named.
func fetchSource(ctx context.Context, src string, o readOptions) (*fetched.Doc, error) {
	res, err := fetch.Get(ctx, src, o.fetchLimits())
	return res, nameFetchLimit(ctx, err)
}

// nameFetchLimit adds to a fetch error the flag that sets the limit it
// hit, so that the one line says what to change.
func nameFetchLimit(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, fetch.ErrTooLarge):
		return fmt.Errorf("%w (--max-bytes)", err)
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		// The fetch's own timeout, not the caller's deadline.
		return fmt.Errorf("%w (--timeout)", err)
	}
	return err
}

func readOne(ctx context.Context, src string, o readOptions) (*document.Document, error) {
	base, item := paperRef(src)
	res, err := fetchSource(ctx, base, o)
	if err != nil {
		return nil, err
	}
	d, err := extract.Document(ctx, res, o.extractLimits())
	if err != nil {
		return nil, err
	}
	return pickPaper(d, src, item)
}

// itemRe is an agenda item number after "#": "7i", "4.1", "13".
var itemRe = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*[a-z]{0,4}$`)

// paperRef reads a source that names one paper of a board pack,
// "pack.pdf#7i": the pack's source and the item. A file whose name holds
// "#" is itself; a source without an item gives "".
func paperRef(src string) (base, item string) {
	i := strings.LastIndexByte(src, '#')
	if i <= 0 || !itemRe.MatchString(strings.ToLower(src[i+1:])) {
		return src, ""
	}
	if _, err := os.Stat(src); err == nil {
		return src, ""
	}
	return src[:i], strings.ToLower(src[i+1:])
}

// pickPaper narrows a pack's document to the paper numbered item
// (package pack's split), as a document of its own named src; "" keeps
// the whole document.
func pickPaper(d *document.Document, src, item string) (*document.Document, error) {
	if item == "" {
		return d, nil
	}
	var items []string
	for _, p := range pack.Split(d) {
		if p.Number == item {
			out := p.Document(d)
			out.Source = src
			return out, nil
		}
		if p.Number != "" {
			items = append(items, p.Number)
		}
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no item %s: the document is not a board pack with numbered papers", item)
	}
	return nil, fmt.Errorf("no item %s in the pack (its items: %s)", item, strings.Join(items, ", "))
}

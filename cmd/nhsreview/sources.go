package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/rules"
)

// readOptions are the flags shared by every command that reads sources.
// Every limit has a flag, and the error or warning for a limit hit names
// that flag.
type readOptions struct {
	deadline       time.Duration
	maxBytes       sizeValue
	jobs           int
	timeout        time.Duration
	maxPages       int
	maxStreamBytes sizeValue
	maxDepth       int
	maxMemory      sizeValue
}

func (o *readOptions) register(c *cobra.Command) {
	o.maxBytes = fetch.DefaultMaxBytes
	o.maxStreamBytes = extract.DefaultMaxStreamBytes
	o.maxMemory = extract.DefaultMaxMemory
	c.Flags().DurationVar(&o.deadline, "deadline", extract.DefaultDeadline, "time allowed to read one document")
	c.Flags().DurationVar(&o.timeout, "timeout", fetch.DefaultTimeout, "time allowed to download one URL")
	c.Flags().Var(&o.maxBytes, "max-bytes", "size limit of one document (bytes, or with KiB, MiB, GiB)")
	c.Flags().IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), "documents read at the same time")
	_ = c.Flags().SetAnnotation("jobs", docDefault, []string{"the number of cores"})
	c.Flags().IntVar(&o.maxPages, "max-pages", extract.DefaultMaxPages, "a PDF with more pages is refused")
	c.Flags().Var(&o.maxStreamBytes, "max-stream-bytes", "decompressed size limit of one PDF stream (a larger one is cut, with a warning)")
	c.Flags().IntVar(&o.maxDepth, "max-depth", 0, "nesting limit of PDF Form XObjects and HTML and DOCX elements (0: 12 forms, 1000 HTML, 256 DOCX elements)")
	c.Flags().Var(&o.maxMemory, "max-memory", "memory limit of the process reading one PDF (Linux)")
	prev := c.PreRunE
	c.PreRunE = func(c *cobra.Command, args []string) error {
		if err := o.check(); err != nil {
			return err
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// check refuses limits that would stop every document.
func (o *readOptions) check() error {
	switch {
	case o.deadline <= 0:
		return fmt.Errorf("--deadline %s: must be positive", o.deadline)
	case o.timeout <= 0:
		return fmt.Errorf("--timeout %s: must be positive", o.timeout)
	case o.maxBytes <= 0:
		return fmt.Errorf("--max-bytes %s: must be positive", o.maxBytes.String())
	case o.maxPages <= 0:
		return fmt.Errorf("--max-pages %d: must be positive", o.maxPages)
	case o.maxStreamBytes <= 0:
		return fmt.Errorf("--max-stream-bytes %s: must be positive", o.maxStreamBytes.String())
	case o.maxDepth < 0:
		return fmt.Errorf("--max-depth %d: must be 0 (the defaults) or positive", o.maxDepth)
	case o.maxMemory < 128<<20:
		// Below this the PDF reader fails on the smallest file.
		return fmt.Errorf("--max-memory %s: must be at least 128MiB", o.maxMemory.String())
	}
	return nil
}

func extractOptions(o readOptions) extract.Options {
	return extract.Options{
		Deadline:       o.deadline,
		MaxMemory:      int64(o.maxMemory),
		MaxDepth:       o.maxDepth,
		MaxPages:       o.maxPages,
		MaxStreamBytes: int64(o.maxStreamBytes),
	}
}

// sizeValue is a byte count flag: "1048576", "512KiB", "200MiB", "4GiB"
// (KB, MB and GB are read as powers of 1000, as people write them).
type sizeValue int64

func (s *sizeValue) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = sizeValue(n)
	return nil
}

func (s *sizeValue) String() string {
	n := int64(*s)
	for _, u := range []struct {
		name  string
		shift uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n > 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

func (s *sizeValue) Type() string { return "size" }

func parseSize(v string) (int64, error) {
	t := strings.TrimSpace(v)
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
		{"B", 1},
	}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) && (len(u.suffix) != 2 || !strings.HasSuffix(t, "iB")) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (write 1048576, 512KiB, 200MiB or 4GiB)", v)
	}
	return n * mult, nil
}

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
func eachSource[T any](sources []string, jobs int, verb string, stderr io.Writer, work func(src string) (T, []string, error)) []outcome[T] {
	out := make([]outcome[T], len(sources))
	var mu sync.Mutex // one line at a time on stderr
	prog := startProgress(stderr, verb, len(sources))
	defer prog.finish()
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
			val, warnings, err := work(src)
			out[i] = outcome[T]{src, val, err}
			mu.Lock()
			defer mu.Unlock()
			defer prog.end(src, err)
			if err != nil {
				fmt.Fprintf(stderr, "nhsreview: %s: %s\n", src, oneLine(err.Error()))
				return
			}
			for _, w := range warnings {
				fmt.Fprintf(stderr, "nhsreview: %s: warning: %s\n", src, oneLine(w))
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

// readAll fetches and extracts every source (see eachSource).
func readAll(ctx context.Context, sources []string, o readOptions, stderr io.Writer) []outcome[*document.Document] {
	return eachSource(sources, o.jobs, "read", stderr, func(src string) (*document.Document, []string, error) {
		d, err := readOne(ctx, src, o)
		if err != nil {
			return nil, nil, err
		}
		return d, d.Quality.Warnings, nil
	})
}

func fetchOptions(o readOptions) fetch.Options {
	return fetch.Options{Timeout: o.timeout, MaxBytes: int64(o.maxBytes), UserAgent: fetch.DefaultUserAgent(version)}
}

// fetchSource is fetch.Get with the flag of a limit hit named.
func fetchSource(ctx context.Context, src string, o readOptions) (*fetch.Result, error) {
	res, err := fetch.Get(ctx, src, fetchOptions(o))
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
	d, err := extract.Document(ctx, res, extractOptions(o))
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

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", " ")
}

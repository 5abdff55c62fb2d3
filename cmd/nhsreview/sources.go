package main

// The work every command that reads sources shares: fetching, reading
// and scoring each source, several at a time, with one line on stderr per
// failure or warning.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/internal/lazyre"
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
			name := sourceName(src)
			prog.begin(name)
			pages, done := pageProgress(prog, term, name)
			val, warnings, err := work(extract.WithPageProgress(ctx, pages), src)
			done()
			out[i] = outcome[T]{name, val, err}
			mu.Lock()
			defer mu.Unlock()
			defer prog.end(name, err)
			if err != nil {
				fmt.Fprintf(stderr, "nhsreview: %s: %s\n", name, textclean.OneLine(err.Error()))
				return
			}
			for _, w := range warnings {
				fmt.Fprintf(stderr, "nhsreview: %s: warning: %s\n", name, textclean.OneLine(w))
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
	if src == stdinArg {
		return readStdin(ctx, o)
	}
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
var itemRe = lazyre.New(`^[0-9]+(?:\.[0-9]+)*[a-z]{0,4}$`)

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

// The inputs people have: a directory of documents, and a document piped
// in. Every command that takes several sources resolves them here
// (sourceFlags.expand) before reading; "-" is read from standard input
// by fetchSource, once a run, whichever command asks.

// stdinArg is the source that names standard input.
const stdinArg = "-"

// sourceName is a source as output and error lines name it.
func sourceName(src string) string {
	if src == stdinArg {
		return fetch.StdinName
	}
	return src
}

// stdinKey is the context key of a run's standard input.
type stdinKey struct{}

// stdinOnce is standard input, read the first time a source asks for it.
type stdinOnce struct {
	in   *os.File
	once sync.Once
	doc  *fetched.Doc
	err  error
}

// withStdin gives a run its standard input.
func withStdin(ctx context.Context, in *os.File) context.Context {
	return context.WithValue(ctx, stdinKey{}, &stdinOnce{in: in})
}

// readStdin is the document piped in, read once a run.
func readStdin(ctx context.Context, o readOptions) (*fetched.Doc, error) {
	s, _ := ctx.Value(stdinKey{}).(*stdinOnce)
	if s == nil {
		s = &stdinOnce{in: os.Stdin}
	}
	s.once.Do(func() { s.doc, s.err = fetch.Stdin(ctx, s.in, o.fetchLimits()) })
	if s.err != nil {
		return nil, s.err
	}
	d := *s.doc
	return &d, nil
}

// sourceFlags is --match of the commands that take several sources.
type sourceFlags struct {
	match string
}

func (f *sourceFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.match, "match", "", "of a directory given as a SOURCE, read only the files whose name matches this glob ('*.pdf', '*strategy*'; with a '/', matched against the path inside the directory)")
}

// expand resolves the command line's sources, in the order given: a
// directory becomes the documents in it and below it (files of the types
// nhsreview reads, in name order, --match choosing among them; hidden
// files and folders left out, each folder visited once however links
// loop), "-" stays (standard input), anything else is itself. A directory
// with files of other types says how many it skipped, a warning; one
// with no documents is a failure, one line (failed). Usage errors (a bad
// glob, "-" twice) are err.
func (f sourceFlags) expand(args []string, stderr io.Writer) (sources []string, failed bool, err error) {
	if f.match != "" {
		if _, err := path.Match(f.match, ""); err != nil {
			return nil, false, fmt.Errorf("--match %q: %w", f.match, err)
		}
	}
	stdin := 0
	for _, a := range args {
		if a == stdinArg {
			if stdin++; stdin > 1 {
				return nil, false, errors.New(`"-" (standard input) is given twice: it can be read once`)
			}
			sources = append(sources, a)
			continue
		}
		fi, err := os.Stat(a)
		if fetched.IsURL(a) || err != nil || !fi.IsDir() {
			sources = append(sources, a) // fetchSource says what is wrong with it
			continue
		}
		files, skipped, err := documentsIn(a, f.match)
		if err != nil {
			fmt.Fprintf(stderr, "nhsreview: %s: %s\n", a, textclean.OneLine(err.Error()))
			failed = true
			continue
		}
		var why []string
		if skipped.types > 0 {
			why = append(why, textclean.Plural(skipped.types, "file")+" of types nhsreview does not read")
		}
		if skipped.unreadable > 0 {
			why = append(why, fmt.Sprintf("%d that could not be opened (broken links, folders without permission, devices)", skipped.unreadable))
		}
		if len(files) == 0 {
			msg := "no documents in the directory"
			if f.match != "" {
				msg += fmt.Sprintf(" match --match %q", f.match)
			}
			if len(why) > 0 {
				msg += " (skipped " + strings.Join(why, ", ") + ")"
			}
			fmt.Fprintf(stderr, "nhsreview: %s: %s\n", a, msg)
			failed = true
			continue
		}
		if len(why) > 0 {
			fmt.Fprintf(stderr, "nhsreview: %s: warning: skipped %s\n", a, strings.Join(why, ", "))
		}
		sources = append(sources, files...)
	}
	return sources, failed, nil
}

// skips counts the files of a directory that are not read.
type skips struct {
	types      int // not of a type nhsreview reads
	unreadable int // could not be opened
}

// documentsIn lists the documents in dir and below, in name order: the
// files of the types nhsreview reads whose names match the glob (all
// when ""). Links are followed, each folder visited once (by its real
// path), so a link to a parent ends rather than loops.
func documentsIn(dir, match string) ([]string, skips, error) {
	var files []string
	var sk skips
	seen := map[string]bool{}
	var walk func(p string, top bool) error
	walk = func(p string, top bool) error {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return err
		}
		if seen[real] {
			return nil
		}
		seen[real] = true
		entries, err := os.ReadDir(p)
		if err != nil {
			if top {
				var pe *fs.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				return fmt.Errorf("reading the directory: %w", err)
			}
			sk.unreadable++
			return nil
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			full := filepath.Join(p, name)
			fi, err := os.Stat(full) // through links
			switch {
			case err != nil:
				sk.unreadable++
			case fi.IsDir():
				if err := walk(full, false); err != nil {
					sk.unreadable++
				}
			case !fi.Mode().IsRegular():
				sk.unreadable++
			case !fetched.DocumentFile(name):
				sk.types++
			case match == "" || globMatch(match, dir, full):
				files = append(files, full)
			}
		}
		return nil
	}
	err := walk(dir, true)
	return files, sk, err
}

// globMatch matches a file against --match: its name, or with a "/" in
// the glob its slash-separated path inside the directory given.
func globMatch(glob, dir, file string) bool {
	name := filepath.Base(file)
	if strings.Contains(glob, "/") {
		if rel, err := filepath.Rel(dir, file); err == nil {
			name = filepath.ToSlash(rel)
		}
	}
	ok, _ := path.Match(glob, name) // checked by expand
	return ok
}

// withSources runs a command's work on its sources expanded (see
// expand): a usage error is one line, exit 2; a directory that failed
// makes the exit 2 whatever the others did, and the work is not run when
// nothing is left to read.
func (f sourceFlags) withSources(args []string, stderr io.Writer, run func(sources []string) int) int {
	sources, failed, err := f.expand(args, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	if failed && len(sources) == 0 {
		return exitFailure
	}
	code := run(sources)
	if failed && code < exitFailure {
		code = exitFailure
	}
	return code
}

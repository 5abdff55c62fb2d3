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
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/rules"
)

// corpusFlags are the flags every corpus subcommand shares.
type corpusFlags struct {
	db string
}

func (cf *corpusFlags) open(ctx context.Context) (*corpus.Store, error) {
	path := cf.db
	if path == "" {
		var err error
		if path, err = corpus.DefaultPath(); err != nil {
			return nil, err
		}
	}
	return corpus.Open(ctx, path)
}

func newCorpusCmd(stdout, stderr io.Writer) *cobra.Command {
	cf := &corpusFlags{}
	c := &cobra.Command{
		Use:   "corpus",
		Short: "Keep documents, their versions and scores in a local database; crawl publications pages",
		Long: `The corpus is a database of documents: every version of each (the same URL
with new bytes is a new version), where and when it was fetched, what
extraction and scoring made of it, and the organisation it belongs to (the 42
Integrated Care Boards are built in). Reports are made from stored scores,
without scoring again.

The database is --db, by default corpus.db in the user's data directory
($XDG_DATA_HOME/nhsreview, else ~/.local/share/nhsreview).`,
	}
	c.PersistentFlags().StringVar(&cf.db, "db", "", "the corpus database file (default: the user's data directory)")
	c.AddCommand(
		newCorpusAddCmd(cf, stdout, stderr),
		newCorpusCrawlCmd(cf, stdout, stderr),
		newCorpusLsCmd(cf, stdout),
		newCorpusShowCmd(cf, stdout),
		newCorpusPackCmd(cf, stdout, stderr),
		newCorpusRescoreCmd(cf, stdout, stderr),
		newCorpusExportCmd(cf, stdout),
		newCorpusOrgCmd(cf, stdout),
		newCorpusCheckCmd(cf, stdout, stderr),
		newCorpusRepairCmd(cf, stdout, stderr),
	)
	return c
}

// newReviewer is the reviewer of every command, with the reading limits
// of the flags.
func newReviewer(ro readOptions, rs *rules.Set) *pipeline.Reviewer {
	return pipeline.NewReviewer(extractOptions(ro), rs, rules.Tool{Name: "nhsreview", Version: version})
}

// metaFlags are --org and --kind.
type metaFlags struct {
	org, kind string
}

func (m *metaFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&m.org, "org", "", "file the documents under this organisation (ODS code, e.g. QWO; see 'corpus org ls')")
	c.Flags().StringVar(&m.kind, "kind", "", "file the documents as this kind: "+strings.Join(corpus.Kinds, ", "))
}

func (m *metaFlags) meta() (corpus.Meta, error) {
	if err := corpus.CheckKind(m.kind); err != nil {
		return corpus.Meta{}, fmt.Errorf("--kind: %w", err)
	}
	return corpus.Meta{Org: m.org, Kind: m.kind}, nil
}

// outcomeLine is the stdout line for one stored document.
func outcomeLine(src string, o *corpus.Outcome) string {
	total := ""
	switch {
	case o.Card != nil && !o.Card.Scored():
		total = "  not scored (" + o.Card.Status + "): " + oneLine(o.Card.Reason)
	case o.Card != nil:
		n, outOf := o.Card.Total()
		total = fmt.Sprintf("  %d/%d", n, outOf)
	}
	title := o.Title
	if title == "" {
		title = "(no title)"
	}
	return fmt.Sprintf("%-9s #%d v%d  %s  %s%s", o.Status, o.DocumentID, o.Seq, src, oneLine(title), total)
}

func newCorpusAddCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var mf metaFlags
	var rulesDir string
	c := &cobra.Command{
		Use:   "add SOURCE... [--org CODE] [--kind KIND]",
		Short: "Fetch, read, score and store documents (files or URLs)",
		Long: `Fetches each SOURCE (a file or an http(s) URL), reads and scores it, and
stores it: a new document, a new version of one already stored (new bytes
from the same source), or nothing new (the same bytes). One line per source
on stdout: new, changed or unchanged, the document number and version.

Exit codes: 0 every source stored; 2 a source could not be fetched or read
(the others are still stored), or bad usage.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			meta, err := mf.meta()
			if err != nil {
				return err
			}
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.CheckMeta(c.Context(), &meta); err != nil {
				return err
			}
			rv := newReviewer(ro, rs)
			failed := false
			for _, r := range eachSource(args, ro.jobs, "stored", stderr, func(src string) (*corpus.Outcome, []string, error) {
				res, err := fetchSource(c.Context(), src, ro)
				if err != nil {
					return nil, nil, err
				}
				out, err := st.Ingest(c.Context(), rv, res, meta)
				return out, nil, err
			}) {
				if r.err != nil {
					failed = true
					continue
				}
				fmt.Fprintln(stdout, outcomeLine(r.source, r.val))
			}
			if failed {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	mf.register(c)
	registerRules(c, &rulesDir)
	ro.register(c)
	return c
}

func newCorpusCrawlCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var mf metaFlags
	var rulesDir, match string
	var depth, retries int
	var anyHost bool
	var delay, maxTime time.Duration
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

Exit codes: 0 the crawl finished and every document was stored; 2 the page
could not be read, or some documents could not be (the others are stored),
or --max-time ran out, or bad usage. Documents robots.txt closes are
skipped, not failed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			meta, err := mf.meta()
			if err != nil {
				return err
			}
			var re *regexp.Regexp
			if match != "" {
				if re, err = regexp.Compile(match); err != nil {
					return fmt.Errorf("--match: %w", err)
				}
			}
			if depth < 1 {
				return fmt.Errorf("--depth %d: use 1 (the documents the page links to) or more", depth)
			}
			if retries < 0 || delay < 0 || maxTime < 0 {
				return errors.New("--retries, --delay and --max-time cannot be negative")
			}
			start := args[0]
			if !fetch.IsURL(start) {
				return fmt.Errorf("%s: crawl needs an http or https URL (use 'corpus add' for files)", start)
			}
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.CheckMeta(c.Context(), &meta); err != nil {
				return err
			}

			pol := fetch.NewPolite(fetchOptions(ro))
			pol.Delay, pol.Retries = delay, retries
			prog := startOpenProgress(stderr, "documents")
			defer prog.finish()
			errw := prog.writer(stderr)
			var logMu sync.Mutex
			pol.Logf = func(format string, a ...any) {
				logMu.Lock()
				defer logMu.Unlock()
				fmt.Fprintf(errw, "nhsreview: "+format+"\n", a...)
			}
			opt := pipeline.CrawlOptions{
				DiscoverOptions: fetch.DiscoverOptions{Depth: depth, Match: re, AnyHost: anyHost},
				Meta:            meta,
				Workers:         ro.jobs,
				Found:           prog.found,
				MaxTime:         maxTime,
			}
			stats, err := pipeline.Crawl(c.Context(), st, pol, newReviewer(ro, rs), start, opt, func(ev pipeline.CrawlEvent) {
				logMu.Lock()
				defer logMu.Unlock()
				prog.end(ev.URL, ev.Err)
				switch {
				case errors.Is(ev.Err, fetch.ErrDisallowed):
					fmt.Fprintf(errw, "nhsreview: %s: skipped: %s\n", ev.URL, oneLine(ev.Err.Error()))
				case ev.Err != nil:
					fmt.Fprintf(errw, "nhsreview: %s: %s\n", ev.URL, oneLine(nameFetchLimit(c.Context(), ev.Err).Error()))
				default:
					prog.clear()
					fmt.Fprintln(stdout, outcomeLine(ev.URL, ev.Outcome))
				}
			})
			prog.finish()
			var timeUp *pipeline.TimeLimitError
			if err != nil && !errors.As(err, &timeUp) {
				return fmt.Errorf("%s: %w", start, err)
			}
			summary := fmt.Sprintf("crawl: %d new, %d changed, %d unchanged, %d failed", stats.New, stats.Changed, stats.Unchanged, stats.Failed)
			if stats.Skipped > 0 {
				summary += fmt.Sprintf(", %d skipped (robots.txt)", stats.Skipped)
			}
			if timeUp != nil {
				summary += " before the time limit"
			}
			fmt.Fprintln(stdout, summary)
			if timeUp != nil {
				// The documents stored are whole; the rest were never
				// stored, and the next crawl takes them up.
				fmt.Fprintf(stderr, "nhsreview: %s: %s (--max-time); what was stored is kept: run the crawl again to go on\n", start, timeUp)
				return exitError{exitFailure}
			}
			if stats.Failed > 0 {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	mf.register(c)
	c.Flags().IntVar(&depth, "depth", 1, "how many links away from the page documents may be (2 also visits the pages it links to)")
	c.Flags().StringVar(&match, "match", "", "a regular expression: the links (absolute URLs) that are documents, instead of .pdf, .docx and .md files")
	c.Flags().BoolVar(&anyHost, "any-host", false, "also take documents on other hosts (pages are only ever visited on the page's own host)")
	c.Flags().DurationVar(&delay, "delay", fetch.DefaultDelay, "least time between two requests to one host (a longer robots.txt Crawl-delay wins)")
	c.Flags().IntVar(&retries, "retries", fetch.DefaultRetries, "how many times a 429 or 5xx answer is retried")
	c.Flags().DurationVar(&maxTime, "max-time", pipeline.DefaultCrawlTime, "time the whole crawl may take (0: no limit); documents still being read then are left for the next crawl")
	registerRules(c, &rulesDir)
	ro.register(c)
	return c
}

func newCorpusCheckCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	var quick bool
	c := &cobra.Command{
		Use:   "check",
		Short: "Check that the corpus is whole: no damaged file, no document stored in part",
		Long: `Runs SQLite's integrity check on the database and looks for documents stored
in part: a document without a version or fetch, a version without its
bytes, extraction or score, bytes not the size recorded. nhsreview stores
each document in one transaction, so none of these should ever be found;
the check is for a file copied, restored or edited by other tools. Then it
reads every stored byte: each document's bytes against their SHA-256, each
extraction and scorecard decoded, naming each damaged document and version
(SQLite's own check passes a flipped byte inside a row); --quick skips this.

Prints what the corpus holds when it is whole. Exit codes: 0 whole; 2 a
problem found (one line each on stderr), or the database cannot be read.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			problems, err := st.Check(c.Context(), quick)
			if err != nil {
				return err
			}
			for _, p := range problems {
				fmt.Fprintf(stderr, "nhsreview: corpus %s: %s\n", st.Path(), p)
			}
			if len(problems) > 0 {
				return exitError{exitFailure}
			}
			n, err := st.Count(c.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "corpus %s: whole: %d documents, %d versions, %d scorecards\n", st.Path(), n.Documents, n.Versions, n.Scores)
			return nil
		},
	}
	c.Flags().BoolVar(&quick, "quick", false, "check the database's structure and completeness only, without reading every stored byte")
	return c
}

func newCorpusRescoreCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var rulesDir string
	var all bool
	c := &cobra.Command{
		Use:   "rescore [--rules DIR] [--all]",
		Short: "Bring stored scores up to the current rules and extractor, without downloading",
		Long: `Re-reads, from the stored bytes, every version extracted by another version of
the extractor, and re-scores every version that has no score under the
current rules (the built-in set, or --rules DIR). Nothing is downloaded.
Scores under other rules are kept. --all re-reads and re-scores everything.

Exit codes: 0 done; 2 some versions could not be read again (they keep what
they had), or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			var mu sync.Mutex
			stats, err := st.Rescore(c.Context(), newReviewer(ro, rs), ro.jobs, all, func(ev corpus.RescoreEvent) {
				mu.Lock()
				defer mu.Unlock()
				if ev.Err != nil {
					fmt.Fprintf(stderr, "nhsreview: %s (%.12s): %s\n", ev.Source, ev.SHA256, oneLine(ev.Err.Error()))
				}
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "rescore: %d re-extracted, %d re-scored, %d current, %d failed (rules %.12s, extractor %d)\n",
				stats.Extracted, stats.Scored, stats.Current, stats.Failed, rs.Version, extract.Version)
			if stats.Failed > 0 {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	registerRules(c, &rulesDir)
	c.Flags().BoolVar(&all, "all", false, "re-read and re-score every version")
	ro.register(c)
	return c
}

func newCorpusRepairCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var rulesDir string
	c := &cobra.Command{
		Use:   "repair",
		Short: "Mend the damage 'corpus check' finds inside rows: fetch damaged bytes again, re-make unreadable extractions and scores",
		Long: `Repairs what 'nhsreview corpus check' finds inside the stored rows. A
version whose bytes no longer match their SHA-256 is fetched again from each
source it was stored from, and its bytes are put back only when the fetched
bytes have that very SHA-256; a source that now holds other bytes is a new
version (store it with 'corpus add'), and is said so. A stored extraction or
scorecard that cannot be read is dropped and made again from the bytes.
One line per damaged version says what was done.

Exit codes: 0 everything repaired (or nothing to repair); 2 something could
not be repaired (named on stderr), or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			get := func(ctx context.Context, src string) (*fetch.Result, error) { return fetchSource(ctx, src, ro) }
			done, err := st.Repair(c.Context(), newReviewer(ro, rs), get)
			if err != nil {
				return err
			}
			failed := false
			for _, r := range done {
				if r.Done {
					fmt.Fprintf(stdout, "repaired  %s: %s: %s\n", r.Versions, r.Problem, r.Note)
					continue
				}
				failed = true
				fmt.Fprintf(stderr, "nhsreview: %s: %s: %s\n", r.Versions, r.Problem, oneLine(r.Note))
			}
			fmt.Fprintf(stdout, "repair: %d damaged, %d repaired\n", len(done), countDone(done))
			if failed {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	registerRules(c, &rulesDir)
	ro.register(c)
	return c
}

func countDone(rs []corpus.Repaired) int {
	n := 0
	for _, r := range rs {
		if r.Done {
			n++
		}
	}
	return n
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// compareOptions are the flags of 'compare'.
type compareOptions struct {
	sources    sourceFlags
	read       readOptions
	report     reportFlags
	fromCorpus bool
	db         corpusFlags
	filter     filterFlags
	// corpusOnly is the first filter given, which is for --corpus only,
	// or ""; dbGiven: --db was given, which is for --corpus or corpus:
	// sources.
	corpusOnly string
	dbGiven    bool
}

func newCompareCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts compareOptions
	c := &cobra.Command{
		Use:   "compare SOURCE... | compare --corpus [--org CODE] [--region R] [--kind KIND] [--since DATE]",
		Short: "Score several documents and show them side by side (documents x criteria)",
		Long: `Scores each SOURCE (a file or an http(s) URL) and writes a documents x
criteria matrix of scores: text (a terminal table), md (a Markdown table),
html (one self-contained file with a heatmap and a table sorted by clicking
a heading) or csv (wide: one row per document, one column per criterion).

With --corpus, the documents are those of the corpus (each one's latest
version; see 'nhsreview corpus ls' with the same filters), compared from
their stored scores, so nothing is fetched or scored again: under the rules
of --rules, or the built-in rules, where a version has scores under several.

A SOURCE may also name what the corpus (--db) stores: corpus:ID (a document's
latest version), corpus:SHA256-PREFIX (one version) or corpus:ID#ITEM (a paper
of a stored board pack, as 'corpus papers ID' lists them), compared from its
stored score beside files and URLs: 'nhsreview compare corpus:3#4 corpus:7#4
plan.pdf'. A stored paper holds the criteria its kind calls for; the papers
of a pack an older nhsreview split are split again from its stored text,
with a warning that says so.

A source that could not be read, or had too little text to judge, keeps its
row, marked "not scored" with the reason (in the CSV: the status and reason
columns).

Exit codes: 0 every source scored; 2 a source could not be read or judged
(the others are still compared), or bad usage.`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.corpusOnly = firstChanged(c, filterFlagNames...)
			opts.dbGiven = c.Flags().Changed("db")
			return exitWith(opts.sources.withSources(args, stderr, func(sources []string) int {
				return runCompare(c.Context(), opts, sources, stdout, stderr)
			}))
		},
	}
	opts.report.register(c, reports.ComparisonFormats)
	c.Flags().BoolVar(&opts.fromCorpus, "corpus", false, "compare the documents stored in the corpus (filtered by --org, --region, --kind, --since) instead of SOURCE arguments")
	opts.db.register(c.Flags(), ", with --corpus or corpus: sources")
	opts.filter.register(c)
	opts.read.register(c)
	opts.sources.register(c)
	return c
}

// firstChanged is the first of the named flags given on the command
// line, or "".
func firstChanged(c *cobra.Command, names ...string) string {
	for _, name := range names {
		if c.Flags().Changed(name) {
			return name
		}
	}
	return ""
}

// runCompare scores the sources, or takes the stored scores of the
// corpus, and writes the comparison; no report is written when no
// source could be read.
func runCompare(ctx context.Context, opts compareOptions, sources []string, stdout, stderr io.Writer) int {
	f, ropt, err := opts.report.resolve(stdout)
	if err != nil {
		return fail(stderr, err)
	}
	if err := opts.checkSources(sources); err != nil {
		return fail(stderr, err)
	}
	rs, err := opts.report.rules()
	if err != nil {
		return fail(stderr, err)
	}
	var cards []*rules.Scorecard
	var failed bool
	if opts.fromCorpus {
		if cards, err = storedCards(ctx, &opts.db, opts.filter, rs.Version); err != nil {
			return fail(stderr, err)
		}
	} else {
		outs, err := compareSources(ctx, &opts.db, sources, opts.read, rs, stderr)
		if err != nil {
			return fail(stderr, err)
		}
		cards, failed = cardsOf(outs, true)
	}
	out, err := openOutput(opts.report.outPath, stdout)
	if err != nil {
		return fail(stderr, err)
	}
	var werr error
	if anyRead(cards) {
		werr = reports.Compare(out.w, f, cards, ropt)
	}
	if err := out.close(werr == nil && anyRead(cards)); err != nil {
		return fail(stderr, err)
	}
	if werr != nil {
		return fail(stderr, werr)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// checkSources refuses sources with --corpus, the filters without it,
// and --db with neither it nor a corpus: source.
func (o compareOptions) checkSources(sources []string) error {
	switch {
	case o.fromCorpus && len(sources) > 0:
		return errors.New("give sources to compare, or --corpus (not both)")
	case !o.fromCorpus && len(sources) == 0:
		return errors.New("give the sources to compare (files or URLs)")
	case !o.fromCorpus && o.corpusOnly != "":
		return fmt.Errorf("--%s is for --corpus", o.corpusOnly)
	case !o.fromCorpus && o.dbGiven && !anyCorpusSource(sources):
		return errors.New("--db is for --corpus or corpus: sources (corpus:ID, corpus:ID#ITEM)")
	}
	return nil
}

// compareSources scores every source, taking those that name the corpus
// (corpus:ID, corpus:ID#ITEM) from its stored scores; the error is for a
// corpus that could not be opened.
func compareSources(ctx context.Context, cf *corpusFlags, sources []string, ro readOptions, rs *rules.Set, stderr io.Writer) ([]outcome[*rules.Scorecard], error) {
	if !anyCorpusSource(sources) {
		return scoreAll(ctx, sources, ro, rs, stderr), nil
	}
	st, err := cf.open(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rv := newReviewer(ro, rs)
	return eachSource(ctx, sources, ro.jobs, "scored", stderr, func(ctx context.Context, src string) (*rules.Scorecard, []string, error) {
		if !isCorpusSource(src) {
			return scoreOne(ctx, src, ro, rs)
		}
		s, err := readStored(ctx, st, src, rv, false)
		if err != nil {
			return nil, nil, err
		}
		return s.card, append(s.warnings, cardWarnings(s.card)...), nil
	}), nil
}

// storedCards are the stored scorecards of the corpus's documents that
// the filters pick, under the rules version given where a version has
// several.
func storedCards(ctx context.Context, cf *corpusFlags, ff filterFlags, rulesVersion string) ([]*rules.Scorecard, error) {
	filter, err := ff.filter()
	if err != nil {
		return nil, err
	}
	st, err := cf.open(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	stored, err := st.Scorecards(ctx, filter, rulesVersion)
	if err != nil {
		return nil, err
	}
	if len(stored) == 0 {
		return nil, errors.New("no scored documents in the corpus match (see 'nhsreview corpus ls')")
	}
	cards := make([]*rules.Scorecard, len(stored))
	for i, s := range stored {
		cards[i] = s.Card
	}
	return cards, nil
}

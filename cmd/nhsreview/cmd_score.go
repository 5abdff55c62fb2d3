package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// sampleStrategy is the fictional strategy bundled for `score --sample`.
//
//go:embed sample/sample-strategy.md
var sampleStrategy []byte

const sampleName = "sample-strategy.md"

// scoreOptions are the flags of 'score'.
type scoreOptions struct {
	sources   sourceFlags
	read      readOptions
	report    reportFlags
	failUnder int
	sample    bool
}

func newScoreCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts scoreOptions
	c := &cobra.Command{
		Use:   "score SOURCE... | score --sample",
		Short: "Score documents on the five criteria, with evidence, gaps, questions and red flags",
		Long: `Scores each SOURCE (a file or an http(s) URL) from 0 to 3 on problem analysis,
inequality actions, costed plans, voluntary and community sector involvement
and public involvement, with the passages that justify each score (page and
section), what the next score needs, the questions to ask, and red flags.
--sample scores a fictional strategy bundled in the binary. SOURCE#ITEM
scores one paper of a board pack ("pack.pdf#7i", the item as 'nhsreview pack'
numbers it).

Formats: text (a terminal scorecard), md (Markdown for a briefing), html (one
self-contained file whose first page prints as an A4 scorecard), json (the
schema in reports/schema/score.schema.json), csv (one row per document and
criterion).

A document with too little text to judge (a scan, outlined text, a page of
images) gets status "unreadable" and no scores, with the reason; a source
that could not be read at all is one line on stderr and, except in JSON,
a card that says so.

Exit codes: 0 scored; 1 scored, but a criterion scored below --fail-under;
2 a source could not be read or judged, or bad usage.`,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(opts.sources.withSources(args, stderr, func(sources []string) int {
				return runScore(c.Context(), opts, sources, stdout, stderr)
			}))
		},
	}
	c.Flags().IntVar(&opts.failUnder, "fail-under", 0, "exit 1 when any criterion of any document scores below this (0-3)")
	c.Flags().BoolVar(&opts.sample, "sample", false, "score the fictional sample strategy bundled in the binary")
	opts.report.register(c, reports.ScorecardFormats)
	opts.read.register(c)
	opts.sources.register(c)
	return c
}

// runScore scores the sources (or the sample) and writes their
// scorecards; no report is written when no source could be read.
func runScore(ctx context.Context, opts scoreOptions, sources []string, stdout, stderr io.Writer) int {
	f, ropt, err := opts.report.resolve(stdout)
	if err != nil {
		return fail(stderr, err)
	}
	if opts.sample == (len(sources) > 0) {
		return fail(stderr, errors.New("give sources to score, or --sample (not both)"))
	}
	if opts.failUnder < 0 || opts.failUnder > 3 {
		return fail(stderr, fmt.Errorf("--fail-under %d: use 0 to 3", opts.failUnder))
	}
	rs, err := opts.report.rules()
	if err != nil {
		return fail(stderr, err)
	}
	// The output is opened before anything is read, so that a bad -o is
	// the one error rather than one more after every source's.
	out, err := openOutput(opts.report.outPath, stdout)
	if err != nil {
		return fail(stderr, err)
	}
	var cards []*rules.Scorecard
	var failed bool
	if opts.sample {
		card, err := scoreResult(ctx, &fetched.Doc{Source: sampleName, Data: sampleStrategy}, opts.read, rs, sampleName, "")
		if err != nil {
			out.close(false) // no -o file is left, as after any failure
			return fail(stderr, fmt.Errorf("sample: %w", err))
		}
		cards = append(cards, card)
	} else {
		// JSON holds documents that were read; the other formats
		// show a failed source as such
		cards, failed = cardsOf(scoreAll(ctx, sources, opts.read, rs, stderr), f != reports.FormatJSON)
	}
	var werr error
	if anyRead(cards) {
		werr = reports.Scorecards(out.w, f, cards, ropt)
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
	if below(cards, opts.failUnder) {
		return exitBelow
	}
	return exitOK
}

// below reports whether a criterion of a card scored below failUnder
// (0: never).
func below(cards []*rules.Scorecard, failUnder int) bool {
	if failUnder == 0 {
		return false
	}
	for _, card := range cards {
		for _, cr := range card.Criteria {
			if cr.Score < failUnder {
				return true
			}
		}
	}
	return false
}

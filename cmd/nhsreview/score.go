package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// sampleStrategy is the fictional strategy bundled for `score --sample`.
//
//go:embed sample/sample-strategy.md
var sampleStrategy []byte

const sampleName = "sample-strategy.md"

func newScoreCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var rf reportFlags
	var failUnder int
	var sample bool
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
			f, opt, err := rf.resolve(stdout)
			if err != nil {
				return err
			}
			if sample == (len(args) > 0) {
				return fmt.Errorf("give sources to score, or --sample (not both)")
			}
			if failUnder < 0 || failUnder > 3 {
				return fmt.Errorf("--fail-under %d: use 0 to 3", failUnder)
			}
			rs, err := rf.rules()
			if err != nil {
				return err
			}
			out, err := openOutput(rf.outPath, stdout)
			if err != nil {
				return err
			}
			var cards []*rules.Scorecard
			var failed bool
			if sample {
				card, err := scoreResult(c.Context(), &fetch.Result{Source: sampleName, Data: sampleStrategy}, ro, rs, sampleName, "")
				if err != nil {
					return fmt.Errorf("sample: %w", err)
				}
				cards = append(cards, card)
			} else {
				// JSON holds documents that were read; the other formats
				// show a failed source as such
				cards, failed = cardsOf(scoreAll(c.Context(), args, ro, rs, stderr), f != reports.FormatJSON)
			}
			var werr error
			if anyRead(cards) {
				werr = reports.Scorecards(out.w, f, cards, opt)
			}
			if err := out.close(werr == nil && anyRead(cards)); err != nil {
				return err
			}
			if werr != nil {
				return werr
			}
			if failed {
				return exitError{exitFailure}
			}
			if failUnder > 0 {
				for _, card := range cards {
					for _, cr := range card.Criteria {
						if cr.Score < failUnder {
							return exitError{exitBelow}
						}
					}
				}
			}
			return nil
		},
	}
	c.Flags().IntVar(&failUnder, "fail-under", 0, "exit 1 when any criterion of any document scores below this (0-3)")
	c.Flags().BoolVar(&sample, "sample", false, "score the fictional sample strategy bundled in the binary")
	rf.register(c, reports.ScorecardFormats)
	ro.register(c)
	return c
}

func loadRules(dir string) (*rules.Set, error) {
	if dir == "" {
		return rules.Default()
	}
	rs, err := rules.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--rules %s: %w", dir, err)
	}
	return rs, nil
}

// scoreAll reads and scores every source (see eachSource).
func scoreAll(ctx context.Context, sources []string, ro readOptions, rs *rules.Set, stderr io.Writer) []outcome[*rules.Scorecard] {
	return eachSource(sources, ro.jobs, "scored", stderr, func(src string) (*rules.Scorecard, []string, error) {
		base, item := paperRef(src)
		res, err := fetchSource(ctx, base, ro)
		if err != nil {
			return nil, nil, err
		}
		card, err := scoreResult(ctx, res, ro, rs, src, item)
		if err != nil {
			return nil, nil, err
		}
		warnings := card.Document.Quality.Warnings
		if !card.Scored() {
			warnings = append(slices.Clone(warnings), "not scored: "+card.Reason)
		}
		return card, warnings, nil
	})
}

// scoreResult runs the reviewer on fetched bytes: document, annotated
// document, scorecard; of the pack's paper item when there is one (src is
// then the paper's name, "pack.pdf#7i").
func scoreResult(ctx context.Context, res *fetch.Result, ro readOptions, rs *rules.Set, src, item string) (*rules.Scorecard, error) {
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

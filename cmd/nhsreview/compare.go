package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

func newCompareCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var rf reportFlags
	var fromCorpus bool
	cf := &corpusFlags{}
	var ff filterFlags
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

A source that could not be read, or had too little text to judge, keeps its
row, marked "not scored" with the reason (in the CSV: the status and reason
columns).

Exit codes: 0 every source scored; 2 a source could not be read or judged
(the others are still compared), or bad usage.`,
		RunE: func(c *cobra.Command, args []string) error {
			f, opt, err := rf.resolve(stdout)
			if err != nil {
				return err
			}
			switch {
			case fromCorpus && len(args) > 0:
				return errors.New("give sources to compare, or --corpus (not both)")
			case !fromCorpus && len(args) == 0:
				return fmt.Errorf("give the sources to compare (files or URLs)")
			case !fromCorpus:
				for _, name := range []string{"db", "org", "region", "kind", "since"} {
					if c.Flags().Changed(name) {
						return fmt.Errorf("--%s is for --corpus", name)
					}
				}
			}
			rs, err := rf.rules()
			if err != nil {
				return err
			}
			var cards []*rules.Scorecard
			var failed bool
			if fromCorpus {
				if cards, err = storedCards(c, cf, ff, rs.Version); err != nil {
					return err
				}
			} else {
				cards, failed = cardsOf(scoreAll(c.Context(), args, ro, rs, stderr), true)
			}
			out, err := openOutput(rf.outPath, stdout)
			if err != nil {
				return err
			}
			var werr error
			if anyRead(cards) {
				werr = reports.Compare(out.w, f, cards, opt)
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
			return nil
		},
	}
	rf.register(c, reports.ComparisonFormats)
	c.Flags().BoolVar(&fromCorpus, "corpus", false, "compare the documents stored in the corpus (filtered by --org, --region, --kind, --since) instead of SOURCE arguments")
	c.Flags().StringVar(&cf.db, "db", "", "the corpus database file, with --corpus (default: the user's data directory)")
	ff.register(c)
	ro.register(c)
	return c
}

// storedCards are the stored scorecards of the corpus's documents that
// the filters pick, under the rules version given where a version has
// several.
func storedCards(c *cobra.Command, cf *corpusFlags, ff filterFlags, rulesVersion string) ([]*rules.Scorecard, error) {
	filter, err := ff.filter()
	if err != nil {
		return nil, err
	}
	st, err := cf.open(c.Context())
	if err != nil {
		return nil, err
	}
	defer st.Close()
	stored, err := st.Scorecards(c.Context(), filter, rulesVersion)
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

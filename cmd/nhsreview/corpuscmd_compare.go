package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// withCorpusCompare gives the compare command --corpus: the documents
// compared are the corpus's (each one's latest version, filtered), from
// their stored scores, so nothing is fetched or scored again. The
// comparison itself is the reports package's, as for sources.
func withCorpusCompare(c *cobra.Command, stdout io.Writer) *cobra.Command {
	cf := &corpusFlags{}
	var ff filterFlags
	var fromCorpus bool
	c.Flags().BoolVar(&fromCorpus, "corpus", false, "compare the documents stored in the corpus (filtered by --org, --region, --kind, --since) instead of SOURCE arguments")
	c.Flags().StringVar(&cf.db, "db", "", "the corpus database file, with --corpus (default: the user's data directory)")
	ff.register(c)
	c.Use = "compare SOURCE... | compare --corpus [--org CODE] [--region R] [--kind KIND] [--since DATE]"
	c.Long += `

With --corpus, the documents are those of the corpus (each one's latest
version; see 'nhsreview corpus ls' with the same filters), compared from
their stored scores: under the rules of --rules, or the built-in rules, where
a version has scores under several.`
	sources := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if !fromCorpus {
			for _, name := range []string{"db", "org", "region", "kind", "since"} {
				if cmd.Flags().Changed(name) {
					return fmt.Errorf("--%s is for --corpus", name)
				}
			}
			return sources(cmd, args)
		}
		if len(args) > 0 {
			return errors.New("give sources to compare, or --corpus (not both)")
		}
		format, _ := cmd.Flags().GetString("format")
		f, err := reports.ParseFormat(format, reports.ComparisonFormats)
		if err != nil {
			return fmt.Errorf("--format: %w", err)
		}
		color, _ := cmd.Flags().GetString("color")
		colored, err := useColor(color, stdout)
		if err != nil {
			return err
		}
		filter, err := ff.filter()
		if err != nil {
			return err
		}
		rulesVersion := currentRules()
		if dir, _ := cmd.Flags().GetString("rules"); dir != "" {
			rs, err := loadRules(dir)
			if err != nil {
				return err
			}
			rulesVersion = rs.Version
		}
		st, err := cf.open(cmd.Context())
		if err != nil {
			return err
		}
		defer st.Close()
		stored, err := st.Scorecards(cmd.Context(), filter, rulesVersion)
		if err != nil {
			return err
		}
		if len(stored) == 0 {
			return errors.New("no scored documents in the corpus match (see 'nhsreview corpus ls')")
		}
		cards := make([]*rules.Scorecard, len(stored))
		for i, s := range stored {
			cards[i] = s.Card
		}
		outPath, _ := cmd.Flags().GetString("output")
		out, err := openOutput(outPath, stdout)
		if err != nil {
			return err
		}
		werr := reports.Compare(out.w, f, cards, reports.Options{Color: colored && outPath == ""})
		if err := out.close(werr == nil); err != nil {
			return err
		}
		return werr
	}
	return c
}

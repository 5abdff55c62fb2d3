package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

func newCompareCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var format, outPath, rulesDir, color string
	c := &cobra.Command{
		Use:   "compare SOURCE...",
		Short: "Score several documents and show them side by side (documents x criteria)",
		Long: `Scores each SOURCE (a file or an http(s) URL) and writes a documents x
criteria matrix of scores: text (a terminal table), md (a Markdown table),
html (one self-contained file with a heatmap and a table sorted by clicking
a heading) or csv (wide: one row per document, one column per criterion).

Exit codes: 0 every source scored; 2 a source could not be read (the others
are still compared), or bad usage.`,
		RunE: func(c *cobra.Command, args []string) error {
			f, err := reports.ParseFormat(format, reports.ComparisonFormats)
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			colored, err := useColor(color, stdout)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return fmt.Errorf("give the sources to compare (files or URLs)")
			}
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			out, err := openOutput(outPath, stdout)
			if err != nil {
				return err
			}
			var cards []*rules.Scorecard
			failed := false
			for _, r := range scoreAll(c.Context(), args, ro, rs, stderr) {
				if r.err != nil {
					failed = true
					continue
				}
				cards = append(cards, r.val)
			}
			var werr error
			if len(cards) > 0 {
				werr = reports.Compare(out.w, f, cards, reports.Options{Color: colored && outPath == ""})
			}
			if err := out.close(werr == nil && len(cards) > 0); err != nil {
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
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: "+reports.FormatList(reports.ComparisonFormats))
	c.Flags().StringVarP(&outPath, "output", "o", "", "write to this file (atomically) instead of standard output")
	c.Flags().StringVar(&rulesDir, "rules", "", "read the rule files from this directory instead of the built-in set")
	c.Flags().StringVar(&color, "color", "auto", "colour the text format: auto (on a terminal, unless NO_COLOR is set), always or never")
	ro.register(c)
	return c
}

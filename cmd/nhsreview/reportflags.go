package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// reportFlags are the flags of the commands that write a report (score,
// compare, diff): --format, --output, --rules and --color.
type reportFlags struct {
	formats                          []reports.Format
	format, outPath, rulesDir, color string
}

func (rf *reportFlags) register(c *cobra.Command, formats []reports.Format) {
	rf.formats = formats
	c.Flags().StringVarP(&rf.format, "format", "f", "text", "output format: "+reports.FormatList(formats))
	c.Flags().StringVarP(&rf.outPath, "output", "o", "", "write to this file (atomically) instead of standard output")
	registerRules(c, &rf.rulesDir)
	c.Flags().StringVar(&rf.color, "color", "auto", "colour the text format: auto (on a terminal, unless NO_COLOR is set), always or never")
}

// resolve checks --format and --color: the format, and the options of
// the report (colour only on standard output).
func (rf *reportFlags) resolve(stdout io.Writer) (reports.Format, reports.Options, error) {
	f, err := reports.ParseFormat(rf.format, rf.formats)
	if err != nil {
		return "", reports.Options{}, fmt.Errorf("--format: %w", err)
	}
	colored, err := useColor(rf.color, stdout)
	if err != nil {
		return "", reports.Options{}, err
	}
	return f, reports.Options{Color: colored && rf.outPath == ""}, nil
}

// rules loads --rules, or the built-in set.
func (rf *reportFlags) rules() (*rules.Set, error) { return loadRules(rf.rulesDir) }

// registerRules is --rules, on every command that scores: one name, one
// help text.
func registerRules(c *cobra.Command, dir *string) {
	c.Flags().StringVar(dir, "rules", "", "read the rule files from this directory instead of the built-in set")
}

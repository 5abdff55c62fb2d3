package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/rules"
)

func newRulesCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "rules",
		Short: "Work with rule files",
	}
	c.AddCommand(&cobra.Command{
		Use:   "check DIR",
		Short: "Validate the rule files in DIR; errors are printed as file:line: message",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			rs, err := rules.LoadDir(args[0])
			if err != nil {
				var errs rules.Errors
				if errors.As(err, &errs) {
					for _, e := range errs {
						fmt.Fprintln(stderr, e)
					}
					return exitError{exitFailure}
				}
				return err
			}
			signals := 0
			for _, f := range rs.Files {
				signals += len(f.Signals)
			}
			fmt.Fprintf(stdout, "%s: %d criteria, %d signals, rules_version %s\n", args[0], len(rs.Files), signals, rs.Version)
			return nil
		},
	})
	var ro readOptions
	var rulesDir string
	var all bool
	m := &cobra.Command{
		Use:   "matches SOURCE CRITERION SIGNAL",
		Short: "List every passage of a document that a criterion's signal matches",
		Args:  cobra.ExactArgs(3),
		RunE: func(c *cobra.Command, args []string) error {
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			r := readAll(c.Context(), args[:1], ro, stderr)[0]
			if r.err != nil {
				return exitError{exitFailure}
			}
			ms, err := rs.Explain(annotate.Annotate(r.val), args[1], args[2])
			if err != nil {
				return err
			}
			claim := annotate.Claim.String
			counted, other := 0, 0
			for _, m := range ms {
				if m.Counts {
					counted++
					fmt.Fprintf(stdout, "p. %d [%s] %s\n    counts: %s\n", m.Page, m.Section, m.Quote, claim(*m.Claim))
				}
			}
			fmt.Fprintf(stdout, "%d passages\n", counted)
			if !all {
				return nil
			}
			for _, m := range ms {
				if !m.Counts {
					if other == 0 {
						fmt.Fprintf(stdout, "\nNot counted (the words match; the claim or the place does not):\n")
					}
					other++
					fmt.Fprintf(stdout, "p. %d [%s] %s\n    not counted: %s (%s)\n", m.Page, m.Section, m.Quote, m.Why, claim(*m.Claim))
				}
			}
			fmt.Fprintf(stdout, "%d passages not counted\n", other)
			return nil
		},
	}
	m.Flags().BoolVar(&all, "all", false, "also list the passages the signal's words match but its claim or section filters leave out, and why")
	registerRules(m, &rulesDir)
	ro.register(m)
	c.AddCommand(m)
	return c
}

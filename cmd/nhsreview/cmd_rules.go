package main

import (
	"context"
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
	c.AddCommand(newRulesCheckCmd(stdout, stderr), newRulesMatchesCmd(stdout, stderr))
	return c
}

func newRulesCheckCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "check DIR",
		Short: "Validate the rule files in DIR; errors are printed as file:line: message",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runRulesCheck(args[0], stdout, stderr))
		},
	}
}

// runRulesCheck loads the rule files of dir and says what they hold, or
// prints each error as file:line: message, for editors to jump to.
func runRulesCheck(dir string, stdout, stderr io.Writer) int {
	rs, err := rules.LoadDir(dir)
	if err != nil {
		var errs rules.Errors
		if errors.As(err, &errs) {
			for _, e := range errs {
				fmt.Fprintln(stderr, e)
			}
			return exitFailure
		}
		return fail(stderr, err)
	}
	signals := 0
	for _, f := range rs.Files {
		signals += len(f.Signals)
	}
	fmt.Fprintf(stdout, "%s: %d criteria, %d signals, rules_version %s\n", dir, len(rs.Files), signals, rs.Version)
	return exitOK
}

// rulesMatchesOptions are the flags of 'rules matches'.
type rulesMatchesOptions struct {
	read     readOptions
	rulesDir string
	all      bool
}

func newRulesMatchesCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts rulesMatchesOptions
	c := &cobra.Command{
		Use:   "matches SOURCE CRITERION SIGNAL",
		Short: "List every passage of a document that a criterion's signal matches",
		Args:  cobra.ExactArgs(3),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runRulesMatches(c.Context(), opts, args[0], args[1], args[2], stdout, stderr))
		},
	}
	c.Flags().BoolVar(&opts.all, "all", false, "also list the passages the signal's words match but its claim or section filters leave out, and why")
	registerRules(c, &opts.rulesDir)
	opts.read.register(c)
	return c
}

// runRulesMatches reads one document and lists the passages a signal
// counts, then (with --all) those its words match but it does not count.
func runRulesMatches(ctx context.Context, opts rulesMatchesOptions, src, criterion, signal string, stdout, stderr io.Writer) int {
	rs, err := loadRules(opts.rulesDir)
	if err != nil {
		return fail(stderr, err)
	}
	r := readAll(ctx, []string{src}, opts.read, stderr)[0]
	if r.err != nil {
		return exitFailure // reported by readAll
	}
	ms, err := rs.Explain(annotate.Annotate(r.val), criterion, signal)
	if err != nil {
		return fail(stderr, err)
	}
	claim := annotate.Claim.String
	counted := 0
	for _, m := range ms {
		if m.Counts {
			counted++
			fmt.Fprintf(stdout, "p. %d [%s] %s\n    counts: %s\n", m.Page, m.Section, m.Quote, claim(*m.Claim))
		}
	}
	fmt.Fprintf(stdout, "%d passages\n", counted)
	if !opts.all {
		return exitOK
	}
	other := 0
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
	return exitOK
}

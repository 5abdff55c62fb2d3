package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/corpus/catalogue"
	"github.com/nhsreview/nhsreview/reports"
)

func newCorpusOrgCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "org",
		Short: "List the organisations documents are filed under, or add one",
	}
	c.AddCommand(newCorpusOrgLsCmd(cf, stdout, stderr), newCorpusOrgAddCmd(cf, stdout, stderr))
	return c
}

// corpusOrgLsOptions are the flags of 'corpus org ls'.
type corpusOrgLsOptions struct {
	db     *corpusFlags
	format formatFlag
}

func newCorpusOrgLsCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusOrgLsOptions{db: cf}
	c := &cobra.Command{
		Use:   "ls [--format text|json]",
		Short: "List the organisations: the 42 Integrated Care Boards and those added",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusOrgLs(c.Context(), opts, stdout, stderr))
		},
	}
	opts.format.register(c, reports.FormatText, reports.OrganisationFormats, "")
	return c
}

// runCorpusOrgLs lists the organisations, with how many documents each
// has.
func runCorpusOrgLs(ctx context.Context, opts corpusOrgLsOptions, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	orgs, err := st.Organisations(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	if err := reports.WriteOrganisations(stdout, format, organisations(orgs)); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// corpusOrgAddOptions are the flags of 'corpus org add'.
type corpusOrgAddOptions struct {
	db           *corpusFlags
	region, kind string
}

func newCorpusOrgAddCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusOrgAddOptions{db: cf}
	c := &cobra.Command{
		Use:   "add CODE NAME [--region R] [--kind KIND]",
		Short: "Add an organisation (an NHS trust, a council, a merged board) by its ODS code",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusOrgAdd(c.Context(), opts, args[0], args[1], stdout, stderr))
		},
	}
	c.Flags().StringVar(&opts.region, "region", "", "its NHS England region (name or code)")
	c.Flags().StringVar(&opts.kind, "kind", "other", "what it is (trust, council, icb, other)")
	return c
}

// runCorpusOrgAdd adds an organisation to file documents under; those of
// the built-in catalogue cannot be changed.
func runCorpusOrgAdd(ctx context.Context, opts corpusOrgAddOptions, code, name string, stdout, stderr io.Writer) int {
	o := corpus.Organisation{Code: code, Name: name, Kind: opts.kind}
	if opts.region != "" {
		var ok bool
		if o.Region, o.RegionCode, ok = catalogue.Region(opts.region); !ok {
			return fail(stderr, fmt.Errorf("--region %q: not an NHS England region", opts.region))
		}
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	if err := st.AddOrganisation(ctx, o); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "added %s %s\n", strings.ToUpper(o.Code), o.Name)
	return exitOK
}

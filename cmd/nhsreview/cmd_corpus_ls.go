package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
)

// corpusLsOptions are the flags of 'corpus ls'.
type corpusLsOptions struct {
	db          *corpusFlags
	filter      filterFlags
	format      formatFlag
	outPath     string
	allVersions bool
}

func newCorpusLsCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusLsOptions{db: cf}
	c := &cobra.Command{
		Use:   "ls [--org CODE] [--region R] [--kind KIND] [--since DATE] [--format text|json|csv]",
		Short: "List the stored documents (each one's latest version)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusLs(c.Context(), opts, stdout, stderr))
		},
	}
	opts.filter.register(c)
	c.Flags().BoolVar(&opts.allVersions, "all-versions", false, "list every version, not only the latest")
	opts.format.register(c, reports.FormatText, reports.ListingFormats, "")
	registerOutput(c, &opts.outPath)
	return c
}

// runCorpusLs lists the stored documents the filters pick.
func runCorpusLs(ctx context.Context, opts corpusLsOptions, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	f, err := opts.filter.filter()
	if err != nil {
		return fail(stderr, err)
	}
	f.AllVersions = opts.allVersions
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	list, err := st.List(ctx, f, currentRules())
	if err != nil {
		return fail(stderr, err)
	}
	entries := listingEntries(list)
	if err := writeOutput(opts.outPath, stdout, func(w io.Writer) error { return reports.WriteListing(w, format, entries) }); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
)

// corpusShowOptions are the flags of 'corpus show'.
type corpusShowOptions struct {
	db     *corpusFlags
	format formatFlag
}

func newCorpusShowCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusShowOptions{db: cf}
	c := &cobra.Command{
		Use:   "show ID",
		Short: "Show a document: its versions, sources, fetches and latest scores (ID, or a SHA-256 prefix)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusShow(c.Context(), opts, args[0], stdout, stderr))
		},
	}
	opts.format.register(c, reports.FormatText, reports.DocumentFormats, "")
	return c
}

// runCorpusShow writes everything stored about the document id names (a
// number, or a SHA-256 prefix of one of its versions).
func runCorpusShow(ctx context.Context, opts corpusShowOptions, id string, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	d, err := st.Show(ctx, id, currentRules())
	if err != nil {
		return fail(stderr, err)
	}
	if err := reports.WriteDocument(stdout, format, documentDetail(d)); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

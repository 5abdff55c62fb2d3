package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
)

// corpusExportOptions are the flags of 'corpus export'.
type corpusExportOptions struct {
	db      *corpusFlags
	filter  filterFlags
	format  formatFlag
	outPath string
}

func newCorpusExportCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusExportOptions{db: cf}
	c := &cobra.Command{
		Use:   "export --format csv|json [-o FILE] [--org CODE] [--region R] [--kind KIND] [--since DATE]",
		Short: "Write every stored score: one row per document version and criterion",
		Long: `Writes the stored scores, one row per document version and criterion, with
the document's source, organisation, region, kind, title, when the version
was first seen and when the document was last fetched, and the rules the
score was made with (the current rules where a version has several). CSV
for spreadsheets, JSON (an array of the same rows) for scripts.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusExport(c.Context(), opts, stdout, stderr))
		},
	}
	opts.filter.register(c)
	opts.format.register(c, reports.FormatCSV, reports.ScoreRowFormats, "")
	registerOutput(c, &opts.outPath)
	return c
}

// runCorpusExport writes the stored scores of the versions the filters
// pick.
func runCorpusExport(ctx context.Context, opts corpusExportOptions, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	f, err := opts.filter.filter()
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	rows, err := st.Export(ctx, f, currentRules())
	if err != nil {
		return fail(stderr, err)
	}
	scores := scoreRows(rows)
	if err := writeOutput(opts.outPath, stdout, func(w io.Writer) error { return reports.WriteScoreRows(w, format, scores) }); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

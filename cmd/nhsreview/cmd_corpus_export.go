package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/reports"
)

// corpusExportOptions are the flags of 'corpus export'.
type corpusExportOptions struct {
	db      *corpusFlags
	filter  filterFlags
	format  formatFlag
	outPath string
	papers  bool
	// evidence and redFlags export the stored scores' quoted passages and
	// red flags instead of their scores.
	evidence, redFlags bool
}

func newCorpusExportCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusExportOptions{db: cf}
	c := &cobra.Command{
		Use:   "export --format csv|json|jsonl [--papers|--evidence|--red-flags] [-o FILE] [--org CODE] [--region R] [--kind KIND] [--since DATE]",
		Short: "Write every stored score: one row per document version and criterion",
		Long: `Writes the stored scores, one row per document version and criterion, with
the document's source, organisation, region, kind, title, when the version
was first seen and when the document was last fetched, and the rules the
score was made with (the current rules where a version has several). CSV
for spreadsheets, JSON (an array of the same rows) for scripts.

--papers writes the stored board packs' papers instead: one row per paper and
criterion (a paper not triaged, such as the minutes, in one row with the
criterion empty), the pack version's columns first, then the paper's:
paper_index, item, paper_title, presenter, purpose, paper_kind, first_page,
last_page, status, criterion, score, max, evidence, red_flags, asked. They are
rows of their own, not added to the documents' rows, so that a script summing
a document's scores does not count a pack's papers twice. A pack whose papers
an older nhsreview split is split again from its stored text and scored (a
line on stderr names them; 'corpus rescore' stores them).

--evidence writes the passages the scores quote instead: one row per passage
and criterion, the version's columns first, then criterion, signal, page,
section and quote. --red-flags writes the red flags: criterion, red_flag (its
message), and the page and quote of the passage it shows (empty when none).

--format jsonl writes JSON Lines (one object a line) for large corpora read a
row at a time. The columns of the CSV are those of the JSON: names with
letters, digits and underscores that R and pandas take as they are.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusExport(c.Context(), opts, stdout, stderr))
		},
	}
	opts.filter.register(c)
	c.Flags().BoolVar(&opts.papers, "papers", false, "export the stored board packs' papers: one row per paper and criterion")
	c.Flags().BoolVar(&opts.evidence, "evidence", false, "export the passages the scores quote: one row per passage and criterion")
	c.Flags().BoolVar(&opts.redFlags, "red-flags", false, "export the scores' red flags, each with the passage it shows")
	c.MarkFlagsMutuallyExclusive("papers", "evidence", "red-flags")
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
	switch {
	case opts.evidence:
		rows, err := st.ExportEvidence(ctx, f, currentRules())
		if err != nil {
			return fail(stderr, err)
		}
		out := make([]reports.EvidenceRow, len(rows))
		for i, r := range rows {
			out[i] = reports.EvidenceRow(r)
		}
		return exportWith(opts.outPath, stdout, stderr, func(w io.Writer) error { return reports.WriteEvidenceRows(w, format, out) })
	case opts.redFlags:
		rows, err := st.ExportRedFlags(ctx, f, currentRules())
		if err != nil {
			return fail(stderr, err)
		}
		out := make([]reports.RedFlagRow, len(rows))
		for i, r := range rows {
			out[i] = reports.RedFlagRow(r)
		}
		return exportWith(opts.outPath, stdout, stderr, func(w io.Writer) error { return reports.WriteRedFlagRows(w, format, out) })
	}
	if opts.papers {
		rv, err := currentReviewer()
		if err != nil {
			return fail(stderr, err)
		}
		rows, splitAgain, err := st.ExportPapers(ctx, f, rv)
		if err != nil {
			return fail(stderr, err)
		}
		if len(splitAgain) > 0 {
			fmt.Fprintf(stderr, "nhsreview: %s\n", corpus.SplitAgainNote(splitAgain...))
		}
		papers := paperScoreRows(rows)
		if err := writeOutput(opts.outPath, stdout, func(w io.Writer) error { return reports.WritePaperScoreRows(w, format, papers) }); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
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

// exportWith writes an export to -o or standard output, and returns the
// exit code.
func exportWith(outPath string, stdout, stderr io.Writer, write func(io.Writer) error) int {
	if err := writeOutput(outPath, stdout, write); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

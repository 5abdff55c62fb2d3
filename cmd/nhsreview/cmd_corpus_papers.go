package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/reports"
)

// corpusPapersOptions are the flags of 'corpus papers'.
type corpusPapersOptions struct {
	db      *corpusFlags
	format  formatFlag
	outPath string
}

// newCorpusPapersCmd is 'corpus papers': a stored board pack's stored
// papers, listed as 'corpus ls' lists documents (nothing is scored).
func newCorpusPapersCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusPapersOptions{db: cf}
	c := &cobra.Command{
		Use:   "papers ID [--format text|json|csv]",
		Short: "List a stored board pack's papers and their stored scores (ID, or a SHA-256 prefix for one version)",
		Long: `Lists the papers stored with a board pack (its latest version, or the version
a SHA-256 prefix names): each paper's item, title, purpose, pages, kind of paper
and its stored scores on the criteria its kind calls for, as 'corpus add' and
'corpus rescore' split and scored it; nothing is read or scored again. Papers
an older nhsreview split are split again from the stored text and scored, as
'corpus pack' shows them, with a line on stderr that says so; nothing is
stored ('corpus rescore' stores them). Text (a table), json (an array, with
each paper's scores) or csv (one row per paper).
Name one paper elsewhere as corpus:ID#ITEM ('nhsreview diff corpus:3#4
corpus:7#4'). 'corpus pack ID' prints the same pack with its questions and
evidence.

Exit codes: 0 listed; 2 no such document, it is not a board pack, its papers
are not stored yet (run 'nhsreview corpus rescore'), or bad usage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusPapers(c.Context(), opts, args[0], stdout, stderr))
		},
	}
	opts.format.register(c, reports.FormatText, reports.PaperFormats, "")
	registerOutput(c, &opts.outPath)
	return c
}

// runCorpusPapers lists the stored papers of the pack id names.
func runCorpusPapers(ctx context.Context, opts corpusPapersOptions, id string, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	rv, err := currentReviewer()
	if err != nil {
		return fail(stderr, err)
	}
	e, papers, err := st.CurrentPapers(ctx, id, rv)
	if err != nil {
		return fail(stderr, err)
	}
	if papers[0].SplitAgain {
		fmt.Fprintf(stderr, "nhsreview: %s\n", corpus.SplitAgainNote(e))
	}
	if err := writeOutput(opts.outPath, stdout, func(w io.Writer) error {
		return reports.WritePapers(w, format, reports.ListingEntry(e), storedPapers(papers))
	}); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// storedPapers are the store's papers under reports' names (see
// listingEntries).
func storedPapers(ps []corpus.StoredPaper) []reports.StoredPaper {
	out := make([]reports.StoredPaper, len(ps))
	for i, p := range ps {
		out[i] = reports.StoredPaper{PaperEntry: reports.PaperEntry(p.PaperEntry), Card: p.Card}
	}
	return out
}

func paperScoreRows(rows []corpus.PaperExportRow) []reports.PaperScoreRow {
	out := make([]reports.PaperScoreRow, len(rows))
	for i, r := range rows {
		out[i] = reports.PaperScoreRow(r)
	}
	return out
}

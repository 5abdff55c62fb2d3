package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/cmd/nhsreview/internal/triage"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/reports"
)

// corpusPackOptions are the flags of 'corpus pack'.
type corpusPackOptions struct {
	db     *corpusFlags
	read   readOptions
	report reportFlags
}

// newCorpusPackCmd is 'corpus pack': a stored board pack's papers, as
// 'pack' prints them, from the stored extraction (nothing is downloaded
// or read again).
func newCorpusPackCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusPackOptions{db: cf}
	c := &cobra.Command{
		Use:   "pack ID",
		Short: "Split a stored board pack into its papers and triage each (ID, or a SHA-256 prefix for one version)",
		Long: `Prints a stored board pack as 'nhsreview pack' does: the agenda as a table,
each paper's scores on the criteria its kind calls for, what the board is asked
to do, red flags and questions; in text, md, html, json (the pack schema) or csv
(one row per paper and criterion), to list or export a pack's papers. The
papers are those stored with the document's latest version (or the version a
SHA-256 prefix names) under the current rules; a pack stored before papers
were, whose papers an older nhsreview split, or read with other --rules, is
split from its stored extraction and scored now. Nothing is stored.

Exit codes: 0 triaged; 2 no such document, its text is not stored, or bad usage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusPack(c.Context(), opts, args[0], stdout, stderr))
		},
	}
	opts.report.register(c, reports.PackFormats)
	opts.read.register(c)
	return c
}

// runCorpusPack splits the stored extraction of the document id names
// into papers, scores them under the current rules and writes the pack's
// report; nothing is stored.
func runCorpusPack(ctx context.Context, opts corpusPackOptions, id string, stdout, stderr io.Writer) int {
	f, ropt, err := opts.report.resolve(stdout)
	if err != nil {
		return fail(stderr, err)
	}
	rs, err := opts.report.rules()
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	d, err := st.Show(ctx, id, rs.Version)
	if err != nil {
		return fail(stderr, err)
	}
	view, failed, note := triage.Stored(ctx, st, id, d, rs.Version)
	if note != "" {
		fmt.Fprintf(stderr, "nhsreview: %s\n", note)
	}
	if view == nil {
		// Not stored under these rules (another --rules, or a database
		// from before papers were stored), or split by an older
		// splitter: split and score it now.
		doc, xerr := st.Extraction(ctx, d.SHA256)
		if xerr != nil || doc == nil {
			return fail(stderr, fmt.Errorf("document %d: its text is not stored; run 'nhsreview corpus rescore --all' to read it again", d.ID))
		}
		view, failed, err = triage.Pack(ctx, d.Source, doc, newReviewer(opts.read, rs).Score)
	}
	if err != nil {
		return fail(stderr, fmt.Errorf("document %d: %w", d.ID, err))
	}
	for _, p := range failed {
		fmt.Fprintf(stderr, "nhsreview: document %d: item %s: %s\n", d.ID, p.Number, textclean.OneLine(p.Err.Error()))
	}
	if err := writeOutput(opts.report.outPath, stdout, func(w io.Writer) error { return reports.WritePack(w, f, view, ropt) }); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

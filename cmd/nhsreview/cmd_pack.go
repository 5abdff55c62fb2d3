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

// packOptions are the flags of 'pack'.
type packOptions struct {
	read   readOptions
	report reportFlags
}

func newPackCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts packOptions
	c := &cobra.Command{
		Use:   "pack SOURCE",
		Short: "Split a board pack into its papers and triage each: one page for the meeting",
		Long: `Reads a board pack (one PDF, Markdown or other file holding an agenda,
minutes and papers), finds its papers by the PDF's bookmarks, their cover
sheets ("Agenda item", "Title of report", "Presented by", "Purpose") and
committee reports' covers ("Name of Committee", "Report to") numbered from
the agenda, the pages the agenda gives and the running "Agenda item 7"
headers or footers of a PDF's pages (which also place papers without a
cover), or the headings the agenda's titles name; reads what the board is
asked to do, and scores each paper on the criteria that apply to its kind:
a strategy or plan, and any other report, on all five; a finance or
performance report on costed plans; a quality or committee report on problem
analysis and inequality actions; minutes, action logs and the agenda not at
all. Prints the agenda as a table (item, title,
purpose, pages, kind, scores, red flags), then each paper's red flags and
the questions most worth asking.

A separate command rather than a flag of 'score': its output is a list of
papers, not a scorecard. Formats: text, md, html (self-contained; the agenda
prints on one A4 sheet), json, csv (one row per paper
and criterion that applies to it).

Exit codes: 0 triaged; 2 the pack could not be read, or bad usage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runPack(c.Context(), opts, args[0], stdout, stderr))
		},
	}
	opts.report.register(c, reports.PackFormats)
	opts.read.register(c)
	return c
}

// runPack reads the pack, splits and triages its papers and writes the
// pack's report; a paper that could not be scored is one line on stderr
// and keeps its row.
func runPack(ctx context.Context, opts packOptions, src string, stdout, stderr io.Writer) int {
	f, ropt, err := opts.report.resolve(stdout)
	if err != nil {
		return fail(stderr, err)
	}
	rs, err := opts.report.rules()
	if err != nil {
		return fail(stderr, err)
	}
	res, err := fetchSource(ctx, src, opts.read)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", src, err))
	}
	rv := newReviewer(opts.read, rs)
	d, err := rv.Read(ctx, res)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", src, err))
	}
	view, failed, err := triage.Pack(ctx, src, d, rv.Score)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", src, err))
	}
	for _, p := range failed {
		fmt.Fprintf(stderr, "nhsreview: %s: item %s: %s\n", src, p.Number, textclean.OneLine(p.Err.Error()))
	}
	if err := writeOutput(opts.report.outPath, stdout, func(w io.Writer) error { return reports.WritePack(w, f, view, ropt) }); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

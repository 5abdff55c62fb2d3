package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/cmd/nhsreview/internal/triage"
	"github.com/nhsreview/nhsreview/reports"
)

// newCorpusPackCmd is 'corpus pack': a stored board pack's papers, as
// 'pack' prints them, from the stored extraction (nothing is downloaded
// or read again).
func newCorpusPackCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	var rf reportFlags
	var ro readOptions
	c := &cobra.Command{
		Use:   "pack ID",
		Short: "Split a stored board pack into its papers and triage each (ID, or a SHA-256 prefix for one version)",
		Long: `Prints a stored board pack as 'nhsreview pack' does: the agenda as a table,
each paper's scores on the criteria its kind calls for, what the board is asked
to do, red flags and questions; in text, md, html, json (the pack schema) or csv
(one row per paper and criterion), to list or export a pack's papers. The
papers are split from the stored extraction of the document's latest version
(or of the version a SHA-256 prefix names) and scored under the current rules;
nothing is stored.

Exit codes: 0 triaged; 2 no such document, its text is not stored, or bad usage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			f, opt, err := rf.resolve(stdout)
			if err != nil {
				return err
			}
			rs, err := rf.rules()
			if err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := st.Show(c.Context(), args[0], rs.Version)
			if err != nil {
				return err
			}
			doc, err := st.Extraction(c.Context(), d.SHA256)
			if err != nil || doc == nil {
				return fmt.Errorf("document %d: its text is not stored; run 'nhsreview corpus rescore --all' to read it again", d.ID)
			}
			view, failed, err := triage.Pack(c.Context(), d.Source, doc, newReviewer(ro, rs).Score)
			if err != nil {
				return fmt.Errorf("document %d: %w", d.ID, err)
			}
			for _, p := range failed {
				fmt.Fprintf(stderr, "nhsreview: document %d: item %s: %s\n", d.ID, p.Number, oneLine(p.Err.Error()))
			}
			return writeOutput(rf.outPath, stdout, func(w io.Writer) error { return reports.WritePack(w, f, view, opt) })
		},
	}
	rf.register(c, reports.PackFormats)
	ro.register(c)
	return c
}

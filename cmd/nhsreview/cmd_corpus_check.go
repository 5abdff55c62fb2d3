package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// corpusCheckOptions are the flags of 'corpus check'.
type corpusCheckOptions struct {
	db    *corpusFlags
	quick bool
}

func newCorpusCheckCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusCheckOptions{db: cf}
	c := &cobra.Command{
		Use:   "check",
		Short: "Check that the corpus is whole: no damaged file, no document stored in part",
		Long: `Runs SQLite's integrity check on the database and looks for documents stored
in part: a document without a version or fetch, a version without its
bytes, extraction or score, bytes not the size recorded. nhsreview stores
each document in one transaction, so none of these should ever be found;
the check is for a file copied, restored or edited by other tools. Then it
reads every stored byte: each document's bytes against their SHA-256, each
extraction and scorecard decoded, naming each damaged document and version
(SQLite's own check passes a flipped byte inside a row); --quick skips this.

Prints what the corpus holds when it is whole. Exit codes: 0 whole; 2 a
problem found (one line each on stderr), or the database cannot be read.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusCheck(c.Context(), opts, stdout, stderr))
		},
	}
	c.Flags().BoolVar(&opts.quick, "quick", false, "check the database's structure and completeness only, without reading every stored byte")
	return c
}

// runCorpusCheck checks the corpus: each problem is a line on stderr, and
// a whole corpus says what it holds.
func runCorpusCheck(ctx context.Context, opts corpusCheckOptions, stdout, stderr io.Writer) int {
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	problems, err := st.Check(ctx, opts.quick)
	if err != nil {
		return fail(stderr, err)
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "nhsreview: corpus %s: %s\n", st.Path(), p)
	}
	if len(problems) > 0 {
		return exitFailure
	}
	n, err := st.Count(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "corpus %s: whole: %d documents, %d versions, %d scorecards\n", st.Path(), n.Documents, n.Versions, n.Scores)
	return exitOK
}

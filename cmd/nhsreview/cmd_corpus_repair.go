package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// corpusRepairOptions are the flags of 'corpus repair'.
type corpusRepairOptions struct {
	db       *corpusFlags
	read     readOptions
	rulesDir string
}

func newCorpusRepairCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusRepairOptions{db: cf}
	c := &cobra.Command{
		Use:   "repair",
		Short: "Mend the damage 'corpus check' finds inside rows: fetch damaged bytes again, re-make unreadable extractions and scores",
		Long: `Repairs what 'nhsreview corpus check' finds inside the stored rows. A
version whose bytes no longer match their SHA-256 is fetched again from each
source it was stored from, and its bytes are put back only when the fetched
bytes have that very SHA-256; a source that now holds other bytes is a new
version (store it with 'corpus add'), and is said so. A stored extraction or
scorecard that cannot be read is dropped and made again from the bytes.
One line per damaged version says what was done.

Exit codes: 0 everything repaired (or nothing to repair); 2 something could
not be repaired (named on stderr), or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusRepair(c.Context(), opts, stdout, stderr))
		},
	}
	registerRules(c, &opts.rulesDir)
	opts.read.register(c)
	return c
}

// runCorpusRepair mends the damaged versions: a line on stdout for each
// repaired, on stderr for each that could not be, and a count.
func runCorpusRepair(ctx context.Context, opts corpusRepairOptions, stdout, stderr io.Writer) int {
	rs, err := loadRules(opts.rulesDir)
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	get := func(ctx context.Context, src string) (*fetched.Doc, error) { return fetchSource(ctx, src, opts.read) }
	done, err := st.Repair(ctx, newReviewer(opts.read, rs), get)
	if err != nil {
		return fail(stderr, err)
	}
	failed := false
	for _, r := range done {
		if r.Done {
			fmt.Fprintf(stdout, "repaired  %s: %s: %s\n", r.Versions, r.Problem, r.Note)
			continue
		}
		failed = true
		fmt.Fprintf(stderr, "nhsreview: %s: %s: %s\n", r.Versions, r.Problem, textclean.OneLine(r.Note))
	}
	fmt.Fprintf(stdout, "repair: %d damaged, %d repaired\n", len(done), countDone(done))
	if failed {
		return exitFailure
	}
	return exitOK
}

func countDone(rs []corpus.Repaired) int {
	n := 0
	for _, r := range rs {
		if r.Done {
			n++
		}
	}
	return n
}

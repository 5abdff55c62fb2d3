package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
)

// corpusAddOptions are the flags of 'corpus add'.
type corpusAddOptions struct {
	sources  sourceFlags
	db       *corpusFlags
	read     readOptions
	meta     metaFlags
	rulesDir string
}

func newCorpusAddCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusAddOptions{db: cf}
	c := &cobra.Command{
		Use:   "add SOURCE... [--org CODE] [--kind KIND]",
		Short: "Fetch, read, score and store documents (files or URLs)",
		Long: `Fetches each SOURCE (a file or an http(s) URL), reads and scores it, and
stores it: a new document, a new version of one already stored (new bytes
from the same source), another source of a stored document (its bytes under
a new name: one document per content), or nothing new (the same bytes). One
line per source on stdout: new, changed, source or unchanged, the document
number and version. A board
pack is stored once, with its papers (split and scored as 'nhsreview pack'
does) as its parts: 'corpus papers ID' lists them, and the line ends with
their count. Adding a pack already stored whose papers an older nhsreview
split stores them split again, as 'corpus rescore' would ("4 papers, split
again").

Exit codes: 0 every source stored; 2 a source could not be fetched or read
(the others are still stored), or bad usage.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(opts.sources.withSources(args, stderr, func(sources []string) int {
				return runCorpusAdd(c.Context(), opts, sources, stdout, stderr)
			}))
		},
	}
	opts.meta.register(c)
	registerRules(c, &opts.rulesDir)
	opts.read.register(c)
	opts.sources.register(c)
	return c
}

// runCorpusAdd fetches, reads, scores and stores every source, several at
// a time, with one line on stdout for each stored.
func runCorpusAdd(ctx context.Context, opts corpusAddOptions, sources []string, stdout, stderr io.Writer) int {
	meta, err := opts.meta.meta()
	if err != nil {
		return fail(stderr, err)
	}
	rs, err := loadRules(opts.rulesDir)
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	if err := st.CheckMeta(ctx, &meta); err != nil {
		return fail(stderr, err)
	}
	rv := newReviewer(opts.read, rs)
	failed := false
	for _, r := range eachSource(ctx, sources, opts.read.jobs, "stored", stderr, func(ctx context.Context, src string) (*corpus.Outcome, []string, error) {
		res, err := fetchSource(ctx, src, opts.read)
		if err != nil {
			return nil, nil, err
		}
		if src == stdinArg {
			// Stored under its content, as nothing else names it: the
			// same bytes piped in again are unchanged, other bytes
			// another document (not a version of "stdin").
			res.Source = corpus.StdinKey(res.Data)
		}
		out, err := st.Ingest(ctx, rv, res, meta)
		if err != nil {
			return nil, nil, err
		}
		// A pack's paper that could not be scored is stored without a
		// score: a warning, not a failure of the pack.
		return out, corpus.PaperWarnings(out.Papers, out.PapersErr), nil
	}) {
		if r.err != nil {
			failed = true
			continue
		}
		fmt.Fprintln(stdout, outcomeLine(r.source, r.val))
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

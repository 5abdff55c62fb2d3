package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
)

// corpusCopyOptions are the flags of 'corpus copy'.
type corpusCopyOptions struct {
	db       *corpusFlags
	from, to string
}

func newCorpusCopyCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusCopyOptions{db: cf}
	c := &cobra.Command{
		Use:   "copy --to DB [--from DB]",
		Short: "Copy a corpus into a new one: a SQLite file to a PostgreSQL server, or back",
		Long: `Copies every stored row of the corpus --from names (by default the one --db
names) into the new, empty corpus --to names, keeping document ids: a SQLite
file into a database on a PostgreSQL server (postgres://USER@HOST/DB) that a
team shares, a server's database into a file, or a file into another. Each
names a file ("sqlite:PATH" or a path) or a server's URL.

The copy is one transaction of the destination: one that fails leaves it as
it was. Nothing is read or scored again; the search index is made in the
destination as the passages are written. Then both are read again and
compared table by table, rows counted and hashed; the table of counts and
hashes is printed when they are equal.

Exit codes: 0 copied and equal; 2 the destination holds documents already,
a database cannot be opened, or the copy differs.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusCopy(c.Context(), opts, stdout, stderr))
		},
	}
	c.Flags().StringVar(&opts.from, "from", "", "the corpus to copy: a file (sqlite:PATH or a path) or a postgres:// URL (default: the one --db names)")
	c.Flags().StringVar(&opts.to, "to", "", "the new corpus to copy into: a file or a postgres:// URL (required)")
	return c
}

func runCorpusCopy(ctx context.Context, opts corpusCopyOptions, stdout, stderr io.Writer) int {
	if opts.to == "" {
		return fail(stderr, errors.New("corpus copy: --to names no corpus to copy into (a file, or a postgres:// URL)"))
	}
	from := opts.from
	if from == "" {
		var err error
		if from, err = opts.db.target(); err != nil {
			return fail(stderr, err)
		}
	}
	src, err := corpus.Open(ctx, from)
	if err != nil {
		return fail(stderr, err)
	}
	defer src.Close()
	dst, err := corpus.Open(ctx, opts.to)
	if err != nil {
		return fail(stderr, err)
	}
	defer dst.Close()
	digests, err := corpus.Copy(ctx, src, dst)
	if err != nil {
		return fail(stderr, err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tSHA-256")
	for _, d := range digests {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", d.Table, d.Rows, d.SHA256)
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "copied %s (%s) to %s (%s): every table's rows and hash equal\n", src.Path(), src.Backend(), dst.Path(), dst.Backend())
	return exitOK
}

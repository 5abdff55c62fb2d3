package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// diffOptions are the flags of 'diff'.
type diffOptions struct {
	read   readOptions
	report reportFlags
	db     corpusFlags
	// dbGiven: --db was on the command line.
	dbGiven bool
}

func newDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts diffOptions
	c := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Score two versions of one document and show what changed",
		Long: `Scores OLD and NEW (files or http(s) URLs: two versions of one strategy) and
reports which scores changed, the evidence added and removed (passages matched
by quote, with whether the text itself is new or gone, or only newly quoted or
no longer quoted), and new and resolved red flags. OLD#ITEM and NEW#ITEM
compare one paper of two board packs (a strategy in March's pack and, revised,
in May's).
Formats: text, md, html (one self-contained file) or json
(reports/schema/diff.schema.json).

OLD and NEW may name what the corpus (--db) stores instead: corpus:ID (a
document's latest version), corpus:SHA256-PREFIX (one version) or
corpus:ID#ITEM (a paper of a stored board pack, as 'corpus papers ID' lists
them): 'nhsreview diff corpus:3#4 corpus:7#4' diffs the strategy of the March
pack stored as document 3 against the May pack's. Their stored scores are used
(under --rules, or the built-in rules, where a version has scores under
several), so nothing is fetched or scored again (but a pack an older
nhsreview split is split again from its stored text, with a warning that
says so); a stored paper holds the
criteria its kind calls for.

Exit codes: 0 both scored; 2 a version could not be read, or bad usage.`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.dbGiven = c.Flags().Changed("db")
			return exitWith(runDiff(c.Context(), opts, args, stdout, stderr))
		},
	}
	opts.report.register(c, reports.DiffFormats)
	opts.db.register(c.Flags(), ", for corpus: sources")
	opts.read.register(c)
	return c
}

// runDiff scores the two versions and writes what changed between them.
func runDiff(ctx context.Context, opts diffOptions, args []string, stdout, stderr io.Writer) int {
	f, ropt, err := opts.report.resolve(stdout)
	if err != nil {
		return fail(stderr, err)
	}
	if len(args) != 2 {
		return fail(stderr, fmt.Errorf("give two versions to compare: diff OLD NEW (got %d sources)", len(args)))
	}
	rs, err := opts.report.rules()
	if err != nil {
		return fail(stderr, err)
	}
	rv := newReviewer(opts.read, rs)
	var st *corpus.Store
	switch {
	case anyCorpusSource(args):
		if st, err = opts.db.open(ctx); err != nil {
			return fail(stderr, err)
		}
		defer st.Close()
	case opts.dbGiven:
		return fail(stderr, errors.New("--db is for corpus: sources (corpus:ID, corpus:ID#ITEM)"))
	}
	versions := eachSource(ctx, args, 2, "scored", stderr, func(ctx context.Context, src string) (diffSide, []string, error) {
		if isCorpusSource(src) {
			return storedVersion(ctx, st, src, rv)
		}
		return scoreVersion(ctx, src, opts.read, rv)
	})
	for _, v := range versions {
		if v.err != nil {
			return exitFailure // reported by eachSource
		}
	}
	d := reports.NewDiff(versions[0].val.card, versions[1].val.card, reports.DiffOptions{
		InOld: versions[0].val.contains,
		InNew: versions[1].val.contains,
	})
	if err := writeOutput(opts.report.outPath, stdout, func(w io.Writer) error { return reports.WriteDiff(w, f, d, ropt) }); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// diffSide is one side of a diff: its scorecard and a test of whether a
// passage is in its text, which tells a passage that left the document
// from one that only left the evidence list (evidence is the top few
// passages).
type diffSide struct {
	card     *rules.Scorecard
	contains func(quote string) bool
}

// scoreVersion reads and scores one side, and its warnings.
func scoreVersion(ctx context.Context, src string, ro readOptions, rv *pipeline.Reviewer) (diffSide, []string, error) {
	d, err := readOne(ctx, src, ro)
	if err != nil {
		return diffSide{}, nil, err
	}
	card, err := rv.Score(ctx, d)
	if err != nil {
		return diffSide{}, nil, err
	}
	text := foldedText(d)
	contains := func(quote string) bool { return strings.Contains(text, textclean.Fold(quote)) }
	return diffSide{card, contains}, card.Document.Quality.Warnings, nil
}

// storedVersion is one side named in the corpus: its stored scorecard,
// and its stored text to tell where passages went.
func storedVersion(ctx context.Context, st *corpus.Store, src string, sp corpus.Splitter) (diffSide, []string, error) {
	s, err := readStored(ctx, st, src, sp, true)
	if err != nil {
		return diffSide{}, nil, err
	}
	side := diffSide{card: s.card}
	if s.doc != nil {
		text := foldedText(s.doc)
		side.contains = func(quote string) bool { return strings.Contains(text, textclean.Fold(quote)) }
	}
	return side, s.warnings, nil
}

// foldedText is the document's text as evidence quotes are taken from it:
// blocks, list items and table rows, whitespace folded.
func foldedText(d *document.Document) string {
	var b strings.Builder
	for _, p := range d.Pages {
		b.WriteString(document.PageText(p))
	}
	return textclean.Fold(b.String())
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
	"github.com/nhsreview/nhsreview/rules/agreement"
)

// evalOptions are the flags of 'eval'.
type evalOptions struct {
	read          readOptions
	labelsPath    string
	docsDir       string
	evidencePaths []string
	unjudgedPath  string
	half          string
	format        formatFlag
	rulesDir      string
}

func newEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts evalOptions
	c := &cobra.Command{
		Use:   "eval --docs DIR [--labels FILE] [--evidence FILE]...",
		Short: "Measure agreement between nhsreview's scores and human labels, and how readers judged its evidence",
		Long: `Reads a labels file (tab-separated: document, criterion, score, pages,
evidence, note; see RUBRIC.md), finds each document under --docs (searched
recursively by file name), scores it, and prints, overall and per criterion:
quadratic weighted kappa, exact and within-one agreement, the confusion
matrix, and the evidence page hit rate (the share of labelled rows with
pages where the tool's evidence cites one of those pages). The same table
follows for each half of the documents: half A (development) holds the
documents whose file name's SHA-256 starts with a hex digit 0-7, half B
(check) the others; --half restricts everything to one of them.

--evidence reads evidence judgements files (RUBRIC.md's format; several are
merged) and matches every evidence quote the tool prints with them (same
document, criterion, signal and quote, whitespace and curly quotes
normalised). It reports, by criterion, by signal and overall, how many
quotes were printed, judged yes, partly or no, and not judged, and how
many are readable units; the last four lines are a summary. Without
--labels, the documents named in the judgements are scored. --unjudged
writes the printed quotes that have no judgement, as a judgements file to
fill in.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return exitWith(runEval(c.Context(), opts, stdout, stderr))
		},
	}
	c.Flags().StringVar(&opts.labelsPath, "labels", "", "the labels file (tab-separated, RUBRIC.md format)")
	c.Flags().StringVar(&opts.docsDir, "docs", "", "the folder holding the labelled and judged documents (searched recursively)")
	c.Flags().StringArrayVar(&opts.evidencePaths, "evidence", nil, "an evidence judgements file (RUBRIC.md format); repeat to merge several")
	c.Flags().StringVar(&opts.unjudgedPath, "unjudged", "", "write the printed quotes that have no judgement to this file (judgements format, to fill in)")
	c.Flags().StringVar(&opts.half, "half", "", "evaluate only half A (development) or half B (check) of the documents")
	opts.format.register(c, reports.FormatText, textOrJSON, "")
	registerRules(c, &opts.rulesDir)
	opts.read.register(c)
	return c
}

// runEval scores the labelled (or judged) documents and writes how far
// the scores agree with the labels and how the evidence was judged. Exit
// 2 when a document is missing, unreadable or too short to judge, or a
// label or judgement names an unknown criterion: the figures then rest
// on fewer documents or rows than the files hold.
func runEval(ctx context.Context, opts evalOptions, stdout, stderr io.Writer) int {
	format, half, err := opts.check()
	if err != nil {
		return fail(stderr, err)
	}
	inHalf := func(doc string) bool { return half == "" || agreement.Half(doc) == half }
	rs, err := loadRules(opts.rulesDir)
	if err != nil {
		return fail(stderr, err)
	}
	labels, err := readLabels(opts.labelsPath, inHalf)
	if err != nil {
		return fail(stderr, err)
	}
	judgements, err := readJudgements(opts.evidencePaths)
	if err != nil {
		return fail(stderr, err)
	}
	judgements = slices.DeleteFunc(judgements, func(j agreement.Judgement) bool { return !inHalf(j.Document) })
	paths, err := indexDocs(opts.docsDir)
	if err != nil {
		return fail(stderr, err)
	}
	failed := !knownCriteria(rs, judgements, stderr)
	docs := pickDocs(labels, judgements, paths, opts.docsDir, opts.labelsPath == "", stderr)
	cards, scored := docs.score(ctx, paths, opts.read, rs, stderr)
	failed = failed || docs.failed
	out := evalOutput{Documents: docs.count}
	if opts.labelsPath != "" {
		pairs, unknown := agreement.PairLabels(labels, cards)
		for _, l := range unknown {
			fmt.Fprintf(stderr, "nhsreview: %s:%d: unknown criterion %q\n", opts.labelsPath, l.Line, l.Criterion)
			failed = true
		}
		rep := agreement.Measure(pairs)
		out.Report = &rep
	}
	if len(opts.evidencePaths) > 0 || opts.unjudgedPath != "" {
		ev := agreement.MeasureEvidence(scored, judgements)
		out.Evidence = &ev
		if opts.unjudgedPath != "" {
			if err := writeUnjudged(opts.unjudgedPath, ev, rs); err != nil {
				return fail(stderr, err)
			}
		}
	}
	if err := out.write(stdout, format); err != nil {
		return fail(stderr, err)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// check refuses flags that cannot make a report: the format, and --half
// in capitals.
func (o evalOptions) check() (format reports.Format, half string, err error) {
	if o.docsDir == "" || (o.labelsPath == "" && len(o.evidencePaths) == 0) {
		return "", "", errors.New("--docs is required, with --labels or --evidence or both")
	}
	if format, err = o.format.parse(); err != nil {
		return "", "", err
	}
	half = strings.ToUpper(o.half)
	if half != "" && half != agreement.HalfA && half != agreement.HalfB {
		return "", "", fmt.Errorf("--half %q: use A or B", half)
	}
	if o.unjudgedPath == "-" {
		return "", "", errors.New("--unjudged needs a file name: standard output has the report")
	}
	return format, half, nil
}

// readLabels reads the --labels file ("" for none) and keeps the labels
// of the documents in the half.
func readLabels(path string, inHalf func(doc string) bool) ([]agreement.Label, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--labels: %w", err)
	}
	all, err := agreement.ReadLabels(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var labels []agreement.Label
	for _, l := range all {
		if inHalf(l.Document) {
			labels = append(labels, l)
		}
	}
	return labels, nil
}

// knownCriteria reports each judgement of a criterion the rules do not
// have, one line on stderr each, and whether there was none.
func knownCriteria(rs *rules.Set, judgements []agreement.Judgement, stderr io.Writer) bool {
	criteria := map[string]bool{}
	for _, f := range rs.Files {
		criteria[f.ID] = true
	}
	ok := true
	for _, j := range judgements {
		if !criteria[j.Criterion] {
			fmt.Fprintf(stderr, "nhsreview: %s: unknown criterion %q\n", j.At(), j.Criterion)
			ok = false
		}
	}
	return ok
}

// evalDocs are the documents eval scores, in order, and the count its
// figures rest on; failed is set when one is missing or not scored.
type evalDocs struct {
	order  []string
	count  docCount
	failed bool
}

// pickDocs chooses the documents to score: the labelled ones; with no
// labels (scoreJudged), the judged ones. A judged document missing under
// --docs is an error either way (one line on stderr): its judgements
// would otherwise silently drop out of the figures.
func pickDocs(labels []agreement.Label, judgements []agreement.Judgement, paths map[string]string, docsDir string, scoreJudged bool, stderr io.Writer) *evalDocs {
	d := &evalDocs{}
	seen, missing := map[string]bool{}, map[string]bool{}
	want := func(doc, where string, score bool) {
		if seen[doc] {
			return
		}
		if _, ok := paths[doc]; !ok {
			if !missing[doc] {
				missing[doc] = true
				d.count.Missing++
				d.count.Wanted++
				fmt.Fprintf(stderr, "nhsreview: %s: not found under %s%s\n", doc, docsDir, where)
			}
			d.failed = true
			return
		}
		if score {
			seen[doc] = true
			d.order = append(d.order, doc)
		}
	}
	for _, l := range labels {
		want(l.Document, "", true)
	}
	for _, j := range judgements {
		want(j.Document, " (judged at "+j.At()+")", scoreJudged)
	}
	return d
}

// score scores the documents, counting them: the scorecards of those
// scored by document (for the labels), and the same as ScoredDocuments
// in order (for the evidence).
func (d *evalDocs) score(ctx context.Context, paths map[string]string, ro readOptions, rs *rules.Set, stderr io.Writer) (map[string]*rules.Scorecard, []agreement.ScoredDocument) {
	sources := make([]string, len(d.order))
	for i, doc := range d.order {
		sources[i] = paths[doc]
	}
	cards := map[string]*rules.Scorecard{}
	var scored []agreement.ScoredDocument
	for i, r := range scoreAll(ctx, sources, ro, rs, stderr) {
		d.count.Wanted++
		switch {
		case r.err != nil:
			d.failed = true
			d.count.Failed++
			continue
		case !r.val.Scored():
			d.failed = true
			d.count.Unreadable++
			continue
		}
		d.count.Scored++
		cards[d.order[i]] = r.val
		scored = append(scored, agreement.ScoredDocument{Document: d.order[i], Card: r.val})
	}
	return cards, scored
}

// evalOutput is what eval prints. The agreement report's fields stay at
// the top of the JSON, as before --evidence existed; either part is left
// out when it was not asked for.
type evalOutput struct {
	*agreement.Report
	Evidence  *agreement.EvidenceReport `json:"evidence,omitempty"`
	Documents docCount                  `json:"documents"`
}

// docCount says how many documents the figures rest on, and how many
// they leave out: a figure over 31 documents of 33 must say so.
type docCount struct {
	Wanted     int `json:"wanted"`
	Scored     int `json:"scored"`
	Missing    int `json:"missing"`
	Failed     int `json:"failed"`
	Unreadable int `json:"unreadable"`
}

func (d docCount) text() string {
	s := fmt.Sprintf("documents: %d scored of %d", d.Scored, d.Wanted)
	if d.Missing+d.Failed+d.Unreadable > 0 {
		s += fmt.Sprintf("; left out: %d not found, %d could not be read, %d too little text to judge (exit 2)", d.Missing, d.Failed, d.Unreadable)
	}
	return s + "\n"
}

func (o evalOutput) write(w io.Writer, format reports.Format) error {
	if format == reports.FormatJSON {
		return reports.WriteJSON(w, o)
	}
	if _, err := io.WriteString(w, o.Documents.text()+"\n"); err != nil {
		return err
	}
	if o.Report != nil {
		if err := agreement.WriteText(w, *o.Report); err != nil {
			return err
		}
	}
	if o.Evidence != nil {
		if o.Report != nil {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		return agreement.WriteEvidenceText(w, *o.Evidence)
	}
	return nil
}

// readJudgements reads and merges the --evidence files in the order given.
func readJudgements(paths []string) ([]agreement.Judgement, error) {
	var lists [][]agreement.Judgement
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("--evidence: %w", err)
		}
		js, err := agreement.ReadJudgements(p, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		lists = append(lists, js)
	}
	return agreement.MergeJudgements(lists...)
}

// writeUnjudged writes the --unjudged file atomically, like -o elsewhere.
func writeUnjudged(path string, ev agreement.EvidenceReport, rs *rules.Set) error {
	o, err := openOutput(path, nil)
	if err != nil {
		return fmt.Errorf("--unjudged: %w", err)
	}
	werr := agreement.WriteUnjudged(o.w, ev, rs)
	if err := o.close(werr == nil); err != nil {
		return fmt.Errorf("--unjudged: %w", err)
	}
	if werr != nil {
		return fmt.Errorf("--unjudged: writing %s: %w", path, werr)
	}
	return nil
}

// indexDocs maps file names under dir to their paths (the first found).
func indexDocs(dir string) (map[string]string, error) {
	paths := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			if _, dup := paths[d.Name()]; !dup {
				paths[d.Name()] = p
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--docs: %w", err)
	}
	return paths, nil
}

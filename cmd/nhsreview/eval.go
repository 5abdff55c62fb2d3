package main

import (
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

func newEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var labelsPath, docsDir, format, rulesDir, half, unjudgedPath string
	var evidencePaths []string
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
			if docsDir == "" || (labelsPath == "" && len(evidencePaths) == 0) {
				return fmt.Errorf("--docs is required, with --labels or --evidence or both")
			}
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			half = strings.ToUpper(half)
			if half != "" && half != agreement.HalfA && half != agreement.HalfB {
				return fmt.Errorf("--half %q: use A or B", half)
			}
			if unjudgedPath == "-" {
				return fmt.Errorf("--unjudged needs a file name: standard output has the report")
			}
			inHalf := func(doc string) bool { return half == "" || agreement.Half(doc) == half }
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			var labels []agreement.Label
			if labelsPath != "" {
				f, err := os.Open(labelsPath)
				if err != nil {
					return fmt.Errorf("--labels: %w", err)
				}
				all, err := agreement.ReadLabels(f)
				f.Close()
				if err != nil {
					return fmt.Errorf("%s: %w", labelsPath, err)
				}
				for _, l := range all {
					if inHalf(l.Document) {
						labels = append(labels, l)
					}
				}
			}
			judgements, err := readJudgements(evidencePaths)
			if err != nil {
				return err
			}
			judgements = slices.DeleteFunc(judgements, func(j agreement.Judgement) bool { return !inHalf(j.Document) })
			paths, err := indexDocs(docsDir)
			if err != nil {
				return err
			}
			failed := false
			criteria := map[string]bool{}
			for _, f := range rs.Files {
				criteria[f.ID] = true
			}
			for _, j := range judgements {
				if !criteria[j.Criterion] {
					fmt.Fprintf(stderr, "nhsreview: %s: unknown criterion %q\n", j.At(), j.Criterion)
					failed = true
				}
			}
			// Which documents are scored: the labelled ones; with no
			// labels, the judged ones. A judged document missing under
			// --docs is an error either way: its judgements would
			// otherwise silently drop out of the figures.
			var order []string
			seen, missing := map[string]bool{}, map[string]bool{}
			var count docCount
			want := func(doc, where string, score bool) {
				if seen[doc] {
					return
				}
				if _, ok := paths[doc]; !ok {
					if !missing[doc] {
						missing[doc] = true
						count.Missing++
						count.Wanted++
						fmt.Fprintf(stderr, "nhsreview: %s: not found under %s%s\n", doc, docsDir, where)
					}
					failed = true
					return
				}
				if score {
					seen[doc] = true
					order = append(order, doc)
				}
			}
			for _, l := range labels {
				want(l.Document, "", true)
			}
			for _, j := range judgements {
				want(j.Document, " (judged at "+j.At()+")", labelsPath == "")
			}
			sources := make([]string, len(order))
			for i, d := range order {
				sources[i] = paths[d]
			}
			results := scoreAll(c.Context(), sources, ro, rs, stderr)
			byDoc := make(map[string]outcome[*rules.Scorecard], len(results))
			var scored []agreement.ScoredDocument
			for i, r := range results {
				byDoc[order[i]] = r
				count.Wanted++
				switch {
				case r.err != nil:
					failed = true
					count.Failed++
					continue
				case !r.val.Scored():
					failed = true
					count.Unreadable++
					continue
				}
				count.Scored++
				scored = append(scored, agreement.ScoredDocument{Document: order[i], Card: r.val})
			}
			out := evalOutput{Documents: count}
			if labelsPath != "" {
				cards := map[string]*rules.Scorecard{}
				for doc, r := range byDoc {
					if r.err == nil && r.val.Scored() {
						cards[doc] = r.val
					}
				}
				pairs, unknown := agreement.PairLabels(labels, cards)
				for _, l := range unknown {
					fmt.Fprintf(stderr, "nhsreview: %s:%d: unknown criterion %q\n", labelsPath, l.Line, l.Criterion)
					failed = true
				}
				rep := agreement.Measure(pairs)
				out.Report = &rep
			}
			if len(evidencePaths) > 0 || unjudgedPath != "" {
				ev := agreement.MeasureEvidence(scored, judgements)
				out.Evidence = &ev
				if unjudgedPath != "" {
					if err := writeUnjudged(unjudgedPath, ev, rs); err != nil {
						return err
					}
				}
			}
			if err := out.write(stdout, format); err != nil {
				return err
			}
			if failed {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	c.Flags().StringVar(&labelsPath, "labels", "", "the labels file (tab-separated, RUBRIC.md format)")
	c.Flags().StringVar(&docsDir, "docs", "", "the folder holding the labelled and judged documents (searched recursively)")
	c.Flags().StringArrayVar(&evidencePaths, "evidence", nil, "an evidence judgements file (RUBRIC.md format); repeat to merge several")
	c.Flags().StringVar(&unjudgedPath, "unjudged", "", "write the printed quotes that have no judgement to this file (judgements format, to fill in)")
	c.Flags().StringVar(&half, "half", "", "evaluate only half A (development) or half B (check) of the documents")
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	registerRules(c, &rulesDir)
	ro.register(c)
	return c
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

func (o evalOutput) write(w io.Writer, format string) error {
	if format == "json" {
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

package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
	"github.com/nhsreview/nhsreview/rules/agreement"
)

func newEvalCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	var labelsPath, docsDir, format, rulesDir string
	c := &cobra.Command{
		Use:   "eval --labels FILE --docs DIR",
		Short: "Measure agreement between nhsreview's scores and human labels",
		Long: `Reads a labels file (tab-separated: document, criterion, score, pages,
evidence, note; see RUBRIC.md), finds each document under --docs (searched
recursively by file name), scores it, and prints, overall and per criterion:
quadratic weighted kappa, exact and within-one agreement, the confusion
matrix, and the evidence page hit rate (the share of labelled rows with
pages where the tool's evidence cites one of those pages).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if labelsPath == "" || docsDir == "" {
				return fmt.Errorf("--labels and --docs are required")
			}
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			f, err := os.Open(labelsPath)
			if err != nil {
				return fmt.Errorf("--labels: %w", err)
			}
			labels, err := agreement.ReadLabels(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", labelsPath, err)
			}
			paths, err := indexDocs(docsDir)
			if err != nil {
				return err
			}
			var order []string
			seen := map[string]bool{}
			failed := false
			for _, l := range labels {
				if seen[l.Document] {
					continue
				}
				seen[l.Document] = true
				if _, ok := paths[l.Document]; !ok {
					fmt.Fprintf(stderr, "nhsreview: %s: not found under %s\n", l.Document, docsDir)
					failed = true
					continue
				}
				order = append(order, l.Document)
			}
			sources := make([]string, len(order))
			for i, d := range order {
				sources[i] = paths[d]
			}
			results := scoreAll(c.Context(), sources, ro, rs, stderr)
			byDoc := make(map[string]outcome[*rules.Scorecard], len(results))
			for i, r := range results {
				byDoc[order[i]] = r
				if r.err != nil {
					failed = true
				}
			}
			var pairs []agreement.Pair
			for _, l := range labels {
				r, ok := byDoc[l.Document]
				if !ok || r.err != nil {
					continue
				}
				found := false
				for _, cr := range r.val.Criteria {
					if cr.ID != l.Criterion {
						continue
					}
					found = true
					p := agreement.Pair{Document: l.Document, Criterion: l.Criterion, Human: l.Score, Tool: cr.Score, HumanPages: l.Pages}
					for _, e := range cr.Evidence {
						p.ToolPages = append(p.ToolPages, e.Page)
					}
					pairs = append(pairs, p)
				}
				if !found {
					fmt.Fprintf(stderr, "nhsreview: %s:%d: unknown criterion %q\n", labelsPath, l.Line, l.Criterion)
					failed = true
				}
			}
			rep := agreement.Measure(pairs)
			if format == "json" {
				err = reports.WriteJSON(stdout, rep)
			} else {
				err = agreement.WriteText(stdout, rep)
			}
			if err != nil {
				return err
			}
			if failed {
				return exitError{exitFailure}
			}
			return nil
		},
	}
	c.Flags().StringVar(&labelsPath, "labels", "", "the labels file (tab-separated, RUBRIC.md format)")
	c.Flags().StringVar(&docsDir, "docs", "", "the folder holding the labelled documents (searched recursively)")
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	c.Flags().StringVar(&rulesDir, "rules", "", "read the rule files from this directory instead of the built-in set")
	ro.register(c)
	return c
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

// Package triage makes the view of a board pack that `nhsreview pack` and
// the web interface show: the pack split into its papers (package pack),
// each scored on the criteria its kind calls for (pipeline.ScorePapers,
// which the corpus's stored papers are made with too). One home for both,
// so that the command line and the browser say the same of a pack.
package triage

import (
	"context"

	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/reports"
)

// Scorer scores one paper as a document of its own.
type Scorer = pipeline.Scorer

// PaperError is a paper whose scoring failed: it keeps its row on the
// agenda, without a scorecard.
type PaperError struct {
	Number string
	Err    error
}

// Pack splits d into its papers and scores each that its kind applies
// to. It stops at the first error of ctx (the caller's deadline), which
// it returns with what was done so far.
func Pack(ctx context.Context, src string, d *document.Document, score Scorer) (*reports.Pack, []PaperError, error) {
	view := &reports.Pack{SchemaVersion: 1, Source: src, Title: d.Title}
	scored, err := pipeline.ScorePapers(ctx, d, pack.Split(d), score)
	var failed []PaperError
	for _, p := range scored {
		view.Papers = append(view.Papers, reports.PackPaper{Number: p.Number, Title: p.Title, Presenter: p.Presenter, Purpose: p.Purpose,
			Asked: p.Asked, Kind: p.Kind, FirstPage: p.FirstPage, LastPage: p.LastPage, Card: p.Card})
		if p.Err != nil {
			failed = append(failed, PaperError{Number: p.Number, Err: p.Err})
		}
	}
	return view, failed, err
}

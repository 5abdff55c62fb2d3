// Package triage makes the view of a board pack that `nhsreview pack` and
// the web interface show: the pack split into its papers (package pack),
// each scored on the criteria its kind calls for. One home for both, so
// that the command line and the browser say the same of a pack.
package triage

import (
	"context"
	"slices"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// Scorer scores one paper as a document of its own.
type Scorer func(ctx context.Context, d *document.Document) (*rules.Scorecard, error)

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
	var failed []PaperError
	for _, paper := range pack.Split(d) {
		if err := ctx.Err(); err != nil {
			return view, failed, err
		}
		pp := reports.PackPaper{Number: paper.Number, Title: paper.Title, Presenter: paper.Presenter, Purpose: paper.Purpose,
			Asked: paper.Asked, Kind: paper.Kind, FirstPage: paper.FirstPage, LastPage: paper.LastPage}
		if apply := pack.Criteria(paper.Kind); len(apply) > 0 {
			card, err := score(ctx, paper.Document(d))
			if err != nil {
				failed = append(failed, PaperError{Number: paper.Number, Err: err})
			} else {
				pp.Card = only(card, apply)
			}
		}
		view.Papers = append(view.Papers, pp)
	}
	return view, failed, nil
}

// only keeps the criteria of a card that apply to a paper's kind.
func only(c *rules.Scorecard, ids []string) *rules.Scorecard {
	out := *c
	out.Criteria = nil
	for _, cr := range c.Criteria {
		if slices.Contains(ids, cr.ID) {
			out.Criteria = append(out.Criteria, cr)
		}
	}
	return &out
}

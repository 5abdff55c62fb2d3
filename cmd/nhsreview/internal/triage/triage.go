// Package triage makes the view of a board pack that `nhsreview pack`,
// `corpus pack` and the web interface show: the pack split into its papers
// (package pack), each scored on the criteria its kind calls for
// (pipeline.ScorePapers, which the corpus's stored papers are made with
// too), or the papers the corpus stored with the pack. One home for both,
// so that the command line and the browser say the same of a pack.
package triage

import (
	"context"
	"errors"

	"github.com/nhsreview/nhsreview/corpus"
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

// Stored is the view of a stored pack from the papers the corpus stored
// for the version ref names (a document's latest, or a SHA-256 prefix)
// under rulesVersion, which add, crawl and rescore split and scored with
// the same code as Pack: nothing is split or scored. It is nil when the
// papers cannot be shown for d's content as Pack would make them: none
// stored under those rules (or none readable: 'corpus check' says why),
// or split by another splitter than this one (pack.Version; 'corpus
// rescore' splits them again). The caller then splits the stored
// extraction with Pack; in the second case, note is the line that says so
// (corpus.SplitAgainNote), as the listings of stored papers do.
func Stored(ctx context.Context, st *corpus.Store, ref string, d *corpus.Detail, rulesVersion string) (view *reports.Pack, failed []PaperError, note string) {
	e, papers, err := st.Papers(ctx, ref, rulesVersion)
	if err != nil || len(papers) == 0 || e.RulesVersion != rulesVersion || e.SHA256 != d.SHA256 {
		return nil, nil, ""
	}
	if papers[0].SplitterVersion != pack.Version {
		return nil, nil, corpus.SplitAgainNote(e)
	}
	view = &reports.Pack{SchemaVersion: 1, Source: d.Source, Title: d.Title}
	for _, p := range papers {
		view.Papers = append(view.Papers, reports.PackPaper{Number: p.Item, Title: p.Title, Presenter: p.Presenter, Purpose: p.Purpose,
			Asked: p.Asked, Kind: p.Kind, FirstPage: p.FirstPage, LastPage: p.LastPage, Card: p.Card})
		if p.Status == corpus.PaperFailed {
			failed = append(failed, PaperError{Number: p.Item, Err: errors.New(p.Error)})
		}
	}
	return view, failed, ""
}

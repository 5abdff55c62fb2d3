package pipeline

import (
	"context"
	"slices"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/rules"
)

// ScoredPaper is one paper of a board pack with its scorecard on the
// criteria its kind calls for (pack.Criteria).
type ScoredPaper struct {
	pack.Paper
	// Card is nil when the paper's kind is not triaged (minutes, the
	// agenda), or when its scoring failed (Err).
	Card *rules.Scorecard
	Err  error
}

// Scorer scores one document, as (*Reviewer).Score does.
type Scorer func(ctx context.Context, d *document.Document) (*rules.Scorecard, error)

// ScorePapers scores each of the papers split from d that its kind
// applies to, as a document of its own, keeping only the criteria its
// kind calls for. One home for what 'nhsreview pack', the web's pack view
// and the corpus's stored papers say of a paper. A paper whose scoring
// fails keeps its place, with Err, and the others are still scored; it
// stops at ctx's error, which it returns with what was done so far.
func ScorePapers(ctx context.Context, d *document.Document, papers []pack.Paper, score Scorer) ([]ScoredPaper, error) {
	out := make([]ScoredPaper, 0, len(papers))
	for _, p := range papers {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		sp := ScoredPaper{Paper: p}
		if apply := pack.Criteria(p.Kind); len(apply) > 0 {
			card, err := score(ctx, p.Document(d))
			if err != nil {
				sp.Err = err
			} else {
				sp.Card = OnlyCriteria(card, apply)
			}
		}
		out = append(out, sp)
	}
	return out, nil
}

// OnlyCriteria keeps the criteria of a card that apply to a paper's kind.
func OnlyCriteria(c *rules.Scorecard, ids []string) *rules.Scorecard {
	out := *c
	out.Criteria = nil
	for _, cr := range c.Criteria {
		if slices.Contains(ids, cr.ID) {
			out.Criteria = append(out.Criteria, cr)
		}
	}
	return &out
}

// Papers splits d into a board pack's papers and scores each as
// ScorePapers does, for the corpus to store (corpus.Reviewer); none when
// d is not a pack (it splits into one paper). Its error is for papers
// that could not be made at all (a panic in the split, or ctx's end); a
// paper whose scoring failed carries its own.
func (r *Reviewer) Papers(ctx context.Context, d *document.Document) (papers []corpus.Paper, err error) {
	defer crash.Guard(&err, "splitting the board pack")
	split := pack.Split(d)
	if len(split) < 2 {
		return nil, nil
	}
	// The papers are scored after the whole document: a progress page
	// shows scoring again until they are done.
	report(ctx, Scoring)
	defer report(ctx, Scored)
	// Each paper is scored under --deadline of its own, as Score scores
	// a document, but without telling the stages once per paper.
	score := func(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
		card, err := r.score(ctx, d)
		if err != nil {
			return nil, &StageError{Stage: Scoring, Err: err}
		}
		return card, nil
	}
	scored, err := ScorePapers(ctx, d, split, score)
	if err != nil {
		return nil, err
	}
	papers = make([]corpus.Paper, len(scored))
	for i, p := range scored {
		papers[i] = corpus.Paper{Number: p.Number, Title: p.Title, Presenter: p.Presenter, Purpose: p.Purpose, Asked: p.Asked,
			Kind: p.Kind, FirstPage: p.FirstPage, LastPage: p.LastPage, Card: p.Card, Err: p.Err}
	}
	return papers, nil
}

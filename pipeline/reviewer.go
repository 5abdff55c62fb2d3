// Package pipeline joins the stages in its subpackages into what every
// command and the web interface run on a document: a Reviewer reads the
// bytes (extract) and scores the document (annotate, then the rules).
// Crawl feeds the documents a publications page links to through a
// Reviewer into the corpus.
//
// The corpus only stores: it declares what it needs of a Reviewer
// (corpus.Reviewer) and imports no stage.
package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/rules"
)

// Reviewer reads and scores documents: the stages `score` runs, split so
// that a change of rules re-scores stored extractions without reading
// the bytes again. It is safe for concurrent use.
type Reviewer struct {
	opt   extract.Options
	rules *rules.Set
	tool  rules.Tool
}

// NewReviewer is the Reviewer of every command and of the web interface:
// it reads with opt, scores with rs, and names tool in each scorecard.
func NewReviewer(opt extract.Options, rs *rules.Set, tool rules.Tool) *Reviewer {
	return &Reviewer{opt: opt, rules: rs, tool: tool}
}

// ExtractorVersion is recorded with each extraction (extract.Version).
func (r *Reviewer) ExtractorVersion() int { return extract.Version }

// SplitterVersion is recorded with a pack's papers (pack.Version).
func (r *Reviewer) SplitterVersion() int { return pack.Version }

// RulesVersion is recorded with each score (the rule set's Version).
func (r *Reviewer) RulesVersion() string { return r.rules.Version }

// Read reads fetched bytes as a document (extract.Document). Its error
// is a *StageError.
func (r *Reviewer) Read(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
	report(ctx, Reading)
	d, err := extract.Document(ctx, res, r.opt)
	if err != nil {
		return nil, &StageError{Stage: Reading, Err: err}
	}
	return d, nil
}

// Score annotates and scores a document under the reading deadline
// (--deadline). A panic in the annotators or the rules, or the deadline,
// costs this document, with one line: a *StageError.
func (r *Reviewer) Score(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
	report(ctx, Scoring)
	defer report(ctx, Scored)
	card, err := r.score(ctx, d)
	if err != nil {
		return nil, &StageError{Stage: Scoring, Err: err}
	}
	return card, nil
}

func (r *Reviewer) score(ctx context.Context, d *document.Document) (card *rules.Scorecard, err error) {
	defer crash.Guard(&err, "scoring")
	// Scoring has the same --deadline as reading: a document too long
	// to score in it is given up, not scored on unseen.
	deadline := r.opt.Deadline
	if deadline <= 0 {
		deadline = extract.DefaultDeadline
	}
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	overrun := func(err error) error {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && context.Cause(ctx) == context.DeadlineExceeded {
			return fmt.Errorf("%w: scoring the document took longer than %s (--deadline)", extract.ErrDeadline, deadline)
		}
		return err
	}
	ad, err := annotate.AnnotateContext(ctx, d)
	if err != nil {
		return nil, overrun(err)
	}
	card, err = r.rules.ScoreContext(ctx, ad, r.tool)
	if err != nil {
		return nil, overrun(err)
	}
	return card, nil
}

package corpus

import (
	"context"
	"errors"
	"fmt"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/rules"
)

// Pipeline is what the corpus runs on stored bytes: the stages `score`
// runs (extract, then annotate and rules), split so that a change of
// rules re-scores stored extractions without reading the bytes again.
type Pipeline struct {
	Extract func(ctx context.Context, res *fetch.Result) (*document.Document, error)
	// ExtractorVersion is recorded with each extraction (extract.Version).
	ExtractorVersion int
	// Score annotates and scores a document; ctx ends it (a panic or a
	// deadline costs this document, with one line).
	Score func(ctx context.Context, d *document.Document) (*rules.Scorecard, error)
	// RulesVersion is recorded with each score (rules.Set.Version).
	RulesVersion string
}

// NewPipeline is the pipeline of every command and of the web interface:
// extract with opt, annotate, score with rs, the tool named in each
// scorecard. A panic in the annotators or the rules is the Score error,
// so that it costs one document, with one line, not a batch or a server.
func NewPipeline(opt extract.Options, rs *rules.Set, tool rules.Tool) Pipeline {
	return Pipeline{
		Extract: func(ctx context.Context, res *fetch.Result) (*document.Document, error) {
			return extract.Document(ctx, res, opt)
		},
		ExtractorVersion: extract.Version,
		Score: func(ctx context.Context, d *document.Document) (card *rules.Scorecard, err error) {
			defer crash.Guard(&err, "scoring")
			// Scoring has the same --deadline as reading: a document too
			// long to score in it is given up, not scored on unseen.
			deadline := opt.Deadline
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
			card, err = rs.ScoreContext(ctx, ad, tool)
			if err != nil {
				return nil, overrun(err)
			}
			return card, nil
		},
		RulesVersion: rs.Version,
	}
}

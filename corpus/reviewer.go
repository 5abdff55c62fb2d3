package corpus

import (
	"context"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

// Reviewer is what the corpus runs on the bytes it stores (in every
// command, a *pipeline.Reviewer): it reads them as a document and scores
// the document, split so that a change of rules re-scores stored
// extractions without reading the bytes again. The versions are recorded
// with each extraction and score, and say which are out of date. The
// corpus declares it, rather than importing the stages, so that it stays
// the store.
type Reviewer interface {
	Read(ctx context.Context, res *fetched.Doc) (*document.Document, error)
	Score(ctx context.Context, d *document.Document) (*rules.Scorecard, error)
	ExtractorVersion() int
	RulesVersion() string
}

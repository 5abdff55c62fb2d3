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
//
// Papers is asked of the reviewer, as Score is, rather than the papers
// being handed to the store: only the store knows, inside Ingest and
// Rescore, whether a content needs scoring at all (its score may be
// stored already, or stored meanwhile by another process) and which
// document it is scoring (a new reading, or the stored extraction), and
// a pack's papers are made from that document at that moment. Handing
// them in would make every caller (add, crawl, the web's upload,
// rescore, repair) split and score every document before knowing
// whether it is stored.
type Reviewer interface {
	Read(ctx context.Context, res *fetched.Doc) (*document.Document, error)
	Score(ctx context.Context, d *document.Document) (*rules.Scorecard, error)
	// Papers splits a board pack into its papers, each scored on the
	// criteria its kind calls for; none when d is not a pack. Its error
	// is for papers that could not be made at all; a paper whose scoring
	// failed carries its own (Paper.Err), and is stored without a
	// scorecard.
	Papers(ctx context.Context, d *document.Document) ([]Paper, error)
	ExtractorVersion() int
	RulesVersion() string
	// SplitterVersion is recorded with a pack's papers, and says which
	// were split by another splitter and must be split again.
	SplitterVersion() int
}

// Paper is one paper of a board pack as a Reviewer makes it (package
// pack's split, each paper scored as 'nhsreview pack' scores it): where
// it sits on the agenda and in the pack, and its scorecard.
type Paper struct {
	// Number is the agenda item ("7i"), "" for what comes before the
	// first paper (the agenda).
	Number    string
	Title     string
	Presenter string
	// Purpose is decision, assurance, discussion or information ("" when
	// not said); Asked what the board is asked to do, in the paper's
	// words.
	Purpose string
	Asked   string
	// Kind is package pack's kind of paper ("strategy or plan",
	// "minutes", ...).
	Kind                string
	FirstPage, LastPage int
	// Card holds only the criteria the paper's kind calls for; nil when
	// its kind is not triaged (minutes, the agenda) or its scoring
	// failed (Err).
	Card *rules.Scorecard
	Err  error
}

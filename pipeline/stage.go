package pipeline

import "context"

// Stage is a point in a Reviewer's work on a document, for progress
// displays and for telling its errors from others.
type Stage string

// The stages a Reviewer reports.
const (
	Reading Stage = "reading" // Read began
	Scoring Stage = "scoring" // Score began
	Scored  Stage = "scored"  // Score ended, whatever came of it
)

// StageError is an error of Read or Score: the document could not be
// read or scored, as opposed to a failure to fetch or store it. Its
// message is the stage's own, unchanged, since commands print it as
// the document's error.
type StageError struct {
	Stage Stage // Reading or Scoring
	Err   error
}

func (e *StageError) Error() string { return e.Err.Error() }

func (e *StageError) Unwrap() error { return e.Err }

type stagesKey struct{}

// WithStages returns a context in which a Reviewer tells f each Stage it
// reaches. The report rides on the context, as net/http/httptrace's
// hooks do, so that one Reviewer shared by many jobs tells each job its
// own stages, through corpus.Store.Ingest and anything else between the
// job and the Reviewer. f is called on the Reviewer's goroutine.
func WithStages(ctx context.Context, f func(Stage)) context.Context {
	return context.WithValue(ctx, stagesKey{}, f)
}

// report tells ctx's stage function, if any, that s was reached.
func report(ctx context.Context, s Stage) {
	if f, ok := ctx.Value(stagesKey{}).(func(Stage)); ok && f != nil {
		f(s)
	}
}

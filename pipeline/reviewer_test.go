package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

// A panic in the annotators or the rules is the reviewer's error, not
// the process's end.
func TestReviewerScorePanic(t *testing.T) {
	rs, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	r := NewReviewer(extract.Options{}, rs, rules.Tool{Name: "nhsreview"})
	card, err := r.Score(context.Background(), nil)
	if card != nil || err == nil || !strings.HasPrefix(err.Error(), "internal error while scoring: ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Score(nil) = %v, %v; want one line saying so", card, err)
	}
	var ce *crash.Error
	var se *StageError
	if !errors.As(err, &ce) || !errors.As(err, &se) || se.Stage != Scoring {
		t.Errorf("Score(nil) = %#v; want a *crash.Error in a *StageError of scoring", err)
	}
}

// TestScoreDeadline: scoring honours --deadline like reading does; a
// document it cannot finish in time is given up with the flag's name.
func TestScoreDeadline(t *testing.T) {
	rs, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := &document.Document{Title: "A plan", Pages: []document.Page{{Number: 1, Blocks: []document.Block{
		{Kind: document.Paragraph, Text: "We will invest £2m in health checks for people in the most deprived wards."}}}}}
	r := NewReviewer(extract.Options{Deadline: time.Nanosecond}, rs, rules.Tool{Name: "nhsreview"})
	_, err = r.Score(context.Background(), d)
	if !errors.Is(err, extract.ErrDeadline) || !strings.Contains(err.Error(), "(--deadline)") {
		t.Errorf("err = %v, want the deadline named", err)
	}
	r = NewReviewer(extract.Options{Deadline: time.Minute}, rs, rules.Tool{Name: "nhsreview"})
	if card, err := r.Score(context.Background(), d); err != nil || len(card.Criteria) != 5 {
		t.Errorf("within the deadline: %v", err)
	}
}

// The stages are told to the context's function, in order, and a
// failure to read is a *StageError with the reader's message unchanged.
func TestReviewerStages(t *testing.T) {
	rs, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	r := NewReviewer(extract.Options{}, rs, rules.Tool{Name: "nhsreview"})
	if r.ExtractorVersion() != extract.Version || r.RulesVersion() != rs.Version {
		t.Errorf("versions %d, %q; want %d, %q", r.ExtractorVersion(), r.RulesVersion(), extract.Version, rs.Version)
	}
	var got []Stage
	ctx := WithStages(context.Background(), func(s Stage) { got = append(got, s) })
	d, err := r.Read(ctx, &fetched.Doc{Source: "plan.md", Data: []byte("# A plan\n\nWe will invest £2m in health checks.\n")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Score(ctx, d); err != nil {
		t.Fatal(err)
	}
	if want := []Stage{Reading, Scoring, Scored}; !slices.Equal(got, want) {
		t.Errorf("stages %v, want %v", got, want)
	}

	bad := &fetched.Doc{Source: "bad.pdf", Data: corruptPDF}
	_, readErr := extract.Document(context.Background(), bad, extract.Options{InProcess: true})
	_, err = NewReviewer(extract.Options{InProcess: true}, rs, rules.Tool{}).Read(context.Background(), bad)
	var se *StageError
	if !errors.As(err, &se) || se.Stage != Reading || readErr == nil || err.Error() != readErr.Error() {
		t.Errorf("Read = %#v, want a *StageError of reading saying %q", err, readErr)
	}
	// Without a stage function nothing is told, and nothing fails.
	if _, err := r.Score(context.Background(), d); err != nil {
		t.Error(err)
	}
}

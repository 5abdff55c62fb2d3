package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/extract/textdoc"
	"github.com/nhsreview/nhsreview/rules"
)

const packMD = `Agenda

**Agenda item:** 2

**Title of report:** Minutes of the last meeting

The minutes were approved.

**Agenda item:** 3

**Title of report:** Population Health Strategy

**Recommendation(s):** The Board is asked to approve the strategy.

We will reduce the gap in healthy life expectancy in the most deprived wards, with £2m a year from 2026.

**Agenda item:** 4

**Title of report:** Finance Report, Month 10

The Trust reports a deficit of £2.1m.
`

// Papers gives the corpus a pack's papers scored as 'pack' scores them
// (each on its kind's criteria), none for a document that is not a
// pack, and a paper that could not be scored with its own error.
func TestReviewerPapers(t *testing.T) {
	rs, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := textdoc.Read([]byte(packMD), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	r := NewReviewer(extract.Options{}, rs, rules.Tool{Name: "nhsreview"})
	var stages []Stage
	ctx := WithStages(context.Background(), func(s Stage) { stages = append(stages, s) })
	papers, err := r.Papers(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range papers {
		n := -1
		if p.Card != nil {
			n = len(p.Card.Criteria)
		}
		got = append(got, fmt.Sprintf("%s %s %d %s", p.Number, p.Kind, n, p.Asked))
	}
	want := " agenda -1 |2 minutes -1 |3 strategy or plan 5 The Board is asked to approve the strategy.|4 finance or performance report 1 "
	if strings.Join(got, "|") != want {
		t.Errorf("papers:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	// Told once for all the papers, not once a paper.
	if fmt.Sprint(stages) != "[scoring scored]" {
		t.Errorf("stages %v", stages)
	}

	plain, err := textdoc.Read([]byte("# A strategy\n\nWe will reduce inequalities.\n"), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	if papers, err := r.Papers(context.Background(), plain); papers != nil || err != nil {
		t.Errorf("not a pack: %v, %v", papers, err)
	}

	// Each paper under --deadline: too short a deadline fails each that
	// is scored, with its own error, and keeps the others.
	r = NewReviewer(extract.Options{Deadline: time.Nanosecond}, rs, rules.Tool{Name: "nhsreview"})
	papers, err = r.Papers(context.Background(), d)
	if err != nil || len(papers) != 4 || papers[2].Err == nil || papers[2].Card != nil || papers[1].Err != nil {
		t.Errorf("under a deadline: %+v, %v", papers, err)
	}
}

package triage

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
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

We will reduce the gap in healthy life expectancy.

**Agenda item:** 4

**Title of report:** Finance Report, Month 10

The Trust reports a deficit of £2.1m.
`

// A fake scorer: five criteria, and an error for the finance paper, so
// that the test sees which papers are scored, on which criteria, and
// that a failure keeps its row.
func fakeScore(_ context.Context, d *document.Document) (*rules.Scorecard, error) {
	if strings.HasPrefix(d.Title, "Finance") {
		return nil, errors.New("the paper could not be scored")
	}
	c := &rules.Scorecard{Status: rules.StatusScored}
	for _, id := range []string{"problem-analysis", "inequality-actions", "costed-plans", "vcs-involvement", "public-involvement"} {
		c.Criteria = append(c.Criteria, rules.Criterion{ID: id, Score: 1, Max: 3})
	}
	return c, nil
}

func TestPack(t *testing.T) {
	d, err := textdoc.Read([]byte(packMD), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	view, failed, err := Pack(context.Background(), "pack.md", d, fakeScore)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range view.Papers {
		n := -1
		if p.Card != nil {
			n = len(p.Card.Criteria)
		}
		got = append(got, p.Number+" "+p.Kind+" "+p.Asked+" "+strings.Repeat("*", max(n, 0)))
	}
	want := []string{
		" agenda  ",
		"2 minutes  ",
		"3 strategy or plan The Board is asked to approve the strategy. *****",
		"4 finance or performance report  ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("papers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(failed) != 1 || failed[0].Number != "4" || view.Papers[3].Card != nil {
		t.Errorf("failed = %+v", failed)
	}

	// A cancelled context stops before the first paper.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Pack(ctx, "pack.md", d, fakeScore); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

package agreement

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/rules"
)

func TestQWK(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want float64
	}{
		{"perfect", []int{0, 1, 2, 3}, []int{0, 1, 2, 3}, 1},
		{"one off everywhere", []int{0, 1, 2, 3}, []int{1, 2, 3, 2}, 0.5}, // by hand: 1 - (4/9)/(8/9)
		{"reversed", []int{0, 1, 2, 3}, []int{3, 2, 1, 0}, -1},
		{"constant and equal", []int{2, 2, 2}, []int{2, 2, 2}, 1},
		{"tool constant, humans vary", []int{0, 3}, []int{1, 1}, 0},
		// computed by hand with the same weights
		{"mixed", []int{0, 1, 1, 2, 3, 3, 2, 0}, []int{0, 1, 2, 2, 3, 2, 1, 1}, 0.75},
	}
	for _, tc := range tests {
		got := qwk(tc.a, tc.b, 4)
		if math.Abs(got-tc.want) > 0.001 {
			t.Errorf("%s: qwk = %.4f, want %.3f", tc.name, got, tc.want)
		}
	}
}

func TestMeasure(t *testing.T) {
	pairs := []Pair{
		{Document: "a", Criterion: "x", Human: 2, Tool: 2, HumanPages: []int{3, 4}, ToolPages: []int{4}},
		{Document: "a", Criterion: "y", Human: 3, Tool: 1, HumanPages: []int{7}, ToolPages: []int{1, 2}},
		{Document: "b", Criterion: "x", Human: 0, Tool: 1},
		{Document: "b", Criterion: "y", Human: 1, Tool: 1},
	}
	r := Measure(pairs)
	o := r.Overall
	if o.N != 4 || o.Exact != 0.5 || o.WithinOne != 0.75 || o.PageRows != 2 || o.PageHitRate != 0.5 {
		t.Errorf("overall = %+v", o)
	}
	if o.Confusion[3][1] != 1 || o.Confusion[0][1] != 1 || o.Confusion[2][2] != 1 {
		t.Errorf("confusion = %v", o.Confusion)
	}
	if r.Criteria["x"].N != 2 || r.Criteria["y"].Exact != 0.5 {
		t.Errorf("per criterion = %+v", r.Criteria)
	}
	if o.MeanDiff != -0.25 {
		t.Errorf("bias = %v", o.MeanDiff)
	}
}

func TestReadLabels(t *testing.T) {
	good := "document\tcriterion\tscore\tpages\tevidence\tnote\n" +
		"a.pdf\tcosted-plans\t1\t12,14\tdelivered within existing resources\tmoney only as background\n" +
		"\n" +
		"b.md\tvcs-involvement\t0\t\t\t\n"
	labels, err := ReadLabels(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 2 || labels[0].Score != 1 || len(labels[0].Pages) != 2 || labels[0].Pages[1] != 14 || labels[1].Line != 4 {
		t.Errorf("labels = %+v", labels)
	}
	for _, bad := range []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"no score column", "document\tcriterion\n", `lacks the "score"`},
		{"score out of range", "document\tcriterion\tscore\na\tb\t4\n", "line 2: score"},
		{"page not a number", "document\tcriterion\tscore\tpages\na\tb\t1\tx\n", `line 2: page "x"`},
		{"missing document", "document\tcriterion\tscore\n\tb\t1\n", "line 2: document or criterion is empty"},
	} {
		_, err := ReadLabels(strings.NewReader(bad.in))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want %q", bad.name, err, bad.want)
		}
	}
}

func FuzzReadLabels(f *testing.F) {
	f.Add("document\tcriterion\tscore\tpages\tevidence\tnote\na.pdf\tcosted-plans\t1\t12,14\tx\ty\n")
	f.Add("document\tcriterion\tscore\n\ufeffa\tb\t3\n")
	f.Fuzz(func(t *testing.T, in string) {
		labels, err := ReadLabels(strings.NewReader(in))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		for _, l := range labels {
			if l.Score < 0 || l.Score > 3 || l.Document == "" {
				t.Fatalf("bad label accepted: %+v", l)
			}
		}
	})
}

// PairLabels pairs labels with the scores of scored documents, with both
// sides' pages, leaves out documents not scored, and returns the labels
// whose criterion the scorecard lacks.
func TestPairLabels(t *testing.T) {
	card := &rules.Scorecard{Criteria: []rules.Criterion{
		{ID: "costed-plans", Score: 2, Evidence: []rules.Evidence{{Page: 4}, {Page: 9}}},
		{ID: "public-involvement", Score: 1},
	}}
	labels := []Label{
		{Document: "a.pdf", Criterion: "costed-plans", Score: 3, Pages: []int{4}},
		{Document: "a.pdf", Criterion: "public-involvement", Score: 1},
		{Document: "a.pdf", Criterion: "costed", Score: 1, Line: 7},
		{Document: "unscored.pdf", Criterion: "costed-plans", Score: 2},
	}
	pairs, unknown := PairLabels(labels, map[string]*rules.Scorecard{"a.pdf": card})
	if len(pairs) != 2 || pairs[0].Human != 3 || pairs[0].Tool != 2 || fmt.Sprint(pairs[0].HumanPages, pairs[0].ToolPages) != "[4] [4 9]" ||
		pairs[1].Criterion != "public-involvement" || pairs[1].Tool != 1 {
		t.Errorf("pairs = %+v", pairs)
	}
	if len(unknown) != 1 || unknown[0].Line != 7 {
		t.Errorf("unknown = %+v", unknown)
	}
}

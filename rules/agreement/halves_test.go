package agreement

import (
	"strings"
	"testing"
)

// The halves were worked out independently of this code, with
// printf '%s' NAME | sha256sum: the first hex digit decides.
func TestHalf(t *testing.T) {
	tests := []struct {
		document, digit, want string
	}{
		{"wscc-sexual-health-needs-assessment-2019.pdf", "0", HalfA},
		{"b.md", "1", HalfA},
		{"conservative-party-manifesto-2024.pdf", "6", HalfA},
		{"wscc-suicide-prevention-strategy-2017.pdf", "7", HalfA},
		{"improving-equitable-healthcare-resource-use.md", "8", HalfB},
		{"a.pdf", "a", HalfB},
		{"", "e", HalfB},
		{"ltht-annual-report-2024-25.md", "f", HalfB},
	}
	for _, tc := range tests {
		if got := Half(tc.document); got != tc.want {
			t.Errorf("Half(%q) = %s, want %s (sha256 starts with %s)", tc.document, got, tc.want, tc.digit)
		}
	}
}

func TestMeasureHalves(t *testing.T) {
	a1, a2 := "conservative-party-manifesto-2024.pdf", "b.md" // half A
	b1 := "a.pdf"                                             // half B
	pairs := []Pair{
		{Document: a1, Criterion: "x", Human: 2, Tool: 2},
		{Document: a1, Criterion: "y", Human: 3, Tool: 1},
		{Document: a2, Criterion: "x", Human: 1, Tool: 1, HumanPages: []int{4}, ToolPages: []int{4}},
		{Document: b1, Criterion: "x", Human: 0, Tool: 1},
		{Document: b1, Criterion: "y", Human: 2, Tool: 2},
	}
	r := Measure(pairs)
	a, b := r.Halves[HalfA], r.Halves[HalfB]
	if a.Name != "development" || a.Documents != 2 || a.Overall.N != 3 || a.Overall.Exact != 0.667 || a.Overall.PageRows != 1 || a.Overall.PageHitRate != 1 {
		t.Errorf("half A = %+v", a)
	}
	if a.Criteria["x"].N != 2 || a.Criteria["x"].Exact != 1 || a.Criteria["y"].N != 1 || a.Criteria["y"].Exact != 0 {
		t.Errorf("half A per criterion = %+v", a.Criteria)
	}
	if b.Name != "check" || b.Documents != 1 || b.Overall.N != 2 || b.Overall.Exact != 0.5 || b.Overall.MeanDiff != 0.5 {
		t.Errorf("half B = %+v", b)
	}
	if a.Overall.N+b.Overall.N != r.Overall.N {
		t.Errorf("halves hold %d + %d pairs, overall %d", a.Overall.N, b.Overall.N, r.Overall.N)
	}

	// Both halves are always there, so that the JSON keeps one shape;
	// the text leaves out an empty one.
	r = Measure(pairs[:3])
	if h, ok := r.Halves[HalfB]; !ok || h.Documents != 0 || h.Overall.N != 0 {
		t.Errorf("empty half B = %+v, %v", h, ok)
	}
	var out strings.Builder
	if err := WriteText(&out, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\nhalf A (development): 2 documents\ncriterion ") || strings.Contains(out.String(), "half B") {
		t.Errorf("text:\n%s", out.String())
	}
	// The halves come right after the table of all documents, before the
	// confusion matrix.
	if i, j := strings.Index(out.String(), "half A"), strings.Index(out.String(), "confusion matrix"); i > j {
		t.Errorf("half table after the confusion matrix:\n%s", out.String())
	}
}

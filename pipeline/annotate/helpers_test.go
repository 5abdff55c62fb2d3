package annotate

import (
	"fmt"
	"strings"
	"testing"
)

// want is an expected annotation; zero fields other than Kind and Text are
// compared too, so a test states Value, Unit and Sub exactly.
type want struct {
	Kind, Sub, Text string
	Value, Value2   float64
	Unit            string
}

func (w want) String() string {
	return fmt.Sprintf("%s/%s %q v=%g v2=%g unit=%q", w.Kind, w.Sub, w.Text, w.Value, w.Value2, w.Unit)
}

func asWant(a Annotation) want {
	return want{Kind: a.Kind, Sub: a.Sub, Text: a.Text, Value: a.Value, Value2: a.Value2, Unit: a.Unit}
}

type findCase struct {
	in   string
	want []want
}

// runFind checks that fn finds exactly the wanted annotations of the
// kinds in kinds (all kinds when empty), in order, and that every
// annotation's offsets give its text.
func runFind(t *testing.T, fn func(string) []Annotation, cases []findCase, kinds ...string) {
	t.Helper()
	keep := map[string]bool{}
	for _, k := range kinds {
		keep[k] = true
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got := fn(c.in)
			checkSpans(t, c.in, got)
			var g []want
			for _, a := range got {
				if len(keep) == 0 || keep[a.Kind] {
					g = append(g, asWant(a))
				}
			}
			if fmt.Sprint(g) != fmt.Sprint(c.want) {
				t.Errorf("in %q\n got %s\nwant %s", c.in, list(g), list(c.want))
			}
		})
	}
}

func list(ws []want) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString("\n  ")
		b.WriteString(w.String())
	}
	if b.Len() == 0 {
		return "(none)"
	}
	return b.String()
}

// checkSpans: offsets within bounds, Text is the text at the offsets, and
// annotations are sorted by Start.
func checkSpans(t *testing.T, s string, as []Annotation) {
	t.Helper()
	for i, a := range as {
		if a.Start == 0 && a.End == 0 && a.Text == "" && a.Unit != "" {
			continue // inherited from a list's lead-in: no span of its own
		}
		if a.Start < 0 || a.End > len(s) || a.Start >= a.End {
			t.Fatalf("annotation %v out of bounds of %d bytes", a, len(s))
		}
		if s[a.Start:a.End] != a.Text {
			t.Fatalf("annotation text %q but s[%d:%d] is %q", a.Text, a.Start, a.End, s[a.Start:a.End])
		}
		if i > 0 && as[i-1].Start > a.Start {
			t.Fatalf("annotations not sorted by Start: %v before %v", as[i-1], a)
		}
	}
}

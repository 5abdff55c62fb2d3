package reports

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/rules"
)

// Fragments render the report's scorecard and comparison with its markup,
// and the "evidence-page" hook can be redefined: the report itself keeps
// "Page N".
func TestFragments(t *testing.T) {
	c := cards(t, "sample")[0]
	f, err := NewFragments(template.FuncMap{"where": func(e rules.Evidence) string { return "p" + strings.Repeat("x", e.Page) }},
		`{{define "evidence-page"}}<a href="view#{{where .}}">Page {{.Page}}</a>{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	var card bytes.Buffer
	if err := f.Card(&card, c); err != nil {
		t.Fatal(err)
	}
	out := card.String()
	if !strings.HasPrefix(strings.TrimSpace(out), `<article class="card"`) || strings.Contains(out, "<html") {
		t.Errorf("the card fragment is not just the card: %.200s", out)
	}
	if !strings.Contains(out, `<a href="view#px">Page 1</a>`) {
		t.Error("the evidence-page override is not used")
	}
	var page bytes.Buffer
	if err := HTML(&page, []*rules.Scorecard{c}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), "view#") || !strings.Contains(page.String(), "<figcaption>Page 1") {
		t.Error("the report lost its own evidence-page")
	}
	var cmp bytes.Buffer
	if err := f.Compare(&cmp, NewComparison(cards(t, "sample", "sample"))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cmp.String(), `class="heatmap"`) || strings.Contains(cmp.String(), "<script") {
		t.Errorf("the comparison fragment: %.200s", cmp.String())
	}
	if !strings.Contains(StyleSheet(), ".score") || !strings.Contains(SortScript(), "sortable") {
		t.Error("the stylesheet or the script is missing")
	}
	if _, err := NewFragments(nil, `{{define "evidence-page"}}{{.Nope`); err == nil {
		t.Error("a broken override is accepted")
	}
}

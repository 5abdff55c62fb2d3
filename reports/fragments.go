package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"

	"github.com/nhsreview/nhsreview/rules"
)

// StyleSheet is the HTML report's CSS, for pages that show report
// fragments (nhsreview serve serves it as a file, so that its
// Content-Security-Policy needs no inline styles).
func StyleSheet() string { return css }

// SortScript is the comparison table's sort script (it reads and prints
// the same without it).
func SortScript() string { return sortJS }

// Fragments renders pieces of the HTML report (a scorecard, a comparison)
// into other pages, with the same markup and CSS classes as the report.
type Fragments struct {
	t *template.Template
}

// NewFragments parses the report's templates, then overrides, which may
// redefine the hooks the report leaves for this: "evidence-page" (what an
// evidence quote's page reads as, given a rules.Evidence). funcs are
// available to the overrides.
func NewFragments(funcs template.FuncMap, overrides string) (*Fragments, error) {
	t, err := template.New("report").Funcs(funcs).ParseFS(templateFS, "templates/report.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("report templates: %w", err)
	}
	if overrides != "" {
		if t, err = t.New("overrides").Parse(overrides); err != nil {
			return nil, fmt.Errorf("report template overrides: %w", err)
		}
	}
	return &Fragments{t: t}, nil
}

// Card renders one scorecard as the report shows it (the front page, then
// each criterion's evidence, gaps, questions and red flags, and the money
// found), without the page around it.
func (f *Fragments) Card(w io.Writer, c *rules.Scorecard) error {
	return f.render(w, "card", htmlCardOf(c, 0))
}

// Compare renders the comparison's heatmap and table.
func (f *Fragments) Compare(w io.Writer, cmp *Comparison) error {
	return f.render(w, "compare", cmp.htmlData())
}

func (f *Fragments) render(w io.Writer, name string, data any) error {
	// In memory first: a template error must not leave half a fragment.
	var buf bytes.Buffer
	if err := f.t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("rendering the %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

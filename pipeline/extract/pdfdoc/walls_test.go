package pdfdoc

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc/pdfgen"
)

// A cell's text that runs up to the vertical rule beside it stays in its
// cell: the next cell's text, a few points on across the rule and on the
// same baseline, is not joined to it, whether the two were drawn one
// after the other (one chain in content order) or apart. An agenda's
// "Minutes of the meeting held on 4 February 2026" took the presenter
// "Chair" of the next column into its title.
func TestRuleSeparatesCells(t *testing.T) {
	const size = 9.0
	font := pdfgen.WinAnsi("F1", pdfgen.Helvetica)
	rows := [][]string{
		{"Minutes of the meeting held on 4 February 2026", "Chair"},
		{"Winter Plan 2026/27", "Director of Strategy"},
		{"Finance report, month 10", "Director of Finance"},
	}
	// the first column just wider than its longest text
	mid := 80 + font.Metrics().StringWidth(rows[0][0], size) + 2
	xs := []float64{72, mid, mid + 150}
	doc := &pdfgen.Doc{}
	c := doc.AddPage().NewContent()
	top := 700.0
	for r, row := range rows {
		y := top - 20*float64(r)
		c.Text(font, size, 80, y-13, row[0])
		c.Text(font, size, mid+3, y-13, row[1])
	}
	for r := 0; r <= len(rows); r++ {
		c.Raw(fmt.Sprintf("%.2f %.2f %.2f 0.5 re f", xs[0], top-20*float64(r), xs[2]-xs[0]))
	}
	for _, x := range xs {
		c.Raw(fmt.Sprintf("%.2f %.2f m %.2f %.2f l S", x, top, x, top-20*float64(len(rows))))
	}
	d, _, err := Extract(doc.MustBuild(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, b := range d.Pages[0].Blocks {
		if b.Kind == document.Table {
			got = append(got, b.Rows...)
		}
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("rows %q, want %q", got, rows)
	}
}

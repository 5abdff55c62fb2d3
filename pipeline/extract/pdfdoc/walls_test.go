package pdfdoc

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
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

// A ruled table at the top of page after page, as a board pack's cover
// sheets are, is not a running header: its labels repeat at one height
// and its item numbers are bare numbers in the top margin, but they are
// in the table's cells. The footer, outside any cell, is still dropped.
func TestCellsAreNotRunning(t *testing.T) {
	const size = 10.0
	font := pdfgen.WinAnsi("F1", pdfgen.Helvetica)
	doc := &pdfgen.Doc{}
	xs := []float64{72, 200, 523}
	var want [][][]string
	for page, item := range []string{"4", "5", "6"} {
		rows := [][]string{{"Agenda item:", item}, {"Title of report:", "Report " + item}}
		want = append(want, rows)
		c := doc.AddPage().NewContent()
		top := 800.0
		for r, row := range rows {
			y := top - 20*float64(r)
			c.Text(font, size, xs[0]+4, y-14, row[0])
			c.Text(font, size, xs[1]+4, y-14, row[1])
		}
		for r := 0; r <= len(rows); r++ {
			c.Raw(fmt.Sprintf("%.2f %.2f %.2f 0.5 re f", xs[0], top-20*float64(r), xs[2]-xs[0]))
		}
		for _, x := range xs {
			c.Raw(fmt.Sprintf("%.2f %.2f m %.2f %.2f l S", x, top, x, top-20*float64(len(rows))))
		}
		c.Text(font, size, 72, 600, "The body of the report.")
		c.Text(font, 8, 270, 30, fmt.Sprintf("Page %d of 3", page+1))
	}
	d, _, err := Extract(doc.MustBuild(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range d.Pages {
		var rows [][]string
		for _, b := range p.Blocks {
			if b.Kind == document.Table {
				rows = append(rows, b.Rows...)
			}
			if strings.Contains(b.Text, "Page") {
				t.Errorf("page %d: the footer was kept: %q", i+1, b.Text)
			}
		}
		if !reflect.DeepEqual(rows, want[i]) {
			t.Errorf("page %d: rows %q, want %q", i+1, rows, want[i])
		}
	}
}

// Two columns on shared baselines whose paragraph runs on from the foot
// of the left column to the head of the right one: the paragraph is one
// block, its sentence whole, and the next paragraph stays its own.
func TestColumnBreakJoined(t *testing.T) {
	const size, lead = 10.0, 13.0
	font := pdfgen.WinAnsi("F1", pdfgen.Helvetica)
	left := []string{
		"Urgent care. Ambulance handover delays",
		"fell for the third month running, and",
		"the number of people waiting more than",
		"twelve hours halved. Vacancies in",
		"community nursing fell to",
	}
	right := []string{
		"eight per cent, the lowest for three",
		"years, and turnover is falling.",
		"Partnerships. The neighbourhood teams",
		"in the north of the city will start in",
		"June, working from the same bases.",
	}
	doc := &pdfgen.Doc{}
	c := doc.AddPage().NewContent()
	for i := range left {
		c.Text(font, size, 72, 700-lead*float64(i), left[i])
		y := 700 - lead*float64(i)
		if i >= 2 {
			y -= 7 // a new paragraph
		}
		c.Text(font, size, 308, y, right[i])
	}
	d, _, err := Extract(doc.MustBuild(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range d.Pages[0].Blocks {
		got = append(got, b.Text)
	}
	want := []string{
		strings.Join(append(append([]string{}, left...), right[:2]...), " "),
		strings.Join(right[2:], " "),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks:\n%q\nwant\n%q", got, want)
	}
}

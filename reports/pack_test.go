package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/rules"
)

// packOf is a pack of three papers: an agenda (not triaged), a
// strategy with a full scorecard, and one whose reading failed.
func packOf(t *testing.T) *Pack {
	card := loadCard(t, "westbrook-2025")
	return &Pack{SchemaVersion: 1, Source: "board-pack.pdf", Title: "Board meeting in public, 4 March 2026", Papers: []PackPaper{
		{Number: "1", Title: "Agenda", Kind: "agenda", FirstPage: 1, LastPage: 1},
		{Number: "4", Title: "=Winter Plan 2026/27", Presenter: "Chief Operating Officer", Purpose: "decision", Asked: "Approve the plan; =note the <risks>", Kind: "strategy or plan", FirstPage: 4, LastPage: 9, Card: card},
		{Number: "5", Title: "Finance report", Kind: "finance or performance report", FirstPage: 10, LastPage: 12, Card: rules.Failed("board-pack.pdf#5", errTest)},
	}}
}

type testError string

func (e testError) Error() string { return string(e) }

const errTest = testError("the paper had no text")

func TestPackFormats(t *testing.T) {
	for _, f := range []Format{FormatMarkdown, FormatCSV, FormatHTML} {
		t.Run(string(f), func(t *testing.T) {
			got := render(t, func(b *bytes.Buffer) error { return WritePack(b, f, packOf(t), Options{}) })
			goldenFile(t, "pack."+string(f), got)
		})
	}
}

// The CSV has a row for every paper, one per criterion for a triaged
// one, and guards a title that a spreadsheet would run as a formula.
func TestPackCSVRows(t *testing.T) {
	p := packOf(t)
	got := render(t, func(b *bytes.Buffer) error { return WritePack(b, FormatCSV, p, Options{}) })
	rows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + 1 + len(p.Papers[1].Card.Criteria) + 1; len(rows) != want {
		t.Fatalf("%d rows, want %d (header, agenda, one per criterion, the failed paper)", len(rows), want)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if rows[1][col["status"]] != "not triaged" || rows[1][col["criterion"]] != "" {
		t.Errorf("agenda row %q", rows[1])
	}
	if rows[2][col["title"]] != "'=Winter Plan 2026/27" {
		t.Errorf("title cell %q, want the formula guarded", rows[2][col["title"]])
	}
	if last := rows[len(rows)-1]; last[col["status"]] != rules.StatusFailed || last[col["item"]] != "5" {
		t.Errorf("failed paper row %q", last)
	}
}

// Text from a pack never becomes markup in its HTML page.
func TestPackHTMLEscapes(t *testing.T) {
	p := packOf(t)
	p.Title = `Board <script>alert(1)</script>`
	p.Papers[1].Presenter = `<img src=x onerror=alert(1)>`
	got := string(render(t, func(b *bytes.Buffer) error { return WritePack(b, FormatHTML, p, Options{}) }))
	for _, bad := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(got, bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	if !strings.Contains(got, "Content-Security-Policy") {
		t.Error("the page has no Content-Security-Policy")
	}
}

package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/rules"
)

// papersOf are the stored papers of the pack listingOf lists fourth: the
// agenda and minutes (not triaged), a strategy scored on all five
// criteria with a title too long for the table, a finance report on one,
// a paper whose scoring failed, and one whose item and title a
// spreadsheet would run as a formula.
func papersOf(t *testing.T) (ListingEntry, []StoredPaper) {
	pack := listingOf()[3]
	card := loadCard(t, "westbrook-2025")
	finance := *card
	finance.Criteria = nil
	for _, cr := range card.Criteria {
		if cr.ID == "costed-plans" {
			finance.Criteria = append(finance.Criteria, cr)
		}
	}
	paper := func(i int, item, title, purpose, kind string, first, last int, c *rules.Scorecard) StoredPaper {
		p := StoredPaper{PaperEntry: PaperEntry{DocumentID: pack.ID, Version: pack.Version, Source: pack.Source, SHA256: pack.SHA256,
			RulesVersion: pack.RulesVersion, Index: i, Item: item, Title: title, Purpose: purpose, Kind: kind, FirstPage: first, LastPage: last,
			Status: "not triaged"}, Card: c}
		if c != nil {
			p.Status = "scored"
			p.Total, p.Max = c.Total()
		}
		return p
	}
	papers := []StoredPaper{
		paper(0, "", "Agenda and papers before the first cover sheet", "", "agenda", 1, 2, nil),
		paper(1, "2", "Minutes of the meeting held on 4 February 2026", "decision", "minutes", 3, 6, nil),
		paper(2, "4", "Population Health Strategy 2026-2031: reducing the gap in healthy life expectancy", "decision", "strategy or plan", 7, 30, card),
		paper(3, "5.1", "Finance report, month 10", "assurance", "finance or performance report", 31, 31, &finance),
		paper(4, "6", "Quality and safety report", "assurance", "quality report", 32, 35, nil),
		paper(5, "7i", "=HYPERLINK(\"http://example.org\") Guardian report", "", "report", 36, 36, nil),
	}
	papers[2].Presenter, papers[2].Asked = "Director of Strategy", "The Board is asked to approve the strategy."
	papers[4].Status, papers[4].Error = "failed", "scoring the document took longer than 1m0s (--deadline)"
	return pack, papers
}

// paperScoreRowsOf are the export's rows of two papers: a finance report
// on its one criterion, and minutes, not triaged, in one row.
func paperScoreRowsOf() []PaperScoreRow {
	head := PaperScoreRow{DocumentID: 4, Version: 1, Source: "https://www.northshire.nhs.uk/board-2026-03.pdf", Org: "RJ1",
		OrgName: "Guy's and St Thomas' NHS Foundation Trust", Region: "London", Kind: "board-papers", Title: "Board of Directors meeting in public",
		SHA256: strings.Repeat("4a", 32), FirstSeen: "2026-03-05T12:00:00Z", LastFetched: "2026-03-05T12:00:00Z", RulesVersion: strings.Repeat("c6", 32)}
	minutes, finance := head, head
	minutes.PaperIndex, minutes.Item, minutes.PaperTitle, minutes.Purpose, minutes.PaperKind = 1, "2", "Minutes of the meeting held on 4 February 2026", "decision", "minutes"
	minutes.FirstPage, minutes.LastPage, minutes.Status = 3, 6, "not triaged"
	finance.PaperIndex, finance.Item, finance.PaperTitle, finance.Presenter, finance.Purpose, finance.PaperKind = 3, "5.1", "Finance report, month 10", "Director of Finance", "assurance", "finance or performance report"
	finance.FirstPage, finance.LastPage, finance.Status, finance.Criterion, finance.Score, finance.Max, finance.Evidence, finance.RedFlags = 31, 31, "scored", "costed-plans", 2, 3, 2, 1
	finance.Asked = "-The Board is asked to take assurance."
	return []PaperScoreRow{minutes, finance}
}

// The listings of a stored pack's papers, and their export, are pinned
// by golden files.
func TestPaperListingFormats(t *testing.T) {
	pack, papers := papersOf(t)
	for _, f := range PaperFormats {
		t.Run(string(f), func(t *testing.T) {
			goldenFile(t, "papers."+string(f), render(t, func(b *bytes.Buffer) error { return WritePapers(b, f, pack, papers) }))
		})
	}
	for _, f := range ScoreRowFormats {
		t.Run("export "+string(f), func(t *testing.T) {
			goldenFile(t, "paper-scores."+string(f), render(t, func(b *bytes.Buffer) error { return WritePaperScoreRows(b, f, paperScoreRowsOf()) }))
		})
	}
}

// No papers: the count, an empty array (never null), the header; a
// format the listing does not have is an error that writes nothing.
func TestPaperListingEmpty(t *testing.T) {
	pack := listingOf()[3]
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"text", func(b *bytes.Buffer) error { return WritePapers(b, FormatText, pack, nil) }, "ITEM  TITLE  PURPOSE  PAGES  KIND  SCORE  SCORES\n0 papers\n"},
		{"json", func(b *bytes.Buffer) error { return WritePapers(b, FormatJSON, pack, nil) }, "[]\n"},
		{"csv", func(b *bytes.Buffer) error { return WritePapers(b, FormatCSV, pack, nil) }, strings.Join(PapersCSVHeader, ",") + "\r\n"},
		{"export json", func(b *bytes.Buffer) error { return WritePaperScoreRows(b, FormatJSON, nil) }, "[]\n"},
		{"export csv", func(b *bytes.Buffer) error { return WritePaperScoreRows(b, FormatCSV, nil) }, strings.Join(PaperScoreRowCSVHeader, ",") + "\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(render(t, tt.write)); !strings.HasSuffix(got, tt.want) {
				t.Errorf("got %q, want it to end in %q", got, tt.want)
			}
		})
	}
	var b bytes.Buffer
	if WritePapers(&b, FormatHTML, pack, nil) == nil || WritePaperScoreRows(&b, FormatText, nil) == nil || b.Len() > 0 {
		t.Errorf("an unknown format: no error, or wrote %q", b.String())
	}
}

package reports

import (
	"bytes"
	"strings"
	"testing"
)

// listingOf is a listing of four versions: one scored and filed under
// an organisation, with a title too long for the table; one with nothing
// but its source (no organisation, kind, title or score); one too short
// to judge, whose title a spreadsheet would run as a formula and which
// holds a line break; a board pack with its papers stored.
func listingOf() []ListingEntry {
	return []ListingEntry{
		{ID: 1, Source: "https://www.westyorkshire.icb.nhs.uk/jfp.pdf", Org: "QWO", OrgName: "NHS West Yorkshire Integrated Care Board",
			Region: "North East and Yorkshire", Kind: "strategy", Version: 2, Versions: 2, SHA256: strings.Repeat("ab", 32), Size: 4404019,
			FirstSeen: "2026-03-01T10:00:00Z", LastFetched: "2026-03-02T09:30:00Z", Title: "Joint Forward Plan 2025 to 2030 — refreshed for 2026/27 with the ten-year plan’s shifts",
			Format: "pdf", Pages: 48, ExtractorVersion: 2, Total: 11, Max: 15, RulesVersion: strings.Repeat("c6", 32), Status: "scored"},
		{ID: 2, Source: "plan.md", Version: 1, Versions: 1, SHA256: strings.Repeat("01", 32), Size: 1,
			FirstSeen: "2026-03-04T08:00:00Z", LastFetched: "2026-03-04T08:00:00Z", Format: "markdown", Pages: 1, ExtractorVersion: 2, Total: -1},
		{ID: 3, Source: "-board.html", Org: "RJ1", OrgName: "Guy's and St Thomas' NHS Foundation Trust", Region: "London", Kind: "board-papers",
			Version: 1, Versions: 3, SHA256: strings.Repeat("9f", 32), Size: 812, FirstSeen: "2026", LastFetched: "",
			Title: "=HYPERLINK(\"http://example.org\")\r\nBoard paper", Format: "html", Pages: 0, ExtractorVersion: 1, Total: 0, Max: 0,
			RulesVersion: strings.Repeat("c6", 32), Status: "unreadable"},
		{ID: 4, Source: "https://www.northshire.nhs.uk/board-2026-03.pdf", Org: "RJ1", OrgName: "Guy's and St Thomas' NHS Foundation Trust",
			Region: "London", Kind: "board-papers", Version: 1, Versions: 1, SHA256: strings.Repeat("4a", 32), Size: 2202009,
			FirstSeen: "2026-03-05T12:00:00Z", LastFetched: "2026-03-05T12:00:00Z", Title: "Board of Directors meeting in public",
			Format: "pdf", Pages: 212, ExtractorVersion: 2, Total: 7, Max: 15, RulesVersion: strings.Repeat("c6", 32), Status: "scored", Papers: 12},
	}
}

// detailOf is the first document of listingOf with its two versions,
// three fetches (a file, a download with validators, a 304) and scores.
func detailOf(t *testing.T) *DocumentDetail {
	list := listingOf()
	old := list[0]
	old.Version, old.SHA256, old.Size, old.Pages, old.FirstSeen = 1, strings.Repeat("de", 32), 1023, 1, "2025-11-30T23:59:59Z"
	old.Total, old.RulesVersion, old.Status = -1, "", ""
	return &DocumentDetail{
		ListingEntry: list[0],
		History:      []ListingEntry{old, list[0]},
		Fetches: []FetchRecord{
			{Version: 1, FetchedAt: "2025-11-30T23:59:59Z", Outcome: "new", Source: "/home/ana/jfp.pdf"},
			{Version: 2, URL: "https://www.westyorkshire.icb.nhs.uk/jfp.pdf", FetchedAt: "2026-03-01T10:00:00Z", Status: 200,
				ETag: `"5f2a"`, LastModified: "Sun, 01 Mar 2026 09:00:00 GMT", ContentType: "application/pdf", Outcome: "changed",
				Source: "https://www.westyorkshire.icb.nhs.uk/jfp.pdf"},
			{Version: 2, URL: "https://www.westyorkshire.icb.nhs.uk/jfp.pdf", FetchedAt: "2026-03-02T09:30:00Z", Status: 304, Outcome: "unchanged",
				Source: "https://www.westyorkshire.icb.nhs.uk/jfp.pdf"},
			{Version: 2, FetchedAt: "2026-03-03T09:30:00Z", Outcome: "source", Source: "/home/ana/copy of jfp.pdf"},
		},
		// The same bytes under three names: one document.
		Sources: []SourceRecord{
			{Source: "/home/ana/jfp.pdf", AddedAt: "2025-11-30T23:59:59Z", Fetches: 1, LastFetched: "2025-11-30T23:59:59Z", Version: 1},
			{Source: "https://www.westyorkshire.icb.nhs.uk/jfp.pdf", AddedAt: "2026-03-01T10:00:00Z", Fetches: 2, LastFetched: "2026-03-02T09:30:00Z", Version: 2},
			{Source: "/home/ana/copy of jfp.pdf", AddedAt: "2026-03-03T09:30:00Z", Fetches: 1, LastFetched: "2026-03-03T09:30:00Z", Version: 2},
		},
		Card: loadCard(t, "westbrook-2025"),
	}
}

// scoreRowsOf are two rows of the export, one with a title a
// spreadsheet would run as a formula.
func scoreRowsOf() []ScoreRow {
	return []ScoreRow{
		{DocumentID: 1, Version: 2, Source: "https://www.westyorkshire.icb.nhs.uk/jfp.pdf", Org: "QWO", OrgName: "NHS West Yorkshire Integrated Care Board",
			Region: "North East and Yorkshire", Kind: "strategy", Title: "Joint Forward Plan", SHA256: strings.Repeat("ab", 32),
			FirstSeen: "2026-03-01T10:00:00Z", LastFetched: "2026-03-02T09:30:00Z", RulesVersion: strings.Repeat("c6", 32),
			Criterion: "costed-plans", Score: 2, Max: 3, Evidence: 4, RedFlags: 1},
		{DocumentID: 3, Version: 1, Source: "-board.html", Kind: "board-papers", Title: "+Board, \"paper\"", SHA256: strings.Repeat("9f", 32),
			FirstSeen: "2026-03-04T08:00:00Z", LastFetched: "2026-03-04T08:00:00Z", RulesVersion: strings.Repeat("c6", 32),
			Criterion: "vcs-involvement", Score: 0, Max: 3},
	}
}

// organisationsOf is a built-in board and an added trust without a
// region.
func organisationsOf() []Organisation {
	return []Organisation{
		{Code: "QWO", Name: "NHS West Yorkshire Integrated Care Board", Kind: "icb", Region: "North East and Yorkshire", RegionCode: "Y63", Origin: "catalogue", Documents: 2},
		{Code: "RJ1", Name: "Guy's and St Thomas' NHS Foundation Trust", Kind: "trust", Origin: "user"},
	}
}

// The listings of the corpus commands are pinned by golden files, made
// by the command's renderers before they moved here.
func TestListingFormats(t *testing.T) {
	for _, f := range ListingFormats {
		t.Run(string(f), func(t *testing.T) {
			goldenFile(t, "listing."+string(f), render(t, func(b *bytes.Buffer) error { return WriteListing(b, f, listingOf()) }))
		})
	}
	for _, f := range DocumentFormats {
		t.Run("document "+string(f), func(t *testing.T) {
			goldenFile(t, "document."+string(f), render(t, func(b *bytes.Buffer) error { return WriteDocument(b, f, detailOf(t)) }))
		})
	}
	for _, f := range ScoreRowFormats {
		t.Run("scores "+string(f), func(t *testing.T) {
			goldenFile(t, "scores."+string(f), render(t, func(b *bytes.Buffer) error { return WriteScoreRows(b, f, scoreRowsOf()) }))
		})
	}
	for _, f := range OrganisationFormats {
		t.Run("organisations "+string(f), func(t *testing.T) {
			goldenFile(t, "organisations."+string(f), render(t, func(b *bytes.Buffer) error { return WriteOrganisations(b, f, organisationsOf()) }))
		})
	}
}

// An empty listing still says so: a count in text, an empty array in
// JSON (never null, which scripts would have to test for), the header in
// CSV. A document without versions or fetches keeps the headings.
func TestListingEmpty(t *testing.T) {
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"text", func(b *bytes.Buffer) error { return WriteListing(b, FormatText, nil) }, "ID  V  ORG  KIND  FIRST SEEN  SCORE  TITLE  SOURCE  PAPERS\n0 documents\n"},
		{"json", func(b *bytes.Buffer) error { return WriteListing(b, FormatJSON, nil) }, "[]\n"},
		{"csv", func(b *bytes.Buffer) error { return WriteListing(b, FormatCSV, nil) }, strings.Join(listingCSVHeader, ",") + "\r\n"},
		{"one", func(b *bytes.Buffer) error { return WriteListing(b, FormatText, listingOf()[1:2]) }, "1 document\n"},
		{"scores json", func(b *bytes.Buffer) error { return WriteScoreRows(b, FormatJSON, nil) }, "[]\n"},
		{"scores csv", func(b *bytes.Buffer) error { return WriteScoreRows(b, FormatCSV, nil) }, strings.Join(scoreRowCSVHeader, ",") + "\r\n"},
		{"document", func(b *bytes.Buffer) error {
			return WriteDocument(b, FormatText, &DocumentDetail{ListingEntry: ListingEntry{ID: 9}})
		},
			"#9 -\nsource        \nkind          -\n\nversions\n\nfetches\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(render(t, tt.write)); !strings.HasSuffix(got, tt.want) {
				t.Errorf("got %q, want it to end in %q", got, tt.want)
			}
		})
	}
}

// A format a listing does not have is an error, not another format.
func TestListingUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	for name, err := range map[string]error{
		"listing":       WriteListing(&b, FormatHTML, listingOf()),
		"document":      WriteDocument(&b, FormatCSV, detailOf(t)),
		"scores":        WriteScoreRows(&b, FormatText, scoreRowsOf()),
		"organisations": WriteOrganisations(&b, FormatCSV, organisationsOf()),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if b.Len() > 0 {
		t.Errorf("wrote %q", b.String())
	}
}

package reports

import (
	"fmt"
	"io"
	"strconv"
)

// EvidenceRow is one passage a stored score quotes (corpus.EvidenceRow).
type EvidenceRow struct {
	DocumentID   int64  `json:"document_id"`
	Version      int    `json:"version"`
	Source       string `json:"source"`
	Org          string `json:"org"`
	OrgName      string `json:"org_name"`
	Region       string `json:"region"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	SHA256       string `json:"sha256"`
	FirstSeen    string `json:"first_seen"`
	LastFetched  string `json:"last_fetched"`
	RulesVersion string `json:"rules_version"`
	Criterion    string `json:"criterion"`
	Signal       string `json:"signal"`
	Page         int    `json:"page"`
	Section      string `json:"section"`
	Quote        string `json:"quote"`
}

// RedFlagRow is one red flag of a stored score with its example passage
// (corpus.RedFlagRow).
type RedFlagRow struct {
	DocumentID   int64  `json:"document_id"`
	Version      int    `json:"version"`
	Source       string `json:"source"`
	Org          string `json:"org"`
	OrgName      string `json:"org_name"`
	Region       string `json:"region"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	SHA256       string `json:"sha256"`
	FirstSeen    string `json:"first_seen"`
	LastFetched  string `json:"last_fetched"`
	RulesVersion string `json:"rules_version"`
	Criterion    string `json:"criterion"`
	RedFlag      string `json:"red_flag"`
	Page         int    `json:"page"`
	Quote        string `json:"quote"`
}

// The columns of the evidence and red flag exports: names R's read.csv
// and pandas take as they are (letters, digits and underscores).
var (
	evidenceCSVHeader = []string{"document_id", "version", "source", "org", "org_name", "region", "kind", "title", "sha256",
		"first_seen", "last_fetched", "rules_version", "criterion", "signal", "page", "section", "quote"}
	redFlagCSVHeader = []string{"document_id", "version", "source", "org", "org_name", "region", "kind", "title", "sha256",
		"first_seen", "last_fetched", "rules_version", "criterion", "red_flag", "page", "quote"}
)

// WriteEvidenceRows writes the evidence export: one row per quoted
// passage and criterion (csv), an array (json; [] for none) or one object
// a line (jsonl).
func WriteEvidenceRows(w io.Writer, f Format, rows []EvidenceRow) error {
	switch f {
	case FormatJSON:
		if rows == nil {
			rows = []EvidenceRow{}
		}
		return WriteJSON(w, rows)
	case FormatJSONL:
		return WriteJSONLines(w, rows)
	case FormatCSV:
		var out [][]string
		for _, r := range rows {
			out = append(out, []string{strconv.FormatInt(r.DocumentID, 10), strconv.Itoa(r.Version), csvCell(r.Source), csvCell(r.Org),
				csvCell(r.OrgName), csvCell(r.Region), r.Kind, csvCell(r.Title), r.SHA256, r.FirstSeen, r.LastFetched, r.RulesVersion,
				r.Criterion, r.Signal, strconv.Itoa(r.Page), csvCell(r.Section), csvCell(r.Quote)})
		}
		return writeCSV(w, evidenceCSVHeader, out)
	}
	return fmt.Errorf("evidence cannot be exported as %q", f)
}

// WriteRedFlagRows writes the red flags export, as WriteEvidenceRows.
func WriteRedFlagRows(w io.Writer, f Format, rows []RedFlagRow) error {
	switch f {
	case FormatJSON:
		if rows == nil {
			rows = []RedFlagRow{}
		}
		return WriteJSON(w, rows)
	case FormatJSONL:
		return WriteJSONLines(w, rows)
	case FormatCSV:
		var out [][]string
		for _, r := range rows {
			page := ""
			if r.Page > 0 {
				page = strconv.Itoa(r.Page)
			}
			out = append(out, []string{strconv.FormatInt(r.DocumentID, 10), strconv.Itoa(r.Version), csvCell(r.Source), csvCell(r.Org),
				csvCell(r.OrgName), csvCell(r.Region), r.Kind, csvCell(r.Title), r.SHA256, r.FirstSeen, r.LastFetched, r.RulesVersion,
				r.Criterion, csvCell(r.RedFlag), page, csvCell(r.Quote)})
		}
		return writeCSV(w, redFlagCSVHeader, out)
	}
	return fmt.Errorf("red flags cannot be exported as %q", f)
}

package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/rules"
)

// csvHeader is the column order of CSV, fixed so that scripts can rely on
// it; new columns are only ever added at the end.
var csvHeader = []string{"document", "title", "sha256", "criterion", "score", "evidence_count", "first_evidence_page", "rules_version", "max", "red_flags", "status", "reason", "red_flag_text"}

// CSV writes one row per document and criterion (long format, for R or
// pandas), RFC 4180: comma separated, quoted where needed, CRLF line ends.
// first_evidence_page is the lowest page any evidence cites, empty when
// there is none; red_flag_text holds the criterion's red flags, joined
// by " | ".
//
// A document that was not scored (status unreadable or failed) keeps one
// row, with the criterion and score empty and the reason, so that a
// spreadsheet of 31 sources has a row for each of them.
func CSV(w io.Writer, cards []*rules.Scorecard) error {
	var rows [][]string
	for _, c := range cards {
		if !c.Scored() {
			rows = append(rows, []string{csvCell(c.Document.Source), csvCell(c.Document.Title), c.Document.SHA256, "", "", "", "",
				c.Tool.RulesVersion, "", "", c.Status, csvCell(c.Reason), ""})
			continue
		}
		for _, cr := range c.Criteria {
			first := ""
			if p := firstPage(cr.Evidence); p > 0 {
				first = strconv.Itoa(p)
			}
			rows = append(rows, []string{
				csvCell(c.Document.Source), csvCell(c.Document.Title), c.Document.SHA256, cr.ID,
				strconv.Itoa(cr.Score), strconv.Itoa(len(cr.Evidence)), first, c.Tool.RulesVersion,
				strconv.Itoa(cr.Max), strconv.Itoa(len(cr.RedFlags)), rules.StatusScored, "", csvCell(strings.Join(cr.RedFlags, " | ")),
			})
		}
	}
	return writeCSV(w, csvHeader, rows)
}

// firstPage is the lowest page any evidence cites, 0 when none does.
func firstPage(ev []rules.Evidence) int {
	first := 0
	for _, e := range ev {
		if e.Page > 0 && (first == 0 || e.Page < first) {
			first = e.Page
		}
	}
	return first
}

// writeCSV writes a header and rows as RFC 4180 CSV: comma separated,
// quoted where needed, CRLF line ends. Text from documents in the rows
// should go through csvCell.
func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.WriteAll(append([][]string{header}, rows...)); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// csvCell guards text taken from a document against spreadsheet formula
// injection: a title such as "=HYPERLINK(...)" would run in Excel, so text
// starting with = + - @ or a tab gets a leading apostrophe, which
// spreadsheets hide (OWASP's advice). R and pandas see the apostrophe,
// but only on such fields. Numbers the tool writes need no guard.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

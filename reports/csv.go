package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/nhsreview/nhsreview/rules"
)

// CSVHeader is the column order of CSV, fixed so that scripts can rely on
// it; new columns are only ever added at the end.
var CSVHeader = []string{"document", "title", "sha256", "criterion", "score", "evidence_count", "first_evidence_page", "rules_version", "max", "red_flags"}

// CSV writes one row per document and criterion (long format, for R or
// pandas), RFC 4180: comma separated, quoted where needed, CRLF line ends.
// first_evidence_page is the lowest page any evidence cites, empty when
// there is none.
func CSV(w io.Writer, cards []*rules.Scorecard) error {
	cw := newCSV(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	for _, c := range cards {
		for _, cr := range c.Criteria {
			first := ""
			if p := firstPage(cr.Evidence); p > 0 {
				first = strconv.Itoa(p)
			}
			row := []string{
				cell(c.Document.Source), cell(c.Document.Title), c.Document.SHA256, cr.ID,
				strconv.Itoa(cr.Score), strconv.Itoa(len(cr.Evidence)), first, c.Tool.RulesVersion,
				strconv.Itoa(cr.Max), strconv.Itoa(len(cr.RedFlags)),
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("writing CSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
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

func newCSV(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw
}

// cell guards text taken from a document against spreadsheet formula
// injection: a title such as "=HYPERLINK(...)" would run in Excel, so text
// starting with = + - @ or a tab gets a leading apostrophe, which
// spreadsheets hide (OWASP's advice). R and pandas see the apostrophe, but
// only on such fields.
func cell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

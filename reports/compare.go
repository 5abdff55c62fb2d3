package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// Comparison is a documents x criteria matrix of scores, built from
// scorecards only.
type Comparison struct {
	// Criteria are the columns: every criterion any document was scored
	// on, in the order of the first scorecard that has it.
	Criteria []ComparedCriterion
	Rows     []ComparedDocument
	// RulesVersions lists the distinct rule sets used; more than one
	// means the scores are not strictly comparable.
	RulesVersions []string
}

// ComparedCriterion is a column of a comparison.
type ComparedCriterion struct {
	ID, Name string
	Max      int
}

// ComparedDocument is a row of a comparison.
type ComparedDocument struct {
	Source, Title, SHA256, RulesVersion string
	// Scores has one entry per column; -1 where the document was not
	// scored on that criterion.
	Scores     []int
	Total, Max int
	RedFlags   int
	Warnings   []string
	// Status is rules.StatusScored, or why there are no scores
	// (unreadable, failed), with Reason.
	Status, Reason string
	// Flags are the red flags' texts, criterion by criterion.
	Flags []string
}

// scored reports whether the row has scores.
func (r ComparedDocument) scored() bool { return r.Status == rules.StatusScored }

// totalText is the total, or what a row without scores is.
func (r ComparedDocument) totalText() string {
	if !r.scored() {
		return "not scored (" + r.Status + ")"
	}
	return fmt.Sprintf("%d/%d", r.Total, r.Max)
}

// NewComparison builds the matrix for scorecards in the order given.
func NewComparison(cards []*rules.Scorecard) *Comparison {
	cmp := &Comparison{}
	col := map[string]int{}
	seenRules := map[string]bool{}
	for _, c := range cards {
		for _, cr := range c.Criteria {
			if _, ok := col[cr.ID]; !ok {
				col[cr.ID] = len(cmp.Criteria)
				cmp.Criteria = append(cmp.Criteria, ComparedCriterion{ID: cr.ID, Name: printable(cr.Name), Max: cr.Max})
			}
		}
		if !seenRules[c.Tool.RulesVersion] {
			seenRules[c.Tool.RulesVersion] = true
			cmp.RulesVersions = append(cmp.RulesVersions, c.Tool.RulesVersion)
		}
	}
	for _, c := range cards {
		row := ComparedDocument{
			Source: printable(c.Document.Source), Title: printable(title(c)), SHA256: c.Document.SHA256,
			RulesVersion: c.Tool.RulesVersion, Scores: make([]int, len(cmp.Criteria)),
			Warnings: printables(c.Document.Quality.Warnings), Status: rules.StatusScored,
		}
		if !c.Scored() {
			row.Status, row.Reason = c.Status, printable(c.Reason)
		}
		for i := range row.Scores {
			row.Scores[i] = -1
		}
		for _, cr := range c.Criteria {
			row.Scores[col[cr.ID]] = cr.Score
			row.RedFlags += len(cr.RedFlags)
			row.Flags = append(row.Flags, printables(cr.RedFlags)...)
		}
		row.Total, row.Max = c.Total()
		cmp.Rows = append(cmp.Rows, row)
	}
	return cmp
}

// Compare writes the comparison of scorecards in one format. It is the
// renderer behind `nhsreview compare` and any other list of documents
// (such as a corpus).
func Compare(w io.Writer, f Format, cards []*rules.Scorecard, o Options) error {
	cmp := NewComparison(cards)
	switch f {
	case FormatText:
		return cmp.Text(w, o)
	case FormatMarkdown:
		return cmp.Markdown(w)
	case FormatHTML:
		return cmp.HTML(w)
	case FormatCSV:
		return cmp.CSV(w)
	}
	return fmt.Errorf("a comparison cannot be written as %q", f)
}

// head is a column heading short enough for a terminal: the first word of
// the criterion's name ("Problem", "Inequality", "VCS").
func (cc ComparedCriterion) head() string {
	if f := strings.Fields(cc.Name); len(f) > 0 {
		return f[0]
	}
	return cc.ID
}

func (cmp *Comparison) mixedRules() string {
	if len(cmp.RulesVersions) < 2 {
		return ""
	}
	shorts := make([]string, len(cmp.RulesVersions))
	for i, v := range cmp.RulesVersions {
		shorts[i] = short(v)
	}
	return "documents were scored with different rules (" + strings.Join(shorts, ", ") + "): their scores are not strictly comparable"
}

func (cmp *Comparison) rulesLabel() string {
	if len(cmp.RulesVersions) == 1 {
		return " · rules " + short(cmp.RulesVersions[0])
	}
	return ""
}

// Text writes the matrix for a terminal: one line per document, a bar and
// a score per criterion, then the sources by number.
func (cmp *Comparison) Text(w io.Writer, o Options) error {
	p := painter(o.Color)
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s\n", p.paint(ansiBold, "Comparison of "+textclean.Plural(len(cmp.Rows), "document")), cmp.rulesLabel())
	if m := cmp.mixedRules(); m != "" {
		fmt.Fprintf(&b, "%s\n", p.paint(ansiYellow, "warning: "+m))
	}
	const titleWidth = 36
	widths := make([]int, len(cmp.Criteria))
	var h strings.Builder
	fmt.Fprintf(&h, "\n  %3s  %-*s", "#", titleWidth, "Document")
	for i, cc := range cmp.Criteria {
		widths[i] = max(len([]rune(cc.head())), cc.Max+2)
		fmt.Fprintf(&h, "  %-*s", widths[i], cc.head())
	}
	h.WriteString("  Total")
	b.WriteString(p.paint(ansiBold, h.String()) + "\n")
	for n, r := range cmp.Rows {
		t := clip(r.Title, titleWidth)
		fmt.Fprintf(&b, "  %3d  %s%s", n+1, t, strings.Repeat(" ", titleWidth-len([]rune(t))))
		for i, s := range r.Scores {
			cellText, visible := "–", 1
			if s >= 0 {
				cellText = p.bar(s, cmp.Criteria[i].Max) + " " + strconv.Itoa(s)
				visible = cmp.Criteria[i].Max + 2
			}
			fmt.Fprintf(&b, "  %s%s", cellText, strings.Repeat(" ", max(widths[i]-visible, 0)))
		}
		fmt.Fprintf(&b, "  %s", r.totalText())
		if r.RedFlags > 0 {
			fmt.Fprintf(&b, "  %s", p.paint(ansiRed, fmt.Sprintf("%s", textclean.Plural(r.RedFlags, "red flag"))))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	for n, r := range cmp.Rows {
		fmt.Fprintf(&b, "  %3d  %s\n", n+1, r.Source)
		if !r.scored() {
			fmt.Fprintf(&b, "       %s\n", p.paint(ansiRed, "not scored: "+r.Reason))
		}
		for _, wq := range r.Warnings {
			fmt.Fprintf(&b, "       %s\n", p.paint(ansiYellow, "warning: "+wq))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown writes the matrix as a Markdown table.
func (cmp *Comparison) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Comparison of %s\n\n", textclean.Plural(len(cmp.Rows), "document"))
	if len(cmp.RulesVersions) == 1 {
		fmt.Fprintf(&b, "Rules `%s`\n\n", short(cmp.RulesVersions[0]))
	}
	if m := cmp.mixedRules(); m != "" {
		fmt.Fprintf(&b, "> **Warning:** %s\n\n", mdEscape(m))
	}
	b.WriteString("| # | Document |")
	for _, cc := range cmp.Criteria {
		fmt.Fprintf(&b, " %s |", mdEscape(cc.Name))
	}
	b.WriteString(" Total | Red flags |\n|---:|---|")
	for range cmp.Criteria {
		b.WriteString("---|")
	}
	b.WriteString("---:|---:|\n")
	for n, r := range cmp.Rows {
		fmt.Fprintf(&b, "| %d | %s |", n+1, mdEscape(r.Title))
		for i, s := range r.Scores {
			if s < 0 {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %s %d |", bar(s, cmp.Criteria[i].Max), s)
		}
		fmt.Fprintf(&b, " %s | %d |\n", r.totalText(), r.RedFlags)
	}
	b.WriteString("\nSources:\n\n")
	for n, r := range cmp.Rows {
		fmt.Fprintf(&b, "%d. %s\n", n+1, mdEscape(r.Source))
		if !r.scored() {
			fmt.Fprintf(&b, "   - **Not scored:** %s\n", mdEscape(r.Reason))
		}
		for _, wq := range r.Warnings {
			fmt.Fprintf(&b, "   - **Warning:** %s\n", mdEscape(wq))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CSV writes the matrix in wide format, one row per document: document,
// title, sha256, rules_version, one column per criterion id (empty where
// not scored), total, max, red_flags, status, reason, red_flag_text (the
// flags joined by " | "). A source that was
// not scored keeps its row, with empty scores, its status (unreadable or
// failed) and the reason.
func (cmp *Comparison) CSV(w io.Writer) error {
	header := []string{"document", "title", "sha256", "rules_version"}
	for _, cc := range cmp.Criteria {
		header = append(header, cc.ID)
	}
	header = append(header, "total", "max", "red_flags", "status", "reason", "red_flag_text")
	var rows [][]string
	for _, r := range cmp.Rows {
		row := []string{csvCell(r.Source), csvCell(r.Title), r.SHA256, r.RulesVersion}
		for _, s := range r.Scores {
			if s < 0 {
				row = append(row, "")
			} else {
				row = append(row, strconv.Itoa(s))
			}
		}
		if !r.scored() {
			rows = append(rows, append(row, "", "", "", r.Status, csvCell(r.Reason), ""))
			continue
		}
		rows = append(rows, append(row, strconv.Itoa(r.Total), strconv.Itoa(r.Max), strconv.Itoa(r.RedFlags), r.Status, "",
			csvCell(strings.Join(r.Flags, " | "))))
	}
	return writeCSV(w, header, rows)
}

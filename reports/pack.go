package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/nhsreview/nhsreview/rules"
)

// Pack is a board pack triaged paper by paper: what `nhsreview pack`
// prints. It is built from the split and the papers' scorecards only.
type Pack struct {
	SchemaVersion int         `json:"schema_version"`
	Source        string      `json:"source"`
	Title         string      `json:"title"`
	Papers        []PackPaper `json:"papers"`
}

// PackPaper is one paper of a pack with its scorecard, which holds only
// the criteria that apply to its kind (none for minutes or an agenda).
type PackPaper struct {
	Number    string           `json:"number"`
	Title     string           `json:"title"`
	Presenter string           `json:"presenter,omitempty"`
	Purpose   string           `json:"purpose,omitempty"`
	Kind      string           `json:"kind"`
	FirstPage int              `json:"first_page"`
	LastPage  int              `json:"last_page"`
	Card      *rules.Scorecard `json:"scorecard,omitempty"`
}

// PackFormats are the formats of a pack.
var PackFormats = []Format{FormatText, FormatJSON}

// WritePack writes a pack in one format.
func WritePack(w io.Writer, f Format, p *Pack, o Options) error {
	switch f {
	case FormatText:
		return packText(w, p, o)
	case FormatJSON:
		return WriteJSON(w, p)
	}
	return fmt.Errorf("a pack cannot be written as %q", f)
}

// packText: the agenda as a table (item, title, purpose, pages, the
// scores that apply, red flags), then for each triaged paper its red
// flags and the questions most worth asking.
func packText(w io.Writer, p *Pack, o Options) error {
	pt := painter(o.Color)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s · %s\n\n", pt.paint(ansiBold, printable(p.Title)), printable(p.Source), plural(len(p.Papers), "paper"))
	const titleWidth = 44
	fmt.Fprintf(&b, "%s\n", pt.paint(ansiBold, fmt.Sprintf("  %-6s %-*s %-11s %-7s %-20s %s", "Item", titleWidth, "Title", "Purpose", "Pages", "Kind", "Scores (flags)")))
	for _, pp := range p.Papers {
		t := clip(printable(pp.Title), titleWidth)
		pages := fmt.Sprintf("%d", pp.FirstPage)
		if pp.LastPage > pp.FirstPage {
			pages = fmt.Sprintf("%d-%d", pp.FirstPage, pp.LastPage)
		}
		fmt.Fprintf(&b, "  %-6s %s%s %-11s %-7s %-20s %s\n", pp.Number, t, strings.Repeat(" ", titleWidth-len([]rune(t))), dash(pp.Purpose), pages, clip(pp.Kind, 20), scoresText(pp.Card))
	}
	for _, pp := range p.Papers {
		if pp.Card == nil || len(pp.Card.Criteria) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", pt.paint(ansiBold, strings.TrimSpace(pp.Number+" "+printable(pp.Title))))
		for _, f := range redFlags(pp.Card) {
			fmt.Fprintf(&b, "%s\n", pt.paint(ansiRed, wrap("! "+f.text+" ("+f.criterion+")", 78, "  ")))
		}
		asked := 0
		for _, cr := range pp.Card.Criteria {
			for _, q := range cr.Questions {
				if asked == 3 {
					break
				}
				fmt.Fprintf(&b, "%s\n", pt.paint(ansiCyan, wrap("? "+printable(q), 78, "  ")))
				asked++
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// scoresText is a paper's scores in a line ("Problem 2 · Inequality 1
// (1 flag)"), or why it has none.
func scoresText(c *rules.Scorecard) string {
	switch {
	case c == nil:
		return "not triaged"
	case !c.Scored():
		return "not scored: " + c.Status
	case len(c.Criteria) == 0:
		return "not triaged"
	}
	var parts []string
	flags := 0
	for _, cr := range c.Criteria {
		parts = append(parts, fmt.Sprintf("%s %d", ComparedCriterion{ID: cr.ID, Name: cr.Name}.head(), cr.Score))
		flags += len(cr.RedFlags)
	}
	s := strings.Join(parts, " · ")
	if flags > 0 {
		s += " (" + plural(flags, "flag") + ")"
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

package reports

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
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
	Number    string `json:"number"`
	Title     string `json:"title"`
	Presenter string `json:"presenter,omitempty"`
	Purpose   string `json:"purpose,omitempty"`
	// Asked is what the board is asked to do, in the paper's words.
	Asked     string           `json:"asked,omitempty"`
	Kind      string           `json:"kind"`
	FirstPage int              `json:"first_page"`
	LastPage  int              `json:"last_page"`
	Card      *rules.Scorecard `json:"scorecard,omitempty"`
}

// PackFormats are the formats of a pack.
var PackFormats = []Format{FormatText, FormatMarkdown, FormatHTML, FormatJSON, FormatCSV}

// packCSVHeader is the column order of a pack's CSV: one row per paper
// and criterion that applies to it (one row with the criterion empty for
// a paper not triaged), so that a spreadsheet has every item of the
// agenda. New columns are only ever added at the end.
var packCSVHeader = []string{"pack", "item", "title", "presenter", "purpose", "kind", "first_page", "last_page", "criterion", "score", "max", "red_flags", "red_flag_text", "status", "asked"}

// WritePack writes a pack in one format.
func WritePack(w io.Writer, f Format, p *Pack, o Options) error {
	switch f {
	case FormatText:
		return packText(w, p, o)
	case FormatMarkdown:
		return packMarkdown(w, p)
	case FormatJSON:
		return WriteJSON(w, p)
	case FormatCSV:
		return packCSV(w, p)
	case FormatHTML:
		return packHTML(w, p)
	}
	return fmt.Errorf("a pack cannot be written as %q", f)
}

// pages is a paper's page range ("4" or "4-5").
func (pp PackPaper) pages() string {
	if pp.LastPage > pp.FirstPage {
		return fmt.Sprintf("%d-%d", pp.FirstPage, pp.LastPage)
	}
	return strconv.Itoa(pp.FirstPage)
}

// packCSV writes packCSVHeader's rows.
func packCSV(w io.Writer, p *Pack) error {
	var rows [][]string
	for _, pp := range p.Papers {
		head := []string{csvCell(p.Source), csvCell(pp.Number), csvCell(pp.Title), csvCell(pp.Presenter), pp.Purpose, pp.Kind, strconv.Itoa(pp.FirstPage), strconv.Itoa(pp.LastPage)}
		switch {
		case pp.Card == nil || len(pp.Card.Criteria) == 0 && pp.Card.Scored():
			rows = append(rows, append(head, "", "", "", "", "", "not triaged", csvCell(pp.Asked)))
		case !pp.Card.Scored():
			rows = append(rows, append(head, "", "", "", "", "", pp.Card.Status, csvCell(pp.Asked)))
		default:
			for _, cr := range pp.Card.Criteria {
				rows = append(rows, append(slices.Clone(head), cr.ID, strconv.Itoa(cr.Score), strconv.Itoa(cr.Max),
					strconv.Itoa(len(cr.RedFlags)), csvCell(strings.Join(cr.RedFlags, " | ")), rules.StatusScored, csvCell(pp.Asked)))
			}
		}
	}
	return writeCSV(w, packCSVHeader, rows)
}

// packMarkdown: the agenda as a table, then each triaged paper's red
// flags and the questions most worth asking, as in text.
func packMarkdown(w io.Writer, p *Pack) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s · %s\n\n", mdEscape(p.Title), mdEscape(p.Source), textclean.Plural(len(p.Papers), "paper"))
	b.WriteString("| Item | Title | Purpose | Pages | Kind | Scores (flags) |\n|---|---|---|---|---|---|\n")
	for _, pp := range p.Papers {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdEscape(dash(pp.Number)), mdEscape(pp.Title), dash(pp.Purpose), pp.pages(), pp.Kind, scoresText(pp.Card))
	}
	for _, pp := range p.Papers {
		if pp.Card == nil || len(pp.Card.Criteria) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n", mdEscape(strings.TrimSpace(pp.Number+" "+pp.Title)))
		if pp.Asked != "" {
			fmt.Fprintf(&b, "- **Asked:** %s\n", mdEscape(pp.Asked))
		}
		for _, f := range redFlags(pp.Card) {
			fmt.Fprintf(&b, "- **Red flag** (%s): %s\n", f.criterion, mdEscape(f.text))
		}
		for _, q := range packQuestions(pp.Card) {
			fmt.Fprintf(&b, "- **Ask:** %s\n", mdEscape(q))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// packQuestions are the questions most worth asking of a paper: the first
// of its criteria's, three at most (a member asks two or three per item).
func packQuestions(c *rules.Scorecard) []string {
	var out []string
	for _, cr := range c.Criteria {
		for _, q := range cr.Questions {
			if len(out) == 3 {
				return out
			}
			out = append(out, q)
		}
	}
	return out
}

// packText: the agenda as a table (item, title, purpose, pages, the
// scores that apply, red flags), then for each triaged paper its red
// flags and the questions most worth asking.
func packText(w io.Writer, p *Pack, o Options) error {
	pt := painter(o.Color)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s · %s\n\n", pt.paint(ansiBold, printable(p.Title)), printable(p.Source), textclean.Plural(len(p.Papers), "paper"))
	const titleWidth = 44
	fmt.Fprintf(&b, "%s\n", pt.paint(ansiBold, fmt.Sprintf("  %-6s %-*s %-11s %-7s %-20s %s", "Item", titleWidth, "Title", "Purpose", "Pages", "Kind", "Scores (flags)")))
	for _, pp := range p.Papers {
		t := clip(printable(pp.Title), titleWidth)
		fmt.Fprintf(&b, "  %-6s %s%s %-11s %-7s %-20s %s\n", pp.Number, t, strings.Repeat(" ", titleWidth-len([]rune(t))), dash(pp.Purpose), pp.pages(), clip(pp.Kind, 20), scoresText(pp.Card))
	}
	for _, pp := range p.Papers {
		if pp.Card == nil || len(pp.Card.Criteria) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", pt.paint(ansiBold, strings.TrimSpace(pp.Number+" "+printable(pp.Title))))
		if pp.Asked != "" {
			fmt.Fprintf(&b, "%s\n", wrap("Asked: "+printable(pp.Asked), 78, "  "))
		}
		for _, f := range redFlags(pp.Card) {
			fmt.Fprintf(&b, "%s\n", pt.paint(ansiRed, wrap("! "+f.text+" ("+f.criterion+")", 78, "  ")))
		}
		for _, q := range packQuestions(pp.Card) {
			fmt.Fprintf(&b, "%s\n", pt.paint(ansiCyan, wrap("? "+printable(q), 78, "  ")))
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
		s += " (" + textclean.Plural(flags, "flag") + ")"
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// htmlPack is what the page template's "pack" reads: the agenda as a
// table on the front page (one A4 sheet for the meeting), then each
// triaged paper's red flags, questions and scores with their passages.
type htmlPack struct {
	Title, Source, Count string
	Rows                 []htmlPackRow
	Papers               []htmlPackPaper
}

type htmlPackRow struct {
	Number, Title, Presenter, Purpose, Pages, Kind, Scores string
	// Anchor is the id of the paper's section ("" when not triaged).
	Anchor string
	Flags  int
}

type htmlPackPaper struct {
	Anchor    string
	Heading   string
	Asked     string
	Flags     []string
	Questions []string
	Criteria  []htmlPackCriterion
}

type htmlPackCriterion struct {
	Name, Score, Summary string
	Evidence             []rules.Evidence
}

// packEvidence is how many passages a paper's detail quotes per
// criterion: the pack is read in a few days, the paper's own scorecard
// has the rest.
const packEvidence = 2

func packHTML(w io.Writer, p *Pack) error {
	hp, gen := packHTMLData(p)
	return writePage(w, htmlPage{Title: p.Title + " · nhsreview pack", Generator: gen, Pack: hp})
}

// Pack renders a pack's agenda table and papers as the HTML report
// shows them, without the page around it.
func (f *Fragments) Pack(w io.Writer, p *Pack) error {
	hp, _ := packHTMLData(p)
	return f.render(w, "pack", hp)
}

// packHTMLData is what the "pack" template reads, and the generator
// that made the scorecards. A triaged paper's agenda row links to its
// section (paper-N, N its place in the pack: item numbers repeat or are
// missing).
func packHTMLData(p *Pack) (*htmlPack, string) {
	hp := &htmlPack{Title: p.Title, Source: p.Source, Count: textclean.Plural(len(p.Papers), "paper")}
	gen := ""
	for i, pp := range p.Papers {
		row := htmlPackRow{Number: dash(pp.Number), Title: pp.Title, Presenter: pp.Presenter, Purpose: dash(pp.Purpose),
			Pages: pp.pages(), Kind: pp.Kind, Scores: scoresText(pp.Card)}
		if pp.Card != nil {
			row.Flags = len(redFlags(pp.Card))
			if gen == "" {
				gen = strings.TrimSpace(pp.Card.Tool.Name + " " + pp.Card.Tool.Version)
			}
		}
		if pp.Card == nil || len(pp.Card.Criteria) == 0 {
			hp.Rows = append(hp.Rows, row)
			continue
		}
		row.Anchor = fmt.Sprintf("paper-%d", i+1)
		hp.Rows = append(hp.Rows, row)
		paper := htmlPackPaper{Anchor: row.Anchor, Heading: strings.TrimSpace(pp.Number + " " + pp.Title), Asked: pp.Asked, Questions: packQuestions(pp.Card)}
		for _, f := range redFlags(pp.Card) {
			paper.Flags = append(paper.Flags, f.text+" ("+f.criterion+")")
		}
		for _, cr := range pp.Card.Criteria {
			paper.Criteria = append(paper.Criteria, htmlPackCriterion{Name: cr.Name, Score: fmt.Sprintf("%d/%d", cr.Score, cr.Max),
				Summary: cr.Summary, Evidence: cr.Evidence[:min(len(cr.Evidence), packEvidence)]})
		}
		hp.Papers = append(hp.Papers, paper)
	}
	return hp, gen
}

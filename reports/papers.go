package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// The listings of a stored board pack's papers: what 'corpus papers' and
// 'corpus export --papers' print. As with the other corpus listings (see
// listing.go), the rows are the store's (corpus.PaperEntry,
// corpus.PaperExportRow) under this package's names.

// PaperFormats are the formats of 'corpus papers'.
var PaperFormats = []Format{FormatText, FormatJSON, FormatCSV}

// PaperEntry is one stored paper of a board pack (corpus.PaperEntry).
type PaperEntry struct {
	DocumentID   int64  `json:"document_id"`
	Version      int    `json:"version"`
	Source       string `json:"source"`
	SHA256       string `json:"sha256"`
	RulesVersion string `json:"rules_version"`
	// Index is the paper's place in the pack, from 0 (the agenda);
	// Item its agenda item ("7i"), "" for what comes before the first
	// paper.
	Index     int    `json:"index"`
	Item      string `json:"item"`
	Title     string `json:"title"`
	Presenter string `json:"presenter"`
	Purpose   string `json:"purpose"`
	Kind      string `json:"kind"`
	FirstPage int    `json:"first_page"`
	LastPage  int    `json:"last_page"`
	Asked     string `json:"asked"`
	// Status is "scored", "unreadable", "not triaged" or "failed";
	// Total and Max the sum of its criteria's scores and the most it
	// could be (0 unless scored); Error why scoring failed.
	Status string `json:"status"`
	Total  int    `json:"total"`
	Max    int    `json:"max"`
	Error  string `json:"error"`
}

// StoredPaper is a stored paper with its scorecard, which holds the
// criteria its kind calls for (nil when not triaged or failed).
type StoredPaper struct {
	PaperEntry
	Card *rules.Scorecard
}

// PaperScore is one criterion's score of a paper, in the JSON of 'corpus
// papers'.
type PaperScore struct {
	Criterion string `json:"criterion"`
	Name      string `json:"name"`
	Score     int    `json:"score"`
	Max       int    `json:"max"`
	Evidence  int    `json:"evidence"`
	RedFlags  int    `json:"red_flags"`
}

// paperJSON is a paper as 'corpus papers --format json' writes it: the
// row, and its scores (the evidence itself is in 'corpus pack --format
// json').
type paperJSON struct {
	PaperEntry
	Scores []PaperScore `json:"scores"`
}

// PapersCSVHeader is the column order of the papers' CSV, one row per
// paper. scores is each criterion's "id score/max", joined by "; ". New
// columns are only ever added at the end.
var PapersCSVHeader = []string{"document_id", "version", "source", "sha256", "rules_version", "index", "item", "title", "presenter",
	"purpose", "kind", "first_page", "last_page", "status", "total", "max", "scores", "red_flags", "error", "asked"}

// WritePapers writes a stored pack's papers: the pack's heading, a table
// of its papers (item, title, purpose, pages, kind, total and the scores
// that apply) and their count (text), an array (json; [] for none) or
// one row each (csv). pack is the version they belong to.
func WritePapers(w io.Writer, f Format, pack ListingEntry, papers []StoredPaper) error {
	switch f {
	case FormatJSON:
		out := make([]paperJSON, len(papers))
		for i, p := range papers {
			out[i] = paperJSON{PaperEntry: p.PaperEntry, Scores: paperScores(p.Card)}
		}
		return WriteJSON(w, out)
	case FormatCSV:
		var rows [][]string
		for _, p := range papers {
			var scores []string
			flags := 0
			for _, s := range paperScores(p.Card) {
				scores = append(scores, fmt.Sprintf("%s %d/%d", s.Criterion, s.Score, s.Max))
				flags += s.RedFlags
			}
			rows = append(rows, []string{strconv.FormatInt(p.DocumentID, 10), strconv.Itoa(p.Version), csvCell(p.Source), p.SHA256,
				p.RulesVersion, strconv.Itoa(p.Index), csvCell(p.Item), csvCell(p.Title), csvCell(p.Presenter), p.Purpose, p.Kind,
				strconv.Itoa(p.FirstPage), strconv.Itoa(p.LastPage), p.Status, strconv.Itoa(p.Total), strconv.Itoa(p.Max),
				strings.Join(scores, "; "), strconv.Itoa(flags), csvCell(textclean.OneLine(p.Error)), csvCell(p.Asked)})
		}
		return writeCSV(w, PapersCSVHeader, rows)
	case FormatText:
		return papersText(w, pack, papers)
	}
	return fmt.Errorf("papers cannot be written as %q", f)
}

// paperScores are a card's criteria as PaperScores; none (never null in
// the JSON) for a paper not scored.
func paperScores(c *rules.Scorecard) []PaperScore {
	out := []PaperScore{}
	if c == nil || !c.Scored() {
		return out
	}
	for _, cr := range c.Criteria {
		out = append(out, PaperScore{Criterion: cr.ID, Name: cr.Name, Score: cr.Score, Max: cr.Max, Evidence: len(cr.Evidence), RedFlags: len(cr.RedFlags)})
	}
	return out
}

// paperTitleRunes is where a paper's title is cut in the text table, as
// 'pack' cuts it.
const paperTitleRunes = 44

func papersText(w io.Writer, pack ListingEntry, papers []StoredPaper) error {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d v%d %s\n", pack.ID, pack.Version, orHyphen(textclean.OneLine(printable(pack.Title))))
	fmt.Fprintf(&b, "%s · rules %s\n\n", printable(pack.Source), orHyphen(short(pack.RulesVersion)))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ITEM\tTITLE\tPURPOSE\tPAGES\tKIND\tSCORE\tSCORES")
	for _, p := range papers {
		pages := strconv.Itoa(p.FirstPage)
		if p.LastPage > p.FirstPage {
			pages = fmt.Sprintf("%d-%d", p.FirstPage, p.LastPage)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orHyphen(textclean.OneLine(printable(p.Item))), orHyphen(clip(textclean.OneLine(printable(p.Title)), paperTitleRunes)),
			orHyphen(p.Purpose), pages, p.Kind, paperTotal(p.PaperEntry), paperScoresText(p))
	}
	tw.Flush() // into a strings.Builder, which never fails
	fmt.Fprintln(&b, textclean.Plural(len(papers), "paper"))
	_, err := io.WriteString(w, b.String())
	return err
}

// paperTotal is a paper's total as the table prints it: "9/15", or "-"
// when it has none.
func paperTotal(p PaperEntry) string {
	if p.Status != rules.StatusScored {
		return "-"
	}
	return fmt.Sprintf("%d/%d", p.Total, p.Max)
}

// paperScoresText is a paper's scores in a line, as 'pack' writes them,
// or why it has none.
func paperScoresText(p StoredPaper) string {
	if p.Status == "failed" {
		return clip("not scored: "+textclean.OneLine(printable(p.Error)), 80)
	}
	return scoresText(p.Card)
}

// PaperScoreRow is one criterion score of one paper of a stored pack
// (corpus.PaperExportRow).
type PaperScoreRow struct {
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
	PaperIndex   int    `json:"paper_index"`
	Item         string `json:"item"`
	PaperTitle   string `json:"paper_title"`
	Presenter    string `json:"presenter"`
	Purpose      string `json:"purpose"`
	PaperKind    string `json:"paper_kind"`
	FirstPage    int    `json:"first_page"`
	LastPage     int    `json:"last_page"`
	Status       string `json:"status"`
	Criterion    string `json:"criterion"`
	Score        int    `json:"score"`
	Max          int    `json:"max"`
	Evidence     int    `json:"evidence"`
	RedFlags     int    `json:"red_flags"`
	Asked        string `json:"asked"`
}

// PaperScoreRowCSVHeader is the column order of 'corpus export --papers':
// the export's columns up to rules_version, naming the pack's version,
// then the paper's and its criterion's. New columns are only ever added
// at the end.
var PaperScoreRowCSVHeader = []string{"document_id", "version", "source", "org", "org_name", "region", "kind", "title", "sha256",
	"first_seen", "last_fetched", "rules_version", "paper_index", "item", "paper_title", "presenter", "purpose", "paper_kind",
	"first_page", "last_page", "status", "criterion", "score", "max", "evidence", "red_flags", "asked"}

// WritePaperScoreRows writes the papers' export: one row per paper and
// criterion, a paper without one (not triaged, failed) in one row with
// the criterion and scores empty (csv), or an array of the same rows
// (json; [] for none).
func WritePaperScoreRows(w io.Writer, f Format, rows []PaperScoreRow) error {
	switch f {
	case FormatJSON:
		if rows == nil {
			rows = []PaperScoreRow{}
		}
		return WriteJSON(w, rows)
	case FormatJSONL:
		return WriteJSONLines(w, rows)
	case FormatCSV:
		var out [][]string
		for _, r := range rows {
			score, outOf, evidence, flags := "", "", "", ""
			if r.Criterion != "" {
				score, outOf, evidence, flags = strconv.Itoa(r.Score), strconv.Itoa(r.Max), strconv.Itoa(r.Evidence), strconv.Itoa(r.RedFlags)
			}
			out = append(out, []string{strconv.FormatInt(r.DocumentID, 10), strconv.Itoa(r.Version), csvCell(r.Source), csvCell(r.Org),
				csvCell(r.OrgName), csvCell(r.Region), r.Kind, csvCell(r.Title), r.SHA256, r.FirstSeen, r.LastFetched, r.RulesVersion,
				strconv.Itoa(r.PaperIndex), csvCell(r.Item), csvCell(r.PaperTitle), csvCell(r.Presenter), r.Purpose, r.PaperKind,
				strconv.Itoa(r.FirstPage), strconv.Itoa(r.LastPage), r.Status, r.Criterion, score, outOf, evidence, flags, csvCell(r.Asked)})
		}
		return writeCSV(w, PaperScoreRowCSVHeader, out)
	}
	return fmt.Errorf("papers cannot be exported as %q", f)
}

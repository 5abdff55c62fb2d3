package reports

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

//go:embed templates
var templateFS embed.FS

var (
	// Parsed on first use: every nhsreview process, PDF readers included,
	// initialises this package, and most never render HTML.
	pageTmpl = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("report").ParseFS(templateFS, "templates/report.html.tmpl"))
	})
	css    = mustRead("templates/report.css")
	sortJS = mustRead("templates/sort.js")
)

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// htmlPage is what the page template reads: one of Cards, Compare or
// Diff.
type htmlPage struct {
	Title     string
	Generator string
	CSP       string
	CSS       template.CSS
	Script    template.JS
	Cards     []htmlCard
	Compare   *htmlCompare
	Diff      *htmlDiff
	Pack      *htmlPack
}

// csp forbids every resource from anywhere, so that a report opened from
// an email or a web server can fetch nothing, even if something slipped
// through escaping; an inline script runs only if it is ours (by hash).
func csp(script string) string {
	p := "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
	if script != "" {
		sum := sha256.Sum256([]byte(script))
		p += "; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return p
}

func writePage(w io.Writer, p htmlPage) error {
	p.CSS = template.CSS(css)
	p.CSP = csp(string(p.Script))
	// Render in memory first: a template error must not leave half a page.
	var buf bytes.Buffer
	if err := pageTmpl().ExecuteTemplate(&buf, "page", p); err != nil {
		return fmt.Errorf("rendering HTML: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// scoreClass names the colour of a score (CSS classes s0 to s3, sn for
// none), scaled to the criterion's maximum.
func scoreClass(score *int, outOf int) string {
	if score == nil {
		return "sn"
	}
	s := *score
	if outOf <= 0 {
		return "s0"
	}
	return "s" + strconv.Itoa(min(max(s*3/outOf, 0), 3))
}

var scoreFill = map[string]string{"s0": "#b3261e", "s1": "#d9822b", "s2": "#7cad3e", "s3": "#2e7d32", "sn": "#e3e6e8"}

// scoreInk is the text colour that reads on each fill.
var scoreInk = map[string]string{"s0": "#ffffff", "s1": "#1d2428", "s2": "#1d2428", "s3": "#ffffff", "sn": "#55606a"}

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

type htmlSource struct {
	Source, SourceURL string
}

func sourceOf(s string) htmlSource {
	if isURL(s) {
		return htmlSource{Source: s, SourceURL: s}
	}
	return htmlSource{Source: s}
}

type htmlCard struct {
	htmlSource
	ID, Title, FrontTitle, Format string
	Pages, Words                  string
	SHA256, RulesShort, Generator string
	Warnings, FrontWarnings       []string
	MoreWarnings                  int
	Chart                         svgChart
	Criteria                      []htmlCriterion
	Total, Max, FlagCount         int
	FrontQuestions, FrontFlags    []frontItem
	MoreFlags                     int
	Facts                         []htmlFact
	MoreFacts                     int
	// NotScored and Reason replace the scores of a document that could
	// not be judged.
	NotScored, Reason string
	// Kind and Fit: what kind of document it was taken for, and how far
	// the rubric fits it.
	Kind, Fit string
}

type htmlCriterion struct {
	rules.Criterion
	Anchor, Class, FrontSummary string
	Next                        int
	// OCRPages are the document's pages read by OCR, whose evidence
	// says so.
	OCRPages map[int]bool
}

type frontItem struct{ Text, Criterion string }

type htmlFact struct {
	Page       int
	Line, Kind string
}

type svgChart struct {
	ID, Label string
	W, H      int
	Bars      []svgBar
}

type svgBar struct {
	Label, Title, ScoreText string
	TextY, ScoreX           int
	Segs                    []svgSeg
}

type svgSeg struct {
	X, Y, W, H int
	Fill       string
}

// barChart draws one row per criterion: its name, one segment per point
// (filled in the score's colour) and the score.
func barChart(id, label string, rows []chartRow) svgChart {
	const rowH, labelW, barsW, gap = 30, 190, 300, 4
	ch := svgChart{ID: id, Label: label, W: labelW + barsW + 70, H: rowH*len(rows) + 4}
	for i, r := range rows {
		y := i*rowH + 4
		b := svgBar{Label: r.label, Title: r.title, ScoreText: r.scoreText, TextY: y + 17, ScoreX: labelW + barsW + 12}
		outOf := max(r.outOf, 1)
		segW := (barsW - gap*(outOf-1)) / outOf
		fill := scoreFill[r.class]
		for s := range outOf {
			f := scoreFill["sn"]
			if s < r.score {
				f = fill
			}
			b.Segs = append(b.Segs, svgSeg{X: labelW + s*(segW+gap), Y: y, W: segW, H: 22, Fill: f})
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

type chartRow struct {
	label, title, scoreText, class string
	score, outOf                   int
}

// Front-page limits: the scorecard must fit one A4 sheet whatever the
// document says, so long lists are cut there (and given in full after).
const (
	frontQuestions = 5
	frontFlags     = 3
	frontWarnings  = 3
	frontTitle     = 120
	frontText      = 140
)

func htmlCardOf(c *rules.Scorecard, n int) htmlCard {
	d := c.Document
	hc := htmlCard{
		htmlSource: sourceOf(d.Source),
		ID:         fmt.Sprintf("doc%d", n+1),
		Title:      title(c),
		Format:     string(d.Format),
		Pages:      textclean.Plural(d.Pages, "page"),
		Words:      textclean.Thousands(int64(d.Words)),
		SHA256:     d.SHA256,
		RulesShort: short(c.Tool.RulesVersion),
		Generator:  strings.TrimSpace(c.Tool.Name + " " + c.Tool.Version),
		Warnings:   d.Quality.Warnings,
	}
	hc.FrontTitle = clip(hc.Title, frontTitle)
	for i, wq := range hc.Warnings {
		if i == frontWarnings {
			hc.MoreWarnings = len(hc.Warnings) - i
			break
		}
		hc.FrontWarnings = append(hc.FrontWarnings, clip(wq, frontText))
	}
	if !c.Scored() {
		hc.NotScored, hc.Reason = notScored(c), c.Reason
	}
	hc.Kind, hc.Fit = d.Kind, d.Fit
	hc.Total, hc.Max = c.Total()
	var rows []chartRow
	for _, cr := range c.Criteria {
		score := cr.Score
		hcr := htmlCriterion{Criterion: cr, Anchor: hc.ID + "-" + cr.ID, Class: scoreClass(&score, cr.Max), Next: cr.Score + 1, FrontSummary: clip(cr.Summary, frontText+40)}
		for _, e := range cr.Evidence {
			if e.OCR {
				if hcr.OCRPages == nil {
					hcr.OCRPages = map[int]bool{}
				}
				hcr.OCRPages[e.Page] = true
			}
		}
		hc.Criteria = append(hc.Criteria, hcr)
		hc.FlagCount += len(cr.RedFlags)
		rows = append(rows, chartRow{label: cr.Name, title: fmt.Sprintf("%s: %d out of %d", cr.Name, cr.Score, cr.Max), scoreText: fmt.Sprintf("%d/%d", cr.Score, cr.Max), class: hcr.Class, score: cr.Score, outOf: cr.Max})
	}
	hc.Chart = barChart(hc.ID+"-chart", fmt.Sprintf("Scores of %s: %s", hc.Title, chartSummary(c)), rows)

	// The questions that matter most are those of the weakest criteria.
	byScore := slices.Clone(c.Criteria)
	slices.SortStableFunc(byScore, func(a, b rules.Criterion) int { return a.Score - b.Score })
	for _, cr := range byScore {
		if len(cr.Questions) > 0 && len(hc.FrontQuestions) < frontQuestions {
			hc.FrontQuestions = append(hc.FrontQuestions, frontItem{Text: clip(cr.Questions[0], frontText), Criterion: cr.Name})
		}
	}
	for _, cr := range c.Criteria {
		for _, f := range cr.RedFlags {
			if len(hc.FrontFlags) == frontFlags {
				hc.MoreFlags++
				continue
			}
			hc.FrontFlags = append(hc.FrontFlags, frontItem{Text: clip(f, frontText), Criterion: cr.Name})
		}
	}
	for i, f := range c.Facts {
		if i == maxFacts {
			hc.MoreFacts = len(c.Facts) - i
			break
		}
		hc.Facts = append(hc.Facts, htmlFact{Page: f.Page, Line: factLine(f), Kind: f.Kind})
	}
	return hc
}

func chartSummary(c *rules.Scorecard) string {
	parts := make([]string, len(c.Criteria))
	for i, cr := range c.Criteria {
		parts[i] = fmt.Sprintf("%s %d of %d", cr.Name, cr.Score, cr.Max)
	}
	return strings.Join(parts, ", ")
}

// HTML writes one self-contained page (inline CSS and SVG, no external
// resources, no script) with, for each document, a front page that prints
// as an A4 scorecard, then per criterion the evidence, gaps, questions and
// red flags, and the money found. Every piece of document text is escaped
// by html/template.
func HTML(w io.Writer, cards []*rules.Scorecard) error {
	p := htmlPage{Title: "nhsreview scorecard"}
	for i, c := range cards {
		hc := htmlCardOf(c, i)
		p.Cards = append(p.Cards, hc)
		if i == 0 {
			p.Title = hc.Title + " · nhsreview scorecard"
			p.Generator = hc.Generator
		}
	}
	if len(cards) > 1 {
		p.Title = fmt.Sprintf("%d documents · nhsreview scorecards", len(cards))
	}
	return writePage(w, p)
}

type htmlCompare struct {
	Count, Rules, Mixed string
	Criteria            []ComparedCriterion
	Rows                []htmlCompareRow
	Map                 heatmap
}

type htmlCompareRow struct {
	htmlSource
	N                    int
	Title                string
	Warnings             []string
	Cells                []htmlCell
	Total, Max, RedFlags int
	TotalText, Reason    string
}

type htmlCell struct {
	Text, Class string
	Sort        int
}

type heatmap struct {
	W, H  int
	Heads []heatText
	Rows  []heatRow
}

type heatText struct {
	X, Y int
	Text string
}

type heatRow struct {
	Label, Title string
	TextY        int
	Cells        []heatCell
}

type heatCell struct {
	X, Y, W, H, TextX, TextY int
	Fill, Ink, Text, Title   string
}

// totalCell is the heatmap's total: a row without scores says so in the
// few characters a cell has.
func totalCell(r ComparedDocument) string {
	if !r.scored() {
		return "–"
	}
	return fmt.Sprintf("%d/%d", r.Total, r.Max)
}

// HTML writes the comparison as a self-contained page: a heatmap (inline
// SVG) and a table that an inline script sorts by any column; the table
// reads and prints the same without the script.
func (cmp *Comparison) HTML(w io.Writer) error {
	hc := cmp.htmlData()
	return writePage(w, htmlPage{Title: "Comparison of " + hc.Count + " · nhsreview", Generator: "nhsreview", Compare: hc, Script: template.JS(sortJS)})
}

// htmlData is what the "compare" template reads.
func (cmp *Comparison) htmlData() *htmlCompare {
	hc := &htmlCompare{Count: textclean.Plural(len(cmp.Rows), "document"), Mixed: cmp.mixedRules(), Criteria: cmp.Criteria}
	if len(cmp.RulesVersions) == 1 {
		hc.Rules = short(cmp.RulesVersions[0])
	}
	const labelW, cellW, cellH, headH, labelChars = 300, 86, 28, 22, 40
	hm := heatmap{W: labelW + cellW*(len(cmp.Criteria)+1), H: headH + cellH*len(cmp.Rows) + 2}
	for i, cc := range cmp.Criteria {
		hm.Heads = append(hm.Heads, heatText{X: labelW + i*cellW + cellW/2, Y: 15, Text: cc.head()})
	}
	hm.Heads = append(hm.Heads, heatText{X: labelW + len(cmp.Criteria)*cellW + cellW/2, Y: 15, Text: "Total"})
	for n, r := range cmp.Rows {
		row := htmlCompareRow{htmlSource: sourceOf(r.Source), N: n + 1, Title: r.Title, Warnings: r.Warnings, Total: r.Total, Max: r.Max, RedFlags: r.RedFlags, TotalText: r.totalText(), Reason: r.Reason}
		y := headH + n*cellH
		hr := heatRow{Label: fmt.Sprintf("%d. %s", n+1, clip(r.Title, labelChars)), Title: r.Title + " (" + r.Source + ")", TextY: y + 18}
		for i, s := range r.Scores {
			cc := cmp.Criteria[i]
			var sp *int
			text, sortKey := "–", -1
			if s >= 0 {
				sp = &s
				text, sortKey = strconv.Itoa(s), s
			}
			class := scoreClass(sp, cc.Max)
			row.Cells = append(row.Cells, htmlCell{Text: text, Class: class, Sort: sortKey})
			x := labelW + i*cellW
			hr.Cells = append(hr.Cells, heatCell{X: x + 1, Y: y + 1, W: cellW - 2, H: cellH - 2, TextX: x + cellW/2, TextY: y + 19,
				Fill: scoreFill[class], Ink: scoreInk[class], Text: text, Title: fmt.Sprintf("%s, %s: %s", r.Title, cc.Name, text)})
		}
		x := labelW + len(cmp.Criteria)*cellW
		hr.Cells = append(hr.Cells, heatCell{X: x + 1, Y: y + 1, W: cellW - 2, H: cellH - 2, TextX: x + cellW/2, TextY: y + 19,
			Fill: "#ffffff", Ink: "#1d2428", Text: totalCell(r), Title: r.Title + ": total " + r.totalText()})
		hm.Rows = append(hm.Rows, hr)
		hc.Rows = append(hc.Rows, row)
	}
	hc.Map = hm
	return hc
}

type htmlDiff struct {
	Title, Rules, Mixed string
	Old, New            htmlDiffSide
	Warnings            []string
	Chart               svgChart
	Criteria            []htmlCriterionDiff
	OldTotal, NewTotal  int
	TotalChange         string
	TotalTrend          string
	Unchanged           string
}

type htmlDiffSide struct {
	htmlSource
	Pages string
}

type htmlCriterionDiff struct {
	CriterionDiff
	Anchor, OldText, NewText, OldClass, NewClass, ChangeText, Trend string
	Changed                                                         bool
	EvidenceAdded, EvidenceRemoved                                  []htmlEvidenceChange
}

type htmlEvidenceChange struct {
	rules.Evidence
	Note string
}

func trend(n int) string {
	switch {
	case n > 0:
		return "up"
	case n < 0:
		return "down"
	}
	return "same"
}

// HTML writes the diff as a self-contained page: a chart of old and new
// scores, a table of changes, then per changed criterion the evidence
// added and removed and the red flags.
func (d *Diff) HTML(w io.Writer) error {
	hd := &htmlDiff{
		Title:       d.New.Title,
		Old:         htmlDiffSide{htmlSource: sourceOf(d.Old.Source), Pages: textclean.Plural(d.Old.Pages, "page")},
		New:         htmlDiffSide{htmlSource: sourceOf(d.New.Source), Pages: textclean.Plural(d.New.Pages, "page")},
		OldTotal:    scoreOf(d.Total.Old),
		NewTotal:    scoreOf(d.Total.New),
		TotalChange: changeText(d.Total.Change),
		TotalTrend:  trend(d.Total.Change),
	}
	if d.SameRules {
		hd.Rules = short(d.New.RulesVersion)
	} else {
		hd.Mixed = fmt.Sprintf("Scored with different rules (%s, %s): a changed score may be the rules' doing.", short(d.Old.RulesVersion), short(d.New.RulesVersion))
	}
	for _, wq := range d.Old.Warnings {
		hd.Warnings = append(hd.Warnings, "old version: "+wq)
	}
	for _, wq := range d.New.Warnings {
		hd.Warnings = append(hd.Warnings, "new version: "+wq)
	}
	var rows []chartRow
	var unchanged []string
	for _, cd := range d.Criteria {
		h := htmlCriterionDiff{CriterionDiff: cd, Anchor: "diff-" + cd.ID,
			OldText: scoreText(cd.Score.Old, cd.Max), NewText: scoreText(cd.Score.New, cd.Max),
			OldClass: scoreClass(cd.Score.Old, cd.Max), NewClass: scoreClass(cd.Score.New, cd.Max),
			ChangeText: changeText(cd.Score.Change), Trend: trend(cd.Score.Change), Changed: cd.Changed()}
		for _, e := range cd.EvidenceAdded {
			h.EvidenceAdded = append(h.EvidenceAdded, htmlEvidenceChange{Evidence: e.Evidence, Note: addedNote(e)})
		}
		for _, e := range cd.EvidenceRemoved {
			h.EvidenceRemoved = append(h.EvidenceRemoved, htmlEvidenceChange{Evidence: e.Evidence, Note: removedNote(e)})
		}
		if !h.Changed {
			unchanged = append(unchanged, cd.Name)
		}
		hd.Criteria = append(hd.Criteria, h)
		rows = append(rows, chartRow{label: cd.Name + " (old)", title: cd.Name + ", old version: " + h.OldText, scoreText: h.OldText, class: h.OldClass, score: scoreOf(cd.Score.Old), outOf: cd.Max},
			chartRow{label: cd.Name + " (new)", title: cd.Name + ", new version: " + h.NewText, scoreText: h.NewText, class: h.NewClass, score: scoreOf(cd.Score.New), outOf: cd.Max})
	}
	hd.Unchanged = strings.Join(unchanged, ", ")
	hd.Chart = barChart("diff-chart", "Old and new scores by criterion", rows)
	return writePage(w, htmlPage{Title: "What changed: " + d.New.Title + " · nhsreview", Generator: strings.TrimSpace(d.Tool.Name + " " + d.Tool.Version), Diff: hd})
}

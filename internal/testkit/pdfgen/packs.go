package pdfgen

import (
	"fmt"
	"strings"
)

// Generated board packs, for testing how a pack is split into its papers.
// A pack is laid out as a board secretary assembles one: an agenda page
// (a ruled table of items, presenters, purposes and, in some packs, the
// page each paper starts on), then each paper on pages of its own, with a
// cover sheet (a ruled two-column table of labels and values, or "Label:
// value" lines, spaced out or set tight) or, in packs without covers,
// opening with its title as a heading. One paper is set in two columns,
// one has an appendix, and every page has a running footer. What was laid
// out is returned with the PDF: the split a correct splitter finds.

// PackPaper is one paper of a generated pack as a splitter should find it.
type PackPaper struct {
	// Number is the agenda item ("5.1").
	Number string
	Title  string
	// Presenter and Purpose are from the paper's cover, or from the
	// agenda for a paper without one. Purpose is in pipeline/pack's words
	// (decision, assurance, discussion, information), whatever the cover
	// wrote ("For approval").
	Presenter string
	Purpose   string
	// Asked is the recommendation, as written.
	Asked string
	// Kind is what pipeline/pack calls a paper with this title.
	Kind string
	// FirstPage and LastPage are the pages the paper spans, its cover and
	// appendices included.
	FirstPage, LastPage int
}

// PackOptions choose how a generated pack is laid out.
type PackOptions struct {
	// Bookmarks gives the pack one top-level bookmark per paper (and one
	// for the agenda), the appendix a child bookmark under its paper.
	Bookmarks bool
	// AgendaPages adds a "Page" column to the agenda: the page each
	// paper starts on.
	AgendaPages bool
	// AgendaLines sets the agenda as "Item 4 Winter Plan 2026/27" lines,
	// the page after dot leaders when AgendaPages is set, instead of a
	// table; such an agenda names no presenters or purposes.
	AgendaLines bool
	// Covers gives papers cover sheets, each paper its own style (see
	// packItems). Without covers each paper opens with a heading.
	Covers bool
	// RunningItem, when set, is a running line naming each paper's item
	// on every page of the paper ("Agenda item %s", the item's number
	// for %s): in the header above the text, or, with RunningFooter, in
	// the footer beside the page number. The agenda's pages have none.
	RunningItem   string
	RunningFooter bool
}

// PackFixture is a generated board pack with the split it was laid out
// as.
type PackFixture struct {
	Fixture
	Options PackOptions
	// AgendaLast is the last page before the first paper: the agenda.
	AgendaLast int
	// Papers are the papers after the agenda, in order. Items the agenda
	// lists as verbal have none.
	Papers []PackPaper
	// TwoColumn is the number of the paper whose body is set in two
	// columns, TwoColumnText that body in reading order (its paragraphs
	// joined by "\n\n"); a sentence runs on from the foot of the left
	// column to the top of the right one.
	TwoColumn, TwoColumnText string
	// AppendixOf is the number of the paper with an appendix, Appendix
	// the appendix's heading.
	AppendixOf, Appendix string
}

// PackCovers is a pack without bookmarks whose papers have cover sheets:
// ruled tables on some (one with its purposes listed and the chosen one
// marked "X"), "Label: value" lines on others (spaced out, and set tight
// so that a reader makes one paragraph of them); an agenda that lists
// each paper's page; one paper without a cover, which only the agenda's
// page places; a two-column paper; an appendix.
func PackCovers() PackFixture {
	return BoardPackOf("pack-covers", PackOptions{Covers: true, AgendaPages: true})
}

// PackCoversNoPages is PackCovers with an agenda that lists no pages: the
// cover sheets alone split it (the paper PackCovers leaves without a
// cover has one here, in "Label: value" lines).
func PackCoversNoPages() PackFixture {
	return BoardPackOf("pack-covers-no-pages", PackOptions{Covers: true})
}

// PackAgendaPages is a pack with neither bookmarks nor cover sheets whose
// agenda lists each paper's page; one paper opens with a heading that is
// not its agenda title, so only the page places it.
func PackAgendaPages() PackFixture {
	return BoardPackOf("pack-agenda-pages", PackOptions{AgendaPages: true})
}

// PackAgendaLines is PackAgendaPages with an agenda of lines ("Item 4
// Winter Plan 2026/27 ........ 5"), which gives no presenters or purposes.
func PackAgendaLines() PackFixture {
	return BoardPackOf("pack-agenda-lines", PackOptions{AgendaPages: true, AgendaLines: true})
}

// PackRunningHeaders is a pack with neither bookmarks, cover sheets nor
// pages in its agenda (a table of items, presenters and purposes) whose
// papers carry their item in a running header ("Agenda item 5.1"): the
// only sign of where the paper whose heading is not its agenda title
// starts.
func PackRunningHeaders() PackFixture {
	return BoardPackOf("pack-running-headers", PackOptions{RunningItem: "Agenda item %s"})
}

// PackRunningFooters is PackRunningHeaders with an agenda of lines, which
// gives no presenters or purposes, and the item in the footer beside the
// page number ("Item 5.1").
func PackRunningFooters() PackFixture {
	return BoardPackOf("pack-running-footers", PackOptions{AgendaLines: true, RunningItem: "Item %s", RunningFooter: true})
}

// PackCoversRunningHeaders is a pack without bookmarks or pages in its
// agenda (a table of items, presenters and purposes) whose papers have
// cover sheets, all but two added late (the Guardian's report, which
// opens with a heading that is not its agenda title, and the quality
// report), and carry their item in a running header on every page
// ("Agenda item 5.2"): the only sign of where the two without covers
// start.
func PackCoversRunningHeaders() PackFixture {
	return BoardPackOf("pack-covers-running-headers", PackOptions{Covers: true, RunningItem: "Agenda item %s"})
}

// PackCoversRunningFooters is PackCoversRunningHeaders with an agenda of
// lines, which gives no presenters or purposes, and the item in the
// footer beside the page number ("Item 5.2 | Page 9 of 12").
func PackCoversRunningFooters() PackFixture {
	return BoardPackOf("pack-covers-running-footers", PackOptions{Covers: true, AgendaLines: true, RunningItem: "Item %s", RunningFooter: true})
}

// PackBookmarks is PackCovers with bookmarks: one per paper, numbered
// ("5.1 Finance report, month 10"), and the appendix under its paper.
func PackBookmarks() PackFixture {
	return BoardPackOf("pack-bookmarks", PackOptions{Covers: true, AgendaPages: true, Bookmarks: true})
}

// Packs returns the generated packs, in a fixed order. Like BoardPack,
// they are not in All: they test splitting, not reading.
func Packs() []PackFixture {
	return []PackFixture{PackCovers(), PackCoversNoPages(), PackAgendaPages(), PackAgendaLines(), PackBookmarks(),
		PackRunningHeaders(), PackRunningFooters(), PackCoversRunningHeaders(), PackCoversRunningFooters()}
}

// coverStyle is how a paper's cover sheet is drawn.
type coverStyle int

const (
	coverNone coverStyle = iota
	// coverTable: a ruled grid, label cell | value cell.
	coverTable
	// coverTicks: coverTable whose purpose row lists the four purposes,
	// each with a box, the chosen one marked "X".
	coverTicks
	// coverLines: "Label: value" lines spaced apart.
	coverLines
	// coverTight: "Label: value" lines at the body's line spacing, which
	// a reader joins into one paragraph.
	coverTight
)

// packItem is one item of a generated pack's agenda.
type packItem struct {
	number, title, presenter string
	// purpose is as the cover and agenda write it; want as a splitter
	// reports it.
	purpose, want string
	kind          string
	// verbal items have no paper.
	verbal bool
	cover  coverStyle
	// meeting: the cover opens with "Meeting" and "Date" fields.
	meeting bool
	// org: the trust's name heads the cover, above its fields.
	org bool
	// presenterLabel is the cover's label for the presenter.
	presenterLabel string
	// heading opens the paper's body when it is not its title.
	heading string
	asked   string
	// pages holds the body's paragraphs, page by page; a subheading is
	// written "## text".
	pages [][]string
	// columns: the body is set in two columns.
	columns bool
	// appendix is a page after the body: a heading, a paragraph and a
	// small ruled table.
	appendix []string
}

const (
	packTrust   = "Northshire Community Healthcare NHS Trust"
	packMeeting = "Board of Directors meeting in public"
	packDate    = "4 March 2026"
)

// packItems are the agenda of every generated pack.
func packItems(o PackOptions) []packItem {
	// The quality report has no cover where the agenda's page or a
	// bookmark places it, as papers added late to a pack often have
	// none; otherwise nothing could tell it from the paper before it.
	// Where running lines name each page's item, the Guardian's report
	// has none either.
	qualityCover, guardianCover := coverNone, coverTicks
	if !o.AgendaPages && !o.Bookmarks && o.RunningItem == "" {
		qualityCover = coverLines
	}
	if o.RunningItem != "" {
		guardianCover = coverNone
	}
	return []packItem{
		{number: "1", title: "Welcome and apologies", presenter: "Chair", purpose: "Information", verbal: true},
		{
			number: "2", title: "Minutes of the meeting held on 4 February 2026", presenter: "Chair",
			purpose: "Approval", want: "decision", kind: "minutes", cover: coverTable, meeting: true,
			asked: "The Board is asked to approve the minutes as a true record of the meeting.",
			pages: [][]string{
				{
					"Present: the Chair, the Chief Executive, the Director of Finance, the Director of Strategy, the Medical Director and four non-executive directors.",
					"## Finance report",
					"The Director of Finance presented the month 9 position. The Board noted a deficit of 1.9 million pounds against a planned deficit of 1.6 million pounds.",
				},
				{
					"## Winter Plan 2026/27",
					"The Director of Strategy outlined the approach to next winter. The Board asked for the plan to come back for approval in March.",
					"The meeting closed at 12:40.",
				},
			},
		},
		{
			number: "3", title: "Chief Executive's report", presenter: "Chief Executive",
			purpose: "For information", want: "information", kind: "report", cover: coverLines, meeting: true,
			asked:   "The Board is asked to note the report.",
			columns: true,
			pages: [][]string{{
				"Urgent care. Ambulance handover delays fell for the third month running, and the number of people waiting more than twelve hours in our emergency department halved since January. Same day emergency care is now open seven days a week.",
				"Community services. Virtual wards supported four hundred patients at home last month, with an average stay of five days. Discharge delays remain the main cause of crowding, and we are working with the council on home care capacity.",
				"People. Vacancies in community nursing fell to eight per cent, the lowest for three years. The staff survey response rate rose to fifty-two per cent, and the results will come to the Board in May.",
				"Partnerships. The integrated care board confirmed our allocation for next year. The neighbourhood teams in the north of the city will start in June, with general practice, mental health and social care staff working from the same bases.",
			}},
		},
		{
			number: "4", title: "Winter Plan 2026/27", presenter: "Director of Strategy",
			purpose: "For approval", want: "decision", kind: "strategy or plan", cover: coverTable,
			asked: "The Board is asked to approve the Winter Plan 2026/27, which opens 40 beds from December to March.",
			pages: [][]string{
				{
					"Last winter our hospitals ran above 95 per cent occupancy for eleven weeks. This plan sets out how we will keep people safe and out of hospital when demand peaks.",
					"## Capacity",
					"We will open 40 beds from December to March, staffed from our own bank rather than agencies, and extend the hours of the urgent treatment centre.",
				},
				{
					"## Prevention",
					"Flu and COVID-19 vaccination will be offered to every member of staff and to every patient in our community caseload, with clinics in the most deprived neighbourhoods.",
				},
			},
			appendix: []string{"Appendix A: surge capacity",
				"Surge capacity opens ward by ward when occupancy passes 95 per cent for two days running."},
		},
		{
			number: "5.1", title: "Finance report, month 10", presenter: "Director of Finance",
			purpose: "For assurance", want: "assurance", kind: "finance or performance report", cover: coverTight, meeting: true,
			presenterLabel: "Executive lead",
			asked:          "The Board is asked to take assurance from the month 10 position and the recovery actions.",
			pages: [][]string{{
				"The Trust reports a deficit of 2.1 million pounds at month 10 against a planned deficit of 1.8 million pounds. Agency spending is the main cause and is falling.",
				"Recovery actions worth 0.9 million pounds are in place, and the year-end forecast remains a deficit of 2.4 million pounds, in line with the plan agreed with the integrated care board.",
			}},
		},
		{
			number: "5.2", title: "Guardian of safe working hours quarterly report", presenter: "Medical Director",
			purpose: "Discussion", want: "discussion", kind: "report", cover: guardianCover, org: true,
			heading: "Safe working in the third quarter: report of the Guardian",
			asked:   "The Board is asked to discuss the rota gaps in acute medicine and the actions to close them.",
			pages: [][]string{{
				"Resident doctors reported 46 exceptions in the quarter, most of them for hours worked beyond their rota in acute medicine. No fines were levied.",
				"Rota gaps in acute medicine remain the main concern. Two clinical fellows will join in April.",
			}},
		},
		{
			number: "6", title: "Quality and safety report", presenter: "Chief Nurse",
			purpose: "Assurance", want: "assurance", kind: "quality report", cover: qualityCover,
			pages: [][]string{{
				"Pressure ulcers acquired in our care fell to twelve in the quarter. Two serious incidents were declared and both are under investigation.",
				"Complaints were answered within twenty-five working days in 88 per cent of cases.",
			}},
		},
		{number: "7", title: "Any other business", presenter: "Chair", purpose: "Information", verbal: true},
	}
}

// packLayout holds what BoardPackOf lays out, page by page.
type packLayout struct {
	s                *story
	body, bold, foot *Font
	sheets           []*sheet
}

func (l *packLayout) newPage() *sheet {
	p := l.s.newPage()
	l.sheets = append(l.sheets, p)
	return p
}

// packBottom is the lowest baseline body text may use, above the footer.
const packBottom = 90

// room panics when a page overflows: the fixtures' text is written to fit
// its pages, and a split tested against a page that overflowed would test
// nothing.
func (p *sheet) room() {
	if p.y < packBottom {
		panic(fmt.Sprintf("pdfgen: page %d overflows", p.idx+1))
	}
}

// BoardPackOf lays out the generated pack's items with the given options.
func BoardPackOf(name string, o PackOptions) PackFixture {
	l := &packLayout{
		s:    &story{doc: Doc{Title: packMeeting + ", " + packDate}},
		body: WinAnsi("F1", Helvetica),
		bold: WinAnsi("F2", HelveticaBold),
		foot: WinAnsi("F3", Helvetica),
	}
	items := packItems(o)
	agenda := l.newPage() // drawn last, when the pages are known
	out := PackFixture{Options: o, AgendaLast: 1}
	first := map[string]int{}
	itemOf := map[int]string{} // a page's item, by the page's index
	var appendixPage int
	for _, it := range items {
		if it.verbal {
			continue
		}
		from := len(l.sheets)
		pp := PackPaper{Number: it.number, Title: it.title, Asked: it.asked, Kind: it.kind}
		covered := o.Covers && it.cover != coverNone
		if covered || !o.AgendaLines {
			// the cover says, or the agenda's table does
			pp.Presenter, pp.Purpose = it.presenter, it.want
		}
		var p *sheet
		if covered {
			p = l.newPage()
			pp.FirstPage = p.idx + 1
			l.cover(p, it)
			if it.cover == coverLines || it.columns {
				p = nil // the body starts on a page of its own
			}
		}
		for k, paras := range it.pages {
			if p == nil || k > 0 {
				p = l.newPage()
			}
			if pp.FirstPage == 0 {
				pp.FirstPage = p.idx + 1
			}
			if k == 0 {
				heading := it.title
				if it.heading != "" {
					heading = it.heading
				}
				p.heading(l.bold, 14, 1, heading)
				if !covered {
					// without a cover, the ask opens the paper
					if it.asked != "" {
						p.para(l.body, 10, it.asked)
					}
				}
				if it.columns {
					out.TwoColumn = it.number
					out.TwoColumnText = strings.Join(paras, "\n\n")
					l.columns(p, paras)
					continue
				}
			}
			for _, t := range paras {
				if h, ok := strings.CutPrefix(t, "## "); ok {
					p.heading(l.bold, 12, 2, h)
				} else {
					p.para(l.body, 10, t)
				}
			}
			p.room()
		}
		if it.appendix != nil {
			p = l.newPage()
			appendixPage = p.idx + 1
			l.appendix(p, it.appendix)
			out.AppendixOf, out.Appendix = it.number, it.appendix[0]
		}
		pp.LastPage = len(l.sheets)
		first[it.number] = pp.FirstPage
		out.Papers = append(out.Papers, pp)
		for i := from; i < len(l.sheets); i++ {
			itemOf[i] = it.number
		}
	}
	l.agenda(agenda, items, first, o)
	total := len(l.sheets)
	running := []string{packMeeting + ", " + packDate}
	for _, p := range l.sheets {
		item := ""
		if n, ok := itemOf[p.idx]; ok && o.RunningItem != "" {
			item = fmt.Sprintf(o.RunningItem, n)
			running = append(running, item)
		}
		if item != "" && !o.RunningFooter {
			// the header, above the text at the page's top
			w := l.foot.m.StringWidth(item, 9)
			p.c.Text(l.foot, 9, A4Width-margin-w, A4Height-40, item)
			p.s.blocks[p.idx] = append([]string{item}, p.s.blocks[p.idx]...)
		}
		p.c.Text(l.foot, 8, margin, 40, running[0])
		footer := fmt.Sprintf("Page %d of %d", p.idx+1, total)
		if item != "" && o.RunningFooter {
			footer = item + " | " + footer
		}
		p.c.Text(l.foot, 8, A4Width-margin-l.foot.m.StringWidth(footer, 8), 40, footer)
		p.record(running[0] + " " + footer)
		running = append(running, footer)
	}
	if o.Bookmarks {
		l.s.doc.Outline = append(l.s.doc.Outline, &Bookmark{Title: "Agenda", Page: 1})
		for _, pp := range out.Papers {
			b := &Bookmark{Title: pp.Number + " " + pp.Title, Page: pp.FirstPage}
			if appendixPage > pp.FirstPage && appendixPage <= pp.LastPage {
				b.Children = []*Bookmark{{Title: "Appendix A: surge capacity", Page: appendixPage}}
			}
			l.s.doc.Outline = append(l.s.doc.Outline, b)
		}
	}
	out.Fixture = l.s.fixture(name)
	out.RunningLines = running
	out.WantWords = []string{"Agenda", "surge", "Guardian"}
	return out
}

// The grid of a cover sheet: label column, value column; the value
// column of a purpose row is split into four options and their boxes.
var (
	coverCols   = []float64{margin, margin + 130, A4Width - margin}
	purposeCols = []float64{margin, margin + 130, margin + 190, margin + 210, margin + 270, margin + 290, margin + 350, margin + 370, margin + 430, A4Width - margin}
)

// gridCell is a cell of a ruled table drawn by grid: text (wrapped to
// the cell), bold or not, spanning span columns (0 is 1).
type gridCell struct {
	text string
	bold bool
	span int
}

// grid draws a ruled table below the page's last block: each cell's text
// top-aligned and wrapped, rules between all rows and, cell by cell,
// between columns (as word processors draw borders). Every row has its
// own column edges, so a row may be split finer than the others.
func (l *packLayout) grid(p *sheet, rows [][]gridCell, edges [][]float64, size float64) {
	const pad = 4.0
	lead := size * 1.2
	c := p.c
	top := p.y - size
	y := top
	for r, row := range rows {
		e := edges[r]
		type wrapped struct {
			lines  []string
			x      float64
			f      *Font
			x0, x1 float64
		}
		var cells []wrapped
		height, k := 1, 0
		var texts []string
		for _, cell := range row {
			span := max(cell.span, 1)
			x0, x1 := e[k], e[k+span]
			k += span
			f := l.body
			if cell.bold {
				f = l.bold
			}
			w := Wrap(f.m, size, x1-x0-2*pad, cell.text)
			height = max(height, len(w))
			cells = append(cells, wrapped{lines: w, x: x0 + pad, f: f, x0: x0, x1: x1})
			if cell.text != "" {
				texts = append(texts, cell.text)
			}
		}
		rowH := float64(height)*lead + 2*pad
		for _, cl := range cells {
			for i, ln := range cl.lines {
				c.Text(cl.f, size, cl.x, y-pad-size-lead*float64(i), ln)
			}
			// the rule above the row, drawn cell by cell as thin
			// filled rectangles, and the cell's left border stroked
			c.Raw(fmt.Sprintf("%.2f %.2f %.2f 0.5 re f\n", cl.x0, y, cl.x1-cl.x0))
			c.Raw(fmt.Sprintf("%.2f %.2f m %.2f %.2f l S\n", cl.x0, y, cl.x0, y-rowH))
		}
		right := e[len(e)-1]
		c.Raw(fmt.Sprintf("%.2f %.2f m %.2f %.2f l S\n", right, y, right, y-rowH))
		p.record(strings.Join(texts, " "))
		y -= rowH
	}
	c.Raw(fmt.Sprintf("%.2f %.2f %.2f 0.5 re f\n", edges[len(edges)-1][0], y, edges[len(edges)-1][len(edges[len(edges)-1])-1]-edges[len(edges)-1][0]))
	p.y = y - 6
	p.room()
}

// cover draws an item's cover sheet at the top of page p.
func (l *packLayout) cover(p *sheet, it packItem) {
	presenterLabel := "Presented by"
	if it.presenterLabel != "" {
		presenterLabel = it.presenterLabel
	}
	type field struct{ label, value string }
	var fields []field
	if it.meeting {
		fields = append(fields, field{"Meeting", packMeeting}, field{"Date", packDate})
	}
	fields = append(fields, field{"Agenda item", it.number}, field{"Title of report", it.title},
		field{presenterLabel, it.presenter}, field{"Purpose", it.purpose})
	if it.asked != "" {
		fields = append(fields, field{"Recommendation", it.asked})
	}
	if it.org {
		p.heading(l.bold, 12, 1, packTrust)
	}
	switch it.cover {
	case coverTable, coverTicks:
		var rows [][]gridCell
		var edges [][]float64
		for _, f := range fields {
			if f.label == "Purpose" && it.cover == coverTicks {
				row := []gridCell{{text: f.label + ":", bold: true}}
				for _, opt := range []string{"Approval", "Assurance", "Discussion", "Information"} {
					tick := ""
					if opt == f.value {
						tick = "X"
					}
					row = append(row, gridCell{text: opt}, gridCell{text: tick})
				}
				rows, edges = append(rows, row), append(edges, purposeCols)
				continue
			}
			rows = append(rows, []gridCell{{text: f.label + ":", bold: true}, {text: f.value}})
			edges = append(edges, coverCols)
		}
		l.grid(p, rows, edges, 10)
	case coverLines, coverTight:
		gap := 26.0 // a form's spaced-out fields: a block each
		if it.cover == coverTight {
			gap = 13 // single spacing: one paragraph to a reader
		}
		p.y -= 10
		for _, f := range fields {
			label := f.label + ": "
			w := l.bold.m.StringWidth(label, 11)
			lines := Wrap(l.body.m, 11, textWidth-w, f.value)
			for i, ln := range lines {
				if i == 0 {
					p.y -= gap
					p.c.Text(l.bold, 11, margin, p.y, strings.TrimSpace(label))
				} else {
					p.y -= 13
				}
				p.c.Text(l.body, 11, margin+w, p.y, ln)
			}
			p.record(label + strings.Join(lines, " "))
		}
		p.y -= 20
	}
	p.room()
}

// columns sets paragraphs in two columns below the heading on page p,
// lines sharing baselines: the left column filled first, the rest in the
// right one, so that a paragraph runs on from one to the other.
func (l *packLayout) columns(p *sheet, paras []string) {
	const size, lead, colWidth, gutter = 10.0, 13.0, 215.0, 21.0
	type line struct {
		text string
		gap  bool // first line of a paragraph after another
	}
	var lines []line
	for i, t := range paras {
		for k, ln := range Wrap(l.body.m, size, colWidth, t) {
			lines = append(lines, line{ln, i > 0 && k == 0})
		}
	}
	// The left column ends mid-sentence, as columns do: a reader must
	// go on at the top of the right one.
	half := (len(lines) + 1) / 2
	for half < len(lines)-1 && (lines[half].gap || strings.HasSuffix(lines[half-1].text, ".")) {
		half++
	}
	top := p.y - 20
	for col, part := range [][]line{lines[:half], lines[half:]} {
		x := margin + float64(col)*(colWidth+gutter)
		y := top
		var texts []string
		for i, ln := range part {
			if i > 0 {
				y -= lead
				if ln.gap {
					y -= 7
				}
			}
			p.c.Text(l.body, size, x, y, ln.text)
			texts = append(texts, ln.text)
		}
		p.record(texts...)
		p.y = min(p.y, y)
	}
	p.room()
}

// appendix draws an appendix page: its heading, a paragraph and a table
// ruled between rows, which is not a cover sheet.
func (l *packLayout) appendix(p *sheet, a []string) {
	p.heading(l.bold, 14, 1, a[0])
	p.para(l.body, 10, a[1])
	edges := []float64{margin, margin + 200, margin + 300, margin + 400}
	var rows [][]gridCell
	var es [][]float64
	for i, r := range [][]string{{"Ward", "Beds", "Opens"}, {"Ward 12, medicine", "14", "1 December"}, {"Ward 7, surgery", "10", "15 December"}, {"Discharge lounge", "16", "5 January"}} {
		var row []gridCell
		for _, c := range r {
			row = append(row, gridCell{text: c, bold: i == 0})
		}
		rows, es = append(rows, row), append(es, edges)
	}
	l.grid(p, rows, es, 10)
}

// agenda draws the agenda on page p: the meeting, then a ruled table of
// the items with their presenters, purposes and, with AgendaPages, the
// page each paper starts on ("Verbal" for an item without a paper); or,
// with AgendaLines, a line for each item, its page after dot leaders.
func (l *packLayout) agenda(p *sheet, items []packItem, first map[string]int, o PackOptions) {
	p.heading(l.bold, 16, 1, packMeeting)
	p.heading(l.bold, 14, 1, "Agenda")
	p.para(l.body, 10, "Wednesday "+packDate+" at 10:00, Boardroom, Trust Headquarters")
	if o.AgendaLines {
		// one block of lines at single spacing, which a reader takes
		// for one paragraph
		var lines []string
		for _, it := range items {
			line := "Item " + it.number + " " + it.title
			if n, ok := first[it.number]; ok && o.AgendaPages {
				line += " " + strings.Repeat(".", 20) + " " + fmt.Sprint(n)
			}
			lines = append(lines, line)
		}
		p.lines(l.body, 10, lines...)
		p.room()
		return
	}
	edges := []float64{margin, margin + 40, margin + 240, margin + 350}
	if o.AgendaPages {
		edges = append(edges, margin+410, A4Width-margin)
	} else {
		edges = append(edges, A4Width-margin)
	}
	head := []gridCell{{text: "Item", bold: true}, {text: "Title", bold: true}, {text: "Presented by", bold: true}, {text: "Purpose", bold: true}}
	if o.AgendaPages {
		head = append(head, gridCell{text: "Page", bold: true})
	}
	rows := [][]gridCell{head}
	for _, it := range items {
		purpose := strings.TrimPrefix(it.purpose, "For ")
		purpose = strings.ToUpper(purpose[:1]) + purpose[1:]
		row := []gridCell{{text: it.number}, {text: it.title}, {text: it.presenter}, {text: purpose}}
		if o.AgendaPages {
			pg := "Verbal"
			if n, ok := first[it.number]; ok {
				pg = fmt.Sprint(n)
			}
			row = append(row, gridCell{text: pg})
		}
		rows = append(rows, row)
	}
	es := make([][]float64, len(rows))
	for i := range es {
		es[i] = edges
	}
	l.grid(p, rows, es, 9)
}

// Package pack splits a board pack into its papers. A pack is one file
// holding an agenda, minutes and a dozen or more papers, each with a cover
// sheet ("Agenda item", "Title of report", "Presented by", "Purpose");
// scored whole, its evidence mixes the minutes with the finance report.
// Split finds the papers by the pack's bookmarks, their cover sheets (as
// lines or as tables) or the agenda (the pages it gives, or the headings
// its items name), so that each can be triaged on its own. It reads the
// document model only: it knows nothing of PDF or Markdown.
package pack

import (
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/title"
	"github.com/nhsreview/nhsreview/pipeline/sections"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Version identifies what Split makes of a document. The corpus records
// it with a pack's stored papers, and papers an older splitter made are
// split again: by 'corpus rescore' and 'corpus add', and, until then,
// every command that shows them splits the stored text rather than show
// them. Bump it whenever a change to the splitter changes the papers a
// document gives. (Papers stored before it was recorded carry 0; 2 splits at
// running "Agenda item N" lines; 3 at them in packs with cover sheets
// too.)
const Version = 3

// Paper is one item of a pack.
type Paper struct {
	// Number is the agenda item ("4ai", "13"), "" for what comes before
	// the first cover sheet (the agenda).
	Number    string `json:"number"`
	Title     string `json:"title"`
	Presenter string `json:"presenter,omitempty"`
	// Purpose is what the board is asked to do: decision, assurance,
	// discussion or information ("" when the cover does not say).
	Purpose string `json:"purpose,omitempty"`
	// Asked is what the board is asked to do, in the paper's words: its
	// cover's "Recommendation(s)", or its first "The Board is asked to
	// ..." ("" when it says neither near its start).
	Asked string `json:"asked,omitempty"`
	// Kind is what sort of paper it is (Kind* constants).
	Kind string `json:"kind"`
	// FirstPage and LastPage are the pages it spans (1 for a document
	// without pages).
	FirstPage int `json:"first_page"`
	LastPage  int `json:"last_page"`
	// start and end are its blocks, in the pack's reading order.
	start, end int
}

// Kinds of paper.
const (
	KindAgenda    = "agenda"
	KindMinutes   = "minutes"
	KindActionLog = "action log"
	KindCommittee = "committee report"
	KindStrategy  = "strategy or plan"
	KindFinance   = "finance or performance report"
	KindQuality   = "quality report"
	KindPolicy    = "policy"
	KindReport    = "report"
)

var (
	// A cover sheet's fields, as labels on their own ("Agenda item:")
	// or with their value after them ("Purpose: For approval").
	// "Agenda item:", "AGENDA ITEM", "Agenda item: 2025-26 (4ai)", and the
	// label row of a two-column cover read across ("Agenda item: Title
	// of report:"); not an agenda's own "Item 4ai Draft minutes".
	itemLabelRe      = lazyre.New(`(?i)^(agenda )?item( no\.?| number| ref(erence)?)?\s*:?\s*(.*)$`)
	itemValueRe      = lazyre.New(`(?i)^$|^title of (the )?(report|paper)\s*:$|^[0-9]{4}(-[0-9]{2,4})?\s*(\([0-9]+(\.[0-9]+)*[a-z]*\))?$|^\(?[0-9]+(\.[0-9]+)*[a-z]{0,4}\)?$`)
	parenNumberRe    = lazyre.New(`^\(([0-9]+(?:\.[0-9]+)*[a-z]*)\)$`)
	titleLabelRe     = lazyre.New(`(?i)^(title of (the )?(report|paper)|report title|paper title|title)\s*:\s*(.*)$`)
	presenterLabelRe = lazyre.New(`(?i)^(presented by|presenter|report (by|of|from)|lead (director|officer|executive)|executive lead|sponsor)\s*:\s*(.*)$`)
	purposeLabelRe   = lazyre.New(`(?i)^purpose( of (the )?(report|paper))?\s*:\s*(.*)$`)
	// The item's number inside its value: "2025-26 (4ai)", "Item 7.2".
	numberInParensRe = lazyre.New(`\(([0-9]+(?:\.[0-9]+)*[a-z]*)\)\s*$`)
	numberRe         = lazyre.New(`^(?:item\s*)?([0-9]+(?:\.[0-9]+)*[a-z]*)$`)
	// Purposes, as cover sheets name them, and the tick that marks the
	// one chosen where all are listed.
	purposeWordRe = lazyre.New(`(?i)\b(approval|approve|decision|decide|ratify|ratification|assurance|assure|discussion|discuss|information|note|noting)\b`)
	tickRe        = lazyre.New(`^[√✓✔☑☒xX]$`)
)

// Split finds the papers of a pack by its bookmarks (byBookmarks), else
// by their cover sheets (byCovers, which places a paper without a cover
// by the page the agenda gives it, else by the running lines of its
// pages), else by the pages its agenda gives (byAgendaPages), else by the
// running "Agenda item 7" lines of its pages (byRunning), else by the
// headings its agenda's titles name (byAgendaHeadings). What
// comes before the first paper is the agenda; each paper runs from its
// start to the next paper's (its appendices stay with it). A document in
// which none of these finds papers is one paper: it is not a pack.
func Split(d *document.Document) []Paper {
	us, pages := unitsOf(d)
	if out := split(d, us); len(out) > 0 {
		return inBlocks(out, us, pages)
	}
	return []Paper{{Title: d.Title, Kind: KindReport, start: 0, end: len(pages), FirstPage: firstPage(d), LastPage: lastPage(d)}}
}

// split finds the papers in units; nil when the document is not a pack.
func split(d *document.Document, us []unit) []Paper {
	text := func(i int) string { return us[i].text }
	covers := findCovers(us, text)
	agendaEnd := min(len(us), agendaWindow)
	if len(covers) > 0 {
		agendaEnd = covers[0].start
	}
	agenda := agendaItems(us, agendaEnd)
	if out := byBookmarks(d, us, covers, agenda, text); len(out) > 0 {
		return out
	}
	if len(covers) > 0 {
		return byCovers(d, us, covers, agenda, text)
	}
	if out := byAgendaPages(us, agenda, text); out != nil {
		return out
	}
	if out := byRunning(d, us, agenda, text); out != nil {
		return out
	}
	return byAgendaHeadings(d, us, agenda, text)
}

// cover is a cover sheet: where its paper starts, and its "Agenda item"
// label (or, for a committee's report, its "Name of Committee" label and
// the committee's name).
type cover struct {
	start, label int
	committee    string
	isCommittee  bool
}

// findCovers finds the pack's cover sheets, in order.
func findCovers(us []unit, text func(int) string) []cover {
	var covers []cover
	n := len(us)
	for i := range us {
		lo := 0
		if len(covers) > 0 {
			lo = covers[len(covers)-1].label + 1
		}
		switch {
		case isItemLabel(text(i)) && coverFollows(text, i, n):
			covers = append(covers, cover{start: coverStart(us, text, i, lo), label: i})
		case committeeCover(text, i, n):
			start := i
			if i > lo && reportHeading(text(i-1)) {
				start = i - 1 // "Committee Escalation and Assurance Report"
			}
			covers = append(covers, cover{start: pageTop(us, text, start, lo), label: i, committee: committeeName(text, i, n), isCommittee: true})
		}
	}
	return covers
}

// meetingFieldRe: the fields a cover sheet may open with, above its
// "Agenda item" ("Meeting: Trust Board", "Date: 4 March 2026").
var meetingFieldRe = lazyre.New(`(?i)^(meeting( date)?|date( of (the )?meeting)?|report(ing)? to)\s*:`)

// coverStart is where the cover sheet whose "Agenda item" label is unit c
// starts, no earlier than unit lo: at the meeting's fields above the
// label, each "Label: value" or a label with its value below, or at the
// top of its page (pageTop).
func coverStart(us []unit, text func(int) string, c, lo int) int {
	start := c
	samePage := func(j int) bool { return j >= lo && us[j].page == us[c].page }
	for j := c - 1; samePage(j) && j >= c-6; j-- {
		if meetingFieldRe.MatchString(text(j)) {
			start = j
			continue
		}
		if samePage(j-1) && isLabel(text(j-1)) && meetingFieldRe.MatchString(text(j-1)) && !isLabel(text(j)) {
			start = j - 1 // a value below its label
			j--
			continue
		}
		break
	}
	return pageTop(us, text, start, lo)
}

// pageTop is where a paper that starts at unit i, no earlier than unit
// lo, starts on a printed page: at the page's top when all that is above
// it there is a few short lines (the trust's name, the meeting's,
// "Report to the Board"), since a paper in a pack starts its page; else
// at i.
func pageTop(us []unit, text func(int) string, i, lo int) int {
	if !us[i].paged {
		return i
	}
	top := i
	for top-1 >= lo && us[top-1].page == us[i].page && i-top < 3 && shortLine(text(top-1)) {
		top--
	}
	if top == 0 || us[top-1].page != us[i].page {
		return top
	}
	return i
}

// shortLine: a line that is not a sentence: a name or a heading.
func shortLine(t string) bool {
	return len(strings.Fields(t)) <= 12 && !strings.HasSuffix(strings.TrimSpace(t), ".")
}

// byCovers splits a pack at its cover sheets. Where the agenda gives each
// paper's page and the covers agree with it (agendaPlaced), a paper the
// agenda lists without a cover of its own starts at the top of its page;
// where the running lines of a PDF's pages name each page's item and
// agree with the covers (runningPlaced), such a paper starts on the first
// page naming its item. Without either, it stays in the paper before it.
func byCovers(d *document.Document, us []unit, covers []cover, agenda []agendaItem, text func(int) string) []Paper {
	out := coverPapers(d, us, covers, agenda, nil, text)
	// The running lines are checked against the papers the covers and
	// the agenda's pages make, and only then add papers of their own.
	if more := runningPlaced(us, pageItems(d), out); len(more) > 0 {
		out = coverPapers(d, us, covers, agenda, more, text)
	}
	return out
}

// coverPapers makes the papers of a pack with cover sheets: one at each
// cover, at each item the agenda's pages place (agendaPlaced), and at
// each start the running lines place (running).
func coverPapers(d *document.Document, us []unit, covers []cover, agenda []agendaItem, running []runningStart, text func(int) string) []Paper {
	type start struct {
		at   int
		c    *cover
		item *agendaItem
		run  string // the item running lines name
	}
	var starts []start
	for k := range covers {
		starts = append(starts, start{at: covers[k].start, c: &covers[k]})
	}
	for _, k := range agendaPlaced(us, covers, agenda, text) {
		starts = append(starts, start{at: k.at, item: &agenda[k.item]})
	}
	for _, r := range running {
		starts = append(starts, start{at: r.at, run: r.item})
	}
	slices.SortStableFunc(starts, func(a, b start) int { return a.at - b.at })
	var out []Paper
	if starts[0].at > 0 {
		out = append(out, Paper{Title: "Agenda and papers before the first cover sheet", Kind: KindAgenda, start: 0, end: starts[0].at})
	}
	used := map[string]bool{}
	for k, s := range starts {
		end := len(us)
		if k+1 < len(starts) {
			end = starts[k+1].at
		}
		var p Paper
		switch {
		case s.item != nil:
			p = Paper{Number: s.item.number, Title: s.item.title, Kind: kindOf(s.item.title)}
		case s.run != "":
			p = runningPaper(d, us, s.run, s.at, end, agenda, text)
		case s.c.isCommittee:
			p = committeePaper(text, s.c.start, s.c.committee, agenda, used)
		default:
			p = readCover(text, s.c.label, end)
			if used[p.Number] {
				p.Number = agendaNumber(p, agenda, used)
			}
		}
		used[p.Number] = true
		fromAgenda(&p, agenda)
		p.Asked = askedOf(text, s.at, min(end, s.at+askWindow))
		p.start, p.end = s.at, end
		out = append(out, p)
	}
	return out
}

// placed is an agenda item placed at a unit.
type placed struct{ item, at int }

// agendaPlaced places the agenda's items that have no cover sheet at the
// pages the agenda gives them (agendaStarts), when the covers agree with
// those pages: at least one cover has the number of an item with a page,
// and every such cover is on that page or the next (a divider page before
// a cover). An item whose page already starts with a cover, or whose
// number a cover has, is the cover's.
func agendaPlaced(us []unit, covers []cover, agenda []agendaItem, text func(int) string) []placed {
	starts := agendaStarts(us, agenda)
	if starts == nil {
		return nil
	}
	numbered := map[string]int{} // a cover's number → its page
	coverPage := map[int]bool{}
	for k, c := range covers {
		coverPage[us[c.start].number] = true
		if c.isCommittee {
			continue
		}
		end := len(us)
		if k+1 < len(covers) {
			end = covers[k+1].start
		}
		if n := readCover(text, c.label, end).Number; n != "" {
			numbered[n] = us[c.label].number
		}
	}
	agree := 0
	for k, it := range agenda {
		page, ok := numbered[it.number]
		if _, paged := starts[k]; !ok || !paged {
			continue
		}
		if page != it.page && page != it.page+1 {
			return nil
		}
		agree++
	}
	if agree == 0 {
		return nil
	}
	var out []placed
	for k, it := range agenda {
		at, ok := starts[k]
		if _, covered := numbered[it.number]; !ok || covered || coverPage[it.page] {
			continue
		}
		out = append(out, placed{item: k, at: at})
	}
	return out
}

// bookmarkItemRe reads an agenda item's number at the start of a
// bookmark: "4.1 Finance report", "Item 7: Winter plan", "(4ai) ...".
var bookmarkItemRe = lazyre.New(`(?i)^(?:agenda\s+)?(?:item\s+)?\(?([0-9]+(?:\.[0-9]+)*[a-z]{0,4})\)?[.:)]?\s+(.+)$`)

// packBookmarkRe: a bookmark that only a pack has (an agenda, the
// minutes of a meeting).
var packBookmarkRe = lazyre.New(`(?i)\bagenda\b|\bminutes\b`)

// byBookmarks splits a pack at its top-level bookmarks, which whoever
// assembled the pack made one per paper: they are trusted before cover
// sheets. A document's bookmarks are taken as a pack's only when it is
// one (it has cover sheets, or a bookmark for an agenda or minutes): a
// strategy's chapters are bookmarked too. A cover sheet at the start of
// a bookmarked paper still gives its presenter and purpose, and one above
// the heading the bookmark points at, on its page, is the paper's; the
// agenda gives what neither does. Nil when the bookmarks do not split the
// document.
func byBookmarks(d *document.Document, us []unit, covers []cover, agenda []agendaItem, text func(int) string) []Paper {
	var marks []*document.Section
	packLike := len(covers) > 0
	for _, s := range d.Sections {
		if s.Origin != sections.OriginBookmark {
			continue
		}
		marks = append(marks, s)
		if packBookmarkRe.MatchString(s.Title) {
			packLike = true
		}
	}
	if len(marks) < 2 || !packLike {
		return nil
	}
	index := map[document.BlockRef]int{}
	for i := len(us) - 1; i >= 0; i-- {
		index[document.BlockRef{Page: us[i].page, Block: us[i].block}] = i // a block's first unit
	}
	var starts []int
	for _, m := range marks {
		i, ok := index[m.Start]
		if !ok || len(starts) > 0 && i <= starts[len(starts)-1] {
			return nil // out of order, or pointing at nothing: not to be trusted
		}
		lo := 0
		if len(starts) > 0 {
			lo = starts[len(starts)-1] + 1
		}
		for _, c := range covers {
			if c.start >= lo && c.start < i && us[c.start].page == us[i].page {
				i = c.start
				break
			}
		}
		starts = append(starts, pageTop(us, text, i, lo))
	}
	var out []Paper
	if starts[0] > 0 {
		out = append(out, Paper{Title: d.Title, Kind: KindAgenda, start: 0, end: starts[0]})
	}
	for k, m := range marks {
		end := len(us)
		if k+1 < len(marks) {
			end = starts[k+1]
		}
		p := Paper{Title: strings.TrimSpace(m.Title), start: starts[k], end: end}
		if mm := bookmarkItemRe.FindStringSubmatch(p.Title); mm != nil {
			p.Number, p.Title = strings.ToLower(mm[1]), strings.TrimSpace(mm[2])
		}
		// the paper's cover sheet, if it has one near its start
		for _, c := range covers {
			if !c.isCommittee && c.start >= p.start && c.label < min(end, p.start+coverWindow) {
				cv := readCover(text, c.label, end)
				p.Presenter, p.Purpose = cv.Presenter, cv.Purpose
				if p.Number == "" {
					p.Number = cv.Number
				}
				break
			}
		}
		fromAgenda(&p, agenda)
		p.Asked = askedOf(text, p.start, min(end, p.start+askWindow))
		p.Kind = kindOf(p.Title)
		if packBookmarkRe.MatchString(p.Title) && !strings.Contains(strings.ToLower(p.Title), "minutes") {
			p.Kind = KindAgenda
		}
		out = append(out, p)
	}
	return out
}

// coverWindow is how far a cover sheet's fields run from its "Agenda
// item" label.
const coverWindow = 40

// isItemLabel: an "Agenda item" label, with no value or a number only.
func isItemLabel(t string) bool {
	m := itemLabelRe.FindStringSubmatch(t)
	return m != nil && itemValueRe.MatchString(strings.TrimSpace(m[len(m)-1]))
}

// coverFollows: an "Agenda item" label starts a cover sheet when a title
// field follows it closely, or, for a label that says "agenda", the
// item's number in brackets does ("AGENDA ITEM", "2025-26", "(4b)").
// An agenda's own "Item 4" lines, and the numbered minutes of a meeting
// ("Item 2025-26 (53)"), have neither.
func coverFollows(text func(int) string, i, n int) bool {
	label := strings.ToLower(text(i))
	if strings.Contains(label, "title of") || strings.HasPrefix(label, "agenda") && itemNumberAt(text, i, n) != "" {
		return true
	}
	// The title field comes within a few blocks, before any other item
	// label: the minutes' items run on to the next paper's cover.
	for j := i + 1; j < n && j <= i+titleWindow; j++ {
		if titleLabelRe.MatchString(text(j)) {
			return true
		}
		if isItemLabel(text(j)) {
			return false
		}
	}
	return false
}

// titleWindow is how near its "Agenda item" label a cover's title field
// is.
const titleWindow = 8

// itemNumberAt finds the bracketed item number of the cover at block i:
// in the label's value, or in one of the two blocks after it ("2025-26",
// "(4b)").
func itemNumberAt(text func(int) string, i, n int) string {
	m := itemLabelRe.FindStringSubmatch(text(i))
	cands := []string{strings.TrimSpace(m[len(m)-1])}
	for j := i + 1; j < n && j <= i+2; j++ {
		cands = append(cands, text(j))
	}
	for _, c := range cands {
		if mm := numberInParensRe.FindStringSubmatch(strings.ToLower(c)); mm != nil {
			return mm[1]
		}
		if mm := parenNumberRe.FindStringSubmatch(strings.ToLower(c)); mm != nil {
			return mm[1]
		}
	}
	return ""
}

// readCover reads the fields of the cover sheet at block c.
func readCover(text func(int) string, c, end int) Paper {
	limit := min(end, c+coverWindow)
	var p Paper
	// A value follows its label ("Purpose: For approval") or is in the
	// blocks after it, up to the next label; a value cut at a line end
	// ("Winter Plan 2025-") goes on in the next block.
	value := func(m []string, at int) string {
		v := strings.TrimSpace(m[len(m)-1])
		for j := at + 1; j < limit && j <= at+4 && continues(v) && !isLabel(text(j)); j++ {
			sep := " "
			if strings.HasSuffix(v, "-") {
				sep = "" // "Winter Plan 2025-" / "2026"
			}
			v = strings.TrimSpace(v + sep + text(j))
		}
		return v
	}
	p.Number = itemNumberAt(text, c, limit)
	if p.Number == "" {
		if m := itemLabelRe.FindStringSubmatch(text(c)); m != nil {
			p.Number = itemNumber(value(m, c))
		}
	}
	// A cover read across its two columns: "Agenda item: Title of
	// report:", then the item, then the title.
	if strings.Contains(strings.ToLower(text(c)), "title of") && c+2 < limit {
		p.Title = value([]string{text(c + 2)}, c+2)
	}
	for j := c + 1; j < limit; j++ {
		t := text(j)
		switch {
		case p.Title == "" && titleLabelRe.MatchString(t):
			p.Title = value(titleLabelRe.FindStringSubmatch(t), j)
		case p.Presenter == "" && presenterLabelRe.MatchString(t):
			p.Presenter = value(presenterLabelRe.FindStringSubmatch(t), j)
		case p.Purpose == "" && purposeLabelRe.MatchString(t):
			p.Purpose = purposeOf(text, purposeLabelRe.FindStringSubmatch(t), j, limit)
		}
	}
	if p.Title == "" {
		// No title field: the first heading after the number that is
		// not the organisation's name.
		for j := c + 1; j < limit; j++ {
			t := text(j)
			if len(strings.Fields(t)) >= 2 && !parenNumberRe.MatchString(t) && !itemValueRe.MatchString(t) && !title.Org(t) && !isLabel(t) {
				p.Title = t
				break
			}
		}
	}
	p.Kind = kindOf(p.Title)
	return p
}

// What the board is asked to do is on a paper's cover: a
// "Recommendation(s)" field ("Recommendation(s) Review the draft Winter
// Plan", or the label with the asks in the blocks below it: "The Board is
// recommended to:", "• Note the contents ..."), or a sentence "The Board
// is asked to approve the minutes".
var (
	recommendLabelRe = lazyre.New(`(?i)^recommendations?(?:\s*\(s\))?\s*:?\s*(.*)$`)
	askedSentenceRe  = lazyre.New(`(?i)\b(?:the )?(?:trust )?(?:board|committee)(?:/committee)? (?:is|are) (?:asked|recommended|invited|requested) to\b`)
	pageFooterRe     = lazyre.New(`(?i)^page \d+( of \d+)?$`)
	// sentenceEndRe is the end of a sentence that another follows.
	sentenceEndRe = lazyre.New(`[.!?]\s+[A-Z“"‘(]`)
)

// askWindow is how far into a paper its cover's recommendation is looked
// for; maxAsked bounds what is quoted of it.
const (
	askWindow = 100
	maxAsked  = 240
)

// askedOf reads what the board is asked to do from the blocks [c, end):
// the first "Recommendation(s)" field or "The Board is asked to"
// sentence, with the blocks that carry it on (after a colon, a label
// alone, a line cut mid-sentence, or bullets: "• Receive the report",
// "• Agree the level of assurance").
func askedOf(text func(int) string, c, end int) string {
	// a list block's items are its lines
	text = func(get func(int) string) func(int) string {
		return func(i int) string { return strings.ReplaceAll(get(i), "\n", "; ") }
	}(text)
	for j := c; j < end; j++ {
		t := text(j)
		var v string
		if m := recommendLabelRe.FindStringSubmatch(t); m != nil {
			v = m[1]
		} else if loc := askedSentenceRe.FindStringIndex(t); loc != nil {
			v = t[loc[0]:]
			// the ask is its sentence, not the paragraph it opens
			if e := sentenceEndRe.FindStringIndex(v); e != nil {
				v = v[:e[0]+1]
			}
		} else {
			continue
		}
		for k := j + 1; k < end && k <= j+askLines && carriesOn(v, text(k)); k++ {
			next := strings.TrimSpace(text(k))
			if bulleted(next) && v != "" && !strings.HasSuffix(v, ":") {
				v += ";"
			}
			v = strings.TrimSpace(v + " " + next)
		}
		if v = cleanAsked(v); v != "" {
			return v
		}
	}
	return ""
}

// askLines is how many blocks after its label an ask may run over.
const askLines = 6

// carriesOn: block next goes on with the ask v read so far.
func carriesOn(v, next string) bool {
	next = strings.TrimSpace(next)
	if next == "" || isLabel(next) || pageFooterRe.MatchString(next) || strings.HasPrefix(strings.ToLower(next), "list of") ||
		recommendLabelRe.MatchString(next) {
		return false
	}
	if v == "" || strings.HasSuffix(v, ":") || bulleted(next) || continues(v) {
		return true
	}
	// a line cut mid-sentence: what follows starts in lower case
	r := []rune(next)
	return !strings.ContainsAny(v[len(v)-1:], ".!?") && 'a' <= r[0] && r[0] <= 'z'
}

// bulleted: a block that is a list item of the ask.
func bulleted(s string) bool {
	return strings.HasPrefix(s, "•") || strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "– ")
}

// cleanAsked drops bullets and dashes between asks, a page footer, a
// glued run-on after a colon that ends the ask ("... against the
// strategic risks:The Committee provides ..."), and cuts a long ask at a
// word.
func cleanAsked(v string) string {
	v = strings.NewReplacer("; • ", "; ", "• ", "", "•", "", " - ", "; ").Replace(v)
	v = strings.TrimSpace(strings.TrimLeft(v, "-–•; "))
	if i := strings.Index(v, ":"); i > 0 && i+1 < len(v) && v[i+1] != ' ' && len(strings.Fields(v[:i])) >= 4 {
		v = v[:i]
	}
	v = pageSuffixRe.ReplaceAllString(v, "")
	v = textclean.Shorten(strings.TrimSuffix(strings.Join(strings.Fields(v), " "), ";"), maxAsked)
	if strings.EqualFold(v, "n/a") || strings.EqualFold(v, "none") || strings.HasSuffix(v, ":") && len(strings.Fields(v)) <= 6 {
		return "" // a lead-in with nothing after it says nothing
	}
	return v
}

// pageSuffixRe is a page footer glued to the end of an ask.
var pageSuffixRe = lazyre.New(`(?i)\s*page \d+( of \d+)?\s*$`)

// A committee chair's report to the board has a cover of its own kind:
// "Name of Committee:", then "Report to:" (the board), often under a
// heading such as "Committee Escalation and Assurance Report". Packs list
// these reports in the agenda ("Item 10ii Business Committee Chairs
// Assurance Report 25 June 2025") but give them no "Agenda item" field.
var (
	committeeLabelRe = lazyre.New(`(?i)^name of (the )?committee\s*:\s*(.*)$`)
	reportToRe       = lazyre.New(`(?i)^report(ing)? to\s*:`)
	// agendaItemRe is an agenda's line for a paper: "Item 9i Chairs
	// assurance report - Quality Committee July 2025".
	agendaItemRe = lazyre.New(`(?i)^item\s+([0-9]+(?:\.[0-9]+)*[a-z]{0,4})\s+(\S.*)$`)
)

// committeeWindow is how near its "Name of Committee" label the "Report
// to" field of a committee's cover is.
const committeeWindow = 6

// committeeCover: block i is a committee's "Name of Committee" label with
// a "Report to" field after it.
func committeeCover(text func(int) string, i, n int) bool {
	if !committeeLabelRe.MatchString(text(i)) {
		return false
	}
	for j := i + 1; j < n && j <= i+committeeWindow; j++ {
		if reportToRe.MatchString(text(j)) {
			return true
		}
	}
	return false
}

// reportHeading: a short line naming a report, which a committee's
// cover opens with.
func reportHeading(t string) bool {
	return len(strings.Fields(t)) <= 10 && strings.Contains(strings.ToLower(t), "report") && !strings.HasSuffix(t, ".")
}

// committeeName reads the committee's name: after its label, or in the
// block after it.
func committeeName(text func(int) string, i, n int) string {
	m := committeeLabelRe.FindStringSubmatch(text(i))
	if v := strings.TrimSpace(m[2]); v != "" {
		return v
	}
	if i+1 < n && !isLabel(text(i+1)) {
		return text(i + 1)
	}
	return ""
}

// committeePaper is a committee's report: numbered and titled by the
// first agenda item not yet used that names the committee ("Business
// Committee" three times for three meetings takes 10i, 10ii, 10iii in
// turn), else titled by its heading and the committee.
func committeePaper(text func(int) string, c int, name string, agenda []agendaItem, used map[string]bool) Paper {
	p := Paper{Kind: KindCommittee}
	key := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), "Committee")))
	for _, it := range agenda {
		if key != "" && !used[it.number] && strings.Contains(strings.ToLower(it.title), key) {
			p.Number, p.Title = it.number, it.title
			break
		}
	}
	if p.Title == "" {
		p.Title = strings.TrimSpace(name + " report")
		if h := text(c); reportHeading(h) && !committeeLabelRe.MatchString(h) {
			p.Title = h + ": " + name
		}
	}
	if strings.Contains(strings.ToLower(p.Title+" "+text(c)), "assurance report") {
		p.Purpose = "assurance"
	}
	return p
}

// agendaNumber renumbers a paper whose cover repeats the number of the
// paper before it (a cover copied and not updated: two "(14i)" covers):
// the agenda's unused item under the same number ("14ii") whose title
// shares a word with the paper's ("GoSWH Annual report" and "Guardian of
// Safe Working Hours Annual Report"). Without one, the cover's number
// stands.
func agendaNumber(p Paper, agenda []agendaItem, used map[string]bool) string {
	lead := leadingNumber(p.Number)
	words := titleWords(p.Title)
	for _, it := range agenda {
		if used[it.number] || lead == "" || leadingNumber(it.number) != lead {
			continue
		}
		for w := range titleWords(it.title) {
			if words[w] {
				return it.number
			}
		}
	}
	return p.Number
}

// leadingNumber is an item number's number without its letters ("14"
// of "14ii").
func leadingNumber(n string) string {
	return strings.TrimRight(n, "abcdefghijklmnopqrstuvwxyz")
}

// titleWords are a title's words that say what it is about: four letters
// or more, not the words every paper's title has.
func titleWords(t string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		switch w {
		case "report", "paper", "cover", "update", "board", "trust", "meeting", "public", "final", "draft":
			continue
		}
		if len(w) >= 4 {
			out[w] = true
		}
	}
	return out
}

// isLabel: a cover sheet field label such as "Meeting:" or "Date:".
func isLabel(s string) bool {
	return strings.HasSuffix(s, ":") && len(strings.Fields(s)) <= 6
}

// continues: a value cut at a line end ("Winter Plan 2025-", "... including
// the") goes on in the next block.
func continues(v string) bool {
	if v == "" {
		return true
	}
	last := v[len(v)-1]
	if last == '-' || last == ':' || last == ',' {
		return true
	}
	f := strings.Fields(v)
	switch strings.ToLower(f[len(f)-1]) {
	case "the", "and", "of", "for", "to", "in", "on", "with", "a", "an", "&":
		return true
	}
	return false
}

// itemNumber takes the agenda number out of an item's value ("3", "Item
// 7.2").
func itemNumber(v string) string {
	if m := numberRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(v))); m != nil {
		return m[1]
	}
	return v
}

// purposeOf reads a purpose: written after the label ("For approval"),
// or ticked in a list of options ("Assurance", "Discussion", "Approval",
// "√"): the option the tick follows, in the blocks after the label or in
// its value (a table's purpose row: "Approval Assurance Discussion X
// Information").
func purposeOf(text func(int) string, m []string, at, limit int) string {
	v := m[len(m)-1]
	f := strings.Fields(v)
	for k := 1; k < len(f); k++ {
		if tickRe.MatchString(f[k]) && purposeWordRe.MatchString(f[k-1]) {
			return normalPurpose(purposeWordRe.FindString(f[k-1]))
		}
	}
	if w := purposeWordRe.FindString(v); w != "" {
		return normalPurpose(w)
	}
	prev := ""
	for j := at + 1; j < limit && j <= at+12; j++ {
		t := text(j)
		switch {
		case tickRe.MatchString(t) && prev != "":
			return normalPurpose(prev)
		case strings.HasSuffix(t, "√") || strings.HasSuffix(t, "✓") || strings.HasSuffix(t, "✔"):
			if w := purposeWordRe.FindString(t); w != "" {
				return normalPurpose(w)
			}
		case purposeWordRe.MatchString(t) && len(strings.Fields(t)) <= 3:
			prev = purposeWordRe.FindString(t)
		}
	}
	return ""
}

func normalPurpose(w string) string {
	switch strings.ToLower(w) {
	case "approval", "approve", "decision", "decide", "ratify", "ratification":
		return "decision"
	case "assurance", "assure":
		return "assurance"
	case "discussion", "discuss":
		return "discussion"
	}
	return "information"
}

var kindRules = []struct {
	kind string
	re   *lazyre.Regexp
}{
	{KindMinutes, lazyre.New(`(?i)\bminutes\b`)},
	{KindActionLog, lazyre.New(`(?i)\baction log\b|\baction tracker\b`)},
	{KindCommittee, lazyre.New(`(?i)\bcommittee\b|\bchair'?’?s (assurance )?report\b|\bassurance report\b`)},
	{KindFinance, lazyre.New(`(?i)\bfinanc|\bperformance\b|\bbudget\b`)},
	{KindQuality, lazyre.New(`(?i)\bquality\b|\bsafe staffing\b|\bsafeguarding\b|\bpatient safety\b|\brisk\b|\bequity\b|\binequalit`)},
	{KindStrategy, lazyre.New(`(?i)\bstrateg|\bplan\b`)},
	{KindPolicy, lazyre.New(`(?i)\bpolicy\b|\bconstitution\b|\bstanding orders\b|\bterms of reference\b`)},
}

// strategyTitleRE is a strategy's or plan's title.
var strategyTitleRE = lazyre.New(`(?i)\bstrateg|\bplan\b`)

// kindOf puts a paper in a kind by its title. A strategy update to the
// board is a strategy; "Winter Plan" a plan.
func kindOf(title string) string {
	for _, k := range kindRules {
		if k.re.MatchString(title) {
			// a strategy's title wins over its topic ("Health Equity
			// Strategy" is a strategy, not a quality report)
			if k.kind == KindQuality && strategyTitleRE.MatchString(title) {
				return KindStrategy
			}
			return k.kind
		}
	}
	return KindReport
}

// Criteria are the rubric's criteria a kind of paper is triaged on:
// minutes, action logs and an agenda on none; a finance report on costed
// plans; a quality report on problem analysis and inequality actions; a
// strategy, a plan and any other report on all five.
func Criteria(kind string) []string {
	all := []string{"problem-analysis", "inequality-actions", "costed-plans", "vcs-involvement", "public-involvement"}
	switch kind {
	case KindAgenda, KindMinutes, KindActionLog, KindPolicy:
		return nil
	case KindFinance:
		return []string{"costed-plans"}
	case KindQuality, KindCommittee:
		return []string{"problem-analysis", "inequality-actions"}
	}
	return all
}

// Document is the paper as a document of its own: its blocks, on their
// pages, under its title, for the pipeline to score.
func (p Paper) Document(d *document.Document) *document.Document {
	out := &document.Document{SchemaVersion: d.SchemaVersion, Source: d.Source, SHA256: d.SHA256, Format: d.Format, Title: p.Title}
	i := 0
	for _, pg := range d.Pages {
		var bs []document.Block
		for _, b := range pg.Blocks {
			if i >= p.start && i < p.end {
				bs = append(bs, b)
			}
			i++
		}
		if len(bs) > 0 {
			out.Pages = append(out.Pages, document.Page{Number: pg.Number, Blocks: bs})
			if slices.Contains(d.Quality.FailedPages, pg.Number) {
				out.Quality.FailedPages = append(out.Quality.FailedPages, pg.Number)
			}
		}
	}
	// The paper's own quality: a scanned appendix is unreadable, not the
	// pack around it.
	out.Measure(0)
	return out
}

func firstPage(d *document.Document) int {
	if len(d.Pages) == 0 {
		return 1
	}
	return d.Pages[0].Number
}

func lastPage(d *document.Document) int {
	if len(d.Pages) == 0 {
		return 1
	}
	return d.Pages[len(d.Pages)-1].Number
}

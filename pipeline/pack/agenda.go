package pack

import (
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// agendaItem is a paper the agenda lists: its number and title, and what
// the agenda says of it besides (presenter, purpose, the page its paper
// starts on, 0 when it gives none or the item is verbal).
type agendaItem struct {
	number, title      string
	presenter, purpose string
	page               int
	at                 int // the unit that lists it
}

// agendaWindow is how far into a pack (in units) its agenda is looked
// for when no cover sheet ends it.
const agendaWindow = 200

// An agenda is lines ("Item 4ai Draft minutes 5 June 2025", with the page
// of its paper after dot leaders or as "page 12" in some packs), or a
// table whose header row names its columns ("Item | Title | Presented by
// | Purpose | Page"). A table counts as an agenda only when its header
// names the item's number and title and one of what an agenda says of an
// item (presenter, purpose, page): a table of numbered actions is not
// one.
var (
	linePageRe     = lazyre.New(`(?i)\s*(?:(?:\.{3,}|…+)\s*(?:page\s*|p\.?\s*)?|\s(?:page|p\.)\s*)([0-9]{1,4})$`)
	headNumberRe   = lazyre.New(`(?i)^(?:agenda )?(?:item|no\.?|number|ref\.?|item (?:no\.?|number|ref\.?)|#)$`)
	headTitleRe    = lazyre.New(`(?i)title|subject|topic|description|business|^paper$|^report$|^agenda item$`)
	headPresentRe  = lazyre.New(`(?i)present|lead|sponsor|owner|responsible|^by$|^who$`)
	headPurposeRe  = lazyre.New(`(?i)purpose|action|decision|^for$|required`)
	headPageRe     = lazyre.New(`(?i)^(?:page|pages|page no\.?|pg\.?|p\.?)$`)
	cellNumberRe   = lazyre.New(`(?i)^(?:item\s*)?\(?([0-9]+(?:\.[0-9]+)*[a-z]{0,4})\)?\.?$`)
	cellPageNumber = lazyre.New(`(?i)^(?:p(?:age|g)?\.?\s*)?([0-9]{1,4})$`)
)

// agendaColumns are the columns of an agenda table, -1 where it has none.
type agendaColumns struct{ number, title, presenter, purpose, page int }

// agendaHeader reads a table row as an agenda's header row.
func agendaHeader(cells []string) (agendaColumns, bool) {
	c := agendaColumns{-1, -1, -1, -1, -1}
	for k, h := range cells {
		h = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(h), ":"))
		switch {
		case h == "":
		case c.number < 0 && headNumberRe.MatchString(h):
			c.number = k
		case c.title < 0 && headTitleRe.MatchString(h):
			c.title = k
		case c.page < 0 && headPageRe.MatchString(h):
			c.page = k
		case c.presenter < 0 && headPresentRe.MatchString(h):
			c.presenter = k
		case c.purpose < 0 && headPurposeRe.MatchString(h):
			c.purpose = k
		}
	}
	// "Item" over the titles, the numbers' column unnamed; or "Item" over
	// the numbers and the titles' column unnamed
	switch {
	case c.title < 0 && c.number >= 0 && c.number+1 < len(cells) && strings.TrimSpace(cells[c.number+1]) == "":
		c.title = c.number + 1
	case c.title < 0 && c.number > 0 && strings.TrimSpace(cells[0]) == "":
		c.number, c.title = 0, c.number
	case c.number < 0 && c.title > 0 && strings.TrimSpace(cells[0]) == "":
		c.number = 0
	}
	ok := c.number >= 0 && c.title >= 0 && (c.presenter >= 0 || c.purpose >= 0 || c.page >= 0)
	return c, ok
}

// agendaItems reads the agenda's items in the units before end: its
// "Item N title" lines and the rows of its agenda tables.
func agendaItems(us []unit, end int) []agendaItem {
	var out []agendaItem
	var cols agendaColumns
	inTable := [2]int{-1, -1} // the table whose header cols holds
	cell := func(cells []string, k int) string {
		if k < 0 || k >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[k])
	}
	for i := 0; i < min(end, len(us)); i++ {
		u := us[i]
		if u.cells != nil {
			if c, ok := agendaHeader(u.cells); ok {
				cols, inTable = c, [2]int{u.page, u.block}
				continue
			}
			if inTable != [2]int{u.page, u.block} {
				continue
			}
			m := cellNumberRe.FindStringSubmatch(cell(u.cells, cols.number))
			title := cell(u.cells, cols.title)
			if m == nil || title == "" {
				continue // a heading row inside the table, or a wrapped line
			}
			it := agendaItem{number: strings.ToLower(m[1]), title: title, presenter: cell(u.cells, cols.presenter), at: i}
			if w := purposeWordRe.FindString(cell(u.cells, cols.purpose)); w != "" {
				it.purpose = normalPurpose(w)
			}
			if pm := cellPageNumber.FindStringSubmatch(cell(u.cells, cols.page)); pm != nil {
				it.page, _ = strconv.Atoi(pm[1])
			}
			out = append(out, it)
			continue
		}
		if m := agendaItemRe.FindStringSubmatch(u.text); m != nil {
			it := agendaItem{number: strings.ToLower(m[1]), title: strings.TrimSpace(m[2]), at: i}
			if pm := linePageRe.FindStringSubmatchIndex(it.title); pm != nil {
				it.page, _ = strconv.Atoi(it.title[pm[2]:pm[3]])
				it.title = strings.TrimSpace(it.title[:pm[0]])
			}
			if it.title != "" {
				out = append(out, it)
			}
		}
	}
	return out
}

// agendaStarts places the agenda's items by the pages it gives them: the
// first unit on each item's page, by the item's index in agenda. Nil
// unless at least two items have pages, after the agenda's own and within
// the pack, in the agenda's order: page numbers that go back, or point
// past the end, are not the pack's. An item on the page of the item
// before it shares that paper (pages cannot tell them apart).
func agendaStarts(us []unit, agenda []agendaItem) map[int]int {
	if len(agenda) == 0 || len(us) == 0 {
		return nil
	}
	own, last := us[agenda[len(agenda)-1].at].number, us[len(us)-1].number
	prev := own
	var paged []int
	for k, it := range agenda {
		if it.page == 0 {
			continue
		}
		if it.page <= own || it.page > last || it.page < prev {
			return nil
		}
		if it.page > prev {
			paged = append(paged, k)
		}
		prev = it.page
	}
	if len(paged) < 2 {
		return nil
	}
	out := map[int]int{}
	i := agenda[len(agenda)-1].at + 1
	for _, k := range paged {
		for i < len(us) && us[i].number < agenda[k].page {
			i++
		}
		if i == len(us) {
			return nil
		}
		out[k] = i
	}
	return out
}

// byAgendaPages splits a pack with neither bookmarks nor cover sheets by
// the pages its agenda gives its items (agendaStarts): each item starts at
// the top of its page. The papers take their numbers, titles, presenters
// and purposes from the agenda. Nil unless two items are placed.
func byAgendaPages(us []unit, agenda []agendaItem, text func(int) string) []Paper {
	starts := agendaStarts(us, agenda)
	if starts == nil {
		return nil
	}
	var out []Paper
	for k, it := range agenda {
		if at, ok := starts[k]; ok {
			out = append(out, agendaPaper(it, at))
		}
	}
	return agendaSplit(out, us, text)
}

// byAgendaHeadings splits a pack with neither bookmarks, cover sheets,
// agenda pages nor running item lines (a converted file whose papers
// start with their titles) by its agenda: each item starts at the first
// heading after the agenda, and after the item before it, whose title
// words are mostly the item's. Nil unless two items are found: a document
// that merely lists items is not split.
func byAgendaHeadings(d *document.Document, us []unit, agenda []agendaItem, text func(int) string) []Paper {
	if len(agenda) < 2 {
		return nil
	}
	heading := func(i int) bool {
		return d.Pages[us[i].page].Blocks[us[i].block].Kind == document.Heading
	}
	var out []Paper
	from := agenda[len(agenda)-1].at + 1
	for _, it := range agenda {
		for i := from; i < len(us); i++ {
			if heading(i) && sameTitle(it.title, text(i)) {
				out = append(out, agendaPaper(it, i))
				from = i + 1
				break
			}
		}
	}
	return agendaSplit(out, us, text)
}

// agendaPaper is the paper of agenda item it, starting at unit at.
func agendaPaper(it agendaItem, at int) Paper {
	return Paper{Number: it.number, Title: it.title, Presenter: it.presenter, Purpose: it.purpose, Kind: kindOf(it.title), start: at}
}

// agendaSplit ends each paper where the next starts, reads what each asks
// of the board, and puts what comes before the first paper in front as
// the agenda. Nil for fewer than two papers.
func agendaSplit(out []Paper, us []unit, text func(int) string) []Paper {
	if len(out) < 2 {
		return nil
	}
	for k := range out {
		out[k].end = len(us)
		if k+1 < len(out) {
			out[k].end = out[k+1].start
		}
		out[k].Asked = askedOf(text, out[k].start, min(out[k].end, out[k].start+askWindow))
	}
	if out[0].start == 0 {
		return out // the first paper starts the pack: there is no agenda before it
	}
	return append([]Paper{{Title: "Agenda and papers before the first item", Kind: KindAgenda, start: 0, end: out[0].start}}, out...)
}

// fromAgenda gives a paper what its cover or bookmark left out and the
// agenda's item of its number says: its presenter and purpose.
func fromAgenda(p *Paper, agenda []agendaItem) {
	if p.Number == "" {
		return
	}
	for _, it := range agenda {
		if it.number == p.Number {
			if p.Presenter == "" {
				p.Presenter = it.presenter
			}
			if p.Purpose == "" {
				p.Purpose = it.purpose
			}
			return
		}
	}
}

// sameTitle: a heading names an agenda item when most of the item's title
// words are in it ("Winter Plan 2026/27" and "Winter Plan 2026/27:
// planning for the coldest months").
func sameTitle(item, heading string) bool {
	want, have := titleWords(item), titleWords(heading)
	if len(want) == 0 {
		return false
	}
	n := 0
	for w := range want {
		if have[w] {
			n++
		}
	}
	return n*3 >= len(want)*2
}

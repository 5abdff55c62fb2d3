package pack

import (
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/title"
)

// A pack's pages often carry their paper's agenda item in a running
// header or footer, put there by whoever assembled the pack: "Agenda item
// 7", "Item 4.1", "Trust Board 4 March 2026 - Paper C", "Enclosure B". A
// PDF reader takes such lines out of the page's text (they repeat from
// page to page) and keeps them in document.Page.Running; where the item
// they name changes from one page to the next, a new paper starts.

// runningItemRe reads the item of a running line. A letter alone is an
// item only in capitals ("Paper C"), so that "item a" of a sentence is
// not one.
var runningItemRe = lazyre.New(`\b(?i:agenda item|item|paper|enclosure|enc\.)\s*:?\s*([0-9]+(?:\.[0-9]+)*[a-zA-Z]{0,4}|[A-Z][0-9]{0,2})\b`)

// runningItem is the item the first of a page's running lines that names
// one names: "4ai" (numbered items in lower case, as the agenda's are
// read), "C"; "" when none does.
func runningItem(lines []string) string {
	for _, l := range lines {
		if m := runningItemRe.FindStringSubmatch(l); m != nil {
			if n := m[1]; n[0] >= '0' && n[0] <= '9' {
				return strings.ToLower(n)
			}
			return m[1]
		}
	}
	return ""
}

// pageItems are the items the running lines of d's pages name
// (runningItem), by the page's index.
func pageItems(d *document.Document) []string {
	out := make([]string, len(d.Pages))
	for i, p := range d.Pages {
		out[i] = runningItem(p.Running)
	}
	return out
}

// byRunning splits a pack at the pages where the item its running lines
// name changes: each item's paper runs from the first page that names it
// to the next item's, and pages that name none (a divider, a cover
// without the header) stay with the paper before them. Papers take their
// titles, presenters and purposes from the agenda's item of the same
// number, else their title from their first heading. Nil unless two
// papers are found, or when an item comes back after another: running
// lines that do not name one paper after another are not the pack's
// order.
func byRunning(d *document.Document, us []unit, agenda []agendaItem, text func(int) string) []Paper {
	items := pageItems(d)
	var starts []runningStart
	seen := map[string]bool{}
	cur := ""
	for i := range us {
		if i > 0 && us[i-1].page == us[i].page {
			continue // not the page's first unit
		}
		it := items[us[i].page]
		if it == "" || it == cur {
			continue
		}
		if seen[it] {
			return nil
		}
		seen[it], cur = true, it
		starts = append(starts, runningStart{item: it, at: i})
	}
	var out []Paper
	for k, s := range starts {
		end := len(us)
		if k+1 < len(starts) {
			end = starts[k+1].at
		}
		out = append(out, runningPaper(d, us, s.item, s.at, end, agenda, text))
	}
	return agendaSplit(out, us, text)
}

// runningStart is a paper that running lines place: its item, from unit
// at.
type runningStart struct {
	item string
	at   int
}

// runningPaper is the paper of item that runs from unit start to end:
// titled, presented and purposed by the agenda's item of that number,
// else titled by its opening (openingTitle).
func runningPaper(d *document.Document, us []unit, item string, start, end int, agenda []agendaItem, text func(int) string) Paper {
	p := Paper{Number: item, start: start}
	for _, a := range agenda {
		if a.number == item {
			p.Title, p.Presenter, p.Purpose = a.title, a.presenter, a.purpose
			break
		}
	}
	if p.Title == "" {
		p.Title = openingTitle(d, us, start, end, text)
	}
	p.Kind = kindOf(p.Title)
	return p
}

// runningPlaced places, in a pack split at its cover sheets (papers, in
// units, as coverPapers makes them without running lines), the papers
// whose start only the running lines show: a page whose item (items, by
// page index) differs from that of the page before that names one, on
// which no paper starts (a cover and a change of item on one page are one
// start), and whose item is neither the number of the paper the page is
// in (a cover page without the running line, its body with it) nor one a
// cover gives (a divider before its cover stays with the paper before).
// The lines are trusted only as the covers bear them out: at least one
// paper a cover starts has its number named on its pages, where the
// item changes, and none another number (a pack whose lines say "Paper
// C" and covers "Agenda item 7" is not split by them); and, as in
// byRunning, no item comes back after another.
func runningPlaced(us []unit, items []string, papers []Paper) []runningStart {
	if !slices.ContainsFunc(items, func(it string) bool { return it != "" }) {
		return nil
	}
	numbers := map[string]bool{}
	startsOn := map[int]int{} // a page (by index) → the first paper starting on it
	for k := len(papers) - 1; k >= 0; k-- {
		numbers[papers[k].Number] = true
		startsOn[us[papers[k].start].page] = k
	}
	var out []runningStart
	seen := map[string]bool{}
	cur, agree, in := "", 0, 0 // in: the paper the page is in
	for i := range us {
		if i > 0 && us[i-1].page == us[i].page {
			continue // not the page's first unit
		}
		pg := us[i].page
		for in+1 < len(papers) && us[papers[in+1].start].page <= pg {
			in++
		}
		it := items[pg]
		if it == "" || it == cur {
			continue
		}
		if seen[it] {
			return nil
		}
		seen[it], cur = true, it
		k, starts := startsOn[pg]
		switch {
		case starts && papers[k].Number == "":
			// the agenda, or a paper a cover gives no number
		case starts && papers[k].Number != it:
			return nil
		case starts || papers[in].Number == it:
			agree++
		case !numbers[it]:
			out = append(out, runningStart{item: it, at: i})
		}
	}
	if agree == 0 {
		return nil
	}
	return out
}

// openingTitle is the title a paper opens with, in units [start, end):
// its first heading, or else its first line of two words or more that is
// not a field's label or the organisation's name.
func openingTitle(d *document.Document, us []unit, start, end int, text func(int) string) string {
	end = min(end, start+coverWindow)
	for i := start; i < end; i++ {
		if d.Pages[us[i].page].Blocks[us[i].block].Kind == document.Heading && !title.Org(text(i)) {
			return text(i)
		}
	}
	for i := start; i < end; i++ {
		if t := text(i); len(strings.Fields(t)) >= 2 && !isLabel(t) && !title.Org(t) {
			return title.Cut(t)
		}
	}
	return ""
}

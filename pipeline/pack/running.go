package pack

import (
	"regexp"
	"strings"

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
var runningItemRe = regexp.MustCompile(`\b(?i:agenda item|item|paper|enclosure|enc\.)\s*:?\s*([0-9]+(?:\.[0-9]+)*[a-zA-Z]{0,4}|[A-Z][0-9]{0,2})\b`)

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
	var out []Paper
	seen := map[string]bool{}
	cur := ""
	for i := range us {
		pi := us[i].page
		if i > 0 && us[i-1].page == pi {
			continue // not the page's first unit
		}
		it := runningItem(d.Pages[pi].Running)
		if it == "" || it == cur {
			continue
		}
		if seen[it] {
			return nil
		}
		seen[it], cur = true, it
		out = append(out, Paper{Number: it, start: i})
	}
	for k := range out {
		p := &out[k]
		end := len(us)
		if k+1 < len(out) {
			end = out[k+1].start
		}
		for _, a := range agenda {
			if a.number == p.Number {
				p.Title, p.Presenter, p.Purpose = a.title, a.presenter, a.purpose
				break
			}
		}
		if p.Title == "" {
			p.Title = openingTitle(d, us, p.start, end, text)
		}
		p.Kind = kindOf(p.Title)
	}
	return agendaSplit(out, us, text)
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

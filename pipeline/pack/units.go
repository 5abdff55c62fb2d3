package pack

import (
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// A pack is read as units, the lines a reader sees: a block, or one row
// of a table block, or one field of a cover sheet that a reader set as a
// single paragraph. A cover sheet drawn as a table ("Agenda item" | "4",
// "Title of report" | "Winter Plan") is one table block, and a cover of
// "Label: value" lines at single spacing is one paragraph ("Title of
// report: Finance report Executive lead: Director of Finance Purpose: For
// assurance"); read whole, neither has an "Agenda item" field of its own.
// Papers are found in units and handed back in blocks: a paper starting
// inside a block starts at the block.
type unit struct {
	page, block int // d.Pages[page].Blocks[block]
	ord         int // the block's index in the pack
	number      int // its page's number
	// paged: the page is a printed page (it has a size), not the whole
	// text of a converted file.
	paged bool
	text  string
	// cells are a table row's cells; nil for other blocks.
	cells []string
}

// unitsOf reads a document's units, and the page number of each block by
// its index in the pack.
func unitsOf(d *document.Document) (us []unit, pages []int) {
	for pi, p := range d.Pages {
		for bi, b := range p.Blocks {
			u := unit{page: pi, block: bi, ord: len(pages), number: p.Number, paged: p.Height > 0}
			pages = append(pages, p.Number)
			if b.Kind == document.Table && len(b.Rows) > 0 {
				for _, row := range b.Rows {
					u.cells, u.text = row, rowText(row)
					us = append(us, u)
				}
				continue
			}
			for _, f := range agendaLines(coverFields(strings.TrimSpace(b.Text))) {
				u.text = f
				us = append(us, u)
			}
		}
	}
	return us, pages
}

// rowText is a table row as a line: a label and its value ("Agenda item:
// 4") when the row is a label cell and a value, or a label ending in a
// colon and values ("Purpose: Approval Assurance Discussion X
// Information", the options of a purpose row with the chosen one marked);
// otherwise its cells joined by spaces. Empty cells are left out.
func rowText(row []string) string {
	var cells []string
	for _, c := range row {
		if c = strings.TrimSpace(c); c != "" {
			cells = append(cells, c)
		}
	}
	if len(cells) >= 2 && (len(cells) == 2 || strings.HasSuffix(cells[0], ":")) && labelCell(cells[0]) {
		return strings.TrimSpace(strings.TrimSuffix(cells[0], ":")) + ": " + strings.Join(cells[1:], " ")
	}
	return strings.Join(cells, " ")
}

// labelCell: a cell that can be a field's label: a few words with a
// letter, not a sentence.
func labelCell(c string) bool {
	return len(strings.Fields(c)) <= 6 && strings.ContainsFunc(c, func(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }) &&
		!strings.HasSuffix(c, ".")
}

// coverFieldRe finds a cover sheet's field labels inside a paragraph.
var coverFieldRe = lazyre.New(`(?i)(?:^|\s)(?:meeting(?: date)?|date(?: of (?:the )?meeting)?|agenda item|item (?:no\.?|number|ref(?:erence)?)|title of (?:the )?(?:report|paper)|report title|paper title|presented by|presenter|prepared by|author|lead (?:director|officer|executive)|executive lead|sponsor|purpose(?: of (?:the )?(?:report|paper))?|recommendations?(?:\s*\(s\))?|report(?:ing)? to|name of (?:the )?committee)\s*:`)

// coverFields splits a paragraph that is a cover sheet's fields run
// together, one after another, into the fields ("Meeting: Board of
// Directors Date: 4 March 2026" is two). Only a paragraph that opens with
// a field label and holds another is split: prose that mentions a
// "purpose:" is left whole. "Meeting:" is a label only at the start: after
// it, it ends a title ("Minutes of the Board Meeting: 4 February 2026").
func coverFields(t string) []string {
	// Each label ends in a colon: a paragraph with fewer than two has no
	// two labels, and most of a pack's paragraphs are prose, over which
	// the labels' pattern is slow.
	if strings.Count(t, ":") < 2 {
		return []string{t}
	}
	var locs [][]int
	for _, l := range coverFieldRe.FindAllStringIndex(t, -1) {
		if len(locs) == 0 || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(t[l[0]:l[1]])), "meeting") {
			locs = append(locs, l)
		}
	}
	if len(locs) < 2 || locs[0][0] != 0 {
		return []string{t}
	}
	var out []string
	for k, l := range locs {
		end := len(t)
		if k+1 < len(locs) {
			end = locs[k+1][0]
			if strings.TrimSpace(t[l[1]:end]) == "" {
				// labels with no values between them: the label row
				// of a two-column cover read across ("Agenda item:
				// Title of report:"), which readCover reads as one
				return []string{t}
			}
		}
		out = append(out, strings.TrimSpace(t[l[0]:end]))
	}
	return out
}

// agendaLineRe finds an agenda's "Item 4 Winter Plan" inside a paragraph.
var agendaLineRe = lazyre.New(`(?:^|\s)(?:Item|ITEM)\s+[0-9]+(?:\.[0-9]+)*[a-z]{0,4}\s+\S`)

// agendaLines splits a paragraph that is an agenda's lines run together
// ("Item 1 Welcome and apologies Item 2 Minutes of the meeting ... 2 Item
// 3 ...", as a reader joins lines set at single spacing) into its lines,
// what comes before the first item a line of its own. Text with fewer
// than two items is left whole.
func agendaLines(fields []string) []string {
	if len(fields) != 1 {
		return fields
	}
	t := fields[0]
	// Each line holds "Item" or "ITEM": a paragraph with fewer than two
	// has no two lines (a cheap test before the slower pattern).
	if strings.Count(t, "Item")+strings.Count(t, "ITEM") < 2 {
		return fields
	}
	locs := agendaLineRe.FindAllStringIndex(t, -1)
	if len(locs) < 2 {
		return fields
	}
	var out []string
	if head := strings.TrimSpace(t[:locs[0][0]]); head != "" {
		out = append(out, head)
	}
	for k, l := range locs {
		end := len(t)
		if k+1 < len(locs) {
			end = locs[k+1][0]
		}
		out = append(out, strings.TrimSpace(t[l[0]:end]))
	}
	return out
}

// inBlocks turns papers found in units into papers in blocks, each from
// the block its first unit is in to the next paper's, with the pages of
// its first and last blocks. The first paper starts at the pack's start.
func inBlocks(out []Paper, us []unit, pages []int) []Paper {
	for k := range out {
		if k == 0 {
			out[k].start = 0
		} else {
			out[k].start = us[out[k].start].ord
		}
	}
	for k := range out {
		out[k].end = len(pages)
		if k+1 < len(out) {
			out[k].end = out[k+1].start
		}
		if len(pages) > 0 {
			out[k].FirstPage = pages[min(out[k].start, len(pages)-1)]
			out[k].LastPage = pages[min(max(out[k].end-1, out[k].start), len(pages)-1)]
		}
	}
	return out
}

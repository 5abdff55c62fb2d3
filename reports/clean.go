package reports

import (
	"strings"
	"unicode"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/rules"
)

// printable drops control characters other than newline and tab from
// document text: an escape sequence in a title or a quote must not reach
// a terminal, where it could move the cursor, retitle the window or hide
// what follows.
func printable(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) }

func printables(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = printable(s)
	}
	return out
}

// cleanCard is a copy of a scorecard whose texts are printable, for the
// formats people read in a terminal (text and Markdown).
func cleanCard(c *rules.Scorecard) *rules.Scorecard {
	out := *c
	out.Document.Source = printable(c.Document.Source)
	out.Document.Title = printable(c.Document.Title)
	out.Document.Quality.Warnings = printables(c.Document.Quality.Warnings)
	out.Criteria = make([]rules.Criterion, len(c.Criteria))
	for i, cr := range c.Criteria {
		cr.Name, cr.Summary = printable(cr.Name), printable(cr.Summary)
		cr.Gaps, cr.Questions, cr.RedFlags = printables(cr.Gaps), printables(cr.Questions), printables(cr.RedFlags)
		ev := make([]rules.Evidence, len(cr.Evidence))
		for j, e := range cr.Evidence {
			ev[j] = rules.Evidence{Quote: printable(e.Quote), Page: e.Page, Section: printable(e.Section), Signal: printable(e.Signal), OCR: e.OCR}
			if c := e.Claim; c != nil {
				ev[j].Claim = &annotate.Claim{Form: printable(c.Form), Voice: printable(c.Voice), Status: printable(c.Status),
					Polarity: printable(c.Polarity), Scope: printable(c.Scope), Speaker: printable(c.Speaker)}
			}
		}
		cr.Evidence = ev
		out.Criteria[i] = cr
	}
	out.Facts = make([]rules.Fact, len(c.Facts))
	for i, f := range c.Facts {
		f.Text, f.Unit, f.Note = printable(f.Text), printable(f.Unit), printable(f.Note)
		out.Facts[i] = f
	}
	return &out
}

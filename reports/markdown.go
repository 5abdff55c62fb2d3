package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// Markdown writes each scorecard as Markdown (CommonMark with GitHub
// tables) fit to paste into a board briefing: a summary table, then per
// criterion the evidence, gaps, questions and red flags. Document text is
// escaped so that a quote can never become a link, a heading or HTML.
func Markdown(w io.Writer, cards []*rules.Scorecard) error {
	var b strings.Builder
	for i, c := range cards {
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		mdCard(&b, cleanCard(c))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCard(b *strings.Builder, c *rules.Scorecard) {
	d := c.Document
	fmt.Fprintf(b, "# %s\n\n", mdEscape(title(c)))
	if c.Status == rules.StatusFailed {
		fmt.Fprintf(b, "%s\n\n**%s** %s\n", mdEscape(d.Source), notScored(c), mdEscape(c.Reason))
		return
	}
	fmt.Fprintf(b, "%s · %s · %s · %s words · rules `%s`\n\n", mdEscape(d.Source), d.Format, textclean.Plural(d.Pages, "page"), textclean.Thousands(int64(d.Words)), short(c.Tool.RulesVersion))
	if d.Kind != "" {
		fmt.Fprintf(b, "*Read as: %s.* %s\n\n", mdEscape(d.Kind), mdEscape(d.Fit))
	}
	for _, wq := range d.Quality.Warnings {
		fmt.Fprintf(b, "> **Warning:** %s\n\n", mdEscape(wq))
	}
	if !c.Scored() {
		fmt.Fprintf(b, "**%s** %s\n", notScored(c), mdEscape(c.Reason))
		return
	}
	b.WriteString("| Criterion | Score | Summary | Red flags |\n|---|---|---|---|\n")
	for _, cr := range c.Criteria {
		fmt.Fprintf(b, "| %s | %s %d/%d | %s | %d |\n", mdEscape(cr.Name), bar(cr.Score, cr.Max), cr.Score, cr.Max, mdEscape(cr.Summary), len(cr.RedFlags))
	}
	got, outOf := c.Total()
	fmt.Fprintf(b, "| **Total** | **%d/%d** | | |\n", got, outOf)
	if flags := redFlags(c); len(flags) > 0 {
		b.WriteString("\n## Red flags\n\n")
		for _, f := range flags {
			fmt.Fprintf(b, "- ⚠ %s (%s)\n", mdEscape(f.text), mdEscape(f.criterion))
		}
	}
	for _, cr := range c.Criteria {
		fmt.Fprintf(b, "\n## %s: %d/%d\n\n%s\n", mdEscape(cr.Name), cr.Score, cr.Max, mdEscape(cr.Summary))
		if len(cr.Evidence) > 0 {
			b.WriteString("\n**Evidence**\n\n")
			for _, e := range cr.Evidence {
				fmt.Fprintf(b, "- “%s”  \n  *%s* (%s)\n", mdEscape(e.Quote), mdEscape(where(e)), mdEscape(e.Signal))
			}
		}
		if len(cr.Gaps) > 0 {
			if cr.Score < cr.Max {
				fmt.Fprintf(b, "\n**To reach %d**\n\n", cr.Score+1)
			} else {
				b.WriteString("\n**Still missing**\n\n")
			}
			mdList(b, cr.Gaps, "")
		}
		if len(cr.Questions) > 0 {
			b.WriteString("\n**Questions to ask**\n\n")
			mdList(b, cr.Questions, "")
		}

	}
	if len(c.Facts) > 0 {
		b.WriteString("\n## Money and rates found\n\n| Page | Found |\n|---|---|\n")
		for i, f := range c.Facts {
			if i == maxFacts {
				fmt.Fprintf(b, "| | … and %d more (see the JSON) |\n", len(c.Facts)-i)
				break
			}
			fmt.Fprintf(b, "| %d | %s |\n", f.Page, mdEscape(factLine(f)))
		}
	}
}

func mdList(b *strings.Builder, items []string, mark string) {
	for _, it := range items {
		fmt.Fprintf(b, "- %s%s\n", mark, mdEscape(it))
	}
}

// mdSpecial are the characters that can start Markdown syntax anywhere in
// a line (emphasis, code, links, HTML, tables, strikethrough); > matters
// only at the start of a line (a quote), < already starts any tag. An & is
// escaped only where it would start an entity, so that "A&E" stays
// readable in the raw text.
const mdSpecial = "\\`*_[]<|~"

var mdEntity = lazyre.New(`&(#?[A-Za-z0-9]+;)`)

// mdEscape makes text literal in Markdown: line breaks become spaces (a
// quote is one paragraph), syntax characters get a backslash, and a line
// start that would open a heading, list, quote or numbered list is
// escaped too.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	// Byte by byte: the syntax characters are ASCII, and other bytes
	// pass through untouched, valid UTF-8 or not.
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(mdSpecial, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	out := mdEntity.ReplaceAllString(b.String(), `\&$1`)
	if out == "" {
		return out
	}
	switch out[0] {
	case '#', '+', '-', '=', '>':
		return "\\" + out
	}
	// "1. Introduction" or "2) Aims" at the start of a line is a list
	// ("1.2%" is not).
	i := 0
	for i < len(out) && out[i] >= '0' && out[i] <= '9' {
		i++
	}
	if i > 0 && i <= 9 && i < len(out) && (out[i] == '.' || out[i] == ')') && (i+1 == len(out) || out[i+1] == ' ') {
		return out[:i] + "\\" + out[i:]
	}
	return out
}

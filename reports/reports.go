// Package reports renders scorecards. It only reads results (package
// rules' Scorecard); it never scores.
package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nhsreview/nhsreview/rules"
)

// JSON writes one scorecard as an object, several as an array
// (CONTRACT.md).
func JSON(w io.Writer, cards []*rules.Scorecard) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(cards) == 1 {
		return enc.Encode(cards[0])
	}
	if cards == nil {
		cards = []*rules.Scorecard{}
	}
	return enc.Encode(cards)
}

// bar draws a score as filled and empty blocks.
func bar(score, max int) string {
	return strings.Repeat("█", score) + strings.Repeat("░", max-score)
}

// Text writes a plain-text scorecard for each document: a one-screen
// summary, then per criterion the evidence with page numbers, what is
// missing, the questions to ask and the red flags.
func Text(w io.Writer, cards []*rules.Scorecard) error {
	var b strings.Builder
	for i, c := range cards {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat("═", 78) + "\n\n")
		}
		textCard(&b, c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func textCard(b *strings.Builder, c *rules.Scorecard) {
	d := c.Document
	title := d.Title
	if title == "" {
		title = d.Source
	}
	fmt.Fprintf(b, "%s\n", title)
	fmt.Fprintf(b, "%s · %s · %s · %s words · rules %s\n", d.Source, d.Format, plural(d.Pages, "page"), thousands(d.Words), short(c.Tool.RulesVersion))
	for _, wq := range d.Quality.Warnings {
		fmt.Fprintf(b, "warning: %s\n", wq)
	}
	b.WriteString("\n")
	total := 0
	for _, cr := range c.Criteria {
		total += cr.Score
		fmt.Fprintf(b, "  %-20s %s %d/%d  %s\n", cr.Name, bar(cr.Score, cr.Max), cr.Score, cr.Max, firstSentence(cr.Summary))
	}
	fmt.Fprintf(b, "  %-20s %d/%d\n", "Total", total, 3*len(c.Criteria))
	for _, cr := range c.Criteria {
		fmt.Fprintf(b, "\n%s: %d/%d\n", cr.Name, cr.Score, cr.Max)
		fmt.Fprintf(b, "%s\n", wrap(cr.Summary, 78, ""))
		if len(cr.Evidence) > 0 {
			b.WriteString("Evidence:\n")
			for _, e := range cr.Evidence {
				where := fmt.Sprintf("p. %d", e.Page)
				if e.Section != "" {
					where += ", " + e.Section
				}
				fmt.Fprintf(b, "  - %s [%s]\n%s\n", where, e.Signal, wrap("“"+e.Quote+"”", 78, "    "))
			}
		}
		if len(cr.Gaps) > 0 {
			if cr.Score < cr.Max {
				fmt.Fprintf(b, "To reach %d:\n", cr.Score+1)
			}
			for _, g := range cr.Gaps {
				fmt.Fprintf(b, "%s\n", wrap("- "+g, 78, "  "))
			}
		}
		if len(cr.Questions) > 0 {
			b.WriteString("Questions to ask:\n")
			for _, q := range cr.Questions {
				fmt.Fprintf(b, "%s\n", wrap("? "+q, 78, "  "))
			}
		}
		if len(cr.RedFlags) > 0 {
			b.WriteString("Red flags:\n")
			for _, r := range cr.RedFlags {
				fmt.Fprintf(b, "%s\n", wrap("! "+r, 78, "  "))
			}
		}
	}
	if len(c.Facts) > 0 {
		b.WriteString("\nMoney and rates found:\n")
		for i, f := range c.Facts {
			if i == 12 {
				fmt.Fprintf(b, "  … and %d more (see --format json)\n", len(c.Facts)-i)
				break
			}
			line := fmt.Sprintf("p. %d  %s", f.Page, f.Text)
			switch {
			case f.Computed:
				line = fmt.Sprintf("p. %d  %s (computed by nhsreview)", f.Page, f.Note)
			case f.Kind == "target":
				line += " (target)"
			case f.Kind == "rate":
			case f.Unit != "":
				line += " (" + f.Unit + ")"
			}
			fmt.Fprintf(b, "  %s\n", line)
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func short(v string) string {
	if len(v) > 12 {
		return v[:12]
	}
	return v
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// firstSentence keeps a summary to one line of the overview.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i+1]
	}
	if r := []rune(s); len(r) > 48 {
		cut := string(r[:47])
		if j := strings.LastIndexByte(cut, ' '); j > 30 {
			cut = cut[:j]
		}
		s = cut + "…"
	}
	return s
}

// wrap folds text at width, indenting continuation lines.
func wrap(s string, width int, indent string) string {
	words := strings.Fields(s)
	var b strings.Builder
	line := indent
	first := true
	for _, w := range words {
		if !first && len([]rune(line))+1+len([]rune(w)) > width {
			b.WriteString(line + "\n")
			line = indent + "  " + w
			continue
		}
		if first {
			line += w
			first = false
		} else {
			line += " " + w
		}
	}
	b.WriteString(line)
	return b.String()
}

package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// painter adds ANSI colour when it is on and leaves text alone when it is
// off, so that the plain report is byte for byte what a pipe receives.
type painter bool

const (
	ansiBold   = "1"
	ansiDim    = "2"
	ansiRed    = "31"
	ansiGreen  = "32"
	ansiYellow = "33"
	ansiCyan   = "36"
)

func (p painter) paint(code, s string) string {
	if !p || s == "" {
		return s
	}
	// Colour each line on its own: pagers such as less -R reset
	// attributes at line ends.
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\x1b[" + code + "m" + l + "\x1b[0m"
		}
	}
	return strings.Join(lines, "\n")
}

// scoreColor goes from red (nothing) to bold green (full marks) relative to
// the criterion's maximum.
func scoreColor(score, outOf int) string {
	switch {
	case outOf <= 0 || score <= 0:
		return ansiRed
	case score >= outOf:
		return ansiBold + ";" + ansiGreen
	case 3*score < 2*outOf:
		return ansiYellow
	}
	return ansiGreen
}

func (p painter) bar(score, outOf int) string {
	score = min(max(score, 0), outOf)
	return p.paint(scoreColor(score, outOf), strings.Repeat("█", score)) + p.paint(ansiDim, strings.Repeat("░", outOf-score))
}

// Text writes a terminal scorecard for each document: a one-screen
// summary, then per criterion the evidence with page numbers, what is
// missing, the questions to ask and the red flags.
func Text(w io.Writer, cards []*rules.Scorecard, o Options) error {
	p := painter(o.Color)
	var b strings.Builder
	for i, c := range cards {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat("═", 78) + "\n\n")
		}
		textCard(&b, cleanCard(c), p)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func textCard(b *strings.Builder, c *rules.Scorecard, p painter) {
	d := c.Document
	fmt.Fprintf(b, "%s\n", p.paint(ansiBold, title(c)))
	if c.Status == rules.StatusFailed {
		fmt.Fprintf(b, "%s\n\n%s\n%s\n", d.Source, p.paint(ansiBold+";"+ansiRed, notScored(c)), wrap(c.Reason, 78, ""))
		return
	}
	fmt.Fprintf(b, "%s · %s · %s · %s words · rules %s\n", d.Source, d.Format, textclean.Plural(d.Pages, "page"), textclean.Thousands(int64(d.Words)), short(c.Tool.RulesVersion))
	if d.Kind != "" {
		fmt.Fprintf(b, "%s\n", wrap(strings.TrimSpace("Read as: "+d.Kind+". "+d.Fit), 78, ""))
	}
	for _, wq := range d.Quality.Warnings {
		fmt.Fprintf(b, "%s\n", p.paint(ansiYellow, "warning: "+wq))
	}
	b.WriteString("\n")
	if !c.Scored() {
		fmt.Fprintf(b, "%s\n", p.paint(ansiBold+";"+ansiRed, notScored(c)))
		fmt.Fprintf(b, "%s\n", wrap(c.Reason, 78, ""))
		return
	}
	for _, cr := range c.Criteria {
		fmt.Fprintf(b, "  %-20s %s %d/%d  %s\n", cr.Name, p.bar(cr.Score, cr.Max), cr.Score, cr.Max, firstSentence(cr.Summary))
	}
	got, outOf := c.Total()
	fmt.Fprintf(b, "  %-20s %s\n", "Total", p.paint(ansiBold, fmt.Sprintf("%d/%d", got, outOf)))
	// Red flags come straight after the scores: they are what a reader
	// takes into the meeting, and in a long report they would otherwise
	// start a hundred lines down.
	if flags := redFlags(c); len(flags) > 0 {
		b.WriteString("\n" + p.paint(ansiBold+";"+ansiRed, "Red flags:") + "\n")
		for _, f := range flags {
			fmt.Fprintf(b, "%s\n", p.paint(ansiRed, wrap("! "+f.text+" ("+f.criterion+")", 78, "  ")))
		}
	}
	for _, cr := range c.Criteria {
		fmt.Fprintf(b, "\n%s: %s\n", p.paint(ansiBold, cr.Name), p.paint(scoreColor(cr.Score, cr.Max), fmt.Sprintf("%d/%d", cr.Score, cr.Max)))
		fmt.Fprintf(b, "%s\n", wrap(cr.Summary, 78, ""))
		if len(cr.Evidence) > 0 {
			b.WriteString(p.paint(ansiBold, "Evidence:") + "\n")
			for _, e := range cr.Evidence {
				fmt.Fprintf(b, "  - %s %s\n%s\n", p.paint(ansiCyan, where(e)), p.paint(ansiDim, "["+e.Signal+"]"), wrap("“"+e.Quote+"”", 78, "    "))
			}
		}
		if len(cr.Gaps) > 0 {
			if cr.Score < cr.Max {
				b.WriteString(p.paint(ansiBold, fmt.Sprintf("To reach %d:", cr.Score+1)) + "\n")
			}
			for _, g := range cr.Gaps {
				fmt.Fprintf(b, "%s\n", wrap("- "+g, 78, "  "))
			}
		}
		if len(cr.Questions) > 0 {
			b.WriteString(p.paint(ansiBold, "Questions to ask:") + "\n")
			for _, q := range cr.Questions {
				fmt.Fprintf(b, "%s\n", p.paint(ansiCyan, wrap("? "+q, 78, "  ")))
			}
		}

	}
	if len(c.Facts) > 0 {
		b.WriteString("\n" + p.paint(ansiBold, "Money and rates found:") + "\n")
		for i, f := range c.Facts {
			if i == maxFacts {
				fmt.Fprintf(b, "  … and %d more (see --format json)\n", len(c.Facts)-i)
				break
			}
			fmt.Fprintf(b, "  p. %d  %s\n", f.Page, factLine(f))
		}
	}
}

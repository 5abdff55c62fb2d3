// Package reports renders scorecards for people and programs: a terminal
// scorecard, Markdown, a self-contained HTML file, JSON and CSV, a
// documents x criteria comparison and the differences between two versions
// of one document, and the corpus's listings (documents, a document's
// versions and fetches, exported scores, organisations). It only reads
// results (package rules' Scorecard and the Comparison, Diff and listing
// models defined here); it never scores and never opens the corpus.
package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/rules"
)

// Format names an output format.
type Format string

// The formats, as spelled on the command line.
const (
	FormatText     Format = "text"
	FormatMarkdown Format = "md"
	FormatHTML     Format = "html"
	FormatJSON     Format = "json"
	FormatCSV      Format = "csv"
	// FormatJSONL is JSON Lines: one object a line, for exports large
	// enough to stream (jq, pandas' read_json(lines=True), R's
	// jsonlite::stream_in).
	FormatJSONL Format = "jsonl"
)

// Formats each report supports, in the order help texts list them.
var (
	ScorecardFormats  = []Format{FormatText, FormatMarkdown, FormatHTML, FormatJSON, FormatCSV}
	ComparisonFormats = []Format{FormatText, FormatMarkdown, FormatHTML, FormatCSV}
	DiffFormats       = []Format{FormatText, FormatMarkdown, FormatHTML, FormatJSON}
)

// ParseFormat checks a format name against those a report supports;
// "markdown" is accepted for "md".
func ParseFormat(s string, allowed []Format) (Format, error) {
	f := Format(strings.ToLower(s))
	if f == "markdown" {
		f = FormatMarkdown
	}
	if slices.Contains(allowed, f) {
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use %s", s, FormatList(allowed))
}

// FormatList spells formats as "text, md or html".
func FormatList(fs []Format) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Options change how reports look, never what they say.
type Options struct {
	// Color adds ANSI colours to text reports (for a terminal).
	Color bool
}

// Scorecards writes the scorecards of several documents in one format.
func Scorecards(w io.Writer, f Format, cards []*rules.Scorecard, o Options) error {
	switch f {
	case FormatText:
		return Text(w, cards, o)
	case FormatMarkdown:
		return Markdown(w, cards)
	case FormatHTML:
		return HTML(w, cards)
	case FormatJSON:
		return JSON(w, cards)
	case FormatCSV:
		return CSV(w, cards)
	}
	return fmt.Errorf("scorecards cannot be written as %q", f)
}

// title is what a document is called in reports: its title, or its source
// when no title was found.
func title(c *rules.Scorecard) string {
	if t := strings.TrimSpace(c.Document.Title); t != "" {
		return t
	}
	return c.Document.Source
}

// flag is a red flag with the criterion that raised it.
type flag struct{ text, criterion string }

// redFlags lists a card's red flags in criterion order.
func redFlags(c *rules.Scorecard) []flag {
	var out []flag
	for _, cr := range c.Criteria {
		for _, r := range cr.RedFlags {
			out = append(out, flag{r, cr.Name})
		}
	}
	return out
}

// notScored is the headline of a card without scores: a document that
// could not be read is not a document that scores 0.
func notScored(c *rules.Scorecard) string {
	if c.Status == rules.StatusFailed {
		return "Not scored: the document could not be read."
	}
	return "Not scored: too little text to judge."
}

// bar draws a score as filled and empty blocks.
func bar(score, outOf int) string {
	score = min(max(score, 0), outOf)
	return strings.Repeat("█", score) + strings.Repeat("░", outOf-score)
}

// short cuts a rules version (a SHA-256) to the 12 characters people can
// compare by eye.
func short(v string) string {
	if len(v) > 12 {
		return v[:12]
	}
	return v
}

// firstSentence keeps a summary to one line of an overview.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i+1]
	}
	return clip(s, 48)
}

// clip shortens text to n runes at a word boundary where one is near,
// marking the cut with an ellipsis; the result is at most n runes, as
// the text columns and the HTML front page are laid out in characters.
// It differs on purpose from textclean.Shorten (a bound in bytes) and
// title.Cut (bytes, any word boundary), and the golden files hold it.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if j := strings.LastIndexByte(cut, ' '); j > len(cut)*2/3 {
		cut = cut[:j]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
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

// where names the place of a passage: page and section.
func where(e rules.Evidence) string {
	s := fmt.Sprintf("p. %d", e.Page)
	if e.OCR {
		// OCR's words can be misread: the reader checks them against
		// the page.
		s += " (read by OCR)"
	}
	if e.Section != "" {
		s += ", " + e.Section
	}
	return s
}

// factLine describes a fact in one line: the computed ones say so, since
// they are not printed in the document.
func factLine(f rules.Fact) string {
	switch {
	case f.Computed:
		return f.Note + " (computed by nhsreview)"
	case f.Kind == "target":
		return f.Text + " (target)"
	case f.Kind == "rate":
		return f.Text
	case f.Unit != "":
		return f.Text + " (" + f.Unit + ")"
	}
	return f.Text
}

// maxFacts is how many facts the readable reports list; JSON has them all.
const maxFacts = 12

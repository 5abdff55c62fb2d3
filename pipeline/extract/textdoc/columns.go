package textdoc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Text converted from a PDF often keeps the PDF's lines as paragraphs of
// their own, and a converter that reads a two-column page across takes the
// columns' lines in turn:
//
//	Welcome to the Annual Report for Leeds
//	We have commissioned an independent
//	Teaching Hospitals NHS Trust, looking back at
//	external review to complement NHS England's
//
// Read as it stands, no sentence is whole. rejoinLines finds runs of such
// line paragraphs and puts them back together: each line is given to the
// column whose text it best continues (a line that starts in lower case
// continues an unfinished one; a hyphen at a line's end joins the next
// word), with a preference for taking turns; a document is read as two
// columns only when that reads clearly better over all its runs.

// lineMax is the longest paragraph taken for a line of a converted page;
// a real paragraph is longer, or ends its sentence.
const lineMax = 110

// minLineRun is the fewest line paragraphs in a row that are rejoined,
// and openShare the share of them that must stop mid-sentence: a list of
// short sentences, or a title page, is neither.
const (
	minLineRun = 4
	openShare  = 0.6
)

// maxJoined bounds a rejoined paragraph: a column's text is split after a
// sentence once it is this long, so that a page is not one paragraph.
const maxJoined = 600

// twoColumnMargin is how much better, on average over a document's line
// runs, a reading in two columns must follow on than a reading in one for
// the document to be read as two columns read across. Deciding per
// document, not per run, matters: a short run gives too few line ends to
// tell, and a converter reads every page of a document the same way.
// Measured on the shared corpus's Markdown conversions, documents whose
// columns were interleaved score 0.18 to 0.34, single-column ones 0.03 to
// 0.13.
const twoColumnMargin = 0.15

// minFollow is the mean continuation score a run must reach, in the
// layout chosen, to be rejoined: lines that mostly carry on a sentence.
// A run of names and job titles ("Dr Sara Munro", "Interim Chief
// Executive") does not, and is left as it is.
const minFollow = 1.3

// rejoined says what rejoinLines did, for the document's quality report.
type rejoined struct {
	Lines      int  // line paragraphs rejoined
	TwoColumns bool // the document was read as two columns read across
	Broken     int  // paragraphs joined to the unfinished one before them
}

// rejoinLines rewrites runs of line paragraphs in reading order.
func rejoinLines(blocks []document.Block) ([]document.Block, rejoined) {
	type run struct {
		i, j   int
		lines  []string
		s1, s2 float64
	}
	var runs []run
	var w1, w2, n float64
	for i := 0; i < len(blocks); {
		j := i
		for j < len(blocks) && isLine(blocks[j]) {
			j++
		}
		if j-i >= minLineRun && openLines(blocks[i:j]) {
			r := run{i: i, j: j}
			for k := i; k < j; k++ {
				r.lines = append(r.lines, blocks[k].Text)
			}
			_, r.s1 = assign(r.lines, 1)
			_, r.s2 = assign(r.lines, 2)
			w1 += r.s1 * float64(j-i)
			w2 += r.s2 * float64(j-i)
			n += float64(j - i)
			runs = append(runs, r)
		}
		if j == i {
			j++
		}
		i = j
	}
	var rj rejoined
	if len(runs) == 0 {
		return blocks, rj
	}
	rj.TwoColumns = n >= 20 && (w2-w1)/n >= twoColumnMargin
	out := make([]document.Block, 0, len(blocks))
	last := 0
	for _, r := range runs {
		cols, score := 1, r.s1
		if rj.TwoColumns {
			cols, score = 2, r.s2
		}
		if score < minFollow {
			continue
		}
		out = append(out, blocks[last:r.i]...)
		for _, p := range readColumns(r.lines, cols) {
			out = append(out, document.Block{Kind: document.Paragraph, Text: p})
		}
		rj.Lines += r.j - r.i
		last = r.j
	}
	out = append(out, blocks[last:]...)
	return out, rj
}

// minLineWords is the fewest words of a line of running text: shorter
// paragraphs are labels, numbers, or the debris of a converter that lost
// glyphs (", f", "veys"), and joining them makes no sentence.
const minLineWords = 3

// isLine: a plain paragraph short enough to be one line of a page.
func isLine(b document.Block) bool {
	return b.Kind == document.Paragraph && !b.Bold && len(b.Text) <= lineMax && hasLetter(b.Text) &&
		len(strings.Fields(b.Text)) >= minLineWords
}

func openLines(bs []document.Block) bool {
	open := 0
	for _, b := range bs {
		if !endsSentence(b.Text) {
			open++
		}
	}
	return float64(open) >= openShare*float64(len(bs))
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " ”\"’')*0123456789")
	if s == "" {
		return false
	}
	switch r, _ := utf8.DecodeLastRuneInString(s); r {
	case '.', '!', '?', ';', ':', '…':
		return true
	}
	return false
}

// follows scores how well line continues tail, the text of a column so
// far: 3 for a word broken by a hyphen, 2 for a lower-case start after an
// unfinished sentence, 1 for a capital after a finished one, 0.5 for a
// capital after an unfinished one (a name, or the other column's line),
// 0 for a lower-case start after a finished sentence.
func follows(tail, line string) float64 {
	lower := textclean.StartsLower(strings.TrimLeft(line, " •▪-–(\"“‘'"))
	switch {
	case hyphenBreak(tail) && lower:
		return 3
	case !endsSentence(tail) && lower:
		return 2
	case lower:
		return 0
	case !endsSentence(tail):
		return 0.5
	}
	return 1
}

func hyphenBreak(s string) bool {
	s = strings.TrimRight(s, " ")
	if !strings.HasSuffix(s, "-") || len(s) < 2 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:len(s)-1])
	return unicode.IsLetter(r)
}

// turnBonus is what taking turns is worth: enough to send a capitalised
// line to the other column, not enough to break a lower-case continuation.
const turnBonus = 0.75

// readColumns returns the lines in column order, as paragraphs.
func readColumns(lines []string, n int) []string {
	cols, _ := assign(lines, n)
	var out []string
	for _, col := range cols {
		out = append(out, joinColumn(col)...)
	}
	return out
}

// assign gives each line to one of n columns, greedily, and returns the
// columns and the mean continuation score of the lines after the first of
// each column.
func assign(lines []string, n int) ([][]string, float64) {
	cols := make([][]string, n)
	prev := -1
	total, scored := 0.0, 0
	for _, l := range lines {
		best, bestScore, raw := 0, -1.0, 0.0
		for c := range cols {
			var s float64
			if len(cols[c]) == 0 {
				s = 1 // a new column starts like a new sentence
			} else {
				s = follows(cols[c][len(cols[c])-1], l)
			}
			bonus := 0.0
			if n > 1 && c != prev {
				bonus = turnBonus
			}
			if s+bonus > bestScore {
				best, bestScore, raw = c, s+bonus, s
			}
		}
		if len(cols[best]) > 0 {
			total += raw
			scored++
		}
		cols[best] = append(cols[best], l)
		prev = best
	}
	if scored == 0 {
		return cols, 0
	}
	return cols, total / float64(scored)
}

// joinColumn joins a column's lines into paragraphs, mending words broken
// by a hyphen at a line's end, and starting a new paragraph after a
// finished sentence once the paragraph is long.
func joinColumn(lines []string) []string {
	var out []string
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if b.Len() > 0 {
			prev := b.String()
			switch {
			case hyphenBreak(prev) && textclean.StartsLower(l):
				s := strings.TrimRight(prev, " ")
				b.Reset()
				b.WriteString(s[:len(s)-1])
			case endsSentence(prev) && b.Len() >= maxJoined:
				out = append(out, prev)
				b.Reset()
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// maxBrokenJoin bounds a paragraph made by joinBroken, so that a run of
// unpunctuated lines is not made into one block without end.
const maxBrokenJoin = 2000

// joinBroken joins a plain paragraph that starts in lower case to the
// paragraph before it when that one stops mid-sentence: a converter that
// put a blank line after every few lines of a page leaves "The Willow
// Group was formed by Southern Health Trust and operates" and "out of
// Gosport." as two paragraphs, neither a sentence. Runs of such lines
// long enough to read as columns are rejoinLines's; this mends the pairs
// and threes between them. In a document read as two columns across a
// lower-case start may be the other column's, so it is left alone there.
func joinBroken(blocks []document.Block, rj *rejoined) []document.Block {
	if rj.TwoColumns {
		return blocks
	}
	out := blocks[:0]
	for _, b := range blocks {
		if n := len(out); n > 0 && b.Kind == document.Paragraph && !b.Bold && out[n-1].Kind == document.Paragraph &&
			!out[n-1].Bold && continuesBroken(out[n-1].Text, b.Text) && len(out[n-1].Text)+len(b.Text) < maxBrokenJoin {
			prev := strings.TrimRight(out[n-1].Text, " ")
			next := strings.TrimSpace(b.Text)
			if hyphenBreak(prev) {
				out[n-1].Text = prev[:len(prev)-1] + next
			} else {
				out[n-1].Text = prev + " " + next
			}
			rj.Broken++
			continue
		}
		out = append(out, b)
	}
	return out
}

// continuesBroken: next carries on prev's unfinished sentence, starting
// in lower case (after a dash or bracket, if any).
func continuesBroken(prev, next string) bool {
	return hasLetter(prev) && !endsSentence(prev) && textclean.StartsLower(strings.TrimLeft(next, " •▪-–(\"“‘'"))
}

// openLineShare is the share of paragraphs that are unfinished lines in a
// run of them: what rejoinLines repairs, and what a test holds down.
func openLineShare(blocks []document.Block) float64 {
	paras, open := 0, 0
	for i := 0; i < len(blocks); {
		j := i
		for j < len(blocks) && isLine(blocks[j]) {
			j++
		}
		if j-i >= minLineRun {
			for _, b := range blocks[i:j] {
				if !endsSentence(b.Text) {
					open++
				}
			}
		}
		if j == i {
			j++
		}
		for _, b := range blocks[i:j] {
			if b.Kind == document.Paragraph {
				paras++
			}
		}
		i = j
	}
	if paras == 0 {
		return 0
	}
	return float64(open) / float64(paras)
}

package textdoc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

var (
	atxRe      = lazyre.New(`^ {0,3}(#{1,6})(?:[ ]+(.*?))?(?:[ ]+#+)?[ ]*$`)
	setextRe   = lazyre.New(`^ {0,3}(=+|-+)[ ]*$`)
	hrRe       = lazyre.New(`^ {0,3}(?:(?:-[ ]*){3,}|(?:\*[ ]*){3,}|(?:_[ ]*){3,})$`)
	fenceRe    = lazyre.New("^ {0,3}(`{3,}|~{3,})")
	mdListRe   = lazyre.New(`^( *)([-*+•▪◦●‣]|\d{1,9}[.)])[ ]+(?:\[[ xX]\][ ]+)?(\S.*)$`)
	delimRe    = lazyre.New(`^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$`)
	refDefRe   = lazyre.New(`^ {0,3}\[[^\]]+\]: *\S+`)
	commentRe  = lazyre.New(`(?s)<!--.*?-->`)
	quoteRe    = lazyre.New(`^ {0,3}>+ ?`)
	boldSpanRe = lazyre.New(`\*\*(.*?)\*\*|__(.*?)__`)
	pageRefRe  = lazyre.New(`(?i)^(?:p|pp|page)\.? ?\d+$`)
	tocEntryRe = lazyre.New(`(?i)(?:\s(?:p|pp|page)\.? ?\d{1,4}|(?:\.{3,}|…)\s*\d{1,4})$`)
	linkRe     = lazyre.New(`\[[^\]\n]+\]\([^)\n]+\)`)
)

// Limits for bold lines taken as headings. A bold line of more than
// maxHeadingWords words is emphasis, not a heading; fragments of one
// heading split over lines are merged up to maxMergedWords.
const (
	maxHeadingWords = 12
	maxMergedWords  = 20
)

// looksLikeMarkdown reports whether text uses Markdown structure: an ATX
// heading, a bold-only line, a pipe table, a fenced code block or an
// inline link. Bullets alone do not count: plain text has them too, and
// the plain reader handles them.
func looksLikeMarkdown(text string) bool {
	lines := strings.Split(text, "\n")
	if len(lines) > 5000 {
		lines = lines[:5000]
	}
	for i, l := range lines {
		if m := atxRe.FindStringSubmatch(l); m != nil && strings.TrimSpace(m[2]) != "" {
			return true
		}
		if _, _, ok := boldOnly(l); ok {
			return true
		}
		if fenceRe.MatchString(l) || linkRe.MatchString(l) {
			return true
		}
		if i+1 < len(lines) && strings.Contains(l, "|") && isDelimRow(lines[i+1]) {
			return true
		}
	}
	return false
}

// mdParser reads Markdown line by line into blocks.
type mdParser struct {
	b     *builder
	lines []string
	para  []string // stripped lines of the paragraph in progress
	// lastATX is the level of the latest ATX heading, 0 before the first.
	lastATX int
	// open is the index in b.blocks of the latest heading while later
	// fragments may still extend it (only blank lines, page numbers or
	// other heading fragments since), -1 when there is none.
	open         int
	openTrailing bool // its last bold fragment ended in a space inside the **
}

func parseMarkdown(b *builder, text string) {
	text = commentRe.ReplaceAllString(text, "")
	p := &mdParser{b: b, lines: strings.Split(text, "\n"), open: -1}
	for i := 0; i < len(p.lines) && !b.stop(); {
		i = p.line(i)
	}
	p.endPara()
	demoteLabelRuns(b.blocks)
}

// minLabelRun is the shortest run of bold lines, with nothing but numbers
// between them, that is read as labels rather than headings. A title page
// can give three bold lines in a row (title, subtitle, date); a PDF
// converter turns a chart's axis labels or an organisation chart's boxes
// into runs of many more ("**May 2016**", "**July 2016**", ...), and a
// heading that heads nothing is not a heading.
const minLabelRun = 4

// demoteLabelRuns turns the headings of every run of at least minLabelRun
// bold-line headings into bold paragraphs. Bold paragraphs without letters
// (axis values, page numbers) do not break a run; anything else does.
// Headings from ATX markup are the author's and are never demoted.
func demoteLabelRuns(blocks []document.Block) {
	start, n := 0, 0
	flush := func(end int) {
		if n >= minLabelRun {
			for j := start; j < end; j++ {
				if blocks[j].Kind == document.Heading {
					blocks[j].Kind, blocks[j].Level = document.Paragraph, 0
				}
			}
		}
		n = 0
	}
	for i, bl := range blocks {
		switch {
		case bl.Kind == document.Heading && bl.Bold:
			if n == 0 {
				start = i
			}
			n++
		case bl.Bold && bl.Kind == document.Paragraph && !hasLetter(bl.Text) && n > 0:
		default:
			flush(i)
		}
	}
	flush(len(blocks))
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func indent(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// line handles the line at i and returns the index of the next line.
func (p *mdParser) line(i int) int {
	line := p.lines[i]
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || trimmed == "****" || trimmed == "____" {
		// An empty bold pair is a converter's leftover, not a rule.
		p.endPara()
		return i + 1
	}
	if m := quoteRe.FindStringIndex(line); m != nil {
		// A block quote is read as the text it quotes: drop the marker
		// and handle the line again (each pass makes it shorter).
		p.lines[i] = line[m[1]:]
		return i
	}
	if m := fenceRe.FindStringSubmatch(line); m != nil {
		p.endPara()
		p.closeHeading()
		return p.fence(i, m[1])
	}
	if m := atxRe.FindStringSubmatch(line); m != nil {
		p.endPara()
		p.atx(len(m[1]), m[2])
		return i + 1
	}
	if m := setextRe.FindStringSubmatch(line); m != nil && len(p.para) == 1 && indent(line) < 4 {
		// Only a one-line paragraph becomes a setext heading: in converted
		// text a rule under a long paragraph is a rule.
		level := 2
		if m[1][0] == '=' {
			level = 1
		}
		text := p.para[0]
		p.para = nil
		p.heading(text, level, false)
		return i + 1
	}
	if hrRe.MatchString(line) {
		p.endPara()
		return i + 1
	}
	if strings.Contains(line, "|") && i+1 < len(p.lines) && isDelimRow(p.lines[i+1]) &&
		len(splitRow(line)) == len(splitRow(p.lines[i+1])) {
		p.endPara()
		p.closeHeading()
		return p.table(i)
	}
	if m := mdListRe.FindStringSubmatch(line); m != nil {
		// Inside a paragraph only a bullet or "1." starts a list (as in
		// CommonMark): "2030. We will" wrapped from the line above is text.
		if len(p.para) == 0 || !isDigit(m[2][0]) || m[2][:len(m[2])-1] == "1" {
			p.endPara()
			p.closeHeading()
			return p.list(i)
		}
	}
	if len(p.para) == 0 && refDefRe.MatchString(line) {
		return i + 1
	}
	if p.b.firstLine == "" {
		p.b.noteLine(stripInline(line))
	}
	if len(p.para) == 0 {
		if inner, trailing, ok := boldOnly(line); ok {
			p.boldLine(inner, trailing)
			return i + 1
		}
	}
	stripped := stripInline(line)
	if blank(stripped) {
		// A line of only an image or raw tags separates paragraphs.
		p.endPara()
		return i + 1
	}
	if hasLetter(stripped) && !pageRefRe.MatchString(strings.TrimSpace(stripped)) {
		// A page number between the fragments of a bold heading does not
		// end it.
		p.closeHeading()
	} else {
		p.openTrailing = false
	}
	p.para = append(p.para, stripped)
	return i + 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *mdParser) endPara() {
	if len(p.para) > 0 {
		p.b.paragraph(strings.Join(p.para, " "), false)
		p.para = nil
	}
}

func (p *mdParser) closeHeading() { p.open = -1 }

func (p *mdParser) heading(text string, level int, bold bool) {
	p.closeHeading()
	p.b.heading(text, level, bold)
}

// atx handles "## Heading". Converted PDFs mark page numbers and page
// references as headings ("### 2", "## **p.36**"); those, and headings
// ending in a full stop, are read as paragraphs. They also split one
// heading over several: a heading that starts in lower case right after
// another ("## Mental health, learning disabilities", "## and autism")
// continues it.
func (p *mdParser) atx(level int, raw string) {
	text := stripInline(raw)
	if blank(text) {
		return
	}
	if !hasLetter(text) || pageRefRe.MatchString(strings.TrimSpace(text)) {
		// Page numbers leave an open heading open.
		p.b.paragraph(text, false)
		p.openTrailing = false
		return
	}
	if p.open >= 0 && p.open < len(p.b.blocks) {
		prev := p.b.blocks[p.open].Text
		if (textclean.StartsLower(text) || endsJoining(prev)) &&
			len(strings.Fields(prev))+len(strings.Fields(text)) <= maxMergedWords {
			p.b.blocks[p.open].Text = p.b.clean(prev + " " + text)
			p.openTrailing = false
			return
		}
	}
	p.closeHeading()
	if !plausibleHeading(text, 0) || textclean.StartsLower(text) {
		p.b.paragraph(text, false)
		return
	}
	p.lastATX = level
	p.b.heading(text, level, false)
	p.open = len(p.b.blocks) - 1
	p.openTrailing = false
}

// plausibleHeading applies the sanity rules every heading must pass: it
// has letters, is not a page number or reference, does not end like a
// sentence, and (when maxWords > 0) is short.
func plausibleHeading(text string, maxWords int) bool {
	t := strings.TrimSpace(text)
	if letters(t) < minHeadingLetters || pageRefRe.MatchString(t) {
		return false
	}
	// A heading starts with a word, a number or a quote; not with a
	// bullet or a dash.
	if r, _ := utf8.DecodeRuneInString(t); !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("‘“'\"(", r) {
		return false
	}
	if strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "..") {
		return false
	}
	if strings.HasSuffix(t, ",") || strings.HasSuffix(t, ";") {
		return false
	}
	return maxWords <= 0 || len(strings.Fields(t)) <= maxWords
}

// minHeadingLetters keeps stray letters of diagrams ("E", "NA") from
// becoming headings.
const minHeadingLetters = 3

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// boldLevel is the level of a heading made from a bold line: one below the
// latest ATX heading, or 2 when there has been none (bold lines are
// section headings under a document title more often than titles).
func (p *mdParser) boldLevel() int {
	if p.lastATX == 0 {
		return 2
	}
	return min(p.lastATX+1, 6)
}

// boldLine handles a line that is only bold text. Consecutive bold lines
// are one heading split by a PDF converter when the previous fragment
// ended in a space inside the markers ("**The Leeds Health **"), the next
// starts in lower case, or the previous ends in a joining word.
func (p *mdParser) boldLine(inner string, trailing bool) {
	text := strings.TrimSpace(inner)
	if pageRefRe.MatchString(text) {
		// A bold page reference does not end the heading it interrupts,
		// but a space before it says nothing about what follows it.
		p.b.paragraph(text, true)
		p.openTrailing = false
		return
	}
	if p.open >= 0 && p.open < len(p.b.blocks) {
		prev := p.b.blocks[p.open].Text
		continues := textclean.StartsLower(text) || endsJoining(prev) ||
			p.openTrailing && !endsComplete(prev) && !sectionNumberRe.MatchString(text)
		if continues &&
			len(strings.Fields(prev))+len(strings.Fields(text)) <= maxMergedWords {
			p.b.blocks[p.open].Text = p.b.clean(prev + " " + text)
			p.openTrailing = trailing
			return
		}
	}
	if !hasLetter(text) {
		// Nor does a bold page number.
		p.b.paragraph(text, true)
		p.openTrailing = false
		return
	}
	// A contents entry ("Introduction p.5") is not the heading itself, and
	// a fragment starting in lower case that did not join the heading
	// before it is the tail of a sentence.
	if !plausibleHeading(text, maxHeadingWords) || tocEntryRe.MatchString(text) || textclean.StartsLower(text) {
		p.closeHeading()
		p.b.paragraph(text, true)
		return
	}
	p.b.heading(text, p.boldLevel(), true)
	p.open = len(p.b.blocks) - 1
	p.openTrailing = trailing
}

// sectionNumberRe matches a heading that starts with its own number
// ("1. Where have we been?", "3b. Themes"): the start of a new heading.
var sectionNumberRe = lazyre.New(`^\d{1,2}(?:\.\d{1,2})*[a-z]?[.)]? `)

// endsComplete reports whether a heading fragment ends in closing
// punctuation, after which a trailing space says nothing.
func endsComplete(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, ")") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!")
}

var joiningWords = map[string]bool{
	"and": true, "or": true, "of": true, "the": true, "for": true, "to": true, "in": true,
	"on": true, "with": true, "a": true, "an": true, "&": true, "-": true, "–": true, "at": true,
	"by": true, "from": true, "our": true,
}

func endsJoining(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	last := f[len(f)-1]
	if last == "A" {
		// "Part A" is a label, not an article.
		return false
	}
	last = strings.ToLower(last)
	return joiningWords[last] || strings.HasSuffix(last, ",") || strings.HasSuffix(last, ":")
}

// boldOnly reports whether the line is bold text and nothing else, and
// returns the text inside the markers (markup stripped) and whether it
// ended in a space before the closing marker.
func boldOnly(line string) (string, bool, bool) {
	t := strings.TrimSpace(line)
	if len(t) < 5 || !(strings.HasPrefix(t, "**") || strings.HasPrefix(t, "__")) ||
		!(strings.HasSuffix(t, "**") || strings.HasSuffix(t, "__")) {
		return "", false, false
	}
	var raw strings.Builder
	trailing := false
	rest := boldSpanRe.ReplaceAllStringFunc(t, func(m string) string {
		in := m[2 : len(m)-2]
		raw.WriteString(in)
		// "**Foreword**** **": an empty pair after the text is debris,
		// not a sign that the heading goes on.
		if strings.TrimSpace(in) != "" {
			trailing = strings.HasSuffix(in, " ")
		}
		return ""
	})
	if strings.TrimSpace(rest) != "" {
		return "", false, false
	}
	inner := stripInline(raw.String())
	if blank(inner) {
		return "", false, false
	}
	return inner, trailing, true
}

// fence reads a fenced code block as one paragraph.
func (p *mdParser) fence(i int, marker string) int {
	var body []string
	j := i + 1
	for ; j < len(p.lines); j++ {
		t := strings.TrimSpace(p.lines[j])
		if strings.HasPrefix(t, marker[:3]) && strings.Trim(t, marker[:1]) == "" && len(t) >= len(marker) {
			j++
			break
		}
		body = append(body, p.lines[j])
	}
	p.b.paragraph(strings.Join(body, "\n"), false)
	return j
}

// list reads list items from line i on: further items, indented or lazy
// continuation lines, and items after blank lines. Nested items become
// items of their own.
func (p *mdParser) list(i int) int {
	var items []string
	var cur []string
	push := func() {
		if len(cur) > 0 {
			items = append(items, stripInline(strings.Join(cur, " ")))
			cur = nil
		}
	}
	for i < len(p.lines) {
		line := p.lines[i]
		if hrRe.MatchString(line) {
			break
		}
		if m := mdListRe.FindStringSubmatch(line); m != nil {
			push()
			cur = []string{m[3]}
			i++
			continue
		}
		if blank(line) {
			j := i + 1
			for j < len(p.lines) && blank(p.lines[j]) {
				j++
			}
			if j < len(p.lines) && (mdListRe.MatchString(p.lines[j]) && !hrRe.MatchString(p.lines[j]) || indent(p.lines[j]) >= 2) {
				i = j
				continue
			}
			break
		}
		if indent(line) < 2 && blank(p.lines[i-1]) {
			break
		}
		if atxRe.MatchString(line) || fenceRe.MatchString(line) {
			break
		}
		cur = append(cur, line)
		i++
	}
	push()
	p.b.list(items)
	return i
}

// isDelimRow reports whether line is a table's header delimiter row.
func isDelimRow(line string) bool {
	return strings.Contains(line, "|") && delimRe.MatchString(line)
}

// table reads a pipe table whose header is at line i.
func (p *mdParser) table(i int) int {
	rows := [][]string{splitRow(p.lines[i])}
	i += 2
	for i < len(p.lines) && !blank(p.lines[i]) && strings.Contains(p.lines[i], "|") {
		rows = append(rows, splitRow(p.lines[i]))
		i++
	}
	for _, r := range rows {
		for j := range r {
			r[j] = stripInline(r[j])
		}
	}
	p.b.table(rows)
	return i
}

// splitRow splits a table row on pipes that are not escaped, dropping the
// optional outer pipes.
func splitRow(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	var cells []string
	start := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, strings.TrimSpace(t[start:i]))
			start = i + 1
		}
	}
	return append(cells, strings.TrimSpace(t[start:]))
}

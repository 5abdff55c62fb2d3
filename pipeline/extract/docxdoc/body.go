package docxdoc

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// The markup-compatibility namespace: mc:Fallback repeats the content of
// mc:Choice (text boxes twice, as DrawingML and as VML).
const mcNamespace = "http://schemas.openxmlformats.org/markup-compatibility/2006"

// bodyResult is what the main document part yields.
type bodyResult struct {
	blocks   []document.Block
	controls int
	// title is the text of the first run of Title-styled paragraphs.
	title string
}

// paragraph is a w:p being read.
type paragraph struct {
	text      strings.Builder
	style     string
	outline   int // the paragraph's own outline level, -1 when unset
	numbered  int // 1 numbered, 0 numbering off, -1 unset
	chars     int // visible characters
	boldChars int
	tocChars  int             // visible characters inside a TOC field's result
	sizes     map[float64]int // visible characters by font size
	styleBold bool
	styleSize float64
	resolved  bool // styleBold and styleSize computed
}

// run holds the direct formatting of the w:r being read.
type run struct {
	bold   int // -1 unset
	size   float64
	hidden bool
}

// field is a complex field (w:fldChar begin … separate … end) or a
// w:fldSimple being read.
type field struct {
	instr  strings.Builder
	result bool // past "separate": the runs are the field's result
}

// maxInstr bounds the field instruction kept; only its first word matters.
const maxInstr = 64

// table is a w:tbl being read.
type table struct {
	rows [][]string
	row  []string
	cell *strings.Builder
}

type bodyParser struct {
	st     *styles
	res    bodyResult
	stack  []string
	paras  []*paragraph
	tables []*table
	run    run
	items  []string // list items waiting for the list to end
	fields []*field
	// lastTitle is the index of the heading block made from the latest
	// Title paragraph while nothing else has followed it, else -1.
	lastTitle int
	skipAt    int // stack depth of the mc:Fallback being skipped, 0 when none
}

// parseBody streams the main document part into blocks.
func parseBody(ctx context.Context, f *zip.File, st *styles, depth int) (*bodyResult, error) {
	rc, err := openCapped(f, maxDocumentXML)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p := &bodyParser{st: st, lastTitle: -1}
	dec := xml.NewDecoder(rc)
	for n := 1; ; n++ {
		// A reader past its deadline stops here rather than run on
		// after its caller has given up.
		if ctx != nil && n%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("docx: reading %s stopped: %w", f.Name, context.Cause(ctx))
		}
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("docx: reading %s: %w", f.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(p.stack) >= depth {
				return nil, fmt.Errorf("docx: %s: elements nested more than %d deep (--max-depth)", f.Name, depth)
			}
			p.stack = append(p.stack, t.Name.Local)
			if p.skipAt > 0 {
				continue
			}
			if t.Name.Space == mcNamespace && t.Name.Local == "Fallback" {
				p.skipAt = len(p.stack)
				continue
			}
			p.start(t)
		case xml.EndElement:
			if p.skipAt > 0 {
				if len(p.stack) == p.skipAt {
					p.skipAt = 0
				}
			} else {
				p.end(t.Name.Local)
			}
			if len(p.stack) > 0 {
				p.stack = p.stack[:len(p.stack)-1]
			}
		case xml.CharData:
			if p.skipAt == 0 && p.inRun("t") {
				p.write(string(t), true)
			}
			if p.skipAt == 0 && p.inRun("instrText") && len(p.fields) > 0 {
				f := p.fields[len(p.fields)-1]
				if f.instr.Len() < maxInstr {
					f.instr.Write(t[:min(len(t), maxInstr)])
				}
			}
		}
	}
	p.flushList()
	return &p.res, nil
}

// parent returns the name of the element enclosing the current one.
func (p *bodyParser) parent() string {
	if len(p.stack) < 2 {
		return ""
	}
	return p.stack[len(p.stack)-2]
}

// inRun reports whether the current element is name directly in a w:r.
func (p *bodyParser) inRun(name string) bool {
	n := len(p.stack)
	return n >= 2 && p.stack[n-1] == name && p.stack[n-2] == "r"
}

// inRunProps reports whether the current element is in a run's w:rPr
// (not the paragraph mark's, which formats no text).
func (p *bodyParser) inRunProps() bool {
	n := len(p.stack)
	return n >= 3 && p.stack[n-2] == "rPr" && p.stack[n-3] == "r"
}

// inParaProps reports whether the current element is in a paragraph's
// w:pPr (possibly inside its w:numPr).
func (p *bodyParser) inParaProps() bool {
	n := len(p.stack)
	return n >= 3 && p.stack[n-2] == "pPr" && p.stack[n-3] == "p" ||
		n >= 4 && p.stack[n-2] == "numPr" && p.stack[n-3] == "pPr" && p.stack[n-4] == "p"
}

func (p *bodyParser) para() *paragraph {
	if len(p.paras) == 0 {
		return nil
	}
	return p.paras[len(p.paras)-1]
}

func (p *bodyParser) start(t xml.StartElement) {
	val := attr(t, "val")
	switch t.Name.Local {
	case "p":
		p.paras = append(p.paras, &paragraph{outline: -1, numbered: -1})
	case "pStyle":
		if pa := p.para(); pa != nil && p.inParaProps() {
			pa.style = val
		}
	case "outlineLvl":
		if pa := p.para(); pa != nil && p.inParaProps() {
			if n, err := strconv.Atoi(val); err == nil && n >= 0 && n <= 9 {
				pa.outline = n
			}
		}
	case "numId":
		if pa := p.para(); pa != nil && p.inParaProps() {
			pa.numbered = 1
			if val == "0" {
				pa.numbered = 0
			}
		}
	case "r":
		p.run = run{bold: -1}
	case "b":
		if p.inRunProps() {
			p.run.bold = boolVal(val)
		}
	case "sz":
		if p.inRunProps() {
			p.run.size = halfPoints(val)
		}
	case "vanish":
		if p.inRunProps() {
			p.run.hidden = boolVal(val) == 1
		}
	case "tab", "ptab":
		if p.parent() == "r" {
			p.write("\t", false)
		}
	case "br", "cr":
		if p.parent() == "r" {
			p.write("\n", false)
		}
	case "noBreakHyphen":
		if p.parent() == "r" {
			p.write("-", true)
		}
	case "fldChar":
		switch attr(t, "fldCharType") {
		case "begin":
			if len(p.fields) < maxDepth {
				p.fields = append(p.fields, &field{})
			}
		case "separate":
			if n := len(p.fields); n > 0 {
				p.fields[n-1].result = true
			}
		case "end":
			if n := len(p.fields); n > 0 {
				p.fields = p.fields[:n-1]
			}
		}
	case "fldSimple":
		f := &field{result: true}
		f.instr.WriteString(attr(t, "instr")[:min(len(attr(t, "instr")), maxInstr)])
		p.fields = append(p.fields, f)
	case "tbl":
		if len(p.tables) == 0 {
			p.flushList()
			p.lastTitle = -1
		}
		p.tables = append(p.tables, &table{})
	case "tr":
		if tb := p.table(); tb != nil {
			tb.row = nil
		}
	case "tc":
		if tb := p.table(); tb != nil {
			tb.cell = &strings.Builder{}
		}
	}
}

func (p *bodyParser) end(name string) {
	switch name {
	case "fldSimple":
		if n := len(p.fields); n > 0 {
			p.fields = p.fields[:n-1]
		}
	case "p":
		if n := len(p.paras); n > 0 {
			pa := p.paras[n-1]
			p.paras = p.paras[:n-1]
			p.finish(pa)
		}
	case "tc":
		if tb := p.table(); tb != nil && tb.cell != nil {
			tb.row = append(tb.row, p.clean(tb.cell.String()))
			tb.cell = nil
		}
	case "tr":
		if tb := p.table(); tb != nil {
			tb.rows = append(tb.rows, tb.row)
			tb.row = nil
		}
	case "tbl":
		if n := len(p.tables); n > 0 {
			tb := p.tables[n-1]
			p.tables = p.tables[:n-1]
			p.finishTable(tb)
		}
	}
}

func (p *bodyParser) table() *table {
	if len(p.tables) == 0 {
		return nil
	}
	return p.tables[len(p.tables)-1]
}

// write adds text to the paragraph being read; visible text counts
// towards its bold share and font size.
func (p *bodyParser) write(s string, visible bool) {
	pa := p.para()
	if pa == nil || p.run.hidden {
		return
	}
	pa.text.WriteString(s)
	if !visible {
		return
	}
	if !pa.resolved {
		pa.styleBold, pa.styleSize = p.st.bold(pa.style), p.st.size(pa.style)
		pa.resolved = true
	}
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	pa.chars += n
	if p.inTOC() {
		pa.tocChars += n
	}
	if p.run.bold == 1 || p.run.bold == -1 && pa.styleBold {
		pa.boldChars += n
	}
	size := p.run.size
	if size == 0 {
		size = pa.styleSize
	}
	if pa.sizes == nil {
		pa.sizes = map[float64]int{}
	}
	pa.sizes[size] += n
}

// inTOC reports whether the text being read is the result of a TOC field:
// a table of contents, which repeats the headings with page numbers.
func (p *bodyParser) inTOC() bool {
	for _, f := range p.fields {
		if f.result && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(f.instr.String())), "TOC") {
			return true
		}
	}
	return false
}

func (p *bodyParser) clean(s string) string {
	s, st := textclean.Clean(s, false)
	p.res.controls += st.Controls
	return textclean.Fold(s)
}

func (p *bodyParser) emit(b document.Block) {
	p.res.blocks = append(p.res.blocks, b)
}

func (p *bodyParser) flushList() {
	if len(p.items) > 0 {
		p.emit(document.Block{Kind: document.List, Text: strings.Join(p.items, "\n"), Items: p.items})
		p.items = nil
	}
}

// finish turns a paragraph into a block, a list item, or text of the
// table cell it sits in.
func (p *bodyParser) finish(pa *paragraph) {
	raw := pa.text.String()
	if tb := p.table(); tb != nil && tb.cell != nil {
		tb.cell.WriteString(raw)
		tb.cell.WriteByte('\n')
		return
	}
	if p.st.isTOC(pa.style) || pa.chars > 0 && pa.tocChars == pa.chars {
		return
	}
	text := p.clean(raw)
	if text == "" {
		// Empty paragraphs are spacing: they end neither lists nor titles.
		return
	}
	level, isTitle := p.st.heading(pa.style)
	if pa.outline >= 0 {
		level, isTitle = 0, false
		if pa.outline < 9 {
			level = pa.outline + 1
		}
	}
	size := dominant(pa.sizes)
	bold := pa.chars > 0 && pa.boldChars == pa.chars
	if level > 0 && !isTitle && !headingLike(text) {
		// Heading styles do get used for numbered clauses ("The Deputy
		// Chair is to be appointed … by the board."): a sentence is text,
		// or an item when numbered.
		level = 0
	}
	if level > 0 {
		p.flushList()
		if isTitle && p.lastTitle >= 0 && p.lastTitle == len(p.res.blocks)-1 {
			// A title set over several Title paragraphs is one title.
			b := &p.res.blocks[p.lastTitle]
			b.Text += " " + text
			p.res.title = b.Text
			return
		}
		p.emit(document.Block{Kind: document.Heading, Text: text, Level: level, FontSize: size, Bold: bold})
		p.lastTitle = -1
		if isTitle && p.res.title == "" {
			p.res.title = text
			p.lastTitle = len(p.res.blocks) - 1
		}
		return
	}
	p.lastTitle = -1
	if pa.numbered == 1 || pa.numbered == -1 && p.st.isList(pa.style) {
		p.items = append(p.items, text)
		return
	}
	p.flushList()
	kind := document.Paragraph
	if p.st.isCaption(pa.style) {
		kind = document.Caption
	}
	p.emit(document.Block{Kind: kind, Text: text, FontSize: size, Bold: bold})
}

// finishTable emits a table, or folds a nested one into its cell. A table
// of one cell is a framed box of text, read as a paragraph.
func (p *bodyParser) finishTable(tb *table) {
	rows := document.FilledRows(tb.rows)
	if outer := p.table(); outer != nil {
		if outer.cell != nil {
			for _, r := range rows {
				outer.cell.WriteString(strings.Join(r, " "))
				outer.cell.WriteByte('\n')
			}
		}
		return
	}
	switch {
	case len(rows) == 0:
		return
	case len(rows) == 1 && len(rows[0]) == 1:
		p.emit(document.Block{Kind: document.Paragraph, Text: rows[0][0]})
		return
	}
	p.emit(document.Block{Kind: document.Table, Text: document.TableText(rows), Rows: rows})
}

// maxHeadingWords is the longest heading taken from a heading style.
const maxHeadingWords = 20

// headingLike reports whether text reads as a heading: it has a letter,
// is not long, and does not end like a sentence or a clause.
func headingLike(text string) bool {
	if !strings.ContainsFunc(text, unicode.IsLetter) || len(strings.Fields(text)) > maxHeadingWords {
		return false
	}
	return !strings.HasSuffix(text, ".") && !strings.HasSuffix(text, ",") && !strings.HasSuffix(text, ";") ||
		strings.HasSuffix(text, "...")
}

// dominant returns the size with the most characters.
func dominant(sizes map[float64]int) float64 {
	best, most := 0.0, 0
	for s, n := range sizes {
		if n > most || n == most && s > best {
			best, most = s, n
		}
	}
	return best
}

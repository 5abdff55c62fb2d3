package pdfgen

import (
	"strings"
)

// Heading is a heading or an outline entry a correct extractor should find.
type Heading struct {
	Text string
	// Level is 1 for top-level headings.
	Level int
	// Page is the 1-based page the heading is on (or the outline entry
	// points to).
	Page int
}

// LibExpect records what github.com/ledongthuc/pdf (the version in go.mod)
// does with a fixture, so a library upgrade that changes it is noticed by
// this package's tests.
type LibExpect struct {
	// OpenFails: pdf.NewReader returns an error.
	OpenFails bool
	// TextFails: Page.GetPlainText returns an error on some page.
	TextFails bool
	// OutlineHangs: Reader.Outline never returns (the /Next chain
	// loops). Never call it on this fixture in-process.
	OutlineHangs bool
	// Missing are words of WantText that Page.GetPlainText silently
	// loses (with a nil error).
	Missing []string
	// DocWideMissing are words that the document-wide
	// Reader.GetPlainText loses although Page.GetPlainText finds them.
	DocWideMissing []string
}

// Fixture is a generated PDF with the results a correct extractor should
// produce.
type Fixture struct {
	Name string
	PDF  []byte
	// Pages is the number of pages (0 where unknown).
	Pages int
	// Title is the Info /Title ("" when absent).
	Title string
	// WantText is every line drawn, in reading order: lines joined by
	// "\n", blocks (heading, paragraph, list, table row group, running
	// line) by "\n\n", pages by "\f". Text with ligatures is given after
	// NFKC. Extractors that rebuild paragraphs should compare words
	// (strings.Fields) rather than line breaks.
	WantText string
	// WantWords must appear as whole words in a correct extraction after
	// NFKC and de-hyphenation (for example "inequalities" from
	// "inequal-"/"ities", but "long-term" kept).
	WantWords []string
	// NotWords must not appear: the signature of wrong word spacing
	// ("Theboard") or split words ("W ater").
	NotWords []string
	// WantHeadings are the headings, in order.
	WantHeadings []Heading
	// WantOutline is the bookmark tree flattened in order.
	WantOutline []Heading
	// RunningLines are lines repeated as page headers or footers, which
	// header/footer removal should drop.
	RunningLines []string
	// Lists holds each list's items, without bullets or numbers.
	Lists [][]string
	// Tables holds each table's cells, row by row.
	Tables [][][]string
	// NeedsOCR: pages carry images but no text.
	NeedsOCR bool
	// Damaged: the bytes were damaged after writing (cut, prefixed,
	// suffixed, offsets broken, or not a PDF at all). WantText is set
	// only where tolerant readers recover the whole file (junk before the
	// header or after %%EOF); otherwise it and Pages are empty.
	Damaged bool
	// Lib is how ledongthuc/pdf treats the file.
	Lib LibExpect
}

// All returns every fixture except ManyPages, in a fixed order. Each call
// builds fresh fixtures (a few milliseconds in all).
func All() []Fixture {
	return []Fixture{
		Widths(),
		NoWidths(),
		TJSpacing(),
		CharSpacing(),
		TwoColumns(),
		NarrowGutter(),
		RuledTable(),
		RuledRows(),
		FormXObject(),
		HeadersFooters(),
		Bookmarks(),
		BookmarkCycle(),
		Ligatures(),
		IdentityH(),
		LZWContent(),
		RunLengthContent(),
		ASCIIHexContent(),
		ContentsArray(),
		InlineImage(),
		Hyphenation(),
		ListsTables(),
		NumberedHeadings(),
		ImageOnly(),
		Rotated(),
		MergedFonts(),
		XRefStream(),
		Truncated(),
		BadHeader(),
		HeaderTrailingSpace(),
		JunkBeforeHeader(),
		JunkAfterEOF(),
		BrokenXref(),
		NotAPDF(),
	}
}

// ByName returns the fixture of All with the given name.
func ByName(name string) (Fixture, bool) {
	for _, f := range All() {
		if f.Name == name {
			return f, true
		}
	}
	return Fixture{}, false
}

// Layout constants shared by the fixtures.
const (
	margin    = 72.0
	textWidth = A4Width - 2*margin
	topY      = A4Height - 72.0
)

// story builds a Doc and, alongside, the text and headings it draws, so a
// fixture's expectations come from the same strings as its content.
type story struct {
	doc      Doc
	blocks   [][]string // per page, blocks of text
	headings []Heading
}

// sheet is one page being laid out top-down.
type sheet struct {
	s   *story
	idx int
	c   *Content
	y   float64 // baseline of the last line drawn
}

func (s *story) newPage() *sheet {
	p := s.doc.AddPage()
	s.blocks = append(s.blocks, nil)
	return &sheet{s: s, idx: len(s.doc.Pages) - 1, c: p.NewContent(), y: topY}
}

// record adds a block of lines to the page's expected text.
func (p *sheet) record(lines ...string) {
	p.s.blocks[p.idx] = append(p.s.blocks[p.idx], strings.Join(lines, "\n"))
}

// heading draws a heading at the left margin below the previous block.
func (p *sheet) heading(f *Font, size float64, level int, text string) {
	p.y -= size * 1.2
	p.c.Text(f, size, margin, p.y, text)
	p.y -= size * 0.5
	p.record(text)
	p.s.headings = append(p.s.headings, Heading{Text: text, Level: level, Page: p.idx + 1})
}

// para wraps text to the text width and draws it as one BT/ET block.
func (p *sheet) para(f *Font, size float64, text string) []string {
	lines := Wrap(f.Metrics(), size, textWidth, text)
	p.lines(f, size, lines...)
	return lines
}

// lines draws pre-broken lines as one block.
func (p *sheet) lines(f *Font, size float64, lines ...string) {
	leading := size * 1.25
	p.y -= size * 1.4
	p.c.Lines(f, size, margin, p.y, leading, lines...)
	p.y -= leading * float64(len(lines)-1)
	p.record(lines...)
}

// text returns the expected text of the whole story.
func (s *story) text() string {
	pages := make([]string, len(s.blocks))
	for i, b := range s.blocks {
		pages[i] = strings.Join(b, "\n\n")
	}
	return strings.Join(pages, "\f")
}

// fixture finishes a story into a Fixture.
func (s *story) fixture(name string) Fixture {
	return Fixture{
		Name:         name,
		PDF:          s.doc.MustBuild(),
		Pages:        len(s.doc.Pages),
		Title:        s.doc.Title,
		WantText:     s.text(),
		WantHeadings: s.headings,
	}
}

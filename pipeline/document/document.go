// Package document holds the one document model that every stage of
// nhsreview reads and writes: a document is pages of typed blocks plus a
// section tree. Extractors fill it, annotators and rules read it, reports
// only ever see what rules made of it.
//
// The JSON form of Document is the `extract --format json` output of
// CONTRACT.md (schema_version 1); fields beyond the contract are additions,
// never renames.
package document

import (
	"strings"
)

// SchemaVersion is the version of the extract JSON written by this package.
const SchemaVersion = 1

// Format names the kind of source a document was read from.
type Format string

// The formats nhsreview reads.
const (
	FormatPDF      Format = "pdf"
	FormatHTML     Format = "html"
	FormatMarkdown Format = "markdown"
	FormatText     Format = "text"
	FormatDOCX     Format = "docx"
)

// Kind is the type of a block.
type Kind string

// Block kinds. Headings carry a Level (1 is the top).
const (
	Heading   Kind = "heading"
	Paragraph Kind = "paragraph"
	List      Kind = "list"
	Table     Kind = "table"
	Caption   Kind = "caption"
)

// Document is one source read into pages, blocks and sections.
type Document struct {
	SchemaVersion int        `json:"schema_version"`
	Source        string     `json:"source"`
	SHA256        string     `json:"sha256"`
	Format        Format     `json:"format"`
	Title         string     `json:"title"`
	Pages         []Page     `json:"pages"`
	Sections      []*Section `json:"sections"`
	Quality       Quality    `json:"quality"`
}

// Page is one physical page (PDF) or the whole text (other formats, page 1).
type Page struct {
	Number int     `json:"number"`
	Width  float64 `json:"width,omitempty"`  // points; 0 where the format has no pages
	Height float64 `json:"height,omitempty"` // points
	Blocks []Block `json:"blocks"`
	// Running are the running lines the reader took out of the page's
	// blocks (headers, footers and page numbers repeated from page to
	// page), top to bottom: not the page's text, so no quote or count
	// sees them, but kept for the stages that read a page's place in the
	// document from them (a board pack's "Agenda item 7" header says
	// which paper the page belongs to). Empty where the format has no
	// pages.
	Running []string `json:"running,omitempty"`
}

// Block is a run of text of one kind: a heading, a paragraph, a whole list,
// a whole table or a caption.
type Block struct {
	Kind Kind   `json:"kind"`
	Text string `json:"text"`
	// Level is the heading level (1 = top); 0 for other kinds.
	Level int `json:"level,omitempty"`
	// FontSize is the dominant font size in points (PDF) or an equivalent
	// (HTML headings get nominal sizes); 0 when unknown.
	FontSize float64 `json:"font_size,omitempty"`
	Bold     bool    `json:"bold,omitempty"`
	// Box is where the block sits on its page, in points from the top-left
	// corner; nil where the format has no geometry.
	Box *Box `json:"box,omitempty"`
	// Items holds list items (Kind List), one string each.
	Items []string `json:"items,omitempty"`
	// Rows holds table cells (Kind Table), row by row.
	Rows [][]string `json:"rows,omitempty"`
}

// Box is a rectangle in points, origin at the top-left of the page.
type Box struct {
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
}

// Section is a node of the section tree.
type Section struct {
	Title     string `json:"title"`
	Level     int    `json:"level"`
	PageStart int    `json:"page_start"`
	PageEnd   int    `json:"page_end"`
	// Start is where the section's heading is in Pages (indexes, not
	// numbers); a section from a bookmark whose title is not found on its
	// page starts at the first block of that page.
	Start BlockRef `json:"start"`
	// Origin says how the section was found: bookmark, numbering,
	// typography or markup (HTML/Markdown headings).
	Origin   string     `json:"origin,omitempty"`
	Children []*Section `json:"children"`
}

// BlockRef points at a block: Pages[Page].Blocks[Block].
type BlockRef struct {
	Page  int `json:"page"`
	Block int `json:"block"`
}

// Less orders references in reading order.
func (r BlockRef) Less(o BlockRef) bool {
	if r.Page != o.Page {
		return r.Page < o.Page
	}
	return r.Block < o.Block
}

// Quality describes how much usable text was found.
type Quality struct {
	Pages        int     `json:"pages"`
	CharsPerPage float64 `json:"chars_per_page"`
	NeedsOCR     bool    `json:"needs_ocr"`
	// ReplacementShare is the share of characters that are U+FFFD (text
	// that could not be decoded); ControlShare the share of control
	// characters found (and removed) in the raw text.
	ReplacementShare float64 `json:"replacement_share"`
	ControlShare     float64 `json:"control_share"`
	// ColumnShare is the share of a converted text's blocks that read two
	// columns across, line by line, and were put back in column order: a
	// repair that may be imperfect, so a passage the document has may not
	// read whole. 0 when nothing was put back.
	ColumnShare float64  `json:"column_share,omitempty"`
	FailedPages []int    `json:"failed_pages,omitempty"`
	EmptyPages  []int    `json:"empty_pages,omitempty"`
	Warnings    []string `json:"warnings"`
	// OCR says which pages were read by OCR (scanned pages), and how
	// sure the OCR engine was of their words; nil when none was tried.
	OCR *OCR `json:"ocr,omitempty"`
}

// OCR describes the pages read by OCR.
type OCR struct {
	// Engine names the OCR program and its version ("tesseract 5.3.0").
	Engine string `json:"engine"`
	// Confidence is the mean confidence of the words read, 0 to 100,
	// over every page (each word counts once).
	Confidence float64   `json:"confidence"`
	Pages      []OCRPage `json:"pages"`
}

// OCRPage is one page given to OCR: read (its words and their mean
// confidence), or not, and why.
type OCRPage struct {
	Page       int     `json:"page"`
	Words      int     `json:"words"`
	Confidence float64 `json:"confidence"`
	Error      string  `json:"error,omitempty"`
}

// ReadByOCR reports whether page number n was read by OCR.
func (q *Quality) ReadByOCR(n int) bool {
	if q.OCR == nil {
		return false
	}
	for _, p := range q.OCR.Pages {
		if p.Page == n && p.Error == "" {
			return true
		}
	}
	return false
}

// Warn records a warning once.
func (q *Quality) Warn(msg string) {
	for _, w := range q.Warnings {
		if w == msg {
			return
		}
	}
	q.Warnings = append(q.Warnings, msg)
}

// PlainText returns the document text in reading order: blocks separated
// by a newline, pages by a form feed, as pdftotext does.
func (d *Document) PlainText() string {
	var b strings.Builder
	for i, p := range d.Pages {
		if i > 0 {
			b.WriteByte('\f')
		}
		for _, bl := range p.Blocks {
			b.WriteString(bl.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Walk calls fn for every section in depth-first order with its ancestors
// (outermost first, not including s).
func Walk(secs []*Section, fn func(s *Section, parents []*Section)) {
	var walk func(list []*Section, parents []*Section)
	walk = func(list []*Section, parents []*Section) {
		for _, s := range list {
			fn(s, parents)
			walk(s.Children, append(parents[:len(parents):len(parents)], s))
		}
	}
	walk(secs, nil)
}

// TableText is the Text of a table block: cells joined by tabs, rows by
// newlines, so that a table reads as text the way pdftotext lays it out.
func TableText(rows [][]string) string {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j, c := range r {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(c)
		}
	}
	return b.String()
}

// FilledRows drops the rows whose cells are all empty (spacer rows).
func FilledRows(rows [][]string) [][]string {
	var out [][]string
	for _, r := range rows {
		for _, c := range r {
			if c != "" {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// HeadedRow pairs each cell of a table row with its column's header
// ("Service: Urgent care; 2023/24: £12.1m"), leaving out empty cells; both
// are cells joined with " | ", as in the annotated sentence of a row and its header. ok
// is false when the columns do not line up.
func HeadedRow(header, row string) (string, bool) {
	hs, cs := strings.Split(header, " | "), strings.Split(row, " | ")
	if len(hs) != len(cs) {
		return "", false
	}
	var b strings.Builder
	for k, c := range cs {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		if h := strings.TrimSpace(hs[k]); h != "" && h != c {
			b.WriteString(h)
			b.WriteString(": ")
		}
		b.WriteString(c)
	}
	return b.String(), b.Len() > 0
}

// PageText is the text of a page as evidence quotes it: every block's
// text, list items, table rows with cells joined by " | ", and each row
// below a header again under its headers (HeadedRow). Quotes are checked
// against it and looked for in another version of a document.
func PageText(p Page) string {
	var b strings.Builder
	for _, bl := range p.Blocks {
		b.WriteString(bl.Text)
		b.WriteByte(' ')
		for _, it := range bl.Items {
			b.WriteString(it)
			b.WriteByte(' ')
		}
		for i, row := range bl.Rows {
			b.WriteString(strings.Join(row, " | "))
			b.WriteByte(' ')
			if i > 0 {
				if q, ok := HeadedRow(strings.Join(bl.Rows[0], " | "), strings.Join(row, " | ")); ok {
					b.WriteString(q)
					b.WriteByte(' ')
				}
			}
		}
	}
	return b.String()
}

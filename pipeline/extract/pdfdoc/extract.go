// Package pdfdoc reads PDF files into the document model with
// github.com/ledongthuc/pdf, through its own content-stream walker over
// pdf.Interpret: fonts are decoded once and cached, glyphs are placed with
// the text and graphics matrices, and words, lines, blocks and reading order
// are rebuilt from those positions (see research/NOTES.md for why
// Page.Content and GetPlainText are not used).
//
// The library can panic or loop on hostile files; Extract recovers panics
// page by page, but a hang can only be stopped from outside the process, so
// callers run Extract in a child process with a deadline (package extract).
package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/title"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Options bounds the work done on one document. A zero field takes its
// default.
type Options struct {
	// MaxPages: a document with more pages is refused, not cut short: a
	// score of the first pages of a plan would be reported as the plan's.
	MaxPages       int
	MaxStreamBytes int64 // decompressed bytes of one stream
	MaxFormDepth   int   // nesting of Form XObjects
	MaxOps         int   // content operators on one page, forms included
	// Scan says which pages' images ExtractScans takes out for OCR.
	Scan ScanMode
}

// Defaults, generous for real documents and still bounded. A 10,000-page
// document reads in about 10 s and 700 MB on the development machine.
const (
	DefaultMaxPages       = 10000
	DefaultMaxStreamBytes = 256 << 20
	DefaultMaxFormDepth   = 12
	DefaultMaxOps         = 5_000_000
)

// DefaultOptions are the defaults of every limit.
func DefaultOptions() Options {
	return Options{MaxPages: DefaultMaxPages, MaxStreamBytes: DefaultMaxStreamBytes, MaxFormDepth: DefaultMaxFormDepth, MaxOps: DefaultMaxOps}
}

// WithDefaults fills the zero fields with the defaults.
func (o Options) WithDefaults() Options {
	d := DefaultOptions()
	if o.MaxPages <= 0 {
		o.MaxPages = d.MaxPages
	}
	if o.MaxStreamBytes <= 0 {
		o.MaxStreamBytes = d.MaxStreamBytes
	}
	if o.MaxFormDepth <= 0 {
		o.MaxFormDepth = d.MaxFormDepth
	}
	if o.MaxOps <= 0 {
		o.MaxOps = d.MaxOps
	}
	return o
}

type extractor struct {
	raw       []byte
	r         *pdf.Reader
	opt       Options
	encrypted bool
	fonts     map[string]*font
	warnings  []string
	marks     []Bookmark
	spanBuf   []span                 // glyph runs of the page being read, reused page to page
	forms     map[string]formContent // reduced content of forms, by stream identity
	formBytes int
	programs  []*program // lexed content streams, one per depth of forms (runContent)
}

func (x *extractor) warnOnce(msg string) {
	msg = printable(msg)
	for _, w := range x.warnings {
		if w == msg {
			return
		}
	}
	x.warnings = append(x.warnings, msg)
}

// Extract reads a PDF. An error means no page could be read at all; damage
// that costs single pages is reported in the document's quality warnings.
// The bookmarks come back separately for the section builder.
func Extract(data []byte, opt Options) (*document.Document, []Bookmark, error) {
	doc, marks, _, err := ExtractScans(data, opt)
	return doc, marks, err
}

// ExtractScans is Extract that also takes out the images of the pages
// opt.Scan asks for, for OCR: scans is nil when there are none. The
// document is complete without them; ApplyOCR puts what OCR read of them
// in their pages' place.
func ExtractScans(data []byte, opt Options) (doc *document.Document, marks []Bookmark, scans *Scans, err error) {
	opt = opt.WithDefaults()
	x := &extractor{opt: opt, fonts: map[string]*font{}, forms: map[string]formContent{}}
	defer func() {
		if r := recover(); r != nil {
			doc, marks, scans, err = nil, nil, nil, fmt.Errorf("damaged PDF: %v", firstLine(fmt.Sprint(r)))
		}
	}()
	if err := x.open(data); err != nil {
		return nil, nil, nil, err
	}
	pages, err := x.pageList()
	if err != nil {
		return nil, nil, nil, err
	}
	doc = &document.Document{SchemaVersion: document.SchemaVersion, Format: document.FormatPDF}
	limit := len(pages)
	var stats textclean.Stats
	raws := make([]rawPage, limit)
	frags := make([][]*frag, limit)
	var failed []int
	for i := 0; i < limit; i++ {
		rp, err := x.readPage(pages[i], i+1)
		if err != nil {
			failed = append(failed, i+1)
			x.warnOnce(fmt.Sprintf("page %d could not be read: %v", i+1, err))
		}
		// A page's glyph runs become its line fragments at once: runs are
		// the bulkiest form of the text, and holding every page's until
		// the layout pass would make memory grow with them.
		frags[i] = buildFrags(rp)
		x.spanBuf = rp.spans[:0] // the next page reuses the array
		rp.spans = nil
		raws[i] = rp
	}
	lay := newLayout(raws, frags)
	doc.Pages = make([]document.Page, 0, limit)
	for i := range raws {
		p, st := lay.page(i)
		lay.frags[i] = nil // laid out: the fragments are no longer needed
		stats.Add(st)
		doc.Pages = append(doc.Pages, p)
	}
	if len(failed) == limit && limit > 0 {
		return nil, nil, nil, fmt.Errorf("no page could be read: %s", firstLine(strings.TrimPrefix(x.warnings[len(x.warnings)-1], "page 1 could not be read: ")))
	}
	doc.Quality.FailedPages = failed
	info := x.infoTitle()
	doc.Title = chooseTitle(info, doc)
	x.marks = x.bookmarks(pages[:limit])
	if opt.Scan != ScanNone {
		if list, noImage := x.scans(doc, raws, opt.Scan); len(list) > 0 || len(noImage) > 0 {
			scans = &Scans{Pages: list, NoImage: noImage, Info: info, Controls: stats.Controls}
		}
	}
	for _, w := range x.warnings {
		doc.Quality.Warn(w)
	}
	if scans != nil {
		scans.Warnings = slices.Clone(doc.Quality.Warnings)
	}
	doc.Measure(stats.Controls)
	return doc, x.marks, scans, nil
}

// open parses the file, repairing the damage the library rejects but that
// readers routinely accept: a PDF 2.0 or malformed header line, bytes before
// %PDF, trailing bytes after %%EOF, and a startxref that points nowhere.
func (x *extractor) open(data []byte) error {
	start := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if start < 0 {
		return errors.New("no %PDF header: not a PDF file (it may be corrupt or mislabelled)")
	}
	r, firstErr := newReader(data)
	if firstErr == nil {
		x.raw, x.r = data, r
		x.encrypted = r.Trailer().Key("Encrypt").Kind() != pdf.Null
		return weakRC4(r)
	}
	if isEncryptionError(firstErr) {
		return describeOpenError(firstErr)
	}
	for _, rep := range repairs {
		buf := rep.fix(data)
		if buf == nil {
			continue
		}
		r, err := newReader(buf)
		if err == nil {
			x.raw, x.r = buf, r
			x.encrypted = r.Trailer().Key("Encrypt").Kind() != pdf.Null
			x.warnOnce("the file is damaged and was repaired to be read (" + rep.name + ")")
			return weakRC4(r)
		}
		if isEncryptionError(err) {
			return describeOpenError(err)
		}
	}
	if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
		// The library's complaint about whatever byte the cut fell on
		// says less than this.
		return errors.New("damaged PDF: the file is cut short (no %%EOF at its end, as after an interrupted download) and could not be repaired")
	}
	return describeOpenError(firstErr)
}

func newReader(buf []byte) (r *pdf.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("%v", p)
		}
	}()
	if err := checkXrefBounds(buf); err != nil {
		return nil, err
	}
	r, err = pdf.NewReader(bytes.NewReader(buf), int64(len(buf)))
	if err == nil && r.Trailer().Key("Root").Kind() != pdf.Dict {
		return nil, errors.New("no document catalog")
	}
	return r, err
}

// weakRC4 refuses RC4 keys shorter than 88 bits (40-bit RC4 from old
// Acrobat versions): the library derives each object's key from the whole
// MD5 digest instead of the first key length + 5 bytes, so every stream
// would come out as noise and the file would be reported as damaged.
func weakRC4(r *pdf.Reader) error {
	enc := r.Trailer().Key("Encrypt")
	if enc.Kind() == pdf.Null {
		return nil
	}
	v, bits := enc.Key("V").Int64(), enc.Key("Length").Int64()
	if bits == 0 {
		bits = 40
	}
	if (v == 1 || v == 2) && bits/8+5 < 16 {
		return fmt.Errorf("encrypted PDF (%d-bit RC4) is not supported: decrypt it first (e.g. qpdf --decrypt)", bits)
	}
	return nil
}

func isEncryptionError(err error) bool {
	m := err.Error()
	return strings.Contains(m, "encrypt") || strings.Contains(m, "password")
}

func describeOpenError(err error) error {
	msg := firstLine(err.Error())
	switch {
	case strings.Contains(msg, "V=5") || strings.Contains(msg, "R=6") || strings.Contains(msg, "R=5") || strings.Contains(msg, "256-bit"):
		return errors.New("encrypted PDF (AES-256) is not supported: decrypt it first (e.g. qpdf --decrypt)")
	case strings.Contains(msg, "password"):
		return errors.New("encrypted PDF needs a password")
	case strings.Contains(msg, "encrypt"):
		return fmt.Errorf("encrypted PDF not supported: %s", msg)
	}
	return fmt.Errorf("damaged PDF: %s", msg)
}

// firstLine makes a message from the library fit one line of an error
// report: cut at the first line break or ";" (the library appends whole
// dictionaries after one), printable characters only, bounded length.
func firstLine(s string) string {
	if i := strings.IndexAny(s, ";\n\r"); i >= 0 {
		s = s[:i]
	}
	return printable(s)
}

// printable replaces line breaks and control characters and bounds the
// length: warnings and errors are printed one per line.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > 160 {
		s = strings.ToValidUTF8(s[:160], "") + "…"
	}
	return s
}

// rawPage is what the walker found on one page.
type rawPage struct {
	number int
	width  float64
	height float64
	spans  []span
	rules  []rule
	images []imageDraw
}

// readPage walks one page; a panic inside the library costs only this page.
func (x *extractor) readPage(pg pdf.Value, number int) (rp rawPage, err error) {
	rp.number = number
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s", firstLine(fmt.Sprint(r)))
		}
	}()
	anc := &ancestry{nodes: []pdf.Value{pg}}
	box := anc.inherited("CropBox")
	if box.Len() != 4 {
		box = anc.inherited("MediaBox")
	}
	llx, lly, urx, ury := 0.0, 0.0, 612.0, 792.0
	if box.Len() == 4 {
		llx, lly, urx, ury = box.Index(0).Float64(), box.Index(1).Float64(), box.Index(2).Float64(), box.Index(3).Float64()
		if urx < llx {
			llx, urx = urx, llx
		}
		if ury < lly {
			lly, ury = ury, lly
		}
	}
	w, h := urx-llx, ury-lly
	if w <= 1 || h <= 1 {
		w, h, llx, lly = 612, 792, 0, 0
	}
	// Rotated pages are turned upright so that layout always reads
	// left to right, top to bottom.
	ctm := matrix{1, 0, 0, 1, -llx, -lly}
	switch ((anc.inherited("Rotate").Int64() % 360) + 360) % 360 {
	case 90:
		ctm = ctm.mul(matrix{0, -1, 1, 0, 0, w})
		w, h = h, w
	case 180:
		ctm = ctm.mul(matrix{-1, 0, 0, -1, w, h})
	case 270:
		ctm = ctm.mul(matrix{0, 1, -1, 0, h, 0})
		w, h = h, w
	}
	rp.width, rp.height = w, h
	contents := pg.Key("Contents")
	if contents.IsNull() && strings.Contains(pg.String(), "/Contents") {
		// The page names content the file does not hold (cut short).
		return rp, errors.New("its content is missing from the file (truncated?)")
	}
	data, serr := x.streamData(contents)
	if len(data) == 0 {
		return rp, serr
	}
	pw := &pageWalker{
		x:      x,
		g:      gstate{ctm: ctm, th: 1},
		tm:     identity,
		tlm:    identity,
		fonts:  map[string]*font{},
		res:    anc.inherited("Resources"),
		active: map[string]bool{},
		spans:  x.spanBuf[:0],
	}
	err = pw.run(data)
	if err == nil {
		err = pw.err
	}
	if err == nil {
		err = serr
	}
	rp.spans = pw.spans
	rp.rules = pw.rules
	rp.images = pw.images
	if err != nil && len(rp.spans) > 0 {
		// Text was found before the damage: keep it, say the page is partial.
		x.warnOnce(fmt.Sprintf("page %d was read only in part: %v", number, firstLine(err.Error())))
		err = nil
	}
	return rp, err
}

// ancestry is a page and the nodes above it by /Parent, resolved as far
// as a look-up has needed: a page looks up four inherited keys, most of
// them at the root, and each resolution of a node parses it again (with
// its /Kids, and the whole object stream that holds it).
type ancestry struct {
	nodes []pdf.Value // nodes[i+1] is nodes[i].Key("Parent")
}

// inherited looks a key up on the page and its ancestors (bounded, since a
// /Parent chain can loop): the nodes are looked at, and each /Parent
// resolved, in the order of a walk up from the page, the first time.
func (a *ancestry) inherited(key string) pdf.Value {
	for i := 0; i < 64; i++ {
		v := a.nodes[i]
		if v.IsNull() {
			break
		}
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		if i+1 == len(a.nodes) {
			a.nodes = append(a.nodes, v.Key("Parent"))
		}
	}
	return pdf.Value{}
}

// pageList walks the page tree itself: the library's Page(n) trusts /Count
// and follows /Kids without a cycle check.
func (x *extractor) pageList() ([]pdf.Value, error) {
	root := x.r.Trailer().Key("Root").Key("Pages")
	var pages []pdf.Value
	seen := map[string]bool{}
	var walk func(node pdf.Value, depth int)
	walk = func(node pdf.Value, depth int) {
		if depth > 64 || len(pages) > x.opt.MaxPages {
			return
		}
		kids := node.Key("Kids")
		if node.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			if node.Kind() == pdf.Dict {
				pages = append(pages, node)
			}
			return
		}
		id := node.String()
		if seen[id] {
			x.warnOnce("the page tree loops; the loop was cut")
			return
		}
		seen[id] = true
		for i := 0; i < kids.Len(); i++ {
			walk(kids.Index(i), depth+1)
		}
	}
	walk(root, 0)
	if len(pages) == 0 {
		return nil, errors.New("damaged PDF: no pages found")
	}
	if len(pages) > x.opt.MaxPages {
		return nil, fmt.Errorf("more than %d pages, the page limit (--max-pages)", x.opt.MaxPages)
	}
	return pages, nil
}

// infoTitle is the Info dictionary's title, cleaned.
func (x *extractor) infoTitle() string {
	info := strings.TrimSpace(x.r.Trailer().Key("Info").Key("Title").Text())
	info, _ = textclean.Clean(info, false)
	return textclean.Fold(info)
}

// chooseTitle picks the document title: the Info title when the text bears it
// out (producers leave "Microsoft Word - draft3.docx" or a previous
// document's title there), else the largest text on the first page.
func chooseTitle(info string, doc *document.Document) string {
	if info != "" && !junkTitle(info) && title.FromSized([]title.Line{{Text: info, Size: 1}}) == info {
		var first strings.Builder
		for i := 0; i < len(doc.Pages) && i < 3; i++ {
			for _, b := range doc.Pages[i].Blocks {
				first.WriteString(strings.ToLower(b.Text))
				first.WriteByte(' ')
			}
		}
		words := strings.Fields(strings.ToLower(info))
		found := 0
		for _, w := range words {
			if strings.Contains(first.String(), strings.Trim(w, ".,:;()")) {
				found++
			}
		}
		if len(words) > 0 && found*3 >= len(words)*2 {
			return info
		}
	}
	var lines []title.Line
	for i := 0; i < len(doc.Pages) && i < 2 && len(lines) == 0; i++ {
		for _, b := range doc.Pages[i].Blocks {
			lines = append(lines, title.Line{Text: strings.ReplaceAll(b.Text, "\n", " "), Size: b.FontSize})
		}
	}
	if t := title.FromSized(lines); t != "" {
		return t
	}
	if junkTitle(info) {
		return ""
	}
	return info
}

func junkTitle(t string) bool {
	l := strings.ToLower(t)
	for _, s := range []string{"microsoft word", "microsoft powerpoint", "powerpoint presentation", "untitled", ".doc", ".pdf", ".ppt", ".indd", "slide 1"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	// a file name: "CORE20PLUS5_Landscape"
	if strings.Contains(t, "_") && !strings.Contains(t, " ") {
		return true
	}
	return len(strings.Fields(t)) < 2 && len(t) < 6
}

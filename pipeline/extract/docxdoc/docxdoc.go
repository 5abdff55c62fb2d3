// Package docxdoc reads Word documents (DOCX, Office Open XML) into the
// document model with the standard library only: archive/zip for the
// package and a streaming encoding/xml decoder for its parts.
package docxdoc

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/title"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Limits on hostile packages. A zip bomb is stopped by capping what is
// decompressed from each part, not the size of the archive.
const (
	maxEntries = 10_000
	// maxPartXML caps the small parts read whole or streamed for a few
	// values (styles, core properties, relationships).
	maxPartXML = 20 << 20
	// maxDepth caps XML element nesting (tables in tables in text boxes).
	maxDepth = 256
)

// maxDocumentXML caps the decompressed main document part; the largest
// real DOCX seen (a 140-page constitution) has 1.5 MB. A variable so that
// tests can exercise the cap without decompressing 200 MB.
var maxDocumentXML int64 = 200 << 20

// oleMagic starts OLE compound files: legacy .doc files, and DOCX files
// encrypted with a password, which Word wraps in one.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

const defaultMain = "word/document.xml"

// Options bounds the reading of one package; a zero field takes its
// default.
type Options struct {
	// MaxDepth caps XML element nesting in the main document part.
	MaxDepth int
	// Context, when set, stops the reading when it ends: the loop over
	// the main part's XML tokens checks it.
	Context context.Context
}

// Read parses a DOCX file with the default limits. The content type is
// ignored: a DOCX is known by its package, not by what a server called it.
func Read(data []byte, contentType string) (*document.Document, error) {
	return ReadWith(data, contentType, Options{})
}

// ReadWith is Read with limits.
func ReadWith(data []byte, _ string, opt Options) (*document.Document, error) {
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = maxDepth
	}
	if bytes.HasPrefix(data, oleMagic) {
		return nil, errors.New("docx: an OLE compound file (a legacy .doc, or a password-protected DOCX), not a DOCX package")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("docx: not a zip archive: %w", err)
	}
	if len(zr.File) > maxEntries {
		return nil, fmt.Errorf("docx: %d zip entries, more than the %d allowed", len(zr.File), maxEntries)
	}
	pkg := newPackage(zr)
	mainPath := pkg.mainDocument()
	main := pkg.file(mainPath)
	if main == nil {
		return nil, fmt.Errorf("docx: missing %s", mainPath)
	}

	d := &document.Document{SchemaVersion: document.SchemaVersion, Format: document.FormatDOCX}
	st := newStyles()
	if f := pkg.file(path.Join(path.Dir(mainPath), "styles.xml")); f != nil {
		if err := st.read(f); err != nil {
			// Headings then come from style ids alone ("Heading1"); the
			// text is still there.
			d.Quality.Warn(fmt.Sprintf("styles unreadable, headings guessed from style ids: %v", err))
		}
	}
	body, err := parseBody(opt.Context, main, st, opt.MaxDepth)
	if err != nil {
		return nil, err
	}
	coreTitle := ""
	if f := pkg.file("docProps/core.xml"); f != nil {
		// A broken core.xml only loses the metadata title.
		coreTitle, _ = readCoreTitle(f)
	}
	blocks := body.blocks
	if blocks == nil {
		blocks = []document.Block{}
	}
	d.Pages = []document.Page{{Number: 1, Blocks: blocks}}
	d.Title = chooseTitle(coreTitle, body, st.bodySize())
	d.Measure(body.controls)
	return d, nil
}

// pkg indexes the zip entries by name.
type pkg struct {
	files map[string]*zip.File
	lower map[string]*zip.File
}

func newPackage(zr *zip.Reader) *pkg {
	p := &pkg{files: map[string]*zip.File{}, lower: map[string]*zip.File{}}
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, "/")
		p.files[name] = f
		p.lower[strings.ToLower(name)] = f
	}
	return p
}

// file finds a part by name; part names are case-insensitive in OPC.
func (p *pkg) file(name string) *zip.File {
	if f, ok := p.files[name]; ok {
		return f
	}
	return p.lower[strings.ToLower(name)]
}

// mainDocument returns the main part named by the package relationships,
// which is word/document.xml except in some generated files.
func (p *pkg) mainDocument() string {
	f := p.file("_rels/.rels")
	if f == nil {
		return defaultMain
	}
	rc, err := openCapped(f, maxPartXML)
	if err != nil {
		return defaultMain
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.Token()
		if err != nil {
			return defaultMain
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		if strings.HasSuffix(attr(se, "Type"), "/officeDocument") {
			target := strings.TrimPrefix(attr(se, "Target"), "/")
			if target != "" && p.file(target) != nil {
				return path.Clean(target)
			}
			return defaultMain
		}
	}
}

// cappedReader fails once more than limit bytes have been decompressed.
type cappedReader struct {
	r     io.Reader
	c     io.Closer
	name  string
	read  int64
	limit int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.read > c.limit {
		return n, fmt.Errorf("docx: %s is larger than %d MB decompressed (limit; a zip bomb?)", c.name, c.limit>>20)
	}
	return n, err
}

func (c *cappedReader) Close() error { return c.c.Close() }

func openCapped(f *zip.File, limit int64) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("docx: opening %s: %w", f.Name, err)
	}
	return &cappedReader{r: rc, c: rc, name: f.Name, limit: limit}, nil
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// readCoreTitle returns dc:title from docProps/core.xml.
func readCoreTitle(f *zip.File) (string, error) {
	rc, err := openCapped(f, maxPartXML)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	in := false
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return "", fmt.Errorf("docx: reading core properties: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Local == "title"
		case xml.EndElement:
			if in {
				return b.String(), nil
			}
		case xml.CharData:
			if in && b.Len() < 4096 {
				b.Write(t)
			}
		}
	}
}

// Title choice. The metadata title is often stale: documents start as
// copies of others and keep their dc:title ("Rapid review of … Dementia
// Strategy" on a report about dependency forecasts), or carry a file name.
const (
	openingBlocks  = 20  // blocks that make the opening of a document
	maxTitleWords  = 30  // a paragraph longer than this is no title
	largeTypeRatio = 1.5 // title type is at least this much larger than body text
)

// chooseTitle picks dc:title when the opening of the document echoes it,
// else the Title-styled paragraph, else a paragraph in large type in the
// opening, else the first heading, else the first paragraph.
func chooseTitle(core string, body *bodyResult, bodySize float64) string {
	core, _ = textclean.Clean(core, false)
	core = textclean.Fold(core)
	blocks := body.blocks
	var opening strings.Builder
	for i, b := range blocks {
		if i >= openingBlocks {
			break
		}
		opening.WriteString(strings.ToLower(b.Text))
		opening.WriteByte(' ')
	}
	if core != "" && !looksLikeFileName(core) && echoed(core, opening.String()) {
		return core
	}
	if body.title != "" {
		return body.title
	}
	for i, b := range blocks {
		if i >= openingBlocks {
			break
		}
		if b.Kind != document.Table && b.FontSize >= largeTypeRatio*bodySize &&
			len(strings.Fields(b.Text)) <= maxTitleWords && b.Text != "" {
			return b.Text
		}
	}
	for _, b := range blocks {
		if b.Kind == document.Heading {
			return b.Text
		}
	}
	for _, b := range blocks {
		if b.Kind == document.Paragraph || b.Kind == document.Heading {
			return title.Cut(b.Text)
		}
	}
	return core
}

func looksLikeFileName(s string) bool {
	l := strings.ToLower(s)
	return strings.HasSuffix(l, ".docx") || strings.HasSuffix(l, ".doc") || strings.HasPrefix(l, "microsoft word - ")
}

// echoed reports whether the title's words of four letters or more all
// appear in the opening text.
func echoed(title, opening string) bool {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	total, found := 0, 0
	for _, w := range words {
		if len([]rune(w)) < 4 || strings.Trim(w, "0123456789") == "" {
			continue
		}
		total++
		if strings.Contains(opening, w) {
			found++
		}
	}
	// Every word: a title carried over from the file this one was
	// copied from ("... constitution Master V1.3" on version 1.6) differs
	// in a word or two.
	return total > 0 && found == total
}

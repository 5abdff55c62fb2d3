// Package textdoc reads Markdown and plain text into the document model:
// one page of headings, paragraphs, lists and tables.
//
// Much of the Markdown met in practice was converted from PDF and is
// messy: headings arrive as bold lines split over several lines, page
// numbers stand on lines of their own, contents pages become runs of
// short lines. The readers here are deliberately conservative about what
// becomes a heading, since a wrong section is worse than a missing one.
package textdoc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/title"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// maxInput bounds the text read. The parsers are linear, so this only
// keeps memory in proportion; the largest real board pack is under 1 MB.
const maxInput = 64 << 20

// Read parses Markdown or plain text. contentType ("text/markdown",
// "text/plain", optionally with a charset) says which; when it is empty
// or says neither, the content decides (see looksLikeMarkdown).
func Read(data []byte, contentType string) (*document.Document, error) {
	return ReadContext(context.Background(), data, contentType)
}

// ReadContext is Read that stops, with ctx's error, when ctx ends: the
// line loops check it, so that a reader past its deadline does not go on
// using a core and memory after its caller has given up.
func ReadContext(ctx context.Context, data []byte, contentType string) (*document.Document, error) {
	if len(data) > maxInput {
		return nil, fmt.Errorf("not text: %d bytes is more than the %d MB limit", len(data), maxInput>>20)
	}
	mediaType, params, _ := mime.ParseMediaType(contentType)
	text, warning, err := decode(data, params["charset"])
	if err != nil {
		return nil, err
	}
	// A form feed is a page break in pdftotext output: a paragraph break
	// here, not a control character.
	text = strings.ReplaceAll(text, "\f", "\n\n")
	text, st := textclean.Clean(text, true)

	var markdown bool
	switch mediaType {
	case "text/markdown", "text/x-markdown", "text/md":
		markdown = true
	case "text/plain":
		markdown = false
	default:
		markdown = looksLikeMarkdown(text)
	}
	b := &builder{controls: st.Controls, ctx: ctx}
	d := &document.Document{SchemaVersion: document.SchemaVersion}
	if markdown {
		d.Format = document.FormatMarkdown
		parseMarkdown(b, text)
	} else {
		d.Format = document.FormatText
		parsePlain(b, text)
	}
	if err := b.stopped(); err != nil {
		return nil, err
	}
	var rj rejoined
	read := len(b.blocks)
	b.blocks, rj = rejoinLines(b.blocks)
	b.blocks = joinBroken(b.blocks, &rj)
	if err := b.stopped(); err != nil {
		return nil, err
	}
	switch {
	case rj.TwoColumns && rj.Lines > 0:
		d.Quality.Warn(fmt.Sprintf("the text reads two columns across, line by line (a conversion from PDF): %d lines were put back in column order; check quotes against the original", rj.Lines))
		d.Quality.ColumnShare = math.Round(float64(rj.Lines)/float64(read)*1000) / 1000
	case rj.Lines > 0:
		d.Quality.Warn(fmt.Sprintf("the text has a paragraph per line (a conversion from PDF): %d lines were joined into paragraphs", rj.Lines+rj.Broken))
	case rj.Broken > 0:
		d.Quality.Warn(fmt.Sprintf("paragraphs are broken mid-sentence (a conversion from PDF): %d were joined to the paragraph they continue", rj.Broken))
	}
	if b.blocks == nil {
		b.blocks = []document.Block{}
	}
	d.Pages = []document.Page{{Number: 1, Blocks: b.blocks}}
	d.Title = chooseTitle(b.blocks, b.firstLine, openingLines(text))
	if warning != "" {
		d.Quality.Warn(warning)
	}
	d.Measure(b.controls)
	return d, nil
}

// decode returns the text as UTF-8: by BOM, else by the declared charset,
// else UTF-8, falling back to Windows-1252 for text that has no UTF-8
// sequences at all but has bytes that are not UTF-8 (old Windows files).
func decode(data []byte, declared string) (string, string, error) {
	if err := sniffBinary(data); err != nil {
		return "", "", err
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:]), "", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("decoding UTF-16 text: %w", err)
		}
		return string(out), "", nil
	}
	if declared != "" {
		enc, name := charset.Lookup(declared)
		if enc == nil {
			return "", "", fmt.Errorf("not text: unknown charset %q", declared)
		}
		if name != "utf-8" {
			out, err := enc.NewDecoder().Bytes(data)
			if err != nil {
				return "", "", fmt.Errorf("decoding %s text: %w", name, err)
			}
			return string(out), "", nil
		}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", errors.New("not text: binary data (NUL bytes)")
	}
	if !utf8.Valid(data) && !hasUTF8Sequence(data) {
		out, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("decoding Windows-1252 text: %w", err)
		}
		return string(out), "not UTF-8: read as Windows-1252", nil
	}
	return string(data), "", nil
}

// sniffBinary rejects formats that are clearly not text (a PDF, a zip or
// DOCX, an image) before they are read as text.
func sniffBinary(data []byte) error {
	ct := http.DetectContentType(data)
	switch {
	case strings.HasPrefix(ct, "text/"), ct == "application/octet-stream":
		return nil
	}
	return fmt.Errorf("not text: content looks like %s", ct)
}

// hasUTF8Sequence reports whether data holds at least one valid multi-byte
// UTF-8 sequence, the sign of a UTF-8 file with a few bad bytes rather
// than a file in a single-byte code page.
func hasUTF8Sequence(data []byte) bool {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r != utf8.RuneError || size > 1 {
			return true
		}
		i++
	}
	return false
}

// builder accumulates blocks and the count of control characters removed.
type builder struct {
	blocks    []document.Block
	controls  int
	firstLine string
	// ctx stops the parse; err is its error once seen. The loops ask
	// every checkEvery lines: often enough to stop within a few
	// milliseconds, rarely enough to cost nothing.
	ctx   context.Context
	err   error
	lines int
}

const checkEvery = 1024

// stop reports whether the parse must end (its caller's context is
// done), checking the context every checkEvery calls.
func (b *builder) stop() bool {
	if b.err != nil {
		return true
	}
	if b.ctx == nil {
		return false
	}
	b.lines++
	if b.lines%checkEvery == 0 {
		if err := b.ctx.Err(); err != nil {
			b.err = fmt.Errorf("reading the text stopped: %w", context.Cause(b.ctx))
		}
	}
	return b.err != nil
}

// stopped is the error that stopped the parse, if any (checked now).
func (b *builder) stopped() error {
	if b.err == nil && b.ctx != nil && b.ctx.Err() != nil {
		b.err = fmt.Errorf("reading the text stopped: %w", context.Cause(b.ctx))
	}
	return b.err
}

// clean finishes a block's text: entities and markup were already handled
// by the caller; NFKC and control removal run again because unescaping can
// bring new characters in.
func (b *builder) clean(s string) string {
	s, st := textclean.Clean(s, false)
	b.controls += st.Controls
	return textclean.Fold(s)
}

// noteLine remembers the first line of text, the title of last resort.
func (b *builder) noteLine(s string) {
	if b.firstLine == "" {
		b.firstLine = b.clean(s)
	}
}

func (b *builder) heading(text string, level int, bold bool) {
	if t := b.clean(text); t != "" {
		b.blocks = append(b.blocks, document.Block{Kind: document.Heading, Text: t, Level: level, Bold: bold})
	}
}

func (b *builder) paragraph(text string, bold bool) {
	if t := b.clean(text); t != "" {
		b.blocks = append(b.blocks, document.Block{Kind: document.Paragraph, Text: t, Bold: bold})
	}
}

func (b *builder) list(items []string) {
	var kept []string
	for _, it := range items {
		if t := b.clean(it); t != "" {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return
	}
	b.blocks = append(b.blocks, document.Block{Kind: document.List, Text: strings.Join(kept, "\n"), Items: kept})
}

func (b *builder) table(rows [][]string) {
	cleaned := make([][]string, len(rows))
	for i, r := range rows {
		cleaned[i] = make([]string, len(r))
		for j, c := range r {
			cleaned[i][j] = b.clean(c)
		}
	}
	if kept := document.FilledRows(cleaned); len(kept) > 0 {
		b.blocks = append(b.blocks, document.Block{Kind: document.Table, Text: document.TableText(kept), Rows: kept})
	}
}

// titleWindow is how many blocks from the start a level-1 heading may sit
// and still be the title: converters append a "# Document Outline" of the
// PDF bookmarks at the end, which is no title.
const titleWindow = 20

// chooseTitle returns a level-1 heading among the opening lines, else the
// title read from the opening lines (Markdown converted from PDF has no
// "# Title", and its first heading is as likely "Contents" or "Open
// access"), else the first level-1 heading near the start, else the
// first heading, else the first line.
func chooseTitle(blocks []document.Block, firstLine string, opening []string) string {
	for i, l := range opening {
		if i == titleWindow/2 {
			break // a "# Document Outline" appended at the end is no title
		}
		if strings.HasPrefix(l, "# ") {
			if t := strings.TrimSpace(stripInline(strings.TrimPrefix(l, "# "))); t != "" && !title.Label(t) {
				return title.Cut(t)
			}
		}
	}
	var lines []title.Line
	for _, l := range opening {
		heading := strings.HasPrefix(l, "#")
		l = strings.TrimLeft(l, "# ")
		text := strings.TrimSpace(stripInline(l))
		strong := heading || strings.HasPrefix(l, "**") || strings.HasPrefix(l, "__")
		lines = append(lines, title.Line{Text: text, Strong: strong, Break: text == "", Heading: heading})
	}
	if t := title.FromLines(lines); t != "" {
		return t
	}
	for i, bl := range blocks {
		if i >= titleWindow {
			break
		}
		if bl.Kind == document.Heading && bl.Level == 1 {
			return bl.Text
		}
	}
	for _, bl := range blocks {
		if bl.Kind == document.Heading {
			return bl.Text
		}
	}
	return title.Cut(firstLine)
}

// openingLines returns the first lines of a text that hold words, where
// a title is; in Markdown, lines of only markup ("****") are skipped.
func openingLines(text string) []string {
	const n = 40
	var out []string
	for len(out) < n && text != "" {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		// In Markdown a line of only markup ("****") is kept: it
		// separates runs of lines as a blank line cannot (converters put
		// blank lines between the lines of one title).
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

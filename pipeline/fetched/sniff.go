package fetched

import (
	"archive/zip"
	"bytes"
	"io"
	"mime"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

const (
	// pdfWindow is how far into the file a %PDF header may sit: Acrobat
	// accepts up to 1024 bytes of junk before it, and so do we.
	pdfWindow = 1024
	// sampleLen bounds the text looked at for text/binary/markup
	// decisions, so sniffing a 200 MiB file stays cheap.
	sampleLen = 64 << 10
	// htmlWindow is how far a stray <html> or doctype may sit behind junk
	// (a PHP warning, a stray byte) and still make the page HTML.
	htmlWindow = 1024
)

// hint is the format claimed by the Content-Type or the file name.
type hint int

const (
	hintNone hint = iota
	hintPDF
	hintDOCX
	hintHTML
	hintMarkdown
)

// Sniff decides the format of data. The bytes decide first (a %PDF header
// within the first 1024 bytes, a ZIP holding word/document.xml, an HTML
// doctype or root element, byte-order marks), then contentType, then the
// extension of name (a path or URL). Markdown is told from plain text by
// the extension, the Content-Type, or else by its markup.
//
// A claim the bytes contradict is an error, never a guess: a ".pdf"
// without a %PDF header is corrupt or mislabelled, and handing it to the
// PDF reader would only produce a less helpful error later. Errors for
// bytes that are not a supported document wrap ErrUnsupported.
func Sniff(data []byte, contentType, name string) (document.Format, error) {
	if len(data) == 0 {
		return "", unsupported("document is empty")
	}
	claim := hintFrom(contentType, name)
	// A link to a file that answers with a web page has answered with an
	// error, login or cookie page, whatever its Content-Type says:
	// reading that page as the document would score the wrong thing.
	fileName := hintFrom("", name)
	if fileName != hintPDF && fileName != hintDOCX {
		fileName = hintNone
	}

	if bytes.Contains(data[:min(len(data), pdfWindow)], []byte("%PDF-")) {
		return document.FormatPDF, nil
	}
	if isZip(data) {
		kind := zipKind(data)
		if kind == kindDOCX {
			return document.FormatDOCX, nil
		}
		return "", mismatch(claim, kind)
	}
	if kind := binaryMagic(data); kind != "" {
		return "", mismatch(claim, kind)
	}

	text := DecodeText(data[:min(len(data), sampleLen)])
	if looksBinary(text) {
		return "", mismatch(claim, kindBinary)
	}
	if kind := textMagic(text); kind != "" {
		return "", mismatch(claim, kind)
	}
	if strongHTML(text) {
		switch {
		case fileName != hintNone:
			return "", mismatch(fileName, kindHTMLPage)
		case claim == hintPDF || claim == hintDOCX:
			return "", mismatch(claim, kindHTMLPage)
		}
		return document.FormatHTML, nil
	}
	switch claim {
	case hintPDF, hintDOCX:
		return "", mismatch(claim, "")
	case hintHTML:
		if fileName != hintNone {
			return "", mismatch(fileName, kindHTMLPage)
		}
		return document.FormatHTML, nil
	case hintMarkdown:
		return document.FormatMarkdown, nil
	}
	if weakHTML(text) {
		return document.FormatHTML, nil
	}
	if kind := xmlKind(text); kind != "" {
		return "", mismatch(claim, kind)
	}
	if looksMarkdown(text) {
		return document.FormatMarkdown, nil
	}
	return document.FormatText, nil
}

// Descriptions of what unsupported bytes look like, used in messages.
const (
	kindDOCX   = "docx"
	kindZip    = "a ZIP archive"
	kindBinary = "binary data"
	// kindHTMLPage is what a PDF link gives when the server sends a page
	// instead of the file.
	kindHTMLPage = "an HTML page, such as an error or login page"
)

func unsupported(msg string) error { return &msgError{msg: msg, err: ErrUnsupported} }

// mismatch explains why bytes that look like kind ("" for plain text)
// cannot be read, in terms of what the name or Content-Type claimed.
func mismatch(claim hint, kind string) error {
	switch claim {
	case hintPDF:
		if kind == "" || kind == kindBinary {
			return unsupported("no %PDF header: not a PDF file (it may be corrupt or mislabelled)")
		}
		return unsupported("no %PDF header: not a PDF file (it may be mislabelled: it looks like " + kind + ")")
	case hintDOCX:
		if kind == kindZip {
			return unsupported("not a DOCX file: the ZIP archive has no word/document.xml (it may be corrupt or mislabelled)")
		}
		if kind == "" || kind == kindBinary {
			return unsupported("no ZIP header: not a DOCX file (it may be corrupt or mislabelled)")
		}
		return unsupported("no ZIP header: not a DOCX file (it may be mislabelled: it looks like " + kind + ")")
	}
	if kind == "" {
		kind = "text"
	}
	return unsupported("not a supported document (looks like " + kind + ")")
}

func hintFrom(contentType, name string) hint {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	switch mt {
	case "application/pdf", "application/x-pdf", "application/acrobat":
		return hintPDF
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return hintDOCX
	case "text/html", "application/xhtml+xml":
		return hintHTML
	case "text/markdown", "text/x-markdown":
		return hintMarkdown
	}
	// text/plain, application/octet-stream and friends say nothing a
	// server has not guessed from the same extension we can see.

	ext := ""
	if IsURL(name) {
		if u, err := url.Parse(strings.TrimSpace(name)); err == nil {
			ext = path.Ext(u.Path)
		}
	} else {
		ext = filepath.Ext(name)
	}
	return extHint(ext)
}

// DocumentFile says whether a file's name is one of a document nhsreview
// reads (PDF, DOCX, HTML, Markdown, plain text): how a directory given
// as a source is told its documents from its other files, which are
// skipped unread. A file given by name is read whatever its name.
func DocumentFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return extHint(ext) != hintNone || ext == ".txt" || ext == ".text"
}

// extHint is what a file name's extension claims.
func extHint(ext string) hint {
	switch strings.ToLower(ext) {
	case ".pdf":
		return hintPDF
	case ".docx", ".docm", ".dotx":
		return hintDOCX
	case ".html", ".htm", ".xhtml", ".shtml":
		return hintHTML
	case ".md", ".markdown", ".mdown", ".mkd", ".mkdn":
		return hintMarkdown
	}
	return hintNone
}

func isZip(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06"))
}

// zipKind tells a DOCX from other ZIP-based formats. A ZIP whose central
// directory cannot be read (a truncated download) is judged by the member
// names in its local headers, which are stored uncompressed: a damaged
// DOCX is still a DOCX, and the extractor reports the damage.
func zipKind(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		switch {
		case bytes.Contains(data, []byte("word/document.xml")):
			return kindDOCX
		case bytes.Contains(data, []byte("xl/workbook.xml")):
			return "an Excel spreadsheet (XLSX)"
		case bytes.Contains(data, []byte("ppt/presentation.xml")):
			return "a PowerPoint presentation (PPTX)"
		}
		return kindZip
	}
	kind := kindZip
	for _, f := range zr.File {
		switch strings.ToLower(f.Name) {
		case "word/document.xml":
			return kindDOCX
		case "[content_types].xml":
			// Some writers name the main part word/document2.xml; the
			// content types list says which part is the document.
			ct := readMember(f, 1<<20)
			if bytes.Contains(ct, []byte("wordprocessingml.document.main+xml")) ||
				bytes.Contains(ct, []byte("ms-word.document.macroEnabled.main+xml")) ||
				bytes.Contains(ct, []byte("wordprocessingml.template.main+xml")) {
				return kindDOCX
			}
		case "xl/workbook.xml":
			kind = "an Excel spreadsheet (XLSX)"
		case "ppt/presentation.xml":
			kind = "a PowerPoint presentation (PPTX)"
		case "mimetype":
			mt := string(readMember(f, 256))
			switch {
			case strings.HasPrefix(mt, "application/vnd.oasis.opendocument"):
				kind = "an OpenDocument file (ODT/ODS/ODP)"
			case strings.HasPrefix(mt, "application/epub+zip"):
				kind = "an EPUB e-book"
			}
		}
	}
	return kind
}

// readMember reads at most limit bytes of a ZIP member; a ZIP bomb or a
// broken member yields what could be read, which only weakens a hint.
func readMember(f *zip.File, limit int64) []byte {
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, limit))
	return b
}

// binaryMagic names well-known non-document formats, so the error says
// "a PNG image" rather than "binary data".
func binaryMagic(data []byte) string {
	has := func(p string) bool { return bytes.HasPrefix(data, []byte(p)) }
	switch {
	case has("\x89PNG\r\n\x1a\n"):
		return "a PNG image"
	case has("\xFF\xD8\xFF"):
		return "a JPEG image"
	case has("GIF87a"), has("GIF89a"):
		return "a GIF image"
	case has("II*\x00"), has("MM\x00*"):
		return "a TIFF image"
	case has("RIFF") && len(data) >= 12 && string(data[8:12]) == "WEBP":
		return "a WebP image"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		switch string(data[8:12]) {
		case "heic", "heix", "mif1", "msf1", "avif":
			return "an image (HEIC/AVIF)"
		}
		return "a video or audio file (MP4)"
	case has("\x1F\x8B"):
		return "a gzip archive"
	case has("7z\xBC\xAF\x27\x1C"):
		return "a 7-Zip archive"
	case has("Rar!\x1A\x07"):
		return "a RAR archive"
	case has("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return "a legacy Microsoft Office file (.doc/.xls/.ppt; save it as DOCX or PDF)"
	case has("\x7FELF"):
		return "a program (ELF)"
	}
	return ""
}

// textMagic names text-like formats that are not documents we read.
func textMagic(text []byte) string {
	switch {
	case bytes.HasPrefix(text, []byte("{\\rtf")):
		return "an RTF document (save it as DOCX or PDF)"
	case bytes.HasPrefix(text, []byte("%!PS")):
		return "a PostScript file"
	}
	return ""
}

// looksBinary reports bytes that are not text: any NUL, or a high share of
// invalid UTF-8 and control characters. The threshold leaves room for
// Windows-1252 text, whose accented letters are invalid UTF-8 bytes.
func looksBinary(text []byte) bool {
	if bytes.IndexByte(text, 0) >= 0 {
		return true
	}
	var total, bad int
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size <= 1 && !utf8.FullRune(text[i:]) {
			break // a rune cut by the sample's end
		}
		i += size
		total++
		switch {
		case r == utf8.RuneError:
			bad++
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != '\v' && r != 0x1B:
			bad++
		case r == 0x7F:
			bad++
		}
	}
	return total > 0 && bad*100 > total*15
}

// skipProlog skips what may precede the root element of a markup file:
// whitespace, comments, processing instructions (<?xml ...?>) and
// doctypes other than HTML's. It stops at anything else.
func skipProlog(text []byte) []byte {
	for {
		text = bytes.TrimLeft(text, " \t\r\n\f")
		switch {
		case bytes.HasPrefix(text, []byte("<!--")):
			end := bytes.Index(text[4:], []byte("-->"))
			if end < 0 {
				return nil
			}
			text = text[4+end+3:]
		case bytes.HasPrefix(text, []byte("<?")):
			end := bytes.Index(text, []byte("?>"))
			if end < 0 {
				return nil
			}
			text = text[end+2:]
		case hasPrefixFold(text, "<!doctype") && !isHTMLDoctype(text):
			end := bytes.IndexByte(text, '>')
			if end < 0 {
				return nil
			}
			text = text[end+1:]
		default:
			return text
		}
	}
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

func isHTMLDoctype(b []byte) bool {
	return hasPrefixFold(b, "<!doctype html") && boundary(b, len("<!doctype html"))
}

// boundary reports whether a name ending at b[i] is complete ("<head"
// must not match "<header").
func boundary(b []byte, i int) bool {
	if i >= len(b) {
		return true
	}
	switch b[i] {
	case ' ', '\t', '\r', '\n', '\f', '>', '/':
		return true
	}
	return false
}

// startsWithTag reports whether b opens with one of the given elements.
func startsWithTag(b []byte, names ...string) bool {
	for _, n := range names {
		if hasPrefixFold(b, "<"+n) && boundary(b, len(n)+1) {
			return true
		}
	}
	return false
}

// strongHTML is markup no Markdown or text file starts with, so it wins
// over any name or Content-Type.
func strongHTML(text []byte) bool {
	s := skipProlog(text)
	return isHTMLDoctype(s) || startsWithTag(s, "html", "head", "body", "title", "meta")
}

// weakHTML catches fragments and pages behind junk; it is only consulted
// when neither the Content-Type nor the name said Markdown, because a
// README may well open with <p align="center">.
func weakHTML(text []byte) bool {
	s := skipProlog(text)
	if startsWithTag(s, "div", "p", "table", "h1", "h2", "h3", "h4", "h5", "h6",
		"script", "style", "link", "base", "iframe", "font", "center", "br", "b", "a",
		"header", "nav", "main", "article", "section", "noscript", "form", "ul", "ol", "frameset") {
		return true
	}
	head := bytes.ToLower(text[:min(len(text), htmlWindow)])
	for _, marker := range []string{"<!doctype html", "<html"} {
		for off := 0; ; {
			i := bytes.Index(head[off:], []byte(marker))
			if i < 0 {
				break
			}
			if boundary(head, off+i+len(marker)) {
				return true
			}
			off += i + len(marker)
		}
	}
	return false
}

// xmlKind names XML that is not HTML (an XML declaration or a known root),
// which would otherwise be scored as prose.
func xmlKind(text []byte) string {
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	s := skipProlog(text)
	switch {
	case startsWithTag(s, "svg"):
		return "an SVG image"
	case startsWithTag(s, "rss", "feed"):
		return "a news feed (RSS/Atom)"
	case bytes.HasPrefix(trimmed, []byte("<?xml")):
		return "an XML file"
	}
	return ""
}

var (
	atxHeading   = lazyre.New(`^#{1,6}[ \t]+\S`)
	tableDivider = lazyre.New(`^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$`)
	mdLink       = lazyre.New(`\[[^\]\n]+\]\([^)\s]+\)`)
	setextH1     = lazyre.New(`^={3,}\s*$`)
	// mdEscape is what converters such as pdf-to-markdown tools write for
	// literal punctuation: "\(2025\)", "Public\_Board".
	mdEscape = lazyre.New(`\\[()*_\[\]#]`)
)

// looksMarkdown looks for markup a plain-text author would not type: a
// document opening with a "# " heading, or at least two signals among
// headings, whole-line bold, pipe tables, code fences, setext headings,
// links and backslash escapes.
func looksMarkdown(text []byte) bool {
	score := 0
	first := true
	prevText := false
	for line := range strings.Lines(string(text)) {
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			prevText = false
			continue
		}
		switch {
		case atxHeading.MatchString(line):
			if first {
				return true
			}
			score++
		case len(trimmed) > 4 && strings.HasPrefix(trimmed, "**") && strings.HasSuffix(trimmed, "**"):
			score++
		case strings.Contains(trimmed, "|") && tableDivider.MatchString(trimmed):
			score += 2
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			score++
		case prevText && setextH1.MatchString(trimmed):
			score++
		}
		if mdLink.MatchString(line) || mdEscape.MatchString(line) {
			score++
		}
		if score >= 2 {
			return true
		}
		first = false
		prevText = true
	}
	return false
}

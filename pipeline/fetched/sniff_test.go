package fetched

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

const pdfErr = "no %PDF header: not a PDF file (it may be corrupt or mislabelled)"

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// Deterministic order: [Content_Types].xml first, as Word writes it.
	names := []string{"[Content_Types].xml"}
	for n := range files {
		if n != "[Content_Types].xml" {
			names = append(names, n)
		}
	}
	for _, n := range names {
		body, ok := files[n]
		if !ok {
			continue
		}
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func docxBytes(t testing.TB) []byte {
	return zipOf(t, map[string]string{
		"[Content_Types].xml": `<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml":   `<w:document><w:body><w:p><w:r><w:t>Board paper</w:t></w:r></w:p></w:body></w:document>`,
	})
}

func utf16Bytes(s string, order binary.AppendByteOrder) []byte {
	out := []byte{0xFF, 0xFE}
	if order == binary.BigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		out = order.AppendUint16(out, u)
	}
	return out
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func TestSniff(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	junk := bytes.Repeat([]byte("x"), 900)
	farJunk := bytes.Repeat([]byte("x"), 1100)
	docx := docxBytes(t)
	plainZip := zipOf(t, map[string]string{"notes.txt": "hello"})
	xlsx := zipOf(t, map[string]string{"xl/workbook.xml": "<workbook/>"})
	docx2 := zipOf(t, map[string]string{
		"[Content_Types].xml": `<Types><Override PartName="/word/document2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document2.xml":  "<w:document/>",
	})
	// A download cut short: local headers intact, central directory gone.
	truncatedDocx := docx[:bytes.Index(docx, []byte("PK\x01\x02"))]
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), randomBytes(64)...)
	ole := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), randomBytes(64)...)
	binaryData := randomBytes(4096)
	// High bytes but no NULs: caught by the invalid UTF-8 share.
	noNul := bytes.ReplaceAll(randomBytes(4096), []byte{0}, []byte{0xFF})

	tests := []struct {
		name        string
		data        []byte
		contentType string
		file        string
		want        document.Format
		wantErr     string
	}{
		{name: "pdf", data: pdf, file: "a.pdf", want: document.FormatPDF},
		{name: "pdf no name", data: pdf, want: document.FormatPDF},
		{name: "pdf after junk within 1 KiB", data: append(junk, pdf...), file: "a.pdf", want: document.FormatPDF},
		{name: "pdf header beyond 1 KiB", data: append(farJunk, pdf...), file: "a.pdf", wantErr: pdfErr},
		{name: "pdf mislabelled .html", data: pdf, file: "report.html", want: document.FormatPDF},
		{name: "pdf served as text/html", data: pdf, contentType: "text/html; charset=utf-8", want: document.FormatPDF},
		{name: "pdf URL with query", data: pdf, file: "https://example.org/get?id=3", want: document.FormatPDF},

		{name: "html doctype", data: []byte("<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>"), want: document.FormatHTML},
		{name: "html without doctype", data: []byte("\n  <HTML>\n<head><title>Board</title></head><body>x</body></HTML>"), want: document.FormatHTML},
		{name: "head without html tag", data: []byte("<head><title>Board</title></head>\n<p>Papers</p>"), want: document.FormatHTML},
		{name: "html comment first", data: []byte("<!-- generated -->\n<html lang=en><p>x</p></html>"), want: document.FormatHTML},
		{name: "xhtml", data: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body/></html>`), want: document.FormatHTML},
		{name: "xhtml content type", data: []byte("<div>fragment</div>"), contentType: "application/xhtml+xml", want: document.FormatHTML},
		{name: "html named .md still html", data: []byte("<!doctype html><title>x</title>"), file: "x.md", want: document.FormatHTML},
		{name: "html fragment named .html", data: []byte("Some text and <b>bold</b>"), file: "frag.htm", want: document.FormatHTML},
		{name: "html fragment no hint", data: []byte("<div class=main><p>Text</p></div>"), want: document.FormatHTML},
		{name: "html behind junk", data: []byte("Warning: session_start() failed\n<!DOCTYPE html>\n<html><body>x</body></html>"), want: document.FormatHTML},
		{name: "header is not head", data: []byte("<header-notes> are not HTML\nplain words"), want: document.FormatText},
		{name: "readme opening with html block", data: []byte("<p align=\"center\"><img src=logo.png></p>\n\n# Project\n"), file: "README.md", want: document.FormatMarkdown},
		{name: "utf-8 bom html", data: append([]byte{0xEF, 0xBB, 0xBF}, "<html><body>x</body></html>"...), want: document.FormatHTML},
		{name: "text/html overrides .md", data: []byte("# Title\n\nSome words."), contentType: "text/html", file: "https://github.com/a/b/blob/main/README.md", want: document.FormatHTML},

		{name: "docx", data: docx, file: "paper.docx", want: document.FormatDOCX},
		{name: "docx named .pdf", data: docx, file: "paper.pdf", want: document.FormatDOCX},
		{name: "docx main part named in content types", data: docx2, want: document.FormatDOCX},
		{name: "truncated docx", data: truncatedDocx, want: document.FormatDOCX},
		{name: "plain zip", data: plainZip, file: "bundle.zip", wantErr: "not a supported document (looks like a ZIP archive)"},
		{name: "plain zip named .docx", data: plainZip, file: "a.docx", wantErr: "not a DOCX file: the ZIP archive has no word/document.xml (it may be corrupt or mislabelled)"},
		{name: "xlsx", data: xlsx, wantErr: "not a supported document (looks like an Excel spreadsheet (XLSX))"},
		{name: "text named .docx", data: []byte("hello"), file: "a.docx", wantErr: "no ZIP header: not a DOCX file (it may be corrupt or mislabelled)"},
		{name: "legacy doc named .docx", data: ole, file: "a.docx", wantErr: "no ZIP header: not a DOCX file (it may be mislabelled: it looks like a legacy Microsoft Office file"},
		{name: "legacy doc", data: ole, file: "a.doc", wantErr: "not a supported document (looks like a legacy Microsoft Office file"},

		{name: "markdown by extension", data: []byte("Just words here."), file: "notes.markdown", want: document.FormatMarkdown},
		{name: "markdown by content type", data: []byte("Just words here."), contentType: "text/markdown; charset=UTF-8", want: document.FormatMarkdown},
		{name: "markdown served text/plain from .md URL", data: []byte("Just words."), contentType: "text/plain", file: "https://example.org/raw/notes.md?x=1", want: document.FormatMarkdown},
		{name: "markdown heading first", data: []byte("\n# Joint Forward Plan\n\nThe ICB will...\n"), want: document.FormatMarkdown},
		{name: "markdown table and bold", data: []byte("Board paper\n\n**Summary**\n\n| Item | Cost |\n|---|---:|\n| Beds | £3m |\n"), want: document.FormatMarkdown},
		{name: "markdown from converter", data: []byte("Iqbal et al. \\(2025\\)\n\n**Abstract**\n\nText.\n"), file: "x.txt", want: document.FormatMarkdown},
		{name: "text with one stray hash line", data: []byte("Bed numbers\n\nWe counted.\n# of beds fell by 3\nMore text.\n"), want: document.FormatText},
		{name: "plain text", data: []byte("Board paper\n\nThe board is asked to note the report.\n- item one\n- item two\n"), want: document.FormatText},
		{name: "plain text .txt text/plain", data: []byte("Minutes of the meeting."), contentType: "text/plain; charset=us-ascii", file: "m.txt", want: document.FormatText},
		{name: "windows-1252 text", data: []byte("Caf\xe9 culture and the na\xefve r\xe9sum\xe9 of a board.\n"), want: document.FormatText},
		{name: "utf-16le text with bom", data: utf16Bytes("Board paper: the plan for 2025–26.\n", binary.LittleEndian), file: "a.txt", want: document.FormatText},
		{name: "utf-16be html with bom", data: utf16Bytes("<!DOCTYPE html><html><body>x</body></html>", binary.BigEndian), want: document.FormatHTML},
		{name: "utf-16le markdown with bom", data: utf16Bytes("# Plan\n\nText\n", binary.LittleEndian), want: document.FormatMarkdown},

		{name: "empty", data: nil, file: "a.pdf", wantErr: "document is empty"},
		{name: "binary", data: binaryData, wantErr: "not a supported document (looks like binary data)"},
		{name: "binary without NULs", data: noNul, wantErr: "not a supported document (looks like binary data)"},
		{name: "binary named .pdf", data: binaryData, file: "x.PDF", wantErr: pdfErr},
		{name: "binary served application/pdf", data: binaryData, contentType: "application/pdf", file: "https://x.org/a", wantErr: pdfErr},
		{name: "text named .pdf", data: []byte("Access denied"), file: "a.pdf", wantErr: pdfErr},
		{name: "binary named .html", data: binaryData, file: "a.html", wantErr: "not a supported document (looks like binary data)"},
		{name: "png", data: png, wantErr: "not a supported document (looks like a PNG image)"},
		{name: "png named .pdf", data: png, file: "scan.pdf", wantErr: "no %PDF header: not a PDF file (it may be mislabelled: it looks like a PNG image)"},
		{name: "gzip", data: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), wantErr: "looks like a gzip archive"},
		{name: "rtf", data: []byte(`{\rtf1\ansi Hello}`), file: "a.txt", wantErr: "looks like an RTF document"},
		{name: "svg", data: []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`), wantErr: "looks like an SVG image"},
		{name: "other xml", data: []byte(`<?xml version="1.0"?><catalog><item/></catalog>`), wantErr: "looks like an XML file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff(tt.data, tt.contentType, tt.file)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Sniff = %q, want error containing %q", got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %q, want it to contain %q", err, tt.wantErr)
				}
				if !errors.Is(err, ErrUnsupported) {
					t.Errorf("error %q does not wrap ErrUnsupported", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Sniff: %v", err)
			}
			if got != tt.want {
				t.Fatalf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSniffRealCorpus checks the real documents kept with the project: each
// is the format its extension says, except the corrupt one.
func TestSniffRealCorpus(t *testing.T) {
	want := map[string]document.Format{
		".pdf": document.FormatPDF, ".html": document.FormatHTML, ".docx": document.FormatDOCX,
		".md": document.FormatMarkdown, ".tsv": document.FormatText,
	}
	var paths []string
	for _, dir := range []string{sharedcorpus.Path("corpus", "real"), sharedcorpus.Path("corpus", "real-text")} {
		if dir == "" {
			continue
		}
		m, _ := filepath.Glob(filepath.Join(dir, "*"))
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		t.Skip("shared corpus not present")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Sniff(data, "", p)
			if strings.Contains(p, "corrupt-not-a-pdf") {
				if err == nil || err.Error() != pdfErr {
					t.Fatalf("Sniff = %q, %v; want error %q", got, err, pdfErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if w := want[filepath.Ext(p)]; got != w {
				t.Fatalf("Sniff = %q, want %q", got, w)
			}
			// Markdown must also be recognised by its content alone.
			if filepath.Ext(p) == ".md" {
				if got, _ := Sniff(data, "", ""); got != document.FormatMarkdown {
					t.Errorf("without a name: Sniff = %q, want markdown", got)
				}
			}
		})
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"plain", []byte("abc"), "abc"},
		{"utf-8 bom", []byte("\xEF\xBB\xBFabc"), "abc"},
		{"utf-16le", utf16Bytes("£5m – ok 😀", binary.LittleEndian), "£5m – ok 😀"},
		{"utf-16be", utf16Bytes("£5m", binary.BigEndian), "£5m"},
		{"utf-16le odd trailing byte", append(utf16Bytes("ab", binary.LittleEndian), 'x'), "ab"},
		{"utf-16 lone surrogate", []byte{0xFF, 0xFE, 0x00, 0xD8, 'a', 0}, "\uFFFDa"},
		{"utf-32le", []byte{0xFF, 0xFE, 0, 0, 'h', 0, 0, 0, 0xA3, 0, 0, 0}, "h£"},
		{"utf-32be invalid", []byte{0, 0, 0xFE, 0xFF, 0, 0x11, 0, 0}, "\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(DecodeText(tt.in)); got != tt.want {
				t.Fatalf("DecodeText = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n"), "", "a.pdf")
	f.Add([]byte("<!DOCTYPE html><html></html>"), "text/html", "")
	f.Add([]byte("# T\n\n| a | b |\n|---|---|\n"), "", "x.md")
	f.Add([]byte("plain"), "text/plain", "x.txt")
	f.Add(docxBytes(f), "", "x.docx")
	f.Add([]byte("PK\x03\x04garbage word/document.xml"), "", "")
	f.Add([]byte{0xFF, 0xFE, 'a', 0, 0xD8}, "", "")
	f.Add([]byte("<!-- <?x"), "bad/;;", "https://%zz")
	f.Fuzz(func(t *testing.T, data []byte, contentType, name string) {
		got, err := Sniff(data, contentType, name)
		if err != nil {
			msg := err.Error()
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %q does not wrap ErrUnsupported", msg)
			}
			if msg == "" || strings.ContainsAny(msg, "\r\n") || msg[0] < 'a' || msg[0] > 'z' || strings.HasSuffix(msg, ".") {
				t.Fatalf("badly formed error message %q", msg)
			}
			return
		}
		switch got {
		case document.FormatPDF, document.FormatHTML, document.FormatMarkdown, document.FormatText, document.FormatDOCX:
		default:
			t.Fatalf("unknown format %q", got)
		}
		if bytes.Contains(data[:min(len(data), pdfWindow)], []byte("%PDF-")) && got != document.FormatPDF {
			t.Fatalf("%%PDF- within 1 KiB sniffed as %q", got)
		}
		again, err := Sniff(data, contentType, name)
		if err != nil || again != got {
			t.Fatalf("not deterministic: %q then %q, %v", got, again, err)
		}
	})
}

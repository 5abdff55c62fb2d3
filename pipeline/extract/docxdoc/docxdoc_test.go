package docxdoc

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/internal/testkit/readertest"
	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/title"
)

// buildDocx zips the parts (name to content) into a DOCX in memory, so no
// binary test files are committed. The parts are stored, not deflated:
// fuzzing spends its time in the reader, not in the compressor.
func buildDocx(t testing.TB, parts map[string]string) []byte {
	return zipParts(t, parts, zip.Store)
}

func zipParts(t testing.TB, parts map[string]string, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dirParts reads a testdata directory as DOCX parts.
func dirParts(t testing.TB, dir string) map[string]string {
	t.Helper()
	parts := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		parts[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return parts
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// docXML wraps body XML in a minimal main document part.
func docXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`
}

type goldenDoc struct {
	Title  string           `json:"title"`
	Format document.Format  `json:"format"`
	Blocks []document.Block `json:"blocks"`
}

func TestReadGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			d, err := Read(buildDocx(t, dirParts(t, filepath.Join("testdata", name))), "")
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			readertest.CheckOnePage(t, d, 9, document.FormatDOCX)
			golden.JSON(t, filepath.Join("testdata", name+".golden.json"), goldenDoc{d.Title, d.Format, d.Pages[0].Blocks})
		})
	}
	if n == 0 {
		t.Fatal("no test inputs")
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "docx: not a zip archive"},
		{"not a zip", []byte("<html>not a docx</html>"), "docx: not a zip archive"},
		{"legacy doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "OLE compound file"},
		{"no document part", buildDocx(t, map[string]string{"word/styles.xml": "<w:styles/>"}), "docx: missing word/document.xml"},
		{"rels name a missing part", buildDocx(t, map[string]string{"_rels/.rels": `<Relationships><Relationship Type="x/officeDocument" Target="word/gone.xml"/></Relationships>`}), "docx: missing word/document.xml"},
		{"malformed xml", buildDocx(t, map[string]string{"word/document.xml": docXML("<w:p><w:r><w:t>x</w:r></w:p>")}), "docx: reading word/document.xml"},
		{"too deep", buildDocx(t, map[string]string{"word/document.xml": docXML(strings.Repeat("<w:sdt>", maxDepth+1))}), "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(tt.data, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestReadTooManyEntries(t *testing.T) {
	parts := map[string]string{"word/document.xml": docXML("")}
	for i := 0; i < maxEntries; i++ {
		parts[fmt.Sprintf("customXml/item%d.xml", i)] = ""
	}
	_, err := Read(buildDocx(t, parts), "")
	if err == nil || !strings.Contains(err.Error(), "zip entries") {
		t.Errorf("error %v", err)
	}
}

// TestReadZipBomb checks that the decompressed size of the main part is
// capped. The cap is lowered to 1 MB so that the test is quick; the bomb
// is 3 MB of one repeated paragraph, which compresses to a few KB.
func TestReadZipBomb(t *testing.T) {
	if maxDocumentXML != 200<<20 {
		t.Fatalf("cap is %d, documented as 200 MB", maxDocumentXML)
	}
	defer func(old int64) { maxDocumentXML = old }(maxDocumentXML)
	maxDocumentXML = 1 << 20
	para := "<w:p><w:r><w:t>bomb</w:t></w:r></w:p>"
	doc := docXML(strings.Repeat(para, 3<<20/len(para)))
	data := zipParts(t, map[string]string{"word/document.xml": doc}, zip.Deflate)
	if len(data) > len(doc)/50 {
		t.Fatalf("bomb is %d bytes compressed", len(data))
	}
	_, err := Read(data, "")
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MB decompressed") {
		t.Errorf("error %v", err)
	}
}

func TestReadLists(t *testing.T) {
	body := `<w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>one</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>two</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t>Between.</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:pStyle w:val="ListBullet2"/></w:pPr><w:r><w:t>three</w:t></w:r></w:p>` +
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`
	d, err := Read(buildDocx(t, map[string]string{"word/document.xml": docXML(body)}), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range d.Pages[0].Blocks {
		got = append(got, string(b.Kind)+":"+strings.ReplaceAll(b.Text, "\n", "|"))
	}
	want := []string{"list:one|two", "paragraph:Between.", "list:three", "table:a\tb"}
	if strings.Join(got, ";") != strings.Join(want, ";") {
		t.Errorf("blocks %q, want %q", got, want)
	}
}

func TestChooseTitle(t *testing.T) {
	opening := []document.Block{
		{Kind: document.Paragraph, Text: "westsussex.gov.uk", FontSize: 12},
		{Kind: document.Paragraph, Text: "Forecasting future dependency in West Sussex", FontSize: 36},
		{Kind: document.Heading, Text: "Key findings:", Level: 4},
	}
	tests := []struct {
		name  string
		core  string
		title string
		want  string
	}{
		{"echoed metadata", "Forecasting dependency, West Sussex", "", "Forecasting dependency, West Sussex"},
		{"stale metadata", "Rapid review of the Joint Dementia Strategy", "", "Forecasting future dependency in West Sussex"},
		{"file name", "Forecasting.docx", "", "Forecasting future dependency in West Sussex"},
		{"title style over large type", "", "Styled title", "Styled title"},
		{"large type", "", "", "Forecasting future dependency in West Sussex"},
	}
	for _, tt := range tests {
		got := chooseTitle(tt.core, &bodyResult{blocks: opening, title: tt.title}, 11)
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	plain := []document.Block{{Kind: document.Paragraph, Text: strings.Repeat("word ", 60), FontSize: 11}}
	if got := chooseTitle("", &bodyResult{blocks: plain}, 11); !strings.HasSuffix(got, "…") || len(got) > title.MaxLen+len("…") {
		t.Errorf("first paragraph not truncated: %q", got)
	}
	heading := append(plain[:0:0], document.Block{Kind: document.Heading, Text: "First heading", Level: 2})
	if got := chooseTitle("", &bodyResult{blocks: heading}, 11); got != "First heading" {
		t.Errorf("first heading: %q", got)
	}
}

func sharedDir(t *testing.T) string { return sharedcorpus.Require(t, "corpus", "real") }

func TestCorpus(t *testing.T) {
	dir := sharedDir(t)
	tests := []struct {
		file        string
		title       string
		minHeadings int
		maxHeadings int
		minTables   int
		minLists    int
		content     []string
		absent      []string
	}{
		{
			file:  "cpicb-constitution-v1.6-2025.docx",
			title: "NHS Cambridgeshire and Peterborough Integrated Care Board CONSTITUTION", minHeadings: 60, maxHeadings: 150,
			minTables: 3, minLists: 40,
			content: []string{"NHS Cambridgeshire and Peterborough Integrated Care Board CONSTITUTION", "Standing Orders"},
			// Table of contents entries end in their page number.
			absent: []string{"1.1 Background/ Foreword 9"},
		},
		{
			file:  "wscc-forecasting-future-dependency-2024-accessible.docx",
			title: "Forecasting future co-morbidity prevalence and dependency in West Sussex", minHeadings: 10, maxHeadings: 40,
			minTables: 1, minLists: 5,
			content: []string{"Key findings:", "Population ageing"},
			absent:  []string{"Contents3", "Population ageing6"},
		},
		{
			file:      "wscc-tobacco-control-action-plan-table-2022.docx",
			title:     "Smoke Free West Sussex Partnership 2019-22 Strategy Extension Action Plan overview; as at November 2022",
			minTables: 1,
			content:   []string{"Action\tDescription\tWhat does success look like?\tWhich partners are involved\tStatus\tLatest update"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			d, err := Read(data, "")
			if err != nil {
				t.Fatal(err)
			}
			readertest.CheckOnePage(t, d, 9, document.FormatDOCX)
			if d.Title != tt.title {
				t.Errorf("title %q, want %q", d.Title, tt.title)
			}
			var headings, tables, lists int
			for _, b := range d.Pages[0].Blocks {
				switch b.Kind {
				case document.Heading:
					headings++
					if strings.HasSuffix(b.Text, ".") {
						t.Errorf("sentence as a heading: %.80q", b.Text)
					}
				case document.Table:
					tables++
					if len(b.Rows) < 2 {
						t.Errorf("table with %d rows", len(b.Rows))
					}
				case document.List:
					lists++
				}
			}
			if headings < tt.minHeadings || tt.maxHeadings > 0 && headings > tt.maxHeadings {
				t.Errorf("%d headings, want %d to %d", headings, tt.minHeadings, tt.maxHeadings)
			}
			if tables < tt.minTables || lists < tt.minLists {
				t.Errorf("%d tables and %d lists, want at least %d and %d", tables, lists, tt.minTables, tt.minLists)
			}
			text := d.PlainText()
			for _, s := range tt.content {
				if !strings.Contains(text, s) {
					t.Errorf("content %q missing", s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(text, s) {
					t.Errorf("%q should not be in the text", s)
				}
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, dir := range []string{"testdata/basic", "testdata/localised", "testdata/relocated"} {
		f.Add(buildDocx(f, dirParts(f, dir)))
	}
	f.Add(buildDocx(f, map[string]string{"word/document.xml": docXML("<w:p><w:r><w:t>x</w:t></w:r></w:p>")}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read(data, "")
		if err != nil {
			return
		}
		if len(d.Pages) != 1 {
			t.Fatalf("%d pages", len(d.Pages))
		}
	})
}

// FuzzDocumentXML fuzzes the main part inside a valid package: random
// bytes rarely get past the zip reader, and the XML walk is where the
// logic is.
func FuzzDocumentXML(f *testing.F) {
	basic := dirParts(f, "testdata/basic")
	f.Add(basic["word/document.xml"], basic["word/styles.xml"])
	loc := dirParts(f, "testdata/localised")
	f.Add(loc["word/document.xml"], loc["word/styles.xml"])
	f.Add(docXML(`<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>n</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>`), "")
	f.Add(docXML(`<w:p><w:r><w:fldChar w:fldCharType="separate"/><w:t>x</w:t></w:r></w:p></w:p>`), `<w:styles `+wordNS+`><w:style w:styleId="a"><w:basedOn w:val="a"/></w:style></w:styles>`)
	f.Fuzz(func(t *testing.T, doc, styles string) {
		parts := map[string]string{"word/document.xml": doc}
		if styles != "" {
			parts["word/styles.xml"] = styles
		}
		d, err := Read(buildDocx(t, parts), "")
		if err != nil {
			return
		}
		for _, b := range d.Pages[0].Blocks {
			if strings.TrimSpace(b.Text) == "" {
				t.Fatalf("empty block %+v", b)
			}
		}
	})
}

// The loop over the main part's XML tokens checks the context.
func TestReadStops(t *testing.T) {
	const paras = 20000 // six tokens each
	var b strings.Builder
	for i := range paras {
		fmt.Fprintf(&b, "<w:p><w:r><w:t>Paragraph %d says what will be done.</w:t></w:r></w:p>", i)
	}
	data := buildDocx(t, map[string]string{"word/document.xml": docXML(b.String())})
	readertest.CheckStops(t, 6*paras, 4096, func(ctx context.Context) error {
		_, err := ReadWith(data, "", Options{Context: ctx})
		return err
	})
}

package pdfdoc

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// A page whose content stream is damaged loses only that page: the pages
// around it are read and the damaged one is named in a warning.
func TestDamagedPageLosesOnlyThatPage(t *testing.T) {
	doc := &pdfgen.Doc{}
	font := pdfgen.WinAnsi("F1", pdfgen.Helvetica)
	var page2 []byte
	for i, text := range []string{"First page text survives.", "Second page text is lost.", "Third page text survives."} {
		c := doc.AddPage().NewContent()
		c.Filter = pdfgen.Flate
		c.Text(font, 11, 72, 700, text)
		if i == 1 {
			raw := pdfgen.NewContent()
			raw.Text(font, 11, 72, 700, text)
			page2 = raw.Bytes()
		}
	}
	pdf := doc.MustBuild()
	enc, err := pdfgen.Flate.Encode(page2)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(pdf, enc)
	if at < 0 {
		t.Fatal("page 2's stream not found in the file")
	}
	for i := at + 2; i < at+len(enc)-4; i++ {
		pdf[i] = 0xff // the deflate data becomes garbage; the length stays
	}
	d, _, err := Extract(pdf, DefaultOptions())
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	text := d.PlainText()
	for _, want := range []string{"First page text survives.", "Third page text survives."} {
		if !strings.Contains(text, want) {
			t.Errorf("lost %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Second page") {
		t.Errorf("the damaged page's text came through: %q", text)
	}
	if len(d.Pages) != 3 || len(d.Quality.FailedPages) != 1 || d.Quality.FailedPages[0] != 2 {
		t.Errorf("pages %d, failed %v; want 3 pages with page 2 failed", len(d.Pages), d.Quality.FailedPages)
	}
	if !strings.Contains(strings.Join(d.Quality.Warnings, "\n"), "page 2") {
		t.Errorf("no warning names page 2: %q", d.Quality.Warnings)
	}
}

package pdfgen

import (
	"bytes"
	"os/exec"
	"testing"
)

// The generated packs are built the same way every time, their papers
// follow one another page by page from the agenda to the last page, and
// qpdf finds nothing wrong with them.
func TestPacks(t *testing.T) {
	again := Packs()
	for i, fx := range Packs() {
		if !bytes.Equal(fx.PDF, again[i].PDF) {
			t.Errorf("%s: two builds differ", fx.Name)
		}
		next := fx.AgendaLast + 1
		for _, p := range fx.Papers {
			if p.FirstPage != next || p.LastPage < p.FirstPage {
				t.Errorf("%s: paper %s on pages %d-%d, want from %d", fx.Name, p.Number, p.FirstPage, p.LastPage, next)
			}
			next = p.LastPage + 1
		}
		if next != fx.Pages+1 {
			t.Errorf("%s: papers end on page %d of %d", fx.Name, next-1, fx.Pages)
		}
		if fx.TwoColumn == "" || fx.AppendixOf == "" {
			t.Errorf("%s: no two-column paper or no appendix", fx.Name)
		}
		if _, err := exec.LookPath("qpdf"); err == nil {
			if out, err := exec.Command("qpdf", "--check", writeFixture(t, fx.Fixture)).CombinedOutput(); err != nil || bytes.Contains(out, []byte("WARNING")) {
				t.Errorf("%s: qpdf --check: %v\n%s", fx.Name, err, out)
			}
		}
	}
}

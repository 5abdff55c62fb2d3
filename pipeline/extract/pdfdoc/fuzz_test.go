package pdfdoc

import (
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

// FuzzExtract feeds mutated PDFs to the extractor. It must return a
// document or a one-line error, never panic. (Hangs inside the PDF library
// are stopped by the child-process deadline in package extract, not here;
// the fuzzer's own timeout reports them.)
func FuzzExtract(f *testing.F) {
	for _, fx := range pdfgen.All() {
		if len(fx.PDF) < 64<<10 {
			f.Add(fx.PDF)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := DefaultOptions()
		opt.MaxPages = 50
		opt.MaxStreamBytes = 8 << 20
		opt.MaxOps = 200_000
		// A hang is a finding too: report it (the fuzzer then saves the
		// input) instead of waiting for ever.
		type result struct {
			d   *document.Document
			err error
		}
		done := make(chan result, 1)
		go func() {
			d, _, err := Extract(data, opt)
			done <- result{d, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("Extract did not return within 20s")
		}
		d, err := r.d, r.err
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if d == nil {
			t.Fatal("nil document without an error")
		}
		if len(d.Pages) == 0 {
			t.Fatal("document without pages")
		}
	})
}

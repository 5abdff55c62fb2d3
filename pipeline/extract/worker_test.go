package extract

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
)

func fixtureResult(name string, data []byte) *fetch.Result {
	return &fetch.Result{Source: name, Data: data}
}

// The deadline really stops the work: a 3,000-page document with a 100ms
// deadline is abandoned (the child killed) long before it could finish.
func TestWorkerDeadline(t *testing.T) {
	big := pdfgen.ManyPages(3000).PDF
	start := time.Now()
	_, err := Document(context.Background(), fixtureResult("big.pdf", big), Options{Deadline: 100 * time.Millisecond})
	took := time.Since(start)
	if !errors.Is(err, ErrDeadline) {
		t.Fatalf("err = %v, want the deadline error", err)
	}
	if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "--deadline") {
		t.Errorf("error %q should be one line naming the flag", err)
	}
	if took > 5*time.Second {
		t.Errorf("took %s: the child was not stopped at the deadline", took)
	}
}

// A child that dies (here: refused memory by its address-space limit)
// costs that document only, with a one-line error.
func TestWorkerCrash(t *testing.T) {
	big := pdfgen.ManyPages(300).PDF
	_, err := Document(context.Background(), fixtureResult("big.pdf", big), Options{MaxMemory: 1 << 20})
	if err == nil {
		t.Fatal("no error with a 1 MiB memory limit")
	}
	if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "the PDF reader crashed: ") || strings.Contains(err.Error(), ".go:") {
		t.Errorf("error should be one line saying why the reader crashed: %q", err)
	}
}

// Every generated fixture reads the same in the child as in process.
func TestWorkerFixtures(t *testing.T) {
	for _, f := range pdfgen.All() {
		a, errA := Document(context.Background(), fixtureResult(f.Name, f.PDF), Options{})
		b, errB := Document(context.Background(), fixtureResult(f.Name, f.PDF), Options{InProcess: true})
		if (errA == nil) != (errB == nil) {
			t.Errorf("%s: isolated error %v, in-process error %v", f.Name, errA, errB)
			continue
		}
		if errA == nil && a.PlainText() != b.PlainText() {
			t.Errorf("%s: isolated and in-process text differ", f.Name)
		}
	}
}

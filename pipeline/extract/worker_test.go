package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/internal/testkit/hang"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

func fixtureResult(name string, data []byte) *fetched.Doc {
	return &fetched.Doc{Source: name, Data: data}
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
	if took > hang.Bound(time.Second) {
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
		if errA != nil {
			continue
		}
		// The whole model, not only the text: gob, between the worker
		// and this process, once turned empty block lists into null.
		ja, errA := json.Marshal(a)
		jb, errB := json.Marshal(b)
		if errA != nil || errB != nil || !bytes.Equal(ja, jb) {
			t.Errorf("%s: isolated and in-process JSON differ (%v, %v): %s", f.Name, errA, errB, golden.FirstDiff(jb, ja))
		}
	}
}

// idleWorkers is how many workers wait in the pool.
func idleWorkers() (n int) {
	workers.Lock()
	defer workers.Unlock()
	for _, list := range workers.idle {
		n += len(list)
	}
	return n
}

// TestWorkerReuse: one worker reads PDF after PDF; one that failed, was
// stopped at the deadline, or ended while idle is never given another,
// and the next PDF is read all the same.
func TestWorkerReuse(t *testing.T) {
	StopWorkers()
	good := pdfgen.ManyPages(3).PDF
	read := func(t *testing.T, data []byte, opt Options) error {
		t.Helper()
		_, err := Document(context.Background(), fixtureResult("x.pdf", data), opt)
		return err
	}
	started := func() int64 { return workersStarted.Load() }

	t.Run("good PDFs share a worker", func(t *testing.T) {
		before := started()
		for range 5 {
			if err := read(t, good, Options{}); err != nil {
				t.Fatal(err)
			}
		}
		if n := started() - before; n != 1 {
			t.Errorf("%d workers started for 5 PDFs read one after another, want 1", n)
		}
		if idleWorkers() != 1 {
			t.Errorf("%d idle workers, want 1", idleWorkers())
		}
	})
	t.Run("other options, other worker", func(t *testing.T) {
		before := started()
		if err := read(t, good, Options{MaxMemory: 3 << 30}); err != nil {
			t.Fatal(err)
		}
		if n := started() - before; n != 1 {
			t.Errorf("%d workers started for new options, want 1", n)
		}
	})
	t.Run("no reuse after an error", func(t *testing.T) {
		StopWorkers()
		before := started()
		bad := append([]byte("%PDF-1.7\n"), pdfgen.RandomBytes(4096, 7)...)
		if err := read(t, bad, Options{}); err == nil {
			t.Fatal("a PDF header on random bytes read as a PDF")
		}
		if started() == before {
			t.Fatal("the damaged PDF never reached a worker")
		}
		if idleWorkers() != 0 {
			t.Error("the worker that failed was kept")
		}
		if err := read(t, good, Options{}); err != nil {
			t.Fatalf("next PDF: %v", err)
		}
	})
	t.Run("no reuse after the deadline", func(t *testing.T) {
		StopWorkers()
		err := read(t, pdfgen.ManyPages(3000).PDF, Options{Deadline: 50 * time.Millisecond})
		if !errors.Is(err, ErrDeadline) {
			t.Fatalf("err = %v, want the deadline", err)
		}
		if idleWorkers() != 0 {
			t.Error("the worker stopped at the deadline was kept")
		}
		if err := read(t, good, Options{}); err != nil {
			t.Fatalf("next PDF: %v", err)
		}
	})
	t.Run("a worker that died while idle is replaced", func(t *testing.T) {
		StopWorkers()
		if err := read(t, good, Options{}); err != nil {
			t.Fatal(err)
		}
		workers.Lock()
		var w *worker
		for _, list := range workers.idle {
			w = list[0]
		}
		workers.Unlock()
		w.cmd.Process.Kill()
		<-w.exited
		before := started()
		if err := read(t, good, Options{}); err != nil {
			t.Fatalf("PDF after the idle worker died: %v", err)
		}
		if n := started() - before; n != 1 {
			t.Errorf("%d workers started, want 1", n)
		}
	})
	t.Run("idle workers end", func(t *testing.T) {
		StopWorkers()
		defer func(d time.Duration) { workerIdle = d }(workerIdle)
		workerIdle = 50 * time.Millisecond
		if err := read(t, good, Options{}); err != nil {
			t.Fatal(err)
		}
		workers.Lock()
		var w *worker
		for _, list := range workers.idle {
			w = list[0]
		}
		workers.Unlock()
		select {
		case <-w.exited:
		case <-time.After(10 * time.Second):
			t.Fatal("an idle worker was still running 10 s after its idle time")
		}
		if idleWorkers() != 0 {
			t.Error("an ended worker is still in the pool")
		}
	})
	t.Run("StopWorkers waits for every idle worker", func(t *testing.T) {
		for _, opt := range []Options{{}, {MaxMemory: 3 << 30}} {
			if err := read(t, good, opt); err != nil {
				t.Fatal(err)
			}
		}
		workers.Lock()
		var all []*worker
		for _, list := range workers.idle {
			all = append(all, list...)
		}
		workers.Unlock()
		StopWorkers()
		for _, w := range all {
			if !w.dead() {
				t.Error("a worker still runs after StopWorkers")
			}
		}
		if idleWorkers() != 0 {
			t.Error("workers left in the pool")
		}
	})
}

// TestWorkerErrorArrives: a worker that refuses a PDF sends its error and
// exits at once; the error must reach the caller every time, however the
// exit and the reading of the answer interleave. (The process's end once
// closed the answer pipe while the answer was still being read: "the PDF
// reader sent no result: read |0: file already closed", under load.)
func TestWorkerErrorArrives(t *testing.T) {
	pdf := pdfgen.HeadersFooters().PDF
	opt := Options{}
	opt.PDF.MaxPages = 2
	errs := make(chan error, 8)
	const n = 64
	for range 8 {
		go func() {
			for range n / 8 {
				_, err := Document(context.Background(), fixtureResult("hf.pdf", pdf), opt)
				errs <- err
			}
		}()
	}
	for range n {
		err := <-errs
		if err == nil || !strings.Contains(err.Error(), "the page limit (--max-pages)") {
			t.Errorf("err = %v, want the page limit", err)
		}
	}
}

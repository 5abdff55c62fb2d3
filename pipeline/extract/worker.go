package extract

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc"
)

// workerEnv marks a process started to read PDFs. Its value is the JSON
// of the worker's options.
const workerEnv = "NHSREVIEW_PDF_WORKER"

// workerResult is what a worker sends back on file descriptor 3 for each
// PDF. Standard output is not used: the PDF library may print to it, and
// nothing it prints must reach a report.
type workerResult struct {
	Doc   *document.Document
	Marks []pdfdoc.Bookmark
	Err   string
	// Pages is how many page messages follow (sendResult), then
	// ScanPages page images, each a message too, into Scans.Pages.
	Pages     int
	Scans     *pdfdoc.Scans
	ScanPages int
	// Retire says the worker exits after this result (its heap grew past
	// retireHeap); the parent starts another for the next PDF.
	Retire bool
}

type workerOptions struct {
	PDF       pdfdoc.Options
	MaxMemory int64
}

// Worker runs the PDF worker when this process was started as one, and
// then exits; otherwise it returns at once. Call it first in main (and in
// TestMain of packages whose tests extract PDFs).
func Worker() {
	if limit, ok := os.LookupEnv(ocrExecEnv); ok {
		os.Exit(runOCRExec(limit))
	}
	spec, ok := os.LookupEnv(workerEnv)
	if !ok {
		answersWorker.Store(true)
		return
	}
	os.Exit(serveWorker(spec))
}

// answersWorker records that this process called Worker, so that a re-run
// of it as the OCR process (ocrExecEnv) becomes Tesseract: a test binary
// whose TestMain does not call Worker would run its tests again instead.
var answersWorker atomic.Bool

// A worker reads PDFs one after another, each sent on standard input as an
// 8-byte big-endian length and the bytes (or, on Linux, the bytes in a
// memory file passed with the length: input_linux.go), until its input
// ends. Reusing a
// process spares each document the start of a new one (exec, runtime and
// package initialisation, a cold heap): a quarter of the CPU time of
// scoring the corpus when every PDF had a process of its own. Isolation is
// kept where it matters: a worker holds one document at a time, and one
// that crashes, hangs or errs is never given another.
const (
	// retireHeap: a worker whose heap grew past this exits after its
	// result, so that one large document does not leave every later one
	// in a big process.
	retireHeap = 256 << 20
	// retireAfter bounds the documents one worker reads.
	retireAfter = 200
	// maxInput guards the frame length the worker is told.
	maxInput = 1 << 40
)

func serveWorker(spec string) int {
	var opt workerOptions
	if err := json.Unmarshal([]byte(spec), &opt); err != nil {
		fmt.Fprintln(os.Stderr, "worker options:", err)
		return 3
	}
	out := os.NewFile(3, "result")
	if out == nil {
		fmt.Fprintln(os.Stderr, "worker: no result pipe")
		return 3
	}
	// Whatever the library prints goes to standard error.
	os.Stdout = os.Stderr
	if opt.MaxMemory > 0 {
		limitMemory(opt.MaxMemory)
	}
	enc := gob.NewEncoder(out)
	for served := 1; ; served++ {
		data, release, err := receiveInput(os.Stdin)
		if err == io.EOF {
			return 0
		}
		res := workerResult{}
		if err != nil {
			res.Err = fmt.Sprintf("reading input: %v", err)
		} else {
			debug.SetGCPercent(gcPercent(len(data)))
			doc, marks, scans, err := pdfdoc.ExtractScans(data, opt.PDF)
			res.Doc, res.Marks, res.Scans = doc, marks, scans
			if err != nil {
				res.Err = err.Error()
			}
		}
		data = nil
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		res.Retire = res.Err != "" || ms.HeapSys > retireHeap || served >= retireAfter
		err = sendResult(enc, &res)
		// Sent, the result holds nothing of the input any more (the
		// document's text is decoded, the page images copied out).
		res = workerResult{}
		release()
		if err != nil {
			fmt.Fprintln(os.Stderr, "worker: sending result:", err)
			return 3
		}
		if res.Retire {
			return 0
		}
	}
}

// gcPercent is the collector's target for a PDF of n bytes. At Go's
// default of 100 the collector ran a dozen times on an ordinary report
// while the live heap grew from nothing; at 400 the 28 corpus PDFs took
// 2.1 s of worker time instead of 2.7 s. The price is a heap up to five
// times the live data, bounded by bounding the input: 16 MiB of PDF is
// about 2,800 text pages, a peak near 220 MB. Larger inputs keep the
// default.
func gcPercent(n int) int {
	if n <= 16<<20 {
		return 400
	}
	return 100
}

func writeFrame(w io.Writer, data []byte) error {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(data)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	_, err := w.Write(data)
	return err
}

// readFrame returns io.EOF only at a clean end between frames.
func readFrame(r io.Reader) ([]byte, error) {
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		if err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("input cut short: %w", err)
		}
		return nil, err
	}
	size := binary.BigEndian.Uint64(n[:])
	if size > maxInput {
		return nil, fmt.Errorf("input of %d bytes announced", size)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("input cut short: %w", err)
	}
	return data, nil
}

// sendResult writes the result as a header (the document without its
// pages, and how many follow) and then one message per page, freeing each
// page once sent: gob buffers a whole message, so one message for a
// 5,000-page document would hold a second copy of it in memory.
func sendResult(enc *gob.Encoder, res *workerResult) error {
	var pages []document.Page
	if res.Doc != nil {
		pages = res.Doc.Pages
		res.Doc.Pages = nil
		res.Pages = len(pages)
	}
	var scans []pdfdoc.Scan
	if res.Scans != nil {
		scans = res.Scans.Pages
		res.Scans.Pages = nil
		res.ScanPages = len(scans)
	}
	if err := enc.Encode(res); err != nil {
		return err
	}
	for i := range pages {
		if err := enc.Encode(&pages[i]); err != nil {
			return err
		}
		pages[i] = document.Page{}
	}
	for i := range scans {
		if err := enc.Encode(&scans[i]); err != nil {
			return err
		}
		scans[i] = pdfdoc.Scan{}
	}
	return nil
}

// receiveResult reads what sendResult wrote.
func receiveResult(dec *gob.Decoder, res *workerResult) error {
	if err := dec.Decode(res); err != nil {
		return err
	}
	if res.Doc == nil {
		return nil
	}
	if res.Pages < 0 || res.Pages > 1_000_000 {
		return fmt.Errorf("worker announced %d pages", res.Pages)
	}
	res.Doc.Pages = make([]document.Page, res.Pages)
	for i := range res.Doc.Pages {
		if err := dec.Decode(&res.Doc.Pages[i]); err != nil {
			return fmt.Errorf("page %d of %d: %w", i+1, res.Pages, err)
		}
	}
	if res.ScanPages < 0 || res.ScanPages > res.Pages || res.ScanPages > 0 && res.Scans == nil {
		return fmt.Errorf("worker announced %d page images", res.ScanPages)
	}
	if res.Scans != nil {
		res.Scans.Pages = make([]pdfdoc.Scan, res.ScanPages)
		for i := range res.Scans.Pages {
			if err := dec.Decode(&res.Scans.Pages[i]); err != nil {
				return fmt.Errorf("page image %d of %d: %w", i+1, res.ScanPages, err)
			}
		}
	}
	return nil
}

// worker is a running worker process as the parent sees it.
type worker struct {
	spec    string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	input   *os.File // stdin, which sendInput writes to
	dec     *gob.Decoder
	results *os.File
	stderr  *tailBuffer
	exited  chan struct{} // closed once the process has been waited for
	waitErr error
	idle    *time.Timer
	// reading is held while an answer is read, so that the end of the
	// process does not close the answer pipe under the reader: a worker
	// that refuses a PDF sends its error and exits at once, and the error
	// may still be in the pipe when the process has been waited for.
	reading sync.Mutex
}

// workerIdle is how long an idle worker is kept for the next PDF (a
// variable for tests).
var workerIdle = 5 * time.Second

// workersStarted counts the worker processes started, for tests.
var workersStarted atomic.Int64

// workers holds the idle workers, by options, and those ending (retired
// or killed, not yet waited for).
var workers struct {
	sync.Mutex
	idle   map[string][]*worker
	ending map[*worker]bool
}

func startWorker(spec string) (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	w := &worker{spec: spec, stderr: &tailBuffer{}, exited: make(chan struct{})}
	w.cmd = exec.Command(exe)
	w.cmd.Env = append(os.Environ(), workerEnv+"="+spec)
	w.cmd.Stdout = io.Discard
	w.cmd.Stderr = w.stderr
	w.cmd.WaitDelay = 2 * time.Second
	input, childInput, err := inputChannel()
	if err != nil {
		return nil, err
	}
	w.input, w.stdin = input, input
	w.cmd.Stdin = childInput
	pr, pw, err := os.Pipe()
	if err != nil {
		input.Close()
		childInput.Close()
		return nil, err
	}
	w.cmd.ExtraFiles = []*os.File{pw}
	if err := w.cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		input.Close()
		childInput.Close()
		return nil, err
	}
	pw.Close()
	childInput.Close()
	workersStarted.Add(1)
	w.results = pr
	w.dec = gob.NewDecoder(bufio.NewReader(pr))
	go func() {
		w.waitErr = w.cmd.Wait()
		workers.Lock()
		delete(workers.ending, w)
		close(w.exited) // under the lock, so that ending never adds it after
		workers.Unlock()
		// After exited is closed: a reader holding the lock may be
		// waiting for it.
		w.reading.Lock()
		pr.Close()
		w.reading.Unlock()
	}()
	return w, nil
}

// takeWorker returns an idle worker with these options, or starts one.
func takeWorker(spec string) (*worker, bool, error) {
	workers.Lock()
	for list := workers.idle[spec]; len(list) > 0; list = workers.idle[spec] {
		w := list[len(list)-1]
		workers.idle[spec] = list[:len(list)-1]
		if w.idle.Stop() && !w.dead() {
			workers.Unlock()
			return w, true, nil
		}
	}
	workers.Unlock()
	w, err := startWorker(spec)
	return w, false, err
}

// StopWorkers ends the idle PDF workers and waits for them, so that a
// command leaves no process behind and its resource usage (GNU time's
// peak memory among others) includes theirs. Call it before exiting.
func StopWorkers() {
	workers.Lock()
	var all []*worker
	for spec, list := range workers.idle {
		for _, w := range list {
			w.idle.Stop()
			w.stdin.Close()
			all = append(all, w)
		}
		delete(workers.idle, spec)
	}
	for w := range workers.ending {
		all = append(all, w)
	}
	workers.Unlock()
	for _, w := range all {
		select {
		case <-w.exited:
		case <-time.After(2 * time.Second):
			w.kill()
			<-w.exited
		}
	}
}

// release keeps a worker that served well for the next PDF, for a while.
func release(w *worker) {
	workers.Lock()
	defer workers.Unlock()
	if workers.idle == nil {
		workers.idle = map[string][]*worker{}
	}
	workers.idle[w.spec] = append(workers.idle[w.spec], w)
	w.idle = time.AfterFunc(workerIdle, func() {
		workers.Lock()
		list := workers.idle[w.spec]
		if i := slices.Index(list, w); i >= 0 {
			workers.idle[w.spec] = slices.Delete(list, i, i+1)
		}
		workers.Unlock()
		w.retire() // the worker ends at the end of its input
	})
}

func (w *worker) dead() bool {
	select {
	case <-w.exited:
		return true
	default:
		return false
	}
}

// kill stops a worker that is not to be used again.
func (w *worker) kill() {
	w.ending()
	w.cmd.Process.Kill()
	w.stdin.Close()
}

// retire lets a worker that is not to be reused end by itself.
func (w *worker) retire() {
	w.ending()
	w.stdin.Close()
}

func (w *worker) ending() {
	workers.Lock()
	defer workers.Unlock()
	if w.dead() {
		return
	}
	if workers.ending == nil {
		workers.ending = map[*worker]bool{}
	}
	workers.ending[w] = true
}

// runWorker reads a PDF in a worker process with the deadline.
func runWorker(ctx context.Context, data []byte, opt Options) (*document.Document, []pdfdoc.Bookmark, *pdfdoc.Scans, error) {
	mem := opt.MaxMemory
	if mem == 0 {
		mem = DefaultMaxMemory
	}
	spec, err := json.Marshal(workerOptions{PDF: opt.PDF, MaxMemory: mem})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("starting PDF reader: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Deadline)
	defer cancel()
	for {
		w, reused, err := takeWorker(string(spec))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("starting PDF reader: %w", err)
		}
		res, sent, err := w.read(ctx, data, opt.Deadline, mem)
		if !sent && reused && ctx.Err() == nil {
			continue // it ended while idle, before taking this PDF: start another
		}
		return res.Doc, res.Marks, res.Scans, err
	}
}

// read has the worker read one PDF. sent reports whether the worker took
// the whole input.
func (w *worker) read(ctx context.Context, data []byte, deadline time.Duration, mem int64) (res workerResult, sent bool, err error) {
	w.reading.Lock()
	defer w.reading.Unlock()
	w.stderr.reset()
	type outcome struct {
		res  workerResult
		err  error
		sent bool
	}
	done := make(chan outcome, 1)
	go func() {
		var o outcome
		if o.err = sendInput(w.input, data); o.err == nil {
			o.sent = true
			o.err = receiveResult(w.dec, &o.res)
		}
		done <- o
	}()
	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		w.kill()
		<-done
		if ctx.Err() == context.DeadlineExceeded {
			return res, true, fmt.Errorf("%w: reading the PDF took longer than %s (--deadline)", ErrDeadline, deadline)
		}
		return res, true, ctx.Err()
	}
	switch {
	case o.err == nil && o.res.Err != "":
		w.retire()
		return res, true, errors.New(o.res.Err)
	case o.err == nil && o.res.Doc != nil:
		if o.res.Retire {
			w.retire()
		} else {
			release(w)
		}
		return o.res, true, nil
	}
	// The worker died or garbled its answer: wait for it to end, then
	// say why.
	w.kill()
	waitErr := errors.New("it did not exit")
	select {
	case <-w.exited:
		waitErr = w.waitErr
	case <-time.After(5 * time.Second):
	}
	if waitErr != nil || !o.sent {
		return res, o.sent, fmt.Errorf("the PDF reader crashed: %s", w.stderr.reason(waitErr, mem))
	}
	return res, true, fmt.Errorf("the PDF reader sent no result: %v", o.err)
}

// tailBuffer keeps the first and the last few kilobytes written to it: a
// Go crash names its cause at the top of a long trace, a library message
// comes last. Bounded however much the child prints.
type tailBuffer struct {
	mu      sync.Mutex
	head, b []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := 4096 - len(t.head); room > 0 {
		t.head = append(t.head, p[:min(room, len(p))]...)
	}
	t.b = append(t.b, p...)
	if len(t.b) > 8192 {
		t.b = t.b[len(t.b)-8192:]
	}
	return len(p), nil
}

// reason finds what killed a child: running out of memory (with the
// limit in force), a Go panic or fatal error, a signal; else the last line
// it printed, else the exit status.
// reset forgets what the worker printed for earlier documents.
func (t *tailBuffer) reset() {
	t.mu.Lock()
	t.head, t.b = t.head[:0], t.b[:0]
	t.mu.Unlock()
}

func (t *tailBuffer) reason(err error, mem int64) string {
	t.mu.Lock()
	text := string(t.head) + "\n" + string(t.b)
	t.mu.Unlock()
	if err == nil {
		err = errors.New("no exit status")
	}
	// A thread whose stack cannot be mapped is the memory limit too
	// (thread stacks count against it).
	if strings.Contains(text, "out of memory") || strings.Contains(text, "cannot allocate memory") ||
		strings.Contains(text, "failed to create new OS thread") || strings.Contains(text, "pthread_create failed") ||
		faultInRuntime(text) {
		return fmt.Sprintf("out of memory (limit %d MiB, --max-memory)", mem>>20)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for _, l := range lines {
		for _, p := range []string{"panic: ", "fatal error: ", "SIGSEGV", "SIGBUS", "SIGABRT"} {
			if strings.HasPrefix(l, p) {
				return strings.TrimSpace(l)
			}
		}
	}
	if n := len(lines); n > 0 && lines[n-1] != "" {
		return strings.TrimSpace(lines[n-1])
	}
	return err.Error()
}

// faultInRuntime reports whether a child died of a segmentation fault
// inside the Go runtime itself, not in Go code (which panics instead).
// Under the address-space limit, the runtime does not always check a
// failed mapping: the garbage collector's span queue, reaching for memory
// the kernel refused, dereferences nil (seen with Go 1.26 on a
// decompression bomb, one run in eight). The child has no other way to
// reach that state, so it is the memory limit.
func faultInRuntime(text string) bool {
	// A Go panic's trace has "[signal SIGSEGV: ...]" inside a line; the
	// runtime's own fault starts one.
	const fault = "SIGSEGV: segmentation violation"
	i := strings.Index("\n"+text, "\n"+fault)
	if i < 0 {
		return false
	}
	rest := text[i:]
	// The first frame follows the first goroutine header.
	j := strings.Index(rest, "\ngoroutine ")
	if j < 0 {
		return false
	}
	rest = rest[j+1:]
	if k := strings.IndexByte(rest, '\n'); k >= 0 {
		rest = rest[k+1:]
	}
	return strings.HasPrefix(rest, "runtime.")
}

// limitMemory sets a soft Go memory limit below the hard limit, so that
// the collector works harder before the kernel refuses.
func limitMemory(n int64) {
	debug.SetMemoryLimit(n / 2)
	setAddressSpaceLimit(n)
}

package extract

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc"
)

// workerEnv marks a process started to read one PDF. Its value is the JSON
// of the worker's options.
const workerEnv = "NHSREVIEW_PDF_WORKER"

// workerResult is what a worker sends back on file descriptor 3. Standard
// output is not used: the PDF library may print to it, and nothing it
// prints must reach a report.
type workerResult struct {
	Doc   *document.Document
	Marks []pdfdoc.Bookmark
	Err   string
	// Pages is how many page messages follow (sendResult).
	Pages int
}

type workerOptions struct {
	PDF       pdfdoc.Options
	MaxMemory int64
}

// Worker runs the PDF worker when this process was started as one, and
// then exits; otherwise it returns at once. Call it first in main (and in
// TestMain of packages whose tests extract PDFs).
func Worker() {
	spec, ok := os.LookupEnv(workerEnv)
	if !ok {
		return
	}
	os.Exit(serveWorker(spec))
}

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
	data, err := io.ReadAll(os.Stdin)
	res := workerResult{}
	if err != nil {
		res.Err = fmt.Sprintf("reading input: %v", err)
	} else {
		if len(data) <= lazyGCMaxInput {
			debug.SetGCPercent(400)
		}
		doc, marks, err := pdfdoc.Extract(data, opt.PDF)
		res.Doc, res.Marks = doc, marks
		if err != nil {
			res.Err = err.Error()
		}
	}
	if err := sendResult(out, &res); err != nil {
		fmt.Fprintln(os.Stderr, "worker: sending result:", err)
		return 3
	}
	return 0
}

// lazyGCMaxInput is the largest PDF for which a worker collects garbage
// less often. A worker lives for one document and its heap starts empty:
// at Go's default GOGC of 100 the collector ran a dozen times on an
// ordinary report while the live heap grew, and the 28 corpus PDFs took
// 2.7 s in workers against 2.1 s at GOGC 400 (children run one after the
// other). The price is a heap up to five times the live data, which is
// bounded by bounding the input: 16 MiB of PDF is about 2,800 text pages,
// a peak near 220 MB. Larger inputs keep the default.
const lazyGCMaxInput = 16 << 20

// sendResult writes the result as a header (the document without its
// pages, and how many follow) and then one message per page, freeing each
// page once sent: gob buffers a whole message, so one message for a
// 5,000-page document would hold a second copy of it in memory.
func sendResult(w io.Writer, res *workerResult) error {
	enc := gob.NewEncoder(w)
	var pages []document.Page
	if res.Doc != nil {
		pages = res.Doc.Pages
		res.Doc.Pages = nil
		res.Pages = len(pages)
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
	return nil
}

// receiveResult reads what sendResult wrote.
func receiveResult(r io.Reader, res *workerResult) error {
	dec := gob.NewDecoder(r)
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
	return nil
}

// runWorker reads a PDF in a child process with the deadline.
func runWorker(ctx context.Context, data []byte, opt Options) (*document.Document, []pdfdoc.Bookmark, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("starting PDF reader: %w", err)
	}
	mem := opt.MaxMemory
	if mem == 0 {
		mem = DefaultMaxMemory
	}
	spec, err := json.Marshal(workerOptions{PDF: opt.PDF, MaxMemory: mem})
	if err != nil {
		return nil, nil, fmt.Errorf("starting PDF reader: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), workerEnv+"="+string(spec))
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stdout = io.Discard
	var stderr tailBuffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 2 * time.Second
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("starting PDF reader: %w", err)
	}
	cmd.ExtraFiles = []*os.File{pw}
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return nil, nil, fmt.Errorf("starting PDF reader: %w", err)
	}
	pw.Close()
	var res workerResult
	decErr := make(chan error, 1)
	go func() {
		defer pr.Close()
		decErr <- receiveResult(pr, &res)
	}()
	waitErr := cmd.Wait()
	derr := <-decErr
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, nil, fmt.Errorf("%w: reading the PDF took longer than %s (--deadline)", ErrDeadline, opt.Deadline)
	case ctx.Err() != nil:
		return nil, nil, ctx.Err()
	case derr == nil && res.Err != "":
		return nil, nil, errors.New(res.Err)
	case derr == nil && res.Doc != nil:
		return res.Doc, res.Marks, nil
	case waitErr != nil:
		return nil, nil, fmt.Errorf("the PDF reader crashed: %s", stderr.reason(waitErr, mem))
	default:
		return nil, nil, fmt.Errorf("the PDF reader sent no result: %v", derr)
	}
}

// tailBuffer keeps the first and the last few kilobytes written to it: a
// Go crash names its cause at the top of a long trace, a library message
// comes last. Bounded however much the child prints.
type tailBuffer struct{ head, b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
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
func (t *tailBuffer) reason(err error, mem int64) string {
	text := string(t.head) + "\n" + string(t.b)
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

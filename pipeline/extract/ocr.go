package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/ocr"
	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc"
)

// OCRMode is --ocr: whether scanned pages are read by OCR.
type OCRMode string

// The modes of --ocr.
const (
	// OCRAuto (the default, also "") reads by OCR the pages that need it
	// (almost no text, a large image) when Tesseract is installed.
	OCRAuto OCRMode = "auto"
	// OCRNever never runs OCR: scanned documents are reported as
	// needing it, as before OCR was added.
	OCRNever OCRMode = "never"
	// OCRAlways reads by OCR every page drawn as a large image, whatever
	// text it has, and fails when Tesseract is missing.
	OCRAlways OCRMode = "always"
)

// ParseOCRMode checks a --ocr value.
func ParseOCRMode(s string) (OCRMode, error) {
	switch m := OCRMode(s); m {
	case OCRAuto, OCRNever, OCRAlways:
		return m, nil
	}
	return "", fmt.Errorf("unknown --ocr %q: use auto, never or always", s)
}

// OCRAvailable reports whether Tesseract and its English model are
// installed, or the one line that says how to install them.
func OCRAvailable() error {
	_, _, err := findOCR()
	return err
}

// findOCR finds Tesseract, and lookPath looks for it on PATH (variables,
// so that tests can take it away).
var (
	findOCR  = ocr.Find
	lookPath = exec.LookPath
)

// scanMode is what the PDF reader is asked to take out for mode, and
// the OCR engine's name; missing is Tesseract's absence in auto mode
// (reported only on documents that need OCR).
func scanMode(mode OCRMode) (scan pdfdoc.ScanMode, engine string, missing error, err error) {
	switch mode {
	case OCRNever:
		return pdfdoc.ScanNone, "", nil, nil
	case OCRAlways:
		_, v, err := findOCR()
		if err != nil {
			return 0, "", nil, fmt.Errorf("--ocr always: %w", err)
		}
		return pdfdoc.ScanAll, v, nil, nil
	case OCRAuto, "":
		// Only a look on PATH here: most PDFs have text, and asking
		// Tesseract for its models and version (two processes) waits
		// for a document that needs it (finishOCR).
		if _, err := lookPath(ocr.Program); err != nil {
			return pdfdoc.ScanNone, "", fmt.Errorf("Tesseract is not installed: %s", ocr.InstallHint), nil
		}
		return pdfdoc.ScanNeeded, "", nil, nil
	}
	return 0, "", nil, fmt.Errorf("unknown OCR mode %q", mode)
}

// finishOCR reads a PDF's scanned pages and puts their text in place,
// or, when Tesseract is missing, says how to install it on a document
// that needs it.
func finishOCR(ctx context.Context, d *document.Document, scans *pdfdoc.Scans, engine string, missing error, opt Options) error {
	if scans != nil && engine == "" {
		_, v, err := findOCR()
		if err != nil {
			// On PATH, but without the English model (or broken).
			scans, missing = nil, err
		}
		engine = v
	}
	if scans != nil {
		results, err := readScans(ctx, scans, opt)
		if err != nil {
			return err
		}
		pdfdoc.ApplyOCR(d, scans, results, engine)
	}
	if missing != nil && d.Quality.NeedsOCR {
		d.Quality.Warn(missing.Error())
	}
	return nil
}

type pageProgressKey struct{}

// WithPageProgress returns a context in which reading a scanned PDF tells
// f how many of its pages OCR has read (done of total) as it goes, for a
// progress display. f may be called from several goroutines, one call at
// a time.
func WithPageProgress(ctx context.Context, f func(done, total int)) context.Context {
	return context.WithValue(ctx, pageProgressKey{}, f)
}

// readScans runs OCR on every page image, opt.OCRJobs at a time (across
// every document being read: the limit is the process's). One page's
// failure is its own result; only cancellation stops the rest.
func readScans(ctx context.Context, scans *pdfdoc.Scans, opt Options) ([]pdfdoc.OCRResult, error) {
	results := make([]pdfdoc.OCRResult, len(scans.Pages))
	total := 0
	for _, sc := range scans.Pages {
		if sc.Err == "" {
			total++
		}
	}
	report, _ := ctx.Value(pageProgressKey{}).(func(done, total int))
	var mu sync.Mutex
	done := 0
	tell := func() {
		if report == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		report(done, total)
	}
	if total > 0 {
		tell()
	}
	sem := ocrSlots(opt.OCRJobs)
	var wg sync.WaitGroup
	for i, sc := range scans.Pages {
		if sc.Err != "" {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return nil, ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = readScan(ctx, sc, opt)
			mu.Lock()
			done++
			mu.Unlock()
			tell()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

// ocrSems are the semaphores of OCR processes, one per -j value (a
// command has one): shared by every document, so that -j documents with
// -j pages each do not start -j² processes.
var ocrSems struct {
	sync.Mutex
	m map[int]chan struct{}
}

func ocrSlots(jobs int) chan struct{} {
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	ocrSems.Lock()
	defer ocrSems.Unlock()
	if ocrSems.m == nil {
		ocrSems.m = map[int]chan struct{}{}
	}
	s, ok := ocrSems.m[jobs]
	if !ok {
		s = make(chan struct{}, jobs)
		ocrSems.m[jobs] = s
	}
	return s
}

// ocrExecEnv marks a process started to run Tesseract under a memory
// limit: it sets the limit on itself and becomes Tesseract (exec), so
// that the limit is in force from Tesseract's first allocation. Its
// value is the limit in bytes.
const ocrExecEnv = "NHSREVIEW_OCR_EXEC"

// ocrRuns counts Tesseract processes started, for tests.
var ocrRuns atomic.Int64

// maxHOCRBytes bounds what is kept of Tesseract's output.
const maxHOCRBytes = 64 << 20

// readScan runs Tesseract on one page image, in a process of its own with
// the deadline and the memory limit of the PDF worker.
func readScan(ctx context.Context, sc pdfdoc.Scan, opt Options) pdfdoc.OCRResult {
	path, _, err := findOCR()
	if err != nil {
		return pdfdoc.OCRResult{Err: err.Error()}
	}
	mem := opt.MaxMemory
	if mem == 0 {
		mem = DefaultMaxMemory
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Deadline)
	defer cancel()
	cmd := ocrCommand(ctx, path, ocr.Args(sc.DPI()), mem)
	cmd.Env = ocr.Env(cmd.Env)
	cmd.Stdin = bytes.NewReader(sc.Data)
	out := &capped{limit: maxHOCRBytes}
	cmd.Stdout = out
	stderr := &tailBuffer{}
	cmd.Stderr = stderr
	cmd.WaitDelay = 2 * time.Second
	ocrRuns.Add(1)
	err = cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return pdfdoc.OCRResult{Err: fmt.Sprintf("OCR took longer than %s (--deadline)", opt.Deadline)}
	case ctx.Err() != nil:
		return pdfdoc.OCRResult{Err: ctx.Err().Error()}
	case err != nil:
		return pdfdoc.OCRResult{Err: "Tesseract failed: " + tesseractReason(stderr, err, mem)}
	case out.over:
		return pdfdoc.OCRResult{Err: fmt.Sprintf("Tesseract wrote more than %d bytes", maxHOCRBytes)}
	}
	page, err := ocr.ParseHOCR(out.b.Bytes())
	if err != nil {
		return pdfdoc.OCRResult{Err: err.Error()}
	}
	return pdfdoc.OCRResult{Page: page}
}

// tesseractReason says why Tesseract failed: out of memory (a C++
// bad_alloc, or Leptonica's failed allocation, under the limit), else
// what the worker's reasons find.
func tesseractReason(stderr *tailBuffer, err error, mem int64) string {
	stderr.mu.Lock()
	text := string(stderr.head) + "\n" + string(stderr.b)
	stderr.mu.Unlock()
	if strings.Contains(text, "bad_alloc") || strings.Contains(text, "malloc fail") {
		return fmt.Sprintf("out of memory (limit %d MiB, --max-memory)", mem>>20)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && strings.TrimSpace(text) == "" {
		return ee.Error()
	}
	return stderr.reason(err, mem)
}

// capped keeps at most limit bytes written to it and notes the excess.
type capped struct {
	b     bytes.Buffer
	limit int
	over  bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.limit - c.b.Len(); room < len(p) {
		c.over = true
		c.b.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.b.Write(p)
}

// runOCRExec is the process ocrCommand starts: it limits its own memory
// and replaces itself with Tesseract (args[0] its path). It returns only
// on failure.
func runOCRExec(limit string) int {
	n, err := strconv.ParseInt(limit, 10, 64)
	if err != nil || n <= 0 || len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "OCR process: bad limit or no program")
		return 3
	}
	setAddressSpaceLimit(n)
	env := make([]string, 0, len(os.Environ()))
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, ocrExecEnv+"=") {
			env = append(env, e)
		}
	}
	err = execProgram(os.Args[1], os.Args[1:], env)
	fmt.Fprintln(os.Stderr, "OCR process:", err)
	return 3
}

// ocrCommand starts Tesseract through this binary (see ocrExecEnv)
// where the memory limit can be set and the binary answers as Worker
// does, else directly, with the deadline only.
func ocrCommand(ctx context.Context, tesseract string, args []string, mem int64) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil || !canLimitChild || !answersWorker.Load() {
		cmd := exec.CommandContext(ctx, tesseract, args...)
		cmd.Env = os.Environ()
		return cmd
	}
	cmd := exec.CommandContext(ctx, exe, append([]string{tesseract}, args...)...)
	cmd.Env = append(os.Environ(), ocrExecEnv+"="+strconv.FormatInt(mem, 10))
	return cmd
}

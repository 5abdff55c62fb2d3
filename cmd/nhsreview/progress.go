package main

import (
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// isTerminal tells whether w is a terminal, not a pipe, a file or a test
// buffer.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// useColor decides --color: "auto" colours only a terminal, and never when
// NO_COLOR is set (no-color.org) or TERM is dumb.
func useColor(mode string, out io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return isTerminal(out) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb", nil
	}
	return false, fmt.Errorf("unknown --color %q: use auto, always or never", mode)
}

// progress shows how far a long run has got on one line of stderr,
// redrawn in place. It exists only when stderr is a terminal and there is
// more than one source; a nil *progress does nothing, so callers need no
// checks.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	verb    string
	total   int
	done    int
	failed  int
	current []string          // sources being read, oldest first
	ocr     map[string][2]int // pages read by OCR and pages to read, by source
	start   time.Time
	now     func() time.Time
	width   int
	drawn   bool
	stop    chan struct{}
	stopped sync.WaitGroup
	ended   sync.Once
}

// startProgress returns nil (no progress) unless w is a terminal and there
// are at least two sources.
func startProgress(w io.Writer, verb string, total int) *progress {
	if total < 2 || !isTerminal(w) {
		return nil
	}
	width := 80
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			width = cols
		}
	}
	return newProgress(w, verb, total, width, 200*time.Millisecond)
}

// startOpenProgress is startProgress for a run whose total grows as it
// goes (a crawl finds its documents while it reads them): see found.
func startOpenProgress(w io.Writer, verb string) *progress {
	if !isTerminal(w) {
		return nil
	}
	p := startProgress(w, verb, 2)
	p.mu.Lock()
	p.total = 0
	p.mu.Unlock()
	return p
}

// found adds a source to the total and records that it is being read.
func (p *progress) found(src string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.total++
	p.mu.Unlock()
	p.begin(src)
}

// newProgress starts the display; tick is how often the elapsed time is
// redrawn while a slow document is read (0: only on events).
func newProgress(w io.Writer, verb string, total, width int, tick time.Duration) *progress {
	p := &progress{w: w, verb: verb, total: total, width: width, now: time.Now, stop: make(chan struct{})}
	p.start = p.now()
	if tick > 0 {
		p.stopped.Add(1)
		go func() {
			defer p.stopped.Done()
			t := time.NewTicker(tick)
			defer t.Stop()
			for {
				select {
				case <-p.stop:
					return
				case <-t.C:
					p.mu.Lock()
					p.draw()
					p.mu.Unlock()
				}
			}
		}()
	}
	p.mu.Lock()
	p.draw()
	p.mu.Unlock()
	return p
}

// begin records that a source is being read.
func (p *progress) begin(src string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = append(p.current, src)
	p.draw()
}

// end records that a source is finished, failed when err is not nil.
func (p *progress) end(src string, err error) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	// A source never announced (a crawl's page that failed) still counts.
	p.total = max(p.total, p.done)
	if err != nil {
		p.failed++
	}
	for i, s := range p.current {
		if s == src {
			p.current = append(p.current[:i], p.current[i+1:]...)
			break
		}
	}
	p.draw()
}

// finish erases the line, so that what follows on the terminal starts
// clean. It may be called more than once.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.ended.Do(func() {
		close(p.stop)
		p.stopped.Wait()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.erase()
	})
}

// clear erases the line until the next event redraws it, for output on
// stdout to the same terminal.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
}

// writer wraps stderr so that messages written during the run (failures,
// warnings) appear on their own lines above the progress line.
func (p *progress) writer(w io.Writer) io.Writer {
	if p == nil {
		return w
	}
	return progressWriter{p}
}

type progressWriter struct{ p *progress }

func (pw progressWriter) Write(b []byte) (int, error) {
	p := pw.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	n, err := p.w.Write(b)
	if len(b) > 0 && b[len(b)-1] == '\n' {
		p.draw()
	}
	return n, err
}

func (p *progress) erase() {
	if p.drawn {
		io.WriteString(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// draw writes the progress line: a bar, the count, failures, the time
// taken and the document being read, cut to the terminal's width.
func (p *progress) draw() {
	const barW = 20
	filled := 0
	if p.total > 0 {
		filled = barW * p.done / p.total
	}
	el := p.now().Sub(p.start).Round(time.Second)
	line := fmt.Sprintf("%s%s %d/%d %s", strings.Repeat("█", filled), strings.Repeat("░", barW-filled), p.done, p.total, p.verb)
	if p.failed > 0 {
		line += fmt.Sprintf(" · %d failed", p.failed)
	}
	line += fmt.Sprintf(" · %d:%02d", int(el.Minutes()), int(el.Seconds())%60)
	if len(p.current) > 0 {
		line += " · " + path.Base(strings.ReplaceAll(p.current[0], "\\", "/"))
		if n, ok := p.ocr[p.current[0]]; ok {
			line += fmt.Sprintf(" (OCR %d/%d pages)", n[0], n[1])
		}
	}
	if r := []rune(line); len(r) > p.width-1 {
		line = string(r[:p.width-2]) + "…"
	}
	io.WriteString(p.w, "\r\x1b[K"+line)
	p.drawn = true
}

// ocrPages records how many of src's pages OCR has read, for the
// progress line.
func (p *progress) ocrPages(src string, done, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ocr == nil {
		p.ocr = map[string][2]int{}
	}
	if done >= total {
		delete(p.ocr, src)
	} else {
		p.ocr[src] = [2]int{done, total}
	}
	p.draw()
}

// set sets the count done (a progress whose units are pages).
func (p *progress) set(done int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	p.draw()
}

// pageProgress is the page count of a scanned source for the progress
// display: on the run's progress line when there is one (several
// sources), else on a line of its own ("3/12 pages read by OCR"), which
// the returned end erases.
func pageProgress(prog *progress, stderr io.Writer, src string) (pages func(done, total int), end func()) {
	if prog != nil {
		return func(done, total int) { prog.ocrPages(src, done, total) }, func() {}
	}
	var own *progress
	started := false
	pages = func(done, total int) {
		if !started {
			started = true
			own = startProgress(stderr, "pages read by OCR", total)
		}
		own.set(done)
	}
	return pages, func() { own.finish() }
}

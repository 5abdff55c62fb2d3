package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// longSuites reports whether the long reliability suites were asked for
// (NHSREVIEW_LONG=1, as scripts/fuzz and CI's nightly run set it): the
// 10,000-page document and every damage of every shared-corpus PDF take
// minutes on two cores.
func longSuites() bool { return os.Getenv("NHSREVIEW_LONG") != "" }

// damage is one way real files get broken. keepsText marks the damage
// that tolerant readers undo entirely: the file must then read with all
// of its words.
type damage struct {
	name      string
	keepsText bool
	apply     func(pdf []byte) []byte
}

// damages lists the damage applied to every generated PDF (and, in part,
// to the shared corpus): interrupted downloads cut at several points,
// random byte flips, a PDF 2.0 header, a broken startxref, junk after
// %%EOF and before the header, a zeroed disk block, and a download cut
// short with an error page glued on.
func damages() []damage {
	var ds []damage
	for _, frac := range []float64{0.02, 0.25, 0.5, 0.75, 0.9, 0.99} {
		ds = append(ds, damage{name: fmt.Sprintf("truncated at %.0f%%", frac*100), apply: func(b []byte) []byte {
			return pdfgen.Truncate(b, int(float64(len(b))*frac))
		}})
	}
	ds = append(ds, damage{name: "truncated inside the trailer", apply: func(b []byte) []byte { return pdfgen.Truncate(b, len(b)-12) }})
	for _, flips := range []int{1, 16, 256} {
		for seed := uint64(1); seed <= 3; seed++ {
			ds = append(ds, damage{name: fmt.Sprintf("%d bytes flipped (seed %d)", flips, seed), apply: func(b []byte) []byte {
				return flipBytes(b, flips, seed)
			}})
		}
	}
	ds = append(ds,
		damage{name: "header %PDF-2.0", keepsText: true, apply: func(b []byte) []byte { return pdfgen.ReplaceHeader(b, "%PDF-2.0") }},
		damage{name: "startxref off by 17", keepsText: true, apply: func(b []byte) []byte { return mustBreak(b, 17) }},
		damage{name: "startxref past the end", keepsText: true, apply: func(b []byte) []byte { return mustBreak(b, 1<<30) }},
		damage{name: "1 KB of garbage after %%EOF", keepsText: true, apply: func(b []byte) []byte { return pdfgen.AppendGarbage(b, 1000, 7) }},
		damage{name: "200 KB of garbage after %%EOF", keepsText: true, apply: func(b []byte) []byte { return pdfgen.AppendGarbage(b, 200_000, 8) }},
		damage{name: "junk before the header", keepsText: true, apply: func(b []byte) []byte {
			return pdfgen.Prepend(b, []byte("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n"))
		}},
		damage{name: "a 4 KB block zeroed", apply: func(b []byte) []byte {
			out := bytes.Clone(b)
			at := len(out) * 2 / 5
			clear(out[at:min(len(out), at+4096)])
			return out
		}},
		damage{name: "cut short, then an error page", apply: func(b []byte) []byte {
			return append(pdfgen.Truncate(b, len(b)*2/3), "<html><body><h1>502 Bad Gateway</h1></body></html>\n"...)
		}},
	)
	return ds
}

// flipBytes overwrites n positions with pseudo-random bytes, deterministic
// for a seed. The header is spared: without it the file is simply "not a
// PDF", which says nothing about the reader.
func flipBytes(b []byte, n int, seed uint64) []byte {
	out := bytes.Clone(b)
	r := pdfgen.RandomBytes(n*5, seed)
	for i := 0; i < n; i++ {
		pos := int(uint32(r[i*5])<<24|uint32(r[i*5+1])<<16|uint32(r[i*5+2])<<8|uint32(r[i*5+3])) % len(out)
		if pos < 9 {
			continue
		}
		out[pos] = r[i*5+4]
	}
	return out
}

func mustBreak(b []byte, delta int) []byte {
	out, err := pdfgen.BreakStartXref(b, delta)
	if err != nil {
		return b
	}
	return out
}

// outcome is what one damaged file gave.
type outcome struct {
	doc  *document.Document
	err  error
	took time.Duration
	// deadlineWanted: the case sets a deadline it means the reader to
	// run into; anywhere else, running into it is a hang.
	deadlineWanted bool
}

// readDamaged extracts data in this process (thousands of variants; a
// child each would take minutes) under a deadline.
func readDamaged(name string, data []byte, deadline time.Duration) outcome {
	start := time.Now()
	d, err := Document(context.Background(), fixtureResult(name, data), Options{InProcess: true, Deadline: deadline})
	return outcome{doc: d, err: err, took: time.Since(start)}
}

// checkOutcome holds every reader outcome to the rule: a document
// with pages (warnings allowed), or one line that says what went wrong;
// never a panic, never a hang. A hang is a reader that runs into its
// deadline (which the deadline then stops): wall time alone is not one,
// since a loaded machine takes several times longer than a quiet one, so
// a read over limit, the time a quiet machine needs with room to spare,
// is only logged.
func checkOutcome(t *testing.T, what string, o outcome, limit time.Duration) {
	t.Helper()
	if o.took > limit/10 {
		t.Logf("%s: slow: %s (limit for a quiet machine %s)", what, o.took.Round(time.Millisecond), limit)
	}
	if errors.Is(o.err, ErrDeadline) && !o.deadlineWanted {
		t.Errorf("%s: ran into its deadline after %s: a reader hung (%v)", what, o.took.Round(time.Millisecond), o.err)
	}
	if o.err != nil {
		checkOneLine(t, what, o.err.Error())
		if strings.Contains(o.err.Error(), "internal error") {
			t.Errorf("%s: a reader panicked: %v", what, o.err)
		}
		return
	}
	if o.doc == nil || len(o.doc.Pages) == 0 {
		t.Errorf("%s: no error and no pages", what)
		return
	}
	for _, w := range o.doc.Quality.Warnings {
		checkOneLine(t, what+": warning", w)
	}
	if _, err := json.Marshal(o.doc); err != nil {
		t.Errorf("%s: the document does not encode: %v", what, err)
	}
}

// checkOneLine: errors and warnings are printed one per line after the
// source's name, so they must be single, printable, bounded lines with
// no stack trace.
func checkOneLine(t *testing.T, what, msg string) {
	t.Helper()
	switch {
	case msg == "":
		t.Errorf("%s: empty message", what)
	case strings.ContainsAny(msg, "\n\r"):
		t.Errorf("%s: message is not one line: %q", what, msg)
	case len(msg) > 400:
		t.Errorf("%s: message of %d bytes: %.100q…", what, len(msg), msg)
	case strings.Contains(msg, "goroutine ") || strings.Contains(msg, ".go:"):
		t.Errorf("%s: message carries a trace: %q", what, msg)
	case runtimePanic.MatchString(msg):
		// A Go runtime error recovered into a message is a bug in the
		// reader (or the library) that the damage reached, not a
		// description of the damage.
		t.Errorf("%s: a runtime error reached the message: %q", what, msg)
	}
}

var runtimePanic = regexp.MustCompile(`runtime error|nil map|nil pointer|index out of range|slice bounds out of range|makeslice|integer divide by zero`)

// tally counts outcomes for the summary line.
type tally struct {
	mu                  sync.Mutex
	clean, warned, fail int
}

func (t *tally) add(o outcome) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case o.err != nil:
		t.fail++
	case len(o.doc.Quality.Warnings) > 0:
		t.warned++
	default:
		t.clean++
	}
}

func (t *tally) String() string {
	return fmt.Sprintf("%d read cleanly, %d read with warnings, %d refused with one line", t.clean, t.warned, t.fail)
}

// TestDamagedFixtures damages every generated PDF in every way and reads
// each result. Damage that tolerant readers undo (a PDF 2.0 header, junk
// around the file, a wrong startxref) must lose no word.
func TestDamagedFixtures(t *testing.T) {
	var sum tally
	n := 0
	for _, fx := range pdfgen.All() {
		for _, dm := range damages() {
			n++
			data := dm.apply(fx.PDF)
			what := fx.Name + ": " + dm.name
			o := readDamaged(what, data, 60*time.Second)
			checkOutcome(t, what, o, 10*time.Second)
			sum.add(o)
			if !dm.keepsText || fx.Damaged || len(fx.WantWords) == 0 {
				continue
			}
			if o.err != nil {
				t.Errorf("%s: %v; tolerant readers read this file", what, o.err)
				continue
			}
			text := strings.Join(strings.Fields(o.doc.PlainText()), " ")
			for _, w := range fx.WantWords {
				if !strings.Contains(text, w) {
					t.Errorf("%s: lost %q", what, w)
				}
			}
		}
	}
	t.Logf("%d damaged files: %s", n, &sum)
}

// TestDamagedThroughWorker reads the damaged variants of one fixture in
// child processes, as the command does: the outcome (read or refused)
// must not depend on where the file was read.
func TestDamagedThroughWorker(t *testing.T) {
	fx := pdfgen.NumberedHeadings()
	for _, dm := range damages() {
		data := dm.apply(fx.PDF)
		start := time.Now()
		d, err := Document(context.Background(), fixtureResult(dm.name, data), Options{Deadline: 60 * time.Second})
		o := outcome{doc: d, err: err, took: time.Since(start)}
		checkOutcome(t, dm.name, o, 10*time.Second)
		in := readDamaged(dm.name, data, 60*time.Second)
		if (o.err == nil) != (in.err == nil) {
			t.Errorf("%s: child error %v, in-process error %v", dm.name, o.err, in.err)
		}
	}
}

// TestDamagedCorpus damages the PDFs of the shared corpus: real files
// have object streams, xref streams, incremental updates and fonts the
// generator does not write. By default each file is cut in half and has
// bytes flipped; NHSREVIEW_LONG=1 applies every damage.
func TestDamagedCorpus(t *testing.T) {
	dir := sharedCorpus(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no PDFs in %s: %v", dir, err)
	}
	ds := damages()
	if !longSuites() {
		var short []damage
		for _, dm := range ds {
			switch dm.name {
			case "truncated at 50%", "16 bytes flipped (seed 1)", "header %PDF-2.0":
				short = append(short, dm)
			}
		}
		ds = short
	}
	var sum tally
	t.Run("files", func(t *testing.T) {
		for _, f := range files {
			t.Run(filepath.Base(f), func(t *testing.T) {
				t.Parallel()
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, dm := range ds {
					what := filepath.Base(f) + ": " + dm.name
					o := readDamaged(what, dm.apply(data), 120*time.Second)
					checkOutcome(t, what, o, 30*time.Second)
					sum.add(o)
					if dm.keepsText && bytes.HasPrefix(data, []byte("%PDF")) && o.err != nil {
						t.Errorf("%s: %v; tolerant readers read this file", what, o.err)
					}
				}
			})
		}
	})
	t.Logf("%d damaged corpus files: %s", len(files)*len(ds), &sum)
}

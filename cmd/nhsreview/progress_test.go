package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the progress ticker's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	var b bytes.Buffer
	if p := startProgress(&b, "scored", 10); p != nil {
		t.Error("progress shown on a buffer")
	}
	// A nil progress does nothing and leaves stderr as it is.
	var p *progress
	p.begin("a")
	p.end("a", nil)
	p.finish()
	if w := p.writer(&b); w != &b {
		t.Error("nil progress wrapped the writer")
	}
}

// The progress line counts documents and failures, names the document
// being read, keeps messages on their own lines above it, fits the
// terminal, and is erased at the end.
func TestProgressLine(t *testing.T) {
	var out syncBuffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(&out, "scored", 3, 60, 0)
	p.now = func() time.Time { return clock }
	p.start = clock
	w := p.writer(&out)
	p.begin("dir/first.pdf")
	p.begin("https://example.nhs.uk/second.pdf")
	clock = clock.Add(75 * time.Second)
	fmt.Fprintf(w, "nhsreview: first.pdf: no %%PDF header\n")
	p.end("dir/first.pdf", errors.New("no %PDF header"))
	p.end("https://example.nhs.uk/second.pdf", nil)
	p.begin("a-document-with-a-very-long-name-that-does-not-fit-the-terminal.pdf")
	p.end("a-document-with-a-very-long-name-that-does-not-fit-the-terminal.pdf", nil)
	p.finish()

	got := out.String()
	frames := strings.Split(got, "\r\x1b[K")
	want := []string{
		"", // the line is cleared before each frame
		"░░░░░░░░░░░░░░░░░░░░ 0/3 scored · 0:00",
		"░░░░░░░░░░░░░░░░░░░░ 0/3 scored · 0:00 · first.pdf",
		"░░░░░░░░░░░░░░░░░░░░ 0/3 scored · 0:00 · first.pdf",
		"nhsreview: first.pdf: no %PDF header\n",
		"░░░░░░░░░░░░░░░░░░░░ 0/3 scored · 1:15 · first.pdf",
		"██████░░░░░░░░░░░░░░ 1/3 scored · 1 failed · 1:15 · second…",
		"█████████████░░░░░░░ 2/3 scored · 1 failed · 1:15",
		"█████████████░░░░░░░ 2/3 scored · 1 failed · 1:15 · a-docu…",
		"████████████████████ 3/3 scored · 1 failed · 1:15",
		"",
	}
	if len(frames) != len(want) {
		t.Fatalf("%d frames, want %d: %q", len(frames), len(want), frames)
	}
	for i := range want {
		if frames[i] != want[i] {
			t.Errorf("frame %d = %q, want %q", i, frames[i], want[i])
		}
		if n := len([]rune(frames[i])); n > 59 {
			t.Errorf("frame %d is %d columns wide, the terminal 60", i, n)
		}
	}
}

// A crawl's total grows as documents are found; a page that failed
// without being found still counts; finish may come twice.
func TestProgressOpenTotal(t *testing.T) {
	var out syncBuffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(&out, "documents", 0, 60, 0)
	p.now = func() time.Time { return clock }
	p.start = clock
	p.found("a.pdf")
	p.found("b.pdf")
	p.end("a.pdf", nil)
	p.end("https://x.nhs.uk/board", errors.New("HTTP 404"))
	p.clear()
	p.end("b.pdf", nil)
	p.finish()
	p.finish()
	frames := strings.Split(out.String(), "\r\x1b[K")
	want := []string{
		"",
		"░░░░░░░░░░░░░░░░░░░░ 0/0 documents · 0:00",
		"░░░░░░░░░░░░░░░░░░░░ 0/1 documents · 0:00 · a.pdf",
		"░░░░░░░░░░░░░░░░░░░░ 0/2 documents · 0:00 · a.pdf",
		"██████████░░░░░░░░░░ 1/2 documents · 0:00 · b.pdf",
		"████████████████████ 2/2 documents · 1 failed · 0:00 · b.p…",
		"",
		"████████████████████ 3/3 documents · 1 failed · 0:00",
		"",
	}
	if !slices.Equal(frames, want) {
		t.Errorf("frames:\n%q\nwant:\n%q", frames, want)
	}
}

// The ticker redraws while a slow document is read, and stops at finish.
func TestProgressTicks(t *testing.T) {
	var out syncBuffer
	p := newProgress(&out, "read", 2, 80, time.Millisecond)
	p.begin("slow.pdf")
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(out.String(), "slow.pdf") < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	p.finish()
	if n := strings.Count(out.String(), "slow.pdf"); n < 3 {
		t.Errorf("%d redraws while waiting", n)
	}
	after := out.String()
	time.Sleep(20 * time.Millisecond)
	if out.String() != after {
		t.Error("progress drawn after finish")
	}
	if !strings.HasSuffix(after, "\r\x1b[K") {
		t.Error("progress line not erased at finish")
	}
}

func TestUseColor(t *testing.T) {
	var b bytes.Buffer
	for _, tc := range []struct {
		mode, noColor string
		want          bool
		err           bool
	}{
		{"always", "", true, false},
		{"always", "1", true, false},
		{"never", "", false, false},
		{"auto", "", false, false}, // a buffer is not a terminal
		{"auto", "1", false, false},
		{"rainbow", "", false, true},
	} {
		t.Setenv("NO_COLOR", tc.noColor)
		got, err := useColor(tc.mode, &b)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("useColor(%q) NO_COLOR=%q = %v, %v", tc.mode, tc.noColor, got, err)
		}
	}
}

// The pages of a scanned source read by OCR show beside its name, and go
// once all are read; a nil progress ignores them.
func TestProgressOCRPages(t *testing.T) {
	var out syncBuffer
	p := newProgress(&out, "scored", 2, 80, 0)
	p.begin("scan.pdf")
	p.ocrPages("scan.pdf", 3, 12)
	if s := out.String(); !strings.HasSuffix(s, "scan.pdf (OCR 3/12 pages)") {
		t.Errorf("line %q: want the pages read", s)
	}
	p.ocrPages("scan.pdf", 12, 12)
	if s := out.String(); !strings.HasSuffix(s, "· scan.pdf") {
		t.Errorf("line %q: want the count gone once every page is read", s)
	}
	p.finish()
	var none *progress
	none.ocrPages("scan.pdf", 1, 2)
	none.set(1)
	pages, end := pageProgress(nil, &out, "scan.pdf") // not a terminal: no line
	pages(1, 3)
	end()
}

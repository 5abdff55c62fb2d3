package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestUploadBudget: twenty large uploads held open at once. The budget
// lets in what fits; the rest are answered 503 with Retry-After before
// their bodies are read, and the server's heap grows by about the budget,
// not by twenty uploads (issue 14: 30 uploads of 90 MiB took the server
// from 52 MiB to 5.3 GiB).
func TestUploadBudget(t *testing.T) {
	const (
		maxUpload = 4 << 20
		sent      = 3 << 20 // each client sends this much, then waits
		clients   = 20
	)
	spool := t.TempDir()
	s, ts := newTestServer(t, func(c *Config) {
		c.MaxUpload, c.Jobs, c.UploadBudget, c.SpoolDir = maxUpload, 1, 9<<20, spool
	})
	head := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.md\"\r\nContent-Type: text/markdown\r\n\r\n"
	tail := "\r\n--B--\r\n"
	line := bytes.Repeat([]byte("Our plan will improve health in every ward. "), 1000)

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	type client struct {
		sent     atomic.Bool  // its bytes are written
		answered atomic.Int32 // its status, once answered
		retry    atomic.Value // Retry-After
	}
	cs := make([]*client, clients)
	hold := make(chan struct{})
	var writers []*io.PipeWriter
	var wg sync.WaitGroup
	length := int64(len(head) + maxUpload - 1024 + len(tail))
	for i := range clients {
		c := &client{}
		cs[i] = c
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/score", pr)
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = length
		req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		req.Header.Set("X-Requested-With", "test")
		go func() {
			if _, err := io.WriteString(pw, head); err != nil {
				return
			}
			for n := 0; n < sent; n += len(line) {
				if _, err := pw.Write(line); err != nil {
					return // refused: the client stopped sending
				}
			}
			c.sent.Store(true)
			<-hold
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				c.answered.Store(-1)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			c.retry.Store(resp.Header.Get("Retry-After"))
			c.answered.Store(int32(resp.StatusCode))
		}()
	}
	// Wait until every client is answered, or is admitted (its bytes
	// reserved in the budget) and has sent them. This waits on states,
	// not on a clock.
	admitted, refused := 0, 0
	for {
		answered, sentAll := 0, 0
		for _, c := range cs {
			switch {
			case c.answered.Load() != 0:
				answered++
			case c.sent.Load():
				sentAll++
			}
		}
		held := int(s.budget.inUse() / length)
		if answered+held == clients && sentAll >= held {
			admitted, refused = held, answered
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, c := range cs {
		if st := c.answered.Load(); st != 0 && (st != http.StatusServiceUnavailable || c.retry.Load() == "") {
			t.Errorf("a client was answered %d (Retry-After %q), want 503 with Retry-After", st, c.retry.Load())
		}
	}
	// The admitted uploads go to disk, in the spool directory, as they
	// arrive: wait until the server has read what their clients sent
	// (less what the multipart reader holds back while it looks for a
	// boundary), whatever sits in socket buffers on the way.
	for {
		var onDisk int64
		for _, n := range spoolFiles(t, spool) {
			onDisk += n
		}
		if onDisk >= int64(admitted)*(sent-1024) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	growth := int64(during.HeapInuse) - int64(before.HeapInuse)
	t.Logf("%d admitted, %d refused; heap grew by %d MiB with %d MiB of uploads in flight", admitted, refused, growth>>20, (admitted*sent)>>20)
	if admitted == 0 || admitted > 2 {
		t.Errorf("%d uploads admitted, want 1 or 2 within a budget of 9 MiB", admitted)
	}
	// Twenty uploads read whole would hold 60 MiB, and even the admitted
	// ones 3 to 6 MiB; spooled, the heap grows by less than one upload.
	if limit := int64(maxUpload); growth > limit {
		t.Errorf("heap grew by %d MiB with uploads spooled to disk, want under %d MiB", growth>>20, limit>>20)
	}
	close(hold)
	for _, pw := range writers {
		pw.CloseWithError(fmt.Errorf("test over"))
	}
	wg.Wait()
	// The handlers give their bytes back as they return, just after
	// answering.
	for s.budget.inUse() != 0 {
		time.Sleep(5 * time.Millisecond)
	}
	// Nothing is left on disk by uploads cut off mid-way.
	if left := spoolFiles(t, spool); len(left) != 0 {
		t.Errorf("spool files left after every request ended: %v", left)
	}
}

// spoolFiles maps the spool files in dir to their sizes.
func spoolFiles(t testing.TB, dir string) map[string]int64 {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, spoolPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil {
			out[filepath.Base(m)] = fi.Size()
		}
	}
	return out
}

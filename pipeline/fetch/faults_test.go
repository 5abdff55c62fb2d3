package fetch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Network faults against local servers: each must end in one clear line
// within the timeout, with no partial result and with memory bounded by
// MaxBytes, whatever the server does.

// rawServer accepts TCP connections and hands each to serve, for faults
// below HTTP (silence, resets, broken framing) that net/http will not
// produce.
func rawServer(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}

// readRequest consumes the request head so that a reply is not taken for
// a half-read request.
func readRequest(c net.Conn) {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil || line == "\r\n" {
			return
		}
	}
}

// reset closes with a TCP RST rather than a FIN: a peer that vanished.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// gzipBomb is n zero bytes gzipped (about 1 MB per GiB).
func gzipBomb(n int) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	chunk := make([]byte, 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		zw.Write(chunk[:min(len(chunk), left)])
	}
	zw.Close()
	return b.Bytes()
}

func faultServer(t *testing.T) *httptest.Server {
	t.Helper()
	bomb := gzipBomb(1 << 30)
	mux := http.NewServeMux()
	// One byte a second, forever.
	mux.HandleFunc("/drip.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		for _, c := range []byte("%PDF-1.7\n" + strings.Repeat(" ", 1000)) {
			if _, err := w.Write([]byte{c}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
			}
		}
	})
	// A body that never ends, as fast as the client reads.
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		line := bytes.Repeat([]byte("The board is asked to note the report. "), 1000)
		for r.Context().Err() == nil {
			if _, err := w.Write(line); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bomb.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/bad-gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte("this was never gzip"))
	})
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/b", http.StatusFound) })
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/self", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/self", http.StatusTemporaryRedirect)
	})
	// A PDF link that answers with a sign-in page.
	mux.HandleFunc("/papers/board-pack.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Password</form></body></html>")
	})
	// A download URL claiming a PDF and sending a page.
	mux.HandleFunc("/download", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "<html><body><h1>Session expired</h1></body></html>")
	})
	// A PDF served as text/html: the bytes decide.
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(samplePDF)
	})
	mux.HandleFunc("/short-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("%PDF-1.7\nonly part of it"))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestNetworkFaults(t *testing.T) {
	ts := faultServer(t)
	silent := rawServer(t, func(c net.Conn) {
		// Accepts and never answers, never closes.
		io.Copy(io.Discard, c)
	})
	slowHeaders := rawServer(t, func(c net.Conn) {
		readRequest(c)
		for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n") {
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(time.Second)
		}
	})
	resetMidBody := rawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 100000\r\n\r\n%PDF-1.7\n")
		c.Write(bytes.Repeat([]byte("x"), 4000))
		time.Sleep(50 * time.Millisecond)
		reset(c)
	})
	resetBeforeAnswer := rawServer(t, func(c net.Conn) {
		readRequest(c)
		reset(c)
	})
	brokenChunks := rawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
		c.Close()
	})
	garbage := rawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02\r\n\r\n")
		c.Close()
	})
	endlessHeaders := rawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\n")
		line := []byte("X-Padding: " + strings.Repeat("a", 1000) + "\r\n")
		for {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	})

	tests := []struct {
		name    string
		url     string
		opt     Options
		wantErr string
		// sniffErr: Get succeeds, and Sniff must refuse the bytes.
		sniffErr string
		// maxAlloc bounds what the fetch may allocate.
		maxAlloc uint64
	}{
		{name: "server that never answers", url: silent + "/plan.pdf", opt: Options{Timeout: time.Second}, wantErr: "timed out after 1s"},
		{name: "headers one byte a second", url: slowHeaders + "/plan.pdf", opt: Options{Timeout: 2 * time.Second}, wantErr: "timed out after 2s"},
		{name: "body one byte a second", url: ts.URL + "/drip.pdf", opt: Options{Timeout: 2 * time.Second}, wantErr: "timed out after 2s"},
		{name: "endless body, size limit first", url: ts.URL + "/endless", opt: Options{MaxBytes: 4 << 20}, wantErr: "exceeds the size limit of 4 MiB", maxAlloc: 64 << 20},
		{name: "endless body, timeout first", url: ts.URL + "/endless", opt: Options{Timeout: time.Second, MaxBytes: 1 << 40}, wantErr: "timed out after 1s"},
		{name: "gzip bomb: 1 GiB of zeros in 1 MB", url: ts.URL + "/bomb.txt", opt: Options{MaxBytes: 10 << 20}, wantErr: "exceeds the size limit of 10 MiB", maxAlloc: 128 << 20},
		{name: "body that is not the gzip it claims", url: ts.URL + "/bad-gzip", wantErr: "reading the response failed: gzip: invalid header"},
		{name: "redirect loop between two pages", url: ts.URL + "/loop/a", wantErr: "stopped after 5 redirects"},
		{name: "page redirecting to itself", url: ts.URL + "/self", opt: Options{MaxRedirects: 20}, wantErr: "stopped after 20 redirects"},
		{name: "connection reset mid-body", url: resetMidBody + "/plan.pdf", wantErr: "reading the response failed: "},
		{name: "connection reset before the answer", url: resetBeforeAnswer + "/plan.pdf", wantErr: "request failed: "},
		{name: "body shorter than its Content-Length", url: ts.URL + "/short-body", wantErr: "reading the response failed: unexpected EOF"},
		{name: "broken chunked encoding", url: brokenChunks + "/plan.txt", wantErr: "reading the response failed: "},
		{name: "not HTTP at all", url: garbage + "/plan.pdf", wantErr: "malformed HTTP response"},
		{name: "headers that never end", url: endlessHeaders + "/plan.pdf", opt: Options{Timeout: 20 * time.Second}, wantErr: "request failed: "},
		{name: "plain HTTP server on an https URL", url: strings.Replace(ts.URL, "http://", "https://", 1) + "/page", wantErr: "request failed: "},
		{name: "HTML sign-in page for a PDF link", url: ts.URL + "/papers/board-pack.pdf", sniffErr: "not a PDF file (it may be mislabelled: it looks like an HTML page, such as an error or login page)"},
		{name: "HTML page served as application/pdf", url: ts.URL + "/download", sniffErr: "it looks like an HTML page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opt := tt.opt
			if opt.Timeout == 0 {
				opt.Timeout = 10 * time.Second
			}
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			res, err := Get(context.Background(), tt.url, opt)
			took := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if took > opt.Timeout+3*time.Second {
				t.Errorf("took %s with a %s timeout", took.Round(time.Millisecond), opt.Timeout)
			}
			// Allocation is counted process-wide and the cases run in
			// parallel: a bound of tens of MB still tells 10 MiB read
			// from 1 GiB inflated.
			if tt.maxAlloc > 0 && after.TotalAlloc-before.TotalAlloc > tt.maxAlloc {
				t.Errorf("allocated %s, want under %s", FormatSize(int64(after.TotalAlloc-before.TotalAlloc)), FormatSize(int64(tt.maxAlloc)))
			}
			if tt.sniffErr != "" {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				f, err := res.Sniff()
				checkErr(t, err, tt.sniffErr, "")
				if f != "" {
					t.Errorf("Sniff gave format %q with its error", f)
				}
				return
			}
			checkErr(t, err, tt.wantErr, tt.url)
			t.Logf("%s: %v", took.Round(time.Millisecond), err)
			if res != nil {
				t.Errorf("a partial result came back with the error: %d bytes", len(res.Data))
			}
		})
	}
}

// A PDF served as text/html is still a PDF: the bytes decide.
func TestPDFServedAsHTML(t *testing.T) {
	ts := faultServer(t)
	res, err := Get(context.Background(), ts.URL+"/page", Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := res.Sniff(); err != nil || f != "pdf" {
		t.Errorf("Sniff = %q, %v; want pdf", f, err)
	}
}

// The caller's cancellation stops a fetch stuck on a silent server at
// once, whatever the timeout.
func TestCancelStopsSilentServer(t *testing.T) {
	silent := rawServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := Get(ctx, silent+"/x.pdf", Options{Timeout: time.Hour})
	checkErr(t, err, "canceled: context canceled", silent)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s after cancelling", took)
	}
}

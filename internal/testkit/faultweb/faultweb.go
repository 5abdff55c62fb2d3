// Package faultweb serves, for tests, web servers that misbehave the way
// real ones do: silence, a byte a second, endless bodies, gzip bombs,
// redirect loops, resets mid-body, sign-in pages behind PDF links. The
// fetch tests hold each fault to its error; the command and corpus tests
// hold a run over all of them to one line each and to nothing stored.
package faultweb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Site is a set of misbehaving servers. URL is the HTTP server of the
// faults net/http can produce; the others are raw TCP servers (their base
// URLs, without a path) for faults below HTTP.
type Site struct {
	URL string

	Silent            string // accepts the connection and never answers
	SlowHeaders       string // sends the status line and headers a byte a second
	ResetMidBody      string // half a body, then a TCP reset
	ResetBeforeAnswer string // reads the request, then a TCP reset
	BrokenChunks      string // chunked encoding with a bad chunk size
	Garbage           string // answers with something that is not HTTP
	EndlessHeaders    string // a header line after another, forever
}

// A Fault is one misbehaving URL of a Site, and what a fetch of it with
// a timeout of a few seconds and default limits must say.
type Fault struct {
	Name string
	URL  string
	// Err is part of the one-line error a fetch gives. Faults that only
	// show once the bytes are looked at (a sign-in page for a PDF) have
	// the error the reader gives.
	Err string
}

// GoodPath serves the good document given to New, as application/pdf.
const GoodPath = "/good.pdf"

// PublicationsPath is a page linking GoodPath and every fault of
// Faults, as a publications page links board papers.
const PublicationsPath = "/publications"

// New starts the servers; they stop when the test ends. good is what
// GoodPath serves, and what /page serves mislabelled as text/html.
func New(t testing.TB, good []byte) *Site {
	t.Helper()
	bomb := bomb() // now, not inside a request some test measures
	s := &Site{}
	mux := http.NewServeMux()
	mux.HandleFunc(GoodPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(good)
	})
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
		w.Write(good)
	})
	mux.HandleFunc("/short-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("%PDF-1.7\nonly part of it"))
	})
	mux.HandleFunc(PublicationsPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Board papers</title></head><body><main><h1>Board papers</h1><ul>\n")
		links := []string{s.URL + GoodPath}
		for _, f := range s.Faults() {
			links = append(links, f.URL)
		}
		for _, l := range links {
			fmt.Fprintf(w, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(l), html.EscapeString(l))
		}
		fmt.Fprint(w, "</ul></main></body></html>\n")
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	s.URL = ts.URL

	s.Silent = raw(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	s.SlowHeaders = raw(t, func(c net.Conn) {
		readRequest(c)
		for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n") {
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(time.Second)
		}
	})
	s.ResetMidBody = raw(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 100000\r\n\r\n%PDF-1.7\n")
		c.Write(bytes.Repeat([]byte("x"), 4000))
		time.Sleep(50 * time.Millisecond)
		reset(c)
	})
	s.ResetBeforeAnswer = raw(t, func(c net.Conn) {
		readRequest(c)
		reset(c)
	})
	s.BrokenChunks = raw(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
		c.Close()
	})
	s.Garbage = raw(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02\r\n\r\n")
		c.Close()
	})
	s.EndlessHeaders = raw(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\n")
		line := []byte("X-Padding: " + strings.Repeat("a", 1000) + "\r\n")
		for {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	})
	return s
}

// Faults are the faults a fetch with a timeout of 2 s, a size limit of
// 10 MiB and at most 5 redirects meets on this site, each with the error
// it must give. Faults that need other settings to show (headers that
// never end, a long redirect chain) are left to the fetch tests.
func (s *Site) Faults() []Fault {
	return []Fault{
		{"server that never answers", s.Silent + "/plan.pdf", "timed out after 2s"},
		{"headers one byte a second", s.SlowHeaders + "/plan.pdf", "timed out after 2s"},
		{"body one byte a second", s.URL + "/drip.pdf", "timed out after 2s"},
		{"gzip bomb: 1 GiB of zeros in 1 MB", s.URL + "/bomb.txt", "exceeds the size limit of 10 MiB"},
		{"endless body", s.URL + "/endless", "exceeds the size limit of 10 MiB"},
		{"body that is not the gzip it claims", s.URL + "/bad-gzip", "reading the response failed: gzip: invalid header"},
		{"redirect loop", s.URL + "/loop/a", "stopped after 5 redirects"},
		{"connection reset mid-body", s.ResetMidBody + "/plan.pdf", "reading the response failed: "},
		{"connection reset before the answer", s.ResetBeforeAnswer + "/plan.pdf", "request failed: "},
		{"body shorter than its Content-Length", s.URL + "/short-body", "reading the response failed: unexpected EOF"},
		{"broken chunked encoding", s.BrokenChunks + "/plan.txt", "reading the response failed: "},
		{"not HTTP at all", s.Garbage + "/plan.pdf", "malformed HTTP response"},
		{"HTML sign-in page for a PDF link", s.URL + "/papers/board-pack.pdf", "it looks like an HTML page"},
		{"HTML page served as application/pdf", s.URL + "/download", "it looks like an HTML page"},
		{"missing document", s.URL + "/missing.pdf", "HTTP 404 Not Found"},
	}
}

// raw accepts TCP connections and hands each to serve, for faults below
// HTTP (silence, resets, broken framing) that net/http will not produce.
// It returns the base URL; the listener and every connection are closed
// when the test ends.
func raw(t testing.TB, serve func(c net.Conn)) string {
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

// bomb is built once per process: a gigabyte takes a second or two to
// compress.
var bomb = sync.OnceValue(func() []byte { return gzipBomb(1 << 30) })

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

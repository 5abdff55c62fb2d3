package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/testkit/hang"
)

var samplePDF = []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")

// checkErr asserts err contains want, is one line, and does not repeat
// the source (the caller prints it).
func checkErr(t *testing.T, err error, want, source string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	msg := err.Error()
	if !strings.Contains(msg, want) {
		t.Fatalf("error %q, want it to contain %q", msg, want)
	}
	lower := msg[0] >= 'a' && msg[0] <= 'z' || strings.HasPrefix(msg, "HTTP ")
	if strings.ContainsAny(msg, "\n\r") || strings.HasSuffix(msg, ".") || !lower {
		t.Errorf("error %q is not one lower-case line without a final period", msg)
	}
	if source != "" && strings.Contains(msg, source) {
		t.Errorf("error %q repeats the source %q", msg, source)
	}
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/doc.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("ETag", `"abc123"`)
		w.Header().Set("Last-Modified", "Wed, 21 Oct 2025 07:28:00 GMT")
		w.Header().Set("X-Got-UA", r.UserAgent())
		w.Header().Set("X-Got-Accept", r.Header.Get("Accept"))
		w.Write(samplePDF)
	})
	mux.HandleFunc("/echo-ua", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, r.UserAgent())
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("/odd-status", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(599)
	})
	// /hop/N redirects N times before answering.
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		if n > 0 {
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>arrived</body></html>")
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/file.pdf", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7\n"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/slow-headers", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	// /size/N answers N bytes with a Content-Length; /chunked/N without.
	mux.HandleFunc("/size/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(bytes.Repeat([]byte("a"), n))
	})
	mux.HandleFunc("/chunked/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		for i := 0; i < n; i += 100 {
			w.Write(bytes.Repeat([]byte("a"), min(100, n-i)))
			w.(http.Flusher).Flush()
		}
	})
	// /gzip/N sends N bytes of text gzip-encoded, if the client accepts it.
	mux.HandleFunc("/gzip/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "gzip expected", http.StatusBadRequest)
			return
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(bytes.Repeat([]byte("Board paper. "), n/13+1)[:n])
		zw.Close()
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		w.Write(buf.Bytes())
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestGetHTTP(t *testing.T) {
	ts := newServer(t)
	const ua = "nhsreview/test (+https://github.com/nhsreview/nhsreview)"

	t.Run("200 with metadata", func(t *testing.T) {
		client := ts.Client()
		res, err := Get(context.Background(), ts.URL+"/doc.pdf", Options{UserAgent: ua, Client: client})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(res.Data, samplePDF) {
			t.Errorf("Data = %q", res.Data)
		}
		checks := []struct{ name, got, want string }{
			{"Source", res.Source, ts.URL + "/doc.pdf"},
			{"URL", res.URL, ts.URL + "/doc.pdf"},
			{"ContentType", res.ContentType, "application/pdf"},
			{"ETag", res.ETag, `"abc123"`},
			{"LastModified", res.LastModified, "Wed, 21 Oct 2025 07:28:00 GMT"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
			}
		}
		if res.Status != http.StatusOK {
			t.Errorf("Status = %d", res.Status)
		}
		if time.Since(res.FetchedAt) > time.Minute {
			t.Errorf("FetchedAt = %v", res.FetchedAt)
		}
		if client.CheckRedirect != nil {
			t.Error("Get modified the caller's client")
		}
		if f, err := res.Sniff(); err != nil || f != "pdf" {
			t.Errorf("Result.Sniff = %q, %v", f, err)
		}
	})

	t.Run("user agent and accept sent", func(t *testing.T) {
		res, err := Get(context.Background(), ts.URL+"/echo-ua", Options{UserAgent: ua, Client: ts.Client()})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Data) != ua {
			t.Errorf("server saw User-Agent %q, want %q", res.Data, ua)
		}
		// The default client and default User-Agent still identify the tool.
		res, err = Get(context.Background(), ts.URL+"/echo-ua", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(res.Data), "nhsreview/") {
			t.Errorf("default User-Agent %q", res.Data)
		}
	})

	tests := []struct {
		name    string
		path    string
		opt     Options
		wantErr string
		status  int  // StatusError code expected, if any
		tooBig  bool // wraps ErrTooLarge
		wantLen int  // on success: body length
		wantURL string
	}{
		{name: "404", path: "/missing", wantErr: "HTTP 404 Not Found", status: 404},
		{name: "500", path: "/broken", wantErr: "HTTP 500 Internal Server Error", status: 500},
		{name: "429 retry after", path: "/busy", wantErr: "HTTP 429 Too Many Requests (retry after 120)", status: 429},
		{name: "unknown status", path: "/odd-status", wantErr: "HTTP 599", status: 599},
		{name: "redirects within the cap", path: "/hop/5", wantLen: len("<html><body>arrived</body></html>"), wantURL: "/hop/0"},
		{name: "redirects over the cap", path: "/hop/6", wantErr: "stopped after 5 redirects"},
		{name: "redirects over a custom cap", path: "/hop/3", opt: Options{MaxRedirects: 2}, wantErr: "stopped after 2 redirects"},
		{name: "redirects disabled", path: "/hop/1", opt: Options{MaxRedirects: -1}, wantErr: "HTTP 302 Found", status: 302},
		{name: "redirect to ftp", path: "/to-ftp", wantErr: `redirected to an unsupported URL scheme "ftp" (only http and https)`},
		{name: "redirect to file", path: "/to-file", wantErr: `redirected to an unsupported URL scheme "file"`},
		{name: "slow body", path: "/slow-body", opt: Options{Timeout: 150 * time.Millisecond}, wantErr: "timed out after 150ms"},
		{name: "slow headers", path: "/slow-headers", opt: Options{Timeout: time.Second}, wantErr: "timed out after 1s"},
		{name: "body at the limit", path: "/size/1024", opt: Options{MaxBytes: 1024}, wantLen: 1024},
		{name: "content-length over the limit", path: "/size/2048", opt: Options{MaxBytes: 1024}, wantErr: "exceeds the size limit of 1 KiB (Content-Length is 2 KiB)", tooBig: true},
		{name: "chunked body over the limit", path: "/chunked/1500", opt: Options{MaxBytes: 1024}, wantErr: "exceeds the size limit of 1 KiB", tooBig: true},
		{name: "chunked body at the limit", path: "/chunked/1024", opt: Options{MaxBytes: 1024}, wantLen: 1024},
		{name: "gzip body decoded", path: "/gzip/5000", wantLen: 5000},
		{name: "gzip body inflating past the limit", path: "/gzip/200000", opt: Options{MaxBytes: 64 << 10}, wantErr: "exceeds the size limit of 64 KiB", tooBig: true},
		{name: "empty body", path: "/empty", wantErr: "empty response body (HTTP 200)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.Client = ts.Client()
			source := ts.URL + tt.path
			start := time.Now()
			res, err := Get(context.Background(), source, opt)
			if tt.opt.Timeout > 0 && time.Since(start) > hang.Bound(tt.opt.Timeout) {
				t.Errorf("took %v with a %v timeout", time.Since(start), tt.opt.Timeout)
			}
			if tt.wantErr != "" {
				checkErr(t, err, tt.wantErr, ts.URL)
				var se *StatusError
				if got := errors.As(err, &se); got != (tt.status != 0) || (got && se.Code != tt.status) {
					t.Errorf("StatusError %v, want code %d", se, tt.status)
				}
				if tt.status != 0 && err.Error() != tt.wantErr {
					t.Errorf("error %q, want exactly %q", err, tt.wantErr)
				}
				if errors.Is(err, ErrTooLarge) != tt.tooBig {
					t.Errorf("errors.Is(ErrTooLarge) = %v, want %v", !tt.tooBig, tt.tooBig)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Data) != tt.wantLen {
				t.Errorf("got %d bytes, want %d", len(res.Data), tt.wantLen)
			}
			if tt.wantURL != "" && res.URL != ts.URL+tt.wantURL {
				t.Errorf("URL = %q, want %q", res.URL, ts.URL+tt.wantURL)
			}
		})
	}
}

func TestGetHTTPFailures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	deadURL := closed.URL + "/x.pdf"
	closed.Close()

	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name    string
		ctx     context.Context
		source  string
		wantErr string
	}{
		{"connection refused", context.Background(), deadURL, "request failed: "},
		{"caller canceled", canceled, "http://127.0.0.1:1/x", "canceled: context canceled"},
		{"no host", context.Background(), "http://", "invalid URL: no host"},
		{"bad URL", context.Background(), "http://exa mple.org/%zz", "invalid URL: "},
		{"unsupported scheme", context.Background(), "ftp://example.org/a.pdf", `unsupported URL scheme "ftp" (only http and https)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Get(tt.ctx, tt.source, Options{Timeout: 5 * time.Second})
			checkErr(t, err, tt.wantErr, strings.TrimSuffix(tt.source, "/x.pdf"))
			// What is wrong with the address itself is told apart by callers
			// (the web interface answers 400 rather than 502).
			bad := strings.Contains(tt.wantErr, "URL")
			if errors.Is(err, ErrBadURL) != bad {
				t.Errorf("errors.Is(%v, ErrBadURL) = %t, want %t", err, !bad, bad)
			}
		})
	}
}

func TestGetFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.pdf", samplePDF)
	empty := write("empty.txt", nil)
	big := write("big.txt", bytes.Repeat([]byte("a"), 11))
	exact := write("exact.txt", bytes.Repeat([]byte("a"), 10))
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		path    string
		opt     Options
		wantErr string
		is      error
		wantLen int
	}{
		{name: "ok", path: ok, wantLen: len(samplePDF)},
		{name: "missing", path: filepath.Join(dir, "nope.pdf"), wantErr: "no such file", is: fs.ErrNotExist},
		{name: "directory", path: sub, wantErr: "is a directory"},
		{name: "empty", path: empty, wantErr: "file is empty"},
		{name: "too big", path: big, opt: Options{MaxBytes: 10}, wantErr: "exceeds the size limit of 10 bytes (file is 11 bytes)", is: ErrTooLarge},
		{name: "at the limit", path: exact, opt: Options{MaxBytes: 10}, wantLen: 10},
	}
	if os.Geteuid() != 0 { // root reads anything
		locked := write("locked.pdf", samplePDF)
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name    string
			path    string
			opt     Options
			wantErr string
			is      error
			wantLen int
		}{name: "permission denied", path: locked, wantErr: "permission denied", is: fs.ErrPermission})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Get(context.Background(), tt.path, tt.opt)
			if tt.wantErr != "" {
				checkErr(t, err, tt.wantErr, tt.path)
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %q does not wrap %v", err, tt.is)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Data) != tt.wantLen || res.Source != tt.path || res.URL != "" || res.Status != 0 {
				t.Errorf("Result = %d bytes, Source %q, URL %q, Status %d", len(res.Data), res.Source, res.URL, res.Status)
			}
		})
	}
}

package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// site is a test server that records when each path was requested.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string][]time.Time
	// inFlight and overlap detect two requests at once.
	inFlight, overlap atomic.Int32
}

func newSite(t *testing.T, robots string, routes map[string]http.HandlerFunc) *site {
	t.Helper()
	s := &site{hits: map[string][]time.Time{}}
	mux := http.NewServeMux()
	if robots != "" {
		mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			if code, ok := strings.CutPrefix(robots, "status:"); ok {
				w.WriteHeader(map[string]int{"404": 404, "500": 500, "403": 403}[code])
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(robots))
		})
	}
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.inFlight.Add(1) > 1 {
			s.overlap.Add(1)
		}
		defer s.inFlight.Add(-1)
		s.mu.Lock()
		s.hits[r.URL.Path] = append(s.hits[r.URL.Path], time.Now())
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hits[path])
}

func (s *site) times(path string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.hits[path]...)
}

func pdfHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Write(samplePDF)
}

// quick is a Polite that does not wait between requests, so tests that
// are not about pacing run at once.
func quick() *Polite {
	p := NewPolite(Options{Timeout: 5 * time.Second})
	p.Delay = 0
	p.Backoff = time.Millisecond
	return p
}

func TestPoliteRobots(t *testing.T) {
	tests := []struct {
		name, robots, path string
		wantErr            error // nil: allowed
	}{
		{"allowed path", "User-agent: *\nDisallow: /private/\n", "/public/a.pdf", nil},
		{"disallowed path", "User-agent: *\nDisallow: /private/\n", "/private/a.pdf", ErrDisallowed},
		{"our group wins over *", "User-agent: *\nDisallow: /\n\nUser-agent: nhsreview\nAllow: /\n", "/private/a.pdf", nil},
		{"our group closes", "User-agent: *\nAllow: /\n\nUser-agent: nhsreview\nDisallow: /\n", "/public/a.pdf", ErrDisallowed},
		{"query string is part of the path", "User-agent: *\nDisallow: /*?download\n", "/public/a.pdf?download=1", ErrDisallowed},
		{"no robots.txt (404) allows all", "status:404", "/private/a.pdf", nil},
		{"403 allows all (RFC 9309)", "status:403", "/private/a.pdf", nil},
		{"empty robots.txt allows all", "\n", "/private/a.pdf", nil},
		{"server error closes the host", "status:500", "/public/a.pdf", ErrDisallowed},
		{"a bad Crawl-delay is ignored, the rest obeyed", "User-agent: *\nCrawl-delay: soon\nDisallow: /private/\n", "/private/a.pdf", ErrDisallowed},
		{"a Crawl-delay before User-agent is ignored", "Crawl-delay: 0\nUser-agent: *\nDisallow:\n", "/private/a.pdf", nil},
		{"a Disallow before User-agent is ignored", "Disallow: /\nUser-agent: *\nDisallow: /private/\n", "/public/a.pdf", nil},
		{"an HTML page for robots.txt allows all", "<html><body><p>Page not found</p></body></html>", "/private/a.pdf", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, tt.robots, map[string]http.HandlerFunc{"/": pdfHandler})
			p := quick()
			p.Retries = 1
			res, err := p.Get(context.Background(), s.URL+tt.path, fetched.Validators{})
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if string(res.Data) != string(samplePDF) {
					t.Fatalf("got %q", res.Data)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if n := s.count(strings.SplitN(tt.path, "?", 2)[0]); n != 0 {
				t.Errorf("the closed URL was requested %d times", n)
			}
		})
	}
}

func TestPoliteRobotsReadOnce(t *testing.T) {
	s := newSite(t, "User-agent: *\nAllow: /\n", map[string]http.HandlerFunc{"/": pdfHandler})
	p := quick()
	for _, path := range []string{"/a.pdf", "/b.pdf", "/c.pdf"} {
		if _, err := p.Get(context.Background(), s.URL+path, fetched.Validators{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1", n)
	}
}

// gaps returns the time between consecutive requests, all paths together.
func gaps(s *site) []time.Duration {
	s.mu.Lock()
	var all []time.Time
	for _, ts := range s.hits {
		all = append(all, ts...)
	}
	s.mu.Unlock()
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].Before(all[j-1]); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	var out []time.Duration
	for i := 1; i < len(all); i++ {
		out = append(out, all[i].Sub(all[i-1]))
	}
	return out
}

func TestPoliteCrawlDelayAndOneAtATime(t *testing.T) {
	// Crawl-delay is a lower bound on the gap between two requests as
	// sent; the server sees them later by each one's latency, so the check
	// leaves room for a slow first connection.
	s := newSite(t, "User-agent: *\nCrawl-delay: 0.3\n", map[string]http.HandlerFunc{"/": pdfHandler})
	p := quick()
	var wg sync.WaitGroup
	for _, path := range []string{"/a.pdf", "/b.pdf", "/c.pdf"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.Get(context.Background(), s.URL+path, fetched.Validators{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	g := gaps(s)
	if len(g) != 3 { // robots.txt and three documents
		t.Fatalf("%d gaps, want 3", len(g))
	}
	for _, d := range g {
		if d < 240*time.Millisecond {
			t.Errorf("requests %s apart, want at least the 300ms Crawl-delay (gaps %v)", d, g)
		}
	}
	if n := s.overlap.Load(); n != 0 {
		t.Errorf("%d requests overlapped another to the same host", n)
	}
}

func TestPoliteDelayPerHost(t *testing.T) {
	a := newSite(t, "status:404", map[string]http.HandlerFunc{"/": pdfHandler})
	b := newSite(t, "status:404", map[string]http.HandlerFunc{"/": pdfHandler})
	p := quick()
	p.Delay = 200 * time.Millisecond
	var wg sync.WaitGroup
	for _, s := range []*site{a, b} {
		for _, path := range []string{"/1.pdf", "/2.pdf"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := p.Get(context.Background(), s.URL+path, fetched.Validators{}); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	for _, s := range []*site{a, b} {
		for _, d := range gaps(s) {
			if d < 160*time.Millisecond {
				t.Errorf("two requests to one host %s apart, want at least 200ms", d)
			}
		}
	}
}

func TestPoliteRetries(t *testing.T) {
	tests := []struct {
		name string
		// answers are given in turn; the last repeats.
		answers    []int
		retryAfter string
		maxWait    time.Duration
		wantErr    string // "" for success
		wantHits   int
		minElapsed time.Duration
	}{
		{name: "500 then success", answers: []int{500, 200}, wantHits: 2},
		{name: "502, 503, 504 then success", answers: []int{502, 503, 504, 200}, wantHits: 4},
		{name: "503 for ever", answers: []int{503}, wantErr: "HTTP 503 Service Unavailable", wantHits: 4},
		{name: "429 with Retry-After", answers: []int{429, 200}, retryAfter: "1", wantHits: 2, minElapsed: time.Second},
		{name: "Retry-After beyond the cap fails at once", answers: []int{429}, retryAfter: "3600", maxWait: time.Second,
			wantErr: "HTTP 429 Too Many Requests (retry after 3600)", wantHits: 1},
		{name: "404 is not retried", answers: []int{404}, wantErr: "HTTP 404 Not Found", wantHits: 1},
		{name: "501 is not retried", answers: []int{501}, wantErr: "HTTP 501 Not Implemented", wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			s := newSite(t, "status:404", map[string]http.HandlerFunc{"/doc.pdf": func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				code := tt.answers[min(i, len(tt.answers)-1)]
				if code == 200 {
					pdfHandler(w, r)
					return
				}
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				http.Error(w, "no", code)
			}})
			p := quick()
			if tt.maxWait > 0 {
				p.MaxWait = tt.maxWait
			}
			var logged []string
			p.Logf = func(f string, a ...any) { logged = append(logged, f) }
			start := time.Now()
			res, err := p.Get(context.Background(), s.URL+"/doc.pdf", fetched.Validators{})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if string(res.Data) != string(samplePDF) {
					t.Fatalf("got %q", res.Data)
				}
			} else {
				checkErr(t, err, tt.wantErr, s.URL)
			}
			if got := s.count("/doc.pdf"); got != tt.wantHits {
				t.Errorf("%d requests, want %d", got, tt.wantHits)
			}
			if len(logged) != tt.wantHits-1 {
				t.Errorf("%d retries logged, want %d", len(logged), tt.wantHits-1)
			}
			if el := time.Since(start); el < tt.minElapsed {
				t.Errorf("took %s, want at least %s (Retry-After)", el, tt.minElapsed)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{"Sun, 22 Nov 2026 10:00:30 GMT", 30 * time.Second, true},
		{"Sun, 22 Nov 2026 09:00:00 GMT", 0, true}, // in the past: now
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"99999999999", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPoliteLimits(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	s := newSite(t, "status:404", map[string]http.HandlerFunc{
		"/slow.pdf": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
		"/big.pdf": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(samplePDF)
			w.Write(make([]byte, 4096))
		},
		"/old": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/new.pdf", http.StatusMovedPermanently)
		},
		"/new.pdf": pdfHandler,
	})
	p := quick()
	p.Options.Timeout = 200 * time.Millisecond
	p.Options.MaxBytes = 1024

	_, err := p.Get(context.Background(), s.URL+"/slow.pdf", fetched.Validators{})
	checkErr(t, err, "timed out after 200ms", s.URL)
	if n := s.count("/slow.pdf"); n != 1 {
		t.Errorf("a timeout was retried (%d requests)", n)
	}

	_, err = p.Get(context.Background(), s.URL+"/big.pdf", fetched.Validators{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized body: err = %v, want ErrTooLarge", err)
	}
	checkErr(t, err, "exceeds the size limit of 1 KiB", s.URL)

	res, err := p.Get(context.Background(), s.URL+"/old", fetched.Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != s.URL+"/new.pdf" || res.Source != s.URL+"/old" {
		t.Errorf("redirect: URL %q, Source %q", res.URL, res.Source)
	}
}

func TestPoliteConditional(t *testing.T) {
	const etag = `"v1"`
	const lastMod = "Wed, 21 Oct 2026 07:28:00 GMT"
	var gotINM, gotIMS atomic.Value
	s := newSite(t, "status:404", map[string]http.HandlerFunc{
		"/etag.pdf": func(w http.ResponseWriter, r *http.Request) {
			gotINM.Store(r.Header.Get("If-None-Match"))
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			pdfHandler(w, r)
		},
		"/lastmod.pdf": func(w http.ResponseWriter, r *http.Request) {
			gotIMS.Store(r.Header.Get("If-Modified-Since"))
			if t, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !t.Before(time.Date(2026, 10, 21, 7, 28, 0, 0, time.UTC)) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Last-Modified", lastMod)
			pdfHandler(w, r)
		},
	})
	p := quick()
	ctx := context.Background()

	res, err := p.Get(ctx, s.URL+"/etag.pdf", fetched.Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ETag != etag || gotINM.Load() != "" {
		t.Fatalf("first fetch: ETag %q, If-None-Match sent %q", res.ETag, gotINM.Load())
	}
	if _, err := p.Get(ctx, s.URL+"/etag.pdf", fetched.Validators{ETag: res.ETag}); !errors.Is(err, ErrNotModified) {
		t.Fatalf("second fetch: err = %v, want ErrNotModified", err)
	}
	if gotINM.Load() != etag {
		t.Errorf("If-None-Match sent %q, want %q", gotINM.Load(), etag)
	}
	if _, err := p.Get(ctx, s.URL+"/etag.pdf", fetched.Validators{ETag: `"v0"`}); err != nil {
		t.Fatalf("stale ETag: %v", err)
	}

	res, err = p.Get(ctx, s.URL+"/lastmod.pdf", fetched.Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if res.LastModified != lastMod {
		t.Fatalf("Last-Modified %q", res.LastModified)
	}
	if _, err := p.Get(ctx, s.URL+"/lastmod.pdf", fetched.Validators{LastModified: res.LastModified}); !errors.Is(err, ErrNotModified) {
		t.Fatalf("second fetch: err = %v, want ErrNotModified", err)
	}
	if gotIMS.Load() != lastMod {
		t.Errorf("If-Modified-Since sent %q", gotIMS.Load())
	}
	// The caller's options are never changed by a conditional request.
	if p.Options.Header != nil {
		t.Errorf("Options.Header was set: %v", p.Options.Header)
	}
}

func TestPoliteCancel(t *testing.T) {
	s := newSite(t, "User-agent: *\nCrawl-delay: 30\n", map[string]http.HandlerFunc{"/": pdfHandler})
	p := quick()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		// robots.txt was the first request: this one waits 30s.
		_, err := p.Get(ctx, s.URL+"/a.pdf", fetched.Validators{})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "canceled") {
			t.Fatalf("err = %v, want canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled Get kept waiting for the crawl delay")
	}
}

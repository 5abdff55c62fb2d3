package fetch

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/internal/testkit/faultweb"
	"github.com/nhsreview/nhsreview/internal/testkit/hang"
)

// Network faults against local servers: each must end in one clear line
// within the timeout, with no partial result and with memory bounded by
// MaxBytes, whatever the server does.

func TestNetworkFaults(t *testing.T) {
	site := faultweb.New(t, samplePDF)
	ts := site.URL
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
		{name: "server that never answers", url: site.Silent + "/plan.pdf", opt: Options{Timeout: time.Second}, wantErr: "timed out after 1s"},
		{name: "headers one byte a second", url: site.SlowHeaders + "/plan.pdf", opt: Options{Timeout: 2 * time.Second}, wantErr: "timed out after 2s"},
		{name: "body one byte a second", url: ts + "/drip.pdf", opt: Options{Timeout: 2 * time.Second}, wantErr: "timed out after 2s"},
		{name: "endless body, size limit first", url: ts + "/endless", opt: Options{MaxBytes: 4 << 20}, wantErr: "exceeds the size limit of 4 MiB", maxAlloc: 64 << 20},
		{name: "endless body, timeout first", url: ts + "/endless", opt: Options{Timeout: time.Second, MaxBytes: 1 << 40}, wantErr: "timed out after 1s"},
		{name: "gzip bomb: 1 GiB of zeros in 1 MB", url: ts + "/bomb.txt", opt: Options{MaxBytes: 10 << 20}, wantErr: "exceeds the size limit of 10 MiB", maxAlloc: 128 << 20},
		{name: "body that is not the gzip it claims", url: ts + "/bad-gzip", wantErr: "reading the response failed: gzip: invalid header"},
		{name: "redirect loop between two pages", url: ts + "/loop/a", wantErr: "stopped after 5 redirects"},
		{name: "page redirecting to itself", url: ts + "/self", opt: Options{MaxRedirects: 20}, wantErr: "stopped after 20 redirects"},
		{name: "connection reset mid-body", url: site.ResetMidBody + "/plan.pdf", wantErr: "reading the response failed: "},
		{name: "connection reset before the answer", url: site.ResetBeforeAnswer + "/plan.pdf", wantErr: "request failed: "},
		{name: "body shorter than its Content-Length", url: ts + "/short-body", wantErr: "reading the response failed: unexpected EOF"},
		{name: "broken chunked encoding", url: site.BrokenChunks + "/plan.txt", wantErr: "reading the response failed: "},
		{name: "not HTTP at all", url: site.Garbage + "/plan.pdf", wantErr: "malformed HTTP response"},
		{name: "headers that never end", url: site.EndlessHeaders + "/plan.pdf", opt: Options{Timeout: 20 * time.Second}, wantErr: "request failed: "},
		{name: "plain HTTP server on an https URL", url: strings.Replace(ts, "http://", "https://", 1) + "/page", wantErr: "request failed: "},
		{name: "HTML sign-in page for a PDF link", url: ts + "/papers/board-pack.pdf", sniffErr: "not a PDF file (it may be mislabelled: it looks like an HTML page, such as an error or login page)"},
		{name: "HTML page served as application/pdf", url: ts + "/download", sniffErr: "it looks like an HTML page"},
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
			// The error says the timeout fired; this only catches a
			// fetch that ignored it and ended some other way.
			if took > hang.Bound(opt.Timeout) {
				t.Errorf("took %s with a %s timeout", took.Round(time.Millisecond), opt.Timeout)
			}
			// Allocation is counted process-wide and the cases run in
			// parallel: a bound of tens of MB still tells 10 MiB read
			// from 1 GiB inflated.
			if tt.maxAlloc > 0 && after.TotalAlloc-before.TotalAlloc > tt.maxAlloc {
				t.Errorf("allocated %s, want under %s", bytesize.Human(int64(after.TotalAlloc-before.TotalAlloc)), bytesize.Human(int64(tt.maxAlloc)))
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

// TestFaultTable holds the table the command and corpus tests run over
// (faultweb.Site.Faults) to the errors it promises, bytes looked at
// included: each fault fails, in one line, within the timeout.
func TestFaultTable(t *testing.T) {
	site := faultweb.New(t, samplePDF)
	opt := Options{Timeout: 2 * time.Second, MaxBytes: 10 << 20, MaxRedirects: 5}
	for _, f := range site.Faults() {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			res, err := Get(context.Background(), f.URL, opt)
			if err == nil {
				_, err = res.Sniff()
			}
			if err == nil {
				t.Fatalf("%s: no error", f.URL)
			}
			if !strings.Contains(err.Error(), f.Err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: %q, want one line with %q", f.URL, err, f.Err)
			}
			if took := time.Since(start); took > hang.Bound(opt.Timeout) {
				t.Errorf("took %s with a %s timeout", took.Round(time.Millisecond), opt.Timeout)
			}
		})
	}
}

// A PDF served as text/html is still a PDF: the bytes decide.
func TestPDFServedAsHTML(t *testing.T) {
	site := faultweb.New(t, samplePDF)
	res, err := Get(context.Background(), site.URL+"/page", Options{Timeout: 10 * time.Second})
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
	silent := faultweb.New(t, samplePDF).Silent
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := Get(ctx, silent+"/x.pdf", Options{Timeout: time.Hour})
	checkErr(t, err, "canceled: context canceled", silent)
	if took := time.Since(start); took > hang.Bound(200*time.Millisecond) {
		t.Errorf("took %s after cancelling", took)
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/extract/pdfdoc/pdfgen"
	"github.com/nhsreview/nhsreview/rules"
)

// stderrLine is the one shape of every failure on stderr.
var stderrLine = regexp.MustCompile(`^nhsreview: (\S+): (.+)$`)

// failures splits stderr into the failed sources and their messages,
// leaving warnings aside; any other line (a trace, a blank line) fails
// the test.
func failures(t *testing.T, stderr string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if l == "" {
			continue
		}
		m := stderrLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("stderr line not in the 'nhsreview: SOURCE: message' form: %q", l)
			continue
		}
		if strings.HasPrefix(m[2], "warning: ") {
			continue
		}
		if _, dup := out[m[1]]; dup {
			t.Errorf("%s reported twice", m[1])
		}
		out[m[1]] = m[2]
	}
	return out
}

// batch writes 90 readable documents (PDF, Markdown, HTML, text) and 10
// broken ones into dir, and returns them in a shuffled but fixed order
// with the broken ones' names.
func batch(t *testing.T, dir string) (sources []string, broken []string) {
	t.Helper()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var good []string
	pdfs := []pdfgen.Fixture{pdfgen.Widths(), pdfgen.TwoColumns(), pdfgen.NumberedHeadings(), pdfgen.ListsTables(), pdfgen.TJSpacing(), pdfgen.XRefStream()}
	for i := range 30 {
		fx := pdfs[i%len(pdfs)]
		good = append(good, write(fmt.Sprintf("plan-%02d.pdf", i), fx.PDF))
	}
	for i := range 30 {
		md := fmt.Sprintf("# Joint forward plan %d\n\n## Our population\n\nLife expectancy is %d years lower in the most deprived areas.\n\n"+
			"## Money\n\nWe will invest £%d.5m a year from 2025/26 in community nursing, funded from the ICB allocation.\n", i, 5+i%7, 1+i%9)
		good = append(good, write(fmt.Sprintf("plan-%02d.md", i), []byte(md)))
	}
	for i := range 20 {
		html := fmt.Sprintf("<!doctype html><html><head><title>Board paper %d</title></head><body><main><h1>Board paper %d</h1>"+
			"<p>The board is asked to note the winter plan. We co-produced it with the patient panel.</p>"+
			"<table><tr><th>Area</th><th>2025/26</th></tr><tr><td>Nursing</td><td>£%dm</td></tr></table></main></body></html>", i, i, 2+i)
		good = append(good, write(fmt.Sprintf("paper-%02d.html", i), []byte(html)))
	}
	for i := range 10 {
		txt := fmt.Sprintf("Minutes of meeting %d\n\nThe committee agreed the report. Voluntary sector partners will run the hub.\n", i)
		good = append(good, write(fmt.Sprintf("minutes-%02d.txt", i), []byte(txt)))
	}
	numbered := pdfgen.NumberedHeadings().PDF
	broken = []string{
		write("cut-short.pdf", pdfgen.Truncate(numbered, len(numbered)/50)),
		write("not-a-pdf.pdf", pdfgen.NotAPDF().PDF),
		write("empty.pdf", nil),
		write("noise.pdf", pdfgen.RandomBytes(5000, 3)),
		write("sign-in-page.pdf", []byte("<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Password</form></body></html>")),
		write("spreadsheet.docx", zipWith(t, "xl/workbook.xml")),
		write("header-only.pdf", []byte("%PDF-1.7\n"+strings.Repeat("garbage ", 100))),
		write("scan.pdf", append([]byte("\x89PNG\r\n\x1a\n"), pdfgen.RandomBytes(500, 4)...)),
		write("broken.docx", []byte("PK\x03\x04"+strings.Repeat("\x00", 200))),
		filepath.Join(dir, "missing.pdf"),
	}
	sources = append(good, broken...)
	// Interleave, deterministically: failures arrive among successes.
	order := make([]string, 0, len(sources))
	for i := range 10 {
		order = append(order, good[i*9:i*9+9]...)
		order = append(order, broken[i])
	}
	return order, broken
}

func zipWith(t *testing.T, name string) []byte {
	t.Helper()
	// A stored ZIP with one empty member: the local header, central
	// directory and end record by hand, since only the names matter.
	var b []byte
	n := len(name)
	b = append(b, "PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)
	b = append(b, byte(n), byte(n>>8), 0, 0)
	b = append(b, name...)
	cd := len(b)
	b = append(b, "PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)
	b = append(b, byte(n), byte(n>>8), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	b = append(b, name...)
	size := len(b) - cd
	b = append(b, "PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00"...)
	b = append(b, byte(size), byte(size>>8), 0, 0, byte(cd), byte(cd>>8), 0, 0, 0, 0)
	return b
}

// TestBatchWithBrokenDocuments scores 100 documents of which 10 are
// broken: the 90 are scored and printed in the order given, the 10 are
// listed on stderr with one line each, and the exit code is 2.
func TestBatchWithBrokenDocuments(t *testing.T) {
	dir := t.TempDir()
	sources, broken := batch(t, dir)
	out := filepath.Join(dir, "scores.json")
	start := time.Now()
	stdout, stderr, code := runCLI(t, append([]string{"score", "--format", "json", "-j", "2", "-o", out}, sources...)...)
	t.Logf("100 documents scored in %s", time.Since(start).Round(time.Millisecond))
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if stdout != "" {
		t.Errorf("stdout not empty with -o: %.200q", stdout)
	}
	failed := failures(t, stderr)
	var got []string
	for src, msg := range failed {
		got = append(got, src)
		t.Logf("%s: %s", filepath.Base(src), msg)
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(broken))
	if !slices.Equal(got, want) {
		t.Errorf("failed sources:\n%q\nwant:\n%q", got, want)
	}
	for src, msg := range failed {
		if strings.Contains(msg, "internal error") || strings.Contains(msg, "crashed") {
			t.Errorf("%s: %s", src, msg)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the scores of the 90 were not written: %v", err)
	}
	var cards []rules.Scorecard
	if err := json.Unmarshal(data, &cards); err != nil {
		t.Fatalf("output is not a JSON array of scorecards: %v", err)
	}
	var scored []string
	for _, c := range cards {
		scored = append(scored, c.Document.Source)
		if len(c.Criteria) != 5 {
			t.Errorf("%s: %d criteria", c.Document.Source, len(c.Criteria))
		}
	}
	var wantScored []string
	for _, s := range sources {
		if !slices.Contains(broken, s) {
			wantScored = append(wantScored, s)
		}
	}
	if !slices.Equal(scored, wantScored) {
		t.Errorf("scored %d documents, want the %d readable ones in the order given", len(scored), len(wantScored))
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".scores.json.*")); len(left) > 0 {
		t.Errorf("temporary output left behind: %q", left)
	}
}

// TestNetworkFaultsFromTheCommandLine: URLs whose servers misbehave fail
// with one line each, within the timeout; the good URL among them is
// still read; and a run with -o where every source fails leaves no file.
func TestNetworkFaultsFromTheCommandLine(t *testing.T) {
	pdf := pdfgen.Widths().PDF
	mux := http.NewServeMux()
	mux.HandleFunc("/good.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(pdf)
	})
	mux.HandleFunc("/login.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!DOCTYPE html><html><body><form>Sign in</form></body></html>")
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/slow.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		for _, c := range pdf {
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
	mux.HandleFunc("/cut.pdf", func(w http.ResponseWriter, r *http.Request) {
		// Half the file, then the connection is reset.
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "no hijack", 500)
			return
		}
		c, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: %d\r\n\r\n", len(pdf))
		buf.Write(pdf[:len(pdf)/2])
		buf.Flush()
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		c.Close()
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()

	bad := []string{ts.URL + "/login.pdf", ts.URL + "/loop", ts.URL + "/slow.pdf", ts.URL + "/cut.pdf", ts.URL + "/missing.pdf"}
	start := time.Now()
	stdout, stderr, code := runCLI(t, append([]string{"extract", "--timeout", "2s", "-j", "6", ts.URL + "/good.pdf"}, bad...)...)
	took := time.Since(start)
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if took > 10*time.Second {
		t.Errorf("took %s with a 2s timeout", took)
	}
	if !strings.Contains(stdout, "Our ambition") {
		t.Errorf("the good URL was not printed:\n%.300s", stdout)
	}
	failed := failures(t, stderr)
	wantMsg := map[string]string{
		"/login.pdf":   "it looks like an HTML page",
		"/loop":        "stopped after 5 redirects",
		"/slow.pdf":    "timed out after 2s",
		"/cut.pdf":     "reading the response failed",
		"/missing.pdf": "HTTP 404 Not Found",
	}
	for _, u := range bad {
		msg, ok := failed[u]
		if !ok {
			t.Errorf("%s: not reported on stderr:\n%s", u, stderr)
			continue
		}
		if want := wantMsg[strings.TrimPrefix(u, ts.URL)]; !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want it to say %q", u, msg, want)
		}
	}
	if len(failed) != len(bad) {
		t.Errorf("%d failures reported, want %d:\n%s", len(failed), len(bad), stderr)
	}

	// Every source failing: -o must not leave a file, whole or partial.
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	_, _, code = runCLI(t, "extract", "--format", "json", "--timeout", "2s", "-o", out, ts.URL+"/cut.pdf", ts.URL+"/login.pdf")
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left after a failed run: %v", entries)
	}
}

// TestSizeFlag: sizes are taken as people write them, and a bad one is a
// usage error naming the flag.
func TestSizeFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"1048576", 1 << 20, false},
		{"512KiB", 512 << 10, false},
		{"200MiB", 200 << 20, false},
		{"4GiB", 4 << 30, false},
		{"4G", 4 << 30, false},
		{"10MB", 10_000_000, false},
		{"10 mib", 10 << 20, false},
		{"100B", 100, false},
		{"-1", 0, true},
		{"12XB", 0, true},
		{"", 0, true},
		{"9999999999GiB", 0, true},
	}
	for _, tt := range tests {
		var v sizeValue
		err := v.Set(tt.in)
		if (err != nil) != tt.err || (!tt.err && int64(v) != tt.want) {
			t.Errorf("Set(%q) = %d, %v; want %d, error %v", tt.in, v, err, tt.want, tt.err)
		}
	}
	for _, n := range []int64{100, 1 << 20, 256 << 20, 4 << 30, 1500} {
		v := sizeValue(n)
		var back sizeValue
		if err := back.Set(v.String()); err != nil || back != v {
			t.Errorf("%d prints as %q, which reads back as %d (%v)", n, v.String(), back, err)
		}
	}
}

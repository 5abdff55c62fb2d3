//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
)

// TestSeveralWebServers: 'serve' in two processes on one corpus, one
// scoring uploads itself, one with --queue, on a file and on a
// PostgreSQL database. An upload scored by one is listed, found and
// shown by the other. An upload to the --queue server is kept in the
// database with its job: the other server shows it queued; a 'worker'
// process runs it; the other server's page then leads to its scorecard;
// and an API request to the --queue server waits for the worker and
// gets the score. Every wait is a poll with a 2-minute deadline.
func TestSeveralWebServers(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			db := "sqlite:" + filepath.Join(t.TempDir(), "corpus.db")
			if backend == "postgres" {
				db = pgtest.URL(t)
			}
			plain := startServe(t, db)
			queued := startServe(t, db, "--queue")

			// Scored by the plain server, in its own process.
			sample, err := os.ReadFile(filepath.Join("sample", "sample-strategy.md"))
			if err != nil {
				t.Fatal(err)
			}
			job := plain.upload(t, "sample-strategy.md", sample)
			if !regexp.MustCompile(`^/jobs/[0-9a-f]{32}$`).MatchString(job) {
				t.Fatalf("the plain server's upload went to %q", job)
			}
			first := plain.follow(t, job)
			for _, page := range []string{"/documents", "/search?q=%22Northvale+and+Eastmoor%22"} {
				if code, body := queued.get(t, page); code != 200 || !strings.Contains(body, `href="`+first) {
					t.Errorf("the other server's %s: %d, no link to %s:\n%.800s", page, code, first, body)
				}
			}
			id := strings.TrimSuffix(strings.TrimPrefix(first, "/documents/"), "/")
			if code, body := queued.get(t, "/api/documents"); code != 200 || !strings.Contains(body, `"id": `+id+`,`) {
				t.Errorf("the other server's /api/documents: %d, no document %s:\n%.800s", code, id, body)
			}
			if code, body := queued.get(t, first); code != 200 || !strings.Contains(body, "Northvale and Eastmoor Joint Forward Plan") {
				t.Errorf("the other server's scorecard %s: %d %.300s", first, code, body)
			}
			if code, body := queued.get(t, first+"text"); code != 200 || !strings.Contains(body, `<mark class="ev"`) {
				t.Errorf("the other server's document view: %d %.300s", code, body)
			}

			// Queued by the --queue server, shown by the plain one.
			later, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "sample-strategy-2026.md"))
			if err != nil {
				t.Fatal(err)
			}
			job = queued.upload(t, "plan-2026.md", later)
			if !regexp.MustCompile(`^/queue/\d+$`).MatchString(job) {
				t.Fatalf("the --queue server's upload went to %q", job)
			}
			if code, body := plain.get(t, job); code != 200 || !strings.Contains(body, "Your document is queued") || !strings.Contains(body, "plan-2026.md") {
				t.Errorf("the other server's page of the queued job, before any worker: %d %.600s", code, body)
			}
			worker := startWorker(t, db)
			second := plain.follow(t, job)
			if second == first {
				t.Errorf("the queued upload is shown as the first document, %s", first)
			}
			if code, body := plain.get(t, second); code != 200 || !strings.Contains(body, "plan-2026.md") {
				t.Errorf("the other server's scorecard of the queued upload %s: %d %.300s", second, code, body)
			}
			if code, body := plain.get(t, "/documents"); code != 200 || !strings.Contains(body, "2 documents") {
				t.Errorf("the other server's list after the worker: %d %.600s", code, body)
			}

			// The API of the --queue server waits for the worker.
			third := append(bytes.Clone(sample), "\n\nWe will publish the costed plan of each locality by March 2026.\n"...)
			code, body, header := queued.post(t, "/api/score", "third.md", third, http.Header{"X-Requested-With": {"test"}})
			if code != 200 || !strings.HasPrefix(header.Get("Content-Location"), "/api/documents/") || !strings.Contains(body, `"criteria"`) {
				t.Errorf("the --queue server's API: %d %s %.300s", code, header.Get("Content-Location"), body)
			}
			if code, out := plain.get(t, header.Get("Content-Location")); code != 200 || !strings.Contains(out, "third.md") {
				t.Errorf("the other server's %s: %d %.300s", header.Get("Content-Location"), code, out)
			}
			if errs := worker.stop(t); worker.code != exitTerminate || !strings.Contains(errs, "worker stopped") {
				t.Errorf("the worker stopped by SIGTERM: exit %d, stderr: %s", worker.code, errs)
			}
		})
	}
}

// process is a command of the test binary run as nhsreview
// (NHSREVIEW_TEST_MAIN), stopped when the test ends.
type process struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	once   sync.Once
	code   int
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startProcess(t *testing.T, args ...string) (*process, io.Reader) {
	t.Helper()
	p := &process{cmd: exec.Command(os.Args[0], args...), stderr: &lockedBuffer{}}
	p.cmd.Env = append(os.Environ(), "NHSREVIEW_TEST_MAIN=1")
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("nhsreview %s: exit %d, stderr:\n%s", strings.Join(args, " "), p.code, p.stderr)
		}
	})
	return p, stdout
}

// stop sends SIGTERM and waits for the process (killing it if it has
// not ended a minute later), and returns its stderr.
func (p *process) stop(t *testing.T) string {
	p.once.Do(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() {
			defer close(done)
			err := p.cmd.Wait()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				p.code = ee.ExitCode()
			}
		}()
		select {
		case <-done:
		case <-time.After(time.Minute):
			p.cmd.Process.Kill()
			<-done
			t.Errorf("nhsreview %s did not stop on SIGTERM", strings.Join(p.cmd.Args[1:], " "))
		}
	})
	return p.stderr.String()
}

// startWorker runs 'nhsreview worker' on db.
func startWorker(t *testing.T, db string) *process {
	t.Helper()
	p, stdout := startProcess(t, "worker", "--db", db, "--jobs", "1")
	go io.Copy(io.Discard, stdout)
	return p
}

// server is a 'serve' process and a browser of it (keeping its session
// cookie, not following redirects).
type server struct {
	*process
	base   string
	client *http.Client
}

var servingRE = regexp.MustCompile(`^nhsreview: serving (http://127\.0\.0\.1:\d+)/ `)

// startServe runs 'nhsreview serve' on db, on a free port, and waits
// for the line that says where it serves.
func startServe(t *testing.T, db string, flags ...string) *server {
	t.Helper()
	p, stdout := startProcess(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--jobs", "1"}, flags...)...)
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		first := ""
		if sc.Scan() {
			first = sc.Text()
		}
		line <- first
		io.Copy(io.Discard, stdout)
	}()
	var first string
	select {
	case first = <-line:
	case <-time.After(2 * time.Minute):
		t.Fatalf("nhsreview serve %s: no address after 2 minutes: %s", strings.Join(flags, " "), p.stderr)
	}
	m := servingRE.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("nhsreview serve %s: %q, stderr: %s", strings.Join(flags, " "), first, p.stderr)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &server{process: p, base: m[1], client: &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (s *server) do(t *testing.T, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func (s *server) get(t *testing.T, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ := s.do(t, req)
	return code, body
}

var formTokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// post sends a file (and fields) as a multipart form.
func (s *server) post(t *testing.T, path, name string, data []byte, header http.Header, fields ...string) (int, string, http.Header) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	w, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.base+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range header {
		req.Header[k] = v
	}
	return s.do(t, req)
}

// upload sends a file through the home page's form, filed as a
// strategy, and returns where the server sends the browser.
func (s *server) upload(t *testing.T, name string, data []byte) string {
	t.Helper()
	_, home := s.get(t, "/")
	m := formTokenRE.FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("%s: no form token on the home page", s.base)
	}
	code, body, header := s.post(t, "/score", name, data, nil, "csrf_token", m[1], "kind", "strategy")
	if code != http.StatusSeeOther {
		t.Fatalf("%s: the form: %d %.500s", s.base, code, body)
	}
	return header.Get("Location")
}

// follow loads a job's page, which refreshes itself, until it sends the
// browser to the document, and returns the document's address.
func (s *server) follow(t *testing.T, page string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		req, err := http.NewRequest(http.MethodGet, s.base+page, nil)
		if err != nil {
			t.Fatal(err)
		}
		code, body, header := s.do(t, req)
		if code == http.StatusSeeOther {
			doc := header.Get("Location")
			if !regexp.MustCompile(`^/documents/\d+/$`).MatchString(doc) {
				t.Fatalf("%s%s went to %q", s.base, page, doc)
			}
			return doc
		}
		if code != 200 || !strings.Contains(body, `http-equiv="refresh"`) {
			t.Fatalf("%s%s: %d %.600s", s.base, page, code, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%s: not done after 2 minutes: %.600s", s.base, page, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

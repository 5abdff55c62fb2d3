package web

import (
	"bytes"
	"context"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

// TestMain lets this test binary read PDFs: extract re-executes it as
// the PDF child process.
func TestMain(m *testing.M) {
	extract.Worker()
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// onBackends runs a test of the server on a SQLite corpus and on a
// PostgreSQL one (skipped with a message when there is none: see package
// pgtest); backend is the change to newTestServer's configuration.
func onBackends(t *testing.T, test func(t *testing.T, backend func(*Config))) {
	t.Run("sqlite", func(t *testing.T) { test(t, nil) })
	t.Run("postgres", func(t *testing.T) {
		st, err := corpus.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		test(t, func(c *Config) { c.Store = st })
	})
}

var sampleDoc = mustRead("../../sample/sample-strategy.md")

func mustRead(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return b
}

// reviewerOf is the command's reviewer (cmd/nhsreview/corpus.go).
func reviewerOf(rs *rules.Set) *pipeline.Reviewer {
	return pipeline.NewReviewer(extract.Options{}, rs, rules.Tool{Name: "nhsreview", Version: "test"})
}

// stageFuncs is a reviewer whose Read or Score a test replaces; the
// others are its corpus.Reviewer's.
type stageFuncs struct {
	corpus.Reviewer
	read  func(ctx context.Context, res *fetched.Doc) (*document.Document, error)
	score func(ctx context.Context, d *document.Document) (*rules.Scorecard, error)
}

func (f stageFuncs) Read(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
	if f.read != nil {
		return f.read(ctx, res)
	}
	return f.Reviewer.Read(ctx, res)
}

func (f stageFuncs) Score(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
	if f.score != nil {
		return f.score(ctx, d)
	}
	return f.Reviewer.Score(ctx, d)
}

// newTestServer is a server over a fresh corpus in a temporary
// directory; change adjusts the configuration first.
func newTestServer(t testing.TB, change func(*Config)) (*Server, *httptest.Server) {
	t.Helper()
	rs, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := corpus.Open(context.Background(), filepath.Join(t.TempDir(), "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := Config{Store: st, Reviewer: reviewerOf(rs), Rules: rs, Jobs: 2, Fetch: fetch.Options{Timeout: 10 * time.Second},
		Log: log.New(io.Discard, "", 0)}
	if testing.Verbose() {
		cfg.Log = log.New(os.Stderr, "serve: ", 0)
	}
	if change != nil {
		change(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	loopbackOnly(t, s.guard)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

// browser is an HTTP client that keeps cookies and does not follow
// redirects, so tests see each answer.
func browser(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 2 * time.Minute}
}

func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// formToken loads the home page and returns its form token (the client
// keeps the session cookie).
func formToken(t testing.TB, c *http.Client, base string) string {
	t.Helper()
	_, body := get(t, c, base+"/")
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no form token on the home page")
	}
	return m[1]
}

// multipartBody builds a form: fields in order, then the file (if name
// is not empty).
func multipartBody(t testing.TB, fields [][2]string, fileName string, file []byte) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" {
		w, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(file)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func post(t testing.TB, c *http.Client, u string, body io.Reader, contentType string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// waitJob follows a job page until it redirects to the scorecard (or
// fails), returning the last answer.
func waitJob(t testing.TB, c *http.Client, base, jobURL string) (*http.Response, string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, body := get(t, c, base+jobURL)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `http-equiv="refresh"`) {
			return resp, body
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still running after 2 minutes: %s", jobURL, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func formValues(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/net/html"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

var criterionNames = []string{"Problem analysis", "Inequality actions", "Costed plans", "VCS involvement", "Public involvement"}

// Every route answers with the right status, and every answer carries
// the security headers.
func TestRoutes(t *testing.T) {
	_, ts := newTestServer(t, nil)
	c := browser(t)
	cases := []struct {
		method, path string
		status       int
		contains     string
	}{
		{"GET", "/", 200, "Score a board paper or strategy"},
		{"GET", "/about", 200, "Public involvement"},
		{"GET", "/documents", 200, "No documents yet"},
		{"GET", "/documents?kind=novel", 400, "unknown kind"},
		{"GET", "/documents?since=yesterday", 400, "year-month-day"},
		{"GET", "/documents?org=ZZZ9", 400, "unknown organisation"},
		{"GET", "/documents/1/", 404, "no document with this number"},
		{"GET", "/documents/abc/", 404, "no document with this number"},
		{"GET", "/documents/-1/text", 404, "no document"},
		{"GET", "/documents/99999999999999999999/", 404, "no document"},
		{"GET", "/documents/7", 301, ""},
		{"GET", "/compare", 200, "No scored documents were chosen"},
		{"GET", "/compare?id=x", 400, "not a document number"},
		{"GET", "/compare?id=42", 404, "no document 42"},
		{"GET", "/jobs/0123456789abcdef0123456789abcdef", 404, "not known"},
		{"GET", "/jobs/..%2f..%2fetc%2fpasswd", 404, "not known"},
		{"GET", "/static/report.css", 200, ".score"},
		{"GET", "/static/web.css", 200, "mark.ev"},
		{"GET", "/static/sort.js", 200, "sortable"},
		{"GET", "/static/templates%2fhome.html.tmpl", 404, ""},
		{"GET", "/static/..%2fweb.go", 404, ""},
		{"GET", "/static/%2e%2e%2f%2e%2e%2fgo.mod", 404, ""},
		{"GET", "/static/", 404, ""},
		{"GET", "/nowhere", 404, "no page at this address"},
		{"POST", "/", 405, ""},
		{"DELETE", "/documents/1/", 405, ""},
		{"GET", "/api/documents", 200, "[]"},
		{"GET", "/api/documents/1", 404, `"error"`},
		{"GET", "/api/documents/1/extraction", 404, `"error"`},
		{"GET", "/api/documents?kind=novel", 400, `"error"`},
		{"GET", "/api/nothing", 404, `"error"`},
		{"GET", "/api/score", 405, ""},
		{"POST", "/api/score", 403, "X-Requested-With"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: status %d, want %d (%.200s)", tc.method, tc.path, resp.StatusCode, tc.status, b)
		}
		if tc.contains != "" && !strings.Contains(strings.ToLower(string(b)), strings.ToLower(tc.contains)) {
			t.Errorf("%s %s: body lacks %q: %.300s", tc.method, tc.path, tc.contains, b)
		}
		h := resp.Header
		for k, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "no-referrer",
		} {
			if h.Get(k) != want {
				t.Errorf("%s %s: %s = %q, want %q", tc.method, tc.path, k, h.Get(k), want)
			}
		}
		csp := h.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s %s: CSP %q lacks %q", tc.method, tc.path, csp, d)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "http") {
			t.Errorf("%s %s: CSP allows inline code or other sites: %q", tc.method, tc.path, csp)
		}
	}
}

// Paths with dot segments never reach a file: the mux cleans them and
// redirects, and the cleaned path is no file either.
func TestNoPathTraversal(t *testing.T) {
	_, ts := newTestServer(t, nil)
	c := &http.Client{Timeout: 10 * time.Second}
	for _, p := range []string{"/static/../../../../etc/passwd", "/static/../web.go", "/documents/1/../../../etc/passwd",
		"/static//etc/passwd", "/static/.%2e/.%2e/etc/passwd", "/static/%2e%2e/%2e%2e/go.mod"} {
		// Sent raw, as an attacker would, not cleaned by the client.
		req, _ := http.NewRequest("GET", ts.URL, nil)
		req.URL.Opaque = p
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 || strings.Contains(string(b), "root:") || strings.Contains(string(b), "package web") || strings.Contains(string(b), "module github.com") {
			t.Errorf("%s: status %d: %.200s", p, resp.StatusCode, b)
		}
	}
}

// The whole path of a browser: the form, the progress page, the
// scorecard with the five criteria, and evidence links that all lead to
// a highlighted passage of the document view.
func TestScoreThroughForm(t *testing.T) {
	_, ts := newTestServer(t, nil)
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	body, ct := multipartBody(t, [][2]string{{"csrf_token", tok}, {"kind", "strategy"}, {"org", "qwo"}}, "sample.md", sampleDoc)
	resp, _ := post(t, c, ts.URL+"/score", body, ct, nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/jobs/") {
		t.Fatalf("form: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = waitJob(t, c, ts.URL, resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/documents/1/" {
		t.Fatalf("job: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, card := get(t, c, ts.URL+"/documents/1/")
	if resp.StatusCode != 200 {
		t.Fatalf("scorecard: %d", resp.StatusCode)
	}
	for _, n := range criterionNames {
		if !strings.Contains(card, n) {
			t.Errorf("scorecard lacks %q", n)
		}
	}
	if !strings.Contains(card, "Northvale and Eastmoor Joint Forward Plan") || !strings.Contains(card, "strategy") {
		t.Error("scorecard lacks the title or the kind it was filed as")
	}
	links := regexp.MustCompile(`href="text#(ev-[^"]+)"`).FindAllStringSubmatch(card, -1)
	if len(links) < 5 {
		t.Fatalf("%d evidence links on the scorecard", len(links))
	}
	_, view := get(t, c, ts.URL+"/documents/1/text")
	for _, l := range links {
		if !strings.Contains(view, `id="`+l[1]+`"`) {
			t.Errorf("evidence link #%s leads nowhere in the document view", l[1])
		}
	}
	if strings.Count(view, `<mark class="ev" id=`) < 5 {
		t.Error("the document view highlights fewer than 5 passages")
	}
	if strings.Contains(view, "Evidence not found in the text") || strings.Contains(view, "runs across several passages") {
		t.Error("some evidence of the sample was not placed in its passage")
	}
	// The same bytes again: the same document, unchanged.
	tok = formToken(t, c, ts.URL)
	body, ct = multipartBody(t, [][2]string{{"csrf_token", tok}}, "sample.md", sampleDoc)
	resp, _ = post(t, c, ts.URL+"/score", body, ct, nil)
	resp, _ = waitJob(t, c, ts.URL, resp.Header.Get("Location"))
	if resp.Header.Get("Location") != "/documents/1/" {
		t.Errorf("the same upload again went to %q", resp.Header.Get("Location"))
	}
	if strings.Contains(card, "under 2 names") {
		t.Error("a document stored under one name lists its sources")
	}
	// The same bytes under another name: the same document, whose page
	// lists both names.
	tok = formToken(t, c, ts.URL)
	body, ct = multipartBody(t, [][2]string{{"csrf_token", tok}}, "copy of the plan.md", sampleDoc)
	resp, _ = post(t, c, ts.URL+"/score", body, ct, nil)
	resp, _ = waitJob(t, c, ts.URL, resp.Header.Get("Location"))
	if resp.Header.Get("Location") != "/documents/1/" {
		t.Errorf("the same bytes under another name went to %q", resp.Header.Get("Location"))
	}
	_, card = get(t, c, ts.URL+"/documents/1/")
	if !strings.Contains(card, "The same document under 2 names") || !regexp.MustCompile(`<li>/upload/[0-9a-f]+/sample\.md · `).MatchString(card) ||
		!regexp.MustCompile(`<li>/upload/[0-9a-f]+/copy of the plan\.md · `).MatchString(card) {
		t.Error("the scorecard does not list the two names the document was stored under")
	}
	// Listed, filterable, comparable.
	_, list := get(t, c, ts.URL+"/documents?kind=strategy&org=QWO")
	if !strings.Contains(list, `href="/documents/1/"`) || !strings.Contains(list, `name="id" value="1"`) {
		t.Error("the document is not listed under its kind and organisation")
	}
	_, list = get(t, c, ts.URL+"/documents?kind=plan")
	if strings.Contains(list, `href="/documents/1/"`) {
		t.Error("the kind filter lets another kind through")
	}
	_, cmp := get(t, c, ts.URL+"/compare?id=1")
	if !strings.Contains(cmp, `class="heatmap"`) || !strings.Contains(cmp, "/static/sort.js") {
		t.Error("the comparison lacks its heatmap or its script")
	}
	_, cmp = get(t, c, ts.URL+"/compare?all=1&kind=strategy")
	if !strings.Contains(cmp, "Comparison of 1 document") {
		t.Error("comparing all documents of a kind does not show them")
	}
}

// A job that fails shows why, with the status the failure deserves.
func TestFailedJob(t *testing.T) {
	_, ts := newTestServer(t, nil)
	c := browser(t)
	zip := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 64)...)
	for _, tc := range []struct {
		name   string
		data   []byte
		status int
		text   string
	}{
		{"archive.zip", zip, http.StatusUnsupportedMediaType, "not a document nhsreview can read"},
		{"board.pdf", []byte("%PDF-1.7\nthis is not really a PDF"), http.StatusUnprocessableEntity, "could not be read"},
	} {
		body, ct := multipartBody(t, [][2]string{{"csrf_token", formToken(t, c, ts.URL)}}, tc.name, tc.data)
		resp, _ := post(t, c, ts.URL+"/score", body, ct, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d", tc.name, resp.StatusCode)
		}
		resp, page := waitJob(t, c, ts.URL, resp.Header.Get("Location"))
		if resp.StatusCode != tc.status || !strings.Contains(page, tc.text) || !strings.Contains(page, tc.name) {
			t.Errorf("%s: status %d, want %d; page: %.400s", tc.name, resp.StatusCode, tc.status, page)
		}
	}
}

// Form submissions without the session's token are refused, and nothing
// is scored.
func TestCSRF(t *testing.T) {
	_, ts := newTestServer(t, nil)
	c := browser(t)
	good := formToken(t, c, ts.URL)
	other := browser(t)
	otherTok := formToken(t, other, ts.URL)
	noCookie := &http.Client{CheckRedirect: c.CheckRedirect}
	cases := []struct {
		name   string
		client *http.Client
		token  string
		header http.Header
		status int
	}{
		{"no token", c, "", nil, http.StatusForbidden},
		{"forged token", c, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil, http.StatusForbidden},
		{"another session's token", c, otherTok, nil, http.StatusForbidden},
		{"token without its cookie", noCookie, good, nil, http.StatusForbidden},
		{"from another site", c, good, http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"from another origin", c, good, http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"good", c, good, nil, http.StatusSeeOther},
	}
	for _, tc := range cases {
		body, ct := multipartBody(t, [][2]string{{"csrf_token", tc.token}}, "sample.md", sampleDoc)
		resp, page := post(t, tc.client, ts.URL+"/score", body, ct, tc.header)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d: %.300s", tc.name, resp.StatusCode, tc.status, page)
		}
		if tc.status == http.StatusForbidden && !strings.Contains(page, "reload the page") && !strings.Contains(page, "another website") {
			t.Errorf("%s: the refusal does not say what to do: %.300s", tc.name, page)
		}
	}
	// The token also works in a URL-encoded form.
	resp, _ := post(t, c, ts.URL+"/score", strings.NewReader(formValues("csrf_token", good, "url", "http://127.0.0.1:1/x")), "application/x-www-form-urlencoded", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("URL-encoded form: status %d", resp.StatusCode)
	}
	// The API refuses browsers from other sites too, header or not.
	body, ct := multipartBody(t, nil, "sample.md", sampleDoc)
	resp, _ = post(t, c, ts.URL+"/api/score", body, ct, http.Header{"X-Requested-With": {"x"}, "Sec-Fetch-Site": {"cross-site"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site API request: status %d", resp.StatusCode)
	}
}

// Uploads over the limit are refused with 413 and a clear message, by the
// form and the API; one at the limit is taken.
func TestUploadLimit(t *testing.T) {
	const limit = 4096
	_, ts := newTestServer(t, func(c *Config) { c.MaxUpload = limit })
	c := browser(t)
	atLimit := bytes.Repeat([]byte("We will reduce health inequalities in Eastmoor.\n"), limit)[:limit]
	over := append(bytes.Repeat([]byte("x"), limit), '\n')
	body, ct := multipartBody(t, [][2]string{{"csrf_token", formToken(t, c, ts.URL)}}, "big.txt", over)
	resp, page := post(t, c, ts.URL+"/score", body, ct, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "larger than this server&#39;s upload limit of 4 KiB") {
		t.Errorf("form: status %d: %.500s", resp.StatusCode, page)
	}
	api := http.Header{"X-Requested-With": {"test"}}
	body, ct = multipartBody(t, nil, "big.txt", over)
	resp, page = post(t, c, ts.URL+"/api/score", body, ct, api)
	var e struct{ Error string }
	json.Unmarshal([]byte(page), &e)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(e.Error, "upload limit of 4 KiB") {
		t.Errorf("API: status %d: %s", resp.StatusCode, page)
	}
	// A body far over the limit is refused from its Content-Length.
	huge := strings.NewReader(strings.Repeat("y", 3<<20))
	resp, _ = post(t, c, ts.URL+"/api/score", huge, "multipart/form-data; boundary=zz", api)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("huge body: status %d", resp.StatusCode)
	}
	body, ct = multipartBody(t, nil, "plan.txt", atLimit)
	resp, page = post(t, c, ts.URL+"/api/score", body, ct, api)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("at the limit: status %d: %.300s", resp.StatusCode, page)
	}
}

// The API scores an upload or a link and answers with the contract's
// score JSON (valid against the published schema); the documents and
// their extraction are listed.
func TestAPI(t *testing.T) {
	_, ts := newTestServer(t, func(c *Config) { c.AllowPrivate = true })
	src, _ := countingServer(t, nil)
	c := &http.Client{Timeout: time.Minute}
	api := http.Header{"X-Requested-With": {"test"}}
	schema := compileSchema(t)

	body, ct := multipartBody(t, nil, "sample.md", sampleDoc)
	resp, out := post(t, c, ts.URL+"/api/score", body, ct, api)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("upload: status %d %s: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), out)
	}
	validateJSON(t, schema, out)
	if resp.Header.Get("Content-Location") != "/api/documents/1" {
		t.Errorf("Content-Location %q", resp.Header.Get("Content-Location"))
	}
	resp, out = post(t, c, ts.URL+"/api/score", strings.NewReader(formValues("url", src.URL+"/plan.md")), "application/x-www-form-urlencoded", api)
	if resp.StatusCode != 200 {
		t.Fatalf("url: status %d: %.300s", resp.StatusCode, out)
	}
	validateJSON(t, schema, out)
	var card rules.Scorecard
	json.Unmarshal([]byte(out), &card)
	if card.Document.Source != src.URL+"/plan.md" || len(card.Criteria) != 5 {
		t.Errorf("url: source %q, %d criteria", card.Document.Source, len(card.Criteria))
	}

	// The link serves the uploaded bytes: one document, two sources.
	_, out = get(t, c, ts.URL+"/api/documents")
	var entries []corpus.Entry
	if err := json.Unmarshal([]byte(out), &entries); err != nil || len(entries) != 1 {
		t.Fatalf("documents: %v, %d entries: %.300s", err, len(entries), out)
	}
	_, out = get(t, c, ts.URL+"/api/documents/1")
	var d corpus.Detail
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Card == nil || len(d.Sources) != 2 || d.Sources[1].Source != src.URL+"/plan.md" {
		t.Errorf("document 1: %v: %.300s", err, out)
	}
	_, out = get(t, c, ts.URL+"/api/documents/1/extraction")
	var doc document.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Pages) != 1 || doc.Title == "" {
		t.Errorf("extraction: %v: %.300s", err, out)
	}

	for _, tc := range []struct {
		name, body, ct string
		status         int
	}{
		{"neither", formValues("org", ""), "application/x-www-form-urlencoded", 400},
		{"not http", formValues("url", "file:///etc/passwd"), "application/x-www-form-urlencoded", 400},
		{"a path", formValues("url", "/etc/passwd"), "application/x-www-form-urlencoded", 400},
		{"gopher", formValues("url", "gopher://example.org/"), "application/x-www-form-urlencoded", 400},
		{"bad kind", formValues("url", src.URL+"/plan.md", "kind", "novel"), "application/x-www-form-urlencoded", 400},
		{"json", `{"url": "x"}`, "application/json", 415},
		{"broken multipart", "--zz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc", "multipart/form-data; boundary=zz", 400},
	} {
		resp, out := post(t, c, ts.URL+"/api/score", strings.NewReader(tc.body), tc.ct, api)
		if resp.StatusCode != tc.status || !strings.Contains(out, `"error"`) {
			t.Errorf("%s: status %d, want %d: %s", tc.name, resp.StatusCode, tc.status, out)
		}
	}
}

// Without --allow-private, a link to this machine is refused with 400 and
// the guard's reason, and the server there is never contacted.
func TestAPIRefusesPrivateLinks(t *testing.T) {
	_, ts := newTestServer(t, nil)
	src, hits := countingServer(t, nil)
	redirect, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	c := &http.Client{Timeout: time.Minute}
	for _, u := range []string{src.URL + "/plan.md", redirect.URL + "/", "http://10.0.0.1/board.pdf"} {
		resp, out := post(t, c, ts.URL+"/api/score", strings.NewReader(formValues("url", u)), "application/x-www-form-urlencoded", http.Header{"X-Requested-With": {"t"}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(out, "refused to fetch") {
			t.Errorf("%s: status %d: %s", u, resp.StatusCode, out)
		}
	}
	if hits.Load() != 0 {
		t.Error("the loopback server was contacted")
	}
}

// A server on loopback answers only to loopback names (DNS rebinding).
func TestHostCheck(t *testing.T) {
	_, ts := newTestServer(t, func(c *Config) { c.AllowedHosts = []string{"localhost", "127.0.0.1", "::1"} })
	for host, want := range map[string]int{"127.0.0.1": 200, "localhost:8080": 200, "[::1]:80": 200, "evil.example": 421, "evil.example:8080": 421, "127.0.0.1.nip.io": 421} {
		req, _ := http.NewRequest("GET", ts.URL+"/about", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}

// Document text is shown as text: markup in a document's title, headings
// and paragraphs never becomes an element, on any page.
func TestDocumentTextEscaped(t *testing.T) {
	_, ts := newTestServer(t, nil)
	hostile := "# <script>alert(1)</script> Plan <img src=x onerror=alert(2)>\n\n" +
		"## <iframe src=\"https://evil.example\"></iframe>\n\n" +
		"We will invest £2m a year from 2025/26 to reduce health inequalities <b onmouseover=alert(3)>in Eastmoor</b> " +
		"for people experiencing homelessness. <a href=\"javascript:alert(4)\">click</a>\n"
	c := &http.Client{Timeout: time.Minute}
	body, ct := multipartBody(t, nil, "x.md", []byte(hostile))
	resp, out := post(t, c, ts.URL+"/api/score", body, ct, http.Header{"X-Requested-With": {"t"}})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	for _, p := range []string{"/documents/1/", "/documents/1/text", "/documents", "/", "/compare?id=1"} {
		_, page := get(t, c, ts.URL+p)
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "img", "iframe", "b":
					t.Errorf("%s: the document's markup became a <%s> element", p, n.Data)
				case "script":
					for _, a := range n.Attr {
						if a.Key == "src" && a.Val == "/static/sort.js" {
							return
						}
					}
					t.Errorf("%s: a <script> element other than ours", p)
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "on") || strings.Contains(a.Val, "javascript:") {
						t.Errorf("%s: attribute %s=%q", p, a.Key, a.Val)
					}
				}
			}
			for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
				walk(ch)
			}
		}
		walk(doc)
	}
}

// No more than --jobs documents are scored at once; the others wait, and
// past the queue's bound the server says it is busy (503).
func TestJobLimit(t *testing.T) {
	var running, peak atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	srv, ts := newTestServer(t, func(c *Config) {
		c.Jobs = 2
		inner := c.Reviewer
		c.Reviewer = stageFuncs{Reviewer: inner, read: func(ctx context.Context, res *fetched.Doc) (*document.Document, error) {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			started <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return inner.Read(ctx, res)
		}}
	})
	c := &http.Client{Timeout: 2 * time.Minute}
	const total = 2 + 8 // running + the most that may wait
	statuses := make(chan int, total)
	var wg sync.WaitGroup
	send := func(i int) {
		defer wg.Done()
		doc := append([]byte(fmt.Sprintf("# Plan %d\n\n", i)), sampleDoc...)
		body, ct := multipartBody(t, nil, fmt.Sprintf("plan-%d.md", i), doc)
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/score", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Requested-With", "t")
		resp, err := c.Do(req)
		if err != nil {
			statuses <- 0
			return
		}
		resp.Body.Close()
		statuses <- resp.StatusCode
	}
	for i := range total {
		wg.Add(1)
		go send(i)
	}
	<-started
	<-started
	// Once the others wait for a slot, one more is refused at once.
	deadline := time.Now().Add(30 * time.Second)
	for {
		srv.limit.mu.Lock()
		waiting := srv.limit.waiting
		srv.limit.mu.Unlock()
		if waiting == total-2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests waiting, want %d", waiting, total-2)
		}
		time.Sleep(10 * time.Millisecond)
	}
	body, ct := multipartBody(t, nil, "one-more.md", sampleDoc)
	resp, out := post(t, c, ts.URL+"/api/score", body, ct, http.Header{"X-Requested-With": {"t"}})
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(out, "busy") {
		t.Errorf("a request past the queue: status %d: %s", resp.StatusCode, out)
	}
	if ra := resp.Header.Get("Retry-After"); ra != retryAfterSeconds {
		t.Errorf("503 with Retry-After %q, want %q", ra, retryAfterSeconds)
	}
	close(release)
	wg.Wait()
	close(statuses)
	ok := 0
	for s := range statuses {
		if s == 200 {
			ok++
		}
	}
	if ok != total {
		t.Errorf("%d of %d queued requests succeeded", ok, total)
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("%d documents were read at once, want 2", p)
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(1)
	r1, err := l.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a second job while one runs: %v, want to wait until the deadline", err)
	}
	r1()
	r2, err := l.acquire(context.Background())
	if err != nil {
		t.Errorf("after release: %v", err)
	}
	r2()
}

// A panic that escapes the reviewer (past its own guard) costs the
// document a 500, not the server.
func TestPanicInPipeline(t *testing.T) {
	_, ts := newTestServer(t, func(c *Config) {
		c.Reviewer = stageFuncs{Reviewer: c.Reviewer, score: func(context.Context, *document.Document) (*rules.Scorecard, error) { panic("rule bug") }}
	})
	c := &http.Client{Timeout: time.Minute}
	body, ct := multipartBody(t, nil, "sample.md", sampleDoc)
	resp, out := post(t, c, ts.URL+"/api/score", body, ct, http.Header{"X-Requested-With": {"t"}})
	if resp.StatusCode != 500 || !strings.Contains(out, "internal error") {
		t.Errorf("status %d: %s", resp.StatusCode, out)
	}
	if resp, _ := get(t, c, ts.URL+"/about"); resp.StatusCode != 200 {
		t.Error("the server did not survive")
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	hs := NewHTTPServer("127.0.0.1:0", http.NotFoundHandler())
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= jobTimeout || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Errorf("a phase without a timeout: %+v", hs)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(reports.ScoreSchema))
	if err != nil {
		t.Fatal(err)
	}
	id := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateJSON(t *testing.T, s *jsonschema.Schema, text string) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("score JSON does not match the schema: %v", err)
	}
}

// TestUnreadableDocument: a scan is stored and shown as not scored, never
// as a 0/15 scorecard saying the sector "is not mentioned" (issue 13).
func TestUnreadableDocument(t *testing.T) {
	_, ts := newTestServer(t, nil)
	c := &http.Client{Timeout: time.Minute}
	api := http.Header{"X-Requested-With": {"test"}}
	body, ct := multipartBody(t, nil, "scan.pdf", pdfgen.ImageOnly().PDF)
	resp, out := post(t, c, ts.URL+"/api/score", body, ct, api)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: status %d: %.300s", resp.StatusCode, out)
	}
	validateJSON(t, compileSchema(t), out)
	var card rules.Scorecard
	if err := json.Unmarshal([]byte(out), &card); err != nil {
		t.Fatal(err)
	}
	if card.Status != rules.StatusUnreadable || len(card.Criteria) != 0 || card.Reason == "" {
		t.Errorf("status %q, %d criteria, reason %q", card.Status, len(card.Criteria), card.Reason)
	}
	_, page := get(t, c, ts.URL+"/documents/1/")
	if !strings.Contains(page, "Not scored: too little text to judge.") || strings.Contains(page, "is not mentioned") || strings.Contains(page, "0/15") {
		t.Errorf("scorecard page does not say the document was not scored:\n%.2000s", page)
	}
	_, list := get(t, c, ts.URL+"/documents")
	if !strings.Contains(list, "not scored: too little text") {
		t.Errorf("document list does not say the document was not scored:\n%.2000s", list)
	}
}

// packDoc is a small board pack: an agenda, minutes, a strategy with a
// recommendation and a finance report, each with a cover sheet.
var packDoc = []byte(`# Board meeting in public, 4 March 2026

Agenda

Item 2 Minutes of the last meeting

Item 3 Population Health Strategy 2026-2031

Item 4 Finance Report, Month 10

**Agenda item:** 2

**Title of report:** Minutes of the Board Meeting Held in Public: 4 February 2026

The minutes were approved.

**Agenda item:** 3

**Title of report:** Population Health Strategy 2026-2031

**Recommendation(s):** The Board is asked to approve the strategy.

Healthy life expectancy in the most deprived wards is 9 years shorter than in the least deprived. We will offer targeted health checks in the three most deprived wards from April 2026, funded with £1.2m a year from the ICB's recurrent allocation. We held twelve workshops with 300 residents, and they told us that access to GP appointments matters most.

**Agenda item:** 4

**Title of report:** Finance Report, Month 10

The Trust reports a deficit of £2.1m at month 10 against a plan of £1.5m.
`)

// An uploaded board pack has a view of its papers, as 'nhsreview pack'
// prints them: each agenda row links to its paper's section, whose
// passages link to the text, where they are marked.
func TestPackView(t *testing.T) {
	_, ts := newTestServer(t, nil)
	c := browser(t)
	tok := formToken(t, c, ts.URL)
	body, ct := multipartBody(t, [][2]string{{"csrf_token", tok}}, "pack.md", packDoc)
	resp, _ := post(t, c, ts.URL+"/score", body, ct, nil)
	resp, _ = waitJob(t, c, ts.URL, resp.Header.Get("Location"))
	if resp.Header.Get("Location") != "/documents/1/" {
		t.Fatalf("job: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, card := get(t, c, ts.URL+"/documents/1/")
	if !strings.Contains(card, `href="pack"`) {
		t.Fatal("the scorecard of a board pack does not link to its papers")
	}
	resp, page := get(t, c, ts.URL+"/documents/1/pack")
	if resp.StatusCode != 200 {
		t.Fatalf("pack: %d", resp.StatusCode)
	}
	for _, want := range []string{`<table class="agenda">`, "Minutes of the Board Meeting Held in Public", "not triaged",
		`<a href="#paper-3">Population Health Strategy 2026-2031</a>`, `<section class="pack-paper" id="paper-3">`,
		"The Board is asked to approve the strategy.", `<a href="#paper-4">Finance Report, Month 10</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the pack view lacks %q", want)
		}
	}
	links := regexp.MustCompile(`href="text#(ev-[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(links) == 0 {
		t.Fatal("no passage of the pack view links to the text")
	}
	_, view := get(t, c, ts.URL+"/documents/1/text")
	for _, l := range links {
		if !strings.Contains(view, `id="`+l[1]+`"`) {
			t.Errorf("passage link #%s leads nowhere in the text view", l[1])
		}
	}

	// A document that is not a pack has no link to papers.
	tok = formToken(t, c, ts.URL)
	body, ct = multipartBody(t, [][2]string{{"csrf_token", tok}}, "sample.md", sampleDoc)
	resp, _ = post(t, c, ts.URL+"/score", body, ct, nil)
	resp, _ = waitJob(t, c, ts.URL, resp.Header.Get("Location"))
	_, card = get(t, c, ts.URL+resp.Header.Get("Location"))
	if strings.Contains(card, `href="pack"`) {
		t.Error("a strategy's scorecard links to a pack view")
	}
	if resp, _ := get(t, c, ts.URL+"/documents/9/pack"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the pack of a missing document: %d", resp.StatusCode)
	}
}

// splitterReviewer counts the documents the server scores itself (a
// pack's papers stored at upload are scored inside Papers, not counted)
// and records papers as made by the splitter version it is set to.
type splitterReviewer struct {
	corpus.Reviewer
	scores   atomic.Int32
	splitter atomic.Int32
}

func (r *splitterReviewer) Score(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
	r.scores.Add(1)
	return r.Reviewer.Score(ctx, d)
}

func (r *splitterReviewer) SplitterVersion() int { return int(r.splitter.Load()) }

// The pack page and the text view of a stored pack show the papers
// stored with it, scoring nothing; papers an older splitter made are not
// shown but split and scored anew from the stored text, and say the same.
func TestPackViewStored(t *testing.T) {
	var rv *splitterReviewer
	_, ts := newTestServer(t, func(c *Config) {
		rv = &splitterReviewer{Reviewer: c.Reviewer}
		c.Reviewer = rv
	})
	c := browser(t)
	upload := func(name string, data []byte) string {
		tok := formToken(t, c, ts.URL)
		body, ct := multipartBody(t, [][2]string{{"csrf_token", tok}}, name, data)
		resp, _ := post(t, c, ts.URL+"/score", body, ct, nil)
		resp, _ = waitJob(t, c, ts.URL, resp.Header.Get("Location"))
		return resp.Header.Get("Location")
	}
	var pages []string
	for _, tc := range []struct {
		name     string
		splitter int
		// scores is how many documents each look at the pack page
		// scores: none, or the pack's two triaged papers
		scores int32
	}{
		{"the current splitter", pack.Version, 0},
		{"an older splitter", pack.Version - 1, 2},
	} {
		rv.splitter.Store(int32(tc.splitter))
		doc := upload(tc.name+".md", append(slices.Clip(packDoc), "\n<!-- "+tc.name+" -->\n"...))
		if doc == "" {
			t.Fatalf("%s: the upload was not stored", tc.name)
		}
		for _, view := range []string{"pack", "text"} {
			before := rv.scores.Load()
			resp, page := get(t, c, ts.URL+doc+view)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %s: %d", tc.name, view, resp.StatusCode)
			}
			if got := rv.scores.Load() - before; got != tc.scores {
				t.Errorf("%s: the %s view scored %d documents, want %d", tc.name, view, got, tc.scores)
			}
			if view == "pack" {
				pages = append(pages, page)
			}
		}
	}
	// the same papers, whichever way they were made (the page names its
	// source, the file uploaded)
	same := func(p string) string { return regexp.MustCompile(`(?s)<table class="agenda">.*`).FindString(p) }
	if same(pages[0]) == "" || same(pages[0]) != same(pages[1]) {
		t.Errorf("the stored papers and those split anew differ:\n%s\n----\n%s", same(pages[0]), same(pages[1]))
	}
}

// A job's page follows the reviewer's stages: the stages it reports
// through the context are the job's.
func TestJobStages(t *testing.T) {
	srv, _ := newTestServer(t, func(c *Config) { c.AllowPrivate = true })
	src, _ := countingServer(t, nil)
	var got []string
	out, herr := srv.score(context.Background(), input{url: src.URL + "/plan.md"}, func(s string) { got = append(got, s) })
	if herr != nil || out == nil {
		t.Fatalf("score: %v", herr)
	}
	if want := []string{stageFetching, stageReading, stageScoring, stageStoring}; !slices.Equal(got, want) {
		t.Errorf("stages %q, want %q", got, want)
	}
}

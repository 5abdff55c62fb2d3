package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/rules"
)

// TestQueuedUploads: under QueueUploads (serve --queue) the server scores
// nothing: an upload through the form, a link and an API upload are each
// kept in the database with a job, and their pages say where they are in
// the queue; what is not a document is refused at once, and queues
// nothing. A worker then runs the jobs: the form's page leads to the
// scorecard, the API's job to the document, an API request that waits
// gets the score JSON, and a document the worker cannot read fails with
// its reason. No upload's bytes are left in the database.
func TestQueuedUploads(t *testing.T) {
	onBackends(t, func(t *testing.T, backend func(*Config)) {
		ctx := context.Background()
		src, _ := countingServer(t, nil)
		s, ts := newTestServer(t, func(c *Config) {
			if backend != nil {
				backend(c)
			}
			// One try each, so that a failed job is failed at once.
			q, err := jobs.New(c.Store, jobs.Config{MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			c.Queue, c.QueueUploads, c.AllowPrivate = q, true, true
		})
		st := s.cfg.Store
		c := browser(t)
		api := http.Header{"X-Requested-With": {"test"}}

		if _, home := get(t, c, ts.URL+"/"); !strings.Contains(home, "place in the queue") {
			t.Error("the home page does not say documents are queued")
		}
		body, ct := multipartBody(t, [][2]string{{"csrf_token", formToken(t, c, ts.URL)}, {"kind", "strategy"}}, "sample.md", sampleDoc)
		resp, _ := post(t, c, ts.URL+"/score", body, ct, nil)
		page := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/queue/\d+$`).MatchString(page) {
			t.Fatalf("form: status %d, Location %q", resp.StatusCode, page)
		}
		resp, out := get(t, c, ts.URL+page)
		if resp.StatusCode != 200 || !strings.Contains(out, "Your document is queued") || !strings.Contains(out, "next in the queue") ||
			!strings.Contains(out, `http-equiv="refresh"`) || !regexp.MustCompile(`/upload/[0-9a-f]+/sample\.md`).MatchString(out) {
			t.Fatalf("the job's page before any worker: %d %.600s", resp.StatusCode, out)
		}

		// A link, through the form: fetched here, queued.
		resp, _ = post(t, c, ts.URL+"/score", strings.NewReader(formValues("csrf_token", formToken(t, c, ts.URL), "url", src.URL+"/linked.md")),
			"application/x-www-form-urlencoded", nil)
		linked := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(linked, "/queue/") {
			t.Fatalf("a link: status %d, Location %q", resp.StatusCode, linked)
		}

		other := append(bytes.Clone(sampleDoc), "\n\nWe will publish a costed plan for each locality by March 2026.\n"...)
		body, ct = multipartBody(t, nil, "other.md", other)
		resp, out = post(t, c, ts.URL+"/api/score", body, ct, http.Header{"X-Requested-With": {"test"}, "Prefer": {"respond-async"}})
		if resp.StatusCode != http.StatusAccepted || !strings.HasPrefix(resp.Header.Get("Location"), "/api/queue/") {
			t.Fatalf("API, respond-async: status %d, Location %q: %s", resp.StatusCode, resp.Header.Get("Location"), out)
		}
		var q queuedJSON
		if err := json.Unmarshal([]byte(out), &q); err != nil || q.State != "queued" || q.Waiting == nil || *q.Waiting != 2 {
			t.Errorf("API, respond-async: %v: %s", err, out)
		}
		apiJob := resp.Header.Get("Location")

		// Not a document: refused now, nothing queued.
		zip := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 64)...)
		body, ct = multipartBody(t, [][2]string{{"csrf_token", formToken(t, c, ts.URL)}}, "archive.zip", zip)
		resp, out = post(t, c, ts.URL+"/score", body, ct, nil)
		if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(out, "not a document nhsreview can read") {
			t.Errorf("a zip: status %d: %.300s", resp.StatusCode, out)
		}
		// Sniffed as a PDF, which the worker cannot read.
		body, ct = multipartBody(t, [][2]string{{"csrf_token", formToken(t, c, ts.URL)}}, "board.pdf", []byte("%PDF-1.7\nthis is not really a PDF"))
		resp, _ = post(t, c, ts.URL+"/score", body, ct, nil)
		broken := resp.Header.Get("Location")
		// Four jobs, three contents: the link's bytes are the upload's.
		if n, err := st.Uploads(ctx); n != 3 || err != nil {
			t.Errorf("%d uploads waiting, %v; want 3", n, err)
		}
		for _, p := range []string{"/queue/999999", "/queue/abc", "/queue/0"} {
			if resp, _ := get(t, c, ts.URL+p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", p, resp.StatusCode)
			}
		}

		// A worker runs the queue.
		rs, err := rules.Default()
		if err != nil {
			t.Fatal(err)
		}
		w, err := jobs.New(st, jobs.Config{Reviewer: reviewerOf(rs), Workers: 2, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Stop(0) })

		resp, _ = waitJob(t, c, ts.URL, page)
		doc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/documents/\d+/$`).MatchString(doc) {
			t.Fatalf("the form's job, done: status %d, Location %q", resp.StatusCode, doc)
		}
		if resp, out := get(t, c, ts.URL+doc); resp.StatusCode != 200 || !strings.Contains(out, "Northvale and Eastmoor Joint Forward Plan") {
			t.Errorf("the scorecard: %d %.300s", resp.StatusCode, out)
		}
		// The link serves the same bytes: the same document.
		if resp, _ := waitJob(t, c, ts.URL, linked); resp.Header.Get("Location") != doc {
			t.Errorf("the link's job, done: status %d, Location %q, want %q", resp.StatusCode, resp.Header.Get("Location"), doc)
		}
		resp, out = waitJob(t, c, ts.URL, broken)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(out, "could not be scored") || !strings.Contains(out, "board.pdf") {
			t.Errorf("the broken PDF's job: status %d: %.600s", resp.StatusCode, out)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for {
			_, out = get(t, c, ts.URL+apiJob)
			if err := json.Unmarshal([]byte(out), &q); err != nil {
				t.Fatalf("%s: %v: %s", apiJob, err, out)
			}
			if q.State == "done" || q.State == "failed" || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if q.State != "done" || !strings.HasPrefix(q.Document, "/api/documents/") {
			t.Errorf("the API's job: %s", out)
		}

		// An API request that waits gets the score, as without a queue.
		third := append(bytes.Clone(sampleDoc), "\n\nA third version.\n"...)
		body, ct = multipartBody(t, nil, "third.md", third)
		resp, out = post(t, c, ts.URL+"/api/score", body, ct, api)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Location"), "/api/documents/") {
			t.Fatalf("API, waiting: status %d: %.300s", resp.StatusCode, out)
		}
		var card rules.Scorecard
		if err := json.Unmarshal([]byte(out), &card); err != nil || len(card.Criteria) != 5 || !strings.HasSuffix(card.Document.Source, "/third.md") {
			t.Errorf("API, waiting: %v, %d criteria, source %q", err, len(card.Criteria), card.Document.Source)
		}
		if n, err := st.Uploads(ctx); n != 0 || err != nil {
			t.Errorf("%d uploads left after their jobs, %v", n, err)
		}
	})
}

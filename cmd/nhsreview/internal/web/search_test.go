package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// The search page: a form without script, results that link to the
// passage in the document view, filters, pages, and a bad query said
// plainly.
func TestSearchPage(t *testing.T) {
	onBackends(t, testSearchPage)
}

func testSearchPage(t *testing.T, backend func(*Config)) {
	srv, ts := newTestServer(t, backend)
	ctx := context.Background()
	if _, err := srv.cfg.Store.Ingest(ctx, srv.cfg.Reviewer, &fetched.Doc{Source: "https://a.nhs.uk/plan.md", Data: sampleDoc, FetchedAt: time.Now()},
		corpus.Meta{Org: "QWO", Kind: "strategy"}); err != nil {
		t.Fatal(err)
	}
	c := browser(t)

	resp, page := get(t, c, ts.URL+"/search")
	if resp.StatusCode != 200 || !strings.Contains(page, `<form class="filters" method="get" action="/search" role="search">`) || strings.Contains(page, "<script") {
		t.Fatalf("the empty search page: %d", resp.StatusCode)
	}
	resp, page = get(t, c, ts.URL+"/search?q="+url.QueryEscape(`core20plus5 OR "lung health"`))
	if resp.StatusCode != 200 {
		t.Fatalf("search: %d", resp.StatusCode)
	}
	if !strings.Contains(page, "<mark>Core20PLUS5</mark>") && !strings.Contains(page, "<mark>core20plus5</mark>") {
		t.Errorf("no highlighted match:\n%s", page)
	}
	links := regexp.MustCompile(`href="/documents/1/text#(b\d+-\d+)"`).FindAllStringSubmatch(page, -1)
	if len(links) == 0 {
		t.Fatalf("no result links to the document view:\n%s", page)
	}
	_, view := get(t, c, ts.URL+"/documents/1/text")
	for _, l := range links {
		if !strings.Contains(view, `id="`+l[1]+`"`) {
			t.Errorf("result link #%s leads nowhere in the text view", l[1])
		}
	}
	if _, page := get(t, c, ts.URL+"/search?q=invest&criterion=costed-plans"); !strings.Contains(page, "Quoted as evidence: Costed plans") {
		t.Error("a result does not say what it is quoted as evidence of")
	}
	if _, page := get(t, c, ts.URL+"/search?q=invest&org=QMJ"); !strings.Contains(page, "No passages match.") {
		t.Error("the organisation filter did not apply")
	}
	// Region, date, signal and highest-score filters (the sample scores
	// 1 on costed plans, quoting "We will invest £12.5m" for its signals).
	if _, page := get(t, c, ts.URL+"/search?q=invest"); !strings.Contains(page, `<option value="North East and Yorkshire">`) {
		t.Error("the form offers no region of the stored documents")
	}
	tomorrow := time.Now().Add(48 * time.Hour).Format("2006-01-02")
	for _, tc := range []struct {
		query string
		hits  bool
	}{
		{"q=invest&region=" + url.QueryEscape("North East and Yorkshire"), true},
		{"q=invest&region=London", false},
		{"q=invest&until=2000-01-01", false},
		{"q=invest&until=" + tomorrow, true},
		{"q=invest&criterion=costed-plans&signal=money-words", true},
		{"q=invest&signal=no-such-signal", false},
		{"q=invest&criterion=costed-plans&max=0", false},
		{"q=invest&criterion=costed-plans&max=1", true},
	} {
		resp, page := get(t, c, ts.URL+"/search?"+tc.query)
		if got := !strings.Contains(page, "No passages match."); resp.StatusCode != 200 || got != tc.hits {
			t.Errorf("%s: status %d, hits %v, want %v", tc.query, resp.StatusCode, got, tc.hits)
		}
	}
	for _, tc := range []struct {
		query, want string
		status      int
	}{
		{`q=x&max=2`, "Choose the criterion the highest score is of", http.StatusBadRequest},
		{`q=x&criterion=costed-plans&max=9`, "The highest score must be", http.StatusBadRequest},
		{`q=x&until=soon`, "year-month-day", http.StatusBadRequest},
		{`q=` + url.QueryEscape(`"keep you`), "The search could not be read: unterminated string", http.StatusBadRequest},
		{`q=x&criterion=nope`, "There is no criterion", http.StatusBadRequest},
		{`q=x&min=2`, "Choose the criterion", http.StatusBadRequest},
		{`q=x&page=999`, "The page must be a number", http.StatusBadRequest},
		{`q=x&kind=novel`, "unknown kind", http.StatusBadRequest},
	} {
		resp, page := get(t, c, ts.URL+"/search?"+tc.query)
		if resp.StatusCode != tc.status || !strings.Contains(page, tc.want) {
			t.Errorf("%s: %d, want %d and %q", tc.query, resp.StatusCode, tc.status, tc.want)
		}
	}
	// Every page has the search box.
	if _, home := get(t, c, ts.URL+"/documents"); !strings.Contains(home, `action="/search"`) {
		t.Error("the documents page has no search box")
	}
}

package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

func htmlHandler(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
}

func TestLinks(t *testing.T) {
	page := &fetched.Doc{
		Source: "https://example.nhs.uk/about/publications",
		URL:    "https://Example.NHS.uk:443/about/publications/",
		Data: []byte(`<html><head><base href="/papers/"></head><body>
			<a href="a.pdf">A</a>
			<a href="a.pdf#page=3">A again</a>
			<a href=" /board/pack.PDF ">pack</a>
			<a href="https://cdn.example.com/files/b.docx">B</a>
			<a href="mailto:board@example.nhs.uk">mail</a>
			<a href="javascript:void(0)">js</a>
			<a href="#top">top</a>
			<a>no href</a>
			<area href="map.pdf">
			<iframe src="//example.nhs.uk/embed/c.pdf"></iframe>
			<a href="http://user:pw@example.nhs.uk:80/d.pdf">creds</a>
		</body></html>`),
	}
	got, err := pageLinks(page)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"https://example.nhs.uk/papers/a.pdf",
		"https://example.nhs.uk/board/pack.PDF",
		"https://cdn.example.com/files/b.docx",
		"https://example.nhs.uk/papers/",
		"https://example.nhs.uk/papers/map.pdf",
		"https://example.nhs.uk/embed/c.pdf",
		"http://example.nhs.uk/d.pdf",
	}
	if !slices.Equal(got, want) {
		t.Errorf("pageLinks:\n got %q\nwant %q", got, want)
	}
}

func TestIsPageLink(t *testing.T) {
	for link, want := range map[string]bool{
		"https://x.nhs.uk/":                         true,
		"https://x.nhs.uk/board-meetings":           true,
		"https://x.nhs.uk/papers.aspx?id=3":         true,
		"https://x.nhs.uk/board-meeting-12.03.2025": true,
		"https://x.nhs.uk/logo.png":                 false,
		"https://x.nhs.uk/data.xlsx":                false,
		"https://x.nhs.uk/all.zip":                  false,
	} {
		u, _ := parseURL(link)
		if got := isPageLink(u); got != want {
			t.Errorf("isPageLink(%s) = %v, want %v", link, got, want)
		}
	}
}

// publications builds a site: a publications page linking to documents,
// another host's document, a sub-page with more documents, a download
// link without an extension, and a broken page.
func publications(t *testing.T) (*site, *site) {
	other := newSite(t, "status:404", map[string]http.HandlerFunc{"/cdn/x.pdf": pdfHandler})
	var s *site
	s = newSite(t, "User-agent: *\nDisallow: /private/\n", map[string]http.HandlerFunc{
		"/publications": func(w http.ResponseWriter, r *http.Request) {
			htmlHandler(`<h1>Publications</h1>
				<a href="/docs/strategy.pdf">Strategy</a>
				<a href="/docs/plan.docx">Plan</a>
				<a href="/docs/strategy.pdf#p2">Strategy, page 2</a>
				<a href="`+other.URL+`/cdn/x.pdf">On the CDN</a>
				<a href="/board">Board papers</a>
				<a href="/gone">Old page</a>
				<a href="/private/secret.pdf">Secret</a>
				<a href="/news/story">News story</a>`)(w, r)
		},
		"/board": htmlHandler(`<a href="/docs/board-pack.pdf">Pack</a> <a href="/download/77">Minutes</a>
			<a href="/deeper">Deeper</a>`),
		"/deeper":         htmlHandler(`<a href="/docs/deep.pdf">Deep</a>`),
		"/news/story":     htmlHandler(`<p>No documents here.</p>`),
		"/download/77":    pdfHandler,
		"/docs/":          pdfHandler,
		"/private/":       pdfHandler,
		"/report.pdf":     pdfHandler,
		"/start-is-a.pdf": pdfHandler,
	})
	return s, other
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name       string
		opt        DiscoverOptions
		want       []string // paths (or "other:" paths on the second host)
		wantFailed []string
	}{
		{
			name: "depth 1: documents on the start page, same host",
			opt:  DiscoverOptions{},
			want: []string{"/docs/strategy.pdf", "/docs/plan.docx", "/private/secret.pdf"},
		},
		{
			name: "any host",
			opt:  DiscoverOptions{AnyHost: true},
			want: []string{"/docs/strategy.pdf", "/docs/plan.docx", "other:/cdn/x.pdf", "/private/secret.pdf"},
		},
		{
			name:       "depth 2 follows pages and reports broken ones",
			opt:        DiscoverOptions{Depth: 2},
			want:       []string{"/docs/strategy.pdf", "/docs/plan.docx", "/private/secret.pdf", "/docs/board-pack.pdf"},
			wantFailed: []string{"/gone: HTTP 404 Not Found"},
		},
		{
			// A download link without an extension has to be opened to
			// tell, so it is found one level deeper than a .pdf link.
			name:       "depth 3 opens download links",
			opt:        DiscoverOptions{Depth: 3},
			want:       []string{"/docs/strategy.pdf", "/docs/plan.docx", "/private/secret.pdf", "/docs/board-pack.pdf", "/download/77", "/docs/deep.pdf"},
			wantFailed: []string{"/gone: HTTP 404 Not Found"},
		},
		{
			name:       "match names download links",
			opt:        DiscoverOptions{Depth: 2, Match: regexp.MustCompile(`/download/|\.pdf$`)},
			want:       []string{"/docs/strategy.pdf", "/private/secret.pdf", "/docs/board-pack.pdf", "/download/77"},
			wantFailed: []string{"/gone: HTTP 404 Not Found"},
		},
		{
			name: "match picks web pages too",
			opt:  DiscoverOptions{Match: regexp.MustCompile(`/board$|strategy`)},
			want: []string{"/docs/strategy.pdf", "/board"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, other := publications(t)
			var got, failed []string
			name := func(u string) string {
				if p, ok := strings.CutPrefix(u, other.URL); ok {
					return "other:" + p
				}
				return strings.TrimPrefix(u, s.URL)
			}
			err := quick().Discover(context.Background(), s.URL+"/publications", tt.opt,
				func(f Found) {
					got = append(got, name(f.URL))
					if f.Result != nil && !strings.HasPrefix(string(f.Result.Data), "%PDF") {
						t.Errorf("%s: prefetched result is not the document", f.URL)
					}
				},
				func(link string, err error) { failed = append(failed, name(link)+": "+err.Error()) })
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("found\n %q\nwant\n %q", got, tt.want)
			}
			if !slices.Equal(failed, tt.wantFailed) {
				t.Errorf("failed %q, want %q", failed, tt.wantFailed)
			}
			// Discover reads pages, never documents (the caller fetches
			// those, conditionally), except links it had to open to see
			// what they were.
			for _, doc := range []string{"/docs/strategy.pdf", "/docs/plan.docx", "/private/secret.pdf"} {
				if n := s.count(doc); n != 0 {
					t.Errorf("%s fetched %d times by Discover", doc, n)
				}
			}
		})
	}
}

func TestDiscoverStart(t *testing.T) {
	s, _ := publications(t)
	var got []Found
	err := quick().Discover(context.Background(), s.URL+"/start-is-a.pdf", DiscoverOptions{},
		func(f Found) { got = append(got, f) }, func(string, error) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Result == nil || got[0].URL != s.URL+"/start-is-a.pdf" {
		t.Fatalf("a start URL that is a document: got %+v", got)
	}

	err = quick().Discover(context.Background(), s.URL+"/nowhere", DiscoverOptions{}, func(Found) {}, func(string, error) {})
	checkErr(t, err, "HTTP 404 Not Found", s.URL)

	err = quick().Discover(context.Background(), s.URL+"/private/list", DiscoverOptions{}, func(Found) {}, func(string, error) {})
	checkErr(t, err, "disallowed by robots.txt", s.URL)

	err = quick().Discover(context.Background(), "publications.html", DiscoverOptions{}, func(Found) {}, func(string, error) {})
	checkErr(t, err, "crawl needs an http or https URL", "")
}

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

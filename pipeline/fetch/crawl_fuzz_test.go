package fetch

import (
	"net/url"
	"strings"
	"testing"

	"github.com/temoto/robotstxt"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// FuzzLinks feeds untrusted pages to the link finder: it must not panic,
// and every link it returns is an absolute http(s) URL without a fragment.
func FuzzLinks(f *testing.F) {
	f.Add(`<a href="a.pdf">x</a><base href="/p/"><iframe src="//h/b.pdf">`)
	f.Add(`<a href="http://[::1]:80/x#y">`)
	f.Add(`<a href="https://user:pw@EXAMPLE.nhs.uk:443">`)
	f.Add("<a href=\"\x00\xff%zz\">")
	f.Fuzz(func(t *testing.T, page string) {
		links, err := pageLinks(&fetched.Doc{Source: "https://example.nhs.uk/pubs/", Data: []byte(page)})
		if err != nil {
			return
		}
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(l, "#") || u.User != nil {
				t.Fatalf("bad link %q from %q", l, page)
			}
		}
	})
}

// FuzzRobots feeds untrusted robots.txt files through the repair the
// fetcher applies: it must not panic, and a file the parser accepts is
// still accepted after it.
func FuzzRobots(f *testing.F) {
	f.Add("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n")
	f.Add("Crawl-delay: soon\nDisallow: /\nUser-agent: nhsreview\nAllow: /\n")
	f.Add("<html><body>Not found</body></html>")
	f.Fuzz(func(t *testing.T, body string) {
		_, errBefore := robotstxt.FromStatusAndBytes(200, []byte(body))
		clean, _ := sanitizeRobots([]byte(body))
		_, errAfter := robotstxt.FromStatusAndBytes(200, clean)
		if errBefore == nil && errAfter != nil {
			t.Fatalf("the repair broke a valid file: %v\n%q", errAfter, body)
		}
	})
}

package fetch

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// pageLinks returns the http and https links of an HTML page (a, area, and
// the frames and embeds that publications pages use to show a PDF), made
// absolute against the page's final URL or its <base href>, without
// fragments, each once, in page order.
func pageLinks(page *fetched.Doc) ([]string, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page.Data))
	if err != nil {
		return nil, fmt.Errorf("reading the page's links: %w", err)
	}
	base, err := url.Parse(page.Name())
	if err != nil {
		return nil, fmt.Errorf("page URL: %w", err)
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			base = b
		}
	}
	var out []string
	seen := map[string]bool{}
	doc.Find("a[href], area[href], iframe[src], embed[src], object[data]").Each(func(_ int, s *goquery.Selection) {
		ref := s.AttrOr("href", "")
		if ref == "" {
			ref = s.AttrOr("src", "")
		}
		if ref == "" {
			ref = s.AttrOr("data", "")
		}
		u, err := base.Parse(strings.TrimSpace(ref))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return
		}
		link := fetched.Canonical(u)
		if p, err := url.Parse(link); err != nil || p.Hostname() == "" {
			// A host the resolver let through but that no request can
			// name ("//:0:" gives the host ":0:").
			return
		}
		if !seen[link] {
			seen[link] = true
			out = append(out, link)
		}
	})
	return out, nil
}

// documentExt is what a link to a document (not a page) ends with by
// default: the formats nhsreview reads that are not web pages.
var documentExt = lazyre.New(`(?i)\.(pdf|docx|md|markdown)$`)

// pageExt is what a link to another web page may end with; anything
// else (images, spreadsheets, archives) is neither page nor document.
var pageExt = map[string]bool{
	"": true, ".html": true, ".htm": true, ".xhtml": true, ".php": true,
	".asp": true, ".aspx": true, ".jsp": true, ".shtml": true, ".cfm": true,
}

// isDocumentLink reports whether a link's path names a PDF, DOCX or
// Markdown file.
func isDocumentLink(link string) bool {
	u, err := url.Parse(link)
	if err != nil {
		return false
	}
	return documentExt.MatchString(u.Path)
}

// isPageLink reports whether a link's path looks like a web page.
func isPageLink(u *url.URL) bool {
	ext := strings.ToLower(path.Ext(u.Path))
	// Extensions of dotted slugs ("/board-meeting-12.03.2025") are not
	// file types.
	if len(ext) > 6 || strings.ContainsAny(ext, "-_") || strings.Trim(ext, ".0123456789") == "" {
		ext = ""
	}
	return pageExt[ext]
}

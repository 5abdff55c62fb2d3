package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// DiscoverOptions says how far Discover goes and what it keeps.
type DiscoverOptions struct {
	// Depth is how many links away from the start page a document may
	// be: 1 (the default) keeps the documents the start page links to, 2
	// also visits the pages it links to and keeps theirs, and so on.
	Depth int
	// Match picks the links that are documents, matched against the
	// absolute URL; nil keeps links to .pdf, .docx and .md files. Web
	// pages become documents only by matching it.
	Match *regexp.Regexp
	// AnyHost keeps documents on other hosts (a publications page whose
	// files sit on a content delivery network). Pages are only ever
	// visited on the start page's host.
	AnyHost bool
}

// Found is a document link.
type Found struct {
	URL string
	// Page is the page that linked to it ("" for the start URL itself).
	Page string
	// Result holds the bytes when the link was fetched as a page and
	// turned out to be a document (a download link with no extension).
	Result *fetched.Doc
}

// Discover fetches the start page, and the pages it links to down to
// opt.Depth, and calls found for every document link, once each, in the
// order found; a page that cannot be fetched is passed to failed and the
// walk goes on. Only the start page failing is an error. found may be
// slow (it is where the documents are fetched): pages are not read ahead.
func (p *Polite) Discover(ctx context.Context, start string, opt DiscoverOptions, found func(Found), failed func(link string, err error)) error {
	if !fetched.IsURL(start) {
		return errors.New("crawl needs an http or https URL")
	}
	depth := opt.Depth
	if depth <= 0 {
		depth = 1
	}
	isDoc := isDocumentLink
	if opt.Match != nil {
		isDoc = opt.Match.MatchString
	}
	res, err := p.Get(ctx, start, fetched.Validators{})
	if err != nil {
		return err
	}
	startURL, err := url.Parse(res.Name())
	if err != nil {
		return fmt.Errorf("start page URL: %w", err)
	}
	home := strings.ToLower(startURL.Host)
	seen := map[string]bool{fetched.CanonicalURL(start): true, fetched.CanonicalURL(res.Name()): true}

	type page struct {
		res   *fetched.Doc
		depth int
	}
	format, _ := res.Sniff()
	if format != document.FormatHTML {
		found(Found{URL: fetched.CanonicalURL(start), Result: res})
		return nil
	}
	queue := []page{{res, 0}}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("canceled: %w", context.Cause(ctx))
		}
		pg := queue[0]
		queue = queue[1:]
		links, err := pageLinks(pg.res)
		if err != nil {
			failed(pg.res.Name(), err)
			continue
		}
		var pages []string
		for _, link := range links {
			if seen[link] {
				continue
			}
			u, err := url.Parse(link)
			if err != nil {
				continue
			}
			sameHost := strings.ToLower(u.Host) == home
			switch {
			case isDoc(link):
				if sameHost || opt.AnyHost {
					seen[link] = true
					found(Found{URL: link, Page: pg.res.Name()})
				}
			case sameHost && pg.depth+1 < depth && isPageLink(u):
				seen[link] = true
				pages = append(pages, link)
			}
		}
		for _, link := range pages {
			r, err := p.Get(ctx, link, fetched.Validators{})
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("canceled: %w", context.Cause(ctx))
				}
				failed(link, err)
				continue
			}
			seen[fetched.CanonicalURL(r.Name())] = true
			switch f, err := r.Sniff(); {
			case err != nil:
				// Not a document nhsreview reads: neither page nor document.
			case f == document.FormatHTML:
				queue = append(queue, page{r, pg.depth + 1})
			case f == document.FormatPDF || f == document.FormatDOCX:
				found(Found{URL: link, Page: pg.res.Name(), Result: r})
			}
		}
	}
	return nil
}

// Package fetched holds the "bytes" step of the data flow: a source's
// bytes and where and how they were fetched (Doc), and the small pure
// helpers that judge them without fetching anything: what format the
// bytes are (Sniff), whether a source is a URL and how the corpus keys it
// (IsURL, CanonicalURL), and what a server said about a held copy
// (Validators). The fetcher (pipeline/fetch) makes a Doc; the extractors
// and the corpus read and store one without importing the fetcher.
//
// Error messages are one line, start in lower case and never repeat the
// source, because the caller prints them as "nhsreview: SOURCE: <error>".
package fetched

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// Doc is a fetched document: its bytes and their provenance.
type Doc struct {
	Source      string // as given by the user
	URL         string // final URL after redirects, credentials redacted; "" for files
	Data        []byte
	ContentType string // from the server; "" for files
	Status      int    // HTTP status; 0 for files
	ETag        string
	// LastModified is the Last-Modified header as sent, for conditional
	// requests; "" for files.
	LastModified string
	FetchedAt    time.Time
}

// Name is what Sniff should see as the file name: the final URL (whose
// path carries the extension) or the local path.
func (d *Doc) Name() string {
	if d.URL != "" {
		return d.URL
	}
	return d.Source
}

// Sniff decides the format of the fetched bytes; see the package Sniff.
func (d *Doc) Sniff() (document.Format, error) {
	return Sniff(d.Data, d.ContentType, d.Name())
}

// Validators are what a server said about the copy held, so that a
// request can ask for the document only if it changed.
type Validators struct {
	ETag         string
	LastModified string
}

// ErrUnsupported is wrapped by Sniff errors for bytes that are not a
// document nhsreview reads.
var ErrUnsupported = errors.New("unsupported document")

// IsURL reports whether source is an http or https URL rather than a path.
func IsURL(source string) bool {
	s := strings.ToLower(strings.TrimSpace(source))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// Canonical writes a URL the way the corpus keys it: lower-case scheme
// and host, no default port, no fragment, no credentials.
func Canonical(u *url.URL) string {
	c := *u
	c.Scheme = strings.ToLower(c.Scheme)
	c.Host = strings.ToLower(c.Host)
	if (c.Scheme == "http" && c.Port() == "80") || (c.Scheme == "https" && c.Port() == "443") {
		// Not Hostname(): it would drop the brackets of an IPv6 address.
		c.Host = strings.TrimSuffix(c.Host, ":"+c.Port())
	}
	c.Fragment, c.RawFragment = "", ""
	c.User = nil
	if c.Path == "" && c.RawQuery == "" {
		c.Path = "/"
	}
	return c.String()
}

// CanonicalURL is Canonical for a URL string; strings that are not
// http(s) URLs are returned unchanged.
func CanonicalURL(s string) string {
	if !IsURL(s) {
		return s
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return s
	}
	return Canonical(u)
}

// msgError prints a plain message while still unwrapping to the cause.
// (pipeline/fetch has the same small type for its own errors.)
type msgError struct {
	msg string
	err error
}

func (e *msgError) Error() string { return e.msg }
func (e *msgError) Unwrap() error { return e.err }

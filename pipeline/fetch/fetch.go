// Package fetch turns a SOURCE (a local path or an http/https URL) into
// bytes plus metadata (a *fetched.Doc, which also says which document
// format those bytes are), politely for a crawl, and finds a page's links.
// It knows nothing of parsing: extractors take it from there.
//
// Error messages are one line, start in lower case and never repeat the
// source, because the caller prints them as "nhsreview: SOURCE: <error>".
package fetch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// Defaults applied to zero-valued Options fields.
const (
	DefaultTimeout      = 60 * time.Second
	DefaultMaxBytes     = 200 << 20
	DefaultMaxRedirects = 5
)

// ErrTooLarge is wrapped by every error about a document exceeding
// Options.MaxBytes, so a server can answer 413 rather than 502.
var ErrTooLarge = errors.New("document too large")

// ErrBadURL is wrapped by the errors for a URL that cannot be fetched as
// written (no host, a malformed address, a scheme other than http(s)).
var ErrBadURL = errors.New("invalid URL")

// Options controls a fetch. The zero value is usable.
type Options struct {
	// Timeout bounds the whole HTTP exchange, body included; 0 means
	// DefaultTimeout. Of local sources it bounds only a pipe (FIFO), which
	// is read like a download; a regular file is read whole.
	Timeout time.Duration
	// MaxBytes is the size limit per document; 0 means DefaultMaxBytes.
	// Going over it is an error, never a silent truncation: a cut PDF
	// looks like a corrupt one and would be misreported.
	MaxBytes int64
	// MaxRedirects caps redirects followed; 0 means DefaultMaxRedirects,
	// a negative value follows none.
	MaxRedirects int
	// UserAgent is sent with HTTP requests; "" means DefaultUserAgent("dev").
	UserAgent string
	// Client replaces the HTTP client (tests, proxies). Its CheckRedirect
	// is overridden so the redirect and scheme rules always hold.
	Client *http.Client
	// Header holds extra request headers, such as the If-None-Match and
	// If-Modified-Since of a conditional request (a 304 answer is then a
	// *StatusError with Code 304). Accept and User-Agent are always ours.
	Header http.Header
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent("dev")
	}
	return o
}

// DefaultUserAgent is the User-Agent nhsreview identifies itself with;
// servers of NHS bodies should be able to tell who is crawling them.
func DefaultUserAgent(version string) string {
	return "nhsreview/" + version + " (+https://github.com/nhsreview/nhsreview)"
}

// Get reads source: a URL over HTTP(S), anything else as a local file.
func Get(ctx context.Context, source string, opt Options) (*fetched.Doc, error) {
	opt = opt.withDefaults()
	if fetched.IsURL(source) {
		return getHTTP(ctx, source, opt)
	}
	// "ftp://..." or "file://..." is not a path anyone has on disk; saying
	// "no such file" would hide the real problem.
	if i := strings.Index(source, "://"); i > 1 {
		if u, err := url.Parse(source); err == nil && u.Scheme != "" {
			return nil, &msgError{msg: fmt.Sprintf("unsupported URL scheme %q (only http and https)", u.Scheme), err: ErrBadURL}
		}
	}
	return getFile(ctx, source, opt)
}

// tooLarge builds the size error; detail says what was measured.
func tooLarge(limit int64, detail string) error {
	msg := "exceeds the size limit of " + bytesize.Human(limit)
	if detail != "" {
		msg += " (" + detail + ")"
	}
	return &msgError{msg: msg, err: ErrTooLarge}
}

// overLimit is how much to read to tell "at the limit" from "over it"
// without overflowing for a limit of math.MaxInt64.
func overLimit(limit int64) int64 {
	if limit == math.MaxInt64 {
		return limit
	}
	return limit + 1
}

// msgError prints a plain message while still unwrapping to the cause, so
// "no such file" stays readable and errors.Is(err, fs.ErrNotExist) works.
type msgError struct {
	msg string
	err error
}

func (e *msgError) Error() string { return e.msg }
func (e *msgError) Unwrap() error { return e.err }

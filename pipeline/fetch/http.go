package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// acceptHeader prefers the formats that carry the most structure; many
// NHS sites serve both a PDF and an HTML rendering of the same paper.
const acceptHeader = "application/pdf, text/html;q=0.9, application/xhtml+xml;q=0.9, " +
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.8, " +
	"text/markdown;q=0.8, text/plain;q=0.7, */*;q=0.1"

// errTimeout is the cause attached to our own deadline, to tell it apart
// from a caller's cancellation.
var errTimeout = errors.New("fetch timeout")

// StatusError is a non-2xx HTTP answer.
type StatusError struct {
	Code int
	// Text is the reason phrase ("Not Found").
	Text string
	// RetryAfter is the Retry-After header of a 429 or 503, if any.
	RetryAfter string
}

func (e *StatusError) Error() string {
	msg := "HTTP " + strconv.Itoa(e.Code)
	if e.Text != "" {
		msg += " " + e.Text
	}
	if e.RetryAfter != "" {
		msg += " (retry after " + e.RetryAfter + ")"
	}
	return msg
}

// redirectError is returned by CheckRedirect; it is unwrapped from the
// *url.Error so the message does not repeat the URL.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// send makes a GET request under ctx (which carries the timeout, with
// errTimeout as its cause), with opt's headers, our User-Agent and the
// Accept given; its error is the one line requestErr makes.
func send(ctx context.Context, rawURL, accept string, opt Options) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	for k, v := range opt.Header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}
	req.Header.Set("User-Agent", opt.UserAgent)
	req.Header.Set("Accept", accept)
	// Accept-Encoding is left to the transport: setting it here would turn
	// off transparent gzip decoding.
	resp, err := clientFor(opt).Do(req)
	if err != nil {
		return nil, requestErr(ctx, opt.Timeout, err)
	}
	return resp, nil
}

func getHTTP(ctx context.Context, source string, opt Options) (*fetched.Doc, error) {
	u, err := url.Parse(strings.TrimSpace(source))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w: %w", ErrBadURL, err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%w: no host", ErrBadURL)
	}

	ctx, cancel := context.WithTimeoutCause(ctx, opt.Timeout, errTimeout)
	defer cancel()
	resp, err := send(ctx, u.String(), acceptHeader, opt)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Draining a little lets the connection be reused by the next
		// source; an error page is never worth reading in full.
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		return nil, statusErr(resp)
	}
	if resp.ContentLength > opt.MaxBytes {
		return nil, tooLarge(opt.MaxBytes, "Content-Length is "+bytesize.Human(resp.ContentLength))
	}

	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + 1)
	}
	// The limit applies to the decoded body, so a small gzip stream that
	// inflates past MaxBytes fails here too; one byte over the limit
	// distinguishes "exactly the limit" from "more".
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, overLimit(opt.MaxBytes))); err != nil {
		if e := timeoutErr(ctx, opt.Timeout); e != nil {
			return nil, e
		}
		return nil, fmt.Errorf("reading the response failed: %w", err)
	}
	if int64(buf.Len()) > opt.MaxBytes {
		return nil, tooLarge(opt.MaxBytes, "")
	}
	if buf.Len() == 0 {
		return nil, fmt.Errorf("empty response body (HTTP %d)", resp.StatusCode)
	}

	return &fetched.Doc{
		Source:       source,
		URL:          resp.Request.URL.Redacted(),
		Data:         buf.Bytes(),
		ContentType:  resp.Header.Get("Content-Type"),
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		FetchedAt:    time.Now(),
	}, nil
}

// clientFor copies the given client (never mutating the caller's) and
// installs the redirect policy.
func clientFor(opt Options) *http.Client {
	var c http.Client
	if opt.Client != nil {
		c = *opt.Client
	}
	maxRedirects := opt.MaxRedirects
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if maxRedirects < 0 {
			// Hand back the 3xx itself; it is then reported as a status.
			return http.ErrUseLastResponse
		}
		if len(via) > maxRedirects {
			return &redirectError{msg: fmt.Sprintf("stopped after %d redirects", maxRedirects)}
		}
		if s := req.URL.Scheme; s != "http" && s != "https" {
			return &redirectError{msg: fmt.Sprintf("redirected to an unsupported URL scheme %q (only http and https)", s)}
		}
		return nil
	}
	return &c
}

func requestErr(ctx context.Context, timeout time.Duration, err error) error {
	if e := timeoutErr(ctx, timeout); e != nil {
		return e
	}
	var re *redirectError
	if errors.As(err, &re) {
		return re
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("request failed: %w", err)
}

// timeoutErr explains a dead context, or returns nil if it is alive.
func timeoutErr(ctx context.Context, timeout time.Duration) error {
	if ctx.Err() == nil {
		return nil
	}
	if context.Cause(ctx) == errTimeout {
		return &msgError{msg: "timed out after " + formatDuration(timeout), err: context.DeadlineExceeded}
	}
	return fmt.Errorf("canceled: %w", context.Cause(ctx))
}

func formatDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

func statusErr(resp *http.Response) error {
	text := http.StatusText(resp.StatusCode)
	if text == "" {
		text = oneLine(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
		// Go's own placeholder reason says nothing the code does not.
		if text == "status code "+strconv.Itoa(resp.StatusCode) {
			text = ""
		}
	}
	e := &StatusError{Code: resp.StatusCode, Text: text}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = oneLine(resp.Header.Get("Retry-After"))
	}
	return e
}

// oneLine keeps server-controlled text from breaking the one-line error
// format (and from smuggling terminal escapes). Unlike textclean.OneLine
// it drops every control character and bounds the length.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80])
	}
	return strings.TrimSpace(s)
}

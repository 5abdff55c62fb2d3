package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// Defaults of a Polite fetcher.
const (
	// DefaultDelay spaces two requests to one host when its robots.txt
	// asks for nothing slower: NHS sites are small and shared.
	DefaultDelay = time.Second
	// DefaultMaxWait caps how long one wait (a Crawl-delay, a Retry-After)
	// may be: longer answers fail the request rather than stall a crawl
	// for hours without saying so.
	DefaultMaxWait = 2 * time.Minute
	DefaultRetries = 3
	DefaultBackoff = 2 * time.Second
	// robotsMaxBytes is the part of a robots.txt that is read; RFC 9309
	// asks crawlers to parse at least 500 KiB.
	robotsMaxBytes = 512 << 10
)

// ErrNotModified is returned for a 304 answer to a conditional request:
// the copy the caller holds is current.
var ErrNotModified = errors.New("not modified")

// ErrDisallowed is wrapped by errors for URLs that robots.txt closes to
// nhsreview, and for hosts whose robots.txt could not be read.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// Polite fetches URLs the way a crawler should: robots.txt is obeyed,
// with its Crawl-delay; requests to one host go one at a time, spaced by
// Delay; 429 and 5xx answers are retried with backoff (honouring
// Retry-After); and known validators make each request conditional.
// One Polite is shared by all the workers of a crawl: the pacing only
// holds between requests it sees. Change its fields before first use.
type Polite struct {
	// Options applies to every request (timeout, size limit, client).
	Options Options
	// Agent is the product token looked up in robots.txt.
	Agent string
	// Delay is the least time between two requests to one host; a longer
	// Crawl-delay in the host's robots.txt wins (up to MaxWait).
	Delay time.Duration
	// MaxWait caps a Crawl-delay, and a Retry-After beyond it fails the
	// request instead of waiting.
	MaxWait time.Duration
	// Retries is how many times a 429 or 5xx answer is retried; Backoff
	// is the first wait when the server gives no Retry-After, doubled on
	// each further attempt.
	Retries int
	Backoff time.Duration
	// Logf, if set, is told about retries and slow hosts.
	Logf func(format string, args ...any)

	mu    sync.Mutex
	hosts map[string]*hostState
}

// NewPolite returns a Polite with the default pacing and retries.
func NewPolite(opt Options) *Polite {
	return &Polite{
		Options: opt,
		Agent:   "nhsreview",
		Delay:   DefaultDelay,
		MaxWait: DefaultMaxWait,
		Retries: DefaultRetries,
		Backoff: DefaultBackoff,
	}
}

// hostState is the pacing and robots.txt of one scheme://host:port.
type hostState struct {
	// turn holds the right to send a request to the host; next and delay
	// are only touched by its holder.
	turn  chan struct{}
	next  time.Time
	delay time.Duration

	robotsMu     sync.Mutex
	robotsLoaded bool
	robots       *robotstxt.Group
	robotsErr    error
}

func (h *hostState) acquire(ctx context.Context) error {
	select {
	case h.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("canceled: %w", context.Cause(ctx))
	}
}

func (h *hostState) release() { <-h.turn }

func (p *Polite) host(u *url.URL) *hostState {
	key := strings.ToLower(u.Scheme + "://" + u.Host)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hosts == nil {
		p.hosts = map[string]*hostState{}
	}
	h := p.hosts[key]
	if h == nil {
		h = &hostState{turn: make(chan struct{}, 1), delay: max(p.Delay, 0)}
		p.hosts[key] = h
	}
	return h
}

func (p *Polite) logf(format string, args ...any) {
	if p.Logf != nil {
		p.Logf(format, args...)
	}
}

// Get fetches a URL once robots.txt allows it and the host's turn comes.
// With validators it is a conditional request and a 304 answer returns
// ErrNotModified. Local paths are read as Get reads them.
func (p *Polite) Get(ctx context.Context, rawURL string, v fetched.Validators) (*fetched.Doc, error) {
	if !fetched.IsURL(rawURL) {
		return Get(ctx, rawURL, p.Options)
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Host == "" {
		// Get words the error as it does for every other caller.
		return Get(ctx, rawURL, p.Options)
	}
	h := p.host(u)
	if err := p.loadRobots(ctx, h, u); err != nil {
		return nil, err
	}
	if h.robots != nil && !h.robots.Test(pathAndQuery(u)) {
		return nil, ErrDisallowed
	}
	opt := p.Options
	if v.ETag != "" || v.LastModified != "" {
		opt.Header = opt.Header.Clone()
		if opt.Header == nil {
			opt.Header = http.Header{}
		}
		if v.ETag != "" {
			opt.Header.Set("If-None-Match", v.ETag)
		}
		if v.LastModified != "" {
			opt.Header.Set("If-Modified-Since", v.LastModified)
		}
	}
	var res *fetched.Doc
	err = p.paced(ctx, h, rawURL, func() error {
		var err error
		res, err = Get(ctx, rawURL, opt)
		return err
	})
	var se *StatusError
	if errors.As(err, &se) && se.Code == http.StatusNotModified {
		return nil, ErrNotModified
	}
	return res, err
}

func pathAndQuery(u *url.URL) string {
	s := u.EscapedPath()
	if s == "" {
		s = "/"
	}
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

// paced runs one request in the host's turn, after the host's delay, and
// retries it on 429 and 5xx answers.
func (p *Polite) paced(ctx context.Context, h *hostState, what string, fn func() error) error {
	for attempt := 0; ; attempt++ {
		if err := h.acquire(ctx); err != nil {
			return err
		}
		if err := sleepUntil(ctx, h.next); err != nil {
			h.release()
			return err
		}
		h.next = time.Now().Add(h.delay)
		err := fn()
		wait, retry := p.retryWait(err, attempt)
		if retry {
			// The whole host waits, not just this request: the server
			// asked for less traffic.
			if t := time.Now().Add(wait); t.After(h.next) {
				h.next = t
			}
		}
		h.release()
		if !retry {
			return err
		}
		p.logf("%s: %v; retrying in %s", what, err, wait.Round(time.Millisecond))
	}
}

// retryWait says whether a failed request is retried and after how long.
func (p *Polite) retryWait(err error, attempt int) (time.Duration, bool) {
	var se *StatusError
	if !errors.As(err, &se) || attempt >= p.Retries {
		return 0, false
	}
	switch {
	case se.Code == http.StatusTooManyRequests:
	case se.Code >= 500 && se.Code <= 599 && se.Code != http.StatusNotImplemented && se.Code != http.StatusHTTPVersionNotSupported:
	default:
		return 0, false
	}
	maxWait := p.maxWait()
	if d, ok := parseRetryAfter(se.RetryAfter, time.Now()); ok {
		if d > maxWait {
			return 0, false
		}
		return d, true
	}
	d := max(p.Backoff, 0) << attempt
	// Jitter keeps workers that failed together from retrying together.
	d += time.Duration(rand.Int64N(int64(d)/4 + 1))
	return min(d, maxWait), true
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("canceled: %w", context.Cause(ctx))
	}
}

// loadRobots reads the host's robots.txt once (RFC 9309): a 4xx answer
// means no rules; a 5xx answer or no answer, after retries, means the
// host is closed for this run, as does a file that cannot be parsed.
func (p *Polite) loadRobots(ctx context.Context, h *hostState, u *url.URL) error {
	h.robotsMu.Lock()
	defer h.robotsMu.Unlock()
	if h.robotsLoaded {
		return h.robotsErr
	}
	robotsURL := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}).String()
	var status int
	var body []byte
	err := p.paced(ctx, h, robotsURL, func() error {
		var err error
		status, body, err = p.getRobots(ctx, robotsURL)
		if err == nil && status >= 500 {
			return &StatusError{Code: status, Text: http.StatusText(status)}
		}
		return err
	})
	if err != nil && ctx.Err() != nil {
		// A cancelled run says nothing about the host: try again next time.
		return err
	}
	h.robotsLoaded = true
	if err != nil {
		h.robotsErr = fmt.Errorf("%w: robots.txt could not be read (%v), so the host is not crawled", ErrDisallowed, err)
		return h.robotsErr
	}
	if status >= 400 {
		return nil
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		// The parser rejects a whole file for one stray Crawl-delay line;
		// the rest of the file still says what the site wants.
		if clean, dropped := sanitizeRobots(body); dropped > 0 {
			if d, err2 := robotstxt.FromStatusAndBytes(status, clean); err2 == nil {
				p.logf("%s: ignored %d malformed line(s)", robotsURL, dropped)
				data, err = d, nil
			}
		}
	}
	if err != nil {
		h.robotsErr = fmt.Errorf("%w: robots.txt could not be parsed (%s), so the host is not crawled", ErrDisallowed, oneLine(err.Error()))
		return h.robotsErr
	}
	h.robots = data.FindGroup(p.agent())
	if cd := h.robots.CrawlDelay; cd > h.delay {
		if maxWait := p.maxWait(); cd > maxWait {
			p.logf("%s asks for %s between requests; waiting %s", robotsURL, cd, maxWait)
			cd = maxWait
		} else if cd >= 5*time.Second {
			p.logf("%s asks for %s between requests", robotsURL, cd)
		}
		// Taken in the host's turn: the pacing fields are the holder's.
		if err := h.acquire(ctx); err != nil {
			return err
		}
		h.next = h.next.Add(cd - h.delay)
		h.delay = cd
		h.release()
	}
	return nil
}

func (p *Polite) agent() string {
	if p.Agent == "" {
		return "nhsreview"
	}
	return p.Agent
}

// maxWait is MaxWait, or its default.
func (p *Polite) maxWait() time.Duration {
	if p.MaxWait <= 0 {
		return DefaultMaxWait
	}
	return p.MaxWait
}

// getRobots fetches robots.txt, keeping the status that Get turns into
// errors: for robots.txt a 404 or an empty body is an answer, not a
// failure.
func (p *Polite) getRobots(ctx context.Context, robotsURL string) (int, []byte, error) {
	opt := p.Options.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, opt.Timeout, errTimeout)
	defer cancel()
	resp, err := send(ctx, robotsURL, "text/plain, */*;q=0.1", opt)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		return 0, nil, statusErr(resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, robotsMaxBytes))
	if err != nil {
		if e := timeoutErr(ctx, opt.Timeout); e != nil {
			return 0, nil, e
		}
		return 0, nil, fmt.Errorf("reading robots.txt failed: %w", err)
	}
	return resp.StatusCode, body, nil
}

// sanitizeRobots drops the lines the parser refuses: rules before any
// User-agent line (they belong to no group) and Crawl-delay values that
// are not numbers.
func sanitizeRobots(body []byte) ([]byte, int) {
	var out []string
	dropped := 0
	agentSeen := false
	for _, line := range strings.Split(string(body), "\n") {
		field, value, _ := strings.Cut(line, ":")
		field = strings.ToLower(strings.TrimSpace(field))
		if i := strings.IndexByte(value, '#'); i >= 0 {
			value = value[:i]
		}
		switch field {
		case "user-agent":
			agentSeen = true
		case "allow", "disallow":
			if !agentSeen {
				dropped++
				continue
			}
		case "crawl-delay", "crawldelay":
			v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if !agentSeen || err != nil || !(v >= 0) || math.IsInf(v, 0) {
				dropped++
				continue
			}
		}
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n")), dropped
}

package web

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// budget bounds the bytes of uploaded documents the server holds at once,
// from the moment a request's body starts to arrive until its job is
// done: whatever the number of clients, memory stays within it. A request
// that would exceed it is answered 503 (with Retry-After) before its body
// is read.
type budget struct {
	mu    sync.Mutex
	limit int64
	used  int64
}

func newBudget(limit int64) *budget { return &budget{limit: limit} }

// take reserves n bytes; false when they do not fit. A request larger
// than the whole budget is let in alone, so a budget below --max-upload
// cannot refuse every document.
func (b *budget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.limit && b.used > 0 {
		return false
	}
	b.used += n
	return true
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// inUse is how many bytes are reserved (for tests and the log).
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Minimum rate of a request body: at least minBodyChunk bytes in every
// bodyWindow, or the connection is dropped. A client that sends a large
// upload a few bytes a minute would otherwise hold its share of the
// budget, and a slot, for as long as it liked.
const (
	bodyWindow   = 30 * time.Second
	minBodyChunk = 16 << 10
)

// rateReader extends the connection's read deadline each time a window's
// worth of bytes has arrived.
type rateReader struct {
	r     io.ReadCloser
	rc    *http.ResponseController
	since int64 // bytes since the deadline was last moved
}

func newRateReader(w http.ResponseWriter, body io.ReadCloser) io.ReadCloser {
	rr := &rateReader{r: body, rc: http.NewResponseController(w)}
	_ = rr.rc.SetReadDeadline(time.Now().Add(bodyWindow))
	return rr
}

func (rr *rateReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	rr.since += int64(n)
	if rr.since >= minBodyChunk {
		rr.since = 0
		_ = rr.rc.SetReadDeadline(time.Now().Add(bodyWindow))
	}
	return n, err
}

func (rr *rateReader) Close() error {
	// The rest of the exchange (the answer) is not the client's to slow.
	_ = rr.rc.SetReadDeadline(time.Time{})
	return rr.r.Close()
}

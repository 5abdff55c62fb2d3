// Package crash holds the one guard that turns a panic in one document's
// work into that document's error: a bug in a reader, an annotator or a
// rule (or a hostile input that trips one) then costs the document, with
// one line, not a batch, a crawl or the web server.
//
// Each runs a document's work on several goroutines with the same
// guarantee: a panic in one comes back to the caller, to its Guard.
//
// It is a leaf, so that the stages (pipeline/extract), the Reviewer that
// joins them (pipeline) and the web server can all use it.
package crash

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Error is a panic recovered by Guard.
type Error struct {
	// Doing says what was being done, as in "while scoring".
	Doing string
	// Value is what was passed to panic, whole, for a log; Error gives
	// only its first line.
	Value any
}

func (e *Error) Error() string {
	return "internal error while " + e.Doing + ": " + oneLine(fmt.Sprint(e.Value))
}

// Guard, deferred, recovers a panic and sets *errp to an *Error saying
// what was being done; the function's other results keep what they held
// when the panic struck, so callers look at the error only. It must be
// deferred itself, not called from a deferred function: only then does
// its recover stop the panic.
func Guard(errp *error, doing string) {
	if p := recover(); p != nil {
		*errp = &Error{Doing: doing, Value: p}
	}
}

// oneLine keeps a panic value to one printable line of bounded length:
// a message, not a stack trace or a dump of the input. Unlike
// textclean.OneLine it drops what follows the first line break.
func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// Each calls fn(0) to fn(n-1), on up to workers goroutines, and returns
// when all have returned. A panic in any of them is raised again in the
// caller's goroutine, where Guard can turn it into the document's error:
// a panic left in a goroutine of its own would end the process, with a
// trace. With workers at 1 or below, fn runs in the caller, in order.
func Each(n, workers int, fn func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	workers = min(workers, n)
	var (
		wg    sync.WaitGroup
		next  atomic.Int64
		once  sync.Once
		value any
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					once.Do(func() { value = p })
					next.Store(int64(n)) // the others stop at their next item
				}
			}()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	if value != nil {
		panic(value)
	}
}

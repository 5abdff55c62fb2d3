// Package crash holds the one guard that turns a panic in one document's
// work into that document's error: a bug in a reader, an annotator or a
// rule (or a hostile input that trips one) then costs the document, with
// one line, not a batch, a crawl or the web server.
//
// It is a leaf, so that the stages (pipeline/extract), the Reviewer that
// joins them (pipeline) and the web server can all use it.
package crash

import (
	"fmt"
	"strings"
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

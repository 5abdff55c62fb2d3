package crash

import (
	"errors"
	"strings"
	"testing"
)

func guarded(value any) (n int, err error) {
	defer Guard(&err, "testing")
	n = 1
	panic(value)
}

func TestGuard(t *testing.T) {
	n, err := guarded("first line\nsecond line")
	var ce *Error
	if !errors.As(err, &ce) || ce.Doing != "testing" || ce.Value != "first line\nsecond line" {
		t.Fatalf("err = %#v, want the panic kept whole", err)
	}
	if got, want := err.Error(), "internal error while testing: first line"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if n != 1 {
		t.Errorf("n = %d: the results set before the panic are kept", n)
	}
	_, err = guarded(strings.Repeat("é", 300))
	if msg := err.Error(); len(msg) > 240 || !strings.HasSuffix(msg, "…") || !strings.Contains(msg, "é") {
		t.Errorf("a long value is not cut at a character: %q", msg)
	}
}

func TestGuardNoPanic(t *testing.T) {
	f := func() (err error) {
		defer Guard(&err, "testing")
		return errors.New("plain")
	}
	if err := f(); err == nil || err.Error() != "plain" {
		t.Errorf("err = %v, want the function's own error", err)
	}
}

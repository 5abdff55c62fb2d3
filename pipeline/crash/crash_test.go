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

func TestEach(t *testing.T) {
	for _, workers := range []int{1, 4} {
		got := make([]int, 100)
		Each(len(got), workers, func(i int) { got[i] = i * i })
		for i, v := range got {
			if v != i*i {
				t.Fatalf("workers %d: item %d = %d", workers, i, v)
			}
		}
	}
	Each(0, 4, func(int) { t.Fatal("called for no items") })
}

func eachPanicking(workers int) (err error) {
	defer Guard(&err, "testing")
	Each(50, workers, func(i int) {
		if i == 17 {
			panic("item 17")
		}
	})
	return nil
}

// TestEachPanicReachesGuard: a panic on another goroutine is the
// caller's, recovered by its Guard, not the end of the process.
func TestEachPanicReachesGuard(t *testing.T) {
	for _, workers := range []int{1, 4} {
		err := eachPanicking(workers)
		var ce *Error
		if !errors.As(err, &ce) || ce.Value != "item 17" {
			t.Errorf("workers %d: err = %v", workers, err)
		}
	}
}

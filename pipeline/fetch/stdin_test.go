package fetch

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// pipeWith is a pipe whose read end holds data, then ends.
func pipeWith(t *testing.T, data string) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	go func() {
		w.WriteString(data)
		w.Close()
	}()
	return r
}

func TestStdin(t *testing.T) {
	ctx := context.Background()
	d, err := Stdin(ctx, pipeWith(t, "# Plan\n\nWe will invest.\n"), Options{})
	if err != nil || d.Source != StdinName || string(d.Data) != "# Plan\n\nWe will invest.\n" || d.URL != "" {
		t.Fatalf("a document piped in: %+v, %v", d, err)
	}
	if _, err := Stdin(ctx, pipeWith(t, ""), Options{}); err == nil || err.Error() != "is empty: nothing was piped in" {
		t.Errorf("nothing piped in: %v", err)
	}
	if _, err := Stdin(ctx, pipeWith(t, strings.Repeat("x", 2000)), Options{MaxBytes: 1000}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	// A redirected file over the limit is refused from its size.
	f, err := os.CreateTemp(t.TempDir(), "big")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(strings.Repeat("y", 2000))
	f.Seek(0, 0)
	defer f.Close()
	if _, err := Stdin(ctx, f, Options{MaxBytes: 1000}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "file is") {
		t.Errorf("a file over the limit: %v", err)
	}
	// /dev/null redirected in is a device, not a terminal: empty.
	if null, err := os.Open(os.DevNull); err == nil {
		defer null.Close()
		if _, err := Stdin(ctx, null, Options{}); err == nil || errors.Is(err, ErrTerminal) || !strings.Contains(err.Error(), "empty") {
			t.Errorf("%s: %v", os.DevNull, err)
		}
	}
	// A pipe nobody writes to is given up when the context ends.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Stdin(cctx, r, Options{}); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("canceled: %v", err)
	}
}

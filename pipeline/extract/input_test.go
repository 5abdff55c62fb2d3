package extract

import (
	"bytes"
	"io"
	"testing"
)

// TestInputRoundTrip: what the parent sends, shared or as bytes, is what
// the worker reads, and closing the parent's end is a clean end.
func TestInputRoundTrip(t *testing.T) {
	parent, child, err := inputChannel()
	if err != nil {
		t.Fatal(err)
	}
	defer child.Close()
	docs := [][]byte{[]byte("%PDF-1.4 first"), bytes.Repeat([]byte("x"), 1<<20+3)}
	go func() {
		for _, d := range docs {
			if err := sendInput(parent, d); err != nil {
				t.Error(err)
			}
		}
		if err := writeFrame(parent, []byte("as bytes")); err != nil {
			t.Error(err)
		}
		parent.Close()
	}()
	for _, want := range append(docs, []byte("as bytes")) {
		got, release, err := receiveInput(child)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("received %d bytes, sent %d", len(got), len(want))
		}
		release()
	}
	if _, _, err := receiveInput(child); err != io.EOF {
		t.Fatalf("after the last input: %v, want io.EOF", err)
	}
}

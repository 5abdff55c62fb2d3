package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// The collector runs at GOGC 400 while the heap is small, and at 100
// once more than smallHeap is live.
func TestTuneGC(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set")
	}
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	tuneGC()
	if got := debug.SetGCPercent(startGCPercent); got != startGCPercent {
		t.Fatalf("GOGC %d at the start, want %d", got, startGCPercent)
	}
	live := make([][]byte, 0, 64)
	for range 4 * smallHeap / (1 << 20) {
		live = append(live, make([]byte, 1<<20))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer's goroutine
		if p := debug.SetGCPercent(100); p == 100 {
			break
		} else {
			debug.SetGCPercent(p)
		}
		if time.Now().After(deadline) {
			t.Fatal("GOGC still not 100 with a large live heap")
		}
	}
	runtime.KeepAlive(live)
}

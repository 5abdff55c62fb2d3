package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// A command starts with a small heap that grows fast: the rule set, the
// sentence splitter's tables and the patterns it uses are built in the
// first milliseconds, and the collector, whose first goal is 4 MiB, ran
// two or three cycles through them, a quarter of the CPU time of scoring
// a one-page PDF on a busy machine. So the collector runs at GOGC 400
// until it finds more than smallHeap live, then at the default 100 for
// the rest of the run: a long run's peak memory is as it was, and a short
// one's heap stays under 5 x 8 MiB. GOGC set in the environment is left
// alone.
const (
	startGCPercent = 400
	smallHeap      = 8 << 20
)

func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(startGCPercent)
	watchGC()
}

// watchGC arms a finalizer that runs after the next collection: it puts
// GOGC back to 100 once the live heap passed smallHeap, else arms itself
// again.
func watchGC() {
	s := &gcSentinel{}
	runtime.SetFinalizer(s, func(*gcSentinel) {
		if liveHeap() > smallHeap {
			debug.SetGCPercent(100)
			return
		}
		watchGC()
	})
}

// gcSentinel is large enough not to share a tiny-allocator block, whose
// finalizer would wait for its neighbours.
type gcSentinel struct{ _ [16]byte }

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return smallHeap + 1 // unknown: the default
	}
	return s[0].Value.Uint64()
}

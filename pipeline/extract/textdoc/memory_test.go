package textdoc

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestMemoryProportional: reading a large Markdown file takes memory in
// proportion to it (issue 14: 50 MB of Markdown took 1.3 GB). The
// document read is held while the heap is measured, so what is counted is
// what reading leaves behind plus what the garbage collector has not yet
// returned; the bound is generous, for any machine.
func TestMemoryProportional(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 8<<20; i++ {
		if i%20 == 0 {
			fmt.Fprintf(&b, "## Section %d\n\n", i)
			continue
		}
		fmt.Fprintf(&b, "We will improve access to services in ward %d and reduce inequalities, with £%d,000 by 2027. ", i, i%900)
		b.WriteString(strings.Repeat("People told us that waiting times matter to them. ", 4) + "\n\n")
	}
	in := []byte(b.String())
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d, err := Read(in, "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	peak := int64(after.HeapInuse) - int64(before.HeapInuse)
	allocated := after.TotalAlloc - before.TotalAlloc
	runtime.KeepAlive(d)
	t.Logf("%d MiB of Markdown: heap grew %d MiB, %d MiB allocated in all", len(in)>>20, peak>>20, allocated>>20)
	if limit := int64(12 * len(in)); peak > limit {
		t.Errorf("heap grew by %d MiB for %d MiB of input, more than 12 times", peak>>20, len(in)>>20)
	}
	if limit := uint64(40 * len(in)); allocated > limit {
		t.Errorf("%d MiB allocated for %d MiB of input, more than 40 times", allocated>>20, len(in)>>20)
	}
}

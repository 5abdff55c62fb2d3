package rules

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

// TestScoreMemoryProportional: annotating and scoring a large document (4 MiB of text)
// takes memory in proportion to it (issue 14: 50 MB of Markdown took
// 1.3 GB). The annotated document and its scorecard are held while the
// heap is measured; the bounds are generous, for any machine, and catch
// memory that grows faster than the text.
func TestScoreMemoryProportional(t *testing.T) {
	if testing.Short() {
		t.Skip("a 4 MiB document is scored: not in -short")
	}
	// Built as the document model directly: rules read that, never a
	// file format.
	var blocks []document.Block
	size := 0
	for i := 0; size < 4<<20; i++ {
		var bl document.Block
		if i%20 == 0 {
			bl = head(fmt.Sprintf("Section %d", i), 2)
		} else {
			bl = para(fmt.Sprintf("We will improve access to services in ward %d and reduce inequalities, with £%d,000 by 2027. ", i, i%900) +
				strings.Repeat("People told us that waiting times matter to them. ", 4))
		}
		blocks = append(blocks, bl)
		size += len(bl.Text)
	}
	d := &document.Document{Title: "Large plan", Pages: []document.Page{{Number: 1, Blocks: blocks}}}
	sections.Build(d, nil, true)
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ad := annotate.Annotate(d)
	card := s.Score(ad, Tool{Name: "nhsreview", Version: "test"})
	runtime.ReadMemStats(&after)
	held := int64(after.HeapInuse) - int64(before.HeapInuse)
	allocated := after.TotalAlloc - before.TotalAlloc
	runtime.KeepAlive(ad)
	runtime.KeepAlive(card)
	t.Logf("%d MiB of text: heap grew %d MiB while scoring, %d MiB allocated in all", size>>20, held>>20, allocated>>20)
	if limit := int64(60 * size); held > limit {
		t.Errorf("heap grew by %d MiB for %d MiB of text, more than 60 times", held>>20, size>>20)
	}
	if limit := uint64(250 * size); allocated > limit {
		t.Errorf("%d MiB allocated for %d MiB of text, more than 250 times", allocated>>20, size>>20)
	}
}

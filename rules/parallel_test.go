package rules

import (
	"bytes"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
)

// TestParallelMatchesOneCore: a long document, annotated and scored on
// several cores, gives byte for byte the sentences and the scorecard it
// gives on one.
func TestParallelMatchesOneCore(t *testing.T) {
	rs, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	d := boardPack(t, 60000)
	result := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		ad := annotate.Annotate(d)
		if n := len(ad.Sentences); n < parallelSentences {
			t.Fatalf("only %d sentences: the document is not long enough to be split", n)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		if err := enc.Encode(ad.Sentences); err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(rs.Score(ad, Tool{Name: "test"})); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	one := result(1)
	for _, procs := range []int{2, 3, 8} {
		if got := result(procs); !bytes.Equal(got, one) {
			i := 0
			for i < len(got) && i < len(one) && got[i] == one[i] {
				i++
			}
			t.Fatalf("%d cores differ from one at byte %d of %d: %.200q", procs, i, len(one), got[i:])
		}
	}
}

package annotate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/textdoc"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

// sharedCorpus returns ../shared/corpus/real-text, or skips.
func sharedCorpus(t testing.TB) string { return sharedcorpus.Require(t, "corpus", "real-text") }

func readCorpusDoc(t testing.TB, path string) *document.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := textdoc.Read(data, "text/markdown")
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	sections.Build(d, nil, true)
	return d
}

// TestCorpus annotates the real Markdown documents: no panic, every
// sentence verbatim, annotations inside their sentence, and a floor of
// findings where a reader sees them.
func TestCorpus(t *testing.T) {
	dir := sharedCorpus(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Skipf("no Markdown files in %s", dir)
	}
	// Minimum counts per document and kind (or kind/sub), from reading
	// the documents; far below what is there, so that they catch a broken
	// annotator, not a tuned one.
	floors := map[string]map[string]int{
		"leeds-health-wellbeing-strategy-2023-2030.md":  {Money: 5, Group: 30, Place: 50, Percent: 10, Count: 5, VCS: 3, "group/core20": 3},
		"lch-trust-board-public-papers-2025-09.md":      {Money: 20, Commitment: 20, Year: 50, "money/recurrent": 1},
		"reform-getting-into-shape-2017.md":             {Money: 15, Count: 10, Percent: 10},
		"nhse-neighbourhood-health-guidelines-2025.md":  {VCS: 2, Group: 3},
		"dhsc-10-year-health-plan-exec-summary-2025.md": {Commitment: 3, Deadline: 2},
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			d := readCorpusDoc(t, f)
			ad := Annotate(d)
			if len(ad.Sentences) == 0 {
				t.Fatal("no sentences")
			}
			checkVerbatim(t, d, ad)
			counts := map[string]int{}
			for _, s := range ad.Sentences {
				checkSpans(t, s.Text, s.Annotations)
				for _, a := range s.Annotations {
					counts[a.Kind]++
					counts[a.Kind+"/"+a.Sub]++
					if a.Kind == Money && !strings.ContainsAny(a.Text, "£") && !strings.Contains(strings.ToLower(a.Text), "pound") && !strings.Contains(strings.ToUpper(a.Text), "GBP") {
						t.Errorf("money without a currency: %q in %q", a.Text, s.Text)
					}
					if a.Kind == Year && (a.Value < minYear || a.Value > maxYear) {
						t.Errorf("implausible year %v in %q", a.Value, s.Text)
					}
				}
			}
			for k, n := range floors[name] {
				if counts[k] < n {
					t.Errorf("%s: %d annotations, want at least %d", k, counts[k], n)
				}
			}
			t.Logf("%d sentences; %d money, %d group, %d place, %d vcs, %d engagement, %d commitment",
				len(ad.Sentences), counts[Money], counts[Group], counts[Place], counts[VCS], counts[Engagement], counts[Commitment])
		})
	}
}

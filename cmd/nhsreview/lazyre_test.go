package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
)

// TestPatternsCompile compiles every regular expression that the linked
// packages compile on first use (internal/lazyre), so that a pattern that
// does not compile fails here rather than when a document first needs it.
func TestPatternsCompile(t *testing.T) {
	if n := lazyre.Count(); n < 150 {
		t.Errorf("only %d lazily compiled patterns: a package is no longer linked?", n)
	}
	if err := lazyre.CompileAll(); err != nil {
		t.Fatal(err)
	}
}

// TestPatternFilters holds every pattern of the program, with the
// literal filters and branch splitting of internal/lazyre, to the plain
// regular expression: the same MatchString and FindStringIndex on every
// fourth line of the shared corpus's Markdown (as it is and lower-cased), and on
// texts made of the literals themselves.
func TestPatternFilters(t *testing.T) {
	texts := []string{"", " ", "a", "A 1.", "The chair welcomed members. Apologies were received.", "£1,000 in 2024/25 (NHS, 2023)"}
	if dir := sharedcorpus.Path("corpus", "real-text"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(data), "\n") {
				if i%4 == 0 { // a sample: every line took minutes
					texts = append(texts, line, strings.ToLower(line))
				}
			}
		}
	} else {
		t.Log("shared corpus not found: synthetic texts only")
	}
	if testing.Short() {
		texts = texts[:min(len(texts), 2000)]
	}
	for _, r := range lazyre.All() {
		if !r.Filtered() {
			continue // the plain regular expression
		}
		t.Run("", func(t *testing.T) {
			t.Parallel()
			re := regexp.MustCompile(r.String())
			// The pattern's own literal pieces, alone and in context.
			own := slices.Clone(texts)
			for _, piece := range regexp.MustCompile(`[A-Za-z ]{3,}`).FindAllString(r.String(), -1) {
				own = append(own, piece, "x "+piece+" y", strings.ToUpper(piece))
			}
			bad := 0
			for _, s := range own {
				if r.MatchString(s) != re.MatchString(s) || !slices.Equal(r.FindStringIndex(s), re.FindStringIndex(s)) {
					if bad++; bad <= 3 {
						t.Errorf("%s on %q: filtered %v %v, plain %v %v", r, s, r.MatchString(s), r.FindStringIndex(s), re.MatchString(s), re.FindStringIndex(s))
					}
				}
			}
		})
	}
}

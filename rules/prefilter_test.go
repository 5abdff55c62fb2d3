package rules

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
)

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		pattern string
		want    string // literals joined by |, "" when there is no filter
	}{
		{`(?i)\bdriven (mainly |largely )?by\b`, "driven "},
		{`(?i)\b(\d+|two|three) times (the|more)\b`, " times "},
		{`(?i)\b(half|a third) (of|the)\b`, "half|a third"},
		{`(?i)^\s*["“]`, ""},
		{`(?i)\d+`, ""},
		{`(?i)(doi|et al)`, "doi|et al"},
	}
	for _, tc := range tests {
		f := newFilteredRE(tc.pattern)
		if got := strings.Join(f.lits, "|"); got != tc.want {
			t.Errorf("%s: literals %q, want %q", tc.pattern, got, tc.want)
		}
	}
	// The filter never rules out a real match.
	for _, tc := range []struct{ pattern, text string }{
		{`(?i)\bdriven (mainly |largely )?by\b`, "The gap is Driven Mainly By smoking"},
		{`(?i)\b(half|a third) (of|the)\b`, "nearly HALF the average"},
		{`(?i)\b(\d+|two|three) times (the|more)\b`, "60 times the rate"},
		{`(?i)^\W*(open|expand|work with)\b`, "• “Work with partners"},
		{`(?i)^\W*(open|expand|work with)\b`, "Expand"},
	} {
		f := newFilteredRE(tc.pattern)
		if !f.mayMatch(strings.ToLower(tc.text)) || !f.re.MatchString(tc.text) {
			t.Errorf("%s should match %q", tc.pattern, tc.text)
		}
	}
	// A first-word pattern looks for its words at the start only.
	f := newFilteredRE(`(?i)^\W*(open|expand|work with)\b`)
	if !f.leading || f.mayMatch("we will expand the service") {
		t.Errorf("a first-word pattern should rule out a later word (leading %v)", f.leading)
	}
}

// A term's expression runs without (?i) only when that cannot change
// what it matches on lower-cased text.
func TestTermExprCaseFolding(t *testing.T) {
	for _, tc := range []struct{ term, want string }{
		{`/\bone in (two|\d+)\b/`, `\bone in (two|\d+)\b`},
		{`/^\W*(open|expand)\b/`, `^\W*(open|expand)\b`},
		{`/\([A-Z][a-z]+, (19|20)\d\d\)/`, `(?i)\([A-Z][a-z]+, (19|20)\d\d\)`},
		{`/café/`, `(?i)café`},
	} {
		got, ok := termExpr(tc.term)
		if !ok || got != tc.want {
			t.Errorf("termExpr(%q) = %q, %v; want %q", tc.term, got, ok, tc.want)
		}
	}
}

// The hand-written matchers find what their patterns find, first match
// and every match, on tricky cases, random texts and every line of the
// shared corpus's Markdown (when present).
func TestHandMatchers(t *testing.T) {
	texts := []string{"", "1", "a1", "1a", "_1", "1_", "12,345.67", "12,", "1.", "£1,000", "x 1,2,3, y", "1.2.3abc", "10x 20 y",
		"é1", "1é", "“a”", "a” ", "a”\t\n", "a\"\v", "a’ \f\r", "a’x", "”", " \"", "\xe2\x80", "\xe2\x80\x9d", "a\xff”", "1\xe2\x80\x9d 2"}
	alphabet := []string{"0", "7", ",", ".", " ", "\t", "\v", "a", "Z", "_", "é", "”", "\"", "’", "“", "\xe2", "\x80", "\x9d", "-"}
	rnd := rand.New(rand.NewPCG(20, 20))
	for range 20000 {
		var b strings.Builder
		for range rnd.IntN(12) {
			b.WriteString(alphabet[rnd.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	if dir := sharedcorpus.Path("corpus", "real-text"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(data), "\n") {
				texts = append(texts, normalise(line))
			}
		}
	}
	for pattern := range handMatchers {
		f, re := newFilteredRE(pattern), regexp.MustCompile(pattern)
		for _, s := range texts {
			if got, want := f.find(s), re.FindStringIndex(s); !slices.Equal(got, want) {
				t.Errorf("%s on %q: %v, want %v", pattern, s, got, want)
			}
			if got, want := f.findAll(s), re.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%s on %q: all %v, want %v", pattern, s, got, want)
			}
		}
	}
}

func FuzzHandMatchers(f *testing.F) {
	for _, s := range []string{"12,345.67 a", "1a 2_", "“a” \t", "x’\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for pattern := range handMatchers {
			fr, re := newFilteredRE(pattern), regexp.MustCompile(pattern)
			if got, want := fr.findAll(s), re.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%s on %q: %v, want %v", pattern, s, got, want)
			}
		}
	})
}

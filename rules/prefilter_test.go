package rules

import (
	"strings"
	"testing"
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

package lazyre

import (
	"regexp"
	"slices"
	"testing"
)

func TestLikeRegexp(t *testing.T) {
	const pat = `(?i)\b(a+)(b*)\b`
	r, want := New(pat), regexp.MustCompile(pat)
	if r.String() != pat || r.Regexp().String() != want.String() {
		t.Fatal("pattern text")
	}
	for _, s := range []string{"", "aab x AB", "ba", "a b aa bb"} {
		if r.MatchString(s) != want.MatchString(s) ||
			r.FindString(s) != want.FindString(s) ||
			len(r.FindAllStringSubmatchIndex(s, -1)) != len(want.FindAllStringSubmatchIndex(s, -1)) ||
			r.ReplaceAllString(s, "<$1>") != want.ReplaceAllString(s, "<$1>") {
			t.Errorf("%q: differs from regexp", s)
		}
	}
	if r.Regexp() != r.Regexp() {
		t.Error("compiled twice")
	}
}

func TestCompileAll(t *testing.T) {
	New(`(`)
	if CompileAll() == nil {
		t.Error("a bad pattern passed")
	}
	mu.Lock()
	all = all[:len(all)-1]
	mu.Unlock()
}

func TestSplitTop(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    []string
	}{
		{`a|b`, []string{`a`, `b`}},
		{`(?i)a|b(c|d)`, []string{`(?i)a`, `(?i)b(c|d)`}},
		{`[|]|\||(?:x|y)|[]|]|[^]|]|[[:alpha:]|]`, []string{`[|]`, `\|`, `(?:x|y)`, `[]|]`, `[^]|]`, `[[:alpha:]|]`}},
		{`a(?i)b|c`, nil},
		{`(?i:a)|b`, []string{`(?i:a)`, `b`}},
		{`(a|b`, nil},
		{`\Qa|b\E|c`, nil},
	} {
		if got := splitTop(tc.pattern); !slices.Equal(got, tc.want) {
			t.Errorf("splitTop(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
}

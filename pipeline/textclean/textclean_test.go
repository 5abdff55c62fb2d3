package textclean

import "testing"

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
		keepNewlines   bool
		controls, repl int
	}{
		{"plain ASCII untouched", "The board agreed.", "The board agreed.", false, 0, 0},
		{"ligatures expanded", "ﬁnancial ﬂows", "financial flows", false, 0, 0},
		{"non-breaking space", "£2.6\u00a0bn", "£2.6 bn", false, 0, 0},
		{"C1 quotes from Windows code pages", "the Board\u0092s plan", "the Board’s plan", false, 0, 0},
		{"control characters removed and counted", "a\x01b\x02c", "abc", false, 2, 0},
		{"newlines become spaces", "one\ntwo", "one two", false, 0, 0},
		{"newlines kept when asked", "one\r\ntwo", "one\ntwo", true, 0, 0},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "a\uFFFDb", false, 0, 1},
		{"symbol-font bullet", "\uf0b7 item", "• item", false, 0, 0},
		{"other private use dropped", "x\ue000y", "xy", false, 1, 0},
		{"soft hyphen dropped", "inequal\u00adities", "inequalities", false, 0, 0},
		{"full-width digits", "２０２４", "2024", false, 0, 0},
		{"BOM dropped", "\ufeffTitle", "Title", false, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, st := Clean(tc.in, tc.keepNewlines)
			if got != tc.want {
				t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if st.Controls != tc.controls || st.Replacement != tc.repl {
				t.Errorf("stats = %+v, want %d controls, %d replacement", st, tc.controls, tc.repl)
			}
		})
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"  a \t b\n\nc  ": "a b c",
		"":                "",
		" \n ":            "",
		"one":             "one",
		"£450m\u00a0for":  "£450m for",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

package textclean

import "testing"

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
		keepNewlines   bool
		controls       int
	}{
		{"plain ASCII untouched", "The board agreed.", "The board agreed.", false, 0},
		{"ligatures expanded", "ﬁnancial ﬂows", "financial flows", false, 0},
		{"non-breaking space", "£2.6\u00a0bn", "£2.6 bn", false, 0},
		{"C1 quotes from Windows code pages", "the Board\u0092s plan", "the Board’s plan", false, 0},
		{"control characters removed and counted", "a\x01b\x02c", "abc", false, 2},
		{"newlines become spaces", "one\ntwo", "one two", false, 0},
		{"newlines kept when asked", "one\r\ntwo", "one\ntwo", true, 0},
		{"invalid UTF-8 becomes U+FFFD", "a\xffb", "a\uFFFDb", false, 0},
		{"symbol-font bullet", "\uf0b7 item", "• item", false, 0},
		{"other private use dropped", "x\ue000y", "xy", false, 1},
		{"soft hyphen dropped", "inequal\u00adities", "inequalities", false, 0},
		{"full-width digits", "２０２４", "2024", false, 0},
		{"BOM dropped", "\ufeffTitle", "Title", false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, st := Clean(tc.in, tc.keepNewlines)
			if got != tc.want {
				t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if st.Controls != tc.controls {
				t.Errorf("stats = %+v, want %d controls", st, tc.controls)
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
		// Already folded (returned as it is) and nearly so.
		"a b £4m":  "a b £4m",
		"a  b":     "a b",
		" a":       "a",
		"a ":       "a",
		"a\u2003b": "a b",
		"a\xffb":   "a\uFFFDb",
		"\uFFFD x": "\uFFFD x",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
		if got := Fold(want); got != want {
			t.Errorf("Fold(%q) = %q: folded text must come back as it is", want, got)
		}
	}
}

func TestShorten(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"the board is asked to approve", 20, "the board is asked…"},
		{"averyveryverylongword tail", 10, "averyveryv…"},
		{"café café café", 4, "caf…"}, // never half a character
	} {
		if got := Shorten(tc.s, tc.n); got != tc.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestASCIILower(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"already lower":          "already lower",
		"NHS Sussex ICB":         "nhs sussex icb",
		"Équipe ÉTÉ and Crawley": "Équipe ÉtÉ and crawley", // only ASCII changes: offsets stay
	} {
		if got := ASCIILower(in); got != want || len(got) != len(in) {
			t.Errorf("ASCIILower(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"one line":         "one line",
		"a\nb\r\nc\rd":     "a b  c d",
		"tab\tstays  wide": "tab\tstays  wide",
	} {
		if got := OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		word string
		want string
	}{
		{0, "page", "0 pages"},
		{1, "page", "1 page"},
		{2, "red flag", "2 red flags"},
		{-1, "document", "-1 documents"},
	}
	for _, tt := range tests {
		if got := Plural(tt.n, tt.word); got != tt.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.word, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 12345: "12,345", 1234567: "1,234,567",
		-5: "-5", -999: "-999", -1000: "-1,000", -123456: "-123,456",
		9223372036854775807:  "9,223,372,036,854,775,807",
		-9223372036854775808: "-9,223,372,036,854,775,808",
	} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

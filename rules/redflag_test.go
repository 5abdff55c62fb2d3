package rules

import "testing"

func TestSplitRedFlag(t *testing.T) {
	for flag, want := range map[string][3]any{
		"A headline sum is given with no period or source. (page 3: “We will invest £12.5m (new money).”)": {"A headline sum is given with no period or source.", 3, "We will invest £12.5m (new money)."},
		"No named group.":   {"No named group.", 0, ""},
		"Odd (page x: “q”)": {"Odd (page x: “q”)", 0, ""},
	} {
		msg, page, quote := SplitRedFlag(flag)
		if msg != want[0] || page != want[1] || quote != want[2] {
			t.Errorf("%q: %q, %d, %q", flag, msg, page, quote)
		}
	}
}

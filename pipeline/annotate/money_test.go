package annotate

import "testing"

func TestFindMoney(t *testing.T) {
	m := func(text string, v, v2 float64, unit, sub string) want {
		return want{Kind: Money, Sub: sub, Text: text, Value: v, Value2: v2, Unit: unit}
	}
	runFind(t, FindMoney, []findCase{
		{"The plan invests £2.6bn.", []want{m("£2.6bn", 2.6e9, 0, "", "")}},
		{"a budget of £2.6 billion", []want{m("£2.6 billion", 2.6e9, 0, "", "")}},
		{"£450m and £450 million", []want{m("£450m", 450e6, 0, "", ""), m("£450 million", 450e6, 0, "", "")}},
		{"grants of £17,900 and £46,132,439", []want{m("£17,900", 17900, 0, "", ""), m("£46,132,439", 46132439, 0, "", "")}},
		{`"£1.2 million" was spent`, []want{m("£1.2 million", 1.2e6, 0, "", "")}},
		{"£3.4bn | £12.1m | £0.5m", []want{m("£3.4bn", 3.4e9, 0, "", ""), m("£12.1m", 12.1e6, 0, "", ""), m("£0.5m", 0.5e6, 0, "", "")}},
		{"£ 500k and £250k", []want{m("£ 500k", 500e3, 0, "", ""), m("£250k", 250e3, 0, "", "")}},
		{"GBP 27m or 27 million pounds", []want{m("GBP 27m", 27e6, 0, "", ""), m("27 million pounds", 27e6, 0, "", "")}},
		{"a gap of £33million and £1.9M surplus", []want{m("£33million", 33e6, 0, "", ""), m("£1.9M", 1.9e6, 0, "", "")}},
		{"costing £10m-£15m in total", []want{m("£10m-£15m", 10e6, 15e6, "", "")}},
		{"costing £10–15 million", []want{m("£10–15 million", 10e6, 15e6, "", "")}},
		{"£2-3bn", []want{m("£2-3bn", 2e9, 3e9, "", "")}},
		{"between £2m and £3m", []want{m("£2m and £3m", 2e6, 3e6, "", "")}},
		{"£10 to 15 people", []want{m("£10", 10, 0, "", "")}},
		{"£5m to £3m", []want{m("£5m", 5e6, 0, "", ""), m("£3m", 3e6, 0, "", "")}},
		// Units.
		{"£1.4 billion a year", []want{m("£1.4 billion", 1.4e9, 0, "per year", "")}},
		{"£11,700 per year and £9,000 per annum", []want{m("£11,700", 11700, 0, "per year", ""), m("£9,000", 9000, 0, "per year", "")}},
		{"£5m annually", []want{m("£5m", 5e6, 0, "per year", "")}},
		{"£200 per head of population", []want{m("£200", 200, 0, "per head", "")}},
		{"£120 per person, £80 per capita", []want{m("£120", 120, 0, "per head", ""), m("£80", 80, 0, "per head", "")}},
		{"£300 per bed, £50 per patient, £10 per week", []want{m("£300", 300, 0, "per bed", ""), m("£50", 50, 0, "per patient", ""), m("£10", 10, 0, "per week", "")}},
		{"£5m paid", []want{m("£5m", 5e6, 0, "", "")}},
		// Qualifiers.
		{"£3 million recurrent", []want{m("£3 million", 3e6, 0, "", "recurrent")}},
		{"non-recurrent funding of £2m", []want{m("£2m", 2e6, 0, "", "non-recurrent")}},
		{"a one-off payment of £500,000", []want{m("£500,000", 500e3, 0, "", "one-off")}},
		{"£3m recurrent and £1m non-recurrent", []want{m("£3m", 3e6, 0, "", "recurrent"), m("£1m", 1e6, 0, "", "non-recurrent")}},
		{"£20m of new funding", []want{m("£20m", 20e6, 0, "", "new")}},
		{"new recurrent investment of £4m a year", []want{m("£4m", 4e6, 0, "per year", "recurrent,new")}},
		{"£1m from within existing resources", []want{m("£1m", 1e6, 0, "", "existing")}},
		// Footnotes glued to sums.
		{"the estimate of £230,000.17 This suggests", []want{m("£230,000", 230e3, 0, "", "")}},
		{"training for £162,000.117", []want{m("£162,000", 162e3, 0, "", "")}},
		{"earning £45.58 an hour", []want{m("£45.58", 45.58, 0, "per hour", "")}},
		// Not money.
		{"£", nil},
		{"£ alone, and £m in a header", nil},
		{"page 14", nil},
		{"2023", nil},
		{"Section 2.3 and Table 4", nil},
		{"1. Introduction", nil},
		{"figures in £000s", nil},
		{"pound for pound", nil},
	})
}

func TestHasSub(t *testing.T) {
	a := Annotation{Sub: "recurrent,new"}
	for sub, want := range map[string]bool{"recurrent": true, "new": true, "non-recurrent": false, "": false} {
		if got := a.HasSub(sub); got != want {
			t.Errorf("HasSub(%q) = %v, want %v", sub, got, want)
		}
	}
}

package annotate

import "testing"

func TestFindDates(t *testing.T) {
	y := func(text string, v, v2 float64, sub string) want {
		return want{Kind: Year, Sub: sub, Text: text, Value: v, Value2: v2}
	}
	p := func(text, sub string, v, v2 float64, unit string) want {
		return want{Kind: Period, Sub: sub, Text: text, Value: v, Value2: v2, Unit: unit}
	}
	d := func(text, sub string, v, v2 float64, unit string) want {
		return want{Kind: Deadline, Sub: sub, Text: text, Value: v, Value2: v2, Unit: unit}
	}
	runFind(t, FindDates, []findCase{
		{"Published in 2019.", []want{y("2019", 2019, 0, "")}},
		{"the 2023/24 plan and 2025-26 budget", []want{y("2023/24", 2023, 2024, SubFinancialYear), y("2025-26", 2025, 2026, SubFinancialYear)}},
		{"Strategy 2024-2029", []want{p("2024-2029", SubRange, 2024, 2029, "")}},
		{"Strategy 2021-25", []want{p("2021-25", SubRange, 2021, 2025, "")}},
		{"by December 2023", []want{d("by December 2023", SubDate, 2023, 0, "")}},
		{"by March 2026, by 2030", []want{d("by March 2026", SubDate, 2026, 0, ""), d("by 2030", SubDate, 2030, 0, "")}},
		{"by the end of 2025", []want{d("by the end of 2025", SubDate, 2025, 0, "")}},
		{"by Mar. 2026", []want{d("by Mar. 2026", SubDate, 2026, 0, "")}},
		{"by Q3 2024/25", []want{d("by Q3 2024/25", SubDate, 2024, 2025, "")}},
		{"by 31 March 2025", []want{d("by 31 March 2025", SubDate, 2025, 0, "")}},
		{"by mid-2027", []want{d("by mid-2027", SubDate, 2027, 0, "")}},
		{"By the end of 2025/26 we will", []want{d("By the end of 2025/26", SubDate, 2025, 2026, "")}},
		{"within 12 months", []want{d("within 12 months", SubRelative, 12, 0, "months")}},
		{"within the next two years", []want{d("within the next two years", SubRelative, 2, 0, "years")}},
		{"over three years", []want{p("over three years", SubDuration, 3, 0, "years")}},
		{"over 5 years", []want{p("over 5 years", SubDuration, 5, 0, "years")}},
		{"over the next 10 years", []want{p("over the next 10 years", SubDuration, 10, 0, "years")}},
		{"a five-year plan", []want{p("five-year plan", SubDuration, 5, 0, "years")}},
		{"a 3-year programme and a 12-month roadmap", []want{p("3-year programme", SubDuration, 3, 0, "years"), p("12-month", SubDuration, 12, 0, "months")}},
		{"multi-year funding", []want{p("multi-year", SubMultiYear, 0, 0, "years")}},
		{"£5m per year", []want{p("per year", SubAnnual, 0, 0, "")}},
		{"£5m a year", []want{p("a year", SubAnnual, 0, 0, "")}},
		{"reviewed annually", []want{p("annually", SubAnnual, 0, 0, "")}},
		{"each year and per annum", []want{p("each year", SubAnnual, 0, 0, ""), p("per annum", SubAnnual, 0, 0, "")}},
		{"£3m recurrent funding", []want{p("recurrent", SubRecurrent, 0, 0, "")}},
		{"non-recurrent funding", []want{p("non-recurrent", SubNonRecurrent, 0, 0, "")}},
		{"a one-off grant", []want{p("one-off", SubOneOff, 0, 0, "")}},
		{"for 2024/25", []want{p("for 2024/25", SubFinancialYear, 2024, 2025, "")}},
		{"in 2023/24", []want{p("in 2023/24", SubFinancialYear, 2023, 2024, "")}},
		{"from 2024 to 2026", []want{p("from 2024 to 2026", SubRange, 2024, 2026, "")}},
		{"between 2020 and 2022", []want{p("between 2020 and 2022", SubRange, 2020, 2022, "")}},
		// Negatives.
		{"page 14", nil},
		{"page 2023", nil},
		{"Section 2.3", nil},
		{"Table 4", nil},
		{"1. Introduction", nil},
		{"1989 and 2051 are out of range", nil},
		{"£2019 was spent", nil},
		{"2,023 people", nil},
		{"2023%", nil},
		{"2000 people", nil},
		{"a year ago", nil},
		{"recurrent themes", nil},
		{"aged over 65 years", nil},
		{"supported by 2,000 volunteers", nil},
	})
}

package annotate

import "testing"

func TestFindNumbers(t *testing.T) {
	p := func(text string, v, v2 float64) want { return want{Kind: Percent, Text: text, Value: v, Value2: v2} }
	r := func(text string, v, v2 float64, unit string) want {
		return want{Kind: Rate, Text: text, Value: v, Value2: v2, Unit: unit}
	}
	c := func(text string, v float64, unit string) want {
		return want{Kind: Count, Text: text, Value: v, Unit: unit}
	}
	runFind(t, FindNumbers, []findCase{
		{"14% of adults smoke", []want{p("14%", 14, 0)}},
		{"19 per cent and 9.3 percent", []want{p("19 per cent", 19, 0), p("9.3 percent", 9.3, 0)}},
		{"between 10-15% of people", []want{p("10-15%", 10, 15)}},
		{"10 to 15 per cent", []want{p("10 to 15 per cent", 10, 15)}},
		{"rose from 10% to 15%", []want{p("10%", 10, 0), p("15%", 15, 0)}},
		{"40-50 per 100,000", []want{r("40-50 per 100,000", 40, 50, "per 100,000")}},
		{"12.3 per 1,000 population", []want{r("12.3 per 1,000", 12.3, 0, "per 1,000")}},
		{"a rate of 110 per 100,000 people", []want{r("110 per 100,000", 110, 0, "per 100,000")}},
		{"deaths per 100000 and 7 per 1000", []want{r("7 per 1000", 7, 0, "per 1,000")}},
		{"25,200 virtual beds", []want{c("25,200 virtual beds", 25200, "bed")}},
		{"We will invest £450m in 25,200 virtual beds", []want{c("25,200 virtual beds", 25200, "bed")}},
		{"1 in 5 children", nil},
		{"1.3 million additional people", []want{c("1.3 million additional people", 1.3e6, "people")}},
		{"46 people attended", []want{c("46 people", 46, "people")}},
		{"32,000 whole-time equivalents", []want{c("32,000 whole-time equivalents", 32000, "whole-time equivalent")}},
		{"40 community nurses", []want{c("40 community nurses", 40, "nurse")}},
		{"three new hubs", []want{c("three new hubs", 3, "hub")}},
		{"over 58,000 staff", []want{c("58,000 staff", 58000, "staff")}},
		{"5 GP appointments", []want{c("5 GP appointments", 5, "appointment")}},
		{"1 person", []want{c("1 person", 1, "people")}},
		{"2000 people", []want{c("2000 people", 2000, "people")}},
		{"14% of 2,000 patients", []want{p("14%", 14, 0), c("2,000 patients", 2000, "patient")}},
		// Not counts.
		{"page 14", nil},
		{"2023", nil},
		{"In 2023 people said", nil},
		{"Section 2.3", nil},
		{"Table 4", nil},
		{"1. Introduction", nil},
		{"1.2 Patients and carers", nil},
		{"the 1st patients", nil},
		{"COVID-19 patients", nil},
		{"Year 6 pupils", nil},
		{"1 in 5 children", nil},
		{"24 case studies", nil},
		{"18 House of Lords", nil},
		{"3 radical shifts - hospital to community", nil},
		{"aged 65 people", nil},
		{"£5m for 20 schemes", []want{c("20 schemes", 20, "scheme")}},
		{"£46 people", nil},
		{"within 12 months", nil},
		{"per 1000 live births", nil},
	})
}

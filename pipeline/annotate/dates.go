package annotate

import (
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// Plausible years for NHS papers; numbers outside are not years.
const (
	minYear = 1990
	maxYear = 2050
)

// Sub-kinds of Year, Period and Deadline.
const (
	SubFinancialYear = "financial-year" // "2023/24"; Period "in 2023/24"
	SubAnnual        = "annual"         // "per year", "each year", "annually"
	SubDuration      = "duration"       // "over three years"; Value the count, Unit "years"/"months"
	SubMultiYear     = "multi-year"
	SubRange         = "range"    // "2024-2029", "from 2024 to 2026"
	SubDate          = "date"     // "by March 2026"
	SubRelative      = "relative" // "within 12 months"; Value the count, Unit "months"
)

const (
	yearPat  = `(?:199\d|20[0-4]\d|2050)`
	monthPat = `january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec`
	// smallNumPat are the counts of years, months and weeks written out.
	smallNumPat = `\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|twenty[\s-]four|thirty|a`
)

var (
	yearRe     = lazyre.New(`^(?:\b(` + yearPat + `)(?:\s?(/|-|–|—)\s?(\d{4}|\d{2}))?\b)`)
	deadlineRe = lazyre.New(`^(?:\b(?:by|no\s+later\s+than)\s+(?:the\s+)?(?:(?:end|start|beginning|middle)(?:\s+of|-)\s*)?(?:the\s+)?(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:` + monthPat + `)\.?,?\s+|(?:q[1-4]|quarter\s+[1-4]|(?:early|mid|late)[\s-]|spring|summer|autumn|winter)\s*(?:of\s+)?|(?:financial\s+year|fy)\s*)?(?:of\s+)?(` + yearPat + `)(?:\s?(?:/|-|–)\s?(\d{4}|\d{2}))?\b)`)
	withinRe   = lazyre.New(`^(?:\bwithin\s+(?:the\s+)?(?:next\s+|first\s+)?(` + smallNumPat + `)\s+(days?|weeks?|months?|years?)\b)`)
	durationRe = lazyre.New(`^(?:\b(?:over|for|across)\s+(?:the\s+)?(?:(?:next|coming|following|first|last|past|remaining)\s+)?(` + smallNumPat + `)\s+(years?|months?)\b|\b(` + smallNumPat + `)(?:-|\s)(year|month)\s(?:plan|programme|strategy|funding|investment|period|contract|contracts|deal|settlement|agreement|budget|allocation|grant|grants|commitment|vision|programme)\b|\b(` + smallNumPat + `)-(year|month)\b|\bmulti[\s-]?year\b)`)
	annualRe   = lazyre.New(`^(?:\b(?:per\s+(?:year|annum)|each\s+year|every\s+year|annually|yearly|(a)\s+year)\b|\bp\.a\.)`)
	spanRe     = lazyre.New(`^(?:\b(?:from|between)\s+(` + yearPat + `)(?:\s?/\s?\d{2})?\s+(?:to|until|till|and|through)\s+(` + yearPat + `)(?:\s?/\s?(\d{2}))?\b)`)
	fyRe       = lazyre.New(`^(?:\b(?:for|in|during|across|throughout)\s+(?:the\s+)?(?:financial\s+year\s+|fy\s*)?(` + yearPat + `)\s?(?:/|-|–)\s?(\d{4}|\d{2})\b)`)
)

var smallNums = map[string]float64{
	"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
	"eighteen": 18, "twenty": 20, "twenty four": 24, "twenty-four": 24, "thirty": 30,
}

func smallNum(s string) float64 {
	if v, ok := smallNums[s]; ok {
		return v
	}
	v, _ := strconv.Atoi(s)
	return float64(v)
}

// FindDates finds years (Year: 2019; "2023/24" with Sub "financial-year"
// and Value2 the second year), deadlines (Deadline: "by March 2026",
// "by the end of 2025", "by Q3 2024/25" with Value the year, Sub "date";
// "within 12 months" with Sub "relative", Value 12, Unit "months") and
// periods (Period with Sub "annual", "recurrent", "non-recurrent",
// "one-off", "duration" ("over three years": Value 3, Unit "years"),
// "multi-year", "range" ("2024-2029", "from 2024 to 2026": Value and
// Value2 years) or "financial-year" ("for 2024/25", "in 2023/24")). Each
// year mention is in exactly one of these: a year inside a deadline or a
// period is not reported again as a Year.
func FindDates(s string) []Annotation {
	return findDates(newText(s))
}

func findDates(t *text) []Annotation {
	l := t.lower
	hasDigit := strings.ContainsAny(l, "0123456789")
	var c []Annotation
	add := func(kind, sub string, a, b int, v, v2 float64, unit string) {
		c = append(c, Annotation{Kind: kind, Sub: sub, Start: a, End: b, Text: t.s[a:b], Value: v, Value2: v2, Unit: unit})
	}
	if hasDigit {
		if strings.Contains(l, "by") || strings.Contains(l, "later than") {
			for _, m := range allAt(deadlineRe, t, deadlineCand) {
				y := atoi(l[m[2]:m[3]])
				y2 := 0
				if m[4] >= 0 {
					y2 = secondYear(y, l[m[4]:m[5]])
				}
				end := m[1]
				if m[4] >= 0 && y2 == 0 {
					end = m[3] // "by 2019-18": keep only the year
				}
				if !yearEndOK(l, end) {
					continue
				}
				add(Deadline, SubDate, m[0], end, float64(y), float64(y2), "")
			}
		}
		if strings.Contains(l, "from") || strings.Contains(l, "between") {
			for _, m := range allAt(spanRe, t, spanCand) {
				y, y2 := atoi(l[m[2]:m[3]]), atoi(l[m[4]:m[5]])
				if m[6] >= 0 {
					y2 = secondYear(y2, l[m[6]:m[7]])
				}
				if y2 > y {
					add(Period, SubRange, m[0], m[1], float64(y), float64(y2), "")
				}
			}
		}
		for _, m := range allAt(fyRe, t, fyCand) {
			y := atoi(l[m[2]:m[3]])
			if y2 := secondYear(y, l[m[4]:m[5]]); y2 == y+1 && yearEndOK(l, m[1]) {
				add(Period, SubFinancialYear, m[0], m[1], float64(y), float64(y2), "")
			}
		}
		for _, m := range allAt(yearRe, t, tokTest(isYearToken)) {
			start, end := m[0], m[1]
			if !yearStartOK(l, start) {
				continue
			}
			y := atoi(l[m[2]:m[3]])
			if m[6] < 0 {
				if !yearEndOK(l, end) || yearIsCount(t, start, end) {
					continue
				}
				add(Year, "", start, end, float64(y), 0, "")
				continue
			}
			sep, tail := l[m[4]:m[5]], l[m[6]:m[7]]
			y2 := secondYear(y, tail)
			switch {
			case y2 == y+1 && (len(tail) == 2 || sep == "/"):
				if yearEndOK(l, end) {
					add(Year, SubFinancialYear, start, end, float64(y), float64(y2), "")
				}
			case y2 > y && y2 <= maxYear+10:
				if yearEndOK(l, end) {
					add(Period, SubRange, start, end, float64(y), float64(y2), "")
				}
			default:
				if yearEndOK(l, m[3]) {
					add(Year, "", start, m[3], float64(y), 0, "")
				}
			}
		}
	}
	if strings.Contains(l, "within") {
		for _, m := range allAt(withinRe, t, withinCand) {
			if n := smallNum(l[m[2]:m[3]]); n > 0 {
				add(Deadline, SubRelative, m[0], m[1], n, 0, plural(l[m[4]:m[5]]))
			}
		}
	}
	if strings.Contains(l, "year") || strings.Contains(l, "month") {
		for _, m := range allAt(durationRe, t, durationCand) {
			numA, numB, unitA, unitB := m[2], m[3], m[4], m[5]
			if numA < 0 {
				numA, numB, unitA, unitB = m[6], m[7], m[8], m[9]
			}
			if numA < 0 {
				numA, numB, unitA, unitB = m[10], m[11], m[12], m[13]
			}
			if numA < 0 {
				add(Period, SubMultiYear, m[0], m[1], 0, 0, "years")
				continue
			}
			n := smallNum(l[numA:numB])
			// "aged over 65 years" is an age, not a period.
			if n <= 0 || n > 30 || precededBy(t, m[0], "aged", "age", "ages") {
				continue
			}
			add(Period, SubDuration, m[0], m[1], n, 0, plural(l[unitA:unitB]))
		}
	}
	if strings.Contains(l, "year") || strings.Contains(l, "annu") || strings.Contains(l, "p.a.") {
		for _, m := range allAt(annualRe, t, annualCand) {
			// "a year" is annual only after an amount ("£5m a year",
			// "300 a year"), not in "a year ago" or "within a year".
			if m[2] >= 0 && !afterAmount(l, m[0]) {
				continue
			}
			add(Period, SubAnnual, m[0], m[1], 0, 0, "")
		}
	}
	// "Recurrent" and "one-off" qualify money only: "recurrent themes" and
	// "a one-off event" are not funding periods.
	if (strings.Contains(l, "recurr") || strings.Contains(l, "one")) && hasAny(l, moneyWords...) {
		for _, m := range allAt(recurAt, t, recurCand) {
			add(Period, recurSub(l[m[0]:m[1]]), m[0], m[1], 0, 0, "")
		}
	}
	return nonOverlapping(c, nil)
}

var moneyWords = []string{"£", "gbp", "pound", "fund", "cost", "saving", "invest", "budget",
	"income", "allocat", "spend", "expenditure", "contract", "post", "grant", "money", "revenue",
	"payment", "resourc", "financ", "deficit", "cip", "capital", "efficienc"}

func isYearToken(tk token) bool { return isYearString(tk.norm) }

var durationStarts = wordSet("over", "for", "across", "multi", "multiyear", "a", "one", "two",
	"three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
	"eighteen", "twenty", "thirty")

func isDurationToken(tk token) bool {
	return durationStarts[tk.norm] || isDigitToken(tk) && len(tk.norm) <= 2
}

var (
	deadlineCand = normIn("by", "no").then(8, isYearToken)
	spanCand     = normIn("from", "between").then(2, isYearToken)
	fyCand       = normIn("for", "in", "during", "across", "throughout").then(4, isYearToken)
	withinCand   = normIn("within").then(4, tokIn("day", "days", "week", "weeks", "month", "months", "year", "years"))
	durationCand = tokTest(isDurationToken).then(5, tokIn("year", "years", "month", "months")).or(normIn("multiyear"))
	annualCand   = normIn("per", "each", "every", "a").then(1, tokIn("year", "annum")).
			or(normIn("annually", "yearly")).or(normIn("p").then(1, tokIn("a")))
)

func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

// secondYear reads the second half of "2023/24" or "2024-2029" as a full
// year, or 0 when it cannot be one.
func secondYear(y int, tail string) int {
	v := atoi(tail)
	if len(tail) == 2 {
		v += y / 100 * 100
		if v <= y {
			return 0
		}
	}
	if v < minYear || v > maxYear+10 {
		return 0
	}
	return v
}

func plural(unit string) string {
	if strings.HasSuffix(unit, "s") {
		return unit
	}
	return unit + "s"
}

// yearStartOK rejects year-like numbers that are part of something else:
// "£2019", "0.2025", "1,2025", "page 2023".
func yearStartOK(l string, start int) bool {
	if start > 0 {
		c := l[start-1]
		if c == '.' || c == ',' || strings.HasSuffix(l[:start], "£") {
			return false
		}
		// "2019-2020" read from its second half; "mid-2025" is fine.
		if (c == '-' || c == '/') && start > 1 && isDigitByte(l[start-2]) {
			return false
		}
	}
	pre := strings.TrimRight(l[:start], " ")
	for _, w := range []string{"page", "pages", "p.", "pp.", "no.", "tel", "tel:", "number", "ref", "ref:"} {
		if strings.HasSuffix(pre, w) && (len(pre) == len(w) || !isWordByte(pre[len(pre)-len(w)-1])) {
			return false
		}
	}
	return true
}

// yearEndOK rejects a year followed by a percent sign, a decimal part or a
// thousands group ("2023%", "2023.5", "2,023,000" read from the middle).
func yearEndOK(l string, end int) bool {
	if end >= len(l) {
		return true
	}
	c := l[end]
	if c == '%' {
		return false
	}
	if (c == '.' || c == ',') && end+1 < len(l) && isDigitByte(l[end+1]) {
		return false
	}
	return true
}

// afterAmount reports whether the text before off ends with a number or a
// sum ("£5m", "300", "2 million").
func afterAmount(l string, off int) bool {
	pre := strings.TrimRight(l[:off], " ")
	for _, sc := range []string{"million", "billion", "thousand", "bn", "m", "k"} {
		if strings.HasSuffix(pre, sc) && len(pre) > len(sc) {
			if c := pre[len(pre)-len(sc)-1]; isDigitByte(c) || c == ' ' && len(pre) > len(sc)+1 && isDigitByte(pre[len(pre)-len(sc)-2]) {
				return true
			}
		}
	}
	return pre != "" && isDigitByte(pre[len(pre)-1])
}

// precededBy reports whether the word before byte offset off is one of
// words.
func precededBy(t *text, off int, words ...string) bool {
	k := t.tokenAt(off)
	if k == 0 {
		return false
	}
	prev := t.toks[k-1].norm
	for _, w := range words {
		if prev == w {
			return true
		}
	}
	return false
}

package annotate

import (
	"maps"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

var (
	// percentRe: "14%", "19 per cent", "9.3 percent", "10-15%", "10 to 15 per cent".
	percentRe = lazyre.New(`^(` + numPat + `)(\s?%)?(?:\s?(-|–|—|to)\s?(` + numPat + `))?\s?(?:%|per\s?cent\b|percent\b)`)
	// rateRe: "40-50 per 100,000", "12.3 per 1,000 population".
	rateRe = lazyre.New(`^(` + numPat + `)(?:\s?(?:-|–|—|to)\s?(` + numPat + `))?\s(?:per|/)\s?(1,000,000|1000000|100,000|100000|100k|10,000|10000|1,000|1000|100|million)\b`)
	// countNumRe is a number that may count something: digits, or a
	// decimal with a scale ("1.3 million"), or a number word.
	countNumRe = lazyre.New(`^(?:(` + numPat + `)(?:\s?(million|billion|thousand|m|bn|k)\b)?|(` + strings.Join(slices.Sorted(maps.Keys(wordNumbers)), "|") + `)\b)`)
)

// These are anchored (^) and run only at tokens that can start a number:
// a search of every sentence costs several times more.

var wordNumbers = map[string]float64{
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
	"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
	"hundreds": 100, "thousands": 1000, "dozens": 24,
}

// FindNumbers finds percentages (Percent, Value and Value2 in percent),
// rates (Rate, Unit "per 100,000" and the like) and counts of people and
// things (Count, Unit the counted noun in the singular, lower case, with
// "people" for people and persons). Years, list and section numbers, page
// and table references, ordinals and the numbers of sums of money are
// left out.
func FindNumbers(s string) []Annotation {
	t := newText(s)
	return findNumbers(t, findMoney(t))
}

// findNumbers takes the sentence's money so that numbers inside sums are
// not counted again.
func findNumbers(t *text, money []Annotation) []Annotation {
	l := t.lower
	hasDigit := strings.ContainsAny(l, "0123456789")
	if !hasDigit && !slices.ContainsFunc(t.toks, func(tk token) bool { return wordNumbers[tk.norm] > 0 }) {
		return nil // every number found starts with a digit or a number word
	}
	var out []Annotation
	if hasDigit && (strings.Contains(l, "%") || strings.Contains(l, "cent")) {
		for _, m := range allAt(percentRe, t, percentCand) {
			if !numberStartOK(l, m[2]) || overlaps(money, m[0], m[1]) {
				continue
			}
			v, ok := parseNum(l[m[2]:m[3]])
			if !ok {
				continue
			}
			a := Annotation{Kind: Percent, Start: m[2], End: m[1], Value: v}
			if m[8] >= 0 {
				v2, ok2 := parseNum(l[m[8]:m[9]])
				conn := l[m[6]:m[7]]
				if !ok2 || v2 <= v || (conn == "to" && m[4] >= 0) {
					// "10% to 15%" is a change from one figure to another:
					// two percentages, as is anything that is not a rising
					// range.
					if m[4] >= 0 {
						out = append(out, Annotation{Kind: Percent, Start: m[2], End: m[5], Value: v, Text: t.s[m[2]:m[5]]})
					}
					if !ok2 {
						continue
					}
					a = Annotation{Kind: Percent, Start: m[8], End: m[1], Value: v2}
				} else {
					a.Value2 = v2
				}
			}
			a.Text = t.s[a.Start:a.End]
			out = append(out, a)
		}
	}
	if hasDigit && (strings.Contains(l, "per") || strings.Contains(l, "/")) {
		for _, m := range allAt(rateRe, t, rateCand) {
			if !numberStartOK(l, m[2]) || overlaps(money, m[0], m[1]) || overlaps(out, m[0], m[1]) {
				continue
			}
			v, ok := parseNum(l[m[2]:m[3]])
			if !ok {
				continue
			}
			a := Annotation{Kind: Rate, Start: m[0], End: m[1], Value: v, Unit: "per " + rateBase(l[m[6]:m[7]])}
			if m[4] >= 0 {
				if v2, ok := parseNum(l[m[4]:m[5]]); ok && v2 > v {
					a.Value2 = v2
				}
			}
			a.Text = t.s[a.Start:a.End]
			out = append(out, a)
		}
	}
	out = append(out, findCounts(t, money, out)...)
	sortAnnotations(out)
	return out
}

func isCountToken(tk token) bool { return isDigitToken(tk) || wordNumbers[tk.norm] > 0 }

var (
	percentCand = tokTest(isDigitToken).then(4, tokIn("%", "per", "percent", "cent"))
	countCand   = tokTest(isCountToken).then(4, func(tk token) bool { return len(countNouns().first[tk.norm]) > 0 })
)

// rateCand: a number with "per" a few words on, or "/" right after it.
func rateCand(t *text, k int) bool {
	tk := t.toks[k]
	if !isDigitToken(tk) {
		return false
	}
	if strings.IndexByte(window(t.lower, tk.start, 16), '/') >= 0 {
		return true
	}
	for j := k + 1; j <= k+4 && j < len(t.toks); j++ {
		if t.toks[j].norm == "per" {
			return true
		}
	}
	return false
}

func rateBase(s string) string {
	switch strings.ReplaceAll(s, ",", "") {
	case "100":
		return "100"
	case "1000":
		return "1,000"
	case "10000":
		return "10,000"
	case "100000", "100k":
		return "100,000"
	default:
		return "1,000,000"
	}
}

// numberStartOK rejects numbers glued to what precedes them: "COVID-19",
// "Q3", "1.2.3", "Core20".
func numberStartOK(l string, start int) bool {
	if start == 0 {
		return true
	}
	c := l[start-1]
	if isDigitByte(c) || c == '.' || c == ',' || c >= 'a' && c <= 'z' || strings.HasSuffix(l[:start], "£") {
		return false
	}
	if (c == '-' || c == '/') && start > 1 {
		p := l[start-2]
		if isDigitByte(p) || p >= 'a' && p <= 'z' {
			return false
		}
	}
	return true
}

// refWords precede numbers that are references or ages, not quantities.
var refWords = wordSet("page", "pages", "p", "pp", "section", "sections", "table", "tables",
	"figure", "fig", "figures", "chapter", "appendix", "annex", "para", "paragraph", "paragraphs",
	"no", "number", "item", "step", "phase", "tier", "level", "version", "v", "box", "chart",
	"slide", "point", "stage", "objective", "goal", "aim", "action", "recommendation",
	"question", "q", "priority", "ward", "line", "row", "column", "part", "category", "band",
	"year", "aged", "age", "ages", "option", "outcome", "indicator", "ref", "reference")

// yearWords introduce a year: "in 2023 people said" has a year, not a
// count of 2023 people.
var yearWords = wordSet("in", "by", "since", "from", "during", "until", "till", "before",
	"after", "between", "to", "of", "for", "and", "the", "year", "years", "fy", "end", "early",
	"mid", "late", "spring", "summer", "autumn", "winter", "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october", "november", "december",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "q1",
	"q2", "q3", "q4", "through", "as", "at", "on", "within", "across", "over")

// countSkipWords may not sit between a number and its noun: the number
// then qualifies something else ("2 of the people", "5 per cent").
var countSkipWords = wordSet("of", "to", "and", "or", "in", "for", "per", "the", "a", "an",
	"with", "from", "by", "at", "on", "than", "over", "under", "into", "is", "are", "was",
	"were", "be", "have", "has", "had", "year", "years", "month", "months", "week", "weeks",
	"day", "days", "hour", "hours", "minute", "minutes", "old", "that", "which", "who", "we",
	"it", "this", "these", "those", "as", "not", "no", "more", "less", "fewer", "most", "least")

// findCounts finds "25,200 virtual beds", "1.3 million additional people",
// "40 community nurses": a number, up to two modifiers, a counted noun.
func findCounts(t *text, money, taken []Annotation) []Annotation {
	l := t.lower
	var out []Annotation
	for _, m := range allAt(countNumRe, t, countCand) {
		start, end := m[0], m[1]
		if overlaps(money, start, end) || overlaps(taken, start, end) {
			continue
		}
		var v float64
		if m[2] >= 0 {
			if !numberStartOK(l, start) || end < len(l) && isWordByte(l[end]) {
				continue // ordinals ("1st") and codes ("3a")
			}
			num := l[m[2]:m[3]]
			var ok bool
			if v, ok = parseNum(num); !ok {
				continue
			}
			if m[4] >= 0 {
				v *= scaleOf(l[m[4]:m[5]])
			} else {
				// Without a scale, decimals are section numbers ("1.2") and
				// bare years are dates.
				if strings.Contains(num, ".") {
					continue
				}
				if isYearString(num) && !yearIsCount(t, start, end) {
					continue
				}
			}
		} else {
			v = wordNumbers[l[m[6]:m[7]]]
		}
		if v == 0 {
			continue
		}
		k := t.tokenAt(start)
		if k > 0 && (refWords[t.toks[k-1].norm] || t.toks[k-1].norm == "per") && onlySpaceOrDot(l, t.toks[k-1].end, start) {
			continue
		}
		// "1 in 5 children" is a proportion, not five children.
		// A sum before "in" is not the "1" ("£450m in 25,200 beds").
		if k > 1 && t.toks[k-1].norm == "in" && (isDigitByte(l[t.toks[k-2].start]) || t.toks[k-2].norm == "one") &&
			!overlaps(money, t.toks[k-2].start, t.toks[k-2].end) {
			continue
		}
		unit, nounEnd := countNoun(t, end, v)
		if unit == "" {
			continue
		}
		out = append(out, Annotation{Kind: Count, Text: t.s[start:nounEnd], Start: start, End: nounEnd, Value: v, Unit: unit})
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigitByte(c)
}

func onlySpaceOrDot(s string, a, b int) bool {
	for i := a; i < b && i < len(s); i++ {
		if s[i] != ' ' && s[i] != '.' {
			return false
		}
	}
	return true
}

func isYearString(s string) bool {
	if len(s) != 4 {
		return false
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	return y >= minYear && y <= maxYear
}

// yearIsCount decides "2000 people" (a count) against "in 2023 people
// said" (a year): a year-like number directly followed by a counted noun
// is a count unless a preposition or "year" introduces it.
func yearIsCount(t *text, start, end int) bool {
	k := t.tokenAt(start)
	if k > 0 && (refWords[t.toks[k-1].norm] || yearWords[t.toks[k-1].norm]) {
		return false
	}
	j := t.tokenAt(end)
	if j >= len(t.toks) || t.toks[j].brk || !onlySpaceBetween(t.lower, end, t.toks[j].start) {
		return false
	}
	p, _ := countNouns().matchAt(t, j)
	return p != nil
}

// countNoun looks for a counted noun after byte offset end, allowing up to
// two modifiers ("additional", "community", "virtual"); it returns the
// unit and the end of the noun. A singular noun after a number other than
// one modifies the next word ("24 case studies", "5 GP appointments"), so
// the search goes on past it.
func countNoun(t *text, end int, v float64) (string, int) {
	j := t.tokenAt(end)
	if j >= len(t.toks) || !onlySpaceBetween(t.lower, end, t.toks[j].start) {
		return "", 0
	}
	for k := j; k < len(t.toks) && k <= j+2; k++ {
		tk := t.toks[k]
		if k > j && (tk.brk || !spaceOrHyphenBetween(t.lower, t.toks[k-1].end, tk.start)) {
			return "", 0
		}
		word := t.s[tk.start:tk.end]
		if p, e := countNouns().matchAt(t, k); p != nil && (isLowerWord(word) || isAcronym(word)) {
			last := t.toks[e-1]
			if v == 1 || last.norm != p.sub || invariantNouns[p.sub] {
				return p.sub, last.end
			}
			k = e - 1
			continue
		}
		if countSkipWords[tk.norm] || !isLowerWord(word) {
			return "", 0
		}
	}
	return "", 0
}

// invariantNouns have one form for one and many.
var invariantNouns = wordSet("staff", "wte", "fte", "people", "whole-time equivalent", "full-time equivalent")

// isAcronym: "GP", "WTE", "PCNs".
func isAcronym(s string) bool {
	s = strings.TrimSuffix(s, "s")
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// spaceOrHyphenBetween: words of one phrase are separated by spaces or
// by a single hyphen ("whole-time"), not by a spaced dash ("shifts - hospital").
func spaceOrHyphenBetween(s string, a, b int) bool {
	if a >= b {
		return false
	}
	if b-a == 1 && s[a] == '-' {
		return true
	}
	return onlySpaceBetween(s, a, b)
}

// isLowerWord: modifiers are lower-case words; a capitalised word after a
// number starts a new phrase ("2023 Leeds residents" is a year).
func isLowerWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z') && c < 0x80 {
			return false
		}
	}
	return true
}

// countNouns are the things NHS papers count. Units are singular except
// "people" (also for "persons"), the word readers expect.
var countNouns = lazyLexicon(countNounEntries)

func countNounEntries() []entry {
	pairs := [][2]string{
		{"people|persons|person", "people"}, {"patient|patients", "patient"},
		{"resident|residents", "resident"}, {"individual|individuals", "individual"},
		{"adult|adults", "adult"}, {"child|children", "child"}, {"baby|babies", "baby"},
		{"infant|infants", "infant"}, {"pupil|pupils", "pupil"}, {"student|students", "student"},
		{"woman|women", "woman"}, {"man|men", "man"}, {"mother|mothers", "mother"},
		{"family|families", "family"}, {"household|households", "household"},
		{"home|homes", "home"}, {"house|houses", "house"}, {"carer|carers", "carer"},
		{"volunteer|volunteers", "volunteer"}, {"member|members", "member"},
		{"participant|participants", "participant"}, {"respondent|respondents", "respondent"},
		{"response|responses", "response"}, {"user|users", "user"}, {"client|clients", "client"},
		{"citizen|citizens", "citizen"}, {"staff", "staff"}, {"employee|employees", "employee"},
		{"worker|workers", "worker"}, {"nurse|nurses", "nurse"}, {"doctor|doctors", "doctor"},
		{"gp|gps", "gp"}, {"midwife|midwives", "midwife"}, {"pharmacist|pharmacists", "pharmacist"},
		{"therapist|therapists", "therapist"}, {"consultant|consultants", "consultant"},
		{"clinician|clinicians", "clinician"}, {"practitioner|practitioners", "practitioner"},
		{"post|posts", "post"}, {"role|roles", "role"}, {"job|jobs", "job"},
		{"vacancy|vacancies", "vacancy"}, {"wte", "wte"}, {"fte", "fte"},
		{"whole time equivalent|equivalents", "whole-time equivalent"},
		{"full time equivalent|equivalents", "full-time equivalent"},
		{"bed|beds", "bed"}, {"appointment|appointments", "appointment"},
		{"admission|admissions", "admission"}, {"attendance|attendances", "attendance"},
		{"referral|referrals", "referral"}, {"contact|contacts", "contact"},
		{"visit|visits", "visit"}, {"consultation|consultations", "consultation"},
		{"assessment|assessments", "assessment"}, {"check|checks", "check"},
		{"operation|operations", "operation"}, {"procedure|procedures", "procedure"},
		{"test|tests", "test"}, {"case|cases", "case"}, {"death|deaths", "death"},
		{"birth|births", "birth"}, {"suicide|suicides", "suicide"},
		{"practice|practices", "practice"}, {"pharmacy|pharmacies", "pharmacy"},
		{"hospital|hospitals", "hospital"}, {"hub|hubs", "hub"}, {"site|sites", "site"},
		{"centre|centres", "centre"}, {"school|schools", "school"},
		{"organisation|organisations|organization|organizations", "organisation"},
		{"charity|charities", "charity"}, {"group|groups", "group"}, {"team|teams", "team"},
		{"project|projects", "project"}, {"service|services", "service"},
		{"scheme|schemes", "scheme"}, {"programme|programmes", "programme"},
		{"place|places", "place"}, {"pcn|pcns", "pcn"}, {"neighbourhood|neighbourhoods", "neighbourhood"},
		{"event|events", "event"}, {"workshop|workshops", "workshop"}, {"session|sessions", "session"},
		{"survey|surveys", "survey"}, {"smoker|smokers", "smoker"}, {"quitter|quitters", "quitter"},
		{"priority|priorities", "priority"}, {"ambition|ambitions", "ambition"},
		{"recommendation|recommendations", "recommendation"}, {"partner|partners", "partner"},
		{"trust|trusts", "trust"}, {"icb|icbs", "icb"}, {"bed-day|bed-days", "bed day"},
		{"bed days", "bed day"}, {"prescription|prescriptions", "prescription"},
		{"vaccination|vaccinations", "vaccination"}, {"episode|episodes", "episode"},
	}
	es := make([]entry, 0, len(pairs))
	for _, p := range pairs {
		es = append(es, entry{pattern: p[0], kind: Count, sub: p[1]})
	}
	return es
}

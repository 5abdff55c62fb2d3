package annotate

import (
	"strconv"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// SubNoTime marks a consultation whose closing date leaves no time to
// change what it consults on: the decision it should inform is dated
// before it closes, or less than NoTimeDays after. Lay reviewers and
// patient groups ask this of every consultation: responses need reading
// and a plan needs changing before it is approved.
const SubNoTime = "no-time"

// NoTimeDays is the least time between a consultation's close and the
// decision it informs: two weeks to read the responses and change the
// plan. The government's consultation principles ask for time to take
// responses into account; two weeks is the least anyone could argue for.
const NoTimeDays = 14

// earliestDecision bounds how long before a consultation closes a
// decision is taken as the one it informs: an approval months earlier is
// of something else (the draft that went out to consultation, last year's
// plan).
const earliestDecision = 60 * 24 * time.Hour

// dayDateRe is a date to the day: "30 March 2025", "2nd of April 2025",
// "March 30, 2025".
var dayDateRe = lazyre.New(`(?i)\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(` + monthPat + `)\.?,?\s+(` + yearPat + `)|(` + monthPat + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(` + yearPat + `))\b`)

var monthNumbers = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// datedAt is a date found in a sentence, with where.
type datedAt struct {
	t          time.Time
	start, end int
}

// dayDates finds the dates to the day in s; impossible ones ("31 June")
// are left out.
func dayDates(s string) []datedAt {
	var out []datedAt
	for _, m := range dayDateRe.FindAllStringSubmatchIndex(s, -1) {
		var day, month, year string
		if m[2] >= 0 {
			day, month, year = s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
		} else {
			month, day, year = s[m[8]:m[9]], s[m[10]:m[11]], s[m[12]:m[13]]
		}
		d, _ := strconv.Atoi(day)
		y, _ := strconv.Atoi(year)
		mo := monthNumbers[strings.ToLower(month)[:3]]
		t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		if mo == 0 || d < 1 || t.Day() != d {
			continue
		}
		out = append(out, datedAt{t: t, start: m[0], end: m[1]})
	}
	return out
}

// consultWordRe names a consultation; closeCueRe and decisionCueRe are
// what a date before them is: the consultation's close, or a decision.
var (
	consultWordRe = lazyre.New(`(?i)\b(consultation|consulting|have your say|engagement period|listening period)\b`)
	closeCueRe    = lazyre.New(`(?i)\b(closes|closing|closed|close|ends|ending|ended|end|until|to|deadline|runs|ran|running|open|opens)\b`)
	decisionCueRe = lazyre.New(`(?i)\b(approve|approves|approved|approval|decision|decide|decides|decided|sign off|signed off|ratify|ratified|ratification|adopt|adopts|adopted|agree|agrees|agreed)\b`)
	// A publication date is a decision only after the close: the draft
	// is published for the consultation before it.
	publishCueRe = lazyre.New(`(?i)\b(publish|publishes|published|publication)\b`)
)

// cueWindow is how far before a date its cue may be.
const cueWindow = 60

// markNoTime marks, paragraph by paragraph (a block, or a list item),
// the consultation whose close leaves no time before the decision the
// same paragraph dates: an Engagement annotation with Sub SubNoTime on
// the consultation's closing date, its Unit the decision's date.
func markNoTime(ss []Sentence) {
	for i := 0; i < len(ss); {
		j := i + 1
		for j < len(ss) && ss[j].Page == ss[i].Page && ss[j].Block == ss[i].Block && ss[j].Item == ss[i].Item && ss[j].Row == ss[i].Row {
			j++
		}
		markParagraph(ss[i:j])
		i = j
	}
}

func markParagraph(ss []Sentence) {
	// Only a paragraph that names a consultation can hold its close:
	// a substring test first keeps the date patterns off the rest (they
	// were 7% of scoring when run on every sentence with a year).
	named := false
	for k := range ss {
		if mayNameConsultation(ss[k].Text) {
			named = true
			break
		}
	}
	if !named {
		return
	}
	type closeAt struct {
		s *Sentence
		d datedAt
	}
	var closes []closeAt
	var decisions, publications []time.Time
	for k := range ss {
		s := &ss[k]
		if !mayHaveDayDate(s.Text) {
			continue
		}
		consult := consultWordRe.MatchString(s.Text)
		for _, d := range dayDates(s.Text) {
			switch cueBefore(s.Text, d.start) {
			case "close":
				if consult {
					closes = append(closes, closeAt{s, d})
				}
			case "decision":
				decisions = append(decisions, d.t)
			case "publication":
				publications = append(publications, d.t)
			}
		}
	}
	if len(closes) == 0 || len(decisions)+len(publications) == 0 {
		return
	}
	last := closes[0]
	for _, c := range closes[1:] {
		if c.d.t.After(last.d.t) {
			last = c
		}
	}
	closed, enough := last.d.t, last.d.t.AddDate(0, 0, NoTimeDays)
	for _, p := range publications {
		if !p.Before(closed) {
			decisions = append(decisions, p)
		}
	}
	for _, d := range decisions {
		if d.Before(enough) && !d.Before(closed.Add(-earliestDecision)) {
			a := last.d
			last.s.Annotations = append(last.s.Annotations, Annotation{Kind: Engagement, Sub: SubNoTime,
				Text: last.s.Text[a.start:a.end], Start: a.start, End: a.end, Unit: d.Format("2 January 2006")})
			sortAnnotations(last.s.Annotations)
			return
		}
	}
}

// cueBefore says what the nearest cue before a date makes it: "close",
// "decision", "publication" or "". A decision "for consultation" (the
// draft approved to go out) is no decision on the plan.
func cueBefore(s string, at int) string {
	from := max(0, at-cueWindow)
	window := s[from:at]
	best, kind := -1, ""
	for _, c := range []struct {
		re   *lazyre.Regexp
		kind string
	}{{closeCueRe, "close"}, {decisionCueRe, "decision"}, {publishCueRe, "publication"}} {
		if i := lastIndex(c.re, window); i > best {
			best, kind = i, c.kind
		}
	}
	if kind != "close" && kind != "" && consultWordRe.MatchString(window[best:]) {
		return ""
	}
	return kind
}

func lastIndex(re *lazyre.Regexp, s string) int {
	all := re.FindAllStringIndex(s, -1)
	if len(all) == 0 {
		return -1
	}
	return all[len(all)-1][0]
}

// mayHaveDayDate is a cheap test before the patterns: a day date has a
// digit and a year.
func mayHaveDayDate(s string) bool {
	return strings.ContainsAny(s, "0123456789") && (strings.Contains(s, "20") || strings.Contains(s, "19"))
}

// mayNameConsultation is a cheap test for consultWordRe's words, in any
// case.
func mayNameConsultation(s string) bool {
	return strings.Contains(s, "onsult") || strings.Contains(s, "ONSULT") || strings.Contains(s, "our say") ||
		strings.Contains(s, "OUR SAY") || strings.Contains(s, " period") || strings.Contains(s, " PERIOD")
}

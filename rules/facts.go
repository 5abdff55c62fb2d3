package rules

import (
	"fmt"
	"math"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// countable says which counted things a sum can buy: a sum and a count of
// one of these in the same sentence give a unit cost ("£450m for 25,200
// virtual beds is about £17,900 a bed").
var countable = map[string]string{
	"bed": "bed", "virtual bed": "bed", "place": "place", "home": "home", "house": "home",
	"person": "person", "people": "person", "patient": "patient", "resident": "resident",
	"nurse": "nurse", "staff": "staff member", "post": "post", "role": "post",
	"appointment": "appointment", "check": "check", "health check": "check",
	"school": "school", "clinic": "clinic", "hub": "hub", "practice": "practice",
	"family": "family", "child": "child", "carer": "carer", "job": "job",
}

// facts lists the money and rates a document states, normalised, and the
// unit costs that follow from them.
func facts(d *annotate.Doc) []Fact {
	fl := &factList{out: []Fact{}, seen: map[string]bool{}}
	for i := range d.Sentences {
		fl.sentence(&d.Sentences[i])
	}
	return fl.out
}

// factList gathers a document's facts, each once.
type factList struct {
	out  []Fact
	seen map[string]bool
}

func (fl *factList) add(f Fact) {
	key := fmt.Sprintf("%s|%s|%d|%v", f.Kind, f.Text, f.Page, f.Computed)
	if !fl.seen[key] {
		fl.seen[key] = true
		fl.out = append(fl.out, f)
	}
}

// sentence adds the facts a sentence states, and the unit cost that
// follows from them.
func (fl *factList) sentence(s *annotate.Sentence) {
	var sums, counts []annotate.Annotation
	commitment, deadline := false, false
	for _, a := range s.Annotations {
		switch a.Kind {
		case annotate.Commitment:
			commitment = true
		case annotate.Deadline:
			deadline = true
		}
	}
	for _, a := range s.Annotations {
		switch a.Kind {
		case annotate.Money:
			kind := "money"
			if a.Unit == "per head" {
				kind = "per-head"
			}
			f := Fact{Kind: kind, Text: a.Text, Value: a.Value, Unit: a.Unit, Page: s.Page, Note: strings.ReplaceAll(a.Sub, ",", ", ")}
			if f.Unit == "" {
				f.Unit = periodAfter(s.Annotations, a)
			}
			fl.add(f)
			sums = append(sums, a)
		case annotate.Rate:
			fl.add(Fact{Kind: "rate", Text: a.Text, Value: a.Value, Unit: a.Unit, Page: s.Page})
		case annotate.Percent:
			if commitment && deadline {
				fl.add(Fact{Kind: "target", Text: a.Text, Value: a.Value, Unit: "%", Page: s.Page})
			}
		case annotate.Count:
			if _, ok := countable[strings.ToLower(a.Unit)]; ok && a.Value > 0 {
				counts = append(counts, a)
			}
		}
	}
	if f, ok := unitCost(s, sums, counts); ok {
		fl.add(f)
	}
}

// unitCost is the cost of one of what a sum buys. A unit cost only when
// the sentence pairs one total with one count that it buys: the count
// follows the sum closely, joined by a word like "for" or "to recruit"
// ("£450m for 25,200 virtual beds"). Otherwise the pairing is a guess.
func unitCost(s *annotate.Sentence, sums, counts []annotate.Annotation) (Fact, bool) {
	if len(sums) != 1 || len(counts) != 1 || sums[0].Unit != "" || sums[0].Value2 != 0 || !buys(s.Text, sums[0], counts[0]) {
		return Fact{}, false
	}
	m, c := sums[0], counts[0]
	per := m.Value / c.Value
	unit := countable[strings.ToLower(c.Unit)]
	return Fact{
		Kind: "per-head", Text: fmt.Sprintf("%s ÷ %s", m.Text, c.Text), Value: math.Round(per),
		Unit: "per " + unit, Page: s.Page, Computed: true,
		Note: fmt.Sprintf("%s ÷ %s is about %s per %s", m.Text, c.Text, pounds(per), unit),
	}, true
}

// buyWords join a sum to what it pays for.
var buyWords = lazyre.New(`(?i)^\s*(?:(?:a year|per year|each year|annually|over \w+ years)\s+)?(?:for|in|on|to (?:fund|recruit|provide|deliver|build|open|create|buy|pay for|employ|train|commission)|will (?:fund|buy|pay for|provide|deliver|build|open|create)|funds|buys|pays for|provides|delivers)\b[^.;:]{0,40}$`)

func buys(text string, m, c annotate.Annotation) bool {
	if c.Start < m.End || c.Start-m.End > 80 {
		return false
	}
	return buyWords.MatchString(text[m.End:c.Start])
}

// periodAfter is the period stated right after a sum ("£2.6bn over three
// years", "£40,000 in year 1"), or "".
func periodAfter(as []annotate.Annotation, m annotate.Annotation) string {
	for _, a := range as {
		if a.Kind == annotate.Period && a.Start >= m.End && a.Start-m.End <= 12 {
			return a.Text
		}
	}
	return ""
}

// pounds writes an amount the way the documents do.
func pounds(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("£%.1fbn", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("£%.1fm", v/1e6)
	case v >= 100:
		r := int64(math.Round(v/100) * 100)
		return "£" + textclean.Thousands(r)
	default:
		return fmt.Sprintf("£%.0f", v)
	}
}

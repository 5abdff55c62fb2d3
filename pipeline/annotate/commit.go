package annotate

import (
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// SubOwner marks a commitment with a named owner, given in Unit.
const (
	SubOwner = "owner"
	// SubLeadIn marks a list item introduced by a commitment ("We will:");
	// the lead-in sentence is in Unit and the span is empty.
	SubLeadIn = "lead-in"
)

// commitRe finds the commitment triggers; which group matched says how to
// look for an owner.
var commitRe = lazyre.New(
	`^(?:\b(we(?:\s+will|\s*['’]ll|\s+are\s+going\s+to|\s+plan\s+to|\s+intend\s+to|\s+commit\s+to|\s+pledge\s+to|\s+shall))\b` +
		`|\b((?:will|shall)\s+be\s+(?:delivered|implemented|introduced|established|launched|completed|rolled\s+out|put\s+in\s+place|in\s+place|developed|set\s+up|led|overseen|monitored|reviewed|achieved|provided|commissioned|taken\s+forward|coordinated|co-ordinated)\s+by)\b` +
		`|\b((?:is|are|will\s+be|shall\s+be)\s+(?:responsible|accountable)\s+for)\b` +
		`|\b(will\s+(?:lead|oversee|own|coordinate|co-ordinate|chair))\b` +
		`|\b((?:led|owned|chaired|overseen|coordinated|co-ordinated)\s+by)\b` +
		`|\b((?:lead\s+officer|lead\s+organisation|lead\s+agency|responsible\s+officer|owners?|leads?|responsible|responsibility|accountable|accountability|lead\s+partner)(?:\(s\))?\s*:))`)

// stateAfterWill are words after "we will" that predict rather than
// commit.
var stateAfterWill = lazyre.New(`^\s+(?:all\s+)?(?:live|die|age|grow\s+old|get\s+older|need|face|experience|see\s+(?:a|an|more|fewer)|be\s+(?:older|living|affected))\b`)

var commitStarts = normIn("we").then(1, tokIn("will", "are", "plan", "intend", "commit", "pledge", "shall")).
	or(normIn("we'll")).
	or(normIn("will", "shall").then(1, tokIn("be", "lead", "oversee", "own", "coordinate", "co", "chair"))).
	or(normIn("is", "are", "will", "shall").then(3, tokIn("responsible", "accountable"))).
	or(normIn("led", "owned", "chaired", "overseen", "coordinated", "ordinated").then(1, tokIn("by"))).
	or(normIn("co").then(1, tokIn("ordinated"))).
	or(labelCand)

// labelCand: "Lead:", "Owner(s):", "Responsible officer:".
func labelCand(t *text, k int) bool {
	switch t.toks[k].norm {
	case "lead", "leads", "owner", "owners", "responsible", "responsibility", "accountable", "accountability":
		return strings.IndexByte(window(t.lower, t.toks[k].end, 24), ':') >= 0
	}
	return false
}

// FindCommitments finds commitments: "we will", "we are going to", "we
// plan to", "will be delivered/implemented/introduced by", "is
// responsible for", "will lead". When an owner is named ("led by the
// Director of Public Health", "Owner: ICB", "The Board is responsible
// for") the annotation has Sub "owner", covers the owner's words, and
// Unit holds the owner. Deadlines are left to FindDates.
func FindCommitments(s string) []Annotation {
	return findCommitments(newText(s))
}

func findCommitments(t *text) []Annotation {
	l := t.lower
	if !hasAny(l, "we", "will", "shall", "responsib", "accountab", "led by", "owned by", "chaired by", "overseen by", "ordinated by", ":") {
		return nil
	}
	var out []Annotation
	for _, m := range allAt(commitRe, t, commitStarts) {
		start, end := m[0], m[1]
		a := Annotation{Kind: Commitment, Start: start, End: end}
		switch {
		case m[2] >= 0: // we will
			// "how long we will live", "we will all need care": a
			// prediction about people, not an undertaking.
			if stateAfterWill.MatchString(l[end:]) {
				continue
			}
		case m[4] >= 0: // will be delivered by: an owner or a date follows
			if os, oe, ok := ownerAfter(t, end, false); ok {
				a.Sub, a.End, a.Unit = SubOwner, oe, ownerName(t.s[os:oe])
			}
		case m[6] >= 0, m[8] >= 0: // is responsible for, will lead
			if m[8] >= 0 && strings.HasPrefix(strings.TrimLeft(l[end:], " "), "to ") {
				continue // "will lead to better outcomes": a consequence
			}
			if os, oe, ok := ownerBefore(t, start); ok {
				a.Sub, a.Start, a.Unit = SubOwner, os, ownerName(t.s[os:oe])
			}
		case m[10] >= 0: // led by: only with an owner is it a commitment
			os, oe, ok := ownerAfter(t, end, false)
			if !ok {
				continue
			}
			a.Sub, a.End, a.Unit = SubOwner, oe, ownerName(t.s[os:oe])
		case m[12] >= 0: // Owner: ...
			if !labelStart(l, start) {
				continue
			}
			os, oe, ok := ownerAfter(t, end, true)
			if !ok {
				continue
			}
			a.Sub, a.End, a.Unit = SubOwner, oe, ownerName(t.s[os:oe])
		}
		a.Text = t.s[a.Start:a.End]
		out = append(out, a)
	}
	return nonOverlapping(out, func(a, b Annotation) bool { return a.Sub == SubOwner && b.Sub != SubOwner })
}

// labelStart: "Lead:" is a label at the start of the text, a cell or a
// clause, not in "the lead: a guide".
func labelStart(l string, start int) bool {
	pre := strings.TrimRight(l[:start], " ")
	return pre == "" || strings.HasSuffix(pre, "|") || strings.HasSuffix(pre, ";") || strings.HasSuffix(pre, ".") || strings.HasSuffix(pre, ")")
}

// ownerStop are words that end an owner's name.
var ownerStop = wordSet("to", "in", "by", "from", "with", "as", "which", "who", "on", "for",
	"will", "is", "are", "was", "were", "through", "across", "at", "within", "during", "over",
	"until", "using", "that", "has", "have", "had", "would", "should", "can", "could", "may",
	"must", "shall", "being", "been", "be", "working", "supported", "alongside", "where", "when",
	"while", "so", "but", "under", "before", "after", "via")

// roleWords make a lower-case phrase an owner: "each partner", "the
// programme board".
var roleWords = wordSet("board", "boards", "team", "teams", "partnership", "council", "councils",
	"director", "directors", "lead", "leads", "manager", "managers", "group", "groups",
	"committee", "committees", "service", "services", "trust", "trusts", "icb", "icbs", "officer",
	"officers", "network", "networks", "alliance", "forum", "commissioner", "commissioners",
	"partner", "partners", "organisation", "organisations", "authority", "authorities",
	"department", "directorate", "nhs", "practice", "practices", "pcn", "pcns", "hospital",
	"hospitals", "provider", "providers", "chair", "chief", "executive", "head", "champion",
	"coordinator", "programme", "collaborative", "system", "colleagues", "clinicians",
	"nurse", "nurses", "gp", "gps", "commissioning", "healthwatch", "icp", "ics", "pharmacy")

var subordinators = wordSet("because", "if", "since", "although", "though", "whereas", "whether",
	"unless", "but", "then", "also", "now", "currently", "already", "still")

var notOwners = wordSet("we", "they", "it", "this", "that", "these", "those", "which", "who", "i",
	"you", "he", "she", "everyone", "everybody", "us", "one", "each", "all", "there", "what",
	"someone", "nobody", "people", "patients", "residents")

// ownerAfter reads an owner's name after offset off. label relaxes the
// test for a name: after "Lead:" anything short is an owner.
func ownerAfter(t *text, off int, label bool) (int, int, bool) {
	i := t.tokenAt(off)
	if i >= len(t.toks) {
		return 0, 0, false
	}
	if !label && t.toks[i].brk {
		return 0, 0, false
	}
	if !label && startsDate(t, i) {
		return 0, 0, false
	}
	j := i
	for ; j < len(t.toks) && j < i+9; j++ {
		if j > i && (t.toks[j].brk || strings.ContainsAny(t.s[t.toks[j-1].end:t.toks[j].start], ",;")) {
			break
		}
		if ownerStop[t.toks[j].norm] && j > i {
			break
		}
	}
	if j == i+9 && j < len(t.toks) && !t.toks[j].brk && !label {
		return 0, 0, false // a long run of words is a clause, not a name
	}
	for j > i && (t.toks[j-1].norm == "and" || t.toks[j-1].norm == "the" || t.toks[j-1].norm == "of") {
		j--
	}
	if j == i {
		return 0, 0, false
	}
	if !label && !namesOwner(t, i, j) {
		return 0, 0, false
	}
	return t.toks[i].start, t.toks[j-1].end, true
}

// ownerBefore reads the subject of "is responsible for" or "will lead"
// back to the start of its clause.
func ownerBefore(t *text, off int) (int, int, bool) {
	j := t.tokenAt(off) // first token of the trigger
	i := j
	for i > 0 && j-i < 8 {
		if t.toks[i].brk || strings.ContainsAny(t.s[t.toks[i-1].end:t.toks[i].start], ",;") {
			break
		}
		// "... because HEE is responsible": the subject starts after the
		// last function word.
		if p := t.toks[i-1].norm; ownerStop[p] || subordinators[p] {
			break
		}
		i--
	}
	if i > 0 && j-i >= 8 {
		return 0, 0, false // clause longer than a name
	}
	for i < j && (t.toks[i].norm == "the" || t.toks[i].norm == "and" || t.toks[i].norm == "our" || isDigitByte(t.lower[t.toks[i].start])) {
		i++
	}
	if i == j || notOwners[t.toks[i].norm] && j-i == 1 {
		return 0, 0, false
	}
	if !namesOwner(t, i, j) {
		return 0, 0, false
	}
	return t.toks[i].start, t.toks[j-1].end, true
}

// namesOwner: tokens [i, j) name someone when they include a role word, an
// acronym, or a capitalised word that is not merely the first of the
// sentence.
func namesOwner(t *text, i, j int) bool {
	for k := i; k < j; k++ {
		tk := t.toks[k]
		if notOwners[tk.norm] && k == i && j-i == 1 {
			return false
		}
		if roleWords[tk.norm] {
			return true
		}
		w := t.s[tk.start:tk.end]
		if len(w) >= 2 && strings.ToUpper(w) == w && w[0] >= 'A' && w[0] <= 'Z' {
			return true
		}
		if k > 0 && w[0] >= 'A' && w[0] <= 'Z' {
			return true
		}
	}
	return false
}

var dateStarts = wordSet("january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
	"jul", "aug", "sep", "sept", "oct", "nov", "dec", "end", "the", "q1", "q2", "q3", "q4",
	"quarter", "spring", "summer", "autumn", "winter", "early", "mid", "late", "year", "next",
	"mid", "financial", "fy", "then", "now")

// startsDate: "by March 2026", "by the end of the year", "by 2030".
func startsDate(t *text, i int) bool {
	tk := t.toks[i]
	if isDigitByte(t.lower[tk.start]) {
		return true
	}
	if tk.norm == "the" {
		return i+1 < len(t.toks) && dateStarts[t.toks[i+1].norm] && t.toks[i+1].norm != "the"
	}
	return dateStarts[tk.norm]
}

// ownerName drops a leading article: "the Director of Public Health" is
// owned by "Director of Public Health".
func ownerName(s string) string {
	for _, p := range []string{"the ", "The ", "our ", "Our "} {
		if strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

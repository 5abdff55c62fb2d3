package annotate

import (
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// SubAgent marks the sector named as the doer of an activity: RUBRIC.md's
// level 2 for the sector is "specific roles or activities of the sector
// ... (named organisations delivering services ...)", which a reader
// finds where the sector does something, not where it is a partner in
// general. The sector is the doer when it is
//   - the subject of an activity verb: "The charity Combat Stress
//     provides psychological support", "Reaching Families, a third
//     sector organisation which provides factsheets";
//   - the agent of a passive: "services are provided by Change Grow Live",
//     "run by local government and provided by the voluntary sector";
//   - what a service comes through or from: "training for carers through
//     Alzheimer's Society", "advice and support from Carers Support";
//   - a named organisation a service is run in partnership with:
//     "delivered in partnership between CNWL and Crime Reduction
//     Initiatives".
//
// Not the doer: the sector as the object of working together ("we work in
// partnership with ... the third sector", "build relationships with the
// third sector"), of funding ("funding community groups"), or of a
// preposition before an activity ("work with voluntary organisations to
// deliver the strategy"), which name it as a partner without saying what
// it does.
const SubAgent = "agent"

// Activity verbs, finite: what the sector does when it is the subject.
var agentVerbs = wordSet("provides", "provided", "runs", "ran", "delivers", "delivered", "offers", "offered",
	"supports", "supported", "operates", "operated", "hosts", "hosted", "leads", "led", "manages", "managed",
	"employs", "employed", "trains", "trained", "organises", "organised", "organizes", "organized", "facilitates",
	"facilitated", "plays", "played", "helps", "helped", "coordinates", "coordinated", "co-ordinates",
	"co-ordinated", "signposts", "signposted", "befriends", "visits", "visited", "gives", "gave", "developed",
	"develops", "produced", "produces", "established", "set", "launched", "launches", "works", "worked",
	"advises", "advised", "advocates", "funds", "contributed", "contributes", "recruited", "recruits")

// agentBase are the base forms, finite after a plural subject ("voluntary
// organisations provide") or a modal ("charities will deliver").
var agentBase = wordSet("provide", "run", "deliver", "offer", "support", "operate", "host", "lead", "manage",
	"employ", "train", "organise", "organize", "facilitate", "play", "help", "coordinate", "co-ordinate",
	"signpost", "befriend", "visit", "give", "develop", "produce", "establish", "launch", "advise", "advocate", "fund",
	"contribute", "recruit")

// agentParticiples take the sector as their agent after "by".
var agentParticiples = wordSet("provided", "delivered", "run", "led", "hosted", "managed", "organised", "organized",
	"facilitated", "offered", "funded", "supported", "operated", "staffed", "coordinated", "co-ordinated",
	"developed", "produced", "established", "set", "launched", "written", "designed")

// agentBetween may stand between the sector's words and its verb: an
// appositive ("Reaching Families, a third sector organisation which"),
// auxiliaries, modals and adverbs.
var agentBetween = wordSet("a", "an", "the", "local", "national", "regional", "charity", "charities",
	"organisation", "organisations", "organization", "which", "who", "that", "also", "now", "currently",
	"already", "has", "have", "had", "is", "are", "was", "were", "will", "shall", "can", "been", "continue",
	"continues", "continued", "to", "jointly", "both", "all", "each", "together", "directly", "still", "often",
	"regularly", "recently", "successfully", "increasingly", "based", "in", "and", "its", "their")

// agentBefore may stand between the start of a clause and the sector's
// words when they are its subject: "The charity", "Local voluntary
// organisations", "Many community groups".
var agentBefore = wordSet("a", "an", "the", "local", "many", "some", "several", "other", "these", "those",
	"our", "two", "three", "four", "five", "various", "smaller", "small", "specialist", "national", "regional",
	"key", "partner", "also", "and", "in", "addition", "additionally", "currently", "now", "today", "charity",
	"organisations", "organisation", "both", "each")

// agentSources are the service nouns a sector's service comes "from":
// "advice and support from Carers Support", "help from FFT".
var agentSources = wordSet("support", "advice", "information", "help", "services", "service", "training", "counselling",
	"advocacy", "befriending", "volunteers", "outreach", "care", "guidance", "input", "workers", "staff")

// agentThrough introduce what a service comes through.
var agentThrough = wordSet("through", "via")

// notAgentAfter make the sector's words a modifier of another noun: "our
// third sector strategy", "voluntary sector funding".
var notAgentAfter = wordSet("strategy", "strategies", "policy", "policies", "funding", "fund", "funds", "grant",
	"grants", "budget", "budgets", "infrastructure", "market", "sector", "compact", "contracts", "contract")

// sectorAgents marks each sector name of found (terms and named bodies)
// that is the doer of an activity.
func sectorAgents(t *text, found []Annotation) []Annotation {
	var out []Annotation
	for _, a := range found {
		if a.Kind != VCS || a.Sub != SubTerm && a.Sub != SubBody {
			continue
		}
		i, j := t.tokenAt(a.Start), t.tokenAt(a.End)
		if i >= len(t.toks) || j < len(t.toks) && !t.toks[j].brk && notAgentAfter[t.toks[j].norm] {
			continue
		}
		if subjectOfActivity(t, i, j) || relativeActivity(t, j) || agentOfPassive(t, i) || serviceFrom(t, i) || a.Sub == SubBody && namedPartner(t, i) {
			out = append(out, Annotation{Kind: VCS, Sub: SubAgent, Text: a.Text, Start: a.Start, End: a.End})
		}
	}
	return out
}

// subjectOfActivity: the words at [i, j) begin their clause (only
// determiners and qualifiers before them) and are followed, across an
// appositive, auxiliaries or names, by an activity verb.
func subjectOfActivity(t *text, i, j int) bool {
	for k := i - 1; k >= 0; k-- {
		if t.toks[k+1].brk {
			break
		}
		// The sentence's first word, capitalised as every first word
		// is, may begin a name ("Reaching Families, a third sector
		// organisation which provides ...").
		if !agentBefore[t.toks[k].norm] && !t.isName(k) && !(k == 0 && textclean.StartsUpper(t.s[t.toks[k].start:t.toks[k].end])) {
			return false
		}
	}
	modal := true // the sector's words themselves may be a plural subject
	for k := j; k < len(t.toks) && k < j+10; k++ {
		if t.toks[k].brk {
			return false
		}
		w := t.toks[k].norm
		switch {
		case agentVerbs[w]:
			// "set" and "works" count with what makes them an activity:
			// "set up", "works with".
			if w == "set" {
				return k+1 < len(t.toks) && t.toks[k+1].norm == "up"
			}
			return true
		case agentBase[w] && modal:
			return true
		case agentBetween[w], t.isName(k), strings.HasSuffix(w, "ly"):
			modal = w == "will" || w == "can" || w == "shall" || w == "to" || w == "also" || w == "jointly" ||
				w == "now" || w == "currently" || w == "already" || w == "together" || w == "all" || w == "both" ||
				w == "which" || w == "who" || w == "that"
		default:
			return false
		}
	}
	return false
}

// relativeActivity: a relative clause on the sector's words, ending at
// token j, whose verb is an activity, whatever the sentence is about:
// "through Reaching Families, a third sector organisation which provides
// factsheets", "organisations that run peer support groups".
func relativeActivity(t *text, j int) bool {
	if j >= len(t.toks) || t.toks[j].brk {
		return false
	}
	switch t.toks[j].norm {
	case "which", "who", "that":
	default:
		return false
	}
	for k := j + 1; k < len(t.toks) && k < j+4; k++ {
		if t.toks[k].brk {
			return false
		}
		w := t.toks[k].norm
		switch {
		case agentVerbs[w] && w != "set", agentBase[w]:
			return true
		case agentBetween[w], strings.HasSuffix(w, "ly"):
		default:
			return false
		}
	}
	return false
}

// agentOfPassive: an activity participle, "by", then (across articles)
// the sector's words at i.
func agentOfPassive(t *text, i int) bool {
	k := i - 1
	for k >= 0 && !t.toks[k+1].brk && articles[t.toks[k].norm] || k >= 0 && !t.toks[k+1].brk && t.toks[k].norm == "local" {
		k--
	}
	return k >= 1 && !t.toks[k+1].brk && t.toks[k].norm == "by" && !t.toks[k].brk && agentParticiples[t.toks[k-1].norm]
}

// serviceFrom: "through" or "via" before the sector's words, or a
// service noun and "from": "through Alzheimer's Society", "support from
// Carers Support West Sussex".
func serviceFrom(t *text, i int) bool {
	k := i - 1
	for k >= 0 && !t.toks[k+1].brk && (articles[t.toks[k].norm] || t.toks[k].norm == "local") {
		k--
	}
	if k < 0 || t.toks[k+1].brk {
		return false
	}
	if agentThrough[t.toks[k].norm] {
		return true
	}
	return t.toks[k].norm == "from" && k > 0 && !t.toks[k].brk && agentSources[t.toks[k-1].norm]
}

// namedPartner: a named organisation a service is run with, within six
// words of "partnership with" or "between": "in partnership with FFT",
// "in partnership between CNWL and Crime Reduction Initiatives".
func namedPartner(t *text, i int) bool {
	for k := i - 1; k >= 1 && k >= i-6; k-- {
		if t.toks[k+1].brk {
			return false
		}
		w := t.toks[k].norm
		if (w == "with" || w == "between") && t.toks[k-1].norm == "partnership" {
			return true
		}
	}
	return false
}

// isName reports a token written with a capital letter that is not the
// sentence's first word: part of an organisation's name.
func (t *text) isName(k int) bool {
	if k == 0 {
		return false
	}
	c := t.s[t.toks[k].start]
	return 'A' <= c && c <= 'Z'
}

// deliveryWords say that what follows is delivered: a lead-in with one
// of them and the sector's name makes its items the sector's work.
var deliveryWords = wordSet("deliver", "delivers", "delivering", "delivered", "provide", "provides", "providing",
	"provided", "run", "runs", "running", "offer", "offers", "offering", "commissioned", "services", "service")

// sectorDeliversLeadIn reports a list's lead-in, ending with a colon,
// whose last sentence names the sector and its delivering something:
// "We have partnership arrangements with third sector partners to deliver
// key aspects of our services, for example:", "Services run by local
// charities include:". A list of partners alone ("Our partners include:")
// says nothing of what they do.
func sectorDeliversLeadIn(lead string) bool {
	lead = strings.TrimSpace(lead)
	if !strings.HasSuffix(lead, ":") {
		return false
	}
	if i := strings.LastIndex(lead, ". "); i >= 0 {
		lead = lead[i+2:]
	}
	t := newText(lead)
	if !t.hasVCS() {
		return false
	}
	for _, tk := range t.toks {
		if deliveryWords[tk.norm] {
			return true
		}
	}
	return false
}

// SubFunded marks the sector named as the one money goes to: RUBRIC.md's
// level 3 for the sector is "its work is funded or commissioned", which
// a reader finds where the sector receives the money, not where it is
// named beside commissioners ("the planning, commissioning and provision
// of services by the NHS, councils and the voluntary sector"), in a
// Clinical Commissioning Group's name, or as a giver ("donations from a
// number of charities"). The sector is the recipient when it is
//   - the subject of a passive of funding: "Age UK is commissioned to",
//     "voluntary organisations were funded";
//   - what money goes to: "grants to local charities", "funding for
//     community groups", "£2m of investment in the voluntary sector";
//   - the object of a funding verb: "funding community groups", "we
//     commission voluntary organisations";
//   - what a commissioned service comes through or from: "a jointly
//     commissioned Short Breaks service through prime providers - Age UK",
//     "services commissioned from the third sector", "a contract with
//     Turning Point".
const SubFunded = "funded"

// fundedParticiples make the sector the recipient as a passive's subject.
var fundedParticiples = wordSet("funded", "commissioned", "contracted", "procured", "awarded", "grant-funded", "paid", "resourced")

// moneyNouns go "to", "for" or "into" their recipient.
var moneyNouns = wordSet("funding", "grant", "grants", "investment", "money", "monies", "allocation", "allocations",
	"payment", "payments", "contract", "contracts", "award", "awards", "budget", "resources", "fund", "funds", "investing",
	"invest", "invested")

// fundingVerbs take the sector as their object.
var fundingVerbs = wordSet("fund", "funds", "funded", "funding", "commission", "commissions", "commissioned",
	"commissioning", "contract", "contracts", "contracted", "grant-fund", "grant-funds", "grant-funded", "resource", "resourcing")

// commissionWords earlier in a clause make "through" or "from" the
// sector the way the commissioned service comes.
var commissionWords = wordSet("commissioned", "commissioning", "commission", "contracted", "contract", "contracts",
	"procured", "funded", "grant-funded")

// recipientFill may stand between a funding word and the sector.
var recipientFill = wordSet("the", "a", "an", "our", "local", "small", "several", "many", "some", "these", "those",
	"prime", "partner", "partners", "provider", "providers", "organisations", "organisation", "specialist", "existing",
	"new", "other", "to", "into", "in", "for", "including")

// sectorFunded marks each sector name of found that money goes to.
func sectorFunded(t *text, found []Annotation) []Annotation {
	var out []Annotation
	for _, a := range found {
		if a.Kind != VCS || a.Sub != SubTerm && a.Sub != SubBody {
			continue
		}
		i, j := t.tokenAt(a.Start), t.tokenAt(a.End)
		if i >= len(t.toks) {
			continue
		}
		if passiveFunded(t, j) || moneyGoesTo(t, i) || serviceCommissionedThrough(t, i) {
			out = append(out, Annotation{Kind: VCS, Sub: SubFunded, Text: a.Text, Start: a.Start, End: a.End})
		}
	}
	return out
}

// passiveFunded: after the sector's words (ending at j), auxiliaries and
// adverbs, then a participle of funding: "Age UK is commissioned",
// "voluntary organisations have been funded".
func passiveFunded(t *text, j int) bool {
	aux := false
	for k := j; k < len(t.toks) && k < j+6; k++ {
		if t.toks[k].brk {
			return false
		}
		w := t.toks[k].norm
		switch {
		case fundedParticiples[w]:
			// "Age UK is commissioned"; or, reduced, "a project run by
			// FFT in East Sussex, funded by the county council".
			return aux || k+1 < len(t.toks) && t.toks[k+1].norm == "by" && !t.toks[k+1].brk
		case w == "in" || w == "at" || w == "across" || t.isName(k):
			// where the sector works: "FFT in East Sussex, funded by"
		case w == "is" || w == "are" || w == "was" || w == "were" || w == "been" || w == "be" || w == "being":
			aux = true
		case w == "has" || w == "have" || w == "will" || w == "also" || w == "now" || w == "currently" ||
			w == "jointly" || w == "directly" || strings.HasSuffix(w, "ly"):
		default:
			return false
		}
	}
	return false
}

// moneyGoesTo: before the sector's words (starting at i), across a few
// filling words, a funding verb taking it as object ("funding community
// groups"), or a money noun with "to", "for" or "into" ("grants to local
// charities", "investment in the voluntary sector").
func moneyGoesTo(t *text, i int) bool {
	prep := false
	for k := i - 1; k >= 0 && k >= i-5; k-- {
		if t.toks[k+1].brk {
			return false
		}
		w := t.toks[k].norm
		switch {
		case w == "to" || w == "for" || w == "into" || w == "in":
			prep = true
		case prep && moneyNouns[w]:
			return true
		case !prep && fundingVerbs[w]:
			return true
		case recipientFill[w]:
		default:
			return false
		}
	}
	return false
}

// serviceCommissionedThrough: "through" or "from" (or "with", after a
// contract) a few words before the sector's words, with a commissioning
// word earlier in the same clause: "commissioned ... through prime
// providers - Age UK", "services commissioned from the third sector".
func serviceCommissionedThrough(t *text, i int) bool {
	k := i - 1
	for k >= 0 && i-k <= 4 && !t.toks[k+1].brk && recipientFill[t.toks[k].norm] && t.toks[k].norm != "to" {
		k--
	}
	if k < 0 || t.toks[k+1].brk {
		return false
	}
	via := t.toks[k].norm
	if via != "through" && via != "from" && via != "with" {
		return false
	}
	for m := k - 1; m >= 0; m-- {
		if t.toks[m+1].brk {
			return false
		}
		w := t.toks[m].norm
		if via == "with" {
			// only "a contract with", "contracted with"
			return m == k-1 && (w == "contract" || w == "contracts" || w == "contracted") ||
				m == k-2 && (t.toks[k-1].norm == "contract" || t.toks[k-1].norm == "contracts")
		}
		if commissionWords[w] {
			return true
		}
	}
	return false
}

package annotate

import "github.com/nhsreview/nhsreview/pipeline/textclean"

// Engagement sub-kinds: the rungs of the ladder, lowest first, and
// "stakeholders" for engagement with partners and organisations only,
// which is not public involvement.
const (
	SubInform       = "inform"
	SubConsult      = "consult"
	SubInvolve      = "involve"
	SubCoproduce    = "coproduce"
	SubStakeholders = "stakeholders"
	// SubChanged marks an item of a list introduced as the changes made
	// because of what people said ("Having reviewed the responses, the
	// following changes have been made:"): each item is a "we did".
	SubChanged = "changed"
)

// FindEngagement finds the rungs of the engagement ladder: Sub "inform",
// "consult", "involve", "coproduce". Most cues count only in a sentence
// about patients, the public, communities, residents, carers or service
// users; without them, engagement with partners, stakeholders or
// organisations gets Sub "stakeholders", and other cues are dropped.
// Co-production with the voluntary sector counts as co-production.
func FindEngagement(s string) []Annotation {
	return findEngagement(newText(s))
}

// need says what context a cue requires.
type need int

const (
	needNothing     need = iota // the cue is about the public by itself
	needPeople                  // only in a sentence about people, else dropped
	needPeopleOrSay             // about people, else "stakeholders" when partners are named
	needObject                  // "engage with" + who: people, or partners
)

func findEngagement(t *text) []Annotation {
	cands := engageLexicon().find(t, nil)
	if len(cands) == 0 {
		return nil
	}
	out := cands[:0]
	for _, a := range cands {
		n, sub := splitNeed(a.Sub)
		a.Sub = sub
		switch n {
		case needNothing:
		case needPeople:
			if !t.aboutPeople() {
				continue
			}
		case needPeopleOrSay:
			if !t.aboutPeople() {
				if sub == SubCoproduce && t.hasVCS() {
					break
				}
				if !t.hasWord(stakeholderWords) {
					continue
				}
				a.Sub = SubStakeholders
			}
		case needObject:
			switch engageObject(t, a.End) {
			case 1:
			case 2:
				a.Sub = SubStakeholders
			default:
				continue
			}
		}
		if a.Sub == SubInvolve && a.Text != "" && isLivedExperience(a.Text) && t.hasWord(decisionWords) && t.hasWord(panelWords) {
			a.Sub = SubCoproduce
		}
		out = append(out, a)
	}
	return out
}

// Subs in the lexicon carry their need as a prefix: "p:consult",
// "s:involve", "o:involve".
func splitNeed(s string) (need, string) {
	if len(s) > 2 && s[1] == ':' {
		switch s[0] {
		case 'p':
			return needPeople, s[2:]
		case 's':
			return needPeopleOrSay, s[2:]
		case 'o':
			return needObject, s[2:]
		}
	}
	return needNothing, s
}

func isLivedExperience(s string) bool {
	l := textclean.ASCIILower(s)
	return len(l) >= len("lived experience") && l[:len("lived")] == "lived"
}

// peopleWords make a sentence about the public. "people", "community" and
// "you" are weak: NHS workforce papers call staff "our people", so with
// staff words and no strong word the sentence is about staff.
var (
	strongPeopleWords = wordSet("patients", "patient", "public", "residents", "resident",
		"communities", "carers", "carer", "citizens", "citizen", "families", "parents", "service",
		"users", "population", "populations", "healthwatch", "lived", "neighbourhoods",
		"children", "young", "voices", "voice", "individuals", "tenants", "women", "men",
		"locals", "participants", "respondents", "families'", "taxpayers", "veterans")
	weakPeopleWords = wordSet("people", "community", "you", "person", "local", "everyone")
	staffWords      = wordSet("staff", "workforce", "colleagues", "employees", "employee",
		"workers", "recruitment", "nurses", "doctors", "clinicians", "leaders", "managers")
	stakeholderWords = wordSet("partners", "partner", "stakeholders", "stakeholder",
		"organisations", "organisation", "providers", "provider", "system", "colleagues", "staff",
		"clinicians", "leaders", "members", "councils", "icb", "icbs", "trusts", "sector", "sectors",
		"professionals", "agencies", "networks", "teams", "commissioners", "vcse", "vcs")
	decisionWords = wordSet("decision", "decisions", "decide", "decides", "deciding", "vote",
		"votes", "budget", "budgets", "commission", "commissioning", "shape", "shapes", "shaping",
		"shaped", "steer", "steers", "oversee", "oversees", "chair", "chairs", "chaired", "power",
		"powers", "govern", "governance", "approve", "approves")
	panelWords = wordSet("panel", "panels", "board", "boards", "partners", "partner", "group",
		"groups", "forum", "network", "committee", "assembly", "council")
)

func (t *text) aboutPeople() bool {
	if t.people == 0 {
		t.people = 2
		strong, weak := false, false
		for _, tk := range t.toks {
			if strongPeopleWords[tk.norm] {
				strong = true
				break
			}
			weak = weak || weakPeopleWords[tk.norm]
		}
		if strong || weak && !t.hasWord(staffWords) {
			t.people = 1
		}
	}
	return t.people == 1
}

// objectPeopleWords are the people an engagement verb can take as its
// object; "community" and "local" are left out, since "community
// organisations" and "local providers" are partners.
var objectPeopleWords = wordSet("people", "you", "everyone", "person", "patients", "patient",
	"public", "residents", "communities", "carers", "citizens", "families", "parents", "users",
	"children", "young", "individuals", "tenants", "women", "men", "service", "population",
	"populations", "groups", "voices", "veterans")

// engageObject looks at the words after "engage with" / "engagement
// with": 1 for people, 2 for partners, organisations or staff, 0 for
// neither. "Resident doctors" are staff.
func engageObject(t *text, off int) int {
	i := t.tokenAt(off)
	for k := i; k < len(t.toks) && k < i+5; k++ {
		if k > i && t.toks[k].brk {
			break
		}
		n := t.toks[k].norm
		if objectPeopleWords[n] {
			if k+1 < len(t.toks) && staffWords[t.toks[k+1].norm] {
				return 2
			}
			// "public" before a noun is an adjective: "working with
			// reduced public funding" engages nobody.
			if n == "public" && k+1 < len(t.toks) && !t.toks[k+1].brk && publicNouns[t.toks[k+1].norm] {
				return 0
			}
			return 1
		}
		// People engaging with a service use it: "support people to
		// engage with services" is uptake, not involvement.
		if serviceObjects[n] && k <= i+1 {
			return 0
		}
		if stakeholderWords[n] || staffWords[n] {
			return 2
		}
	}
	return 0
}

// publicNouns follow "public" as an adjective ("public funding", "public
// services"), not as the people.
var publicNouns = wordSet("funding", "funds", "money", "finances", "spending", "sector", "services", "service", "bodies",
	"body", "health", "transport", "spaces", "space", "purse", "expenditure", "accounts", "procurement", "toilets", "realm")

// serviceObjects: what people engage with when they use care.
var serviceObjects = wordSet("services", "service", "treatment", "care", "support", "screening", "programmes", "therapy")

// consultCheck keeps "consultation" in the sense of asking the public, not
// a GP or outpatient consultation ("limits consultations to 10 minutes",
// "93% of sexual health service consultations by residents").
func consultCheck(t *text, i, j int) bool {
	if i > 0 {
		switch t.toks[i-1].norm {
		case "gp", "outpatient", "video", "telephone", "online", "virtual", "remote", "face",
			"clinical", "medical", "first", "follow", "primary", "care", "appointment",
			"appointments", "doctor", "nurse", "specialist", "consultant", "pharmacy", "digital",
			"routine", "initial", "new", "review", "hospital", "led", "of", "per", "service", "limits", "limit", "minute",
			"minutes", "length", "longer", "shorter", "pharmacist", "email", "e-mail", "phone", "web", "text", "patient":
			return false
		case "and", "or":
			// "separate visits and consultations"
			if i > 1 && clinicalVisits[t.toks[i-2].norm] {
				return false
			}
		}
	}
	if j < len(t.toks) {
		switch t.toks[j].norm {
		case "rates", "rate", "room", "rooms", "times", "time", "slots", "length", "per", "by":
			return false
		case "gp", "gps", "doctor", "doctors", "clinician", "clinicians", "nurse", "nurses", "pharmacist", "pharmacists",
			"consultant", "consultants", "specialist", "specialists", "dentist":
			return false // "consult GPs via email"
		case "for", "with":
			// A consultation for a patient, or with a clinician, is
			// care: "pharmacist consultations for patients who have
			// started a medicine", "a consultation with their GP".
			for k := j + 1; k < len(t.toks) && k <= j+3 && !t.toks[k].brk; k++ {
				if clinicians[t.toks[k].norm] || t.toks[j].norm == "for" && clinicalFor[t.toks[k].norm] {
					return false
				}
			}
		}
	}
	return true
}

// clinicalVisits are what a clinical consultation is listed with;
// clinicians whom a patient consults.
var (
	clinicalVisits = wordSet("visits", "visit", "appointments", "appointment", "admissions", "attendances", "referrals", "prescriptions")
	clinicalFor    = wordSet("patients", "patient", "medication", "medicines", "treatment", "review", "assessment", "diagnosis")
	clinicians     = wordSet("gp", "gps", "doctor", "doctors", "clinician", "clinicians", "nurse", "nurses", "pharmacist",
		"pharmacists", "consultant", "consultants", "specialist", "specialists", "dentist", "midwife", "physiotherapist")
)

// feedbackCheck keeps "feedback" in the sense of what people say of a
// service, not what a service gives them ("computer-generated feedback
// for at-risk patients", "feedback to patients on their results").
func feedbackCheck(t *text, i, j int) bool {
	return j >= len(t.toks) || t.toks[j].brk || t.toks[j].norm != "for" && t.toks[j].norm != "to"
}

// involveCheck keeps "involve" in the sense of bringing people into the
// work: people as its object ("involve residents", "involvement of
// patients", "involving local people"), or people involved in a plan or
// a decision ("carers were involved in designing the service"). People
// "involved with the criminal justice system", a country's "involvement
// in conflicts" and a model that "involves extended roles" are not.
func involveCheck(t *text, i, j int) bool {
	for k := j; k < len(t.toks) && k < j+4; k++ {
		if k > j && t.toks[k].brk {
			break
		}
		n := t.toks[k].norm
		if objectPeopleWords[n] || involvedPeople[n] {
			return true
		}
		if t.toks[i].norm == "involves" {
			// "involves" is nearly always "entails": only people
			// right after it make it involvement
			return false
		}
		if planWords[n] || decisionWords[n] {
			return true
		}
		if !involveFiller[n] && !isDigitByte(t.lower[t.toks[k].start]) {
			break
		}
	}
	next := ""
	if j < len(t.toks) && !t.toks[j].brk {
		next = t.toks[j].norm
	}
	// "people will be actively involved": involved, with no "in" or
	// "with" after it to say in what.
	if next != "in" && next != "with" && t.aboutPeople() {
		for k := i - 1; k >= 0 && k >= i-3; k-- {
			n := t.toks[k].norm
			if beingWords[n] {
				return true
			}
			if !involveAdverbs[n] {
				break
			}
		}
	}
	// "in"/"with" and a plan or a decision a few words on: "involve those
	// with lived experience in service improvement".
	for k := j; k < len(t.toks) && k < j+6; k++ {
		if k > j && t.toks[k].brk {
			break
		}
		if n := t.toks[k].norm; n != "in" && n != "with" {
			continue
		}
		for m := k + 1; m < len(t.toks) && m < k+5; m++ {
			if t.toks[m].brk {
				break
			}
			if planWords[t.toks[m].norm] || decisionWords[t.toks[m].norm] {
				return true
			}
		}
		break
	}
	// "patient involvement", "community and voluntary sector involvement"
	if i > 0 && !t.toks[i].brk {
		n := t.toks[i-1].norm
		return objectPeopleWords[n] || strongPeopleWords[n] || n == "community" || stakeholderWords[n]
	}
	return false
}

var (
	beingWords     = wordSet("be", "been", "being", "are", "is", "was", "were", "feel", "felt", "get", "getting", "stay", "remain")
	involveAdverbs = wordSet("actively", "fully", "closely", "meaningfully", "directly", "genuinely", "also", "more", "properly", "all")
)

// involvedPeople are more people an "involve" can take as its object.
var involvedPeople = wordSet("those", "volunteers", "anyone", "members", "everybody", "family", "friends")

// involveFiller are the words between "involve" and its object: "involve
// local people", "involvement of the public", "involving more young".
var involveFiller = wordSet("of", "the", "local", "more", "all", "our", "from", "and", "key", "other", "over", "around",
	"almost", "nearly", "than", "some", "many", "or", "to", "consult", "engage", "support", "empower",
	"in", "with", "by", "a", "wider", "diverse", "those", "people's", "these")

// planWords are what people are involved in when involvement is public
// involvement: a plan, a service's design, a decision, research.
var planWords = wordSet("planning", "plan", "plans", "design", "designing", "designed", "developing",
	"development", "develop", "strategy", "strategies", "shaping", "decisions", "decision", "decision-making",
	"making", "review", "reviewing", "co-production", "coproduction", "research", "evaluation", "evaluating",
	"improvement", "improving", "commissioning", "procurement", "recruitment", "interviews", "setting",
	"priorities", "consultation", "engagement", "conversations", "discussions", "work", "programme",
	"aims", "achieving", "delivering", "delivery",
	"running", "governance", "projects", "project")

// surveyCheck drops staff surveys.
func surveyCheck(t *text, i, j int) bool {
	if i > 0 {
		switch t.toks[i-1].norm {
		case "staff", "workforce", "pulse", "employee", "colleague", "nhs", "national", "census":
			return false
		}
	}
	return true
}

// responsesCheck keeps "responses" that are answers from people: "1,200
// responses", "responses to the survey", "responses from residents".
func responsesCheck(t *text, i, j int) bool {
	if i > 0 && isDigitByte(t.lower[t.toks[i-1].start]) {
		return true
	}
	if j < len(t.toks) {
		switch t.toks[j].norm {
		case "to", "from", "received", "were":
			return true
		}
	}
	return false
}

var engageLexicon = lazyLexicon(engageEntries)

func engageEntries() []entry {
	e := func(sub string, patterns ...string) []entry {
		es := make([]entry, 0, len(patterns))
		for _, p := range patterns {
			es = append(es, entry{pattern: p, kind: Engagement, sub: sub})
		}
		return es
	}
	const peopleObj = "people|residents|patients|public|communities|carers|citizens|families|everyone|you|users|service"
	var es []entry
	// Co-production.
	es = append(es, e("s:"+SubCoproduce,
		"co produce|produced|producing|production|produces|producer|producers",
		"coproduce|coproduced|coproducing|coproduction|coproduces",
		"co design|designed|designing|designs", "codesign|codesigned|codesigning",
		"co develop|developed|developing|development", "co create|created|creating|creation",
		"designed|developed with|by "+peopleObj+"|local|young|older", "participatory budgeting",
		"community led", "led by communities|residents|people|local")...)
	es = append(es, e(SubCoproduce, "you said we did", "you said we listened", "citizens assembly|assemblies",
		"citizens jury|juries", "people's assembly")...)
	// Community and peer researchers take part in research: involvement,
	// not yet decisions shaped by it.
	es = append(es, e(SubInvolve, "community researchers|researcher", "peer researchers|researcher", "community research")...)
	// Involvement.
	for _, p := range []string{"involve|involved|involving|involvement", "involves"} {
		es = append(es, entry{pattern: p, kind: Engagement, sub: "s:" + SubInvolve, check: involveCheck})
	}
	es = append(es, e("p:"+SubInvolve,
		"workshops|workshop with", "reference group|groups", "lived experience", "living experience",
		"experts|expert by experience", "community champions|champion", "health champions|champion",
		"patient representatives|representative", "service user representatives|representative|involvement",
		"people's panel", "residents panel|panels", "patient panel|panels",
		"patient voice", "user voice")...)
	es = append(es, e(SubInvolve, "patient participation group|groups", "PPG", "PPGs",
		"citizens panel|panels", "patient and public involvement|voice|participation", "PPI",
		"healthwatch", "community engagement", "public engagement", "patient engagement",
		"resident engagement", "public involvement", "community involvement", "patient involvement")...)
	es = append(es, e("o:"+SubInvolve, "engage|engaged|engaging|engages|engagement with",
		"engaging|engage|engaged", "working with", "worked with")...)
	// Consultation.
	es = append(es, entry{pattern: "consultation|consultations|consult|consulted|consulting", kind: Engagement, sub: "s:" + SubConsult, check: consultCheck})
	es = append(es, entry{pattern: "public consultation|consultations", kind: Engagement, sub: SubConsult})
	es = append(es, entry{pattern: "survey|surveys|surveyed", kind: Engagement, sub: "p:" + SubConsult, check: surveyCheck})
	es = append(es, entry{pattern: "responses|respondents", kind: Engagement, sub: "p:" + SubConsult, check: responsesCheck})
	es = append(es, entry{pattern: "feedback", kind: Engagement, sub: "p:" + SubConsult, check: feedbackCheck})
	es = append(es, e("p:"+SubConsult, "questionnaire|questionnaires", "focus group|groups",
		"listening events|event|exercise|exercises|sessions|session|tour",
		"engagement events|event|exercise|exercises|sessions|session|activities|activity|programme|survey|period",
		"we asked", "conversations with", "drop in sessions|session", "roadshows|roadshow",
		"public meetings|meeting", "community conversations|conversation", "big conversation",
		"told us", "said they")...)
	// Informing.
	es = append(es, e(SubInform,
		"keep|keeping you|people|residents|patients|public|communities|everyone informed|updated",
		"keep|keeping the public|people|residents informed|updated",
		"inform|informing|update|updating|tell|telling the| public|people|residents|patients|communities|carers|families",
		"communicate|communicating with the| public|people|residents|patients|communities|carers|families",
		"newsletter|newsletters")...)
	es = append(es, e("p:"+SubInform, "publish")...)
	return es
}

package annotate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// VCS sub-kinds.
const (
	SubTerm              = "term"               // voluntary sector, VCSE, charities, community groups
	SubBody              = "body"               // a named voluntary organisation: Age UK, Mind, NAVCA
	SubPatientVoice      = "patient-voice"      // Healthwatch: statutory, not voluntary, but the public's voice
	SubAlliance          = "alliance"           // VCSE alliance or assembly, a seat on a board
	SubFunding           = "funding"            // grants programmes, community funds, commissioning the sector
	SubSocialPrescribing = "social-prescribing" // social prescribing, link workers, community connectors
	SubPartnerList       = "partner-list"       // the sector as one of a list of partners: "the NHS, councils and the voluntary sector"
)

// FindVCS finds the voluntary and community sector: Sub "term", "body",
// "patient-voice" (Healthwatch), "alliance", "funding" and
// "social-prescribing".
//
// Left out on purpose: "voluntary" alone (voluntary redundancy),
// NHS community services and community nursing, a trust's charitable
// funds, and think tanks and research bodies (The King's Fund, the
// Nuffield Trust, the Health Foundation, the Young Foundation): they are
// charities in law, but naming them as authors or sources says nothing
// about the sector's part in a plan.
func FindVCS(s string) []Annotation {
	return findVCS(newText(s))
}

func findVCS(t *text) []Annotation {
	out := vcsLexicon().find(t, nil)
	if len(out) == 0 {
		t.vcs = 2
		return nil
	}
	t.vcs = 1
	// Funding words and board seats count only next to the sector: "grant
	// funding" alone may be a capital grant to a trust.
	for _, a := range vcsContextLexicon().find(t, nil) {
		if !overlaps(out, a.Start, a.End) {
			out = append(out, a)
		}
	}
	if hasAny(t.lower, "seat", "represent") {
		for _, m := range allAt(seatRe, t, normIn("seat", "seats", "representative", "representatives", "representation").then(2, tokIn("on"))) {
			a, b := m[0], m[1]
			if k := t.tokenAt(a); k > 0 && !t.toks[k].brk && articles[t.toks[k-1].norm] {
				a = t.toks[k-1].start
			}
			// "VCSE representative" + "representative on the Board" is one
			// seat: the sector's words and the seat merge.
			kept := out[:0]
			for _, o := range out {
				if o.Start < b && a < o.End {
					a, b = min(a, o.Start), max(b, o.End)
					continue
				}
				kept = append(kept, o)
			}
			out = append(kept, Annotation{Kind: VCS, Sub: SubAlliance, Text: t.s[a:b], Start: a, End: b})
		}
	}
	out = append(out, partnerLists(t, out)...)
	out = append(out, sectorAgents(t, out)...)
	out = append(out, sectorFunded(t, out)...)
	sortAnnotations(out)
	return out
}

// otherSectors are words naming the other kinds of organisation a
// partner list puts the sector beside: "the NHS, local authorities and
// the voluntary sector", "public, private and voluntary organisations",
// "primary care and voluntary sector organisations".
var otherSectors = wordSet("nhs", "council", "councils", "authority", "authorities", "trusts", "ccgs", "icb", "icbs",
	"hospitals", "police", "schools", "universities", "businesses", "employers", "providers", "commissioners", "government",
	"private", "public", "statutory", "independent", "care", "justice", "probation", "prisons", "housing", "practices", "pcns")

// listGlue are the words a list joins its items with or puts before one.
var listGlue = wordSet("and", "or", "the", "our", "wider", "local", "other", "with")

// partnerLists marks the sector named as one item of a list of partners
// (RUBRIC.md's passing mention "in a list of partners or stakeholders"):
// a sector's words joined by "and", "or" or a comma to another kind of
// organisation, before or after them, with nothing but the list's glue
// between.
func partnerLists(t *text, found []Annotation) []Annotation {
	var out []Annotation
	for _, a := range found {
		if a.Sub != SubTerm && a.Sub != SubBody {
			continue
		}
		i, j := t.tokenAt(a.Start), t.tokenAt(a.End)
		if i >= len(t.toks) {
			continue
		}
		if k := listedBefore(t, i); k >= 0 {
			out = append(out, Annotation{Kind: VCS, Sub: SubPartnerList, Text: t.s[t.toks[k].start:a.End], Start: t.toks[k].start, End: a.End})
		} else if k := listedAfter(t, j); k >= 0 {
			out = append(out, Annotation{Kind: VCS, Sub: SubPartnerList, Text: t.s[a.Start:t.toks[k].end], Start: a.Start, End: t.toks[k].end})
		}
	}
	return out
}

// listedBefore: the token at i is joined to an earlier list item of
// another sector (within eight words, no hard break); the index of that
// item's word, or -1.
func listedBefore(t *text, i int) int {
	joined := false
	for k := i - 1; k >= 0 && k >= i-8; k-- {
		if t.toks[k+1].brk {
			return -1
		}
		gap := t.s[t.toks[k].end:t.toks[k+1].start]
		if strings.Contains(gap, ",") || t.toks[k].norm == "and" || t.toks[k].norm == "or" {
			joined = true
		}
		switch {
		case otherSectors[t.toks[k].norm] && joined:
			return k
		case !listGlue[t.toks[k].norm] && !joined:
			return -1 // a word that is not the list's: "the NHS funds the voluntary sector"
		}
	}
	return -1
}

// listedAfter: the sector's words end at token j and are joined to a later
// item of another sector (within six words).
func listedAfter(t *text, j int) int {
	if j >= len(t.toks) || t.toks[j].brk {
		return -1
	}
	gap := t.s[t.toks[j-1].end:t.toks[j].start]
	if !strings.Contains(gap, ",") && t.toks[j].norm != "and" && t.toks[j].norm != "or" {
		return -1
	}
	for k := j; k < len(t.toks) && k < j+6; k++ {
		if k > j && t.toks[k].brk {
			return -1
		}
		if otherSectors[t.toks[k].norm] {
			return k
		}
	}
	return -1
}

// hasVCS reports whether the sentence names the sector, computing it once.
func (t *text) hasVCS() bool {
	if t.vcs == 0 {
		findVCS(t)
	}
	return t.vcs == 1
}

var articles = wordSet("a", "one", "two", "the")

var seatRe = lazyre.New(`^(?:seat|seats|representative|representatives|representation)\s+on\s+(?:the\s+|our\s+|each\s+|its\s+)?(?:[a-z&'’-]+\s+){0,5}?(?:board|boards|committee|committees|partnership|partnerships|assembly)\b`)

// mindCheck keeps "Mind" the charity apart from the verb and the noun.
// writtenAsName: every word of the match starts with a capital letter in
// the sentence as written, and the sentence is not all capitals (a
// heading in capitals names nothing).
func writtenAsName(t *text, i, j int) bool {
	for k := i; k < j; k++ {
		w := t.s[t.toks[k].start:t.toks[k].end]
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return strings.ToUpper(t.s) != t.s
}

func mindCheck(t *text, i, j int) bool {
	if i == 0 {
		return false
	}
	switch t.toks[i-1].norm {
	case "of", "peace", "keep", "keeping", "bear", "bearing", "in", "to", "your", "my", "our",
		"state", "frame", "open", "change", "same", "like", "never", "body", "healthy", "sound",
		"and", "the", "a":
		if t.toks[i-1].norm != "and" || i < 2 || t.toks[i-2].norm == "body" {
			return false
		}
	}
	if j < len(t.toks) {
		switch t.toks[j].norm {
		case "the", "your", "you", "that", "how", "what", "matters", "set", "sets":
			return false
		}
	}
	return true
}

// nhsCharityBefore are words that make "charity" an NHS body's own
// ("Leeds Hospitals Charity", "the Trust's charity", "NHS charities"):
// it raises money for the trust; it is not the voluntary sector working
// with it. nhsCharityAfter make it the regulator ("the Charity
// Commission").
var (
	nhsCharityBefore = wordSet("hospital", "hospitals", "nhs", "trust", "trust's", "trusts", "infirmary", "children's")
	nhsCharityAfter  = wordSet("commission", "commissioners", "commissioner", "commission's")
)

// notNHSCharity keeps "charity" for the voluntary sector, not an NHS
// body's own charity or the Charity Commission. The NHS word must be
// part of the name, next to "charity" with only a space between: in a
// list ("providers - NHS, charity or independent sector") the charity is
// one of several sectors.
func notNHSCharity(t *text, i, j int) bool {
	if i > 0 && !t.toks[i].brk && nhsCharityBefore[t.toks[i-1].norm] && onlySpaceBetween(t.s, t.toks[i-1].end, t.toks[i].start) {
		return false
	}
	return j >= len(t.toks) || !nhsCharityAfter[t.toks[j].norm]
}

var vcsLexicon = lazyLexicon(vcsEntries)

func vcsEntries() []entry {
	v := func(sub string, patterns ...string) []entry {
		es := make([]entry, 0, len(patterns))
		for _, p := range patterns {
			es = append(es, entry{pattern: p, kind: VCS, sub: sub})
		}
		return es
	}
	var es []entry
	sector := "sector|sectors|organisations|organisation|organizations|groups|partners|partner|colleagues|providers|provider|services|bodies|infrastructure|"
	es = append(es, v(SubTerm,
		"voluntary sector|sectors", "voluntary and community "+sector, "voluntary community and faith "+sector,
		"voluntary community and social enterprise "+sector, "voluntary community faith and social enterprise "+sector,
		"voluntary and charitable sector|sectors", "voluntary community and faith", "voluntary organisations|organisation|organizations|groups|group",
		"voluntary sector organisations|partners|partner|providers|colleagues|services",
		"community and voluntary "+sector, "community sector|sectors", "community voluntary and faith "+sector,
		"VCS", "VCSE", "VCFSE", "VCFS", "vcse sector|sectors|organisations|partners|colleagues|providers|services|",
		"vcs sector|organisations|partners|", "vcfse sector|organisations|partners|",
		"third sector|sectors", "third sector organisations|partners|organisation|colleagues|providers",
		"charitable sector|organisations|organisation|bodies",
		"social enterprise|enterprises", "community groups|group", "faith groups|group|organisations|communities",
		"faith and community groups|organisations", "community and faith groups|organisations",
		"community organisations|organisation|organizations", "grassroots organisations|groups|organisation|group",
		"community anchor|anchors organisations|organisation|", "anchor organisations",
		"not for profit organisations|organisation|sector|providers", "community interest company|companies",
		"user led organisations|organisation")...)
	es = append(es, v(SubBody,
		"NCVO", "National Council for Voluntary Organisations", "NAVCA", "Age UK", "Age Concern",
		"Macmillan", "Macmillan Cancer Support", "Citizens Advice", "Citizens Advice Bureau",
		"Alzheimer's Society", "Carers UK", "Carers Trust", "Samaritans", "Barnardo's",
		"British Red Cross", "Red Cross", "Marie Curie", "St John Ambulance", "Turning Point",
		"Change Grow Live", "Home Start", "Mencap", "Stonewall", "Voluntary Action",
		"Council for Voluntary Service", "Councils for Voluntary Service", "CVS", "Forum Central",
		"Rethink Mental Illness", "Together for Mental Wellbeing", "Diabetes UK",
		"British Heart Foundation", "Cancer Research UK", "Asthma UK", "Asthma and Lung UK",
		"Sussex Community Foundation", "Leeds Community Foundation", "Community Foundation")...)
	es = append(es, entry{pattern: "Mind", kind: VCS, sub: SubBody, check: mindCheck})
	for _, p := range []string{"charities", "charity"} {
		es = append(es, entry{pattern: p, kind: VCS, sub: SubTerm, check: notNHSCharity})
	}
	// Local bodies are named after their place ("Westbrook Community
	// Action", "St Gemma's Hospice", "Crawley Foodbank"): the words count
	// when written as a name, not as ordinary prose ("community action").
	for _, p := range []string{"Community Action", "Carers Support", "Carers Centre", "Carers Center", "Foodbank",
		"Food Bank", "Hospice", "Women's Aid", "Womens Aid", "Community Transport", "Community Voluntary Services",
		"Volunteer Centre", "Volunteering Centre", "Community Hub", "Community Association", "Youth Club", "Credit Union"} {
		es = append(es, entry{pattern: p, kind: VCS, sub: SubBody, check: writtenAsName})
	}
	es = append(es, v(SubPatientVoice, "healthwatch")...)
	alliance := "alliance|assembly|partnership|board|leadership|network|forum|representative|representatives|collaborative|consortium"
	for _, term := range []string{"vcse", "vcs", "vcfse", "third sector", "voluntary sector", "voluntary and community sector", "voluntary community and social enterprise", "voluntary community faith and social enterprise"} {
		es = append(es, v(SubAlliance, term+" "+alliance+" board|group|")...)
		es = append(es, v(SubAlliance, term+" sector "+alliance+" board|group|")...)
	}
	es = append(es, v(SubFunding,
		"small grants", "small grant", "community fund|funds", "community grants|grant", "micro grants|grant",
		"community chest", "grants programme|programmes|program|scheme|schemes|fund", "community grants programme|scheme")...)
	es = append(es, v(SubSocialPrescribing,
		"social prescribing", "social prescriber|prescribers", "social prescribing link worker|workers",
		"link worker|workers", "community connector|connectors", "community navigator|navigators")...)
	return es
}

// vcsContextLexicon holds phrases that are about the sector only when the
// sentence names it.
var vcsContextLexicon = lazyLexicon(func() []entry {
	return []entry{
		{pattern: "grant funding|funded|funds|aid", kind: VCS, sub: SubFunding},
		{pattern: "grants|grant to|for", kind: VCS, sub: SubFunding},
		{pattern: "multi year funding|contracts|contract|grants|grant|agreements|agreement|investment|settlements", kind: VCS, sub: SubFunding},
		{pattern: "multiyear funding|contracts|contract|grants|grant|agreements|agreement|investment", kind: VCS, sub: SubFunding},
		{pattern: "commissioned|commissioning|commission from|through|with|by", kind: VCS, sub: SubFunding},
		{pattern: "funded|funding|investment|invest|investing|invested by|in|for|to|through", kind: VCS, sub: SubFunding, check: moneyNear},
	}
})

// moneyNear keeps generic funding words only when a sum is in the
// sentence: "investment in the voluntary sector of £2m".
func moneyNear(t *text, i, j int) bool {
	return hasAny(t.lower, "£", "gbp", "pounds")
}

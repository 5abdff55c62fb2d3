package annotate

import (
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// Group sub-kinds.
const (
	SubCore20       = "core20"        // most deprived 20%, Core20PLUS5, deprived areas
	SubPlus         = "plus"          // inclusion health groups
	SubEthnicity    = "ethnicity"     // ethnic minority, Black, Asian, BAME
	SubDisability   = "disability"    // learning disabilities, autism, SMI
	SubAge          = "age"           // older people, children and young people
	SubSex          = "sex"           // women, men, girls, boys
	SubLGBT         = "lgbt"          // LGBT+, trans people, sexual orientation
	SubCarers       = "carers"        // unpaid carers, young carers
	SubLowIncome    = "low-income"    // low income, poverty, fuel poverty
	SubDeprivation  = "deprivation"   // "deprivation" named without a target group
	SubRural        = "rural"         // rural areas and communities
	SubCoastal      = "coastal"       // coastal communities and towns
	SubProtected    = "protected"     // "protected characteristics"
	SubClinicalArea = "clinical-area" // the Core20PLUS5 clinical areas
)

// Place sub-kinds.
const (
	SubNamedPlace = "named" // a place from the list (ICS areas, counties, towns, districts)
	SubArea       = "area"  // "<Name> ward/borough/district/neighbourhood/PCN/ICB"
)

// FindGroups finds population groups (Group, Sub one of the Sub* group
// constants) and places (Place, Sub "named" for places from the built-in
// list of ICS areas, counties, cities and districts, "area" for a
// capitalised name followed by ward, borough, district, neighbourhood,
// locality, PCN, ICB or CCG). Deprived areas are the Core20 group, not
// places.
func FindGroups(s string) []Annotation {
	return findGroups(newText(s))
}

func findGroups(t *text) []Annotation {
	out := groupLexicon().find(t, nil)
	if hasAny(t.lower, "ward", "borough", "district", "neighbourhood", "locality", "pcn", "icb", "ccg") {
		out = findAreas(t, out)
	}
	sortAnnotations(out)
	return out
}

// areaRe is a run of capitalised words before an area word. Matched on the
// original text: capitals matter here.
// It is matched on a few words before each area word only.
var areaRe = lazyre.New(`\b((?:[A-Z][a-z'’]+(?:-[A-Z][a-z]+)?\s){1,2})(ward|Ward|borough|Borough|district|District|neighbourhood|Neighbourhood|locality|Locality|PCN|ICB|CCG)$`)

var areaWords = wordSet("ward", "borough", "district", "neighbourhood", "locality", "pcn", "icb", "ccg")

// notPlaceWords are capitalised words met before "Ward", "District" or
// "Neighbourhood" in title-case headings that are not place names.
var notPlaceWords = wordSet("the", "a", "an", "our", "your", "their", "this", "that", "each",
	"every", "any", "all", "new", "local", "national", "regional", "integrated", "model",
	"develop", "developing", "delivering", "expanding", "effective", "urgent", "primary",
	"secondary", "home", "virtual", "hospital", "acute", "medical", "surgical", "children's",
	"maternity", "elderly", "stroke", "cardiac", "community", "care", "health", "mental",
	"general", "day", "assessment", "rehabilitation", "respiratory", "frailty", "inpatient",
	"private", "single", "whole", "same", "neighbouring", "electoral", "council", "rural",
	"urban", "deprived", "target", "pilot", "priority", "test", "future", "healthy", "safe",
	"digital", "admission", "discharge", "isolation", "psychiatric", "older", "adult",
	"adults", "children", "ambulatory", "short", "long", "step", "transitional",
	"intermediate", "specialist", "geriatric", "trauma", "emergency", "paediatric",
	"neonatal", "labour", "postnatal", "antenatal", "metropolitan", "county", "city",
	"borough", "district", "town", "parish", "central", "every", "per", "and", "by", "in",
	"of", "for", "with", "at", "on", "to", "from", "across", "within", "each", "other",
	"wider", "whole", "what", "why", "how", "where", "who", "which", "building", "creating",
	"strengthening", "supporting", "improving", "introducing", "establishing", "defining",
	"lead", "leads", "led", "team", "teams", "nurse", "nurses", "nursing", "based", "level",
	"working", "health's", "wellbeing", "our", "my", "his", "her", "its", "strong", "better",
	"thriving", "connected", "resilient", "people", "place", "places", "system", "systems",
	"ics", "icb", "nhs", "pcn", "pcns", "these", "those", "some", "many", "most", "both",
	"standard", "specialised", "covid", "winter", "summer", "ward", "wards", "healthcare",
	"referrals", "referral", "services", "impact", "mitigation", "network", "networks",
	"programme", "support", "partnership", "partnerships", "plan", "plans", "strategy",
	"approach", "approaches", "population", "populations", "practice", "practices", "model",
	"models", "core", "key", "main", "named", "relevant", "same", "wide", "based", "focused",
	"led", "owned", "clinical", "nhs", "ccg", "ccgs", "icbs", "senior", "chief", "executive")

func findAreas(t *text, out []Annotation) []Annotation {
	for k, tk := range t.toks {
		if k == 0 || !areaWords[tk.norm] {
			continue
		}
		w0 := t.toks[max(0, k-3)].start
		m := areaRe.FindStringSubmatchIndex(t.s[w0:tk.end])
		if m == nil {
			continue
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += w0
			}
		}
		start, end := m[2], m[1]
		// Drop leading words that are not names ("The Pudsey
		// Neighbourhood" is "Pudsey Neighbourhood").
		for start < m[3] {
			sp := strings.IndexByte(t.s[start:m[3]], ' ')
			if sp < 0 {
				break
			}
			w := strings.ToLower(strings.TrimRight(t.s[start:start+sp], "'’"))
			if !notPlaceWords[w] {
				break
			}
			start += sp + 1
		}
		if start >= m[3] {
			continue
		}
		// The last name word, next to the area word, must not be ordinary.
		words := strings.Fields(t.s[start:m[3]])
		if len(words) == 0 || notPlaceWords[strings.ToLower(words[len(words)-1])] {
			continue
		}
		if overlaps(out, start, end) {
			// A listed place followed by "ward"/"ICB" ("Sussex ICB"): keep
			// the longer, area reading.
			kept := out[:0]
			for _, a := range out {
				if !(a.Kind == Place && a.Start >= start && a.End <= end) {
					kept = append(kept, a)
				}
			}
			out = kept
			if overlaps(out, start, end) {
				continue
			}
		}
		out = append(out, Annotation{Kind: Place, Sub: SubArea, Text: t.s[start:end], Start: start, End: end})
	}
	return out
}

var childWords = wordSet("children", "child", "childhood", "young", "cyp", "pupils", "schools",
	"school", "adolescents", "adolescent", "teenagers", "youth", "paediatric", "infants")

// blackNext are the words that make a capitalised "Black" an ethnicity.
var blackNext = wordSet("african", "caribbean", "british", "people", "communities", "community",
	"women", "men", "mothers", "residents", "patients", "groups", "group", "families",
	"children", "heritage", "and", "or", "asian", "ethnic", "minority", "other", "background",
	"backgrounds", "populations", "population", "led", "youth", "young", "boys", "girls",
	"adults", "babies", "lives", "individuals")

func blackCheck(t *text, i, j int) bool {
	if j >= len(t.toks) {
		return false
	}
	return blackNext[t.toks[j].norm]
}

func childContext(t *text, i, j int) bool { return t.hasWord(childWords) }

var groupLexicon = lazyLexicon(groupEntries)

func groupEntries() []entry {
	g := func(sub string, patterns ...string) []entry {
		es := make([]entry, 0, len(patterns))
		for _, p := range patterns {
			es = append(es, entry{pattern: p, kind: Group, sub: sub})
		}
		return es
	}
	var es []entry
	es = append(es, g(SubCore20,
		"most deprived 20|10|5 %", "most deprived quintile|decile|quintiles|deciles",
		"most deprived areas|communities|neighbourhoods|wards|parts|people|populations|groups|places|lsoas|households||",
		"20|10 % most deprived", "core20plus5|core20plus|core20", "core20 plus 5|",
		"core 20 plus| 5|", "deprived areas|communities|neighbourhoods|wards|populations|groups|parts|households|families|localities|places",
		"more deprived areas|communities|neighbourhoods|wards|populations|groups|parts",
		"areas|communities|neighbourhoods|parts|places of high|highest|greatest|higher|significant deprivation",
		"imd quintile|decile 1", "poorest areas|communities|neighbourhoods")...)
	es = append(es, g(SubDeprivation, "deprivation")...)
	es = append(es, g(SubPlus,
		"PLUS groups|group|populations|population", "inclusion health groups|group|populations|",
		"people|those|adults|families experiencing homelessness",
		"people|those|adults|families affected by homelessness",
		"homeless|homelessness", "rough sleepers|sleeping|sleeper",
		"gypsy roma and| traveller|travellers communities|community|people|",
		"gypsy and traveller|travellers communities|community|", "gypsies and travellers",
		"Traveller|Travellers communities|community|people|", "sex workers|worker",
		"vulnerable migrants", "migrants|migrant", "asylum seekers|seeker", "people seeking asylum",
		"refugees|refugee", "people leaving prison", "prison leavers", "prisoners", "ex offenders",
		"people in contact with the criminal justice system", "people who use|inject drugs",
		"veterans", "armed forces veterans|community", "care leavers", "looked after children",
		"children in care", "people who are homeless", "modern slavery", "victims of modern slavery")...)
	es = append(es, entry{pattern: "Black", kind: Group, sub: SubEthnicity, check: blackCheck})
	es = append(es, g(SubEthnicity,
		"Black Asian and minority ethnic", "Black and minority ethnic", "Black African|Caribbean|British",
		"Asian", "South|East Asian", "BAME", "BME", "ethnic minority|minorities", "minority ethnic",
		"ethnically diverse", "racially minoritised", "minoritised ethnic|communities|groups",
		"people of colour", "global majority", "Gypsy", "Roma",
		"ethnic minority|minorities groups|communities|backgrounds",
		"minority ethnic groups|communities|backgrounds")...)
	es = append(es, g(SubDisability,
		"learning disability|disabilities", "learning disabled", "autism", "autistic people|adults|children|",
		"disabled people|adults|children|residents", "people|adults|children with a| disability|disabilities",
		"physical disability|disabilities", "sensory impairment|impairments", "SMI",
		"serious|severe mental illness|illnesses", "neurodivergent", "neurodiverse",
		"people|adults|children with a| learning disability|disabilities",
		"people|adults|children with learning disability|disabilities and autism")...)
	es = append(es, g(SubAge,
		"older people|adults|residents|person|population", "elderly", "children and young people",
		"CYP", "young people", "children", "over 65s", "over 75s", "over 65", "aged 65 and over|older",
		"babies", "infants", "adolescents", "teenagers", "young adults", "pensioners")...)
	es = append(es, g(SubSex, "women", "men", "girls", "boys", "pregnant women")...)
	es = append(es, g(SubLGBT, "LGBT", "LGBTQ", "LGBTQI", "LGBTQIA",
		"lesbian gay bisexual and| trans|transgender|", "transgender", "trans people|women|men|communities",
		"non binary", "sexual orientation", "gender identity", "bisexual", "gay men")...)
	es = append(es, g(SubCarers, "carers|carer", "unpaid carers", "young carers", "family carers")...)
	es = append(es, g(SubLowIncome, "low income|incomes families|households|",
		"poverty", "fuel poverty", "child poverty", "food poverty", "in work poverty",
		"financial hardship", "food insecurity", "unemployed people", "living in poverty")...)
	es = append(es, g(SubRural, "rural", "rural areas|communities|populations|villages")...)
	es = append(es, g(SubCoastal, "coastal", "coastal communities|towns|areas|strip|populations|area|town")...)
	es = append(es, g(SubProtected, "protected characteristic|characteristics")...)
	es = append(es, g(SubClinicalArea,
		"maternity", "continuity of carer", "maternity continuity of carer",
		"severe|serious mental illness health check|checks", "SMI health check|checks",
		"SMI annual health check|checks", "annual health check|checks",
		"chronic respiratory disease", "COPD", "chronic obstructive pulmonary disease",
		"early cancer diagnosis", "early diagnosis of cancer", "cancer diagnosed|diagnosis at stage|stages 1|one",
		"early diagnosis", "hypertension", "hypertension case finding", "lipid management",
		"asthma", "diabetes", "epilepsy", "oral health", "tooth|dental decay")...)
	es = append(es, entry{pattern: "mental health", kind: Group, sub: SubClinicalArea, check: childContext})
	for _, p := range placeNames {
		es = append(es, entry{pattern: p, kind: Place, sub: SubNamedPlace})
	}
	return es
}

// placeNames is a modest list of English places NHS papers name: ICS
// areas, counties, cities, and the districts of the corpus's West Sussex
// and Leeds documents. Words that are also ordinary English words
// ("Reading", "March", "Bury") are left out.
var placeNames = []string{
	"North East", "North West", "Yorkshire and the Humber", "Yorkshire", "East Midlands",
	"West Midlands", "East of England", "London", "South East", "South West",
	"Sussex", "West Sussex", "East Sussex", "Surrey", "Surrey Heartlands", "Kent", "Medway",
	"Hampshire", "Isle of Wight", "Dorset", "Devon", "Cornwall", "Somerset", "Wiltshire",
	"Gloucestershire", "Oxfordshire", "Berkshire", "Buckinghamshire", "Hertfordshire",
	"Bedfordshire", "Essex", "Suffolk", "Norfolk", "Waveney", "Cambridgeshire", "Lincolnshire",
	"Leicestershire", "Rutland", "Northamptonshire", "Nottinghamshire", "Derbyshire",
	"Staffordshire", "Shropshire", "Herefordshire", "Worcestershire", "Warwickshire",
	"Cheshire", "Merseyside", "Lancashire", "Cumbria", "Greater Manchester", "West Yorkshire",
	"South Yorkshire", "North Yorkshire", "Humber", "Durham", "Northumberland",
	"Tyne and Wear", "Black Country", "Frimley", "Telford and Wrekin",
	"Leeds", "Bradford", "Wakefield", "Kirklees", "Calderdale", "Sheffield", "Rotherham",
	"Doncaster", "Barnsley", "York", "Hull", "Manchester", "Salford", "Liverpool",
	"Birmingham", "Solihull", "Coventry", "Wolverhampton", "Walsall", "Sandwell", "Dudley",
	"Nottingham", "Derby", "Leicester", "Stoke on Trent", "Bristol", "Plymouth", "Exeter",
	"Southampton", "Portsmouth", "Brighton and Hove", "Brighton", "Hove", "Eastbourne",
	"Hastings", "Lewes", "Rother", "Wealden", "Crawley", "Horsham", "Chichester", "Worthing",
	"Adur", "Arun", "Mid Sussex", "Bognor Regis", "Littlehampton", "Shoreham", "Burgess Hill",
	"Haywards Heath", "East Grinstead", "Newcastle", "Sunderland", "Gateshead",
	"Middlesbrough", "Oxford", "Cambridge", "Peterborough", "Norwich", "Ipswich", "Luton",
	"Milton Keynes", "Swindon", "Bournemouth", "Poole", "Southend", "Blackpool", "Preston",
	"Blackburn", "Bolton", "Wigan", "Stockport", "Oldham", "Rochdale", "Tameside", "Trafford",
	"Lambeth", "Southwark", "Lewisham", "Hackney", "Tower Hamlets", "Newham", "Islington",
	"Camden", "Croydon", "Haringey", "Brent", "Ealing", "Hounslow", "Barnet", "Enfield",
	"Seacroft", "Harehills", "Chapeltown", "Beeston", "Armley", "Holbeck", "Hunslet",
	"Pudsey", "Headingley", "Burmantofts", "Gipton", "Lincoln Green", "Coastal West Sussex",
}

func hasAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

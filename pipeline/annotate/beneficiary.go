package annotate

// A group named in a sentence is not always the group an action is for:
// "support for the individual and their family carers" is a service's
// users, "a gap in screening uptake for homeless women" a finding, and
// "compared with the most deprived areas" a comparison. RUBRIC.md's
// inequality actions are "aimed at named groups or areas": the group is
// what the action is for, reached through a word that aims it ("for",
// "aimed at", "targeted at", "to reach", "in" an area).
// findBeneficiaries marks a group or area that such a word governs,
// across a few words that only qualify it ("for people from Black and
// minority ethnic communities", "in the most deprived 20% of areas"),
// never across a clause break. Rules use it to prefer, among the passages
// of an action, those that say whom the action is for.

// targetWords aim what precedes them at what follows.
var targetWords = wordSet("for", "in", "within", "among", "amongst", "targeting", "reach",
	"reaching", "reaches", "prioritising", "prioritizing", "prioritise", "prioritize",
	"prioritises", "supporting", "engaging", "towards")

// targetPairs are two-word aims, keyed by their second word.
var targetPairs = map[string]map[string]bool{
	"at":   wordSet("aimed", "targeted", "targetted", "directed"),
	"to":   wordSet("targeted", "tailored", "accessible", "offered", "available", "outreach", "extended", "reach", "access"),
	"on":   wordSet("focused", "focusing", "focus", "targeted", "concentrated", "concentrating"),
	"with": wordSet("working", "work", "works", "worked", "partnership"),
}

// targetFill are words that may stand between an aiming word and its
// group without changing who is aimed at.
var targetFill = wordSet("the", "a", "an", "our", "their", "local", "people", "those", "persons",
	"individuals", "residents", "patients", "families", "communities", "community", "groups",
	"from", "living", "who", "are", "with", "and", "or", "including", "particularly",
	"especially", "specifically", "in", "of", "all", "more", "most", "vulnerable", "at", "risk",
	"young", "older", "adults", "children", "women", "men", "pregnant", "%", "20", "10", "5",
	"areas", "parts", "wards", "neighbourhoods", "whose", "first", "languages", "language",
	"is", "not", "english", "specific", "identified", "named", "key", "priority", "target")

// beneficiarySubs are the groups RUBRIC.md names as those inequalities
// are about (the most deprived, ethnic minorities, inclusion health
// groups, people with learning disabilities, a named area), with rural,
// coastal, low-income and LGBT+ people. A service's client group (older
// people, women, carers) or a clinical area is not, by itself, a gap.
var beneficiarySubs = map[string]bool{
	SubCore20: true, SubPlus: true, SubEthnicity: true, SubDisability: true, SubLGBT: true,
	SubLowIncome: true, SubRural: true, SubCoastal: true, SubArea: true,
}

// maxTargetGap is how many qualifying words may stand between the aiming
// word and the group.
const maxTargetGap = 6

// findBeneficiaries returns a Beneficiary annotation for each group or
// area among groups that an aiming word governs.
func findBeneficiaries(t *text, groups []Annotation) []Annotation {
	eligible := false
	for _, g := range groups {
		if (g.Kind == Group || g.Kind == Place) && beneficiarySubs[g.Sub] {
			eligible = true
			break
		}
	}
	if !eligible {
		return nil // most sentences: no map, no token search
	}
	var out []Annotation
	// Another group's words stand between an aim and its group in a
	// list: "in rural and coastal areas".
	inGroup := map[int]bool{}
	for _, g := range groups {
		for k := t.tokenAt(g.Start); k < len(t.toks) && t.toks[k].start < g.End; k++ {
			inGroup[k] = true
		}
	}
	for _, g := range groups {
		if g.Kind != Group && g.Kind != Place || !beneficiarySubs[g.Sub] {
			continue
		}
		if aimedAt(t, t.tokenAt(g.Start), inGroup) {
			out = append(out, Annotation{Kind: Beneficiary, Sub: g.Sub, Text: g.Text, Start: g.Start, End: g.End})
		}
	}
	return out
}

// aimedAt reports whether an aiming word governs token k: it stands
// before k with only qualifying words between, in the same clause.
func aimedAt(t *text, k int, inGroup map[int]bool) bool {
	if k >= len(t.toks) {
		return false
	}
	for j, gap := k-1, 0; j >= 0 && gap <= maxTargetGap; j, gap = j-1, gap+1 {
		if t.toks[j+1].brk {
			return false
		}
		w := t.toks[j].norm
		if targetWords[w] {
			return true
		}
		if prev := targetPairs[w]; prev != nil && j > 0 && !t.toks[j].brk && prev[t.toks[j-1].norm] {
			return true
		}
		if !targetFill[w] && !inGroup[j] {
			return false
		}
	}
	return false
}

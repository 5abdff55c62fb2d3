package annotate

import (
	"cmp"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// aliases are abbreviations a document defines for population groups or
// voluntary organisations: "people experiencing homelessness (PEH)" makes
// every later "PEH" a mention of that group, as a reader would take it.
// They are also the names a document says are voluntary organisations
// ("FFT, a national information, advice and advocacy organisation",
// "Stonepillow Trust is a local charity"): no list of the sector's bodies
// can hold every local charity, but the document introducing one says
// what it is.
type aliases struct {
	names []string // longest first: the order a match is chosen in (none: no aliases)
	// byFirst lists, for each byte, the names that start with it, in
	// the order of names.
	byFirst [256][]string
	kind    map[string]Annotation
	// staffRespondents: the document says its respondents are
	// professionals ("Respondents were from a range of sectors including
	// housing, education, ..."), so its "respondents" and "responses"
	// are not the public's.
	staffRespondents bool
}

// staffRespondentsRE is a document's saying that its respondents are
// professionals, from services or organisations, or that its survey went
// to them.
var staffRespondentsRE = lazyre.New(`(?i)\brespondents (?:were|are|came) (?:mainly |mostly |largely |all |predominantly )?(?:from|drawn from|working in|employed (?:in|by)|based in) (?:a (?:wide )?range of |various |different |a variety of |across )?(?:sectors|services|organisations|organizations|agencies|professions|providers|settings|teams|partner organisations)\b|\b(?:survey|questionnaire)s? (?:was |were )?(?:sent|circulated|distributed|issued) to (?:\w+ ){0,2}(?:professionals|staff|practitioners|services|providers|organisations|stakeholders|agencies)\b`)

var defineRE = lazyre.New(`\(([A-Z][A-Za-z]{1,6}s?)\)`)

// commonAbbreviations are never taken as aliases for a group: they are
// organisations, places or ordinary words written in capitals.
var commonAbbreviations = wordSet("nhs", "uk", "icb", "icbs", "ics", "pcn", "pcns", "gp", "gps", "it", "us", "la", "las",
	"ons", "phe", "dhsc", "ohid", "jsna", "hwb", "ccg", "ccgs", "a", "an", "or", "ae", "ed", "mh", "lgbt", "cyp", "bame",
	"smi", "ld", "vcs", "vcse", "vcfse", "sen", "send", "qof", "imd", "lsoa", "msoa", "ward")

// maxAliases bounds what one document can define.
const maxAliases = 200

// findAliases reads every block for "<group> (ABBR)" definitions.
func findAliases(d *document.Document) *aliases {
	al := &aliases{kind: map[string]Annotation{}}
	see := func(s string) {
		for _, m := range defineRE.FindAllStringSubmatchIndex(s, -1) {
			if len(al.kind) >= maxAliases {
				return
			}
			abbr := s[m[2]:m[3]]
			if commonAbbreviations[strings.ToLower(abbr)] || al.kind[abbr].Kind != "" {
				continue
			}
			start := max(0, m[0]-100)
			before := s[start:m[0]]
			before = strings.TrimRight(before, " ")
			t := newText(before)
			for _, g := range append(findGroups(t), findVCS(t)...) {
				if g.End == len(before) && (g.Kind == Group || g.Kind == VCS && (g.Sub == SubBody || g.Sub == SubTerm)) {
					al.kind[abbr] = Annotation{Kind: g.Kind, Sub: g.Sub}
					break
				}
			}
		}
	}
	// What the document says an organisation is comes first: "Friends,
	// Families and Travellers (FFT)" names a group, but FFT is "a
	// national information, advice and advocacy organisation".
	for _, p := range d.Pages {
		for _, b := range p.Blocks {
			for _, name := range describedBodies(b.Text) {
				if len(al.kind) < maxAliases && al.kind[name].Kind == "" {
					al.kind[name] = Annotation{Kind: VCS, Sub: SubBody}
				}
			}
		}
	}
	for _, p := range d.Pages {
		for _, b := range p.Blocks {
			see(b.Text)
			if !al.staffRespondents && (strings.Contains(b.Text, "espondents") || strings.Contains(b.Text, "urvey") ||
				strings.Contains(b.Text, "uestionnaire")) {
				al.staffRespondents = staffRespondentsRE.MatchString(b.Text)
			}
		}
	}
	if len(al.kind) == 0 {
		if al.staffRespondents {
			return al
		}
		return nil
	}
	var names []string
	for a := range al.kind {
		names = append(names, a)
	}
	sortAliases(names)
	al.names = names
	for _, n := range names {
		al.byFirst[n[0]] = append(al.byFirst[n[0]], n)
	}
	return al
}

// find annotates the uses of the aliases in a sentence, where no group
// found already covers them.
func (al *aliases) find(t *text, have []Annotation) []Annotation {
	if al == nil || len(al.names) == 0 {
		return nil
	}
	var out []Annotation
	for _, loc := range al.findAll(t.s) {
		if overlaps(have, loc[0], loc[1]) {
			continue
		}
		a := al.kind[t.s[loc[0]:loc[1]]]
		a.Text, a.Start, a.End = t.s[loc[0]:loc[1]], loc[0], loc[1]
		out = append(out, a)
	}
	return out
}

// sortAliases puts names longest first, so that "Impact Initiatives" is
// not matched as a shorter alias inside it, and in one order, so that the
// matcher is the same on every run (map order is not).
func sortAliases(names []string) {
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}

// findAll returns the uses of the aliases in s, as the regular expression
// \b(?:NAME|NAME...)\b of the names, longest first, would find them with
// FindAllStringIndex (TestAliasesMatchRegexp): at the first position
// where a name starts at a word boundary and ends at one, the first such
// name in that order, then on from its end. By hand because Go's engine
// has no literal to look for ahead of the \b, and tried the whole
// alternation at every byte of every sentence.
func (al *aliases) findAll(s string) [][]int {
	var out [][]int
	for p := 0; p < len(s); p++ {
		names := al.byFirst[s[p]]
		if len(names) == 0 || !asciiBoundary(s, p) {
			continue
		}
		for _, n := range names {
			if strings.HasPrefix(s[p:], n) && asciiBoundary(s, p+len(n)) {
				out = append(out, []int{p, p + len(n)})
				p += len(n) - 1
				break
			}
		}
	}
	return out
}

// asciiBoundary reports whether \b holds at byte i of s: a word byte of
// regular expressions (ASCII letter, digit or underscore) on one side
// only.
func asciiBoundary(s string, i int) bool {
	before := i > 0 && (isWordByte(s[i-1]) || s[i-1] == '_')
	after := i < len(s) && (isWordByte(s[i]) || s[i] == '_')
	return before != after
}

// describedRE finds a name said to be a voluntary organisation, by
// apposition or copula: "<Name> (<ABBR>), a local charity", "<Name> is a
// national charity", "<ABBR>, a national information, advice and
// advocacy organisation". The article must be "a" or "an": "the charity"
// and "the official charity" describe an organisation's own charity, and
// "the voluntary sector" the sector, not a body.
var describedRE = lazyre.New(`((?:[A-Z][\p{L}’'&-]*)(?: (?:of|for|and|the|&|[A-Z][\p{L}’'&-]*))*)` +
	`(?: \(([A-Z][A-Za-z]{1,6})\))?(?:,| is| was| are) (?:a|an) ((?:[\p{L}’'-]+,? ){0,6}?)` +
	`(?:registered )?(?:charity|voluntary (?:and community )?(?:sector )?organisation|community (?:and voluntary )?organisation|` +
	`advocacy organisation|third sector organisation|faith(?:-based)? organisation|social enterprise|community interest company|` +
	`not-for-profit organisation|non-profit organisation|voluntary group|community group)\b`)

// describedCue is what a block must hold for describedRE to be tried.
var describedCue = []string{"charity", "organisation", "social enterprise", "community interest company", "community group", "voluntary group"}

// roleOfWords before "of" make the name the organisation after it: "Chief
// Executive of Touchstone, a mental health charity".
var roleOfWords = wordSet("chief", "executive", "director", "chair", "chairman", "chairwoman", "trustee", "member", "head",
	"manager", "founder", "officer", "president", "patron")

// nameJoiners join the words of a name ("Friends of the Earth") and do
// not end one: "Healthwatch and" is "Healthwatch".
var nameJoiners = wordSet("and", "of", "for", "the", "&")

// notBodyWords in a name make it something other than a voluntary
// organisation a plan works with: an NHS body's charity, Healthwatch (the
// public's statutory voice), or the document speaking of itself.
var notBodyWords = wordSet("nhs", "hospital", "hospitals", "infirmary", "healthwatch", "we", "we’re", "we're", "our", "it",
	"this", "they", "below", "above", "list")

// describedBodies returns the names a block says are voluntary
// organisations, with any abbreviation given beside them. A name is a
// run of capitalised words; a heading glued before it ("Other Services
// Worthing Churches Homeless Projects") is cut where the name repeats or
// after "The". One word alone is taken only in capitals ("SANE", "CRI"):
// a capitalised common word ("Together is a national charity") would
// otherwise match every sentence it begins.
func describedBodies(s string) []string {
	if !slices.ContainsFunc(describedCue, func(c string) bool { return strings.Contains(s, c) }) {
		return nil
	}
	var out []string
	for _, m := range describedRE.FindAllStringSubmatch(s, -1) {
		if strings.Contains(" "+m[3], " of ") {
			continue // "a list of national mental health charities"
		}
		if name := bodyName(m[1]); name != "" {
			out = append(out, name)
			if m[2] != "" && !commonAbbreviations[strings.ToLower(m[2])] {
				out = append(out, m[2])
			}
		}
	}
	return out
}

// bodyName cleans the capitalised run before a description down to the
// organisation's name, or "" when it is not one.
func bodyName(run string) string {
	words := strings.Fields(run)
	// "Chief Executive of Touchstone": the name follows the role's "of".
	for i := len(words) - 1; i > 0; i-- {
		if words[i] == "of" && roleOfWords[strings.ToLower(words[i-1])] {
			words = words[i+1:]
			break
		}
	}
	// "Operating and Financial Review The Leeds ...": a heading before
	// "The" is not the name.
	for i := len(words) - 1; i >= 0; i-- {
		if words[i] == "The" {
			words = words[i+1:]
			break
		}
	}
	// "Combat Stress Combat Stress": a heading that repeats the name.
	for n := len(words) / 2; n > 0; n-- {
		if slices.Equal(words[len(words)-n:], words[len(words)-2*n:len(words)-n]) ||
			n < len(words)-n && strings.Contains(" "+strings.Join(words[:len(words)-n], " ")+" ", " "+strings.Join(words[len(words)-n:], " ")+" ") {
			words = words[len(words)-n:]
			break
		}
	}
	for len(words) > 0 && nameJoiners[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		return ""
	}
	for _, w := range words {
		if notBodyWords[strings.ToLower(w)] {
			return ""
		}
	}
	if len(words) == 1 && (len(words[0]) < 2 || strings.ToUpper(words[0]) != words[0]) {
		return ""
	}
	return strings.Join(words, " ")
}

// dropStaffResponses removes, in a document whose respondents are
// professionals, the engagement its "respondents" and "responses" were
// taken for.
func (al *aliases) dropStaffResponses(as []Annotation) []Annotation {
	if al == nil || !al.staffRespondents {
		return as
	}
	kept := as[:0]
	for _, a := range as {
		if a.Kind == Engagement && a.Sub == SubConsult {
			switch strings.ToLower(a.Text) {
			case "respondents", "respondent", "responses", "response":
				continue
			}
		}
		kept = append(kept, a)
	}
	return kept
}

package annotate

import (
	"regexp"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// aliases are abbreviations a document defines for population groups or
// voluntary organisations: "people experiencing homelessness (PEH)" makes
// every later "PEH" a mention of that group, as a reader would take it.
type aliases struct {
	re   *regexp.Regexp // whole-word matcher for all aliases
	kind map[string]Annotation
}

var defineRE = regexp.MustCompile(`\(([A-Z][A-Za-z]{1,6}s?)\)`)

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
	for _, p := range d.Pages {
		for _, b := range p.Blocks {
			see(b.Text)
		}
	}
	if len(al.kind) == 0 {
		return nil
	}
	var names []string
	for a := range al.kind {
		names = append(names, regexp.QuoteMeta(a))
	}
	al.re = regexp.MustCompile(`\b(?:` + strings.Join(names, "|") + `)\b`)
	return al
}

// find annotates the uses of the aliases in a sentence, where no group
// found already covers them.
func (al *aliases) find(t *text, have []Annotation) []Annotation {
	if al == nil {
		return nil
	}
	var out []Annotation
	for _, loc := range al.re.FindAllStringIndex(t.s, -1) {
		if overlaps(have, loc[0], loc[1]) {
			continue
		}
		a := al.kind[t.s[loc[0]:loc[1]]]
		a.Text, a.Start, a.End = t.s[loc[0]:loc[1]], loc[0], loc[1]
		out = append(out, a)
	}
	return out
}

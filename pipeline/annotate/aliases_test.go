package annotate

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// aliasesOf builds the matcher for names, as findAliases does.
func aliasesOf(names ...string) *aliases {
	al := &aliases{kind: map[string]Annotation{}}
	for _, n := range names {
		al.kind[n] = Annotation{Kind: Group}
	}
	sortAliases(names)
	al.names = names
	for _, n := range names {
		al.byFirst[n[0]] = append(al.byFirst[n[0]], n)
	}
	return al
}

// aliasRegexp is the regular expression findAll stands for.
func aliasRegexp(al *aliases) *regexp.Regexp {
	quoted := make([]string, len(al.names))
	for i, n := range al.names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return regexp.MustCompile(`\b(?:` + strings.Join(quoted, "|") + `)\b`)
}

// The hand-written matcher finds what \b(?:NAME|...)\b finds, on names
// that end in a word byte or not, share a start, or hold letters outside
// ASCII, and on every block of the shared corpus's Markdown with the
// aliases each document defines.
func TestAliasesMatchRegexp(t *testing.T) {
	check := func(al *aliases, texts []string) {
		t.Helper()
		re := aliasRegexp(al)
		for _, s := range texts {
			if got, want := al.findAll(s), re.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%v on %q: %v, want %v", al.names, s, got, want)
			}
		}
	}
	al := aliasesOf("PEH", "PE", "PEHs", "A&B", "Tr-", "X’", "Café Trust", "Mind", "Age UK")
	check(al, []string{"", "PEH", "PEHs and PE", "_PEH", "PEH_", "xPEH", "PEHx", "PEH1", "(PEH)", "A&B A&BC A&B&B", "Tr- Tr-x Tr--",
		"X’ X’s X’’", "Café Trust Café Trusts", "Mind Minds Mindful", "Age UK's", "PEHPEH PEH PEH", "é PEH é", "\xffPEH\xff", "Age UKMind"})
	docs, _ := filepath.Glob(filepath.Join(sharedCorpus(t), "*.md"))
	n := 0
	for _, path := range docs {
		d := readCorpusDoc(t, path)
		al := findAliases(d)
		if al == nil {
			continue
		}
		n++
		var texts []string
		for _, p := range d.Pages {
			for _, b := range p.Blocks {
				texts = append(texts, b.Text)
			}
		}
		check(al, texts)
	}
	if n == 0 {
		t.Error("no document of the corpus defines an alias")
	}
}

package rules

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

// para and friends build blocks for test documents.
func para(text string) document.Block { return document.Block{Kind: document.Paragraph, Text: text} }
func head(text string, level int) document.Block {
	return document.Block{Kind: document.Heading, Text: text, Level: level}
}
func table(rows ...[]string) document.Block {
	return document.Block{Kind: document.Table, Text: "table", Rows: rows}
}

// testDoc annotates pages of blocks, with sections from the headings.
func testDoc(pages ...[]document.Block) *annotate.Doc {
	d := &document.Document{Title: "Test"}
	for i, bs := range pages {
		d.Pages = append(d.Pages, document.Page{Number: i + 1, Blocks: bs})
	}
	sections.Build(d, nil, true)
	return annotate.Annotate(d)
}

// ruleFile is a valid criterion file with the given signals and a level 1
// that needs the signal "x".
func ruleFile(signals string) string {
	return `id: test
order: 1
name: Test
none_summary: none
signals:
` + signals + `
levels:
  - score: 1
    summary: one
    when: {signal: x}
  - score: 2
    summary: two
    when: {signal: x, min: 2}
  - score: 3
    summary: three
    when: {signal: x, min: 3}
`
}

func loadRules(t *testing.T, files map[string]string) (*Set, error) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return LoadDir(dir)
}

func matched(t *testing.T, s *Set, d *annotate.Doc, signal string) []string {
	t.Helper()
	ev, err := s.Matches(d, "test", signal)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ev {
		out = append(out, e.Quote)
	}
	sort.Strings(out)
	return out
}

func TestSignalKinds(t *testing.T) {
	doc := testDoc(
		[]document.Block{
			head("1. Money", 1),
			para("We will invest £2m in co-production with residents. The voluntary redundancy scheme closed."),
			para("The voluntary sector will run the hub. Costs rose."),
			table([]string{"Item", "Cost"}, []string{"Nurses", "£40,000"}),
		},
		[]document.Block{
			head("2. References", 1),
			para("Smith J et al. (2020) Co-production in health. doi:10/abc."),
			head("3. People", 1),
			para("We engaged residents."),
			para("We will keep you informed."),
		},
	)
	tests := []struct {
		name    string
		signals string
		want    []string
	}{
		{"terms with a prefix and hyphens as spaces", `  - {name: x, kind: terms, terms: ["co production", "invest*"]}`,
			[]string{"We will invest £2m in co-production with residents."}},
		{"exclusion covers only its own occurrence", `  - {name: x, kind: terms, terms: [voluntary], exclude: ["voluntary redundancy"]}`,
			[]string{"The voluntary sector will run the hub."}},
		{"regular expression term", `  - {name: x, kind: terms, terms: ["/rose\\.$/"]}`,
			[]string{"Costs rose."}},
		{"annotation with a minimum value", `  - {name: x, kind: annotation, annotation: money, min_value: 100000}`,
			[]string{"We will invest £2m in co-production with residents."}},
		{"annotation sub-kind", `  - {name: x, kind: annotation, annotation: "engagement:inform"}`,
			[]string{"We will keep you informed."}},
		{"composite all and none in a sentence", `  - name: x
    kind: composite
    all: [{annotation: commitment}]
    none: [{terms: [informed]}]`,
			[]string{"We will invest £2m in co-production with residents."}},
		{"composite over a paragraph", `  - name: x
    kind: composite
    scope: paragraph
    all: [{terms: [sector]}, {terms: [costs]}]`,
			[]string{"Costs rose.", "The voluntary sector will run the hub."}},
		{"table scope matches rows only", `  - {name: x, kind: annotation, annotation: money, scope: table}`,
			[]string{"Item: Nurses; Cost: £40,000"}},
		{"section filter", `  - {name: x, kind: terms, terms: [we], section: "people"}`,
			[]string{"We engaged residents.", "We will keep you informed."}},
		{"not_section filter", `  - {name: x, kind: terms, terms: [we], not_section: "people"}`,
			[]string{"We will invest £2m in co-production with residents."}},
		{"reference lists are never matched", `  - {name: x, kind: terms, terms: ["co production"]}`,
			[]string{"We will invest £2m in co-production with residents."}},
		{"count in a section", `  - {name: w, kind: terms, terms: [we]}
  - {name: x, kind: count, of: w, scope: section, min: 2}`,
			[]string{"We engaged residents.", "We will keep you informed."}},
		{"count with a maximum", `  - {name: w, kind: terms, terms: [we]}
  - {name: x, kind: count, of: w, scope: section, max: 1}`,
			[]string{"We will invest £2m in co-production with residents."}},
		{"context: the document must hold a part", `  - name: x
    kind: composite
    all: [{terms: [we]}]
    context: {scope: document, all: [{terms: [doi]}]}`,
			[]string{"We engaged residents.", "We will invest £2m in co-production with residents.", "We will keep you informed."}},
		{"context: a part the document lacks", `  - name: x
    kind: composite
    all: [{terms: [we]}]
    context: {scope: document, all: [{terms: [ombudsman]}]}`,
			nil},
		{"context: the section must not hold a part", `  - name: x
    kind: composite
    all: [{terms: [we]}]
    context: {scope: section, none: [{terms: [informed]}]}`,
			[]string{"We will invest £2m in co-production with residents."}},
		{"conditional: if without then in the unit", `  - {name: a, kind: terms, terms: [residents]}
  - {name: b, kind: terms, terms: [invest]}
  - {name: x, kind: conditional, if: a, then: b, scope: section}`,
			[]string{"We engaged residents."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := loadRules(t, map[string]string{"test.yaml": ruleFile(tc.signals)})
			if err != nil {
				t.Fatal(err)
			}
			got := matched(t, s, doc, "x")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("matched:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestLevelsAndGaps(t *testing.T) {
	var blocks []document.Block
	for i := 0; i < 4; i++ {
		blocks = append(blocks, para("We will open a clinic."))
	}
	one := testDoc(blocks)
	spread := testDoc(blocks[:2], blocks[2:])
	s, err := loadRules(t, map[string]string{"test.yaml": `id: test
order: 1
name: Test
none_summary: nothing
signals:
  - {name: x, kind: terms, terms: [clinic]}
  - {name: y, kind: terms, terms: [open]}
  - {name: z, kind: terms, terms: [absent]}
levels:
  - score: 1
    summary: "{x} clinics"
    when: {signal: x, min: 4, gap: "Open four clinics."}
  - score: 2
    summary: two
    when: {signal: x, min_pages: 2, gap: "Spread over two pages."}
  - score: 3
    summary: three
    when:
      all:
        - {signal: y, share_of: x, share: 1}
        - {signal: z, gap: "Mention something absent."}
questions:
  - {ask: "Why no z?", unless: {signal: z}}
  - {ask: "Never asked", when: {signal: z}}
red_flags:
  - {message: "No z at all.", when: {not: {signal: z}}, show: x}
  - {message: "No y at all.", max_score: 1, when: {not: {signal: z}}}
`})
	if err != nil {
		t.Fatal(err)
	}
	// A one-page document cannot be asked to span two pages: min_pages is
	// capped by the pages it has.
	c := s.Score(one, Tool{}).Criteria[0]
	if c.Score != 2 || c.Summary != "two" {
		t.Errorf("one page: score %d %q, want 2", c.Score, c.Summary)
	}
	if strings.Join(c.Gaps, "|") != "Mention something absent." {
		t.Errorf("gaps %q", c.Gaps)
	}
	if strings.Join(c.Questions, "|") != "Why no z?" {
		t.Errorf("questions %q", c.Questions)
	}
	// "No y at all." says what a score of 2 needs: it cannot stand beside one.
	if len(c.RedFlags) != 1 || !strings.HasPrefix(c.RedFlags[0], "No z at all. (page 1: “We will open a clinic.”)") {
		t.Errorf("red flags %q", c.RedFlags)
	}
	if len(c.Evidence) == 0 {
		t.Error("a score above 0 without evidence")
	}
	c = s.Score(spread, Tool{}).Criteria[0]
	if c.Score != 2 {
		t.Errorf("two pages: score %d, want 2", c.Score)
	}
	// per_10k_words raises the bar for long documents.
	s2, err := loadRules(t, map[string]string{"test.yaml": strings.Replace(ruleFile(`  - {name: x, kind: terms, terms: [clinic]}`),
		"when: {signal: x}", "when: {signal: x, per_10k_words: 10000}", 1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.Score(one, Tool{}).Criteria[0].Score; got != 0 {
		t.Errorf("per_10k_words: score %d, want 0 (needs more matches than sentences)", got)
	}
}

func TestRuleFileErrors(t *testing.T) {
	good := ruleFile(`  - {name: x, kind: terms, terms: [a]}`)
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", strings.Replace(good, "terms: [a]", "terms: [a], termz: [b]", 1), "test.yaml:6: unknown key \"termz\""},
		{"unknown kind", strings.Replace(good, "kind: terms", "kind: existence", 1), `test.yaml:6: signal "x": unknown kind "existence" (terms, annotation, composite, count or conditional)`},
		{"terms without terms", strings.Replace(good, "terms: [a]", "exclude: [a]", 1), `test.yaml:6: signal "x": kind terms needs terms`},
		{"composite without all or any", strings.Replace(good, "kind: terms, terms: [a]", "kind: composite, none: [{terms: [a]}]", 1), `signal "x": kind composite needs all or any`},
		{"count of an unknown signal", strings.Replace(good, "kind: terms, terms: [a]", "kind: count, of: nope, scope: section", 1), `test.yaml:6: unknown signal "nope"`},
		{"count that is not a range", strings.Replace(good, "  - {name: x, kind: terms, terms: [a]}", "  - {name: x, kind: count, of: y, scope: section, min: 3, max: 2}\n  - {name: y, kind: terms, terms: [a]}", 1), `test.yaml:6: signal "x": min 3 and max 2 are not a range`},
		{"count in a sentence", strings.Replace(good, "  - {name: x, kind: terms, terms: [a]}", "  - {name: x, kind: count, of: y}\n  - {name: y, kind: terms, terms: [a]}", 1), `test.yaml:6: signal "x": a count needs a scope wider than a sentence`},
		{"count with a context", strings.Replace(good, "  - {name: x, kind: terms, terms: [a]}", "  - {name: x, kind: count, of: y, scope: section, context: {scope: document, all: [{terms: [b]}]}}\n  - {name: y, kind: terms, terms: [a]}", 1), `test.yaml:6: signal "x": context is for composite signals`},
		{"conditional on an unknown signal", strings.Replace(good, "  - {name: x, kind: terms, terms: [a]}", "  - {name: x, kind: conditional, if: y, then: nope}\n  - {name: y, kind: terms, terms: [a]}", 1), `test.yaml:6: unknown signal "nope"`},
		{"bad regular expression", strings.Replace(good, "terms: [a]", `terms: ["/a(/"]`, 1), "test.yaml:6: signal \"x\": term \"/a(/\""},
		{"unknown signal in a level", strings.Replace(good, "when: {signal: x, min: 2}", "when: {signal: nope}", 1), `unknown signal "nope"`},
		{"unknown annotation sub-kind", strings.Replace(good, "kind: terms, terms: [a]", `kind: annotation, annotation: "money:free"`, 1), `unknown sub-kind`},
		{"bad scope", strings.Replace(good, "terms: [a]", "terms: [a], scope: chapter", 1), `unknown scope "chapter"`},
		{"loop between signals", strings.Replace(good, `  - {name: x, kind: terms, terms: [a]}`,
			"  - {name: x, kind: composite, all: [{signal: y}]}\n  - {name: y, kind: composite, all: [{signal: x}]}", 1), "in a loop"},
		{"missing level", strings.Replace(good, "  - score: 3\n    summary: three\n    when: {signal: x, min: 3}\n", "", 1), "level 3 is missing"},
		{"star inside a term", strings.Replace(good, "terms: [a]", `terms: ["a * b"]`, 1), "* is allowed only at the end"},
		{"unknown claim value", strings.Replace(good, "terms: [a]", "terms: [a], claim: {voice: [theirs]}", 1), `signal "x": unknown claim voice "theirs" (own, reported)`},
		{"unknown speaker", strings.Replace(good, "terms: [a]", "terms: [a], claim: {speaker: [board]}", 1), `signal "x": unknown claim speaker "board" (own, respondents, source, quotation)`},
		{"prefer names an unknown signal", strings.Replace(good, "terms: [a]", "terms: [a], prefer: [{signal: nope}]", 1), `unknown signal "nope"`},
		{"prefer names an unknown annotation", strings.Replace(good, "terms: [a]", "terms: [a], prefer: [{annotation: beneficiary:pets}]", 1), `unknown sub-kind`},
		{"unknown claim key", strings.Replace(good, "terms: [a]", "terms: [a], claim: {tense: [past]}", 1), "unknown key \"tense\""},
		{"red flag max_score out of range", good + "red_flags:\n  - {message: m, max_score: 3, when: {signal: x}}\n", "max_score 3"},
		{"red flag for an unknown kind", good + "red_flags:\n  - {message: m, not_kinds: [novel], when: {signal: x}}\n", `not_kinds: unknown kind "novel"`},
		{"question about an unknown signal", good + "questions:\n  - {ask: q, about: nope}\n", `unknown signal "nope"`},
		{"question for an unknown kind", good + "questions:\n  - {ask: q, not_kinds: [novel]}\n", `not_kinds: unknown kind "novel"`},
		{"context narrower than a passage", strings.Replace(good, "kind: terms, terms: [a]", "kind: composite, all: [{terms: [a]}], context: {scope: sentence, all: [{terms: [b]}]}", 1), `context scope "sentence"`},
		{"context without parts", strings.Replace(good, "kind: terms, terms: [a]", "kind: composite, all: [{terms: [a]}], context: {scope: document}", 1), "context needs all or none"},
		{"context naming an unknown signal", strings.Replace(good, "kind: terms, terms: [a]", "kind: composite, all: [{terms: [a]}], context: {scope: document, all: [{signal: nope}]}", 1), `unknown signal "nope"`},
		{"not YAML", "id: [", "test.yaml:1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadRules(t, map[string]string{"test.yaml": tc.body})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "test.yaml:") {
				t.Errorf("error without file and line: %v", err)
			}
		})
	}
	// two files defining one criterion
	_, err := loadRules(t, map[string]string{"a.yaml": good, "b.yaml": good})
	if err == nil || !strings.Contains(err.Error(), "also defined in") {
		t.Errorf("duplicate criterion: err = %v", err)
	}
}

// rules_version is a hash of the rule files: the same files give the same
// version, any change gives another.
func TestRulesVersion(t *testing.T) {
	a, err := loadRules(t, map[string]string{"test.yaml": ruleFile(`  - {name: x, kind: terms, terms: [a]}`)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := loadRules(t, map[string]string{"test.yaml": ruleFile(`  - {name: x, kind: terms, terms: [a]}`)})
	c, _ := loadRules(t, map[string]string{"test.yaml": ruleFile(`  - {name: x, kind: terms, terms: [b]}`)})
	if a.Version != b.Version || a.Version == c.Version {
		t.Errorf("versions %s %s %s", a.Version, b.Version, c.Version)
	}
	d1, _ := Default()
	d2, _ := Default()
	if d1.Version != d2.Version {
		t.Error("the embedded rule set's version is not stable")
	}
}

// Quotes are verbatim: a long sentence is cut to whole words around what
// matched, without adding anything.
func TestQuote(t *testing.T) {
	long := strings.Repeat("word ", 100) + "£450m for beds " + strings.Repeat("more ", 100)
	at := strings.Index(long, "£450m")
	q := quote(long, span{at, at + len("£450m")})
	if !strings.Contains(long, q) || !strings.Contains(q, "£450m") || len(q) > maxQuote {
		t.Errorf("quote %q", q)
	}
	if quote("short", span{0, 1}) != "short" {
		t.Error("short sentences are quoted whole")
	}
	// A long list quoted in part starts and ends with whole items.
	items := strings.Repeat("Improve access to primary care for older people in rural areas; ", 4) +
		"Provide outreach clinics for homeless people in Crawley and Worthing; " +
		strings.Repeat("Reduce waiting times for diagnostic tests across the county; ", 4)
	at = strings.Index(items, "outreach")
	q = quote(items, span{at, at + len("outreach")})
	if !strings.Contains(items, q) || len(q) > maxQuote || !strings.Contains(q, "outreach") {
		t.Fatalf("quote %q", q)
	}
	if !strings.HasPrefix(q, "Improve") && !strings.HasPrefix(q, "Provide") || !strings.HasSuffix(q, "county") && !strings.HasSuffix(q, "areas") && !strings.HasSuffix(q, "Worthing") {
		t.Errorf("quote %q does not start and end with whole items", q)
	}
}

// Explain says when a passage is kept out by its signal's context, so
// that "rules matches --all" shows why it does not count.
func TestExplainContext(t *testing.T) {
	doc := testDoc([]document.Block{para("Respondents said the clinic was too far away."), para("Staff were surveyed online.")})
	s, err := loadRules(t, map[string]string{"test.yaml": ruleFile(`  - name: x
    kind: composite
    all: [{terms: [respondents]}]
    context: {scope: document, all: [{terms: ["survey of residents"]}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.Explain(doc, "test", "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Counts || !strings.Contains(ms[0].Why, "document around it does not hold what the signal's context needs") {
		t.Fatalf("Explain = %+v, want one passage kept out by its context", ms)
	}
}

// Evidence is taken strongest first: a passage that shows more of what
// the level needs (here a clinic and who it is for) before one that shows
// less, the document's own words before a cited review's, a whole sentence
// before a window of a long line, whatever their order in the document.
func TestEvidenceRank(t *testing.T) {
	long := "We will open a clinic " + strings.Repeat("and keep the building in good repair for years ", 10) + "."
	d := testDoc([]document.Block{
		para(long),
		para("The national review found that a clinic helps."),
		para("We will open a clinic."),
		para("We will open a clinic for rough sleepers."),
	})
	s, err := loadRules(t, map[string]string{"test.yaml": `id: test
order: 1
name: Test
none_summary: nothing
signals:
  - {name: x, kind: terms, terms: [clinic]}
  - {name: who, kind: terms, terms: [rough sleepers]}
levels:
  - score: 1
    summary: one
    when: {signal: x}
  - score: 2
    summary: two
    when: {all: [{signal: x, min: 9}, {signal: who}]}
  - score: 3
    summary: three
    when: {signal: x, min: 10}
`})
	if err != nil {
		t.Fatal(err)
	}
	r := s.comp.prepare(d)
	cc := s.comp.criteria[0]
	r.evalCriterion(cc)
	var got []string
	for _, e := range r.evidence(cc, []string{"x", "who"}) {
		got = append(got, e.Quote)
	}
	// evidence is printed in page order; all are on page 1, so rank
	// order is kept: x's strongest, who's, x's next ...
	want := []string{"We will open a clinic for rough sleepers.", "We will open a clinic.", "The national review found that a clinic helps."}
	if len(got) < 3 || strings.Join(got[:3], "|") != strings.Join(want, "|") {
		t.Errorf("evidence order:\n got %q\nwant %q first", got, want)
	}
	if got[len(got)-1] == want[0] || !strings.HasPrefix(got[len(got)-1], "We will open a clinic and keep") {
		t.Errorf("a window of a long line should come last: %q", got)
	}
}

// A signal's prefer parts put the passages where they hold first, and
// change nothing that counts.
func TestEvidencePrefer(t *testing.T) {
	d := testDoc([]document.Block{
		para("We will open a clinic in the town centre."),
		para("We will open a clinic for rough sleepers."),
		para("We will open a clinic next year."),
	})
	rule := func(prefer string) string {
		return ruleFile("  - {name: x, kind: terms, terms: [clinic]" + prefer + "}")
	}
	plain, err := loadRules(t, map[string]string{"test.yaml": rule("")})
	if err != nil {
		t.Fatal(err)
	}
	pref, err := loadRules(t, map[string]string{"test.yaml": rule(", prefer: [{annotation: beneficiary}]")})
	if err != nil {
		t.Fatal(err)
	}
	a, b := plain.Score(d, Tool{}).Criteria[0], pref.Score(d, Tool{}).Criteria[0]
	if a.Score != b.Score || a.Signals["x"] != b.Signals["x"] {
		t.Errorf("prefer changed what counts: %d (%v) against %d (%v)", a.Score, a.Signals, b.Score, b.Signals)
	}
	if got := a.Evidence[0].Quote; got != "We will open a clinic in the town centre." {
		t.Errorf("without prefer the first quote is %q, want the first in the document", got)
	}
	if got := b.Evidence[0].Quote; got != "We will open a clinic for rough sleepers." {
		t.Errorf("with prefer the first quote is %q, want the one that says whom the clinic is for", got)
	}
}

// A signal's avoid parts put the passages where they hold last, below
// any without them, and change nothing that counts.
func TestEvidenceAvoid(t *testing.T) {
	d := testDoc([]document.Block{
		para("We will open a clinic for rough sleepers with the voluntary sector."),
		para("We will open a clinic next year."),
	})
	rule := func(avoid string) string {
		return ruleFile("  - {name: x, kind: terms, terms: [clinic], prefer: [{annotation: beneficiary}]" + avoid + "}")
	}
	plain, err := loadRules(t, map[string]string{"test.yaml": rule("")})
	if err != nil {
		t.Fatal(err)
	}
	avoid, err := loadRules(t, map[string]string{"test.yaml": rule(", avoid: [{terms: [voluntary sector]}]")})
	if err != nil {
		t.Fatal(err)
	}
	a, b := plain.Score(d, Tool{}).Criteria[0], avoid.Score(d, Tool{}).Criteria[0]
	if a.Score != b.Score || a.Signals["x"] != b.Signals["x"] {
		t.Errorf("avoid changed what counts: %d (%v) against %d (%v)", a.Score, a.Signals, b.Score, b.Signals)
	}
	if got := a.Evidence[0].Quote; !strings.Contains(got, "rough sleepers") {
		t.Errorf("without avoid the first quote is %q, want the preferred one", got)
	}
	if got := b.Evidence[0].Quote; got != "We will open a clinic next year." {
		t.Errorf("with avoid the first quote is %q, want the one without the avoided words, even over a preferred one", got)
	}
}

// A claim's speaker narrows a signal: what respondents said is left out,
// a cited source and the document's own words are kept, and Explain says
// why a passage is left out.
func TestSpeakerFilter(t *testing.T) {
	d := testDoc([]document.Block{
		para("Respondents felt that waiting lists are too long."),
		para("The national review found that waiting lists are too long."),
		para("Waiting lists are too long in our area."),
	})
	s, err := loadRules(t, map[string]string{"test.yaml": ruleFile("  - {name: x, kind: terms, terms: [waiting lists], claim: {speaker: [own, source]}}")})
	if err != nil {
		t.Fatal(err)
	}
	if got := matched(t, s, d, "x"); strings.Join(got, "|") != "The national review found that waiting lists are too long.|Waiting lists are too long in our area." {
		t.Errorf("matched %q", got)
	}
	ms, err := s.Explain(d, "test", "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if strings.HasPrefix(m.Quote, "Respondents") && (m.Counts || m.Why != "the speaker is respondents; the signal needs own or source") {
			t.Errorf("respondents' passage: counts %v, why %q", m.Counts, m.Why)
		}
	}
}

// A question's min_score and max_score keep it beside the scores it fits:
// one about an action only where the score says actions are described.
func TestQuestionScoreRange(t *testing.T) {
	d := testDoc([]document.Block{para("We will open a clinic for rough sleepers.")})
	rule := func(q string) string {
		return ruleFile("  - {name: x, kind: terms, terms: [clinic]}") + "questions:\n" + q
	}
	for _, tc := range []struct {
		q    string
		want int
	}{
		{"  - {ask: 'Who is it for?', about: x}\n", 1},
		{"  - {ask: 'Who is it for?', about: x, min_score: 1}\n", 1},
		{"  - {ask: 'Who is it for?', about: x, min_score: 2}\n", 0},
		{"  - {ask: 'Why none?', max_score: 0}\n", 0},
		{"  - {ask: 'Why none?', max_score: 1}\n", 1},
	} {
		s, err := loadRules(t, map[string]string{"test.yaml": rule(tc.q)})
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		c := s.Score(d, Tool{}).Criteria[0]
		if c.Score != 1 {
			t.Fatalf("score %d, want 1 (the test rule's one level)", c.Score)
		}
		if len(c.Questions) != tc.want {
			t.Errorf("%s: %d questions, want %d", strings.TrimSpace(tc.q), len(c.Questions), tc.want)
		}
	}
	if _, err := loadRules(t, map[string]string{"test.yaml": rule("  - {ask: 'Never?', min_score: 3, max_score: 1}\n")}); err == nil ||
		!strings.Contains(err.Error(), "min_score 3, max_score 1") {
		t.Errorf("min_score above max_score: err %v, want it named", err)
	}
}

// Evidence from a page read by OCR says so, so that a reader checks its
// words against the page.
func TestEvidenceOCR(t *testing.T) {
	d := testDoc([]document.Block{para("We will open a clinic for rough sleepers.")})
	s, err := loadRules(t, map[string]string{"test.yaml": ruleFile("  - {name: x, kind: terms, terms: [clinic]}")})
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Score(d, Tool{}).Criteria[0].Evidence; len(e) != 1 || e[0].OCR {
		t.Fatalf("evidence %+v, want one not read by OCR", e)
	}
	d.Quality.OCR = &document.OCR{Engine: "tesseract 5.3.0", Pages: []document.OCRPage{{Page: 1, Words: 8, Confidence: 91}}}
	if e := s.Score(d, Tool{}).Criteria[0].Evidence; len(e) != 1 || !e[0].OCR {
		t.Errorf("evidence %+v, want it marked as read by OCR", e)
	}
	d.Quality.OCR.Pages[0].Error = "JBIG2 images are not supported"
	if e := s.Score(d, Tool{}).Criteria[0].Evidence; len(e) != 1 || e[0].OCR {
		t.Errorf("evidence %+v: a page OCR failed on was not read by it", e)
	}
}

package rules

import (
	"io/fs"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// fuzzDoc is annotated once: the annotators are fuzzed in their own
// package, and loading the sentence model per input would slow the fuzzer
// a hundredfold.
var fuzzDoc = sync.OnceValue(func() *annotate.Doc {
	return testDoc(
		[]document.Block{
			head("1. Our population", 1),
			para("Life expectancy is 9 years lower in Core20 areas than in the least deprived. We will invest £2.5m a year from 2025/26 in outreach run by local charities."),
			table([]string{"Action", "2025/26"}, []string{"Smoking cessation", "£1.2m"}),
		},
		[]document.Block{
			head("2. Involving people", 1),
			para("We co-produced the plan with the Healthwatch panel and changed the priorities after the consultation."),
		},
	)
})

// errLine is the one shape every rule-file error has, so that editors and
// CI can jump to it.
var errLine = regexp.MustCompile(`^fuzz/x\.yaml:\d+: \S`)

// FuzzRuleFile loads arbitrary bytes as a rule file, next to nothing else.
// It must give a rule set or errors of the form "file:line: message", and
// a rule set that loads must score a document without panicking. Rule
// files are shared between teams and edited by hand: every mistake must
// be reported, not crash the tool.
func FuzzRuleFile(f *testing.F) {
	names, err := fs.Glob(embedded, "criteria/*.yaml")
	if err != nil || len(names) == 0 {
		f.Fatalf("no embedded rule files: %v", err)
	}
	for _, n := range names {
		data, err := fs.ReadFile(embedded, n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		ruleFile(`  - name: x
    kind: terms
    terms: [plan, "/inves(t|ted)/", "co-produc*"]
`),
		ruleFile(`  - name: x
    kind: count
    signal: y
    min: 1
  - name: y
    kind: conditional
    if: x
    then: y
`),
		"id: a\nsignals: &a [*a]\n",
		"a: &a [*a, *a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n",
		"id: [unclosed\n",
		"\t- tab indented\n",
		"signals:\n  - name: x\n    kind: terms\n    terms: [\"/(/\"]\n",
		"levels:\n  - score: 99\n    when: {signal: nothing}\n",
		"",
	} {
		f.Add([]byte(s))
	}
	doc := fuzzDoc()
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			s    *Set
			card *Scorecard
			err  error
		}
		done := make(chan result, 1)
		go func() {
			s, err := loadFS(fstest.MapFS{"x.yaml": {Data: data}}, "fuzz")
			var card *Scorecard
			if err == nil {
				card = s.Score(doc, Tool{Name: "fuzz"})
			}
			done <- result{s, card, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("loading the rule file and scoring with it did not finish in 10s")
		}
		if r.err != nil {
			if errs, ok := r.err.(Errors); ok {
				for _, e := range errs {
					if !errLine.MatchString(e) || strings.ContainsAny(e, "\r\n") {
						t.Fatalf("error not in file:line: form: %q", e)
					}
				}
			}
			return
		}
		if r.card == nil {
			t.Fatal("a rule set that loads scored nothing")
		}
		for _, c := range r.card.Criteria {
			if c.Score < 0 || c.Score > c.Max {
				t.Fatalf("criterion %s scored %d of %d", c.ID, c.Score, c.Max)
			}
		}
	})
}

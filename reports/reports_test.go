package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/rules"
)

func card(score int) *rules.Scorecard {
	return &rules.Scorecard{
		SchemaVersion: 1,
		Tool:          rules.Tool{Name: "nhsreview", Version: "test", RulesVersion: strings.Repeat("ab", 32)},
		Document:      rules.DocInfo{Source: "plan.pdf", Title: "A plan", Format: "pdf", Pages: 3, Words: 1234},
		Criteria: []rules.Criterion{{
			ID: "costed-plans", Name: "Costed plans", Score: score, Max: 3, Summary: "Sums are tied to actions. Basics are missing.",
			Evidence:  []rules.Evidence{{Quote: "We will invest £2m in nurses.", Page: 2, Section: "Money", Signal: "costed"}},
			Gaps:      []string{"Say over what period."},
			Questions: []string{"Is this new money?"},
			RedFlags:  []string{"A headline sum has no period."},
		}},
		Facts: []rules.Fact{{Kind: "money", Text: "£2m", Value: 2e6, Page: 2}, {Kind: "per-head", Text: "£2m ÷ 40 nurses", Computed: true, Note: "£2m ÷ 40 nurses is about £50,000 per nurse", Page: 2}},
	}
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, []*rules.Scorecard{card(2)}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"A plan\nplan.pdf · pdf · 3 pages · 1,234 words · rules abababababab\n",
		"  Costed plans         ██░ 2/3  Sums are tied to actions.\n",
		"Costed plans: 2/3\n",
		"  - p. 2, Money [costed]\n    “We will invest £2m in nurses.”\n",
		"To reach 3:\n  - Say over what period.\n",
		"Questions to ask:\n  ? Is this new money?\n",
		"Red flags:\n  ! A headline sum has no period.\n",
		"p. 2  £2m ÷ 40 nurses is about £50,000 per nurse (computed by nhsreview)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestJSON(t *testing.T) {
	var one, two bytes.Buffer
	if err := JSON(&one, []*rules.Scorecard{card(1)}); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&two, []*rules.Scorecard{card(1), card(3)}); err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	var arr []map[string]any
	if err := json.Unmarshal(one.Bytes(), &obj); err != nil || obj["schema_version"] != 1.0 {
		t.Errorf("one source is an object: %v %v", err, obj)
	}
	if err := json.Unmarshal(two.Bytes(), &arr); err != nil || len(arr) != 2 {
		t.Errorf("several sources are an array: %v", err)
	}
	if strings.Contains(one.String(), `\u00a3`) {
		t.Error("£ escaped in JSON")
	}
}

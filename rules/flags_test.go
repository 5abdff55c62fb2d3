package rules

import (
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// criterionOf scores d with the built-in rules and returns one criterion.
func criterionOf(t *testing.T, d func() []document.Block, id string) Criterion {
	t.Helper()
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	card := s.Score(testDoc(d()), Tool{})
	for _, c := range card.Criteria {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no criterion %s", id)
	return Criterion{}
}

func hasFlag(c Criterion, start string) bool {
	for _, f := range c.RedFlags {
		if strings.HasPrefix(f, start) {
			return true
		}
	}
	return false
}

// TestRedFlagsCheckTheirClaim: each red flag fires where its claim holds
// and not where a careful reader would find what it says is missing.
func TestRedFlagsCheckTheirClaim(t *testing.T) {
	const headline, promised, informed = "A headline sum is given with no period or source", "Engagement is promised", "Keeping people informed"
	tests := []struct {
		name, criterion, flag string
		blocks                []document.Block
		fires                 bool
	}{
		{"a bare sum", "costed-plans", headline, []document.Block{
			para("We will invest £12.5m in these priorities. The ICB's total allocation for 2025/26 is £1.47bn.")}, true},
		{"the period and source in the sentence", "costed-plans", headline, []document.Block{
			para("We will invest £3.2m each year from the Better Care Fund in community stop smoking services.")}, false},
		{"the period and source in the paragraph's lead-in", "costed-plans", headline, []document.Block{
			para("Over the three years from April 2025, funded by the public health grant, the programme will spend as follows. We will put £4.5m into community stop smoking services.")}, false},
		{"another body's sum is not the plan's", "costed-plans", headline, []document.Block{
			para("A national review recommended that the government invest an additional £70 million in prevention.")}, false},
		{"engagement only promised", "public-involvement", promised, []document.Block{
			para("We will engage with local people and communities as we develop the plan."),
			para("We will listen to residents and work with communities on each priority.")}, true},
		{"engagement promised and described", "public-involvement", promised, []document.Block{
			para("We will engage with local people and communities as we develop the plan."),
			para("We will listen to residents and work with communities on each priority."),
			para("People told us that getting a GP appointment was their main worry, and the plan now includes a new same-day access hub.")}, false},
		{"informing only", "public-involvement", informed, []document.Block{
			para("We will keep residents informed through our newsletter and website.")}, true},
		{"informing beside a consultation", "public-involvement", informed, []document.Block{
			para("We will keep residents informed through our newsletter and website."),
			para("The consultation ran for twelve weeks and 1,240 residents responded to the survey.")}, false},
	}
	for _, tt := range tests {
		c := criterionOf(t, func() []document.Block { return tt.blocks }, tt.criterion)
		if got := hasFlag(c, tt.flag); got != tt.fires {
			t.Errorf("%s: flag %q raised %v, want %v (flags %q)", tt.name, tt.flag, got, tt.fires, c.RedFlags)
		}
	}
}

// TestQuestionsNameAPassage: a question about money quotes the sum it
// asks about, and a document without money is not asked about "this
// money".
func TestQuestionsNameAPassage(t *testing.T) {
	c := criterionOf(t, func() []document.Block {
		return []document.Block{head("Investment", 1), para("We will invest £1.5m a year in lung health checks for people in the most deprived wards.")}
	}, "costed-plans")
	found := false
	for _, q := range c.Questions {
		if strings.Contains(q, "“We will invest £1.5m a year in lung health checks") && strings.Contains(q, "In “Investment”") {
			found = true
		}
		if strings.HasPrefix(q, "The document gives no money") {
			t.Errorf("asked as if there were no money: %q", q)
		}
	}
	if !found {
		t.Errorf("no question names the sum's passage and section: %q", c.Questions)
	}
	c = criterionOf(t, func() []document.Block {
		return []document.Block{para("Our vision is for everyone to live well for longer, in a county where services work together."),
			para("We will open two new community diagnostic centres by 2027."), para("We will recruit 40 more district nurses next year.")}
	}, "costed-plans")
	for _, q := range c.Questions {
		if strings.Contains(q, "this new money") || strings.Contains(q, "“") {
			t.Errorf("a document without money is asked %q", q)
		}
	}
	if len(c.Questions) != 1 || !strings.HasPrefix(c.Questions[0], "The document gives no money") {
		t.Errorf("questions %q, want the one that names the absence", c.Questions)
	}
	// Without actions there is nothing to cost: a data profile is not
	// asked what its actions cost.
	c = criterionOf(t, func() []document.Block {
		return []document.Block{para("Smoking prevalence in Crawley was 14.2% in 2017, against 13.9% in the county.")}
	}, "costed-plans")
	if len(c.Questions) != 0 {
		t.Errorf("a document with no actions is asked %q", c.Questions)
	}
}

// TestRedFlagsNotForKinds: "inequalities named, no action" is a fault of
// a plan, not of a research paper, which is not expected to act.
func TestRedFlagsNotForKinds(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	blocks := []document.Block{
		para("Health inequalities between the most and least deprived areas are wide."),
		para("Inequalities in access to district nursing persist."),
		para("Reducing inequalities in staffing is the aim of the index."),
		para("Inequalities in outcomes follow deprivation."),
	}
	flagged := func(title string) bool {
		d := testDoc(blocks)
		d.Title = title
		d.Kind = annotate.KindOf(d.Document)
		for _, c := range s.Score(d, Tool{}).Criteria {
			if c.ID == "inequality-actions" && hasFlag(c, "Health inequalities are named again and again") {
				return true
			}
		}
		return false
	}
	if !flagged("Joint Health and Wellbeing Strategy 2024-2029") {
		t.Error("a strategy that names inequalities four times with no action is not flagged")
	}
	if flagged("Equitable staffing: a systematic review") {
		t.Error("a systematic review is flagged for taking no action")
	}
}

// TestQuestionsNotForKinds: a research review plans nothing, so it is
// not asked what its actions cost; a strategy without money is.
func TestQuestionsNotForKinds(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	asked := func(title string) bool {
		d := testDoc([]document.Block{para("Staffing levels follow need more closely in some districts than in others."),
			para("We will open two new community diagnostic centres by 2027."), para("We will recruit 40 more district nurses next year.")})
		d.Title = title
		d.Kind = annotate.KindOf(d.Document)
		for _, c := range s.Score(d, Tool{}).Criteria {
			for _, q := range c.Questions {
				if c.ID == "costed-plans" && strings.HasPrefix(q, "The document gives no money") {
					return true
				}
			}
		}
		return false
	}
	if !asked("Joint Health and Wellbeing Strategy 2024-2029") {
		t.Error("a strategy without money is not asked what its actions cost")
	}
	if asked("Equitable staffing: a systematic review") {
		t.Error("a systematic review is asked what its actions cost")
	}
}

// TestNoTimeFlag: a consultation that closes less than two weeks before
// the decision it informs is a red flag, with the passage that dates
// both; one that leaves six weeks, or that was published as a draft
// before it opened, is not. (No document of the shared corpus dates a
// consultation and its decision in one paragraph: nothing there fires.)
func TestNoTimeFlag(t *testing.T) {
	const flag = "The consultation closes less than two weeks before the decision"
	doc := func(text string) func() []document.Block {
		return func() []document.Block {
			return []document.Block{head("Have your say", 1), para("We want to hear from residents about our plan. " + text)}
		}
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"The consultation closes on 30 March 2025 and the Board will approve the final plan on 2 April 2025.", true},
		{"The consultation closes on 30 March 2025 and the Board will approve the final plan on 14 May 2025.", false},
		{"The draft was published on 1 March 2025; the consultation closes on 31 March 2025.", false},
	} {
		c := criterionOf(t, doc(tc.text), "public-involvement")
		if hasFlag(c, flag) != tc.want {
			t.Errorf("%q: red flags %q, want the no-time flag %v", tc.text, c.RedFlags, tc.want)
		}
		if tc.want && !strings.Contains(strings.Join(c.RedFlags, " "), "2 April 2025") {
			t.Errorf("%q: the flag does not show the passage with both dates: %q", tc.text, c.RedFlags)
		}
	}
}

// A text much of which was put back from columns read across may hold
// the passage a flag would call missing: no absence is claimed of it,
// while a flag that quotes what is there still stands.
func TestNoAbsenceInReorderedText(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	blocks := []document.Block{
		para("We will engage with residents and listen to communities as the plan develops."),
		para("We will hear from residents and have conversations with communities about the plan."),
		para("We will keep residents informed through our newsletter and website."),
	}
	for _, tc := range []struct {
		share    float64
		promised bool
	}{{0, true}, {0.1, true}, {0.4, false}} {
		d := testDoc(blocks)
		d.Quality.ColumnShare = tc.share
		var flags, questions []string
		for _, c := range s.Score(d, Tool{}).Criteria {
			if c.ID == "public-involvement" {
				flags, questions = c.RedFlags, c.Questions
			}
		}
		promised := false
		for _, f := range flags {
			promised = promised || strings.HasPrefix(f, "Engagement is promised")
		}
		if promised != tc.promised {
			t.Errorf("column share %.1f: 'engagement is promised, but none is described' raised %v, want %v (flags %q)", tc.share, promised, tc.promised, flags)
		}
		for _, q := range questions {
			if tc.share >= 0.25 && strings.Contains(q, "none that took place") {
				t.Errorf("column share %.1f: asked %q", tc.share, q)
			}
		}
	}
}

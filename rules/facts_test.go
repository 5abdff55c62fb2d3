package rules

import (
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

func TestFacts(t *testing.T) {
	d := testDoc([]document.Block{
		para("We will invest £450m in 25,200 virtual beds by 2025."),
		para("The budget is £2.6bn over three years."),
		para("Our panel of 24 residents decides how the £150,000 fund is spent."),
		para("We will spend £2m to recruit 40 community nurses."),
	})
	got := map[string]Fact{}
	for _, f := range facts(d) {
		got[f.Text] = f
	}
	bed, ok := got["£450m ÷ 25,200 virtual beds"]
	if !ok || !bed.Computed || bed.Unit != "per bed" || bed.Value < 17800 || bed.Value > 17900 {
		t.Errorf("unit cost of a bed: %+v", bed)
	}
	if bed.Note != "£450m ÷ 25,200 virtual beds is about £17,900 per bed" {
		t.Errorf("note %q", bed.Note)
	}
	if f := got["£2.6bn"]; f.Value != 2.6e9 || f.Unit != "over three years" || f.Computed {
		t.Errorf("£2.6bn: %+v", f)
	}
	if _, ok := got["£150,000 ÷ 24 residents"]; ok {
		t.Error("a count before the sum, not bought by it, gave a unit cost")
	}
	if f, ok := got["£2m ÷ 40 community nurses"]; !ok || f.Value != 50000 {
		t.Errorf("£2m for 40 nurses: %+v", f)
	}
}

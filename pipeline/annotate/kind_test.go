package annotate

import (
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

func TestKindOf(t *testing.T) {
	sec := func(titles ...string) []*document.Section {
		var out []*document.Section
		for _, s := range titles {
			out = append(out, &document.Section{Title: s})
		}
		return out
	}
	tests := []struct {
		title    string
		sections []*document.Section
		want     string
	}{
		{"Joint Health and Wellbeing Strategy 2019-2024", nil, KindStrategy},
		{"Joint Health and Wellbeing Strategy 2019-2024 Consultation report", nil, KindConsultation},
		{"Joint Health and Wellbeing Strategy: Equality Impact Report", nil, KindImpact},
		{"Annual Report and Accounts 2024-2025", nil, KindAnnualReport},
		{"Tobacco Control Needs Assessment", nil, KindNeeds},
		{"Rapid review of inequalities in access to healthcare", nil, KindResearch},
		{"A brief overview of reports on the future needs of primary care", nil, KindResearch},
		{"Neighbourhood health guidelines 2025/26", nil, KindGuidance},
		{"Public Board Meeting 4 September 2025", nil, KindBoardPapers},
		{"Improving equitable resource use", sec("Abstract", "Introduction", "Results", "References"), KindResearch},
		{"Improving equitable resource use", sec("Introduction", "Results", "References"), KindOther},
		{"", nil, KindOther},
	}
	for _, tt := range tests {
		if got := KindOf(&document.Document{Title: tt.title, Sections: tt.sections}); got != tt.want {
			t.Errorf("%q: kind %q, want %q", tt.title, got, tt.want)
		}
	}
}

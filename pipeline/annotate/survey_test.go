package annotate

import "testing"

// TestCarrySurveyScope: the findings of a national or cited survey take
// its scope up to the end of its section or the document's own survey:
// what its respondents said, and how many responded.
func TestCarrySurveyScope(t *testing.T) {
	hiv := []string{"6.7 People living with HIV"}
	local := []string{"7 What local people told us"}
	ss := []Sentence{
		{Text: "Positive Voices 2017 [25] is a survey of people living with HIV and receiving care.", Section: hiv},
		{Text: "A total of 4,422 people responded (51% response rate).", Section: hiv},
		{Text: "There were 432 responses from the South East region.", Section: hiv},
		{Text: "62% of respondents said that support services had been very important to them.", Section: hiv},
		{Text: "Stigma remains a barrier to testing.", Section: hiv},
		{Text: "Our own survey asked 300 residents about clinic opening hours.", Section: hiv},
		{Text: "Most respondents said evening clinics would help.", Section: hiv},
		{Text: "A national survey (ONS, 2021) asked about loneliness.", Section: hiv},
		{Text: "Respondents in the next section said something else.", Section: local},
	}
	for i := range ss {
		ss[i].Claim = Claim{Scope: ScopeLocal}
	}
	carrySurveyScope(ss)
	want := []string{ScopeNational, ScopeNational, ScopeNational, ScopeNational, ScopeLocal, ScopeLocal, ScopeLocal, ScopeNational, ScopeLocal}
	for i, s := range ss {
		if s.Claim.Scope != want[i] {
			t.Errorf("%q: scope %s, want %s", s.Text, s.Claim.Scope, want[i])
		}
	}
}

package annotate

import (
	"strings"
	"testing"
)

// The group an action is aimed at, and groups that are only named.
func TestFindBeneficiaries(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want string // the beneficiaries' texts, joined by "|"
	}{
		{"We will run outreach clinics for people experiencing homelessness.", "people experiencing homelessness"},
		{"Dental vans will visit rural and coastal areas.", ""}, // "visit" aims nothing
		{"We will offer golden hellos to dentists in rural and coastal areas.", "rural|coastal areas"},
		{"Vaccination targeted at people with serious mental illness.", "serious mental illness"},
		{"Health checks in the most deprived 20% of areas.", "most deprived 20%"},
		{"The service works with LGBT young people.", "LGBT"},
		{"Screening uptake is lower among Black African women.", "Black African"},
		{"Uptake was 44% compared with the most deprived areas.", ""},
		{"Homeless people die thirty years earlier.", ""},
		{"Support for carers and older people.", ""}, // a client group, not a gap
		{"Outreach for young people; homeless hostels are full.", ""},
	} {
		tx := newText(tc.s)
		var got []string
		for _, a := range findBeneficiaries(tx, findGroups(tx)) {
			got = append(got, a.Text)
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%q: beneficiaries %q, want %q", tc.s, strings.Join(got, "|"), tc.want)
		}
	}
}

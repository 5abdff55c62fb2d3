package catalogue

import (
	"slices"
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	all := All()
	if len(all) != 42 {
		t.Fatalf("%d ICBs, want 42", len(all))
	}
	perRegion := map[string]int{}
	seen := map[string]bool{}
	for _, o := range all {
		if seen[o.Code] || seen[o.Name] {
			t.Errorf("duplicate %s %s", o.Code, o.Name)
		}
		seen[o.Code], seen[o.Name] = true, true
		if len(o.Code) != 3 || o.Code[0] != 'Q' || strings.ToUpper(o.Code) != o.Code {
			t.Errorf("%s: an ICB's ODS code is Q and two characters", o.Code)
		}
		if o.RegionCode == "" || !strings.HasSuffix(o.Name, " Integrated Care Board") {
			t.Errorf("%+v", o)
		}
		perRegion[o.Region]++
	}
	want := map[string]int{NorthEastYH: 4, NorthWest: 3, Midlands: 11,
		East: 6, London: 5, SouthEast: 6, SouthWest: 7}
	for r, n := range want {
		if perRegion[r] != n {
			t.Errorf("%s has %d ICBs, want %d", r, perRegion[r], n)
		}
	}
	i := slices.IndexFunc(All(), func(o Organisation) bool { return o.Code == "QWO" })
	if i < 0 || All()[i].Name != "NHS West Yorkshire Integrated Care Board" || All()[i].RegionCode != "Y63" {
		t.Errorf("QWO: %d in %+v", i, All())
	}
}

func TestRegion(t *testing.T) {
	for _, tc := range []struct{ in, name, code string }{
		{"London", "London", "Y56"}, {"y56", "London", "Y56"}, {"north east and yorkshire", "North East and Yorkshire", "Y63"}, {"Narnia", "", ""},
	} {
		name, code, ok := Region(tc.in)
		if name != tc.name || code != tc.code || ok != (tc.name != "") {
			t.Errorf("Region(%q) = %q, %q, %t", tc.in, name, code, ok)
		}
	}
}

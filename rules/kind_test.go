package rules

import "testing"

// Every kind is registered once, under the name its constant gives, and
// the error for an unknown kind names each in kindList's order.
func TestKindList(t *testing.T) {
	for _, name := range []string{KindTerms, KindAnnotation, KindComposite, KindCount, KindConditional} {
		if k, ok := kinds[name]; !ok || k.name() != name {
			t.Errorf("kind %q is not registered under its name", name)
		}
	}
	if len(kinds) != len(kindList) {
		t.Errorf("%d kinds by name, %d in kindList: two share a name", len(kinds), len(kindList))
	}
	if got, want := kindNames(), "terms, annotation, composite, count or conditional"; got != want {
		t.Errorf("kindNames() = %q, want %q", got, want)
	}
}

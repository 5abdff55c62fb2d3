package rules

import (
	"strings"
	"testing"
)

// Every rule file in the embedded set loads and checks.
func TestDefaultLoads(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatalf("embedded rules: %v", err)
	}
	want := []string{"problem-analysis", "inequality-actions", "costed-plans", "vcs-involvement", "public-involvement"} // the rubric's order
	var got []string
	for _, f := range s.Files {
		got = append(got, f.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("criteria = %v, want %v", got, want)
	}
	if len(s.Version) != 64 {
		t.Errorf("version %q is not a SHA-256", s.Version)
	}
}

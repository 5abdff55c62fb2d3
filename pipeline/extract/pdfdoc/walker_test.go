package pdfdoc

import (
	"maps"
	"testing"
)

// TestFontRefs reads a /Font dictionary as the PDF library prints it:
// only its own entries name the page's fonts.
func TestFontRefs(t *testing.T) {
	tests := []struct {
		name, dict string
		want       map[string]string
	}{
		{"indirect fonts", `<</F1 12 0 R /F2 13 0 R>>`, map[string]string{"F1": "12 0 R", "F2": "13 0 R"}},
		{"an inline font is not a reference", `<</F1 12 0 R /F2 <</BaseFont /Helvetica /Type /Font>>>>`, map[string]string{"F1": "12 0 R"}},
		{"an inline Type3 font's own /F1 is not the page's", `<</F1 12 0 R /T3 <</Resources <</Font <</F1 14 0 R>>>> /Subtype /Type3>>>>`,
			map[string]string{"F1": "12 0 R"}},
		{"the nested one first in the text", `<</A <</Resources <</Font <</F1 14 0 R>>>>>> /F1 12 0 R>>`, map[string]string{"F1": "12 0 R"}},
		{"brackets in a string", `<</F1 12 0 R /T3 <</Name "<</F1 9 0 R" /FontDescriptor 15 0 R>>>>`, map[string]string{"F1": "12 0 R"}},
		{"empty", `<<>>`, map[string]string{}},
	}
	for _, tt := range tests {
		if got := fontRefs(tt.dict); !maps.Equal(got, tt.want) {
			t.Errorf("%s: fontRefs(%s) = %v, want %v", tt.name, tt.dict, got, tt.want)
		}
	}
}

package golden

import "testing"

func TestFirstDiff(t *testing.T) {
	tests := []struct{ want, got, diff string }{
		{"a\nb\nc\n", "a\nx\nc\n", "line 2:\n- b\n+ x"},
		{"a\nb\n", "a\nb\nc\n", "line 3:\n- \n+ c"},
		{"a\nb", "a\nb\nc", "3 lines, want 2"},
		{"", "a", "line 1:\n- \n+ a"},
	}
	for _, tt := range tests {
		if d := FirstDiff([]byte(tt.want), []byte(tt.got)); d != tt.diff {
			t.Errorf("FirstDiff(%q, %q) = %q, want %q", tt.want, tt.got, d, tt.diff)
		}
	}
}

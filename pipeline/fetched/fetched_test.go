package fetched

import "testing"

func TestIsURL(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"http://example.org/a.pdf", true},
		{"HTTPS://example.org", true},
		{"  https://x", true},
		{"ftp://example.org", false},
		{"papers/board.pdf", false},
		{`C:\papers\board.pdf`, false},
		{"http-notes.md", false},
	}
	for _, tt := range tests {
		if got := IsURL(tt.in); got != tt.want {
			t.Errorf("IsURL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

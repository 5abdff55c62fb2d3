package bytesize

import "testing"

func TestHuman(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 byte"}, {10, "10 bytes"}, {1023, "1023 bytes"}, {1024, "1 KiB"}, {1536, "1.5 KiB"},
		{4404019, "4.2 MiB"}, {200 << 20, "200 MiB"}, {3 << 30, "3 GiB"}, {5 << 50, "5120 TiB"},
	} {
		if got := Human(tt.n); got != tt.want {
			t.Errorf("Human(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// A size prints as a flag takes it, and reads back as itself.
func TestFlagParse(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{100, "100"}, {1 << 20, "1MiB"}, {256 << 20, "256MiB"}, {4 << 30, "4GiB"}, {1500, "1500"}, {0, "0"}} {
		got := Flag(tt.n)
		if got != tt.want {
			t.Errorf("Flag(%d) = %q, want %q", tt.n, got, tt.want)
		}
		if back, err := Parse(got); err != nil || back != tt.n {
			t.Errorf("Parse(%q) = %d, %v; want %d", got, back, err, tt.n)
		}
	}
	for _, bad := range []string{"-1", "12XB", "", "9999999999GiB"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

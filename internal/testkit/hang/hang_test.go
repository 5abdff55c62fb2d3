package hang

import (
	"testing"
	"time"
)

func TestBound(t *testing.T) {
	if got := Bound(time.Second); got != 70*time.Second {
		t.Errorf("Bound(1s) = %s, want 1m10s", got)
	}
	if Bound(0) < time.Minute {
		t.Error("a bound under a minute is a measurement, not a hang guard")
	}
}

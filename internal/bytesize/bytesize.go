// Package bytesize writes and reads byte counts: the one home of the
// formats limits are given in ("200MiB" on the command line) and reported
// in ("4.2 MiB" in messages and listings).
package bytesize

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Human prints a byte count for a reader: "1 byte", "812 bytes",
// "4.2 MiB".
func Human(n int64) string {
	const unit = 1024
	if n < unit {
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	v := float64(n) / unit
	i := 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + " " + units[i]
}

// Flag prints a byte count the way a size flag takes it: in the largest
// binary unit it is a whole number of ("256MiB"), else as a plain number.
func Flag(n int64) string {
	for _, u := range []struct {
		name  string
		shift uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n > 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

// Parse reads a size flag: "1048576", "512KiB", "200MiB", "4GiB" (KB, MB
// and GB are read as powers of 1000, as people write them).
func Parse(v string) (int64, error) {
	t := strings.TrimSpace(v)
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
		{"B", 1},
	}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) && (len(u.suffix) != 2 || !strings.HasSuffix(t, "iB")) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size (write 1048576, 512KiB, 200MiB or 4GiB)", v)
	}
	return n * mult, nil
}

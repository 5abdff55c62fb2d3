package rules

import (
	"strconv"

	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// exampleTail is how redFlags appends a red flag's example passage to its
// message: ` (page 3: “quote”)`.
var exampleTail = lazyre.New(` \(page (\d+): “(.*)”\)$`)

// SplitRedFlag takes a red flag as a scorecard holds it apart: the
// message, and the page and quote of its example passage (0 and "" when
// it has none). The scorecard keeps them as one string (CONTRACT.md's
// red_flags); exports want them as columns.
func SplitRedFlag(flag string) (message string, page int, quote string) {
	m := exampleTail.FindStringSubmatchIndex(flag)
	if m == nil {
		return flag, 0, ""
	}
	page, err := strconv.Atoi(flag[m[2]:m[3]])
	if err != nil {
		return flag, 0, ""
	}
	return flag[:m[0]], page, flag[m[4]:m[5]]
}

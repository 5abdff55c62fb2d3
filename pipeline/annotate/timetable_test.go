package annotate

import (
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// A consultation whose close leaves no time before the decision it
// informs is marked on its closing date; one with time, or whose only
// "decision" is the draft's approval to go out, is not.
func TestNoTime(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       string // the closing date marked, and the decision's date
	}{
		{"decision three days after the close",
			"The consultation closes on 30 March 2025 and the Board will approve the final plan on 2 April 2025.",
			"30 March 2025 → 2 April 2025"},
		{"approved before it closes",
			"The strategy was approved by the Board on 12 March 2025. The consultation runs from 1 March 2025 to 31 March 2025.",
			"31 March 2025 → 12 March 2025"},
		{"published a week after the close",
			"Our consultation ended on 10 June 2024; the final strategy will be published on 17 June 2024.",
			"10 June 2024 → 17 June 2024"},
		{"American order",
			"The consultation closes March 30, 2025 and the board will sign off the plan on April 1, 2025.",
			"March 30, 2025 → 1 April 2025"},
		{"six weeks to change the plan",
			"The consultation closes on 30 March 2025 and the Board will approve the final plan on 14 May 2025.", ""},
		{"the draft approved for consultation",
			"The draft was approved for consultation on 28 November 2018, and the consultation ran from 3 December 2018 to 27 January 2019.", ""},
		{"the draft published for consultation",
			"The draft was published on 1 March 2025; the consultation closes on 31 March 2025.", ""},
		{"a decision long before",
			"The previous strategy was approved on 1 April 2019. The consultation closes on 30 March 2025.", ""},
		{"no consultation",
			"The service closes on 30 March 2025 and the Board will approve the new one on 2 April 2025.", ""},
		{"an impossible date", "The consultation closes on 31 June 2025 and the Board will approve the plan on 2 July 2025.", ""},
	} {
		d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{{Kind: document.Paragraph, Text: tc.text}}}}}
		var got []string
		for _, s := range Annotate(d).Sentences {
			for _, a := range s.Annotations {
				if a.Kind == Engagement && a.Sub == SubNoTime {
					got = append(got, a.Text+" → "+a.Unit)
				}
			}
		}
		if strings.Join(got, "; ") != tc.want {
			t.Errorf("%s: marked %q, want %q", tc.name, strings.Join(got, "; "), tc.want)
		}
	}
}

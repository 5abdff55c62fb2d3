package pack

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract/textdoc"
)

func show(ps []Paper) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s | %s | %s | %s | %s\n", p.Number, p.Title, p.Presenter, p.Purpose, p.Kind)
	}
	return b.String()
}

// TestSplitGenerated: a pack written here, with an agenda, cover sheets
// in the two layouts packs use (a label on its own line with the value
// below, and "Label: value"), a ticked purpose, a title cut over two
// lines and an appendix that stays with its paper.
func TestSplitGenerated(t *testing.T) {
	md := `# Board meeting in public, 4 March 2026

Agenda

Item 1 Welcome and apologies

Item 2 Minutes of the last meeting

Item 3 Population Health Strategy 2026-2031

**Agenda item:**

2025-26 (2)

**Title of report:**

Minutes of the Board Meeting Held in Public: 4 February 2026

**Presented by:**

Trust Chair

**Purpose:**

Assurance

Discussion

Approval

√

The minutes are attached.

**Agenda item:** 3

**Title of report:** Population Health Strategy 2026-

2031

**Presented by:** Director of Strategy

**Purpose:** For approval

We will reduce the gap in healthy life expectancy between the most and least deprived wards.

## Appendix A: engagement report

People told us that access to GP appointments matters most.

**Agenda item:** 4

**Title of report:** Finance Report, Month 10

**Presented by:** Director of Finance

**Purpose:** For information

The Trust reports a deficit of £2.1m at month 10.
`
	d, err := textdoc.Read([]byte(md), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	got := show(Split(d))
	want := ` | Agenda and papers before the first cover sheet |  |  | agenda
2 | Minutes of the Board Meeting Held in Public: 4 February 2026 | Trust Chair | decision | minutes
3 | Population Health Strategy 2026-2031 | Director of Strategy | decision | strategy or plan
4 | Finance Report, Month 10 | Director of Finance | information | finance or performance report
`
	if got != want {
		t.Errorf("papers:\n%s\nwant:\n%s", got, want)
	}
	ps := Split(d)
	strategy := ps[2].Document(d)
	text := ""
	for _, p := range strategy.Pages {
		for _, b := range p.Blocks {
			text += b.Text + "\n"
		}
	}
	if q := strategy.Quality; q.Warnings == nil || q.Pages != len(strategy.Pages) || q.CharsPerPage == 0 {
		t.Errorf("the paper's quality is not its own: %+v", q)
	}
	if !strings.Contains(text, "People told us") || strings.Contains(text, "deficit") || strings.Contains(text, "minutes are attached") {
		t.Errorf("the strategy paper holds the wrong blocks:\n%s", text)
	}
	if Criteria(ps[1].Kind) != nil || len(Criteria(ps[2].Kind)) != 5 || len(Criteria(ps[3].Kind)) != 1 {
		t.Errorf("criteria by kind: minutes %v, strategy %v, finance %v", Criteria(ps[1].Kind), Criteria(ps[2].Kind), Criteria(ps[3].Kind))
	}
}

// TestSplitCommitteeReports: committee chairs' reports have a cover of
// their own kind ("Name of Committee:", "Report to:") and take their
// number and title from the agenda, the same committee's reports in turn;
// a committee the agenda does not list keeps its heading and name; a
// cover that repeats the number before it takes the agenda's next item of
// that number when the titles share a word, and keeps its own otherwise.
func TestSplitCommitteeReports(t *testing.T) {
	md := `Agenda

Item 5i Quality Committee Chair's Assurance Report May 2026

Item 5ii Quality Committee Chair's Assurance Report June 2026

Item 6i Cover paper - Staffing quarterly report

Item 6ii Staffing annual report 2025-26

**Agenda item:** 4

**Title of report:** Chief Executive's Report

Our winter plan is on track.

**Committee Escalation and Assurance Report**

**Name of Committee:**

Quality Committee

**Report to:**

Trust Board 4 March 2026

The committee noted the infection control report.

**Committee Escalation and Assurance Report**

**Name of Committee:** Quality Committee

**Report to:** Trust Board

The committee approved the audit plan.

**Name of Committee:**

People Committee

**Date of meeting:**

1 March 2026

**Report to:**

Trust Board

Staff survey results were discussed.

**Agenda item:** 6i

**Title of report:** Staffing quarterly report

Fill rates were 96%.

**Agenda item:** 6i

**Title of report:** Staffing annual report 2025-26

Vacancies fell.

**Agenda item:** 6i

**Title of report:** Infection control

Cases fell.
`
	d, err := textdoc.Read([]byte(md), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	got := show(Split(d))
	want := ` | Agenda and papers before the first cover sheet |  |  | agenda
4 | Chief Executive's Report |  |  | report
5i | Quality Committee Chair's Assurance Report May 2026 |  | assurance | committee report
5ii | Quality Committee Chair's Assurance Report June 2026 |  | assurance | committee report
 | People Committee report |  |  | committee report
6i | Staffing quarterly report |  |  | report
6ii | Staffing annual report 2025-26 |  |  | report
6i | Infection control |  |  | report
`
	if got != want {
		t.Errorf("papers:\n%s\nwant:\n%s", got, want)
	}
}

// TestSplitByAgenda: a converted pack with neither bookmarks nor cover
// sheets, whose papers start with their titles as headings, splits at the
// headings its agenda's items name, in order; a heading in the minutes
// that repeats a title before the agenda's order reaches it does not
// split, and an item with no heading of its own stays with the paper
// before it.
func TestSplitByAgenda(t *testing.T) {
	md := `# Board meeting in public, 4 March 2026

Item 1 Minutes of the meeting held on 4 February 2026

Item 2 Winter Plan 2026/27

Item 3 Verbal update from the Chair

Item 4 Finance Report, Month 10

# Minutes of the meeting held on 4 February 2026

## Finance report

The board noted the month 9 finance report.

# Winter Plan 2026/27: planning for the coldest months

The board is asked to approve the winter plan.

We will open 40 beds from December.

# Finance Report Month 10

The Trust reports a deficit of £2.1m at month 10.
`
	d, err := textdoc.Read([]byte(md), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	got := show(Split(d))
	want := ` | Agenda and papers before the first item |  |  | agenda
1 | Minutes of the meeting held on 4 February 2026 |  |  | minutes
2 | Winter Plan 2026/27 |  |  | strategy or plan
4 | Finance Report, Month 10 |  |  | finance or performance report
`
	if got != want {
		t.Errorf("papers:\n%s\nwant:\n%s", got, want)
	}
	ps := Split(d)
	if ps[2].Asked != "The board is asked to approve the winter plan." {
		t.Errorf("asked %q", ps[2].Asked)
	}
	if txt := ps[1].Document(d).PlainText(); !strings.Contains(txt, "month 9 finance report") || strings.Contains(txt, "40 beds") {
		t.Errorf("the minutes hold the wrong blocks:\n%s", txt)
	}
}

// TestSplitTables: a converted pack whose agenda is a table (item, title,
// lead, purpose) and whose covers are tables ("Agenda item" | "2"),
// "Label: value" lines opening with the meeting's fields, and fields run
// together in one paragraph with the purpose marked among the options.
// A cover without a presenter takes the agenda's; the meeting's fields
// above a cover's "Agenda item" are the cover's.
func TestSplitTables(t *testing.T) {
	md := `# Board meeting in public, 4 March 2026

| Item | Title | Lead | Purpose |
|---|---|---|---|
| 1 | Welcome | Chair | Information |
| 2 | Minutes of the last meeting | Chair | Approval |
| 3 | Winter Plan 2026/27 | Director of Strategy | Approval |
| 4 | Finance report | Director of Finance | Assurance |

| Agenda item | 2 |
|---|---|
| Title of report | Minutes of the meeting held on 4 February 2026 |
| Presented by | Trust Chair |
| Purpose | Approval |

The minutes are attached.

**Meeting:** Trust Board

**Date:** 4 March 2026

**Agenda item:** 3

**Title of report:** Winter Plan 2026/27

**Purpose:** For approval

We will open 40 beds.

Agenda item: 4 Title of report: Finance report, month 10 Purpose: Approval Assurance X Discussion

The deficit is £2.1m.
`
	d, err := textdoc.Read([]byte(md), "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	ps := Split(d)
	got := show(ps)
	want := ` | Agenda and papers before the first cover sheet |  |  | agenda
2 | Minutes of the meeting held on 4 February 2026 | Trust Chair | decision | minutes
3 | Winter Plan 2026/27 | Director of Strategy | decision | strategy or plan
4 | Finance report, month 10 | Director of Finance | assurance | finance or performance report
`
	if got != want {
		t.Fatalf("papers:\n%s\nwant:\n%s", got, want)
	}
	if txt := ps[2].Document(d).PlainText(); !strings.Contains(txt, "Meeting: Trust Board") || !strings.Contains(txt, "40 beds") {
		t.Errorf("the winter plan holds the wrong blocks:\n%s", txt)
	}
	if txt := ps[1].Document(d).PlainText(); strings.Contains(txt, "Trust Board") {
		t.Errorf("the minutes hold the next cover's fields:\n%s", txt)
	}
}

// TestSplitNotAPack: a document without cover sheets is one paper.
func TestSplitNotAPack(t *testing.T) {
	d := &document.Document{Title: "A strategy", Pages: []document.Page{{Number: 1, Blocks: []document.Block{{Kind: document.Paragraph, Text: "Item 3: see the agenda."}}}}}
	if ps := Split(d); len(ps) != 1 || ps[0].Title != "A strategy" {
		t.Errorf("papers %s", show(ps))
	}
}

// TestSplitRealPack: the trust board pack of the shared corpus, whose 16
// cover sheets and 6 committee chairs' reports ("Name of Committee:",
// "Report to:") were written down from the file, numbered as its agenda
// lists them. The second "Guardian of Safe Working Hours" cover repeats
// the first's "(14i)"; the agenda lists it as 14ii.
func TestSplitRealPack(t *testing.T) {
	dir := sharedcorpus.Require(t, "corpus", "real-text")
	data, err := os.ReadFile(filepath.Join(dir, "lch-trust-board-public-papers-2025-09.md"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := textdoc.Read(data, "text/markdown")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range Split(d) {
		got = append(got, p.Number+" | "+p.Title)
	}
	want := []string{
		" | Agenda and papers before the first cover sheet",
		"4ai | Minutes Trust Board Meeting Held in Public: 5 June 2025",
		"4aii | Minutes Extraordinary Trust Board Meeting 25 June 2025",
		"4aiii | Minutes of Extraordinary Trust Board Meeting Held in Public: 10 July 2025",
		"4b | Trust Board meeting (held in public) action log: 4 September 2025 Key",
		"6 | Interim Chief Executive’s Report",
		"7i | Leeds Community Healthcare NHS Trust Winter Plan 2025-2026",
		"8 | Health Equity Strategy",
		"9i | Chairs assurance report - Quality Committee July 2025_Amended 4 09 2025",
		"9ii | Safe Staffing Report – for information",
		"10i | Business Committee Chairs assurance report 28 May 2025",
		"10ii | Business Committee Chairs Assurance Report 25 June 2025",
		"10iii | Business Committee Chairs Assurance Report 30 July 2025 Final",
		"11 | Audit Committee Chair's Assurance Report July 2025",
		"12 | Charitable Funds Committee Chair Assurance Report July 2025",
		"13i | Performance Brief",
		"14i | Guardian For Safe Working Hours- Quarter 1 Update",
		"14ii | Guardian Of Safe Working Hours Annual Report 2024-25",
		"15i | Annual Medical Director's report 2024-2025",
		"16i | Significant Risks and Risk Assurance Report, including the Risk Appetite Statement 2025/26",
		"17i | Board Assurance Framework Quarterly Update",
		"18 | Changes to Non-Executive Director roles and responsibilities",
		"20 | Public Board workplan 2024-26",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("papers:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// What the board is asked to do, read from the covers.
	asked := map[string]string{
		"4ai":  "The Trust Board is asked to approve the minutes.",
		"6":    "Board notes the contents of this report and the work undertaken to drive forward our strategic goals.",
		"9ii":  "Receive the report; Agree the level of assurance provided",
		"10ii": "The Board is recommended to note the assurance levels provided against the strategic risks",
		"14ii": "Receive this assurance regarding Resident Doctor working patterns and conditions within the Trust.",
		"17i":  "The Board is recommended to: Receive the BAF and to be assured of the appropriateness of updates, including risk scoring and mitigating actions.",
		"20":   "",
	}
	for _, p := range Split(d) {
		if w, ok := asked[p.Number]; ok && p.Asked != w {
			t.Errorf("%s asked %q, want %q", p.Number, p.Asked, w)
		}
	}
}

// TestAsked: what the board is asked to do, from a cover's
// "Recommendation(s)" field or an "asked to" sentence, carried over the
// blocks a converter cut it into.
func TestAsked(t *testing.T) {
	for _, tc := range []struct {
		blocks []string
		want   string
	}{
		{[]string{"Title of report:", "Winter plan", "Recommendation(s) Review the draft winter plan."}, "Review the draft winter plan."},
		{[]string{"Recommendation(s)", "• Receive the report", "• Agree the level of assurance", "List of appendices:"}, "Receive the report; Agree the level of assurance"},
		{[]string{"Recommendations", "The Board is recommended to:", "• Note the report"}, "The Board is recommended to: Note the report"},
		{[]string{"Recommendation(s) Support the work in relation to", "the new rota system.", "Page 1 of 5"}, "Support the work in relation to the new rota system."},
		{[]string{"Recommendation: The Board is recommended to note the assurance levels:The Committee provides"}, "The Board is recommended to note the assurance levels"},
		{[]string{"Some text.", "The Trust Board is asked to approve the minutes."}, "The Trust Board is asked to approve the minutes."},
		{[]string{"Recommendation(s)", "N/A"}, ""},
		{[]string{"Recommendations", "Page 3"}, ""},
		{[]string{"The committee recommended a new policy last year."}, ""},
	} {
		text := func(i int) string { return tc.blocks[i] }
		if got := askedOf(text, 0, len(tc.blocks)); got != tc.want {
			t.Errorf("%q: asked %q, want %q", tc.blocks, got, tc.want)
		}
	}
}

// FuzzSplit: any text read as Markdown splits without a panic, into
// papers that cover the document in order, each a document of its own.
func FuzzSplit(f *testing.F) {
	f.Add("**Agenda item:**\n\n2025-26 (4ai)\n\n**Title of report:**\n\nMinutes\n\n**Purpose:**\n\nApproval\n\n√\n")
	f.Add("Agenda item: Title of report:\n\n2025-26 (6)\n\nChief Executive's Report\n")
	f.Add("AGENDA ITEM\n\n2025-26\n\n(4b)\n\nAction log\n")
	f.Add("Item 9i Quality Committee report\n\nAssurance Report\n\nName of Committee:\n\nQuality Committee\n\nReport to:\n\nBoard\n")
	f.Add("Item 2 x\n\nName of Committee: \n\nReport to:\n")
	f.Add("Item 1 Minutes\n\nItem 2 Winter plan\n\n# Minutes\n\ntext\n\n# Winter plan\n\nmore\n")
	f.Add("| Item | Title | Lead | Page |\n|---|---|---|---|\n| 1 | Minutes | Chair | 2 |\n| 2 | Plan | CEO | 3 |\n\n| Agenda item | 2 |\n|---|---|\n| Title of report | Plan |\n| Purpose: | Approval | X |\n")
	f.Add("Meeting: Board Date: today Agenda item: 4 Title of report: Plan Purpose: Approval Assurance X\n\n**Date:**\n\nMay\n\nAgenda item: 5\n\nTitle of report: Budget\n")
	f.Add("Agenda Item 1 Welcome Item 2 Minutes ........ 2 Item 3 Plan page 3\n\n# Minutes\n\nThe Board is asked to note. More.\n")
	f.Fuzz(func(t *testing.T, md string) {
		d, err := textdoc.Read([]byte(md), "text/markdown")
		if err != nil {
			return
		}
		ps := Split(d)
		if len(ps) == 0 {
			t.Fatal("no papers")
		}
		n := 0
		for _, pg := range d.Pages {
			n += len(pg.Blocks)
		}
		at := 0
		for _, p := range ps {
			if p.start != at || p.end < p.start {
				t.Fatalf("paper %q covers blocks %d-%d, want from %d", p.Number, p.start, p.end, at)
			}
			at = p.end
			_ = p.Document(d)
		}
		if at != n {
			t.Fatalf("papers end at block %d of %d", at, n)
		}
	})
}

// BenchmarkSplitRealPack splits the real trust board pack of the shared
// corpus (62,775 words, 23 papers), as read from its Markdown.
//
//	go test ./pipeline/pack -run XXX -bench SplitRealPack -benchmem -cpu 1
func BenchmarkSplitRealPack(b *testing.B) {
	dir := sharedcorpus.Require(b, "corpus", "real-text")
	data, err := os.ReadFile(filepath.Join(dir, "lch-trust-board-public-papers-2025-09.md"))
	if err != nil {
		b.Fatal(err)
	}
	d, err := textdoc.Read(data, "text/markdown")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := Split(d); len(got) != 23 {
			b.Fatalf("%d papers, want 23", len(got))
		}
	}
}

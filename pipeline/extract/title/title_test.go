package title

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFromSized(t *testing.T) {
	tests := []struct {
		name  string
		lines []Line
		want  string
	}{
		{"a label before the title is skipped, a date after it too",
			[]Line{{Text: "INTERIM REPORT", Size: 28}, {Text: "Data Driven Healthcare in 2030", Size: 28},
				{Text: "Full Report", Size: 28}, {Text: "HEE Digital Readiness Programme", Size: 28}, {Text: "March 2021", Size: 28}},
			"Data Driven Healthcare in 2030 Full Report"},
		{"a place over the title joins it",
			[]Line{{Text: "WEST SUSSEX", Size: 36}, {Text: "JOINT DEMENTIA STRATEGY", Size: 36}, {Text: "2020 TO 2023", Size: 36},
				{Text: "Developed in partnership with", Size: 18}},
			"WEST SUSSEX JOINT DEMENTIA STRATEGY 2020 TO 2023"},
		{"the publisher alone takes the next size down",
			[]Line{{Text: "westsussex.gov.uk", Size: 14}, {Text: "West Sussex Drug and Alcohol Partnership", Size: 40},
				{Text: "Annual Progress Report", Size: 22}, {Text: "October 2024", Size: 16}},
			"West Sussex Drug and Alcohol Partnership Annual Progress Report"},
		{"the publisher before a title is dropped",
			[]Line{{Text: "West Sussex County Council", Size: 22}, {Text: "Comprehensive Needs Assessment", Size: 22},
				{Text: "Final Report", Size: 22}, {Text: "May 2016", Size: 22}},
			"Comprehensive Needs Assessment Final Report"},
		{"a title ending with a colon goes on",
			[]Line{{Text: "Start Well, Live Well, Age Well:", Size: 30}, {Text: "Joint Health and Wellbeing Strategy 2019 - 2024", Size: 27},
				{Text: "CONTENTS", Size: 21}},
			"Start Well, Live Well, Age Well: Joint Health and Wellbeing Strategy 2019 - 2024"},
		{"a subtitle in a size not much smaller",
			[]Line{{Text: "Joint Health and Wellbeing Strategy", Size: 22}, {Text: "Consultation report", Size: 16},
				{Text: "Background", Size: 13}},
			"Joint Health and Wellbeing Strategy Consultation report"},
		{"a byline is no subtitle",
			[]Line{{Text: "DUAL DIAGNOSIS NEEDS ASSESSMENT", Size: 24}, {Text: "Report prepared for West Sussex County Council", Size: 16}},
			"DUAL DIAGNOSIS NEEDS ASSESSMENT"},
		{"figures set large are no title",
			[]Line{{Text: "Tobacco Control - Interim Plan on a page", Size: 18}, {Text: "1,500", Size: 18}, {Text: "84", Size: 40},
				{Text: "deaths each year", Size: 11}},
			"Tobacco Control - Interim Plan on a page"},
		{"a page all in one size gives its first line",
			[]Line{{Text: "SUMMARY", Size: 14}, {Text: "Justified text uses wider word spaces. Condensed text keeps them.", Size: 10}},
			"SUMMARY"},
		{"a lower-case name is no publisher",
			[]Line{{Text: "Capital programme", Size: 16}, {Text: "The capital allocation is £24.6m for 2024–25. Café space will be refurbished.", Size: 11}},
			"Capital programme"},
		{"nothing", nil, ""},
	}
	for _, tt := range tests {
		if got := FromSized(tt.lines); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFromLines(t *testing.T) {
	strong := func(s ...string) []Line {
		var out []Line
		for _, x := range s {
			out = append(out, Line{Text: x, Strong: true})
		}
		return out
	}
	plain := func(s ...string) []Line {
		var out []Line
		for _, x := range s {
			out = append(out, Line{Text: x})
		}
		return out
	}
	cat := func(ls ...[]Line) []Line {
		var out []Line
		for _, l := range ls {
			out = append(out, l...)
		}
		return out
	}
	tests := []struct {
		name  string
		lines []Line
		want  string
	}{
		{"journal masthead and labels are skipped",
			cat(plain("Iqbal et al. BMC Public Health (2025) 25:1374", "BMC Public Health", "https://doi.org/10.1186/x"),
				strong("SYSTEMATIC REVIEW", "Open Access"), plain("Defining the model:", "a systematic review",
					"Fahad M. Iqbal, Seher Kayikci, Hayley Lowther-Payne")),
			"Defining the model: a systematic review"},
		{"the publisher's name, then a kind of yearly report, stay together",
			cat(plain("n"), strong("The Leeds", "Teaching Hospitals", "NHS Trust"), plain("Annual Report", "and Accounts"),
				plain("Contents")),
			"The Leeds Teaching Hospitals NHS Trust Annual Report and Accounts"},
		{"a change of style ends the title",
			cat(strong("The Healthy Leeds Plan", "2023 - 2028"), plain("Plain text version", "Introduction")),
			"The Healthy Leeds Plan 2023 - 2028"},
		{"a title in capitals takes its subtitle",
			cat(strong("FIT FOR", "THE FUTURE"), plain("10 Year Health Plan", "for England", "July 2025")),
			"FIT FOR THE FUTURE 10 Year Health Plan for England"},
		{"dates and classifications before the title",
			cat(plain("Date published: 29 January, 2025", "Classification: Official"), strong("Neighbourhood health guidelines 2025/26"),
				plain("Publication (/publication)")),
			"Neighbourhood health guidelines 2025/26"},
		{"a meeting keeps its date",
			strong("Bundle Public Board Meeting 4 September 2025"),
			"Bundle Public Board Meeting 4 September 2025"},
		{"a title repeated as a running head ends the run",
			cat(strong("People Priorities", "Strategy"), strong("People Priorities", "Strategy")),
			"People Priorities Strategy"},
		{"a yearly report takes its publisher from the lines below",
			cat(strong("ANNUAL REPORT AND ACCOUNTS"), plain("1 April 2024", "2"), strong("Leeds and York Partnership NHS Foundation Trust")),
			"Leeds and York Partnership NHS Foundation Trust ANNUAL REPORT AND ACCOUNTS"},
		{"sentences are no title",
			plain("This is plain text. It has paragraphs.", "Another sentence here."),
			""},
		{"two headings are two titles",
			[]Line{{Text: "Part A", Strong: true, Heading: true}, {Text: "Part B", Strong: true, Heading: true}},
			"Part A"},
		{"logo letters before the title",
			plain("EUROPE", "New organisational", "models of primary care"),
			"New organisational models of primary care"},
	}
	for _, tt := range tests {
		if got := FromLines(tt.lines); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLabelAndOrg(t *testing.T) {
	for _, s := range []string{"INTERIM REPORT", "Systematic review", "Open Access", "Contents", "Final Report", "Classification: Official"} {
		if !Label(s) {
			t.Errorf("Label(%q) = false", s)
		}
	}
	for _, s := range []string{"Annual Report and Accounts", "Suicide Prevention Strategy", "People Priorities"} {
		if Label(s) {
			t.Errorf("Label(%q) = true", s)
		}
	}
	for _, s := range []string{"West Sussex County Council", "The Leeds Teaching Hospitals NHS Trust", "Institute for Public Policy Research"} {
		if !Org(s) {
			t.Errorf("Org(%q) = false", s)
		}
	}
	for _, s := range []string{"Capital programme", "Community Fund Co-Production", "Institute for Public Policy Research and a long subtitle: more"} {
		if Org(s) {
			t.Errorf("Org(%q) = true", s)
		}
	}
}

func FuzzTitle(f *testing.F) {
	f.Add("INTERIM REPORT\nData Driven Healthcare\nMarch 2021", 28.0)
	f.Add("**The Leeds **\n\nNHS Trust\nAnnual Report\nand Accounts", 0.0)
	f.Add("\xff\xfe", 12.0)
	f.Fuzz(func(t *testing.T, text string, size float64) {
		var sized, plain []Line
		for i, l := range strings.Split(text, "\n") {
			sized = append(sized, Line{Text: l, Size: size + float64(i%3)})
			plain = append(plain, Line{Text: l, Strong: i%2 == 0, Break: l == ""})
		}
		for _, got := range []string{FromSized(sized), FromLines(plain)} {
			if len(got) > MaxLen+len("…") {
				t.Fatalf("title of %d bytes, more than %d", len(got), MaxLen)
			}
			if utf8.ValidString(text) && !utf8.ValidString(got) {
				t.Fatalf("title %q is not valid UTF-8", got)
			}
		}
	})
}

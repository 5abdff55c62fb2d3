package annotate

import (
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "£", "££££", "£ 500k", "£2.6bn", "£10–15 million per year", "between £2m and £3m",
	"£230,000.17 This", "GBP 27m or 27 million pounds", "£0.5m non-recurrent", "£000s",
	"14%", "10-15%", "10% to 15%", "40-50 per 100,000", "1.3 million additional people",
	"25,200 virtual beds", "1 in 5 children", "2000 people", "COVID-19 patients",
	"2023/24", "2024-2029", "by Mar. 2026", "by Q3 2024/25", "within 12 months",
	"from 2024 to 2026", "over three years", "£5m a year", "2050-2061", "1990/91",
	"by the end of 2025/26", "99999999999999999999999999%", "£1,,,000", "£.5m", "1.2.3.4",
	"Gypsy, Roma and Traveller", "Black, Asian", "Owner: ICB", "We’ll", "co-produced with residents",
	"\xff\xfe£2m", "£2m\x00", "per cent per cent", "-£5m", "£5m-", "by 2030-", "2023/",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

// checkFuzz: offsets within bounds and on rune boundaries, Text equal to
// the text at the offsets, values finite where set.
func checkFuzz(t *testing.T, s string, as []Annotation) {
	t.Helper()
	for _, a := range as {
		if a.Start < 0 || a.End > len(s) || a.Start >= a.End {
			t.Fatalf("%q: annotation %+v out of bounds", s, a)
		}
		if s[a.Start:a.End] != a.Text {
			t.Fatalf("%q: Text %q but s[%d:%d] = %q", s, a.Text, a.Start, a.End, s[a.Start:a.End])
		}
		if utf8.ValidString(s) && (!utf8.RuneStart(s[a.Start]) || a.End < len(s) && !utf8.RuneStart(s[a.End])) {
			t.Fatalf("%q: annotation %+v splits a character", s, a)
		}
		if a.Value != a.Value || a.Value2 != a.Value2 { // NaN
			t.Fatalf("%q: NaN value in %+v", s, a)
		}
	}
}

func FuzzFindMoney(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		as := FindMoney(s)
		checkFuzz(t, s, as)
		for _, a := range as {
			if a.Kind != Money || a.Value < 0 || a.Value2 != 0 && a.Value2 <= a.Value {
				t.Fatalf("%q: bad money %+v", s, a)
			}
		}
	})
}

func FuzzFindNumbers(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		as := FindNumbers(s)
		checkFuzz(t, s, as)
		for _, a := range as {
			if a.Kind == Count && a.Unit == "" {
				t.Fatalf("%q: count without a unit %+v", s, a)
			}
		}
	})
}

func FuzzFindDates(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		as := FindDates(s)
		checkFuzz(t, s, as)
		for i, a := range as {
			if a.Kind == Year && (a.Value < minYear || a.Value > maxYear) {
				t.Fatalf("%q: implausible year %+v", s, a)
			}
			if i > 0 && as[i-1].End > a.Start {
				t.Fatalf("%q: overlapping dates %+v and %+v", s, as[i-1], a)
			}
		}
	})
}

// FuzzAnnotators runs every annotator over one sentence the way Annotate
// does, including a table row with owner and deadline columns.
func FuzzAnnotators(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkFuzz(t, s, annotateText(newText(s), unit{}))
		for _, fn := range []func(string) []Annotation{FindGroups, FindVCS, FindCommitments, FindEngagement} {
			checkFuzz(t, s, fn(s))
		}
		text, cells := joinCells([]string{"x", s, s})
		u := unit{cells: cells, table: &tableCols{owner: map[int]bool{1: true}, when: map[int]bool{2: true, 9: true}}}
		checkFuzz(t, text, annotateText(newText(text), u))
	})
}

// FuzzNoTime: any paragraph's dates are read without a panic, and a
// no-time mark covers a date inside its sentence.
func FuzzNoTime(f *testing.F) {
	addSeeds(f)
	f.Add("The consultation closes on 30 March 2025 and the Board will approve the final plan on 2 April 2025.")
	f.Add("The consultation closes March 30, 2025; approval on 31 June 2025.")
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range dayDates(s) {
			if d.start < 0 || d.end > len(s) || d.start >= d.end {
				t.Fatalf("%q: date span %d-%d", s, d.start, d.end)
			}
		}
		ss := []Sentence{{Text: s}, {Text: s}}
		markNoTime(ss)
		for _, x := range ss {
			for _, a := range x.Annotations {
				if a.Sub == SubNoTime && (a.Start < 0 || a.End > len(x.Text) || x.Text[a.Start:a.End] != a.Text) {
					t.Fatalf("%q: mark %+v not in its sentence", s, a)
				}
			}
		}
	})
}

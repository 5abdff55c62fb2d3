package agreement

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/rules"
)

const judgementsHeader = "id\tdocument\tcriterion\ttool_score\tsignal\tsignal_meaning\tpage\tsection\tquote\tjudgement\treason\n"

// row builds a judgements row from its eleven fields.
func row(fields ...string) string { return strings.Join(fields, "\t") + "\n" }

func TestReadJudgements(t *testing.T) {
	good := judgementsHeader +
		row("1", "a.pdf", "costed-plans", "2", "costed", "a sum tied to an action", "12", "Money", "We will spend £3m on   clinics.", "yes", "ok") +
		"\n# a comment\n" +
		row("2", "a.pdf", "costed-plans", "2", "vague-money", "money mentioned vaguely", "3", "", "Funding will be sought", "Partly", "fragment: cut before the verb") +
		// not judged yet: skipped
		row("3", "b.md", "vcs-involvement", "1", "sector", "the sector is named", "1", "", "Charities help.", "", "") +
		// the same verdict again, spacing and the reason's words aside: dropped
		row("4", "a.pdf", "costed-plans", "2", "costed", "", "12", "", " We will spend £3m on clinics. ", "yes", "ok: again")
	js, err := ReadJudgements("good.tsv", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 2 {
		t.Fatalf("got %d judgements, want 2: %+v", len(js), js)
	}
	j := js[1]
	if j.Judgement != "partly" || j.Reason != "fragment" || j.ReasonText != "cut before the verb" || j.ToolScore != 2 || j.Page != 3 || j.At() != "good.tsv:5" {
		t.Errorf("second judgement = %+v", j)
	}
	if js[0].Reason != "ok" || js[0].ReasonText != "" || js[0].Line != 2 {
		t.Errorf("first judgement = %+v", js[0])
	}

	ok := row("1", "a.pdf", "costed-plans", "2", "costed", "", "12", "", "We will spend £3m.", "yes", "ok")
	for _, bad := range []struct{ name, in, want string }{
		{"empty", "", "bad.tsv: empty file"},
		{"missing column", strings.Replace(judgementsHeader, "\treason", "", 1), `bad.tsv:1: header lacks the "reason" column`},
		{"bad judgement word", judgementsHeader + ok + row("2", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "Q two.", "maybe", "ok"), `bad.tsv:3: judgement "maybe" is not yes, partly or no`},
		{"bad reason code", judgementsHeader + row("1", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "Q.", "no", "glued: columns"), `bad.tsv:2: reason "glued: columns" does not start with a reason code`},
		{"reason words without code", judgementsHeader + row("1", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "Q.", "no", "fragment glued"), `bad.tsv:2: reason "fragment glued"`},
		{"judgement without reason", judgementsHeader + row("1", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "Q.", "no", ""), `bad.tsv:2: reason ""`},
		{"reason without judgement", judgementsHeader + row("1", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "Q.", "", "ok"), `bad.tsv:2: judgement ""`},
		{"tool score", judgementsHeader + row("1", "a.pdf", "costed-plans", "4", "costed", "", "1", "", "Q.", "no", "ok"), `bad.tsv:2: tool_score "4"`},
		{"page", judgementsHeader + row("1", "a.pdf", "costed-plans", "1", "costed", "", "p1", "", "Q.", "no", "ok"), `bad.tsv:2: page "p1"`},
		{"empty quote", judgementsHeader + row("1", "a.pdf", "costed-plans", "1", "costed", "", "1", "", "", "no", "ok"), "bad.tsv:2: quote is empty"},
		{"short row", judgementsHeader + "1\ta.pdf\tcosted-plans\n", "bad.tsv:2: 3 fields, the header has 11"},
		{"conflicting duplicate", judgementsHeader + ok + "\n" + row("9", "a.pdf", "costed-plans", "2", "costed", "", "12", "", "We  will spend £3m.", "no", "wrong-topic"), "bad.tsv:4: quote judged no (wrong-topic) here and yes (ok) at bad.tsv:2"},
	} {
		_, err := ReadJudgements("bad.tsv", strings.NewReader(bad.in))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want %q", bad.name, err, bad.want)
		}
	}
}

func FuzzReadJudgements(f *testing.F) {
	f.Add(judgementsHeader + row("1", "a.pdf", "costed-plans", "2", "costed", "", "12", "", "We will spend £3m.", "yes", "ok"))
	f.Add(judgementsHeader + row("1", "a.pdf", "c", "0", "s", "", "0", "", "q", "no", "fragment: x: y"))
	f.Fuzz(func(t *testing.T, in string) {
		js, err := ReadJudgements("f.tsv", strings.NewReader(in))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		for _, j := range js {
			if !judgementWords[j.Judgement] || !slices.Contains(ReasonCodes, j.Reason) || j.Quote == "" || j.ToolScore < 0 || j.ToolScore > 3 {
				t.Fatalf("bad judgement accepted: %+v", j)
			}
		}
	})
}

func TestMergeJudgements(t *testing.T) {
	read := func(name, in string) []Judgement {
		js, err := ReadJudgements(name, strings.NewReader(judgementsHeader+in))
		if err != nil {
			t.Fatal(err)
		}
		return js
	}
	first := read("first.tsv", row("1", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "We will spend £3m.", "yes", "ok"))
	second := read("second.tsv", row("1", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "We will spend £3m.", "yes", "ok: agreed")+
		row("2", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "Funds were found.", "no", "not-done"))
	js, err := MergeJudgements(first, second)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 2 || js[0].At() != "first.tsv:2" || js[1].At() != "second.tsv:3" {
		t.Errorf("merged = %+v", js)
	}
	third := read("third.tsv", row("7", "a.pdf", "costed-plans", "2", "costed", "", "1", "", "Funds were found.", "partly", "not-done"))
	_, err = MergeJudgements(first, second, third)
	if err == nil || err.Error() != "third.tsv:2: quote judged partly (not-done) here and no (not-done) at second.tsv:3" {
		t.Errorf("conflict: err = %v", err)
	}
}

func TestReadable(t *testing.T) {
	tests := []struct {
		quote string
		want  bool
	}{
		{"We will open three clinics by 2026.", true},
		{"Did we meet our targets this year?", true},
		{"Our priorities are as follows:", true},
		{`He said “we will do better next year.”`, true},
		{"(and we will report on it every year.)", true},
		{"Rates are high.", false},                             // three words
		{"WHERE WE ARE NOW AND NEXT", false},                   // no lowercase: a heading
		{"£30,000 | £30,000 | £60,000 | 33.9%", false},         // figures only
		{"Staffing | Administrator | £11,000 | £22,000", true}, // a table row needs no full stop
		{"the pilot programme aims to increase", false},        // cut
		{"services (see page 4 for details)", false},           // a bracket, but no full stop before it
		{"“There is no indication of how you will fund it”", false},
		{"• Reduce smoking in pregnancy across the county", true},
		{"- Reduce smoking in pregnancy across the county", true},
		{"1. Reduce smoking in pregnancy across the county", true},
		{"(iv) work with the sector to co-design services", true},
		{"Reduce smoking in pregnancy across the county", false},
		{"  We will open three clinics.  ", true},
		{"", false},
	}
	for _, tc := range tests {
		if got := readable(tc.quote); got != tc.want {
			t.Errorf("readable(%q) = %v, want %v", tc.quote, got, tc.want)
		}
	}
}

func TestReadableUnit(t *testing.T) {
	tests := []struct {
		quote, form string
		want        bool
	}{
		{"Male life expectancy gap: 11.2 years between most and least deprived areas", "item", true},
		{"Reduce smoking in pregnancy across the county", "item", true},
		{"Smoking in pregnancy", "item", false}, // three words
		{"The gaps were: o mental health support o inequalities o transport", "item", false},
		{"Items: Community fund; Year 1: £40,000; Year 2: £25,000", "row", true},
		{"£40,000 | £25,000", "row", false}, // no headers
		{"We will open three clinics by 2026.", "sentence", true},
		{"the pilot programme aims to increase", "sentence", false},
		{"Priorities • housing • transport • jobs.", "sentence", false},
		{"We will open three clinics by 2026.", "", true}, // no form: readable
	}
	for _, tc := range tests {
		if got := readableUnit(tc.quote, tc.form); got != tc.want {
			t.Errorf("readableUnit(%q, %q) = %v, want %v", tc.quote, tc.form, got, tc.want)
		}
	}
}

func TestNormaliseQuote(t *testing.T) {
	if got, want := normaliseQuote(" GP’s  “new”\n\tclinics‘ "), `GP's "new" clinics'`; got != want {
		t.Errorf("normaliseQuote = %q, want %q", got, want)
	}
}

// evidenceFixture is two scored documents and judgements whose counts
// are worked out by hand in TestMeasureEvidence.
func evidenceFixture(t *testing.T) ([]ScoredDocument, []Judgement) {
	t.Helper()
	d1 := &rules.Scorecard{Criteria: []rules.Criterion{
		{ID: "c1", Score: 2, Evidence: []rules.Evidence{
			{Quote: "We will fund three “new” clinics.", Page: 4, Section: "Plan", Signal: "s1"}, // yes, readable
			{Quote: "Rates are high", Page: 5, Signal: "s1"},                                     // no, not readable
			{Quote: "The sector will co-design services with us.", Page: 6, Signal: "s2"},        // unjudged
		}},
		{ID: "c2", Score: 1, Evidence: []rules.Evidence{
			{Quote: "People told us they want more say.", Page: 7, Signal: "s3"}, // partly
			// judged, but for c1/s1, not here: unjudged
			{Quote: "We will fund three “new” clinics.", Page: 4, Signal: "s3"},
		}},
	}}
	d2 := &rules.Scorecard{Criteria: []rules.Criterion{{ID: "c1", Score: 0}}}
	in := judgementsHeader +
		row("1", "d1.pdf", "c1", "2", "s1", "", "4", "", `We will fund three "new"  clinics.`, "yes", "ok") +
		row("2", "d1.pdf", "c1", "2", "s1", "", "5", "", "Rates are high", "no", "fragment: cut") +
		row("3", "d1.pdf", "c2", "1", "s3", "", "7", "", "People told us they want more say.", "partly", "weaker") +
		// no longer printed: stale
		row("4", "d1.pdf", "c1", "2", "s1", "", "9", "", "A quote the scorer no longer prints.", "no", "other-voice") +
		// a document that was not scored
		row("5", "d3.pdf", "c1", "2", "s1", "", "1", "", "Something else entirely here.", "yes", "ok")
	js, err := ReadJudgements("j.tsv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return []ScoredDocument{{Document: "d1.pdf", Card: d1}, {Document: "d2.pdf", Card: d2}}, js
}

func TestMeasureEvidence(t *testing.T) {
	docs, js := evidenceFixture(t)
	rep := MeasureEvidence(docs, js)
	want := EvidenceCounts{Printed: 5, Judged: 3, Yes: 1, Partly: 1, No: 1, Unjudged: 2, Readable: 4,
		YesShare: 0.333, YesOrPartlyShare: 0.667, UnjudgedShare: 0.4, ReadableShare: 0.8}
	if rep.Overall != want {
		t.Errorf("overall = %+v\nwant      %+v", rep.Overall, want)
	}
	for key, want := range map[string]EvidenceCounts{
		"c1": {Printed: 3, Judged: 2, Yes: 1, No: 1, Unjudged: 1, Readable: 2, YesShare: 0.5, YesOrPartlyShare: 0.5, UnjudgedShare: 0.333, ReadableShare: 0.667},
		"c2": {Printed: 2, Judged: 1, Partly: 1, Unjudged: 1, Readable: 2, YesOrPartlyShare: 1, UnjudgedShare: 0.5, ReadableShare: 1},
	} {
		if got := rep.Criteria[key]; got != want {
			t.Errorf("criterion %s = %+v\nwant           %+v", key, got, want)
		}
	}
	for key, want := range map[string]EvidenceCounts{
		"c1/s1": {Printed: 2, Judged: 2, Yes: 1, No: 1, Readable: 1, YesShare: 0.5, YesOrPartlyShare: 0.5, ReadableShare: 0.5},
		"c1/s2": {Printed: 1, Unjudged: 1, Readable: 1, UnjudgedShare: 1, ReadableShare: 1},
		"c2/s3": {Printed: 2, Judged: 1, Partly: 1, Unjudged: 1, Readable: 2, YesOrPartlyShare: 1, UnjudgedShare: 0.5, ReadableShare: 1},
	} {
		if got := rep.Signals[key]; got != want {
			t.Errorf("signal %s = %+v\nwant        %+v", key, got, want)
		}
	}
	// Every quote is d1.pdf's: its half holds them all, the other none.
	other := HalfA
	if Half("d1.pdf") == HalfA {
		other = HalfB
	}
	if got := rep.Halves[Half("d1.pdf")]; got != want {
		t.Errorf("half %s = %+v\nwant     %+v", Half("d1.pdf"), got, want)
	}
	if got, ok := rep.Halves[other]; !ok || got.Printed != 0 {
		t.Errorf("half %s = %+v, %v: want present and empty", other, got, ok)
	}
	if len(rep.Signals) != 3 || len(rep.Criteria) != 2 {
		t.Errorf("%d signals, %d criteria", len(rep.Signals), len(rep.Criteria))
	}
	if len(rep.Reasons) != 2 || rep.Reasons["fragment"] != 1 || rep.Reasons["weaker"] != 1 {
		t.Errorf("reasons = %v", rep.Reasons)
	}
	if rep.Documents != 2 || rep.NotScored != 1 || len(rep.Stale) != 1 || rep.Stale[0].At() != "j.tsv:5" {
		t.Errorf("documents %d, not scored %d, stale %+v", rep.Documents, rep.NotScored, rep.Stale)
	}
	if q := rep.Quotes[0]; q.Judgement != "yes" || q.Reason != "ok" || q.JudgedAt != "j.tsv:2" || q.ToolScore != 2 || q.Page != 4 || q.Section != "Plan" {
		t.Errorf("first quote = %+v", q)
	}

	var out bytes.Buffer
	if err := WriteEvidenceText(&out, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	wantTail := []string{
		"evidence: 5 quotes printed, 3 judged (60%), 2 unjudged (40%)",
		"judged yes: 1 (33%); yes or partly: 2 (67%)",
		"readable units: 4 of 5 (80%)",
		`by reason of "no"/"partly": fragment 1, weaker 1`,
	}
	if got := lines[len(lines)-4:]; strings.Join(got, "\n") != strings.Join(wantTail, "\n") {
		t.Errorf("last four lines:\n%s\nwant:\n%s\n\nwhole output:\n%s", strings.Join(got, "\n"), strings.Join(wantTail, "\n"), out.String())
	}
	if !strings.Contains(out.String(), "\nhalf ") || !strings.Contains(out.String(), "\n"+Half("d1.pdf")+" ("+halfNames[Half("d1.pdf")]+")") {
		t.Errorf("no table by half:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "j.tsv:5") || !strings.Contains(out.String(), "1 judgements are of documents that were not scored") {
		t.Errorf("stale and unscored judgements not reported:\n%s", out.String())
	}

	// Nothing printed at all: shares are n/a, not a division by zero.
	out.Reset()
	if err := WriteEvidenceText(&out, MeasureEvidence(nil, nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "evidence: 0 quotes printed, 0 judged (n/a), 0 unjudged (n/a)\njudged yes: 0 (n/a); yes or partly: 0 (n/a)\nreadable units: 0 of 0 (n/a)\nby reason of \"no\"/\"partly\": none\n") {
		t.Errorf("empty report:\n%s", out.String())
	}
}

// The rows WriteUnjudged writes read back as a judgements file: unjudged
// as they are, and as judgements once filled in.
func TestWriteUnjudged(t *testing.T) {
	docs, js := evidenceFixture(t)
	rep := MeasureEvidence(docs, js)
	rs := &rules.Set{Files: []*rules.File{
		{ID: "c1", Signals: []rules.SignalSpec{{Name: "s2", Description: "the sector co-designs"}}},
		{ID: "c2", Signals: []rules.SignalSpec{{Name: "s3", Description: "what people said"}}},
	}}
	var out bytes.Buffer
	if err := WriteUnjudged(&out, rep, rs); err != nil {
		t.Fatal(err)
	}
	want := judgementsHeader +
		row("1", "d1.pdf", "c1", "2", "s2", "the sector co-designs", "6", "", "The sector will co-design services with us.", "", "") +
		row("2", "d1.pdf", "c2", "1", "s3", "what people said", "4", "", "We will fund three “new” clinics.", "", "")
	if out.String() != want {
		t.Errorf("unjudged file:\n%s\nwant:\n%s", out.String(), want)
	}
	if got, err := ReadJudgements("unjudged.tsv", strings.NewReader(out.String())); err != nil || len(got) != 0 {
		t.Errorf("read back unjudged: %d judgements, err %v", len(got), err)
	}
	filled := strings.Replace(out.String(), "with us.\t\t", "with us.\tyes\tok", 1)
	more, err := ReadJudgements("filled.tsv", strings.NewReader(filled))
	if err != nil || len(more) != 1 {
		t.Fatalf("read back filled in: %+v, err %v", more, err)
	}
	all, err := MergeJudgements(js, more)
	if err != nil {
		t.Fatal(err)
	}
	if got := MeasureEvidence(docs, all).Overall; got.Judged != 4 || got.Unjudged != 1 || got.Yes != 2 {
		t.Errorf("with the filled-in file: %+v", got)
	}
}

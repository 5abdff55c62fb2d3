package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/rules"
	"github.com/nhsreview/nhsreview/rules/agreement"
)

const tinyPlan = `# Tiny Health Plan 2025

## The problem

Smoking rates in Eastmoor are 24%, twice the national rate of 12%, and people in the most deprived areas die nine years earlier.

## What we will do

We will fund a stop smoking service in the most deprived 20% of neighbourhoods, costing £2 million a year for three years from the public health grant.

We will work with the voluntary and community sector through a VCSE alliance that sits on the partnership board.

We held twelve listening events with residents and received 400 survey responses.
`

// evalJSON is eval's JSON with both parts.
type evalJSON struct {
	agreement.Report
	Evidence *agreement.EvidenceReport `json:"evidence"`
}

func lastLines(s string, n int) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) < n {
		return lines
	}
	return lines[len(lines)-n:]
}

// TestEvalEvidence runs eval --evidence over two generated documents, in
// different halves, with judgements written from the quotes the scorer
// prints for them now, so that the test does not depend on which
// quotes the rules choose.
func TestEvalEvidence(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	if err := os.Mkdir(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	// tiny-plan.md is in half B (sha256 starts with c), other-plan.md in
	// half A (5).
	for _, name := range []string{"tiny-plan.md", "other-plan.md"} {
		if err := os.WriteFile(filepath.Join(docs, name), []byte(tinyPlan), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if agreement.Half("tiny-plan.md") != agreement.HalfB || agreement.Half("other-plan.md") != agreement.HalfA {
		t.Fatal("the fixture's documents are not in the halves the test expects")
	}
	out, stderr, code := runCLI(t, "score", "-f", "json", filepath.Join(docs, "tiny-plan.md"))
	if code != exitOK {
		t.Fatalf("score: exit %d: %s", code, stderr)
	}
	var card rules.Scorecard
	if err := json.Unmarshal([]byte(out), &card); err != nil {
		t.Fatal(err)
	}
	type quote struct {
		criterion, signal, text string
		score                   int
	}
	var quotes []quote
	for _, c := range card.Criteria {
		for _, e := range c.Evidence {
			quotes = append(quotes, quote{c.ID, e.Signal, e.Quote, c.Score})
		}
	}
	if len(quotes) < 2 {
		t.Fatalf("the tiny plan has %d evidence quotes; the test needs 2", len(quotes))
	}
	n := len(quotes) // printed per document
	header := "id\tdocument\tcriterion\ttool_score\tsignal\tsignal_meaning\tpage\tsection\tquote\tjudgement\treason\n"
	judge := func(id int, doc string, q quote, quoteText, verdict, reason string) string {
		return fmt.Sprintf("%d\t%s\t%s\t%d\t%s\t\t1\t\t%s\t%s\t%s\n", id, doc, q.criterion, q.score, q.signal, quoteText, verdict, reason)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	j1 := write("j1.tsv", header+
		// spacing changed: still the same quote
		judge(1, "tiny-plan.md", quotes[0], "  "+strings.ReplaceAll(quotes[0].text, " ", "  "), "yes", "ok")+
		judge(2, "tiny-plan.md", quotes[1], quotes[1].text, "no", "fragment: cut"))
	j2 := write("j2.tsv", header+
		judge(1, "tiny-plan.md", quotes[0], quotes[0].text, "yes", "ok")+ // agrees with j1: fine
		judge(2, "other-plan.md", quotes[0], quotes[0].text, "partly", "weaker"))

	unjudged := filepath.Join(dir, "unjudged.tsv")
	out, stderr, code = runCLI(t, "eval", "--docs", docs, "--evidence", j1, "--evidence", j2, "--unjudged", unjudged)
	if code != exitOK {
		t.Fatalf("eval --evidence: exit %d: %s", code, stderr)
	}
	want := []string{
		// shares are rounded half away from zero (62.5% is 63%)
		fmt.Sprintf("evidence: %d quotes printed, 3 judged (%.0f%%), %d unjudged (%.0f%%)", 2*n, math.Round(300/float64(2*n)), 2*n-3, math.Round(100*float64(2*n-3)/float64(2*n))),
		"judged yes: 1 (33%); yes or partly: 2 (67%)",
	}
	got := lastLines(out, 4)
	if got[0] != want[0] || got[1] != want[1] || !strings.HasPrefix(got[2], "readable units: ") || got[3] != `by reason of "no"/"partly": fragment 1, weaker 1` {
		t.Errorf("last four lines:\n%s\nwant to start:\n%s\n\nwhole output:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), out)
	}
	if strings.Contains(out, "qwk") {
		t.Errorf("no --labels, yet an agreement table:\n%s", out)
	}

	// --unjudged holds the rest, in the judgements format, and reads
	// back; no temporary file is left behind.
	data, err := os.ReadFile(unjudged)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := agreement.ReadJudgements(unjudged, strings.NewReader(string(data)))
	if err != nil || len(rows) != 0 {
		t.Fatalf("read back --unjudged: %d judgements, %v", len(rows), err)
	}
	if lines := strings.Count(string(data), "\n"); lines != 1+2*n-3 {
		t.Errorf("--unjudged has %d lines, want a header and %d rows:\n%s", lines, 2*n-3, data)
	}
	if !strings.HasPrefix(string(data), header) || strings.Contains(string(data), "\t"+quotes[0].text+"\t") && strings.Contains(string(data), "tiny-plan.md\t"+quotes[0].criterion+"\t"+fmt.Sprint(quotes[0].score)+"\t"+quotes[0].signal+"\t") {
		t.Errorf("--unjudged lists a judged quote or lacks the header:\n%s", data)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".unjudged.tsv.*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}

	// JSON: the whole evidence report, no agreement fields without labels.
	out, stderr, code = runCLI(t, "eval", "--docs", docs, "--evidence", j1, "--evidence", j2, "-f", "json")
	if code != exitOK {
		t.Fatalf("eval -f json: exit %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["overall"]; ok || raw["evidence"] == nil {
		t.Errorf("JSON keys without --labels: %s", out[:min(len(out), 300)])
	}
	var ev agreement.EvidenceReport
	if err := json.Unmarshal(raw["evidence"], &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Documents != 2 || ev.Overall.Printed != 2*n || ev.Overall.Judged != 3 || len(ev.Quotes) != 2*n || ev.Overall.Yes != 1 || ev.Overall.Partly != 1 || ev.Overall.No != 1 {
		t.Errorf("evidence JSON: %+v", ev.Overall)
	}

	// --half restricts the documents and the judgements.
	for _, tc := range []struct{ half, yesOrPartly string }{{"A", "judged yes: 0 (0%); yes or partly: 1 (100%)"}, {"B", "judged yes: 1 (50%); yes or partly: 1 (50%)"}} {
		out, stderr, code = runCLI(t, "eval", "--docs", docs, "--evidence", j1, "--evidence", j2, "--half", tc.half)
		if code != exitOK {
			t.Fatalf("--half %s: exit %d: %s", tc.half, code, stderr)
		}
		if got := lastLines(out, 4); !strings.HasPrefix(got[0], fmt.Sprintf("evidence: %d quotes printed, ", n)) || got[1] != tc.yesOrPartly {
			t.Errorf("--half %s:\n%s", tc.half, strings.Join(got, "\n"))
		}
	}

	// With --labels: the agreement report first, with the halves, then
	// the evidence report, whose summary stays last.
	labels := write("labels.tsv", "document\tcriterion\tscore\tpages\tevidence\tnote\n"+
		"tiny-plan.md\tproblem-analysis\t2\t\t\t\n"+
		"other-plan.md\tproblem-analysis\t2\t\t\t\n")
	out, stderr, code = runCLI(t, "eval", "--labels", labels, "--docs", docs, "--evidence", j1, "--evidence", j2)
	if code != exitOK {
		t.Fatalf("eval --labels --evidence: exit %d: %s", code, stderr)
	}
	for _, s := range []string{"half A (development): 1 documents", "half B (check): 1 documents", "confusion matrix", "evidence quotes of 2 documents"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if strings.Index(out, "confusion matrix") > strings.Index(out, "evidence quotes of") {
		t.Errorf("evidence report before the agreement report:\n%s", out)
	}
	if got := lastLines(out, 4); got[0] != want[0] {
		t.Errorf("with --labels, last four lines:\n%s", strings.Join(got, "\n"))
	}
	out, _, _ = runCLI(t, "eval", "--labels", labels, "--docs", docs, "--evidence", j1, "-f", "json")
	var both evalJSON
	if err := json.Unmarshal([]byte(out), &both); err != nil {
		t.Fatal(err)
	}
	if both.Overall.N != 2 || both.Halves["A"].Documents != 1 || both.Halves["B"].Documents != 1 || both.Evidence == nil || both.Evidence.Overall.Judged != 2 {
		t.Errorf("JSON with --labels and --evidence: overall %+v, halves %+v, evidence %+v", both.Overall, both.Halves, both.Evidence)
	}

	// A quote judged differently in two files: an error naming both.
	j3 := write("j3.tsv", header+"\n"+judge(7, "tiny-plan.md", quotes[1], quotes[1].text, "yes", "ok"))
	_, stderr, code = runCLI(t, "eval", "--docs", docs, "--evidence", j1, "--evidence", j3)
	if code != exitFailure || !strings.Contains(stderr, j3+":3: quote judged yes (ok) here and no (fragment) at "+j1+":3") {
		t.Errorf("conflict: exit %d, stderr %q", code, stderr)
	}

	// A judged document missing under --docs: named once, exit 2, the
	// others still measured.
	j4 := write("j4.tsv", header+
		judge(1, "missing.md", quotes[0], quotes[0].text, "yes", "ok")+
		judge(2, "missing.md", quotes[1], quotes[1].text, "no", "fragment"))
	out, stderr, code = runCLI(t, "eval", "--docs", docs, "--evidence", j1, "--evidence", j4)
	if code != exitFailure {
		t.Errorf("missing document: exit %d, want %d", code, exitFailure)
	}
	if strings.Count(stderr, "missing.md: not found under") != 1 || !strings.Contains(stderr, "(judged at "+j4+":2)") {
		t.Errorf("missing document: stderr %q", stderr)
	}
	if got := lastLines(out, 4); !strings.HasPrefix(got[0], fmt.Sprintf("evidence: %d quotes printed, 2 judged", n)) {
		t.Errorf("missing document: the others are not measured:\n%s", out)
	}

	// Usage.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "--docs", docs}, "--docs is required, with --labels or --evidence"},
		{[]string{"eval", "--evidence", j1}, "--docs is required"},
		{[]string{"eval", "--docs", docs, "--evidence", j1, "--half", "C"}, `--half "C": use A or B`},
		{[]string{"eval", "--docs", docs, "--evidence", filepath.Join(dir, "nope.tsv")}, "--evidence: open"},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if code != exitFailure || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// On the shared corpus, the evidence report adds up: every printed quote
// is judged or not, and the rows by criterion and by signal sum to the
// overall figures. Precision itself is not asserted: the rules change.
func TestEvalEvidenceShared(t *testing.T) {
	evidence := sharedcorpus.Require(t, "eval", "evidence-dev.tsv")
	corpus := sharedcorpus.Require(t, "corpus")
	out, stderr, code := runCLI(t, "eval", "--docs", corpus, "--evidence", evidence, "-f", "json")
	if code != exitOK {
		t.Fatalf("eval --evidence: exit %d: %s", code, stderr)
	}
	var rep evalJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	ev := rep.Evidence
	if ev == nil {
		t.Fatal("no evidence report in the JSON")
	}
	o := ev.Overall
	t.Logf("%d documents: %d printed, %d judged, %d yes, %d partly, %d no, %d readable; %d stale judgements",
		ev.Documents, o.Printed, o.Judged, o.Yes, o.Partly, o.No, o.Readable, len(ev.Stale))
	if o.Printed == 0 || ev.Documents == 0 {
		t.Fatalf("nothing measured: %+v", o)
	}
	check := func(name string, c agreement.EvidenceCounts) {
		if c.Judged+c.Unjudged != c.Printed || c.Yes+c.Partly+c.No != c.Judged || c.Readable > c.Printed {
			t.Errorf("%s does not add up: %+v", name, c)
		}
	}
	check("overall", o)
	sum := func(rows map[string]agreement.EvidenceCounts) agreement.EvidenceCounts {
		var s agreement.EvidenceCounts
		for name, c := range rows {
			check(name, c)
			s.Printed += c.Printed
			s.Judged += c.Judged
			s.Yes += c.Yes
			s.Partly += c.Partly
			s.No += c.No
			s.Unjudged += c.Unjudged
			s.Readable += c.Readable
		}
		s.YesShare, s.YesOrPartlyShare, s.UnjudgedShare, s.ReadableShare = o.YesShare, o.YesOrPartlyShare, o.UnjudgedShare, o.ReadableShare
		return s
	}
	if s := sum(ev.Criteria); s != o {
		t.Errorf("criteria add up to %+v, overall is %+v", s, o)
	}
	if s := sum(ev.Signals); s != o {
		t.Errorf("signals add up to %+v, overall is %+v", s, o)
	}
	if len(ev.Quotes) != o.Printed {
		t.Errorf("%d quotes listed, %d printed", len(ev.Quotes), o.Printed)
	}
	reasons := 0
	for _, n := range ev.Reasons {
		reasons += n
	}
	if reasons != o.Partly+o.No {
		t.Errorf("%d reasons for %d quotes judged partly or no", reasons, o.Partly+o.No)
	}
	// Every judgement is either matched, stale or of an unscored document.
	f, err := os.Open(evidence)
	if err != nil {
		t.Fatal(err)
	}
	js, err := agreement.ReadJudgements(evidence, f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if o.Judged+len(ev.Stale)+ev.NotScored < len(js) {
		t.Errorf("%d judgements read, but %d matched + %d stale + %d not scored", len(js), o.Judged, len(ev.Stale), ev.NotScored)
	}
}

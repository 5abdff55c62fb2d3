package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/rules"
)

// The cards in testdata/cards are frozen scorecards: the sample and two
// versions of a small fictional strategy as scored when they were written,
// and a hostile card (markup, Markdown and formulas in every text field,
// long texts, many warnings and flags) that no rule change can alter.
func loadCard(t testing.TB, name string) *rules.Scorecard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "cards", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var c rules.Scorecard
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &c
}

// goldenFile checks got against testdata/golden/NAME.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name), got)
}

func render(t testing.TB, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func cards(t testing.TB, names ...string) []*rules.Scorecard {
	var out []*rules.Scorecard
	for _, n := range names {
		out = append(out, loadCard(t, n))
	}
	return out
}

func diffOf(t testing.TB) *Diff {
	old, cur := loadCard(t, "westbrook-2024"), loadCard(t, "westbrook-2025")
	// As the CLI would say from the documents: the one passage kept in
	// the text but dropped from the evidence.
	inNew := func(q string) bool { return strings.Contains(q, "Emergency admissions for asthma") }
	return NewDiff(old, cur, DiffOptions{InOld: func(string) bool { return false }, InNew: inNew})
}

// Every format of every report is pinned by a golden file.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(*bytes.Buffer) error
	}{
		{"sample.txt", func(b *bytes.Buffer) error { return Text(b, cards(t, "sample"), Options{}) }},
		{"sample.color.txt", func(b *bytes.Buffer) error { return Text(b, cards(t, "sample"), Options{Color: true}) }},
		{"sample.md", func(b *bytes.Buffer) error { return Markdown(b, cards(t, "sample")) }},
		{"sample.html", func(b *bytes.Buffer) error { return HTML(b, cards(t, "sample")) }},
		{"sample.json", func(b *bytes.Buffer) error { return JSON(b, cards(t, "sample")) }},
		{"sample.csv", func(b *bytes.Buffer) error { return CSV(b, cards(t, "sample")) }},
		{"hostile.txt", func(b *bytes.Buffer) error { return Text(b, cards(t, "hostile"), Options{}) }},
		{"hostile.md", func(b *bytes.Buffer) error { return Markdown(b, cards(t, "hostile")) }},
		{"hostile.html", func(b *bytes.Buffer) error { return HTML(b, cards(t, "hostile")) }},
		{"hostile.csv", func(b *bytes.Buffer) error { return CSV(b, cards(t, "hostile")) }},
		{"two.json", func(b *bytes.Buffer) error { return JSON(b, cards(t, "westbrook-2024", "westbrook-2025")) }},
		{"compare.txt", func(b *bytes.Buffer) error {
			return Compare(b, FormatText, cards(t, "sample", "westbrook-2024", "westbrook-2025", "hostile"), Options{})
		}},
		{"compare.md", func(b *bytes.Buffer) error {
			return Compare(b, FormatMarkdown, cards(t, "sample", "westbrook-2024", "westbrook-2025", "hostile"), Options{})
		}},
		{"compare.html", func(b *bytes.Buffer) error {
			return Compare(b, FormatHTML, cards(t, "sample", "westbrook-2024", "westbrook-2025", "hostile"), Options{})
		}},
		{"compare.csv", func(b *bytes.Buffer) error {
			return Compare(b, FormatCSV, cards(t, "sample", "westbrook-2024", "westbrook-2025", "hostile"), Options{})
		}},
		{"diff.txt", func(b *bytes.Buffer) error { return WriteDiff(b, FormatText, diffOf(t), Options{}) }},
		{"diff.color.txt", func(b *bytes.Buffer) error { return WriteDiff(b, FormatText, diffOf(t), Options{Color: true}) }},
		{"diff.md", func(b *bytes.Buffer) error { return WriteDiff(b, FormatMarkdown, diffOf(t), Options{}) }},
		{"diff.html", func(b *bytes.Buffer) error { return WriteDiff(b, FormatHTML, diffOf(t), Options{}) }},
		{"diff.json", func(b *bytes.Buffer) error { return WriteDiff(b, FormatJSON, diffOf(t), Options{}) }},
	} {
		t.Run(tc.name, func(t *testing.T) { goldenFile(t, tc.name, render(t, tc.f)) })
	}
}

func TestText(t *testing.T) {
	out := string(render(t, func(b *bytes.Buffer) error { return Text(b, []*rules.Scorecard{card(2)}, Options{}) }))
	for _, want := range []string{
		"A plan\nplan.pdf · pdf · 3 pages · 1,234 words · rules abababababab\n",
		"  Costed plans         ██░ 2/3  Sums are tied to actions.\n",
		"Costed plans: 2/3\n",
		"  - p. 2, Money [costed]\n    “We will invest £2m in nurses.”\n",
		"To reach 3:\n  - Say over what period.\n",
		"Questions to ask:\n  ? Is this new money?\n",
		"Red flags:\n  ! A headline sum has no period. (Costed plans)\n",
		"p. 2  £2m ÷ 40 nurses is about £50,000 per nurse (computed by nhsreview)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// Red flags come right after the scores, before the criteria's details.
	if i, j := strings.Index(out, "Red flags:"), strings.Index(out, "Costed plans: 2/3"); i < 0 || j < 0 || i > j {
		t.Errorf("red flags at %d, after the criterion's details at %d", i, j)
	}
	if strings.Contains(out, "\x1b") {
		t.Error("plain text has escape codes")
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour changes how the text looks, never what it says: without its
// escape codes, the coloured report is the plain one.
func TestColorOnlyAddsEscapes(t *testing.T) {
	for _, name := range []string{"sample", "hostile", "westbrook-2025"} {
		cs := cards(t, name)
		plain := render(t, func(b *bytes.Buffer) error { return Text(b, cs, Options{}) })
		color := render(t, func(b *bytes.Buffer) error { return Text(b, cs, Options{Color: true}) })
		if !bytes.Contains(color, []byte("\x1b[")) {
			t.Errorf("%s: no colour", name)
		}
		if got := ansi.ReplaceAll(color, nil); !bytes.Equal(got, plain) {
			t.Errorf("%s: coloured text differs from plain text beyond escape codes", name)
		}
	}
	d := diffOf(t)
	plain := render(t, func(b *bytes.Buffer) error { return d.Text(b, Options{}) })
	color := render(t, func(b *bytes.Buffer) error { return d.Text(b, Options{Color: true}) })
	if !bytes.Equal(ansi.ReplaceAll(color, nil), plain) {
		t.Error("coloured diff differs from plain diff beyond escape codes")
	}
	cmp := NewComparison(cards(t, "sample", "hostile"))
	plain = render(t, func(b *bytes.Buffer) error { return cmp.Text(b, Options{}) })
	color = render(t, func(b *bytes.Buffer) error { return cmp.Text(b, Options{Color: true}) })
	if !bytes.Equal(ansi.ReplaceAll(color, nil), plain) {
		t.Error("coloured comparison differs from plain comparison beyond escape codes")
	}
}

func card(score int) *rules.Scorecard {
	return &rules.Scorecard{
		SchemaVersion: 1,
		Tool:          rules.Tool{Name: "nhsreview", Version: "test", RulesVersion: strings.Repeat("ab", 32)},
		Document:      rules.DocInfo{Source: "plan.pdf", Title: "A plan", Format: "pdf", Pages: 3, Words: 1234, SHA256: strings.Repeat("0f", 32)},
		Criteria: []rules.Criterion{{
			ID: "costed-plans", Name: "Costed plans", Score: score, Max: 3, Summary: "Sums are tied to actions. Basics are missing.",
			Evidence:  []rules.Evidence{{Quote: "We will invest £2m in nurses.", Page: 2, Section: "Money", Signal: "costed"}},
			Gaps:      []string{"Say over what period."},
			Questions: []string{"Is this new money?"},
			RedFlags:  []string{"A headline sum has no period."},
		}},
		Facts: []rules.Fact{{Kind: "money", Text: "£2m", Value: 2e6, Page: 2}, {Kind: "per-head", Text: "£2m ÷ 40 nurses", Computed: true, Note: "£2m ÷ 40 nurses is about £50,000 per nurse", Page: 2}},
	}
}

func TestJSON(t *testing.T) {
	one := render(t, func(b *bytes.Buffer) error { return JSON(b, []*rules.Scorecard{card(1)}) })
	two := render(t, func(b *bytes.Buffer) error { return JSON(b, []*rules.Scorecard{card(1), card(3)}) })
	none := render(t, func(b *bytes.Buffer) error { return JSON(b, nil) })
	var obj map[string]any
	var arr []map[string]any
	if err := json.Unmarshal(one, &obj); err != nil || obj["schema_version"] != 1.0 {
		t.Errorf("one source is an object: %v %v", err, obj)
	}
	if err := json.Unmarshal(two, &arr); err != nil || len(arr) != 2 {
		t.Errorf("several sources are an array: %v", err)
	}
	if strings.TrimSpace(string(none)) != "[]" {
		t.Errorf("no sources: %q, want []", none)
	}
	if bytes.Contains(one, []byte(`\u00a3`)) {
		t.Error("£ escaped in JSON")
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in      string
		allowed []Format
		want    Format
		err     string
	}{
		{"text", ScorecardFormats, FormatText, ""},
		{"MD", ScorecardFormats, FormatMarkdown, ""},
		{"markdown", DiffFormats, FormatMarkdown, ""},
		{"csv", ScorecardFormats, FormatCSV, ""},
		{"json", ComparisonFormats, "", `unknown format "json": use text, md, html or csv`},
		{"csv", DiffFormats, "", `unknown format "csv": use text, md, html or json`},
		{"xml", ScorecardFormats, "", `unknown format "xml": use text, md, html, json or csv`},
	} {
		got, err := ParseFormat(tc.in, tc.allowed)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.in, got, err, tc.want)
		}
	}
	var b bytes.Buffer
	if err := Scorecards(&b, "xml", nil, Options{}); err == nil {
		t.Error("Scorecards accepted an unknown format")
	}
	if err := Compare(&b, FormatJSON, nil, Options{}); err == nil {
		t.Error("Compare accepted json")
	}
	if err := WriteDiff(&b, FormatCSV, diffOf(t), Options{}); err == nil {
		t.Error("WriteDiff accepted csv")
	}
}

// CSV reads back, field for field, with the RFC 4180 reader; the column
// order is fixed; text that a spreadsheet would run as a formula is
// defused.
func TestCSV(t *testing.T) {
	cs := cards(t, "sample", "hostile")
	out := render(t, func(b *bytes.Buffer) error { return CSV(b, cs) })
	if !bytes.Contains(out, []byte("\r\n")) || bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) {
		t.Error("line ends are not CRLF throughout")
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "document,title,sha256,criterion,score,evidence_count,first_evidence_page,rules_version,max,red_flags,status,reason,red_flag_text" {
		t.Errorf("header %s", got)
	}
	if len(rows) != 1+10 {
		t.Fatalf("%d rows, want 1 + 5 criteria x 2 documents", len(rows))
	}
	h := loadCard(t, "hostile")
	for i, cr := range h.Criteria {
		row := rows[6+i]
		if row[0] != h.Document.Source || row[1] != "'"+h.Document.Title || row[3] != cr.ID {
			t.Errorf("row %d: %q", i, row[:4])
		}
		// the hostile card quotes pages 3+i, 10+i and 17+i, none for a 0
		wantFirst := ""
		if len(cr.Evidence) > 0 {
			wantFirst = strconv.Itoa(3 + i)
		}
		if row[6] != wantFirst {
			t.Errorf("%s: first evidence page %q, want %q", cr.ID, row[6], wantFirst)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"=SUM(A1)", "'=SUM(A1)"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@x", "'@x"}, {"\tx", "'\tx"}, {"plan.pdf", "plan.pdf"}, {"", ""},
	} {
		if got := csvCell(tc.in); got != tc.want {
			t.Errorf("csvCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdownEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, £12m.", "plain text, £12m."},
		{"*bold* _it_", `\*bold\* \_it\_`},
		{"[a](http://x)", `\[a\](http://x)`},
		{"a | b", `a \| b`},
		{"<script>", `\<script>`},
		{"# heading", `\# heading`},
		{"- item", `\- item`},
		{"> quote", `\> quote`},
		{"1. Introduction", `1\. Introduction`},
		{"12) twelve", `12\) twelve`},
		{"1.2% of characters", "1.2% of characters"},
		{"2.", `2\.`},
		{"1234567890. ten digits", "1234567890. ten digits"},
		{"2024 plan. Next", "2024 plan. Next"},
		{"A&E and &amp; and &#60;", `A&E and \&amp; and \&#60;`},
		{"line\nbreak", "line break"},
		{"back\\slash `code`", "back\\\\slash \\`code\\`"},
		{"1 > 0", "1 > 0"},
	} {
		if got := mdEscape(tc.in); got != tc.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// mdUnescape undoes CommonMark backslash escapes (a backslash before ASCII
// punctuation stands for that character).
func mdUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Whatever the text, Markdown reads it back as the same words, and no
// syntax character is left unescaped.
func FuzzMarkdownEscape(f *testing.F) {
	for _, s := range []string{"*a*", "# x", "1. y", "a\\*b", "&lt;", "[x](y)", "`c`", "- z", "\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := mdEscape(s)
		if want := strings.Join(strings.Fields(s), " "); mdUnescape(got) != want {
			t.Fatalf("mdEscape(%q) = %q reads back as %q", s, got, mdUnescape(got))
		}
		for i := 0; i < len(got); i++ {
			if got[i] == '\\' {
				i++
				continue
			}
			if strings.IndexByte(mdSpecial, got[i]) >= 0 {
				t.Fatalf("mdEscape(%q) = %q: %q unescaped at %d", s, got, got[i], i)
			}
		}
	})
}

func TestComparison(t *testing.T) {
	a := card(1)
	b := card(3)
	b.Tool.RulesVersion = strings.Repeat("cd", 32)
	b.Criteria = append(b.Criteria, rules.Criterion{ID: "extra", Name: "Extra criterion", Score: 2, Max: 3})
	b.Document.Source = "https://example.nhs.uk/b.pdf"
	cmp := NewComparison([]*rules.Scorecard{a, b})
	if len(cmp.Criteria) != 2 || cmp.Criteria[1].ID != "extra" {
		t.Fatalf("criteria %+v", cmp.Criteria)
	}
	if got := cmp.Rows[0].Scores; got[0] != 1 || got[1] != -1 {
		t.Errorf("row 1 scores %v, want [1 -1]", got)
	}
	if r := cmp.Rows[1]; r.Total != 5 || r.Max != 6 || r.RedFlags != 1 {
		t.Errorf("row 2 %+v", r)
	}
	txt := string(render(t, func(w *bytes.Buffer) error { return cmp.Text(w, Options{}) }))
	if !strings.Contains(txt, "different rules (abababababab, cdcdcdcdcdcd)") || !strings.Contains(txt, "–") {
		t.Errorf("text lacks the mixed-rules warning or the missing mark:\n%s", txt)
	}
	rows, err := csv.NewReader(bytes.NewReader(render(t, func(w *bytes.Buffer) error { return cmp.CSV(w) }))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "document,title,sha256,rules_version,costed-plans,extra,total,max,red_flags,status,reason,red_flag_text" {
		t.Errorf("header %s", got)
	}
	if got := strings.Join(rows[1][4:11], ","); got != "1,,1,3,1,scored," {
		t.Errorf("row 1 %s, want an empty cell where not scored", got)
	}
	if got := strings.Join(rows[2][4:11], ","); got != "3,2,5,6,1,scored," {
		t.Errorf("row 2 %s", got)
	}
	md := string(render(t, func(w *bytes.Buffer) error { return cmp.Markdown(w) }))
	if !strings.Contains(md, "| 1 | A plan | █░░ 1 | – | 1/3 | 1 |") {
		t.Errorf("markdown row:\n%s", md)
	}
}

func TestDiff(t *testing.T) {
	old := card(1)
	cur := card(2)
	old.Criteria[0].Evidence = []rules.Evidence{
		{Quote: "Kept  passage.", Page: 2, Signal: "a"},
		{Quote: "Dropped from the list.", Page: 3, Signal: "a"},
		{Quote: "Deleted passage.", Page: 4, Signal: "a"},
	}
	cur.Criteria[0].Evidence = []rules.Evidence{
		{Quote: "Kept passage.", Page: 5, Signal: "a"}, // moved and re-wrapped: the same
		{Quote: "New passage.", Page: 6, Signal: "b"},
		{Quote: "Old text, newly quoted.", Page: 7, Signal: "b"},
	}
	old.Criteria[0].RedFlags = []string{"A sum has no period. (page 3: “We will invest £2m.”)", "Gone flag."}
	cur.Criteria[0].RedFlags = []string{"A sum has no period. (page 9: “We will invest £3m.”)", "New flag."}
	old.Criteria = append(old.Criteria, rules.Criterion{ID: "only-old", Name: "Only old", Score: 2, Max: 3})
	inOld := func(q string) bool { return q == "Old text, newly quoted." }
	inNew := func(q string) bool { return q == "Dropped from the list." }
	d := NewDiff(old, cur, DiffOptions{InOld: inOld, InNew: inNew})
	if len(d.Criteria) != 2 {
		t.Fatalf("%d criteria, want 2", len(d.Criteria))
	}
	c := d.Criteria[0]
	if *c.Score.Old != 1 || *c.Score.New != 2 || c.Score.Change != 1 || c.EvidenceKept != 1 {
		t.Errorf("score %+v kept %d", c.Score, c.EvidenceKept)
	}
	quotes := func(ev []EvidenceChange) (out []string) {
		for _, e := range ev {
			s := e.Quote
			if e.InOtherVersion != nil && *e.InOtherVersion {
				s += " (other)"
			}
			out = append(out, s)
		}
		return out
	}
	if got := strings.Join(quotes(c.EvidenceAdded), "|"); got != "New passage.|Old text, newly quoted. (other)" {
		t.Errorf("added %s", got)
	}
	if got := strings.Join(quotes(c.EvidenceRemoved), "|"); got != "Dropped from the list. (other)|Deleted passage." {
		t.Errorf("removed %s", got)
	}
	if strings.Join(c.NewRedFlags, "|") != "New flag." || strings.Join(c.ResolvedRedFlags, "|") != "Gone flag." {
		t.Errorf("flags new %q resolved %q (a flag with another example is the same flag)", c.NewRedFlags, c.ResolvedRedFlags)
	}
	o := d.Criteria[1]
	if o.ID != "only-old" || o.Score.New != nil || *o.Score.Old != 2 || o.Score.Change != -2 || !o.Changed() {
		t.Errorf("criterion only in the old version: %+v", o)
	}
	if *d.Total.Old != 3 || *d.Total.New != 2 || d.Total.Change != -1 || !d.SameRules {
		t.Errorf("total %+v same rules %v", d.Total, d.SameRules)
	}
	same := NewDiff(card(2), card(2), DiffOptions{})
	if same.Criteria[0].Changed() {
		t.Error("identical scorecards differ")
	}
	txt := string(render(t, func(w *bytes.Buffer) error { return same.Text(w, Options{}) }))
	if !strings.Contains(txt, "1 criterion unchanged") {
		t.Errorf("unchanged diff:\n%s", txt)
	}
	if e := same.Criteria[0].EvidenceAdded; e == nil {
		t.Error("evidence_added is null, want []")
	}
}

func csvRead(b []byte) ([][]string, error) {
	return csv.NewReader(bytes.NewReader(b)).ReadAll()
}

// Rendering cost of each scorecard format for the sample (a small part of
// a run, which is dominated by reading and scoring).
func BenchmarkScorecard(b *testing.B) {
	cs := cards(b, "sample")
	for _, f := range ScorecardFormats {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Scorecards(io.Discard, f, cs, Options{Color: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A comparison of a corpus-sized list (1,000 documents) as HTML, the
// largest page a comparison makes.
func BenchmarkCompareHTML1000(b *testing.B) {
	base := cards(b, "sample", "westbrook-2024", "westbrook-2025", "hostile")
	var cs []*rules.Scorecard
	for i := range 1000 {
		cs = append(cs, base[i%len(base)])
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Compare(io.Discard, FormatHTML, cs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// Control characters in document text (escape sequences that would move
// the cursor or retitle a terminal) never reach the terminal.
func TestTerminalControlsRemoved(t *testing.T) {
	c := card(2)
	c.Document.Title = "Plan\x1b]0;pwned\x07 title"
	c.Criteria[0].Evidence[0].Quote = "We will\x1b[2J invest\u009b31m £2m."
	c.Criteria[0].RedFlags = []string{"flag\x00\x08"}
	c.Facts[0].Text = "£2m\x1b[A"
	check := func(name string, out []byte) {
		t.Helper()
		if rest := ansi.ReplaceAll(out, nil); bytes.ContainsFunc(rest, isControl) {
			t.Errorf("%s: control characters left: %q", name, rest)
		}
		for _, want := range []string{"Plan]0;pwned title", "We will[2J invest31m £2m."} {
			if !bytes.Contains(out, []byte(want)) && name != "compare" && name != "md" {
				t.Errorf("%s: %q not printed", name, want)
			}
		}
	}
	for _, color := range []bool{false, true} {
		check("text", render(t, func(b *bytes.Buffer) error { return Text(b, []*rules.Scorecard{c}, Options{Color: color}) }))
		check("diff", render(t, func(b *bytes.Buffer) error { return NewDiff(card(1), c, DiffOptions{}).Text(b, Options{Color: color}) }))
		check("compare", render(t, func(b *bytes.Buffer) error {
			return Compare(b, FormatText, []*rules.Scorecard{c}, Options{Color: color})
		}))
	}
	check("md", render(t, func(b *bytes.Buffer) error { return Markdown(b, []*rules.Scorecard{c}) }))
	if c.Document.Title != "Plan\x1b]0;pwned\x07 title" {
		t.Error("the scorecard itself was changed")
	}
}

// TestNotScored: a document that could not be judged, and a source that
// could not be read, keep a row in every listing and say so in every
// format, with no score that reads as "found wanting".
func TestNotScored(t *testing.T) {
	good := loadCard(t, "sample")
	scan := loadCard(t, "sample")
	scan.Document.Source, scan.Document.Title = "scan.pdf", ""
	scan.Status, scan.Reason = rules.StatusUnreadable, "almost no text could be read (3 characters a page, 2 words): a scan"
	scan.Criteria, scan.Facts = []rules.Criterion{}, []rules.Fact{}
	broken := rules.Failed("broken.pdf", errors.New("no %PDF header: not a PDF file"))
	cards := []*rules.Scorecard{good, scan, broken}

	rows, err := csv.NewReader(bytes.NewReader(render(t, func(b *bytes.Buffer) error { return CSV(b, cards) }))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+5+1+1 {
		t.Fatalf("%d rows, want a header, 5 criteria of the scored document and one row for each of the others", len(rows))
	}
	for _, r := range rows[6:] {
		if r[3] != "" || r[4] != "" {
			t.Errorf("row %q has a criterion or a score", r)
		}
	}
	if got := rows[6][10] + "|" + rows[7][10]; got != "unreadable|failed" {
		t.Errorf("statuses %s", got)
	}
	if !strings.Contains(rows[7][11], "no %PDF header") {
		t.Errorf("reason %q", rows[7][11])
	}

	cmp := NewComparison(cards)
	wide, err := csv.NewReader(bytes.NewReader(render(t, func(b *bytes.Buffer) error { return cmp.CSV(b) }))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(wide) != 4 {
		t.Fatalf("%d rows in the comparison, want a header and 3 documents", len(wide))
	}
	for _, r := range wide[2:] {
		for _, cell := range r[4:12] {
			if cell != "" {
				t.Errorf("comparison row %q has a score", r)
				break
			}
		}
	}
	txt := string(render(t, func(b *bytes.Buffer) error { return cmp.Text(b, Options{}) }))
	for _, want := range []string{"not scored (unreadable)", "not scored (failed)", "not scored: no %PDF header"} {
		if !strings.Contains(txt, want) {
			t.Errorf("comparison text lacks %q:\n%s", want, txt)
		}
	}
	for name, render1 := range map[string]func(*bytes.Buffer) error{
		"text": func(b *bytes.Buffer) error { return Text(b, cards[1:], Options{}) },
		"md":   func(b *bytes.Buffer) error { return Markdown(b, cards[1:]) },
		"html": func(b *bytes.Buffer) error { return HTML(b, cards[1:]) },
	} {
		out := string(render(t, render1))
		for _, want := range []string{"Not scored: too little text to judge.", "almost no text could be read", "Not scored: the document could not be read."} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		for _, bad := range []string{"0/15", "0/3", "is not mentioned"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s of documents not scored says %q", name, bad)
			}
		}
	}
}

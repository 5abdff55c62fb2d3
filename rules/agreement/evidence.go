package agreement

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// Judgement is one row of an evidence judgements file (RUBRIC.md): a
// reader's verdict on one quote the scorer printed.
type Judgement struct {
	ID            string `json:"id"`
	Document      string `json:"document"`
	Criterion     string `json:"criterion"`
	ToolScore     int    `json:"tool_score"`
	Signal        string `json:"signal"`
	SignalMeaning string `json:"signal_meaning"`
	Page          int    `json:"page"`
	Section       string `json:"section"`
	Quote         string `json:"quote"`
	// Judgement is yes, partly or no.
	Judgement string `json:"judgement"`
	// Reason is the reason code (one of ReasonCodes); ReasonText the words
	// after its colon, if any.
	Reason     string `json:"reason"`
	ReasonText string `json:"reason_text,omitempty"`
	// File and Line say where the row is, for messages.
	File string `json:"file"`
	Line int    `json:"line"`
}

// At is the judgement's place as file:line.
func (j Judgement) At() string { return fmt.Sprintf("%s:%d", j.File, j.Line) }

// judgementColumns are the columns of a judgements file, in the order
// WriteUnjudged writes them.
var judgementColumns = []string{"id", "document", "criterion", "tool_score", "signal", "signal_meaning", "page", "section", "quote", "judgement", "reason"}

// Judgements are one of these words.
var judgementWords = map[string]bool{"yes": true, "partly": true, "no": true}

// ReasonCodes are the reason codes of RUBRIC.md.
var ReasonCodes = []string{"ok", "fragment", "wrong-topic", "other-voice", "not-done", "boilerplate", "weaker"}

// maxJudgements bounds a judgements file: a real one has hundreds of rows.
const maxJudgements = 100000

// ReadJudgements parses a tab-separated judgements file with a header row
// naming every column of RUBRIC.md's format (in any order). name is the
// file's name for errors, which say name:line.
//
// Parsing is strict, because a mistyped verdict would silently move the
// precision figures: every row has as many fields as the header; tool_score
// is 0-3; page is a number; judgement is yes, partly or no; reason is a
// known code, optionally followed by ": words". The one exception is a row
// whose judgement and reason are both empty: it is a quote nobody has
// judged yet (a file written by --unjudged, partly filled in) and is
// skipped. A quote judged twice in the file must be judged the same way
// (see MergeJudgements); the repeat is dropped.
func ReadJudgements(name string, r io.Reader) ([]Judgement, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var rows []Judgement
	var h judgementHeader
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			var err error
			if h, err = readJudgementHeader(name, text); err != nil {
				return nil, err
			}
			continue
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		j, judged, err := h.parse(name, text, line)
		if err != nil {
			return nil, err
		}
		if !judged {
			continue // not judged yet
		}
		rows = append(rows, j)
		if len(rows) > maxJudgements {
			return nil, fmt.Errorf("%s:%d: more than %d judgements", name, line, maxJudgements)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("%s: empty file: no header row", name)
	}
	return MergeJudgements(rows)
}

// judgementHeader is a judgements file's header row: each column's index
// by its lower-case name, and how many columns every row must have.
type judgementHeader struct {
	col   map[string]int
	width int
}

func readJudgementHeader(name, text string) (judgementHeader, error) {
	h := judgementHeader{col: map[string]int{}}
	text = strings.TrimPrefix(text, "\ufeff")
	heads := strings.Split(text, "\t")
	h.width = len(heads)
	for i, c := range heads {
		c = strings.TrimSpace(strings.ToLower(c))
		if _, dup := h.col[c]; dup && c != "" {
			return h, fmt.Errorf("%s:1: header names the %q column twice", name, c)
		}
		h.col[c] = i
	}
	for _, need := range judgementColumns {
		if _, ok := h.col[need]; !ok {
			return h, fmt.Errorf("%s:1: header lacks the %q column", name, need)
		}
	}
	return h, nil
}

// parse reads one row of a judgements file; judged is false for a quote
// nobody has judged yet (judgement and reason both empty).
func (h judgementHeader) parse(name, text string, line int) (j Judgement, judged bool, err error) {
	f := strings.Split(text, "\t")
	if len(f) != h.width {
		return j, false, fmt.Errorf("%s:%d: %d fields, the header has %d", name, line, len(f), h.width)
	}
	get := func(c string) string { return strings.TrimSpace(f[h.col[c]]) }
	j = Judgement{
		ID: get("id"), Document: get("document"), Criterion: get("criterion"),
		Signal: get("signal"), SignalMeaning: get("signal_meaning"), Section: get("section"),
		Quote: get("quote"), Judgement: strings.ToLower(get("judgement")),
		File: name, Line: line,
	}
	reason := get("reason")
	if j.Judgement == "" && reason == "" {
		return j, false, nil
	}
	for _, c := range []struct{ name, val string }{{"document", j.Document}, {"criterion", j.Criterion}, {"signal", j.Signal}, {"quote", j.Quote}} {
		if c.val == "" {
			return j, false, fmt.Errorf("%s:%d: %s is empty", name, line, c.name)
		}
	}
	if !judgementWords[j.Judgement] {
		return j, false, fmt.Errorf("%s:%d: judgement %q is not yes, partly or no", name, line, get("judgement"))
	}
	code, words, _ := strings.Cut(reason, ":")
	j.Reason, j.ReasonText = strings.TrimSpace(code), strings.TrimSpace(words)
	if !slices.Contains(ReasonCodes, j.Reason) {
		return j, false, fmt.Errorf("%s:%d: reason %q does not start with a reason code (%s)", name, line, reason, strings.Join(ReasonCodes, ", "))
	}
	s, err := strconv.Atoi(get("tool_score"))
	if err != nil || s < 0 || s > 3 {
		return j, false, fmt.Errorf("%s:%d: tool_score %q is not 0, 1, 2 or 3", name, line, get("tool_score"))
	}
	j.ToolScore = s
	p, err := strconv.Atoi(get("page"))
	if err != nil || p < 0 || p > 100000 {
		return j, false, fmt.Errorf("%s:%d: page %q is not a page number", name, line, get("page"))
	}
	j.Page = p
	return j, true, nil
}

// MergeJudgements joins judgement lists in order: a later judgement of a
// quote already judged (same document, criterion, signal and normalised
// quote) is dropped when it agrees (same judgement and reason code), and
// is an error naming both places when it does not, since the report could
// only count one of them and choosing silently would hide the dispute.
func MergeJudgements(lists ...[]Judgement) ([]Judgement, error) {
	var out []Judgement
	first := map[evidenceKey]int{}
	for _, list := range lists {
		for _, j := range list {
			k := keyOf(j.Document, j.Criterion, j.Signal, j.Quote)
			if i, ok := first[k]; ok {
				prev := out[i]
				if prev.Judgement != j.Judgement || prev.Reason != j.Reason {
					return nil, fmt.Errorf("%s: quote judged %s (%s) here and %s (%s) at %s", j.At(), j.Judgement, j.Reason, prev.Judgement, prev.Reason, prev.At())
				}
				continue
			}
			first[k] = len(out)
			out = append(out, j)
		}
	}
	return out, nil
}

// evidenceKey is what makes a printed quote and a judgement the same.
// Page and section are left out: they describe where the quote is, and a
// reader's verdict on the words does not change when a reader fix moves
// them.
type evidenceKey struct{ document, criterion, signal, quote string }

func keyOf(document, criterion, signal, quote string) evidenceKey {
	return evidenceKey{document, criterion, signal, normaliseQuote(quote)}
}

// straightQuotes maps typographic quotes and apostrophes to straight ones:
// judgement files pass through editors and spreadsheets that change them.
var straightQuotes = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`,
)

// normaliseQuote is the form in which quotes are compared: whitespace
// runs folded to one space, ends trimmed, curly quotes and apostrophes
// straight.
func normaliseQuote(q string) string {
	return straightQuotes.Replace(textclean.Fold(q))
}

// listItem matches the start of a list item: a bullet, or a number,
// letter or roman numeral followed by "." or ")".
var listItem = lazyre.New(`^(?:[•●◦▪■□‣⁃∙·*❱➢►▶✓✔–—-]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)])\s`)

// readable reports whether a printed quote reads as a unit a person can
// take in on its own. It is a rough measure for the evidence report, not
// a filter: a quote is not readable when it has fewer than 4 words (tokens
// with a letter or digit), has no lowercase letter (a heading, a label, a
// row of figures), or, unless it is a table row (it holds "|"), neither
// ends with terminal punctuation (. ! ? : ; possibly followed by closing
// quotes or brackets) nor starts like a list item (a bullet or "1.",
// "a)", "(iv)"), since list items often end without a full stop. Glued
// columns that happen to end with a full stop pass; readers catch those.
func readable(quote string) bool {
	q := strings.TrimSpace(quote)
	words := 0
	for _, w := range strings.Fields(q) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			words++
		}
	}
	if words < 4 || strings.IndexFunc(q, unicode.IsLower) < 0 {
		return false
	}
	if strings.Contains(q, "|") || listItem.MatchString(q) {
		return true
	}
	end := strings.TrimRight(q, `"'”’»)]}`)
	return end != "" && strings.ContainsAny(end[len(end)-1:], ".!?:;")
}

// readableUnit is readable for a quote whose form the scorer gave (the
// claim's form: sentence, item or row). A list item and a table row
// quoted under its headers ("Service: Urgent care; 2023/24: £12.1m") are
// whole units without a full stop: an item needs four words with a
// lower-case letter, a row a "header: value" cell. A list run together
// into one line (two inline bullets) is never readable.
func readableUnit(quote, form string) bool {
	if annotate.GluedList(quote) {
		return false
	}
	switch form {
	case annotate.FormItem:
		words := 0
		for _, w := range strings.Fields(quote) {
			if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
				words++
			}
		}
		return words >= 4 && strings.IndexFunc(quote, unicode.IsLower) >= 0
	case annotate.FormRow:
		return strings.Contains(quote, ": ") && strings.IndexFunc(quote, unicode.IsLetter) >= 0
	}
	return readable(quote)
}

// readableEvidence is readableUnit with the form the scorer gave, when it
// gave one.
func readableEvidence(e rules.Evidence) bool {
	if e.Claim == nil {
		return readable(e.Quote)
	}
	return readableUnit(e.Quote, e.Claim.Form)
}

// ScoredDocument is a document's file name (as in the judgements file)
// and the scorecard the tool made of it.
type ScoredDocument struct {
	Document string
	Card     *rules.Scorecard
}

// EvidenceCounts counts printed quotes and their verdicts. Shares are
// rounded to three places and are 0 when what they divide by is 0.
type EvidenceCounts struct {
	Printed  int `json:"printed"`
	Judged   int `json:"judged"`
	Yes      int `json:"yes"`
	Partly   int `json:"partly"`
	No       int `json:"no"`
	Unjudged int `json:"unjudged"`
	Readable int `json:"readable"`
	// YesShare is yes/judged, YesOrPartlyShare (yes+partly)/judged,
	// UnjudgedShare unjudged/printed, ReadableShare readable/printed.
	YesShare         float64 `json:"yes_share"`
	YesOrPartlyShare float64 `json:"yes_or_partly_share"`
	UnjudgedShare    float64 `json:"unjudged_share"`
	ReadableShare    float64 `json:"readable_share"`
}

func (c *EvidenceCounts) add(q PrintedQuote) {
	c.Printed++
	if q.Readable {
		c.Readable++
	}
	switch q.Judgement {
	case "yes":
		c.Yes++
	case "partly":
		c.Partly++
	case "no":
		c.No++
	default:
		c.Unjudged++
		return
	}
	c.Judged++
}

func (c *EvidenceCounts) shares() {
	c.YesShare = share(c.Yes, c.Judged)
	c.YesOrPartlyShare = share(c.Yes+c.Partly, c.Judged)
	c.UnjudgedShare = share(c.Unjudged, c.Printed)
	c.ReadableShare = share(c.Readable, c.Printed)
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return round3(float64(n) / float64(of))
}

// PrintedQuote is one evidence quote of a scorecard, with its verdict
// when a judgement matches it.
type PrintedQuote struct {
	Document  string `json:"document"`
	Criterion string `json:"criterion"`
	ToolScore int    `json:"tool_score"`
	Signal    string `json:"signal"`
	Page      int    `json:"page"`
	Section   string `json:"section"`
	Quote     string `json:"quote"`
	Readable  bool   `json:"readable"`
	// Judgement and Reason (the code) are empty when no judgement
	// matches; JudgedAt is the matching row's file:line.
	Judgement string `json:"judgement,omitempty"`
	Reason    string `json:"reason,omitempty"`
	JudgedAt  string `json:"judged_at,omitempty"`
}

// EvidenceReport is how readers judged the evidence quotes the tool
// printed, overall, by criterion and by signal.
type EvidenceReport struct {
	Documents int                       `json:"documents"`
	Overall   EvidenceCounts            `json:"overall"`
	Criteria  map[string]EvidenceCounts `json:"criteria"`
	// Halves is keyed by half (HalfA, HalfB; see Half): a change to the
	// rules should raise the share judged yes on both.
	Halves map[string]EvidenceCounts `json:"halves"`
	// Signals is keyed "criterion/signal".
	Signals map[string]EvidenceCounts `json:"signals"`
	// Reasons counts the reason codes of the printed quotes judged no or
	// partly: what goes wrong with the evidence.
	Reasons map[string]int `json:"reasons"`
	Quotes  []PrintedQuote `json:"quotes"`
	// Stale are judgements of scored documents that match no printed
	// quote: the scorer no longer prints that quote for that signal.
	Stale []Judgement `json:"stale"`
	// NotScored counts judgements of documents that were not scored (not
	// among the labelled ones, or their reading failed).
	NotScored int `json:"not_scored"`
}

// MeasureEvidence matches every evidence quote of the scorecards with
// the judgements (same document, criterion, signal and quote after
// normaliseQuote; the first judgement of a key counts) and counts.
func MeasureEvidence(docs []ScoredDocument, judgements []Judgement) EvidenceReport {
	byKey := make(map[evidenceKey]*Judgement, len(judgements))
	for i := range judgements {
		j := &judgements[i]
		k := keyOf(j.Document, j.Criterion, j.Signal, j.Quote)
		if _, dup := byKey[k]; !dup {
			byKey[k] = j
		}
	}
	rep := EvidenceReport{
		Criteria: map[string]EvidenceCounts{},
		Halves:   map[string]EvidenceCounts{HalfA: {}, HalfB: {}},
		Signals:  map[string]EvidenceCounts{},
		Reasons:  map[string]int{},
		Quotes:   []PrintedQuote{},
		Stale:    []Judgement{},
	}
	scored := map[string]bool{}
	used := map[*Judgement]bool{}
	for _, d := range docs {
		if d.Card == nil || scored[d.Document] {
			continue
		}
		scored[d.Document] = true
		for _, cr := range d.Card.Criteria {
			for _, e := range cr.Evidence {
				q := PrintedQuote{
					Document: d.Document, Criterion: cr.ID, ToolScore: cr.Score, Signal: e.Signal,
					Page: e.Page, Section: e.Section, Quote: e.Quote, Readable: readableEvidence(e),
				}
				if j, ok := byKey[keyOf(d.Document, cr.ID, e.Signal, e.Quote)]; ok {
					q.Judgement, q.Reason, q.JudgedAt = j.Judgement, j.Reason, j.At()
					used[j] = true
					if j.Judgement != "yes" {
						rep.Reasons[j.Reason]++
					}
				}
				rep.Quotes = append(rep.Quotes, q)
				rep.Overall.add(q)
				c := rep.Criteria[cr.ID]
				c.add(q)
				rep.Criteria[cr.ID] = c
				h := rep.Halves[Half(d.Document)]
				h.add(q)
				rep.Halves[Half(d.Document)] = h
				sk := cr.ID + "/" + e.Signal
				s := rep.Signals[sk]
				s.add(q)
				rep.Signals[sk] = s
			}
		}
	}
	rep.Documents = len(scored)
	for i := range judgements {
		j := &judgements[i]
		switch {
		case !scored[j.Document]:
			rep.NotScored++
		case !used[j] && byKey[keyOf(j.Document, j.Criterion, j.Signal, j.Quote)] == j:
			rep.Stale = append(rep.Stale, *j)
		}
	}
	rep.Overall.shares()
	for _, m := range []map[string]EvidenceCounts{rep.Criteria, rep.Halves, rep.Signals} {
		for k, c := range m {
			c.shares()
			m[k] = c
		}
	}
	return rep
}

// WriteEvidenceText prints the evidence report for a terminal. Its last
// four lines are always the summary (quotes printed and judged; yes and
// yes-or-partly; readable units; reasons), in a fixed form, because
// scripts read them with tail -4.
func WriteEvidenceText(w io.Writer, rep EvidenceReport) error {
	var b bytes.Buffer
	table := func(title string, width int, rows map[string]EvidenceCounts) {
		fmt.Fprintf(&b, "%-*s %7s %6s %4s %6s %4s %8s  %5s  %5s  %5s  %8s\n", width, title,
			"printed", "judged", "yes", "partly", "no", "unjudged", "yes/j", "y+p/j", "unj/p", "readable")
		line := func(name string, c EvidenceCounts) {
			fmt.Fprintf(&b, "%-*s %7d %6d %4d %6d %4d %8d  %5s  %5s  %5s  %8s\n", width, name,
				c.Printed, c.Judged, c.Yes, c.Partly, c.No, c.Unjudged,
				frac(c.Yes, c.Judged), frac(c.Yes+c.Partly, c.Judged), frac(c.Unjudged, c.Printed), frac(c.Readable, c.Printed))
		}
		for _, k := range slices.Sorted(maps.Keys(rows)) {
			line(k, rows[k])
		}
		line("overall", rep.Overall)
	}
	fmt.Fprintf(&b, "evidence quotes of %d documents, judged by readers\n", rep.Documents)
	table("criterion", 20, rep.Criteria)
	b.WriteString("\n")
	halves := map[string]EvidenceCounts{}
	for k, c := range rep.Halves {
		halves[k+" ("+halfNames[k]+")"] = c
	}
	table("half", 20, halves)
	width := len("criterion/signal")
	for k := range rep.Signals {
		width = max(width, len(k))
	}
	b.WriteString("\n")
	table("criterion/signal", width, rep.Signals)
	if len(rep.Stale) > 0 {
		fmt.Fprintf(&b, "\n%d judgements match no printed quote (the scorer no longer prints them):\n", len(rep.Stale))
		for _, j := range rep.Stale {
			fmt.Fprintf(&b, "  %s  %s %s/%s %q\n", j.At(), j.Document, j.Criterion, j.Signal, clip(j.Quote, 60))
		}
	}
	if rep.NotScored > 0 {
		fmt.Fprintf(&b, "\n%d judgements are of documents that were not scored\n", rep.NotScored)
	}
	o := rep.Overall
	fmt.Fprintf(&b, "\nevidence: %d quotes printed, %d judged (%s), %d unjudged (%s)\n", o.Printed, o.Judged, pct(o.Judged, o.Printed), o.Unjudged, pct(o.Unjudged, o.Printed))
	fmt.Fprintf(&b, "judged yes: %d (%s); yes or partly: %d (%s)\n", o.Yes, pct(o.Yes, o.Judged), o.Yes+o.Partly, pct(o.Yes+o.Partly, o.Judged))
	fmt.Fprintf(&b, "readable units: %d of %d (%s)\n", o.Readable, o.Printed, pct(o.Readable, o.Printed))
	fmt.Fprintf(&b, "by reason of \"no\"/\"partly\": %s\n", reasonList(rep.Reasons))
	_, err := w.Write(b.Bytes())
	return err
}

// reasonList is "fragment 12, wrong-topic 9", most frequent first.
func reasonList(reasons map[string]int) string {
	keys := slices.Sorted(maps.Keys(reasons))
	sort.SliceStable(keys, func(i, j int) bool { return reasons[keys[i]] > reasons[keys[j]] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, reasons[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func pct(n, of int) string {
	if of == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", math.Round(100*float64(n)/float64(of)))
}

func frac(n, of int) string {
	if of == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", float64(n)/float64(of))
}

// clip cuts s to n runes, wherever that falls, and marks the cut: stale
// judgements are listed by the start of their quote, enough to find them
// in the judgements file. It is not textclean.Shorten (bytes, at a word)
// nor the reports' clip (runes, at a word where one is near), and eval's
// output stays as it was.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// WriteUnjudged writes every printed quote without a judgement as a row
// of a judgements file, ready to be judged and read back with
// ReadJudgements: ids are sequential from 1, signal_meaning is the rule
// file's description of the signal, tool_score the criterion's score,
// judgement and reason are left empty.
func WriteUnjudged(w io.Writer, rep EvidenceReport, rs *rules.Set) error {
	meaning := map[string]string{}
	if rs != nil {
		for _, f := range rs.Files {
			for _, s := range f.Signals {
				meaning[f.ID+"/"+s.Name] = s.Description
			}
		}
	}
	var b bytes.Buffer
	b.WriteString(strings.Join(judgementColumns, "\t") + "\n")
	id := 0
	for _, q := range rep.Quotes {
		if q.Judgement != "" {
			continue
		}
		id++
		fields := []string{strconv.Itoa(id), q.Document, q.Criterion, strconv.Itoa(q.ToolScore), q.Signal,
			meaning[q.Criterion+"/"+q.Signal], strconv.Itoa(q.Page), q.Section, q.Quote, "", ""}
		for i, f := range fields {
			// A tab or line break would break the row; the quote is
			// matched after folding whitespace, so nothing is lost.
			fields[i] = textclean.Fold(f)
		}
		b.WriteString(strings.Join(fields, "\t") + "\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Package agreement measures how well nhsreview's scores agree with human
// labels: quadratic weighted kappa, exact and within-one agreement, the
// confusion matrix, and how often the tool's evidence cites a page the
// humans cited, overall and in two fixed halves of the documents. It also
// reads the labels file and the evidence judgements file (RUBRIC.md's
// formats) and measures how many printed evidence quotes readers accepted.
package agreement

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/rules"
)

// Label is one row of a labels file: a human score for one document and
// criterion.
type Label struct {
	Document  string
	Criterion string
	Score     int
	Pages     []int
	Evidence  string
	Note      string
	Line      int
}

// maxLabels bounds a labels file: a real one has hundreds of rows.
const maxLabels = 100000

// ReadLabels parses a tab-separated labels file with a header row. Errors
// name the line.
func ReadLabels(r io.Reader) ([]Label, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var labels []Label
	var col map[string]int
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			var err error
			if col, err = labelColumns(text); err != nil {
				return nil, err
			}
			continue
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		l, err := parseLabel(col, text, line)
		if err != nil {
			return nil, err
		}
		labels = append(labels, l)
		if len(labels) > maxLabels {
			return nil, fmt.Errorf("line %d: more than %d labels", line, maxLabels)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("empty file: no header row")
	}
	return labels, nil
}

// labelColumns reads a labels file's header row: each column's index by
// its lower-case name.
func labelColumns(text string) (map[string]int, error) {
	col := map[string]int{}
	text = strings.TrimPrefix(text, "\ufeff")
	for i, h := range strings.Split(text, "\t") {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	for _, need := range []string{"document", "criterion", "score"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("line 1: header lacks the %q column", need)
		}
	}
	return col, nil
}

// parseLabel reads one row of a labels file.
func parseLabel(col map[string]int, text string, line int) (Label, error) {
	f := strings.Split(text, "\t")
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(f) {
			return strings.TrimSpace(f[i])
		}
		return ""
	}
	l := Label{Document: get("document"), Criterion: get("criterion"), Evidence: get("evidence"), Note: get("note"), Line: line}
	if l.Document == "" || l.Criterion == "" {
		return Label{}, fmt.Errorf("line %d: document or criterion is empty", line)
	}
	s, err := strconv.Atoi(get("score"))
	if err != nil || s < 0 || s > 3 {
		return Label{}, fmt.Errorf("line %d: score %q is not 0, 1, 2 or 3", line, get("score"))
	}
	l.Score = s
	if p := get("pages"); p != "" {
		for _, part := range strings.Split(p, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || n < 1 || n > 100000 {
				return Label{}, fmt.Errorf("line %d: page %q is not a page number", line, part)
			}
			l.Pages = append(l.Pages, n)
		}
	}
	return l, nil
}

// Pair is a human and a tool score, with the pages each cited.
type Pair struct {
	Document  string
	Criterion string
	Human     int
	Tool      int
	// HumanPages are the pages the label cites; ToolPages those of the
	// tool's evidence.
	HumanPages []int
	ToolPages  []int
}

// Stats is agreement over a set of pairs.
type Stats struct {
	N         int     `json:"n"`
	QWK       float64 `json:"qwk"`
	Exact     float64 `json:"exact"`
	WithinOne float64 `json:"within_one"`
	// PageHitRate is the share of labelled rows with pages where the tool
	// cites one of those pages; PageRows how many such rows there were.
	PageHitRate float64 `json:"page_hit_rate"`
	PageRows    int     `json:"page_rows"`
	// Confusion[h][t] counts rows the humans scored h and the tool t.
	Confusion [4][4]int `json:"confusion"`
	// MeanDiff is the tool's mean score minus the humans' (bias).
	MeanDiff float64 `json:"mean_diff"`
}

// Report is agreement overall and per criterion, and the same for each
// half of the documents.
type Report struct {
	Overall  Stats            `json:"overall"`
	Criteria map[string]Stats `json:"criteria"`
	// Halves holds "A" and "B" (see Half), always both, so that the JSON
	// has one shape; a half without documents has N 0.
	Halves map[string]HalfStats `json:"halves"`
	Pairs  []Pair               `json:"pairs"`
}

// HalfStats is agreement within one half of the documents.
type HalfStats struct {
	Name      string           `json:"name"`
	Documents int              `json:"documents"`
	Overall   Stats            `json:"overall"`
	Criteria  map[string]Stats `json:"criteria"`
}

// The two halves of the labelled documents.
const (
	HalfA = "A"
	HalfB = "B"
)

// halfNames say what each half is for.
var halfNames = map[string]string{HalfA: "development", HalfB: "check"}

// Half returns "A" (development) when the first hex digit of the SHA-256
// of the document's file name is 0-7, and "B" (check) otherwise.
//
// The split depends on the name alone, so a document never changes half
// when others are added or removed, or when its content, its labels or
// the tool's scores change; rules tuned on half A can be checked on half
// B without anyone having chosen which documents are easy. The hash
// spreads names evenly whatever their prefixes (a corpus full of
// "wscc-..." files still splits about in two).
func Half(document string) string {
	sum := sha256.Sum256([]byte(document))
	if sum[0]>>4 < 8 {
		return HalfA
	}
	return HalfB
}

// Measure computes the report.
func Measure(pairs []Pair) Report {
	overall, criteria := statsByCriterion(pairs)
	rep := Report{Overall: overall, Criteria: criteria, Halves: map[string]HalfStats{}, Pairs: pairs}
	for _, h := range []string{HalfA, HalfB} {
		var ps []Pair
		docs := map[string]bool{}
		for _, p := range pairs {
			if Half(p.Document) == h {
				ps = append(ps, p)
				docs[p.Document] = true
			}
		}
		hs := HalfStats{Name: halfNames[h], Documents: len(docs)}
		hs.Overall, hs.Criteria = statsByCriterion(ps)
		rep.Halves[h] = hs
	}
	return rep
}

func statsByCriterion(pairs []Pair) (Stats, map[string]Stats) {
	by := map[string][]Pair{}
	for _, p := range pairs {
		by[p.Criterion] = append(by[p.Criterion], p)
	}
	criteria := make(map[string]Stats, len(by))
	for c, ps := range by {
		criteria[c] = stats(ps)
	}
	return stats(pairs), criteria
}

func stats(pairs []Pair) Stats {
	var s Stats
	s.N = len(pairs)
	if s.N == 0 {
		return s
	}
	exact, within, hits, diff := 0, 0, 0, 0
	var h, t []int
	for _, p := range pairs {
		if p.Human == p.Tool {
			exact++
		}
		if abs(p.Human-p.Tool) <= 1 {
			within++
		}
		diff += p.Tool - p.Human
		if inRange(p.Human) && inRange(p.Tool) {
			s.Confusion[p.Human][p.Tool]++
		}
		h, t = append(h, p.Human), append(t, p.Tool)
		if len(p.HumanPages) > 0 {
			s.PageRows++
			if overlaps(p.HumanPages, p.ToolPages) {
				hits++
			}
		}
	}
	s.Exact = round3(float64(exact) / float64(s.N))
	s.WithinOne = round3(float64(within) / float64(s.N))
	s.MeanDiff = round3(float64(diff) / float64(s.N))
	s.QWK = round3(qwk(h, t, 4))
	if s.PageRows > 0 {
		s.PageHitRate = round3(float64(hits) / float64(s.PageRows))
	}
	return s
}

func inRange(x int) bool { return x >= 0 && x <= 3 }

// qwk is Cohen's kappa with quadratic weights for ratings 0..k-1. When
// both raters give one and the same rating throughout, agreement is
// perfect and the kappa is 1; when only the expected disagreement is zero
// otherwise, it is 0.
func qwk(a, b []int, k int) float64 {
	n := len(a)
	if n == 0 || n != len(b) {
		return 0
	}
	obs := make([][]float64, k)
	for i := range obs {
		obs[i] = make([]float64, k)
	}
	ha, hb := make([]float64, k), make([]float64, k)
	for i := range a {
		if a[i] < 0 || a[i] >= k || b[i] < 0 || b[i] >= k {
			continue
		}
		obs[a[i]][b[i]]++
		ha[a[i]]++
		hb[b[i]]++
	}
	var num, den float64
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			w := float64((i-j)*(i-j)) / float64((k-1)*(k-1))
			num += w * obs[i][j]
			den += w * ha[i] * hb[j] / float64(n)
		}
	}
	if den == 0 {
		if num == 0 {
			return 1
		}
		return 0
	}
	return 1 - num/den
}

func overlaps(a, b []int) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// WriteText prints the report for a terminal.
func WriteText(w io.Writer, rep Report) error {
	var b bytes.Buffer
	line := func(name string, s Stats) {
		hit := "  n/a"
		if s.PageRows > 0 {
			hit = fmt.Sprintf("%5.2f", s.PageHitRate)
		}
		fmt.Fprintf(&b, "%-20s %4d  %6.3f  %5.2f  %9.2f  %s  %+6.2f\n", name, s.N, s.QWK, s.Exact, s.WithinOne, hit, s.MeanDiff)
	}
	table := func(overall Stats, criteria map[string]Stats) {
		fmt.Fprintf(&b, "%-20s %4s  %6s  %5s  %9s  %s  %6s\n", "criterion", "n", "qwk", "exact", "within-1", "pages", "bias")
		for _, c := range slices.Sorted(maps.Keys(criteria)) {
			line(c, criteria[c])
		}
		line("overall", overall)
	}
	table(rep.Overall, rep.Criteria)
	for _, h := range []string{HalfA, HalfB} {
		hs, ok := rep.Halves[h]
		if !ok || hs.Overall.N == 0 {
			// --half leaves the other half empty: nothing to show.
			continue
		}
		fmt.Fprintf(&b, "\nhalf %s (%s): %d documents\n", h, hs.Name, hs.Documents)
		table(hs.Overall, hs.Criteria)
	}
	fmt.Fprintf(&b, "\nconfusion matrix (rows: human score, columns: tool score)\n      0   1   2   3\n")
	for i, row := range rep.Overall.Confusion {
		fmt.Fprintf(&b, "%d  %3d %3d %3d %3d\n", i, row[0], row[1], row[2], row[3])
	}
	var off []Pair
	for _, p := range rep.Pairs {
		if p.Human != p.Tool {
			off = append(off, p)
		}
	}
	if len(off) > 0 {
		fmt.Fprintf(&b, "\ndisagreements (human → tool)\n")
		for _, p := range off {
			fmt.Fprintf(&b, "  %d → %d  %-20s %s\n", p.Human, p.Tool, p.Criterion, p.Document)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// PairLabels pairs each label with the score of its document and
// criterion in cards (keyed by the labels' document name), with the pages
// of the human's evidence and of the tool's. Labels of documents not in
// cards (not scored) are left out; labels whose criterion the document's
// scorecard does not have are returned as unknown.
func PairLabels(labels []Label, cards map[string]*rules.Scorecard) (pairs []Pair, unknown []Label) {
	for _, l := range labels {
		card, ok := cards[l.Document]
		if !ok {
			continue
		}
		found := false
		for _, cr := range card.Criteria {
			if cr.ID != l.Criterion {
				continue
			}
			found = true
			p := Pair{Document: l.Document, Criterion: l.Criterion, Human: l.Score, Tool: cr.Score, HumanPages: l.Pages}
			for _, e := range cr.Evidence {
				p.ToolPages = append(p.ToolPages, e.Page)
			}
			pairs = append(pairs, p)
		}
		if !found {
			unknown = append(unknown, l)
		}
	}
	return pairs, unknown
}

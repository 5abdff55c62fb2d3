package pdfdoc

import (
	"math"
	"sort"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// findTables finds grids: at least three rows whose fragments start at the
// same few x positions. Two text columns also start at two fixed x
// positions, so a two-column grid counts only when its first column is
// narrow (labels, years, names), and grids of long text lines are left to
// the column logic. frags must be sorted by baseline.
func (l *layout) findTables(frags []*frag, rules []seg) (tables []*blk, rest []*frag) {
	rows := rowsOf(frags)
	used := make([]bool, len(rows))
	for i := 0; i < len(rows); {
		if len(rows[i]) < 2 {
			i++
			continue
		}
		// extend the run of multi-fragment rows, allowing single-fragment
		// rows (wrapped cells) between them
		j := i + 1
		last := i
		for j < len(rows) {
			gap := rows[j][0].base - rows[j-1][0].base
			if gap > 3.5*l.linePitch(rows[j-1][0].size) {
				break
			}
			if len(rows[j]) >= 2 {
				last = j
			} else if j-last > 2 {
				break
			}
			j++
		}
		// In a ruled table, the lines above the rule under the last row
		// are that row's wrapped cells, however few fragments they have.
		minX, maxX := math.Inf(1), math.Inf(-1)
		for _, r := range rows[i : last+1] {
			minX, maxX = math.Min(minX, r[0].x0), math.Max(maxX, r[len(r)-1].x1)
		}
		base := rows[last][0].base
		if below := rowLines(rules, minX, maxX, base, base+4*l.linePitch(rows[last][0].size)); len(below) > 0 {
			for last+1 < len(rows) && rows[last+1][0].base < below[0] {
				last++
			}
		}
		run := rows[i : last+1]
		if t := l.table(run, rules); t != nil {
			tables = append(tables, t)
			for k := i; k <= last; k++ {
				used[k] = true
			}
			i = last + 1
			continue
		}
		i++
	}
	for k, r := range rows {
		if !used[k] {
			rest = append(rest, r...)
		}
	}
	return tables, rest
}

func rowsOf(frags []*frag) [][]*frag {
	var rows [][]*frag
	for _, f := range frags {
		if n := len(rows); n > 0 && math.Abs(f.base-rows[n-1][0].base) < 0.35*f.size {
			rows[n-1] = append(rows[n-1], f)
			continue
		}
		rows = append(rows, []*frag{f})
	}
	for _, r := range rows {
		sort.SliceStable(r, func(i, j int) bool { return r[i].x0 < r[j].x0 })
	}
	return rows
}

// rowLines returns the y of the rules that cross at least half of the
// width from minX to maxX between top and bottom. A word processor draws
// a row's border cell by cell, so segments at one height are added up.
// rules must be sorted by y.
func rowLines(rules []seg, minX, maxX, top, bottom float64) []float64 {
	var out []float64
	width := maxX - minX
	for i := 0; i < len(rules); {
		j, covered := i, 0.0
		for ; j < len(rules) && rules[j].pos-rules[i].pos <= gridTol; j++ {
			covered += math.Max(0, math.Min(rules[j].hi, maxX)-math.Max(rules[j].lo, minX))
		}
		if y := rules[i].pos; y > top && y < bottom && covered >= 0.5*width {
			out = append(out, y)
		}
		i = j
	}
	return out
}

// table returns the run as a table block, or nil when it is not a grid.
func (l *layout) table(run [][]*frag, rules []seg) *blk {
	multi := 0
	var xs []float64
	words, nfrags := 0, 0
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, r := range run {
		if len(r) >= 2 {
			multi++
			for _, f := range r {
				xs = append(xs, f.x0)
			}
		}
		for _, f := range r {
			words += len(strings.Fields(f.text))
			nfrags++
			minX, maxX = math.Min(minX, f.x0), math.Max(maxX, f.x1)
		}
	}
	if multi < 3 {
		return nil
	}
	anchors := clusterAnchors(xs, multi)
	if len(anchors) < 2 {
		return nil
	}
	if float64(words)/float64(nfrags) >= 7 {
		return nil
	}
	if len(anchors) == 2 {
		var widths []float64
		for _, r := range run {
			for _, f := range r {
				if math.Abs(f.x0-anchors[0]) < 4 {
					widths = append(widths, f.x1-f.x0)
				}
			}
		}
		sort.Float64s(widths)
		if len(widths) == 0 || widths[len(widths)/2] > 0.35*(maxX-minX) {
			return nil
		}
	}
	col := func(f *frag) int {
		c := 0
		for k, a := range anchors {
			if f.x0+4 >= a {
				c = k
			}
		}
		return c
	}
	// Row boundaries: where rules are drawn across the table (a table
	// ruled between rows but not between columns, which lattices leaves
	// here), the rules. Otherwise, when line gaps are bimodal, the big gaps
	// separate rows and the small ones are wrapped lines inside cells;
	// otherwise every line is a row.
	lines := rowLines(rules, minX, maxX, run[0][0].base, run[len(run)-1][0].base)
	ruled := func(k int) bool {
		above, below := run[k-1][0].base, run[k][0].base-0.5*run[k][0].size
		for _, y := range lines {
			if y > above && y < below {
				return true
			}
		}
		return false
	}
	gaps := make([]float64, 0, len(run))
	minGap := math.Inf(1)
	for k := 1; k < len(run); k++ {
		g := run[k][0].base - run[k-1][0].base
		gaps = append(gaps, g)
		minGap = math.Min(minGap, g)
	}
	bimodal := false
	for _, g := range gaps {
		if g > 1.3*minGap {
			bimodal = true
		}
	}
	t := &blk{kind: document.Table}
	var cells []string
	flush := func() {
		if cells != nil {
			t.rows = append(t.rows, cells)
		}
		cells = nil
	}
	for k, r := range run {
		if k == 0 || len(lines) > 0 && ruled(k) || len(lines) == 0 && (!bimodal || gaps[k-1] > 1.3*minGap) {
			flush()
			cells = make([]string, len(anchors))
		}
		for _, f := range r {
			c := col(f)
			if cells[c] != "" {
				cells[c] = l.joinLines([]*frag{{text: cells[c]}, f})
			} else {
				cells[c] = f.text
			}
			t.add(f)
		}
	}
	flush()
	t.size = l.bodySize
	return t
}

// clusterAnchors returns x positions (within 4pt) shared by at least 40% of
// the rows.
func clusterAnchors(xs []float64, rows int) []float64 {
	sort.Float64s(xs)
	var out []float64
	for i := 0; i < len(xs); {
		j := i + 1
		for j < len(xs) && xs[j]-xs[j-1] < 4 {
			j++
		}
		if float64(j-i) >= 0.4*float64(rows) {
			out = append(out, xs[i])
		}
		i = j
	}
	return out
}

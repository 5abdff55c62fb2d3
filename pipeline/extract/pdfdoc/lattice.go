package pdfdoc

import (
	"math"
	"sort"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// A ruled table (a lattice) is read from its rules, not from where its
// text happens to start. Word processors wrap a cell's text and centre it
// in its row, so the lines of one row interleave across columns with no
// larger gap between rows than within them: reading such a table line by
// line cuts every recommendation into pieces that belong to no row. The
// rules drawn around the cells say exactly where each row and column
// ends, as they do for a reader.

// seg is a rule in layout space (y down from the top): pos is where it
// lies across its length (y for a horizontal rule, x for a vertical one),
// lo and hi where it starts and ends along it.
type seg struct{ pos, lo, hi float64 }

// hrules returns a page's horizontal rules, sorted by y.
func hrules(p rawPage) []seg {
	var out []seg
	for _, r := range p.rules {
		if w, h := r.x1-r.x0, r.y1-r.y0; w >= 8 && w >= 8*h {
			out = append(out, seg{p.height - (r.y0+r.y1)/2, r.x0, r.x1})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].pos < out[b].pos })
	return out
}

// vrules returns a page's vertical rules.
func vrules(p rawPage) []seg {
	var out []seg
	for _, r := range p.rules {
		if w, h := r.x1-r.x0, r.y1-r.y0; h >= 8 && h >= 8*w {
			out = append(out, seg{(r.x0 + r.x1) / 2, p.height - r.y1, p.height - r.y0})
		}
	}
	return out
}

// gridTol is how far apart (points) two rules may be and still be one
// line of the grid: borders are drawn per cell, often as two thin
// rectangles a fraction of a point apart.
const gridTol = 2.0

// merge joins rules that lie on one line (within gridTol) and touch
// along it into one.
func merge(rs []seg) []seg {
	rs = append([]seg(nil), rs...)
	sort.Slice(rs, func(a, b int) bool {
		if math.Abs(rs[a].pos-rs[b].pos) > gridTol {
			return rs[a].pos < rs[b].pos
		}
		return rs[a].lo < rs[b].lo
	})
	var out []seg
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j].pos-rs[i].pos <= gridTol {
			j++
		}
		group := rs[i:j]
		sort.Slice(group, func(a, b int) bool { return group[a].lo < group[b].lo })
		cur := group[0]
		for _, r := range group[1:] {
			if r.lo <= cur.hi+3*gridTol {
				cur.hi = math.Max(cur.hi, r.hi)
				continue
			}
			out = append(out, cur)
			cur = r
		}
		out = append(out, cur)
		i = j
	}
	return out
}

// lattices finds the ruled tables of a page and fills their cells; the
// fragments outside them are returned for the rest of the layout.
func (l *layout) lattices(frags []*frag, hr []seg, p rawPage) (tables []*blk, rest []*frag) {
	hs, vs := merge(hr), merge(vrules(p))
	if len(hs) < 3 || len(vs) < 3 {
		return nil, frags
	}
	// Rules that touch belong to one grid (union-find over both kinds).
	parent := make([]int, len(hs)+len(vs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, h := range hs {
		for j, v := range vs {
			if v.pos >= h.lo-gridTol && v.pos <= h.hi+gridTol && h.pos >= v.lo-gridTol && h.pos <= v.hi+gridTol {
				parent[find(i)] = find(len(hs) + j)
			}
		}
	}
	groups := map[int][]int{}
	for i := range parent {
		groups[find(i)] = append(groups[find(i)], i)
	}
	used := make([]bool, len(frags))
	for _, g := range groups {
		var ys, xs []float64
		for _, k := range g {
			if k < len(hs) {
				ys = append(ys, hs[k].pos)
			} else {
				xs = append(xs, vs[k-len(hs)].pos)
			}
		}
		ys, xs = distinct(ys), distinct(xs)
		if len(ys) < 3 || len(xs) < 3 {
			continue // a box or a single row: not a grid
		}
		if t := l.fillGrid(frags, used, xs, ys); t != nil {
			tables = append(tables, t)
		}
	}
	for i, f := range frags {
		if !used[i] {
			rest = append(rest, f)
		}
	}
	return tables, rest
}

// distinct sorts v and keeps one value per gridTol.
func distinct(v []float64) []float64 {
	sort.Float64s(v)
	var out []float64
	for _, x := range v {
		if len(out) == 0 || x-out[len(out)-1] > gridTol {
			out = append(out, x)
		}
	}
	return out
}

// fillGrid puts each fragment inside the grid into its cell and returns
// the table, or nil when fewer than two rows and two columns hold text.
func (l *layout) fillGrid(frags []*frag, used []bool, xs, ys []float64) *blk {
	nr, nc := len(ys)-1, len(xs)-1
	cells := make([][][]*frag, nr)
	for r := range cells {
		cells[r] = make([][]*frag, nc)
	}
	var mine []int
	for i, f := range frags {
		if used[i] {
			continue
		}
		mid := f.base - 0.35*f.size
		left := f.x0 + 1
		if mid <= ys[0] || mid >= ys[nr] || left <= xs[0] || left >= xs[nc] {
			continue
		}
		r := sort.SearchFloat64s(ys, mid) - 1
		c := sort.SearchFloat64s(xs, left) - 1
		cells[r][c] = append(cells[r][c], f)
		mine = append(mine, i)
	}
	rowsWith, colsWith := 0, make([]bool, nc)
	for r := range cells {
		any := false
		for c := range cells[r] {
			if len(cells[r][c]) > 0 {
				any, colsWith[c] = true, true
			}
		}
		if any {
			rowsWith++
		}
	}
	cols := 0
	for _, ok := range colsWith {
		if ok {
			cols++
		}
	}
	if rowsWith < 2 || cols < 2 {
		return nil
	}
	t := &blk{kind: document.Table}
	for r := range cells {
		var row []string
		empty := true
		for c := range cells[r] {
			if !colsWith[c] {
				continue
			}
			fs := cells[r][c]
			sort.SliceStable(fs, func(a, b int) bool {
				if math.Abs(fs[a].base-fs[b].base) > 0.35*fs[a].size {
					return fs[a].base < fs[b].base
				}
				return fs[a].x0 < fs[b].x0
			})
			text := ""
			if len(fs) > 0 {
				text, empty = l.joinLines(fs), false
			}
			row = append(row, text)
			for _, f := range fs {
				t.add(f)
			}
		}
		if !empty {
			t.rows = append(t.rows, row)
		}
	}
	for _, i := range mine {
		used[i] = true
	}
	t.size = l.bodySize
	return t
}

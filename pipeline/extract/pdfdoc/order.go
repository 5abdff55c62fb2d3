package pdfdoc

import (
	"math"
	"sort"
)

// orderBlocks puts blocks in reading order by recursive XY-cut. A vertical
// cut (a gutter of whitespace from the top of the region to its bottom) is
// tried before a horizontal one: cutting horizontally first would slice two
// columns at any height where both happen to have a paragraph break, and
// read them alternately.
func orderBlocks(blocks []*blk) []*blk {
	if len(blocks) <= 1 {
		return blocks
	}
	if parts := cut(blocks, true); parts != nil {
		var out []*blk
		for _, p := range parts {
			out = append(out, orderBlocks(p)...)
		}
		return out
	}
	if parts := cut(blocks, false); parts != nil {
		var out []*blk
		for _, p := range parts {
			out = append(out, orderBlocks(p)...)
		}
		return out
	}
	sorted := append([]*blk(nil), blocks...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if math.Abs(sorted[i].top-sorted[j].top) > 1 {
			return sorted[i].top < sorted[j].top
		}
		return sorted[i].x0 < sorted[j].x0
	})
	return sorted
}

// cut splits blocks at gaps in their projection on the x axis (vertical
// cut) or the y axis, or returns nil when there is no gap.
func cut(blocks []*blk, vertical bool) [][]*blk {
	type iv struct {
		a, b float64
		blk  *blk
	}
	ivs := make([]iv, len(blocks))
	for i, b := range blocks {
		if vertical {
			ivs[i] = iv{b.x0, b.x1, b}
		} else {
			ivs[i] = iv{b.top, b.bot, b}
		}
	}
	sort.SliceStable(ivs, func(i, j int) bool { return ivs[i].a < ivs[j].a })
	minGap := 0.5
	if vertical {
		minGap = 4 // a gutter narrower than this is a word space, not a column break
	}
	var parts [][]*blk
	cur := []*blk{ivs[0].blk}
	end := ivs[0].b
	for _, v := range ivs[1:] {
		if v.a-end > minGap {
			parts = append(parts, cur)
			cur = nil
		}
		cur = append(cur, v.blk)
		end = math.Max(end, v.b)
	}
	parts = append(parts, cur)
	if len(parts) < 2 {
		return nil
	}
	return parts
}

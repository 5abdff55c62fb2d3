package pdfdoc

import (
	"github.com/ledongthuc/pdf"

	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Bookmark is an outline entry with the page it points to (0 when the
// destination could not be resolved).
type Bookmark struct {
	Title string
	Level int // 1 = top
	Page  int
}

// maxBookmarks bounds the outline walk; real outlines have hundreds.
const maxBookmarks = 20000

// bookmarks reads the outline itself: the library's Outline follows /Next
// with no cycle check (an endless loop on a looping outline) and gives no
// page numbers. A node seen twice ends its chain; every node's dictionary
// text includes its /Next and /Parent references, so it identifies it.
func (x *extractor) bookmarks(pages []pdf.Value) (out []Bookmark) {
	defer func() {
		if recover() != nil {
			x.warnOnce("the bookmarks could not be read")
		}
	}()
	root := x.r.Trailer().Key("Root")
	first := root.Key("Outlines").Key("First")
	if first.Kind() != pdf.Dict {
		return nil
	}
	pageNum := make(map[string]int, len(pages))
	for i, p := range pages {
		k := p.String()
		if _, dup := pageNum[k]; !dup {
			pageNum[k] = i + 1
		}
	}
	named := x.namedDests(root)
	seen := map[string]bool{}
	looped := false
	var walk func(node pdf.Value, level int)
	walk = func(node pdf.Value, level int) {
		for ; node.Kind() == pdf.Dict && len(out) < maxBookmarks; node = node.Key("Next") {
			id := node.String()
			if seen[id] {
				looped = true
				return
			}
			seen[id] = true
			title, _ := textclean.Clean(node.Key("Title").Text(), false)
			title = textclean.Fold(title)
			dest := node.Key("Dest")
			if dest.IsNull() {
				if a := node.Key("A"); a.Key("S").Name() == "GoTo" {
					dest = a.Key("D")
				}
			}
			out = append(out, Bookmark{Title: title, Level: level, Page: resolveDest(dest, named, pageNum, len(pages))})
			if level < 32 {
				walk(node.Key("First"), level+1)
			}
		}
	}
	walk(first, 1)
	if looped {
		x.warnOnce("the bookmarks loop; the loop was cut")
	}
	return out
}

// namedDests collects named destinations from /Dests and the /Names tree.
func (x *extractor) namedDests(root pdf.Value) map[string]pdf.Value {
	named := map[string]pdf.Value{}
	d := root.Key("Dests")
	for _, k := range d.Keys() {
		named[k] = d.Key(k)
	}
	seen := map[string]bool{}
	var walk func(n pdf.Value, depth int)
	walk = func(n pdf.Value, depth int) {
		if depth > 32 || n.Kind() != pdf.Dict || len(named) > maxBookmarks*4 {
			return
		}
		id := n.String()
		if seen[id] {
			return
		}
		seen[id] = true
		names := n.Key("Names")
		for i := 0; i+1 < names.Len(); i += 2 {
			named[names.Index(i).RawString()] = names.Index(i + 1)
		}
		kids := n.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			walk(kids.Index(i), depth+1)
		}
	}
	walk(root.Key("Names").Key("Dests"), 0)
	return named
}

func resolveDest(dest pdf.Value, named map[string]pdf.Value, pageNum map[string]int, n int) int {
	for hop := 0; hop < 4; hop++ {
		switch dest.Kind() {
		case pdf.String:
			dest = named[dest.RawString()]
		case pdf.Name:
			dest = named[dest.Name()]
		case pdf.Dict:
			dest = dest.Key("D")
		case pdf.Array:
			p := dest.Index(0)
			if p.Kind() == pdf.Integer {
				if i := int(p.Int64()); i >= 0 && i < n {
					return i + 1
				}
				return 0
			}
			return pageNum[p.String()]
		default:
			return 0
		}
	}
	return 0
}

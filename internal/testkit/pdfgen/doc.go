package pdfgen

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
)

// A4 page size in points.
const (
	A4Width  = 595
	A4Height = 842
)

// XObject is a Form or an Image, painted with Content.Do.
type XObject interface {
	resName() string
}

// Form is a Form XObject: a content stream with its own resources, drawn
// through its /Matrix. A form may Do itself or an ancestor, producing the
// cycle a reader must detect.
type Form struct {
	// Res is the resource name (/Fm1).
	Res string
	// BBox is the form's bounding box; the zero value means the A4 page.
	BBox [4]float64
	// Matrix maps form space to the user space of the caller; the zero
	// value omits /Matrix (identity).
	Matrix [6]float64
	// Content is the form's content stream.
	Content *Content
}

func (f *Form) resName() string { return f.Res }

// Image is a DeviceGray image XObject.
type Image struct {
	// Res is the resource name (/Im1).
	Res           string
	Width, Height int
	// Data holds Width×Height 8-bit samples, unencoded.
	Data   []byte
	Filter Filter
	// Codec is how the samples are stored: ImageSamples (8 bits each,
	// through Filter), ImageJPEG (DCTDecode) or ImageCCITT (1 bit,
	// CCITTFaxDecode Group 4, black below 128). Filter applies to
	// samples only.
	Codec ImageCodec
}

// ImageCodec is how an Image's samples are stored in the PDF.
type ImageCodec int

// The image codings the builder writes.
const (
	ImageSamples ImageCodec = iota
	ImageJPEG
	ImageCCITT
)

func (im *Image) resName() string { return im.Res }

// GrayImage is a w×h image with a diagonal gradient, enough to look like a
// scanned page to an extractor that checks for images without text.
func GrayImage(res string, w, h int) *Image {
	data := make([]byte, w*h)
	for y := range h {
		for x := range w {
			data[y*w+x] = byte((x + y) * 255 / max(1, w+h-2))
		}
	}
	return &Image{Res: res, Width: w, Height: h, Data: data, Filter: Flate}
}

// Page is one page. Its resources are collected from its contents.
type Page struct {
	// Width and Height are the MediaBox size; zero means A4.
	Width, Height float64
	// Rotate is the /Rotate entry (a multiple of 90); 0 omits it.
	Rotate int
	// Contents are the page's content streams; more than one is written
	// as a /Contents array, which readers must concatenate.
	Contents []*Content
}

// NewContent appends a new content stream to the page and returns it.
func (p *Page) NewContent() *Content {
	c := NewContent()
	p.Contents = append(p.Contents, c)
	return c
}

// Bookmark is an outline entry.
type Bookmark struct {
	Title string
	// Page is the 1-based target page.
	Page int
	// Top is the /XYZ top coordinate; 0 means a /Fit destination.
	Top float64
	// Action writes the destination as /A << /S /GoTo /D ... >> instead
	// of /Dest.
	Action bool
	// Named, when set, registers the destination under this name and
	// makes the entry refer to it by name.
	Named string
	// Closed writes a negative /Count (children hidden by default).
	Closed   bool
	Children []*Bookmark
}

// Doc describes a whole document.
type Doc struct {
	// Title is the Info /Title; "" omits it.
	Title string
	// Header is the first line; "" means "%PDF-1.7". The cross-reference
	// offsets account for its length.
	Header string
	Pages  []*Page
	// Outline holds the top-level bookmarks.
	Outline []*Bookmark
	// OutlineCycle points the /Next of the last top-level bookmark back
	// to the first, as some damaged files do.
	OutlineCycle bool
	// DestsInCatalog writes named destinations as a /Dests dictionary in
	// the catalog (PDF 1.1, names) instead of a /Names /Dests name tree
	// (strings).
	DestsInCatalog bool
	// PageTreeFanout, when above 1, builds a balanced page tree with at
	// most this many kids per node instead of one flat /Pages node.
	PageTreeFanout int
	// XRefStream writes a cross-reference stream and object streams.
	XRefStream bool
}

// AddPage appends an A4 page and returns it.
func (d *Doc) AddPage() *Page {
	p := &Page{}
	d.Pages = append(d.Pages, p)
	return p
}

// MustBuild is Build for fixed fixtures, where an error is a bug.
func (d *Doc) MustBuild() []byte {
	b, err := d.Build()
	if err != nil {
		panic(err)
	}
	return b
}

type builder struct {
	f     *File
	fonts map[*Font]Ref
	xobjs map[XObject]Ref
	pages []Ref
	dests map[string]Array
	// destsInCatalog: named destinations are names in /Dests, not strings
	// in a name tree.
	destsInCatalog bool
}

// Build assigns object numbers and writes the file.
func (d *Doc) Build() ([]byte, error) {
	b := &builder{
		f:     &File{Header: d.Header, XRefStream: d.XRefStream},
		fonts: make(map[*Font]Ref),
		xobjs: make(map[XObject]Ref),
		dests: make(map[string]Array),

		destsInCatalog: d.DestsInCatalog,
	}
	f := b.f
	catalog := f.Reserve()
	root := f.Reserve()
	f.Root = catalog
	for range d.Pages {
		b.pages = append(b.pages, f.Reserve())
	}
	parents := b.pageTree(root, d.PageTreeFanout)

	for i, p := range d.Pages {
		if err := b.page(p, b.pages[i], parents[b.pages[i]]); err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
	}

	cat := Dict{"Type": Name("Catalog"), "Pages": root}
	if len(d.Outline) > 0 {
		outlines := f.Reserve()
		first, last, err := b.outline(d.Outline, outlines)
		if err != nil {
			return nil, err
		}
		if d.OutlineCycle {
			f.objs[last-1].(Dict)["Next"] = first
		}
		f.Set(outlines, Dict{"Type": Name("Outlines"), "First": first, "Last": last, "Count": visible(d.Outline)})
		cat["Outlines"] = outlines
		cat["PageMode"] = Name("UseOutlines")
	}
	if len(b.dests) > 0 {
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range b.dests {
				if !yield(k) {
					return
				}
			}
		})
		if d.DestsInCatalog {
			dd := Dict{}
			for _, n := range names {
				dd[n] = b.dests[n]
			}
			cat["Dests"] = f.Add(dd)
		} else {
			var arr Array
			for _, n := range names {
				arr = append(arr, String(n), b.dests[n])
			}
			cat["Names"] = Dict{"Dests": f.Add(Dict{"Names": arr})}
		}
	}
	f.Set(catalog, cat)
	if d.Title != "" {
		f.Info = f.Add(Dict{"Title": TextString(d.Title), "Producer": String("nhsreview pdfgen")})
	}
	return f.Bytes(), nil
}

// pageTree writes the /Pages nodes and returns each page's parent.
func (b *builder) pageTree(root Ref, fanout int) map[Ref]Ref {
	type node struct {
		ref   Ref
		count int
	}
	parents := make(map[Ref]Ref, len(b.pages))
	level := make([]node, len(b.pages))
	for i, r := range b.pages {
		level[i] = node{r, 1}
	}
	for fanout > 1 && len(level) > fanout {
		var next []node
		for chunk := range slices.Chunk(level, fanout) {
			ref := b.f.Reserve()
			kids := Array{}
			count := 0
			for _, k := range chunk {
				parents[k.ref] = ref
				kids = append(kids, k.ref)
				count += k.count
			}
			next = append(next, node{ref, count})
			// The parent of this node is known only at the next level;
			// the dictionary is completed below through parents.
			b.f.Set(ref, Dict{"Type": Name("Pages"), "Kids": kids, "Count": count})
		}
		level = next
	}
	kids := Array{}
	for _, k := range level {
		parents[k.ref] = root
		kids = append(kids, k.ref)
	}
	b.f.Set(root, Dict{"Type": Name("Pages"), "Kids": kids, "Count": len(b.pages)})
	for child, parent := range parents {
		if d, ok := b.f.objs[child-1].(Dict); ok {
			d["Parent"] = parent
		}
	}
	return parents
}

func (b *builder) page(p *Page, ref, parent Ref) error {
	w, h := p.Width, p.Height
	if w == 0 || h == 0 {
		w, h = A4Width, A4Height
	}
	res, err := b.resources(p.Contents)
	if err != nil {
		return err
	}
	d := Dict{
		"Type":      Name("Page"),
		"Parent":    parent,
		"MediaBox":  Array{0, 0, w, h},
		"Resources": res,
	}
	if p.Rotate != 0 {
		d["Rotate"] = p.Rotate
	}
	var refs Array
	for _, c := range p.Contents {
		s, err := contentStream(c, nil)
		if err != nil {
			return err
		}
		refs = append(refs, b.f.Add(s))
	}
	switch len(refs) {
	case 0:
	case 1:
		d["Contents"] = refs[0]
	default:
		d["Contents"] = refs
	}
	b.f.Set(ref, d)
	return nil
}

func contentStream(c *Content, d Dict) (Stream, error) {
	if c.err != nil {
		return Stream{}, c.err
	}
	data, err := c.Filter.Encode(c.buf)
	if err != nil {
		return Stream{}, fmt.Errorf("content stream: %w", err)
	}
	if d == nil {
		d = Dict{}
	}
	if n := c.Filter.Name(); n != "" {
		d["Filter"] = Name(n)
	}
	return Stream{Dict: d, Data: data}, nil
}

// resources builds a /Resources dictionary for the given streams, writing
// each font and XObject once per document.
func (b *builder) resources(contents []*Content) (Dict, error) {
	fonts := Dict{}
	xobjs := Dict{}
	for _, c := range contents {
		if c.err != nil {
			return nil, c.err
		}
		for _, font := range c.fonts {
			ref, ok := b.fonts[font]
			if !ok {
				ref = font.object(b.f)
				b.fonts[font] = ref
			}
			if old, ok := fonts[font.Res]; ok && old != ref {
				return nil, fmt.Errorf("two fonts named %s in one resource dictionary", font.Res)
			}
			fonts[font.Res] = ref
		}
		for _, x := range c.xobjects {
			ref, err := b.xobject(x)
			if err != nil {
				return nil, err
			}
			if old, ok := xobjs[x.resName()]; ok && old != ref {
				return nil, fmt.Errorf("two XObjects named %s in one resource dictionary", x.resName())
			}
			xobjs[x.resName()] = ref
		}
	}
	res := Dict{"ProcSet": Array{Name("PDF"), Name("Text"), Name("ImageB")}}
	if len(fonts) > 0 {
		res["Font"] = fonts
	}
	if len(xobjs) > 0 {
		res["XObject"] = xobjs
	}
	return res, nil
}

// xobject writes x once. The reference is reserved before the form's own
// resources are built, so a form that draws itself ends the recursion.
func (b *builder) xobject(x XObject) (Ref, error) {
	if ref, ok := b.xobjs[x]; ok {
		return ref, nil
	}
	ref := b.f.Reserve()
	b.xobjs[x] = ref
	switch x := x.(type) {
	case *Form:
		res, err := b.resources([]*Content{x.Content})
		if err != nil {
			return 0, fmt.Errorf("form %s: %w", x.Res, err)
		}
		bbox := x.BBox
		if bbox == [4]float64{} {
			bbox = [4]float64{0, 0, A4Width, A4Height}
		}
		d := Dict{
			"Type":      Name("XObject"),
			"Subtype":   Name("Form"),
			"BBox":      Array{bbox[0], bbox[1], bbox[2], bbox[3]},
			"Resources": res,
		}
		if x.Matrix != [6]float64{} {
			m := x.Matrix
			d["Matrix"] = Array{m[0], m[1], m[2], m[3], m[4], m[5]}
		}
		s, err := contentStream(x.Content, d)
		if err != nil {
			return 0, fmt.Errorf("form %s: %w", x.Res, err)
		}
		b.f.Set(ref, s)
	case *Image:
		if len(x.Data) != x.Width*x.Height {
			return 0, fmt.Errorf("image %s: %dx%d needs %d bytes, got %d", x.Res, x.Width, x.Height, x.Width*x.Height, len(x.Data))
		}
		d := Dict{
			"Type":             Name("XObject"),
			"Subtype":          Name("Image"),
			"Width":            x.Width,
			"Height":           x.Height,
			"ColorSpace":       Name("DeviceGray"),
			"BitsPerComponent": 8,
		}
		var data []byte
		g := &image.Gray{Pix: x.Data, Stride: x.Width, Rect: image.Rect(0, 0, x.Width, x.Height)}
		switch x.Codec {
		case ImageJPEG:
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, g, &jpeg.Options{Quality: 90}); err != nil {
				return 0, fmt.Errorf("image %s: %w", x.Res, err)
			}
			data = buf.Bytes()
			d["Filter"] = Name("DCTDecode")
		case ImageCCITT:
			data = EncodeG4(g)
			d["BitsPerComponent"] = 1
			d["Filter"] = Name("CCITTFaxDecode")
			d["DecodeParms"] = Dict{"K": -1, "Columns": x.Width, "Rows": x.Height}
		default:
			var err error
			if data, err = x.Filter.Encode(x.Data); err != nil {
				return 0, fmt.Errorf("image %s: %w", x.Res, err)
			}
			if n := x.Filter.Name(); n != "" {
				d["Filter"] = Name(n)
			}
		}
		b.f.Set(ref, Stream{Dict: d, Data: data})
	}
	return ref, nil
}

// visible is the number of outline entries shown when the outline opens:
// the /Count of the outline root.
func visible(items []*Bookmark) int {
	n := len(items)
	for _, it := range items {
		if !it.Closed {
			n += visible(it.Children)
		}
	}
	return n
}

func (b *builder) dest(bm *Bookmark) (Array, error) {
	if bm.Page < 1 || bm.Page > len(b.pages) {
		return nil, fmt.Errorf("bookmark %q: page %d out of range 1-%d", bm.Title, bm.Page, len(b.pages))
	}
	page := b.pages[bm.Page-1]
	if bm.Top == 0 {
		return Array{page, Name("Fit")}, nil
	}
	return Array{page, Name("XYZ"), 0, bm.Top, 0}, nil
}

// outline writes sibling entries under parent and returns the first and
// last of them.
func (b *builder) outline(items []*Bookmark, parent Ref) (first, last Ref, err error) {
	refs := make([]Ref, len(items))
	for i := range items {
		refs[i] = b.f.Reserve()
	}
	for i, it := range items {
		d := Dict{"Title": TextString(it.Title), "Parent": parent}
		if i > 0 {
			d["Prev"] = refs[i-1]
		}
		if i+1 < len(items) {
			d["Next"] = refs[i+1]
		}
		dest, err := b.dest(it)
		if err != nil {
			return 0, 0, err
		}
		var target any = dest
		if it.Named != "" {
			b.dests[it.Named] = dest
			if b.destsInCatalog {
				target = Name(it.Named)
			} else {
				target = String(it.Named)
			}
		}
		if it.Action {
			d["A"] = Dict{"S": Name("GoTo"), "D": target}
		} else {
			d["Dest"] = target
		}
		if len(it.Children) > 0 {
			cf, cl, err := b.outline(it.Children, refs[i])
			if err != nil {
				return 0, 0, err
			}
			d["First"], d["Last"] = cf, cl
			n := visible(it.Children)
			if it.Closed {
				n = -n
			}
			d["Count"] = n
		}
		b.f.Set(refs[i], d)
	}
	return refs[0], refs[len(refs)-1], nil
}

package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"unicode"

	"github.com/ledongthuc/pdf"
	xdraw "golang.org/x/image/draw"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// Scanned pages: the image a page is, taken out of the PDF for OCR. The
// PDF is read in a worker process (package extract), and so are its
// images: the worker sends each scanned page's image, and the parent runs
// Tesseract on it and gives the words back to ApplyOCR, which lays them
// out as a text page is laid out.

// ScanMode says which pages' images Extract takes out for OCR.
type ScanMode int

const (
	// ScanNone takes none (no OCR).
	ScanNone ScanMode = iota
	// ScanNeeded takes the image of each page with almost no text and a
	// large image: in a document with almost no text (needs_ocr), every
	// such page; in a document with a text layer, only those whose image
	// looks like paper (paperLike: a scanned letter in a board pack),
	// since its pages of photographs would cost an OCR run each for
	// nothing.
	ScanNeeded
	// ScanAll takes the image of every page drawn as a large image,
	// whatever text it has.
	ScanAll
)

// Thresholds of a scanned page.
const (
	// pageTextChars: a page with fewer visible characters than this has
	// "almost no text" (the document-wide threshold of needs_ocr, per
	// page: a page number or a caption, not a page of text).
	pageTextChars = document.OCRThreshold
	// pageImageShare: the page's images cover at least this share of it.
	pageImageShare = 0.5
	// partShare: an image smaller than this share of the page (a logo, an
	// icon) is not part of the page's scan.
	partShare = 0.02
	// maxImageDraws bounds the image draws recorded on one page.
	maxImageDraws = 4096
	// maxParts bounds the parts (strips, tiles) of one page's scan.
	maxParts = 512
)

// imageDraw is an image drawn on a page: the image XObject and the
// matrix in force, which maps the unit square onto the page.
type imageDraw struct {
	ctm matrix
	xo  pdf.Value
}

// Scan is one page's image, ready for OCR.
type Scan struct {
	Page int // page number, from 1
	// Width and Height are the page's size in points; Box is where the
	// image lies on it, in points from the top-left corner: x0, top, x1,
	// bottom.
	Width, Height float64
	Box           [4]float64
	// Format is "jpeg" (the file's own JPEG, sent as it is) or "png"
	// (samples rebuilt, turned upright, parts assembled); Data its bytes;
	// Pixels its size.
	Format string
	Data   []byte
	Pixels [2]int
	// Err says why the page's image could not be taken (JBIG2, a damaged
	// image); Data is then empty.
	Err string
}

// DPI is the resolution of the scan on the page.
func (s *Scan) DPI() int {
	w := s.Box[2] - s.Box[0]
	if w <= 0 || s.Pixels[0] <= 0 {
		return 0
	}
	return int(math.Round(float64(s.Pixels[0]) / (w / 72)))
}

// Scans are the page images of a document and what ApplyOCR needs to
// finish the document once they are read.
type Scans struct {
	Pages []Scan
	// NoImage lists the pages that ScanAll could not take: no large image
	// is drawn on them. Their text layer is kept.
	NoImage []int
	// Info is the Info dictionary's title, which the title is chosen
	// with again once the pages have text.
	Info string
	// Controls is the control characters the text pages held (Measure);
	// Warnings the warnings before Measure added its own.
	Controls int
	Warnings []string
}

// scans takes out the images of the pages mode asks for. A page whose
// image cannot be taken gets a Scan with Err, and a warning.
func (x *extractor) scans(doc *document.Document, raws []rawPage, mode ScanMode) (out []Scan, noImage []int) {
	// In a document with a text layer, a page that is an image is read
	// only when the image looks like paper (a scanned letter in a board
	// pack): a page of photographs would cost an OCR run for nothing.
	textLayer := false
	if mode == ScanNeeded {
		chars := 0
		for _, p := range doc.Pages {
			chars += visibleChars(p)
		}
		textLayer = len(doc.Pages) > 0 && float64(chars)/float64(len(doc.Pages)) >= document.OCRThreshold
	}
	for i, rp := range raws {
		if i >= len(doc.Pages) {
			break
		}
		if mode == ScanNeeded && visibleChars(doc.Pages[i]) >= pageTextChars {
			continue
		}
		parts := pageParts(rp)
		if parts == nil {
			if mode == ScanAll {
				noImage = append(noImage, rp.number)
			}
			continue
		}
		sc := x.pageScan(rp, parts)
		if textLayer && (sc.Err != "" || !paperLike(sc)) {
			continue
		}
		if sc.Err != "" {
			x.warnOnce(fmt.Sprintf("page %d could not be read by OCR: %s", rp.number, sc.Err))
		}
		out = append(out, sc)
	}
	return out, noImage
}

// visibleChars counts a page's characters other than spaces.
func visibleChars(p document.Page) int {
	n := 0
	for _, b := range p.Blocks {
		for _, r := range b.Text {
			if !unicode.IsSpace(r) {
				n++
			}
		}
	}
	return n
}

// part is one image of a page's scan, placed in layout space.
type part struct {
	draw                imageDraw
	x0, top, x1, bottom float64
}

func (p part) area() float64 { return (p.x1 - p.x0) * (p.bottom - p.top) }

// pageParts are the images that make up a scanned page, or nil when the
// page's images cover less than half of it. Scanners and PDF tools draw
// a page as one image, or as strips or tiles side by side: the parts
// are the images of a fiftieth of the page or more.
func pageParts(rp rawPage) []part {
	pageArea := rp.width * rp.height
	if pageArea <= 0 {
		return nil
	}
	var parts []part
	covered := 0.0
	for _, d := range rp.images {
		r := d.ctm.rect(0, 0, 1, 1)
		// Clipped to the page: an image bleeding off it covers only the page.
		p := part{draw: d, x0: math.Max(0, r.x0), x1: math.Min(rp.width, r.x1), top: math.Max(0, rp.height-r.y1), bottom: math.Min(rp.height, rp.height-r.y0)}
		if p.x1 <= p.x0 || p.bottom <= p.top || p.area() < partShare*pageArea {
			continue
		}
		if len(parts) == maxParts {
			break
		}
		parts = append(parts, p)
		covered += p.area()
	}
	if covered < pageImageShare*pageArea {
		return nil
	}
	return parts
}

// pageScan takes out a page's image. One upright JPEG in grey or RGB is
// sent as the file stores it; anything else is decoded to grey, turned
// upright by its matrix, its parts assembled on one canvas, and sent as
// PNG.
func (x *extractor) pageScan(rp rawPage, parts []part) (sc Scan) {
	sc = Scan{Page: rp.number, Width: round2(rp.width), Height: round2(rp.height)}
	defer func() {
		if r := recover(); r != nil {
			sc.Data, sc.Err = nil, "its image is damaged: "+firstLine(fmt.Sprint(r))
		}
	}()
	if len(parts) == 1 {
		p := parts[0]
		sc.Box = [4]float64{round2(p.x0), round2(p.top), round2(p.x1), round2(p.bottom)}
		spec, err := readImageSpec(p.draw.xo)
		if err != nil {
			sc.Err = err.Error()
			return sc
		}
		data, err := x.imageData(p.draw.xo, spec)
		if err != nil {
			sc.Err = err.Error()
			return sc
		}
		if spec.codec == codecJPEG && upright(p.draw.ctm) && spec.decode == nil && (spec.space == "gray" || spec.space == "rgb") {
			if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height <= maxImagePixels {
				sc.Format, sc.Data, sc.Pixels = "jpeg", data, [2]int{cfg.Width, cfg.Height}
				return sc
			}
		}
		g, err := decodeGray(spec, data)
		if err != nil {
			sc.Err = err.Error()
			return sc
		}
		return sc.withPNG(orient(g, p.draw.ctm))
	}
	canvas, box, err := x.assemble(parts)
	if err != nil {
		sc.Err = err.Error()
		return sc
	}
	sc.Box = box
	return sc.withPNG(canvas)
}

func (sc Scan) withPNG(g *image.Gray) Scan {
	var b bytes.Buffer
	// BestSpeed: a scanned page of text compresses almost as well, in a
	// fraction of the time.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, g); err != nil {
		sc.Err = fmt.Sprintf("its image could not be encoded: %v", err)
		return sc
	}
	sc.Format, sc.Data, sc.Pixels = "png", b.Bytes(), [2]int{g.Rect.Dx(), g.Rect.Dy()}
	return sc
}

// assemble draws a page's parts on one canvas covering them all, at the
// finest resolution among them (bounded by maxImagePixels).
func (x *extractor) assemble(parts []part) (*image.Gray, [4]float64, error) {
	ux0, utop, ux1, ubot := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	imgs := make([]*image.Gray, 0, len(parts))
	res := 0.0 // pixels a point
	var firstErr error
	var kept []part
	for _, p := range parts {
		spec, err := readImageSpec(p.draw.xo)
		var g *image.Gray
		if err == nil {
			var data []byte
			if data, err = x.imageData(p.draw.xo, spec); err == nil {
				g, err = decodeGray(spec, data)
			}
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		g = orient(g, p.draw.ctm)
		imgs = append(imgs, g)
		kept = append(kept, p)
		res = math.Max(res, float64(g.Rect.Dx())/(p.x1-p.x0))
		ux0, utop = math.Min(ux0, p.x0), math.Min(utop, p.top)
		ux1, ubot = math.Max(ux1, p.x1), math.Max(ubot, p.bottom)
	}
	if len(kept) == 0 {
		return nil, [4]float64{}, firstErr
	}
	w, h := (ux1-ux0)*res, (ubot-utop)*res
	if w*h > maxImagePixels {
		res *= math.Sqrt(maxImagePixels / (w * h))
	}
	cw, ch := max(1, int(math.Ceil((ux1-ux0)*res))), max(1, int(math.Ceil((ubot-utop)*res)))
	canvas := image.NewGray(image.Rect(0, 0, cw, ch))
	for i := range canvas.Pix {
		canvas.Pix[i] = 255
	}
	for i, p := range kept {
		r := image.Rect(int(math.Round((p.x0-ux0)*res)), int(math.Round((p.top-utop)*res)), int(math.Round((p.x1-ux0)*res)), int(math.Round((p.bottom-utop)*res)))
		g := imgs[i]
		if r.Dx() == g.Rect.Dx() && r.Dy() == g.Rect.Dy() {
			draw.Draw(canvas, r, g, image.Point{}, draw.Src)
		} else {
			xdraw.ApproxBiLinear.Scale(canvas, r, g, g.Rect, draw.Src, nil)
		}
	}
	return canvas, [4]float64{round2(ux0), round2(utop), round2(ux1), round2(ubot)}, nil
}

// upright reports whether an image is drawn the right way up: its first
// row at the top, left to right, unrotated.
func upright(m matrix) bool { return m[0] > 0 && m[3] > 0 && m[1] == 0 && m[2] == 0 }

// orient turns an image the way its matrix draws it on the page (rotated
// by a multiple of 90 degrees, or mirrored), so that OCR reads it upright
// and its pixels map onto the page along the page's axes. Matrices
// between the right angles (a skewed scan) are taken at the nearest one:
// Tesseract reads a small skew itself.
func orient(g *image.Gray, m matrix) *image.Gray {
	// In layout space (y down), the image's x axis runs along (a, -b) and
	// its rows go down along (-c, d).
	ux, uy, vx, vy := m[0], -m[1], -m[2], m[3]
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if math.Abs(ux) >= math.Abs(uy) {
		flipX, flipY := ux < 0, vy < 0
		if !flipX && !flipY {
			return g
		}
		out := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			sy := y
			if flipY {
				sy = h - 1 - y
			}
			src := g.Pix[sy*g.Stride : sy*g.Stride+w]
			dst := out.Pix[y*out.Stride : y*out.Stride+w]
			if flipX {
				for i := range dst {
					dst[i] = src[w-1-i]
				}
			} else {
				copy(dst, src)
			}
		}
		return out
	}
	// Turned a quarter: the page's x runs along the image's rows.
	out := image.NewGray(image.Rect(0, 0, h, w))
	for oy := 0; oy < w; oy++ {
		sx := oy
		if uy < 0 {
			sx = w - 1 - oy
		}
		for ox := 0; ox < h; ox++ {
			sy := ox
			if vx < 0 {
				sy = h - 1 - ox
			}
			out.Pix[oy*out.Stride+ox] = g.Pix[sy*g.Stride+sx]
		}
	}
	return out
}

// imageData is an image's stream with its general filters undone (not
// its image coding). The bytes come from the file itself: the PDF library
// stops at filters it does not know, as DCTDecode and CCITTFaxDecode are
// to it, and applies predictors only to one-byte samples.
func (x *extractor) imageData(xo pdf.Value, spec imageSpec) ([]byte, error) {
	if x.encrypted {
		names, _ := filtersOf(xo)
		if spec.codec != codecRaw || spec.predictor > 1 || len(names) > 1 || len(names) == 1 && names[0] != "FlateDecode" {
			return nil, fmt.Errorf("the PDF is encrypted, and its images cannot be read for OCR (decrypt it first, e.g. qpdf --decrypt)")
		}
		data, err := x.libraryStream(xo)
		if len(data) == 0 && err != nil {
			return nil, fmt.Errorf("its image could not be read: %v", err)
		}
		return data, nil
	}
	data, err := x.encodedBytes(xo)
	if err != nil {
		return nil, fmt.Errorf("its image could not be read: %v", err)
	}
	names, parms := filtersOf(xo)
	for i, name := range names {
		if _, ok := imageCodecs[name]; ok {
			break
		}
		out, err := decodeFilter(name, parms[i], data, x.opt.MaxStreamBytes)
		if err != nil && (len(out) == 0 || errors.Is(err, errStreamLimit)) {
			return nil, fmt.Errorf("its image could not be read: %s: %v", name, err)
		}
		// A stream damaged near its end still gives the rows before.
		data = out
	}
	return data, nil
}

// Paper: the share of a page image's pixels that must be light (luma of
// paperLight or more, out of 255), and the share that may be strongly
// coloured (the spread of red, green and blue above paperChroma), for the
// image to be a page of paper rather than a photograph.
const (
	paperLight      = 180
	paperChroma     = 64
	paperLightShare = 0.6
	paperColorShare = 0.15
	// paperSamples bounds the pixels looked at: every k-th in each
	// direction, enough to tell paper from a photograph.
	paperSamples = 40000
)

// paperLike reports whether a page image looks like a sheet of paper
// (mostly light, little colour: a scanned letter, minutes, a table),
// not a photograph or a colourful picture.
func paperLike(sc Scan) bool {
	img, _, err := image.Decode(bytes.NewReader(sc.Data))
	if err != nil {
		return false
	}
	b := img.Bounds()
	step := max(1, int(math.Sqrt(float64(b.Dx()*b.Dy())/paperSamples)))
	var n, light, colour int
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if (299*r+587*g+114*bl)/1000 >= paperLight {
				light++
			}
			if max(r, g, bl)-min(r, g, bl) > paperChroma {
				colour++
			}
			n++
		}
	}
	return n > 0 && float64(light) >= paperLightShare*float64(n) && float64(colour) <= paperColorShare*float64(n)
}

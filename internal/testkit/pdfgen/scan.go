package pdfgen

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
)

// Scanned pages: known text drawn into page images with the Go fonts,
// as a scanner would give them, embedded in PDFs with no text layer, to
// hold OCR's words against the words drawn.

// ScanOptions say how a page is scanned.
type ScanOptions struct {
	// DPI is the scan's resolution (300 when 0).
	DPI int
	// Codec is how the image is stored in the PDF.
	Codec ImageCodec
	// Noise is the share of pixels flipped to their opposite (speckle
	// from dust and paper grain), with a fixed seed.
	Noise float64
	// Skew turns the page by this many degrees (a sheet fed askew).
	Skew float64
	// Strips draws the page as this many horizontal strips, one image
	// each, as some scanners and PDF tools do (0 or 1: one image).
	Strips int
	// Rotate stores the image turned a quarter clockwise and draws it
	// upright with the placement matrix.
	Rotate bool
}

// ScanLine is a line of a scanned page: its text, its size in points,
// and bold for headings.
type ScanLine struct {
	Text string
	Size float64
	Bold bool
}

// RenderPage draws lines on a white A4 page at the options' resolution,
// one inch from the edges, wrapping long lines, with a blank line's
// space before each bold line.
func RenderPage(lines []ScanLine, o ScanOptions) (*image.Gray, error) {
	dpi := float64(o.DPI)
	if dpi == 0 {
		dpi = 300
	}
	w, h := int(math.Round(A4Width*dpi/72)), int(math.Round(A4Height*dpi/72))
	g := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(g, g.Rect, image.White, image.Point{}, draw.Src)
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("Go font: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("Go font: %w", err)
	}
	margin := dpi
	y := margin
	for _, l := range lines {
		size := l.Size
		if size == 0 {
			size = 11
		}
		f := regular
		if l.Bold {
			f = bold
			y += size * dpi / 72
		}
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: dpi, Hinting: font.HintingFull})
		if err != nil {
			return nil, fmt.Errorf("Go font face: %w", err)
		}
		d := &font.Drawer{Dst: g, Src: image.NewUniform(color.Black), Face: face}
		pitch := 1.35 * size * dpi / 72
		for _, text := range wrapTo(d, l.Text, fixed.I(w-2*int(margin))) {
			y += pitch
			if y > float64(h)-margin {
				face.Close()
				return nil, fmt.Errorf("the text does not fit on the page")
			}
			d.Dot = fixed.P(int(margin), int(y))
			d.DrawString(text)
		}
		face.Close()
	}
	if o.Skew != 0 {
		g = skew(g, o.Skew)
	}
	if o.Noise > 0 {
		r := rand.New(rand.NewPCG(1, 2))
		n := int(o.Noise * float64(len(g.Pix)))
		for range n {
			i := r.IntN(len(g.Pix))
			g.Pix[i] = 255 - g.Pix[i]
		}
	}
	return g, nil
}

// wrapTo breaks s into lines no wider than width.
func wrapTo(d *font.Drawer, s string, width fixed.Int26_6) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && d.MeasureString(try) > width {
			out = append(out, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// skew turns g by deg degrees about its centre, on white.
func skew(g *image.Gray, deg float64) *image.Gray {
	out := image.NewGray(g.Rect)
	draw.Draw(out, out.Rect, image.White, image.Point{}, draw.Src)
	a := deg * math.Pi / 180
	cx, cy := float64(g.Rect.Dx())/2, float64(g.Rect.Dy())/2
	cos, sin := math.Cos(a), math.Sin(a)
	m := f64.Aff3{cos, -sin, cx - cos*cx + sin*cy, sin, cos, cy - sin*cx - cos*cy}
	xdraw.ApproxBiLinear.Transform(out, m, g, g.Rect, xdraw.Over, nil)
	return out
}

// ScannedPDF makes a PDF of pages drawn as images (no text layer), each
// page's lines rendered by RenderPage.
func ScannedPDF(pages [][]ScanLine, o ScanOptions) ([]byte, error) {
	var d Doc
	for i, lines := range pages {
		g, err := RenderPage(lines, o)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
		p := &Page{}
		c := p.NewContent()
		addScan(c, g, o, i)
		d.Pages = append(d.Pages, p)
	}
	return d.Build()
}

// addScan draws g over the whole page: as one image, or in strips, or
// stored turned a quarter.
func addScan(c *Content, g *image.Gray, o ScanOptions, page int) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	strips := max(o.Strips, 1)
	for s := range strips {
		y0, y1 := s*h/strips, (s+1)*h/strips
		part := image.NewGray(image.Rect(0, 0, w, y1-y0))
		for y := y0; y < y1; y++ {
			copy(part.Pix[(y-y0)*part.Stride:], g.Pix[y*g.Stride:y*g.Stride+w])
		}
		top := A4Height * float64(y0) / float64(h)
		height := A4Height * float64(y1-y0) / float64(h)
		c.Save()
		if o.Rotate {
			// Stored a quarter turned clockwise: its columns are the
			// page's rows, top row first.
			part = turnClockwise(part)
			c.Cm(0, height, -A4Width, 0, A4Width, A4Height-top-height)
		} else {
			c.Cm(A4Width, 0, 0, height, 0, A4Height-top-height)
		}
		c.Do(&Image{Res: fmt.Sprintf("Im%d_%d", page+1, s+1), Width: part.Rect.Dx(), Height: part.Rect.Dy(), Data: part.Pix, Filter: Flate, Codec: o.Codec})
		c.Restore()
	}
}

// turnClockwise turns g a quarter clockwise.
func turnClockwise(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, h, w))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Pix[x*out.Stride+(h-1-y)] = g.Pix[y*g.Stride+x]
		}
	}
	return out
}

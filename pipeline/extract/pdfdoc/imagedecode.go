package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"

	"github.com/ledongthuc/pdf"
	"golang.org/x/image/ccitt"
)

// Image XObjects, decoded to grey for OCR. Everything here reads bytes
// from the file: sizes are checked before anything is allocated, and a
// damaged image costs its page's OCR, with a warning, never the document.

// codec is how an image's samples are stored once the general filters
// (Flate, LZW, ASCII85, ...) are undone.
type codec string

const (
	codecRaw   codec = "raw"   // samples, row by row
	codecJPEG  codec = "jpeg"  // DCTDecode: a JPEG file
	codecCCITT codec = "ccitt" // CCITTFaxDecode: fax coding
	codecJBIG2 codec = "jbig2" // JBIG2Decode: not supported
	codecJPX   codec = "jpx"   // JPXDecode (JPEG 2000): not supported
)

// imageCodecs are the filters that end a chain with the image's own
// coding.
var imageCodecs = map[string]codec{
	"DCTDecode": codecJPEG, "DCT": codecJPEG,
	"CCITTFaxDecode": codecCCITT, "CCF": codecCCITT,
	"JBIG2Decode": codecJBIG2,
	"JPXDecode":   codecJPX,
}

// maxImagePixels bounds one image (and a page assembled from parts): a
// 600 dpi A3 scan is 70 million pixels.
const maxImagePixels = 100_000_000

// imageSpec is what an image's dictionary says of its samples.
type imageSpec struct {
	width, height int
	bpc           int // bits per component
	comps         int // components per sample: 1, 3 or 4
	// space is how samples become grey: "gray", "rgb", "cmyk",
	// "indexed", "separation" (a tint: 0 is no ink) or "mask" (an
	// ImageMask: 0 paints).
	space string
	// palette holds an Indexed space's colours, as grey.
	palette []uint8
	// decode maps samples to component values (the /Decode array), one
	// [min max] pair a component; nil for the default.
	decode []float64
	codec  codec
	// CCITT parameters.
	k                    int
	columns, rows        int
	blackIs1, byteAlign  bool
	predictor, predCols  int
	predColors, predBits int
}

// readImageSpec reads an image XObject's dictionary.
func readImageSpec(xo pdf.Value) (imageSpec, error) {
	s := imageSpec{
		width:  int(xo.Key("Width").Int64()),
		height: int(xo.Key("Height").Int64()),
		bpc:    int(xo.Key("BitsPerComponent").Int64()),
		codec:  codecRaw,
	}
	names, parms := filtersOf(xo)
	for i, n := range names {
		c, ok := imageCodecs[n]
		if !ok {
			continue
		}
		if i != len(names)-1 {
			return s, fmt.Errorf("the image filter %s is not the last of its stream's filters", n)
		}
		s.codec = c
		if c == codecCCITT {
			p := parms[i]
			s.k = int(p.Key("K").Int64())
			s.columns = 1728
			if v := p.Key("Columns"); v.Kind() == pdf.Integer {
				s.columns = int(v.Int64())
			}
			s.rows = int(p.Key("Rows").Int64())
			s.blackIs1 = p.Key("BlackIs1").Bool()
			s.byteAlign = p.Key("EncodedByteAlign").Bool()
		}
	}
	// A predictor belongs to the Flate or LZW filter before the samples.
	for i, n := range names {
		if n == "FlateDecode" || n == "Fl" || n == "LZWDecode" || n == "LZW" {
			p := parms[i]
			if pr := int(p.Key("Predictor").Int64()); pr > 1 {
				s.predictor, s.predColors, s.predBits, s.predCols = pr, 1, 8, 1
				if v := p.Key("Colors"); v.Kind() == pdf.Integer {
					s.predColors = int(v.Int64())
				}
				if v := p.Key("BitsPerComponent"); v.Kind() == pdf.Integer {
					s.predBits = int(v.Int64())
				}
				if v := p.Key("Columns"); v.Kind() == pdf.Integer {
					s.predCols = int(v.Int64())
				}
			}
		}
	}
	if xo.Key("ImageMask").Bool() {
		s.space, s.comps, s.bpc = "mask", 1, 1
	} else if err := s.readSpace(xo.Key("ColorSpace"), 0); err != nil {
		return s, err
	}
	if d := xo.Key("Decode"); d.Kind() == pdf.Array && d.Len() == 2*s.comps {
		for i := 0; i < d.Len(); i++ {
			s.decode = append(s.decode, d.Index(i).Float64())
		}
	}
	return s, s.check()
}

// readSpace reads a colour space: a device space by name, or an array
// (ICCBased, Cal*, Indexed, Separation). A JPEG's own components decide
// when the dictionary names none.
func (s *imageSpec) readSpace(cs pdf.Value, depth int) error {
	if depth > 4 {
		return errors.New("the image's colour space nests too deep")
	}
	name := cs.Name()
	var arr pdf.Value
	if cs.Kind() == pdf.Array && cs.Len() > 0 {
		name, arr = cs.Index(0).Name(), cs
	}
	switch name {
	case "DeviceGray", "G", "CalGray":
		s.space, s.comps = "gray", 1
	case "DeviceRGB", "RGB", "CalRGB":
		s.space, s.comps = "rgb", 3
	case "DeviceCMYK", "CMYK":
		s.space, s.comps = "cmyk", 4
	case "ICCBased":
		switch arr.Index(1).Key("N").Int64() {
		case 1:
			s.space, s.comps = "gray", 1
		case 3:
			s.space, s.comps = "rgb", 3
		case 4:
			s.space, s.comps = "cmyk", 4
		default:
			return errors.New("the image's ICC colour space has an unknown number of components")
		}
	case "Indexed", "I":
		if depth > 0 {
			return errors.New("an Indexed colour space inside another")
		}
		var base imageSpec
		if err := base.readSpace(arr.Index(1), depth+1); err != nil {
			return err
		}
		if base.space == "indexed" || base.space == "separation" {
			return errors.New("the image's Indexed colour space has an unusable base")
		}
		hival := int(arr.Index(2).Int64())
		if hival < 0 || hival > 255 {
			return fmt.Errorf("the image's Indexed colour space has %d colours", hival+1)
		}
		lookup := arr.Index(3)
		var table []byte
		switch lookup.Kind() {
		case pdf.String:
			table = []byte(lookup.RawString())
		case pdf.Stream:
			b, err := readLimited(lookup.Reader(), 4*256)
			if err != nil && len(b) == 0 {
				return fmt.Errorf("the image's palette could not be read: %v", err)
			}
			table = b
		}
		need := (hival + 1) * base.comps
		if len(table) < need {
			// A short palette is padded with black, as readers do.
			table = append(table, make([]byte, need-len(table))...)
		}
		s.space, s.comps = "indexed", 1
		s.palette = make([]uint8, hival+1)
		f := make([]float64, base.comps)
		for i := range s.palette {
			for k := range f {
				f[k] = float64(table[i*base.comps+k]) / 255
			}
			s.palette[i] = base.gray(f)
		}
	case "Separation":
		s.space, s.comps = "separation", 1
	case "":
		if s.codec == codecJPEG || s.codec == codecCCITT {
			s.space, s.comps = "gray", 1 // the codec decides
			return nil
		}
		return errors.New("the image has no colour space")
	default:
		return fmt.Errorf("the image's colour space %s is not supported", name)
	}
	return nil
}

// check refuses sizes that cannot be real, before anything is allocated.
func (s *imageSpec) check() error {
	if s.codec == codecCCITT && s.bpc == 0 {
		s.bpc = 1
	}
	if s.codec == codecJPEG && s.bpc == 0 {
		s.bpc = 8
	}
	switch {
	case s.width <= 0 || s.height <= 0:
		return fmt.Errorf("the image has a size of %d×%d pixels", s.width, s.height)
	case s.width > 1<<16 || s.height > 1<<16 || s.width*s.height > maxImagePixels:
		return fmt.Errorf("the image is too large (%d×%d pixels)", s.width, s.height)
	}
	switch s.bpc {
	case 1, 2, 4, 8, 16:
	default:
		return fmt.Errorf("the image has %d bits per component", s.bpc)
	}
	return nil
}

// rowBytes is the length of a row of raw samples.
func (s *imageSpec) rowBytes() int { return (s.width*s.comps*s.bpc + 7) / 8 }

// unpredict undoes a Flate or LZW predictor: TIFF 2 (horizontal
// differences) or PNG (10 to 15, a filter byte a row).
func (s *imageSpec) unpredict(data []byte) ([]byte, error) {
	if s.predictor <= 1 {
		return data, nil
	}
	if s.predCols <= 0 || s.predColors <= 0 || s.predColors > 32 || s.predCols > 1<<20 {
		return nil, errors.New("the image's predictor parameters are out of range")
	}
	bitsPerPixel := s.predColors * s.predBits
	cols := (s.predCols*bitsPerPixel + 7) / 8
	bpp := max(1, bitsPerPixel/8)
	switch {
	case s.predictor >= 10:
		return unPNG(data, cols, bpp), nil
	case s.predictor == 2 && s.predBits == 8:
		out := bytes.Clone(data)
		for r := 0; r+cols <= len(out); r += cols {
			row := out[r : r+cols]
			for i := bpp; i < len(row); i++ {
				row[i] += row[i-bpp]
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("the image's predictor %d (with %d bits) is not supported", s.predictor, s.predBits)
}

// decodeGray turns an image's data (its general filters undone) into grey,
// 0 black and 255 white, as it would look on the page.
func decodeGray(s imageSpec, data []byte) (*image.Gray, error) {
	switch s.codec {
	case codecJPEG:
		return decodeJPEG(s, data)
	case codecCCITT:
		return decodeCCITT(s, data)
	case codecJBIG2:
		return nil, errors.New("its image is JBIG2, which nhsreview cannot decode")
	case codecJPX:
		return nil, errors.New("its image is JPEG 2000, which nhsreview cannot decode")
	}
	data, err := s.unpredict(data)
	if err != nil {
		return nil, err
	}
	return decodeRaw(s, data)
}

// decodeRaw reads raw samples. Missing rows at the end (a stream cut
// short) are left white.
func decodeRaw(s imageSpec, data []byte) (*image.Gray, error) {
	rb := s.rowBytes()
	if len(data) < rb {
		return nil, fmt.Errorf("the image holds %d bytes, not even one row of %d", len(data), rb)
	}
	g := image.NewGray(image.Rect(0, 0, s.width, s.height))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	if s.space == "gray" && s.bpc == 8 && s.decode == nil {
		// The common scan: rows of grey bytes, taken as they are.
		for y := 0; y < s.height && (y+1)*rb <= len(data); y++ {
			copy(g.Pix[y*g.Stride:y*g.Stride+s.width], data[y*rb:])
		}
		return g, nil
	}
	maxv := float64(int(1)<<s.bpc - 1)
	// Each component's decoded value in 0..1 (for Indexed, the index).
	dec := func(c int, v int) float64 {
		if s.space == "indexed" {
			if len(s.decode) == 2 {
				return s.decode[0] + float64(v)*(s.decode[1]-s.decode[0])/maxv
			}
			return float64(v)
		}
		lo, hi := 0.0, 1.0
		if len(s.decode) == 2*s.comps {
			lo, hi = s.decode[2*c], s.decode[2*c+1]
		}
		return lo + float64(v)*(hi-lo)/maxv
	}
	comp := make([]float64, s.comps)
	for y := 0; y < s.height; y++ {
		row := data[min(len(data), y*rb):min(len(data), (y+1)*rb)]
		if len(row) < rb {
			break
		}
		out := g.Pix[y*g.Stride : y*g.Stride+s.width]
		bit := 0
		for x := 0; x < s.width; x++ {
			for c := 0; c < s.comps; c++ {
				comp[c] = dec(c, sample(row, bit, s.bpc))
				bit += s.bpc
			}
			out[x] = s.gray(comp)
		}
	}
	return g, nil
}

// sample reads the n-bit sample at bit offset bit of row (16-bit samples
// keep their high byte's worth).
func sample(row []byte, bit, n int) int {
	switch n {
	case 8:
		return int(row[bit/8])
	case 16:
		return int(row[bit/8])<<8 | int(row[bit/8+1])
	}
	b := row[bit/8]
	shift := 8 - n - bit%8
	return int(b>>shift) & (1<<n - 1)
}

// gray is the grey level of one sample's decoded components.
func (s *imageSpec) gray(c []float64) uint8 {
	clamp := func(v float64) uint8 {
		return uint8(math.Round(255 * math.Max(0, math.Min(1, v))))
	}
	switch s.space {
	case "gray":
		return clamp(c[0])
	case "mask":
		// An ImageMask paints its 0 samples (with Decode [1 0], its 1s).
		return clamp(c[0])
	case "separation":
		return clamp(1 - c[0])
	case "rgb":
		return clamp(0.299*c[0] + 0.587*c[1] + 0.114*c[2])
	case "cmyk":
		return clamp(1 - math.Min(1, 0.3*c[0]+0.59*c[1]+0.11*c[2]+c[3]))
	case "indexed":
		i := int(math.Round(c[0]))
		if i < 0 || i >= len(s.palette) {
			return 0
		}
		return s.palette[i]
	}
	return 255
}

// decodeJPEG decodes a DCTDecode image with Go's JPEG decoder (which
// handles grey, YCbCr and Adobe CMYK), applying an inverting /Decode.
func decodeJPEG(s imageSpec, data []byte) (*image.Gray, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("its JPEG image could not be read: %v", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, fmt.Errorf("its JPEG image is too large (%d×%d pixels)", cfg.Width, cfg.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("its JPEG image could not be read: %v", err)
	}
	g := toGray(img)
	if len(s.decode) >= 2 && s.decode[0] > s.decode[1] {
		invert(g)
	}
	return g, nil
}

// toGray converts any image to grey.
func toGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	if yc, ok := img.(*image.YCbCr); ok {
		// The luma plane is the grey image.
		for y := 0; y < b.Dy(); y++ {
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], yc.Y[yc.YOffset(b.Min.X, b.Min.Y+y):])
		}
		return g
	}
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g.Pix[y*g.Stride+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
		}
	}
	return g
}

func invert(g *image.Gray) {
	for i := range g.Pix {
		g.Pix[i] = 255 - g.Pix[i]
	}
}

// decodeCCITT decodes fax coding: Group 4 (K < 0) or one-dimensional
// Group 3 (K = 0); two-dimensional Group 3 (K > 0) is not supported by
// golang.org/x/image/ccitt.
func decodeCCITT(s imageSpec, data []byte) (*image.Gray, error) {
	var sf ccitt.SubFormat
	switch {
	case s.k < 0:
		sf = ccitt.Group4
	case s.k == 0:
		sf = ccitt.Group3
	default:
		return nil, errors.New("its image is two-dimensional CCITT Group 3 fax (K > 0), which nhsreview cannot decode")
	}
	w, h := s.width, s.height
	if s.columns > 0 && s.columns != w {
		return nil, fmt.Errorf("its fax image is %d pixels wide, but the coding says %d", w, s.columns)
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	err := ccitt.DecodeIntoGray(g, bytes.NewReader(data), ccitt.MSB, sf, &ccitt.Options{Align: s.byteAlign})
	if err != nil && !partialFax(g) {
		return nil, fmt.Errorf("its fax image could not be read: %v", err)
	}
	// The decoder gives black as 0. With BlackIs1 the samples are the
	// other way round, and a Decode of [1 0] turns them again.
	inv := s.blackIs1
	if len(s.decode) >= 2 && s.decode[0] > s.decode[1] {
		inv = !inv
	}
	if inv {
		invert(g)
	}
	return g, nil
}

// partialFax reports whether a fax image that failed part way has rows
// worth reading: decoders stop at a damaged row, and the rows above it
// are good. Rows never reached are 0 (black) in a new image, so they are
// whitened here.
func partialFax(g *image.Gray) bool {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	last := -1
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for _, p := range row {
			if p != 0 {
				last = y
				break
			}
		}
	}
	for y := last + 1; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for i := range row {
			row[i] = 255
		}
	}
	return last >= h/4
}

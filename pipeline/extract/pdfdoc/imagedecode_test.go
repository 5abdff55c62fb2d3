package pdfdoc

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
)

func TestDecodeRaw(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    imageSpec
		data []byte
		want []uint8
	}{
		{"gray 8", imageSpec{width: 2, height: 1, bpc: 8, comps: 1, space: "gray"}, []byte{0, 200}, []uint8{0, 200}},
		{"gray 1-bit", imageSpec{width: 3, height: 1, bpc: 1, comps: 1, space: "gray"}, []byte{0b10100000}, []uint8{255, 0, 255}},
		{"gray 1-bit inverted by Decode", imageSpec{width: 2, height: 1, bpc: 1, comps: 1, space: "gray", decode: []float64{1, 0}}, []byte{0b10000000}, []uint8{0, 255}},
		{"mask", imageSpec{width: 2, height: 1, bpc: 1, comps: 1, space: "mask"}, []byte{0b01000000}, []uint8{0, 255}},
		{"rgb", imageSpec{width: 2, height: 1, bpc: 8, comps: 3, space: "rgb"}, []byte{255, 255, 255, 255, 0, 0}, []uint8{255, 76}},
		{"cmyk", imageSpec{width: 2, height: 1, bpc: 8, comps: 4, space: "cmyk"}, []byte{0, 0, 0, 0, 0, 0, 0, 255}, []uint8{255, 0}},
		{"indexed", imageSpec{width: 3, height: 1, bpc: 2, comps: 1, space: "indexed", palette: []uint8{255, 0, 128}}, []byte{0b00011000}, []uint8{255, 0, 128}},
		{"separation", imageSpec{width: 2, height: 1, bpc: 8, comps: 1, space: "separation"}, []byte{0, 255}, []uint8{255, 0}},
		{"16-bit", imageSpec{width: 1, height: 1, bpc: 16, comps: 1, space: "gray"}, []byte{0xff, 0xff}, []uint8{255}},
		{"short: missing rows white", imageSpec{width: 1, height: 2, bpc: 8, comps: 1, space: "gray"}, []byte{7}, []uint8{7, 255}},
		{"png predictor", imageSpec{width: 2, height: 2, bpc: 8, comps: 1, space: "gray", predictor: 15, predColors: 1, predBits: 8, predCols: 2}, []byte{0, 10, 20, 2, 1, 1}, []uint8{10, 20, 11, 21}},
		{"tiff predictor", imageSpec{width: 3, height: 1, bpc: 8, comps: 1, space: "gray", predictor: 2, predColors: 1, predBits: 8, predCols: 3}, []byte{10, 5, 5}, []uint8{10, 15, 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := decodeGray(tc.s, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			var got []uint8
			for y := 0; y < tc.s.height; y++ {
				got = append(got, g.Pix[y*g.Stride:y*g.Stride+tc.s.width]...)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func testImage() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			if (x/5+y/5)%2 == 0 || x == 0 {
				g.Pix[y*g.Stride+x] = 255
			}
		}
	}
	return g
}

func TestDecodeCCITTAndJPEG(t *testing.T) {
	src := testImage()
	g, err := decodeGray(imageSpec{width: 40, height: 20, bpc: 1, comps: 1, space: "gray", codec: codecCCITT, k: -1, columns: 40}, pdfgen.EncodeG4(src))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g.Pix, src.Pix) {
		t.Errorf("Group 4 did not come back as drawn")
	}
	g, err = decodeGray(imageSpec{width: 40, height: 20, bpc: 1, comps: 1, space: "gray", codec: codecCCITT, k: -1, columns: 40, blackIs1: true}, pdfgen.EncodeG4(src))
	if err != nil || g.Pix[0] != 255-src.Pix[0] {
		t.Errorf("BlackIs1 did not invert: %v", err)
	}
	if _, err := decodeGray(imageSpec{width: 40, height: 20, bpc: 1, comps: 1, codec: codecCCITT, k: 1, columns: 40}, nil); err == nil {
		t.Errorf("two-dimensional Group 3 decoded without an error")
	}
	if _, err := decodeGray(imageSpec{width: 40, height: 20, codec: codecJBIG2}, nil); err == nil {
		t.Errorf("JBIG2 decoded without an error")
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, src, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	g, err = decodeGray(imageSpec{width: 40, height: 20, bpc: 8, comps: 1, space: "gray", codec: codecJPEG}, b.Bytes())
	if err != nil || g.Rect.Dx() != 40 || g.Pix[1] < 200 {
		t.Errorf("JPEG: %v", err)
	}
}

// TestOrient: an image drawn through any quarter turn or mirror comes out
// as it looks on the page.
func TestOrient(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 3, 2)) // 0 1 2 / 3 4 5
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
	}
	for _, tc := range []struct {
		name string
		m    matrix
		want []uint8
		w    int
	}{
		{"upright", matrix{3, 0, 0, 2, 0, 0}, []uint8{0, 1, 2, 3, 4, 5}, 3},
		{"upside down", matrix{-3, 0, 0, -2, 3, 2}, []uint8{5, 4, 3, 2, 1, 0}, 3},
		{"mirrored", matrix{-3, 0, 0, 2, 3, 0}, []uint8{2, 1, 0, 5, 4, 3}, 3},
		// Stored a quarter turned clockwise, drawn upright (pdfgen's
		// Rotate): the page shows 3 0 / 4 1 / 5 2.
		{"quarter", matrix{0, 3, -2, 0, 2, 0}, []uint8{2, 5, 1, 4, 0, 3}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := orient(src, tc.m)
			if g.Rect.Dx() != tc.w || !bytes.Equal(g.Pix, tc.want) {
				t.Errorf("got %dx%d %v, want width %d %v", g.Rect.Dx(), g.Rect.Dy(), g.Pix, tc.w, tc.want)
			}
		})
	}
}

// FuzzDecodeImage: any bytes, with any of the image layouts a PDF can
// declare, decode to an image of the declared size or fail with an
// error, never a panic.
func FuzzDecodeImage(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, uint8(0), uint8(8), uint8(2), uint8(2), int8(0), uint8(0))
	f.Add(pdfgen.EncodeG4(testImage()), uint8(5), uint8(1), uint8(40), uint8(20), int8(-1), uint8(0))
	f.Add([]byte{2, 1, 1, 0, 5, 5}, uint8(0), uint8(8), uint8(2), uint8(2), int8(0), uint8(15))
	spaces := []string{"gray", "rgb", "cmyk", "indexed", "separation", "mask"}
	comps := []int{1, 3, 4, 1, 1, 1}
	f.Fuzz(func(t *testing.T, data []byte, kind, bpc, w, h uint8, k int8, pred uint8) {
		s := imageSpec{width: int(w), height: int(h), bpc: int(bpc), codec: codecRaw, k: int(k), columns: int(w)}
		i := int(kind) % (len(spaces) + 2)
		switch {
		case i == len(spaces):
			s.codec, s.space, s.comps = codecCCITT, "gray", 1
		case i == len(spaces)+1:
			s.codec, s.space, s.comps = codecJPEG, "gray", 1
		default:
			s.space, s.comps = spaces[i], comps[i]
			if s.space == "indexed" {
				s.palette = []uint8{0, 255, 128}
			}
		}
		if pred > 0 {
			s.predictor, s.predColors, s.predBits, s.predCols = int(pred), s.comps, s.bpc, s.width
		}
		if s.check() != nil {
			return
		}
		g, err := decodeGray(s, data)
		if err == nil && s.codec != codecJPEG && (g.Rect.Dx() != s.width || g.Rect.Dy() != s.height) {
			t.Fatalf("%dx%d image from a %dx%d spec", g.Rect.Dx(), g.Rect.Dy(), s.width, s.height)
		}
	})
}

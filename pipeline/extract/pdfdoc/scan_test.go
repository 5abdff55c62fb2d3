package pdfdoc

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"testing"
)

// A page of paper (a scanned letter) is read by OCR in a PDF with a text
// layer; a photograph is not.
func TestPaperLike(t *testing.T) {
	page := image.NewRGBA(image.Rect(0, 0, 600, 800))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	for y := 100; y < 700; y += 20 { // lines of dark "text"
		draw.Draw(page, image.Rect(60, y, 540, y+8), image.Black, image.Point{}, draw.Src)
	}
	photo := image.NewRGBA(image.Rect(0, 0, 600, 800))
	for y := 0; y < 800; y++ {
		for x := 0; x < 600; x++ {
			photo.Set(x, y, color.RGBA{uint8(40 + x/5), uint8(90 + y/10), uint8(160 - x/6), 255})
		}
	}
	dim := image.NewGray(image.Rect(0, 0, 600, 800)) // a dark scan: mid-grey paper
	draw.Draw(dim, dim.Bounds(), image.NewUniform(color.Gray{120}), image.Point{}, draw.Src)
	enc := func(img image.Image, format string) Scan {
		var b bytes.Buffer
		var err error
		if format == "jpeg" {
			err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
		} else {
			err = png.Encode(&b, img)
		}
		if err != nil {
			t.Fatal(err)
		}
		return Scan{Format: format, Data: b.Bytes()}
	}
	for _, tc := range []struct {
		name string
		sc   Scan
		want bool
	}{
		{"a page of text, JPEG", enc(page, "jpeg"), true},
		{"a page of text, PNG", enc(page, "png"), true},
		{"a photograph", enc(photo, "jpeg"), false},
		{"a dark grey image", enc(dim, "png"), false},
		{"no image", Scan{Format: "png", Data: []byte("not a png")}, false},
	} {
		if got := paperLike(tc.sc); got != tc.want {
			t.Errorf("%s: paperLike %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Package ocr holds what nhsreview knows of Tesseract: how to call it
// (the command line, whether it is installed, its version) and how to read
// what it writes (hOCR) into words with their positions and confidence.
// Running it, with a deadline and a memory limit, is package extract's
// work, as running the PDF worker is.
package ocr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Page is what Tesseract read on one image, in the image's pixels (origin
// at the top-left, y down).
type Page struct {
	Width, Height int
	Lines         []Line
}

// Line is one line of text as Tesseract found it.
type Line struct {
	Box Box
	// Base is the baseline's y at the line's left edge; Size the height
	// of the line's text from descender to ascender (hOCR's x_size), about
	// the font size, in pixels.
	Base, Size float64
	// Par numbers the paragraphs of the page: lines with the same Par
	// were one paragraph to Tesseract.
	Par   int
	Words []Word
}

// Word is one word and Tesseract's confidence in it (0 to 100).
type Word struct {
	Box  Box
	Conf float64
	Text string
}

// Box is a rectangle in pixels.
type Box struct{ X0, Y0, X1, Y1 float64 }

// Limits of a page's hOCR, far beyond a real page (a dense A4 page at
// 600 dpi has about 1,500 words): hOCR comes from another program, and
// one run away must not take the parent's memory.
const (
	maxWords    = 200_000
	maxWordText = 1024
	maxHOCR     = 64 << 20
)

// Words counts the words of a page.
func (p *Page) Words() int {
	n := 0
	for _, l := range p.Lines {
		n += len(l.Words)
	}
	return n
}

// Confidence is the mean word confidence of the page (0 to 100), 0 when it
// has no words.
func (p *Page) Confidence() float64 {
	sum, n := 0.0, 0
	for _, l := range p.Lines {
		for _, w := range l.Words {
			sum += w.Conf
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// ParseHOCR reads Tesseract's hOCR output: the page's size, its lines
// (ocr_line, and the header, caption and floating-text lines Tesseract
// tells apart) and their words (ocrx_word) with bbox and x_wconf. Words
// outside a line get a line of their own. Empty words are dropped.
func ParseHOCR(data []byte) (*Page, error) {
	if len(data) > maxHOCR {
		return nil, fmt.Errorf("hOCR of %d bytes is larger than %d", len(data), maxHOCR)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	page := &Page{}
	type open struct {
		class string
	}
	var stack []open
	var line *Line
	var word *Word
	var text strings.Builder
	par, words := 0, 0
	sawPage := false
	endWord := func() {
		if word == nil {
			return
		}
		word.Text = strings.Join(strings.Fields(text.String()), " ")
		text.Reset()
		if word.Text != "" && line != nil {
			line.Words = append(line.Words, *word)
		}
		word = nil
	}
	endLine := func() {
		endWord()
		if line != nil && len(line.Words) > 0 {
			page.Lines = append(page.Lines, *line)
		}
		line = nil
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading hOCR: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			class, title := "", ""
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "class":
					class = a.Value
				case "title":
					title = a.Value
				}
			}
			stack = append(stack, open{class})
			if len(stack) > 64 {
				return nil, errors.New("reading hOCR: elements nested deeper than 64")
			}
			props := parseTitle(title)
			switch class {
			case "ocr_page":
				b, ok := props.box()
				if !ok {
					return nil, errors.New("reading hOCR: a page without a bbox")
				}
				page.Width, page.Height = int(b.X1), int(b.Y1)
				sawPage = true
			case "ocr_par":
				par++
			case "ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat":
				endLine()
				b, _ := props.box()
				line = &Line{Box: b, Par: par, Base: b.Y1, Size: b.Y1 - b.Y0}
				if bl := props["baseline"]; len(bl) == 2 {
					line.Base = b.Y1 + bl[1] // offset from the bottom-left corner
				}
				if xs := props["x_size"]; len(xs) == 1 && xs[0] > 0 {
					line.Size = xs[0]
				}
			case "ocrx_word":
				endWord()
				if words >= maxWords {
					return nil, fmt.Errorf("reading hOCR: more than %d words on a page", maxWords)
				}
				words++
				b, _ := props.box()
				word = &Word{Box: b}
				if c := props["x_wconf"]; len(c) == 1 {
					word.Conf = math.Max(0, math.Min(100, c[0]))
				}
				if line == nil {
					// A word outside any line: a line of its own.
					line = &Line{Box: b, Par: par, Base: b.Y1, Size: b.Y1 - b.Y0}
				}
			}
		case xml.EndElement:
			if n := len(stack); n > 0 {
				switch stack[n-1].class {
				case "ocrx_word":
					endWord()
				case "ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat":
					endLine()
				}
				stack = stack[:n-1]
			}
		case xml.CharData:
			if word != nil && text.Len() < maxWordText {
				text.Write(t)
			}
		}
	}
	endLine()
	if !sawPage {
		return nil, errors.New("reading hOCR: no ocr_page")
	}
	if page.Width <= 0 || page.Height <= 0 || page.Width > 1<<20 || page.Height > 1<<20 {
		return nil, fmt.Errorf("reading hOCR: page of %d×%d pixels", page.Width, page.Height)
	}
	return page, nil
}

// titleProps are the properties of an hOCR title attribute:
// "bbox 0 0 10 10; x_wconf 95" gives bbox [0 0 10 10] and x_wconf [95].
type titleProps map[string][]float64

func parseTitle(s string) titleProps {
	p := titleProps{}
	for _, part := range strings.Split(s, ";") {
		f := strings.Fields(part)
		if len(f) < 2 {
			continue
		}
		var nums []float64
		for _, x := range f[1:] {
			v, err := strconv.ParseFloat(x, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				nums = nil
				break
			}
			nums = append(nums, v)
		}
		if nums != nil {
			p[f[0]] = nums
		}
	}
	return p
}

func (p titleProps) box() (Box, bool) {
	b := p["bbox"]
	if len(b) != 4 || b[2] < b[0] || b[3] < b[1] {
		return Box{}, false
	}
	return Box{b[0], b[1], b[2], b[3]}, true
}

package pdfgen

import (
	"fmt"
	"slices"
	"strconv"
)

// Content is a content stream under construction. Operator methods append
// one operator each and record the fonts and XObjects used, from which the
// builder makes the /Resources dictionary. Text passed to Tj and friends is
// Unicode; it is encoded with the current font (set by Tf).
//
// Errors (text a font cannot encode, Tj before Tf, clashing resource names)
// are sticky: the first is kept, later calls are ignored, and Doc.Build
// returns it.
type Content struct {
	// Filter encodes the stream when the document is built.
	Filter Filter

	buf      []byte
	font     *Font
	fonts    []*Font
	xobjects []XObject
	err      error
	// scratch is reused for encoded text, which matters for ManyPages.
	scratch []byte
}

// NewContent returns an empty content stream.
func NewContent() *Content { return &Content{} }

// Err returns the first error met while writing operators.
func (c *Content) Err() error { return c.err }

// Bytes returns the operators written so far, unencoded.
func (c *Content) Bytes() []byte { return c.buf }

func (c *Content) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// op writes numeric operands followed by an operator.
func (c *Content) op(name string, args ...float64) {
	for _, a := range args {
		c.buf = appendNum(c.buf, a)
		c.buf = append(c.buf, ' ')
	}
	c.buf = append(c.buf, name...)
	c.buf = append(c.buf, '\n')
}

// Raw appends operators verbatim, for syntax the helpers do not cover
// (including deliberately broken syntax).
func (c *Content) Raw(ops string) {
	c.buf = append(c.buf, ops...)
	if len(ops) > 0 && ops[len(ops)-1] != '\n' {
		c.buf = append(c.buf, '\n')
	}
}

// BT begins a text object.
func (c *Content) BT() { c.op("BT") }

// ET ends a text object.
func (c *Content) ET() { c.op("ET") }

// Tf selects font f at size points and records it as a resource.
func (c *Content) Tf(f *Font, size float64) {
	if i := slices.IndexFunc(c.fonts, func(g *Font) bool { return g.Res == f.Res }); i >= 0 && c.fonts[i] != f {
		c.fail(fmt.Errorf("two fonts named %s in one content stream", f.Res))
		return
	} else if i < 0 {
		c.fonts = append(c.fonts, f)
	}
	c.font = f
	c.buf = append(c.buf, '/')
	c.buf = append(c.buf, f.Res...)
	c.buf = append(c.buf, ' ')
	c.op("Tf", size)
}

// Td moves to the start of the next line, offset from the current line start.
func (c *Content) Td(tx, ty float64) { c.op("Td", tx, ty) }

// TD is Td that also sets the leading to -ty.
func (c *Content) TD(tx, ty float64) { c.op("TD", tx, ty) }

// Tm sets the text matrix (and line matrix).
func (c *Content) Tm(a, b, cc, d, e, f float64) { c.op("Tm", a, b, cc, d, e, f) }

// TStar moves to the next line using the leading (T*).
func (c *Content) TStar() { c.op("T*") }

// TL sets the leading.
func (c *Content) TL(leading float64) { c.op("TL", leading) }

// Tc sets the character spacing, in unscaled text space units.
func (c *Content) Tc(v float64) { c.op("Tc", v) }

// Tw sets the word spacing, applied to single-byte code 32 only.
func (c *Content) Tw(v float64) { c.op("Tw", v) }

// Tz sets the horizontal scaling in percent.
func (c *Content) Tz(percent float64) { c.op("Tz", percent) }

// Ts sets the text rise.
func (c *Content) Ts(v float64) { c.op("Ts", v) }

// appendText encodes s with the current font: a literal string for simple
// fonts, a hex string for 2-byte fonts (as producers do).
func (c *Content) appendText(s string, hex bool) bool {
	if c.font == nil {
		c.fail(fmt.Errorf("text %q shown before any Tf", s))
		return false
	}
	codes, err := c.font.encode(c.scratch[:0], s)
	if err != nil {
		c.fail(err)
		return false
	}
	c.scratch = codes
	if hex || c.font.twoByte() {
		c.buf = appendHex(c.buf, codes)
	} else {
		c.buf = appendLiteral(c.buf, codes)
	}
	return true
}

// Tj shows s.
func (c *Content) Tj(s string) {
	if c.appendText(s, false) {
		c.op(" Tj")
	}
}

// TjHex shows s written as a hex string.
func (c *Content) TjHex(s string) {
	if c.appendText(s, true) {
		c.op(" Tj")
	}
}

// TJ shows an array of strings and numeric adjustments. A number is in
// thousandths of a text-space unit and moves the next glyph left (positive)
// or right (negative): producers use large negative values as word spaces
// and small ones as kerning. Parts must be string, int or float64.
func (c *Content) TJ(parts ...any) {
	c.buf = append(c.buf, '[')
	for _, p := range parts {
		switch x := p.(type) {
		case string:
			if !c.appendText(x, false) {
				return
			}
		case int:
			c.numSep()
			c.buf = strconv.AppendInt(c.buf, int64(x), 10)
		case float64:
			c.numSep()
			c.buf = appendNum(c.buf, x)
		default:
			c.fail(fmt.Errorf("TJ part of type %T", p))
			return
		}
	}
	c.op("] TJ")
}

// numSep separates two adjacent numbers in a TJ array.
func (c *Content) numSep() {
	if n := len(c.buf); n > 0 && (c.buf[n-1] == '.' || c.buf[n-1] >= '0' && c.buf[n-1] <= '9') {
		c.buf = append(c.buf, ' ')
	}
}

// Quote moves to the next line and shows s (the ' operator).
func (c *Content) Quote(s string) {
	if c.appendText(s, false) {
		c.op(" '")
	}
}

// DoubleQuote sets word and character spacing, moves to the next line and
// shows s (the " operator).
func (c *Content) DoubleQuote(aw, ac float64, s string) {
	c.buf = appendNum(c.buf, aw)
	c.buf = append(c.buf, ' ')
	c.buf = appendNum(c.buf, ac)
	c.buf = append(c.buf, ' ')
	if c.appendText(s, false) {
		c.op(" \"")
	}
}

// Cm concatenates a matrix to the current transformation matrix.
func (c *Content) Cm(a, b, cc, d, e, f float64) { c.op("cm", a, b, cc, d, e, f) }

// Save pushes the graphics state (q).
func (c *Content) Save() { c.op("q") }

// Restore pops the graphics state (Q).
func (c *Content) Restore() { c.op("Q") }

// Gray sets the fill colour to a grey level, 0 black to 1 white.
func (c *Content) Gray(level float64) { c.op("g", level) }

// Rect appends a rectangle to the path (re).
func (c *Content) Rect(x, y, w, h float64) { c.op("re", x, y, w, h) }

// Fill fills the path (f).
func (c *Content) Fill() { c.op("f") }

// FillRect draws a filled rectangle, as table rules and shaded boxes are.
func (c *Content) FillRect(x, y, w, h float64) {
	c.Rect(x, y, w, h)
	c.Fill()
}

// Do paints an XObject and records it as a resource.
func (c *Content) Do(x XObject) {
	name := x.resName()
	if i := slices.IndexFunc(c.xobjects, func(y XObject) bool { return y.resName() == name }); i >= 0 && c.xobjects[i] != x {
		c.fail(fmt.Errorf("two XObjects named %s in one content stream", name))
		return
	} else if i < 0 {
		c.xobjects = append(c.xobjects, x)
	}
	c.buf = append(c.buf, '/')
	c.buf = append(c.buf, name...)
	c.op(" Do")
}

// InlineImage writes an 8-bit DeviceGray inline image of w×h samples
// (BI ... ID data EI). The data is written raw, so bytes such as '(' in it
// must be skipped by a reader that knows the image's length.
func (c *Content) InlineImage(w, h int, data []byte) {
	if len(data) != w*h {
		c.fail(fmt.Errorf("inline image %dx%d needs %d bytes, got %d", w, h, w*h, len(data)))
		return
	}
	c.buf = fmt.Appendf(c.buf, "BI /W %d /H %d /BPC 8 /CS /G ID ", w, h)
	c.buf = append(c.buf, data...)
	c.buf = append(c.buf, "\nEI\n"...)
}

// Text shows s at (x, y) in a BT/ET block of its own, positioned with Tm.
// PDF y grows upward from the bottom of the page.
func (c *Content) Text(f *Font, size, x, y float64, s string) {
	c.BT()
	c.Tf(f, size)
	c.Tm(1, 0, 0, 1, x, y)
	c.Tj(s)
	c.ET()
}

// Lines shows lines top-down from baseline (x, y), leading points apart,
// in one BT/ET block using TL, Td and T* as word processors do.
func (c *Content) Lines(f *Font, size, x, y, leading float64, lines ...string) {
	c.BT()
	c.Tf(f, size)
	c.TL(leading)
	c.Td(x, y)
	for i, l := range lines {
		if i > 0 {
			c.TStar()
		}
		c.Tj(l)
	}
	c.ET()
}

package pdfdoc

import (
	"fmt"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
	"github.com/nhsreview/nhsreview/internal/lazyre"
)

// matrix is a PDF transformation [a b c d e f] (row-vector convention:
// [x y 1] × M).
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// rect maps the rectangle with corners (x0, y0) and (x1, y1) through m;
// axis-aligned matrices, which are what tables are drawn with, keep it a
// rectangle.
func (m matrix) rect(x0, y0, x1, y1 float64) rule {
	ax, ay := m.apply(x0, y0)
	bx, by := m.apply(x1, y1)
	return rule{math.Min(ax, bx), math.Min(ay, by), math.Max(ax, bx), math.Max(ay, by)}
}

// span is one shown string: where its first glyph starts and its last ends,
// in device space (points, y up, page origin at the bottom-left).
type span struct {
	x0, y0, x1, y1 float64
	size           float64
	text           string
	bold           bool
	upright        bool // horizontal, left to right
}

// gstate is the part of the graphics state the walker needs; q/Q save and
// restore it whole (the text state is part of the graphics state).
type gstate struct {
	ctm                        matrix
	tc, tw, th, tl, tfs, trise float64
	font                       *font
	tmode                      int
}

// pageWalker interprets one page's content streams (and the forms they
// call) and collects spans.
type pageWalker struct {
	x       *extractor
	g       gstate
	stack   []gstate
	tm, tlm matrix
	spans   []span
	rules   []rule
	images  []imageDraw
	ops     int
	// fonts resolved in the resources being interpreted, by resource name
	fonts map[string]*font
	res   pdf.Value
	depth int
	// forms being interpreted, by stream identity, to stop cycles
	active map[string]bool
	args   []operand // libraryOp's
	// fontRefs are the object references of the fonts in res (see
	// fontFor); nil until first needed.
	fontRefs map[string]string
	text     []byte // scratch for show
	err      error
}

// formContent is a form's reduced content and its rules (reduceContent).
type formContent struct {
	data  []byte
	rules []rule
}

// maxFormCache bounds the bytes of decoded forms kept for reuse.
const maxFormCache = 32 << 20

var fallbackFont = &font{scale: 0.001, sizeScale: 1, fixed: 0.5, dw: 1}

// errTooManyOps stops a page whose content never ends (a loop of forms, a
// stream of millions of operators).
var errTooManyOps = fmt.Errorf("page has too many content operators")

// formCost is what drawing a form takes from the page's operator budget:
// each draw sets up a reader for the form's content, which costs as much
// as a few hundred operators, so forms that draw each other twice at every
// level (2^40 draws) must run out of budget, not out of time.
const formCost = 200

func (w *pageWalker) run(data []byte) error {
	data, useful, rules := reduceContent(stripInlineImages(data))
	w.addRules(rules)
	if !useful {
		return nil
	}
	return w.runContent(data)
}

// fontFor resolves a font resource name in the current resources, once per
// resources dictionary, and shares parsed fonts across pages by their
// dictionary's text (two pages naming different fonts /F1 stay distinct).
func (w *pageWalker) fontFor(name []byte) *font {
	if f, ok := w.fonts[string(name)]; ok {
		return f
	}
	return w.loadFontFor(string(name))
}

// loadFontFor is fontFor the first time the resources name a font.
func (w *pageWalker) loadFontFor(name string) *font {
	// A font is known by its object number, read off the text of the
	// /Font dictionary ("/F1 12 0 R"), which is short: the text of the
	// font dictionary itself, the fallback for fonts written inline, can
	// hold a whole /Widths array.
	fontDict := w.res.Key("Font")
	if w.fontRefs == nil {
		w.fontRefs = fontRefs(fontDict.String())
	}
	key, indirect := w.fontRefs[name]
	var v pdf.Value
	if !indirect {
		v = fontDict.Key(name)
		key = v.String()
	}
	f, ok := w.x.fonts[key]
	if !ok {
		if indirect {
			v = fontDict.Key(name)
		}
		f = w.x.loadFont(v)
		w.x.fonts[key] = f
	}
	w.fonts[name] = f
	return f
}

var fontRefRE = lazyre.New(`/([^\s/<>\[\]()]+) (\d+ \d+ R)`)

// fontRefs maps the names of a /Font dictionary's text to the object
// references they stand for. Only the dictionary's own entries count: a
// font written inline may hold dictionaries naming other fonts (a Type3
// font's /Resources), whose /F1 is not the page's /F1.
func fontRefs(dict string) map[string]string {
	var top strings.Builder
	depth := 0
	for i := 0; i < len(dict); i++ {
		switch {
		case dict[i] == '"':
			// The library prints strings Go-quoted: skip to the closing
			// quote, so that a "<<" in a string counts for nothing.
			for i++; i < len(dict) && dict[i] != '"'; i++ {
				if dict[i] == '\\' {
					i++
				}
			}
		case strings.HasPrefix(dict[i:], "<<"):
			depth++
			i++
			top.WriteByte(' ')
		case strings.HasPrefix(dict[i:], ">>"):
			depth--
			i++
			top.WriteByte(' ')
		case depth == 1:
			top.WriteByte(dict[i])
		}
	}
	refs := map[string]string{}
	for _, m := range fontRefRE.FindAllStringSubmatch(top.String(), -1) {
		refs[m[1]] = m[2]
	}
	return refs
}

// libraryOp is op as pdf.Interpret calls it, for the streams left to the
// library (runContent): the operands become what the walker reads.
func (w *pageWalker) libraryOp(stk *pdf.Stack, op string) {
	n := stk.Len()
	if cap(w.args) < n {
		w.args = make([]operand, n)
	}
	args := w.args[:n]
	for i := n - 1; i >= 0; i-- {
		args[i] = operandOf(stk.Pop())
	}
	w.op(op, args)
}

// operandOf is a library value as an operand.
func operandOf(v pdf.Value) operand {
	switch v.Kind() {
	case pdf.Bool:
		return operand{kind: operandBool}
	case pdf.Integer:
		return operand{kind: operandInteger, num: v.Float64()}
	case pdf.Real:
		return operand{kind: operandReal, num: v.Float64()}
	case pdf.String:
		return operand{kind: operandString, str: []byte(v.RawString())}
	case pdf.Name:
		return operand{kind: operandName, str: []byte(v.Name())}
	case pdf.Dict:
		return operand{kind: operandDict}
	case pdf.Array:
		arr := make([]operand, v.Len())
		for i := range arr {
			arr[i] = operandOf(v.Index(i))
		}
		return operand{kind: operandArray, arr: arr}
	}
	return operand{}
}

// op runs one content operator with its operands.
func (w *pageWalker) op(op string, args []operand) {
	w.ops++
	if w.ops > w.x.opt.MaxOps {
		if w.err == nil {
			w.err = errTooManyOps
		}
		return
	}
	num := func(i int) float64 {
		if i < len(args) {
			return args[i].float()
		}
		return 0
	}
	switch op {
	case "q":
		if len(w.stack) < 256 {
			w.stack = append(w.stack, w.g)
		}
	case "Q":
		if k := len(w.stack); k > 0 {
			w.g = w.stack[k-1]
			w.stack = w.stack[:k-1]
		}
	case "cm":
		if len(args) == 6 {
			m := matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
			w.g.ctm = m.mul(w.g.ctm)
		}
	case "BT":
		w.tm, w.tlm = identity, identity
	case "Tc":
		w.g.tc = num(0)
	case "Tw":
		w.g.tw = num(0)
	case "Tz":
		w.g.th = num(0) / 100
	case "TL":
		w.g.tl = num(0)
	case "Ts":
		w.g.trise = num(0)
	case "Tr":
		w.g.tmode = int(num(0))
	case "Tf":
		if len(args) >= 2 {
			w.g.font = w.fontFor(args[0].name())
			w.g.tfs = num(1)
		}
	case "Td":
		w.moveLine(num(0), num(1))
	case "TD":
		w.g.tl = -num(1)
		w.moveLine(num(0), num(1))
	case "Tm":
		if len(args) == 6 {
			w.tm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
			w.tlm = w.tm
		}
	case "T*":
		w.moveLine(0, -w.g.tl)
	case "Tj":
		if len(args) >= 1 {
			w.show(args[0].text())
		}
	case "'":
		w.moveLine(0, -w.g.tl)
		if len(args) >= 1 {
			w.show(args[0].text())
		}
	case "\"":
		if len(args) == 3 {
			w.g.tw, w.g.tc = num(0), num(1)
			w.moveLine(0, -w.g.tl)
			w.show(args[2].text())
		}
	case "TJ":
		if len(args) >= 1 {
			for _, el := range args[0].arr {
				if el.kind == operandString {
					w.show(el.str)
				} else {
					tx := -el.float() / 1000 * w.g.tfs * w.g.th
					w.tm = matrix{1, 0, 0, 1, tx, 0}.mul(w.tm)
				}
			}
		}
	case "Do":
		if len(args) >= 1 {
			w.form(string(args[0].name()))
		}
	}
}

// addRules places a stream's rules (reduceContent) on the page with the
// matrix the stream starts with.
func (w *pageWalker) addRules(rules []rule) {
	for _, r := range rules {
		if len(w.rules) >= maxRules {
			return
		}
		w.rules = append(w.rules, w.g.ctm.rect(r.x0, r.y0, r.x1, r.y1))
	}
}

// rule is a drawn line or thin rectangle, in device space.
type rule struct{ x0, y0, x1, y1 float64 }

// maxRules bounds the rules kept for one page (a drawn chart can have
// thousands of segments; tables need far fewer).
const maxRules = 4096

func (w *pageWalker) moveLine(tx, ty float64) {
	w.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(w.tlm)
	w.tm = w.tlm
}

// show lays out one string: it advances the text matrix glyph by glyph with
// the font's widths, the character and word spacing and the horizontal
// scaling, and records the string as a span.
func (w *pageWalker) show(s []byte) {
	if len(s) == 0 {
		return
	}
	f := w.g.font
	if f == nil {
		f = fallbackFont
	}
	g := &w.g
	m := w.tm.mul(g.ctm)
	// The run's text is gathered in a buffer reused from run to run and
	// made a string once: building it glyph by glyph was a fifth of all
	// the extractor's allocations.
	b := w.text[:0]
	tx := 0.0
	step := 1
	if f.twoByte {
		step = 2
	}
	for i := 0; i+step <= len(s); i += step {
		code := int(s[i])
		if step == 2 {
			code = code<<8 | int(s[i+1])
		}
		b = append(b, f.decode(code)...)
		adv := f.width(code)*g.tfs + g.tc
		if step == 1 && code == 32 {
			adv += g.tw
		}
		tx += adv * g.th
	}
	x0, y0 := m.apply(0, g.trise)
	x1, y1 := m.apply(tx, g.trise)
	w.tm = matrix{1, 0, 0, 1, tx, 0}.mul(w.tm)
	size := math.Abs(g.tfs) * math.Hypot(m[2], m[3]) * f.sizeScale
	w.text = b
	if len(b) == 0 {
		return
	}
	text := string(b)
	w.spans = append(w.spans, span{
		x0: x0, y0: y0, x1: x1, y1: y1,
		size:    size,
		text:    text,
		bold:    f.bold || g.tmode == 2,
		upright: m[0] > 0 && math.Abs(m[1]) <= 0.1*m[0],
	})
}

// form interprets a Form XObject with its own resources and matrix.
func (w *pageWalker) form(name string) {
	xo := w.res.Key("XObject").Key(name)
	if xo.Kind() != pdf.Stream {
		return
	}
	switch xo.Key("Subtype").Name() {
	case "Image":
		// Where images are drawn is what finds a scanned page's image
		// for OCR (scan.go); the pixels are read only if it is wanted.
		if len(w.images) < maxImageDraws {
			w.images = append(w.images, imageDraw{ctm: w.g.ctm, xo: xo})
		}
		return
	case "Form":
	default:
		return
	}
	id := xo.String() // ends in the stream's file offset: unique per stream
	if w.active[id] {
		w.x.warnOnce("a form XObject draws itself; the loop was cut")
		return
	}
	if w.depth >= w.x.opt.MaxFormDepth {
		w.x.warnOnce(fmt.Sprintf("form XObjects nested deeper than %d; deeper ones skipped (--max-depth)", w.x.opt.MaxFormDepth))
		return
	}
	w.ops += formCost
	fc, ok := w.x.forms[id]
	if !ok {
		raw, err := w.x.streamData(xo)
		if err != nil {
			w.x.warnOnce(fmt.Sprintf("a form XObject could not be read: %v", err))
		}
		var useful bool
		fc.data, useful, fc.rules = reduceContent(stripInlineImages(raw))
		if !useful {
			fc.data = nil
		}
		// Forms drawn on every page (templates, logos) are decoded once.
		if size := len(fc.data) + 32*len(fc.rules); w.x.formBytes+size < maxFormCache {
			w.x.forms[id] = fc
			w.x.formBytes += size
		}
	}
	var fm matrix
	hasMatrix := false
	if m := xo.Key("Matrix"); m.Len() == 6 {
		fm = matrix{m.Index(0).Float64(), m.Index(1).Float64(), m.Index(2).Float64(), m.Index(3).Float64(), m.Index(4).Float64(), m.Index(5).Float64()}
		hasMatrix = true
	}
	if len(fc.rules) > 0 {
		ctm := w.g.ctm
		if hasMatrix {
			w.g.ctm = fm.mul(ctm)
		}
		w.addRules(fc.rules)
		w.g.ctm = ctm
	}
	data := fc.data
	if len(data) == 0 {
		return
	}
	saved := struct {
		g       gstate
		stack   []gstate
		tm, tlm matrix
		fonts   map[string]*font
		refs    map[string]string
		res     pdf.Value
	}{w.g, w.stack, w.tm, w.tlm, w.fonts, w.fontRefs, w.res}
	if hasMatrix {
		w.g.ctm = fm.mul(w.g.ctm)
	}
	if r := xo.Key("Resources"); r.Kind() == pdf.Dict {
		w.res = r
		w.fonts = map[string]*font{}
		w.fontRefs = nil
	}
	w.stack = nil
	w.active[id] = true
	w.depth++
	if err := w.runContent(data); err != nil {
		w.x.warnOnce(fmt.Sprintf("a form XObject could not be read: %v", err))
	}
	w.depth--
	delete(w.active, id)
	w.g, w.stack, w.tm, w.tlm, w.fonts, w.fontRefs, w.res = saved.g, saved.stack, saved.tm, saved.tlm, saved.fonts, saved.refs, saved.res
}

package pdfdoc

import (
	"errors"
	"strings"

	"github.com/ledongthuc/pdf"
)

// font is everything the walker needs from a font dictionary, read once.
// The library's Font.Width resolves the dictionary again for every glyph,
// which is where Page.Content spends most of its time.
type font struct {
	name    string // BaseFont without the subset prefix
	bold    bool
	twoByte bool // composite (Type0) font: two-byte codes

	// widths of simple fonts, already divided into text-space units
	first  int
	widths []float64
	// widths of composite fonts
	cidW  map[int]float64
	dw    float64
	std   *[95]uint16 // standard-14 metrics when the font has no widths
	fixed float64     // fixed width in text space when known (Courier), or fallback
	// scale converts glyph-space widths into text space (1/1000, or the
	// FontMatrix of a Type3 font); sizeScale corrects the font size of Type3
	// fonts whose glyph space is not 1/1000 of an em.
	scale     float64
	sizeScale float64

	uni *toUnicode
	enc pdf.TextEncoding

	one [256]string
	got [256]bool
	two map[uint32]string
}

// loadFont reads a font dictionary. It never panics: a font that cannot be
// read decodes bytes as Latin-1 with average widths.
func (x *extractor) loadFont(v pdf.Value) (f *font) {
	f = &font{scale: 0.001, sizeScale: 1, dw: 1, fixed: 0.5}
	defer func() {
		if r := recover(); r != nil {
			x.warnOnce("a font could not be read; its text may be wrong")
			f.enc = nil
		}
	}()
	if v.Kind() != pdf.Dict {
		return f
	}
	base := v.Key("BaseFont").Name()
	if i := strings.IndexByte(base, '+'); i >= 0 && i <= 7 {
		base = base[i+1:]
	}
	f.name = base
	sub := v.Key("Subtype").Name()
	desc := v.Key("FontDescriptor")
	if sub == "Type0" {
		f.twoByte = true
		df := v.Key("DescendantFonts").Index(0)
		desc = df.Key("FontDescriptor")
		f.dw = 1
		if d := df.Key("DW"); d.Kind() == pdf.Integer || d.Kind() == pdf.Real {
			f.dw = d.Float64() / 1000
		}
		if f.cidW = readCIDWidths(df.Key("W")); f.cidW == nil {
			f.cidW = map[int]float64{}
		}
	} else {
		f.first = int(v.Key("FirstChar").Int64())
		ws := v.Key("Widths")
		n := ws.Len()
		if n > 65536 {
			n = 65536
		}
		if n > 0 {
			f.widths = make([]float64, n)
			for i := 0; i < n; i++ {
				f.widths[i] = ws.Index(i).Float64()
			}
		}
		if sub == "Type3" {
			if m := v.Key("FontMatrix"); m.Len() >= 4 && m.Index(0).Float64() != 0 {
				f.scale = m.Index(0).Float64()
				f.sizeScale = m.Index(3).Float64() * 1000
				if f.sizeScale <= 0 {
					f.sizeScale = 1
				}
			}
		}
		for i := range f.widths {
			f.widths[i] *= f.scale
		}
		if f.widths == nil {
			f.std, f.fixed = standardMetrics(base)
			f.fixed /= 1000
			if f.fixed == 0 {
				f.fixed = 0.5
			}
		}
	}
	if mw := desc.Key("MissingWidth"); mw.Kind() == pdf.Integer || mw.Kind() == pdf.Real {
		if w := mw.Float64() * f.scale; w > 0 {
			f.fixed = w
		}
	}
	lower := strings.ToLower(base)
	f.bold = strings.Contains(lower, "bold") || strings.Contains(lower, "black") ||
		strings.Contains(lower, "heavy") || strings.Contains(lower, "semibold") ||
		strings.Contains(lower, "demi") || desc.Key("FontWeight").Float64() >= 600 ||
		desc.Key("Flags").Int64()&(1<<18) != 0
	cutMap := false
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		data, err := x.streamData(tu)
		if errors.Is(err, errStreamLimit) {
			x.warnOnce("a font's ToUnicode map was cut: " + err.Error())
			cutMap = true
		}
		if err == nil || len(data) > 0 {
			if cm := parseToUnicode(data); len(cm.m) > 0 {
				f.uni = cm
			}
		}
	}
	// Without an /Encoding (or with Identity-H) the library's encoder is
	// built from the ToUnicode stream, which it reads whole with no limit:
	// not again for a map already cut as a bomb.
	enc := v.Key("Encoding")
	libraryReadsMap := enc.Kind() == pdf.Null || enc.Name() == "Identity-H"
	if (f.uni == nil || !f.twoByte) && !(cutMap && libraryReadsMap) {
		// The library's encoder handles WinAnsi, MacRoman, Differences and
		// Identity-H; it is the fallback for codes the ToUnicode map lacks.
		lf := pdf.Font{V: v}
		f.enc = lf.Encoder()
	}
	if f.twoByte && f.uni != nil && f.uni.codeLen[1] && !f.uni.codeLen[2] {
		// A composite font with a one-byte CMap (rare, but real).
		f.twoByte = false
	}
	if f.twoByte {
		f.two = make(map[uint32]string)
	}
	return f
}

// readCIDWidths reads a /W array: c [w1 w2 ...] or cfirst clast w.
func readCIDWidths(w pdf.Value) map[int]float64 {
	out := make(map[int]float64)
	n := w.Len()
	for i := 0; i < n; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && j < 65536; j++ {
				out[c+j] = next.Index(j).Float64() / 1000
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		wd := w.Index(i+2).Float64() / 1000
		if last-c > 65536 || last < c {
			i += 3
			continue
		}
		for k := c; k <= last; k++ {
			out[k] = wd
		}
		i += 3
	}
	return out
}

// width returns the advance of code in text-space units (before the font size).
func (f *font) width(code int) float64 {
	if f.cidW != nil {
		if w, ok := f.cidW[code]; ok {
			return w
		}
		return f.dw
	}
	if i := code - f.first; f.widths != nil && i >= 0 && i < len(f.widths) {
		if w := f.widths[i]; w > 0 {
			return w
		}
		return f.fixed
	}
	if f.std != nil && code >= 32 && code <= 126 {
		return float64(f.std[code-32]) / 1000
	}
	return f.fixed
}

// decode returns the text of one code, memoised per font.
func (f *font) decode(code int) string {
	if !f.twoByte {
		if f.got[code] {
			return f.one[code]
		}
		s := f.decodeUncached(code)
		f.one[code], f.got[code] = s, true
		return s
	}
	if s, ok := f.two[uint32(code)]; ok {
		return s
	}
	s := f.decodeUncached(code)
	if f.two == nil {
		// loadFont recovered from a damaged font after it knew the font
		// was two-byte but before it made the cache.
		f.two = make(map[uint32]string)
	}
	f.two[uint32(code)] = s
	return s
}

func (f *font) decodeUncached(code int) (s string) {
	defer func() {
		if recover() != nil {
			s = "\uFFFD"
		}
	}()
	if f.uni != nil {
		if s, ok := f.uni.m[uint32(code)]; ok {
			return s
		}
	}
	if f.twoByte {
		if f.enc != nil {
			return f.enc.Decode(string([]byte{byte(code >> 8), byte(code)}))
		}
		return "\uFFFD"
	}
	if f.enc != nil {
		return f.enc.Decode(string([]byte{byte(code)}))
	}
	return string(rune(code))
}

package pdfgen

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

type fontKind int

const (
	kindStandard14 fontKind = iota
	kindWinAnsi
	kindDifferences
	kindToUnicode
	kindType0
)

// Font is a font resource. Fonts are never embedded: extractors only need
// the dictionaries, and viewers substitute a system font.
//
// A Font is used by pointer; one Font used on several pages becomes one
// font object. A Type0 font assigns CIDs as text is encoded, so it must
// not be shared between goroutines or documents being built concurrently.
type Font struct {
	// Res is the resource name used in content streams (/F1). Two
	// different fonts may share a resource name on different pages,
	// which is how merged board packs look.
	Res string

	m    *Metrics
	kind fontKind
	// codes maps character codes of a simple font to the Unicode text
	// they stand for (0: no glyph).
	codes [256]rune
	// cids and order hold a Type0 font's CID assignment, in order of
	// first use (CID 0 is .notdef).
	cids  map[rune]int
	order []rune
}

// Metrics returns the widths used to lay text out in this font.
func (f *Font) Metrics() *Metrics { return f.m }

// Bold reports whether the font's name says bold, as extractors infer it.
func (f *Font) Bold() bool { return strings.Contains(f.m.Name, "Bold") }

// Standard14 is a standard Type1 font with neither /Widths nor /Encoding,
// as old producers write them: the reader must know the built-in metrics
// and StandardEncoding (where code 39 is a right single quote).
func Standard14(res string, m *Metrics) *Font {
	f := &Font{Res: res, m: m, kind: kindStandard14}
	for c := 32; c <= 126; c++ {
		f.codes[c] = rune(c)
	}
	f.codes['\''] = '’'
	f.codes['`'] = '‘'
	for c, r := range map[int]rune{0xA9: '\'', 0xC1: '`', 0xB7: '•', 0xB1: '–', 0xD0: '—', 0xAE: 'ﬁ', 0xAF: 'ﬂ', 0xA3: '£', 0xAA: '“', 0xBA: '”', 0x60: '‘'} {
		f.codes[c] = r
	}
	return f
}

// WinAnsi is a simple font with /FirstChar, /LastChar, /Widths from the
// metrics and /Encoding /WinAnsiEncoding, as word processors write them.
func WinAnsi(res string, m *Metrics) *Font {
	f := &Font{Res: res, m: m, kind: kindWinAnsi}
	f.setWinAnsi()
	return f
}

func (f *Font) setWinAnsi() {
	for c := 32; c <= 126; c++ {
		f.codes[c] = rune(c)
	}
	for c, r := range map[int]rune{0x80: '€', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0xA3: '£', 0xE9: 'é'} {
		f.codes[c] = r
	}
}

// Differences is a WinAnsi font whose /Encoding dictionary remaps codes 1
// and 2 to the glyphs /fi and /fl with /Differences, and has no ToUnicode:
// the reader must map glyph names to Unicode.
func Differences(res string, m *Metrics) *Font {
	f := &Font{Res: res, m: m, kind: kindDifferences}
	f.setWinAnsi()
	f.codes[1] = 'ﬁ'
	f.codes[2] = 'ﬂ'
	return f
}

// ToUnicode is a simple font without /Encoding whose /ToUnicode CMap maps
// ASCII codes to themselves and codes 1 and 2 to U+FB01 and U+FB02 (the fi
// and fl ligatures), so the text reads correctly only after NFKC.
func ToUnicode(res string, m *Metrics) *Font {
	f := &Font{Res: res, m: m, kind: kindToUnicode}
	for c := 32; c <= 126; c++ {
		f.codes[c] = rune(c)
	}
	f.codes[1] = 'ﬁ'
	f.codes[2] = 'ﬂ'
	return f
}

// Type0 is a composite font with /Encoding /Identity-H, a CIDFontType2
// descendant with /DW and /W, and a /ToUnicode CMap with 2-byte codes.
// CIDs are assigned from 1 in order of first use, as in a subset font, so
// the codes carry no meaning without the CMap.
func Type0(res string, m *Metrics) *Font {
	return &Font{Res: res, m: m, kind: kindType0, cids: make(map[rune]int)}
}

// twoByte reports whether the font's codes are 2 bytes wide.
func (f *Font) twoByte() bool { return f.kind == kindType0 }

// encode appends the character codes of text s in this font to out.
func (f *Font) encode(out []byte, s string) ([]byte, error) {
	if f.kind == kindType0 {
		for _, r := range s {
			cid, ok := f.cids[r]
			if !ok {
				if len(f.order) >= 0xFFFE {
					return nil, fmt.Errorf("font %s: too many characters", f.Res)
				}
				f.order = append(f.order, r)
				cid = len(f.order)
				f.cids[r] = cid
			}
			out = append(out, byte(cid>>8), byte(cid))
		}
		return out, nil
	}
	for _, r := range s {
		c, ok := f.code(r)
		if !ok {
			return nil, fmt.Errorf("font %s (%s): no code for %q", f.Res, f.m.Name, r)
		}
		out = append(out, c)
	}
	return out, nil
}

func (f *Font) code(r rune) (byte, bool) {
	if r >= 32 && r <= 126 && f.codes[r] == r {
		return byte(r), true
	}
	for c, x := range f.codes {
		if x == r && r != 0 {
			return byte(c), true
		}
	}
	return 0, false
}

func (f *Font) descriptor(file *File) Ref {
	m := f.m
	return file.Add(Dict{
		"Type":        Name("FontDescriptor"),
		"FontName":    Name(m.Name),
		"Flags":       m.flags,
		"FontBBox":    Array{m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]},
		"ItalicAngle": m.italicAngle,
		"Ascent":      m.ascent,
		"Descent":     m.descent,
		"CapHeight":   m.capHeight,
		"StemV":       m.stemV,
	})
}

// object writes the font's objects into file and returns the font
// dictionary's reference.
func (f *Font) object(file *File) Ref {
	d := Dict{"Type": Name("Font"), "BaseFont": Name(f.m.Name)}
	switch f.kind {
	case kindStandard14:
		d["Subtype"] = Name("Type1")
		return file.Add(d)
	case kindType0:
		return f.type0Object(file, d)
	}
	d["Subtype"] = Name("Type1")
	first, last := -1, 0
	for c, r := range f.codes {
		if r != 0 {
			if first < 0 {
				first = c
			}
			last = c
		}
	}
	widths := make(Array, 0, last-first+1)
	for c := first; c <= last; c++ {
		w, _ := f.m.Width(f.codes[c])
		widths = append(widths, w)
	}
	d["FirstChar"] = first
	d["LastChar"] = last
	d["Widths"] = widths
	d["FontDescriptor"] = f.descriptor(file)
	switch f.kind {
	case kindWinAnsi:
		d["Encoding"] = Name("WinAnsiEncoding")
	case kindDifferences:
		d["Encoding"] = Dict{
			"Type":         Name("Encoding"),
			"BaseEncoding": Name("WinAnsiEncoding"),
			"Differences":  Array{1, Name("fi"), Name("fl")},
		}
	case kindToUnicode:
		var pairs []cmapPair
		for c, r := range f.codes {
			if r != 0 {
				pairs = append(pairs, cmapPair{c, r})
			}
		}
		d["ToUnicode"] = file.Add(Stream{Dict: Dict{}, Data: toUnicodeCMap(1, pairs)})
	}
	return file.Add(d)
}

func (f *Font) type0Object(file *File, d Dict) Ref {
	d["Subtype"] = Name("Type0")
	d["Encoding"] = Name("Identity-H")
	// W mixes both forms of the array, "c [w1 w2 ...]" and
	// "cfirst clast w", because real producers use both.
	var w Array
	var run Array
	runStart := 0
	flush := func() {
		if len(run) > 0 {
			w = append(w, runStart, run)
			run = nil
		}
	}
	widthOf := func(i int) int {
		x, ok := f.m.Width(f.order[i])
		if !ok {
			return 1000
		}
		return x
	}
	for i := 0; i < len(f.order); {
		j := i
		for j+1 < len(f.order) && widthOf(j+1) == widthOf(i) {
			j++
		}
		if j-i >= 2 {
			flush()
			w = append(w, i+1, j+1, widthOf(i))
			i = j + 1
			continue
		}
		if len(run) == 0 {
			runStart = i + 1
		}
		run = append(run, widthOf(i))
		i++
	}
	flush()
	cid := Dict{
		"Type":     Name("Font"),
		"Subtype":  Name("CIDFontType2"),
		"BaseFont": Name(f.m.Name),
		"CIDSystemInfo": Dict{
			"Registry": String("Adobe"), "Ordering": String("Identity"), "Supplement": 0,
		},
		"FontDescriptor": f.descriptor(file),
		"DW":             1000,
		"W":              w,
		"CIDToGIDMap":    Name("Identity"),
	}
	d["DescendantFonts"] = Array{file.Add(cid)}
	pairs := make([]cmapPair, len(f.order))
	for i, r := range f.order {
		pairs[i] = cmapPair{i + 1, r}
	}
	d["ToUnicode"] = file.Add(Stream{Dict: Dict{}, Data: toUnicodeCMap(2, pairs)})
	return file.Add(d)
}

type cmapPair struct {
	code int
	r    rune
}

// toUnicodeCMap writes a ToUnicode CMap. Runs of consecutive codes mapping
// to consecutive characters become bfrange entries (within one last-byte
// block, as the CMap rules require), the rest bfchar; at most 100 entries
// per block.
func toUnicodeCMap(nbytes int, pairs []cmapPair) []byte {
	slices.SortFunc(pairs, func(a, b cmapPair) int { return a.code - b.code })
	code := func(c int) string {
		if nbytes == 1 {
			return fmt.Sprintf("<%02X>", c)
		}
		return fmt.Sprintf("<%04X>", c)
	}
	uni := func(r rune) string {
		var b []byte
		for _, u := range utf16.Encode([]rune{r}) {
			b = fmt.Appendf(b, "%04X", u)
		}
		return "<" + string(b) + ">"
	}
	var ranges, chars []string
	for i := 0; i < len(pairs); {
		j := i
		for j+1 < len(pairs) && pairs[j+1].code == pairs[j].code+1 &&
			pairs[j+1].r == pairs[j].r+1 && pairs[j+1].code>>8 == pairs[i].code>>8 &&
			pairs[j+1].r <= 0xFFFF {
			j++
		}
		if j > i {
			ranges = append(ranges, code(pairs[i].code)+" "+code(pairs[j].code)+" "+uni(pairs[i].r))
		} else {
			chars = append(chars, code(pairs[i].code)+" "+uni(pairs[i].r))
		}
		i = j + 1
	}
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n")
	if nbytes == 1 {
		b.WriteString("<00> <FF>\n")
	} else {
		b.WriteString("<0000> <FFFF>\n")
	}
	b.WriteString("endcodespacerange\n")
	for _, block := range slices.Collect(slices.Chunk(chars, 100)) {
		fmt.Fprintf(&b, "%d beginbfchar\n", len(block))
		for _, l := range block {
			b.WriteString(l + "\n")
		}
		b.WriteString("endbfchar\n")
	}
	for _, block := range slices.Collect(slices.Chunk(ranges, 100)) {
		fmt.Fprintf(&b, "%d beginbfrange\n", len(block))
		for _, l := range block {
			b.WriteString(l + "\n")
		}
		b.WriteString("endbfrange\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

func appendUTF16BE(dst []byte, r rune) []byte {
	for _, u := range utf16.Encode([]rune{r}) {
		dst = append(dst, byte(u>>8), byte(u))
	}
	return dst
}

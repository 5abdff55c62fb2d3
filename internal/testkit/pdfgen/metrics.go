package pdfgen

import (
	"strings"
)

// Metrics are the glyph widths (in 1/1000 em) and descriptor values of one
// of the standard fonts, taken from the Adobe AFM files of the standard 14
// fonts. They are used both to write /Widths and to lay text out, so the
// positions in a fixture match the widths it declares.
type Metrics struct {
	// Name is the PostScript name written as /BaseFont.
	Name string
	// ascii holds the widths of codes 32-126 (WinAnsi glyph names; 39 is
	// quotesingle and 96 grave).
	ascii [95]int
	// extra holds the widths of the few non-ASCII characters fixtures use.
	extra map[rune]int

	flags                      int
	bbox                       [4]int
	ascent, descent, capHeight int
	stemV                      int
	italicAngle                int
}

// Width is the advance width of r in 1/1000 em, and whether the metrics
// know r.
func (m *Metrics) Width(r rune) (int, bool) {
	if r >= 32 && r <= 126 {
		return m.ascii[r-32], true
	}
	w, ok := m.extra[r]
	return w, ok
}

// StringWidth is the width of s in points at the given size. Unknown
// characters count as 500 units (half an em) so layout never stalls.
func (m *Metrics) StringWidth(s string, size float64) float64 {
	total := 0
	for _, r := range s {
		w, ok := m.Width(r)
		if !ok {
			w = 500
		}
		total += w
	}
	return float64(total) * size / 1000
}

// Wrap breaks text into lines no wider than width points at the given size,
// at spaces only (a word longer than the line gets a line of its own).
func Wrap(m *Metrics, size, width float64, text string) []string {
	var lines []string
	var line string
	for _, word := range strings.Fields(text) {
		if line == "" {
			line = word
			continue
		}
		if m.StringWidth(line+" "+word, size) > width {
			lines = append(lines, line)
			line = word
			continue
		}
		line += " " + word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// extraWidths returns the widths, in the order of extraRunes, of: bullet,
// en dash, em dash, left and right single quotes, left and right double
// quotes, pound sign, fi and fl ligatures, e acute, euro.
var extraRunes = []rune{'•', '–', '—', '‘', '’', '“', '”', '£', 'ﬁ', 'ﬂ', 'é', '€'}

func extraWidths(ws ...int) map[rune]int {
	m := make(map[rune]int, len(ws))
	for i, w := range ws {
		m[extraRunes[i]] = w
	}
	return m
}

// Helvetica, HelveticaBold and TimesRoman are the metrics of the standard
// fonts of the same names. They are read-only.
var (
	Helvetica = &Metrics{
		Name: "Helvetica",
		ascii: [95]int{
			278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space - slash
			556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
			278, 278, 584, 584, 584, 556, 1015, // : ; < = > ? @
			667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A-M
			722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
			278, 278, 278, 469, 556, 333, // [ \ ] ^ _ `
			556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a-m
			556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n-z
			334, 260, 334, 584, // { | } ~
		},
		extra:     extraWidths(350, 556, 1000, 222, 222, 333, 333, 556, 500, 500, 556, 556),
		flags:     32,
		bbox:      [4]int{-166, -225, 1000, 931},
		ascent:    718,
		descent:   -207,
		capHeight: 718,
		stemV:     88,
	}
	HelveticaBold = &Metrics{
		Name: "Helvetica-Bold",
		ascii: [95]int{
			278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
			556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
			333, 333, 584, 584, 584, 611, 975,
			722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
			722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
			333, 278, 333, 584, 556, 333,
			556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889,
			611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500,
			389, 280, 389, 584,
		},
		extra:     extraWidths(350, 556, 1000, 278, 278, 500, 500, 556, 611, 611, 556, 556),
		flags:     32 | 1<<18, // nonsymbolic, ForceBold
		bbox:      [4]int{-170, -228, 1003, 962},
		ascent:    718,
		descent:   -207,
		capHeight: 718,
		stemV:     140,
	}
	TimesRoman = &Metrics{
		Name: "Times-Roman",
		ascii: [95]int{
			250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
			500, 500, 500, 500, 500, 500, 500, 500, 500, 500,
			278, 278, 564, 564, 564, 444, 921,
			722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889,
			722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611,
			333, 278, 333, 469, 500, 333,
			444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778,
			500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444,
			480, 200, 480, 541,
		},
		extra:     extraWidths(350, 500, 1000, 333, 333, 444, 444, 500, 556, 556, 444, 500),
		flags:     34, // serif, nonsymbolic
		bbox:      [4]int{-168, -218, 1000, 898},
		ascent:    683,
		descent:   -217,
		capHeight: 662,
		stemV:     84,
	}
)

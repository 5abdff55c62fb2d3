package pdfgen

import (
	"fmt"
	"strings"
)

// The text of the fixtures is written for this package, in the style of
// NHS strategy and board papers.

const (
	ambitionPara = "The integrated care board will work with local authorities, providers and the voluntary " +
		"sector to improve healthy life expectancy across Sussex. We will reduce the gap in outcomes between " +
		"the most and least deprived neighbourhoods by focusing on prevention, early intervention and " +
		"joined-up community services."
	deliveryPara = "Delivery will be overseen by the board each quarter. Each priority has a named executive " +
		"lead, agreed measures and a published trajectory, so that residents can see whether the plan is " +
		"working and where further action is needed."
	workforcePara = "Our workforce plan sets out how we will recruit, train and keep the staff we need. " +
		"Vacancy rates in community nursing remain above the national average and turnover is highest in " +
		"the first two years of employment."
	financePara = "The system plans a balanced position for the year. Savings of four per cent are required " +
		"from every organisation, with the largest schemes in medicines optimisation, estates and " +
		"temporary staffing."
)

// Widths is a page with a 20pt bold title, a 14pt subheading and two 10pt
// paragraphs wrapped over several lines, in simple fonts with /Widths and
// WinAnsiEncoding.
func Widths() Fixture {
	return widthsStory(false).fixture("widths")
}

// XRefStream is Widths written with a cross-reference stream and object
// streams (PDF 1.5 compression).
func XRefStream() Fixture {
	return widthsStory(true).fixture("xref-stream")
}

func widthsStory(xrefStream bool) *story {
	s := &story{doc: Doc{Title: "Integrated Care Strategy 2024 to 2029", XRefStream: xrefStream}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.heading(bold, 20, 1, "Integrated Care Strategy 2024 to 2029")
	p.heading(bold, 14, 2, "Our ambition for local people")
	p.para(body, 10, ambitionPara)
	p.para(body, 10, deliveryPara)
	return s
}

// NoWidths is a page like Widths in standard-14 fonts written without
// /Widths or /Encoding: the reader must supply the built-in metrics.
func NoWidths() Fixture {
	s := &story{doc: Doc{Title: "People Plan Update"}}
	bold := Standard14("F1", HelveticaBold)
	body := Standard14("F2", TimesRoman)
	p := s.newPage()
	p.heading(bold, 20, 1, "People Plan Update")
	p.heading(bold, 14, 2, "Workforce and finance")
	p.para(body, 10, workforcePara)
	p.para(body, 10, financePara)
	return s.fixture("no-widths")
}

// TJSpacing has words separated only by TJ adjustments (no space
// characters), kerning inside words that must not split them, and lines
// whose words are each placed by their own Td or Tm.
func TJSpacing() Fixture {
	s := &story{doc: Doc{Title: "Word spacing"}}
	f := WinAnsi("F1", Helvetica)
	p := s.newPage()
	c := p.c
	size := 11.0
	c.BT()
	c.Tf(f, size)
	c.Tm(1, 0, 0, 1, margin, 760)
	c.TJ("The", -333, "board", -333, "agreed", -333, "the", -333, "plan.")
	c.Tm(1, 0, 0, 1, margin, 740)
	c.TJ("W", 80, "ater", -250, "quality", -250, "targets", -250, "were", -250, "met.")
	c.Tm(1, 0, 0, 1, margin, 720)
	// -12 is a nudge inside "budget", far below a space (278 units).
	c.TJ("T", 70, "otal", -300, "budg", -12, "et", -300, "was", -300, "balanced.")
	c.ET()

	// Word by word with relative Td moves, as some report generators do.
	words := strings.Fields("Each word is placed separately.")
	c.BT()
	c.Tf(f, size)
	c.Td(margin, 700)
	for i, w := range words {
		if i > 0 {
			c.Td(f.m.StringWidth(words[i-1]+" ", size), 0)
		}
		c.Tj(w)
	}
	c.ET()

	// Word by word with absolute Tm.
	words2 := strings.Fields("Absolute positions for every word.")
	c.BT()
	c.Tf(f, size)
	x := margin
	for _, w := range words2 {
		c.Tm(1, 0, 0, 1, x, 680)
		c.Tj(w)
		x += f.m.StringWidth(w+" ", size)
	}
	c.ET()
	lines := []string{
		"The board agreed the plan.",
		"Water quality targets were met.",
		"Total budget was balanced.",
		"Each word is placed separately.",
		"Absolute positions for every word.",
	}
	for _, l := range lines {
		p.record(l)
	}
	fx := s.fixture("tj-spacing")
	fx.WantWords = []string{"Water", "Total", "budget", "board", "separately.", "Absolute"}
	fx.NotWords = []string{"Theboard", "boardagreed", "W ater", "T otal", "budg et", "Eachword", "Absolutepositions"}
	return fx
}

// CharSpacing exercises Tc (letter-spaced heading), Tw (justified line),
// Tz (condensed line), TL with T*, and the ' and " operators.
func CharSpacing() Fixture {
	s := &story{doc: Doc{Title: "Spacing operators"}}
	f := WinAnsi("F1", Helvetica)
	bold := WinAnsi("F2", HelveticaBold)
	p := s.newPage()
	c := p.c
	c.BT()
	c.Tf(bold, 14)
	c.Tc(3) // letter-spaced, but still one word
	c.Tm(1, 0, 0, 1, margin, 760)
	c.Tj("SUMMARY")
	c.Tc(0)
	c.Tf(f, 10)
	c.Tw(4) // justified: wider spaces
	c.Tm(1, 0, 0, 1, margin, 740)
	c.Tj("Justified text uses wider word spaces.")
	c.Tw(0)
	c.Tz(80) // condensed
	c.Tm(1, 0, 0, 1, margin, 725)
	c.Tj("Condensed text keeps its spaces.")
	c.Tz(100)
	c.TL(14)
	c.Tm(1, 0, 0, 1, margin, 705)
	c.Tj("First line of a paragraph.")
	c.TStar()
	c.Tj("Second line after T*.")
	c.Quote("Third line shown with quote.")
	c.DoubleQuote(1, 0.5, "Fourth line shown with double quote.")
	c.TD(0, -20)
	c.Tj("Fifth line after TD.")
	c.ET()
	p.record("SUMMARY")
	p.record("Justified text uses wider word spaces.")
	p.record("Condensed text keeps its spaces.")
	p.record("First line of a paragraph.", "Second line after T*.", "Third line shown with quote.",
		"Fourth line shown with double quote.", "Fifth line after TD.")
	fx := s.fixture("char-spacing")
	fx.WantWords = []string{"SUMMARY", "Justified", "Condensed"}
	// The library's " operator falls through to the ' case, which
	// rejects three operands ("bad ' operator").
	fx.Lib.TextFails = true
	fx.NotWords = []string{"S U M M A R Y", "Condensedtext"}
	return fx
}

// TwoColumns is a full-width title over two columns of body text whose
// lines interleave in y, written left line 1, right line 1, left line 2,
// ...: the worst case for ordering text by content-stream order or by y.
func TwoColumns() Fixture {
	s := &story{doc: Doc{Title: "Board report: urgent and mental health care"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.heading(bold, 18, 1, "Board report: urgent and mental health care")
	const colWidth = 215.0
	left := Wrap(Helvetica, 10, colWidth, "Urgent care. Ambulance handover delays fell for the third month "+
		"running, and the number of people waiting more than twelve hours in emergency departments halved "+
		"since January. Same day emergency care units now open seven days a week at both acute sites. "+
		"Virtual wards supported four hundred patients at home last month, with an average stay of "+
		"five days. Discharge delays remain the main cause of crowding.")
	right := Wrap(Helvetica, 10, colWidth, "Mental health. Demand for crisis services rose by nine per cent "+
		"this year. The new crisis cafes in Crawley and Worthing saw eight hundred visits in their first "+
		"quarter. Out of area placements fell to twelve, the lowest level for three years. Waiting times "+
		"for talking therapies met the national standard, but access for older adults remains low and "+
		"an improvement plan will come to the next meeting.")
	top := p.y - 30
	for i := range max(len(left), len(right)) {
		if i < len(left) {
			p.c.Text(body, 10, margin, top-14*float64(i), left[i])
		}
		if i < len(right) {
			// Half a line lower than the left line, so the two
			// columns interleave in y.
			p.c.Text(body, 10, margin+colWidth+21, top-7-14*float64(i), right[i])
		}
	}
	p.record(left...)
	p.record(right...)
	fx := s.fixture("two-columns")
	fx.WantWords = []string{"Ambulance", "crisis"}
	return fx
}

// NarrowGutter is two columns whose lines share baselines, 18pt (under two
// em) apart: the gap between the columns is no wider than a stretched space
// in a justified line, and only the column's left edge, shared by every
// line, tells them apart.
func NarrowGutter() Fixture {
	s := &story{doc: Doc{Title: "Health and care"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.heading(bold, 18, 1, "Health and care")
	const colWidth = 220.0
	left := Wrap(Helvetica, 10, colWidth, "Since 2010 we have invested more in the NHS than at any other point "+
		"in its history. We will continue to increase NHS spending above inflation in each year of the next "+
		"Parliament, and we will return waiting times to the levels set out in the constitution.")
	right := Wrap(Helvetica, 10, colWidth, "Rural and coastal communities will be better served through golden "+
		"hellos to encourage dentists to work in these areas, and through new dental vans that visit the "+
		"villages furthest from a practice every week.")
	top := p.y - 30
	for i := range max(len(left), len(right)) {
		if i < len(left) {
			p.c.Text(body, 10, margin, top-13*float64(i), left[i])
		}
		if i < len(right) {
			p.c.Text(body, 10, margin+colWidth+18, top-13*float64(i), right[i])
		}
	}
	p.record(left...)
	p.record(right...)
	fx := s.fixture("narrow-gutter")
	fx.WantWords = []string{"invested", "dentists"}
	return fx
}

// RuledTable is a table as word processors draw it: each cell's text
// wraps to its own number of lines and is centred in its row, so lines of
// different cells interleave and no wider gap separates the rows than the
// lines inside a cell; only the rules drawn between rows and columns do.
// Horizontal rules are thin filled rectangles drawn cell by cell (as Word
// does); vertical ones are stroked line segments.
func RuledTable() Fixture { return ruledTable("ruled-table", true) }

// RuledRows is RuledTable with rules between the rows only, none between
// the columns (a common house style for tables).
func RuledRows() Fixture { return ruledTable("ruled-rows", false) }

// RuledTableRows are the cells RuledTable and RuledRows draw.
var RuledTableRows = [][]string{
	{"Recommendation", "Action", "Lead"},
	{"Children in the most deprived neighbourhoods are less ready for school than their peers.",
		"Commission targeted speech and language support in the ten most deprived wards.", "Public Health"},
	{"Young parents have late contact with maternity services.",
		"Offer outreach midwifery appointments to parents under twenty in their own homes, with a named midwife for each.",
		"Maternity commissioners and the local maternity system"},
}

func ruledTable(name string, vertical bool) Fixture {
	s := &story{doc: Doc{Title: "Recommendations"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.heading(bold, 18, 1, "Recommendations")
	cols := []float64{margin, margin + 150, margin + 320, margin + 450}
	rows := RuledTableRows
	const size, lead, pad = 9.0, 11.0, 4.0
	top := p.y - 20
	y := top
	var lines []float64
	c := p.c
	for _, row := range rows {
		wrapped := make([][]string, len(row))
		height := 0
		for k, cell := range row {
			wrapped[k] = Wrap(Helvetica, size, cols[k+1]-cols[k]-2*pad, cell)
			height = max(height, len(wrapped[k]))
		}
		rowH := float64(height)*lead + 2*pad
		for k := range row {
			// centred in the row, as a word processor's vertical alignment
			first := y - pad - (rowH-2*pad-float64(len(wrapped[k]))*lead)/2 - size
			for i, ln := range wrapped[k] {
				c.Text(body, size, cols[k]+pad, first-lead*float64(i), ln)
			}
			p.record(strings.Join(wrapped[k], " "))
		}
		lines = append(lines, y)
		y -= rowH
	}
	lines = append(lines, y)
	for _, ly := range lines {
		for k := 0; k+1 < len(cols); k++ {
			c.Raw(fmt.Sprintf("%.2f %.2f %.2f 0.5 re f\n", cols[k], ly, cols[k+1]-cols[k]))
		}
	}
	for _, x := range cols {
		if vertical {
			c.Raw(fmt.Sprintf("%.2f %.2f m %.2f %.2f l S\n", x, top, x, y))
		}
	}
	fx := s.fixture(name)
	fx.WantWords = []string{"deprived", "midwifery"}
	return fx
}

// FormXObject draws body text inside a Form XObject nested two deep, each
// with a /Matrix translation and its own font resource, plus a form that
// invokes itself, between lines of ordinary page text.
func FormXObject() Fixture {
	s := &story{doc: Doc{Title: "Form XObjects"}}
	body := WinAnsi("F1", Helvetica)
	formFont := WinAnsi("FF1", TimesRoman)
	p := s.newPage()
	c := p.c
	c.Text(body, 12, margin, 770, "Ordinary page text before the forms.")

	inner := &Form{Res: "Fm2", Matrix: [6]float64{1, 0, 0, 1, 72, 600}, Content: NewContent()}
	inner.Content.Text(formFont, 12, 0, 0, "Text inside a nested form.")
	inner.Content.Text(formFont, 12, 0, -15, "Second line of the nested form.")
	outer := &Form{Res: "Fm1", Matrix: [6]float64{1, 0, 0, 1, 0, -100}, Content: NewContent()}
	outer.Content.Do(inner)

	cycle := &Form{Res: "Fm3", Content: NewContent()}
	cycle.Content.Text(formFont, 12, margin, 400, "Text in a form that draws itself.")
	cycle.Content.Do(cycle)

	c.Save()
	c.Do(outer)
	c.Restore()
	c.Save()
	c.Do(cycle)
	c.Restore()
	c.Text(body, 12, margin, 300, "Ordinary page text after the forms.")

	p.record("Ordinary page text before the forms.")
	p.record("Text inside a nested form.", "Second line of the nested form.")
	p.record("Text in a form that draws itself.")
	p.record("Ordinary page text after the forms.")
	fx := s.fixture("form-xobject")
	fx.Lib.Missing = []string{"nested", "itself."}
	return fx
}

var healthTopics = []struct{ title, text string }{
	{"Start well", "Every child should have the best start in life. Health visitors will see every family " +
		"within two weeks of birth, and school nursing will focus on emotional wellbeing."},
	{"Live well", "Smoking, obesity and physical inactivity drive most preventable illness. Stop smoking " +
		"services will be offered to every inpatient who smokes."},
	{"Age well", "Older people want to stay independent at home. Frailty teams will assess people after a " +
		"fall and arrange support within forty-eight hours."},
	{"Workforce", "We will grow the number of nursing associates and offer flexible contracts to staff " +
		"approaching retirement."},
	{"Digital", "A shared care record will give clinicians in hospitals, general practice and social care " +
		"the same view of a patient."},
	{"Finance", "The plan is affordable within the allocation set for the system, provided that savings " +
		"plans deliver in full."},
}

// HeadersFooters has six pages, each with the same running header, a
// "Page N of 6" footer and distinct body text.
func HeadersFooters() Fixture {
	const header = "West Sussex Health Strategy 2024"
	s := &story{doc: Doc{Title: header}}
	small := WinAnsi("F3", Helvetica)
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	running := []string{header}
	for i, t := range healthTopics {
		p := s.newPage()
		p.c.Text(small, 9, margin, 806, header)
		p.record(header)
		p.heading(bold, 14, 1, t.title)
		p.para(body, 10, t.text)
		footer := fmt.Sprintf("Page %d of %d", i+1, len(healthTopics))
		p.c.Text(small, 9, 270, 30, footer)
		p.record(footer)
		running = append(running, footer)
	}
	fx := s.fixture("headers-footers")
	fx.RunningLines = running
	return fx
}

// bookmarkStory is five pages with headings and an outline of two
// top-level entries with children, mixing /Dest arrays, GoTo actions and
// named destinations.
func bookmarkStory() (*story, []Heading) {
	s := &story{doc: Doc{Title: "Joint Forward Plan"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	pages := []struct {
		level       int
		title, text string
	}{
		{1, "1. Introduction", "This joint forward plan describes how the NHS in our area will meet the needs of local people over the next five years."},
		{2, "1.1 Purpose of this plan", "The plan meets the legal duty to publish a joint forward plan and is refreshed every year."},
		{1, "2. Our priorities", "We have agreed three priorities with our partners, based on what residents told us matters most."},
		{2, "2.1 Prevention", "Preventing ill health is better for people and costs less than treating it later."},
		{2, "2.2 Access to services", "People should be able to get the right care quickly, whether they need a GP, a dentist or a hospital."},
	}
	for _, pg := range pages {
		p := s.newPage()
		size := 16.0
		if pg.level == 2 {
			size = 13
		}
		p.heading(bold, size, pg.level, pg.title)
		p.para(body, 10, pg.text)
	}
	s.doc.Outline = []*Bookmark{
		{Title: pages[0].title, Page: 1, Top: 790, Children: []*Bookmark{
			{Title: pages[1].title, Page: 2, Action: true},
		}},
		{Title: pages[2].title, Page: 3, Top: 790, Named: "priorities", Children: []*Bookmark{
			{Title: pages[3].title, Page: 4},
			{Title: pages[4].title, Page: 5, Top: 790, Action: true, Named: "access"},
		}},
	}
	want := []Heading{
		{pages[0].title, 1, 1}, {pages[1].title, 2, 2},
		{pages[2].title, 1, 3}, {pages[3].title, 2, 4}, {pages[4].title, 2, 5},
	}
	return s, want
}

// Bookmarks has five pages and an outline whose entries use /Dest arrays
// (/XYZ and /Fit), /A GoTo actions and named destinations in a /Names
// tree.
func Bookmarks() Fixture {
	s, outline := bookmarkStory()
	fx := s.fixture("bookmarks")
	fx.WantOutline = outline
	return fx
}

// BookmarkCycle is Bookmarks with named destinations in the catalog's
// /Dests and the /Next of the last top-level entry pointing back to the
// first. WantOutline lists each entry once.
func BookmarkCycle() Fixture {
	s, outline := bookmarkStory()
	s.doc.DestsInCatalog = true
	s.doc.OutlineCycle = true
	fx := s.fixture("bookmark-cycle")
	fx.WantOutline = outline
	fx.Lib.OutlineHangs = true
	return fx
}

// Ligatures shows text with fi and fl ligature codes: one line in a font
// whose /Differences name the glyphs /fi and /fl (no ToUnicode), others in
// a font whose ToUnicode maps them to U+FB01 and U+FB02. WantText is after
// NFKC ("financial flows").
func Ligatures() Fixture {
	s := &story{doc: Doc{Title: "Financial plan"}}
	diff := Differences("F1", Helvetica)
	tu := ToUnicode("F2", Helvetica)
	bold := WinAnsi("F3", HelveticaBold)
	p := s.newPage()
	p.heading(bold, 16, 1, "Financial plan")
	p.lines(diff, 11, "ﬁnancial ﬂows between partners")
	p.lines(tu, 11, "The ﬁve-year ﬁnancial plan is ﬂexible.", "Beneﬁts are proﬁled each quarter.")
	s.blocks[0][1] = nfkcLigatures(s.blocks[0][1])
	s.blocks[0][2] = nfkcLigatures(s.blocks[0][2])
	fx := s.fixture("ligatures")
	fx.WantWords = []string{"financial", "flows", "five-year", "flexible.", "Benefits", "profiled"}
	return fx
}

// nfkcLigatures expands the two ligatures these fixtures use, which is all
// NFKC changes in their text (the package uses only the standard library).
func nfkcLigatures(s string) string {
	return strings.NewReplacer("ﬁ", "fi", "ﬂ", "fl").Replace(s)
}

// IdentityH shows text in a Type0 font with /Identity-H, 2-byte codes
// assigned like a subset font, /W widths and a ToUnicode CMap.
func IdentityH() Fixture {
	s := &story{doc: Doc{Title: "Composite font"}}
	f := Type0("F1", Helvetica)
	bold := Type0("F2", HelveticaBold)
	p := s.newPage()
	p.heading(bold, 16, 1, "Capital programme")
	p.para(f, 11, "The capital allocation is £24.6m for 2024–25 — an increase of 3% on last year. "+
		"Café and retail space at the main entrance will be refurbished.")
	fx := s.fixture("identity-h")
	fx.WantWords = []string{"£24.6m", "Café", "allocation"}
	return fx
}

// filterStory is a page whose content stream uses the given filter.
func filterStory(filter Filter) *story {
	s := &story{doc: Doc{Title: "Quality report"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.c.Filter = filter
	p.heading(bold, 16, 1, "Quality report")
	p.para(body, 10, deliveryPara+" "+workforcePara)
	return s
}

// LZWContent is a page whose content stream is LZWDecode-encoded
// (EarlyChange 1), which ledongthuc/pdf does not decode.
func LZWContent() Fixture {
	fx := filterStory(LZW).fixture("lzw")
	fx.Lib.TextFails = true
	return fx
}

// RunLengthContent is a page whose content stream is RunLengthDecode-encoded.
func RunLengthContent() Fixture {
	fx := filterStory(RunLength).fixture("runlength")
	fx.Lib.TextFails = true
	return fx
}

// ASCIIHexContent is a page whose content stream is ASCIIHexDecode-encoded.
func ASCIIHexContent() Fixture {
	fx := filterStory(ASCIIHex).fixture("asciihex")
	fx.Lib.TextFails = true
	return fx
}

// ContentsArray is a page whose /Contents is an array of three streams
// (one Flate-compressed) split between the operators of one text object,
// which the standard allows and readers must concatenate.
func ContentsArray() Fixture {
	s := &story{doc: Doc{Title: "Split content"}}
	f := WinAnsi("F1", Helvetica)
	pg := s.doc.AddPage()
	s.blocks = append(s.blocks, nil)
	c1 := pg.NewContent()
	c1.BT()
	c1.Tf(f, 12)
	c1.Td(margin, 760)
	c1.Tj("Content split over")
	c2 := pg.NewContent()
	c2.Filter = Flate
	c2.font = f // continues the text object of c1
	c2.TL(15)
	c2.TStar()
	c2.Tj("three streams in one")
	c3 := pg.NewContent()
	c3.font = f
	c3.TStar()
	c3.Tj("contents array.")
	c3.ET()
	s.blocks[0] = []string{"Content split over\nthree streams in one\ncontents array."}
	return s.fixture("contents-array")
}

// inlineImageData is a 6×2 grey image whose samples include unbalanced
// parentheses, so a tokenizer that does not skip inline image data reads
// an unterminated string to the end of the stream.
var inlineImageData = []byte{'(', 0x80, '(', 0x10, ')', 0xFF, 0x20, 0x40, '(', 0x00, 0x7F, 0xC0}

// InlineImage shows text, an inline image whose data contains '(', and
// more text after EI. ledongthuc/pdf loses the text after the image
// without an error.
func InlineImage() Fixture {
	s := &story{doc: Doc{Title: "Inline image"}}
	f := WinAnsi("F1", Helvetica)
	p := s.newPage()
	c := p.c
	c.Text(f, 12, margin, 760, "Text before the inline image.")
	c.Save()
	c.Cm(120, 0, 0, 40, margin, 700)
	c.InlineImage(6, 2, inlineImageData)
	c.Restore()
	c.Text(f, 12, margin, 680, "Text after the inline image must not be lost.")
	p.record("Text before the inline image.")
	p.record("Text after the inline image must not be lost.")
	fx := s.fixture("inline-image")
	fx.Lib.Missing = []string{"after", "lost."}
	return fx
}

// Hyphenation is a paragraph whose line ends are hyphenated ("inequal-" /
// "ities"), including a real compound split at its hyphen ("long-" /
// "term") whose hyphen must stay.
func Hyphenation() Fixture {
	s := &story{doc: Doc{Title: "Health inequalities"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.heading(bold, 16, 1, "Health inequalities")
	p.lines(body, 11,
		"The partnership will tackle health inequal-",
		"ities by investing in preven-",
		"tion and in the management of long-",
		"term conditions, working with the commu-",
		"nities that experience the poorest out-",
		"comes.")
	fx := s.fixture("hyphenation")
	fx.WantWords = []string{"inequalities", "prevention", "long-term", "communities", "outcomes."}
	fx.NotWords = []string{"inequal- ities", "preven- tion"}
	return fx
}

// ListsTables has a bullet list (•), a dash list, a numbered list, and a
// 3×4 table drawn as cells at fixed x positions with ruled lines.
func ListsTables() Fixture {
	s := &story{doc: Doc{Title: "Actions and funding"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.heading(bold, 16, 1, "Actions for 2024/25")
	var lists [][]string
	list := func(markers []string, items []string) {
		var lines []string
		p.y -= 6
		for i, it := range items {
			p.y -= 14
			// Marker and text are separate text objects, as word
			// processors write them after a tab.
			p.c.Text(body, 10, margin, p.y, markers[i])
			p.c.Text(body, 10, margin+18, p.y, it)
			lines = append(lines, markers[i]+" "+it)
		}
		p.record(lines...)
		lists = append(lists, items)
	}
	list([]string{"•", "•", "•"}, []string{"Expand same day urgent care", "Recruit 40 community nurses", "Open two diagnostic centres"})
	list([]string{"-", "-"}, []string{"Publish quarterly progress reports", "Review the plan every year"})
	list([]string{"1.", "2.", "3."}, []string{"Agree the strategy", "Fund the priorities", "Report progress to the board"})

	p.heading(bold, 13, 2, "Funding by service")
	table := [][]string{
		{"Service", "2023/24", "2024/25"},
		{"Urgent care", "£12.1m", "£12.9m"},
		{"Mental health", "£8.4m", "£9.0m"},
		{"Community", "£15.2m", "£15.8m"},
	}
	cols := []float64{margin, 260, 400}
	var rows []string
	for r, row := range table {
		p.y -= 18
		f := body
		if r == 0 {
			f = bold
		}
		for i, cell := range row {
			p.c.Text(f, 10, cols[i]+4, p.y, cell)
		}
		p.c.Gray(0.5)
		p.c.FillRect(margin, p.y-5, 400, 0.5)
		p.c.Gray(0)
		rows = append(rows, strings.Join(row, " "))
	}
	p.record(rows...)
	fx := s.fixture("lists-tables")
	fx.Lists = lists
	fx.Tables = [][][]string{table}
	return fx
}

// NumberedHeadings is a three-page document without bookmarks whose
// headings ("1. Introduction", "1.1 Background", ..., "Appendix A") are
// bold and larger than the body; a body line starting with a year must not
// become a heading.
func NumberedHeadings() Fixture {
	return numberedStory().fixture("numbered-headings")
}

func numberedStory() *story {
	s := &story{doc: Doc{Title: "Population Health Plan"}}
	h1 := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	p := s.newPage()
	p.heading(h1, 16, 1, "1. Introduction")
	p.para(body, 10, ambitionPara)
	p.heading(h1, 12, 2, "1.1 Background")
	p.para(body, 10, deliveryPara)
	p.lines(body, 10, "2023 was a year of recovery for local services.")
	p = s.newPage()
	p.heading(h1, 16, 1, "2. Our population")
	p.para(body, 10, workforcePara)
	p.heading(h1, 12, 2, "2.1 Health needs")
	p.para(body, 10, healthTopics[2].text)
	p = s.newPage()
	p.heading(h1, 16, 1, "Appendix A")
	p.para(body, 10, financePara)
	return s
}

// ImageOnly is two pages that carry only an image XObject, like a scanned
// document: no text and no error, which must be flagged as needing OCR.
func ImageOnly() Fixture {
	s := &story{doc: Doc{Title: "Scanned letter"}}
	img := GrayImage("Im1", 64, 64)
	for range 2 {
		p := s.newPage()
		p.c.Save()
		p.c.Cm(A4Width, 0, 0, A4Height, 0, 0)
		p.c.Do(img)
		p.c.Restore()
	}
	fx := s.fixture("image-only")
	fx.NeedsOCR = true
	return fx
}

// Rotated is a landscape page (/Rotate 90) with ordinary text plus a line
// drawn vertically with a rotated text matrix, as in table side labels.
func Rotated() Fixture {
	s := &story{doc: Doc{Title: "Rotated page"}}
	f := WinAnsi("F1", Helvetica)
	p := s.newPage()
	s.doc.Pages[0].Rotate = 90
	p.c.Text(f, 12, margin, 760, "This page is displayed in landscape.")
	p.c.BT()
	p.c.Tf(f, 10)
	p.c.Tm(0, 1, -1, 0, 40, 400)
	p.c.Tj("Vertical side label")
	p.c.ET()
	p.record("This page is displayed in landscape.")
	p.record("Vertical side label")
	return s.fixture("rotated")
}

// MergedFonts is two pages, as in a board pack merged from two documents,
// where the font named /F1 is a WinAnsi font on page 1 and an Identity-H
// font on page 2. ledongthuc/pdf's document-wide GetPlainText reuses page
// 1's /F1 on page 2 and loses its text.
func MergedFonts() Fixture {
	s := &story{doc: Doc{Title: "Board pack"}}
	p := s.newPage()
	p.heading(WinAnsi("F2", HelveticaBold), 16, 1, "Chief executive report")
	p.para(WinAnsi("F1", Helvetica), 10, deliveryPara)
	p = s.newPage()
	p.heading(Type0("F2", HelveticaBold), 16, 1, "Finance report")
	p.para(Type0("F1", Helvetica), 10, financePara)
	fx := s.fixture("merged-fonts")
	fx.Lib.DocWideMissing = []string{"Savings", "medicines"}
	return fx
}

// damagedBase is the valid document the damaged fixtures are made from.
func damagedBase() []byte { return numberedStory().doc.MustBuild() }

// Truncated is a valid three-page document cut at 60% of its bytes.
func Truncated() Fixture {
	b := damagedBase()
	return Fixture{Name: "truncated", PDF: Truncate(b, len(b)*6/10), Damaged: true, Lib: LibExpect{OpenFails: true}}
}

// BadHeader is a correct file whose header says %PDF-2.0, which
// ledongthuc/pdf rejects although the rest is valid PDF 1.7.
func BadHeader() Fixture {
	s := numberedStory()
	s.doc.Header = "%PDF-2.0"
	fx := s.fixture("bad-header")
	fx.Lib.OpenFails = true
	return fx
}

// HeaderTrailingSpace is a correct file whose header line ends with a
// space, which ledongthuc/pdf rejects.
func HeaderTrailingSpace() Fixture {
	s := numberedStory()
	s.doc.Header = "%PDF-1.7 "
	fx := s.fixture("header-trailing-space")
	fx.Lib.OpenFails = true
	return fx
}

// JunkBeforeHeader has an HTTP response header before %PDF, so every
// offset is off by its length. Readers that look for the header (qpdf,
// poppler) read it without complaint, so WantText is set.
func JunkBeforeHeader() Fixture {
	junk := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n")
	fx := numberedStory().fixture("junk-before-header")
	fx.PDF = Prepend(fx.PDF, junk)
	fx.Damaged = true
	fx.Lib = LibExpect{OpenFails: true}
	return fx
}

// JunkAfterEOF has 500 bytes of garbage after %%EOF. Tolerant readers
// (qpdf, poppler) read it without complaint, so WantText is set.
func JunkAfterEOF() Fixture {
	fx := numberedStory().fixture("junk-after-eof")
	fx.PDF = AppendGarbage(fx.PDF, 500, 7)
	fx.Damaged = true
	fx.Lib = LibExpect{OpenFails: true}
	return fx
}

// BrokenXref has a startxref offset that points 37 bytes past the
// cross-reference table's start.
func BrokenXref() Fixture {
	b, err := BreakStartXref(damagedBase(), 37)
	if err != nil {
		panic(err)
	}
	return Fixture{Name: "broken-xref", PDF: b, Damaged: true, Lib: LibExpect{OpenFails: true}}
}

// NotAPDF is 2,048 random bytes.
func NotAPDF() Fixture {
	return Fixture{Name: "not-a-pdf", PDF: RandomBytes(2048, 42), Damaged: true, Lib: LibExpect{OpenFails: true}}
}

// BoardPack is a small board pack whose papers are found by its
// bookmarks alone: an agenda, minutes, a report, a plan of two pages with
// an appendix bookmarked under it, and a finance report; no cover
// sheets. It is not in All: it tests splitting, not reading.
func BoardPack() Fixture {
	s := &story{doc: Doc{Title: "Board of Directors meeting in public"}}
	bold := WinAnsi("F2", HelveticaBold)
	body := WinAnsi("F1", Helvetica)
	pages := []struct{ title, text string }{
		{"Agenda", "1. Agenda. 2. Minutes of the last meeting. 3. Chief Executive's report. 4. Winter Plan 2026/27. 5. Finance report."},
		{"Minutes of the meeting held on 4 February 2026", "Present: the Chair and all directors. The minutes of the previous meeting were approved."},
		{"Chief Executive's report", "The Chief Executive reported on waiting times, which have fallen for the third month running."},
		{"Winter Plan 2026/27", "The board is asked to approve the winter plan, which adds 40 beds from December to March."},
		{"Appendix: surge capacity", "Surge capacity will be opened in three wards when occupancy passes 95 per cent."},
		{"Finance report, month 10", "The trust reports a deficit of 2.1 million pounds against a planned deficit of 1.8 million pounds."},
	}
	for _, pg := range pages {
		p := s.newPage()
		p.heading(bold, 16, 1, pg.title)
		p.para(body, 10, pg.text)
	}
	s.doc.Outline = []*Bookmark{
		{Title: "1. " + pages[0].title, Page: 1},
		{Title: "2. " + pages[1].title, Page: 2},
		{Title: "3. " + pages[2].title, Page: 3},
		{Title: "4. " + pages[3].title, Page: 4, Children: []*Bookmark{{Title: "4.1 " + pages[4].title, Page: 5}}},
		{Title: "5. " + pages[5].title, Page: 6},
	}
	return s.fixture("board-pack")
}

package pdfgen

import (
	"strconv"
	"strings"
)

var manySections = []string{
	"Introduction", "Our population", "Urgent and emergency care", "Primary care", "Mental health",
	"Children and young people", "Workforce", "Digital and data", "Finance", "Estates",
	"Quality and safety", "Research and innovation",
}

var manyParagraphs = []string{
	ambitionPara, deliveryPara, workforcePara, financePara,
	healthTopics[0].text + " " + healthTopics[1].text,
	healthTopics[2].text + " " + healthTopics[3].text,
	healthTopics[4].text + " " + healthTopics[5].text,
	"Performance against the four-hour standard improved to seventy-six per cent. Elective waiting lists " +
		"fell for the fourth consecutive month, and no patient waited longer than seventy-eight weeks for " +
		"treatment. Cancer referrals continued to rise and diagnostic capacity remains the main constraint.",
}

// ManyPages is an n-page document for benchmarks: body text in wrapped
// paragraphs, a numbered heading every fourth page, a running footer and a
// balanced page tree. Paragraphs are wrapped once and reused, so 5,000
// pages build in a fraction of a second. Content streams are not
// compressed, to keep generation cheap.
func ManyPages(n int) Fixture {
	wrapped := wrappedParagraphs()
	body := WinAnsi("F1", Helvetica)
	bold := WinAnsi("F2", HelveticaBold)
	small := WinAnsi("F3", Helvetica)
	doc := Doc{Title: "Five Year Joint Forward Plan", PageTreeFanout: 16}
	var want strings.Builder
	want.Grow(n * 4096)
	var headings []Heading
	running := []string{}
	rng := uint64(0x9E3779B97F4A7C15)
	for i := range n {
		c := doc.AddPage().NewContent()
		c.buf = make([]byte, 0, 8<<10)
		if i > 0 {
			want.WriteByte('\f')
		}
		y := topY
		if i%4 == 0 {
			sec := i/4 + 1
			title := strconv.Itoa(sec) + ". " + manySections[(sec-1)%len(manySections)]
			y -= 16
			c.Text(bold, 16, margin, y, title)
			y -= 10
			want.WriteString(title)
			want.WriteString("\n\n")
			headings = append(headings, Heading{Text: title, Level: 1, Page: i + 1})
		}
		fillPage(c, body, y, wrapped, &rng, &want)
		footer := "Joint Forward Plan - page " + strconv.Itoa(i+1)
		c.Text(small, 9, margin, 30, footer)
		want.WriteString("\n\n")
		want.WriteString(footer)
		running = append(running, footer)
	}
	return Fixture{
		Name:         "many-pages-" + strconv.Itoa(n),
		PDF:          doc.MustBuild(),
		Pages:        n,
		Title:        doc.Title,
		WantText:     want.String(),
		WantHeadings: headings,
		RunningLines: running,
	}
}

// The body text of generated long documents: 10pt lines 12.5pt apart.
const manySize, manyLeading = 10.0, 12.5

// wrappedParagraphs are manyParagraphs wrapped to the text width, once.
func wrappedParagraphs() [][]string {
	wrapped := make([][]string, len(manyParagraphs))
	for i, p := range manyParagraphs {
		wrapped[i] = Wrap(Helvetica, manySize, textWidth, p)
	}
	return wrapped
}

// fillPage fills a page with paragraphs, picked by the xorshift state rng,
// from y down to the footer, and adds them to want.
func fillPage(c *Content, body *Font, y float64, wrapped [][]string, rng *uint64, want *strings.Builder) {
	for first := true; ; first = false {
		*rng ^= *rng << 13
		*rng ^= *rng >> 7
		*rng ^= *rng << 17
		lines := wrapped[*rng%uint64(len(wrapped))]
		if y-manySize*1.4-manyLeading*float64(len(lines)-1) < 60 {
			break
		}
		y -= manySize * 1.4
		c.Lines(body, manySize, margin, y, manyLeading, lines...)
		y -= manyLeading * float64(len(lines)-1)
		if !first {
			want.WriteString("\n\n")
		}
		for j, l := range lines {
			if j > 0 {
				want.WriteByte('\n')
			}
			want.WriteString(l)
		}
	}
}

// ManyPagesPack is a board pack of papers papers of per pages each, after
// an agenda page of "Item N title" lines, for benchmarks: each paper opens
// with its title as a heading and carries "Agenda item N" as a running
// header on every page (no bookmarks, covers or agenda pages), so that it
// is split at its running lines. Titles name the sections of ManyPages
// ("7 Workforce report"), so that the papers are of several kinds.
func ManyPagesPack(papers, per int) Fixture {
	return ManyPagesPackTitled("Board of Directors meeting in public", papers, per)
}

// ManyPagesPackTitled is ManyPagesPack with its own document Title, so
// that packs of one size are different files.
func ManyPagesPackTitled(docTitle string, papers, per int) Fixture {
	wrapped := wrappedParagraphs()
	body := WinAnsi("F1", Helvetica)
	bold := WinAnsi("F2", HelveticaBold)
	small := WinAnsi("F3", Helvetica)
	doc := Doc{Title: docTitle, PageTreeFanout: 16}
	title := func(k int) string { return manySections[(k-1)%len(manySections)] + " report " + strconv.Itoa(k) }
	agenda := doc.AddPage().NewContent()
	agenda.Text(bold, 16, margin, topY-16, "Agenda")
	var items []string
	for k := 1; k <= papers; k++ {
		items = append(items, "Item "+strconv.Itoa(k)+" "+title(k))
	}
	agenda.Lines(body, manySize, margin, topY-40, manyLeading, items...)
	rng := uint64(0x9E3779B97F4A7C15)
	var want strings.Builder
	for k := 1; k <= papers; k++ {
		for i := range per {
			c := doc.AddPage().NewContent()
			c.buf = make([]byte, 0, 8<<10)
			c.Text(small, 9, margin, A4Height-40, "Agenda item "+strconv.Itoa(k))
			y := topY
			if i == 0 {
				y -= 16
				c.Text(bold, 16, margin, y, title(k))
				y -= 10
			}
			fillPage(c, body, y, wrapped, &rng, &want)
			c.Text(small, 9, margin, 30, "Board of Directors, 4 March 2026 - page "+strconv.Itoa(len(doc.Pages)))
		}
	}
	return Fixture{
		Name:  "many-pages-pack-" + strconv.Itoa(papers) + "x" + strconv.Itoa(per),
		PDF:   doc.MustBuild(),
		Pages: 1 + papers*per,
		Title: doc.Title,
	}
}

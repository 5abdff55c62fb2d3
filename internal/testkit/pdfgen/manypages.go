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
	const size, leading = 10.0, 12.5
	wrapped := make([][]string, len(manyParagraphs))
	for i, p := range manyParagraphs {
		wrapped[i] = Wrap(Helvetica, size, textWidth, p)
	}
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
		for first := true; ; first = false {
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			lines := wrapped[rng%uint64(len(wrapped))]
			if y-size*1.4-leading*float64(len(lines)-1) < 60 {
				break
			}
			y -= size * 1.4
			c.Lines(body, size, margin, y, leading, lines...)
			y -= leading * float64(len(lines)-1)
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

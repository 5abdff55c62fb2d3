package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/rules"
)

// bigDoc is a 300-page board pack (12 paragraphs a page, 1.2 M chars) and
// a card quoting 60 of its passages.
func bigDoc() (*document.Document, *rules.Scorecard) {
	d := &document.Document{Title: "Board papers", Format: document.FormatPDF}
	card := &rules.Scorecard{Criteria: []rules.Criterion{{ID: "costed-plans", Name: "Costed plans", Score: 2, Max: 3}}}
	for p := 1; p <= 300; p++ {
		pg := document.Page{Number: p, Blocks: []document.Block{{Kind: document.Heading, Level: 1, Text: fmt.Sprintf("%d. Section", p)}}}
		for i := range 12 {
			text := fmt.Sprintf("Paragraph %d of page %d: we will invest £%d.%dm a year in community services for people\nin the most deprived areas, reported quarterly to the board. ", i, p, p, i) +
				strings.Repeat("The committee noted the report and the risks it describes. ", 4)
			pg.Blocks = append(pg.Blocks, document.Block{Kind: document.Paragraph, Text: text})
		}
		d.Pages = append(d.Pages, pg)
		if p%5 == 0 {
			card.Criteria[0].Evidence = append(card.Criteria[0].Evidence, rules.Evidence{
				Quote: fmt.Sprintf("Paragraph 7 of page %d: we will invest £%d.7m a year in community services for people in the most deprived areas", p, p), Page: p})
		}
	}
	return d, card
}

// The document view of a 300-page pack, laid out and rendered: target
// under 200 ms and 40 MB allocated on one core (README, Performance).
func BenchmarkDocumentView(b *testing.B) {
	pg, err := newPages()
	if err != nil {
		b.Fatal(err)
	}
	d, card := bigDoc()
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		v := buildDocView(1, d, card)
		if err := pg.sets["document"].ExecuteTemplate(&buf, "layout", pageData{Body: v}); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}

// A scorecard page read from the corpus and rendered: target under
// 10 ms on one core (most of it reading the stored score).
func BenchmarkScorecardPage(b *testing.B) {
	s, ts := newTestServer(b, nil)
	c := &http.Client{}
	body, ct := multipartBody(b, nil, "sample.md", sampleDoc)
	req, _ := http.NewRequest("POST", ts.URL+"/api/score", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-Requested-With", "bench")
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("scoring the sample: %v %v", err, resp)
	}
	resp.Body.Close()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/documents/1/", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

package annotate

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// benchParagraphs read like NHS strategy text, with every kind of thing the
// annotators look for, written for this benchmark.
var benchParagraphs = []string{
	"Over the next five years we will invest £12.5m in neighbourhood teams, including £3 million recurrent funding and a one-off grant of £450,000 for the VCSE alliance. The programme will be led by the Director of Public Health and delivered by March 2027.",
	"Life expectancy in the most deprived 20% of neighbourhoods is 9.3 years lower than in the least deprived, and emergency admissions run at 1,250 per 100,000 compared with 780 per 100,000 elsewhere (see para. 4.2 and Table 3).",
	"We listened to 2,400 residents through a survey, focus groups and listening events in Crawley, Worthing and Adur. People told us that waiting times, transport and the cost of living mattered most, and their feedback shaped the six priorities in this plan.",
	"Black, Asian and minority ethnic communities, people with learning disabilities, unpaid carers and people experiencing homelessness face the widest gaps. About 14% of adults smoke, rising to 27 per cent among people with serious mental illness.",
	"The ICB is responsible for commissioning 40 community nurses and 25 social prescribing link workers by the end of 2025/26. Voluntary and community sector partners hold a seat on the Health and Wellbeing Board and receive multi-year funding through a small grants programme.",
	"Services were co-produced with people with lived experience, and a citizens' panel now reviews progress each year. We will keep people informed through a quarterly newsletter and publish an annual report for residents.",
	"In 2023/24 the trust spent £46,132,439 on agency staff, equivalent to £120 per head of population; the 2024-2029 financial plan reduces this by 10-15% within existing resources, with savings of £2.6bn across the system.",
	"Core20PLUS5 sets out five clinical areas: maternity continuity of carer, severe mental illness health checks, chronic respiratory disease, early cancer diagnosis and hypertension case-finding. For children and young people it adds asthma, diabetes, epilepsy, oral health and mental health.",
}

// benchDoc builds a document of about words words: pages of headings,
// paragraphs, a list and a table, with a section per page.
func benchDoc(words int) *document.Document {
	d := &document.Document{}
	n, para := 0, 0
	for page := 0; n < words; page++ {
		p := document.Page{Number: page + 1}
		p.Blocks = append(p.Blocks, document.Block{Kind: document.Heading, Level: 1, Text: fmt.Sprintf("%d. Priority %d: healthier communities", page+1, page+1)})
		for k := 0; k < 6; k++ {
			t := benchParagraphs[para%len(benchParagraphs)]
			para++
			p.Blocks = append(p.Blocks, document.Block{Kind: document.Paragraph, Text: t})
			n += len(strings.Fields(t))
		}
		items := []string{"Reduce smoking among people in routine and manual jobs to 10% by 2030", "Offer 3,000 additional health checks in coastal communities", "Work with Age UK and Mind on social isolation"}
		p.Blocks = append(p.Blocks, document.Block{Kind: document.List, Text: strings.Join(items, "\n"), Items: items})
		rows := [][]string{{"Action", "Lead", "Timescale", "Cost"}, {"Open two hubs", "ICB", "March 2026", "£1.2m"}, {"Train 46 staff", "Public Health", "Q3 2025/26", "£250k"}}
		p.Blocks = append(p.Blocks, document.Block{Kind: document.Table, Rows: rows})
		for _, it := range items {
			n += len(strings.Fields(it))
		}
		n += 20
		d.Pages = append(d.Pages, p)
		d.Sections = append(d.Sections, &document.Section{Title: p.Blocks[0].Text, Level: 1, Start: document.BlockRef{Page: page}})
	}
	return d
}

// BenchmarkAnnotate: a 150,000-word document.
func BenchmarkAnnotate(b *testing.B) {
	d := benchDoc(150000)
	b.ReportAllocs()
	b.ResetTimer()
	var sentences int
	var retained uint64
	for i := 0; i < b.N; i++ {
		ad := Annotate(d)
		sentences = len(ad.Sentences)
		if i == 0 {
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			retained = ms.HeapAlloc
			runtime.KeepAlive(ad)
		}
	}
	b.ReportMetric(float64(sentences), "sentences")
	b.ReportMetric(float64(retained)/(1<<20), "heap-MB")
}

// BenchmarkAnnotateText is the annotators alone on one sentence.
func BenchmarkAnnotateText(b *testing.B) {
	s := benchParagraphs[4]
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		annotateText(newText(s), unit{})
	}
}

func BenchmarkFindMoney(b *testing.B) {
	s := benchParagraphs[6]
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		FindMoney(s)
	}
}

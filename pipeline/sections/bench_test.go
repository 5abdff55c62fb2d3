package sections

import (
	"fmt"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// BenchmarkBuild builds the section tree of a 300-page pack with a
// numbered heading and two sub-headings on every page, by numbering and
// by typography.
func BenchmarkBuild(b *testing.B) {
	make300 := func(numbered bool) *document.Document {
		d := &document.Document{}
		for p := 1; p <= 300; p++ {
			title := fmt.Sprintf("Paper %d", p)
			sub := func(i int) string { return fmt.Sprintf("Part %d", i) }
			if numbered {
				title = fmt.Sprintf("%d. Paper %d", p, p)
				sub = func(i int) string { return fmt.Sprintf("%d.%d Part %d", p, i, i) }
			}
			d.Pages = append(d.Pages, document.Page{Number: p, Blocks: []document.Block{
				{Kind: document.Heading, Text: title, FontSize: 16},
				{Kind: document.Paragraph, Text: "Body text.", FontSize: 10},
				{Kind: document.Heading, Text: sub(1), FontSize: 12},
				{Kind: document.Paragraph, Text: "Body text.", FontSize: 10},
				{Kind: document.Heading, Text: sub(2), FontSize: 12},
			}})
		}
		return d
	}
	for _, numbered := range []bool{true, false} {
		name := "typography"
		if numbered {
			name = "numbering"
		}
		b.Run(name, func(b *testing.B) {
			d := make300(numbered)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Build(d, nil, false)
			}
		})
	}
}

package pack

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// readPack extracts a generated pack as the pipeline does.
func readPack(t *testing.T, fx pdfgen.PackFixture) *document.Document {
	t.Helper()
	d, err := extract.Document(context.Background(), &fetched.Doc{Source: "pack.pdf", Data: fx.PDF}, extract.Options{InProcess: true})
	if err != nil {
		t.Fatalf("%s: extract: %v", fx.Name, err)
	}
	return d
}

// TestSplitGeneratedPDFs: packs laid out by the project's PDF generator
// split exactly as they were generated: every paper's number, title,
// presenter, purpose, ask, kind and first and last pages. The packs have
// cover sheets as ruled tables (one with its purpose ticked among the
// four) and as "Label: value" lines (spaced out, and at single spacing,
// which the reader makes one paragraph of); an agenda as a ruled table
// with and without the page of each paper, or as lines with the pages
// after dot leaders; no covers at all; bookmarks; covers on some papers
// and the item in a running header or footer on every page. A paper
// without a cover is placed by the agenda's page, or by the running
// line; the appendix stays with its paper.
func TestSplitGeneratedPDFs(t *testing.T) {
	for _, tc := range []struct {
		fx pdfgen.PackFixture
		// agenda is the title the splitter gives what comes before the
		// first paper
		agenda string
	}{
		{pdfgen.PackCovers(), "Agenda and papers before the first cover sheet"},
		{pdfgen.PackCoversNoPages(), "Agenda and papers before the first cover sheet"},
		{pdfgen.PackAgendaPages(), "Agenda and papers before the first item"},
		{pdfgen.PackAgendaLines(), "Agenda and papers before the first item"},
		{pdfgen.PackBookmarks(), "Agenda"},
		{pdfgen.PackRunningHeaders(), "Agenda and papers before the first item"},
		{pdfgen.PackRunningFooters(), "Agenda and papers before the first item"},
		{pdfgen.PackCoversRunningHeaders(), "Agenda and papers before the first cover sheet"},
		{pdfgen.PackCoversRunningFooters(), "Agenda and papers before the first cover sheet"},
	} {
		t.Run(tc.fx.Name, func(t *testing.T) {
			d := readPack(t, tc.fx)
			got := Split(d)
			want := []Paper{{Title: tc.agenda, Kind: KindAgenda, FirstPage: 1, LastPage: tc.fx.AgendaLast}}
			for _, p := range tc.fx.Papers {
				want = append(want, Paper{Number: p.Number, Title: p.Title, Presenter: p.Presenter, Purpose: p.Purpose,
					Asked: p.Asked, Kind: p.Kind, FirstPage: p.FirstPage, LastPage: p.LastPage})
			}
			if len(got) != len(want) {
				t.Fatalf("%d papers, want %d:\n%s", len(got), len(want), show(got))
			}
			for i := range want {
				g := got[i]
				g.start, g.end = 0, 0
				if g != want[i] {
					t.Errorf("paper %d\n got %+v\nwant %+v", i, g, want[i])
				}
			}
			if tc.fx.Pages != lastPage(d) {
				t.Errorf("%d pages read, %d generated", lastPage(d), tc.fx.Pages)
			}
			for _, p := range got {
				text := p.Document(d).PlainText()
				if has := strings.Contains(text, tc.fx.Appendix); has != (p.Number == tc.fx.AppendixOf) {
					t.Errorf("paper %s holds the appendix %q: %v", p.Number, tc.fx.Appendix, has)
				}
			}
		})
	}
}

// sentenceRe ends a sentence.
var sentenceRe = regexp.MustCompile(`[.!?]\s+`)

// TestTwoColumnPaper: the paper set in two columns reads as it was
// written: its text in order, left column then right, and every sentence
// whole in one block, the one that runs on from the foot of the left
// column to the head of the right included.
func TestTwoColumnPaper(t *testing.T) {
	for _, fx := range pdfgen.Packs() {
		d := readPack(t, fx)
		var paper *Paper
		for _, p := range Split(d) {
			if p.Number == fx.TwoColumn {
				paper = &p
			}
		}
		if paper == nil {
			t.Fatalf("%s: no paper %s", fx.Name, fx.TwoColumn)
		}
		doc := paper.Document(d)
		var blocks []string
		for _, pg := range doc.Pages {
			for _, b := range pg.Blocks {
				blocks = append(blocks, strings.Join(strings.Fields(b.Text), " "))
			}
		}
		all := strings.Join(blocks, " ")
		if body := strings.Join(strings.Fields(fx.TwoColumnText), " "); !strings.Contains(all, body) {
			t.Errorf("%s: the paper does not read in order:\n%s\nwant within it:\n%s", fx.Name, all, body)
		}
		var sentences []string
		for _, para := range strings.Split(fx.TwoColumnText, "\n\n") {
			para = strings.Join(strings.Fields(para), " ")
			at := 0
			for _, loc := range sentenceRe.FindAllStringIndex(para, -1) {
				sentences = append(sentences, para[at:loc[0]+1])
				at = loc[1]
			}
			sentences = append(sentences, para[at:])
		}
		for _, s := range sentences {
			whole := false
			for _, b := range blocks {
				whole = whole || strings.Contains(b, s)
			}
			if !whole {
				t.Errorf("%s: %q is not whole in one block of:\n%q", fx.Name, s, blocks)
			}
		}
	}
}

// TestSplitManyPagesPack: the long generated pack the benchmarks use
// splits at its running "Agenda item N" headers into its papers, each
// titled from the agenda's lines and spanning its pages.
func TestSplitManyPagesPack(t *testing.T) {
	fx := pdfgen.ManyPagesPack(5, 3)
	d := readPack(t, pdfgen.PackFixture{Fixture: fx})
	got := Split(d)
	if len(got) != 6 {
		t.Fatalf("%d papers, want 6:\n%s", len(got), show(got))
	}
	for k, p := range got[1:] {
		first := 2 + 3*k
		if p.Number != fmt.Sprint(k+1) || !strings.HasSuffix(p.Title, " report "+p.Number) || p.FirstPage != first || p.LastPage != first+2 {
			t.Errorf("paper %d: %+v, want item %d on pages %d-%d", k+1, p, k+1, first, first+2)
		}
	}
}

package annotate

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

func handDoc() *document.Document {
	return &document.Document{
		Pages: []document.Page{
			{Number: 1, Blocks: []document.Block{
				{Kind: document.Heading, Level: 1, Text: "1. Introduction"},
				{Kind: document.Paragraph, Text: "We will spend £2m by Mar. 2026 on the new hub. See para. 4 for\ndetails.  The ICB is responsible for it."},
				{Kind: document.Heading, Level: 2, Text: "1.1 Who"},
				{Kind: document.List, Text: "the most deprived 20%\nKeep people informed, e.g. by newsletter.", Items: []string{"the most deprived 20%", "Keep people informed, e.g. by newsletter."}},
			}},
			{Number: 7, Blocks: []document.Block{
				{Kind: document.Heading, Level: 1, Text: "2. Money"},
				{Kind: document.Table, Text: "Action\tLead\tTimescale\tCost\nBuild hub\tPublic Health\tMarch 2026\t£1.2m", Rows: [][]string{
					{"Action", "Lead", "Timescale", "Cost"},
					{"Build hub", "Public Health", "March 2026", "£1.2m"},
					{"", "", "", ""},
					{"Train  staff", "-", "2025/26", "£0.5m"},
				}},
				{Kind: document.Paragraph, Text: "  Some   text\nwith newlines.  "},
				{Kind: document.Paragraph, Text: "   "},
				{Kind: document.Caption, Text: "Figure 1: Rates per 100,000"},
			}},
		},
		Sections: []*document.Section{
			{Title: "1. Introduction", Start: document.BlockRef{Page: 0, Block: 0}, Children: []*document.Section{
				{Title: "1.1 Who", Start: document.BlockRef{Page: 0, Block: 2}},
			}},
			{Title: "2. Money", Start: document.BlockRef{Page: 1, Block: 0}},
		},
	}
}

type sentWant struct {
	text    string
	page    int
	block   int
	row     int
	kind    document.Kind
	section []string
	// anns, when not nil, are the annotations expected (all kinds).
	anns []want
}

func TestAnnotateHandDoc(t *testing.T) {
	d := handDoc()
	got := Annotate(d)
	if got.Document != d {
		t.Fatal("Doc does not carry its document")
	}
	intro, who, money := []string{"1. Introduction"}, []string{"1. Introduction", "1.1 Who"}, []string{"2. Money"}
	wants := []sentWant{
		{"1. Introduction", 1, 0, -1, document.Heading, intro, []want{}},
		{"We will spend £2m by Mar. 2026 on the new hub.", 1, 1, -1, document.Paragraph, intro, []want{
			{Kind: Commitment, Text: "We will"},
			{Kind: Money, Text: "£2m", Value: 2e6},
			{Kind: Deadline, Sub: SubDate, Text: "by Mar. 2026", Value: 2026},
		}},
		{"See para. 4 for details.", 1, 1, -1, document.Paragraph, intro, []want{}},
		{"The ICB is responsible for it.", 1, 1, -1, document.Paragraph, intro, []want{
			{Kind: Commitment, Sub: SubOwner, Text: "ICB is responsible for", Unit: "ICB"},
		}},
		{"1.1 Who", 1, 2, -1, document.Heading, who, nil},
		{"the most deprived 20%", 1, 3, -1, document.List, who, []want{
			{Kind: Group, Sub: SubCore20, Text: "most deprived 20%"},
			{Kind: Percent, Text: "20%", Value: 20},
		}},
		{"Keep people informed, e.g. by newsletter.", 1, 3, -1, document.List, who, []want{
			{Kind: Engagement, Sub: SubInform, Text: "Keep people informed"},
			{Kind: Engagement, Sub: SubInform, Text: "newsletter"},
		}},
		{"2. Money", 7, 0, -1, document.Heading, money, nil},
		{"Action | Lead | Timescale | Cost", 7, 1, 0, document.Table, money, []want{}},
		{"Build hub | Public Health | March 2026 | £1.2m", 7, 1, 1, document.Table, money, []want{
			{Kind: Commitment, Sub: SubOwner, Text: "Public Health", Unit: "Public Health"},
			{Kind: Deadline, Sub: SubDate, Text: "March 2026", Value: 2026},
			{Kind: Money, Text: "£1.2m", Value: 1.2e6},
		}},
		{"Train staff | - | 2025/26 | £0.5m", 7, 1, 3, document.Table, money, []want{
			{Kind: Deadline, Sub: SubDate, Text: "2025/26", Value: 2025, Value2: 2026},
			{Kind: Money, Text: "£0.5m", Value: 0.5e6},
		}},
		{"Some text with newlines.", 7, 2, -1, document.Paragraph, money, []want{}},
		{"Figure 1: Rates per 100,000", 7, 4, -1, document.Caption, money, nil},
	}
	if len(got.Sentences) != len(wants) {
		for _, s := range got.Sentences {
			t.Logf("%d/%d/%d %q", s.Page, s.Block, s.Row, s.Text)
		}
		t.Fatalf("%d sentences, want %d", len(got.Sentences), len(wants))
	}
	for i, w := range wants {
		s := got.Sentences[i]
		if s.Text != w.text || s.Page != w.page || s.Block != w.block || s.Row != w.row || s.Kind != w.kind || !reflect.DeepEqual(s.Section, w.section) {
			t.Errorf("sentence %d = %q p%d b%d r%d %s %q\n want %q p%d b%d r%d %s %q", i,
				s.Text, s.Page, s.Block, s.Row, s.Kind, s.Section, w.text, w.page, w.block, w.row, w.kind, w.section)
		}
		checkSpans(t, s.Text, s.Annotations)
		if w.anns != nil {
			g := []want{}
			for _, a := range s.Annotations {
				g = append(g, asWant(a))
			}
			if fmt.Sprint(g) != fmt.Sprint(w.anns) {
				t.Errorf("sentence %q annotations:%s\nwant:%s", s.Text, list(g), list(w.anns))
			}
		}
	}
	checkVerbatim(t, d, got)
}

// checkVerbatim: every sentence is a substring of its block's folded text,
// of one of its list items, or is its table row's cells joined by " | ".
func checkVerbatim(t *testing.T, d *document.Document, ad *Doc) {
	t.Helper()
	pages := map[int]document.Page{}
	for _, p := range d.Pages {
		pages[p.Number] = p
	}
	for _, s := range ad.Sentences {
		p, ok := pages[s.Page]
		if !ok || s.Block < 0 || s.Block >= len(p.Blocks) {
			t.Fatalf("sentence %q points at page %d block %d, which does not exist", s.Text, s.Page, s.Block)
		}
		b := p.Blocks[s.Block]
		if s.Kind != b.Kind {
			t.Errorf("sentence %q kind %s, block kind %s", s.Text, s.Kind, b.Kind)
		}
		if s.Text == "" || s.Text != strings.TrimSpace(s.Text) {
			t.Errorf("sentence %q empty or not trimmed", s.Text)
		}
		if s.Row >= 0 {
			if b.Kind != document.Table || s.Row >= len(b.Rows) {
				t.Fatalf("sentence %q has row %d in a %s block of %d rows", s.Text, s.Row, b.Kind, len(b.Rows))
			}
			cells := make([]string, len(b.Rows[s.Row]))
			for i, c := range b.Rows[s.Row] {
				cells[i] = textclean.Fold(c)
			}
			if j := strings.Join(cells, " | "); s.Text != j {
				t.Errorf("row sentence %q is not its row %q", s.Text, j)
			}
			continue
		}
		found := strings.Contains(textclean.Fold(b.Text), s.Text)
		for _, it := range b.Items {
			found = found || strings.Contains(textclean.Fold(it), s.Text)
		}
		if !found {
			t.Errorf("sentence %q is not verbatim in page %d block %d", s.Text, s.Page, s.Block)
		}
	}
}

func TestAnnotateSplitting(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"The target (see para. 3.2) was met in Mar. 2024 by Dr. Smith at St. Mary's, e.g. in clinics, i.e. outpatients. It cost approx. £2m. No. 5 was next.",
			[]string{"The target (see para. 3.2) was met in Mar. 2024 by Dr. Smith at St. Mary's, e.g. in clinics, i.e. outpatients.", "It cost approx. £2m.", "No. 5 was next."}},
		{"First sentence here. Second one follows! Is this the third? Yes.",
			[]string{"First sentence here.", "Second one follows!", "Is this the third?", "Yes."}},
		{"Prof. J. Smith and Cllr. Jones met. They agreed.", []string{"Prof. J. Smith and Cllr. Jones met.", "They agreed."}},
		{"No full stop at all", []string{"No full stop at all"}},
	}
	for _, c := range cases {
		d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{{Kind: document.Paragraph, Text: c.in}}}}}
		var got []string
		for _, s := range Annotate(d).Sentences {
			got = append(got, s.Text)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("split %q\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestAnnotateEdgeCases(t *testing.T) {
	if got := Annotate(nil); got == nil || got.Sentences != nil {
		t.Errorf("Annotate(nil) = %+v", got)
	}
	empty := &document.Document{Pages: []document.Page{{Number: 1}}}
	if got := Annotate(empty); len(got.Sentences) != 0 {
		t.Errorf("empty document gave %d sentences", len(got.Sentences))
	}
	// Blocks typed as lists or tables without items or rows fall back to
	// their text; sections with nil entries and unsorted children are
	// tolerated.
	d := &document.Document{
		Pages: []document.Page{{Number: 3, Blocks: []document.Block{
			{Kind: document.List, Text: "One item. Two items."},
			{Kind: document.Table, Text: "a\tb"},
			{Kind: document.Heading, Text: strings.Repeat("Long heading text. ", 20)},
		}}},
		Sections: []*document.Section{nil, {Title: "S", Start: document.BlockRef{Page: 0, Block: 1}, Children: []*document.Section{
			{Title: "S2", Start: document.BlockRef{Page: 0, Block: 2}}, {Title: "S1", Start: document.BlockRef{Page: 0, Block: 1}},
		}}},
	}
	got := Annotate(d)
	checkVerbatim(t, d, got)
	if len(got.Sentences) < 4 {
		t.Fatalf("%d sentences", len(got.Sentences))
	}
	if got.Sentences[0].Section != nil {
		t.Errorf("block before any section has section %q", got.Sentences[0].Section)
	}
	if s := got.Sentences[len(got.Sentences)-1].Section; !reflect.DeepEqual(s, []string{"S", "S2"}) {
		t.Errorf("last block section %q, want [S S2]", s)
	}
	if n := len(got.Sentences) - 3; n < 2 {
		t.Errorf("long heading not split: %d pieces", n)
	}
}

// TestAnnotateConcurrent: lexicons, expressions and the prose model are
// shared; Annotate must be safe to call from several goroutines (run with
// -race).
func TestAnnotateConcurrent(t *testing.T) {
	want := fmt.Sprint(Annotate(handDoc()).Sentences)
	done := make(chan string)
	for i := 0; i < 4; i++ {
		go func() { done <- fmt.Sprint(Annotate(handDoc()).Sentences) }()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; got != want {
			t.Error("concurrent Annotate gave a different result")
		}
	}
}

// A recommendations table says who acts and how success is measured in
// its columns: the cells under "Action for?" are owners and those under
// "Possible measures" are measures, whatever their words.
func TestTableOwnerAndMeasureColumns(t *testing.T) {
	d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{
		{Kind: document.Table, Text: "t", Rows: [][]string{
			{"Recommendation", "Action", "Action for?", "Possible measures"},
			{"Young parents should be a priority group.", "Plan a pathway for vulnerable parents.", "CCG Commissioners", "Pathways in place and documented."},
			{"Monitor outcomes.", "Share data.", "-", "N/A"},
		}},
	}}}}
	got := Annotate(d)
	var rows [][]Annotation
	for _, s := range got.Sentences {
		if s.Kind == document.Table && s.Row > 0 {
			rows = append(rows, s.Annotations)
		}
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	has := func(as []Annotation, kind, sub, text string) bool {
		for _, a := range as {
			if a.Kind == kind && a.Sub == sub && a.Text == text {
				return true
			}
		}
		return false
	}
	if !has(rows[0], Commitment, SubOwner, "CCG Commissioners") || !has(rows[0], Measure, "", "Pathways in place and documented.") {
		t.Errorf("first row: %+v", rows[0])
	}
	for _, a := range rows[1] {
		if a.Kind == Measure || a.Sub == SubOwner {
			t.Errorf("an empty cell is no owner or measure: %+v", a)
		}
	}
}

// The items of a list introduced as the changes made because of what
// people said are each a "we did"; a list of plans is not.
func TestChangesLeadIn(t *testing.T) {
	d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{
		{Kind: document.Paragraph, Text: "Having reviewed the responses, the following key changes have been made to the Strategy:"},
		{Kind: document.List, Text: "a\nb", Items: []string{"Added a goal on end of life care.", "Included some data on child neglect."}},
		{Kind: document.Paragraph, Text: "The following changes have been made to the estate:"},
		{Kind: document.List, Text: "c", Items: []string{"Replaced the roof of the main building."}},
	}}}}
	got := Annotate(d)
	changed := map[string]bool{}
	for _, s := range got.Sentences {
		for _, a := range s.Annotations {
			if a.Kind == Engagement && a.Sub == SubChanged {
				changed[s.Text] = true
			}
		}
	}
	want := map[string]bool{"Added a goal on end of life care.": true, "Included some data on child neglect.": true}
	if !reflect.DeepEqual(changed, want) {
		t.Errorf("changed items %v, want %v", changed, want)
	}
}

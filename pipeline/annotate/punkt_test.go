package annotate

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jdkato/prose/v2"
	"gopkg.in/neurosnap/sentences.v1"
	"gopkg.in/neurosnap/sentences.v1/data"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
)

// proseStarts is sentenceStarts done the slow way, through
// prose.NewDocument, which builds its tokenizer afresh on each call.
func proseStarts(t testing.TB, text string) []int {
	t.Helper()
	doc, err := prose.NewDocument(text,
		prose.WithTagging(false), prose.WithExtraction(false), prose.WithTokenization(false))
	if err != nil {
		t.Fatalf("prose: %v", err)
	}
	var starts []int
	cursor := 0
	for _, s := range doc.Sentences() {
		if s.Text == "" {
			continue
		}
		idx := strings.Index(text[cursor:], s.Text)
		if idx < 0 {
			continue
		}
		if pos := cursor + idx; pos > 0 {
			starts = append(starts, pos)
		}
		cursor += idx + len(s.Text)
	}
	return starts
}

// segmenterCases are texts where the tokenizer's customisations decide
// the split: abbreviations, initials, ellipses, quotes, brackets,
// multi-full-stop abbreviations and prose's extra sentence enders.
var segmenterCases = []string{
	"",
	"One sentence without a full stop",
	"We will act. The board agreed. Residents were asked!",
	"See para. 4 of the plan. Sgt. Smith and Gov. Jones attended. No. 10 replied.",
	"The U.K. government and the N.H.S. agreed. Then we left.",
	"It was... well. Then nothing happened... And then it did.",
	`"We will do it." She said so. (It was done.) Next came the report.`,
	"Why? Because. Really?! Yes! “Quoted.” Done.",
	"J. R. Smith chaired it. Mr. Brown seconded it. e.g. this, i.e. that.",
	"Line one\nwith a break. Line two\n\nParagraph two. Yahoo! Is a name.",
	"Costs rose 3.5% in 2023/24. £2.6bn was spent.",
}

func TestSegmenterMatchesProse(t *testing.T) {
	texts := slices.Clone(segmenterCases)
	if dir := sharedcorpus.Path("corpus", "real-text"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, string(b))
		}
	} else {
		t.Log("shared corpus not present: comparing on the built-in cases only")
	}
	for i, text := range texts {
		got, err := sentenceStarts(text)
		if err != nil {
			t.Fatalf("text %d: %v", i, err)
		}
		want := proseStarts(t, text)
		if !slices.Equal(got, want) {
			t.Errorf("text %d (%.40q): %d sentence starts, prose.NewDocument gives %d; first difference at %d",
				i, text, len(got), len(want), firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []int) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return min(a[i], b[i])
		}
	}
	if len(a) < len(b) {
		return b[len(a)]
	}
	if len(b) < len(a) {
		return a[len(b)]
	}
	return -1
}

// FuzzSegmenterMatchesProse holds the shared tokenizer to prose on any
// text: same sentence starts, no panic.
func FuzzSegmenterMatchesProse(f *testing.F) {
	for _, s := range segmenterCases {
		f.Add(s)
	}
	addSeeds(f)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 {
			return // prose's per-call rebuild makes long inputs slow, not more telling
		}
		got, err := sentenceStarts(text)
		if err != nil {
			t.Skip(err) // a panic inside the tokenizer, recovered as prose's would be
		}
		if want := proseStarts(t, text); !slices.Equal(got, want) {
			t.Fatalf("%q: starts %v, prose.NewDocument gives %v", text, got, want)
		}
	})
}

// TestPunktTablesMatchData holds punkt_english.tsv to the training data
// of the sentences package it was written from: an upgrade of the
// package that changes its data fails here (go generate
// ./pipeline/annotate writes the file again).
func TestPunktTablesMatchData(t *testing.T) {
	b, err := data.Asset("data/english.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := sentences.LoadTraining(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := punktTraining(punktTables)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("punkt_english.tsv differs from the sentences package's data/english.json: run go generate ./pipeline/annotate")
	}
}

func TestPunktTrainingRejectsDamage(t *testing.T) {
	for _, text := range []string{"Unknown\nword\t1\n", "word\t1\n", "OrthoContext\nword\tx\n"} {
		if _, err := punktTraining(text); err == nil {
			t.Errorf("%q: no error", text)
		}
	}
}

// BenchmarkPunktBuild is the sentence splitter's fixed cost, paid once
// by every process that splits sentences.
func BenchmarkPunktBuild(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := punktTraining(punktTables); err != nil {
			b.Fatal(err)
		}
	}
}

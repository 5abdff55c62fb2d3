package pdfdoc

import (
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/nhsreview/nhsreview/internal/testkit/golden"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/sections"
)

// extractFixture reads a fixture in-process and builds its sections, as
// the extract package does.
func extractFixture(t *testing.T, f pdfgen.Fixture) (*document.Document, []Bookmark, error) {
	t.Helper()
	d, marks, err := Extract(f.PDF, DefaultOptions())
	if err != nil {
		return nil, nil, err
	}
	var ms []sections.Mark
	for _, m := range marks {
		ms = append(ms, sections.Mark{Title: m.Title, Level: m.Level, Page: m.Page})
	}
	sections.Build(d, ms, false)
	return d, marks, nil
}

// words splits text into words without surrounding punctuation.
func words(s string) []string {
	var out []string
	for _, w := range strings.Fields(norm.NFKC.String(s)) {
		w = strings.Trim(w, `.,;:!?()[]"'“”‘’•`)
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

func TestFixtures(t *testing.T) {
	for _, f := range pdfgen.All() {
		t.Run(f.Name, func(t *testing.T) {
			d, marks, err := extractFixture(t, f)
			if f.Damaged && f.WantText == "" {
				if err == nil {
					// a repaired file: it must still say it was damaged
					if !strings.Contains(strings.Join(d.Quality.Warnings, "\n"), "damaged") {
						t.Errorf("damaged file read without saying so: %q", d.Quality.Warnings)
					}
					golden.JSON(t, filepath.Join("testdata", "golden", f.Name+".json"), d)
				}
				if err != nil && (strings.Contains(err.Error(), "\n") || len(err.Error()) > 250) {
					t.Errorf("error is not one short line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if f.Pages > 0 && len(d.Pages) != f.Pages {
				t.Errorf("pages = %d, want %d", len(d.Pages), f.Pages)
			}
			if d.Quality.NeedsOCR != f.NeedsOCR {
				t.Errorf("needs_ocr = %v, want %v", d.Quality.NeedsOCR, f.NeedsOCR)
			}
			text := d.PlainText()
			got := map[string]int{}
			for _, w := range words(text) {
				got[w]++
			}
			for _, w := range f.WantWords {
				w = strings.Trim(w, `.,;:!?()[]"'“”‘’•`)
				if got[w] == 0 {
					t.Errorf("missing word %q", w)
				}
			}
			for _, w := range f.NotWords {
				w = strings.Trim(w, `.,;:!?()[]"'“”‘’•`)
				if got[w] > 0 {
					t.Errorf("unwanted word %q (wrong spacing)", w)
				}
			}
			// Every word of the expected text, except running lines and
			// line-end hyphenation, is found.
			running := map[string]bool{}
			for _, l := range f.RunningLines {
				for _, w := range words(l) {
					running[w] = true
				}
			}
			want := map[string]int{}
			for _, w := range words(f.WantText) {
				if !running[w] && !strings.HasSuffix(w, "-") {
					want[w]++
				}
			}
			for w, n := range want {
				if got[w] < n && !hyphenPart(w, f.WantText) {
					t.Errorf("word %q: %d times, want %d", w, got[w], n)
				}
			}
			var kept []string
			for _, p := range d.Pages {
				kept = append(kept, p.Running...)
			}
			for _, l := range f.RunningLines {
				if strings.Contains(text, l) {
					t.Errorf("running line %q not removed", l)
				}
				// removed from the text, kept for the stages that
				// read them (a pack's "Agenda item 7")
				if !slices.ContainsFunc(kept, func(k string) bool { return strings.Contains(k, l) }) {
					t.Errorf("running line %q not kept in the pages' running lines %q", l, kept)
				}
			}
			checkHeadings(t, d, f.WantHeadings)
			checkOutline(t, marks, f.WantOutline)
			checkLists(t, d, f.Lists)
			checkTables(t, d, f.Tables)
			golden.JSON(t, filepath.Join("testdata", "golden", f.Name+".json"), d)
		})
	}
}

// Columns a narrow gutter apart, on shared baselines, are read column by
// column: each column's sentences come out whole.
func TestNarrowGutter(t *testing.T) {
	d, _, err := extractFixture(t, pdfgen.NarrowGutter())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(d.PlainText()), " ")
	for _, want := range []string{
		"We will continue to increase NHS spending above inflation in each year of the next Parliament, and we will return waiting times to the levels set out in the constitution.",
		"Rural and coastal communities will be better served through golden hellos to encourage dentists to work in these areas, and through new dental vans that visit the villages furthest from a practice every week.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
}

// A ruled table whose cells wrap and are centred in their rows is read by
// its rules: one row per table row, each cell's text whole and in order,
// whether the columns are ruled too (a grid) or only the rows.
func TestRuledTable(t *testing.T) {
	for _, f := range []pdfgen.Fixture{pdfgen.RuledTable(), pdfgen.RuledRows()} {
		d, _, err := extractFixture(t, f)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		for _, b := range d.Pages[0].Blocks {
			if b.Kind == document.Table {
				rows = append(rows, b.Rows...)
			}
		}
		if !reflect.DeepEqual(rows, pdfgen.RuledTableRows) {
			t.Errorf("%s: rows:\n%q\nwant\n%q", f.Name, rows, pdfgen.RuledTableRows)
		}
	}
}

// A content stream's rules are read beside its text, in the stream's
// starting space: thin rectangles, and straight segments, with the
// stream's own matrices applied; a clipping rectangle, a page-sized fill
// and a slanted line are not rules, and no path reaches the interpreter.
func TestReduceRules(t *testing.T) {
	in := []byte("q 1 0 0 RG 10 20 200 0.5 re f 0 0 612 792 re W n Q q 2 0 0 2 100 0 cm 50 60 m 50 300 l S Q 5 5 m 40 60 l S " +
		"BT /F1 9 Tf 1 0 0 1 72 700 Tm (Hi) Tj ET")
	out, useful, rules := reduceContent(in)
	if !useful {
		t.Fatal("text not seen")
	}
	want := []rule{{10, 20, 210, 20.5}, {200, 120, 200, 600}}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("rules %v, want %v", rules, want)
	}
	if got := string(out); !strings.Contains(got, "(Hi) Tj") || strings.Contains(got, " re") || strings.Contains(got, " l") {
		t.Errorf("reduced stream %q: want the text and no paths", got)
	}
}

// hyphenPart reports whether w is the second half of a word broken at a
// line end in the expected text (it is joined to the first half).
func hyphenPart(w, text string) bool {
	return strings.Contains(text, "-\n"+w) || strings.Contains(text, "-\n\n"+w)
}

func checkHeadings(t *testing.T, d *document.Document, want []pdfgen.Heading) {
	t.Helper()
	for _, h := range want {
		found := false
		for _, b := range d.Pages[h.Page-1].Blocks {
			if b.Kind == document.Heading && sections.Similar(b.Text, h.Text) {
				found = true
				if h.Level > 0 && b.Level != h.Level {
					t.Errorf("heading %q: level %d, want %d", h.Text, b.Level, h.Level)
				}
			}
		}
		if !found {
			t.Errorf("heading %q not found on page %d", h.Text, h.Page)
		}
	}
}

func checkOutline(t *testing.T, marks []Bookmark, want []pdfgen.Heading) {
	t.Helper()
	if len(want) == 0 {
		return
	}
	if len(marks) != len(want) {
		t.Errorf("bookmarks: got %d, want %d: %+v", len(marks), len(want), marks)
		return
	}
	for i, w := range want {
		m := marks[i]
		if m.Title != w.Text || m.Level != w.Level || m.Page != w.Page {
			t.Errorf("bookmark %d = %+v, want %+v", i, m, w)
		}
	}
}

func stripMarker(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"•", "-", "–", "*"} {
		if strings.HasPrefix(s, p) {
			return strings.TrimSpace(strings.TrimPrefix(s, p))
		}
	}
	if i := strings.IndexAny(s, ".)"); i > 0 && i <= 3 && strings.Trim(s[:i], "0123456789abcdefghijklmnopqrstuvwxyz(") == "" {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

func checkLists(t *testing.T, d *document.Document, want [][]string) {
	t.Helper()
	for _, items := range want {
		found := false
		for _, p := range d.Pages {
			for _, b := range p.Blocks {
				if b.Kind != document.List || len(b.Items) != len(items) {
					continue
				}
				ok := true
				for i, it := range b.Items {
					if stripMarker(it) != items[i] {
						ok = false
					}
				}
				found = found || ok
			}
		}
		if !found {
			t.Errorf("list %q not found", items)
		}
	}
}

func checkTables(t *testing.T, d *document.Document, want [][][]string) {
	t.Helper()
	for _, rows := range want {
		found := false
		for _, p := range d.Pages {
			for _, b := range p.Blocks {
				if b.Kind == document.Table && equalRows(b.Rows, rows) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("table %q not found", rows)
		}
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\t") != strings.Join(b[i], "\t") {
			return false
		}
	}
	return true
}

func TestParseNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
	}{{"12", 12}, {"-3.5", -3.5}, {".25", 0.25}, {"0.12", 0.12}, {"-.5", -0.5}, {"7.", 7}, {"+4", 4}} {
		if got := parseNumber([]byte(c.in)); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("parseNumber(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

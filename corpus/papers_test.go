package corpus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/pack"
	"github.com/nhsreview/nhsreview/rules"
)

// boardPack is a Markdown board pack as pipeline/pack's tests write one:
// an agenda, the minutes (a cover with its purpose ticked), the
// population health strategy (whose body is strategyBody) and a finance
// report, for a meeting on date.
func boardPack(date, strategyBody string) []byte {
	return fmt.Appendf(nil, `# Board meeting in public, %s

Agenda

Item 1 Welcome and apologies

Item 2 Minutes of the last meeting

Item 3 Population Health Strategy 2026-2031

Item 4 Finance Report

**Agenda item:**

2025-26 (2)

**Title of report:**

Minutes of the Board Meeting Held in Public

**Presented by:**

Trust Chair

**Purpose:**

Assurance

Approval

√

The minutes are attached.

**Agenda item:** 3

**Title of report:** Population Health Strategy 2026-2031

**Presented by:** Director of Strategy

**Purpose:** For approval

**Recommendation(s):** The Board is asked to approve the strategy.

%s

**Agenda item:** 4

**Title of report:** Finance Report

**Presented by:** Director of Finance

**Purpose:** For information

The Trust reports a deficit of £2.1m against a plan of £1.5m.
`, date, strategyBody)
}

// The strategy as the March pack has it, and as the May pack has it,
// revised: now costed, and made with the voluntary sector.
const (
	strategyMarch = `Healthy life expectancy in the most deprived wards is 9 years shorter than in the least deprived. We will offer targeted health checks in the three most deprived wards from April 2026.`
	strategyMay   = `Healthy life expectancy in the most deprived wards is 9 years shorter than in the least deprived. We will offer targeted health checks in the three most deprived wards from April 2026, funded with £400,000 a year from the public health grant for three years.`
)

var (
	packMarch = boardPack("4 March 2026", strategyMarch)
	packMay   = boardPack("6 May 2026", strategyMay)
)

// packItems are the items and kinds of a stored pack's papers, and the
// number of criteria each has a score on ("-" for none).
func packItems(ps []StoredPaper) string {
	var b strings.Builder
	for _, p := range ps {
		n := "-"
		if p.Card != nil {
			n = fmt.Sprint(len(p.Card.Criteria))
		}
		fmt.Fprintf(&b, "%d %q %s %s %s; ", p.Index, p.Item, p.Kind, p.Status, n)
	}
	return b.String()
}

const wantItems = `0 "" agenda not triaged -; 1 "2" minutes not triaged -; 2 "3" strategy or plan scored 5; 3 "4" finance or performance report scored 1; `

func criterion(t *testing.T, c *rules.Scorecard, id string) rules.Criterion {
	t.Helper()
	for _, cr := range c.Criteria {
		if cr.ID == id {
			return cr
		}
	}
	t.Fatalf("no criterion %s in %s", id, c.Document.Title)
	return rules.Criterion{}
}

// TestPapersStored: two packs holding the same strategy, revised, and a
// document that is not a pack. Each pack is stored once, with its papers
// as rows of their own, once per content (the same bytes again, or under
// another source, add none); they are listed, named by item, exported,
// and the strategy of one pack differs from the other's.
func TestPapersStored(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		for _, in := range []struct {
			src    string
			data   []byte
			papers int
		}{
			{"https://t.nhs.uk/board-2026-03.md", packMarch, 4},
			{"https://t.nhs.uk/board-2026-05.md", packMay, 4},
			{"https://t.nhs.uk/plan.md", strategy(1), 0},
		} {
			out, err := s.Ingest(ctx, p, result(in.src, in.data), Meta{Kind: "board-papers"})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Papers) != in.papers || out.PaperCount != in.papers || out.PapersErr != nil {
				t.Errorf("%s: %d papers (%v), want %d", in.src, len(out.Papers), out.PapersErr, in.papers)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM papers`); n != 8 {
			t.Errorf("%d paper rows, want 8 (4 per pack)", n)
		}
		if n := count(t, s, `SELECT papers FROM scores WHERE sha256 = ?`, sum(strategy(1))); n != 0 {
			t.Errorf("a document that is not a pack counts %d papers", n)
		}

		// The same bytes again, and under another source: stored once.
		splits := p.splits.Load()
		if out, err := s.Ingest(ctx, p, result("https://t.nhs.uk/board-2026-03.md", packMarch), Meta{}); err != nil || out.Status != Unchanged {
			t.Fatalf("again: %+v, %v", out, err)
		}
		if out, err := s.Ingest(ctx, p, result("https://mirror.nhs.uk/board-2026-03.md", packMarch), Meta{}); err != nil || out.Papers != nil || out.PaperCount != 4 {
			t.Fatalf("the same bytes under another source: %+v, %v; want the stored 4 papers counted, none made", out, err)
		}
		if n := count(t, s, `SELECT count(*) FROM papers WHERE sha256 = ?`, sum(packMarch)); n != 4 {
			t.Errorf("%d paper rows of the March pack, stored twice under two sources; want 4", n)
		}
		if p.splits.Load() != splits {
			t.Errorf("known bytes were split again")
		}

		list, err := s.List(ctx, Filter{}, "r1")
		if err != nil {
			t.Fatal(err)
		}
		var counts []int
		for _, e := range list {
			counts = append(counts, e.Papers)
		}
		// The mirror's copy is a source of document 1, not a document.
		if fmt.Sprint(counts) != "[4 4 0]" {
			t.Errorf("listed papers %v, want [4 4 0]", counts)
		}

		for _, ref := range []string{"1", sum(packMay)[:8]} {
			_, ps, err := s.Papers(ctx, ref, "r1")
			if err != nil {
				t.Fatalf("papers of %s: %v", ref, err)
			}
			if got := packItems(ps); got != wantItems {
				t.Errorf("papers of %s:\n%s\nwant\n%s", ref, got, wantItems)
			}
		}
		_, ps, _ := s.Papers(ctx, "1", "r1")
		if strat := ps[2]; strat.Title != "Population Health Strategy 2026-2031" || strat.Presenter != "Director of Strategy" ||
			strat.Purpose != "decision" || strat.Asked != "The Board is asked to approve the strategy." || strat.FirstPage != 1 ||
			strat.Card.Document.Title != strat.Title {
			t.Errorf("the strategy paper: %+v", strat.PaperEntry)
		}

		// The strategy in March and, revised, in May: named by item, and
		// costed only in May.
		_, march, err := s.Paper(ctx, "1", "3", "r1")
		if err != nil {
			t.Fatal(err)
		}
		_, may, err := s.Paper(ctx, "2", "3", "r1")
		if err != nil {
			t.Fatal(err)
		}
		if old, nw := criterion(t, march.Card, "costed-plans").Score, criterion(t, may.Card, "costed-plans").Score; nw <= old {
			t.Errorf("costed plans: March %d, May %d; want May higher", old, nw)
		}

		// What is not there says so.
		for ref, want := range map[string]string{
			"3":  "document 3 version 1 is not a board pack: it has no papers",
			"99": "no document 99",
		} {
			if _, _, err := s.Papers(ctx, ref, "r1"); err == nil || err.Error() != want {
				t.Errorf("papers of %s: %v, want %q", ref, err, want)
			}
		}
		if _, _, err := s.Paper(ctx, "1", "9", "r1"); err == nil || err.Error() != "document 1 version 1 has no item 9 (its items: 2, 3, 4)" || !errors.Is(err, ErrNotFound) {
			t.Errorf("item 9: %v", err)
		}

		// The export: per pack, the agenda and minutes in a row each, the
		// strategy in five, the finance report in one.
		rows, again, err := s.ExportPapers(ctx, Filter{}, p)
		if err != nil || len(again) != 0 {
			t.Fatalf("export: %v, split again %v", err, again)
		}
		if len(rows) != 2*8 {
			t.Errorf("%d export rows, want 16 (the mirror's copy is document 1)", len(rows))
		}
		for _, r := range rows {
			if r.PaperKind == "minutes" && (r.Criterion != "" || r.Status != PaperNotTriaged) ||
				r.PaperKind == "strategy or plan" && (r.Criterion == "" || r.Max != 3) || r.Kind != "board-papers" {
				t.Errorf("export row %+v", r)
			}
		}
		if rows, _, err := s.ExportPapers(ctx, Filter{Kind: "strategy"}, p); err != nil || len(rows) != 0 {
			t.Errorf("export of no pack: %d rows, %v", len(rows), err)
		}
	})
}

// TestPaperFails: a paper that cannot be scored is stored without a
// score, with its error, and the others and the pack are stored; papers
// that cannot be made at all leave the pack's score stored and its
// papers to the next rescore.
func TestPaperFails(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		score := p.score
		p.score = func(ctx context.Context, d *document.Document) (*rules.Scorecard, error) {
			if d.Title == "Finance Report" {
				return nil, errors.New("scoring the document took longer than 1m0s (--deadline)")
			}
			return score(ctx, d)
		}
		out, err := s.Ingest(ctx, p, result("https://t.nhs.uk/board-2026-03.md", packMarch), Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if w := PaperWarnings(out.Papers, out.PapersErr); len(w) != 1 || w[0] != "item 4: not scored: scoring the document took longer than 1m0s (--deadline)" {
			t.Errorf("warnings %q", w)
		}
		_, ps, err := s.Papers(ctx, "1", "r1")
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Replace(wantItems, "finance or performance report scored 1", "finance or performance report failed -", 1)
		if got := packItems(ps); got != want || ps[3].Error == "" {
			t.Errorf("papers:\n%s\nwant\n%s (error %q)", got, want, ps[3].Error)
		}

		// Papers that cannot be made at all: the pack is stored, its papers
		// are not, and the next rescore makes them.
		broken := newReviewer(t, 1, "r1")
		broken.papers = func(context.Context, *document.Document) ([]Paper, error) {
			return nil, errors.New("splitting the board pack: panic: index out of range")
		}
		out, err = s.Ingest(ctx, broken, result("https://t.nhs.uk/board-2026-05.md", packMay), Meta{})
		if err != nil || out.Card == nil || out.PapersErr == nil {
			t.Fatalf("a pack whose papers fail: %+v, %v", out, err)
		}
		if _, _, err := s.Papers(ctx, "2", "r1"); !errors.Is(err, ErrNoPapers) || !strings.Contains(err.Error(), "not stored yet") {
			t.Errorf("papers not made: %v", err)
		}
		st, err := s.Rescore(ctx, newReviewer(t, 1, "r1"), 1, false, nil)
		if err != nil || st != (RescoreStats{Scored: 1, Current: 1}) {
			t.Errorf("rescore: %+v, %v; want the May pack's papers made (scored), the March pack current", st, err)
		}
		if _, ps, err := s.Papers(ctx, "2", "r1"); err != nil || packItems(ps) != wantItems {
			t.Errorf("after the rescore: %v, %v", packItems(ps), err)
		}
	})
}

// TestPapersRescore: new rules store the papers again under them,
// keeping the old; --all makes them again from the bytes; nothing
// changed, nothing is split.
func TestPapersRescore(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		for i, data := range [][]byte{packMarch, packMay, strategy(1)} {
			if _, err := s.Ingest(ctx, p, result(fmt.Sprintf("https://t.nhs.uk/%d.md", i), data), Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, step := range []struct {
			name   string
			rules  string
			all    bool
			want   RescoreStats
			splits int32
		}{
			{"nothing changed", "r1", false, RescoreStats{Current: 3}, 0},
			{"rules changed", "r2", false, RescoreStats{Scored: 3}, 3},
			{"all", "r2", true, RescoreStats{Extracted: 3}, 3},
		} {
			rv := newReviewer(t, 1, step.rules)
			got, err := s.Rescore(ctx, rv, 2, step.all, nil)
			if err != nil || got != step.want || rv.splits.Load() != step.splits {
				t.Errorf("%s: %+v, %v, %d splits; want %+v, %d", step.name, got, err, rv.splits.Load(), step.want, step.splits)
			}
		}
		for _, rules := range []string{"r1", "r2"} {
			if n := count(t, s, `SELECT count(*) FROM papers WHERE rules_version = ?`, rules); n != 8 {
				t.Errorf("%d paper rows under %s, want 8", n, rules)
			}
			if _, ps, err := s.Papers(ctx, "2", rules); err != nil || packItems(ps) != wantItems || ps[2].RulesVersion != rules || ps[2].Card.Tool.RulesVersion != rules {
				t.Errorf("under %s: %s, %v", rules, packItems(ps), err)
			}
		}
	})
}

// TestMigratePapers: a database made before papers were stored (schema
// 3: no papers table, no count in scores) gains both when opened, its
// packs listed with no papers until 'corpus rescore' splits them from
// the stored extractions (a pack counts as scored, the rest as current),
// without reading or scoring anything else. The step is safe to run
// twice.
func TestMigratePapers(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	path := s.Path()
	p := newReviewer(t, 1, "r1")
	for i, data := range [][]byte{packMarch, strategy(1)} {
		if _, err := s.Ingest(ctx, p, result(fmt.Sprintf("https://t.nhs.uk/%d.md", i), data), Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	// Back to schema 3, as a database made by the nhsreview before this
	// step has it: the step's table and column removed.
	for _, q := range []string{`DROP TABLE papers`, `ALTER TABLE scores DROP COLUMN papers`, `PRAGMA user_version = 3`} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := count(t, s, `PRAGMA user_version`); got != SchemaVersion() || SchemaVersion() < 4 {
		t.Errorf("user_version %d, want %d (4 or later)", got, SchemaVersion())
	}
	if n := count(t, s, `SELECT count(*) FROM scores WHERE papers IS NULL`); n != 2 {
		t.Errorf("%d scores not yet split, want 2", n)
	}
	list, err := s.List(ctx, Filter{}, "r1")
	if err != nil || len(list) != 2 || list[0].Papers != 0 || list[0].Total < 0 {
		t.Fatalf("listed before the rescore: %+v, %v", list, err)
	}
	if _, _, err := s.Papers(ctx, "1", "r1"); err == nil || err.Error() != "document 1 version 1: its papers are not stored yet (it was scored before papers were): run 'nhsreview corpus rescore'" {
		t.Errorf("papers before the rescore: %v", err)
	}

	rv := newReviewer(t, 1, "r1")
	st, err := s.Rescore(ctx, rv, 1, false, nil)
	if err != nil || st != (RescoreStats{Scored: 1, Current: 1}) {
		t.Errorf("rescore: %+v, %v; want the pack scored, the strategy current", st, err)
	}
	// The stored extraction is split; only the papers are scored (two
	// are triaged), not the documents again.
	if rv.extracts.Load() != 0 || rv.scores.Load() != 2 {
		t.Errorf("%d extractions, %d scorings; want 0, 2", rv.extracts.Load(), rv.scores.Load())
	}
	if _, ps, err := s.Papers(ctx, "1", "r1"); err != nil || packItems(ps) != wantItems {
		t.Errorf("after the rescore: %s, %v", packItems(ps), err)
	}
	if st, err := s.Rescore(ctx, rv, 1, false, nil); err != nil || st != (RescoreStats{Current: 2}) {
		t.Errorf("again: %+v, %v", st, err)
	}

	// Run on a database that has the table and column already, the step
	// changes nothing.
	if err := s.tx(ctx, func(tx *txn) error { return addPapers(ctx, tx) }); err != nil {
		t.Errorf("the step again: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM papers`); n != 4 {
		t.Errorf("%d paper rows after the step ran again, want 4", n)
	}
}

// TestPapersSplitterVersion: papers split by an older splitter (a
// database whose scores carry an older splitter_version, or none, as one
// made before the version was recorded) are split again by 'corpus
// rescore' from the stored extraction, without reading or scoring the
// documents again, and carry the splitter's version after; papers of the
// current splitter are left alone. The version is read back with the
// papers. The step that adds it is safe to run twice.
func TestPapersSplitterVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		old := newReviewer(t, 1, "r1")
		old.splitterVersion = pack.Version - 1
		for i, data := range [][]byte{packMarch, strategy(1)} {
			if _, err := s.Ingest(ctx, old, result(fmt.Sprintf("https://t.nhs.uk/%d.md", i), data), Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, ps, err := s.Papers(ctx, "1", "r1"); err != nil || ps[0].SplitterVersion != pack.Version-1 {
			t.Fatalf("papers stored by the older splitter: %+v, %v", ps, err)
		}
		for _, step := range []struct {
			name string
			sql  string
			want RescoreStats
			// splits and scores are the reviewer's: both documents split
			// again, the pack's two triaged papers scored
			splits, scores int32
		}{
			{"an older splitter", "", RescoreStats{Scored: 1, Current: 1}, 2, 2},
			{"the current splitter", "", RescoreStats{Current: 2}, 0, 0},
			{"stored before the version was", `UPDATE scores SET splitter_version = 0`, RescoreStats{Scored: 1, Current: 1}, 2, 2},
		} {
			if step.sql != "" {
				if _, err := s.db.Exec(step.sql); err != nil {
					t.Fatal(err)
				}
			}
			rv := newReviewer(t, 1, "r1")
			got, err := s.Rescore(ctx, rv, 1, false, nil)
			if err != nil || got != step.want || rv.splits.Load() != step.splits {
				t.Errorf("%s: %+v, %v, %d splits; want %+v, %d", step.name, got, err, rv.splits.Load(), step.want, step.splits)
			}
			if rv.extracts.Load() != 0 || rv.scores.Load() != step.scores {
				t.Errorf("%s: %d extractions, %d scorings; want 0, %d", step.name, rv.extracts.Load(), rv.scores.Load(), step.scores)
			}
			if n := count(t, s, `SELECT count(*) FROM scores WHERE splitter_version = ?`, pack.Version); n != 2 {
				t.Errorf("%s: %d scores at splitter version %d, want 2", step.name, n, pack.Version)
			}
			if _, ps, err := s.Papers(ctx, "1", "r1"); err != nil || packItems(ps) != wantItems || ps[0].SplitterVersion != pack.Version {
				t.Errorf("%s: papers %s, %v", step.name, packItems(ps), err)
			}
		}
		if isPostgres(s) {
			return // the step is SQLite's
		}
		if err := s.tx(ctx, func(tx *txn) error { return addSplitterVersion(ctx, tx) }); err != nil {
			t.Errorf("the step again: %v", err)
		}
	})
}

// TestPapersSplitAgainOnRead: where an older splitter stored a pack's
// papers, every read of them (CurrentPapers, CurrentPaper, ExportPapers)
// shows them as the current splitter makes them, from the stored
// extraction, marked as split again, and writes nothing; once a rescore
// has stored them, the stored papers are read and nothing is split. A
// document an older splitter found no pack in is split again when named.
func TestPapersSplitAgainOnRead(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		old := newReviewer(t, 1, "r1")
		old.splitterVersion = pack.Version - 1
		for i, data := range [][]byte{packMarch, strategy(1)} {
			if _, err := s.Ingest(ctx, old, result(fmt.Sprintf("https://t.nhs.uk/%d.md", i), data), Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		// What the older splitter stored differs from what the current one
		// makes: a title it read otherwise.
		const oldTitle = "Population Health Strategy (as the older splitter read it)"
		if _, err := s.db.Exec(`UPDATE papers SET title = ? WHERE number = '3'`, oldTitle); err != nil {
			t.Fatal(err)
		}
		before := count(t, s, `SELECT count(*) FROM papers WHERE title = ?`, oldTitle)

		rv := newReviewer(t, 1, "r1")
		e, ps, err := s.CurrentPapers(ctx, "1", rv)
		if err != nil || packItems(ps) != wantItems || !ps[0].SplitAgain || ps[2].Title == oldTitle || ps[2].SplitterVersion != pack.Version {
			t.Errorf("papers of an older splitter: %s, %v (%+v)", packItems(ps), err, ps)
		}
		if want := "document 1 version 1: its stored papers were split by an older nhsreview: shown split again from the stored text, not stored; run 'nhsreview corpus rescore' to store them"; SplitAgainNote(e) != want {
			t.Errorf("note %q, want %q", SplitAgainNote(e), want)
		}
		_, paper, err := s.CurrentPaper(ctx, "1", "3", rv)
		if err != nil || !paper.SplitAgain || paper.Card == nil || paper.Title == oldTitle || paper.Status != "scored" || paper.Max != 15 {
			t.Errorf("paper 3 of an older splitter: %+v, %v", paper, err)
		}
		rows, again, err := s.ExportPapers(ctx, Filter{}, rv)
		if err != nil || len(rows) != 8 || len(again) != 1 || again[0].ID != 1 || rows[2].PaperTitle == oldTitle {
			t.Errorf("export of an older splitter's papers: %d rows, split again %+v, %v", len(rows), again, err)
		}
		if _, _, err := s.CurrentPapers(ctx, "2", rv); err == nil || err.Error() != "document 2 version 1 is not a board pack: it has no papers" {
			t.Errorf("a document that is not a pack: %v", err)
		}
		if rv.splits.Load() != 4 {
			t.Errorf("%d splits, want 4 (the pack three times, the plan once)", rv.splits.Load())
		}
		// Nothing was written.
		if n := count(t, s, `SELECT count(*) FROM papers WHERE title = ?`, oldTitle); n != before || count(t, s, `SELECT count(*) FROM scores WHERE splitter_version = ?`, pack.Version) != 0 {
			t.Errorf("reading wrote: %d stored titles of the older splitter, want %d", n, before)
		}

		// Stored by the current splitter: read as stored, nothing split.
		if _, err := s.Rescore(ctx, rv, 1, false, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec(`UPDATE papers SET title = 'Population Health Strategy (as stored)' WHERE number = '3'`); err != nil {
			t.Fatal(err)
		}
		now := newReviewer(t, 1, "r1")
		_, ps, err = s.CurrentPapers(ctx, "1", now)
		if err != nil || ps[0].SplitAgain || ps[2].Title != "Population Health Strategy (as stored)" {
			t.Errorf("papers of the current splitter: %+v, %v", ps, err)
		}
		_, paper, err = s.CurrentPaper(ctx, "1", "3", now)
		if err != nil || paper.SplitAgain || paper.Title != "Population Health Strategy (as stored)" {
			t.Errorf("paper 3 of the current splitter: %+v, %v", paper, err)
		}
		if rows, again, err := s.ExportPapers(ctx, Filter{}, now); err != nil || len(rows) != 8 || len(again) != 0 || rows[2].PaperTitle != "Population Health Strategy (as stored)" {
			t.Errorf("export of the current splitter's papers: %d rows, split again %+v, %v", len(rows), again, err)
		}
		if now.splits.Load() != 0 {
			t.Errorf("%d splits of papers stored by the current splitter", now.splits.Load())
		}
	})
}

// TestIngestSplitsAgain: adding content already stored makes again the
// papers an older splitter stored (or that were not made yet), from the
// stored extraction, and stores them with the score kept, as 'corpus
// rescore' would: the same bytes from the same source (unchanged), or
// from another (a new source of the stored document); papers of the current splitter are left
// alone, and so is a document under other rules than those scored.
func TestIngestSplitsAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		old := newReviewer(t, 1, "r1")
		old.splitterVersion = pack.Version - 1
		if _, err := s.Ingest(ctx, old, result("https://t.nhs.uk/march.md", packMarch), Meta{}); err != nil {
			t.Fatal(err)
		}
		stale := func(sql string) {
			t.Helper()
			if _, err := s.db.Exec(`UPDATE papers SET title = 'Older split' WHERE number = '3'`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.Exec(sql); err != nil {
				t.Fatal(err)
			}
		}
		for _, step := range []struct {
			name, sql, src string
			rules          string
			status         Status
			again          bool
			splits         int32
		}{
			{"an older splitter's, the same source", "", "https://t.nhs.uk/march.md", "r1", Unchanged, true, 1},
			{"current", "", "https://t.nhs.uk/march.md", "r1", Unchanged, false, 0},
			{"an older splitter's, another source", `UPDATE scores SET splitter_version = 1`, "https://t.nhs.uk/copy.md", "r1", NewSource, true, 1},
			{"not made yet", `UPDATE scores SET papers = NULL`, "https://t.nhs.uk/march.md", "r1", Unchanged, true, 1},
			{"under other rules", `UPDATE scores SET splitter_version = 1`, "https://t.nhs.uk/march.md", "r2", Unchanged, false, 0},
		} {
			if step.sql != "" {
				stale(step.sql)
			}
			rv := newReviewer(t, 1, step.rules)
			out, err := s.Ingest(ctx, rv, result(step.src, packMarch), Meta{})
			if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			if out.Status != step.status || out.SplitAgain != step.again || rv.splits.Load() != step.splits || rv.extracts.Load() != 0 {
				t.Errorf("%s: %s, split again %v, %d splits, %d extractions; want %s, %v, %d, 0", step.name, out.Status, out.SplitAgain,
					rv.splits.Load(), rv.extracts.Load(), step.status, step.again, step.splits)
			}
			if step.again && (out.PaperCount != 4 || len(out.Papers) != 4 || rv.scores.Load() != 2) {
				t.Errorf("%s: %d papers (%d made), %d scorings; want 4, and the two triaged scored", step.name, out.PaperCount, len(out.Papers), rv.scores.Load())
			}
			if !step.again {
				continue
			}
			if _, ps, err := s.Papers(ctx, "1", "r1"); err != nil || packItems(ps) != wantItems || ps[0].SplitterVersion != pack.Version || ps[2].Title == "Older split" {
				t.Errorf("%s: stored %s, %v", step.name, packItems(ps), err)
			}
			if n := count(t, s, `SELECT count(*) FROM scores WHERE rules_version = 'r1'`); n != 1 {
				t.Errorf("%s: %d scores, want the one kept", step.name, n)
			}
		}
	})
}

// TestPapersCheckRepair: a paper's scorecard garbled, or a paper row
// gone, is found by Check and made again by Repair; a pack's score
// dropped by Repair takes its papers with it, and both are made again.
func TestPapersCheckRepair(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		for _, d := range []struct {
			name, sql, want string
		}{
			{"a paper's scorecard cut", `UPDATE papers SET scorecard = substr(scorecard, 1, 40) WHERE item_index = 2`,
				"document #1 version 1 (https://t.nhs.uk/0.md): a stored board pack paper's scorecard cannot be read"},
			{"a paper gone", `DELETE FROM papers WHERE item_index = 3`, "1 scores whose board pack's papers are not all stored"},
			{"the pack's scorecard cut", `UPDATE scores SET scorecard = substr(scorecard, 1, 40) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 1)`,
				"document #1 version 1 (https://t.nhs.uk/0.md): a stored scorecard cannot be read"},
		} {
			t.Run(d.name, func(t *testing.T) {
				s := openTemp(t)
				p := newReviewer(t, 1, "r1")
				if _, err := s.Ingest(ctx, p, result("https://t.nhs.uk/0.md", packMarch), Meta{}); err != nil {
					t.Fatal(err)
				}
				if _, err := s.db.Exec(d.sql); err != nil {
					t.Fatal(err)
				}
				problems, err := s.Check(ctx, false)
				if err != nil || !strings.Contains(strings.Join(problems, "; "), d.want) {
					t.Errorf("check: %q, %v; want %q", problems, err, d.want)
				}
				done, err := s.Repair(ctx, p, nil)
				if err != nil || len(done) == 0 || !done[0].Done {
					t.Errorf("repair: %+v, %v", done, err)
				}
				if problems, err := s.Check(ctx, false); err != nil || len(problems) != 0 {
					t.Errorf("after repair, check finds %q, %v", problems, err)
				}
				if _, ps, err := s.Papers(ctx, "1", "r1"); err != nil || packItems(ps) != wantItems {
					t.Errorf("after repair: %s, %v", packItems(ps), err)
				}
			})
		}
	})
}

// TestPapersOfPDFPack: a PDF pack laid out by the project's generator is
// stored with the papers it was laid out as (number, title, kind, first
// and last pages).
func TestPapersOfPDFPack(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		fx := pdfgen.PackCovers()
		if _, err := s.Ingest(ctx, newReviewer(t, 1, "r1"), result("https://t.nhs.uk/pack.pdf", fx.PDF), Meta{}); err != nil {
			t.Fatal(err)
		}
		_, ps, err := s.Papers(ctx, "1", "r1")
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, p := range ps[1:] { // after the agenda
			got = append(got, fmt.Sprintf("%s|%s|%s|%d-%d", p.Item, p.Title, p.Kind, p.FirstPage, p.LastPage))
		}
		for _, p := range fx.Papers {
			want = append(want, fmt.Sprintf("%s|%s|%s|%d-%d", p.Number, p.Title, p.Kind, p.FirstPage, p.LastPage))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("stored papers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if ps[0].Kind != "agenda" || ps[0].LastPage != fx.AgendaLast {
			t.Errorf("the agenda: %+v", ps[0].PaperEntry)
		}
	})
}

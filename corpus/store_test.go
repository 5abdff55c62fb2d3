package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/corpus/catalogue"
	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

func TestMigrateFromEmpty(t *testing.T) {
	ctx := context.Background()
	// A folder that does not exist yet, with a space in its name.
	path := filepath.Join(t.TempDir(), "my data", "corpus.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, `PRAGMA user_version`); got != SchemaVersion() {
		t.Errorf("user_version %d, want %d", got, SchemaVersion())
	}
	for _, table := range []string{"organisations", "documents", "contents", "versions", "fetches", "extractions", "scores", "meta", "papers", "uploads"} {
		if n := count(t, s, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table); n != 1 {
			t.Errorf("table %s missing", table)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM organisations WHERE origin = 'catalogue'`); n != 42 {
		t.Errorf("%d catalogue organisations, want 42", n)
	}
	if err := s.AddOrganisation(ctx, Organisation{Code: "rj1", Name: "Guy's and St Thomas' NHS Foundation Trust", Kind: "trust"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Opening again migrates nothing and keeps what users added.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM organisations`); n != 43 {
		t.Errorf("%d organisations after reopening, want 43", n)
	}
	// A database from a newer nhsreview is refused, not damaged.
	if _, err := s.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "schema version 99, newer than this nhsreview knows") {
		t.Fatalf("newer schema: err = %v", err)
	}

	if _, err := Open(ctx, t.TempDir()); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory as the database: err = %v", err)
	}
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 100)), 0o644)
	if _, err := Open(ctx, notDB); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("a text file as the database: err = %v", err)
	}
}

func TestMigrateSteps(t *testing.T) {
	// Every step runs on the schema the previous ones left, in a
	// transaction: a failing step leaves the version where it was.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(append([]func(context.Context, *txn) error(nil), saved...),
		execAll(`ALTER TABLE documents ADD COLUMN note TEXT NOT NULL DEFAULT ''`, `SELECT no_such_column FROM documents`))
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("migrating the schema to version %d", len(saved)+1)) {
		t.Fatalf("failing step: err = %v", err)
	}
	migrations = saved
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := count(t, s, `PRAGMA user_version`); got != len(saved) {
		t.Errorf("user_version %d after a failed step, want %d", got, len(saved))
	}
	if n := count(t, s, `SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'note'`); n != 0 {
		t.Error("the failed step's first statement was kept")
	}
}

// TestMigrateScoreMax: scores stored before the max column get theirs
// from their scorecards.
func TestMigrateScoreMax(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = saved[:1]
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p := newReviewer(t, 1, "r1")
	// Schema 1 has no max column: the score is written by hand, as the
	// code of that schema did.
	d, err := p.Read(ctx, result("plan.md", strategy(1)))
	if err != nil {
		t.Fatal(err)
	}
	card, err := p.Score(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(card)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO contents (sha256, size, data) VALUES ('aa', 1, x'00')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO scores (sha256, rules_version, extractor_version, total, scorecard, scored_at) VALUES ('aa', 'r1', 1, 3, ?, '')`, string(data)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	migrations = saved
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, want := card.Total()
	if got := count(t, s, `SELECT max FROM scores WHERE sha256 = 'aa'`); got != want || want != 15 {
		t.Errorf("max = %d after the migration, want %d (15)", got, want)
	}
}

func TestIngestVersions(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		v1, v2 := strategy(1), strategy(2)

		steps := []struct {
			name        string
			source      string
			data        []byte
			want        Status
			wantSeq     int
			wantExtract int32 // extractions so far
		}{
			{"first fetch", "https://Example.nhs.uk/plan.md#top", v1, New, 1, 1},
			{"same bytes", "https://example.nhs.uk/plan.md", v1, Unchanged, 1, 1},
			{"new bytes", "https://example.nhs.uk/plan.md", v2, Changed, 2, 2},
			{"back to the first bytes", "https://example.nhs.uk/plan.md", v1, Changed, 3, 2},
			// One document per content: another name of it is a source.
			{"same bytes elsewhere", "https://mirror.example.org/plan.md", v1, NewSource, 3, 2},
			{"same bytes elsewhere again", "https://mirror.example.org/plan.md", v1, Unchanged, 3, 2},
		}
		for _, st := range steps {
			out, err := s.Ingest(ctx, p, result(st.source, st.data), Meta{})
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if out.Status != st.want || out.Seq != st.wantSeq {
				t.Errorf("%s: %s v%d, want %s v%d", st.name, out.Status, out.Seq, st.want, st.wantSeq)
			}
			if got := p.extracts.Load(); got != st.wantExtract {
				t.Errorf("%s: %d extractions so far, want %d", st.name, got, st.wantExtract)
			}
			if out.Title != "Joint Forward Plan 1" && out.Title != "Joint Forward Plan 2" {
				t.Errorf("%s: title %q", st.name, out.Title)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM documents`); n != 1 {
			t.Errorf("%d documents, want 1", n)
		}
		if n := count(t, s, `SELECT count(*) FROM contents`); n != 2 {
			t.Errorf("%d contents, want 2 (bytes are kept once)", n)
		}
		if n := count(t, s, `SELECT count(*) FROM fetches`); n != 6 {
			t.Errorf("%d fetches recorded, want 6", n)
		}
		if n := count(t, s, `SELECT count(*) FROM scores WHERE rules_version = 'r1'`); n != 2 {
			t.Errorf("%d scores, want 2", n)
		}

		d, err := s.Show(ctx, "1", "r1")
		if err != nil {
			t.Fatal(err)
		}
		if d.Source != "https://example.nhs.uk/plan.md" || d.Versions != 3 || len(d.History) != 3 || len(d.Fetches) != 6 {
			t.Errorf("show 1: %s, %d versions, %d fetches", d.Source, d.Versions, len(d.Fetches))
		}
		if got := mustJSON(t, d.Sources); !strings.Contains(got, `"source":"https://example.nhs.uk/plan.md"`) || len(d.Sources) != 2 ||
			d.Sources[1].Source != "https://mirror.example.org/plan.md" || d.Sources[1].Fetches != 2 || d.Sources[1].Version != 3 ||
			d.Sources[0].Fetches != 4 || d.Sources[0].Version != 3 {
			t.Errorf("show 1: sources %s", got)
		}
		if last := d.Fetches[len(d.Fetches)-1]; last.Source != "https://mirror.example.org/plan.md" || last.Outcome != "unchanged" {
			t.Errorf("show 1: the last fetch %+v", last)
		}
		if d.Card == nil || len(d.Card.Criteria) != 5 || d.Card.Document.SHA256 != sum(v1) {
			t.Errorf("show 1: scorecard %+v", d.Card)
		}
		if d.Total < 0 || d.RulesVersion != "r1" {
			t.Errorf("show 1: total %d, rules %q", d.Total, d.RulesVersion)
		}
		if d2, err := s.Show(ctx, sum(v2)[:10], "r1"); err != nil || d2.ID != 1 {
			t.Errorf("show by hash: %v, %v", d2, err)
		}
		if d1, err := s.Show(ctx, sum(v1)[:10], "r1"); err != nil || d1.ID != 1 {
			t.Errorf("show by a hash two sources gave: %v, %v", d1, err)
		}
		for _, ref := range []string{"9", "zz", "1x"} {
			if _, err := s.Show(ctx, ref, "r1"); err == nil {
				t.Errorf("show %s: no error", ref)
			}
		}
		for _, ref := range []string{"9", "abcdef12"} {
			if _, err := s.Show(ctx, ref, "r1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("show %s: %v, want ErrNotFound", ref, err)
			}
		}
		if _, err := s.Show(ctx, "zz", "r1"); errors.Is(err, ErrNotFound) {
			t.Errorf("show zz (not a reference at all): %v is not 'not found'", err)
		}
	})
}

func TestIngestRefusesUnreadable(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		for name, data := range map[string][]byte{
			"https://x.nhs.uk/pack.pdf": []byte("<html><body>Page not found</body></html>"),
			"https://x.nhs.uk/bad.pdf":  corruptPDF,
			"https://x.nhs.uk/noise":    pdfgen.NotAPDF().PDF,
			"https://x.nhs.uk/logo.png": []byte("\x89PNG\r\n\x1a\n0000"),
		} {
			if _, err := s.Ingest(ctx, p, result(name, data), Meta{}); err == nil {
				t.Errorf("%s: stored", name)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM documents`) + count(t, s, `SELECT count(*) FROM contents`); n != 0 {
			t.Errorf("unreadable sources left %d rows", n)
		}
	})
}

func TestIngestMeta(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		src := "https://x.nhs.uk/a.md"
		if _, err := s.Ingest(ctx, p, result(src, strategy(1)), Meta{Org: "QXX"}); err == nil || !strings.Contains(err.Error(), `unknown organisation "QXX"`) {
			t.Errorf("unknown org: %v", err)
		}
		if _, err := s.Ingest(ctx, p, result(src, strategy(1)), Meta{Kind: "novel"}); err == nil || !strings.Contains(err.Error(), `unknown kind "novel"`) {
			t.Errorf("unknown kind: %v", err)
		}
		if _, err := s.Ingest(ctx, p, result(src, strategy(1)), Meta{Org: "qwo", Kind: "strategy"}); err != nil {
			t.Fatal(err)
		}
		// Re-filing changes the organisation and keeps the kind.
		if _, err := s.Ingest(ctx, p, result(src, strategy(1)), Meta{Org: "QF7"}); err != nil {
			t.Fatal(err)
		}
		list, err := s.List(ctx, Filter{}, "r1")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Org != "QF7" || list[0].Kind != "strategy" || list[0].Region != catalogue.NorthEastYH {
			t.Errorf("list: %+v", list)
		}
		if err := s.AddOrganisation(ctx, Organisation{Code: "QWO", Name: "Renamed"}); err == nil {
			t.Error("a catalogue organisation was changed")
		}
		if err := s.AddOrganisation(ctx, Organisation{Code: "bad code!", Name: "x"}); err == nil {
			t.Error("a bad code was accepted")
		}
		if err := s.AddOrganisation(ctx, Organisation{Code: "RJ1", Name: " "}); err == nil {
			t.Error("an empty name was accepted")
		}
	})
}

func TestListFilters(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		add := func(src string, n int, m Meta) {
			t.Helper()
			if _, err := s.Ingest(ctx, p, result(src, strategy(n)), m); err != nil {
				t.Fatal(err)
			}
		}
		add("https://a.nhs.uk/1.md", 1, Meta{Org: "QWO", Kind: "strategy"})
		add("https://a.nhs.uk/1.md", 2, Meta{})
		add("https://b.nhs.uk/2.md", 3, Meta{Org: "QMJ", Kind: "board-papers"})
		add("https://c.nhs.uk/3.md", 4, Meta{Org: "QRV", Kind: "strategy"})
		add("/tmp/local.md", 5, Meta{})
		tests := []struct {
			name string
			f    Filter
			want []string // source:version
		}{
			{"all, latest versions", Filter{}, []string{"https://a.nhs.uk/1.md:2", "https://b.nhs.uk/2.md:1", "https://c.nhs.uk/3.md:1", "/tmp/local.md:1"}},
			{"all versions", Filter{AllVersions: true}, []string{"https://a.nhs.uk/1.md:1", "https://a.nhs.uk/1.md:2", "https://b.nhs.uk/2.md:1", "https://c.nhs.uk/3.md:1", "/tmp/local.md:1"}},
			{"org", Filter{Org: "qwo"}, []string{"https://a.nhs.uk/1.md:2"}},
			{"region by name", Filter{Region: "london"}, []string{"https://b.nhs.uk/2.md:1", "https://c.nhs.uk/3.md:1"}},
			{"region by code", Filter{Region: "Y56", Kind: "strategy"}, []string{"https://c.nhs.uk/3.md:1"}},
			{"kind", Filter{Kind: "board-papers"}, []string{"https://b.nhs.uk/2.md:1"}},
		}
		for _, tt := range tests {
			list, err := s.List(ctx, tt.f, "r1")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Source+":"+string(rune('0'+e.Version)))
				if e.Title == "" || e.Format != "markdown" || e.Total < 0 || e.Size == 0 || e.FirstSeen == "" {
					t.Errorf("%s: entry %+v", tt.name, e)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("%s:\n got %v\nwant %v", tt.name, got, tt.want)
			}
		}

		rows, err := s.Export(ctx, Filter{Org: "QWO"}, "r1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 10 { // two versions, five criteria
			t.Fatalf("%d export rows, want 10", len(rows))
		}
		if r := rows[0]; r.Source != "https://a.nhs.uk/1.md" || r.Version != 1 || r.Org != "QWO" || r.Region != catalogue.NorthEastYH ||
			r.Criterion != "problem-analysis" || r.Max != 3 || r.RulesVersion != "r1" || r.FirstSeen == "" {
			t.Errorf("export row: %+v", r)
		}
		cards, err := s.Scorecards(ctx, Filter{Region: "London"}, "r1")
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != 2 || cards[0].Card.Document.Source != "https://b.nhs.uk/2.md" {
			t.Errorf("scorecards: %d, first %+v", len(cards), cards[0].Card.Document)
		}
	})
}

func TestRescore(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p1 := newReviewer(t, 1, "r1")
		for i, src := range []string{"https://a.nhs.uk/1.md", "https://a.nhs.uk/2.md", "https://a.nhs.uk/3.pdf"} {
			data := strategy(i)
			if strings.HasSuffix(src, ".pdf") {
				data = pdfgen.NumberedHeadings().PDF
			}
			if _, err := s.Ingest(ctx, p1, result(src, data), Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		// A second version: four contents in all.
		if _, err := s.Ingest(ctx, p1, result("https://a.nhs.uk/1.md", strategy(9)), Meta{}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name             string
			extractor        int
			rules            string
			all              bool
			want             RescoreStats
			extracts, scores int32
		}{
			{"nothing changed", 1, "r1", false, RescoreStats{Current: 4}, 0, 0},
			{"rules changed", 1, "r2", false, RescoreStats{Scored: 4}, 0, 4},
			{"again: nothing to do", 1, "r2", false, RescoreStats{Current: 4}, 0, 0},
			{"extractor changed", 2, "r2", false, RescoreStats{Extracted: 4}, 4, 4},
			{"all", 2, "r2", true, RescoreStats{Extracted: 4}, 4, 4},
		}
		for _, st := range steps {
			p := newReviewer(t, st.extractor, st.rules)
			var events []RescoreEvent
			got, err := s.Rescore(ctx, p, 2, st.all, func(e RescoreEvent) { events = append(events, e) })
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got != st.want {
				t.Errorf("%s: %+v, want %+v", st.name, got, st.want)
			}
			if p.extracts.Load() != st.extracts || p.scores.Load() != st.scores {
				t.Errorf("%s: %d extractions, %d scorings; want %d, %d", st.name, p.extracts.Load(), p.scores.Load(), st.extracts, st.scores)
			}
			if len(events) != st.want.Extracted+st.want.Scored {
				t.Errorf("%s: %d events", st.name, len(events))
			}
		}
		if n := count(t, s, `SELECT count(*) FROM extractions WHERE extractor_version = 2`); n != 4 {
			t.Errorf("%d extractions at version 2, want 4", n)
		}
		// Old scores are kept: a report under the old rules can be made again.
		if n := count(t, s, `SELECT count(*) FROM scores WHERE rules_version = 'r1'`); n != 4 {
			t.Errorf("%d r1 scores kept, want 4", n)
		}
		list, err := s.List(ctx, Filter{}, "r2")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			if e.RulesVersion != "r2" || e.ExtractorVersion != 2 {
				t.Errorf("%s: rules %s, extractor %d", e.Source, e.RulesVersion, e.ExtractorVersion)
			}
		}

		// A rescore whose extraction fails keeps what was stored.
		broken := newReviewer(t, 3, "r3")
		broken.read = func(context.Context, *fetched.Doc) (*document.Document, error) {
			return nil, errors.New("reader broke")
		}
		got, err := s.Rescore(ctx, broken, 1, false, nil)
		if err != nil || got.Failed != 4 {
			t.Errorf("failing rescore: %+v, %v", got, err)
		}
		if n := count(t, s, `SELECT count(*) FROM extractions WHERE extractor_version = 2`); n != 4 {
			t.Errorf("a failed rescore changed the extractions")
		}
	})
}

// ScoreStored scores a stored extraction under new rules and keeps the
// score, so that the next look finds it without scoring.
func TestScoreStored(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		r1 := newReviewer(t, 1, "r1")
		out, err := s.Ingest(ctx, r1, result("https://x.nhs.uk/plan.md", strategy(1)), Meta{})
		if err != nil {
			t.Fatal(err)
		}
		sha := sum(strategy(1))
		r2 := newReviewer(t, 1, "r2")
		card, doc, err := s.ScoreStored(ctx, r2, sha)
		if err != nil || card == nil || doc == nil || card.Tool.RulesVersion != "r2" {
			t.Fatalf("ScoreStored = %v, %v, %v", card, doc, err)
		}
		if r2.extracts.Load() != 0 || r2.scores.Load() != 1 {
			t.Errorf("%d extractions, %d scorings; want the stored extraction scored once", r2.extracts.Load(), r2.scores.Load())
		}
		d, err := s.Show(ctx, fmt.Sprint(out.DocumentID), "r2")
		if err != nil || d.RulesVersion != "r2" || d.Card == nil {
			t.Errorf("after ScoreStored, Show under r2: %+v, %v", d, err)
		}
		if card, doc, err := s.ScoreStored(ctx, r2, strings.Repeat("0", 64)); card != nil || doc != nil || err != nil {
			t.Errorf("ScoreStored of nothing stored = %v, %v, %v", card, doc, err)
		}
	})
}

func TestRecent(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		p := newReviewer(t, 1, "r1")
		for i := range 4 {
			if _, err := s.Ingest(ctx, p, result(fmt.Sprintf("https://x.nhs.uk/%d.md", i), strategy(i)), Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		// A new version of the first keeps its place: documents, not versions.
		if _, err := s.Ingest(ctx, p, result("https://x.nhs.uk/0.md", strategy(9)), Meta{}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Recent(ctx, 3, "r1")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if !slices.Equal(ids, []int64{4, 3, 2}) {
			t.Errorf("Recent(3) ids %v, want [4 3 2]", ids)
		}
	})
}

func TestParseSince(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-01-31":           time.Date(2026, 1, 31, 0, 0, 0, 0, time.Local),
		" 2026-01-31 ":         time.Date(2026, 1, 31, 0, 0, 0, 0, time.Local),
		"2026-01-31T10:00:00Z": time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC),
	} {
		if got, err := ParseSince(in); err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"yesterday", "31/01/2026", ""} {
		if _, err := ParseSince(in); err == nil || !strings.Contains(err.Error(), "2026-01-31") {
			t.Errorf("ParseSince(%q): %v, want an error showing the form", in, err)
		}
	}
}

package corpus

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oldFetch is one fetch as the nhsreview of schema 6 stored it: its
// Ingest made a document per source, and a version whenever a source's
// bytes were not its latest version's.
type oldFetch struct {
	source string
	data   []byte
	day    int    // of November 2026
	url    string // "" for a file
	etag   string
	org    string // filing of a new document
	kind   string
}

// schema6 makes a database as the nhsreview before sources (schema 6)
// made it, row by row as its Ingest wrote them; the same bytes under two
// sources are two documents sharing the content, extraction and score.
func schema6(t *testing.T, path string, fetches []oldFetch) {
	t.Helper()
	ctx := context.Background()
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = saved[:6]
	s, err := Open(ctx, path)
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := newReviewer(t, 1, "r1")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.db.Exec(q, args...); err != nil {
			t.Fatalf("%.50s: %v", q, err)
		}
	}
	for _, f := range fetches {
		sha := sum(f.data)
		at := time.Date(2026, 11, f.day, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
		if count(t, s, `SELECT count(*) FROM contents WHERE sha256 = ?`, sha) == 0 {
			doc, err := p.Read(ctx, result(f.source, f.data))
			if err != nil {
				t.Fatal(err)
			}
			card, err := p.Score(ctx, doc)
			if err != nil {
				t.Fatal(err)
			}
			blob, err := packDocument(doc)
			if err != nil {
				t.Fatal(err)
			}
			total, outOf := card.Total()
			exec(`INSERT INTO contents (sha256, size, data) VALUES (?, ?, ?)`, sha, len(f.data), f.data)
			exec(`INSERT INTO extractions (sha256, extractor_version, format, title, pages, needs_ocr, document, extracted_at)
				VALUES (?, 1, ?, ?, ?, 0, ?, ?)`, sha, string(doc.Format), doc.Title, len(doc.Pages), blob, at)
			// Through the store, so that the passages' signals are stored
			// as that release stored them.
			if err := s.tx(ctx, func(tx *txn) error {
				if err := putPassages(ctx, tx, sha, doc); err != nil {
					return err
				}
				if _, err := tx.Exec(`INSERT INTO scores (sha256, rules_version, extractor_version, total, max, scorecard, scored_at, status, papers)
					VALUES (?, 'r1', 1, ?, ?, ?, ?, 'scored', 0)`, sha, total, outOf, mustJSON(t, card), at); err != nil {
					return err
				}
				return putQuoted(ctx, tx, sha, "r1", card)
			}); err != nil {
				t.Fatal(err)
			}
		}
		if count(t, s, `SELECT count(*) FROM documents WHERE source = ?`, f.source) == 0 {
			exec(`INSERT INTO documents (source, org_code, kind, added_at) VALUES (?, NULLIF(?, ''), ?, ?)`, f.source, f.org, f.kind, at)
		}
		var docID, verID int64
		var seq int
		var have string
		s.db.QueryRow(`SELECT d.id, coalesce(v.id, 0), coalesce(v.seq, 0), coalesce(v.sha256, '') FROM documents d
			LEFT JOIN versions v ON v.document_id = d.id AND v.seq = (SELECT max(seq) FROM versions WHERE document_id = d.id)
			WHERE d.source = ?`, f.source).Scan(&docID, &verID, &seq, &have)
		outcome := "unchanged"
		if have != sha {
			outcome = map[bool]string{true: "new", false: "changed"}[have == ""]
			exec(`INSERT INTO versions (document_id, seq, sha256, first_seen) VALUES (?, ?, ?, ?)`, docID, seq+1, sha, at)
			s.db.QueryRow(`SELECT max(id) FROM versions`).Scan(&verID)
		}
		exec(`INSERT INTO fetches (document_id, version_id, url, fetched_at, status, etag, last_modified, content_type, outcome)
			VALUES (?, ?, ?, ?, ?, ?, '', '', ?)`, docID, verID, f.url, at, map[bool]int{true: 200, false: 0}[f.url != ""], f.etag, outcome)
	}
	if n := count(t, s, `PRAGMA user_version`); n != 6 {
		t.Fatalf("fixture at schema %d, want 6", n)
	}
}

// fetchRows is every fetch: its id, where it was made from (its source),
// the content it found, when and what the server said.
func fetchRows(t *testing.T, s *Store, sourceOf string) map[int64]string {
	t.Helper()
	rows, err := s.db.Query(`SELECT f.id, ` + sourceOf + `, v.sha256, f.url, f.fetched_at, f.etag, f.outcome
		FROM fetches f JOIN versions v ON v.id = f.version_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var src, sha, url, at, etag, outcome string
		if err := rows.Scan(&id, &src, &sha, &url, &at, &etag, &outcome); err != nil {
			t.Fatal(err)
		}
		out[id] = strings.Join([]string{src, sha[:8], url, at, etag, outcome}, " ")
	}
	return out
}

// TestMigrateSources: a database whose documents share contents (the
// same bytes under several names) is merged into one document per
// content when opened, losing no fetch: each is kept, made from the
// source it was made from, finding the bytes it found.
func TestMigrateSources(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	x, y, z, w, v := strategy(1), strategy(2), strategy(3), strategy(4), strategy(5)
	schema6(t, path, []oldFetch{
		{source: "https://a.nhs.uk/plan.md", data: x, day: 1, url: "https://a.nhs.uk/plan.md", etag: `"a1"`, org: "QWO"},
		{source: "/files/plan-copy.md", data: x, day: 2, kind: "strategy"},
		{source: "https://a.nhs.uk/plan.md", data: x, day: 2, url: "https://a.nhs.uk/plan.md", etag: `"a1"`},
		{source: "https://a.nhs.uk/plan.md", data: y, day: 3, url: "https://a.nhs.uk/plan.md", etag: `"a2"`},
		// A chain: b and c share z, c and e share w; one document.
		{source: "https://b.nhs.uk/other.md", data: z, day: 1, url: "https://b.nhs.uk/other.md", etag: `"b1"`},
		{source: "https://c.nhs.uk/mirror.md", data: z, day: 4, url: "https://c.nhs.uk/mirror.md", etag: `"c1"`, kind: "plan"},
		{source: "https://c.nhs.uk/mirror.md", data: w, day: 5, url: "https://c.nhs.uk/mirror.md", etag: `"c2"`},
		{source: "https://d.nhs.uk/alone.md", data: v, day: 5, url: "https://d.nhs.uk/alone.md"},
		{source: "https://e.nhs.uk/w.md", data: w, day: 6, url: "https://e.nhs.uk/w.md", etag: `"e1"`},
		// c went back to z: both its versions are other documents'.
		{source: "https://c.nhs.uk/mirror.md", data: z, day: 7, url: "https://c.nhs.uk/mirror.md", etag: `"c3"`},
	})
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	before := fetchRows(t, &Store{db: database{DB: raw}}, `(SELECT source FROM documents WHERE id = f.document_id)`)
	var scoresBefore, passagesBefore int
	raw.QueryRow(`SELECT (SELECT count(*) FROM scores), (SELECT count(*) FROM passages)`).Scan(&scoresBefore, &passagesBefore)
	raw.Close()
	if len(before) != 10 {
		t.Fatalf("fixture: %d fetches", len(before))
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after := fetchRows(t, s, `(SELECT source FROM sources WHERE id = f.source_id)`)
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("fetches changed by the merge:\nbefore %v\nafter  %v", before, after)
	}
	if n := count(t, s, `SELECT count(*) FROM scores`); n != scoresBefore {
		t.Errorf("%d scores, want %d", n, scoresBefore)
	}
	if n := count(t, s, `SELECT count(*) FROM passages`); n != passagesBefore {
		t.Errorf("%d passages, want %d", n, passagesBefore)
	}

	list, err := s.List(ctx, Filter{AllVersions: true}, "r1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, fmt.Sprintf("#%d v%d %.8s %s %s %s", e.ID, e.Version, e.SHA256, e.FirstSeen[:10], e.Org, e.Kind))
	}
	want := []string{
		"#1 v1 " + sum(x)[:8] + " 2026-11-01 QWO strategy",
		"#1 v2 " + sum(y)[:8] + " 2026-11-03 QWO strategy",
		"#3 v1 " + sum(z)[:8] + " 2026-11-01  plan",
		"#3 v2 " + sum(w)[:8] + " 2026-11-05  plan",
		"#5 v1 " + sum(v)[:8] + " 2026-11-05  ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("versions after the merge:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	d, err := s.Show(ctx, "3", "r1")
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, r := range d.Sources {
		srcs = append(srcs, fmt.Sprintf("%s %d v%d", r.Source, r.Fetches, r.Version))
	}
	if got, want := strings.Join(srcs, "; "), "https://b.nhs.uk/other.md 1 v1; https://c.nhs.uk/mirror.md 3 v1; https://e.nhs.uk/w.md 1 v2"; got != want {
		t.Errorf("sources of #3: %s\nwant %s", got, want)
	}
	if problems, err := s.Check(ctx, false); err != nil || len(problems) > 0 {
		t.Errorf("check after the merge: %v, %v", problems, err)
	}

	// Each source goes on from what it gave last: its validators, its
	// bytes unchanged, whatever the document's other sources hold.
	if v, err := s.Validators(ctx, "https://c.nhs.uk/mirror.md"); err != nil || v.ETag != `"c3"` {
		t.Errorf("validators of c: %+v, %v", v, err)
	}
	p := newReviewer(t, 1, "r1")
	for _, in := range []struct {
		source string
		data   []byte
		want   string
	}{
		{"https://a.nhs.uk/plan.md", y, "unchanged #1 v2"},
		{"/files/plan-copy.md", x, "unchanged #1 v1"},
		{"https://c.nhs.uk/mirror.md", z, "unchanged #3 v1"},
		{"https://e.nhs.uk/w.md", w, "unchanged #3 v2"},
		{"https://new.nhs.uk/copy-of-alone.md", v, "source #5 v1"},
		// b takes the bytes of a: b's document and a's are one.
		{"https://b.nhs.uk/other.md", y, "changed #1 v3"},
	} {
		out, err := s.Ingest(ctx, p, result(in.source, in.data), Meta{})
		if err != nil {
			t.Fatalf("%s: %v", in.source, err)
		}
		if got := fmt.Sprintf("%s #%d v%d", out.Status, out.DocumentID, out.Seq); got != in.want {
			t.Errorf("%s again: %s, want %s", in.source, got, in.want)
		}
	}
	if p.extracts.Load() != 0 || p.scores.Load() != 0 {
		t.Errorf("stored bytes were read (%d) or scored (%d) again", p.extracts.Load(), p.scores.Load())
	}
	if n := count(t, s, `SELECT count(*) FROM documents`); n != 2 {
		t.Errorf("%d documents, want 2 (#1 with #3 merged into it, and #5)", n)
	}
	if problems, err := s.Check(ctx, false); err != nil || len(problems) > 0 {
		t.Errorf("check after ingesting: %v, %v", problems, err)
	}

	// The step again changes nothing.
	n := count(t, s, `SELECT count(*) FROM fetches`)
	if err := s.tx(ctx, func(tx *txn) error { return addSources(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	if m := count(t, s, `SELECT count(*) FROM fetches`); m != n || count(t, s, `SELECT count(*) FROM sources`) != 7 {
		t.Errorf("after the step ran again: %d fetches (want %d), %d sources (want 7)", m, n, count(t, s, `SELECT count(*) FROM sources`))
	}
}

package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Three documents to search: two ICB strategies, one filed under an
// organisation in London, and a board paper.
var (
	searchCore = []byte(`# Core20PLUS5 Strategy

## Our population

Life expectancy in the most deprived areas is 9.5 years lower than in the least deprived.

## Money

We will invest £4.5m a year from 2025/26 to 2027/28 in Core20PLUS5 hypertension case-finding.

## Keeping people informed

We will keep you informed through our website and quarterly newsletters.
`)
	searchInequality = []byte(`# Health Inequalities Plan

## Actions

We will reduce inequalities in access to maternity care for Black and Asian women.
Our Core20PLUS5 work continues.
`)
	searchBoard = []byte(`# Board paper: Communications

The board will be kept informed of progress. We will keep you informed of any change to services.
`)
)

// searchCorpus stores the three documents with the real reviewer.
func searchCorpus(t testing.TB, openTemp func(testing.TB) *Store) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	s := openTemp(t)
	p := newReviewer(t, 1, "r1")
	if err := s.AddOrganisation(ctx, Organisation{Code: "RJ1", Name: "A London trust", Region: "London", RegionCode: "Y56"}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		src  string
		data []byte
		meta Meta
	}{
		{"https://a.nhs.uk/core.md", searchCore, Meta{Org: "QWO", Kind: "strategy"}},
		{"https://b.nhs.uk/inequality.md", searchInequality, Meta{Org: "RJ1", Kind: "strategy"}},
		{"https://c.nhs.uk/board.md", searchBoard, Meta{Org: "RJ1", Kind: "board-papers"}},
	} {
		if _, err := s.Ingest(ctx, p, result(d.src, d.data), d.meta); err != nil {
			t.Fatal(err)
		}
	}
	return s, "r1"
}

// sources lists the hits' sources, in order, by their host's first
// letter.
func sources(hits []Hit) string {
	var b strings.Builder
	for _, h := range hits {
		b.WriteByte(h.Source[len("https://")])
	}
	return b.String()
}

func TestSearch(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s, rv := searchCorpus(t, openTemp)
		for _, tc := range []struct {
			name string
			q    Search
			want string // the hits' hosts' first letters, best first
		}{
			{"word", Search{Query: "core20plus5"}, "aab"},
			{"case and accents", Search{Query: "CORE20PLUS5"}, "aab"},
			{"phrase", Search{Query: `"keep you informed"`}, "ac"},
			{"prefix", Search{Query: "inequalit*"}, "bb"},
			{"boolean", Search{Query: "informed NOT board"}, "aa"},
			{"or", Search{Query: "hypertension OR maternity"}, "ab"},
			{"near", Search{Query: "NEAR(invest core20plus5, 12)"}, "a"},
			{"org", Search{Query: "core20plus5", Filter: Filter{Org: "RJ1"}}, "b"},
			{"region", Search{Query: `"keep you informed"`, Filter: Filter{Region: "London"}}, "c"},
			{"kind", Search{Query: `informed`, Filter: Filter{Kind: "board-papers"}}, "c"},
			{"since", Search{Query: "core20plus5", Filter: Filter{Since: time.Now().Add(24 * time.Hour)}}, ""},
			{"until", Search{Query: "core20plus5", Filter: Filter{Until: time.Now().Add(-24 * time.Hour)}}, ""},
			{"criterion", Search{Query: "invest", Criterion: "costed-plans"}, "a"},
			{"criterion, not quoted", Search{Query: "newsletters", Criterion: "costed-plans"}, ""},
			{"min score", Search{Query: "core20plus5", MinScore: map[string]int{"costed-plans": 1}}, "aa"},
			{"max score", Search{Query: "core20plus5", MaxScore: map[string]int{"costed-plans": 0}}, "b"},
			{"limit", Search{Query: "core20plus5", Limit: 1}, "a"},
			{"offset", Search{Query: "core20plus5", Limit: 2, Offset: 1}, "ab"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				hits, err := s.Search(ctx, tc.q, rv)
				if err != nil {
					t.Fatal(err)
				}
				if got := sources(hits); got != tc.want {
					t.Errorf("hits %q, want %q", got, tc.want)
				}
			})
		}

		// A hit says where it is and what it counts for, with a snippet.
		hits, err := s.Search(ctx, Search{Query: "hypertension"}, rv)
		if err != nil || len(hits) != 1 {
			t.Fatalf("%+v, %v", hits, err)
		}
		h := hits[0]
		if h.DocumentID != 1 || h.Version != 1 || h.Title != "Core20PLUS5 Strategy" || h.Org != "QWO" || h.Page != 1 ||
			h.Section != "Money" || h.Kind != "strategy" || h.RulesVersion != rv || h.FirstSeen == "" {
			t.Errorf("hit %+v", h)
		}
		if got := SnippetText(h.Snippet, "[", "]"); !strings.Contains(got, "Core20PLUS5 [hypertension] case-finding") {
			t.Errorf("snippet %q", got)
		}
		var costed bool
		for _, q := range h.Signals {
			costed = costed || q.Criterion == "costed-plans"
		}
		if !costed {
			t.Errorf("signals %+v: want the costed-plans evidence", h.Signals)
		}
		sig := h.Signals[0]
		if hits, err := s.Search(ctx, Search{Query: "hypertension", Signal: sig.Signal, Criterion: sig.Criterion}, rv); err != nil || len(hits) != 1 {
			t.Errorf("by signal %s: %d hits, %v", sig.Signal, len(hits), err)
		}
		if hits, err := s.Search(ctx, Search{Query: "hypertension", Signal: "no-such-signal"}, rv); err != nil || len(hits) != 0 {
			t.Errorf("by an unknown signal: %d hits, %v", len(hits), err)
		}
		// Whether a document has a red flag is the rules' business: the
		// strategy's headline sum has one; one is set by hand on the plan.
		if n := count(t, s, `SELECT count(*) FROM criterion_scores WHERE red_flags > 0 AND sha256 = ?`, sum(searchInequality)); n != 0 {
			t.Fatalf("the plan has %d red flags, want none", n)
		}
		if hits, err := s.Search(ctx, Search{Query: "core20plus5", RedFlag: true}, rv); err != nil || sources(hits) != "aa" {
			t.Errorf("red flag: %q, %v", sources(hits), err)
		}
		if _, err := s.db.Exec(`UPDATE criterion_scores SET red_flags = 1 WHERE criterion = 'inequality-actions' AND sha256 = ?`, sum(searchInequality)); err != nil {
			t.Fatal(err)
		}
		if hits, err := s.Search(ctx, Search{Query: "core20plus5", RedFlag: true, Criterion: "inequality-actions"}, rv); err != nil || sources(hits) != "b" {
			t.Errorf("red flag on inequality actions: %q, %v", sources(hits), err)
		}
	})
}

// TestSearchRankLimit: a query matching more passages than the rank
// limit ranks the newest so many (among those the filters keep) and says
// so; one within the limit ranks every match, as before.
func TestSearchRankLimit(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s, rv := searchCorpus(t, openTemp)
		all, err := s.SearchRanked(ctx, Search{Query: "core20plus5", RankLimit: -1}, rv)
		if err != nil || sources(all.Hits) != "aab" || all.RankedAmong != 0 {
			t.Fatalf("ranking all: %q, %d, %v", sources(all.Hits), all.RankedAmong, err)
		}
		for _, tc := range []struct {
			name      string
			q         Search
			want      string
			wantAmong int
		}{
			{"within the limit", Search{Query: "core20plus5", RankLimit: 3}, "aab", 0},
			// The plan (b) was stored after the strategy (a): its passage
			// and the strategy's last are the newest two.
			{"over the limit", Search{Query: "core20plus5", RankLimit: 2}, "ab", 2},
			{"over the limit, filtered", Search{Query: "core20plus5", RankLimit: 1, Filter: Filter{Org: "QWO"}}, "a", 1},
			{"filtered within the limit", Search{Query: "core20plus5", RankLimit: 2, Filter: Filter{Org: "QWO"}}, "aa", 0},
		} {
			f, err := s.SearchRanked(ctx, tc.q, rv)
			if err != nil || sources(f.Hits) != tc.want || f.RankedAmong != tc.wantAmong {
				t.Errorf("%s: %q ranked among %d, %v; want %q among %d", tc.name, sources(f.Hits), f.RankedAmong, err, tc.want, tc.wantAmong)
			}
		}
		// The newest two are the last two of all the matches' passages.
		f, _ := s.SearchRanked(ctx, Search{Query: "core20plus5", RankLimit: 2}, rv)
		newest := map[string]bool{}
		var ids []int64
		newestTwo := `SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'core20plus5' ORDER BY rowid DESC LIMIT 2`
		if isPostgres(s) {
			newestTwo = `SELECT id FROM passages WHERE words @@ CAST('core20plus5' AS tsquery) ORDER BY id DESC LIMIT 2`
		}
		rows, _ := s.db.Query(newestTwo)
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			var text string
			s.db.QueryRow(`SELECT text FROM passages WHERE id = ?`, id).Scan(&text)
			newest[text] = true
		}
		for _, h := range f.Hits {
			if !newest[h.Text] {
				t.Errorf("ranked a passage that is not among the newest two: %q", h.Text)
			}
		}
		if _, err := s.SearchRanked(ctx, Search{Query: "AND money", RankLimit: 1}, rv); err == nil || !strings.Contains(err.Error(), "syntax error") {
			t.Errorf("a bad query with a rank limit: %v", err)
		}
	})
}

// TestSearchBadQuery: a query FTS5 cannot read is one line naming the
// query and the mistake, not SQLite's error.
func TestSearchBadQuery(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s, rv := searchCorpus(t, openTemp)
		for q, want := range map[string]string{
			`"keep you`:         `search "\"keep you": unterminated string`,
			`AND informed`:      `search "AND informed": syntax error near "AND"`,
			`informed OR`:       `search "informed OR": syntax error near ""`,
			`title:strategy`:    `search "title:strategy": "title" is not a column`,
			`(core20plus5`:      `search "(core20plus5": syntax error near ""`,
			`   `:               `search "   ": nothing to search for`,
			`NEAR(a b, x)`:      `search "NEAR(a b, x)": `,
			`informed AND (`:    `search "informed AND (": syntax error`,
			`keep you informed`: ``,
		} {
			_, err := s.Search(ctx, Search{Query: q}, rv)
			if want == "" {
				if err != nil {
					t.Errorf("%s: %v", q, err)
				}
				continue
			}
			var qe *QueryError
			if !errors.As(err, &qe) || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "SQL logic") || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: %v, want %s…", q, err, want)
			}
		}
	})
}

// TestPassagesInStep: the index follows the store: a rescore under new
// rules adds that score's signals beside the old, re-extraction replaces
// the passages, and repair's dropping an extraction drops its passages.
func TestPassagesInStep(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s, _ := searchCorpus(t, openTemp)
		// What the full-text index holds: FTS5's table, or PostgreSQL's
		// passages with words.
		indexed, matching := `SELECT count(*) FROM passages_fts`, `SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'hypertension'`
		if isPostgres(s) {
			indexed, matching = `SELECT count(*) FROM passages WHERE words <> ''`, `SELECT count(*) FROM passages WHERE words @@ CAST('hypertension' AS tsquery)`
		}
		passages := count(t, s, `SELECT count(*) FROM passages`)
		if passages == 0 || count(t, s, indexed) != passages {
			t.Fatalf("%d passages, %d indexed", passages, count(t, s, indexed))
		}
		signals := count(t, s, `SELECT count(*) FROM passage_signals`)
		rv := newReviewer(t, 2, "r2")
		if _, err := s.Rescore(ctx, rv, 1, false, nil); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM passages`); n != passages {
			t.Errorf("%d passages after re-extraction, want %d", n, passages)
		}
		if n := count(t, s, `SELECT count(*) FROM passage_signals WHERE rules_version = 'r2'`); n != signals {
			t.Errorf("%d signals under r2, want %d", n, signals)
		}
		if hits, err := s.Search(ctx, Search{Query: "hypertension"}, "r2"); err != nil || len(hits) != 1 || hits[0].RulesVersion != "r2" || len(hits[0].Signals) == 0 {
			t.Errorf("after the rescore: %+v, %v", hits, err)
		}
		if _, err := s.db.Exec(`DELETE FROM extractions WHERE sha256 = ?`, sum(searchCore)); err != nil {
			t.Fatal(err)
		}
		if hits, err := s.Search(ctx, Search{Query: "hypertension"}, "r2"); err != nil || len(hits) != 0 {
			t.Errorf("after the extraction was dropped: %+v, %v", hits, err)
		}
		if n := count(t, s, matching); n != 0 {
			t.Errorf("the full-text index still finds %d", n)
		}
	})
}

// TestMigratePassages: a database made by the release before the index
// (schema 4) is indexed when opened, from what it stores: nothing is read
// or scored again, and the search finds what it holds.
func TestMigratePassages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	schema4(t, path, []oldDoc{
		{source: "https://a.nhs.uk/core.md", data: searchCore},
		{source: "https://b.nhs.uk/inequality.md", data: searchInequality},
	})
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := count(t, s, `PRAGMA user_version`); got < 5 {
		t.Errorf("user_version %d, want at least 5", got)
	}
	hits, err := s.Search(ctx, Search{Query: "core20plus5"}, "r1")
	if err != nil || sources(hits) != "aab" {
		t.Fatalf("%q, %v", sources(hits), err)
	}
	money := 0
	for _, h := range hits {
		if h.Section == "Money" && len(h.Signals) > 0 {
			money++
		}
	}
	if money != 1 {
		t.Errorf("%d hits in Money with signals, want 1: %+v", money, hits)
	}
	if hits, err := s.Search(ctx, Search{Query: "core20plus5", MinScore: map[string]int{"costed-plans": 1}}, "r1"); err != nil || sources(hits) != "aa" {
		t.Errorf("by score: %q, %v", sources(hits), err)
	}
	// The step again changes nothing.
	n := count(t, s, `SELECT count(*) FROM passages`)
	if err := s.tx(ctx, func(tx *txn) error { return addPassages(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	if m := count(t, s, `SELECT count(*) FROM passages`); m != n || count(t, s, `SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'core20plus5'`) != 3 {
		t.Errorf("%d passages after the step ran again, want %d", m, n)
	}
}

// oldDoc is a document stored in a fixture database.
type oldDoc struct {
	source string
	data   []byte
	url    string // the fetch's URL; "" for a file
}

// schema4 makes a database as the nhsreview before the passage index
// (schema 4) made it: its four steps, then the rows its Ingest wrote for
// each document (a document, its content, a version, a fetch, the
// extraction and the score under "r1"), scored with the real reviewer.
// Documents with the same bytes share the content, extraction and score,
// as that release stored them.
func schema4(t *testing.T, path string, docs []oldDoc) {
	t.Helper()
	ctx := context.Background()
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = saved[:4]
	s, err := Open(ctx, path)
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := newReviewer(t, 1, "r1")
	for i, d := range docs {
		sha := sum(d.data)
		doc, err := p.Read(ctx, result(d.source, d.data))
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
		cardJSON := mustJSON(t, card)
		total, outOf := card.Total()
		at := time.Date(2026, 11, 1+i, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO documents (source, kind, added_at) VALUES (?, '', ?)`, []any{d.source, at}},
			{`INSERT INTO contents (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, []any{sha, len(d.data), d.data}},
			{`INSERT INTO versions (document_id, seq, sha256, first_seen) VALUES ((SELECT id FROM documents WHERE source = ?), 1, ?, ?)`, []any{d.source, sha, at}},
			{`INSERT INTO fetches (document_id, version_id, url, fetched_at, status, etag, last_modified, content_type, outcome)
				VALUES ((SELECT id FROM documents WHERE source = ?), (SELECT max(id) FROM versions), ?, ?, ?, '', '', '', 'new')`,
				[]any{d.source, d.url, at, map[bool]int{true: 200, false: 0}[d.url != ""]}},
			{`INSERT INTO extractions (sha256, extractor_version, format, title, pages, needs_ocr, document, extracted_at)
				VALUES (?, 1, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING`, []any{sha, string(doc.Format), doc.Title, len(doc.Pages), blob, at}},
			{`INSERT INTO scores (sha256, rules_version, extractor_version, total, max, scorecard, scored_at, status, papers)
				VALUES (?, 'r1', 1, ?, ?, ?, ?, 'scored', 0) ON CONFLICT DO NOTHING`, []any{sha, total, outOf, cardJSON, at}},
		} {
			if _, err := s.db.Exec(q.sql, q.args...); err != nil {
				t.Fatalf("%.40s: %v", q.sql, err)
			}
		}
	}
	if n := count(t, s, `PRAGMA user_version`); n != 4 {
		t.Fatalf("fixture at schema %d, want 4", n)
	}
	if n := count(t, s, `SELECT count(*) FROM sqlite_master WHERE name = 'passages'`); n != 0 {
		t.Fatal("the fixture has the passage index")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMigrateReindex: schema 8 makes the index again from the stored
// extractions, so that passages indexed with the sections of before
// (EachBlock's own order, not the tree's) agree with the evidence's.
func TestMigrateReindex(t *testing.T) {
	ctx := context.Background()
	s, rv := searchCorpus(t, openTemp)
	path := s.Path()
	if _, err := s.db.Exec(`UPDATE passages SET section = 'As indexed before' WHERE id = (SELECT min(id) FROM passages)`); err != nil {
		t.Fatal(err)
	}
	if problems, _ := s.Check(ctx, false); len(problems) != 1 || !strings.Contains(problems[0], "the search index does not hold") {
		t.Fatalf("check before the step: %q", problems)
	}
	if _, err := s.db.Exec(`PRAGMA user_version = 7`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if problems, err := s.Check(ctx, false); err != nil || len(problems) > 0 {
		t.Errorf("check after the step: %q, %v", problems, err)
	}
	if hits, err := s.Search(ctx, Search{Query: "core20plus5", Criterion: "costed-plans"}, rv); err != nil || len(hits) == 0 {
		t.Errorf("the scores' quoted passages after the step: %d hits, %v", len(hits), err)
	}
}

package corpus

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
)

// TestMigrationsMatch: PostgreSQL's steps end at the version SQLite's
// do, so that a version means the same tables on both.
func TestMigrationsMatch(t *testing.T) {
	last := postgresMigrations[len(postgresMigrations)-1].to
	if last != SchemaVersion() {
		t.Errorf("PostgreSQL's steps end at version %d, SQLite's at %d: add a PostgreSQL step for each SQLite one", last, SchemaVersion())
	}
	for i := 1; i < len(postgresMigrations); i++ {
		if postgresMigrations[i].to <= postgresMigrations[i-1].to {
			t.Errorf("PostgreSQL step %d goes to version %d, not past %d", i, postgresMigrations[i].to, postgresMigrations[i-1].to)
		}
	}
}

// TestMigratePostgres: an empty database gets the schema and the
// catalogue, once, however many processes open it at the same time;
// opening it again changes nothing; a newer schema is refused.
func TestMigratePostgres(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, url)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("opening at the same time: %v", err)
		}
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := count(t, s, `SELECT version FROM schema_version`); got != SchemaVersion() {
		t.Errorf("schema version %d, want %d", got, SchemaVersion())
	}
	if n := count(t, s, `SELECT count(*) FROM schema_version`); n != 1 {
		t.Errorf("%d schema_version rows, want 1", n)
	}
	for _, table := range []string{"organisations", "documents", "contents", "versions", "fetches", "extractions", "scores", "meta", "papers",
		"sources", "passages", "passage_contents", "passage_signals", "criterion_scores", "uploads"} {
		if n := count(t, s, `SELECT count(*) FROM information_schema.tables WHERE table_name = ?`, table); n != 1 {
			t.Errorf("table %s missing", table)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM organisations WHERE origin = 'catalogue'`); n != 42 {
		t.Errorf("%d catalogue organisations, want 42", n)
	}
	if s.Backend() != "PostgreSQL" || s.File() != "" || !strings.HasPrefix(s.Path(), "postgres://") {
		t.Errorf("backend %q, file %q, path %q", s.Backend(), s.File(), s.Path())
	}
	if _, err := s.db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, url)
	if err == nil || !strings.Contains(err.Error(), "schema version 99, newer than this nhsreview knows") {
		t.Fatalf("newer schema: err = %v", err)
	}
}

// TestOpenPostgresFails: a URL that is not one, and a server that is not
// there, are one line naming the database without its password.
func TestOpenPostgresFails(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ url, want string }{
		{"postgres://u:secret@127.0.0.1:1/x?sslmode=disable", "corpus postgres://u:xxxxx@127.0.0.1:1/x?sslmode=disable: connecting: "},
		{"postgres://u:secret@127.0.0.1:1/x?sslmode=sometimes", "corpus postgres://u:xxxxx@127.0.0.1:1/x?sslmode=sometimes: not a PostgreSQL URL: "},
	} {
		_, err := Open(ctx, tc.url)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want %s…", tc.url, err, tc.want)
		}
	}
}

// TestTSQuery: the query syntax of docs/search.md as PostgreSQL reads it.
func TestTSQuery(t *testing.T) {
	for q, want := range map[string]string{
		`informed`:                 `( 'informed' )`,
		`Café`:                     `( 'cafe' )`,
		`"keep you informed"`:      `( 'keep' <-> 'you' <-> 'informed' )`,
		`inequalit*`:               `( 'inequalit':* )`,
		`"co-production"`:          `( 'co' <-> 'production' )`,
		`a b`:                      `( ( 'a' ) & ( 'b' ) )`,
		`a AND b OR c`:             `( ( ( 'a' ) & ( 'b' ) ) | ( 'c' ) )`,
		`a OR b c`:                 `( ( 'a' ) | ( ( 'b' ) & ( 'c' ) ) )`,
		`informed NOT board`:       `( ( 'informed' ) & !( 'board' ) )`,
		`(a OR b) AND c`:           `( ( ( ( 'a' ) | ( 'b' ) ) ) & ( 'c' ) )`,
		`NEAR(a b, 1)`:             `( ( 'a' ) <1> ( 'b' ) | ( 'b' ) <1> ( 'a' ) | ( 'a' ) <2> ( 'b' ) | ( 'b' ) <2> ( 'a' ) )`,
		`NEAR(a)`:                  `( 'a' )`,
		`AND money`:                `syntax error near "AND"`,
		`informed OR`:              `syntax error near ""`,
		`"keep you`:                `unterminated string`,
		`title:strategy`:           `"title" is not a column`,
		`NEAR(a b c)`:              `NEAR of more than two phrases is not supported on PostgreSQL`,
		`NEAR(a b, x)`:             `expected integer, got "x"`,
		`^start`:                   `^ (a phrase at the start of a passage) is not supported on PostgreSQL`,
		`co-production`:            `syntax error near "-"`,
		`"..."`:                    `a phrase with no words in it`,
		`core20plus5 AND "£12.5m"`: `( ( 'core20plus5' ) & ( '12' <-> '5m' ) )`,
		`£12.5m`:                   `syntax error near "."`,
		`"it's" OR ministers*`:     `( ( 'it' <-> 's' ) | ( 'ministers':* ) )`,
		`(informed AND (board OR`:  `syntax error near ""`,
		`informed AND (`:           `syntax error near ""`,
		`informed )`:               `syntax error near ")"`,
	} {
		got, err := toTSQuery(q)
		text := got.text
		if err != nil {
			text = err.(*QueryError).Problem
		}
		if !strings.HasPrefix(text, want) {
			t.Errorf("%s: %s, want %s", q, text, want)
		}
	}
}

func TestSnippet(t *testing.T) {
	tq, err := toTSQuery(`invest* "lung health"`)
	if err != nil {
		t.Fatal(err)
	}
	got := makeSnippet("We will invest £12.5m over five years. Lung health comes first.", tq.phrases)
	want := "We will \uE000invest\uE001 £12.5m over five years. \uE000Lung\uE001 \uE000health\uE001 comes first."
	if got != want {
		t.Errorf("snippet %q, want %q", got, want)
	}
	long := strings.Repeat("word ", 40) + "invested here " + strings.Repeat("more ", 40)
	got = makeSnippet(long, tq.phrases)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "\uE000invested\uE001") || len(strings.Fields(got)) > snippetTokens+2 {
		t.Errorf("long snippet %q", got)
	}
}

// TestNotModified: what a crawl's conditional request reads and records,
// on both backends: the validators of a source's last fetch, and a 304
// stored as an unchanged fetch of the version it holds.
func TestNotModified(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		rv := newReviewer(t, 1, "r1")
		res := result("https://a.nhs.uk/plan.md", strategy(1))
		res.ETag, res.ContentType = `"v1"`, "text/markdown"
		if _, err := s.Ingest(ctx, rv, res, Meta{}); err != nil {
			t.Fatal(err)
		}
		v, err := s.Validators(ctx, "https://a.nhs.uk/plan.md")
		if err != nil || v.ETag != `"v1"` {
			t.Fatalf("validators %+v, %v", v, err)
		}
		out, err := s.NotModified(ctx, "https://a.nhs.uk/plan.md", "https://a.nhs.uk/plan.md", v, res.FetchedAt, Meta{Kind: "plan"})
		if err != nil || out.Status != Unchanged || out.DocumentID != 1 || out.Seq != 1 {
			t.Fatalf("not modified: %+v, %v", out, err)
		}
		if n := count(t, s, `SELECT count(*) FROM fetches WHERE status = 304 AND content_type = 'text/markdown' AND etag = '"v1"'`); n != 1 {
			t.Errorf("%d fetches recorded as 304", n)
		}
		if _, err := s.NotModified(ctx, "https://b.nhs.uk/new.md", "", v, res.FetchedAt, Meta{}); err == nil {
			t.Error("a source not stored before was recorded as unchanged")
		}
	})
}

package corpus

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// TestCheck damages a whole corpus in each way a partial write could
// and expects Check to name it. (Versions without their bytes are
// looked for too, but foreign keys stop this process making one.)
func TestCheck(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		damages := []struct {
			name, sql, want string
		}{
			{"none", ``, ""},
			{"a document without a version", `INSERT INTO documents (source, added_at) VALUES ('https://x.nhs.uk/a.pdf', '2026-01-01T00:00:00Z')`, "1 documents without a version"},
			{"a score missing", `DELETE FROM scores WHERE sha256 = (SELECT min(sha256) FROM scores)`, "1 versions without a score"},
			{"an extraction missing", `DELETE FROM extractions WHERE sha256 = (SELECT min(sha256) FROM extractions)`, "1 versions without an extraction"},
			{"bytes cut short", `UPDATE contents SET data = substr(data, 1, 10) WHERE sha256 = (SELECT min(sha256) FROM contents)`, "1 contents whose bytes are not the size recorded"},
			{"fetches gone", `DELETE FROM fetches WHERE document_id = 1`, "1 documents without a fetch"},
			{"bytes no version refers to", `INSERT INTO contents (sha256, size, data) VALUES ('00', 1, x'00')`, "1 contents no version refers to"},
			// Damage SQLite's own check cannot see: the rows are well formed,
			// what they hold is not.
			{"a byte flipped in a document", `UPDATE contents SET data = CAST(x'58' || substr(data, 2) AS BLOB) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 2)`,
				"document #2 version 1 (https://x.nhs.uk/1.md): the stored bytes do not match their SHA-256"},
			{"an extraction garbled", `UPDATE extractions SET document = x'1f8b0800' WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 3)`,
				"document #3 version 1 (https://x.nhs.uk/2.md): the stored extraction cannot be read"},
			{"a scorecard cut", `UPDATE scores SET scorecard = substr(scorecard, 1, 40) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 1)`,
				"document #1 version 1 (https://x.nhs.uk/0.md): a stored scorecard cannot be read"},
			// The search index against the stored extractions.
			{"a passage gone from the index", `DELETE FROM passages WHERE id = (SELECT max(id) FROM passages WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 2))`,
				"document #2 version 1 (https://x.nhs.uk/1.md): the search index does not hold the stored extraction's passages"},
			{"a passage's section changed", `UPDATE passages SET section = 'Elsewhere' WHERE id = (SELECT min(id) FROM passages WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 3))`,
				"document #3 version 1 (https://x.nhs.uk/2.md): the search index does not hold the stored extraction's passages"},
			// Text changed under the full-text index, which no trigger updates.
			{"a passage's text changed", `UPDATE passages SET text = 'tampered words' WHERE id = (SELECT min(id) FROM passages)`,
				"the search index does not match its passages"},
			{"an extraction not indexed", `DELETE FROM passage_contents WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 1)`,
				"1 extractions not in the search index"},
		}
		p := newReviewer(t, 1, "r1")
		for _, d := range damages {
			t.Run(d.name, func(t *testing.T) {
				s := openTemp(t)
				for i := range 3 {
					if _, err := s.Ingest(context.Background(), p, result(fmt.Sprintf("https://x.nhs.uk/%d.md", i), strategy(i)), Meta{}); err != nil {
						t.Fatal(err)
					}
				}
				if d.sql != "" {
					if _, err := s.db.Exec(damageSQL(s, d.sql)); err != nil {
						t.Fatal(err)
					}
				}
				problems, err := s.Check(context.Background(), false)
				if err != nil {
					t.Fatal(err)
				}
				got := strings.Join(problems, "; ")
				want := d.want
				if isPostgres(s) && want == "the search index does not match its passages" {
					// PostgreSQL's words are the passage row's own (no
					// FTS5 index to disagree): the text no longer being
					// the extraction's is what shows.
					want = "the search index does not hold the stored extraction's passages"
				}
				if want == "" && got != "" || !strings.Contains(got, want) {
					t.Errorf("Check = %q, want %q", got, want)
				}
				// --quick reads no row: damage inside a row is not its to find.
				if strings.Contains(d.name, "flipped") {
					quick, err := s.Check(context.Background(), true)
					if err != nil || len(quick) != 0 {
						t.Errorf("quick check = %q, %v; want nothing found", quick, err)
					}
				}
			})
		}
	})
}

// damageSQL is SQLite's SQL of damage done by hand as PostgreSQL reads
// it, where they differ: blob literals and casts.
func damageSQL(s *Store, q string) string {
	if !isPostgres(s) {
		return q
	}
	q = regexp.MustCompile(`CAST\((.*) AS BLOB\)`).ReplaceAllString(q, "($1)")
	return regexp.MustCompile(`x'([0-9a-f]*)'`).ReplaceAllString(q, `'\x$1'::bytea`)
}

// TestRepair: damage inside rows is mended from the sources where they
// still hold the same bytes, and named where they do not; unreadable
// extractions and scorecards are made again. Afterwards Check finds only
// what could not be mended.
func TestRepair(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		p := newReviewer(t, 1, "r1")
		s := openTemp(t)
		sources := map[string][]byte{}
		for i := range 3 {
			src := fmt.Sprintf("https://x.nhs.uk/%d.md", i)
			sources[src] = strategy(i)
			if _, err := s.Ingest(context.Background(), p, result(src, strategy(i)), Meta{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{
			// document 1: a byte flipped; its source still serves the bytes
			`UPDATE contents SET data = CAST(x'58' || substr(data, 2) AS BLOB) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 1)`,
			// document 2: a byte flipped; its source has changed since
			`UPDATE contents SET data = CAST(x'58' || substr(data, 2) AS BLOB) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 2)`,
			// document 3: its extraction and scorecard garbled
			`UPDATE extractions SET document = x'1f8b0800' WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 3)`,
			`UPDATE scores SET scorecard = substr(scorecard, 1, 40) WHERE sha256 = (SELECT sha256 FROM versions WHERE document_id = 3)`,
		} {
			if _, err := s.db.Exec(damageSQL(s, q)); err != nil {
				t.Fatal(err)
			}
		}
		sources["https://x.nhs.uk/1.md"] = strategy(7) // changed at the source
		get := func(_ context.Context, src string) (*fetched.Doc, error) {
			data, ok := sources[src]
			if !ok {
				return nil, fmt.Errorf("no such source")
			}
			return result(src, data), nil
		}
		done, err := s.Repair(context.Background(), p, get)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, r := range done {
			lines = append(lines, fmt.Sprintf("%v %s: %s", r.Done, r.Versions, r.Problem))
		}
		got := strings.Join(lines, "\n")
		for _, want := range []string{
			"true document #1 version 1 (https://x.nhs.uk/0.md): the stored bytes do not match",
			"false document #2 version 1 (https://x.nhs.uk/1.md): the stored bytes do not match",
			"true document #3 version 1 (https://x.nhs.uk/2.md): the stored extraction cannot be read",
			"true document #3 version 1 (https://x.nhs.uk/2.md): a stored scorecard cannot be read",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("repair lacks %q:\n%s", want, got)
			}
		}
		problems, err := s.Check(context.Background(), false)
		if err != nil {
			t.Fatal(err)
		}
		if len(problems) != 1 || !strings.Contains(problems[0], "document #2 version 1") {
			t.Errorf("after repair, check finds %q; want only document #2, which its source could not mend", problems)
		}
	})
}

package corpus

import (
	"context"
	"fmt"
)

// wholeness are the queries that find a document stored in part. Each
// counts rows that a whole store has none of; what is found is said in
// words a user can act on. Storing is one transaction per document, so
// any of these means the file was changed by something other than
// nhsreview, or damaged.
var wholeness = []struct{ query, problem string }{
	{`SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM versions WHERE document_id = d.id)`,
		"documents without a version"},
	{`SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM fetches WHERE document_id = d.id)`,
		"documents without a fetch"},
	{`SELECT count(*) FROM versions v WHERE NOT EXISTS (SELECT 1 FROM contents WHERE sha256 = v.sha256)`,
		"versions without their bytes"},
	{`SELECT count(*) FROM versions v WHERE NOT EXISTS (SELECT 1 FROM extractions WHERE sha256 = v.sha256)`,
		"versions without an extraction"},
	{`SELECT count(*) FROM versions v WHERE NOT EXISTS (SELECT 1 FROM scores WHERE sha256 = v.sha256)`,
		"versions without a score"},
	{`SELECT count(*) FROM contents c WHERE NOT EXISTS (SELECT 1 FROM versions WHERE sha256 = c.sha256)`,
		"contents no version refers to"},
	{`SELECT count(*) FROM fetches f WHERE NOT EXISTS (SELECT 1 FROM versions WHERE id = f.version_id AND document_id = f.document_id)`,
		"fetches of a version that is not there"},
	{`SELECT count(*) FROM contents WHERE length(data) <> size`,
		"contents whose bytes are not the size recorded"},
}

// Check looks for damage: SQLite's own check of the file, then documents
// stored in part (a document without a version, a version without its
// bytes, extraction or score, and so on). It returns one line per
// problem found, none when the corpus is whole; the error is for a
// corpus that could not be checked at all.
func (s *Store) Check(ctx context.Context) ([]string, error) {
	problems, err := s.integrity(ctx)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: integrity check: %w", s.path, err)
	}
	for _, w := range wholeness {
		var n int
		if err := s.db.QueryRowContext(ctx, w.query).Scan(&n); err != nil {
			return nil, fmt.Errorf("corpus %s: %s: %w", s.path, w.problem, err)
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("%d %s", n, w.problem))
		}
	}
	return problems, nil
}

// integrity is what SQLite's integrity check finds wrong in the file.
func (s *Store) integrity(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, "SQLite: "+line)
		}
	}
	return problems, rows.Err()
}

// Counts are how many documents, versions and scorecards a corpus holds.
type Counts struct {
	Documents int `json:"documents"`
	Versions  int `json:"versions"`
	Scores    int `json:"scores"`
}

// Count counts what the corpus holds.
func (s *Store) Count(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions), (SELECT count(*) FROM scores)`).
		Scan(&c.Documents, &c.Versions, &c.Scores)
	if err != nil {
		return c, fmt.Errorf("corpus %s: counting: %w", s.path, err)
	}
	return c, nil
}

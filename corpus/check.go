package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nhsreview/nhsreview/rules"
)

// wholeness are the queries that find a document stored in part. Each
// counts rows that a whole store has none of; what is found is said in
// words a user can act on. Storing is one transaction per document, so
// any of these means the file was changed by something other than
// nhsreview, or damaged.
// Each is written for both backends; byteLength is the one word they
// spell differently.
func wholeness(d dialect) []struct{ query, problem string } {
	return []struct{ query, problem string }{
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
		{`SELECT count(*) FROM fetches f WHERE NOT EXISTS (SELECT 1 FROM sources WHERE id = f.source_id AND document_id = f.document_id)`,
			"fetches not made from one of their document's sources"},
		{`SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM sources WHERE source = d.source AND document_id = d.id)`,
			"documents whose source is not among their sources"},
		{`SELECT count(*) FROM sources s WHERE NOT EXISTS (SELECT 1 FROM fetches WHERE source_id = s.id)`,
			"sources without a fetch"},
		{`SELECT count(*) FROM (SELECT sha256 FROM versions GROUP BY sha256 HAVING count(DISTINCT document_id) > 1) AS shared`,
			"contents stored as versions of more than one document"},
		{`SELECT count(*) FROM extractions e WHERE NOT EXISTS (SELECT 1 FROM passage_contents WHERE sha256 = e.sha256)`,
			"extractions not in the search index ('corpus rescore --all' indexes them)"},
		{`SELECT count(*) FROM contents WHERE ` + d.byteLength("data") + ` <> size`,
			"contents whose bytes are not the size recorded"},
		{papersIncomplete,
			"scores whose board pack's papers are not all stored"},
	}
}

// papersIncomplete counts the scores whose count of papers is not the
// number of paper rows they have.
const papersIncomplete = `SELECT count(*) FROM scores s WHERE s.papers IS NOT NULL
	AND s.papers <> (SELECT count(*) FROM papers p WHERE p.sha256 = s.sha256 AND p.rules_version = s.rules_version)`

// Check looks for damage: SQLite's own check of the file, then documents
// stored in part (a document without a version, a version without its
// bytes, extraction or score, and so on). It returns one line per
// problem found, none when the corpus is whole; the error is for a
// corpus that could not be checked at all.
//
// Unless quick, it then reads every stored byte: each content against its
// SHA-256, each extraction decompressed and decoded, each scorecard
// decoded, naming each damaged document and version. SQLite's check
// covers the file's structure, not what its rows hold: a flipped byte
// inside a blob passes it.
func (s *Store) Check(ctx context.Context, quick bool) ([]string, error) {
	problems, err := s.integrity(ctx)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: integrity check: %w", s.name, err)
	}
	if !quick {
		deep, err := s.checkRows(ctx)
		if err != nil {
			return nil, fmt.Errorf("corpus %s: reading the stored rows: %w", s.name, err)
		}
		problems = append(problems, deep...)
	}
	for _, w := range wholeness(s.db.dialect) {
		var n int
		if err := s.db.QueryRowContext(ctx, w.query).Scan(&n); err != nil {
			return nil, fmt.Errorf("corpus %s: %s: %w", s.name, w.problem, err)
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("%d %s", n, w.problem))
		}
	}
	return problems, nil
}

// integrity is what SQLite's integrity check finds wrong in the file.
// A PostgreSQL server checks its own pages as it reads them (and its
// administrator has amcheck): nothing here.
func (s *Store) integrity(ctx context.Context) ([]string, error) {
	if s.db.dialect == postgresDialect {
		return nil, nil
	}
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
		return c, fmt.Errorf("corpus %s: counting: %w", s.name, err)
	}
	return c, nil
}

// checkRows reads every content, extraction and scorecard, one row at a
// time, and names each that does not hold what it should.
func (s *Store) checkRows(ctx context.Context) ([]string, error) {
	var problems []string
	names, err := s.versionNames(ctx)
	if err != nil {
		return nil, err
	}
	name := func(sha string) string {
		if n := names[sha]; len(n) > 0 {
			return strings.Join(n, ", ")
		}
		return "content " + shortSHA(sha)
	}
	each := func(query string, fn func(sha string, blob []byte) string) error {
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sha string
			var blob []byte
			if err := rows.Scan(&sha, &blob); err != nil {
				return err
			}
			if p := fn(sha, blob); p != "" {
				problems = append(problems, name(sha)+": "+p)
			}
		}
		return rows.Err()
	}
	if err := each(`SELECT sha256, data FROM contents`, func(sha string, data []byte) string {
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
			return "the stored bytes do not match their SHA-256 (damaged; fetch the document again)"
		}
		return ""
	}); err != nil {
		return nil, err
	}
	var unindexed []string // contents whose index is not their extraction's
	if err := each(`SELECT sha256, document FROM extractions`, func(sha string, blob []byte) string {
		d, err := unpackDocument(blob)
		if err != nil {
			return "the stored extraction cannot be read (" + err.Error() + "; 'corpus rescore --all' reads it again)"
		}
		if want := passagesOf(d); !s.indexHolds(ctx, sha, want) {
			unindexed = append(unindexed, sha)
		}
		return ""
	}); err != nil {
		return nil, err
	}
	for _, sha := range unindexed {
		problems = append(problems, name(sha)+": the search index does not hold the stored extraction's passages ('corpus rescore --all' indexes it again)")
	}
	// FTS5's own check of its index against the passages it indexes: a
	// row of either changed by hand shows here, not in SQLite's check.
	// (PostgreSQL's words are a column of the passage itself, written with
	// its text; a passage's text changed by hand shows above, as it no
	// longer is the extraction's.)
	if s.db.dialect == sqliteDialect {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO passages_fts (passages_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			problems = append(problems, "the search index does not match its passages ("+err.Error()+"; 'corpus rescore --all' indexes them again)")
		}
	}
	if err := each(`SELECT sha256, `+s.db.dialect.textBytes("scorecard")+` FROM scores`, func(_ string, text []byte) string {
		var c rules.Scorecard
		if err := json.Unmarshal(text, &c); err != nil {
			return "a stored scorecard cannot be read (" + err.Error() + "; 'corpus rescore --all' scores it again)"
		}
		return ""
	}); err != nil {
		return nil, err
	}
	if err := each(`SELECT sha256, `+s.db.dialect.textBytes("scorecard")+` FROM papers WHERE scorecard <> ''`, func(_ string, text []byte) string {
		var c rules.Scorecard
		if err := json.Unmarshal(text, &c); err != nil {
			return "a stored board pack paper's scorecard cannot be read (" + err.Error() + "; 'corpus repair' scores it again)"
		}
		return ""
	}); err != nil {
		return nil, err
	}
	return problems, nil
}

// versionNames names the versions of each content: "document #3 version
// 2 (https://...)".
func (s *Store) versionNames(ctx context.Context) (map[string][]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT v.sha256, v.document_id, v.seq, d.source FROM versions v JOIN documents d ON d.id = v.document_id ORDER BY v.document_id, v.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var sha, src string
		var id int64
		var seq int
		if err := rows.Scan(&sha, &id, &seq, &src); err != nil {
			return nil, err
		}
		out[sha] = append(out[sha], fmt.Sprintf("document #%d version %d (%s)", id, seq, src))
	}
	return out, rows.Err()
}

func shortSHA(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// indexHolds says whether the index holds a content's passages as want
// has them (passagesOf its stored extraction), in order. An extraction
// with no passage_contents row is counted by the wholeness queries.
func (s *Store) indexHolds(ctx context.Context, sha string, want []passageRow) bool {
	rows, err := s.db.QueryContext(ctx, `SELECT page_index, block_index, page, section, kind, text FROM passages WHERE sha256 = ? ORDER BY id`, sha)
	if err != nil {
		return false
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var r passageRow
		if rows.Scan(&r.pageIndex, &r.block, &r.page, &r.section, &r.kind, &r.text) != nil || i >= len(want) || r != want[i] {
			return false
		}
		i++
	}
	return rows.Err() == nil && i == len(want)
}

package corpus

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// One document per content (issue 17): the same bytes under several
// names or URLs are one document with several sources, not several
// documents. A document's sources are the table sources; each fetch
// names the source it was made from, so that what a source last gave
// (its validators, the version it holds) is that source's, whichever
// other names the document has. documents.source stays the document's
// first source, the one listings and exports name.

// SourceRecord is one name a document was stored under, with what was
// last fetched from it.
type SourceRecord struct {
	Source  string `json:"source"`
	AddedAt string `json:"added_at"`
	// Fetches counts the fetches made from it; LastFetched is the time
	// of the last, and Version the version that fetch found.
	Fetches     int    `json:"fetches"`
	LastFetched string `json:"last_fetched"`
	Version     int    `json:"version"`
}

// addSources is schema step 7: the sources table, each fetch's source,
// and the documents that share a content merged into one. It may run on
// a database that has the table or column already (a step that shipped
// must be safe to run again on a copy someone mended by hand).
func addSources(ctx context.Context, tx *txn) error {
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('fetches') WHERE name = 'source_id'`).Scan(&have); err != nil {
		return fmt.Errorf("reading the fetches table: %w", err)
	}
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS sources (
			id          INTEGER PRIMARY KEY,
			document_id INTEGER NOT NULL REFERENCES documents(id),
			source      TEXT NOT NULL UNIQUE,     -- canonical URL or absolute path
			added_at    TEXT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS sources_document ON sources(document_id)`,
	}
	if have == 0 {
		stmts = append(stmts, `ALTER TABLE fetches ADD COLUMN source_id INTEGER REFERENCES sources(id)`)
	}
	stmts = append(stmts,
		`CREATE INDEX IF NOT EXISTS fetches_source ON fetches(source_id, id)`,
		`CREATE INDEX IF NOT EXISTS versions_document ON versions(document_id, seq)`,
		// Every document's own source is its first; every fetch so far
		// was made from its document's source.
		`INSERT INTO sources (document_id, source, added_at)
			SELECT id, source, added_at FROM documents WHERE true ON CONFLICT (source) DO NOTHING`,
		`UPDATE fetches SET source_id = (SELECT s.id FROM sources s JOIN documents d ON d.source = s.source WHERE d.id = fetches.document_id)
			WHERE source_id IS NULL`,
	)
	if err := execAll(stmts...)(ctx, tx); err != nil {
		return err
	}
	_, err := mergeShared(ctx, tx)
	return err
}

// mergeShared merges the documents that share a content, until no
// content is a version of two documents, and returns the documents
// merged into others. A chain (documents 1 and 2 share one content, 2
// and 3 another) ends as one document.
func mergeShared(ctx context.Context, tx *txn) (int, error) {
	merged := 0
	for {
		ids, err := int64s(ctx, tx, `SELECT DISTINCT document_id FROM versions WHERE sha256 = (
				SELECT sha256 FROM versions GROUP BY sha256 HAVING count(DISTINCT document_id) > 1 LIMIT 1)
			ORDER BY document_id`)
		if err != nil {
			return merged, fmt.Errorf("finding documents that share a content: %w", err)
		}
		if len(ids) < 2 {
			return merged, nil
		}
		if err := mergeDocuments(ctx, tx, ids); err != nil {
			return merged, err
		}
		merged += len(ids) - 1
	}
}

// mergeDocuments makes the documents ids (two or more) one: the lowest
// id survives. Nothing fetched is lost: every source and fetch is moved
// to the survivor. Versions are deduplicated by content: the survivor's
// are kept as they are (a document that went back to old bytes keeps
// both versions), another document's version whose bytes the merged
// document already has is dropped and its fetches point at the version
// holding them; then the versions are numbered again in the order they
// were first seen. Scores, extractions and papers are per content and
// need nothing. The survivor keeps its organisation and kind, taking
// another's where it has none.
func mergeDocuments(ctx context.Context, tx *txn, ids []int64) error {
	slices.Sort(ids)
	survivor, others := ids[0], ids[1:]
	in := "(" + strings.Repeat("?,", len(others)-1) + "?)"
	otherArgs := make([]any, len(others))
	for i, id := range others {
		otherArgs[i] = id
	}
	fail := func(what string, err error) error {
		return fmt.Errorf("merging documents %v into #%d: %s: %w", others, survivor, what, err)
	}

	type row struct {
		id, doc    int64
		seq        int
		sha, first string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, document_id, seq, sha256, first_seen FROM versions
		WHERE document_id = ? OR document_id IN `+in+` ORDER BY document_id <> ?, document_id, seq`,
		append(append([]any{survivor}, otherArgs...), survivor)...)
	if err != nil {
		return fail("reading the versions", err)
	}
	var all []row
	for rows.Next() {
		var v row
		if err := rows.Scan(&v.id, &v.doc, &v.seq, &v.sha, &v.first); err != nil {
			rows.Close()
			return fail("reading the versions", err)
		}
		all = append(all, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail("reading the versions", err)
	}
	holder := map[string]int64{} // content -> the kept version holding it (the latest)
	var kept []row
	remap := map[int64]int64{} // dropped version -> kept version
	for _, v := range all {
		if h, ok := holder[v.sha]; ok && v.doc != survivor {
			remap[v.id] = h
			continue
		}
		holder[v.sha] = v.id
		kept = append(kept, v)
	}
	for from, to := range remap {
		if _, err := tx.ExecContext(ctx, `UPDATE fetches SET version_id = ? WHERE version_id = ?`, to, from); err != nil {
			return fail("moving the fetches", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM versions WHERE id = ?`, from); err != nil {
			return fail("dropping a duplicate version", err)
		}
	}
	stmts := []struct{ what, q string }{
		{"moving the fetches", `UPDATE fetches SET document_id = ? WHERE document_id IN ` + in},
		{"moving the sources", `UPDATE sources SET document_id = ? WHERE document_id IN ` + in},
		// Out of the way of UNIQUE (document_id, seq) until numbered again.
		{"moving the versions", `UPDATE versions SET document_id = ?, seq = -id WHERE document_id IN ` + in},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, append([]any{survivor}, otherArgs...)...); err != nil {
			return fail(st.what, err)
		}
	}
	// The survivor's own versions are first among those seen at the same
	// second, then the others' in document order: the order of kept.
	order := make([]int, len(kept))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(kept[a].first, kept[b].first) })
	if _, err := tx.ExecContext(ctx, `UPDATE versions SET seq = -id WHERE document_id = ?`, survivor); err != nil {
		return fail("numbering the versions", err)
	}
	for n, i := range order {
		if _, err := tx.ExecContext(ctx, `UPDATE versions SET seq = ? WHERE id = ?`, n+1, kept[i].id); err != nil {
			return fail("numbering the versions", err)
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE documents SET
		org_code = coalesce(org_code, (SELECT org_code FROM documents WHERE id IN `+in+` AND org_code IS NOT NULL ORDER BY id LIMIT 1)),
		kind = CASE WHEN kind <> '' THEN kind ELSE coalesce((SELECT kind FROM documents WHERE id IN `+in+` AND kind <> '' ORDER BY id LIMIT 1), '') END,
		added_at = coalesce((SELECT CASE WHEN min(o.added_at) < documents.added_at THEN min(o.added_at) END FROM documents o WHERE o.id IN `+in+`), added_at)
		WHERE id = ?`, append(append(append(append([]any{}, otherArgs...), otherArgs...), otherArgs...), survivor)...)
	if err != nil {
		return fail("filing the document", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id IN `+in, otherArgs...); err != nil {
		return fail("dropping the merged documents", err)
	}
	return nil
}

// sources lists a document's sources, its first source first.
func (s *Store) sources(ctx context.Context, docID int64) ([]SourceRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.source, s.added_at, count(f.id), coalesce(max(f.fetched_at), ''),
		coalesce((SELECT v.seq FROM fetches lf JOIN versions v ON v.id = lf.version_id WHERE lf.source_id = s.id ORDER BY lf.id DESC LIMIT 1), 0)
		FROM sources s JOIN documents d ON d.id = s.document_id LEFT JOIN fetches f ON f.source_id = s.id
		WHERE s.document_id = ? GROUP BY s.id, d.source ORDER BY s.source <> d.source, s.id`, docID)
	if err != nil {
		return nil, fmt.Errorf("reading the sources: %w", err)
	}
	defer rows.Close()
	var out []SourceRecord
	for rows.Next() {
		var r SourceRecord
		if err := rows.Scan(&r.Source, &r.AddedAt, &r.Fetches, &r.LastFetched, &r.Version); err != nil {
			return nil, fmt.Errorf("reading the sources: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// int64s reads a one-column query of integers.
func int64s(ctx context.Context, tx *txn, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// copyTable is a table as Copy and Digest read it: its columns, each
// with how it is compared (i an integer, t text, b bytes), in the order
// rows must be written for their references to be there.
type copyTable struct {
	name    string
	columns []string
	kinds   string // one letter per column: i, t or b
}

// copyTables are the stored tables, parents first. The full-text index
// is not among them: FTS5's table is kept by triggers on passages, and
// PostgreSQL's words are made from each passage's text as it is written.
var copyTables = []copyTable{
	{"organisations", []string{"code", "name", "kind", "region", "region_code", "origin"}, "tttttt"},
	{"meta", []string{"key", "value"}, "tt"},
	{"documents", []string{"id", "source", "org_code", "kind", "added_at"}, "itttt"},
	{"contents", []string{"sha256", "size", "data"}, "tib"},
	{"sources", []string{"id", "document_id", "source", "added_at"}, "iitt"},
	{"versions", []string{"id", "document_id", "seq", "sha256", "first_seen"}, "iiitt"},
	{"fetches", []string{"id", "document_id", "version_id", "url", "fetched_at", "status", "etag", "last_modified", "content_type", "outcome", "source_id"}, "iiittitttti"},
	{"extractions", []string{"sha256", "extractor_version", "format", "title", "pages", "needs_ocr", "document", "extracted_at"}, "tittiibt"},
	{"scores", []string{"sha256", "rules_version", "extractor_version", "total", "scorecard", "scored_at", "max", "status", "papers", "splitter_version"}, "ttiittitii"},
	{"papers", []string{"sha256", "rules_version", "item_index", "number", "title", "presenter", "purpose", "kind", "first_page", "last_page", "asked", "status", "total", "max", "scorecard", "error"}, "ttitttttiittiitt"},
	{"passage_contents", []string{"number", "sha256"}, "it"},
	{"passages", []string{"id", "sha256", "page_index", "block_index", "page", "section", "kind", "text"}, "itiiittt"},
	{"passage_signals", []string{"sha256", "rules_version", "passage_id", "criterion", "signal"}, "ttitt"},
	{"criterion_scores", []string{"sha256", "rules_version", "criterion", "score", "max", "red_flags"}, "tttiii"},
}

// identities are the PostgreSQL columns numbered by the server, whose
// counters Copy moves past the numbers it wrote.
var identities = [][2]string{{"documents", "id"}, {"sources", "id"}, {"versions", "id"}, {"fetches", "id"}, {"passage_contents", "number"}}

// TableDigest is what a table holds, as Copy compares it: its rows, and
// a SHA-256 of them that does not depend on their order (each row's
// values hashed, the hashes sorted and hashed), so that two backends
// that sort text differently agree on equal tables.
type TableDigest struct {
	Table  string `json:"table"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Digest reads every stored table (copyTables) and says what each holds.
func (s *Store) Digest(ctx context.Context) ([]TableDigest, error) {
	var out []TableDigest
	for _, t := range copyTables {
		var sums [][]byte
		err := s.eachRow(ctx, t, func(vals []any) error {
			sums = append(sums, rowHash(t, vals))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("corpus %s: reading %s: %w", s.name, t.name, err)
		}
		slices.SortFunc(sums, bytes.Compare)
		h := sha256.New()
		for _, sum := range sums {
			h.Write(sum)
		}
		out = append(out, TableDigest{Table: t.name, Rows: len(sums), SHA256: hex.EncodeToString(h.Sum(nil))})
	}
	return out, nil
}

// eachRow reads a table's rows, the values normalised by the column's
// kind (drivers hand text back as string or bytes, integers as int64).
func (s *Store) eachRow(ctx context.Context, t copyTable, fn func([]any) error) error {
	rows, err := s.db.QueryContext(ctx, "SELECT "+strings.Join(t.columns, ", ")+" FROM "+t.name)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(t.columns))
	ptrs := make([]any, len(t.columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			vals[i] = normalise(t.kinds[i], v)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

func normalise(kind byte, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		if kind == 't' {
			return string(x)
		}
		return slices.Clone(x)
	case string:
		if kind == 'b' {
			return []byte(x)
		}
	case int32:
		return int64(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// rowHash hashes a row's values, each with its kind and length, so that
// no two different rows hash alike by running together.
func rowHash(t copyTable, vals []any) []byte {
	h := sha256.New()
	var n [8]byte
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			h.Write([]byte{'n'})
		case int64:
			binary.BigEndian.PutUint64(n[:], uint64(x))
			h.Write([]byte{'i'})
			h.Write(n[:])
		case string:
			binary.BigEndian.PutUint64(n[:], uint64(len(x)))
			h.Write([]byte{'t'})
			h.Write(n[:])
			h.Write([]byte(x))
		case []byte:
			binary.BigEndian.PutUint64(n[:], uint64(len(x)))
			h.Write([]byte{'b'})
			h.Write(n[:])
			h.Write(x)
		default:
			fmt.Fprintf(h, "?%T:%v", x, x)
		}
	}
	return h.Sum(nil)
}

// Copy copies every stored row of from into to, which must hold no
// document (a new corpus: its catalogue of organisations is replaced by
// from's), in one transaction of to: a copy that fails leaves to as it
// was. Ids are kept, so that "#12" names the same document in both. The
// full-text index is made in to as each passage is written. Then both
// are read again and compared, table by table; the digests are returned
// (from's, which are to's), and a difference is an error.
func Copy(ctx context.Context, from, to *Store) ([]TableDigest, error) {
	if from.name == to.name {
		return nil, fmt.Errorf("corpus copy: %s is both the source and the destination", from.name)
	}
	err := to.tx(ctx, func(tx *txn) error {
		var docs int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM contents)`).Scan(&docs); err != nil {
			return err
		}
		if docs > 0 {
			return fmt.Errorf("it holds documents already: copy into a new, empty corpus")
		}
		for _, t := range []string{"organisations", "meta"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return err
			}
		}
		for _, t := range copyTables {
			if err := copyRows(ctx, from, tx, t); err != nil {
				return fmt.Errorf("copying %s: %w", t.name, err)
			}
		}
		if tx.dialect == postgresDialect {
			for _, id := range identities {
				q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), coalesce(max(%s), 0) + 1, false) FROM %s`, id[0], id[1], id[1], id[0])
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("numbering %s after the copy: %w", id[0], err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpus copy to %s: %w", to.name, err)
	}
	want, err := from.Digest(ctx)
	if err != nil {
		return nil, err
	}
	got, err := to.Digest(ctx)
	if err != nil {
		return nil, err
	}
	for i := range want {
		if want[i] != got[i] {
			return want, fmt.Errorf("corpus copy to %s: %s differs after the copy: %d rows (SHA-256 %.12s), %d in %s (%.12s)",
				to.name, want[i].Table, got[i].Rows, got[i].SHA256, want[i].Rows, from.name, want[i].SHA256)
		}
	}
	return want, nil
}

// copyRows writes every row of one table of from in tx.
func copyRows(ctx context.Context, from *Store, tx *txn, t copyTable) error {
	cols, marks := strings.Join(t.columns, ", "), strings.TrimSuffix(strings.Repeat("?, ", len(t.columns)), ", ")
	words := t.name == "passages" && tx.dialect == postgresDialect
	if words {
		cols += ", words"
		marks += ", CAST(? AS tsvector)"
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+t.name+" ("+cols+") VALUES ("+marks+")")
	if err != nil {
		return err
	}
	defer stmt.Close()
	return from.eachRow(ctx, t, func(vals []any) error {
		args := vals
		if words {
			text, _ := vals[len(vals)-1].(string)
			args = append(slices.Clone(vals), searchWords(text))
		}
		_, err := stmt.ExecContext(ctx, args...)
		return err
	})
}

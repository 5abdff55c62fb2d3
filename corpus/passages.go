package corpus

import (
	"context"
	"fmt"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// The passage index (issue 17): every block of every stored extraction
// is a passage, indexed for full-text search (SQLite FTS5), with the
// criteria and signals each score quotes it for. It is kept in the same
// transactions as what it indexes: an extraction stored or replaced
// stores its passages (putPassages), a score stores what it quotes
// (putScore, through putQuoted), and deleting an extraction or a score
// deletes their rows (foreign keys), so the index never disagrees with
// the store.

// passageSchema are the tables of the index. The full-text table holds
// no copy of the text (content='passages'); triggers keep it in step with
// the passages table, whichever statement changes it.
var passageSchema = []string{
	// A number per indexed content, kept in each of its passages' ids
	// (passageID), so that the search tells a match's content from its
	// id alone rather than by looking up every match's row.
	`CREATE TABLE IF NOT EXISTS passage_contents (
		number INTEGER PRIMARY KEY,
		sha256 TEXT NOT NULL UNIQUE REFERENCES extractions(sha256) ON DELETE CASCADE
	)`,
	`CREATE TABLE IF NOT EXISTS passages (
		id          INTEGER PRIMARY KEY,      -- passageID: the content's number, then the passage's
		sha256      TEXT NOT NULL REFERENCES extractions(sha256) ON DELETE CASCADE,
		page_index  INTEGER NOT NULL,         -- the page's place in the extraction, from 0
		block_index INTEGER NOT NULL,         -- the block's place on the page, from 0
		page        INTEGER NOT NULL,         -- the page number
		section     TEXT NOT NULL,            -- as the evidence names it: "2. Money > Capital"
		kind        TEXT NOT NULL,            -- heading, paragraph, list, table, caption
		text        TEXT NOT NULL,
		UNIQUE (sha256, page_index, block_index)
	)`,
	// unicode61 without a stemmer: a word matches itself whatever its
	// case and accents, and a prefix query (inequalit*) matches what the
	// reader typed, which a stemmer's truncated forms would not.
	`CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, content='passages', content_rowid='id',
		tokenize='unicode61 remove_diacritics 2')`,
	`CREATE TRIGGER IF NOT EXISTS passages_insert AFTER INSERT ON passages BEGIN
		INSERT INTO passages_fts (rowid, text) VALUES (new.id, new.text);
	END`,
	`CREATE TRIGGER IF NOT EXISTS passages_delete AFTER DELETE ON passages BEGIN
		INSERT INTO passages_fts (passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
	END`,
	// What each score quotes each passage for; they go with the score
	// (a rescore replaces them, a repair that drops the score drops them)
	// and with the passage.
	`CREATE TABLE IF NOT EXISTS passage_signals (
		sha256        TEXT NOT NULL,
		rules_version TEXT NOT NULL,
		passage_id    INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
		criterion     TEXT NOT NULL,
		signal        TEXT NOT NULL,
		PRIMARY KEY (passage_id, rules_version, criterion, signal),
		FOREIGN KEY (sha256, rules_version) REFERENCES scores(sha256, rules_version) ON DELETE CASCADE
	)`,
	`CREATE INDEX IF NOT EXISTS passage_signals_score ON passage_signals(sha256, rules_version)`,
	// Each criterion's score and red flags, per score: what the search's
	// filters read, rather than the scorecard JSON of every hit.
	`CREATE TABLE IF NOT EXISTS criterion_scores (
		sha256        TEXT NOT NULL,
		rules_version TEXT NOT NULL,
		criterion     TEXT NOT NULL,
		score         INTEGER NOT NULL,
		max           INTEGER NOT NULL,
		red_flags     INTEGER NOT NULL,
		PRIMARY KEY (sha256, rules_version, criterion),
		FOREIGN KEY (sha256, rules_version) REFERENCES scores(sha256, rules_version) ON DELETE CASCADE
	)`,
}

// addPassages is the migration that adds the index and fills it from
// what is stored: every extraction's passages, every score's quoted
// passages and criterion scores. Nothing is read or scored again. Like
// every step it may run on a database that has the tables already.
func addPassages(ctx context.Context, tx *txn) error {
	if err := execAll(passageSchema...)(ctx, tx); err != nil {
		return err
	}
	return reindex(ctx, tx)
}

// reindex rebuilds the index from the extractions and scores, in tx.
func reindex(ctx context.Context, tx *txn) error {
	for _, q := range []string{`DELETE FROM passages`, `DELETE FROM passage_contents`, `DELETE FROM criterion_scores`, `INSERT INTO passages_fts (passages_fts) VALUES ('delete-all')`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("clearing the passage index: %w", err)
		}
	}
	shas, err := column(ctx, tx, `SELECT sha256 FROM extractions ORDER BY sha256`)
	if err != nil {
		return fmt.Errorf("listing the extractions: %w", err)
	}
	for _, sha := range shas {
		var blob []byte
		if err := tx.QueryRowContext(ctx, `SELECT document FROM extractions WHERE sha256 = ?`, sha).Scan(&blob); err != nil {
			return fmt.Errorf("reading the extraction of %.12s: %w", sha, err)
		}
		d, err := unpackDocument(blob)
		if err != nil {
			// A damaged extraction ('corpus check' names it, 'repair'
			// reads it again, which indexes it) must not stop the
			// database opening.
			continue
		}
		if err := putPassages(ctx, tx, sha, d); err != nil {
			return err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT sha256, rules_version, scorecard FROM scores`)
	if err != nil {
		return fmt.Errorf("listing the scores: %w", err)
	}
	type stored struct{ sha, rules, card string }
	var scores []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.sha, &s.rules, &s.card); err != nil {
			rows.Close()
			return fmt.Errorf("listing the scores: %w", err)
		}
		scores = append(scores, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing the scores: %w", err)
	}
	for _, s := range scores {
		card, err := decodeCard(s.card)
		if err != nil {
			continue // damaged: as above
		}
		if err := putQuoted(ctx, tx, s.sha, s.rules, card); err != nil {
			return err
		}
	}
	return nil
}

// column reads a one-column query of text.
func column(ctx context.Context, tx *txn, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// passageShift places a content's number above its passages' numbers in
// a passage id: a content may have 2^24 passages (16 million; the PDF
// reader refuses documents long before).
const passageShift = 24

// putPassages replaces the passages of content sha with the blocks of d,
// its extraction (the scores' quoted passages of the old ones go with
// them, and are stored again with the scores made from d).
func putPassages(ctx context.Context, tx *txn, sha string, d *document.Document) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM passages WHERE sha256 = ?`, sha); err != nil {
		return fmt.Errorf("indexing the passages: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO passage_contents (sha256) VALUES (?) ON CONFLICT DO NOTHING`, sha); err != nil {
		return fmt.Errorf("indexing the passages: %w", err)
	}
	var number int64
	if err := tx.QueryRowContext(ctx, `SELECT number FROM passage_contents WHERE sha256 = ?`, sha).Scan(&number); err != nil {
		return fmt.Errorf("indexing the passages: %w", err)
	}
	insert := `INSERT INTO passages (id, sha256, page_index, block_index, page, section, kind, text)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	if tx.dialect == postgresDialect {
		// FTS5's triggers index the text; PostgreSQL's words are the
		// row's own column, split by nhsreview (searchWords).
		insert = `INSERT INTO passages (id, sha256, page_index, block_index, page, section, kind, text, words)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS tsvector))`
	}
	stmt, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return fmt.Errorf("indexing the passages: %w", err)
	}
	defer stmt.Close()
	rows := passagesOf(d)
	if len(rows) > 1<<passageShift {
		return fmt.Errorf("indexing the passages: more than %d passages", 1<<passageShift)
	}
	for n, r := range rows {
		args := []any{number<<passageShift | int64(n), sha, r.pageIndex, r.block, r.page, r.section, r.kind, r.text}
		if tx.dialect == postgresDialect {
			args = append(args, searchWords(r.text))
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("indexing the passages: %w", err)
		}
	}
	return nil
}

// passageRow is a passage as the index holds it.
type passageRow struct {
	pageIndex, block, page int
	section, kind, text    string
}

// passagesOf is what the index holds of an extraction, in its order:
// each block with text, where it is, and its section. One home, for
// storing them and for checking them (corpus check).
func passagesOf(d *document.Document) []passageRow {
	var out []passageRow
	d.EachBlock(func(ref document.BlockRef, b document.Block, section string) {
		text := document.BlockText(b)
		if strings.TrimSpace(text) == "" {
			return
		}
		out = append(out, passageRow{ref.Page, ref.Block, d.Pages[ref.Page].Number, section, string(b.Kind), text})
	})
	return out
}

// putQuoted stores, for a score of content sha, each criterion's score
// and red flags, and the passages its evidence quotes with the criterion
// and signal they count for. A quote is the passage whose text holds it
// (whitespace folded), on the page it names; one that runs across blocks
// is placed by its start. The passages must be stored already.
func putQuoted(ctx context.Context, tx *txn, sha, rulesVersion string, card *rules.Scorecard) error {
	for _, q := range []string{`DELETE FROM passage_signals WHERE sha256 = ? AND rules_version = ?`,
		`DELETE FROM criterion_scores WHERE sha256 = ? AND rules_version = ?`} {
		if _, err := tx.ExecContext(ctx, q, sha, rulesVersion); err != nil {
			return fmt.Errorf("indexing the score: %w", err)
		}
	}
	pages := map[int][]passageText{}
	for _, cr := range card.Criteria {
		if _, err := tx.ExecContext(ctx, `INSERT INTO criterion_scores (sha256, rules_version, criterion, score, max, red_flags)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, sha, rulesVersion, cr.ID, cr.Score, cr.Max, len(cr.RedFlags)); err != nil {
			return fmt.Errorf("indexing the score: %w", err)
		}
		for _, e := range cr.Evidence {
			list, ok := pages[e.Page]
			if !ok {
				var err error
				if list, err = pagePassages(ctx, tx, sha, e.Page); err != nil {
					return err
				}
				pages[e.Page] = list
			}
			id, ok := placeQuote(list, e.Quote)
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO passage_signals (sha256, rules_version, passage_id, criterion, signal)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, sha, rulesVersion, id, cr.ID, e.Signal); err != nil {
				return fmt.Errorf("indexing the score: %w", err)
			}
		}
	}
	return nil
}

// passageText is a stored passage's id and folded text.
type passageText struct {
	id     int64
	folded string
}

func pagePassages(ctx context.Context, tx *txn, sha string, page int) ([]passageText, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, text FROM passages WHERE sha256 = ? AND page = ? ORDER BY page_index, block_index`, sha, page)
	if err != nil {
		return nil, fmt.Errorf("indexing the score: %w", err)
	}
	defer rows.Close()
	list := []passageText{}
	for rows.Next() {
		var p passageText
		var text string
		if err := rows.Scan(&p.id, &text); err != nil {
			return nil, fmt.Errorf("indexing the score: %w", err)
		}
		// A row's quote reads its cells joined by " | " or by spaces.
		p.folded = textclean.Fold(text) + "\n" + textclean.Fold(strings.ReplaceAll(text, " | ", " "))
		list = append(list, p)
	}
	return list, rows.Err()
}

// placeQuote finds the passage holding a quote, or its first words when
// it runs on into the next block.
func placeQuote(list []passageText, quote string) (int64, bool) {
	q := textclean.Fold(quote)
	if q == "" {
		return 0, false
	}
	for _, p := range list {
		if strings.Contains(p.folded, q) {
			return p.id, true
		}
	}
	if r := []rune(q); len(r) > 40 {
		head := string(r[:40])
		for _, p := range list {
			if strings.Contains(p.folded, head) {
				return p.id, true
			}
		}
	}
	return 0, false
}

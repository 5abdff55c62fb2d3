package corpus

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/nhsreview/nhsreview/corpus/catalogue"
)

// migrations are the schema's steps, in order: migrations[i] takes the
// database from version i to i+1 (PRAGMA user_version). Never edit a step
// that has shipped; add one.
// PostgreSQL has its own steps (postgresMigrations), numbered alike.
var migrations = []func(ctx context.Context, tx *txn) error{
	execAll(
		`CREATE TABLE organisations (
			code        TEXT PRIMARY KEY,          -- ODS code, upper case
			name        TEXT NOT NULL,
			kind        TEXT NOT NULL,             -- icb, or what a user says
			region      TEXT NOT NULL DEFAULT '',  -- NHS England region
			region_code TEXT NOT NULL DEFAULT '',
			origin      TEXT NOT NULL              -- catalogue or user
		)`,
		`CREATE TABLE documents (
			id       INTEGER PRIMARY KEY,
			source   TEXT NOT NULL UNIQUE,        -- canonical URL or absolute path
			org_code TEXT REFERENCES organisations(code),
			kind     TEXT NOT NULL DEFAULT '',    -- strategy, board-papers, plan, guidance
			added_at TEXT NOT NULL
		)`,
		// The bytes, once per content however many documents carry them.
		`CREATE TABLE contents (
			sha256 TEXT PRIMARY KEY,
			size   INTEGER NOT NULL,
			data   BLOB NOT NULL
		)`,
		`CREATE TABLE versions (
			id          INTEGER PRIMARY KEY,
			document_id INTEGER NOT NULL REFERENCES documents(id),
			seq         INTEGER NOT NULL,         -- 1, 2, ... within the document
			sha256      TEXT NOT NULL REFERENCES contents(sha256),
			first_seen  TEXT NOT NULL,
			UNIQUE (document_id, seq)
		)`,
		`CREATE INDEX versions_sha256 ON versions(sha256)`,
		// Every fetch of a document, unchanged ones included: where it
		// came from, when, and what the server said.
		`CREATE TABLE fetches (
			id            INTEGER PRIMARY KEY,
			document_id   INTEGER NOT NULL REFERENCES documents(id),
			version_id    INTEGER NOT NULL REFERENCES versions(id),
			url           TEXT NOT NULL,          -- after redirects; '' for files
			fetched_at    TEXT NOT NULL,
			status        INTEGER NOT NULL,       -- HTTP status; 0 for files
			etag          TEXT NOT NULL DEFAULT '',
			last_modified TEXT NOT NULL DEFAULT '',
			content_type  TEXT NOT NULL DEFAULT '',
			outcome       TEXT NOT NULL           -- new, changed, unchanged
		)`,
		`CREATE INDEX fetches_document ON fetches(document_id, id)`,
		// What extraction made of a content: the document model as
		// gzipped JSON, so that new rules re-score without re-reading.
		`CREATE TABLE extractions (
			sha256            TEXT PRIMARY KEY REFERENCES contents(sha256),
			extractor_version INTEGER NOT NULL,
			format            TEXT NOT NULL,
			title             TEXT NOT NULL,
			pages             INTEGER NOT NULL,
			needs_ocr         INTEGER NOT NULL,
			document          BLOB NOT NULL,
			extracted_at      TEXT NOT NULL
		)`,
		// A scorecard (the score JSON) per content and rule set.
		`CREATE TABLE scores (
			sha256            TEXT NOT NULL REFERENCES contents(sha256),
			rules_version     TEXT NOT NULL,
			extractor_version INTEGER NOT NULL,
			total             INTEGER NOT NULL,
			scorecard         TEXT NOT NULL,
			scored_at         TEXT NOT NULL,
			PRIMARY KEY (sha256, rules_version)
		)`,
		`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	),
	// The most a scorecard can total: 15 for the built-in rules, other
	// for rule sets with other criteria, so listings print "9/12" right.
	execAll(
		`ALTER TABLE scores ADD COLUMN max INTEGER NOT NULL DEFAULT 0`,
		`UPDATE scores SET max = coalesce((SELECT sum(json_extract(value, '$.max')) FROM json_each(scorecard, '$.criteria')), 0)`,
	),
	// Whether a version was scored: a scan with too little text to judge
	// is "unreadable", which listings must not show as 0/0.
	execAll(
		`ALTER TABLE scores ADD COLUMN status TEXT NOT NULL DEFAULT 'scored'`,
		`UPDATE scores SET status = coalesce(json_extract(scorecard, '$.status'), 'scored')`,
	),
	// A board pack's papers (issue 15): stored once per content and rule
	// set, as its score is, so that two versions or two documents with the
	// same bytes share them. Existing scores get theirs on the next
	// 'corpus rescore'.
	addPapers,
	// The passage index for search (issue 17): built from the stored
	// extractions and scores, nothing read or scored again.
	addPassages,
	// The version of the splitter that made a pack's papers (issue 15),
	// so that papers an older splitter made are split again.
	addSplitterVersion,
	// One document per content (issue 17): a document's sources, each
	// fetch's source, and the documents sharing a content merged.
	addSources,
	// The passages' sections as the evidence names them: document's
	// EachBlock now follows the section tree as the annotator does
	// (EachBlockPath), which differs where a tree's starts are out of
	// order; the index is made again from the stored extractions and
	// scores, nothing read or scored again.
	reindex,
	// Uploads waiting for their job (serve --queue, issue 18): the bytes
	// a web server received, kept in the database until a worker on any
	// machine stores them as a document. IF NOT EXISTS: a step must be
	// safe to run again on a database set back by hand.
	execAll(`CREATE TABLE IF NOT EXISTS uploads (
		sha256      TEXT PRIMARY KEY,
		size        INTEGER NOT NULL,
		data        BLOB NOT NULL,
		uploaded_at TEXT NOT NULL
	)`),
}

// addPapers adds the papers table and the count of a score's papers. It
// may run on a database that has either already (a step that shipped
// must be safe to run again on a copy someone mended by hand).
func addPapers(ctx context.Context, tx *txn) error {
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('scores') WHERE name = 'papers'`).Scan(&have); err != nil {
		return fmt.Errorf("reading the scores table: %w", err)
	}
	stmts := []string{
		// One row per paper: its place in the pack, what its cover says,
		// and its scorecard on the criteria its kind calls for. A paper
		// whose scoring failed keeps its row, with the error, so that one
		// bad paper never loses the pack. The rows go with their score:
		// a score dropped (by 'corpus repair') drops its papers.
		`CREATE TABLE IF NOT EXISTS papers (
			sha256        TEXT NOT NULL,
			rules_version TEXT NOT NULL,
			item_index    INTEGER NOT NULL,           -- 0, 1, ... in the pack's order
			number        TEXT NOT NULL,              -- the agenda item ("7i"); '' before the first paper
			title         TEXT NOT NULL,
			presenter     TEXT NOT NULL DEFAULT '',
			purpose       TEXT NOT NULL DEFAULT '',   -- decision, assurance, discussion, information
			kind          TEXT NOT NULL,              -- package pack's kind of paper
			first_page    INTEGER NOT NULL,
			last_page     INTEGER NOT NULL,
			asked         TEXT NOT NULL DEFAULT '',   -- what the board is asked to do
			status        TEXT NOT NULL,              -- scored, unreadable, not triaged, failed
			total         INTEGER NOT NULL DEFAULT 0,
			max           INTEGER NOT NULL DEFAULT 0,
			scorecard     TEXT NOT NULL DEFAULT '',   -- the score JSON; '' when not triaged or failed
			error         TEXT NOT NULL DEFAULT '',   -- why scoring failed
			PRIMARY KEY (sha256, rules_version, item_index),
			FOREIGN KEY (sha256, rules_version) REFERENCES scores(sha256, rules_version) ON DELETE CASCADE
		)`,
	}
	if have == 0 {
		// How many papers the score's content holds: NULL until it is
		// split (scored before papers were stored), 0 when it is not a
		// pack.
		stmts = append(stmts, `ALTER TABLE scores ADD COLUMN papers INTEGER`)
	}
	return execAll(stmts...)(ctx, tx)
}

// addSplitterVersion adds to each score the version of the splitter that
// made its papers: 0 for papers stored before it was recorded, which the
// next 'corpus rescore' splits again. Like addPapers, it may run on a
// database that has the column already.
func addSplitterVersion(ctx context.Context, tx *txn) error {
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('scores') WHERE name = 'splitter_version'`).Scan(&have); err != nil {
		return fmt.Errorf("reading the scores table: %w", err)
	}
	if have > 0 {
		return nil
	}
	return execAll(`ALTER TABLE scores ADD COLUMN splitter_version INTEGER NOT NULL DEFAULT 0`)(ctx, tx)
}

// SchemaVersion is the schema version this code writes.
func SchemaVersion() int { return len(migrations) }

func execAll(stmts ...string) func(context.Context, *txn) error {
	return func(ctx context.Context, tx *txn) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%.60s: %w", q, err)
			}
		}
		return nil
	}
}

// migrate applies the missing steps, each in its own transaction with the
// version bump, then brings the built-in catalogue up to date.
func (s *Store) migrate(ctx context.Context) error {
	for {
		done, err := s.step(ctx)
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	if err := s.migrateQueue(ctx); err != nil {
		return err
	}
	return s.seedCatalogue(ctx)
}

func (s *Store) step(ctx context.Context) (done bool, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		// Read inside the write transaction: a second process migrating at
		// the same time waits here and then sees the new version.
		if s.db.dialect == postgresDialect {
			var err error
			done, err = s.postgresStep(ctx, tx)
			return err
		}
		var v int
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return fmt.Errorf("reading the schema version: %w", err)
		}
		if v > len(migrations) {
			return newerSchema(v)
		}
		if v == len(migrations) {
			done = true
			return nil
		}
		if err := migrations[v](ctx, tx); err != nil {
			return fmt.Errorf("migrating the schema to version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
			return fmt.Errorf("migrating the schema to version %d: %w", v+1, err)
		}
		return nil
	})
	return done, err
}

// newerSchema is the error for a database a newer nhsreview made.
func newerSchema(v int) error {
	return fmt.Errorf("the database has schema version %d, newer than this nhsreview knows (%d): use a newer nhsreview", v, SchemaVersion())
}

// seedCatalogue writes the built-in organisations when the catalogue in
// the binary differs from the one last written, leaving what users added
// alone.
func (s *Store) seedCatalogue(ctx context.Context) error {
	var have string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'catalogue'`).Scan(&have)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("reading the catalogue version: %w", err)
	}
	if have == catalogue.Version {
		return nil
	}
	return s.tx(ctx, func(tx *txn) error {
		for _, o := range catalogue.All() {
			_, err := tx.ExecContext(ctx, `INSERT INTO organisations (code, name, kind, region, region_code, origin)
				VALUES (?, ?, ?, ?, ?, 'catalogue')
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
					region = excluded.region, region_code = excluded.region_code, origin = 'catalogue'`,
				o.Code, o.Name, o.Kind, o.Region, o.RegionCode)
			if err != nil {
				return fmt.Errorf("writing the catalogue: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('catalogue', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, catalogue.Version)
		return err
	})
}

// Package corpus is nhsreview's document store: what was fetched, from
// where and when, every version of every document, what extraction and
// scoring made of each, and the organisations the documents belong to.
//
// It is one SQLite file (modernc.org/sqlite, no cgo), or a database on a
// PostgreSQL server (github.com/jackc/pgx/v5) that several machines
// share; the same Store, queries and tests serve both. A document is a
// source (a URL or a file's absolute path); each distinct content fetched
// from it is a version, its bytes kept once per SHA-256 inside the
// database, so that storing a version, its fetch, extraction and scores is
// one transaction: a process killed at any moment leaves either all of it
// or none, and never a partial file.
package corpus

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is an open corpus database. It is safe for concurrent use, and
// several processes may use one database at the same time (writers wait
// for each other).
type Store struct {
	db database
	// name is how messages name the database: the file's path, or the
	// server's URL without its password; file is the path, "" for a
	// server.
	name, file string
}

// DefaultPath is where the corpus lives when --db is not given: the
// user's data directory ($XDG_DATA_HOME, else ~/.local/share on Unix).
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "nhsreview", "corpus.db"), nil
	}
	home, err := os.UserHomeDir()
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = os.Getenv("LocalAppData")
	case "darwin":
		if err == nil {
			dir = filepath.Join(home, "Library", "Application Support")
		}
	default:
		if err == nil {
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return "", errors.New("no data directory for the corpus (set $XDG_DATA_HOME or use --db)")
	}
	return filepath.Join(dir, "nhsreview", "corpus.db"), nil
}

// Open opens (creating if needed) the corpus that db names and brings its
// schema up to date: a PostgreSQL server's URL (postgres://... or
// postgresql://...), "sqlite:" and a file's path, or a file's path.
func Open(ctx context.Context, db string) (*Store, error) {
	if IsServer(db) {
		return openPostgres(ctx, db)
	}
	return openSQLite(ctx, strings.TrimPrefix(db, "sqlite:"))
}

// IsServer says whether db names a database on a PostgreSQL server
// rather than a file.
func IsServer(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("corpus: no database path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("corpus %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("corpus %s: is a directory", path)
	}
	// WAL lets readers go on while a crawl writes; busy_timeout makes a
	// second process wait for the writer instead of failing; immediate
	// transactions take the write lock up front, so two writers queue
	// rather than deadlock when both upgrade a read.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", path, err)
	}
	s := &Store{db: database{DB: db, dialect: sqliteDialect}, name: path, file: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("corpus %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path names the database in messages: the file's path, or the server's
// URL without its password.
func (s *Store) Path() string { return s.name }

// File is the database file, "" for a database on a server.
func (s *Store) File() string { return s.file }

// Backend names the kind of database: "SQLite" or "PostgreSQL".
func (s *Store) Backend() string { return s.db.dialect.String() }

// now is the time recorded for fetches and versions, in the one text form
// the database sorts and compares (RFC 3339, UTC, whole seconds).
func now() string { return stamp(time.Now()) }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// tx runs fn in one write transaction. Writers take turns, on both
// backends: SQLite's immediate transactions take the file's write lock
// up front, and on PostgreSQL each takes one transaction-level advisory
// lock first (writeLock). What a transaction reads of the store is then
// what the writer before it left, as the code that stores documents
// assumes (a source or a content read, then written, is not written by
// another process between the two); the slow work, reading and scoring,
// is done before, outside the lock, so the turns are short.
func (s *Store) tx(ctx context.Context, fn func(*txn) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &txn{Tx: sqlTx, dialect: s.db.dialect}
	if s.db.dialect == postgresDialect {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, writeLock); err != nil {
			tx.Rollback()
			return fmt.Errorf("waiting for the other writers: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

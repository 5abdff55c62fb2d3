package corpus

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// The job queue (River's tables: river_job, river_queue, ...) lives in
// the corpus's database, so that a job and what it stores share one
// database and one backup, and a worker needs nothing but --db. Its
// tables are River's, made by River's own migrations, which the corpus's
// migration step runs; the job kinds and their workers are outside the
// store (package pipeline/jobs), as storage only stores.

// DB is the database handle, for the job queue (pipeline/jobs), whose
// tables are in the same database. Nothing else should write through it.
func (s *Store) DB() *sql.DB { return s.db.DB }

// migrateQueue brings River's tables up to date, one River version per
// corpus write transaction: on PostgreSQL under the writers' advisory
// lock, on SQLite under the file's write lock, so that processes opening
// a new database at the same time make them once. One version at a time
// because PostgreSQL cannot use an enum value in the transaction that
// added it, as River's version 6 does.
func (s *Store) migrateQueue(ctx context.Context) error {
	// Without a pool the migrator can only use the transaction it is
	// given, so every read and write of a step is under the lock.
	m, err := s.queueMigrator()
	if err != nil {
		return err
	}
	// Counted once without the lock: a current database, every open but
	// the first, takes no write turn. (An error is a database without
	// River's tables yet.)
	var have int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM river_migration WHERE line = 'main'`).Scan(&have); err == nil && have == len(m.AllVersions()) {
		return nil
	}
	for _, want := range m.AllVersions() {
		err := s.tx(ctx, func(tx *txn) error {
			have, err := m.ExistingVersionsTx(ctx, tx.Tx)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(have, func(h rivermigrate.Migration) bool { return h.Version == want.Version }) {
				return nil
			}
			_, err = m.MigrateTx(ctx, tx.Tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: want.Version})
			return err
		})
		if err != nil {
			return fmt.Errorf("migrating the job queue's tables to River's version %d: %w", want.Version, err)
		}
	}
	return nil
}

// queueMigrator is River's migrator for the database's backend, with no
// pool: it works only in the transactions passed to its ...Tx methods.
func (s *Store) queueMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	var driver riverdriver.Driver[*sql.Tx] = riversqlite.New(nil)
	if s.db.dialect == postgresDialect {
		driver = riverdatabasesql.New(nil)
	}
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("migrating the job queue's tables: %w", err)
	}
	return m, nil
}

package corpus

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// dialect is the SQL a store's database speaks. The corpus's queries are
// written once, in the SQL both SQLite and PostgreSQL read, with ?
// placeholders; the few places that differ (the schema and its
// migrations, the full-text index, the checks of the file) ask the
// dialect.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

func (d dialect) String() string {
	if d == postgresDialect {
		return "PostgreSQL"
	}
	return "SQLite"
}

// rebind turns the ? placeholders of q into PostgreSQL's $1, $2, ...,
// leaving those inside quoted strings, quoted names and -- comments
// alone (the schema's comments hold apostrophes).
func (d dialect) rebind(q string) string {
	if d != postgresDialect || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// byteLength is the SQL for the length in bytes of a blob column.
func (d dialect) byteLength(col string) string {
	if d == postgresDialect {
		return "octet_length(" + col + ")"
	}
	return "length(" + col + ")"
}

// textBytes is the SQL for a text column's bytes, compared as stored
// (SQLite may hold a damaged scorecard as a blob, which no text equals).
func (d dialect) textBytes(col string) string {
	if d == postgresDialect {
		return "convert_to(" + col + ", 'UTF8')"
	}
	return "CAST(" + col + " AS BLOB)"
}

// database is the store's *sql.DB, speaking its dialect: every query
// given with ? placeholders is rebound before it reaches the driver.
type database struct {
	*sql.DB
	dialect dialect
}

func (db database) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.DB.ExecContext(ctx, db.dialect.rebind(q), args...)
}

func (db database) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.DB.QueryContext(ctx, db.dialect.rebind(q), args...)
}

func (db database) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.DB.QueryRowContext(ctx, db.dialect.rebind(q), args...)
}

func (db database) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return db.DB.PrepareContext(ctx, db.dialect.rebind(q))
}

func (db database) Exec(q string, args ...any) (sql.Result, error) {
	return db.ExecContext(context.Background(), q, args...)
}

func (db database) Query(q string, args ...any) (*sql.Rows, error) {
	return db.QueryContext(context.Background(), q, args...)
}

func (db database) QueryRow(q string, args ...any) *sql.Row {
	return db.QueryRowContext(context.Background(), q, args...)
}

func (db database) Prepare(q string) (*sql.Stmt, error) {
	return db.PrepareContext(context.Background(), q)
}

// txn is a write transaction of the store, speaking its dialect as
// database does.
type txn struct {
	*sql.Tx
	dialect dialect
}

func (tx *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(ctx, tx.dialect.rebind(q), args...)
}

func (tx *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(ctx, tx.dialect.rebind(q), args...)
}

func (tx *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(ctx, tx.dialect.rebind(q), args...)
}

func (tx *txn) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.Tx.PrepareContext(ctx, tx.dialect.rebind(q))
}

func (tx *txn) Exec(q string, args ...any) (sql.Result, error) {
	return tx.ExecContext(context.Background(), q, args...)
}

func (tx *txn) Query(q string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(context.Background(), q, args...)
}

func (tx *txn) QueryRow(q string, args ...any) *sql.Row {
	return tx.QueryRowContext(context.Background(), q, args...)
}

func (tx *txn) Prepare(q string) (*sql.Stmt, error) {
	return tx.PrepareContext(context.Background(), q)
}

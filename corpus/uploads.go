package corpus

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Uploads are documents a web server received (`serve --queue`) and a job
// is to store: their bytes wait in the database, keyed by SHA-256, so
// that a worker on any machine can reach them, until the job stores them
// as a version (whose content then holds the bytes) and drops the upload.
// They are the queue's, not the corpus's: 'corpus copy' and 'corpus
// check' leave them alone, as they leave River's tables.

// ErrNoUpload is Upload's error for bytes that are neither waiting as an
// upload nor stored as a content.
var ErrNoUpload = errors.New("the uploaded bytes are not in the database (their job ran already, or they were removed)")

// PutUpload keeps data until DropUpload, and runs then with its SHA-256
// (the queue's insert of the job that is to store it) in the same
// transaction, so that the bytes and their job are kept together or not
// at all. The same bytes put twice are kept once. It returns their
// SHA-256.
//
// The transaction does not wait for the writers' turn (see tx): it writes
// only the uploads table, which no document's storing reads.
func (s *Store) PutUpload(ctx context.Context, data []byte, then func(tx *sql.Tx, sha string) error) (string, error) {
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("corpus %s: keeping an upload: %w", s.name, err)
	}
	t := &txn{Tx: tx, dialect: s.db.dialect}
	_, err = t.ExecContext(ctx, `INSERT INTO uploads (sha256, size, data, uploaded_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		sha, len(data), data, now())
	if err != nil {
		tx.Rollback()
		return "", fmt.Errorf("corpus %s: keeping an upload: %w", s.name, err)
	}
	if then != nil {
		if err := then(tx, sha); err != nil {
			tx.Rollback()
			return "", err
		}
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("corpus %s: keeping an upload: %w", s.name, err)
	}
	return sha, nil
}

// Upload returns the bytes whose SHA-256 is sha: the upload's, or, once
// a job has stored them as a document (and dropped the upload), the
// stored content's, so that a job run twice finds them both times.
// ErrNoUpload when there are neither; an error when the bytes read are
// not those of sha.
func (s *Store) Upload(ctx context.Context, sha string) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM uploads WHERE sha256 = ?`, sha).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.QueryRowContext(ctx, `SELECT data FROM contents WHERE sha256 = ?`, sha).Scan(&data)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("corpus %s: upload %.12s: %w", s.name, sha, ErrNoUpload)
	}
	if err != nil {
		return nil, fmt.Errorf("corpus %s: reading upload %.12s: %w", s.name, sha, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
		return nil, fmt.Errorf("corpus %s: upload %.12s: the bytes stored are not those uploaded (damaged)", s.name, sha)
	}
	return data, nil
}

// DropUpload removes the upload of sha, if there is one: its job has
// stored it, or has given up.
func (s *Store) DropUpload(ctx context.Context, sha string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM uploads WHERE sha256 = ?`, sha); err != nil {
		return fmt.Errorf("corpus %s: removing upload %.12s: %w", s.name, sha, err)
	}
	return nil
}

// Uploads counts the uploads waiting for their job.
func (s *Store) Uploads(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM uploads`).Scan(&n); err != nil {
		return 0, fmt.Errorf("corpus %s: counting uploads: %w", s.name, err)
	}
	return n, nil
}

package corpus

import (
	"context"
	"database/sql"
	"errors"
	"testing"
)

// TestUploads: an upload's bytes are kept once however often they are
// put, with what the same transaction did; a failure there keeps
// neither; after a job has stored them as a document and dropped the
// upload, Upload finds them among the stored contents, and nowhere once
// neither holds them. Uploads are not the corpus's: check is silent
// about them and copy leaves them.
func TestUploads(t *testing.T) {
	eachBackend(t, func(t *testing.T, openTemp func(testing.TB) *Store) {
		ctx := context.Background()
		s := openTemp(t)
		data := strategy(1)
		var seen []string
		for range 2 {
			sha, err := s.PutUpload(ctx, data, func(tx *sql.Tx, sha string) error {
				seen = append(seen, sha)
				return nil
			})
			if err != nil || sha != sum(data) {
				t.Fatalf("PutUpload: %q, %v; want %s", sha, err, sum(data))
			}
		}
		if len(seen) != 2 || seen[0] != sum(data) {
			t.Errorf("the transaction's function was given %q", seen)
		}
		if n, err := s.Uploads(ctx); n != 1 || err != nil {
			t.Errorf("%d uploads, %v; want 1", n, err)
		}
		refused := errors.New("the queue refused")
		other := strategy(2)
		if _, err := s.PutUpload(ctx, other, func(*sql.Tx, string) error { return refused }); !errors.Is(err, refused) {
			t.Errorf("PutUpload whose job failed: %v", err)
		}
		if _, err := s.Upload(ctx, sum(other)); !errors.Is(err, ErrNoUpload) {
			t.Errorf("the bytes of a job that was not queued: %v, want ErrNoUpload", err)
		}
		got, err := s.Upload(ctx, sum(data))
		if err != nil || string(got) != string(data) {
			t.Fatalf("Upload: %q, %v", got, err)
		}
		if problems, err := s.Check(ctx, false); err != nil || len(problems) > 0 {
			t.Errorf("check with an upload waiting: %q, %v", problems, err)
		}

		// A job stores the bytes, then drops the upload.
		if _, err := s.Ingest(ctx, newReviewer(t, 1, "r1"), result("/upload/x/plan.md", data), Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := s.DropUpload(ctx, sum(data)); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Uploads(ctx); n != 0 {
			t.Errorf("%d uploads after the drop", n)
		}
		if got, err := s.Upload(ctx, sum(data)); err != nil || string(got) != string(data) {
			t.Errorf("Upload of bytes stored as a document: %q, %v", got, err)
		}
		if err := s.DropUpload(ctx, sum(data)); err != nil {
			t.Errorf("dropping twice: %v", err)
		}
	})
}

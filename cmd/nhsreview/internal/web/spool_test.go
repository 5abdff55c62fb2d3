package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSpoolUpload(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		limit   int64
		wantErr error
		wantNil bool
	}{
		{name: "a file", data: "# Plan\n\nWe will act.", limit: 100},
		{name: "exactly the limit", data: strings.Repeat("x", 10), limit: 10},
		{name: "one byte over", data: strings.Repeat("x", 11), limit: 10, wantErr: errPartTooLarge},
		{name: "no file chosen", data: "", limit: 10, wantNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			u, err := spoolUpload(dir, "plan.md", strings.NewReader(tt.data), tt.limit)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil || tt.wantNil {
				if u != nil {
					t.Errorf("got an upload %+v, want none", u)
				}
				if left := spoolFiles(t, dir); len(left) != 0 {
					t.Errorf("files left on disk: %v", left)
				}
				return
			}
			got, err := u.data()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.data {
				t.Errorf("read back %q, want %q", got, tt.data)
			}
			sum := sha256.Sum256([]byte(tt.data))
			if want := "/upload/" + hex.EncodeToString(sum[:8]) + "/plan.md"; u.source() != want {
				t.Errorf("source %q, want %q", u.source(), want)
			}
			u.remove()
			u.remove() // a second removal is harmless
			if left := spoolFiles(t, dir); len(left) != 0 {
				t.Errorf("files left after remove: %v", left)
			}
		})
	}
}

// A client whose connection breaks mid-file leaves nothing on disk, and
// a read error is the client's (not the disk's).
func TestSpoolUploadBrokenClient(t *testing.T) {
	dir := t.TempDir()
	r := io.MultiReader(strings.NewReader("half a file"), errReader{errors.New("connection reset")})
	u, err := spoolUpload(dir, "plan.md", r, 1<<20)
	if err == nil || errors.Is(err, errSpool) || u != nil {
		t.Fatalf("spoolUpload = %v, %v; want a client error and no upload", u, err)
	}
	if left := spoolFiles(t, dir); len(left) != 0 {
		t.Errorf("files left on disk: %v", left)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestSpoolUploadDiskFailure(t *testing.T) {
	_, err := spoolUpload(filepath.Join(t.TempDir(), "gone"), "plan.md", strings.NewReader("x"), 10)
	if !errors.Is(err, errSpool) {
		t.Fatalf("error %v, want one marked as the disk's (errSpool)", err)
	}
}

func TestRemoveStaleSpool(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	write := func(name string, age time.Duration) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	write(spoolPrefix+"old", 2*staleSpool)
	write(spoolPrefix+"fresh", time.Minute) // another server's upload in flight
	write("corpus.db", 2*staleSpool)        // not ours
	if err := removeStaleSpool(dir, now); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	// os.ReadDir sorts by name
	if want := []string{spoolPrefix + "fresh", "corpus.db"}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("left %v, want %v", names, want)
	}
}

func TestSpoolDir(t *testing.T) {
	for _, tt := range []struct{ configured, corpus, want string }{
		{"/srv/spool", "/data/corpus.db", "/srv/spool"},
		{"", "/data/corpus.db", "/data"},
		{"", ":memory:", os.TempDir()},
		{"", "", os.TempDir()},
	} {
		if got := spoolDir(tt.configured, tt.corpus); got != tt.want {
			t.Errorf("spoolDir(%q, %q) = %q, want %q", tt.configured, tt.corpus, got, tt.want)
		}
	}
}

// An upload scored through the API leaves nothing in the spool
// directory, and a form rejected after its file arrived (two files)
// does not either.
func TestUploadLeavesNoSpool(t *testing.T) {
	spool := t.TempDir()
	_, ts := newTestServer(t, func(c *Config) { c.SpoolDir = spool })
	post := func(body io.Reader, ct string) int {
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/score", body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set(apiHeader, "test")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	body, ct := multipartBody(t, nil, "plan.md", []byte("# Plan\n\nWe will invest £2m a year in outreach for rough sleepers.\n"))
	if st := post(body, ct); st != http.StatusOK {
		t.Fatalf("scoring answered %d", st)
	}
	var two bytes.Buffer
	two.WriteString("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.md\"\r\n\r\n# A\r\n")
	two.WriteString("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.md\"\r\n\r\n# B\r\n--B--\r\n")
	if st := post(&two, "multipart/form-data; boundary=B"); st != http.StatusBadRequest {
		t.Fatalf("two files answered %d, want 400", st)
	}
	if left := spoolFiles(t, spool); len(left) != 0 {
		t.Errorf("spool files left: %v", left)
	}
}

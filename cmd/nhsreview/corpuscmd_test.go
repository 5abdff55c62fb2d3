package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	scriptSetups = append(scriptSetups, siteServer)
}

// siteServer serves a script's site/ folder, when it has one, at $SITE:
// a local stand-in for an NHS publications page, with ETags (a hash of
// each file, so that a file the script changes within the same second is
// still seen as changed) and Last-Modified. Scripts change the site with
// cp and rm between commands.
func siteServer(env *testscript.Env) error {
	dir := filepath.Join(env.WorkDir, "site")
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))); err == nil {
			sum := sha256.Sum256(data)
			w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		}
		files.ServeHTTP(w, r)
	}))
	env.Defer(srv.Close)
	env.Setenv("SITE", srv.URL)
	return nil
}

// TestCorpusCheckFindsDamage: a corpus damaged by another tool fails
// `corpus check` with one line per problem and exit 2.
func TestCorpusCheckFindsDamage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "corpus.db")
	var sources []string
	for i := range 2 {
		p := filepath.Join(dir, fmt.Sprintf("plan-%d.md", i))
		if err := os.WriteFile(p, fmt.Appendf(nil, "# Plan %d\n\nWe will invest £%dm in community nursing.\n", i, i+1), 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, p)
	}
	if _, stderr, code := runCLI(t, append([]string{"corpus", "add", "--db", db}, sources...)...); code != 0 {
		t.Fatalf("corpus add: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := runCLI(t, "corpus", "check", "--db", db)
	if want := "corpus " + db + ": whole: 2 documents, 2 versions, 2 scorecards\n"; code != 0 || stdout != want || stderr != "" {
		t.Fatalf("before the damage: exit %d, %q, %q; want %q", code, stdout, stderr, want)
	}

	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM scores WHERE sha256 = (SELECT min(sha256) FROM scores)`,
		`INSERT INTO documents (source, added_at) VALUES ('https://example.nhs.uk/lost.pdf', '2026-01-01T00:00:00Z')`,
	} {
		if _, err := sqldb.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	sqldb.Close()

	stdout, stderr, code = runCLI(t, "corpus", "check", "--db", db)
	want := "nhsreview: corpus " + db + ": 1 documents without a version\n" +
		"nhsreview: corpus " + db + ": 1 documents without a fetch\n" +
		"nhsreview: corpus " + db + ": 1 versions without a score\n"
	if code != exitFailure || stdout != "" || stderr != want {
		t.Errorf("after the damage: exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, stdout, stderr, want)
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/nhsreview/nhsreview/reports"
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

// The corpus commands' work runs without cobra: add stores a document,
// ls lists it, show writes it, each from options filled in code.
func TestCorpusRunsWithoutCobra(t *testing.T) {
	dir := t.TempDir()
	db := &corpusFlags{db: filepath.Join(dir, "corpus.db")}
	src := filepath.Join(dir, "plan.md")
	if err := os.WriteFile(src, []byte("# Winter Plan\n\nWe will invest £2m in community nursing in 2026/27.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out, errb bytes.Buffer
	add := corpusAddOptions{db: db, read: defaultReadOptions(), meta: metaFlags{kind: "plan"}}
	if code := runCorpusAdd(ctx, add, []string{src}, &out, &errb); code != exitOK || !strings.HasPrefix(out.String(), "new       #1 v1  "+src+"  Winter Plan  ") {
		t.Fatalf("add: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}

	out.Reset()
	ls := corpusLsOptions{db: db, format: formatFlag{name: "json", allowed: reports.ListingFormats}}
	if code := runCorpusLs(ctx, ls, &out, &errb); code != exitOK {
		t.Fatalf("ls: exit %d: %s", code, errb.String())
	}
	var list []reports.ListingEntry
	if err := json.Unmarshal(out.Bytes(), &list); err != nil || len(list) != 1 || list[0].Source != src || list[0].Kind != "plan" {
		t.Errorf("ls: %v %+v", err, list)
	}

	errb.Reset()
	show := corpusShowOptions{db: db, format: formatFlag{name: "text", allowed: reports.DocumentFormats}}
	if code := runCorpusShow(ctx, show, "2", io.Discard, &errb); code != exitFailure || errb.String() != "nhsreview: no document 2\n" {
		t.Errorf("show 2: exit %d, stderr %q", code, errb.String())
	}
}

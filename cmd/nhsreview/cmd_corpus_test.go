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
		"nhsreview: corpus " + db + ": 1 versions without a score\n" +
		"nhsreview: corpus " + db + ": 1 documents whose source is not among their sources\n"
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

// TestCorpusPapersAfterUpgrade: a corpus made before papers were stored
// (no papers table, no count in scores) lists its pack, says its papers
// are not stored yet, and has them after 'corpus rescore', which counts
// the pack as re-scored and reads nothing again.
func TestCorpusPapersAfterUpgrade(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "corpus.db")
	pack := filepath.Join(dir, "pack.md")
	if err := os.WriteFile(pack, []byte(`# Board meeting in public, 4 March 2026

Agenda

**Agenda item:** 2

**Title of report:** Minutes of the last meeting

The minutes were approved.

**Agenda item:** 3

**Title of report:** Population Health Strategy

We will reduce the gap in healthy life expectancy in the most deprived wards, with £2m a year from 2026.
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "corpus", "add", "--db", db, pack); code != 0 {
		t.Fatalf("corpus add: exit %d: %s", code, stderr)
	}
	// Back to the schema before papers, as an older nhsreview left it.
	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE papers`, `ALTER TABLE scores DROP COLUMN papers`, `PRAGMA user_version = 3`} {
		if _, err := sqldb.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	sqldb.Close()

	stdout, stderr, code := runCLI(t, "corpus", "papers", "--db", db, "1")
	if want := "nhsreview: document 1 version 1: its papers are not stored yet (it was scored before papers were): run 'nhsreview corpus rescore'\n"; code != exitFailure || stdout != "" || stderr != want {
		t.Errorf("papers before the rescore: exit %d, %q, %q", code, stdout, stderr)
	}
	stdout, stderr, code = runCLI(t, "corpus", "rescore", "--db", db)
	if code != 0 || !strings.HasPrefix(stdout, "rescore: 0 re-extracted, 1 re-scored, 0 current, 0 failed") || stderr != "" {
		t.Errorf("rescore: exit %d, %q, %q", code, stdout, stderr)
	}
	stdout, stderr, code = runCLI(t, "corpus", "papers", "--db", db, "1")
	if code != 0 || !strings.Contains(stdout, "\n3     Population Health Strategy ") || !strings.HasSuffix(stdout, "\n3 papers\n") {
		t.Errorf("papers after the rescore: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	stdout, _, _ = runCLI(t, "corpus", "ls", "--db", db, "--format", "csv")
	if !strings.HasSuffix(strings.TrimSpace(stdout), ",3") {
		t.Errorf("ls after the rescore:\n%s", stdout)
	}
}

// TestCorpusPackReadsStoredPapers: 'corpus pack' shows the papers stored
// with the pack rather than splitting and scoring it again, and splits the
// stored text when no papers are stored under the current rules; both give
// the same pack.
func TestCorpusPackReadsStoredPapers(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "corpus.db")
	pack := filepath.Join(dir, "pack.md")
	if err := os.WriteFile(pack, []byte("# Board meeting in public, 4 March 2026\n\nAgenda\n\n**Agenda item:** 2\n\n**Title of report:** Minutes of the last meeting\n\nThe minutes were approved.\n\n**Agenda item:** 3\n\n**Title of report:** Population Health Strategy\n\nWe will reduce the gap in healthy life expectancy in the most deprived wards, with £2m a year from 2026.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "corpus", "add", "--db", db, pack); code != 0 {
		t.Fatalf("corpus add: exit %d: %s", code, stderr)
	}
	split, stderr, code := runCLI(t, "corpus", "pack", "--db", db, "--format", "json", "1")
	if code != 0 || !strings.Contains(split, "Population Health Strategy") {
		t.Fatalf("corpus pack: exit %d, %q:\n%s", code, stderr, split)
	}
	exec := func(qs ...string) {
		sqldb, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		defer sqldb.Close()
		for _, q := range qs {
			if _, err := sqldb.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	// With the papers gone the text is split again ...
	exec(`DELETE FROM papers`, `UPDATE scores SET papers = NULL`)
	fresh, stderr, code := runCLI(t, "corpus", "pack", "--db", db, "--format", "json", "1")
	if code != 0 || fresh != split {
		t.Errorf("split from the text: exit %d, %q, differs from the stored pack:\n%s", code, stderr, fresh)
	}
	// ... and once a rescore has stored them again, the stored papers are
	// what is shown (a title changed in the store shows through).
	if _, stderr, code := runCLI(t, "corpus", "rescore", "--db", db); code != 0 {
		t.Fatalf("rescore: exit %d: %s", code, stderr)
	}
	stored, stderr, code := runCLI(t, "corpus", "pack", "--db", db, "--format", "json", "1")
	if code != 0 || stored != split {
		t.Errorf("from the stored papers: exit %d, %q, differs from the first:\n%s", code, stderr, stored)
	}
	exec(`UPDATE papers SET title = 'Population Health Strategy (as stored)' WHERE number = '3'`)
	stored, _, _ = runCLI(t, "corpus", "pack", "--db", db, "--format", "json", "1")
	if !strings.Contains(stored, "Population Health Strategy (as stored)") {
		t.Errorf("corpus pack split the text again instead of reading the stored papers:\n%s", stored)
	}
}

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

// TestCorpusPapersSplitAgain: where an older nhsreview split a stored
// pack, 'corpus papers', 'corpus export --papers', a corpus:ID#ITEM
// source and 'corpus pack' all show the pack as this nhsreview splits it,
// from the stored text, each with one line on stderr that says so and how
// to store them, and store nothing; after 'corpus rescore', they show the
// stored papers and say nothing. 'corpus add' of the same file stores
// them split again.
func TestCorpusPapersSplitAgain(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "corpus.db")
	pack := filepath.Join(dir, "pack.md")
	if err := os.WriteFile(pack, []byte("# Board meeting in public, 4 March 2026\n\nAgenda\n\n**Agenda item:** 2\n\n**Title of report:** Minutes of the last meeting\n\nThe minutes were approved.\n\n**Agenda item:** 3\n\n**Title of report:** Population Health Strategy\n\nWe will reduce the gap in healthy life expectancy in the most deprived wards, with £2m a year from 2026.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "corpus", "add", "--db", db, pack); code != 0 {
		t.Fatalf("corpus add: exit %d: %s", code, stderr)
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
	// As an older nhsreview stored it: its splitter's version, and a
	// title it read otherwise.
	exec(`UPDATE scores SET splitter_version = 1`, `UPDATE papers SET title = 'Population Health (older split)' WHERE number = '3'`)
	const note = "nhsreview: document 1 version 1: its stored papers were split by an older nhsreview: shown split again from the stored text, not stored; run 'nhsreview corpus rescore' to store them\n"
	for _, tc := range []struct {
		args []string
		// want is in stdout; warning is the note's form on stderr
		want, warning string
	}{
		{[]string{"corpus", "papers", "1"}, "\n3     Population Health Strategy ", note},
		{[]string{"corpus", "papers", "--format", "csv", "1"}, ",3,Population Health Strategy,", note},
		{[]string{"corpus", "export", "--papers", "--format", "csv"}, ",3,Population Health Strategy,", note},
		{[]string{"corpus", "pack", "1"}, "Population Health Strategy", note},
		{[]string{"diff", "corpus:1#3", "corpus:1#3"}, "Population Health Strategy", "nhsreview: corpus:1#3: warning: " + strings.TrimPrefix(note, "nhsreview: ")},
	} {
		stdout, stderr, code := runCLI(t, append(tc.args[:len(tc.args):len(tc.args)], "--db", db)...)
		if code != 0 || !strings.Contains(stdout, tc.want) || strings.Contains(stdout, "older split") || !strings.Contains(stderr, tc.warning) ||
			strings.Count(stderr, "\n") != strings.Count(stderr, tc.warning) {
			t.Errorf("%s, stored by an older nhsreview: exit %d, stderr %q, stdout:\n%s", strings.Join(tc.args, " "), code, stderr, stdout)
		}
	}
	// Nothing was stored by reading: the older split is still there.
	sqldb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := sqldb.QueryRow(`SELECT count(*) FROM papers WHERE title = 'Population Health (older split)'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("reading stored papers: %d rows of the older split left, %v; want 1", n, err)
	}
	sqldb.Close()

	if _, stderr, code := runCLI(t, "corpus", "rescore", "--db", db); code != 0 {
		t.Fatalf("rescore: exit %d: %s", code, stderr)
	}
	// Now current: what is stored is shown (a title changed in the store
	// shows through; diff titles a paper by its scorecard), and nothing
	// is said.
	exec(`UPDATE papers SET title = 'Population Health Strategy (as stored)' WHERE number = '3'`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"corpus", "papers", "1"}, "Population Health Strategy (as stored)"},
		{[]string{"corpus", "export", "--papers", "--format", "csv"}, "Population Health Strategy (as stored)"},
		{[]string{"corpus", "pack", "1"}, "Population Health Strategy (as stored)"},
		{[]string{"diff", "corpus:1#3", "corpus:1#3"}, "Population Health Strategy"},
	} {
		args := tc.args
		stdout, stderr, code := runCLI(t, append(args, "--db", db)...)
		if code != 0 || !strings.Contains(stdout, tc.want) || stderr != "" {
			t.Errorf("%s, stored by this nhsreview: exit %d, stderr %q, stdout:\n%s", strings.Join(args, " "), code, stderr, stdout)
		}
	}

	// Adding the file again stores its papers as this nhsreview splits
	// them, and says so.
	exec(`UPDATE scores SET splitter_version = 1`)
	stdout, stderr, code := runCLI(t, "corpus", "add", "--db", db, pack)
	if code != 0 || !strings.HasPrefix(stdout, "unchanged #1 v1 ") || !strings.HasSuffix(stdout, "  3 papers, split again\n") || stderr != "" {
		t.Errorf("corpus add of a pack an older nhsreview split: exit %d, stderr %q, stdout %q", code, stderr, stdout)
	}
	stdout, stderr, code = runCLI(t, "corpus", "papers", "--db", db, "1")
	if code != 0 || !strings.Contains(stdout, "\n3     Population Health Strategy ") || strings.Contains(stdout, "(as stored)") || stderr != "" {
		t.Errorf("papers after the add: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	if stdout, _, _ := runCLI(t, "corpus", "add", "--db", db, pack); strings.Contains(stdout, "split again") {
		t.Errorf("corpus add of a pack this nhsreview split: %q", stdout)
	}
}

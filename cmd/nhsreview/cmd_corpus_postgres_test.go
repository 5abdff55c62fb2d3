package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
)

// TestCorpusOnPostgres: the corpus commands on a PostgreSQL database,
// named by --db or by $DATABASE_URL; a SQLite corpus copied to one lists,
// searches and checks the same; a server that is not there is one line.
func TestCorpusOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	sample := filepath.Join("sample", "sample-strategy.md")
	later := filepath.Join("..", "..", "docs", "examples", "sample-strategy-2026.md")
	file := "sqlite:" + filepath.Join(t.TempDir(), "study.db")

	if out, errs, code := runCLI(t, "corpus", "add", "--db", file, sample, later); code != exitOK {
		t.Fatalf("add to the file: %d %s %s", code, out, errs)
	}
	out, errs, code := runCLI(t, "corpus", "copy", "--from", file, "--to", url)
	if code != exitOK || !strings.Contains(out, "every table's rows and hash equal") || !strings.Contains(out, "documents         2  ") {
		t.Fatalf("copy: %d\n%s%s", code, out, errs)
	}
	for _, args := range [][]string{
		{"corpus", "ls"},
		{"corpus", "search", "--criterion", "costed-plans", "invest*"},
		{"corpus", "show", "2", "--format", "json"},
		{"corpus", "export", "--format", "csv"},
		{"corpus", "papers", "1"},
	} {
		fromFile, errFile, codeFile := runCLI(t, append(args, "--db", file)...)
		fromServer, errServer, codeServer := runCLI(t, append(args, "--db", url)...)
		if codeFile != codeServer || fromFile != fromServer || errFile != errServer {
			t.Errorf("%s: the file's\n%s%s(%d)\nthe server's\n%s%s(%d)", strings.Join(args, " "), fromFile, errFile, codeFile, fromServer, errServer, codeServer)
		}
	}
	if out, errs, code := runCLI(t, "corpus", "check", "--db", url); code != exitOK || !strings.Contains(out, ": whole: 2 documents, 2 versions, 2 scorecards") {
		t.Errorf("check: %d %s %s", code, out, errs)
	}
	// The commands that write: add (a new version of nothing: the sample
	// again is unchanged), rescore, org add.
	if out, errs, code := runCLI(t, "corpus", "add", "--db", url, sample); code != exitOK || !strings.HasPrefix(out, "unchanged #") {
		t.Errorf("add again: %d %s %s", code, out, errs)
	}
	if out, errs, code := runCLI(t, "corpus", "rescore", "--db", url, "--all"); code != exitOK || !strings.Contains(out, "2 re-extracted") {
		t.Errorf("rescore: %d %s %s", code, out, errs)
	}
	if _, errs, code := runCLI(t, "corpus", "org", "add", "--db", url, "RJ1", "A London trust", "--region", "London"); code != exitOK {
		t.Errorf("org add: %d %s", code, errs)
	}

	t.Setenv("DATABASE_URL", url)
	if out, errs, code := runCLI(t, "corpus", "ls"); code != exitOK || strings.Count(out, "Northvale") != 2 {
		t.Errorf("ls with $DATABASE_URL: %d %s %s", code, out, errs)
	}
	if out, _, code := runCLI(t, "config"); code != exitOK || !strings.Contains(out, "$DATABASE_URL") {
		t.Errorf("config with $DATABASE_URL: %s", out)
	}

	_, errs, code = runCLI(t, "corpus", "ls", "--db", "postgres://reader:secret@127.0.0.1:1/corpus?sslmode=disable")
	if code != exitFailure || strings.Count(errs, "\n") != 1 || strings.Contains(errs, "secret") ||
		!strings.HasPrefix(errs, "nhsreview: corpus postgres://reader:xxxxx@127.0.0.1:1/corpus?sslmode=disable: connecting: ") {
		t.Errorf("no server: exit %d, stderr %q", code, errs)
	}
	_, errs, code = runCLI(t, "corpus", "copy", "--from", file, "--to", url)
	if code != exitFailure || !strings.Contains(errs, "holds documents already") {
		t.Errorf("copy into a corpus with documents: exit %d, stderr %q", code, errs)
	}
}

// TestJobsOnPostgres: rescore --queue on a server: --detach queues a job
// per version, queueing again waits for those same jobs (running them in
// this process), and 'jobs' lists them done.
func TestJobsOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	sample := filepath.Join("sample", "sample-strategy.md")
	later := filepath.Join("..", "..", "docs", "examples", "sample-strategy-2026.md")
	if out, errs, code := runCLI(t, "corpus", "add", "--db", url, sample, later); code != exitOK {
		t.Fatalf("add: %d %s %s", code, out, errs)
	}
	if out, errs, code := runCLI(t, "corpus", "rescore", "--db", url, "--all", "--queue", "--detach"); code != exitOK || !strings.HasPrefix(out, "rescore: 2 jobs queued;") {
		t.Fatalf("rescore --queue --detach: %d %s %s", code, out, errs)
	}
	if out, errs, code := runCLI(t, "jobs", "--db", url, "--state", "queued"); code != exitOK || strings.Count(out, " rescore  queued ") != 2 {
		t.Errorf("jobs --state queued: %d\n%s%s", code, out, errs)
	}
	if out, errs, code := runCLI(t, "corpus", "rescore", "--db", url, "--all", "--queue"); code != exitOK || !strings.HasSuffix(out, "rescore: 2 jobs, 2 done, 0 failed\n") || strings.Count(out, "extracted  ") != 2 {
		t.Errorf("rescore --queue: %d\n%s%s", code, out, errs)
	}
	out, errs, code := runCLI(t, "jobs", "--db", url, "--format", "json", "--state", "done")
	if code != exitOK || strings.Count(out, `"state": "done"`) != 2 || strings.Count(out, `"kind": "rescore"`) != 2 {
		t.Errorf("jobs --format json: %d\n%s%s", code, out, errs)
	}
}

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/nhsreview/nhsreview/internal/testkit/pdfgen"
	"github.com/nhsreview/nhsreview/internal/testkit/pgtest"
	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/extract"
)

func TestMain(m *testing.M) {
	extract.Worker()
	// The tests that run commands in this process must not read the
	// configuration of whoever runs them; the scripts' commands (run with
	// testscript's $WORK) have the scripts' own.
	if os.Getenv("WORK") == "" {
		os.Setenv("XDG_CONFIG_HOME", filepath.Join(os.TempDir(), "nhsreview-test-no-config"))
	}
	// The test binary runs as nhsreview itself, signals and all, for the
	// tests that send it signals (TestSignals).
	if os.Getenv("NHSREVIEW_TEST_MAIN") == "1" {
		os.Exit(mainCode())
	}
	os.Exit(testscript.RunMain(stopsPostgres{m}, map[string]func() int{
		"nhsreview": func() int { return run(os.Args[1:], os.Stdout, os.Stderr) },
	}))
}

// stopsPostgres runs the tests, then stops the PostgreSQL cluster they
// started (package pgtest): testscript's RunMain exits the process itself.
type stopsPostgres struct{ m *testing.M }

func (s stopsPostgres) Run() int {
	code := s.m.Run()
	pgtest.Stop()
	return code
}

// TestScripts runs the command-line scenarios in testdata/script. The PDFs
// they read are generated (package pdfgen) into each script's directory.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			for _, f := range pdfgen.All() {
				if err := os.WriteFile(filepath.Join(env.WorkDir, f.Name+".pdf"), f.PDF, 0o644); err != nil {
					return err
				}
			}
			// A page of text drawn as an image, for the OCR scenarios.
			scan, err := pdfgen.ScannedPDF([][]pdfgen.ScanLine{{
				{Text: "Scanned board paper", Size: 18, Bold: true},
				{Text: "The integrated care board will invest £2.5m in 2025/26 in services for people in the most deprived wards, working with the voluntary and community sector."},
			}}, pdfgen.ScanOptions{DPI: 200, Codec: pdfgen.ImageJPEG})
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(env.WorkDir, "scan.pdf"), scan, 0o644); err != nil {
				return err
			}
			if shared := sharedDir(); shared != "" {
				env.Setenv("SHARED", shared)
			}
			for _, setup := range scriptSetups {
				if err := setup(env); err != nil {
					return err
				}
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "shared":
				return sharedDir() != "", nil
			case "tesseract":
				return extract.OCRAvailable() == nil, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":     cmdExits,
			"linecount": cmdLinecount,
		},
	})
}

// scriptSetups are more Setup steps, added by other test files.
var scriptSetups []func(*testscript.Env) error

// exits N CMD ARGS... runs a command and checks its exit code is N.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: exits N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%v", err)
	}
	if (got == want) == neg {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// linecount FILE N checks that a file (stdout, stderr or a path) has N lines.
func cmdLinecount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: linecount file N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	text := ts.ReadFile(args[0])
	got := strings.Count(text, "\n")
	if (got == want) == neg {
		ts.Fatalf("%s has %d lines, want %d:\n%s", args[0], got, want, text)
	}
}

// sharedDir is ../shared next to the repository when it holds the
// corpus, or "".
func sharedDir() string {
	if sharedcorpus.Path("corpus") == "" {
		return ""
	}
	return sharedcorpus.Path()
}

// Command nhsreview reads NHS strategy and board papers and scores how well
// they answer the questions that matter. See README.md and CONTRACT.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/pipeline/extract"
)

// version is the tool's version, printed by --version and recorded in
// score output; release builds set it with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes (CONTRACT.md).
const (
	exitOK      = 0
	exitBelow   = 1 // processed, but a score fell below --fail-under
	exitFailure = 2 // a source could not be processed, or bad usage
)

func main() {
	extract.Worker()
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	extract.StopWorkers()
	os.Exit(code)
}

// exitError carries an exit code up to main without printing anything more
// (the failures were reported as they happened).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintf(stderr, "nhsreview: %v\n", err)
		return exitFailure
	}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "nhsreview",
		Short:         "Read NHS strategy and board papers and score them, with evidence",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	// Profiles of this process (PDF children are separate), for finding hot
	// spots on real runs; hidden because they are for developers.
	var cpuProfile, memProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to this file")
	root.PersistentFlags().StringVar(&memProfile, "memprofile", "", "write a heap profile to this file at exit")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	var stopCPU func()
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.PersistentPostRunE = func(*cobra.Command, []string) error {
		if stopCPU != nil {
			stopCPU()
		}
		if memProfile == "" {
			return nil
		}
		f, err := os.Create(memProfile)
		if err != nil {
			return fmt.Errorf("--memprofile: %w", err)
		}
		defer f.Close()
		return pprof.WriteHeapProfile(f)
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(newExtractCmd(stdout, stderr), newScoreCmd(stdout, stderr), newEvalCmd(stdout, stderr), newRulesCmd(stdout, stderr), newAnnotateCmd(stdout, stderr))
	root.AddCommand(newCompareCmd(stdout, stderr), newDiffCmd(stdout, stderr))
	root.AddCommand(newCorpusCmd(stdout, stderr))
	root.AddCommand(newServeCmd(stdout, stderr))
	return root
}

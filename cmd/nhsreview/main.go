// Command nhsreview reads NHS strategy and board papers and scores how well
// they answer the questions that matter. See README.md and CONTRACT.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

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
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
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
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(newExtractCmd(stdout, stderr), newScoreCmd(stdout, stderr), newEvalCmd(stdout, stderr), newRulesCmd(stdout, stderr), newAnnotateCmd(stdout, stderr))
	return root
}

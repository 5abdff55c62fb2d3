// Command nhsreview reads NHS strategy and board papers and scores how well
// they answer the questions that matter. See README.md and CONTRACT.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync/atomic"
	"syscall"

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

// Exit codes after a signal, as shells report them (128 + the signal).
const (
	exitInterrupt = 130 // SIGINT (Ctrl-C)
	exitTerminate = 143 // SIGTERM
)

func main() {
	extract.Worker()
	tuneGC()
	os.Exit(mainCode())
}

// mainCode runs the command line of the process with signal handling,
// and returns the exit code.
func mainCode() int {
	// SIGINT and SIGTERM cancel every reader and worker through the
	// context: what was complete is printed, no -o file is left, and the
	// exit code says which signal stopped the run.
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value
	go func() {
		s := <-sigs
		got.Store(s)
		interrupted.Store(true)
		cancel()
		signal.Stop(sigs) // a second Ctrl-C kills at once
	}()
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	extract.StopWorkers()
	switch got.Load() {
	case os.Interrupt:
		code = exitInterrupt
	case syscall.SIGTERM:
		code = exitTerminate
	}
	return code
}

// exitError carries an exit code up to main without printing anything more
// (the failures were reported as they happened).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// exitWith is what a command's RunE returns for the exit code of its
// runX: nil for exitOK, otherwise the code, which runContext returns
// without printing anything more.
func exitWith(code int) error {
	if code == exitOK {
		return nil
	}
	return exitError{code}
}

// fail reports an error that ends a command, as one line on stderr, and
// returns the exit code of a failure.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "nhsreview: %v\n", err)
	return exitFailure
}

func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext runs a command line; cancelling ctx stops it (main cancels
// it on SIGINT and SIGTERM).
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	// Standard input is read once a run, by the first source "-".
	err := root.ExecuteContext(withStdin(ctx, os.Stdin))
	var ee exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	default:
		// Usage errors: an unknown command or flag, a wrong number of
		// arguments, a bad reading limit.
		return fail(stderr, err)
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
	var prof profileFlags
	prof.register(root)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(newExtractCmd(stdout, stderr), newScoreCmd(stdout, stderr), newEvalCmd(stdout, stderr), newRulesCmd(stdout, stderr), newAnnotateCmd(stdout, stderr))
	root.AddCommand(newCompareCmd(stdout, stderr), newDiffCmd(stdout, stderr), newPackCmd(stdout, stderr))
	root.AddCommand(newCorpusCmd(stdout, stderr))
	root.AddCommand(newServeCmd(stdout, stderr))
	root.AddCommand(newConfigCmd(stdout, stderr))
	root.AddCommand(newWorkerCmd(stdout, stderr), newJobsCmd(stdout, stderr))
	return root
}

// profileFlags write profiles of this process (PDF children are
// separate), for finding hot spots on real runs; the flags are hidden
// because they are for developers.
type profileFlags struct {
	cpu, mem string
	stopCPU  func()
}

func (p *profileFlags) register(root *cobra.Command) {
	root.PersistentFlags().StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile to this file")
	root.PersistentFlags().StringVar(&p.mem, "memprofile", "", "write a heap profile to this file at exit")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		if err := applyConfig(c); err != nil {
			return err
		}
		return p.start()
	}
	root.PersistentPostRunE = func(*cobra.Command, []string) error { return p.stop() }
}

// start starts the CPU profile of --cpuprofile.
func (p *profileFlags) start() error {
	if p.cpu == "" {
		return nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	p.stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
	return nil
}

// stop ends the CPU profile and writes the heap profile of --memprofile
// (after a command that succeeded: cobra skips it after an error).
func (p *profileFlags) stop() error {
	if p.stopCPU != nil {
		p.stopCPU()
	}
	if p.mem == "" {
		return nil
	}
	f, err := os.Create(p.mem)
	if err != nil {
		return fmt.Errorf("--memprofile: %w", err)
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

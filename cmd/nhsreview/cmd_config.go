package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/cmd/nhsreview/internal/config"
	"github.com/nhsreview/nhsreview/corpus"
)

// formatsAnnotation lists, on a --format flag, the formats the command
// writes, so that a configuration file's format is applied only where it
// is one of them.
const formatsAnnotation = "nhsreview_formats"

// loadConfig reads the configuration files for the working directory.
func loadConfig() (*config.Config, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return config.Load(wd)
}

// applyConfig sets the flags of c that the command line left alone to
// what the configuration files say: flags win over the files.
func applyConfig(c *cobra.Command) error {
	if c.Name() == "config" {
		return nil // it reports the files, and must run when they are bad
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	for _, name := range cfg.Flags() {
		set := cfg.Settings[name]
		f := c.Flags().Lookup(name)
		if f == nil || f.Changed {
			continue
		}
		if formats, ok := f.Annotations[formatsAnnotation]; ok && !slices.Contains(formats, set.Value) {
			continue // a format this command does not write: its own default
		}
		if err := f.Value.Set(set.Value); err != nil {
			return fmt.Errorf("%s: %s: %w", set.From, name, err)
		}
	}
	return nil
}

func newConfigCmd(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the settings in force and where each comes from",
		Long: `Prints the settings the other commands start from, and where each comes
from: the project's .nhsreview.yaml (in the working directory or the nearest
directory above that has one), the user's $XDG_CONFIG_HOME/nhsreview/config.yaml
(else ~/.config/nhsreview/config.yaml), or the default. A flag on the command
line wins over both files. The files are YAML:

  db: corpus.db            # --db (relative to the file's directory)
  rules: rules/            # --rules
  format: json             # --format, where the command writes it
  color: never             # --color
  addr: 127.0.0.1:8080     # serve --addr
  limits:                  # the reading limits' flags
    jobs: 4
    timeout: 30s
    deadline: 2m
    max_bytes: 200MiB
    max_pages: 2000
    max_stream_bytes: 256MiB
    max_depth: 0
    max_memory: 2GiB

An unknown key is an error naming the file and line.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runConfig(stdout, stderr))
		},
	}
}

// runConfig prints each setting, its value and its origin.
func runConfig(stdout, stderr io.Writer) int {
	cfg, err := loadConfig()
	if err != nil {
		return fail(stderr, err)
	}
	ro := defaultReadOptions()
	db, err := corpus.DefaultPath()
	if err != nil {
		db = "(none: " + err.Error() + ")"
	}
	defaults := []struct{ flag, value string }{
		{"db", db}, {"rules", "(built in)"}, {"format", "(each command's own)"}, {"color", "auto"}, {"addr", "127.0.0.1:8080"},
		{"jobs", fmt.Sprint(ro.jobs)}, {"timeout", ro.timeout.String()}, {"deadline", ro.deadline.String()},
		{"max-bytes", ro.maxBytes.String()}, {"max-pages", fmt.Sprint(ro.maxPages)}, {"max-stream-bytes", ro.maxStreamBytes.String()},
		{"max-depth", fmt.Sprint(ro.maxDepth)}, {"max-memory", ro.maxMemory.String()},
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tFROM")
	for _, d := range defaults {
		value, from := d.value, "default"
		if s, ok := cfg.Settings[d.flag]; ok {
			value, from = s.Value, s.From
		}
		fmt.Fprintf(tw, "--%s\t%s\t%s\n", d.flag, value, from)
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, err)
	}
	files := "none"
	if len(cfg.Files) > 0 {
		files = strings.Join(cfg.Files, ", ")
	}
	fmt.Fprintf(stdout, "files read: %s (flags on the command line win over them)\n", files)
	return exitOK
}

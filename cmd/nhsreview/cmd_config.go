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
	"github.com/nhsreview/nhsreview/reports"
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
	if err := checkConfigFormat(c.Root(), cfg); err != nil {
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

// checkConfigFormat refuses a configuration file's format that no
// command writes (a misspelling would otherwise leave every command on
// its own default, silently), naming the file and line.
func checkConfigFormat(root *cobra.Command, cfg *config.Config) error {
	set, ok := cfg.Settings["format"]
	if !ok {
		return nil
	}
	var all []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if f := c.Flags().Lookup("format"); f != nil {
			for _, name := range f.Annotations[formatsAnnotation] {
				if !slices.Contains(all, name) {
					all = append(all, name)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if slices.Contains(all, set.Value) {
		return nil
	}
	slices.Sort(all)
	return fmt.Errorf("%s: format %q is not a format any command writes (%s)", set.From, set.Value, strings.Join(all, ", "))
}

// configOptions are the flags of 'config'.
type configOptions struct {
	format formatFlag
}

func newConfigCmd(stdout, stderr io.Writer) *cobra.Command {
	var opts configOptions
	c := &cobra.Command{
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

An unknown key, or a format no command writes, is an error naming the file
and line. --format json prints the settings as {"settings": [{"setting",
"value", "from"}], "files": [...]}.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runConfig(c.Root(), opts, stdout, stderr))
		},
	}
	opts.format.register(c, reports.FormatText, reports.DocumentFormats, "")
	return c
}

// configSetting is one setting in 'config --format json'.
type configSetting struct {
	Setting string `json:"setting"` // the flag it sets, without "--"
	Value   string `json:"value"`
	// From is "default", or the file and line it was read from.
	From string `json:"from"`
}

// runConfig prints each setting, its value and its origin.
func runConfig(root *cobra.Command, opts configOptions, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	cfg, err := loadConfig()
	if err != nil {
		return fail(stderr, err)
	}
	if err := checkConfigFormat(root, cfg); err != nil {
		return fail(stderr, err)
	}
	ro := defaultReadOptions()
	db, err := corpus.DefaultPath()
	if err != nil {
		db = "(none: " + err.Error() + ")"
	}
	dbFrom := "default"
	if u := os.Getenv(databaseURLEnv); u != "" {
		db, dbFrom = corpus.RedactURL(u), "$"+databaseURLEnv
	}
	defaults := []struct{ flag, value string }{
		{"db", db}, {"rules", "(built in)"}, {"format", "(each command's own)"}, {"color", "auto"}, {"addr", "127.0.0.1:8080"},
		{"jobs", fmt.Sprint(ro.jobs)}, {"timeout", ro.timeout.String()}, {"deadline", ro.deadline.String()},
		{"max-bytes", ro.maxBytes.String()}, {"max-pages", fmt.Sprint(ro.maxPages)}, {"max-stream-bytes", ro.maxStreamBytes.String()},
		{"max-depth", fmt.Sprint(ro.maxDepth)}, {"max-memory", ro.maxMemory.String()},
	}
	settings := make([]configSetting, len(defaults))
	for i, d := range defaults {
		settings[i] = configSetting{d.flag, d.value, "default"}
		if d.flag == "db" {
			settings[i].From = dbFrom
		}
		if s, ok := cfg.Settings[d.flag]; ok {
			settings[i].Value, settings[i].From = s.Value, s.From
			if d.flag == "db" {
				settings[i].Value = corpus.RedactURL(s.Value)
			}
		}
	}
	if format == reports.FormatJSON {
		files := cfg.Files
		if files == nil {
			files = []string{}
		}
		if err := reports.WriteJSON(stdout, struct {
			Settings []configSetting `json:"settings"`
			Files    []string        `json:"files"`
		}{settings, files}); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tFROM")
	for _, s := range settings {
		fmt.Fprintf(tw, "--%s\t%s\t%s\n", s.Setting, s.Value, s.From)
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

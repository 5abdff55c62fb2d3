package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/corpus/catalogue"
	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/pipeline/extract"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// The flags several commands share are defined here, once each: one
// name, one help text and one check wherever they appear, and an error
// about one names the flag to change.

// readOptions are the flags shared by every command that reads sources.
// Every limit has a flag, and the error or warning for a limit hit names
// that flag.
type readOptions struct {
	deadline       time.Duration
	maxBytes       sizeValue
	jobs           int
	timeout        time.Duration
	maxPages       int
	maxStreamBytes sizeValue
	maxDepth       int
	maxMemory      sizeValue
	ocr            string
}

// defaultReadOptions are the limits without flags: the defaults of the
// flags, and what a run without cobra starts from.
func defaultReadOptions() readOptions {
	return readOptions{
		deadline:       extract.DefaultDeadline,
		maxBytes:       fetch.DefaultMaxBytes,
		jobs:           runtime.NumCPU(),
		timeout:        fetch.DefaultTimeout,
		maxPages:       extract.DefaultMaxPages,
		maxStreamBytes: extract.DefaultMaxStreamBytes,
		maxMemory:      extract.DefaultMaxMemory,
		ocr:            string(extract.OCRAuto),
	}
}

func (o *readOptions) register(c *cobra.Command) {
	*o = defaultReadOptions()
	c.Flags().DurationVar(&o.deadline, "deadline", o.deadline, "time allowed to read one document")
	c.Flags().DurationVar(&o.timeout, "timeout", o.timeout, "time allowed to download one URL")
	c.Flags().Var(&o.maxBytes, "max-bytes", "size limit of one document (bytes, or with KiB, MiB, GiB)")
	c.Flags().IntVarP(&o.jobs, "jobs", "j", o.jobs, "documents read at the same time")
	_ = c.Flags().SetAnnotation("jobs", docDefault, []string{"the number of cores"})
	c.Flags().IntVar(&o.maxPages, "max-pages", o.maxPages, "a PDF with more pages is refused")
	c.Flags().Var(&o.maxStreamBytes, "max-stream-bytes", "decompressed size limit of one PDF stream (a larger one is cut, with a warning)")
	c.Flags().IntVar(&o.maxDepth, "max-depth", o.maxDepth, "nesting limit of PDF Form XObjects and HTML and DOCX elements (0: 12 forms, 1000 HTML, 256 DOCX elements)")
	c.Flags().Var(&o.maxMemory, "max-memory", "memory limit of the process reading one PDF, and of each OCR process (Linux)")
	c.Flags().StringVar(&o.ocr, "ocr", o.ocr, "read scanned PDF pages with Tesseract: auto (when a document needs it and Tesseract is installed), never, or always (every page drawn as an image)")
	// The limits are checked before the command runs, whatever it is, so
	// that a bad limit is the one error even when the arguments are bad.
	prev := c.PreRunE
	c.PreRunE = func(c *cobra.Command, args []string) error {
		if err := o.check(); err != nil {
			return err
		}
		if prev != nil {
			return prev(c, args)
		}
		return nil
	}
}

// check refuses limits that would stop every document.
func (o *readOptions) check() error {
	switch {
	case o.deadline <= 0:
		return fmt.Errorf("--deadline %s: must be positive", o.deadline)
	case o.timeout <= 0:
		return fmt.Errorf("--timeout %s: must be positive", o.timeout)
	case o.maxBytes <= 0:
		return fmt.Errorf("--max-bytes %s: must be positive", o.maxBytes.String())
	case o.maxPages <= 0:
		return fmt.Errorf("--max-pages %d: must be positive", o.maxPages)
	case o.maxStreamBytes <= 0:
		return fmt.Errorf("--max-stream-bytes %s: must be positive", o.maxStreamBytes.String())
	case o.maxDepth < 0:
		return fmt.Errorf("--max-depth %d: must be 0 (the defaults) or positive", o.maxDepth)
	case o.maxMemory < 128<<20:
		// Below this the PDF reader fails on the smallest file.
		return fmt.Errorf("--max-memory %s: must be at least 128MiB", o.maxMemory.String())
	}
	mode, err := extract.ParseOCRMode(o.ocr)
	if err != nil {
		return err
	}
	if mode == extract.OCRAlways {
		// Said once, before any source is read, rather than once a PDF.
		if err := extract.OCRAvailable(); err != nil {
			return fmt.Errorf("--ocr always: %w", err)
		}
	}
	return nil
}

// extractLimits are the reading limits of the flags, for the readers.
func (o readOptions) extractLimits() extract.Options {
	return extract.Options{
		Deadline:       o.deadline,
		MaxMemory:      int64(o.maxMemory),
		MaxDepth:       o.maxDepth,
		MaxPages:       o.maxPages,
		MaxStreamBytes: int64(o.maxStreamBytes),
		OCR:            extract.OCRMode(o.ocr),
		OCRJobs:        o.jobs,
	}
}

// fetchLimits are the download limits of the flags, for the fetcher.
func (o readOptions) fetchLimits() fetch.Options {
	return fetch.Options{Timeout: o.timeout, MaxBytes: int64(o.maxBytes), UserAgent: fetch.DefaultUserAgent(version)}
}

// sizeValue is a byte count flag: "1048576", "512KiB", "200MiB", "4GiB"
// (KB, MB and GB are read as powers of 1000, as people write them).
type sizeValue int64

func (s *sizeValue) Set(v string) error {
	n, err := bytesize.Parse(v)
	if err != nil {
		return err
	}
	*s = sizeValue(n)
	return nil
}

func (s *sizeValue) String() string { return bytesize.Flag(int64(*s)) }

func (s *sizeValue) Type() string { return "size" }

// formatFlag is --format (-f): the name given and the formats the
// command writes.
type formatFlag struct {
	name    string
	allowed []reports.Format
}

// register adds --format with its default; note ends the help text.
func (f *formatFlag) register(c *cobra.Command, def reports.Format, allowed []reports.Format, note string) {
	f.allowed = allowed
	c.Flags().StringVarP(&f.name, "format", "f", string(def), "output format: "+reports.FormatList(allowed)+note)
	// A configuration file's format applies to the commands that write
	// it (applyConfig).
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	_ = c.Flags().SetAnnotation("format", formatsAnnotation, names)
}

// parse checks the name as given, for the commands whose formats are
// plain data (text, json, csv).
func (f formatFlag) parse() (reports.Format, error) {
	names := make([]string, len(f.allowed))
	for i, a := range f.allowed {
		if f.name == string(a) {
			return a, nil
		}
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown --format %q: use %s", f.name, strings.Join(names, ", "))
}

// parseReport checks the name as a report's format, in any case and with
// "markdown" for md (reports.ParseFormat).
func (f formatFlag) parseReport() (reports.Format, error) {
	r, err := reports.ParseFormat(f.name, f.allowed)
	if err != nil {
		return "", fmt.Errorf("--format: %w", err)
	}
	return r, nil
}

// textOrJSON are the formats of the commands that print text for people
// or JSON for programs.
var textOrJSON = []reports.Format{reports.FormatText, reports.FormatJSON}

// registerOutput is -o (--output), written by writeOutput or openOutput.
func registerOutput(c *cobra.Command, path *string) {
	c.Flags().StringVarP(path, "output", "o", "", "write to this file (atomically) instead of standard output")
}

// registerRules is --rules, on every command that scores; loadRules
// reads it.
func registerRules(c *cobra.Command, dir *string) {
	c.Flags().StringVar(dir, "rules", "", "read the rule files from this directory instead of the built-in set")
}

// loadRules loads the rule files of --rules, or the built-in set for "".
func loadRules(dir string) (*rules.Set, error) {
	if dir == "" {
		return rules.Default()
	}
	rs, err := rules.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--rules %s: %w", dir, err)
	}
	return rs, nil
}

// reportFlags are the flags of the commands that write a report (score,
// compare, diff, pack, corpus pack): --format, --output, --rules and
// --color.
type reportFlags struct {
	format                   formatFlag
	outPath, rulesDir, color string
}

func (rf *reportFlags) register(c *cobra.Command, formats []reports.Format) {
	rf.format.register(c, reports.FormatText, formats, "")
	registerOutput(c, &rf.outPath)
	registerRules(c, &rf.rulesDir)
	c.Flags().StringVar(&rf.color, "color", "auto", "colour the text format: auto (on a terminal, unless NO_COLOR is set), always or never")
}

// resolve checks --format and --color: the format, and the options of
// the report (colour only on standard output).
func (rf *reportFlags) resolve(stdout io.Writer) (reports.Format, reports.Options, error) {
	f, err := rf.format.parseReport()
	if err != nil {
		return "", reports.Options{}, err
	}
	colored, err := useColor(rf.color, stdout)
	if err != nil {
		return "", reports.Options{}, err
	}
	return f, reports.Options{Color: colored && rf.outPath == ""}, nil
}

// rules loads --rules, or the built-in set.
func (rf *reportFlags) rules() (*rules.Set, error) { return loadRules(rf.rulesDir) }

// corpusFlags name the corpus database: --db, on the corpus commands and
// on those that can read the corpus (compare --corpus, serve).
type corpusFlags struct {
	db string
}

// register adds --db to a flag set; when says when the flag applies
// (", with --corpus"), or is "".
func (cf *corpusFlags) register(fs *pflag.FlagSet, when string) {
	fs.StringVar(&cf.db, "db", "", "the corpus"+when+": a database file, or a PostgreSQL server's postgres://USER@HOST/DB URL (default: $DATABASE_URL, else a file in the user's data directory)")
}

// databaseURLEnv names the corpus when neither --db nor a configuration
// file does: the variable hosting platforms and PostgreSQL tools set.
const databaseURLEnv = "DATABASE_URL"

// target is the corpus --db names: the flag (or a configuration file's
// db), else $DATABASE_URL, else the file in the user's data directory.
func (cf *corpusFlags) target() (string, error) {
	if cf.db != "" {
		return cf.db, nil
	}
	if u := os.Getenv(databaseURLEnv); u != "" {
		return u, nil
	}
	return corpus.DefaultPath()
}

// open opens the corpus --db names (see target).
func (cf *corpusFlags) open(ctx context.Context) (*corpus.Store, error) {
	db, err := cf.target()
	if err != nil {
		return nil, err
	}
	return corpus.Open(ctx, db)
}

// filterFlags pick documents of the corpus: ls, export and compare
// --corpus.
type filterFlags struct {
	org, region, kind, since string
}

// filterFlagNames are the flags of filterFlags, which are for the corpus
// only.
var filterFlagNames = []string{"org", "region", "kind", "since"}

func (ff *filterFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&ff.org, "org", "", "only documents of this organisation (ODS code)")
	c.Flags().StringVar(&ff.region, "region", "", "only documents of organisations in this NHS England region (name or code, e.g. London or Y56)")
	c.Flags().StringVar(&ff.kind, "kind", "", "only documents of this kind: "+strings.Join(corpus.Kinds, ", "))
	c.Flags().StringVar(&ff.since, "since", "", "only versions first seen on or after this date (2006-01-02 or RFC 3339)")
}

func (ff *filterFlags) filter() (corpus.Filter, error) {
	f := corpus.Filter{Org: ff.org, Region: ff.region, Kind: ff.kind}
	if err := corpus.CheckKind(ff.kind); err != nil {
		return f, fmt.Errorf("--kind: %w", err)
	}
	if ff.region != "" {
		if _, _, ok := catalogue.Region(ff.region); !ok {
			return f, fmt.Errorf("--region %q: not an NHS England region (London, South East, South West, East of England, Midlands, North West, North East and Yorkshire)", ff.region)
		}
	}
	if ff.since != "" {
		t, err := corpus.ParseSince(ff.since)
		if err != nil {
			return f, fmt.Errorf("--since %w", err)
		}
		f.Since = t
	}
	return f, nil
}

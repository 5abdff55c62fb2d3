package main

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/reports"
)

// TestSizeFlag: sizes are taken as people write them, and a bad one is a
// usage error naming the flag.
func TestSizeFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"1048576", 1 << 20, false},
		{"512KiB", 512 << 10, false},
		{"200MiB", 200 << 20, false},
		{"4GiB", 4 << 30, false},
		{"4G", 4 << 30, false},
		{"10MB", 10_000_000, false},
		{"10 mib", 10 << 20, false},
		{"100B", 100, false},
		{"-1", 0, true},
		{"12XB", 0, true},
		{"", 0, true},
		{"9999999999GiB", 0, true},
	}
	for _, tt := range tests {
		var v sizeValue
		err := v.Set(tt.in)
		if (err != nil) != tt.err || (!tt.err && int64(v) != tt.want) {
			t.Errorf("Set(%q) = %d, %v; want %d, error %v", tt.in, v, err, tt.want, tt.err)
		}
	}
	for _, n := range []int64{100, 1 << 20, 256 << 20, 4 << 30, 1500} {
		v := sizeValue(n)
		var back sizeValue
		if err := back.Set(v.String()); err != nil || back != v {
			t.Errorf("%d prints as %q, which reads back as %d (%v)", n, v.String(), back, err)
		}
	}
}

// A plain format is taken as given and refused with the formats in the
// order the help lists them; a report's format is taken in any case and
// as "markdown", and refused in reports' words.
func TestFormatFlag(t *testing.T) {
	var f formatFlag
	c := &cobra.Command{}
	f.register(c, reports.FormatCSV, []reports.Format{reports.FormatCSV, reports.FormatJSON}, " (rows)")
	if got, want := c.Flags().Lookup("format").Usage, "output format: csv or json (rows)"; got != want {
		t.Errorf("help %q, want %q", got, want)
	}
	if got, err := f.parse(); got != reports.FormatCSV || err != nil {
		t.Errorf("the default: %q, %v", got, err)
	}
	for _, tt := range []struct {
		name, plain, report string
	}{
		{"json", "", ""},
		{"JSON", `unknown --format "JSON": use csv, json`, ""},
		{"text", `unknown --format "text": use csv, json`, `--format: unknown format "text": use csv or json`},
	} {
		f.name = tt.name
		if _, err := f.parse(); errText(err) != tt.plain {
			t.Errorf("parse %q: %v, want %q", tt.name, err, tt.plain)
		}
		if _, err := f.parseReport(); errText(err) != tt.report {
			t.Errorf("parseReport %q: %v, want %q", tt.name, err, tt.report)
		}
	}
	f = formatFlag{name: "markdown", allowed: reports.ScorecardFormats}
	if got, err := f.parseReport(); got != reports.FormatMarkdown || err != nil {
		t.Errorf("markdown: %q, %v", got, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The flags' defaults are those a run without cobra starts from, and
// they pass their own check.
func TestReadOptionsDefaults(t *testing.T) {
	var o readOptions
	c := &cobra.Command{}
	o.register(c)
	if o != defaultReadOptions() {
		t.Errorf("registered %+v, want the defaults %+v", o, defaultReadOptions())
	}
	if err := o.check(); err != nil {
		t.Error(err)
	}
	o.maxDepth = -1
	if err := o.check(); err == nil || err.Error() != "--max-depth -1: must be 0 (the defaults) or positive" {
		t.Errorf("--max-depth -1: %v", err)
	}
}

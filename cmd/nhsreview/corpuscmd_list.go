package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/corpus/catalogue"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// filterFlags are the filters of ls, export and compare --corpus.
type filterFlags struct {
	org, region, kind, since string
}

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

// currentRules is the version of the built-in rules: listings prefer
// scores made with it.
func currentRules() string {
	rs, err := rules.Default()
	if err != nil {
		return ""
	}
	return rs.Version
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return fmt.Errorf("unknown --format %q: use %s", format, strings.Join(allowed, ", "))
}

func newCorpusLsCmd(cf *corpusFlags, stdout io.Writer) *cobra.Command {
	var ff filterFlags
	var format, outPath string
	var all bool
	c := &cobra.Command{
		Use:   "ls [--org CODE] [--region R] [--kind KIND] [--since DATE] [--format text|json|csv]",
		Short: "List the stored documents (each one's latest version)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json", "csv"); err != nil {
				return err
			}
			f, err := ff.filter()
			if err != nil {
				return err
			}
			f.AllVersions = all
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			list, err := st.List(c.Context(), f, currentRules())
			if err != nil {
				return err
			}
			entries := listingEntries(list)
			return writeOutput(outPath, stdout, func(w io.Writer) error { return reports.WriteListing(w, reports.Format(format), entries) })
		},
	}
	ff.register(c)
	c.Flags().BoolVar(&all, "all-versions", false, "list every version, not only the latest")
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json or csv")
	c.Flags().StringVarP(&outPath, "output", "o", "", "write to this file (atomically) instead of standard output")
	return c
}

func newCorpusShowCmd(cf *corpusFlags, stdout io.Writer) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "show ID",
		Short: "Show a document: its versions, fetches and latest scores (ID, or a SHA-256 prefix)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			d, err := st.Show(c.Context(), args[0], currentRules())
			if err != nil {
				return err
			}
			return reports.WriteDocument(stdout, reports.Format(format), documentDetail(d))
		},
	}
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return c
}

func newCorpusExportCmd(cf *corpusFlags, stdout io.Writer) *cobra.Command {
	var ff filterFlags
	var format, outPath string
	c := &cobra.Command{
		Use:   "export --format csv|json [-o FILE] [--org CODE] [--region R] [--kind KIND] [--since DATE]",
		Short: "Write every stored score: one row per document version and criterion",
		Long: `Writes the stored scores, one row per document version and criterion, with
the document's source, organisation, region, kind, title, when the version
was first seen and when the document was last fetched, and the rules the
score was made with (the current rules where a version has several). CSV
for spreadsheets, JSON (an array of the same rows) for scripts.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "csv", "json"); err != nil {
				return err
			}
			f, err := ff.filter()
			if err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			rows, err := st.Export(c.Context(), f, currentRules())
			if err != nil {
				return err
			}
			scores := scoreRows(rows)
			return writeOutput(outPath, stdout, func(w io.Writer) error { return reports.WriteScoreRows(w, reports.Format(format), scores) })
		},
	}
	ff.register(c)
	c.Flags().StringVarP(&format, "format", "f", "csv", "output format: csv or json")
	c.Flags().StringVarP(&outPath, "output", "o", "", "write to this file (atomically) instead of standard output")
	return c
}

func newCorpusOrgCmd(cf *corpusFlags, stdout io.Writer) *cobra.Command {
	c := &cobra.Command{
		Use:   "org",
		Short: "List the organisations documents are filed under, or add one",
	}
	var format string
	ls := &cobra.Command{
		Use:   "ls [--format text|json]",
		Short: "List the organisations: the 42 Integrated Care Boards and those added",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			orgs, err := st.Organisations(c.Context())
			if err != nil {
				return err
			}
			return reports.WriteOrganisations(stdout, reports.Format(format), organisations(orgs))
		},
	}
	ls.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	var region, kind string
	add := &cobra.Command{
		Use:   "add CODE NAME [--region R] [--kind KIND]",
		Short: "Add an organisation (an NHS trust, a council, a merged board) by its ODS code",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			o := corpus.Organisation{Code: args[0], Name: args[1], Kind: kind}
			if region != "" {
				var ok bool
				if o.Region, o.RegionCode, ok = catalogue.Region(region); !ok {
					return fmt.Errorf("--region %q: not an NHS England region", region)
				}
			}
			st, err := cf.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.AddOrganisation(c.Context(), o); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "added %s %s\n", strings.ToUpper(o.Code), o.Name)
			return nil
		},
	}
	add.Flags().StringVar(&region, "region", "", "its NHS England region (name or code)")
	add.Flags().StringVar(&kind, "kind", "other", "what it is (trust, council, icb, other)")
	c.AddCommand(ls, add)
	return c
}

// The listings' rows are the store's rows under reports' names: the
// structs have the same fields, so each converts to the other, and a
// field added to the store fails to compile here until reports has it.

func listingEntries(es []corpus.Entry) []reports.ListingEntry {
	if es == nil {
		return nil // a listing's JSON is [] either way; a document's history stays null
	}
	out := make([]reports.ListingEntry, len(es))
	for i, e := range es {
		out[i] = reports.ListingEntry(e)
	}
	return out
}

func documentDetail(d *corpus.Detail) *reports.DocumentDetail {
	var fetches []reports.FetchRecord
	if d.Fetches != nil {
		fetches = make([]reports.FetchRecord, len(d.Fetches))
		for i, f := range d.Fetches {
			fetches[i] = reports.FetchRecord(f)
		}
	}
	return &reports.DocumentDetail{
		ListingEntry: reports.ListingEntry(d.Entry),
		History:      listingEntries(d.History),
		Fetches:      fetches,
		Card:         d.Card,
	}
}

func scoreRows(rows []corpus.ExportRow) []reports.ScoreRow {
	if rows == nil {
		return nil
	}
	out := make([]reports.ScoreRow, len(rows))
	for i, r := range rows {
		out[i] = reports.ScoreRow(r)
	}
	return out
}

func organisations(orgs []corpus.Organisation) []reports.Organisation {
	if orgs == nil {
		return nil // no organisation is JSON null, as the store's rows were
	}
	out := make([]reports.Organisation, len(orgs))
	for i, o := range orgs {
		out[i] = reports.Organisation(o)
	}
	return out
}

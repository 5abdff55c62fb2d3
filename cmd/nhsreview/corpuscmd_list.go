package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/corpus/catalogue"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
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
			return writeOutput(outPath, stdout, func(w io.Writer) error { return writeList(w, format, list) })
		},
	}
	ff.register(c)
	c.Flags().BoolVar(&all, "all-versions", false, "list every version, not only the latest")
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json or csv")
	c.Flags().StringVarP(&outPath, "output", "o", "", "write to this file (atomically) instead of standard output")
	return c
}

func day(stamp string) string {
	if len(stamp) >= 10 {
		return stamp[:10]
	}
	return stamp
}

func writeList(w io.Writer, format string, list []corpus.Entry) error {
	switch format {
	case "json":
		if list == nil {
			list = []corpus.Entry{}
		}
		return reports.WriteJSON(w, list)
	case "csv":
		var rows [][]string
		for _, e := range list {
			rows = append(rows, []string{strconv.FormatInt(e.ID, 10), strconv.Itoa(e.Version), strconv.Itoa(e.Versions), reports.Cell(e.Source), reports.Cell(e.Org), reports.Cell(e.OrgName),
				reports.Cell(e.Region), e.Kind, reports.Cell(e.Title), e.Format, strconv.Itoa(e.Pages), e.FirstSeen, e.LastFetched, e.SHA256,
				strconv.FormatInt(e.Size, 10), strconv.Itoa(e.Total), e.RulesVersion, strconv.Itoa(e.ExtractorVersion)})
		}
		return reports.WriteCSV(w, []string{"id", "version", "versions", "source", "org", "org_name", "region", "kind", "title", "format", "pages", "first_seen", "last_fetched", "sha256", "size", "total", "rules_version", "extractor_version"}, rows)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tV\tORG\tKIND\tFIRST SEEN\tSCORE\tTITLE\tSOURCE")
	for _, e := range list {
		title := e.Title
		if r := []rune(title); len(r) > 50 {
			title = string(r[:49]) + "…"
		}
		fmt.Fprintf(tw, "%d\t%d/%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Version, e.Versions, dash(e.Org), dash(e.Kind),
			day(e.FirstSeen), e.TotalText(), dash(oneLine(title)), e.Source)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d document%s\n", len(list), map[bool]string{true: "", false: "s"}[len(list) == 1])
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
			if format == "json" {
				return reports.WriteJSON(stdout, d)
			}
			return writeDetail(stdout, d)
		},
	}
	c.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return c
}

func writeDetail(w io.Writer, d *corpus.Detail) error {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s\n", d.ID, dash(oneLine(d.Title)))
	fmt.Fprintf(&b, "source        %s\n", d.Source)
	if d.Org != "" {
		fmt.Fprintf(&b, "organisation  %s %s (%s)\n", d.Org, d.OrgName, d.Region)
	}
	fmt.Fprintf(&b, "kind          %s\n", dash(d.Kind))
	fmt.Fprintf(&b, "\nversions\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, v := range d.History {
		pages := fmt.Sprintf("%d page", v.Pages)
		if v.Pages != 1 {
			pages += "s"
		}
		fmt.Fprintf(tw, "  v%d\t%s\t%.12s\t%s\t%s, %s\tscore %s\trules %.12s\textractor %d\n", v.Version, v.FirstSeen, v.SHA256,
			fetch.FormatSize(v.Size), v.Format, pages, v.TotalText(), dash(v.RulesVersion), v.ExtractorVersion)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nfetches\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, f := range d.Fetches {
		status := "file"
		if f.Status != 0 {
			status = strconv.Itoa(f.Status)
		}
		extra := ""
		if f.ETag != "" {
			extra += " etag " + f.ETag
		}
		if f.LastModified != "" {
			extra += " last-modified " + f.LastModified
		}
		fmt.Fprintf(tw, "  %s\t%s\tv%d\t%s\t%s\n", f.FetchedAt, status, f.Version, f.Outcome, strings.TrimSpace(dash(f.URL)+extra))
	}
	tw.Flush()
	if d.Card != nil {
		fmt.Fprintf(&b, "\nscores of v%d (rules %.12s)\n", d.Version, d.RulesVersion)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, c := range d.Card.Criteria {
			fmt.Fprintf(tw, "  %s\t%d/%d\t%s\n", c.Name, c.Score, c.Max, oneLine(c.Summary))
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
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
			return writeOutput(outPath, stdout, func(w io.Writer) error { return writeExport(w, format, rows) })
		},
	}
	ff.register(c)
	c.Flags().StringVarP(&format, "format", "f", "csv", "output format: csv or json")
	c.Flags().StringVarP(&outPath, "output", "o", "", "write to this file (atomically) instead of standard output")
	return c
}

func writeExport(w io.Writer, format string, rows []corpus.ExportRow) error {
	if format == "json" {
		return reports.WriteJSON(w, rows)
	}
	var out [][]string
	for _, r := range rows {
		out = append(out, []string{strconv.FormatInt(r.DocumentID, 10), strconv.Itoa(r.Version), reports.Cell(r.Source), reports.Cell(r.Org),
			reports.Cell(r.OrgName), reports.Cell(r.Region), r.Kind, reports.Cell(r.Title), r.SHA256, r.FirstSeen, r.LastFetched,
			r.RulesVersion, r.Criterion, strconv.Itoa(r.Score), strconv.Itoa(r.Max), strconv.Itoa(r.Evidence), strconv.Itoa(r.RedFlags)})
	}
	return reports.WriteCSV(w, []string{"document_id", "version", "source", "org", "org_name", "region", "kind", "title", "sha256", "first_seen", "last_fetched", "rules_version", "criterion", "score", "max", "evidence", "red_flags"}, out)
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
			if format == "json" {
				return reports.WriteJSON(stdout, orgs)
			}
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tREGION\tKIND\tDOCS\tNAME")
			for _, o := range orgs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", o.Code, dash(o.Region), o.Kind, o.Documents, o.Name)
			}
			return tw.Flush()
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

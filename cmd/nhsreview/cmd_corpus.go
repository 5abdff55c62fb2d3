package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// newCorpusCmd is 'corpus', whose subcommands each have their file
// (cmd_corpus_*.go); --db is theirs, defined here once.
func newCorpusCmd(stdout, stderr io.Writer) *cobra.Command {
	cf := &corpusFlags{}
	c := &cobra.Command{
		Use:   "corpus",
		Short: "Keep documents, their versions and scores in a database; crawl publications pages",
		Long: `The corpus is a database of documents: every version of each (the same URL
with new bytes is a new version; the same bytes under several names are one
document with several sources), where and when it was fetched, what
extraction and scoring made of it, and the organisation it belongs to (the 42
Integrated Care Boards are built in). Reports are made from stored scores,
without scoring again.

The database is --db: a file, or a database on a PostgreSQL server that
several machines share (postgres://USER@HOST/DB); by default $DATABASE_URL,
else corpus.db in the user's data directory ($XDG_DATA_HOME/nhsreview, else
~/.local/share/nhsreview).`,
	}
	cf.register(c.PersistentFlags(), "")
	c.AddCommand(
		newCorpusAddCmd(cf, stdout, stderr),
		newCorpusCrawlCmd(cf, stdout, stderr),
		newCorpusLsCmd(cf, stdout, stderr),
		newCorpusSearchCmd(cf, stdout, stderr),
		newCorpusShowCmd(cf, stdout, stderr),
		newCorpusPackCmd(cf, stdout, stderr),
		newCorpusPapersCmd(cf, stdout, stderr),
		newCorpusRescoreCmd(cf, stdout, stderr),
		newCorpusExportCmd(cf, stdout, stderr),
		newCorpusOrgCmd(cf, stdout, stderr),
		newCorpusCheckCmd(cf, stdout, stderr),
		newCorpusRepairCmd(cf, stdout, stderr),
		newCorpusCopyCmd(cf, stdout, stderr),
	)
	return c
}

// metaFlags are --org and --kind of the commands that store documents
// (add, crawl): what the documents are filed under.
type metaFlags struct {
	org, kind string
}

func (m *metaFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&m.org, "org", "", "file the documents under this organisation (ODS code, e.g. QWO; see 'corpus org ls')")
	c.Flags().StringVar(&m.kind, "kind", "", "file the documents as this kind: "+strings.Join(corpus.Kinds, ", "))
}

func (m *metaFlags) meta() (corpus.Meta, error) {
	if err := corpus.CheckKind(m.kind); err != nil {
		return corpus.Meta{}, fmt.Errorf("--kind: %w", err)
	}
	return corpus.Meta{Org: m.org, Kind: m.kind}, nil
}

// outcomeLine is the stdout line for one stored document.
func outcomeLine(src string, o *corpus.Outcome) string {
	total := ""
	switch {
	case o.Card != nil && !o.Card.Scored():
		total = "  not scored (" + o.Card.Status + "): " + textclean.OneLine(o.Card.Reason)
	case o.Card != nil:
		n, outOf := o.Card.Total()
		total = fmt.Sprintf("  %d/%d", n, outOf)
	}
	switch {
	case o.PaperCount > 0 && o.SplitAgain:
		total += fmt.Sprintf("  %d papers, split again", o.PaperCount)
	case o.PaperCount > 0:
		total += fmt.Sprintf("  %d papers", o.PaperCount)
	}
	title := o.Title
	if title == "" {
		title = "(no title)"
	}
	return fmt.Sprintf("%-9s #%d v%d  %s  %s%s", o.Status, o.DocumentID, o.Seq, src, textclean.OneLine(title), total)
}

// paperWarnings writes a stderr line for each paper of a stored pack
// that could not be scored (it is stored without a score), or one when
// the papers could not be made at all (the pack's score is stored).
func paperWarnings(w io.Writer, src string, o *corpus.Outcome) {
	for _, line := range corpus.PaperWarnings(o.Papers, o.PapersErr) {
		fmt.Fprintf(w, "nhsreview: %s: warning: %s\n", src, textclean.OneLine(line))
	}
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

// currentReviewer reads and scores with the built-in rules and the
// default limits: listings that show a stored pack's papers split them
// again with it where an older nhsreview split them
// (corpus.CurrentPapers).
func currentReviewer() (*pipeline.Reviewer, error) {
	rs, err := rules.Default()
	if err != nil {
		return nil, fmt.Errorf("the built-in rules: %w", err)
	}
	return newReviewer(defaultReadOptions(), rs), nil
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
	var sources []reports.SourceRecord
	for _, s := range d.Sources {
		sources = append(sources, reports.SourceRecord(s))
	}
	return &reports.DocumentDetail{
		ListingEntry: reports.ListingEntry(d.Entry),
		History:      listingEntries(d.History),
		Fetches:      fetches,
		Sources:      sources,
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

package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// The corpus listings: what 'corpus ls', 'corpus show', 'corpus export' and
// 'corpus org ls' print. Their inputs are the store's rows with the same
// fields, in the same order and with the same JSON names as package
// corpus's (Entry, Fetch, Detail, ExportRow, Organisation), so that the
// command converts one into the other and the JSON is what the store
// holds; a field added to the store's rows fails to compile in that
// conversion until it is added here too. This package does not import the
// corpus: renderers only read what they are given.

// Formats of the corpus listings, in the order help texts list them.
var (
	ListingFormats      = []Format{FormatText, FormatJSON, FormatCSV}
	DocumentFormats     = []Format{FormatText, FormatJSON}
	ScoreRowFormats     = []Format{FormatCSV, FormatJSON, FormatJSONL}
	OrganisationFormats = []Format{FormatText, FormatJSON}
)

// ListingEntry is one document version in a listing (corpus.Entry).
type ListingEntry struct {
	ID        int64  `json:"id"`
	Source    string `json:"source"`
	Org       string `json:"org"`
	OrgName   string `json:"org_name"`
	Region    string `json:"region"`
	Kind      string `json:"kind"`
	Version   int    `json:"version"`  // number of this version
	Versions  int    `json:"versions"` // how many the document has
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	FirstSeen string `json:"first_seen"`
	// LastFetched is the last time the document was fetched, whatever
	// it brought.
	LastFetched      string `json:"last_fetched"`
	Title            string `json:"title"`
	Format           string `json:"format"`
	Pages            int    `json:"pages"`
	ExtractorVersion int    `json:"extractor_version"`
	// Total is the sum of the criterion scores of the latest score, -1
	// when the version has none, and Max the most it could be;
	// RulesVersion is the rule set of that score.
	Total        int    `json:"total"`
	Max          int    `json:"max"`
	RulesVersion string `json:"rules_version"`
	// Status is that score's status: "scored", "unreadable" (too little
	// text to judge: Total means nothing), or "" when there is no score.
	Status string `json:"status"`
	// Papers is how many papers of a board pack are stored with that
	// score: 0 for a document that is not a pack, or for one scored
	// before papers were stored.
	Papers int `json:"papers"`
}

// PapersText is the count of papers as listings print it: "4", or "-"
// for a document that is not a pack.
func (e ListingEntry) PapersText() string {
	if e.Papers == 0 {
		return "-"
	}
	return strconv.Itoa(e.Papers)
}

// TotalText is the total as listings print it: "9/15", "unreadable", or
// "-" when the version has no score.
func (e ListingEntry) TotalText() string {
	switch {
	case e.Total < 0 || e.Status == "":
		return "-"
	case e.Status != rules.StatusScored:
		return e.Status
	}
	return fmt.Sprintf("%d/%d", e.Total, e.Max)
}

// FetchRecord is one fetch of a document (corpus.Fetch).
type FetchRecord struct {
	Version      int    `json:"version"`
	URL          string `json:"url"`
	FetchedAt    string `json:"fetched_at"`
	Status       int    `json:"status"`
	ETag         string `json:"etag"`
	LastModified string `json:"last_modified"`
	ContentType  string `json:"content_type"`
	Outcome      string `json:"outcome"`
	// Source is the name the fetch was made under.
	Source string `json:"source"`
}

// SourceRecord is one name a stored document was stored under
// (corpus.SourceRecord).
type SourceRecord struct {
	Source      string `json:"source"`
	AddedAt     string `json:"added_at"`
	Fetches     int    `json:"fetches"`
	LastFetched string `json:"last_fetched"`
	Version     int    `json:"version"`
}

// DocumentDetail is everything stored about one document (corpus.Detail):
// its latest version, every version, every fetch and the latest scores.
type DocumentDetail struct {
	ListingEntry
	// History is every version, oldest first.
	History []ListingEntry `json:"history"`
	Fetches []FetchRecord  `json:"fetches"`
	// Sources are the names the document was stored under, its first
	// source first (the same bytes under several names are one
	// document).
	Sources []SourceRecord `json:"sources"`
	// Card is the latest version's scorecard (nil if it has none).
	Card *rules.Scorecard `json:"scorecard,omitempty"`
}

// ScoreRow is one criterion score of one document version
// (corpus.ExportRow).
type ScoreRow struct {
	DocumentID   int64  `json:"document_id"`
	Version      int    `json:"version"`
	Source       string `json:"source"`
	Org          string `json:"org"`
	OrgName      string `json:"org_name"`
	Region       string `json:"region"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	SHA256       string `json:"sha256"`
	FirstSeen    string `json:"first_seen"`
	LastFetched  string `json:"last_fetched"`
	RulesVersion string `json:"rules_version"`
	Criterion    string `json:"criterion"`
	Score        int    `json:"score"`
	Max          int    `json:"max"`
	Evidence     int    `json:"evidence"`
	RedFlags     int    `json:"red_flags"`
}

// Organisation is one organisation documents are filed under
// (corpus.Organisation).
type Organisation struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Region     string `json:"region"`
	RegionCode string `json:"region_code"`
	Origin     string `json:"origin"` // catalogue or user
	Documents  int    `json:"documents"`
}

// listingCSVHeader is the column order of the listing's CSV. New columns
// are only ever added at the end (papers: issue 15).
var listingCSVHeader = []string{"id", "version", "versions", "source", "org", "org_name", "region", "kind", "title", "format", "pages", "first_seen", "last_fetched", "sha256", "size", "total", "rules_version", "extractor_version", "papers"}

// scoreRowCSVHeader is the column order of the export's CSV.
var scoreRowCSVHeader = []string{"document_id", "version", "source", "org", "org_name", "region", "kind", "title", "sha256", "first_seen", "last_fetched", "rules_version", "criterion", "score", "max", "evidence", "red_flags"}

// WriteListing writes document versions: a table with a count of
// documents at the end (text), an array (json; [] for none) or one row
// each (csv).
func WriteListing(w io.Writer, f Format, list []ListingEntry) error {
	switch f {
	case FormatJSON:
		if list == nil {
			list = []ListingEntry{}
		}
		return WriteJSON(w, list)
	case FormatCSV:
		return writeCSV(w, listingCSVHeader, listingRows(list))
	case FormatText:
		return listingText(w, list)
	}
	return fmt.Errorf("a listing cannot be written as %q", f)
}

func listingRows(list []ListingEntry) [][]string {
	var rows [][]string
	for _, e := range list {
		rows = append(rows, []string{strconv.FormatInt(e.ID, 10), strconv.Itoa(e.Version), strconv.Itoa(e.Versions), csvCell(e.Source), csvCell(e.Org), csvCell(e.OrgName),
			csvCell(e.Region), e.Kind, csvCell(e.Title), e.Format, strconv.Itoa(e.Pages), e.FirstSeen, e.LastFetched, e.SHA256,
			strconv.FormatInt(e.Size, 10), strconv.Itoa(e.Total), e.RulesVersion, strconv.Itoa(e.ExtractorVersion), strconv.Itoa(e.Papers)})
	}
	return rows
}

// listingTitleRunes is where a title is cut in the text table, which
// would otherwise be as wide as the longest title.
const listingTitleRunes = 50

// listingText writes the table. PAPERS, the count of a board pack's
// stored papers, is the last column so that the columns before it stay
// where scripts and readers found them before packs were stored.
func listingText(w io.Writer, list []ListingEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tV\tORG\tKIND\tFIRST SEEN\tSCORE\tTITLE\tSOURCE\tPAPERS")
	for _, e := range list {
		title := e.Title
		if r := []rune(title); len(r) > listingTitleRunes {
			title = string(r[:listingTitleRunes-1]) + "…"
		}
		fmt.Fprintf(tw, "%d\t%d/%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, e.Version, e.Versions, orHyphen(e.Org), orHyphen(e.Kind),
			day(e.FirstSeen), e.TotalText(), orHyphen(textclean.OneLine(title)), e.Source, e.PapersText())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, textclean.Plural(len(list), "document"))
	return err
}

// WriteDocument writes one document: its source, organisation and kind,
// a table of versions, a table of fetches and the latest version's
// scores (text), or the whole detail (json).
func WriteDocument(w io.Writer, f Format, d *DocumentDetail) error {
	switch f {
	case FormatJSON:
		return WriteJSON(w, d)
	case FormatText:
		return documentText(w, d)
	}
	return fmt.Errorf("a document cannot be written as %q", f)
}

func documentText(w io.Writer, d *DocumentDetail) error {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s\n", d.ID, orHyphen(textclean.OneLine(d.Title)))
	fmt.Fprintf(&b, "source        %s\n", d.Source)
	if d.Org != "" {
		fmt.Fprintf(&b, "organisation  %s %s (%s)\n", d.Org, d.OrgName, d.Region)
	}
	fmt.Fprintf(&b, "kind          %s\n", orHyphen(d.Kind))
	if d.Papers > 0 {
		fmt.Fprintf(&b, "papers        %d (nhsreview corpus papers %d)\n", d.Papers, d.ID)
	}
	fmt.Fprintf(&b, "\nversions\n")
	versionsTable(&b, d.History)
	if len(d.Sources) > 1 {
		// One source is the source line above; several are listed, and
		// each fetch names its own.
		fmt.Fprintf(&b, "\nsources\n")
		sourcesTable(&b, d.Sources)
	}
	fmt.Fprintf(&b, "\nfetches\n")
	fetchesTable(&b, d.Fetches, len(d.Sources) > 1)
	if d.Card != nil {
		fmt.Fprintf(&b, "\nscores of v%d (rules %.12s)\n", d.Version, d.RulesVersion)
		scoresTable(&b, d.Card)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// The tables of a document are written into a strings.Builder, which
// never fails, so their Flush errors are nil.

func versionsTable(b *strings.Builder, history []ListingEntry) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, v := range history {
		fmt.Fprintf(tw, "  v%d\t%s\t%.12s\t%s\t%s, %s\tscore %s\trules %.12s\textractor %d\n", v.Version, v.FirstSeen, v.SHA256,
			bytesize.Human(v.Size), v.Format, textclean.Plural(v.Pages, "page"), v.TotalText(), orHyphen(v.RulesVersion), v.ExtractorVersion)
	}
	tw.Flush()
}

func sourcesTable(b *strings.Builder, sources []SourceRecord) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, s := range sources {
		fetches := "1 fetch"
		if s.Fetches != 1 {
			fetches = strconv.Itoa(s.Fetches) + " fetches"
		}
		fmt.Fprintf(tw, "  %s\tadded %s\t%s, the last %s\tholds v%d\n", s.Source, s.AddedAt, fetches, orHyphen(s.LastFetched), s.Version)
	}
	tw.Flush()
}

// fetchesTable lists the fetches; with named, a file's fetch (which has
// no URL) names its source.
func fetchesTable(b *strings.Builder, fetches []FetchRecord, named bool) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, f := range fetches {
		status := "file" // a file has no HTTP status
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
		where := f.URL
		if where == "" && named {
			where = f.Source
		}
		fmt.Fprintf(tw, "  %s\t%s\tv%d\t%s\t%s\n", f.FetchedAt, status, f.Version, f.Outcome, strings.TrimSpace(orHyphen(where)+extra))
	}
	tw.Flush()
}

func scoresTable(b *strings.Builder, card *rules.Scorecard) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, c := range card.Criteria {
		fmt.Fprintf(tw, "  %s\t%d/%d\t%s\n", c.Name, c.Score, c.Max, textclean.OneLine(c.Summary))
	}
	tw.Flush()
}

// WriteScoreRows writes the export: one row per document version and
// criterion (csv), or an array of the same rows (json; [] for none).
func WriteScoreRows(w io.Writer, f Format, rows []ScoreRow) error {
	switch f {
	case FormatJSON:
		if rows == nil {
			rows = []ScoreRow{}
		}
		return WriteJSON(w, rows)
	case FormatJSONL:
		return WriteJSONLines(w, rows)
	case FormatCSV:
		var out [][]string
		for _, r := range rows {
			out = append(out, []string{strconv.FormatInt(r.DocumentID, 10), strconv.Itoa(r.Version), csvCell(r.Source), csvCell(r.Org),
				csvCell(r.OrgName), csvCell(r.Region), r.Kind, csvCell(r.Title), r.SHA256, r.FirstSeen, r.LastFetched,
				r.RulesVersion, r.Criterion, strconv.Itoa(r.Score), strconv.Itoa(r.Max), strconv.Itoa(r.Evidence), strconv.Itoa(r.RedFlags)})
		}
		return writeCSV(w, scoreRowCSVHeader, out)
	}
	return fmt.Errorf("scores cannot be exported as %q", f)
}

// WriteOrganisations writes the organisations as a table (text) or an
// array (json).
func WriteOrganisations(w io.Writer, f Format, orgs []Organisation) error {
	switch f {
	case FormatJSON:
		return WriteJSON(w, orgs)
	case FormatText:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CODE\tREGION\tKIND\tDOCS\tNAME")
		for _, o := range orgs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", o.Code, orHyphen(o.Region), o.Kind, o.Documents, o.Name)
		}
		return tw.Flush()
	}
	return fmt.Errorf("organisations cannot be written as %q", f)
}

// orHyphen is what the listings print for an empty field: "-", as a
// terminal table has no other way to show one (the pack's reports use an
// en dash).
func orHyphen(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// day is the date of a timestamp (RFC 3339): a listing has no room for
// the time.
func day(stamp string) string {
	if len(stamp) >= 10 {
		return stamp[:10]
	}
	return stamp
}

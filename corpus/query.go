package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/rules"
)

// Filter narrows listings and exports; zero fields match everything.
type Filter struct {
	Org    string    // ODS code
	Region string    // NHS England region name or code
	Kind   string    // document kind
	Since  time.Time // documents with a version first seen at or after this
	Until  time.Time // ... and before this (zero: no end)
	// AllVersions lists every version instead of each document's latest
	// (exports).
	AllVersions bool
}

// ParseSince reads the date of Filter.Since as people write it:
// 2026-01-31 (the start of that day, local time) or RFC 3339.
func ParseSince(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q: write a date as 2026-01-31 (year-month-day, or RFC 3339)", s)
}

func (f Filter) where(args *[]any) string {
	var conds []string
	if f.Org != "" {
		conds = append(conds, "d.org_code = ?")
		*args = append(*args, strings.ToUpper(f.Org))
	}
	if f.Region != "" {
		conds = append(conds, "(lower(o.region) = lower(?) OR upper(o.region_code) = upper(?))")
		*args = append(*args, f.Region, f.Region)
	}
	if f.Kind != "" {
		conds = append(conds, "d.kind = ?")
		*args = append(*args, f.Kind)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "v.first_seen >= ?")
		*args = append(*args, stamp(f.Since))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "v.first_seen < ?")
		*args = append(*args, stamp(f.Until))
	}
	if !f.AllVersions {
		conds = append(conds, "v.seq = (SELECT max(seq) FROM versions WHERE document_id = d.id)")
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Entry is one document version in a listing.
type Entry struct {
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
	// before papers were stored (the next 'corpus rescore' splits it).
	Papers int `json:"papers"`
}

// TotalText is the total as listings print it: "9/15", "unreadable", or
// "-" when the version has no score.
func (e Entry) TotalText() string {
	switch {
	case e.Total < 0 || e.Status == "":
		return "-"
	case e.Status != rules.StatusScored:
		return e.Status
	}
	return fmt.Sprintf("%d/%d", e.Total, e.Max)
}

// entryColumns and entryFrom are the query of Entry; the scores row
// joined is the one preferred for the rules version of the first
// argument.
const (
	entryColumns = `d.id, d.source, coalesce(d.org_code, ''), coalesce(o.name, ''), coalesce(o.region, ''), d.kind,
	v.seq, (SELECT count(*) FROM versions WHERE document_id = d.id), v.sha256, c.size, v.first_seen,
	coalesce((SELECT max(fetched_at) FROM fetches WHERE document_id = d.id), ''),
	coalesce(e.title, ''), coalesce(e.format, ''), coalesce(e.pages, 0), coalesce(e.extractor_version, 0),
	coalesce(s.total, -1), coalesce(s.max, 0), coalesce(s.rules_version, ''), coalesce(s.status, ''), coalesce(s.papers, 0)`
	entryFrom = `
FROM documents d
JOIN versions v ON v.document_id = d.id
JOIN contents c ON c.sha256 = v.sha256
LEFT JOIN organisations o ON o.code = d.org_code
LEFT JOIN extractions e ON e.sha256 = v.sha256
LEFT JOIN scores s ON s.sha256 = v.sha256 AND s.rules_version = (
	SELECT rules_version FROM scores WHERE sha256 = v.sha256 ORDER BY rules_version = ? DESC, scored_at DESC LIMIT 1)`
)

// entries runs the Entry query with a condition and order (tail) and its
// arguments after the rules version. With cards it also returns, for
// each entry, its score's scorecard JSON ("" for none), read in the same
// query rather than one more per entry.
func (s *Store) entries(ctx context.Context, tail string, args []any, cards bool) ([]Entry, []string, error) {
	cols := entryColumns
	if cards {
		cols += ", coalesce(s.scorecard, '')"
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+cols+entryFrom+tail, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []Entry
	var texts []string
	for rows.Next() {
		var e Entry
		var text string
		dest := []any{&e.ID, &e.Source, &e.Org, &e.OrgName, &e.Region, &e.Kind, &e.Version, &e.Versions,
			&e.SHA256, &e.Size, &e.FirstSeen, &e.LastFetched, &e.Title, &e.Format, &e.Pages,
			&e.ExtractorVersion, &e.Total, &e.Max, &e.RulesVersion, &e.Status, &e.Papers}
		if cards {
			dest = append(dest, &text)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		out = append(out, e)
		if cards {
			texts = append(texts, text)
		}
	}
	return out, texts, rows.Err()
}

// List returns the documents (each one's latest version, or every
// version with f.AllVersions) in id order. Scores under rulesVersion are
// preferred where a version has several.
func (s *Store) List(ctx context.Context, f Filter, rulesVersion string) ([]Entry, error) {
	args := []any{rulesVersion}
	out, _, err := s.entries(ctx, f.where(&args)+" ORDER BY d.id, v.seq", args, false)
	if err != nil {
		return nil, fmt.Errorf("corpus: listing: %w", err)
	}
	return out, nil
}

// Recent returns the n documents added last, newest first (each one's
// latest version).
func (s *Store) Recent(ctx context.Context, n int, rulesVersion string) ([]Entry, error) {
	args := []any{rulesVersion}
	tail := Filter{}.where(&args) + " ORDER BY d.id DESC LIMIT ?"
	out, _, err := s.entries(ctx, tail, append(args, n), false)
	if err != nil {
		return nil, fmt.Errorf("corpus: listing: %w", err)
	}
	return out, nil
}

// Fetch is one recorded fetch of a document.
type Fetch struct {
	Version      int    `json:"version"`
	URL          string `json:"url"`
	FetchedAt    string `json:"fetched_at"`
	Status       int    `json:"status"`
	ETag         string `json:"etag"`
	LastModified string `json:"last_modified"`
	ContentType  string `json:"content_type"`
	Outcome      string `json:"outcome"`
	// Source is the name the fetch was made under (the document has one
	// per name it was stored under: Detail.Sources).
	Source string `json:"source"`
}

// Detail is everything stored about one document.
type Detail struct {
	Entry
	// History is every version, oldest first.
	History []Entry `json:"history"`
	Fetches []Fetch `json:"fetches"`
	// Sources are the names the document was stored under, its first
	// source first: the same bytes under several names are one document.
	Sources []SourceRecord `json:"sources"`
	// Card is the latest version's scorecard (nil if it has none).
	Card *rules.Scorecard `json:"scorecard,omitempty"`
}

// documentsWith lists the documents with a version whose hash starts
// with prefix.
func (s *Store) documentsWith(ctx context.Context, prefix string) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT document_id FROM versions WHERE sha256 LIKE ?`, prefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		ids = append(ids, d)
	}
	return ids, rows.Err()
}

// ErrNotFound is wrapped by the errors for a document that is not stored.
var ErrNotFound = errors.New("no such document")

type notFoundError string

func (e notFoundError) Error() string { return string(e) }
func (e notFoundError) Unwrap() error { return ErrNotFound }

func notFound(msg string) error { return notFoundError(msg) }

var hexPrefix = lazyre.New(`^[0-9a-fA-F]{6,64}$`)

// Show finds a document by id, or a version by a prefix of its SHA-256
// (at least 6 hex digits).
func (s *Store) Show(ctx context.Context, ref string, rulesVersion string) (*Detail, error) {
	var id int64
	isID := false
	if _, err := fmt.Sscanf(ref, "%d", &id); err == nil && fmt.Sprint(id) == ref {
		// A hash prefix may be all digits: it is an id only if one exists.
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n); err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		isID = n == 1 || !hexPrefix.MatchString(ref)
	}
	if !isID {
		if !hexPrefix.MatchString(ref) {
			return nil, fmt.Errorf("%q is neither a document id nor a SHA-256 prefix", ref)
		}
		ids, err := s.documentsWith(ctx, strings.ToLower(ref))
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		switch len(ids) {
		case 0:
			return nil, notFound(fmt.Sprintf("no document has a version %s", ref))
		case 1:
			id = ids[0]
		default:
			return nil, fmt.Errorf("%s is a version of %d documents: give a document id", ref, len(ids))
		}
	}
	hist, _, err := s.entries(ctx, " WHERE d.id = ? ORDER BY v.seq", []any{rulesVersion, id}, false)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	if len(hist) == 0 {
		return nil, notFound(fmt.Sprintf("no document %d", id))
	}
	d := &Detail{Entry: hist[len(hist)-1], History: hist}
	if d.Sources, err = s.sources(ctx, id); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	frows, err := s.db.QueryContext(ctx, `SELECT v.seq, f.url, f.fetched_at, f.status, f.etag, f.last_modified, f.content_type, f.outcome,
		coalesce(s.source, '')
		FROM fetches f JOIN versions v ON v.id = f.version_id LEFT JOIN sources s ON s.id = f.source_id WHERE f.document_id = ? ORDER BY f.id`, id)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var f Fetch
		if err := frows.Scan(&f.Version, &f.URL, &f.FetchedAt, &f.Status, &f.ETag, &f.LastModified, &f.ContentType, &f.Outcome, &f.Source); err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		d.Fetches = append(d.Fetches, f)
	}
	if err := frows.Err(); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	if d.RulesVersion != "" {
		if d.Card, err = s.scorecard(ctx, d.SHA256, d.RulesVersion); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Card is a stored scorecard with the listing entry it belongs to.
type Card struct {
	Entry
	Card *rules.Scorecard
}

// Scorecards returns the stored scorecards of the listed versions (those
// without a score are left out), each naming its document's source, so
// that reports are made again without scoring.
func (s *Store) Scorecards(ctx context.Context, f Filter, rulesVersion string) ([]Card, error) {
	args := []any{rulesVersion}
	entries, texts, err := s.entries(ctx, f.where(&args)+" ORDER BY d.id, v.seq", args, true)
	if err != nil {
		return nil, fmt.Errorf("corpus: listing: %w", err)
	}
	var out []Card
	for i, e := range entries {
		if texts[i] == "" {
			continue
		}
		var c rules.Scorecard
		if err := json.Unmarshal([]byte(texts[i]), &c); err != nil {
			return nil, fmt.Errorf("document #%d version %d (%s): reading the stored score: %w (damaged: 'nhsreview corpus check' lists what else is)", e.ID, e.Version, e.Source, err)
		}
		c.Document.Source = e.Source
		out = append(out, Card{Entry: e, Card: &c})
	}
	return out, nil
}

// ExportRow is one criterion score of one document version.
type ExportRow struct {
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

// Export returns one row per document version (every version, whatever
// f.AllVersions says) and criterion.
func (s *Store) Export(ctx context.Context, f Filter, rulesVersion string) ([]ExportRow, error) {
	f.AllVersions = true
	cards, err := s.Scorecards(ctx, f, rulesVersion)
	if err != nil {
		return nil, err
	}
	rows := []ExportRow{}
	for _, c := range cards {
		for _, cr := range c.Card.Criteria {
			rows = append(rows, ExportRow{
				DocumentID: c.ID, Version: c.Version, Source: c.Source, Org: c.Org, OrgName: c.OrgName,
				Region: c.Region, Kind: c.Kind, Title: c.Title, SHA256: c.SHA256, FirstSeen: c.FirstSeen,
				LastFetched: c.LastFetched, RulesVersion: c.RulesVersion, Criterion: cr.ID, Score: cr.Score,
				Max: cr.Max, Evidence: len(cr.Evidence), RedFlags: len(cr.RedFlags),
			})
		}
	}
	return rows, nil
}

// Organisation is a row of the organisations table.
type Organisation struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Region     string `json:"region"`
	RegionCode string `json:"region_code"`
	Origin     string `json:"origin"` // catalogue or user
	Documents  int    `json:"documents"`
}

// Organisations lists the organisations, by region then name.
func (s *Store) Organisations(ctx context.Context) ([]Organisation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.code, o.name, o.kind, o.region, o.region_code, o.origin,
		(SELECT count(*) FROM documents WHERE org_code = o.code)
		FROM organisations o ORDER BY o.region, o.name`)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.Code, &o.Name, &o.Kind, &o.Region, &o.RegionCode, &o.Origin, &o.Documents); err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

var odsCode = lazyre.New(`^[A-Z0-9]{2,10}$`)

// AddOrganisation adds (or renames) an organisation a user files documents
// under; the built-in catalogue's rows cannot be changed this way.
func (s *Store) AddOrganisation(ctx context.Context, o Organisation) error {
	o.Code = strings.ToUpper(strings.TrimSpace(o.Code))
	if !odsCode.MatchString(o.Code) {
		return fmt.Errorf("organisation code %q: use the ODS code (2 to 10 letters and digits)", o.Code)
	}
	if strings.TrimSpace(o.Name) == "" {
		return errors.New("an organisation needs a name")
	}
	if o.Kind == "" {
		o.Kind = "other"
	}
	return s.tx(ctx, func(tx *txn) error {
		var origin string
		err := tx.QueryRowContext(ctx, `SELECT origin FROM organisations WHERE code = ?`, o.Code).Scan(&origin)
		if err == nil && origin == "catalogue" {
			return fmt.Errorf("%s is in the built-in catalogue and cannot be changed", o.Code)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO organisations (code, name, kind, region, region_code, origin)
			VALUES (?, ?, ?, ?, ?, 'user')
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
				region = excluded.region, region_code = excluded.region_code`,
			o.Code, strings.TrimSpace(o.Name), o.Kind, o.Region, o.RegionCode)
		if err != nil {
			return fmt.Errorf("corpus: adding %s: %w", o.Code, err)
		}
		return nil
	})
}

package corpus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nhsreview/nhsreview/rules"
)

// The statuses of a stored paper: a scorecard's own ("scored",
// "unreadable"), or one of these.
const (
	// PaperNotTriaged: minutes, an action log, the agenda: no criteria
	// apply to its kind.
	PaperNotTriaged = "not triaged"
	// PaperFailed: scoring it failed; the row keeps the error.
	PaperFailed = "failed"
)

// putPapers stores the papers of content sha under a rule set, replacing
// those stored before, and their count and the version of the splitter
// that made them in the score's row, which must be written already. papers is empty for a document that is not a pack.
// When splitErr says the papers could not be made at all, none are
// stored and the count is NULL, so that the next 'corpus rescore' tries
// again; the score is kept either way. A paper whose scoring failed is
// stored without a scorecard, with its error.
func putPapers(ctx context.Context, tx *sql.Tx, sha, rulesVersion string, splitterVersion int, papers []Paper, splitErr error) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM papers WHERE sha256 = ? AND rules_version = ?`, sha, rulesVersion); err != nil {
		return fmt.Errorf("storing the papers: %w", err)
	}
	var n any
	if splitErr == nil {
		n = len(papers)
		for i, p := range papers {
			status, errText, total, outOf, card := PaperNotTriaged, "", 0, 0, ""
			switch {
			case p.Err != nil:
				status, errText = PaperFailed, p.Err.Error()
			case p.Card != nil:
				data, err := json.Marshal(p.Card)
				if err != nil {
					status, errText = PaperFailed, "encoding the scorecard: "+err.Error()
					break
				}
				status, card = p.Card.Status, string(data)
				if status == "" {
					status = rules.StatusScored
				}
				total, outOf = p.Card.Total()
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO papers (sha256, rules_version, item_index, number, title, presenter, purpose,
				kind, first_page, last_page, asked, status, total, max, scorecard, error)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				sha, rulesVersion, i, p.Number, p.Title, p.Presenter, p.Purpose, p.Kind, p.FirstPage, p.LastPage, p.Asked,
				status, total, outOf, card, errText)
			if err != nil {
				return fmt.Errorf("storing paper %d of the pack: %w", i+1, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE scores SET papers = ?, splitter_version = ? WHERE sha256 = ? AND rules_version = ?`,
		n, splitterVersion, sha, rulesVersion); err != nil {
		return fmt.Errorf("storing the papers: %w", err)
	}
	return nil
}

// PaperWarnings are the lines that say what went wrong with a pack's
// papers without stopping it: papers that could not be made at all, or
// each paper that could not be scored.
func PaperWarnings(papers []Paper, splitErr error) []string {
	if splitErr != nil {
		return []string{"the board pack's papers could not be made: " + splitErr.Error()}
	}
	var out []string
	for _, p := range papers {
		if p.Err != nil {
			out = append(out, fmt.Sprintf("%s: not scored: %s", paperName(p.Number, p.Title), p.Err))
		}
	}
	return out
}

// paperName names a paper in a message: "item 7i", or its title for
// what comes before the first item.
func paperName(number, title string) string {
	if number != "" {
		return "item " + number
	}
	return fmt.Sprintf("%q", title)
}

// PaperEntry is one stored paper of a board pack, in a listing: the
// version it belongs to, its place in the pack and on the agenda, and its
// score on the criteria its kind calls for.
type PaperEntry struct {
	DocumentID   int64  `json:"document_id"`
	Version      int    `json:"version"`
	Source       string `json:"source"`
	SHA256       string `json:"sha256"`
	RulesVersion string `json:"rules_version"`
	// Index is the paper's place in the pack, from 0 (the agenda);
	// Item its agenda item ("7i"), "" for what comes before the first
	// paper.
	Index     int    `json:"index"`
	Item      string `json:"item"`
	Title     string `json:"title"`
	Presenter string `json:"presenter"`
	Purpose   string `json:"purpose"`
	Kind      string `json:"kind"`
	FirstPage int    `json:"first_page"`
	LastPage  int    `json:"last_page"`
	Asked     string `json:"asked"`
	// Status is "scored", "unreadable", "not triaged" or "failed";
	// Total and Max the sum of its criteria's scores and the most it
	// could be (0 unless scored); Error why scoring failed.
	Status string `json:"status"`
	Total  int    `json:"total"`
	Max    int    `json:"max"`
	Error  string `json:"error"`
}

// StoredPaper is a stored paper with its scorecard (nil when not triaged
// or failed), and the version of the splitter that made the pack's
// papers (0 for papers stored before it was recorded): a caller that
// splits with another shows its own split, not these.
type StoredPaper struct {
	PaperEntry
	Card            *rules.Scorecard
	SplitterVersion int
}

// Papers returns the stored papers of a board pack, named as Show names
// a document (its latest version), or a version by a prefix of its
// SHA-256, under the rules its listing's score is under (rulesVersion
// where it has a score under them). A version that is not a pack, whose
// papers are not stored yet, or has no score, is an error that says so.
func (s *Store) Papers(ctx context.Context, ref, rulesVersion string) (Entry, []StoredPaper, error) {
	e, err := s.version(ctx, ref, rulesVersion)
	if err != nil {
		return e, nil, err
	}
	papers, err := s.papersOf(ctx, e)
	return e, papers, err
}

// Paper returns one stored paper of a board pack (see Papers) by its
// agenda item ("7i"); an item the pack does not have is an error that
// lists those it has.
func (s *Store) Paper(ctx context.Context, ref, item, rulesVersion string) (Entry, *StoredPaper, error) {
	e, papers, err := s.Papers(ctx, ref, rulesVersion)
	if err != nil {
		return e, nil, err
	}
	var items []string
	for i, p := range papers {
		if strings.EqualFold(p.Item, item) {
			return e, &papers[i], nil
		}
		if p.Item != "" {
			items = append(items, p.Item)
		}
	}
	return e, nil, notFound(fmt.Sprintf("%s has no item %s (its items: %s)", versionName(e), item, strings.Join(items, ", ")))
}

func versionName(e Entry) string {
	return fmt.Sprintf("document %d version %d", e.ID, e.Version)
}

// version finds the version ref names: a document's latest, or the one
// whose SHA-256 starts with ref.
func (s *Store) version(ctx context.Context, ref, rulesVersion string) (Entry, error) {
	d, err := s.Show(ctx, ref, rulesVersion)
	if err != nil {
		return Entry{}, err
	}
	if fmt.Sprint(d.ID) != ref {
		for _, h := range d.History {
			if strings.HasPrefix(h.SHA256, strings.ToLower(ref)) {
				return h, nil
			}
		}
	}
	return d.Entry, nil
}

// ErrNoPapers is wrapped by the errors for a version that has no stored
// papers: it is not a board pack, or they are not stored yet.
var ErrNoPapers = errors.New("no stored papers")

type noPapersError string

func (e noPapersError) Error() string { return string(e) }
func (e noPapersError) Unwrap() error { return ErrNoPapers }

// papersOf reads the papers of a listed version, under the rules of its
// listed score.
func (s *Store) papersOf(ctx context.Context, e Entry) ([]StoredPaper, error) {
	if e.RulesVersion == "" {
		return nil, noPapersError(fmt.Sprintf("%s has no score: run 'nhsreview corpus rescore'", versionName(e)))
	}
	var n sql.NullInt64
	var splitter int
	err := s.db.QueryRowContext(ctx, `SELECT papers, splitter_version FROM scores WHERE sha256 = ? AND rules_version = ?`,
		e.SHA256, e.RulesVersion).Scan(&n, &splitter)
	if err != nil {
		return nil, fmt.Errorf("corpus: reading the papers of %s: %w", versionName(e), err)
	}
	switch {
	case !n.Valid:
		return nil, noPapersError(fmt.Sprintf("%s: its papers are not stored yet (it was scored before papers were): run 'nhsreview corpus rescore'", versionName(e)))
	case n.Int64 == 0:
		return nil, noPapersError(fmt.Sprintf("%s is not a board pack: it has no papers", versionName(e)))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT item_index, number, title, presenter, purpose, kind, first_page, last_page, asked,
		status, total, max, scorecard, error FROM papers WHERE sha256 = ? AND rules_version = ? ORDER BY item_index`, e.SHA256, e.RulesVersion)
	if err != nil {
		return nil, fmt.Errorf("corpus: reading the papers of %s: %w", versionName(e), err)
	}
	defer rows.Close()
	var out []StoredPaper
	for rows.Next() {
		p := StoredPaper{PaperEntry: PaperEntry{DocumentID: e.ID, Version: e.Version, Source: e.Source, SHA256: e.SHA256, RulesVersion: e.RulesVersion},
			SplitterVersion: splitter}
		var card string
		if err := rows.Scan(&p.Index, &p.Item, &p.Title, &p.Presenter, &p.Purpose, &p.Kind, &p.FirstPage, &p.LastPage, &p.Asked,
			&p.Status, &p.Total, &p.Max, &card, &p.Error); err != nil {
			return nil, fmt.Errorf("corpus: reading the papers of %s: %w", versionName(e), err)
		}
		if card != "" {
			p.Card = &rules.Scorecard{}
			if err := json.Unmarshal([]byte(card), p.Card); err != nil {
				return nil, fmt.Errorf("%s (%s), %s: reading the stored score: %w (damaged: 'nhsreview corpus check' lists what else is)",
					versionName(e), e.Source, paperName(p.Item, p.Title), err)
			}
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("corpus: reading the papers of %s: %w", versionName(e), err)
	}
	if len(out) != int(n.Int64) {
		return nil, fmt.Errorf("%s: %d of its %d papers are stored (damaged: 'nhsreview corpus check' lists what else is)", versionName(e), len(out), n.Int64)
	}
	return out, nil
}

// PaperExportRow is one criterion score of one paper of a stored board
// pack (one row with the criterion empty for a paper its kind does not
// triage, or whose scoring failed): the version's columns of ExportRow,
// then the paper's.
type PaperExportRow struct {
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
	PaperIndex   int    `json:"paper_index"`
	Item         string `json:"item"`
	PaperTitle   string `json:"paper_title"`
	Presenter    string `json:"presenter"`
	Purpose      string `json:"purpose"`
	PaperKind    string `json:"paper_kind"`
	FirstPage    int    `json:"first_page"`
	LastPage     int    `json:"last_page"`
	Status       string `json:"status"`
	Criterion    string `json:"criterion"`
	Score        int    `json:"score"`
	Max          int    `json:"max"`
	Evidence     int    `json:"evidence"`
	RedFlags     int    `json:"red_flags"`
	Asked        string `json:"asked"`
}

// ExportPapers returns one row per paper and criterion of every stored
// pack version the filter picks (every version, whatever f.AllVersions
// says, as Export), under the rules of each version's listed score.
func (s *Store) ExportPapers(ctx context.Context, f Filter, rulesVersion string) ([]PaperExportRow, error) {
	f.AllVersions = true
	entries, err := s.List(ctx, f, rulesVersion)
	if err != nil {
		return nil, err
	}
	rows := []PaperExportRow{}
	for _, e := range entries {
		if e.Papers == 0 {
			continue
		}
		papers, err := s.papersOf(ctx, e)
		if err != nil {
			return nil, err
		}
		for _, p := range papers {
			head := PaperExportRow{
				DocumentID: e.ID, Version: e.Version, Source: e.Source, Org: e.Org, OrgName: e.OrgName, Region: e.Region,
				Kind: e.Kind, Title: e.Title, SHA256: e.SHA256, FirstSeen: e.FirstSeen, LastFetched: e.LastFetched,
				RulesVersion: e.RulesVersion, PaperIndex: p.Index, Item: p.Item, PaperTitle: p.Title, Presenter: p.Presenter,
				Purpose: p.Purpose, PaperKind: p.Kind, FirstPage: p.FirstPage, LastPage: p.LastPage, Status: p.Status, Asked: p.Asked,
			}
			if p.Card == nil || len(p.Card.Criteria) == 0 || !p.Card.Scored() {
				rows = append(rows, head)
				continue
			}
			for _, cr := range p.Card.Criteria {
				r := head
				r.Criterion, r.Score, r.Max, r.Evidence, r.RedFlags = cr.ID, cr.Score, cr.Max, len(cr.Evidence), len(cr.RedFlags)
				rows = append(rows, r)
			}
		}
	}
	return rows, nil
}

// Scorecard returns the stored scorecard of the version ref names (a
// document's latest, or the version a SHA-256 prefix names), under
// rulesVersion where it has a score under them, naming the document's
// source; nothing is scored. A version without a score is an error.
func (s *Store) Scorecard(ctx context.Context, ref, rulesVersion string) (Entry, *rules.Scorecard, error) {
	e, err := s.version(ctx, ref, rulesVersion)
	if err != nil {
		return e, nil, err
	}
	if e.RulesVersion == "" {
		return e, nil, fmt.Errorf("%s has no score: run 'nhsreview corpus rescore'", versionName(e))
	}
	card, err := s.scorecard(ctx, e.SHA256, e.RulesVersion)
	if err != nil {
		return e, nil, fmt.Errorf("%s (%s): %w", versionName(e), e.Source, err)
	}
	if card == nil {
		return e, nil, fmt.Errorf("%s has no score: run 'nhsreview corpus rescore'", versionName(e))
	}
	card.Document.Source = e.Source
	return e, card, nil
}

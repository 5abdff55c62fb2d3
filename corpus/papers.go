package corpus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/document"
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
func putPapers(ctx context.Context, tx *txn, sha, rulesVersion string, splitterVersion int, papers []Paper, splitErr error) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM papers WHERE sha256 = ? AND rules_version = ?`, sha, rulesVersion); err != nil {
		return fmt.Errorf("storing the papers: %w", err)
	}
	var n any
	if splitErr == nil {
		n = len(papers)
		for i, p := range papers {
			status, errText, total, outOf := paperStatus(p)
			card := ""
			if p.Err == nil && p.Card != nil {
				data, err := json.Marshal(p.Card)
				if err != nil {
					status, errText, total, outOf = PaperFailed, "encoding the scorecard: "+err.Error(), 0, 0
				} else {
					card = string(data)
				}
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

// paperStatus is what a paper's row says of its score: its status ("not
// triaged" without a scorecard, "failed" with its error, else the
// scorecard's), and its total and the most it could be.
func paperStatus(p Paper) (status, errText string, total, outOf int) {
	switch {
	case p.Err != nil:
		return PaperFailed, p.Err.Error(), 0, 0
	case p.Card != nil:
		status = p.Card.Status
		if status == "" {
			status = rules.StatusScored
		}
		total, outOf = p.Card.Total()
		return status, "", total, outOf
	}
	return PaperNotTriaged, "", 0, 0
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
// splits with another shows its own split, not these. SplitAgain says
// that the paper was made on reading rather than stored (see
// CurrentPapers).
type StoredPaper struct {
	PaperEntry
	Card            *rules.Scorecard
	SplitterVersion int
	SplitAgain      bool
}

// Splitter makes a board pack's papers from its text, each scored on the
// criteria its kind calls for, as a Reviewer does (every Reviewer is
// one): the papers an older splitter stored are made again with it.
type Splitter interface {
	Papers(ctx context.Context, d *document.Document) ([]Paper, error)
	RulesVersion() string
	SplitterVersion() int
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

// CurrentPapers returns a board pack's papers as sp makes them, for
// every read of them to show what 'corpus pack' and the web's pack page
// show: the stored papers (see Papers, under sp's rules), unless an
// older splitter than sp's made them (its version is stored with them);
// those are made again from the stored extraction with sp, nothing is
// written ('corpus rescore' and 'corpus add' store them), and each is
// marked SplitAgain for the caller to say so. A version stored as not a
// pack by an older splitter is split again too.
func (s *Store) CurrentPapers(ctx context.Context, ref string, sp Splitter) (Entry, []StoredPaper, error) {
	e, err := s.version(ctx, ref, sp.RulesVersion())
	if err != nil {
		return e, nil, err
	}
	papers, err := s.currentPapers(ctx, e, sp)
	return e, papers, err
}

// currentPapers is CurrentPapers of a listed version.
func (s *Store) currentPapers(ctx context.Context, e Entry, sp Splitter) ([]StoredPaper, error) {
	if e.RulesVersion != "" {
		n, splitter, err := s.splitOf(ctx, e)
		if err != nil {
			return nil, err
		}
		if n.Valid && splitter != sp.SplitterVersion() {
			return s.splitAgain(ctx, e, sp)
		}
	}
	return s.papersOf(ctx, e)
}

// splitAgain makes the papers of a listed version from its stored
// extraction with sp, and writes nothing.
func (s *Store) splitAgain(ctx context.Context, e Entry, sp Splitter) ([]StoredPaper, error) {
	d, _, err := s.extraction(ctx, e.SHA256)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", versionName(e), e.Source, err)
	}
	if d == nil {
		return nil, fmt.Errorf("%s: its papers were split by an older nhsreview and its text is not stored to split again: run 'nhsreview corpus rescore --all'", versionName(e))
	}
	made, err := sp.Papers(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("%s: splitting its stored text into papers: %w", versionName(e), err)
	}
	if len(made) == 0 {
		return nil, noPapersError(fmt.Sprintf("%s is not a board pack: it has no papers", versionName(e)))
	}
	out := make([]StoredPaper, len(made))
	for i, p := range made {
		status, errText, total, outOf := paperStatus(p)
		out[i] = StoredPaper{PaperEntry: PaperEntry{DocumentID: e.ID, Version: e.Version, Source: e.Source, SHA256: e.SHA256,
			RulesVersion: sp.RulesVersion(), Index: i, Item: p.Number, Title: p.Title, Presenter: p.Presenter, Purpose: p.Purpose,
			Kind: p.Kind, FirstPage: p.FirstPage, LastPage: p.LastPage, Asked: p.Asked, Status: status, Total: total, Max: outOf,
			Error: errText}, Card: p.Card, SplitterVersion: sp.SplitterVersion(), SplitAgain: true}
	}
	return out, nil
}

// SplitAgainNote is the line that tells a user that the papers of the
// pack versions es were split again on reading (see CurrentPapers), and
// how to store them.
func SplitAgainNote(es ...Entry) string {
	const rest = "split by an older nhsreview: shown split again from the stored text, not stored; run 'nhsreview corpus rescore' to store them"
	if len(es) == 1 {
		return versionName(es[0]) + ": its stored papers were " + rest
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = versionName(e)
	}
	return fmt.Sprintf("%d packs (%s): their stored papers were %s", len(es), strings.Join(names, ", "), rest)
}

// Paper returns one stored paper of a board pack (see Papers) by its
// agenda item ("7i"); an item the pack does not have is an error that
// lists those it has.
func (s *Store) Paper(ctx context.Context, ref, item, rulesVersion string) (Entry, *StoredPaper, error) {
	e, papers, err := s.Papers(ctx, ref, rulesVersion)
	if err != nil {
		return e, nil, err
	}
	p, err := paperOf(e, papers, item)
	return e, p, err
}

// CurrentPaper is Paper as sp makes the pack's papers (see
// CurrentPapers).
func (s *Store) CurrentPaper(ctx context.Context, ref, item string, sp Splitter) (Entry, *StoredPaper, error) {
	e, papers, err := s.CurrentPapers(ctx, ref, sp)
	if err != nil {
		return e, nil, err
	}
	p, err := paperOf(e, papers, item)
	return e, p, err
}

// paperOf is the paper of item among the papers of version e.
func paperOf(e Entry, papers []StoredPaper, item string) (*StoredPaper, error) {
	var items []string
	for i, p := range papers {
		if strings.EqualFold(p.Item, item) {
			return &papers[i], nil
		}
		if p.Item != "" {
			items = append(items, p.Item)
		}
	}
	return nil, notFound(fmt.Sprintf("%s has no item %s (its items: %s)", versionName(e), item, strings.Join(items, ", ")))
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
	n, splitter, err := s.splitOf(ctx, e)
	if err != nil {
		return nil, err
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

// splitOf reads how many papers are stored with the listed score of e
// (NULL: not made yet) and the version of the splitter that made them.
func (s *Store) splitOf(ctx context.Context, e Entry) (n sql.NullInt64, splitter int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT papers, splitter_version FROM scores WHERE sha256 = ? AND rules_version = ?`,
		e.SHA256, e.RulesVersion).Scan(&n, &splitter)
	if err != nil {
		return n, 0, fmt.Errorf("corpus: reading the papers of %s: %w", versionName(e), err)
	}
	return n, splitter, nil
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
// says, as Export), under the rules of each version's listed score
// (sp's where it has one), with the papers as sp makes them (see
// CurrentPapers): splitAgain are the versions whose papers were made
// again. A version stored as not a pack is not split again here: that
// would read every stored document's text at every export.
func (s *Store) ExportPapers(ctx context.Context, f Filter, sp Splitter) (rows []PaperExportRow, splitAgain []Entry, err error) {
	f.AllVersions = true
	entries, err := s.List(ctx, f, sp.RulesVersion())
	if err != nil {
		return nil, nil, err
	}
	rows = []PaperExportRow{}
	for _, e := range entries {
		if e.Papers == 0 {
			continue
		}
		papers, err := s.currentPapers(ctx, e, sp)
		if err != nil {
			return nil, nil, err
		}
		if papers[0].SplitAgain {
			splitAgain = append(splitAgain, e)
		}
		for _, p := range papers {
			head := PaperExportRow{
				DocumentID: e.ID, Version: e.Version, Source: e.Source, Org: e.Org, OrgName: e.OrgName, Region: e.Region,
				Kind: e.Kind, Title: e.Title, SHA256: e.SHA256, FirstSeen: e.FirstSeen, LastFetched: e.LastFetched,
				RulesVersion: p.RulesVersion, PaperIndex: p.Index, Item: p.Item, PaperTitle: p.Title, Presenter: p.Presenter,
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
	return rows, splitAgain, nil
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

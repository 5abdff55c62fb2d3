package corpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

// RescoreStats counts what a rescore did, one count per stored content.
type RescoreStats struct {
	Extracted int `json:"extracted"` // read again (extractor version changed), then scored
	Scored    int `json:"scored"`    // scored again from the stored extraction (rules changed)
	Current   int `json:"current"`   // nothing to do
	Failed    int `json:"failed"`
}

// RescoreEvent reports one content that was worked on.
type RescoreEvent struct {
	Source string // a document carrying the content
	SHA256 string
	Action string // "extracted", "scored" or "failed"
	Err    error
	// Warnings are what did not stop the content: a pack's paper that
	// could not be scored, and is stored without a score.
	Warnings []string
}

type rescoreItem struct {
	sha, source, url, contentType string
	extractor                     int
	hasScore                      bool
	// hasPapers: the score under the reviewer's rules has been split
	// into papers (or found not to be a pack).
	hasPapers bool
}

// Rescore brings every stored version up to the reviewer: contents read
// by another extractor version are extracted again from the stored bytes
// (nothing is downloaded) and scored; the others are scored again from
// their stored extraction where no score under rv.RulesVersion() exists.
// All reads again everything. A version scored before papers were stored,
// or whose papers another splitter made (rv.SplitterVersion()), has its
// papers made from its stored extraction (a pack is counted as scored, a
// document that is not one as current). Each content is
// written in one transaction; one that fails keeps what it had.
func (s *Store) Rescore(ctx context.Context, rv Reviewer, workers int, all bool, report func(RescoreEvent)) (RescoreStats, error) {
	var st RescoreStats
	items, err := s.rescoreItems(ctx, rv, "")
	if err != nil {
		return st, err
	}

	var mu sync.Mutex
	work := make(chan rescoreItem)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				action, warnings, err := s.rescoreOne(ctx, rv, it, all)
				mu.Lock()
				switch {
				case err != nil:
					st.Failed++
					action = "failed"
				case action == "extracted":
					st.Extracted++
				case action == "scored":
					st.Scored++
				default:
					st.Current++
				}
				if (action != "" || len(warnings) > 0) && report != nil {
					report(RescoreEvent{Source: it.source, SHA256: it.sha, Action: action, Err: err, Warnings: warnings})
				}
				mu.Unlock()
			}
		}()
	}
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		work <- it
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("canceled: %w", context.Cause(ctx))
	}
	return st, nil
}

// rescoreItems lists the stored contents with what a rescore needs to
// know of each: all of them, or only content sha when it is given.
func (s *Store) rescoreItems(ctx context.Context, rv Reviewer, sha string) ([]rescoreItem, error) {
	// The latest fetch of each content is found once, for its URL and
	// Content-Type.
	rows, err := s.db.QueryContext(ctx, `WITH latest AS (
			SELECT fv.sha256, max(f.id) AS id FROM fetches f JOIN versions fv ON fv.id = f.version_id GROUP BY fv.sha256)
		SELECT v.sha256, min(d.source), coalesce(min(lf.url), ''), coalesce(min(lf.content_type), ''),
		coalesce(min(e.extractor_version), -1),
		EXISTS (SELECT 1 FROM scores s WHERE s.sha256 = v.sha256 AND s.rules_version = ?),
		EXISTS (SELECT 1 FROM scores s WHERE s.sha256 = v.sha256 AND s.rules_version = ? AND s.papers IS NOT NULL
			AND s.splitter_version = ?)
		FROM versions v JOIN documents d ON d.id = v.document_id
		LEFT JOIN extractions e ON e.sha256 = v.sha256
		LEFT JOIN latest l ON l.sha256 = v.sha256
		LEFT JOIN fetches lf ON lf.id = l.id
		WHERE ? = '' OR v.sha256 = ?
		GROUP BY v.sha256 ORDER BY min(v.id)`, rv.RulesVersion(), rv.RulesVersion(), rv.SplitterVersion(), sha, sha)
	if err != nil {
		return nil, fmt.Errorf("corpus: listing versions: %w", err)
	}
	defer rows.Close()
	var items []rescoreItem
	for rows.Next() {
		var it rescoreItem
		if err := rows.Scan(&it.sha, &it.source, &it.url, &it.contentType, &it.extractor, &it.hasScore, &it.hasPapers); err != nil {
			return nil, fmt.Errorf("corpus: listing versions: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("corpus: listing versions: %w", err)
	}
	return items, nil
}

// due says whether a rescore has work to do on the content.
func (it rescoreItem) due(rv Reviewer, all bool) bool {
	return all || it.extractor != rv.ExtractorVersion() || !it.hasScore || !it.hasPapers
}

// RescoreDue lists the contents (SHA-256s) a rescore with rv would work
// on, for a job queue to take one at a time (RescoreVersion).
func (s *Store) RescoreDue(ctx context.Context, rv Reviewer, all bool) ([]string, error) {
	items, err := s.rescoreItems(ctx, rv, "")
	if err != nil {
		return nil, err
	}
	var shas []string
	for _, it := range items {
		if it.due(rv, all) {
			shas = append(shas, it.sha)
		}
	}
	return shas, nil
}

// ErrNoVersion is RescoreVersion's error for a content no version has.
var ErrNoVersion = errors.New("no stored version has this content")

// RescoreVersion does to one stored content what Rescore does to each:
// the event says what was done (Action "" when it was current). Run
// twice, it leaves what one run leaves: the extraction and the score
// are keyed by content and by extractor and rules version.
func (s *Store) RescoreVersion(ctx context.Context, rv Reviewer, sha string, all bool) (RescoreEvent, error) {
	items, err := s.rescoreItems(ctx, rv, sha)
	if err != nil {
		return RescoreEvent{SHA256: sha}, err
	}
	if len(items) == 0 {
		return RescoreEvent{SHA256: sha}, fmt.Errorf("corpus: %.12s: %w", sha, ErrNoVersion)
	}
	it := items[0]
	action, warnings, err := s.rescoreOne(ctx, rv, it, all)
	ev := RescoreEvent{Source: it.source, SHA256: it.sha, Action: action, Err: err, Warnings: warnings}
	if err != nil {
		ev.Action = "failed"
	}
	return ev, err
}

func (s *Store) rescoreOne(ctx context.Context, rv Reviewer, it rescoreItem, all bool) (string, []string, error) {
	extract := all || it.extractor != rv.ExtractorVersion()
	switch {
	case !extract && it.hasScore && it.hasPapers:
		return "", nil, nil
	case !extract && it.hasScore:
		return s.splitStored(ctx, rv, it.sha)
	}
	var d *document.Document
	var blob []byte
	if extract {
		var data []byte
		if err := s.db.QueryRowContext(ctx, `SELECT data FROM contents WHERE sha256 = ?`, it.sha).Scan(&data); err != nil {
			return "", nil, fmt.Errorf("reading the stored bytes: %w", err)
		}
		res := &fetched.Doc{Source: it.source, URL: it.url, ContentType: it.contentType, Data: data}
		var err error
		if d, err = rv.Read(ctx, res); err != nil {
			return "", nil, err
		}
		if blob, err = packDocument(d); err != nil {
			return "", nil, err
		}
	} else {
		var err error
		if d, _, err = s.extraction(ctx, it.sha); err != nil {
			return "", nil, err
		}
		if d == nil {
			return "", nil, errors.New("no stored extraction")
		}
	}
	sc, err := s.scoreAndStore(ctx, rv, it.sha, d, blob)
	if err != nil {
		return "", nil, err
	}
	warnings := PaperWarnings(sc.papers, sc.papersErr)
	if extract {
		return "extracted", warnings, nil
	}
	return "scored", warnings, nil
}

// splitStored makes the papers of a content scored before papers were
// stored, from its stored extraction, keeping its score: a pack is
// "scored" (its papers were), a document that is not one is current.
func (s *Store) splitStored(ctx context.Context, rv Reviewer, sha string) (string, []string, error) {
	d, _, err := s.extraction(ctx, sha)
	if err != nil {
		return "", nil, err
	}
	if d == nil {
		return "", nil, errors.New("no stored extraction")
	}
	papers, perr := rv.Papers(ctx, d)
	if err := s.tx(ctx, func(tx *txn) error {
		return putPapers(ctx, tx, sha, rv.RulesVersion(), rv.SplitterVersion(), papers, perr)
	}); err != nil {
		return "", nil, fmt.Errorf("corpus: %w", err)
	}
	if perr != nil {
		return "", nil, fmt.Errorf("the board pack's papers: %w", perr)
	}
	if len(papers) == 0 {
		return "", nil, nil
	}
	return "scored", PaperWarnings(papers, nil), nil
}

// scored is what scoreAndStore scored and stored.
type scored struct {
	card      *rules.Scorecard
	papers    []Paper
	papersErr error
}

// scoreAndStore scores d, the extraction of content sha, and its papers
// when it is a board pack, and stores the score and papers, and the
// extraction too when blob (its packed form) is given, in one
// transaction. Papers that could not be made do not stop the score.
func (s *Store) scoreAndStore(ctx context.Context, rv Reviewer, sha string, d *document.Document, blob []byte) (*scored, error) {
	card, err := rv.Score(ctx, d)
	if err != nil {
		return nil, err
	}
	cardJSON, err := json.Marshal(card)
	if err != nil {
		return nil, fmt.Errorf("encoding the scorecard: %w", err)
	}
	sc := &scored{card: card}
	sc.papers, sc.papersErr = rv.Papers(ctx, d)
	err = s.tx(ctx, func(tx *txn) error {
		if blob != nil {
			if err := putExtraction(ctx, tx, sha, rv.ExtractorVersion(), d, blob); err != nil {
				return err
			}
		}
		if err := putScore(ctx, tx, sha, rv, card, cardJSON); err != nil {
			return err
		}
		return putPapers(ctx, tx, sha, rv.RulesVersion(), rv.SplitterVersion(), sc.papers, sc.papersErr)
	})
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	return sc, nil
}

// ScoreStored scores the stored extraction of content sha with rv and
// keeps the score (and a pack's papers), as a rescore would, so that a
// document stored under other rules is scored once, not at every look.
// It returns the extraction too; both are nil when none is stored.
func (s *Store) ScoreStored(ctx context.Context, rv Reviewer, sha string) (*rules.Scorecard, *document.Document, error) {
	d, _, err := s.extraction(ctx, sha)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	if d == nil {
		return nil, nil, nil
	}
	sc, err := s.scoreAndStore(ctx, rv, sha, d, nil)
	if err != nil {
		return nil, nil, err
	}
	return sc.card, d, nil
}

package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

// Kinds are the document kinds a user may file a document under.
var Kinds = []string{"strategy", "board-papers", "plan", "guidance"}

// CheckKind says whether kind is one of Kinds ("" is allowed: not said).
func CheckKind(kind string) error {
	if kind == "" {
		return nil
	}
	for _, k := range Kinds {
		if k == kind {
			return nil
		}
	}
	return fmt.Errorf("unknown kind %q: use %s", kind, strings.Join(Kinds, ", "))
}

// Meta is what the user says about a document when adding it; empty
// fields leave what is stored alone.
type Meta struct {
	Org  string
	Kind string
}

// Status is what a fetch found.
type Status string

// Statuses of a fetch.
const (
	New       Status = "new"       // a document not seen before
	Changed   Status = "changed"   // new bytes for a known document: a new version
	Unchanged Status = "unchanged" // the bytes (or the server's 304) say nothing changed
	// NewSource: the bytes of a stored document, under a name it did not
	// have: recorded as another source of that document, not a new one.
	NewSource Status = "source"
)

// Outcome is what storing one fetch did.
type Outcome struct {
	Status     Status
	DocumentID int64
	VersionID  int64
	Seq        int // version number within the document
	Title      string
	Card       *rules.Scorecard // nil when unchanged; the stored one for a NewSource

	// Papers are the board pack's papers made and stored with the score
	// (nil when unchanged, reused from the same bytes stored before, or
	// not a pack), PapersErr why none could be made. PaperCount is how
	// many papers the stored pack holds, made now or before (0 when
	// unchanged or not a pack).
	Papers     []Paper
	PapersErr  error
	PaperCount int
	// SplitAgain: the bytes were stored, and their papers, made by an
	// older splitter (or not made yet), were made again and stored.
	SplitAgain bool
}

// stdinPrefix begins the name of a document read from standard input.
const stdinPrefix = "stdin:"

// StdinKey is the source a document read from standard input is stored
// under: "stdin:" and the start of its SHA-256, since nothing else names
// it (the same bytes piped in again are the same source; other bytes are
// not a new version of "stdin").
func StdinKey(data []byte) string {
	sum := sha256.Sum256(data)
	return stdinPrefix + hex.EncodeToString(sum[:8])
}

// Key is how a source is named in the corpus: the canonical URL, the
// absolute path of a file, or StdinKey's name.
func Key(source string) string {
	if fetched.IsURL(source) {
		return fetched.CanonicalURL(source)
	}
	if strings.HasPrefix(source, stdinPrefix) {
		return source
	}
	if abs, err := filepath.Abs(source); err == nil {
		return abs
	}
	return source
}

// Validators returns what the server said with the last fetch of a
// source, for a conditional request; zero when the source is unknown.
func (s *Store) Validators(ctx context.Context, source string) (fetched.Validators, error) {
	var v fetched.Validators
	err := s.db.QueryRowContext(ctx, `SELECT f.etag, f.last_modified FROM fetches f
		JOIN sources s ON s.id = f.source_id
		WHERE s.source = ? ORDER BY f.id DESC LIMIT 1`, Key(source)).Scan(&v.ETag, &v.LastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return fetched.Validators{}, nil
	}
	if err != nil {
		return v, fmt.Errorf("corpus: reading validators: %w", err)
	}
	return v, nil
}

// Ingest stores a fetched document: a new document, a new version of a
// known one, another source of a stored one (bytes stored already, under
// a new name), or (the same bytes as the source gave last) only the
// fetch. Bytes not stored yet are extracted and scored first, outside the
// transaction; a source whose bytes cannot be read as a document is not
// stored at all. Known bytes whose papers an older splitter made (or none
// yet) have them made again from the stored extraction
// (Outcome.SplitAgain), as Rescore does.
func (s *Store) Ingest(ctx context.Context, rv Reviewer, res *fetched.Doc, meta Meta) (*Outcome, error) {
	if err := s.CheckMeta(ctx, &meta); err != nil {
		return nil, err
	}
	key := Key(res.Source)
	sum := sha256.Sum256(res.Data)
	sha := hex.EncodeToString(sum[:])

	latest, stored, err := s.sourceState(ctx, key, sha)
	if err != nil {
		return nil, err
	}
	var work, again *prepared
	if latest == sha || stored {
		// Nothing new to read or score, but papers an older splitter
		// stored are made again, as 'corpus rescore' would.
		if again, err = s.prepareSplit(ctx, rv, sha); err != nil {
			return nil, err
		}
	}
	if latest != sha {
		// The bytes may be stored already, read from another source, and
		// are not read again here: they must still be what this source
		// says it is (a web page at a link to a PDF is an error page).
		if _, err := res.Sniff(); err != nil {
			return nil, err
		}
		if !stored {
			if work, err = s.prepare(ctx, rv, res, sha); err != nil {
				return nil, err
			}
		}
	}
	out := &Outcome{}
	// resplit stores the papers made again (again), for known bytes.
	resplit := func(tx *txn) error {
		if again == nil || !again.splitAgain {
			return nil
		}
		if err := putPapers(ctx, tx, sha, rv.RulesVersion(), rv.SplitterVersion(), again.papers, again.papersErr); err != nil {
			return err
		}
		out.Papers, out.PapersErr, out.PaperCount, out.SplitAgain = again.papers, again.papersErr, again.paperCount, true
		return nil
	}
	err = s.tx(ctx, func(tx *txn) error {
		// Read again inside the transaction: another process may have
		// stored these bytes, or this source, since.
		src, err := sourceIn(ctx, tx, key)
		if err != nil {
			return err
		}
		holder, err := holderIn(ctx, tx, sha)
		if err != nil {
			return err
		}
		docID, verID, seq := src.doc, src.last.id, src.last.seq
		switch {
		case src.id != 0 && src.last.sha == sha:
			out.Status = Unchanged
			if err := resplit(tx); err != nil {
				return err
			}
		case src.id == 0 && holder.doc != 0:
			out.Status = NewSource
			docID, verID, seq = holder.doc, holder.id, holder.seq
			if src.id, err = insertSource(ctx, tx, docID, key); err != nil {
				return err
			}
			if err := resplit(tx); err != nil {
				return err
			}
		default:
			out.Status = Changed
			if src.id == 0 {
				out.Status = New
				if docID, err = insertDocument(ctx, tx, key, meta); err != nil {
					return err
				}
				if src.id, err = insertSource(ctx, tx, docID, key); err != nil {
					return err
				}
			}
			var last version
			err := tx.QueryRowContext(ctx, `SELECT id, seq, sha256 FROM versions WHERE document_id = ? ORDER BY seq DESC LIMIT 1`, docID).
				Scan(&last.id, &last.seq, &last.sha)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if last.sha == sha {
				// Another of the document's sources brought these bytes
				// first: the source changed, the document did not.
				verID, seq = last.id, last.seq
				break
			}
			switch {
			case holder.doc == 0 && work == nil:
				// Prepared nothing because the bytes looked stored, but
				// they are not (another process changed them meanwhile).
				return errRetry
			case holder.doc == 0:
				if err := work.store(ctx, tx, rv, res.Data); err != nil {
					return err
				}
				out.Card = work.card
				out.Title = work.title
				out.Papers, out.PapersErr, out.PaperCount, out.SplitAgain = work.papers, work.papersErr, work.paperCount, work.splitAgain
			default:
				// Bytes stored under another document: their papers
				// are made again if an older splitter made them.
				if err := resplit(tx); err != nil {
					return err
				}
			}
			seq = last.seq + 1
			err = tx.QueryRowContext(ctx, `INSERT INTO versions (document_id, seq, sha256, first_seen) VALUES (?, ?, ?, ?) RETURNING id`,
				docID, seq, sha, stamp(res.FetchedAt)).Scan(&verID)
			if err != nil {
				return fmt.Errorf("storing the version: %w", err)
			}
			if holder.doc != 0 && holder.doc != docID {
				// The source now holds what another document holds: one
				// content, one document.
				if err := mergeDocuments(ctx, tx, []int64{docID, holder.doc}); err != nil {
					return err
				}
				if docID > holder.doc {
					docID = holder.doc
				}
				if err := tx.QueryRowContext(ctx, `SELECT id, seq FROM versions WHERE document_id = ? AND sha256 = ? ORDER BY seq DESC LIMIT 1`,
					docID, sha).Scan(&verID, &seq); err != nil {
					return fmt.Errorf("reading the merged version: %w", err)
				}
			}
		}
		if out.Status != New {
			if err := fileDocument(ctx, tx, docID, meta); err != nil {
				return err
			}
		}
		out.DocumentID, out.VersionID, out.Seq = docID, verID, seq
		return insertFetch(ctx, tx, docID, src.id, verID, res, res.Status, out.Status)
	})
	if errors.Is(err, errRetry) {
		return s.Ingest(ctx, rv, res, meta)
	}
	if err != nil {
		return nil, fmt.Errorf("corpus: storing %s: %w", key, err)
	}
	if out.Title == "" {
		out.Title, _ = s.title(ctx, out.VersionID)
	}
	if out.Status == NewSource {
		// Listed as a new document would be: its score under these
		// rules, if it has one, and the papers stored with it.
		if err := s.storedCard(ctx, rv.RulesVersion(), out); err != nil {
			return nil, fmt.Errorf("corpus: storing %s: %w", key, err)
		}
	}
	return out, nil
}

// storedCard fills an outcome's card and count of papers from what is
// stored for its version under a rule set (none when it has no score).
func (s *Store) storedCard(ctx context.Context, rulesVersion string, out *Outcome) error {
	var sha string
	if err := s.db.QueryRowContext(ctx, `SELECT sha256 FROM versions WHERE id = ?`, out.VersionID).Scan(&sha); err != nil {
		return fmt.Errorf("reading the version: %w", err)
	}
	card, err := s.scorecard(ctx, sha, rulesVersion)
	if err != nil || card == nil {
		return err
	}
	out.Card = card
	err = s.db.QueryRowContext(ctx, `SELECT coalesce(papers, 0) FROM scores WHERE sha256 = ? AND rules_version = ?`, sha, rulesVersion).Scan(&out.PaperCount)
	if err != nil {
		return fmt.Errorf("reading the score: %w", err)
	}
	return nil
}

var errRetry = errors.New("retry")

// NotModified records a fetch the server answered with 304: the version
// the source gave last is current.
func (s *Store) NotModified(ctx context.Context, source, finalURL string, v fetched.Validators, fetchedAt time.Time, meta Meta) (*Outcome, error) {
	if err := s.CheckMeta(ctx, &meta); err != nil {
		return nil, err
	}
	key := Key(source)
	out := &Outcome{Status: Unchanged}
	err := s.tx(ctx, func(tx *txn) error {
		src, err := sourceIn(ctx, tx, key)
		if err != nil {
			return err
		}
		if src.id == 0 || src.last.id == 0 {
			return notFound("not stored before, so it cannot be unchanged")
		}
		if err := fileDocument(ctx, tx, src.doc, meta); err != nil {
			return err
		}
		out.DocumentID, out.VersionID, out.Seq = src.doc, src.last.id, src.last.seq
		_, err = tx.ExecContext(ctx, `INSERT INTO fetches (document_id, source_id, version_id, url, fetched_at, status, etag, last_modified, content_type, outcome)
			SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), 304,
				CAST(? AS TEXT), CAST(? AS TEXT), content_type, CAST(? AS TEXT) FROM fetches WHERE source_id = ? ORDER BY id DESC LIMIT 1`,
			src.doc, src.id, src.last.id, finalURL, stamp(fetchedAt), v.ETag, v.LastModified, string(Unchanged), src.id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("corpus: recording the fetch of %s: %w", key, err)
	}
	out.Title, _ = s.title(ctx, out.VersionID)
	return out, nil
}

func (s *Store) title(ctx context.Context, versionID int64) (string, error) {
	var t string
	err := s.db.QueryRowContext(ctx, `SELECT e.title FROM versions v JOIN extractions e ON e.sha256 = v.sha256 WHERE v.id = ?`, versionID).Scan(&t)
	return t, err
}

// version is a version of a document.
type version struct {
	doc, id int64
	seq     int
	sha     string
}

// storedSource is a source as stored, with the version its last fetch
// found; all zero for a source not stored.
type storedSource struct {
	id, doc int64
	last    version // zero when no fetch is recorded
}

// querier is what sourceIn and holderIn read through: the database, or
// a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sourceIn reads a source and what it gave last.
func sourceIn(ctx context.Context, q querier, key string) (storedSource, error) {
	var src storedSource
	var ver sql.NullInt64
	var seq sql.NullInt64
	var sha sql.NullString
	err := q.QueryRowContext(ctx, `SELECT s.id, s.document_id, v.id, v.seq, v.sha256 FROM sources s
		LEFT JOIN fetches f ON f.id = (SELECT max(id) FROM fetches WHERE source_id = s.id)
		LEFT JOIN versions v ON v.id = f.version_id
		WHERE s.source = ?`, key).Scan(&src.id, &src.doc, &ver, &seq, &sha)
	if errors.Is(err, sql.ErrNoRows) {
		return storedSource{}, nil
	}
	if err != nil {
		return src, fmt.Errorf("reading the source %s: %w", key, err)
	}
	src.last = version{doc: src.doc, id: ver.Int64, seq: int(seq.Int64), sha: sha.String}
	return src, nil
}

// holderIn finds the document holding a content: the version holding
// it that is a document's latest first, then the latest of any (after
// the merge of issue 17 only one document holds a content; zero when
// none does).
func holderIn(ctx context.Context, q querier, sha string) (version, error) {
	var h version
	err := q.QueryRowContext(ctx, `SELECT v.document_id, v.id, v.seq, v.sha256 FROM versions v WHERE v.sha256 = ?
		ORDER BY v.seq = (SELECT max(seq) FROM versions WHERE document_id = v.document_id) DESC, v.document_id, v.seq DESC LIMIT 1`, sha).
		Scan(&h.doc, &h.id, &h.seq, &h.sha)
	if errors.Is(err, sql.ErrNoRows) {
		return version{}, nil
	}
	if err != nil {
		return h, fmt.Errorf("reading the versions of %.12s: %w", sha, err)
	}
	return h, nil
}

// sourceState is what Ingest decides on before its transaction: the
// content a source gave last ("" for a source not stored), and whether
// the content is stored under any source.
func (s *Store) sourceState(ctx context.Context, key, sha string) (latest string, stored bool, err error) {
	src, err := sourceIn(ctx, s.db, key)
	if err != nil {
		return "", false, fmt.Errorf("corpus: %w", err)
	}
	h, err := holderIn(ctx, s.db, sha)
	if err != nil {
		return "", false, fmt.Errorf("corpus: %w", err)
	}
	return src.last.sha, h.doc != 0, nil
}

// CheckMeta validates the organisation and kind, and puts the code in the
// stored form.
func (s *Store) CheckMeta(ctx context.Context, m *Meta) error {
	if err := CheckKind(m.Kind); err != nil {
		return err
	}
	if m.Org == "" {
		return nil
	}
	m.Org = strings.ToUpper(strings.TrimSpace(m.Org))
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE code = ?`, m.Org).Scan(&n); err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("unknown organisation %q: see 'nhsreview corpus org ls', or add it with 'nhsreview corpus org add'", m.Org)
	}
	return nil
}

// insertDocument stores a new document, filed as meta says.
func insertDocument(ctx context.Context, tx *txn, key string, meta Meta) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO documents (source, org_code, kind, added_at) VALUES (?, NULLIF(?, ''), ?, ?) RETURNING id`,
		key, meta.Org, meta.Kind, now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("storing the document: %w", err)
	}
	return id, nil
}

// insertSource records a name a document is stored under.
func insertSource(ctx context.Context, tx *txn, docID int64, key string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO sources (document_id, source, added_at) VALUES (?, ?, ?) RETURNING id`, docID, key, now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("storing the source: %w", err)
	}
	return id, nil
}

// fileDocument files a stored document anew under what meta says
// (re-adding with --org or --kind); empty fields leave it alone.
func fileDocument(ctx context.Context, tx *txn, docID int64, meta Meta) error {
	if meta == (Meta{}) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET org_code = coalesce(NULLIF(?, ''), org_code),
		kind = coalesce(NULLIF(?, ''), kind) WHERE id = ?`, meta.Org, meta.Kind, docID); err != nil {
		return fmt.Errorf("updating the document: %w", err)
	}
	return nil
}

func insertFetch(ctx context.Context, tx *txn, docID, srcID, verID int64, res *fetched.Doc, status int, st Status) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO fetches (document_id, source_id, version_id, url, fetched_at, status, etag, last_modified, content_type, outcome)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		docID, srcID, verID, res.URL, stamp(res.FetchedAt), status, res.ETag, res.LastModified, res.ContentType, string(st))
	if err != nil {
		return fmt.Errorf("recording the fetch: %w", err)
	}
	return nil
}

// prepared is the extraction and score of new bytes, ready to store.
type prepared struct {
	sha       string
	title     string
	doc       *document.Document // nil when a stored score is reused
	docBlob   []byte             // nil when the stored extraction is reused
	card      *rules.Scorecard
	cardJSON  []byte
	haveScore bool
	// papers are the pack's papers scored with card (none when it is not
	// a pack), papersErr why they could not be made.
	papers    []Paper
	papersErr error
	// paperCount is how many papers the pack holds: those made, or
	// those stored with the reused score.
	paperCount int
	// splitAgain: the score is reused, and its papers, an older
	// splitter's (or not made yet), were made again to be stored.
	splitAgain bool
}

// prepare extracts and scores new bytes, reusing what the store already
// has for the same content (the same file under another URL).
func (s *Store) prepare(ctx context.Context, rv Reviewer, res *fetched.Doc, sha string) (*prepared, error) {
	w := &prepared{sha: sha}
	// The stored extraction is unpacked only when it is current and has
	// no score under these rules yet.
	var ver int
	err := s.db.QueryRowContext(ctx, `SELECT extractor_version, title FROM extractions WHERE sha256 = ?`, sha).Scan(&ver, &w.title)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("reading the extraction: %w", err)
	}
	if err == nil && ver == rv.ExtractorVersion() {
		card, err := s.scorecard(ctx, sha, rv.RulesVersion())
		if err != nil {
			return nil, err
		}
		if card != nil {
			w.card, w.haveScore = card, true
			return w, s.splitStale(ctx, rv, w)
		}
		if w.doc, _, err = s.extraction(ctx, sha); err != nil {
			return nil, err
		}
	}
	if w.doc == nil {
		if w.doc, err = rv.Read(ctx, res); err != nil {
			return nil, err
		}
		if w.docBlob, err = packDocument(w.doc); err != nil {
			return nil, err
		}
		w.title = w.doc.Title
	}
	if w.card, err = rv.Score(ctx, w.doc); err != nil {
		return nil, err
	}
	if w.cardJSON, err = json.Marshal(w.card); err != nil {
		return nil, fmt.Errorf("encoding the scorecard: %w", err)
	}
	// The papers come from the same document, scored with the same
	// rules; they cannot fail the pack (see putPapers).
	w.papers, w.papersErr = rv.Papers(ctx, w.doc)
	if w.papersErr == nil {
		w.paperCount = len(w.papers)
	}
	return w, nil
}

// prepareSplit is what adding content sha again stores: its papers made
// again where its score under rv's rules is stored, from a current
// extraction, and its papers were not made yet or an older splitter made
// them (see splitStale); nil when there is nothing to do (a stale
// extraction or no score under these rules are 'corpus rescore's to
// redo, as before).
func (s *Store) prepareSplit(ctx context.Context, rv Reviewer, sha string) (*prepared, error) {
	var ver int
	var scored bool
	err := s.db.QueryRowContext(ctx, `SELECT e.extractor_version, EXISTS (SELECT 1 FROM scores s WHERE s.sha256 = e.sha256 AND s.rules_version = ?)
		FROM extractions e WHERE e.sha256 = ?`, rv.RulesVersion(), sha).Scan(&ver, &scored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the extraction: %w", err)
	}
	if ver != rv.ExtractorVersion() || !scored {
		return nil, nil
	}
	w := &prepared{sha: sha, haveScore: true}
	if err := s.splitStale(ctx, rv, w); err != nil {
		return nil, err
	}
	return w, nil
}

// splitStale reads how many papers are stored with the score of w's
// content under rv's rules, which must be stored, and makes them again
// from the stored extraction, as 'corpus rescore' does, where they were
// not made yet or an older splitter made them (w.splitAgain), for store
// to write with the score kept.
func (s *Store) splitStale(ctx context.Context, rv Reviewer, w *prepared) error {
	var n sql.NullInt64
	var splitter int
	err := s.db.QueryRowContext(ctx, `SELECT papers, splitter_version FROM scores WHERE sha256 = ? AND rules_version = ?`,
		w.sha, rv.RulesVersion()).Scan(&n, &splitter)
	if err != nil {
		return fmt.Errorf("reading the score: %w", err)
	}
	if n.Valid && splitter == rv.SplitterVersion() {
		w.paperCount = int(n.Int64)
		return nil
	}
	d, _, err := s.extraction(ctx, w.sha)
	if err != nil {
		return err
	}
	if d == nil {
		return errors.New("no stored extraction")
	}
	w.splitAgain = true
	// Papers that cannot be made do not fail the add (see putPapers).
	w.papers, w.papersErr = rv.Papers(ctx, d)
	if w.papersErr == nil {
		w.paperCount = len(w.papers)
	}
	return nil
}

// store writes the content, extraction and score (what is not stored yet).
func (w *prepared) store(ctx context.Context, tx *txn, rv Reviewer, data []byte) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO contents (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		w.sha, len(data), data); err != nil {
		return fmt.Errorf("storing the bytes: %w", err)
	}
	if w.docBlob != nil {
		if err := putExtraction(ctx, tx, w.sha, rv.ExtractorVersion(), w.doc, w.docBlob); err != nil {
			return err
		}
	}
	if !w.haveScore {
		if err := putScore(ctx, tx, w.sha, rv, w.card, w.cardJSON); err != nil {
			return err
		}
	}
	if !w.haveScore || w.splitAgain {
		return putPapers(ctx, tx, w.sha, rv.RulesVersion(), rv.SplitterVersion(), w.papers, w.papersErr)
	}
	return nil
}

func putExtraction(ctx context.Context, tx *txn, sha string, version int, d *document.Document, blob []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO extractions (sha256, extractor_version, format, title, pages, needs_ocr, document, extracted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET extractor_version = excluded.extractor_version, format = excluded.format,
			title = excluded.title, pages = excluded.pages, needs_ocr = excluded.needs_ocr,
			document = excluded.document, extracted_at = excluded.extracted_at`,
		sha, version, string(d.Format), d.Title, len(d.Pages), boolInt(d.Quality.NeedsOCR), blob, now())
	if err != nil {
		return fmt.Errorf("storing the extraction: %w", err)
	}
	return putPassages(ctx, tx, sha, d)
}

func putScore(ctx context.Context, tx *txn, sha string, rv Reviewer, card *rules.Scorecard, cardJSON []byte) error {
	total, outOf := card.Total()
	status := card.Status
	if status == "" {
		status = rules.StatusScored
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO scores (sha256, rules_version, extractor_version, total, max, scorecard, scored_at, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256, rules_version) DO UPDATE SET extractor_version = excluded.extractor_version,
			total = excluded.total, max = excluded.max, scorecard = excluded.scorecard, scored_at = excluded.scored_at,
			status = excluded.status`,
		sha, rv.RulesVersion(), rv.ExtractorVersion(), total, outOf, string(cardJSON), now(), status)
	if err != nil {
		return fmt.Errorf("storing the score: %w", err)
	}
	return putQuoted(ctx, tx, sha, rv.RulesVersion(), card)
}

// boolInt is a flag as the schema stores it, 0 or 1, on both backends.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// extraction returns the stored document model of a content, if any,
// with the extractor version that made it.
func (s *Store) extraction(ctx context.Context, sha string) (*document.Document, int, error) {
	var blob []byte
	var ver int
	err := s.db.QueryRowContext(ctx, `SELECT document, extractor_version FROM extractions WHERE sha256 = ?`, sha).Scan(&blob, &ver)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("reading the extraction: %w", err)
	}
	d, err := unpackDocument(blob)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the stored extraction of %.12s: %w (damaged: 'nhsreview corpus check' lists what else is)", sha, err)
	}
	return d, ver, nil
}

// scorecard returns the stored scorecard of a content under a rule set.
func (s *Store) scorecard(ctx context.Context, sha, rulesVersion string) (*rules.Scorecard, error) {
	var text string
	err := s.db.QueryRowContext(ctx, `SELECT scorecard FROM scores WHERE sha256 = ? AND rules_version = ?`, sha, rulesVersion).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the score: %w", err)
	}
	c, err := decodeCard(text)
	if err != nil {
		return nil, fmt.Errorf("reading the stored score of %.12s: %w (damaged: 'nhsreview corpus check' lists what else is)", sha, err)
	}
	return c, nil
}

// decodeCard reads a stored scorecard's JSON.
func decodeCard(text string) (*rules.Scorecard, error) {
	var c rules.Scorecard
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		return nil, err
	}
	return &c, nil
}

func packDocument(d *document.Document) ([]byte, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if err := json.NewEncoder(zw).Encode(d); err != nil {
		return nil, fmt.Errorf("encoding the extraction: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encoding the extraction: %w", err)
	}
	return b.Bytes(), nil
}

func unpackDocument(blob []byte) (*document.Document, error) {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var d document.Document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

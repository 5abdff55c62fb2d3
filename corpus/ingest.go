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
)

// Outcome is what storing one fetch did.
type Outcome struct {
	Status     Status
	DocumentID int64
	VersionID  int64
	Seq        int // version number within the document
	Title      string
	Card       *rules.Scorecard // nil when unchanged
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

// Key is how a source is named in the corpus: the canonical URL, or the
// absolute path of a file.
func Key(source string) string {
	if fetched.IsURL(source) {
		return fetched.CanonicalURL(source)
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
		JOIN documents d ON d.id = f.document_id
		WHERE d.source = ? ORDER BY f.id DESC LIMIT 1`, Key(source)).Scan(&v.ETag, &v.LastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return fetched.Validators{}, nil
	}
	if err != nil {
		return v, fmt.Errorf("corpus: reading validators: %w", err)
	}
	return v, nil
}

// Ingest stores a fetched document: a new document, a new version of a
// known one, or (same bytes as its latest version) only the fetch. New
// bytes are extracted and scored first, outside the transaction; a source
// whose bytes cannot be read as a document is not stored at all. Known
// bytes whose papers an older splitter made (or none yet) have them made
// again from the stored extraction (Outcome.SplitAgain), as Rescore does.
func (s *Store) Ingest(ctx context.Context, rv Reviewer, res *fetched.Doc, meta Meta) (*Outcome, error) {
	if err := s.CheckMeta(ctx, &meta); err != nil {
		return nil, err
	}
	key := Key(res.Source)
	sum := sha256.Sum256(res.Data)
	sha := hex.EncodeToString(sum[:])

	latest, err := s.latestSHA(ctx, key)
	if err != nil {
		return nil, err
	}
	var work, again *prepared
	if latest == sha {
		// Nothing new to read or score, but papers an older splitter
		// stored are made again, as 'corpus rescore' would.
		if again, err = s.prepareSplit(ctx, rv, sha); err != nil {
			return nil, err
		}
	} else {
		// The bytes may be stored already, read from another source, and
		// are not read again here: they must still be what this source
		// says it is (a web page at a link to a PDF is an error page).
		if _, err := res.Sniff(); err != nil {
			return nil, err
		}
		work, err = s.prepare(ctx, rv, res, sha)
		if err != nil {
			return nil, err
		}
	}
	out := &Outcome{}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		docID, created, err := upsertDocument(ctx, tx, key, meta)
		if err != nil {
			return err
		}
		out.DocumentID = docID
		// Read the latest version again inside the transaction: another
		// process may have stored these bytes since.
		var verID int64
		var seq int
		var have string
		err = tx.QueryRowContext(ctx, `SELECT id, seq, sha256 FROM versions WHERE document_id = ? ORDER BY seq DESC LIMIT 1`, docID).Scan(&verID, &seq, &have)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case have == sha:
			out.Status = Unchanged
			if again != nil && again.splitAgain {
				if err := putPapers(ctx, tx, sha, rv.RulesVersion(), rv.SplitterVersion(), again.papers, again.papersErr); err != nil {
					return err
				}
				out.Papers, out.PapersErr, out.PaperCount, out.SplitAgain = again.papers, again.papersErr, again.paperCount, true
			}
		case work == nil:
			// Prepared nothing because the bytes looked known, but they
			// are not (another process changed the document meanwhile).
			return errRetry
		default:
			out.Status = Changed
			if created || have == "" {
				out.Status = New
			}
			if err := work.store(ctx, tx, rv, res.Data); err != nil {
				return err
			}
			seq++
			r, err := tx.ExecContext(ctx, `INSERT INTO versions (document_id, seq, sha256, first_seen) VALUES (?, ?, ?, ?)`,
				docID, seq, sha, stamp(res.FetchedAt))
			if err != nil {
				return fmt.Errorf("storing the version: %w", err)
			}
			verID, _ = r.LastInsertId()
			out.Card = work.card
			out.Title = work.title
			out.Papers, out.PapersErr, out.PaperCount, out.SplitAgain = work.papers, work.papersErr, work.paperCount, work.splitAgain
		}
		out.VersionID, out.Seq = verID, seq
		return insertFetch(ctx, tx, docID, verID, res, res.Status, out.Status)
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
	return out, nil
}

var errRetry = errors.New("retry")

// NotModified records a fetch the server answered with 304: the latest
// version is current.
func (s *Store) NotModified(ctx context.Context, source, finalURL string, v fetched.Validators, fetchedAt time.Time, meta Meta) (*Outcome, error) {
	if err := s.CheckMeta(ctx, &meta); err != nil {
		return nil, err
	}
	key := Key(source)
	out := &Outcome{Status: Unchanged}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if meta != (Meta{}) {
			if _, _, err := upsertDocument(ctx, tx, key, meta); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `SELECT d.id, v.id, v.seq FROM documents d JOIN versions v ON v.document_id = d.id
			WHERE d.source = ? ORDER BY v.seq DESC LIMIT 1`, key).Scan(&out.DocumentID, &out.VersionID, &out.Seq)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO fetches (document_id, version_id, url, fetched_at, status, etag, last_modified, content_type, outcome)
			SELECT ?, ?, ?, ?, 304, ?, ?, content_type, ? FROM fetches WHERE document_id = ? ORDER BY id DESC LIMIT 1`,
			out.DocumentID, out.VersionID, finalURL, stamp(fetchedAt), v.ETag, v.LastModified, string(Unchanged), out.DocumentID)
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

func (s *Store) latestSHA(ctx context.Context, key string) (string, error) {
	var sha string
	err := s.db.QueryRowContext(ctx, `SELECT v.sha256 FROM versions v JOIN documents d ON d.id = v.document_id
		WHERE d.source = ? ORDER BY v.seq DESC LIMIT 1`, key).Scan(&sha)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("corpus: reading %s: %w", key, err)
	}
	return sha, nil
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

func upsertDocument(ctx context.Context, tx *sql.Tx, key string, meta Meta) (id int64, created bool, err error) {
	r, err := tx.ExecContext(ctx, `INSERT INTO documents (source, org_code, kind, added_at) VALUES (?, NULLIF(?, ''), ?, ?)
		ON CONFLICT (source) DO NOTHING`, key, meta.Org, meta.Kind, now())
	if err != nil {
		return 0, false, fmt.Errorf("storing the document: %w", err)
	}
	n, _ := r.RowsAffected()
	created = n == 1
	if !created {
		// Re-adding with --org or --kind files the document anew.
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET org_code = coalesce(NULLIF(?, ''), org_code),
			kind = coalesce(NULLIF(?, ''), kind) WHERE source = ?`, meta.Org, meta.Kind, key); err != nil {
			return 0, false, fmt.Errorf("updating the document: %w", err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE source = ?`, key).Scan(&id); err != nil {
		return 0, false, err
	}
	return id, created, nil
}

func insertFetch(ctx context.Context, tx *sql.Tx, docID, verID int64, res *fetched.Doc, status int, st Status) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO fetches (document_id, version_id, url, fetched_at, status, etag, last_modified, content_type, outcome)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		docID, verID, res.URL, stamp(res.FetchedAt), status, res.ETag, res.LastModified, res.ContentType, string(st))
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
func (w *prepared) store(ctx context.Context, tx *sql.Tx, rv Reviewer, data []byte) error {
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

func putExtraction(ctx context.Context, tx *sql.Tx, sha string, version int, d *document.Document, blob []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO extractions (sha256, extractor_version, format, title, pages, needs_ocr, document, extracted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET extractor_version = excluded.extractor_version, format = excluded.format,
			title = excluded.title, pages = excluded.pages, needs_ocr = excluded.needs_ocr,
			document = excluded.document, extracted_at = excluded.extracted_at`,
		sha, version, string(d.Format), d.Title, len(d.Pages), d.Quality.NeedsOCR, blob, now())
	if err != nil {
		return fmt.Errorf("storing the extraction: %w", err)
	}
	return putPassages(ctx, tx, sha, d)
}

func putScore(ctx context.Context, tx *sql.Tx, sha string, rv Reviewer, card *rules.Scorecard, cardJSON []byte) error {
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

package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/rules"
)

// Repaired is what repair did for one damaged content.
type Repaired struct {
	Versions string `json:"versions"` // "document #2 version 1 (https://…)"
	Problem  string `json:"problem"`
	// Done is true when the content is whole again; Note says how, or
	// why it could not be made so.
	Done bool   `json:"done"`
	Note string `json:"note"`
}

// Repair mends what Check finds inside rows. Bytes that no longer match
// their SHA-256 are fetched again from each source the version was
// stored from, and put back only when the fetched bytes have that very
// SHA-256 (a source that now holds other bytes is a new version, for
// 'corpus add', not a repair). A stored extraction or scorecard that
// cannot be read is dropped and made again from the bytes by Rescore.
// Nothing else is touched.
func (s *Store) Repair(ctx context.Context, rv Reviewer, get func(ctx context.Context, source string) (*fetched.Doc, error)) ([]Repaired, error) {
	names, err := s.versionNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []Repaired
	bad, err := s.damagedContents(ctx)
	if err != nil {
		return nil, err
	}
	for _, sha := range bad {
		r := Repaired{Versions: joinNames(names[sha], sha), Problem: "the stored bytes do not match their SHA-256"}
		sources, err := s.sourcesOf(ctx, sha)
		if err != nil {
			return out, err
		}
		var why []string
		for _, src := range sources {
			res, err := get(ctx, src)
			if err != nil {
				why = append(why, src+": "+err.Error())
				continue
			}
			sum := sha256.Sum256(res.Data)
			if hex.EncodeToString(sum[:]) != sha {
				why = append(why, src+": now holds different bytes (store them as a new version with 'corpus add')")
				continue
			}
			if _, err := s.db.ExecContext(ctx, `UPDATE contents SET data = ?, size = ? WHERE sha256 = ?`, res.Data, len(res.Data), sha); err != nil {
				return out, fmt.Errorf("putting back the bytes of %s: %w", r.Versions, err)
			}
			r.Done, r.Note = true, "fetched again from "+src
			break
		}
		if !r.Done {
			r.Note = "could not be fetched again as it was: " + strings.Join(why, "; ")
		}
		out = append(out, r)
	}
	// Unreadable extractions and scorecards: made again from the bytes.
	dropped := 0
	asBytes := s.db.dialect.textBytes("scorecard")
	for _, q := range []struct{ sel, del, what string }{
		{`SELECT sha256, document FROM extractions`, `DELETE FROM extractions WHERE sha256 = ?`, "the stored extraction cannot be read"},
		{`SELECT sha256, ` + asBytes + ` FROM scores`, `DELETE FROM scores WHERE sha256 = ? AND ` + asBytes + ` = ?`, "a stored scorecard cannot be read"},
	} {
		rows, err := s.db.QueryContext(ctx, q.sel)
		if err != nil {
			return out, err
		}
		type row struct {
			sha  string
			blob []byte
		}
		var broken []row
		for rows.Next() {
			var rw row
			if err := rows.Scan(&rw.sha, &rw.blob); err != nil {
				rows.Close()
				return out, err
			}
			var bad bool
			if q.what == "the stored extraction cannot be read" {
				_, err := unpackDocument(rw.blob)
				bad = err != nil
			} else {
				var c rules.Scorecard
				bad = json.Unmarshal(rw.blob, &c) != nil
			}
			if bad {
				broken = append(broken, rw)
			}
		}
		rows.Close()
		for _, b := range broken {
			args := []any{b.sha}
			if q.what != "the stored extraction cannot be read" {
				args = append(args, b.blob)
			}
			if _, err := s.db.ExecContext(ctx, q.del, args...); err != nil {
				return out, err
			}
			dropped++
			out = append(out, Repaired{Versions: joinNames(names[b.sha], b.sha), Problem: q.what, Done: true, Note: "made again from the stored bytes"})
		}
	}
	// A pack's papers that cannot be read, or are not all there: dropped
	// with their count, so that the rescore below makes them again from
	// the stored extraction.
	packs, err := s.damagedPapers(ctx)
	if err != nil {
		return out, err
	}
	for _, p := range packs {
		err := s.tx(ctx, func(tx *txn) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM papers WHERE sha256 = ? AND rules_version = ?`, p.sha, p.rules); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE scores SET papers = NULL WHERE sha256 = ? AND rules_version = ?`, p.sha, p.rules)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("dropping the papers of %s: %w", joinNames(names[p.sha], p.sha), err)
		}
		dropped++
		out = append(out, Repaired{Versions: joinNames(names[p.sha], p.sha), Problem: p.problem, Done: true, Note: "made again from the stored extraction"})
	}
	if dropped > 0 {
		if _, err := s.Rescore(ctx, rv, 1, false, nil); err != nil {
			return out, fmt.Errorf("making the dropped rows again: %w", err)
		}
	}
	return out, nil
}

// damagedPack is a content's papers under a rule set that must be made
// again.
type damagedPack struct{ sha, rules, problem string }

// damagedPapers lists the packs whose stored papers cannot be read, or
// are not all there, once each.
func (s *Store) damagedPapers(ctx context.Context) ([]damagedPack, error) {
	var out []damagedPack
	seen := map[[2]string]bool{}
	add := func(sha, set, problem string) {
		if !seen[[2]string{sha, set}] {
			seen[[2]string{sha, set}] = true
			out = append(out, damagedPack{sha, set, problem})
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sha256, rules_version, `+s.db.dialect.textBytes("scorecard")+` FROM papers WHERE scorecard <> ''`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sha, set string
		var text []byte
		if err := rows.Scan(&sha, &set, &text); err != nil {
			rows.Close()
			return nil, err
		}
		var c rules.Scorecard
		if json.Unmarshal(text, &c) != nil {
			add(sha, set, "a stored board pack paper's scorecard cannot be read")
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT s.sha256, s.rules_version FROM scores s WHERE s.papers IS NOT NULL
		AND s.papers <> (SELECT count(*) FROM papers p WHERE p.sha256 = s.sha256 AND p.rules_version = s.rules_version)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sha, set string
		if err := rows.Scan(&sha, &set); err != nil {
			return nil, err
		}
		add(sha, set, "a board pack's papers are not all stored")
	}
	return out, rows.Err()
}

// damagedContents lists the contents whose bytes do not match their
// SHA-256, reading one row at a time.
func (s *Store) damagedContents(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sha256, data FROM contents`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var sha string
		var data []byte
		if err := rows.Scan(&sha, &data); err != nil {
			return nil, err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
			bad = append(bad, sha)
		}
	}
	return bad, rows.Err()
}

// sourcesOf lists where a content was fetched from: the sources whose
// fetches found it and the URLs of those fetches, each once (a
// document's other sources may hold other bytes).
func (s *Store) sourcesOf(ctx context.Context, sha string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.source FROM fetches f JOIN versions v ON v.id = f.version_id JOIN sources s ON s.id = f.source_id
			WHERE v.sha256 = ?
		UNION SELECT f.url FROM fetches f JOIN versions v ON v.id = f.version_id WHERE v.sha256 = ? AND coalesce(f.url, '') <> ''`, sha, sha)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src string
		if err := rows.Scan(&src); err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

func joinNames(n []string, sha string) string {
	if len(n) == 0 {
		return "content " + shortSHA(sha)
	}
	return strings.Join(n, "; ")
}

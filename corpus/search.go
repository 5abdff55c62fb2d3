package corpus

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Search is a passage search: an FTS5 query and what narrows it.
type Search struct {
	// Query is in SQLite FTS5's syntax: words, "a phrase", prefix*, AND,
	// OR, NOT, NEAR(a b, 5) and parentheses (docs/search.md).
	Query string
	// Filter picks the documents (organisation, region, kind, dates);
	// only each document's latest version unless AllVersions.
	Filter Filter
	// Criterion and Signal keep the passages the score quotes for them.
	Criterion, Signal string
	// MinScore and MaxScore keep documents whose score on a criterion
	// (the key) is at least or at most the value.
	MinScore, MaxScore map[string]int
	// RedFlag keeps documents with a red flag (on Criterion, when set).
	RedFlag bool
	// Limit is the most hits returned (0: 20), best first; Offset skips
	// that many first.
	Limit, Offset int
	// RankLimit is how many matching passages are ranked at most (0:
	// DefaultRankLimit, -1: all); see SearchRanked.
	RankLimit int
}

// DefaultSearchLimit is how many hits a search returns when not told.
const DefaultSearchLimit = 20

// Hit is one passage found.
type Hit struct {
	DocumentID int64  `json:"document_id"`
	Version    int    `json:"version"`
	Source     string `json:"source"`
	Title      string `json:"title"`
	Org        string `json:"org"`
	OrgName    string `json:"org_name"`
	Region     string `json:"region"`
	Kind       string `json:"kind"`
	SHA256     string `json:"sha256"`
	FirstSeen  string `json:"first_seen"`
	// Page is the page number; PageIndex and Block the passage's place
	// in the stored extraction (the web's document view names it
	// b{PageIndex}-{Block}).
	Page      int    `json:"page"`
	PageIndex int    `json:"page_index"`
	Block     int    `json:"block"`
	Section   string `json:"section"`
	BlockKind string `json:"block_kind"`
	Text      string `json:"text"`
	// Snippet is the part of the passage around the words found, the
	// words matched marked.
	Snippet []SnippetPart `json:"snippet"`
	// Rank is bm25's (lower is better).
	Rank float64 `json:"rank"`
	// RulesVersion is the score the signals are of (the current rules
	// where the version has a score under them); Signals what it quotes
	// the passage for, none when it does not.
	RulesVersion string   `json:"rules_version"`
	Signals      []Quoted `json:"signals"`
}

// SnippetPart is a run of a snippet, Match when the query matched it.
type SnippetPart struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// Quoted is a criterion and signal a score quotes a passage for.
type Quoted struct {
	Criterion string `json:"criterion"`
	Signal    string `json:"signal"`
}

// QueryError is a search query FTS5 cannot read: the user's mistake, said
// in one line.
type QueryError struct {
	Query, Problem string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("search %q: %s (see 'nhsreview corpus search --help' for the query syntax)", e.Query, e.Problem)
}

// ftsProblem is how SQLite words the mistakes FTS5 finds in a query.
var ftsProblem = lazyre.New(`(fts5: .*|unterminated string|no such column: .*|unknown special query: .*|expected integer, got .*)`)

// queryError turns SQLite's error for a bad query into a QueryError, and
// leaves any other error as it is.
func queryError(query string, err error) error {
	if err == nil {
		return nil
	}
	m := ftsProblem.FindString(err.Error())
	if m == "" {
		return err
	}
	m = strings.TrimSuffix(strings.TrimPrefix(m, "fts5: "), " (1)")
	if strings.HasPrefix(m, "no such column: ") {
		// A word followed by a colon reads as a column filter.
		m = fmt.Sprintf("%q is not a column (a colon after a word is FTS5 syntax: put the words in double quotes)", strings.TrimPrefix(m, "no such column: "))
	}
	return &QueryError{Query: query, Problem: m}
}

// Markers FTS5's snippet puts around the words matched: private-use
// characters, which no stored text holds (the readers remove them).
const (
	markOpen  = "\uE000"
	markClose = "\uE001"
)

// Search finds the passages that match, best first (bm25), with the
// documents and scores the filters ask for (SearchRanked, its hits).
func (s *Store) Search(ctx context.Context, q Search, rulesVersion string) ([]Hit, error) {
	f, err := s.SearchRanked(ctx, q, rulesVersion)
	return f.Hits, err
}

// DefaultRankLimit is how many matching passages a search ranks at most
// (Search.RankLimit). bm25 costs a few microseconds a passage through the
// pure-Go SQLite, so a word in most of 200,000 passages took half a
// second to rank; finding the matches is ten times cheaper. 10,000 ranks
// in about 30 ms (docs/performance.md).
const DefaultRankLimit = 10000

// Found is what a search found: its hits, and how they were ranked.
type Found struct {
	Hits []Hit
	// RankedAmong is, when the query matched more passages (in the
	// documents the filters pick) than the rank limit, how many were
	// ranked: the newest stored, by bm25; 0 when every match was.
	RankedAmong int
}

// SearchRanked is Search with how the hits were ranked: a query matching
// more passages than q.RankLimit ranks only the newest so many (the
// passages stored last), so that a word in most passages answers as fast
// as a rare one, and says so (Found.RankedAmong) so that people narrow
// the query rather than take the ranking as over everything.
func (s *Store) SearchRanked(ctx context.Context, q Search, rulesVersion string) (Found, error) {
	if strings.TrimSpace(q.Query) == "" {
		return Found{}, &QueryError{Query: q.Query, Problem: "nothing to search for"}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	rankLimit := q.RankLimit
	if rankLimit == 0 {
		rankLimit = DefaultRankLimit
	}
	m, err := s.matcher(q.Query)
	if err != nil {
		return Found{}, err
	}
	// Two steps: the versions the filters pick (a few thousand rows at
	// most, one per document), then the best-ranked passages of those,
	// joined on their content; the document, snippet and signals are read
	// for only the hits returned. Joining every match to the documents
	// instead costs several lookups per match, which for a common word
	// is most of the passages; a match's content is in its id.
	args := []any{rulesVersion}
	conds := []string{}
	if w := q.Filter.where(&args); w != "" {
		conds = append(conds, strings.TrimPrefix(w, " WHERE "))
	}
	for _, b := range []struct {
		m  map[string]int
		op string
	}{{q.MinScore, ">="}, {q.MaxScore, "<="}} {
		for _, crit := range slices.Sorted(maps.Keys(b.m)) {
			conds = append(conds, `EXISTS (SELECT 1 FROM criterion_scores cs WHERE cs.sha256 = s.sha256 AND cs.rules_version = s.rules_version
				AND cs.criterion = ? AND cs.score `+b.op+` ?)`)
			args = append(args, crit, b.m[crit])
		}
	}
	if q.RedFlag {
		c := "EXISTS (SELECT 1 FROM criterion_scores cs WHERE cs.sha256 = s.sha256 AND cs.rules_version = s.rules_version AND cs.red_flags > 0"
		if q.Criterion != "" {
			c += " AND cs.criterion = ?"
			args = append(args, q.Criterion)
		}
		conds = append(conds, c+")")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var passageArgs []any
	passageCond := ""
	if q.Criterion != "" || q.Signal != "" {
		passageCond = " AND EXISTS (SELECT 1 FROM passage_signals ps WHERE ps.passage_id = m.id AND ps.rules_version = e.rules_version"
		if q.Criterion != "" {
			passageCond += " AND ps.criterion = ?"
			passageArgs = append(passageArgs, q.Criterion)
		}
		if q.Signal != "" {
			passageCond += " AND ps.signal = ?"
			passageArgs = append(passageArgs, q.Signal)
		}
		passageCond += ")"
	}
	withE := `WITH e AS MATERIALIZED (
	SELECT pc.number, v.id AS version_id, coalesce(s.rules_version, '') AS rules_version
	FROM versions v
	JOIN passage_contents pc ON pc.sha256 = v.sha256
	JOIN documents d ON d.id = v.document_id
	LEFT JOIN organisations o ON o.code = d.org_code
	LEFT JOIN scores s ON s.sha256 = v.sha256 AND s.rules_version = (
		SELECT rules_version FROM scores WHERE sha256 = v.sha256 ORDER BY rules_version = ? DESC, scored_at DESC LIMIT 1)` + where + `
)`
	join := ` JOIN e ON e.number = m.id >> ` + strconv.Itoa(passageShift)
	var found Found
	floor := int64(0)
	if rankLimit > 0 {
		// Whether there are more matches than the limit at all, before
		// the filters: a query that cannot reach it (most do) costs one
		// read of the index's list of its passages and no more.
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (`+m.any+` LIMIT ?) AS found`,
			m.arg, rankLimit+1).Scan(&n); err != nil {
			return Found{}, queryError(q.Query, fmt.Errorf("corpus: searching: %w", err))
		}
		if n <= rankLimit {
			rankLimit = 0
		}
	}
	if rankLimit > 0 {
		// The rank limit's newest match among those the filters keep,
		// and the one after it, if there are that many: finding matches
		// in rowid order reads only the index, not each passage's
		// length as bm25 does.
		fargs := append(append(append(slices.Clone(args), m.arg), passageArgs...), rankLimit-1)
		rows, err := s.db.QueryContext(ctx, withE+`, m AS (`+m.ids+`)
SELECT m.id FROM m`+join+` WHERE true`+passageCond+` ORDER BY m.id DESC LIMIT 2 OFFSET ?`, fargs...)
		if err != nil {
			return Found{}, queryError(q.Query, fmt.Errorf("corpus: searching: %w", err))
		}
		var edge []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return Found{}, fmt.Errorf("corpus: searching: %w", err)
			}
			edge = append(edge, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return Found{}, queryError(q.Query, fmt.Errorf("corpus: searching: %w", err))
		}
		if len(edge) == 2 {
			floor, found.RankedAmong = edge[0], rankLimit
		}
	}
	args = append(args, m.arg, floor)
	args = append(args, passageArgs...)
	query := withE + `, m AS (` + m.ranked + `)
SELECT m.id, e.version_id, e.rules_version, m.rank
FROM m` + join + ` WHERE true` + passageCond + `
ORDER BY m.rank, e.version_id, m.id LIMIT ? OFFSET ?`
	args = append(args, limit, max(q.Offset, 0))
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return Found{}, queryError(q.Query, fmt.Errorf("corpus: searching: %w", err))
	}
	type rankedHit struct {
		passage, version int64
		rules            string
		rank             float64
	}
	var ranked []rankedHit
	for rows.Next() {
		var f rankedHit
		if err := rows.Scan(&f.passage, &f.version, &f.rules, &f.rank); err != nil {
			rows.Close()
			return Found{}, fmt.Errorf("corpus: searching: %w", err)
		}
		ranked = append(ranked, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Found{}, queryError(q.Query, fmt.Errorf("corpus: searching: %w", err))
	}
	hits := make([]Hit, len(ranked))
	ids := make([]int64, len(ranked))
	for i, f := range ranked {
		ids[i] = f.passage
		h := &hits[i]
		h.Rank, h.RulesVersion = f.rank, f.rules
		err := s.db.QueryRowContext(ctx, `SELECT d.id, v.seq, d.source, coalesce(e.title, ''), coalesce(d.org_code, ''), coalesce(o.name, ''),
			coalesce(o.region, ''), d.kind, v.sha256, v.first_seen, p.page, p.page_index, p.block_index, p.section, p.kind, p.text
			FROM versions v JOIN documents d ON d.id = v.document_id JOIN passages p ON p.id = ?
			LEFT JOIN organisations o ON o.code = d.org_code LEFT JOIN extractions e ON e.sha256 = v.sha256
			WHERE v.id = ?`, f.passage, f.version).Scan(&h.DocumentID, &h.Version, &h.Source, &h.Title, &h.Org, &h.OrgName, &h.Region, &h.Kind,
			&h.SHA256, &h.FirstSeen, &h.Page, &h.PageIndex, &h.Block, &h.Section, &h.BlockKind, &h.Text)
		if err != nil {
			return Found{}, fmt.Errorf("corpus: searching: %w", err)
		}
		if err := s.hitSignals(ctx, f.passage, h); err != nil {
			return Found{}, err
		}
	}
	if m.phrases != nil {
		for i := range hits {
			hits[i].Snippet = snippetParts(makeSnippet(hits[i].Text, m.phrases))
		}
	} else if err := s.snippets(ctx, q.Query, ids, hits); err != nil {
		return Found{}, err
	}
	found.Hits = hits
	return found, nil
}

// matcher is how a search finds the passages matching a query, in the
// store's dialect: each a query of passage ids (id) with the query's
// one argument (arg): any, some of the matches; ids, every match; ranked,
// every match at or above the id of its second argument with its rank
// (lower is better). On PostgreSQL, phrases are the query's phrases, for
// the snippets nhsreview makes there (FTS5 makes its own).
type matcher struct {
	any, ids, ranked string
	arg              string
	phrases          []phrase
}

func (s *Store) matcher(query string) (matcher, error) {
	if s.db.dialect == postgresDialect {
		tq, err := toTSQuery(query)
		if err != nil {
			return matcher{}, err
		}
		// ts_rank with normalisation 2 divides by the passage's length,
		// as bm25 favours short passages; negated, so that lower is
		// better as with bm25. It knows nothing of how rare a word is.
		return matcher{
			any:     `SELECT 1 FROM passages WHERE words @@ CAST(? AS tsquery)`,
			ids:     `SELECT id FROM passages WHERE words @@ CAST(? AS tsquery)`,
			ranked:  `SELECT p.id, -ts_rank(p.words, tq.q, 2) AS rank FROM passages p, (SELECT CAST(? AS tsquery) AS q) tq WHERE p.words @@ tq.q AND p.id >= ?`,
			arg:     tq.text,
			phrases: tq.phrases,
		}, nil
	}
	return matcher{
		any:    `SELECT 1 FROM passages_fts WHERE passages_fts MATCH ?`,
		ids:    `SELECT rowid AS id FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid DESC`,
		ranked: `SELECT rowid AS id, bm25(passages_fts) AS rank FROM passages_fts WHERE passages_fts MATCH ? AND rowid >= ?`,
		arg:    query,
	}, nil
}

// snippets adds each hit's snippet, in one query for them all: each
// query that names the search's words reads the list of their passages
// once, which for a common word is long.
func (s *Store) snippets(ctx context.Context, query string, ids []int64, hits []Hit) error {
	if len(ids) == 0 {
		return nil
	}
	marks := strings.Repeat("?, ", len(ids))
	args := []any{markOpen, markClose, query}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT rowid, snippet(passages_fts, 0, ?, ?, '…', 24) FROM passages_fts
		WHERE passages_fts MATCH ? AND rowid IN (`+marks[:len(marks)-2]+`)`, args...)
	if err != nil {
		return fmt.Errorf("corpus: searching: %w", err)
	}
	defer rows.Close()
	byID := map[int64]string{}
	for rows.Next() {
		var id int64
		var snip string
		if err := rows.Scan(&id, &snip); err != nil {
			return fmt.Errorf("corpus: searching: %w", err)
		}
		byID[id] = snip
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("corpus: searching: %w", err)
	}
	for i, id := range ids {
		hits[i].Snippet = snippetParts(byID[id])
	}
	return nil
}

// hitSignals adds what a hit's score quotes its passage for.
func (s *Store) hitSignals(ctx context.Context, id int64, h *Hit) error {
	h.Signals = []Quoted{}
	if h.RulesVersion == "" {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT criterion, signal FROM passage_signals WHERE passage_id = ? AND rules_version = ?
		ORDER BY criterion, signal`, id, h.RulesVersion)
	if err != nil {
		return fmt.Errorf("corpus: searching: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var qd Quoted
		if err := rows.Scan(&qd.Criterion, &qd.Signal); err != nil {
			return fmt.Errorf("corpus: searching: %w", err)
		}
		h.Signals = append(h.Signals, qd)
	}
	return rows.Err()
}

// snippetParts splits a marked snippet into runs, each on one line (a
// list's items and a table's rows are lines of a passage).
func snippetParts(s string) []SnippetPart {
	var out []SnippetPart
	for s != "" {
		i := strings.Index(s, markOpen)
		if i < 0 {
			out = append(out, SnippetPart{Text: textclean.OneLine(s)})
			break
		}
		if i > 0 {
			out = append(out, SnippetPart{Text: textclean.OneLine(s[:i])})
		}
		s = s[i+len(markOpen):]
		j := strings.Index(s, markClose)
		if j < 0 {
			j = len(s)
		}
		out = append(out, SnippetPart{Text: textclean.OneLine(s[:j]), Match: true})
		s = strings.TrimPrefix(s[j:], markClose)
	}
	return out
}

// SnippetText is a snippet as one line of text, the matches between
// open and close.
func SnippetText(parts []SnippetPart, open, close string) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString(open + p.Text + close)
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

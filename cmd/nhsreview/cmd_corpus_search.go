package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/cmd/nhsreview/internal/web"
	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// corpusSearchOptions are the flags of 'corpus search'.
type corpusSearchOptions struct {
	db                 *corpusFlags
	filter             filterFlags
	format             formatFlag
	outPath, color     string
	until              string
	criterion, signal  string
	minScore, maxScore []string
	redFlag            bool
	allVersions        bool
	limit, offset      int
	rankLimit          int
}

const searchHelp = `Finds passages (paragraphs, list items, table rows, headings) of the stored
documents, best first (bm25), each with its document, organisation, date,
page and section, a snippet with the words found in [brackets], and the
criteria and signals the document's score quotes it for.

The query is SQLite FTS5's:
  informed                 a word, whatever its case and accents
  "keep you informed"      a phrase
  inequalit*               words that begin so
  core20plus5 AND money    both; OR either; NOT the first without the second
  NEAR(invest period, 10)  words at most 10 words apart
  (a OR b) AND c           parentheses group
Words are matched whole and as written: "plan" does not find "plans" (use
plan*). Punctuation separates words; quote a word with a colon, hyphen or
other symbol ("co-production").

The filters pick documents (--org, --region, --kind, --since, --until: each
document's latest version, or every version with --all-versions) and
passages (--criterion and --signal: those the score quotes for them).
--min-score and --max-score take CRITERION=N and may be repeated;
--red-flag keeps documents with a red flag (on --criterion, when given).
Scores are those under the built-in rules where a version has several.

A query matching more passages than --rank-limit (10,000) in the documents
picked is ranked among the newest so many stored, and says so on stderr:
"ranked by bm25 among the newest 10,000 of its matches; narrow the query".
Ranking every passage that holds a common word takes a few microseconds
each; --rank-limit 0 ranks them all.`

func newCorpusSearchCmd(cf *corpusFlags, stdout, stderr io.Writer) *cobra.Command {
	opts := corpusSearchOptions{db: cf}
	c := &cobra.Command{
		Use:   "search QUERY [--org CODE] [--region R] [--kind KIND] [--since DATE] [--until DATE] [--criterion ID] [--signal NAME] [--min-score ID=N] [--max-score ID=N] [--red-flag] [--format text|json|csv]",
		Short: "Search the stored documents' passages: phrases, prefixes, AND, OR, NOT",
		Long:  searchHelp,
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return exitWith(runCorpusSearch(c.Context(), opts, args[0], stdout, stderr))
		},
	}
	opts.filter.register(c)
	f := c.Flags()
	f.StringVar(&opts.until, "until", "", "only versions first seen before this date (2006-01-02 or RFC 3339)")
	f.StringVar(&opts.criterion, "criterion", "", "only passages the score quotes for this criterion (e.g. costed-plans)")
	f.StringVar(&opts.signal, "signal", "", "only passages the score quotes for this signal (see 'nhsreview rules')")
	f.StringArrayVar(&opts.minScore, "min-score", nil, "only documents scoring at least N on a criterion: CRITERION=N")
	f.StringArrayVar(&opts.maxScore, "max-score", nil, "only documents scoring at most N on a criterion: CRITERION=N")
	f.BoolVar(&opts.redFlag, "red-flag", false, "only documents with a red flag (on --criterion, when given)")
	f.BoolVar(&opts.allVersions, "all-versions", false, "search every version, not only each document's latest")
	f.IntVar(&opts.limit, "limit", corpus.DefaultSearchLimit, "the most passages shown, best first")
	f.IntVar(&opts.offset, "offset", 0, "skip this many of the best first (the next page of results)")
	f.IntVar(&opts.rankLimit, "rank-limit", corpus.DefaultRankLimit, "rank at most this many matching passages, the newest (0: every match, however many)")
	opts.format.register(c, reports.FormatText, reports.SearchFormats, "")
	f.StringVar(&opts.color, "color", "auto", "colour the words found in the text format: auto (on a terminal, unless NO_COLOR is set), always or never")
	registerOutput(c, &opts.outPath)
	return c
}

// runCorpusSearch prints the passages that match query and the filters.
func runCorpusSearch(ctx context.Context, opts corpusSearchOptions, query string, stdout, stderr io.Writer) int {
	format, err := opts.format.parse()
	if err != nil {
		return fail(stderr, err)
	}
	colored, err := useColor(opts.color, stdout)
	if err != nil {
		return fail(stderr, err)
	}
	q, err := opts.search(query)
	if err != nil {
		return fail(stderr, err)
	}
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	found, err := st.SearchRanked(ctx, q, currentRules())
	if err != nil {
		return fail(stderr, err)
	}
	if found.RankedAmong > 0 {
		fmt.Fprintf(stderr, "nhsreview: search %q: warning: ranked by bm25 among the newest %s of its matches; narrow the query (a phrase, more words, filters) or give --rank-limit 0 to rank them all\n",
			query, textclean.Thousands(int64(found.RankedAmong)))
	}
	hits := found.Hits
	out := searchHits(hits)
	limited := len(hits) == q.Limit
	err = writeOutput(opts.outPath, stdout, func(w io.Writer) error {
		return reports.WriteSearch(w, format, out, limited, reports.Options{Color: colored && opts.outPath == ""})
	})
	if err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// search checks the flags and makes the store's search of them.
func (o corpusSearchOptions) search(query string) (corpus.Search, error) {
	f, err := o.filter.filter()
	if err != nil {
		return corpus.Search{}, err
	}
	f.AllVersions = o.allVersions
	if o.until != "" {
		if f.Until, err = corpus.ParseSince(o.until); err != nil {
			return corpus.Search{}, fmt.Errorf("--until %w", err)
		}
	}
	if o.limit <= 0 {
		return corpus.Search{}, fmt.Errorf("--limit %d: must be positive", o.limit)
	}
	if o.offset < 0 {
		return corpus.Search{}, fmt.Errorf("--offset %d: must be 0 or more", o.offset)
	}
	if o.rankLimit < 0 {
		return corpus.Search{}, fmt.Errorf("--rank-limit %d: must be 0 (every match) or more", o.rankLimit)
	}
	rs, err := rules.Default()
	if err != nil {
		return corpus.Search{}, err
	}
	q := corpus.Search{Query: query, Filter: f, Criterion: o.criterion, Signal: o.signal, RedFlag: o.redFlag, Limit: o.limit, Offset: o.offset,
		RankLimit: o.rankLimit}
	if o.rankLimit == 0 {
		q.RankLimit = -1 // the store's 0 is its default
	}
	if o.criterion != "" {
		if err := checkCriterion(rs, o.criterion); err != nil {
			return q, fmt.Errorf("--criterion: %w", err)
		}
	}
	if o.signal != "" {
		if err := checkSignal(rs, o.criterion, o.signal); err != nil {
			return q, fmt.Errorf("--signal: %w", err)
		}
	}
	if q.MinScore, err = scoreBounds(rs, "--min-score", o.minScore); err != nil {
		return q, err
	}
	if q.MaxScore, err = scoreBounds(rs, "--max-score", o.maxScore); err != nil {
		return q, err
	}
	return q, nil
}

// checkCriterion says whether id is a criterion of the rule set.
func checkCriterion(rs *rules.Set, id string) error {
	var ids []string
	for _, f := range rs.Files {
		if f.ID == id {
			return nil
		}
		ids = append(ids, f.ID)
	}
	return fmt.Errorf("unknown criterion %q: use %s", id, strings.Join(ids, ", "))
}

// checkSignal says whether name is a signal of the rule set (of the
// criterion, when one is given).
func checkSignal(rs *rules.Set, criterion, name string) error {
	for _, f := range rs.Files {
		if criterion != "" && f.ID != criterion {
			continue
		}
		for _, s := range f.Signals {
			if s.Name == name {
				return nil
			}
		}
	}
	where := "the rules"
	if criterion != "" {
		where = criterion
	}
	return fmt.Errorf("%s has no signal %q (see 'nhsreview rules' and the rule files)", where, name)
}

// scoreBounds reads CRITERION=N flags.
func scoreBounds(rs *rules.Set, flag string, vals []string) (map[string]int, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string]int{}
	for _, v := range vals {
		id, num, ok := strings.Cut(v, "=")
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("%s %q: write CRITERION=N, e.g. costed-plans=2", flag, v)
		}
		id = strings.TrimSpace(id)
		if err := checkCriterion(rs, id); err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		out[id] = n
	}
	return out, nil
}

// searchHits are the store's hits as the reports take them.
func searchHits(hits []corpus.Hit) []reports.SearchHit {
	out := make([]reports.SearchHit, len(hits))
	for i, h := range hits {
		sigs := make([]reports.SearchSignal, len(h.Signals))
		for j, s := range h.Signals {
			sigs[j] = reports.SearchSignal(s)
		}
		out[i] = reports.SearchHit{DocumentID: h.DocumentID, Version: h.Version, Source: h.Source, Title: h.Title, Org: h.Org,
			OrgName: h.OrgName, Region: h.Region, Kind: h.Kind, SHA256: h.SHA256, FirstSeen: h.FirstSeen, Page: h.Page,
			Section: h.Section, Anchor: web.PassageAnchor(h.PageIndex, h.Block), BlockKind: h.BlockKind,
			Snippet: corpus.SnippetText(h.Snippet, reports.MatchOpen, reports.MatchClose), Passage: h.Text, Rank: h.Rank,
			RulesVersion: h.RulesVersion, Signals: sigs}
	}
	return out
}

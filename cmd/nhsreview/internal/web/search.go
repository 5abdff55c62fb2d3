package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// searchPageSize is how many passages a results page shows.
const searchPageSize = 20

// maxSearchPage bounds the page number a query may ask for: far pages
// cost the store a long sort for results nobody reads.
const maxSearchPage = 50

type searchBody struct {
	Error                                  string
	Q, Org, Kind, Since, Criterion, MinStr string
	Region, Until, Signal, MaxStr          string
	RedFlag                                bool
	Orgs                                   []corpus.Organisation
	Regions                                []string
	Kinds                                  []string
	Criteria                               []criterionOption
	Searched                               bool
	Hits                                   []searchHit
	Count                                  string
	// Ranked says the hits were ranked among only the newest matches
	// (corpus.Found.RankedAmong), "" when every match was.
	Ranked     string
	Prev, Next string
}

type criterionOption struct{ ID, Name string }

type searchHit struct {
	corpus.Hit
	Link, Date, Where string
	Counts            []string
}

// searchPage is the search box and its results: the passages of the
// stored documents that match the query, best first, each linking to the
// passage in the document's view. A form with GET, so a search is an
// address people can keep and share, and needs no script.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	b := searchBody{Q: strings.TrimSpace(q.Get("q")), Org: q.Get("org"), Kind: q.Get("kind"), Since: q.Get("since"),
		Criterion: q.Get("criterion"), MinStr: q.Get("min"), RedFlag: q.Get("red_flag") != "", Kinds: corpus.Kinds,
		Region: q.Get("region"), Until: q.Get("until"), Signal: strings.TrimSpace(q.Get("signal")), MaxStr: q.Get("max")}
	orgs, err := s.cfg.Store.Organisations(ctx)
	if err != nil {
		s.log.Printf("listing organisations: %v", err)
	}
	for _, o := range orgs {
		if o.Documents > 0 || strings.EqualFold(o.Code, b.Org) {
			b.Orgs = append(b.Orgs, o)
			if o.Region != "" && !slices.Contains(b.Regions, o.Region) {
				b.Regions = append(b.Regions, o.Region)
			}
		}
	}
	slices.Sort(b.Regions)
	for _, f := range s.cfg.Rules.Files {
		b.Criteria = append(b.Criteria, criterionOption{f.ID, f.Name})
	}
	status := http.StatusOK
	defer func() { s.render(w, status, "search", pageData{Title: "Search", Nav: "search", Body: b}) }()
	if b.Q == "" {
		return
	}
	search, page, herr := s.searchOf(r, q, b)
	if herr != nil {
		b.Error, status = herr.Message, herr.Status
		return
	}
	found, err := s.cfg.Store.SearchRanked(ctx, search, s.cfg.Reviewer.RulesVersion())
	hits := found.Hits
	if found.RankedAmong > 0 {
		b.Ranked = fmt.Sprintf("So many passages match that only the newest %s were ranked: narrow the search (a phrase, more words, a filter) to rank them all.",
			textclean.Thousands(int64(found.RankedAmong)))
	}
	var qe *corpus.QueryError
	switch {
	case errors.As(err, &qe):
		b.Error, status = "The search could not be read: "+qe.Problem+". Put phrases in double quotes; AND, OR and NOT join words.", http.StatusBadRequest
		return
	case err != nil:
		s.log.Printf("searching %q: %v", b.Q, err)
		status = http.StatusInternalServerError
		b.Error = "The search failed; the server's log says why."
		return
	}
	b.Searched = true
	names := map[string]string{}
	for _, c := range b.Criteria {
		names[c.ID] = c.Name
	}
	for _, h := range hits {
		sh := searchHit{Hit: h, Date: dateOf(h.FirstSeen), Link: fmt.Sprintf("/documents/%d/text#%s", h.DocumentID, PassageAnchor(h.PageIndex, h.Block))}
		where := []string{fmt.Sprintf("page %d", h.Page)}
		if h.Section != "" {
			where = append(where, h.Section)
		}
		sh.Where = strings.Join(where, " · ")
		for _, sig := range h.Signals {
			name := names[sig.Criterion]
			if name == "" {
				name = sig.Criterion
			}
			sh.Counts = append(sh.Counts, name+" ("+sig.Signal+")")
		}
		if sh.Title == "" {
			sh.Title = "(no title)"
		}
		b.Hits = append(b.Hits, sh)
	}
	first := (page-1)*searchPageSize + 1
	switch {
	case len(hits) == 0 && page == 1:
		b.Count = "No passages match."
	case len(hits) == 0:
		b.Count = "No more passages match."
	default:
		b.Count = fmt.Sprintf("Passages %d to %d, best first.", first, first+len(hits)-1)
	}
	link := func(p int) string {
		v := url.Values{}
		for k, vals := range q {
			if k != "page" && len(vals) > 0 && vals[0] != "" {
				v.Set(k, vals[0])
			}
		}
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		return "/search?" + v.Encode()
	}
	if page > 1 {
		b.Prev = link(page - 1)
	}
	if len(hits) == searchPageSize && page < maxSearchPage {
		b.Next = link(page + 1)
	}
	b.Count = textclean.OneLine(b.Count)
}

// searchOf reads the search and the page number from the query's fields.
func (s *Server) searchOf(r *http.Request, q url.Values, b searchBody) (corpus.Search, int, *httpError) {
	f, herr := s.filter(r.Context(), q)
	if herr != nil {
		return corpus.Search{}, 0, herr
	}
	if b.Region != "" {
		f.Region = b.Region
	}
	if b.Until != "" {
		t, err := corpus.ParseSince(b.Until)
		if err != nil {
			return corpus.Search{}, 0, &httpError{http.StatusBadRequest, "Date " + err.Error() + "."}
		}
		f.Until = t
	}
	search := corpus.Search{Query: b.Q, Filter: f, RedFlag: b.RedFlag, Limit: searchPageSize, Signal: b.Signal}
	if b.Criterion != "" {
		known := false
		for _, c := range b.Criteria {
			known = known || c.ID == b.Criterion
		}
		if !known {
			return search, 0, &httpError{http.StatusBadRequest, fmt.Sprintf("There is no criterion %q.", b.Criterion)}
		}
		search.Criterion = b.Criterion
	}
	if b.MinStr != "" {
		n, err := strconv.Atoi(b.MinStr)
		if err != nil || n < 0 || n > 3 {
			return search, 0, &httpError{http.StatusBadRequest, "The lowest score must be a number from 0 to 3."}
		}
		if b.Criterion == "" {
			return search, 0, &httpError{http.StatusBadRequest, "Choose the criterion the lowest score is of."}
		}
		// On the web the criterion picks the documents by their score
		// as well as the passages.
		search.MinScore = map[string]int{b.Criterion: n}
	}
	if b.MaxStr != "" {
		n, err := strconv.Atoi(b.MaxStr)
		if err != nil || n < 0 || n > 3 {
			return search, 0, &httpError{http.StatusBadRequest, "The highest score must be a number from 0 to 3."}
		}
		if b.Criterion == "" {
			return search, 0, &httpError{http.StatusBadRequest, "Choose the criterion the highest score is of."}
		}
		search.MaxScore = map[string]int{b.Criterion: n}
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSearchPage {
			return search, 0, &httpError{http.StatusBadRequest, fmt.Sprintf("The page must be a number from 1 to %d.", maxSearchPage)}
		}
		page = n
	}
	search.Offset = (page - 1) * searchPageSize
	return search, page, nil
}

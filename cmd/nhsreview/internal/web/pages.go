package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/cmd/nhsreview/internal/triage"
	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

//go:embed templates/*.tmpl static/web.css
var files embed.FS

// evidencePage makes the report's "Page N" under each evidence quote a
// link to the passage in the document view. The scorecard lives at
// /documents/{id}/, so "text#…" is that document's view.
const evidencePage = `{{define "evidence-page"}}<a href="text#{{evidenceAnchor .}}">Page {{.Page}}</a>{{end}}`

// pages are the parsed templates, one set per page (each page defines
// "content" inside the shared layout), and the report fragments.
type pages struct {
	sets      map[string]*template.Template
	fragments *reports.Fragments
	static    map[string]staticFile
}

type staticFile struct {
	body        []byte
	contentType string
}

var pageNames = []string{"home", "job", "queued", "scorecard", "pack", "document", "documents", "compare", "about", "error", "search"}

func newPages() (*pages, error) {
	layout, err := template.New("layout").Funcs(template.FuncMap{"list": func(v ...int) []int { return v }}).ParseFS(files, "templates/layout.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := layout.Clone()
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		if t, err = t.ParseFS(files, "templates/"+name+".html.tmpl"); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		p.sets[name] = t
	}
	p.fragments, err = reports.NewFragments(template.FuncMap{"evidenceAnchor": evidenceAnchor}, evidencePage)
	if err != nil {
		return nil, err
	}
	css, err := files.ReadFile("static/web.css")
	if err != nil {
		return nil, err
	}
	p.static = map[string]staticFile{
		"report.css": {[]byte(reports.StyleSheet()), "text/css; charset=utf-8"},
		"web.css":    {css, "text/css; charset=utf-8"},
		"sort.js":    {[]byte(reports.SortScript()), "text/javascript; charset=utf-8"},
	}
	return p, nil
}

// pageData is what the layout reads; Body is the page's own data.
type pageData struct {
	Title   string
	Nav     string
	Refresh int
	Script  bool
	CSRF    string
	Body    any
}

// render writes a page with its status. It renders in memory first, so a
// template error becomes a 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, d pageData) {
	var buf bytes.Buffer
	if err := s.pages.sets[name].ExecuteTemplate(&buf, "layout", d); err != nil {
		s.log.Printf("rendering %s: %v", name, err)
		http.Error(w, "500 internal error: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry form tokens and change as documents are added.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type errorBody struct{ Heading, Message string }

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, e *httpError) {
	heading := http.StatusText(e.Status)
	if e.Status == http.StatusNotFound {
		heading = "Page not found"
	}
	s.render(w, e.Status, "error", pageData{Title: heading, Body: errorBody{heading, e.Message}})
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	// Only the named files: the name is a map key, never a path.
	f, ok := s.pages.static[r.PathValue("name")]
	if !ok {
		s.errorPage(w, r, &httpError{http.StatusNotFound, "There is no such file."})
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(f.body)
}

type homeBody struct {
	Error, URL, Org, Kind string
	MaxUpload             string
	Orgs                  []corpus.Organisation
	Kinds                 []string
	Recent                []corpus.Entry
	MaxTotal              int
	// Queued: documents are queued for the workers (--queue).
	Queued bool
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.renderHome(w, r, http.StatusOK, homeBody{})
}

// renderHome shows the form, with an error and what was typed when a
// submission is refused.
func (s *Server) renderHome(w http.ResponseWriter, r *http.Request, status int, b homeBody) {
	ctx := r.Context()
	b.MaxUpload = bytesize.Human(s.cfg.MaxUpload)
	b.Kinds = corpus.Kinds
	b.MaxTotal = s.maxTotal()
	b.Queued = s.cfg.QueueUploads
	orgs, err := s.cfg.Store.Organisations(ctx)
	if err != nil {
		s.log.Printf("listing organisations: %v", err)
	}
	b.Orgs = orgs
	recent, err := s.cfg.Store.Recent(ctx, 5, s.cfg.Reviewer.RulesVersion())
	if err != nil {
		s.log.Printf("listing documents: %v", err)
	}
	for _, e := range recent {
		e.FirstSeen = dateOf(e.FirstSeen)
		b.Recent = append(b.Recent, e)
	}
	s.render(w, status, "home", pageData{Title: "Score a document", Nav: "home", CSRF: s.csrf.token(w, r), Body: b})
}

func (s *Server) maxTotal() int {
	n := 0
	for _, f := range s.cfg.Rules.Files {
		top := 0
		for _, l := range f.Levels {
			top = max(top, l.Score)
		}
		n += top
	}
	return n
}

// scoreForm takes the home page's form, starts a job and sends the
// browser to its progress page.
func (s *Server) scoreForm(w http.ResponseWriter, r *http.Request) {
	release, herr := s.admit(r)
	if herr != nil {
		s.renderHome(w, r, herr.Status, homeBody{Error: herr.Message})
		return
	}
	started := false
	var f *form
	defer func() {
		if !started {
			f.discard()
			release()
		}
	}()
	f, herr = s.readForm(w, r)
	back := homeBody{}
	if f != nil {
		back.URL, back.Org, back.Kind = f.fields["url"], f.fields["org"], f.fields["kind"]
	}
	if herr != nil {
		s.renderHome(w, r, herr.Status, homeBody{Error: herr.Message, URL: back.URL, Org: back.Org, Kind: back.Kind})
		return
	}
	if err := s.csrf.check(r, f.fields[csrfField]); err != nil {
		back.Error = err.Error()
		s.renderHome(w, r, http.StatusForbidden, back)
		return
	}
	in, herr := s.inputOf(r.Context(), f)
	if herr != nil {
		back.Error = herr.Message
		s.renderHome(w, r, herr.Status, back)
		return
	}
	if s.cfg.QueueUploads {
		// Queued while the browser waits (the upload is on disk, a link
		// is fetched now): the job's page is then the database's, which
		// every server of the corpus shows.
		ctx, cancel := context.WithTimeout(r.Context(), jobTimeout)
		defer cancel()
		id, herr := s.enqueue(ctx, in)
		if herr != nil {
			back.Error = herr.Message
			s.renderHome(w, r, herr.Status, back)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/queue/%d", id), http.StatusSeeOther)
		return
	}
	j, err := s.jobs.add(in.source())
	if err != nil {
		back.Error = err.Error()
		s.renderHome(w, r, http.StatusServiceUnavailable, back)
		return
	}
	s.wg.Add(1)
	started = true
	go func() {
		defer s.wg.Done()
		defer release() // the upload's bytes are held until the job is done
		defer f.discard()
		// The job outlives the request that started it; the server's
		// context ends it at shutdown.
		ctx, cancel := context.WithTimeout(s.ctx, jobTimeout)
		defer cancel()
		out, herr := s.score(ctx, in, j.setStage)
		if herr != nil {
			j.finish(0, herr)
			return
		}
		j.finish(out.docID, nil)
	}()
	http.Redirect(w, r, "/jobs/"+j.id, http.StatusSeeOther)
}

type stageView struct{ Name, State string }

type jobBody struct {
	jobView
	Stages []stageView
}

func (s *Server) jobPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var j *job
	if validJobID(id) {
		j = s.jobs.get(id)
	}
	if j == nil {
		s.errorPage(w, r, &httpError{http.StatusNotFound, "This scoring job is not known: it may have finished more than an hour ago, or the server was restarted. Scored documents are listed under Documents."})
		return
	}
	v := j.view()
	if v.Done && v.Err == nil {
		http.Redirect(w, r, fmt.Sprintf("/documents/%d/", v.DocID), http.StatusSeeOther)
		return
	}
	b := jobBody{jobView: v}
	state := "done"
	for _, st := range stages {
		if st == v.Stage {
			state = "current"
			b.Stages = append(b.Stages, stageView{st, state})
			state = "todo"
			continue
		}
		b.Stages = append(b.Stages, stageView{st, state})
	}
	d := pageData{Title: "Scoring", Nav: "home", Body: b}
	status := http.StatusOK
	if v.Err != nil {
		d.Title = "Could not score the document"
		status = v.Err.Status
	} else {
		d.Refresh = 2
	}
	s.render(w, status, "job", d)
}

// docID parses the {id} of a document route: digits only, so nothing
// else (a path, a hash prefix) reaches the store.
func docID(r *http.Request) (int64, bool) {
	v := r.PathValue("id")
	if v == "" || len(v) > 18 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n > 0
}

var errNoDocument = &httpError{http.StatusNotFound, "There is no document with this number. Stored documents are listed under Documents."}

func (s *Server) documentRedirect(w http.ResponseWriter, r *http.Request) {
	id, ok := docID(r)
	if !ok {
		s.errorPage(w, r, errNoDocument)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/documents/%d/", id), http.StatusMovedPermanently)
}

// detail reads a stored document and its scorecard under the server's
// rules.
// lookup reads the document the address names, as stored.
func (s *Server) lookup(ctx context.Context, r *http.Request) (*corpus.Detail, *httpError) {
	id, ok := docID(r)
	if !ok {
		return nil, errNoDocument
	}
	d, err := s.cfg.Store.Show(ctx, strconv.FormatInt(id, 10), s.cfg.Reviewer.RulesVersion())
	if err != nil || d.ID != id {
		if err == nil || errors.Is(err, corpus.ErrNotFound) {
			return nil, errNoDocument
		}
		s.log.Printf("reading document %d: %v", id, err)
		return nil, &httpError{http.StatusInternalServerError, "The document could not be read from the database; the server's log says why."}
	}
	return d, nil
}

// detail is lookup with the scorecard under the server's rules, and the
// extraction when scoring had to read it.
func (s *Server) detail(ctx context.Context, r *http.Request) (*corpus.Detail, *document.Document, *httpError) {
	d, herr := s.lookup(ctx, r)
	if herr != nil {
		return nil, nil, herr
	}
	card, doc, err := s.cardOfDetail(ctx, d)
	if err != nil {
		s.log.Printf("scoring document %d: %v", d.ID, err)
		return nil, nil, &httpError{http.StatusInternalServerError, "The document's scorecard could not be read; the server's log says why."}
	}
	d.Card = card
	return d, doc, nil
}

type scorecardBody struct {
	Entry corpus.Entry
	Card  template.HTML
	// Pack: the document was read as a board pack, which has a view
	// of its papers.
	Pack bool
	// Sources are the names the document was stored under (the same
	// bytes under several names are one document), listed when several.
	Sources []corpus.SourceRecord
}

type packBody struct {
	Entry corpus.Entry
	Pack  template.HTML
}

// extraction is a stored document's extraction: doc when scoring has
// already read it, else read from the store.
func (s *Server) extraction(ctx context.Context, d *corpus.Detail, doc *document.Document) (*document.Document, *httpError) {
	if doc != nil {
		return doc, nil
	}
	doc, err := s.cfg.Store.Extraction(ctx, d.SHA256)
	if err != nil || doc == nil {
		if err != nil {
			s.log.Printf("reading the extraction of document %d: %v", d.ID, err)
		}
		return nil, &httpError{http.StatusInternalServerError, "The text of this document is not stored; run 'nhsreview corpus rescore --all' to read it again."}
	}
	return doc, nil
}

// packOf is a stored pack's papers, as 'corpus pack' shows them: those
// stored with it (package triage), or, where none are stored under the
// server's rules and this splitter, its stored extraction split into
// papers and each triaged now (not stored: the next 'corpus rescore'
// stores them). Splitting and scoring a pack of 23 papers takes a third
// of a second, too long to spend on every look at its page.
func (s *Server) packOf(ctx context.Context, d *corpus.Detail, doc *document.Document) (*reports.Pack, *httpError) {
	if view, failed, _ := triage.Stored(ctx, s.cfg.Store, fmt.Sprint(d.ID), d, s.cfg.Reviewer.RulesVersion()); view != nil {
		for _, f := range failed {
			s.log.Printf("document %d: item %s: %v", d.ID, f.Number, f.Err)
		}
		return view, nil
	}
	doc, herr := s.extraction(ctx, d, doc)
	if herr != nil {
		return nil, herr
	}
	view, failed, err := triage.Pack(ctx, d.Source, doc, s.cfg.Reviewer.Score)
	if err != nil {
		s.log.Printf("triaging the pack of document %d: %v", d.ID, err)
		return nil, &httpError{http.StatusServiceUnavailable, "The pack could not be split and triaged in time; try again."}
	}
	for _, f := range failed {
		s.log.Printf("document %d: item %s: %v", d.ID, f.Number, f.Err)
	}
	return view, nil
}

// packPage shows a board pack as 'nhsreview pack' does: the agenda as a
// table, each row linking to its paper's red flags, questions, scores
// and passages, whose pages link to the text.
func (s *Server) packPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, doc, herr := s.detail(ctx, r)
	if herr != nil {
		s.errorPage(w, r, herr)
		return
	}
	view, herr := s.packOf(ctx, d, doc)
	if herr != nil {
		s.errorPage(w, r, herr)
		return
	}
	var buf bytes.Buffer
	if err := s.pages.fragments.Pack(&buf, view); err != nil {
		s.log.Printf("rendering the pack of document %d: %v", d.ID, err)
		s.errorPage(w, r, &httpError{http.StatusInternalServerError, "The pack could not be shown."})
		return
	}
	title := d.Title
	if title == "" {
		title = "Board pack"
	}
	// The fragment was escaped by html/template when it was rendered.
	s.render(w, http.StatusOK, "pack", pageData{Title: title + " (papers)", Nav: "documents", Body: packBody{d.Entry, template.HTML(buf.String())}})
}

func (s *Server) scorecardPage(w http.ResponseWriter, r *http.Request) {
	d, _, herr := s.detail(r.Context(), r)
	if herr != nil {
		s.errorPage(w, r, herr)
		return
	}
	var buf bytes.Buffer
	if err := s.pages.fragments.Card(&buf, d.Card); err != nil {
		s.log.Printf("rendering scorecard %d: %v", d.ID, err)
		s.errorPage(w, r, &httpError{http.StatusInternalServerError, "The scorecard could not be shown."})
		return
	}
	title := d.Title
	if title == "" {
		title = "Scorecard"
	}
	// The fragment was escaped by html/template when it was rendered.
	pack := d.Card != nil && d.Card.Document.Kind == annotate.KindBoardPapers
	s.render(w, http.StatusOK, "scorecard", pageData{Title: title, Nav: "documents", Body: scorecardBody{d.Entry, template.HTML(buf.String()), pack, d.Sources}})
}

func (s *Server) documentView(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, doc, herr := s.detail(ctx, r)
	if herr != nil {
		s.errorPage(w, r, herr)
		return
	}
	doc, herr = s.extraction(ctx, d, doc)
	if herr != nil {
		s.errorPage(w, r, herr)
		return
	}
	card := d.Card
	if card != nil && card.Document.Kind == annotate.KindBoardPapers {
		// The pack view's passages link here too: mark its papers'
		// evidence beside the pack's own.
		if view, herr := s.packOf(ctx, d, doc); herr == nil {
			card = withPapers(card, view)
		}
	}
	v := buildDocView(d.ID, doc, card)
	if v.Source == "" {
		v.Source = d.Source
	}
	s.render(w, http.StatusOK, "document", pageData{Title: v.Title + " (text)", Nav: "documents", Body: v})
}

// filter reads the corpus filters of a query: org, kind, since.
func (s *Server) filter(ctx context.Context, q url.Values) (corpus.Filter, *httpError) {
	f := corpus.Filter{Org: strings.ToUpper(strings.TrimSpace(q.Get("org"))), Kind: strings.TrimSpace(q.Get("kind"))}
	if err := corpus.CheckKind(f.Kind); err != nil {
		return f, &httpError{http.StatusBadRequest, "Kind: " + err.Error()}
	}
	if f.Org != "" {
		m := corpus.Meta{Org: f.Org}
		if err := s.cfg.Store.CheckMeta(ctx, &m); err != nil {
			return f, &httpError{http.StatusBadRequest, "Organisation: " + err.Error()}
		}
	}
	if v := strings.TrimSpace(q.Get("since")); v != "" {
		t, err := corpus.ParseSince(v)
		if err != nil {
			return f, &httpError{http.StatusBadRequest, "Date " + err.Error() + "."}
		}
		f.Since = t
	}
	return f, nil
}

type documentsBody struct {
	Error, Org, Kind, Since string
	Filtered                bool
	Orgs                    []corpus.Organisation
	Kinds                   []string
	Entries                 []corpus.Entry
	Count                   string
	CompareAll              string
}

func (s *Server) documentList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	b := documentsBody{Org: q.Get("org"), Kind: q.Get("kind"), Since: q.Get("since"), Kinds: corpus.Kinds}
	b.Filtered = b.Org != "" || b.Kind != "" || b.Since != ""
	orgs, err := s.cfg.Store.Organisations(ctx)
	if err != nil {
		s.log.Printf("listing organisations: %v", err)
	}
	// Only organisations with documents are worth filtering by.
	for _, o := range orgs {
		if o.Documents > 0 || strings.EqualFold(o.Code, b.Org) {
			b.Orgs = append(b.Orgs, o)
		}
	}
	status := http.StatusOK
	f, herr := s.filter(ctx, q)
	if herr != nil {
		b.Error, status = herr.Message, herr.Status
	} else {
		b.Entries, err = s.cfg.Store.List(ctx, f, s.cfg.Reviewer.RulesVersion())
		if err != nil {
			s.log.Printf("listing documents: %v", err)
			s.errorPage(w, r, &httpError{http.StatusInternalServerError, "The documents could not be listed; the server's log says why."})
			return
		}
	}
	for i := range b.Entries {
		b.Entries[i].FirstSeen = dateOf(b.Entries[i].FirstSeen)
	}
	b.Count = textclean.Plural(len(b.Entries), "document")
	all := url.Values{}
	for _, k := range []string{"org", "kind", "since"} {
		if v := q.Get(k); v != "" {
			all.Set(k, v)
		}
	}
	all.Set("all", "1")
	b.CompareAll = "/compare?" + all.Encode()
	s.render(w, status, "documents", pageData{Title: "Documents", Nav: "documents", Body: b})
}

// dateOf is the day of a stored RFC 3339 time, which is all a list
// needs.
func dateOf(stamp string) string {
	if len(stamp) >= 10 {
		return stamp[:10]
	}
	return stamp
}

// maxCompare bounds a comparison: beyond it the heatmap is unreadable and
// the page slow to build.
const maxCompare = 500

type compareDoc struct {
	ID    int64
	Title string
}

type compareBody struct {
	Fragment template.HTML
	Docs     []compareDoc
}

func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	var cards []*rules.Scorecard
	var docs []compareDoc
	ids := q["id"]
	switch {
	case len(ids) > maxCompare:
		s.errorPage(w, r, &httpError{http.StatusBadRequest, fmt.Sprintf("Choose at most %d documents to compare.", maxCompare)})
		return
	case len(ids) > 0:
		seen := map[int64]bool{}
		for _, v := range ids {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				s.errorPage(w, r, &httpError{http.StatusBadRequest, fmt.Sprintf("%q is not a document number.", v)})
				return
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			card, err := s.cardOf(ctx, id)
			if err != nil {
				if errors.Is(err, corpus.ErrNotFound) {
					s.errorPage(w, r, &httpError{http.StatusNotFound, fmt.Sprintf("There is no document %d.", id)})
					return
				}
				s.log.Printf("comparing document %d: %v", id, err)
				s.errorPage(w, r, &httpError{http.StatusInternalServerError, "A scorecard could not be read; the server's log says why."})
				return
			}
			cards = append(cards, card)
			docs = append(docs, compareDoc{id, titleOf(card)})
		}
	case q.Get("all") != "":
		f, herr := s.filter(ctx, q)
		if herr != nil {
			s.errorPage(w, r, herr)
			return
		}
		stored, err := s.cfg.Store.Scorecards(ctx, f, s.cfg.Reviewer.RulesVersion())
		if err != nil {
			s.log.Printf("comparing: %v", err)
			s.errorPage(w, r, &httpError{http.StatusInternalServerError, "The scorecards could not be read; the server's log says why."})
			return
		}
		if len(stored) > maxCompare {
			s.errorPage(w, r, &httpError{http.StatusBadRequest, fmt.Sprintf("%d documents match: narrow the filters to at most %d.", len(stored), maxCompare)})
			return
		}
		for _, c := range stored {
			cards = append(cards, c.Card)
			docs = append(docs, compareDoc{c.ID, titleOf(c.Card)})
		}
	}
	b := compareBody{Docs: docs}
	if len(cards) > 0 {
		var buf bytes.Buffer
		if err := s.pages.fragments.Compare(&buf, reports.NewComparison(cards)); err != nil {
			s.log.Printf("rendering a comparison: %v", err)
			s.errorPage(w, r, &httpError{http.StatusInternalServerError, "The comparison could not be shown."})
			return
		}
		b.Fragment = template.HTML(buf.String())
	}
	s.render(w, http.StatusOK, "compare", pageData{Title: "Comparison", Nav: "documents", Script: len(cards) > 0, Body: b})
}

func titleOf(c *rules.Scorecard) string {
	if t := strings.TrimSpace(c.Document.Title); t != "" {
		return t
	}
	return c.Document.Source
}

type levelView struct {
	Score          int
	Class, Summary string
}

type criterionView struct {
	ID, Name, Question, Description string
	Levels                          []levelView
}

type aboutBody struct {
	Criteria     []criterionView
	RulesVersion string
}

// placeholder is a count the rules fill into a summary ("{shaping}
// passages"); the about page speaks of no document in particular.
var placeholder = lazyre.New(`\s*\(?\{[a-z0-9_-]+\}[^,;.)]*\)?`)

func (s *Server) aboutPage(w http.ResponseWriter, r *http.Request) {
	b := aboutBody{RulesVersion: s.cfg.Rules.Version}
	for _, f := range s.cfg.Rules.Files {
		cv := criterionView{ID: f.ID, Name: f.Name, Question: f.Question, Description: strings.TrimSpace(f.Description)}
		cv.Levels = append(cv.Levels, levelView{0, "s0", f.NoneSummary})
		for _, l := range f.Levels {
			cv.Levels = append(cv.Levels, levelView{l.Score, "s" + strconv.Itoa(min(max(l.Score, 0), 3)), strings.TrimSpace(placeholder.ReplaceAllString(l.Summary, ""))})
		}
		b.Criteria = append(b.Criteria, cv)
	}
	s.render(w, http.StatusOK, "about", pageData{Title: "What the scores mean", Nav: "about", Body: b})
}

// form is a submitted scoring form (multipart or URL-encoded).
type form struct {
	fields map[string]string
	// file is the uploaded file, spooled to disk; whoever ends the
	// request or the job it starts removes it.
	file *upload
}

// discard removes what the form holds on disk; safe on nil.
func (f *form) discard() {
	if f != nil {
		f.file.remove()
	}
}

// Form limits beyond the file: a few short fields.
const (
	maxFieldBytes = 8 << 10
	maxParts      = 16
	formSlack     = 1 << 20
)

var formFields = map[string]bool{"url": true, "org": true, "kind": true, csrfField: true}

// admit decides, before a byte of the body is read, whether there is room
// for the request: a multipart upload reserves its size (or the upload
// limit, when the client does not say) from the server's upload budget,
// and nothing is admitted when the queue of jobs is full. Either way a
// request refused now costs the server nothing. release gives the bytes
// back; call it once the document is no longer held.
func (s *Server) admit(r *http.Request) (release func(), herr *httpError) {
	busy := &httpError{http.StatusServiceUnavailable, errBusy.Error()}
	if s.limit.full() {
		return nil, busy
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return func() {}, nil
	}
	n := r.ContentLength
	if n <= 0 || n > s.cfg.MaxUpload+formSlack {
		n = s.cfg.MaxUpload + formSlack
	}
	if !s.budget.take(n) {
		return nil, busy
	}
	var once sync.Once
	return func() { once.Do(func() { s.budget.give(n) }) }, nil
}

// readForm reads a scoring form within the size limit: one file (the
// "file" field, up to MaxUpload) and short fields. Past the limit it
// answers 413 without reading further.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (*form, *httpError) {
	limit := s.cfg.MaxUpload
	tooLarge := &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than this server's upload limit of %s.", bytesize.Human(limit))}
	if r.ContentLength > limit+formSlack {
		return nil, tooLarge
	}
	r.Body = http.MaxBytesReader(w, newRateReader(w, r.Body), limit+formSlack)
	f := &form{fields: map[string]string{}}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, &httpError{http.StatusBadRequest, "The form could not be read: " + oneLine(err.Error())}
		}
		for n := 0; ; n++ {
			part, err := mr.NextPart()
			if errors.Is(err, errEOF) {
				break
			}
			if err != nil {
				if isMaxBytes(err) {
					return f, tooLarge
				}
				return f, &httpError{http.StatusBadRequest, "The form could not be read: " + oneLine(err.Error())}
			}
			if n >= maxParts {
				part.Close()
				return f, &httpError{http.StatusBadRequest, "The form has too many fields."}
			}
			name := part.FormName()
			switch {
			case name == "file":
				if f.file != nil {
					part.Close()
					return f, &httpError{http.StatusBadRequest, "Send one file at a time."}
				}
				// The file goes to disk as it arrives: however many
				// clients upload at once, memory holds only their
				// buffers.
				u, err := spoolUpload(s.spool, cleanFileName(part.FileName()), part, limit)
				part.Close()
				if err != nil {
					if isMaxBytes(err) || errors.Is(err, errPartTooLarge) {
						return f, tooLarge
					}
					if errors.Is(err, errSpool) {
						s.log.Printf("%v", err)
						return f, &httpError{http.StatusInternalServerError, "The upload could not be stored for scoring; the server's log says why."}
					}
					return f, &httpError{http.StatusBadRequest, "The file could not be read: " + oneLine(err.Error())}
				}
				f.file = u
			case formFields[name]:
				v, err := readLimited(part, maxFieldBytes)
				part.Close()
				if err != nil {
					if isMaxBytes(err) {
						return f, tooLarge
					}
					return f, &httpError{http.StatusBadRequest, fmt.Sprintf("The %s field is too long.", name)}
				}
				f.fields[name] = strings.TrimSpace(string(v))
			default:
				part.Close()
			}
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err != nil {
			if isMaxBytes(err) {
				return nil, tooLarge
			}
			return nil, &httpError{http.StatusBadRequest, "The form could not be read: " + oneLine(err.Error())}
		}
		for name := range formFields {
			f.fields[name] = strings.TrimSpace(r.PostForm.Get(name))
		}
	default:
		return nil, &httpError{http.StatusUnsupportedMediaType, "Send a form (multipart/form-data with a file field, or a url field)."}
	}
	return f, nil
}

// inputOf checks what a form asks for: a file or a link (not both), and
// the organisation and kind to file it under.
func (s *Server) inputOf(ctx context.Context, f *form) (input, *httpError) {
	in := input{file: f.file, url: f.fields["url"], meta: corpus.Meta{Org: f.fields["org"], Kind: f.fields["kind"]}}
	switch {
	case in.file != nil && in.url != "":
		return in, &httpError{http.StatusBadRequest, "Give a file or a link, not both."}
	case in.file == nil && in.url == "":
		return in, &httpError{http.StatusBadRequest, "Choose a file to upload or paste a link to a document."}
	}
	if in.url != "" {
		if herr := checkURL(in.url); herr != nil {
			return in, herr
		}
	}
	if err := s.cfg.Store.CheckMeta(ctx, &in.meta); err != nil {
		return in, &httpError{http.StatusBadRequest, oneLine(err.Error())}
	}
	return in, nil
}

// checkURL accepts only absolute http and https URLs: anything else would
// be read by fetch.Get as a path on the server's disk.
func checkURL(raw string) *httpError {
	bad := &httpError{http.StatusBadRequest, "The link must be a web address starting with https:// or http://."}
	if len(raw) > 4096 {
		return &httpError{http.StatusBadRequest, "The link is too long."}
	}
	u, err := url.Parse(raw)
	if err != nil || !fetched.IsURL(raw) || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return bad
	}
	return nil
}

var (
	errEOF          = io.EOF
	errPartTooLarge = errors.New("part too large")
)

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// readLimited reads a form part, failing past limit bytes rather than
// cutting it (a cut PDF would be misread as a corrupt one).
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errPartTooLarge
	}
	return buf.Bytes(), nil
}

// cleanFileName keeps the base name of an uploaded file, printable and
// short: it is shown on pages and stored as part of the document's
// source, and its extension helps tell Markdown from plain text.
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.Trim(name, "."))
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	if name == "" {
		return "upload"
	}
	return name
}

// withPapers is a card with the criteria of each triaged paper of a pack
// added, named for the paper ("6 Chief Executive's Report: Costed plans"),
// so that the text view marks the passages the pack view quotes.
func withPapers(c *rules.Scorecard, p *reports.Pack) *rules.Scorecard {
	out := *c
	out.Criteria = slices.Clone(c.Criteria)
	for _, pp := range p.Papers {
		if pp.Card == nil {
			continue
		}
		for _, cr := range pp.Card.Criteria {
			cr.Name = strings.TrimSpace(pp.Number+" "+pp.Title) + ": " + cr.Name
			out.Criteria = append(out.Criteria, cr)
		}
	}
	return &out
}

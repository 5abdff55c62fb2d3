// Package web is nhsreview's web interface (`nhsreview serve`): pages to
// upload a document or paste a link and read its scorecard, the document
// with its evidence highlighted, the corpus and comparisons, and the same
// results as JSON under /api/. Pages are rendered on the server with
// html/template and work without JavaScript; nothing is loaded from other
// sites.
//
// The command gives it the reviewer (a *pipeline.Reviewer) and the corpus
// store; every scored upload or link is stored in the corpus, so that its
// scorecard and document view have an address. Under --queue the server
// scores nothing itself: each upload is kept in the database with a job
// for the workers (package pipeline/jobs), and its page follows the job.
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/pipeline"
	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/rules"
)

// DefaultMaxUpload is the size limit of an uploaded or downloaded
// document when Config.MaxUpload is 0.
const DefaultMaxUpload = 100 << 20

// jobTimeout bounds one scoring job, from waiting for a slot to storing
// the result: a document that takes longer is not worth keeping a slot.
const jobTimeout = 5 * time.Minute

// Config is what the command gives the server.
type Config struct {
	Store *corpus.Store
	// Reviewer reads and scores each document (a *pipeline.Reviewer);
	// the jobs learn its stages through pipeline.WithStages.
	Reviewer corpus.Reviewer
	// Rules is the rule set the reviewer scores with; the about page
	// explains its criteria.
	Rules *rules.Set
	// Fetch is the base of URL fetches (timeout, User-Agent); the server
	// sets the size limit (MaxUpload) and its own guarded client.
	Fetch fetch.Options
	// MaxUpload is the size limit of a document, uploaded or fetched.
	MaxUpload int64
	// Jobs is the number of documents scored at the same time.
	Jobs int
	// SpoolDir is where uploads are written while they arrive and wait
	// for their job; empty: the corpus database's directory (or the
	// system's temporary directory for a corpus without one).
	SpoolDir string
	// UploadBudget bounds the bytes of uploads held at once (arriving,
	// waiting and being scored); 0 means DefaultUploadBudget of Jobs and
	// MaxUpload.
	UploadBudget int64
	// AllowPrivate lets URL fetches reach loopback, private and
	// link-local addresses (for testing against a local server).
	AllowPrivate bool
	// AllowedHosts, when set, are the only host names requests may
	// address (the Host header): a server on loopback refuses names a
	// hostile page could point at 127.0.0.1 (DNS rebinding).
	AllowedHosts []string
	// Log receives errors the user is not shown in full; nil discards.
	Log *log.Logger
	// Queue is the corpus's job queue, whose upload jobs (those of
	// servers run with QueueUploads) have a page here, /queue/ID, on
	// every server of the corpus; nil: none.
	Queue *jobs.Queue
	// QueueUploads: uploads and links are not scored here but kept in
	// the database with an upload job, which a worker runs (serve
	// --queue); Queue must be set.
	QueueUploads bool
}

// DefaultUploadBudget is the bytes of uploads held at once when not set:
// a full-size document for each running job and as many again arriving
// or waiting.
func DefaultUploadBudget(jobs int, maxUpload int64) int64 { return 2 * int64(max(jobs, 1)) * maxUpload }

// Server serves the web interface. Close it to stop the jobs it runs.
type Server struct {
	cfg   Config
	guard *guard
	// client fetches pasted links through the guard; one for the
	// server, so that connections are reused and idle ones bounded.
	client  *http.Client
	csrf    *csrfKeys
	limit   *limiter
	budget  *budget
	spool   string // directory of spooled uploads
	jobs    *jobTable
	pages   *pages
	mux     *http.ServeMux
	handler http.Handler
	cop     *http.CrossOriginProtection
	log     *log.Logger

	// ctx ends the jobs started from forms (they outlive their request).
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Reviewer == nil || cfg.Rules == nil {
		return nil, errors.New("web: a store, a reviewer and a rule set are needed")
	}
	if cfg.QueueUploads && cfg.Queue == nil {
		return nil, errors.New("web: queueing uploads needs the job queue")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.Jobs <= 0 {
		cfg.Jobs = 1
	}
	if cfg.UploadBudget <= 0 {
		cfg.UploadBudget = DefaultUploadBudget(cfg.Jobs, cfg.MaxUpload)
	}
	keys, err := newCSRFKeys()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	pg, err := newPages()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	g := newGuard(cfg.AllowPrivate)
	s := &Server{
		cfg:    cfg,
		guard:  g,
		client: g.client(),
		csrf:   keys,
		limit:  newLimiter(cfg.Jobs),
		budget: newBudget(cfg.UploadBudget),
		spool:  spoolDir(cfg.SpoolDir, cfg.Store.File()),
		jobs:   newJobTable(),
		pages:  pg,
		cop:    http.NewCrossOriginProtection(),
		log:    cfg.Log,
	}
	if s.log == nil {
		s.log = log.New(io.Discard, "", 0)
	}
	if err := removeStaleSpool(s.spool, time.Now()); err != nil {
		s.log.Printf("removing old spooled uploads: %v", err)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.routes()
	return s, nil
}

// Close cancels the running jobs and waits for them to stop.
func (s *Server) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// NewHTTPServer is an http.Server for h with a timeout on every phase of a
// request, so that a slow or stalled client cannot hold a connection: the
// headers in 10 s, a whole upload in 10 minutes, the answer (a JSON score
// waits for its job) within jobTimeout and a margin.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Minute,
		WriteTimeout:      jobTimeout + 11*time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("POST /score", s.scoreForm)
	m.HandleFunc("GET /jobs/{id}", s.jobPage)
	m.HandleFunc("GET /queue/{id}", s.queuedPage)
	m.HandleFunc("GET /documents", s.documentList)
	m.HandleFunc("GET /documents/{id}", s.documentRedirect)
	m.HandleFunc("GET /documents/{id}/{$}", s.scorecardPage)
	m.HandleFunc("GET /documents/{id}/text", s.documentView)
	m.HandleFunc("GET /documents/{id}/pack", s.packPage)
	m.HandleFunc("GET /compare", s.comparePage)
	m.HandleFunc("GET /search", s.searchPage)
	m.HandleFunc("GET /about", s.aboutPage)
	m.HandleFunc("GET /static/{name}", s.static)

	m.HandleFunc("POST /api/score", s.apiScore)
	m.HandleFunc("GET /api/documents", s.apiDocuments)
	m.HandleFunc("GET /api/documents/{id}", s.apiDocument)
	m.HandleFunc("GET /api/documents/{id}/extraction", s.apiExtraction)
	m.HandleFunc("GET /api/queue/{id}", s.apiQueued)
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if allow := s.allowed(r); allow != "" {
			w.Header().Set("Allow", allow)
			s.apiError(w, &httpError{http.StatusMethodNotAllowed, r.Method + " is not allowed here; use " + allow})
			return
		}
		s.apiError(w, &httpError{http.StatusNotFound, "no such API endpoint: see GET /api/documents, GET /api/documents/{id}, POST /api/score, GET /api/queue/{id}"})
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := s.allowed(r); allow != "" {
			w.Header().Set("Allow", allow)
			s.errorPage(w, r, &httpError{http.StatusMethodNotAllowed, "This address does not take " + r.Method + " requests."})
			return
		}
		s.errorPage(w, r, &httpError{http.StatusNotFound, "There is no page at this address."})
	})
	s.mux = m
	s.handler = s.secure(m)
}

// allowed lists the methods the routes take at r's path, when the
// catch-all patterns (which match any method) caught r only for its
// method: the answer is then 405, not 404.
func (s *Server) allowed(r *http.Request) string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "/api/" && pattern != "" {
			methods = append(methods, m)
		}
	}
	return strings.Join(methods, ", ")
}

// secure wraps every response: security headers, the Host check and,
// for requests that change something, the cross-origin check.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Only our own files: no inline script or style, nothing from
		// elsewhere, no framing, forms post only here.
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if !s.hostAllowed(r.Host) {
			// Not a page: whoever asks under another name is not a user
			// of this server.
			http.Error(w, "421 misdirected request: this server answers only to "+strings.Join(s.cfg.AllowedHosts, ", "), http.StatusMisdirectedRequest)
			return
		}
		if err := s.cop.Check(r); err != nil {
			he := &httpError{http.StatusForbidden, "Refused: this request came from another website."}
			if strings.HasPrefix(r.URL.Path, "/api/") {
				s.apiError(w, he)
			} else {
				s.errorPage(w, r, he)
			}
			return
		}
		next.ServeHTTP(retryAfter{w}, r)
	})
}

// retryAfterSeconds is when a client told "busy" (503) should try again:
// about the time a job takes.
const retryAfterSeconds = "30"

// retryAfter adds Retry-After to every 503, whichever handler sends it,
// so that clients back off instead of retrying at once.
type retryAfter struct{ http.ResponseWriter }

func (w retryAfter) WriteHeader(code int) {
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (deadlines,
// flushing) through the wrapper.
func (w retryAfter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) hostAllowed(host string) bool {
	if len(s.cfg.AllowedHosts) == 0 {
		return true
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	for _, a := range s.cfg.AllowedHosts {
		if strings.EqualFold(strings.Trim(a, "[]"), host) {
			return true
		}
	}
	return false
}

// httpError is a status and a one-line message for the user.
type httpError struct {
	Status  int
	Message string
}

func (e *httpError) Error() string { return e.Message }

// input is what a form or an API request asks to score.
type input struct {
	file *upload
	url  string
	meta corpus.Meta
}

func (in input) source() string {
	if in.url != "" {
		return in.url
	}
	return in.file.name
}

// scored is the outcome of a job.
type scored struct {
	docID int64
	card  *rules.Scorecard
}

// score fetches (for a URL), reads, scores and stores one document,
// reporting its stage; errors come back with the HTTP status they
// deserve.
func (s *Server) score(ctx context.Context, in input, stage func(string)) (out *scored, herr *httpError) {
	release, err := s.limit.acquire(ctx)
	if err != nil {
		if errors.Is(err, errBusy) {
			return nil, &httpError{http.StatusServiceUnavailable, err.Error()}
		}
		return nil, &httpError{http.StatusServiceUnavailable, "stopped before it started: " + err.Error()}
	}
	defer release()
	// A bug in a reader or a rule must cost this document, not the server
	// (jobs run outside any request, where nothing else would recover).
	// The guard, deferred last, runs first and hands the panic on; the
	// log gets its whole value, the user one line.
	var crashed error
	defer func() {
		var ce *crash.Error
		if errors.As(crashed, &ce) {
			s.log.Printf("scoring %s: panic: %v", in.source(), ce.Value)
			out, herr = nil, &httpError{http.StatusInternalServerError, "nhsreview failed on this document (an internal error); the server's log says more."}
		}
	}()
	defer crash.Guard(&crashed, "scoring")

	res, herr := s.received(ctx, in, stage)
	if herr != nil {
		return nil, herr
	}

	// The job's page shows the stage the reviewer has reached.
	withStages := pipeline.WithStages(ctx, func(st pipeline.Stage) {
		switch st {
		case pipeline.Reading:
			stage(stageReading)
		case pipeline.Scoring:
			stage(stageScoring)
		case pipeline.Scored:
			stage(stageStoring)
		}
	})
	stored, err := s.cfg.Store.Ingest(withStages, s.cfg.Reviewer, res, in.meta)
	if err != nil {
		var failed *pipeline.StageError
		switch {
		case errors.Is(err, fetched.ErrUnsupported):
			return nil, &httpError{http.StatusUnsupportedMediaType, "This is not a document nhsreview can read: " + oneLine(err.Error())}
		case ctx.Err() != nil:
			return nil, &httpError{http.StatusServiceUnavailable, "Stopped: " + oneLine(context.Cause(ctx).Error())}
		case errors.As(err, &failed):
			// The reviewer could not read or score it: the document's
			// fault (or a reader's), not the server's.
			return nil, &httpError{http.StatusUnprocessableEntity, "The document could not be read: " + oneLine(err.Error())}
		}
		s.log.Printf("storing %s: %v", in.source(), err)
		return nil, &httpError{http.StatusInternalServerError, "The document was read but could not be saved; the server's log says why."}
	}
	card := stored.Card
	if card == nil {
		// The same bytes were stored before: show their score under
		// today's rules.
		if card, err = s.cardOf(ctx, stored.DocumentID); err != nil {
			s.log.Printf("reading document %d: %v", stored.DocumentID, err)
			return nil, &httpError{http.StatusInternalServerError, "The document is stored but its score could not be read; the server's log says why."}
		}
	}
	// A score reused from the same bytes stored under another source
	// names that source: this one asked.
	card.Document.Source = res.Source
	return &scored{docID: stored.DocumentID, card: card}, nil
}

// received is the document in: the link fetched (through the guard,
// within the size limit), or the upload read back from its spool file.
func (s *Server) received(ctx context.Context, in input, stage func(string)) (*fetched.Doc, *httpError) {
	if in.url != "" {
		stage(stageFetching)
		opt := s.cfg.Fetch
		opt.MaxBytes = s.cfg.MaxUpload
		opt.Client = s.client
		opt.Header = nil
		res, err := fetch.Get(ctx, in.url, opt)
		if err != nil {
			return nil, fetchError(err, s.cfg.MaxUpload)
		}
		return res, nil
	}
	data, err := in.file.data()
	if err != nil {
		s.log.Printf("%s: %v", in.source(), err)
		return nil, &httpError{http.StatusInternalServerError, "The upload could not be read back for scoring; the server's log says why."}
	}
	return &fetched.Doc{Source: in.file.source(), Data: data, FetchedAt: time.Now()}, nil
}

// fetchError gives a URL fetch's failure its status: the user's link
// (400), the size limit (413), the other server (502) or its slowness
// (504).
func fetchError(err error, limit int64) *httpError {
	msg := oneLine(err.Error())
	switch {
	case errors.Is(err, errBlockedAddress):
		return &httpError{http.StatusBadRequest, "This link cannot be fetched: " + msg + ". Only public web addresses are allowed."}
	case errors.Is(err, fetch.ErrTooLarge):
		return &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("The document is larger than this server's limit of %s.", bytesize.Human(limit))}
	case errors.Is(err, context.DeadlineExceeded):
		return &httpError{http.StatusGatewayTimeout, "The other website took too long: " + msg}
	case errors.Is(err, fetch.ErrBadURL):
		return &httpError{http.StatusBadRequest, "This link is not a web address nhsreview can fetch: " + msg}
	}
	var se *fetch.StatusError
	if errors.As(err, &se) {
		return &httpError{http.StatusBadGateway, "The other website answered " + msg + "."}
	}
	return &httpError{http.StatusBadGateway, "The link could not be fetched: " + msg}
}

// cardOf is a stored document's scorecard under the server's rules,
// scored from the stored extraction, once, when it was stored under
// other rules.
func (s *Server) cardOf(ctx context.Context, id int64) (*rules.Scorecard, error) {
	d, err := s.cfg.Store.Show(ctx, fmt.Sprint(id), s.cfg.Reviewer.RulesVersion())
	if err != nil {
		return nil, err
	}
	card, _, err := s.cardOfDetail(ctx, d)
	return card, err
}

// cardOfDetail is cardOf for a document already read; doc is its
// extraction when scoring had to read it, else nil.
func (s *Server) cardOfDetail(ctx context.Context, d *corpus.Detail) (card *rules.Scorecard, doc *document.Document, err error) {
	if d.Card == nil || d.RulesVersion != s.cfg.Reviewer.RulesVersion() {
		if card, doc, err = s.cfg.Store.ScoreStored(ctx, s.cfg.Reviewer, d.SHA256); err != nil {
			return nil, nil, err
		}
	}
	if card == nil {
		card = d.Card
	}
	if card == nil {
		return nil, nil, fmt.Errorf("document %d has no stored extraction", d.ID)
	}
	// Stored once per content: it may name another source of the same
	// bytes.
	card.Document.Source = d.Source
	return card, doc, nil
}

// oneLine folds an error message's whitespace for a page. It is not
// textclean.OneLine, which only turns line breaks into spaces, nor
// textclean.Fold, which also rewrites invalid UTF-8.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

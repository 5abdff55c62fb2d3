package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/reports"
	"github.com/nhsreview/nhsreview/rules"
)

// apiHeader must be present on POST /api/score. Forms are protected by
// their token; API clients (scripts, curl) have no page to take a token
// from, so the API asks for a header instead: a page on another site
// cannot send a custom header without a CORS preflight, which this server
// never grants, and a plain HTML form cannot send one at all. The
// cross-origin check (Sec-Fetch-Site, Origin) applies as well.
const apiHeader = "X-Requested-With"

func (s *Server) apiError(w http.ResponseWriter, e *httpError) {
	s.writeJSON(w, e.Status, map[string]any{"error": e.Message, "status": e.Status})
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		s.log.Printf("encoding JSON: %v", err)
		http.Error(w, `{"error": "internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// apiScore scores one document (a multipart file, or a url field) and
// answers with the score JSON of CONTRACT.md; the document is stored in
// the corpus, at the address given in Content-Location.
func (s *Server) apiScore(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(apiHeader) == "" {
		s.apiError(w, &httpError{http.StatusForbidden, "API requests must carry the header " + apiHeader + " (any value), e.g. curl -H '" + apiHeader + ": curl' -F file=@plan.pdf …"})
		return
	}
	release, herr := s.admit(r)
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	defer release()
	f, herr := s.readForm(w, r)
	defer f.discard()
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	in, herr := s.inputOf(r.Context(), f)
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	if s.cfg.QueueUploads {
		s.apiScoreQueued(w, r, in, func() {
			f.discard()
			release()
		})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), jobTimeout)
	defer cancel()
	out, herr := s.score(ctx, in, func(string) {})
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	s.writeScore(w, out.docID, out.card)
}

// writeScore answers with a stored document's score JSON, and its
// addresses.
func (s *Server) writeScore(w http.ResponseWriter, docID int64, card *rules.Scorecard) {
	var buf bytes.Buffer
	if err := reports.JSON(&buf, []*rules.Scorecard{card}); err != nil {
		s.log.Printf("encoding a scorecard: %v", err)
		s.apiError(w, &httpError{http.StatusInternalServerError, "the scorecard could not be encoded"})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Location", fmt.Sprintf("/api/documents/%d", docID))
	h.Set("Link", fmt.Sprintf("</documents/%d/>; rel=\"alternate\"; type=\"text/html\"", docID))
	_, _ = w.Write(buf.Bytes())
}

// apiDocuments lists the stored documents, filtered as the Documents page
// is (org, kind, since).
func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) {
	f, herr := s.filter(r.Context(), r.URL.Query())
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	entries, err := s.cfg.Store.List(r.Context(), f, s.cfg.Reviewer.RulesVersion())
	if err != nil {
		s.log.Printf("listing documents: %v", err)
		s.apiError(w, &httpError{http.StatusInternalServerError, "the documents could not be listed"})
		return
	}
	if entries == nil {
		entries = []corpus.Entry{}
	}
	s.writeJSON(w, http.StatusOK, entries)
}

// apiDocument is everything stored about a document, with its scorecard
// under the server's rules.
func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) {
	d, _, herr := s.detail(r.Context(), r)
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	s.writeJSON(w, http.StatusOK, d)
}

// apiExtraction is the document as extracted (the extract JSON of
// CONTRACT.md), which the document page shows.
func (s *Server) apiExtraction(w http.ResponseWriter, r *http.Request) {
	d, herr := s.lookup(r.Context(), r)
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	doc, err := s.cfg.Store.Extraction(r.Context(), d.SHA256)
	if err != nil || doc == nil {
		s.log.Printf("reading the extraction of document %d: %v", d.ID, err)
		s.apiError(w, &httpError{http.StatusInternalServerError, "the document's text is not stored"})
		return
	}
	s.writeJSON(w, http.StatusOK, doc)
}

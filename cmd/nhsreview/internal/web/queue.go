package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
)

// Queued scoring (serve --queue): an upload, or a link once this server
// has fetched it through its guard, is kept in the corpus's database and
// an upload job queued, in one transaction (jobs.Queue.EnqueueUpload);
// a worker on any machine scores and stores it. Its page, /queue/ID, is
// read from the database, so every server on the corpus shows it: the
// place in the queue while it waits, then the scorecard.

// queuedPoll is how often the API looks at a job it waits for.
const queuedPoll = 500 * time.Millisecond

// enqueue queues in for a worker to score and returns its job. Fetching
// a link and reading the upload back take one of the --jobs slots, as
// scoring does without a queue: they hold the document in memory.
func (s *Server) enqueue(ctx context.Context, in input) (id int64, herr *httpError) {
	release, err := s.limit.acquire(ctx)
	if err != nil {
		if errors.Is(err, errBusy) {
			return 0, &httpError{http.StatusServiceUnavailable, err.Error()}
		}
		return 0, &httpError{http.StatusServiceUnavailable, "Stopped before it started: " + oneLine(err.Error())}
	}
	defer release()
	// As in score: a bug costs this document, one line for the user.
	var crashed error
	defer func() {
		var ce *crash.Error
		if errors.As(crashed, &ce) {
			s.log.Printf("queueing %s: panic: %v", in.source(), ce.Value)
			id, herr = 0, &httpError{http.StatusInternalServerError, "nhsreview failed on this document (an internal error); the server's log says more."}
		}
	}()
	defer crash.Guard(&crashed, "queueing")
	res, herr := s.received(ctx, in, func(string) {})
	if herr != nil {
		return 0, herr
	}
	// What is not a document is said now, not by the job.
	if _, err := res.Sniff(); err != nil {
		if errors.Is(err, fetched.ErrUnsupported) {
			return 0, &httpError{http.StatusUnsupportedMediaType, "This is not a document nhsreview can read: " + oneLine(err.Error())}
		}
		return 0, &httpError{http.StatusUnprocessableEntity, "The document could not be read: " + oneLine(err.Error())}
	}
	id, err = s.cfg.Queue.EnqueueUpload(ctx, res, in.meta)
	if err != nil {
		if ctx.Err() != nil {
			return 0, &httpError{http.StatusServiceUnavailable, "Stopped: " + oneLine(context.Cause(ctx).Error())}
		}
		s.log.Printf("queueing %s: %v", in.source(), err)
		return 0, &httpError{http.StatusInternalServerError, "The document could not be queued for scoring; the server's log says why."}
	}
	return id, nil
}

// queuedJob reads the upload job the address names.
func (s *Server) queuedJob(ctx context.Context, r *http.Request) (jobs.Job, *httpError) {
	gone := &httpError{http.StatusNotFound, "This scoring job is not in the queue: jobs done are kept a day, jobs failed a week. Scored documents are listed under Documents."}
	id, ok := docID(r)
	if !ok || s.cfg.Queue == nil {
		return jobs.Job{}, gone
	}
	j, err := s.cfg.Queue.Get(ctx, id)
	if errors.Is(err, jobs.ErrNoJob) || (err == nil && j.Kind != (jobs.UploadArgs{}).Kind()) {
		// Only the web's own jobs have a page here.
		return jobs.Job{}, gone
	}
	if err != nil {
		s.log.Printf("reading job %d: %v", id, err)
		return jobs.Job{}, &httpError{http.StatusInternalServerError, "The job could not be read from the database; the server's log says why."}
	}
	return j, nil
}

// lastError is a failed job's last error, one line.
func lastError(j jobs.Job) string {
	if len(j.Errors) == 0 {
		return "it was cancelled"
	}
	return oneLine(j.Errors[len(j.Errors)-1])
}

type queuedBody struct {
	ID                   int64
	Source               string
	State                string
	Waiting, Running     int
	Attempt, MaxAttempts int
	// Retry is the last try's error when the job waits to be tried again.
	Retry string
	Err   *httpError
}

// queuedPage shows a queued upload: its place in the queue, refreshed,
// until a worker has scored it, then the scorecard.
func (s *Server) queuedPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	j, herr := s.queuedJob(ctx, r)
	if herr != nil {
		s.errorPage(w, r, herr)
		return
	}
	b := queuedBody{ID: j.ID, Source: j.What, State: j.State, Attempt: j.Attempt, MaxAttempts: j.MaxAttempts}
	switch j.State {
	case "done":
		if j.Output != nil && j.Output.Document > 0 {
			http.Redirect(w, r, fmt.Sprintf("/documents/%d/", j.Output.Document), http.StatusSeeOther)
			return
		}
		b.Err = &httpError{http.StatusInternalServerError, "The job is done but did not say which document it stored; it is listed under Documents."}
	case "failed":
		b.Err = &httpError{http.StatusUnprocessableEntity, "The document could not be scored: " + lastError(j)}
	default:
		var err error
		if b.Waiting, b.Running, err = s.cfg.Queue.Ahead(ctx, j.ID); err != nil {
			s.log.Printf("%v", err)
		}
		if j.State == "queued" && len(j.Errors) > 0 {
			b.Retry = lastError(j)
		}
	}
	d := pageData{Title: "Queued for scoring", Nav: "home", Body: b}
	status := http.StatusOK
	if b.Err != nil {
		d.Title = "Could not score the document"
		status = b.Err.Status
	} else {
		d.Refresh = 2
	}
	s.render(w, status, "queued", d)
}

// queuedJSON is a queued upload as the API shows it.
type queuedJSON struct {
	ID          int64    `json:"id"`
	State       string   `json:"state"` // queued, running, failed, done
	Source      string   `json:"source"`
	Attempt     int      `json:"attempt"`
	MaxAttempts int      `json:"max_attempts"`
	Waiting     *int     `json:"waiting,omitempty"` // queued jobs ahead of it
	Running     *int     `json:"running,omitempty"` // jobs running now
	Errors      []string `json:"errors,omitempty"`
	Document    string   `json:"document,omitempty"` // its address once done
}

func (s *Server) queuedOf(ctx context.Context, j jobs.Job) queuedJSON {
	q := queuedJSON{ID: j.ID, State: j.State, Source: j.What, Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, Errors: j.Errors}
	switch j.State {
	case "done":
		if j.Output != nil && j.Output.Document > 0 {
			q.Document = "/api/documents/" + strconv.FormatInt(j.Output.Document, 10)
		}
	case "queued", "running":
		if waiting, running, err := s.cfg.Queue.Ahead(ctx, j.ID); err == nil {
			q.Waiting, q.Running = &waiting, &running
		} else {
			s.log.Printf("%v", err)
		}
	}
	return q
}

// apiQueued is a queued upload's state (GET /api/queue/ID).
func (s *Server) apiQueued(w http.ResponseWriter, r *http.Request) {
	j, herr := s.queuedJob(r.Context(), r)
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	s.writeJSON(w, http.StatusOK, s.queuedOf(r.Context(), j))
}

// apiAccepted answers 202: the document is queued, at Location.
func (s *Server) apiAccepted(w http.ResponseWriter, ctx context.Context, id int64) {
	j, err := s.cfg.Queue.Get(ctx, id)
	if err != nil {
		j = jobs.Job{ID: id, State: "queued"}
	}
	w.Header().Set("Location", fmt.Sprintf("/api/queue/%d", id))
	s.writeJSON(w, http.StatusAccepted, s.queuedOf(ctx, j))
}

// apiScoreQueued is POST /api/score under --queue: the document is
// queued, then waited for (within jobTimeout) and answered as without a
// queue; a job not done by then, or a request with "Prefer:
// respond-async", is answered 202 with the job's address.
func (s *Server) apiScoreQueued(w http.ResponseWriter, r *http.Request, in input, done func()) {
	ctx, cancel := context.WithTimeout(r.Context(), jobTimeout)
	defer cancel()
	id, herr := s.enqueue(ctx, in)
	// The bytes are in the database: the upload's budget and spool
	// file are no longer needed while the job is waited for.
	done()
	if herr != nil {
		s.apiError(w, herr)
		return
	}
	if preferAsync(r) {
		s.apiAccepted(w, r.Context(), id)
		return
	}
	js, err := s.cfg.Queue.Wait(ctx, []int64{id}, queuedPoll, nil)
	if err != nil {
		if r.Context().Err() == nil {
			// Not done in time (or the queue could not be read): it
			// is queued all the same.
			if ctx.Err() == nil {
				s.log.Printf("waiting for job %d: %v", id, err)
			}
			s.apiAccepted(w, r.Context(), id)
		}
		return
	}
	j := js[0]
	switch {
	case j.State == "done" && j.Output != nil && j.Output.Document > 0:
		card, err := s.cardOf(ctx, j.Output.Document)
		if err != nil {
			s.log.Printf("reading document %d: %v", j.Output.Document, err)
			s.apiError(w, &httpError{http.StatusInternalServerError, "The document is stored but its score could not be read; the server's log says why."})
			return
		}
		card.Document.Source = j.What
		s.writeScore(w, j.Output.Document, card)
	case j.State == jobs.Gone:
		s.apiError(w, &httpError{http.StatusInternalServerError, "The job was removed from the queue before it was done."})
	default:
		s.apiError(w, &httpError{http.StatusUnprocessableEntity, "The document could not be scored: " + lastError(j)})
	}
}

// preferAsync says whether the client asked not to wait (RFC 7240's
// "Prefer: respond-async").
func preferAsync(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		for _, pref := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(pref), "respond-async") {
				return true
			}
		}
	}
	return false
}

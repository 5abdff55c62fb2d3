package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// Stages of a scoring job, in order, as the progress page names them.
const (
	stageQueued   = "Waiting for a free slot"
	stageFetching = "Downloading the document"
	stageReading  = "Reading the document"
	stageScoring  = "Scoring the five criteria"
	stageStoring  = "Saving the results"
)

var stages = []string{stageQueued, stageFetching, stageReading, stageScoring, stageStoring}

// errBusy is returned when the queue of waiting jobs is full: the server
// answers 503 rather than piling up documents in memory.
var errBusy = errors.New("the server is busy scoring other documents: try again in a minute")

// limiter bounds the scoring jobs running at once (each may hold a
// document of up to --max-upload in memory and a PDF child process) and
// the number waiting for a slot.
type limiter struct {
	slots   chan struct{}
	mu      sync.Mutex
	waiting int
	maxWait int
}

func newLimiter(jobs int) *limiter {
	jobs = max(jobs, 1)
	return &limiter{slots: make(chan struct{}, jobs), maxWait: 4 * jobs}
}

// acquire waits for a slot; it fails at once when too many are waiting,
// or when ctx ends first.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return l.release, nil
	default:
	}
	l.mu.Lock()
	if l.waiting >= l.maxWait {
		l.mu.Unlock()
		return nil, errBusy
	}
	l.waiting++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.waiting--
		l.mu.Unlock()
	}()
	select {
	case l.slots <- struct{}{}:
		return l.release, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (l *limiter) release() { <-l.slots }

// full reports whether a job asking now would be refused: every slot
// taken and the waiting list at its bound.
func (l *limiter) full() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.slots) == cap(l.slots) && l.waiting >= l.maxWait
}

// job is one scoring run started from the form; its page shows the stage
// until it is done, then sends the browser to the scorecard.
type job struct {
	id      string
	source  string
	started time.Time

	mu       sync.Mutex
	stage    string
	done     bool
	finished time.Time
	docID    int64
	err      *httpError
}

type jobView struct {
	ID, Source, Stage string
	Elapsed           time.Duration
	Done              bool
	DocID             int64
	Err               *httpError
}

func (j *job) setStage(s string) {
	j.mu.Lock()
	j.stage = s
	j.mu.Unlock()
}

func (j *job) finish(docID int64, err *httpError) {
	j.mu.Lock()
	j.done, j.finished, j.docID, j.err = true, time.Now(), docID, err
	j.mu.Unlock()
}

func (j *job) view() jobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	end := time.Now()
	if j.done {
		end = j.finished
	}
	return jobView{ID: j.id, Source: j.source, Stage: j.stage, Elapsed: end.Sub(j.started).Round(time.Second), Done: j.done, DocID: j.docID, Err: j.err}
}

// jobTable keeps jobs in memory for as long as someone may look at
// their page; finished jobs are forgotten after keepJobs.
type jobTable struct {
	mu   sync.Mutex
	jobs map[string]*job
}

const (
	keepJobs = time.Hour
	maxJobs  = 10000
)

func newJobTable() *jobTable { return &jobTable{jobs: map[string]*job{}} }

func (t *jobTable) add(source string) (*job, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	j := &job{id: hex.EncodeToString(b), source: source, started: time.Now(), stage: stageQueued}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweepLocked()
	if len(t.jobs) >= maxJobs {
		return nil, errBusy
	}
	t.jobs[j.id] = j
	return j, nil
}

func (t *jobTable) get(id string) *job {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.jobs[id]
}

func (t *jobTable) sweepLocked() {
	now := time.Now()
	for id, j := range t.jobs {
		j.mu.Lock()
		old := j.done && now.Sub(j.finished) > keepJobs
		j.mu.Unlock()
		if old {
			delete(t.jobs, id)
		}
	}
}

// validJobID reports whether s can be a job id (32 hex digits), so that
// nothing else reaches the table.
func validJobID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

package rules

import (
	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// ScoreSchemaVersion is the version of the score JSON (CONTRACT.md).
const ScoreSchemaVersion = 1

// Scorecard is what scoring one document produces: the `score --format
// json` object of CONTRACT.md. Reports read it and nothing else.
type Scorecard struct {
	SchemaVersion int `json:"schema_version"`
	// Status says whether the document was scored. A document too short
	// or too empty to judge (a scan, outlined text, a page of images) is
	// StatusUnreadable and has no criteria: a 0 would say it was read and
	// found wanting. StatusFailed is a source that could not be read at
	// all; it appears only in listings (CSV, compare), never in the JSON.
	Status string `json:"status"`
	// Reason says why a document was not scored.
	Reason   string      `json:"reason,omitempty"`
	Tool     Tool        `json:"tool"`
	Document DocInfo     `json:"document"`
	Criteria []Criterion `json:"criteria"`
	Facts    []Fact      `json:"facts"`
}

// Statuses of a scorecard.
const (
	StatusScored     = "scored"
	StatusUnreadable = "unreadable"
	StatusFailed     = "failed"
)

// Scored reports whether the card has scores. Cards stored before the
// status was kept have none, and were all scored.
func (c *Scorecard) Scored() bool { return c.Status == "" || c.Status == StatusScored }

// Failed is the card of a source that could not be read: only the
// source and the error, for listings that keep a row for every source.
func Failed(source string, err error) *Scorecard {
	return &Scorecard{SchemaVersion: ScoreSchemaVersion, Status: StatusFailed, Reason: err.Error(),
		Document: DocInfo{Source: source, Quality: document.Quality{Warnings: []string{}}},
		Criteria: []Criterion{}, Facts: []Fact{}}
}

// Tool identifies what produced a scorecard, so that it can be reproduced.
type Tool struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	RulesVersion string `json:"rules_version"`
}

// DocInfo describes the scored document.
type DocInfo struct {
	Source  string           `json:"source"`
	SHA256  string           `json:"sha256"`
	Title   string           `json:"title"`
	Format  document.Format  `json:"format"`
	Pages   int              `json:"pages"`
	Words   int              `json:"words"`
	Quality document.Quality `json:"quality"`
	// Kind is what kind of document the tool took it for (annotate.Kind*),
	// and Fit, where the rubric's questions fit that kind only in part,
	// says how to read the scores.
	Kind string `json:"kind,omitempty"`
	Fit  string `json:"fit,omitempty"`
}

// Criterion is the result for one criterion.
type Criterion struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Score    int        `json:"score"`
	Max      int        `json:"max"`
	Summary  string     `json:"summary"`
	Evidence []Evidence `json:"evidence"`
	Gaps     []string   `json:"gaps"`
	// Questions are what to ask at the meeting.
	Questions []string `json:"questions"`
	RedFlags  []string `json:"red_flags"`
	// Signals counts the sentences each signal matched: the raw material
	// of the score, for readers who want to check it.
	Signals map[string]int `json:"signals,omitempty"`
}

// Evidence is a verbatim passage that supports a score.
type Evidence struct {
	Quote   string `json:"quote"`
	Page    int    `json:"page"`
	Section string `json:"section"`
	// Signal names what the passage shows (a signal of the rule file).
	Signal string `json:"signal"`
	// Claim is what the passage states and how (own voice or reported,
	// done or planned ...), so a reader can weigh it before repeating it.
	// Absent from scorecards written before claims were kept.
	Claim *annotate.Claim `json:"claim,omitempty"`
	// OCR says the passage's page was read by OCR (a scanned page): its
	// words are the OCR engine's, to be checked against the page.
	OCR bool `json:"ocr,omitempty"`
}

// Fact is a number found in the document, normalised.
type Fact struct {
	Kind  string  `json:"kind"` // money, rate, target, per-head
	Text  string  `json:"text"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
	Page  int     `json:"page"`
	// Computed facts are derived by nhsreview (a unit cost from a sum and
	// what it buys), not printed in the document.
	Computed bool   `json:"computed"`
	Note     string `json:"note,omitempty"`
}

// Total is the sum of the criterion scores and the most it could be.
func (c *Scorecard) Total() (score, outOf int) {
	for _, cr := range c.Criteria {
		score += cr.Score
		outOf += cr.Max
	}
	return score, outOf
}

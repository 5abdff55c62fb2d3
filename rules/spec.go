// Package rules scores documents with rules that are data: one YAML file
// per criterion (embedded in the binary, or read from a directory with
// --rules), in the spirit of Vale. A rule file names signals, each of a kind
// that picks the Go implementation, and says which signals each score from
// 1 to 3 needs; the engine evaluates them over an annotated document
// (package annotate) and returns a Scorecard with evidence, gaps, questions
// and red flags. The engine knows nothing of PDF or HTML, nor of any one
// criterion.
//
// Each kind of signal is one file, kind_NAME.go, holding its checks, its
// compilation and its evaluation; kind.go lists them. The other files are
// the steps every signal goes through: spec.go (the rule-file format),
// load.go, check.go, compile.go, run.go, score.go, evidence.go and
// explain.go.
package rules

// Scopes: the unit a signal is matched in.
const (
	ScopeSentence  = "sentence"
	ScopeParagraph = "paragraph" // a block: paragraph, list, heading, caption
	ScopeTable     = "table"     // a table row
	ScopeSection   = "section"   // the sentences under one section heading
	ScopeDocument  = "document"
)

// File is one rule file: one criterion.
type File struct {
	ID string `yaml:"id"`
	// Order places the criterion in reports (1 first).
	Order       int    `yaml:"order"`
	Name        string `yaml:"name"`
	Question    string `yaml:"question"`
	Description string `yaml:"description"`
	// NoneSummary is the summary for a score of 0.
	NoneSummary string       `yaml:"none_summary"`
	Signals     []SignalSpec `yaml:"signals"`
	Levels      []LevelSpec  `yaml:"levels"`
	Questions   []Question   `yaml:"questions"`
	RedFlags    []RedFlag    `yaml:"red_flags"`

	path string
	// lines of named things in the file, for error messages
	lines map[string]int
}

// SignalSpec is a signal as written in a rule file.
type SignalSpec struct {
	Name        string `yaml:"name"`
	Kind        string `yaml:"kind"`
	Description string `yaml:"description"`
	Scope       string `yaml:"scope"`
	// Section restricts the signal to sentences whose section path
	// matches this regular expression (case-insensitive).
	Section string `yaml:"section"`
	// NotSection leaves out sentences whose section path matches.
	NotSection string `yaml:"not_section"`
	// Blocks restricts the signal to block kinds (heading, paragraph,
	// list, table, caption).
	Blocks []string `yaml:"blocks"`
	// Claim restricts the signal to sentences that claim what it needs
	// (package annotate's Claim): whose voice, what status, which
	// polarity and scope, and which forms of unit beyond the readable
	// ones.
	Claim *ClaimSpec `yaml:"claim"`

	// terms
	Terms   []string `yaml:"terms"`
	Exclude []string `yaml:"exclude"`
	// annotation
	Annotation string   `yaml:"annotation"`
	MinValue   *float64 `yaml:"min_value"`
	// composite
	All  []Part `yaml:"all"`
	Any  []Part `yaml:"any"`
	None []Part `yaml:"none"`
	// count
	Of  string `yaml:"of"`
	Min int    `yaml:"min"`
	Max int    `yaml:"max"`
	// conditional
	If   string `yaml:"if"`
	Then string `yaml:"then"`

	// Context, for a composite, is what the unit around a passage must
	// hold for the passage to count: "respondents said" is what the
	// public said only in a document that describes asking the public.
	Context *ContextSpec `yaml:"context"`

	// Prefer, for any kind, names what makes a passage the best evidence
	// of the signal's claim: passages where one of these parts holds
	// are quoted first ("a specific action on inequalities" is best shown
	// by one that says whom it is for). It changes which passages are
	// quoted, never what counts.
	Prefer []Part `yaml:"prefer"`
	// Avoid names what makes a passage weak evidence of the claim, quoted
	// only when nothing better is left ("a role of the sector" is weakly
	// shown by the sector named in a list of partners). Like prefer, it
	// changes which passages are quoted, never what counts.
	Avoid []Part `yaml:"avoid"`
}

// ContextSpec is a condition on the unit (paragraph, section or
// document) that encloses a passage: some sentence of it satisfies each
// of All, and none satisfies any of None.
type ContextSpec struct {
	Scope string `yaml:"scope"`
	All   []Part `yaml:"all"`
	None  []Part `yaml:"none"`
}

// ClaimSpec lists the claim values a signal accepts; an empty list
// accepts any value.
type ClaimSpec struct {
	Voice []string `yaml:"voice"`
	// Speaker narrows a reported voice by who speaks: "own" (the
	// document's own voice), "respondents", "source", "quotation".
	Speaker  []string `yaml:"speaker"`
	Status   []string `yaml:"status"`
	Polarity string   `yaml:"polarity"`
	Scope    []string `yaml:"scope"`
	// Forms adds forms of unit that are not readable on their own
	// (heading, fragment, ...) to those the signal matches: for a
	// document-wide count, never for evidence.
	Forms []string `yaml:"forms"`
}

// Part is one condition of a composite signal, true in a unit when one of
// its sentences satisfies it.
type Part struct {
	Signal     string   `yaml:"signal"`
	Annotation string   `yaml:"annotation"`
	MinValue   *float64 `yaml:"min_value"`
	Terms      []string `yaml:"terms"`
	Any        []Part   `yaml:"any"`
}

// Cond is a condition on the document's signal counts, used by levels,
// questions and red flags.
type Cond struct {
	Signal string `yaml:"signal"`
	// Min is the number of matching sentences needed (default 1);
	// MinPages the number of distinct pages they must span;
	// Per10kWords raises Min for long documents, so that a passing sentence
	// in a 100-page plan does not count as much as in a 4-page one.
	Min         int     `yaml:"min"`
	Max         *int    `yaml:"max"`
	MinPages    int     `yaml:"min_pages"`
	Per10kWords float64 `yaml:"per_10k_words"`
	// ShareOf and Share ask for at least Share times as many sentences as
	// the ShareOf signal matched ("most actions are costed": costed
	// actions at least half of all commitments).
	ShareOf string  `yaml:"share_of"`
	Share   float64 `yaml:"share"`
	All     []Cond  `yaml:"all"`
	Any     []Cond  `yaml:"any"`
	Not     *Cond   `yaml:"not"`
	// Gap says what is missing when this condition fails for the next
	// score up.
	Gap string `yaml:"gap"`
}

// LevelSpec says what a score needs.
type LevelSpec struct {
	Score   int    `yaml:"score"`
	Summary string `yaml:"summary"`
	When    Cond   `yaml:"when"`
}

// Question is asked at the meeting when its condition holds.
type Question struct {
	Ask    string `yaml:"ask"`
	When   *Cond  `yaml:"when"`
	Unless *Cond  `yaml:"unless"`
	// About names a signal: the question is asked only where the signal
	// matched, and names the passage it is about ("On p. 12, “We will
	// invest £1.5m a year in lung health checks”: is this new money?"),
	// so that it is a question about this document, never one that
	// presumes what the document does not contain. Each question about a
	// signal takes a passage the ones before it did not.
	About string `yaml:"about"`
	// NotKinds are kinds of document (annotate.Kinds) the question is not
	// asked of: what a plan's costs are is not a question for a research
	// review, which plans nothing.
	NotKinds []string `yaml:"not_kinds"`
	// MinScore and MaxScore are the scores the question can stand beside:
	// a question that presumes what a level establishes ("which groups
	// will this action reach?") is asked only beside a score that says
	// the document has it, and one that says something is missing ("no
	// specific action is tied to a group") only beside a score that says
	// so too, so that a scorecard never asks against its own score.
	MinScore *int `yaml:"min_score"`
	MaxScore *int `yaml:"max_score"`
}

// RedFlag is raised when its condition holds; Show names a signal whose
// first passage is quoted with it.
type RedFlag struct {
	Message string `yaml:"message"`
	When    Cond   `yaml:"when"`
	Show    string `yaml:"show"`
	// MaxScore is the highest score the flag can stand beside: a flag
	// that says something is missing ("engagement is promised, but none
	// is described") is false beside a score whose level needs that very
	// thing. Nil: any score.
	MaxScore *int `yaml:"max_score"`
	// NotKinds are kinds of document (annotate.Kinds) the flag is not
	// raised on: "no action is linked to inequalities" is not a fault of
	// a research paper, which is not expected to act.
	NotKinds []string `yaml:"not_kinds"`
}

// Set is a loaded, validated rule set.
type Set struct {
	Files []*File
	// Version is the SHA-256 of the rule files (names and bytes, in name
	// order): scores are reproducible for a given Version and tool version.
	Version string
	comp    *compiled
}

// deps lists the signals a signal refers to.
func (s *SignalSpec) deps() []string {
	var out []string
	var part func(p Part)
	part = func(p Part) {
		if p.Signal != "" {
			out = append(out, p.Signal)
		}
		for _, q := range p.Any {
			part(q)
		}
	}
	lists := [][]Part{s.All, s.Any, s.None, s.Prefer, s.Avoid}
	if s.Context != nil {
		lists = append(lists, s.Context.All, s.Context.None)
	}
	for _, list := range lists {
		for _, p := range list {
			part(p)
		}
	}
	for _, d := range []string{s.Of, s.If, s.Then} {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}

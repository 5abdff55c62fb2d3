// Package rules scores documents with rules that are data: one YAML file
// per criterion (embedded in the binary, or read from a directory with
// --rules), in the spirit of Vale. A rule file names signals, each of a kind
// that picks the Go implementation, and says which signals each score from
// 1 to 3 needs; the engine evaluates them over an annotated document
// (package annotate) and returns a Scorecard with evidence, gaps, questions
// and red flags. The engine knows nothing of PDF or HTML, nor of any one
// criterion.
package rules

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
)

// Signal kinds: each picks a Go implementation.
const (
	KindTerms       = "terms"       // any of a list of terms (with exclusions)
	KindAnnotation  = "annotation"  // an annotation of package annotate
	KindComposite   = "composite"   // all / any / none of parts in one unit
	KindCount       = "count"       // another signal, min to max times in one unit
	KindConditional = "conditional" // if one signal is in a unit, another is not
)

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

//go:embed criteria/*.yaml
var embedded embed.FS

// Default returns the rule set built into the binary.
func Default() (*Set, error) {
	sub, err := fs.Sub(embedded, "criteria")
	if err != nil {
		return nil, err
	}
	return load(sub, "rules/criteria")
}

// LoadDir reads every *.yaml file in dir.
func LoadDir(dir string) (*Set, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("rules: %s is not a directory", dir)
	}
	return load(os.DirFS(dir), dir)
}

// Errors is every problem found in a rule set, one "file:line: message"
// each.
type Errors []string

func (e Errors) Error() string { return strings.Join(e, "\n") }

func load(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("rules: no *.yaml files in %s", dir)
	}
	h := sha256.New()
	var files []*File
	var errs Errors
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
		f, ferrs := parseFile(filepath.Join(dir, name), data)
		errs = append(errs, ferrs...)
		if f != nil {
			files = append(files, f)
		}
	}
	errs = append(errs, checkSet(files)...)
	if len(errs) > 0 {
		return nil, errs
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Order < files[j].Order })
	s := &Set{Files: files, Version: hex.EncodeToString(h.Sum(nil))}
	comp, err := compile(s)
	if err != nil {
		return nil, err
	}
	s.comp = comp
	return s, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// parseFile decodes one file strictly (unknown keys are errors) and checks
// it; every error carries the file and line.
func parseFile(path string, data []byte) (*File, Errors) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		var errs Errors
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				errs = append(errs, yamlError(path, e))
			}
			return nil, errs
		}
		return nil, Errors{yamlError(path, err.Error())}
	}
	f.path = path
	f.lines = lineIndex(data)
	return &f, checkFile(&f)
}

func yamlError(path, msg string) string {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s:%s: %s", path, m[1], m[2])
	}
	return fmt.Sprintf("%s:1: %s", path, msg)
}

// lineIndex maps "signal NAME" and "level N" to their lines, from the
// YAML node tree, so that checks can point at them.
func lineIndex(data []byte) map[string]int {
	lines := map[string]int{}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return lines
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		key, val := doc.Content[i], doc.Content[i+1]
		lines[key.Value] = key.Line
		for j, item := range val.Content {
			lines[fmt.Sprintf("%s[%d]", key.Value, j)] = item.Line
			for k := 0; k+1 < len(item.Content); k += 2 {
				if item.Content[k].Value == "name" || item.Content[k].Value == "score" {
					lines[key.Value+" "+item.Content[k+1].Value] = item.Line
				}
			}
		}
	}
	return lines
}

func (f *File) errf(key string, format string, args ...any) string {
	line := f.lines[key]
	if line == 0 {
		line = 1
	}
	// One error, one line: a term's own line breaks (a regular
	// expression's error repeats the pattern) are shown escaped.
	msg := strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(fmt.Sprintf(format, args...))
	return fmt.Sprintf("%s:%d: %s", f.path, line, msg)
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// checkFile validates one file on its own: names, kinds, scopes, patterns,
// references between its signals, and the levels.
func checkFile(f *File) Errors {
	var errs Errors
	add := func(key, format string, args ...any) { errs = append(errs, f.errf(key, format, args...)) }
	if !nameRE.MatchString(f.ID) {
		add("id", "id %q must be lower-case letters, digits and hyphens", f.ID)
	}
	if f.Name == "" {
		add("name", "name is missing")
	}
	if f.Order < 1 {
		add("id", "order is missing (1 for the criterion reported first)")
	}
	names := map[string]bool{}
	for i, s := range f.Signals {
		key := fmt.Sprintf("signals[%d]", i)
		switch {
		case !nameRE.MatchString(s.Name):
			add(key, "signal name %q must be lower-case letters, digits and hyphens", s.Name)
		case names[s.Name]:
			add(key, "signal %q defined twice", s.Name)
		}
		names[s.Name] = true
	}
	ref := func(key, name string) {
		if !names[name] {
			add(key, "unknown signal %q", name)
		}
	}
	var checkPart func(key string, p Part)
	checkPart = func(key string, p Part) {
		set := 0
		for _, b := range []bool{p.Signal != "", p.Annotation != "", len(p.Terms) > 0, len(p.Any) > 0} {
			if b {
				set++
			}
		}
		if set != 1 {
			add(key, "a part needs exactly one of signal, annotation, terms or any")
		}
		if p.Signal != "" {
			ref(key, p.Signal)
		}
		if p.Annotation != "" {
			checkAnnotation(add, key, p.Annotation)
		}
		for _, t := range p.Terms {
			if err := checkTerm(t); err != nil {
				add(key, "term %q: %v", t, err)
			}
		}
		for _, q := range p.Any {
			checkPart(key, q)
		}
	}
	for i, s := range f.Signals {
		key := fmt.Sprintf("signals[%d]", i)
		switch s.Scope {
		case "", ScopeSentence, ScopeParagraph, ScopeTable, ScopeSection, ScopeDocument:
		default:
			add(key, "signal %q: unknown scope %q (sentence, paragraph, table, section or document)", s.Name, s.Scope)
		}
		for _, pat := range []string{s.Section, s.NotSection} {
			if pat == "" {
				continue
			}
			if _, err := regexp.Compile("(?i)" + pat); err != nil {
				add(key, "signal %q: bad section pattern: %v", s.Name, err)
			}
		}
		if s.Claim != nil {
			checkClaim(add, key, s.Name, s.Claim)
		}
		for _, p := range s.Prefer {
			checkPart(key, p)
		}
		for _, b := range s.Blocks {
			switch b {
			case "heading", "paragraph", "list", "table", "caption":
			default:
				add(key, "signal %q: unknown block kind %q", s.Name, b)
			}
		}
		switch s.Kind {
		case KindTerms:
			if len(s.Terms) == 0 {
				add(key, "signal %q: kind terms needs terms", s.Name)
			}
			for _, t := range append(append([]string{}, s.Terms...), s.Exclude...) {
				if err := checkTerm(t); err != nil {
					add(key, "signal %q: term %q: %v", s.Name, t, err)
				}
			}
		case KindAnnotation:
			checkAnnotation(add, key, s.Annotation)
		case KindComposite:
			if len(s.All)+len(s.Any) == 0 {
				add(key, "signal %q: kind composite needs all or any", s.Name)
			}
			for _, list := range [][]Part{s.All, s.Any, s.None} {
				for _, p := range list {
					checkPart(key, p)
				}
			}
			if c := s.Context; c != nil {
				switch c.Scope {
				case ScopeParagraph, ScopeSection, ScopeDocument:
				default:
					add(key, "signal %q: context scope %q: use paragraph, section or document (wider than the passage)", s.Name, c.Scope)
				}
				if len(c.All)+len(c.None) == 0 {
					add(key, "signal %q: context needs all or none", s.Name)
				}
				for _, p := range append(append([]Part{}, c.All...), c.None...) {
					checkPart(key, p)
				}
			}
		case KindCount:
			if s.Context != nil {
				add(key, "signal %q: context is for composite signals", s.Name)
			}
			ref(key, s.Of)
			if s.Min < 0 || s.Max < 0 || s.Max > 0 && s.Max < s.Min {
				add(key, "signal %q: min %d and max %d are not a range", s.Name, s.Min, s.Max)
			}
			if s.Scope == "" || s.Scope == ScopeSentence {
				add(key, "signal %q: a count needs a scope wider than a sentence", s.Name)
			}
		case KindConditional:
			ref(key, s.If)
			ref(key, s.Then)
		default:
			add(key, "signal %q: unknown kind %q (terms, annotation, composite, count or conditional)", s.Name, s.Kind)
		}
	}
	var checkCond func(key string, c Cond)
	checkCond = func(key string, c Cond) {
		n := 0
		for _, b := range []bool{c.Signal != "", len(c.All) > 0, len(c.Any) > 0, c.Not != nil} {
			if b {
				n++
			}
		}
		if n != 1 {
			add(key, "a condition needs exactly one of signal, all, any or not")
		}
		if c.Signal != "" {
			ref(key, c.Signal)
		}
		if c.ShareOf != "" {
			ref(key, c.ShareOf)
			if c.Share <= 0 || c.Share > 10 {
				add(key, "share %v with share_of: use a number above 0", c.Share)
			}
		}
		for _, x := range append(append([]Cond{}, c.All...), c.Any...) {
			checkCond(key, x)
		}
		if c.Not != nil {
			checkCond(key, *c.Not)
		}
	}
	seen := map[int]bool{}
	for i, l := range f.Levels {
		key := fmt.Sprintf("levels[%d]", i)
		if l.Score < 1 || l.Score > 3 {
			add(key, "level score %d: must be 1, 2 or 3", l.Score)
		}
		if seen[l.Score] {
			add(key, "level %d defined twice", l.Score)
		}
		seen[l.Score] = true
		if l.Summary == "" {
			add(key, "level %d has no summary", l.Score)
		}
		checkCond(key, l.When)
	}
	for s := 1; s <= 3; s++ {
		if !seen[s] {
			add("levels", "level %d is missing", s)
		}
	}
	for i, q := range f.Questions {
		key := fmt.Sprintf("questions[%d]", i)
		if q.Ask == "" {
			add(key, "question without ask")
		}
		if q.When != nil {
			checkCond(key, *q.When)
		}
		if q.Unless != nil {
			checkCond(key, *q.Unless)
		}
		if q.About != "" {
			ref(key, q.About)
		}
	}
	for i, r := range f.RedFlags {
		key := fmt.Sprintf("red_flags[%d]", i)
		if r.Message == "" {
			add(key, "red flag without message")
		}
		checkCond(key, r.When)
		if r.Show != "" {
			ref(key, r.Show)
		}
		for _, k := range r.NotKinds {
			if !slices.Contains(annotate.Kinds, k) {
				add(key, "not_kinds: unknown kind %q (%s)", k, strings.Join(annotate.Kinds, ", "))
			}
		}
		if r.MaxScore != nil && (*r.MaxScore < 0 || *r.MaxScore > 2) {
			add(key, "max_score %d: a flag must allow a score from 0 to 2 (3 is every score)", *r.MaxScore)
		}
	}
	if cyc := signalCycle(f); cyc != "" {
		add("signals", "signals refer to each other in a loop: %s", cyc)
	}
	return errs
}

// checkAnnotation checks "kind" or "kind:sub" against what the
// annotators give.
func checkAnnotation(add func(string, string, ...any), key, a string) {
	kind, sub, hasSub := strings.Cut(a, ":")
	subs, ok := annotate.Subs[kind]
	if !ok {
		var kinds []string
		for k := range annotate.Subs {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		add(key, "unknown annotation %q (one of %s)", a, strings.Join(kinds, ", "))
		return
	}
	if hasSub && !slices.Contains(subs, sub) {
		if len(subs) == 0 {
			add(key, "annotation %q: %s has no sub-kinds", a, kind)
		} else {
			add(key, "annotation %q: unknown sub-kind (one of %s)", a, strings.Join(subs, ", "))
		}
	}
}

// checkTerm: a term is a phrase (a trailing * matches any ending) or a
// /regular expression/.
func checkTerm(t string) error {
	if strings.TrimSpace(t) == "" {
		return errors.New("empty term")
	}
	if expr, ok := termExpr(t); ok {
		_, err := regexp.Compile(expr)
		return err
	}
	if strings.Contains(strings.TrimSuffix(t, "*"), "*") {
		return errors.New("* is allowed only at the end")
	}
	return nil
}

// termExpr is the regular expression of a /regular expression/ term
// (matched without regard to case), for checking and matching alike.
func termExpr(t string) (string, bool) {
	if len(t) > 2 && strings.HasPrefix(t, "/") && strings.HasSuffix(t, "/") {
		return "(?i)" + t[1:len(t)-1], true
	}
	return "", false
}

// checkSet checks what spans files: criterion ids unique.
func checkSet(files []*File) Errors {
	var errs Errors
	seen := map[string]string{}
	for _, f := range files {
		if prev, ok := seen[f.ID]; ok {
			errs = append(errs, f.errf("id", "criterion %q is also defined in %s", f.ID, prev))
		}
		seen[f.ID] = f.path
	}
	return errs
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
	lists := [][]Part{s.All, s.Any, s.None, s.Prefer}
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

// signalCycle returns a description of a reference loop, or "".
func signalCycle(f *File) string {
	byName := map[string]*SignalSpec{}
	for i := range f.Signals {
		byName[f.Signals[i].Name] = &f.Signals[i]
	}
	state := map[string]int{} // 1 visiting, 2 done
	var path []string
	var visit func(n string) string
	visit = func(n string) string {
		switch state[n] {
		case 1:
			return strings.Join(append(path, n), " → ")
		case 2:
			return ""
		}
		s := byName[n]
		if s == nil {
			return ""
		}
		state[n] = 1
		path = append(path, n)
		for _, d := range s.deps() {
			if c := visit(d); c != "" {
				return c
			}
		}
		path = path[:len(path)-1]
		state[n] = 2
		return ""
	}
	for _, s := range f.Signals {
		if c := visit(s.Name); c != "" {
			return c
		}
	}
	return ""
}

// itoa is strconv.Itoa, kept short for messages.
var itoa = strconv.Itoa

// checkClaim checks a signal's claim values against the ones the
// annotator gives: a misspelt status would silently match nothing.
func checkClaim(add func(key, format string, args ...any), key, name string, c *ClaimSpec) {
	check := func(field string, vals, allowed []string) {
		for _, v := range vals {
			if !slices.Contains(allowed, v) {
				add(key, "signal %q: unknown claim %s %q (%s)", name, field, v, strings.Join(allowed, ", "))
			}
		}
	}
	check("voice", c.Voice, annotate.Voices)
	check("speaker", c.Speaker, annotate.Speakers)
	check("status", c.Status, annotate.Statuses)
	check("scope", c.Scope, annotate.Scopes)
	check("form", c.Forms, annotate.Forms)
	if c.Polarity != "" {
		check("polarity", []string{c.Polarity}, annotate.Polarities)
	}
}

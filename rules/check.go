package rules

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/annotate"
)

var nameRE = lazyre.New(`^[a-z][a-z0-9-]*$`)

// fileCheck gathers the errors of one file, in the order the checks find
// them (the file's order, top to bottom), one "file:line: message" each.
type fileCheck struct {
	f    *File
	errs Errors
	// names are the file's signals, for the references to them.
	names map[string]bool
}

func (c *fileCheck) add(key, format string, args ...any) {
	c.errs = append(c.errs, c.f.errf(key, format, args...))
}

// ref checks a reference to one of the file's signals.
func (c *fileCheck) ref(key, name string) {
	if !c.names[name] {
		c.add(key, "unknown signal %q", name)
	}
}

// checkFile validates one file on its own: names, kinds, scopes, patterns,
// references between its signals, and the levels.
func checkFile(f *File) Errors {
	c := &fileCheck{f: f, names: map[string]bool{}}
	c.header()
	c.signalNames()
	for i := range f.Signals {
		c.signal(fmt.Sprintf("signals[%d]", i), &f.Signals[i])
	}
	c.levels()
	c.questions()
	c.redFlags()
	if cyc := signalCycle(f); cyc != "" {
		c.add("signals", "signals refer to each other in a loop: %s", cyc)
	}
	return c.errs
}

// header checks the criterion's id, name and order.
func (c *fileCheck) header() {
	f := c.f
	if !nameRE.MatchString(f.ID) {
		c.add("id", "id %q must be lower-case letters, digits and hyphens", f.ID)
	}
	if f.Name == "" {
		c.add("name", "name is missing")
	}
	if f.Order < 1 {
		c.add("id", "order is missing (1 for the criterion reported first)")
	}
}

// signalNames checks the signals' names and records them, before any
// signal is checked: a signal may refer to one defined after it.
func (c *fileCheck) signalNames() {
	for i, s := range c.f.Signals {
		key := fmt.Sprintf("signals[%d]", i)
		switch {
		case !nameRE.MatchString(s.Name):
			c.add(key, "signal name %q must be lower-case letters, digits and hyphens", s.Name)
		case c.names[s.Name]:
			c.add(key, "signal %q defined twice", s.Name)
		}
		c.names[s.Name] = true
	}
}

// signal checks what any signal may have (scope, section patterns,
// claim, prefer parts, blocks), then has its kind check the rest.
func (c *fileCheck) signal(key string, s *SignalSpec) {
	switch s.Scope {
	case "", ScopeSentence, ScopeParagraph, ScopeTable, ScopeSection, ScopeDocument:
	default:
		c.add(key, "signal %q: unknown scope %q (sentence, paragraph, table, section or document)", s.Name, s.Scope)
	}
	for _, pat := range []string{s.Section, s.NotSection} {
		if pat == "" {
			continue
		}
		if _, err := regexp.Compile("(?i)" + pat); err != nil {
			c.add(key, "signal %q: bad section pattern: %v", s.Name, err)
		}
	}
	if s.Claim != nil {
		c.claim(key, s.Name, s.Claim)
	}
	for _, p := range append(slices.Clip(s.Prefer), s.Avoid...) {
		c.part(key, p)
	}
	for _, b := range s.Blocks {
		switch b {
		case "heading", "paragraph", "list", "table", "caption":
		default:
			c.add(key, "signal %q: unknown block kind %q", s.Name, b)
		}
	}
	k, ok := kinds[s.Kind]
	if !ok {
		c.add(key, "signal %q: unknown kind %q (%s)", s.Name, s.Kind, kindNames())
		return
	}
	k.check(c, key, s)
}

// part checks a part of a composite, of a context or of prefer.
func (c *fileCheck) part(key string, p Part) {
	set := 0
	for _, b := range []bool{p.Signal != "", p.Annotation != "", len(p.Terms) > 0, len(p.Any) > 0} {
		if b {
			set++
		}
	}
	if set != 1 {
		c.add(key, "a part needs exactly one of signal, annotation, terms or any")
	}
	if p.Signal != "" {
		c.ref(key, p.Signal)
	}
	if p.Annotation != "" {
		c.annotation(key, p.Annotation)
	}
	for _, t := range p.Terms {
		if err := checkTerm(t); err != nil {
			c.add(key, "term %q: %v", t, err)
		}
	}
	for _, q := range p.Any {
		c.part(key, q)
	}
}

// cond checks a condition of a level, question or red flag.
func (c *fileCheck) cond(key string, cnd Cond) {
	n := 0
	for _, b := range []bool{cnd.Signal != "", len(cnd.All) > 0, len(cnd.Any) > 0, cnd.Not != nil} {
		if b {
			n++
		}
	}
	if n != 1 {
		c.add(key, "a condition needs exactly one of signal, all, any or not")
	}
	if cnd.Signal != "" {
		c.ref(key, cnd.Signal)
	}
	if cnd.ShareOf != "" {
		c.ref(key, cnd.ShareOf)
		if cnd.Share <= 0 || cnd.Share > 10 {
			c.add(key, "share %v with share_of: use a number above 0", cnd.Share)
		}
	}
	for _, x := range slices.Concat(cnd.All, cnd.Any) {
		c.cond(key, x)
	}
	if cnd.Not != nil {
		c.cond(key, *cnd.Not)
	}
}

// levels checks the levels: scores 1, 2 and 3, once each, with a summary
// and a condition.
func (c *fileCheck) levels() {
	seen := map[int]bool{}
	for i, l := range c.f.Levels {
		key := fmt.Sprintf("levels[%d]", i)
		if l.Score < 1 || l.Score > 3 {
			c.add(key, "level score %d: must be 1, 2 or 3", l.Score)
		}
		if seen[l.Score] {
			c.add(key, "level %d defined twice", l.Score)
		}
		seen[l.Score] = true
		if l.Summary == "" {
			c.add(key, "level %d has no summary", l.Score)
		}
		c.cond(key, l.When)
	}
	for s := 1; s <= 3; s++ {
		if !seen[s] {
			c.add("levels", "level %d is missing", s)
		}
	}
}

func (c *fileCheck) questions() {
	for i, q := range c.f.Questions {
		key := fmt.Sprintf("questions[%d]", i)
		if q.Ask == "" {
			c.add(key, "question without ask")
		}
		if q.When != nil {
			c.cond(key, *q.When)
		}
		if q.Unless != nil {
			c.cond(key, *q.Unless)
		}
		if q.About != "" {
			c.ref(key, q.About)
		}
		c.kinds(key, q.NotKinds)
		lo, hi := 0, 3
		if q.MinScore != nil {
			lo = *q.MinScore
		}
		if q.MaxScore != nil {
			hi = *q.MaxScore
		}
		if lo < 0 || hi > 3 || lo > hi {
			c.add(key, "min_score %d, max_score %d: scores run from 0 to 3, the least first", lo, hi)
		}
	}
}

// kinds checks a not_kinds list against the kinds the annotator gives.
func (c *fileCheck) kinds(key string, kinds []string) {
	for _, k := range kinds {
		if !slices.Contains(annotate.Kinds, k) {
			c.add(key, "not_kinds: unknown kind %q (%s)", k, strings.Join(annotate.Kinds, ", "))
		}
	}
}

func (c *fileCheck) redFlags() {
	for i, r := range c.f.RedFlags {
		key := fmt.Sprintf("red_flags[%d]", i)
		if r.Message == "" {
			c.add(key, "red flag without message")
		}
		c.cond(key, r.When)
		if r.Show != "" {
			c.ref(key, r.Show)
		}
		c.kinds(key, r.NotKinds)
		if r.MaxScore != nil && (*r.MaxScore < 0 || *r.MaxScore > 2) {
			c.add(key, "max_score %d: a flag must allow a score from 0 to 2 (3 is every score)", *r.MaxScore)
		}
	}
}

// annotation checks "kind" or "kind:sub" against what the annotators
// give.
func (c *fileCheck) annotation(key, a string) {
	kind, sub, hasSub := strings.Cut(a, ":")
	subs, ok := annotate.Subs[kind]
	if !ok {
		kinds := slices.Sorted(maps.Keys(annotate.Subs))
		c.add(key, "unknown annotation %q (one of %s)", a, strings.Join(kinds, ", "))
		return
	}
	if hasSub && !slices.Contains(subs, sub) {
		if len(subs) == 0 {
			c.add(key, "annotation %q: %s has no sub-kinds", a, kind)
		} else {
			c.add(key, "annotation %q: unknown sub-kind (one of %s)", a, strings.Join(subs, ", "))
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
		expr := t[1 : len(t)-1]
		// Terms run on text with ASCII letters lower-cased (normalise):
		// a pattern with no upper-case letter and nothing but ASCII
		// matches it the same without (?i), and Go's engine runs a
		// case-folded pattern several times slower.
		if lowerASCII(expr) {
			return expr, true
		}
		return "(?i)" + expr, true
	}
	return "", false
}

// lowerASCII: an expression all ASCII with no upper-case letter outside
// an escape (\W, \S and \D are classes, not letters).
func lowerASCII(expr string) bool {
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; {
		case c == '\\':
			i++
		case c >= 0x80, 'A' <= c && c <= 'Z':
			return false
		}
	}
	return true
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

// claim checks a signal's claim values against the ones the annotator
// gives: a misspelt status would silently match nothing.
func (c *fileCheck) claim(key, name string, cl *ClaimSpec) {
	check := func(field string, vals, allowed []string) {
		for _, v := range vals {
			if !slices.Contains(allowed, v) {
				c.add(key, "signal %q: unknown claim %s %q (%s)", name, field, v, strings.Join(allowed, ", "))
			}
		}
	}
	check("voice", cl.Voice, annotate.Voices)
	check("speaker", cl.Speaker, annotate.Speakers)
	check("status", cl.Status, annotate.Statuses)
	check("scope", cl.Scope, annotate.Scopes)
	check("form", cl.Forms, annotate.Forms)
	if cl.Polarity != "" {
		check("polarity", []string{cl.Polarity}, annotate.Polarities)
	}
}

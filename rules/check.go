package rules

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
)

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

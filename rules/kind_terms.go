package rules

import "slices"

// KindTerms is a signal that matches a sentence holding any of a list of
// terms, save where an exclude term covers it. A term is a phrase (a
// trailing * matches any ending) or a /regular expression/; every term of
// every rule is found in one pass of the automaton (match.go).
const KindTerms = "terms" // any of a list of terms (with exclusions)

type termsKind struct{}

func (termsKind) name() string { return KindTerms }

func (termsKind) check(c *fileCheck, key string, s *SignalSpec) {
	if len(s.Terms) == 0 {
		c.add(key, "signal %q: kind terms needs terms", s.Name)
	}
	for _, t := range slices.Concat(s.Terms, s.Exclude) {
		if err := checkTerm(t); err != nil {
			c.add(key, "signal %q: term %q: %v", s.Name, t, err)
		}
	}
}

func (termsKind) compile(b *compiler, cs *csignal) {
	cs.list = b.newList(cs.spec.Terms, cs.spec.Exclude)
}

// eval takes each eligible sentence its term list matched in (prepare
// found the lists of every sentence); a terms signal is matched sentence
// by sentence, whatever its scope.
func (termsKind) eval(r *run, cs *csignal, m []bool, w map[int]span) {
	for i, s := range r.sents {
		if sp, ok := s.list(cs.list); ok && r.eligible(cs, i) {
			m[i], w[i] = true, sp
		}
	}
}

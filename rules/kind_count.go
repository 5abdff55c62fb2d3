package rules

// KindCount is a signal that matches another signal's sentences in a unit
// (its scope, wider than a sentence) where that signal matched from min to
// max times (max 0: no bound).
const KindCount = "count" // another signal, min to max times in one unit

type countKind struct{}

func (countKind) name() string { return KindCount }

func (countKind) check(c *fileCheck, key string, s *SignalSpec) {
	if s.Context != nil {
		c.add(key, "signal %q: context is for composite signals", s.Name)
	}
	c.ref(key, s.Of)
	if s.Min < 0 || s.Max < 0 || s.Max > 0 && s.Max < s.Min {
		c.add(key, "signal %q: min %d and max %d are not a range", s.Name, s.Min, s.Max)
	}
	if s.Scope == "" || s.Scope == ScopeSentence {
		c.add(key, "signal %q: a count needs a scope wider than a sentence", s.Name)
	}
}

func (countKind) compile(b *compiler, cs *csignal) {
	cs.of = b.ref(cs.spec.Of)
}

func (countKind) eval(r *run, cs *csignal, m []bool, w map[int]span) {
	var idx []int
	for _, u := range r.units(cs.spec.Scope) {
		idx = idx[:0]
		for _, i := range u {
			if r.matched[cs.of.idx][i] && r.eligible(cs, i) {
				idx = append(idx, i)
			}
		}
		if len(idx) >= max(cs.spec.Min, 1) && (cs.spec.Max == 0 || len(idx) <= cs.spec.Max) {
			for _, i := range idx {
				m[i], w[i] = true, r.where[cs.of.idx][i]
			}
		}
	}
}

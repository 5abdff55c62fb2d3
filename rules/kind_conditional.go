package rules

// KindConditional is a signal that matches the sentences of its if signal
// in a unit (its scope) where its then signal matches nowhere: "a headline
// sum with no period or source in its paragraph".
const KindConditional = "conditional" // if one signal is in a unit, another is not

type conditionalKind struct{}

func (conditionalKind) name() string { return KindConditional }

func (conditionalKind) check(c *fileCheck, key string, s *SignalSpec) {
	c.ref(key, s.If)
	c.ref(key, s.Then)
}

func (conditionalKind) compile(b *compiler, cs *csignal) {
	cs.ifSig, cs.thenSig = b.ref(cs.spec.If), b.ref(cs.spec.Then)
}

func (conditionalKind) eval(r *run, cs *csignal, m []bool, w map[int]span) {
	var ifs []int
	for _, u := range r.units(cs.spec.Scope) {
		ifs = ifs[:0]
		then := false
		for _, i := range u {
			if !r.eligible(cs, i) {
				continue
			}
			if r.matched[cs.ifSig.idx][i] {
				ifs = append(ifs, i)
			}
			if r.matched[cs.thenSig.idx][i] {
				then = true
			}
		}
		if !then {
			for _, i := range ifs {
				m[i], w[i] = true, r.where[cs.ifSig.idx][i]
			}
		}
	}
}

package rules

import "slices"

// KindComposite is a signal that matches the sentences of a unit (its
// scope) where all of its all parts, one of its any parts and none of its
// none parts hold: "a sum and a commitment, not context". A part is a
// signal, an annotation, terms, or any of other parts; a context, if
// given, is what the wider unit around each passage must hold.
const KindComposite = "composite" // all / any / none of parts in one unit

type compositeKind struct{}

func (compositeKind) name() string { return KindComposite }

func (compositeKind) check(c *fileCheck, key string, s *SignalSpec) {
	if len(s.All)+len(s.Any) == 0 {
		c.add(key, "signal %q: kind composite needs all or any", s.Name)
	}
	for _, p := range slices.Concat(s.All, s.Any, s.None) {
		c.part(key, p)
	}
	if s.Context != nil {
		checkContext(c, key, s.Name, s.Context)
	}
}

// checkContext checks a composite's context: a unit wider than the
// passage, and something for it to hold.
func checkContext(c *fileCheck, key, name string, ctx *ContextSpec) {
	switch ctx.Scope {
	case ScopeParagraph, ScopeSection, ScopeDocument:
	default:
		c.add(key, "signal %q: context scope %q: use paragraph, section or document (wider than the passage)", name, ctx.Scope)
	}
	if len(ctx.All)+len(ctx.None) == 0 {
		c.add(key, "signal %q: context needs all or none", name)
	}
	for _, p := range slices.Concat(ctx.All, ctx.None) {
		c.part(key, p)
	}
}

func (compositeKind) compile(b *compiler, cs *csignal) {
	spec := cs.spec
	cs.all, cs.any, cs.none = b.parts(spec.All), b.parts(spec.Any), b.parts(spec.None)
	if c := spec.Context; c != nil {
		cs.context = &ccontext{scope: c.Scope, all: b.parts(c.All), none: b.parts(c.None)}
	}
}

// eval takes, in each unit of the signal's scope, the eligible sentences
// where a part matched, when the unit's parts hold together; each passage
// is kept only where its context holds (Explain's relaxed signal skips
// the context, as it does the other filters).
func (compositeKind) eval(r *run, cs *csignal, m []bool, w map[int]span) {
	var idx []int
	found := map[int]span{}
	for _, u := range r.units(cs.spec.Scope) {
		idx = idx[:0]
		for _, i := range u {
			if r.eligible(cs, i) {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		clear(found)
		if !r.partsHold(cs, idx, found) {
			continue
		}
		for i, sp := range found {
			if cs.context == nil || cs == r.relaxed || r.contextHolds(cs.context, i) {
				m[i], w[i] = true, sp
			}
		}
	}
}

// partsHold reports whether the sentences idx of a unit satisfy each of
// cs's all parts, one of its any parts and none of its none parts,
// keeping in found the first span of each sentence a part matched in.
func (r *run) partsHold(cs *csignal, idx []int, found map[int]span) bool {
	for _, p := range cs.all {
		if !r.partHits(p, idx, found) {
			return false
		}
	}
	if len(cs.any) > 0 {
		hit := false
		for _, p := range cs.any {
			// Every part is looked at, for the spans it adds.
			hit = r.partHits(p, idx, found) || hit
		}
		if !hit {
			return false
		}
	}
	for _, p := range cs.none {
		for _, i := range idx {
			if _, yes := r.partIn(p, i); yes {
				return false
			}
		}
	}
	return true
}

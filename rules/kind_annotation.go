package rules

// KindAnnotation is a signal that matches a sentence an annotator of
// package annotate marked: "money", "group:core20", optionally with a
// min_value.
const KindAnnotation = "annotation" // an annotation of package annotate

type annotationKind struct{}

func (annotationKind) name() string { return KindAnnotation }

func (annotationKind) check(c *fileCheck, key string, s *SignalSpec) {
	c.annotation(key, s.Annotation)
}

// compile makes the signal a composite of one part, so that it is
// matched as one (in units of its scope).
func (annotationKind) compile(b *compiler, cs *csignal) {
	p := b.part(Part{Annotation: cs.spec.Annotation, MinValue: cs.spec.MinValue})
	cs.all = []*cpart{p}
}

func (annotationKind) eval(r *run, cs *csignal, m []bool, w map[int]span) {
	compositeKind{}.eval(r, cs, m, w)
}

package rules

import "strings"

// kind is a kind of signal: what a rule file's `kind:` picks. Each kind
// is one file, kind_NAME.go, holding the kind whole (its checks, its
// compilation and its evaluation), as Vale keeps each of its checks in
// one file: adding a kind is that file and its entry in kindList. What
// every signal may have (scope, section, blocks, claim, prefer) is not a
// kind's concern: check.go, compile.go and run.go deal with it for all.
type kind interface {
	// name is the kind as a rule file writes it (kind: terms).
	name() string
	// check adds to c the errors in the fields of s that the kind reads,
	// each at key (the signal's line).
	check(c *fileCheck, key string, s *SignalSpec)
	// compile sets up cs from cs.spec (its term list, its parts, the
	// signals it reads); the signals it refers to are compiled before
	// it, in b's current criterion.
	compile(b *compiler, cs *csignal)
	// eval marks in m each sentence cs matches and records in w where in
	// the sentence it matched (for quotes); the signals it refers to are
	// evaluated before it.
	eval(r *run, cs *csignal, m []bool, w map[int]span)
}

// kindList is every kind, in the order the error for an unknown kind
// names them.
var kindList = []kind{termsKind{}, annotationKind{}, compositeKind{}, countKind{}, conditionalKind{}}

// kinds is kindList keyed by name.
var kinds = func() map[string]kind {
	m := make(map[string]kind, len(kindList))
	for _, k := range kindList {
		m[k.name()] = k
	}
	return m
}()

// kindNames names the kinds for the error on an unknown one: "terms,
// annotation, composite, count or conditional".
func kindNames() string {
	names := make([]string, len(kindList))
	for i, k := range kindList {
		names[i] = k.name()
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " or " + names[last]
}

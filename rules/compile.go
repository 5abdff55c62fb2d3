package rules

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// compiled is a rule set ready to run.
type compiled struct {
	ac     *automaton
	lists  []*termList
	usedBy [][]int // pattern id → term lists using it
	// reLists are the term lists with regular expressions: candidates in
	// every sentence, as the automaton cannot find them.
	reLists  []int
	criteria []*ccrit
}

type ccrit struct {
	file    *File
	signals []*csignal // in dependency order
	byName  map[string]*csignal
	levels  []LevelSpec // by score
}

type csignal struct {
	spec    *SignalSpec
	idx     int
	section *regexp.Regexp
	notSect *regexp.Regexp
	blocks  map[document.Kind]bool
	// forms are the claim forms the signal may match (readable units by
	// default); voice, status and scope the claim values it needs (nil:
	// any), polarity the one it needs ("": either).
	forms map[string]bool
	// anyReadable: forms are the readable ones, tested without the map
	// (eligible is the engine's inner loop).
	anyReadable bool
	voice       map[string]bool
	speaker     map[string]bool
	status      map[string]bool
	scope       map[string]bool
	polarity    string
	prefer      []*cpart
	avoid       []*cpart
	// kind matches the signal (kind.go); its compile sets what its eval
	// reads: list (terms), all, any and none (composite, and annotation,
	// a composite of one part), context (composite), of (count), ifSig
	// and thenSig (conditional).
	kind    kind
	list    int // term list (kind terms), -1 otherwise
	all     []*cpart
	any     []*cpart
	none    []*cpart
	context *ccontext
	of      *csignal
	ifSig   *csignal
	thenSig *csignal
}

// ccontext is a compiled ContextSpec.
type ccontext struct {
	scope     string
	all, none []*cpart
}

type cpart struct {
	signal   *csignal
	annKind  string
	annSub   string
	minValue *float64
	list     int // -1 when not a term part
	any      []*cpart
}

// compiler builds a compiled rule set; kinds' compile methods use it for
// their term lists, their parts and the signals they refer to.
type compiler struct {
	c  *compiled
	cc *ccrit // the criterion being compiled
	// One compiled pattern per distinct section pattern: the verdicts
	// are cached per pattern and section (sectionMatches), and several
	// signals share a pattern ("workforce|staff|our people ...").
	sectionREs map[string]*regexp.Regexp
}

// compile makes a checked rule set ready to run.
func compile(s *Set) (*compiled, error) {
	b := &compiler{c: &compiled{ac: newAutomaton()}, sectionREs: map[string]*regexp.Regexp{}}
	for _, f := range s.Files {
		b.c.criteria = append(b.c.criteria, b.criterion(f))
	}
	b.c.ac.build()
	b.c.indexLists()
	return b.c, nil
}

func (b *compiler) criterion(f *File) *ccrit {
	cc := &ccrit{file: f, byName: map[string]*csignal{}, levels: append([]LevelSpec(nil), f.Levels...)}
	slices.SortStableFunc(cc.levels, func(a, b LevelSpec) int { return cmp.Compare(a.Score, b.Score) })
	b.cc = cc
	// dependency order: a signal after the signals it refers to
	for _, i := range topo(f) {
		cs := b.signal(&f.Signals[i])
		cc.signals = append(cc.signals, cs)
		cc.byName[cs.spec.Name] = cs
	}
	return cc
}

// signal compiles what any signal may have, then has its kind compile
// the rest.
func (b *compiler) signal(spec *SignalSpec) *csignal {
	cs := &csignal{spec: spec, idx: len(b.cc.signals), list: -1, kind: kinds[spec.Kind]}
	if spec.Section != "" {
		cs.section = b.sectionRE(spec.Section)
	}
	if spec.NotSection != "" {
		cs.notSect = b.sectionRE(spec.NotSection)
	}
	cs.setClaim(spec.Claim)
	if len(spec.Blocks) > 0 {
		cs.blocks = map[document.Kind]bool{}
		for _, bk := range spec.Blocks {
			cs.blocks[document.Kind(bk)] = true
		}
	}
	cs.prefer = b.parts(spec.Prefer)
	cs.avoid = b.parts(spec.Avoid)
	cs.kind.compile(b, cs)
	return cs
}

func (b *compiler) sectionRE(pat string) *regexp.Regexp {
	re, ok := b.sectionREs[pat]
	if !ok {
		// Section paths are matched lower-cased (sectionMatches): a
		// lower-case ASCII pattern needs no case folding, which Go runs
		// several times slower.
		if !lowerASCII(pat) {
			pat = "(?i)" + pat
		}
		re = regexp.MustCompile(pat)
		b.sectionREs[pat] = re
	}
	return re
}

// newList adds a term list to the automaton and returns its index.
func (b *compiler) newList(terms, exclude []string) int {
	b.c.lists = append(b.c.lists, b.c.ac.list(terms, exclude))
	return len(b.c.lists) - 1
}

// ref is a signal of the current criterion, already compiled.
func (b *compiler) ref(name string) *csignal { return b.cc.byName[name] }

func (b *compiler) part(p Part) *cpart {
	cp := &cpart{list: -1, minValue: p.MinValue}
	switch {
	case p.Signal != "":
		cp.signal = b.ref(p.Signal)
	case p.Annotation != "":
		cp.annKind, cp.annSub, _ = strings.Cut(p.Annotation, ":")
	case len(p.Terms) > 0:
		cp.list = b.newList(p.Terms, nil)
	}
	cp.any = b.parts(p.Any)
	return cp
}

// parts compiles a list of parts, in order (nil for none).
func (b *compiler) parts(ps []Part) []*cpart {
	var out []*cpart
	for _, p := range ps {
		out = append(out, b.part(p))
	}
	return out
}

// indexLists records, once the automaton is built, which term lists use
// each of its patterns, and which lists hold regular expressions.
func (c *compiled) indexLists() {
	c.usedBy = make([][]int, len(c.ac.pats))
	for li, l := range c.lists {
		if len(l.res) > 0 {
			c.reLists = append(c.reLists, li)
		}
		for _, ids := range [][]int32{l.terms, l.exclude} {
			for _, id := range ids {
				if !slices.Contains(c.usedBy[id], li) {
					c.usedBy[id] = append(c.usedBy[id], li)
				}
			}
		}
	}
}

// topo orders a file's signals so that each comes after those it uses
// (checkFile has ruled out loops).
func topo(f *File) []int {
	idx := map[string]int{}
	for i, s := range f.Signals {
		idx[s.Name] = i
	}
	done := make([]bool, len(f.Signals))
	var out []int
	var visit func(i int)
	visit = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		for _, d := range f.Signals[i].deps() {
			if j, ok := idx[d]; ok {
				visit(j)
			}
		}
		out = append(out, i)
	}
	for i := range f.Signals {
		visit(i)
	}
	return out
}

// readableForms are the units every signal may match.
var readableForms = []string{annotate.FormSentence, annotate.FormItem, annotate.FormRow}

func setOf(vals []string) map[string]bool {
	if len(vals) == 0 {
		return nil
	}
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}

// setClaim compiles a signal's claim requirements.
func (cs *csignal) setClaim(c *ClaimSpec) {
	cs.forms = setOf(readableForms)
	cs.anyReadable = c == nil || len(c.Forms) == 0
	if c == nil {
		return
	}
	for _, f := range c.Forms {
		cs.forms[f] = true
	}
	cs.voice, cs.status, cs.scope, cs.polarity = setOf(c.Voice), setOf(c.Status), setOf(c.Scope), c.Polarity
	cs.speaker = setOf(c.Speaker)
}

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
	list    int // term list (kind terms), -1 otherwise
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
	all         []*cpart
	any         []*cpart
	none        []*cpart
	of          *csignal
	ifSig       *csignal
	thenSig     *csignal
	context     *ccontext
	prefer      []*cpart
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

func compile(s *Set) (*compiled, error) {
	c := &compiled{ac: newAutomaton()}
	// One compiled pattern per distinct section pattern: the verdicts
	// are cached per pattern and section (sectionMatches), and several
	// signals share a pattern ("workforce|staff|our people ...").
	sectionREs := map[string]*regexp.Regexp{}
	sectionRE := func(pat string) *regexp.Regexp {
		re, ok := sectionREs[pat]
		if !ok {
			re = regexp.MustCompile("(?i)" + pat)
			sectionREs[pat] = re
		}
		return re
	}
	newList := func(terms, exclude []string) int {
		c.lists = append(c.lists, c.ac.list(terms, exclude))
		return len(c.lists) - 1
	}
	for _, f := range s.Files {
		cc := &ccrit{file: f, byName: map[string]*csignal{}, levels: append([]LevelSpec(nil), f.Levels...)}
		slices.SortStableFunc(cc.levels, func(a, b LevelSpec) int { return cmp.Compare(a.Score, b.Score) })
		// dependency order: a signal after the signals it refers to
		order := topo(f)
		for _, i := range order {
			spec := &f.Signals[i]
			cs := &csignal{spec: spec, idx: len(cc.signals), list: -1}
			if spec.Section != "" {
				cs.section = sectionRE(spec.Section)
			}
			if spec.NotSection != "" {
				cs.notSect = sectionRE(spec.NotSection)
			}
			cs.setClaim(spec.Claim)
			if len(spec.Blocks) > 0 {
				cs.blocks = map[document.Kind]bool{}
				for _, b := range spec.Blocks {
					cs.blocks[document.Kind(b)] = true
				}
			}
			var part func(p Part) *cpart
			part = func(p Part) *cpart {
				cp := &cpart{list: -1, minValue: p.MinValue}
				switch {
				case p.Signal != "":
					cp.signal = cc.byName[p.Signal]
				case p.Annotation != "":
					cp.annKind, cp.annSub, _ = strings.Cut(p.Annotation, ":")
				case len(p.Terms) > 0:
					cp.list = newList(p.Terms, nil)
				}
				for _, q := range p.Any {
					cp.any = append(cp.any, part(q))
				}
				return cp
			}
			for _, p := range spec.Prefer {
				cs.prefer = append(cs.prefer, part(p))
			}
			switch spec.Kind {
			case KindTerms:
				cs.list = newList(spec.Terms, spec.Exclude)
			case KindAnnotation:
				p := part(Part{Annotation: spec.Annotation, MinValue: spec.MinValue})
				cs.all = []*cpart{p}
			case KindComposite:
				for _, p := range spec.All {
					cs.all = append(cs.all, part(p))
				}
				for _, p := range spec.Any {
					cs.any = append(cs.any, part(p))
				}
				for _, p := range spec.None {
					cs.none = append(cs.none, part(p))
				}
				if c := spec.Context; c != nil {
					cs.context = &ccontext{scope: c.Scope}
					for _, p := range c.All {
						cs.context.all = append(cs.context.all, part(p))
					}
					for _, p := range c.None {
						cs.context.none = append(cs.context.none, part(p))
					}
				}
			case KindCount:
				cs.of = cc.byName[spec.Of]
			case KindConditional:
				cs.ifSig, cs.thenSig = cc.byName[spec.If], cc.byName[spec.Then]
			}
			cc.signals = append(cc.signals, cs)
			cc.byName[spec.Name] = cs
		}
		c.criteria = append(c.criteria, cc)
	}
	c.ac.build()
	c.usedBy = make([][]int, len(c.ac.pats))
	for li, l := range c.lists {
		if len(l.res) > 0 {
			c.reLists = append(c.reLists, li)
		}
		for _, ids := range [][]int32{l.terms, l.exclude} {
			for _, id := range ids {
				if !containsInt(c.usedBy[id], li) {
					c.usedBy[id] = append(c.usedBy[id], li)
				}
			}
		}
	}
	return c, nil
}

func containsInt(list []int, x int) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
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

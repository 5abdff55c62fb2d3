package rules

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
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

// listHit is a term list that matched in a sentence, and where.
type listHit struct {
	list int32
	at   span
}

// list reports whether term list li matched in the sentence.
func (s *sentence) list(li int) (span, bool) {
	for _, h := range s.lists {
		if int(h.list) == li {
			return h.at, true
		}
	}
	return span{}, false
}

// sentence is a sentence prepared for matching.
type sentence struct {
	*annotate.Sentence
	section  string // path joined with " > "
	words    int
	lists    []listHit // term lists matched, with where (few per sentence)
	unitPara int       // index of the paragraph unit
	unitSect int       // index of the section unit
}

// run holds one document's evaluation.
type run struct {
	ctx   context.Context // nil: never stopped
	kind  string          // the document's kind (annotate.Kind*)
	c     *compiled
	sents []*sentence
	words int
	pages int
	nPara int
	nSect int
	// matched and where are indexed by the signal's place in its
	// criterion (csignal.idx): these lookups are the engine's inner loop.
	matched [][]bool
	// where in each matched sentence a signal matched (for quotes); only
	// matched sentences have an entry: matches are sparse, and a span per
	// sentence per signal would be most of the memory on a long pack.
	where []map[int]span
	// stat is what each signal matched, counted once per criterion.
	stat []stat
	// sectOK caches a section pattern's verdict per section unit: many
	// sentences share a path, and signals share patterns.
	sectOK map[*regexp.Regexp][]int8
	// ctxOK caches each context's verdict per unit (contextHolds).
	ctxOK map[ctxKey]bool
	// unitsOf caches the units of each scope: they depend on the
	// document only, and every signal of that scope walks them.
	unitsOf map[string][][]int
	// relaxed is a signal whose own filters are off (Explain).
	relaxed *csignal
}

// sectionMatches reports whether a section pattern matches sentence i's
// section path, matching each distinct path once.
func (r *run) sectionMatches(re *regexp.Regexp, i int) bool {
	cache := r.sectOK[re]
	if cache == nil {
		cache = make([]int8, r.nSect)
		r.sectOK[re] = cache
	}
	s := r.sents[i]
	switch cache[s.unitSect] {
	case 1:
		return true
	case 2:
		return false
	}
	ok := re.MatchString(s.section)
	cache[s.unitSect] = 2
	if ok {
		cache[s.unitSect] = 1
	}
	return ok
}

// sectionPaths joins section paths once: the sentences of a section share
// one path slice (package annotate), so it is keyed by its first element
// and its length (a sub-section's path may share its parent's array).
type sectionPaths map[pathKey]string

type pathKey struct {
	first *string
	n     int
}

func (p sectionPaths) join(path []string, titleRoot string) string {
	if len(path) == 0 {
		return ""
	}
	key := pathKey{&path[0], len(path)}
	if s, ok := p[key]; ok {
		return s
	}
	trimmed := path
	if len(trimmed) > 1 && trimmed[0] == titleRoot {
		trimmed = trimmed[1:]
	}
	s := strings.Join(trimmed, " > ")
	p[key] = s
	return s
}

// countWords counts words without building them (strings.Fields would).
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

func (c *compiled) prepare(d *annotate.Doc) *run {
	r := &run{c: c, pages: max(len(d.Pages), 1), kind: d.Kind, sectOK: map[*regexp.Regexp][]int8{}, unitsOf: map[string][][]int{}}
	// A single root section that is the document's title adds nothing to
	// a section path: "Plan > 2. Money" reads better as "2. Money".
	titleRoot := ""
	if len(d.Sections) == 1 && len(d.Sections[0].Children) > 0 {
		titleRoot = d.Sections[0].Title
	}
	paths := sectionPaths{}
	paras := map[[3]int]int{}
	sects := map[string]int{}
	var hits []hit
	var cand []int
	for i := range d.Sentences {
		s := &d.Sentences[i]
		st := &sentence{Sentence: s, section: paths.join(s.Section, titleRoot)}
		norm := normalise(s.Text)
		st.words = countWords(s.Text)
		r.words += st.words
		// A paragraph unit is a block, a list item, or a table row.
		key := [3]int{s.Page, s.Block, s.Item}
		if s.Kind == document.Table {
			key = [3]int{s.Page, s.Block, -2 - s.Row}
		}
		p, ok := paras[key]
		if !ok {
			p = len(paras)
			paras[key] = p
		}
		st.unitPara = p
		sc, ok := sects[st.section]
		if !ok {
			sc = len(sects)
			sects[st.section] = sc
		}
		st.unitSect = sc
		hits = c.ac.scan(norm, hits[:0])
		cand = cand[:0]
		for _, h := range hits {
			for _, li := range c.usedBy[h.pat] {
				if !containsInt(cand, li) {
					cand = append(cand, li)
				}
			}
		}
		for _, li := range c.reLists {
			if !containsInt(cand, li) {
				cand = append(cand, li)
			}
		}
		for _, li := range cand {
			if sp, ok := c.lists[li].match(hits, norm); ok {
				st.lists = append(st.lists, listHit{int32(li), sp})
			}
		}
		r.sents = append(r.sents, st)
	}
	r.nPara, r.nSect = len(paras), len(sects)
	return r
}

// partIn reports whether sentence i satisfies a part, and where.
func (r *run) partIn(p *cpart, i int) (span, bool) {
	s := r.sents[i]
	switch {
	case p.signal != nil:
		if r.matched[p.signal.idx][i] {
			return r.where[p.signal.idx][i], true
		}
		return span{}, false
	case p.list >= 0:
		return s.list(p.list)
	case p.annKind != "":
		for _, a := range s.Annotations {
			if a.Kind != p.annKind || p.annSub != "" && !a.HasSub(p.annSub) {
				continue
			}
			if p.minValue != nil && a.Value < *p.minValue {
				continue
			}
			return span{a.Start, a.End}, true
		}
		return span{}, false
	}
	for _, q := range p.any {
		if sp, ok := r.partIn(q, i); ok {
			return sp, true
		}
	}
	return span{}, false
}

// contextHolds reports whether the unit of c's scope around sentence i
// satisfies c: some sentence of it each part of all, none any part of
// none. Verdicts are cached per context and unit: the passages of one
// section share one.
func (r *run) contextHolds(c *ccontext, i int) bool {
	s := r.sents[i]
	unit := 0
	switch c.scope {
	case ScopeParagraph:
		unit = s.unitPara
	case ScopeSection:
		unit = s.unitSect
	}
	key := ctxKey{c, unit}
	if v, ok := r.ctxOK[key]; ok {
		return v
	}
	idx := r.units(c.scope)[unit]
	ok := true
	for _, p := range c.all {
		if !r.partHits(p, idx, map[int]span{}) {
			ok = false
			break
		}
	}
	for _, p := range c.none {
		if !ok {
			break
		}
		for _, j := range idx {
			if _, yes := r.partIn(p, j); yes {
				ok = false
				break
			}
		}
	}
	if r.ctxOK == nil {
		r.ctxOK = map[ctxKey]bool{}
	}
	r.ctxOK[key] = ok
	return ok
}

type ctxKey struct {
	c    *ccontext
	unit int
}

// units groups sentence indexes by a scope, once per scope and document.
func (r *run) units(scope string) [][]int {
	if scope == "" || scope == ScopeTable {
		scope = ScopeSentence // table scope is sentences, filtered by eligible
	}
	if u, ok := r.unitsOf[scope]; ok {
		return u
	}
	var n int
	var key func(s *sentence, i int) int
	switch scope {
	case ScopeSentence:
		n, key = len(r.sents), func(_ *sentence, i int) int { return i }
	case ScopeParagraph:
		n, key = r.nPara, func(s *sentence, _ int) int { return s.unitPara }
	case ScopeSection:
		n, key = r.nSect, func(s *sentence, _ int) int { return s.unitSect }
	default:
		n, key = 1, func(*sentence, int) int { return 0 }
	}
	out := make([][]int, n)
	for i, s := range r.sents {
		k := key(s, i)
		out[k] = append(out[k], i)
	}
	r.unitsOf[scope] = out
	return out
}

// partHits reports whether any sentence of idx satisfies p, keeping in
// found the first span of each sentence that does.
func (r *run) partHits(p *cpart, idx []int, found map[int]span) bool {
	hit := false
	for _, i := range idx {
		if sp, yes := r.partIn(p, i); yes {
			hit = true
			if _, seen := found[i]; !seen {
				found[i] = sp
			}
		}
	}
	return hit
}

// eligible: the signal's section and block filters, and table scope (rows only).
func (r *run) eligible(cs *csignal, i int) bool {
	return cs == r.relaxed || r.failedFilter(cs, i) == filterNone
}

// A signal's filters, in the order they are tried; failedFilter names the
// first a sentence fails, so that eligible and the explanation of a
// rejected passage (whyNot) cannot disagree.
type filter int

const (
	filterNone filter = iota
	filterForm
	filterVoice
	filterSpeaker
	filterStatus
	filterScope
	filterPolarity
	filterTable
	filterSection
	filterNotSection
	filterBlocks
)

func (r *run) failedFilter(cs *csignal, i int) filter {
	s := r.sents[i]
	c := s.Claim
	switch {
	case cs.anyReadable && !c.Readable() || !cs.anyReadable && !cs.forms[c.Form]:
		// Only units a reader can read are evidence (a signal may
		// widen this with claim.forms): headings, contents entries,
		// meeting formalities, reference lists and debris never are.
		return filterForm
	case cs.voice != nil && !cs.voice[c.Voice]:
		return filterVoice
	case cs.speaker != nil && !cs.speaker[speakerOf(c)]:
		return filterSpeaker
	case cs.status != nil && !cs.status[c.Status]:
		return filterStatus
	case cs.scope != nil && !cs.scope[c.Scope]:
		return filterScope
	case cs.polarity != "" && cs.polarity != c.Polarity:
		return filterPolarity
	case cs.spec.Scope == ScopeTable && s.Kind != document.Table:
		return filterTable
	case cs.section != nil && !r.sectionMatches(cs.section, i):
		return filterSection
	case cs.notSect != nil && r.sectionMatches(cs.notSect, i):
		return filterNotSection
	case cs.blocks != nil && !cs.blocks[s.Kind]:
		return filterBlocks
	}
	return filterNone
}

// evalSignal fills matched and where for one signal.
func (r *run) evalSignal(cs *csignal) {
	n := len(r.sents)
	m := make([]bool, n)
	w := map[int]span{}
	r.matched[cs.idx], r.where[cs.idx] = m, w
	switch cs.spec.Kind {
	case KindTerms:
		for i, s := range r.sents {
			if sp, ok := s.list(cs.list); ok && r.eligible(cs, i) {
				m[i], w[i] = true, sp
			}
		}
	case KindAnnotation, KindComposite:
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
			ok := true
			for _, p := range cs.all {
				if !r.partHits(p, idx, found) {
					ok = false
					break
				}
			}
			if ok && len(cs.any) > 0 {
				hit := false
				for _, p := range cs.any {
					// Every part is looked at, for the spans it adds.
					hit = r.partHits(p, idx, found) || hit
				}
				ok = hit
			}
			if ok {
				for _, p := range cs.none {
					for _, i := range idx {
						if _, yes := r.partIn(p, i); yes {
							ok = false
						}
					}
				}
			}
			if ok {
				for i, sp := range found {
					if cs.context == nil || cs == r.relaxed || r.contextHolds(cs.context, i) {
						m[i], w[i] = true, sp
					}
				}
			}
		}
	case KindCount:
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
	case KindConditional:
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
}

// stat is how a signal did in a document: the sentences it matched and
// the pages they are on.
type stat struct {
	count, pages int
}

func (r *run) stats(cs *csignal) stat { return r.stat[cs.idx] }

// evalCriterion evaluates every signal of a criterion, in dependency
// order, and counts what each matched.
func (r *run) evalCriterion(cc *ccrit) {
	r.matched = make([][]bool, len(cc.signals))
	r.where = make([]map[int]span, len(cc.signals))
	r.stat = make([]stat, len(cc.signals))
	pages := map[int]bool{}
	for _, cs := range cc.signals {
		if r.ctx != nil && r.ctx.Err() != nil {
			return // given up: ScoreContext reports it
		}
		r.evalSignal(cs)
		clear(pages)
		st := &r.stat[cs.idx]
		shown := false
		for i, ok := range r.matched[cs.idx] {
			if ok {
				st.count++
				pages[r.sents[i].Page] = true
				shown = shown || r.showable(cs, i)
			}
		}
		st.pages = len(pages)
		if !shown {
			// A score rests on the passages shown for it: a signal none
			// of whose passages can be quoted (each a window of a
			// run-together line that starts mid-sentence) backs no level.
			*st = stat{}
		}
	}
}

// holds evaluates a condition; gaps collects the Gap texts of failed
// leaves (or of a failed group that has one).
func (r *run) holds(cc *ccrit, c *Cond, gaps *[]string) bool {
	collect := func(ok bool) bool {
		if !ok && gaps != nil && c.Gap != "" {
			*gaps = append(*gaps, c.Gap)
		}
		return ok
	}
	switch {
	case c.Signal != "":
		st := r.stats(cc.byName[c.Signal])
		need := max(c.Min, 1)
		if c.Per10kWords > 0 {
			need = max(need, int(math.Ceil(c.Per10kWords*float64(r.words)/10000)))
		}
		// A document cannot spread over more pages than it has
		// (Markdown and web pages have one).
		ok := st.count >= need && st.pages >= min(c.MinPages, r.pages)
		if c.Max != nil {
			// "at most": min counts only when given
			ok = st.count <= *c.Max && st.count >= c.Min
		}
		if c.ShareOf != "" {
			ok = ok && float64(st.count) >= c.Share*float64(r.stats(cc.byName[c.ShareOf]).count)
		}
		return collect(ok)
	case len(c.All) > 0:
		var inner []string
		ok := true
		for i := range c.All {
			var g *[]string
			if c.Gap == "" {
				g = &inner
			}
			if !r.holds(cc, &c.All[i], g) {
				ok = false
			}
		}
		if !ok && gaps != nil {
			if c.Gap != "" {
				*gaps = append(*gaps, c.Gap)
			} else {
				*gaps = append(*gaps, inner...)
			}
		}
		return ok
	case len(c.Any) > 0:
		for i := range c.Any {
			if r.holds(cc, &c.Any[i], nil) {
				return true
			}
		}
		if gaps != nil {
			if c.Gap != "" {
				*gaps = append(*gaps, c.Gap)
			} else {
				r.holds(cc, &c.Any[0], gaps)
			}
		}
		return false
	case c.Not != nil:
		return collect(!r.holds(cc, c.Not, nil))
	}
	return false
}

// condSignals lists the signals a condition uses positively (evidence
// for a score is drawn from these).
func condSignals(c *Cond, out *[]string) {
	if c.Signal != "" && c.Max == nil {
		*out = append(*out, c.Signal)
	}
	for i := range c.All {
		condSignals(&c.All[i], out)
	}
	for i := range c.Any {
		condSignals(&c.Any[i], out)
	}
}

// LevelSignals names the signals a criterion's level's condition counts:
// the passages a score of that level rests on are theirs.
func (s *Set) LevelSignals(criterion string, score int) ([]string, error) {
	for _, cc := range s.comp.criteria {
		if cc.file.ID != criterion {
			continue
		}
		if score < 1 || score > len(cc.levels) {
			return nil, fmt.Errorf("criterion %s has no level %d", criterion, score)
		}
		var names []string
		condSignals(&cc.levels[score-1].When, &names)
		return names, nil
	}
	return nil, fmt.Errorf("no criterion %q", criterion)
}

// RedFlagMaxScore is the highest score beside which a red flag with this
// message may stand, and whether the flag has such a bound.
func (s *Set) RedFlagMaxScore(criterion, message string) (int, bool) {
	for _, f := range s.Files {
		if f.ID != criterion {
			continue
		}
		for _, rf := range f.RedFlags {
			if rf.MaxScore != nil && strings.HasPrefix(message, rf.Message) {
				return *rf.MaxScore, true
			}
		}
	}
	return 0, false
}

// MaxEvidence is how many passages are quoted per criterion.
const MaxEvidence = 6

// maxQuote bounds a quote; longer sentences are cut to a window of words
// around what matched (still verbatim: no ellipsis is added).
const maxQuote = 320

// scoreCriterion evaluates one criterion.
func (r *run) scoreCriterion(cc *ccrit) Criterion {
	r.evalCriterion(cc)
	f := cc.file
	levels := cc.levels
	score := 0
	// A score needs its own condition and every lower one's: the rubric's
	// levels build on each other, and "when in doubt, take the lower".
	for i := range levels {
		if !r.holds(cc, &levels[i].When, nil) {
			break
		}
		score = levels[i].Score
	}
	out := Criterion{ID: f.ID, Name: f.Name, Score: score, Max: 3, Evidence: []Evidence{}, Gaps: []string{}, Questions: []string{}, RedFlags: []string{}, Signals: map[string]int{}}
	if score == 0 {
		out.Summary = f.NoneSummary
	} else {
		out.Summary = levels[score-1].Summary
	}
	for _, cs := range cc.signals {
		if st := r.stats(cs); st.count > 0 {
			out.Signals[cs.spec.Name] = st.count
		}
	}
	out.Summary = r.fill(cc, out.Summary)
	if score < 3 {
		var gaps []string
		r.holds(cc, &levels[score].When, &gaps)
		for _, g := range gaps {
			g = r.fill(cc, g)
			if !containsStr(out.Gaps, g) {
				out.Gaps = append(out.Gaps, g)
			}
		}
	}
	// evidence: the signals of the level reached, then of the levels
	// below when there is room
	if score > 0 {
		var tiers [][]string
		for i := score - 1; i >= 0; i-- {
			var names []string
			condSignals(&levels[i].When, &names)
			tiers = append(tiers, names)
		}
		out.Evidence = r.evidence(cc, tiers...)
	}
	asked := map[string]bool{} // passages questions are already about
	for _, q := range f.Questions {
		if q.When != nil && !r.holds(cc, q.When, nil) {
			continue
		}
		if q.Unless != nil && r.holds(cc, q.Unless, nil) {
			continue
		}
		ask := r.fill(cc, q.Ask)
		if q.About != "" {
			e, ok := r.passageFor(cc, q.About, asked)
			if !ok {
				continue
			}
			ask = fmt.Sprintf("%s, “%s”: %s", r.placeOf(e), textclean.Shorten(e.Quote, 100), ask)
		}
		out.Questions = append(out.Questions, ask)
	}
	for _, rf := range f.RedFlags {
		if rf.MaxScore != nil && score > *rf.MaxScore || slices.Contains(rf.NotKinds, r.kind) || !r.holds(cc, &rf.When, nil) {
			continue
		}
		msg := r.fill(cc, rf.Message)
		if rf.Show != "" {
			if ev := r.evidence(cc, []string{rf.Show}); len(ev) > 0 {
				msg += fmt.Sprintf(" (page %d: “%s”)", ev[0].Page, textclean.Shorten(ev[0].Quote, 120))
			}
		}
		out.RedFlags = append(out.RedFlags, msg)
	}
	return out
}

// passageFor is the first passage of a signal not yet in used, for a
// question about it; false when there is none.
func (r *run) passageFor(cc *ccrit, signal string, used map[string]bool) (Evidence, bool) {
	ev := r.evidence(cc, []string{signal})
	if len(ev) == 0 {
		return Evidence{}, false
	}
	for _, e := range ev {
		if !used[e.Quote] {
			used[e.Quote] = true
			return e, true
		}
	}
	return Evidence{}, false // a second question on one passage says nothing new
}

// placeOf names where a passage is, for a question: its page, with its
// section where there is one; a document without pages (HTML, Markdown)
// has only the section.
func (r *run) placeOf(e Evidence) string {
	sect := textclean.Shorten(e.Section, 60)
	switch {
	case r.pages > 1 && sect != "":
		return fmt.Sprintf("On p. %d (%s)", e.Page, sect)
	case r.pages > 1:
		return fmt.Sprintf("On p. %d", e.Page)
	case sect != "":
		return fmt.Sprintf("In “%s”", sect)
	}
	return "Where it says"
}

var placeholder = regexp.MustCompile(`\{([a-z][a-z0-9-]*)\}`)

// fill replaces {signal} with how many sentences the signal matched.
func (r *run) fill(cc *ccrit, s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if cs, ok := cc.byName[name]; ok {
			return itoa(r.stats(cs).count)
		}
		return m
	})
}

// evidence picks up to MaxEvidence passages for tiers of signals (the
// level reached first). Within a tier it goes round the signals, so that
// each thing the score needed is shown (a figure, a group, a cause ...)
// before a second of any. A signal's passages are taken strongest first
// (rank), and among equally strong ones it prefers pages not yet cited;
// headings, which name a topic rather than show it, come last.
func (r *run) evidence(cc *ccrit, tiers ...[]string) []Evidence {
	var out []Evidence
	used := map[int]bool{}
	quoted := map[string]bool{}
	pages := map[int]int{}
	var level []*csignal // every signal the tiers name, for rank
	for _, names := range tiers {
		for _, n := range names {
			if cs := cc.byName[n]; cs != nil && !slices.Contains(level, cs) {
				level = append(level, cs)
			}
		}
	}
	// Each signal's candidates are listed once, strongest first, then in
	// document order, with headings last; a cursor skips those already
	// used, and the search for an uncited page looks a bounded way ahead
	// among equally strong ones, so the cost stays n log n in the
	// sentences a signal matched.
	type list struct {
		idx    []int
		rank   []int
		cursor int
	}
	lists := map[string]*list{}
	candidates := func(name string) *list {
		if l, ok := lists[name]; ok {
			return l
		}
		l := &list{}
		if cs := cc.byName[name]; cs != nil {
			type ranked struct{ i, rank int }
			var passages []ranked
			var heads []int
			for i, ok := range r.matched[cs.idx] {
				switch {
				case !ok:
				case r.sents[i].Kind == document.Heading:
					heads = append(heads, i)
				default:
					passages = append(passages, ranked{i, r.rank(level, cs, i)})
				}
			}
			slices.SortStableFunc(passages, func(a, b ranked) int { return cmp.Compare(b.rank, a.rank) })
			for _, p := range passages {
				l.idx, l.rank = append(l.idx, p.i), append(l.rank, p.rank)
			}
			for _, i := range heads {
				l.idx, l.rank = append(l.idx, i), append(l.rank, 0) // below any passage
			}
		}
		lists[name] = l
		return l
	}
	const lookahead = 64
	next := func(name string) bool {
		l := candidates(name)
		for l.cursor < len(l.idx) && used[l.idx[l.cursor]] {
			l.cursor++
		}
		pick := -1
		for k := l.cursor; k < len(l.idx) && k < l.cursor+lookahead && l.rank[k] == l.rank[l.cursor]; k++ {
			i := l.idx[k]
			if used[i] {
				continue
			}
			if pick < 0 {
				pick = i
			}
			if pages[r.sents[i].Page] == 0 {
				pick = i
				break
			}
		}
		for pick >= 0 {
			used[pick] = true
			s := r.sents[pick]
			if s.Kind == document.Heading && len(out) > 0 {
				return false // a heading only when there is nothing else
			}
			q := quoteOf(s.Sentence, r.where[cc.byName[name].idx][pick])
			if !quoted[q] && quotable(s, q) {
				quoted[q] = true
				pages[s.Page]++
				out = append(out, Evidence{Quote: q, Page: s.Page, Section: s.section, Signal: name, Claim: &s.Claim})
				return true
			}
			// the same words elsewhere: try the next candidate
			pick = -1
			for l.cursor < len(l.idx) && used[l.idx[l.cursor]] {
				l.cursor++
			}
			if l.cursor < len(l.idx) {
				pick = l.idx[l.cursor]
			}
		}
		return false
	}
	for _, names := range tiers {
		for len(out) < MaxEvidence {
			took := false
			for _, name := range names {
				if len(out) >= MaxEvidence {
					break
				}
				if next(name) {
					took = true
				}
			}
			if !took {
				break
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Page < out[b].Page })
	return out
}

// rank is how strongly sentence i shows what a level needs: a whole
// unit (a sentence, list item or headed row quoted whole, not a window of
// a longer line) before a window; then one the signal prefers (its
// prefer parts); then how many of the level's signals it
// shows (a figure that also names the group and the cause says more than
// a figure alone; counted up to three, since a long run-on line matches
// everything); then its claim: the document's own, about its own area,
// and not a hypothetical. Headings rank 0, below every passage.
func (r *run) rank(level []*csignal, cs *csignal, i int) int {
	s := r.sents[i]
	rank := 1
	if len(s.Text) <= maxQuote || s.Kind == document.Table && s.Header != "" {
		rank += 1000
	}
	if r.preferred(cs, i) {
		rank += 100 // after whole units, before any count of parts
	}
	parts := 0
	for _, cs := range level {
		if r.matched[cs.idx][i] {
			parts++
		}
	}
	rank += 2 * min(parts, 3)
	if s.Claim.Voice == annotate.VoiceOwn {
		rank++
	}
	if s.Claim.Scope == annotate.ScopeLocal {
		rank++
	}
	if s.Claim.Status != annotate.StatusExample {
		rank++
	}
	return rank
}

// preferred reports whether one of the signal's prefer parts holds in
// sentence i.
func (r *run) preferred(cs *csignal, i int) bool {
	for _, p := range cs.prefer {
		if _, ok := r.partIn(p, i); ok {
			return true
		}
	}
	return false
}

// showable: sentence i, matched by cs, can be quoted as its evidence.
func (r *run) showable(cs *csignal, i int) bool {
	s := r.sents[i]
	return s.Kind == document.Heading || quotable(s, quoteOf(s.Sentence, r.where[cs.idx][i]))
}

// quotable: a quote a reader can read as a whole statement. A window cut
// from a long line that starts mid-sentence ("benefit claimant the
// financial security ...") or after a footnote number is not, nor is a
// question, which claims nothing, nor a list run together into one line;
// a list item may start in lower case,
// read after its lead-in. The passage still counts for the score: only
// its quote is passed over for another.
func quotable(s *sentence, q string) bool {
	if strings.HasSuffix(strings.TrimRight(q, " ”\"'’)"), "?") {
		return false
	}
	if annotate.GluedList(q) {
		return false
	}
	return s.Kind == document.List || !annotate.StartsMidSentence(q)
}

// quoteOf quotes a sentence; a table row is quoted under its column
// headers ("Service: Urgent care; 2023/24: £12.1m"), because its cells
// alone ("Urgent care | £12.1m") do not say what the numbers are.
func quoteOf(s *annotate.Sentence, sp span) string {
	if s.Kind == document.Table && s.Header != "" {
		// A row too long to quote whole is quoted as a window of its
		// cells, like a long sentence: a quote is never cut inside.
		if q, ok := document.HeadedRow(s.Header, s.Text); ok && len(q) <= 2*maxQuote {
			return q
		}
	}
	return quote(s.Text, sp)
}

// quote returns the sentence, or a window of whole words around sp when
// the sentence is long. The result is always a substring of text. A
// window starts, where it can, at the start of a clause (after "; ", ": "
// or a bullet) and ends at the end of one, so that a long list quoted in
// part reads as whole items rather than as words cut at both ends.
func quote(text string, sp span) string {
	if len(text) <= maxQuote {
		return text
	}
	sp.start, sp.end = max(0, min(sp.start, len(text))), max(0, min(sp.end, len(text)))
	// The clause the match is in, then whole clauses after it and before
	// it while they fit.
	start, end := sp.start, sp.end
	for start > 0 && !clauseStart(text, start) {
		start--
	}
	for end < len(text) && !clauseEnd(text, end) {
		end++
	}
	if end-start <= maxQuote {
		for {
			e := end + 1
			for e < len(text) && !clauseEnd(text, e) {
				e++
			}
			if e > len(text) || e-start > maxQuote {
				break
			}
			end = e
			if end == len(text) {
				break
			}
		}
		for start > 0 {
			b := start - 1
			for b > 0 && !clauseStart(text, b) {
				b--
			}
			if end-b > maxQuote {
				break
			}
			start = b
		}
		return strings.TrimRight(strings.TrimSpace(text[start:end]), ";")
	}
	// One clause longer than a quote: whole words around the match.
	start = max(0, sp.start-maxQuote/3)
	end = min(len(text), start+maxQuote)
	for start > 0 && text[start-1] != ' ' {
		start++
	}
	for end < len(text) && end > start && text[end] != ' ' {
		end--
	}
	return strings.TrimSpace(text[start:end])
}

// clauseStart reports whether a clause starts at i: after "; ", ": " or
// a bullet.
func clauseStart(text string, i int) bool {
	if i < 2 || text[i-1] != ' ' {
		return false
	}
	switch text[i-2] {
	case ';', ':':
		return true
	}
	return strings.HasSuffix(text[:i-1], "•")
}

// clauseEnd reports whether a clause ends at i: before a semicolon, or
// after a full stop followed by a space.
func clauseEnd(text string, i int) bool {
	if i < 1 || i >= len(text) {
		return false
	}
	return text[i] == ';' || text[i-1] == '.' && text[i] == ' '
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Score evaluates every criterion on an annotated document.
func (s *Set) Score(d *annotate.Doc, tool Tool) *Scorecard {
	sc, _ := s.ScoreContext(context.Background(), d, tool)
	return sc
}

// ScoreContext is Score, stopped when ctx ends (the --deadline of a
// document): the rules are given up between signals, not run on after
// the caller has stopped waiting.
func (s *Set) ScoreContext(ctx context.Context, d *annotate.Doc, tool Tool) (*Scorecard, error) {
	r := s.comp.prepare(d)
	r.ctx = ctx
	tool.RulesVersion = s.Version
	sc := &Scorecard{
		SchemaVersion: ScoreSchemaVersion,
		Tool:          tool,
		Document: DocInfo{
			Source: d.Source, SHA256: d.SHA256, Title: d.Title, Format: d.Format,
			Pages: len(d.Pages), Words: r.words, Quality: d.Quality, Kind: d.Kind, Fit: fitNotes[d.Kind],
		},
		Status: StatusScored,
		Facts:  facts(d),
	}
	if why := unreadable(d, r.words); why != "" {
		sc.Status, sc.Reason = StatusUnreadable, why
		sc.Criteria, sc.Facts = []Criterion{}, []Fact{}
		return sc, nil
	}
	for _, cc := range s.comp.criteria {
		c := r.scoreCriterion(cc)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sc.Criteria = append(sc.Criteria, c)
	}
	return sc, nil
}

// fitNotes say, for kinds of document that are not plans, how far the
// rubric (written for strategies and plans) fits them, so that a low
// score is read for what it is.
var fitNotes = map[string]string{
	annotate.KindAnnualReport: "An annual report looks back on a year: the rubric asks a plan's questions, so actions, costs and involvement are scored from what it reports, not from what it plans.",
	annotate.KindNeeds:        "A needs assessment describes need and recommends: it is not expected to cost its proposals or to have been shaped by the public, so low scores on costed plans and public involvement say less than they would of a strategy.",
	annotate.KindConsultation: "A consultation or engagement report reports what people said: it is not expected to set out costed actions.",
	annotate.KindResearch:     "A research paper or review weighs evidence: it is not expected to commit money or actions, so scores on costed plans and inequality actions say little about its quality.",
	annotate.KindGuidance:     "Guidance and policy set out what others should do: scores describe the asks it makes, not a local plan.",
	annotate.KindImpact:       "An impact assessment weighs the effects of another document: it is not expected to set out its own actions or costs.",
	annotate.KindBoardPapers:  "A board pack holds many papers: the scores describe the pack as a whole, not any one paper in it.",
}

// unreadable says why a document cannot be judged, or "": no text, or
// so little a page that it is a scan, outlined text or images (the
// reader's needs_ocr). Scoring it would print 0s that read as "the plan
// has none of this".
func unreadable(d *annotate.Doc, words int) string {
	switch {
	case words == 0:
		return "no text could be read: it may be a scan, outlined text or images, which need OCR"
	case d.Quality.NeedsOCR:
		return fmt.Sprintf("almost no text could be read (%.0f characters a page, %d words): a scan, outlined text or images, which need OCR before it can be scored", d.Quality.CharsPerPage, words)
	}
	return ""
}

// Matches lists every passage a criterion's signal matches in a document
// (for rule authors checking what a signal catches).
func (s *Set) Matches(d *annotate.Doc, criterion, signal string) ([]Evidence, error) {
	ms, err := s.Explain(d, criterion, signal)
	if err != nil {
		return nil, err
	}
	var out []Evidence
	for _, m := range ms {
		if m.Counts {
			out = append(out, m.Evidence)
		}
	}
	return out, nil
}

// Match is a passage a signal's words and parts match, with its claim and
// whether the signal counts it; Why says what keeps it out when it does
// not (its form, voice, status, scope, polarity, section or block).
type Match struct {
	Evidence
	Counts bool
	Why    string
}

// Explain lists every passage a criterion's signal matches, and every
// passage it would match but for its claim and place filters, with the
// reason: what "nhsreview rules matches" prints.
func (s *Set) Explain(d *annotate.Doc, criterion, signal string) ([]Match, error) {
	for _, cc := range s.comp.criteria {
		if cc.file.ID != criterion {
			continue
		}
		cs := cc.byName[signal]
		if cs == nil {
			return nil, fmt.Errorf("criterion %s has no signal %q", criterion, signal)
		}
		r := s.comp.prepare(d)
		r.evalCriterion(cc)
		strict := r.matched[cs.idx]
		// Again without this signal's own filters: the passages its
		// words and parts match wherever they are.
		r.relaxed = cs
		r.evalSignal(cs)
		loose := r.matched[cs.idx]
		var out []Match
		for i := range loose {
			if !loose[i] && !strict[i] {
				continue
			}
			st := r.sents[i]
			m := Match{
				Evidence: Evidence{Quote: quoteOf(st.Sentence, span{}), Page: st.Page, Section: st.section, Signal: signal, Claim: &st.Claim},
				Counts:   strict[i],
			}
			if !m.Counts {
				m.Why = r.whyNot(cs, i)
				if m.Why == "" {
					// Its parts matched only where the filters let
					// them: the passage is not a match of its own.
					continue
				}
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, fmt.Errorf("no criterion %q", criterion)
}

// whyNot says which of the signal's filters (eligible) sentence i fails,
// or "" when it passes them all.
func (r *run) whyNot(cs *csignal, i int) string {
	s := r.sents[i]
	c := s.Claim
	need := func(what, got string, want map[string]bool) string {
		return fmt.Sprintf("%s is %s; the signal needs %s", what, got, strings.Join(slices.Sorted(maps.Keys(want)), " or "))
	}
	switch r.failedFilter(cs, i) {
	case filterForm:
		return fmt.Sprintf("a %s is not a unit a reader can read as evidence", c.Form)
	case filterVoice:
		return need("voice", c.Voice, cs.voice)
	case filterSpeaker:
		return need("the speaker", speakerOf(c), cs.speaker)
	case filterStatus:
		return need("status", c.Status, cs.status)
	case filterScope:
		return need("scope", c.Scope, cs.scope)
	case filterPolarity:
		return need("polarity", c.Polarity, map[string]bool{cs.polarity: true})
	case filterTable:
		return "not a table row; the signal reads tables only"
	case filterSection:
		return fmt.Sprintf("section %q does not match section: %s", s.section, cs.spec.Section)
	case filterNotSection:
		return fmt.Sprintf("section %q matches not_section: %s", s.section, cs.spec.NotSection)
	case filterBlocks:
		return fmt.Sprintf("a %s block; the signal reads %s", s.Kind, strings.Join(cs.spec.Blocks, ", "))
	}
	if cs.context != nil && !r.contextHolds(cs.context, i) {
		return fmt.Sprintf("the %s around it does not hold what the signal's context needs", cs.context.scope)
	}
	return ""
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

// speakerOf is a claim's speaker as rules name it: "own" for the
// document's own voice.
func speakerOf(c annotate.Claim) string {
	if c.Speaker == "" {
		return annotate.SpeakerOwn
	}
	return c.Speaker
}

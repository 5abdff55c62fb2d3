package rules

import (
	"context"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

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
	ctx context.Context // nil: never stopped
	// unsureOfAbsence: so much of the text was put back from interleaved
	// columns that a passage the document has may not read whole, so
	// nothing is said to be missing from it (maxColumnShare).
	unsureOfAbsence bool
	// quality is the document's reading quality: which pages OCR read,
	// whose evidence says so.
	quality *document.Quality
	kind    string // the document's kind (annotate.Kind*)
	c       *compiled
	sents   []*sentence
	words   int
	pages   int
	nPara   int
	nSect   int
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
	text := s.section
	if !strings.HasPrefix(re.String(), "(?i)") {
		text = textclean.ASCIILower(text)
	}
	ok := re.MatchString(text)
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

// maxColumnShare is the share of a converted text put back from columns
// read across (document.Quality.ColumnShare) above which the scorer says
// nothing is missing: a red flag or question with max_score says a thing
// is absent, and in a text a quarter of which was reordered the passage
// may be there, unreadable (a reader found the actions that such a flag
// said were missing from a strategy whose text was 40% reordered).
const maxColumnShare = 0.25

// parallelSentences is the number of sentences from which a document is
// matched and scored on several cores.
const parallelSentences = 2048

func (c *compiled) prepare(d *annotate.Doc) *run {
	r := &run{c: c, pages: max(len(d.Pages), 1), kind: d.Kind, sectOK: map[*regexp.Regexp][]int8{}, unitsOf: map[string][][]int{},
		unsureOfAbsence: d.Quality.ColumnShare >= maxColumnShare}
	r.quality = &d.Quality
	// A single root section that is the document's title adds nothing to
	// a section path: "Plan > 2. Money" reads better as "2. Money".
	titleRoot := ""
	if len(d.Sections) == 1 && len(d.Sections[0].Children) > 0 {
		titleRoot = d.Sections[0].Title
	}
	paths := sectionPaths{}
	paras := map[[3]int]int{}
	sects := map[string]int{}
	r.sents = make([]*sentence, len(d.Sentences))
	for i := range d.Sentences {
		s := &d.Sentences[i]
		st := &sentence{Sentence: s, section: paths.join(s.Section, titleRoot)}
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
		r.sents[i] = st
	}
	// Which term lists each sentence matches depends on the sentence
	// alone: a long document's sentences are matched on several cores,
	// in runs of consecutive sentences.
	workers, runs := 1, 1
	if len(r.sents) >= parallelSentences {
		workers = runtime.GOMAXPROCS(0)
		runs = workers * 4
	}
	crash.Each(runs, workers, func(k int) {
		var hits []hit
		var cand []int
		for _, st := range r.sents[k*len(r.sents)/runs : (k+1)*len(r.sents)/runs] {
			st.words = textclean.CountWords(st.Text)
			norm := normalise(st.Text)
			hits = c.ac.scan(norm, hits[:0])
			cand = cand[:0]
			for _, h := range hits {
				for _, li := range c.usedBy[h.pat] {
					if !slices.Contains(cand, li) {
						cand = append(cand, li)
					}
				}
			}
			for _, li := range c.reLists {
				if !slices.Contains(cand, li) {
					cand = append(cand, li)
				}
			}
			for _, li := range cand {
				if sp, ok := c.lists[li].match(hits, norm); ok {
					st.lists = append(st.lists, listHit{int32(li), sp})
				}
			}
		}
	})
	for _, st := range r.sents {
		r.words += st.words
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
	if f := cs.failedClaim(&r.sents[i].Claim); f != filterNone {
		return f
	}
	s := r.sents[i]
	switch {
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

// failedClaim names the first of the signal's claim filters a sentence's
// claim fails, or filterNone.
func (cs *csignal) failedClaim(c *annotate.Claim) filter {
	switch {
	case cs.anyReadable && !c.Readable() || !cs.anyReadable && !cs.forms[c.Form]:
		// Only units a reader can read are evidence (a signal may
		// widen this with claim.forms): headings, contents entries,
		// meeting formalities, reference lists and debris never are.
		return filterForm
	case cs.voice != nil && !cs.voice[c.Voice]:
		return filterVoice
	case cs.speaker != nil && !cs.speaker[speakerOf(*c)]:
		return filterSpeaker
	case cs.status != nil && !cs.status[c.Status]:
		return filterStatus
	case cs.scope != nil && !cs.scope[c.Scope]:
		return filterScope
	case cs.polarity != "" && cs.polarity != c.Polarity:
		return filterPolarity
	}
	return filterNone
}

// evalSignal fills matched and where for one signal: its kind says which
// sentences it matches.
func (r *run) evalSignal(cs *csignal) {
	n := len(r.sents)
	m := make([]bool, n)
	w := map[int]span{}
	r.matched[cs.idx], r.where[cs.idx] = m, w
	cs.kind.eval(r, cs, m, w)
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

// speakerOf is a claim's speaker as rules name it: "own" for the
// document's own voice.
func speakerOf(c annotate.Claim) string {
	if c.Speaker == "" {
		return annotate.SpeakerOwn
	}
	return c.Speaker
}

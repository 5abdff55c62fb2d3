package rules

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/annotate"
	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// holds evaluates a condition; gaps collects the Gap texts of failed
// leaves (or of a failed group that has one).
func (r *run) holds(cc *ccrit, c *Cond, gaps *[]string) bool {
	switch {
	case c.Signal != "":
		return gapUnless(r.counts(cc, c), c, gaps)
	case len(c.All) > 0:
		return r.holdsAll(cc, c, gaps)
	case len(c.Any) > 0:
		return r.holdsAny(cc, c, gaps)
	case c.Not != nil:
		return gapUnless(!r.holds(cc, c.Not, nil), c, gaps)
	}
	return false
}

// gapUnless adds c's Gap to gaps unless ok, and returns ok.
func gapUnless(ok bool, c *Cond, gaps *[]string) bool {
	if !ok && gaps != nil && c.Gap != "" {
		*gaps = append(*gaps, c.Gap)
	}
	return ok
}

// counts reports whether the signal of a leaf condition matched as often,
// on as many pages and in as great a share as it asks.
func (r *run) counts(cc *ccrit, c *Cond) bool {
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
	return ok
}

// holdsAll: every condition of c.All holds. Its gaps are its own Gap, or
// else those of each condition that failed.
func (r *run) holdsAll(cc *ccrit, c *Cond, gaps *[]string) bool {
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
}

// holdsAny: one condition of c.Any holds. Its gaps are its own Gap, or
// else those of the first condition.
func (r *run) holdsAny(cc *ccrit, c *Cond, gaps *[]string) bool {
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
	out := Criterion{ID: f.ID, Name: f.Name, Score: score, Max: 3, Evidence: []Evidence{}, Signals: map[string]int{}}
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
	out.Gaps = r.gaps(cc, score)
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
	out.Questions = r.questions(cc, score)
	out.RedFlags = r.redFlags(cc, score)
	return out
}

// gaps says what the next score up needs that the document lacks (none
// at the top score), each once.
func (r *run) gaps(cc *ccrit, score int) []string {
	out := []string{}
	if score >= 3 {
		return out
	}
	var gaps []string
	r.holds(cc, &cc.levels[score].When, &gaps)
	for _, g := range gaps {
		g = r.fill(cc, g)
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// questions are the criterion's questions whose conditions hold beside the
// score; a question about a signal names a passage of its own, or is not
// asked.
func (r *run) questions(cc *ccrit, score int) []string {
	out := []string{}
	asked := map[string]bool{} // passages questions are already about
	for _, q := range cc.file.Questions {
		if slices.Contains(q.NotKinds, r.kind) || q.MinScore != nil && score < *q.MinScore ||
			q.MaxScore != nil && (score > *q.MaxScore || r.unsureOfAbsence) {
			continue
		}
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
		out = append(out, ask)
	}
	return out
}

// redFlags are the criterion's red flags that hold beside the score, on
// this kind of document.
func (r *run) redFlags(cc *ccrit, score int) []string {
	out := []string{}
	for _, rf := range cc.file.RedFlags {
		if rf.MaxScore != nil && (score > *rf.MaxScore || r.unsureOfAbsence) || slices.Contains(rf.NotKinds, r.kind) || !r.holds(cc, &rf.When, nil) {
			continue
		}
		msg := r.fill(cc, rf.Message)
		if rf.Show != "" {
			if ev := r.evidence(cc, []string{rf.Show}); len(ev) > 0 {
				msg += fmt.Sprintf(" (page %d: “%s”)", ev[0].Page, textclean.Shorten(ev[0].Quote, 120))
			}
		}
		out = append(out, msg)
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

var placeholder = lazyre.New(`\{([a-z][a-z0-9-]*)\}`)

// fill replaces {signal} with how many sentences the signal matched.
func (r *run) fill(cc *ccrit, s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		if cs, ok := cc.byName[name]; ok {
			return strconv.Itoa(r.stats(cs).count)
		}
		return m
	})
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
	// Each criterion is scored on its own; a long document's criteria
	// are scored at the same time, each with caches of its own.
	workers := 1
	if len(r.sents) >= parallelSentences {
		workers = runtime.GOMAXPROCS(0)
	}
	if len(s.comp.criteria) > 0 {
		sc.Criteria = make([]Criterion, len(s.comp.criteria))
	}
	crash.Each(len(s.comp.criteria), workers, func(i int) {
		cr := r
		if workers > 1 {
			cr = r.fork()
		}
		if ctx.Err() == nil {
			sc.Criteria[i] = cr.scoreCriterion(s.comp.criteria[i])
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// fork is a run over the same prepared sentences with caches of its own,
// for a criterion scored beside others.
func (r *run) fork() *run {
	f := *r
	f.sectOK = map[*regexp.Regexp][]int8{}
	f.unitsOf = map[string][][]int{}
	f.ctxOK = nil
	f.matched, f.where, f.stat = nil, nil, nil
	return &f
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

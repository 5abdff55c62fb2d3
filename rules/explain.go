package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/pipeline/annotate"
)

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

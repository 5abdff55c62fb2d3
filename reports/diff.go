package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
	"github.com/nhsreview/nhsreview/rules"
)

// DiffSchemaVersion is the version of the diff JSON
// (schema/diff.schema.json).
const DiffSchemaVersion = 1

// Diff is what changed between two versions of one document, built from
// their scorecards: scores, the passages quoted as evidence (matched by
// quote), and red flags.
type Diff struct {
	SchemaVersion int        `json:"schema_version"`
	Tool          rules.Tool `json:"tool"`
	Old           DiffSide   `json:"old"`
	New           DiffSide   `json:"new"`
	// SameRules is false when the two were scored with different rule
	// sets, so that a changed score may be the rules' doing.
	SameRules bool            `json:"same_rules"`
	Criteria  []CriterionDiff `json:"criteria"`
	Total     ScoreChange     `json:"total"`
}

// DiffSide describes one of the two versions.
type DiffSide struct {
	Source       string   `json:"source"`
	SHA256       string   `json:"sha256"`
	Title        string   `json:"title"`
	Pages        int      `json:"pages"`
	Words        int      `json:"words"`
	RulesVersion string   `json:"rules_version"`
	Warnings     []string `json:"warnings"`
}

// ScoreChange is an old and a new score; a nil side was not scored on the
// criterion (different rules).
type ScoreChange struct {
	Old    *int `json:"old"`
	New    *int `json:"new"`
	Change int  `json:"change"`
}

// CriterionDiff is what changed for one criterion.
type CriterionDiff struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Max   int         `json:"max"`
	Score ScoreChange `json:"score"`
	// Summaries say in words what each score means.
	OldSummary string `json:"old_summary"`
	NewSummary string `json:"new_summary"`
	// EvidenceAdded are passages quoted for the new version and not the
	// old; EvidenceRemoved the reverse. Evidence is the top few passages,
	// so a passage can leave the list while staying in the document:
	// InOtherVersion says which, where the caller could tell.
	EvidenceAdded    []EvidenceChange `json:"evidence_added"`
	EvidenceRemoved  []EvidenceChange `json:"evidence_removed"`
	EvidenceKept     int              `json:"evidence_kept"`
	NewRedFlags      []string         `json:"new_red_flags"`
	ResolvedRedFlags []string         `json:"resolved_red_flags"`
}

// EvidenceChange is a passage that entered or left the evidence.
type EvidenceChange struct {
	rules.Evidence
	// InOtherVersion: for an added passage, whether its text was already
	// in the old document; for a removed one, whether it is still in the
	// new document. Absent when not known.
	InOtherVersion *bool `json:"in_other_version,omitempty"`
}

// Changed tells whether anything moved for the criterion.
func (cd CriterionDiff) Changed() bool {
	return cd.Score.Change != 0 || !ptrEq(cd.Score.Old, cd.Score.New) || len(cd.EvidenceAdded) > 0 || len(cd.EvidenceRemoved) > 0 || len(cd.NewRedFlags) > 0 || len(cd.ResolvedRedFlags) > 0
}

func ptrEq(a, b *int) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// DiffOptions tell NewDiff what only the caller knows: whether a quote's
// text occurs in the old or the new document. Either may be nil.
type DiffOptions struct {
	InOld, InNew func(quote string) bool
}

// NewDiff compares the scorecards of two versions of a document.
func NewDiff(before, after *rules.Scorecard, o DiffOptions) *Diff {
	before, after = cleanCard(before), cleanCard(after)
	d := &Diff{
		SchemaVersion: DiffSchemaVersion,
		Tool:          after.Tool,
		Old:           side(before),
		New:           side(after),
		SameRules:     before.Tool.RulesVersion == after.Tool.RulesVersion,
	}
	oldBy := map[string]*rules.Criterion{}
	for i := range before.Criteria {
		oldBy[before.Criteria[i].ID] = &before.Criteria[i]
	}
	newBy := map[string]*rules.Criterion{}
	for i := range after.Criteria {
		newBy[after.Criteria[i].ID] = &after.Criteria[i]
	}
	// The new version's order, then criteria only the old one had.
	var order []*rules.Criterion
	for i := range after.Criteria {
		order = append(order, &after.Criteria[i])
	}
	for i := range before.Criteria {
		if newBy[before.Criteria[i].ID] == nil {
			order = append(order, &before.Criteria[i])
		}
	}
	var oldTotal, newTotal int
	for _, ref := range order {
		oc, nc := oldBy[ref.ID], newBy[ref.ID]
		cd := CriterionDiff{ID: ref.ID, Name: ref.Name, Max: ref.Max,
			EvidenceAdded: []EvidenceChange{}, EvidenceRemoved: []EvidenceChange{},
			NewRedFlags: []string{}, ResolvedRedFlags: []string{}}
		var oldEv, newEv []rules.Evidence
		var oldFlags, newFlags []string
		if oc != nil {
			cd.Score.Old = &oc.Score
			cd.OldSummary = oc.Summary
			oldEv, oldFlags = oc.Evidence, oc.RedFlags
			oldTotal += oc.Score
		}
		if nc != nil {
			cd.Score.New = &nc.Score
			cd.NewSummary = nc.Summary
			newEv, newFlags = nc.Evidence, nc.RedFlags
			newTotal += nc.Score
		}
		cd.Score.Change = scoreOf(cd.Score.New) - scoreOf(cd.Score.Old)
		oldQuotes := map[string]bool{}
		for _, e := range oldEv {
			oldQuotes[textclean.Fold(e.Quote)] = true
		}
		newQuotes := map[string]bool{}
		for _, e := range newEv {
			k := textclean.Fold(e.Quote)
			newQuotes[k] = true
			if oldQuotes[k] {
				cd.EvidenceKept++
				continue
			}
			cd.EvidenceAdded = append(cd.EvidenceAdded, EvidenceChange{Evidence: e, InOtherVersion: ask(o.InOld, e.Quote)})
		}
		for _, e := range oldEv {
			if !newQuotes[textclean.Fold(e.Quote)] {
				cd.EvidenceRemoved = append(cd.EvidenceRemoved, EvidenceChange{Evidence: e, InOtherVersion: ask(o.InNew, e.Quote)})
			}
		}
		cd.NewRedFlags = flagsMissing(newFlags, oldFlags)
		cd.ResolvedRedFlags = flagsMissing(oldFlags, newFlags)
		d.Criteria = append(d.Criteria, cd)
	}
	d.Total = ScoreChange{Old: &oldTotal, New: &newTotal, Change: newTotal - oldTotal}
	return d
}

func side(c *rules.Scorecard) DiffSide {
	w := c.Document.Quality.Warnings
	if w == nil {
		w = []string{}
	}
	return DiffSide{Source: c.Document.Source, SHA256: c.Document.SHA256, Title: title(c),
		Pages: c.Document.Pages, Words: c.Document.Words, RulesVersion: c.Tool.RulesVersion, Warnings: w}
}

func scoreOf(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func ask(f func(string) bool, quote string) *bool {
	if f == nil {
		return nil
	}
	v := f(quote)
	return &v
}

// flagExample is the example a red flag quotes, " (page 3: “…”)": the same
// flag with another example, or the same example moved to another page,
// is not a new flag.
var flagExample = lazyre.New(`\s*\(page \d+: “.*”\)\s*$`)

func flagKey(f string) string {
	return textclean.Fold(flagExample.ReplaceAllString(f, ""))
}

// flagsMissing lists the flags of a whose kind is not among b's.
func flagsMissing(a, b []string) []string {
	have := map[string]bool{}
	for _, f := range b {
		have[flagKey(f)] = true
	}
	out := []string{}
	for _, f := range a {
		if !have[flagKey(f)] {
			out = append(out, f)
		}
	}
	return out
}

// WriteDiff writes a diff in one format.
func WriteDiff(w io.Writer, f Format, d *Diff, o Options) error {
	switch f {
	case FormatText:
		return d.Text(w, o)
	case FormatMarkdown:
		return d.Markdown(w)
	case FormatHTML:
		return d.HTML(w)
	case FormatJSON:
		return WriteJSON(w, d)
	}
	return fmt.Errorf("a diff cannot be written as %q", f)
}

func scoreText(p *int, outOf int) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%d/%d", *p, outOf)
}

func changeText(n int) string {
	switch {
	case n > 0:
		return fmt.Sprintf("+%d", n)
	case n < 0:
		return fmt.Sprintf("−%d", -n)
	}
	return "="
}

// addedNote and removedNote say whether a passage is new text or only
// newly quoted, and whether a passage left the document or only the
// evidence list.
func addedNote(e EvidenceChange) string {
	if e.InOtherVersion == nil {
		return ""
	}
	if *e.InOtherVersion {
		return "already in the old version, now quoted"
	}
	return "new text"
}

func removedNote(e EvidenceChange) string {
	if e.InOtherVersion == nil {
		return ""
	}
	if *e.InOtherVersion {
		return "still in the new version, no longer quoted"
	}
	return "gone from the new version"
}

// Text writes the diff for a terminal.
func (d *Diff) Text(w io.Writer, o Options) error {
	p := painter(o.Color)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", p.paint(ansiBold, "What changed"))
	fmt.Fprintf(&b, "  old: %s (%s, %s)\n", d.Old.Title, d.Old.Source, textclean.Plural(d.Old.Pages, "page"))
	fmt.Fprintf(&b, "  new: %s (%s, %s)\n", d.New.Title, d.New.Source, textclean.Plural(d.New.Pages, "page"))
	if d.SameRules {
		fmt.Fprintf(&b, "  rules %s\n", short(d.New.RulesVersion))
	} else {
		fmt.Fprintf(&b, "%s\n", p.paint(ansiYellow, fmt.Sprintf("warning: scored with different rules (%s, %s): a changed score may be the rules' doing", short(d.Old.RulesVersion), short(d.New.RulesVersion))))
	}
	for _, s := range []struct {
		name string
		ws   []string
	}{{"old", d.Old.Warnings}, {"new", d.New.Warnings}} {
		for _, wq := range s.ws {
			fmt.Fprintf(&b, "%s\n", p.paint(ansiYellow, "warning ("+s.name+"): "+wq))
		}
	}
	b.WriteString("\n")
	for _, cd := range d.Criteria {
		ch := changeText(cd.Score.Change)
		color := ansiDim
		switch {
		case cd.Score.Change > 0:
			color = ansiGreen
		case cd.Score.Change < 0:
			color = ansiRed
		}
		fmt.Fprintf(&b, "  %-20s %5s → %-5s %s", cd.Name, scoreText(cd.Score.Old, cd.Max), scoreText(cd.Score.New, cd.Max), p.paint(color, fmt.Sprintf("%2s", ch)))
		var notes []string
		if n := len(cd.EvidenceAdded); n > 0 {
			notes = append(notes, fmt.Sprintf("+%d evidence", n))
		}
		if n := len(cd.EvidenceRemoved); n > 0 {
			notes = append(notes, fmt.Sprintf("−%d evidence", n))
		}
		if n := len(cd.NewRedFlags); n > 0 {
			notes = append(notes, p.paint(ansiRed, textclean.Plural(n, "new red flag")))
		}
		if n := len(cd.ResolvedRedFlags); n > 0 {
			notes = append(notes, textclean.Plural(n, "resolved red flag"))
		}
		if len(notes) > 0 {
			b.WriteString("  " + strings.Join(notes, ", "))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "  %-20s %5d → %-5d %2s\n", "Total", scoreOf(d.Total.Old), scoreOf(d.Total.New), changeText(d.Total.Change))
	unchanged := 0
	for _, cd := range d.Criteria {
		if !cd.Changed() {
			unchanged++
			continue
		}
		fmt.Fprintf(&b, "\n%s: %s → %s\n", p.paint(ansiBold, cd.Name), scoreText(cd.Score.Old, cd.Max), scoreText(cd.Score.New, cd.Max))
		if cd.Score.Change != 0 {
			fmt.Fprintf(&b, "%s\n", wrap("Now: "+cd.NewSummary, 78, ""))
		}
		if len(cd.EvidenceAdded) > 0 {
			b.WriteString(p.paint(ansiBold, "Evidence added:") + "\n")
			for _, e := range cd.EvidenceAdded {
				textEvidenceChange(&b, p, "+", ansiGreen, e, addedNote(e))
			}
		}
		if len(cd.EvidenceRemoved) > 0 {
			b.WriteString(p.paint(ansiBold, "Evidence removed:") + "\n")
			for _, e := range cd.EvidenceRemoved {
				textEvidenceChange(&b, p, "-", ansiRed, e, removedNote(e))
			}
		}
		if len(cd.NewRedFlags) > 0 {
			b.WriteString(p.paint(ansiBold+";"+ansiRed, "New red flags:") + "\n")
			for _, r := range cd.NewRedFlags {
				fmt.Fprintf(&b, "%s\n", p.paint(ansiRed, wrap("! "+r, 78, "  ")))
			}
		}
		if len(cd.ResolvedRedFlags) > 0 {
			b.WriteString(p.paint(ansiBold, "Red flags resolved:") + "\n")
			for _, r := range cd.ResolvedRedFlags {
				fmt.Fprintf(&b, "%s\n", wrap("✓ "+r, 78, "  "))
			}
		}
	}
	if unchanged > 0 {
		fmt.Fprintf(&b, "\n%s unchanged (score, evidence and red flags).\n", criteriaCount(unchanged))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func criteriaCount(n int) string {
	if n == 1 {
		return "1 criterion"
	}
	return fmt.Sprintf("%d criteria", n)
}

func textEvidenceChange(b *strings.Builder, p painter, mark, color string, e EvidenceChange, note string) {
	loc := where(e.Evidence) + " [" + e.Signal + "]"
	if note != "" {
		loc += " (" + note + ")"
	}
	fmt.Fprintf(b, "  %s %s\n%s\n", p.paint(color, mark), p.paint(ansiCyan, loc), wrap("“"+e.Quote+"”", 78, "    "))
}

// Markdown writes the diff as Markdown.
func (d *Diff) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# What changed: %s\n\n", mdEscape(d.New.Title))
	fmt.Fprintf(&b, "- Old: %s (%s, %s)\n- New: %s (%s, %s)\n", mdEscape(d.Old.Title), mdEscape(d.Old.Source), textclean.Plural(d.Old.Pages, "page"), mdEscape(d.New.Title), mdEscape(d.New.Source), textclean.Plural(d.New.Pages, "page"))
	if d.SameRules {
		fmt.Fprintf(&b, "- Rules `%s`\n", short(d.New.RulesVersion))
	}
	b.WriteString("\n")
	if !d.SameRules {
		fmt.Fprintf(&b, "> **Warning:** scored with different rules (`%s`, `%s`): a changed score may be the rules' doing.\n\n", short(d.Old.RulesVersion), short(d.New.RulesVersion))
	}
	for _, wq := range d.Old.Warnings {
		fmt.Fprintf(&b, "> **Warning (old):** %s\n\n", mdEscape(wq))
	}
	for _, wq := range d.New.Warnings {
		fmt.Fprintf(&b, "> **Warning (new):** %s\n\n", mdEscape(wq))
	}
	b.WriteString("| Criterion | Old | New | Change | Evidence added | Evidence removed | New red flags | Resolved red flags |\n|---|---|---|---|---:|---:|---:|---:|\n")
	for _, cd := range d.Criteria {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %d | %d | %d |\n", mdEscape(cd.Name), scoreText(cd.Score.Old, cd.Max), scoreText(cd.Score.New, cd.Max), changeText(cd.Score.Change), len(cd.EvidenceAdded), len(cd.EvidenceRemoved), len(cd.NewRedFlags), len(cd.ResolvedRedFlags))
	}
	fmt.Fprintf(&b, "| **Total** | %d | %d | %s | | | | |\n", scoreOf(d.Total.Old), scoreOf(d.Total.New), changeText(d.Total.Change))
	for _, cd := range d.Criteria {
		if !cd.Changed() {
			continue
		}
		fmt.Fprintf(&b, "\n## %s: %s → %s\n", mdEscape(cd.Name), scoreText(cd.Score.Old, cd.Max), scoreText(cd.Score.New, cd.Max))
		if cd.Score.Change != 0 {
			fmt.Fprintf(&b, "\nNow: %s\n", mdEscape(cd.NewSummary))
		}
		mdEvidenceChanges(&b, "Evidence added", cd.EvidenceAdded, addedNote)
		mdEvidenceChanges(&b, "Evidence removed", cd.EvidenceRemoved, removedNote)
		if len(cd.NewRedFlags) > 0 {
			b.WriteString("\n**New red flags**\n\n")
			mdList(&b, cd.NewRedFlags, "⚠ ")
		}
		if len(cd.ResolvedRedFlags) > 0 {
			b.WriteString("\n**Red flags resolved**\n\n")
			mdList(&b, cd.ResolvedRedFlags, "✓ ")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEvidenceChanges(b *strings.Builder, heading string, ev []EvidenceChange, note func(EvidenceChange) string) {
	if len(ev) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**%s**\n\n", heading)
	for _, e := range ev {
		loc := where(e.Evidence)
		if n := note(e); n != "" {
			loc += "; " + n
		}
		fmt.Fprintf(b, "- “%s”  \n  *%s* (%s)\n", mdEscape(e.Quote), mdEscape(loc), mdEscape(e.Signal))
	}
}

package annotate

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/crash"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// longUnit is the length in bytes beyond which a heading, caption or list
// item is split into sentences like a paragraph: converters often glue a
// heading to the paragraph after it.
const longUnit = 250

// unit is one piece of a block that becomes one or more sentences.
type unit struct {
	text  string
	page  int // page number
	block int
	row   int
	item  int
	// leadIn is the sentence that introduces a list ("We will:"), given
	// to each of its items as a commitment.
	leadIn string
	// changesLeadIn introduces a list of changes made because of what
	// people said; each item gets an engagement "changed" annotation.
	changesLeadIn string
	aliases       *aliases
	kind          document.Kind
	sect          []string
	split         int // index in the splitter, or -1 for one sentence
	// cells are the byte ranges of a table row's cells in text.
	cells [][2]int
	table *tableCols
	// header is the text of a table's first row, for the rows below it:
	// a row is quoted with the headers of its columns.
	header string
	// reportedLeadIn: the list's lead-in reports what others said
	// ("Respondents told us:"), so its items are their words; the
	// speaker (Speaker*), "" for the document's own lead-in.
	reportedLeadIn string
	// sectorLeadIn: the list's lead-in says the voluntary sector
	// delivers what the items name ("arrangements with third sector
	// partners to deliver key aspects of our services, for example:").
	sectorLeadIn string
	// quoted: the sentence is inside a quotation opened by an earlier
	// sentence of the unit.
	quoted bool
	// afterEntry: an earlier sentence of the unit is a reference entry's
	// author and year ("Public Health England (2018)."), so this one is the
	// entry's title or publisher, not the document's statement.
	afterEntry bool
	// sf is what the section titles say, set by Annotate for every unit
	// (shared by the units of a section).
	sf *sectFlags
}

// tableCols are the columns of a table that name an owner, a deadline or
// the period of the sums below them ("Year 1", "2024/25").
type tableCols struct {
	owner, when, measure map[int]bool
	period               map[int]string // column → period sub-kind
}

// Annotate splits the document's blocks into sentences and annotates each.
// It never fails: a document without text gives no sentences, and a
// failure of the sentence splitter leaves blocks unsplit (with a warning
// in the document's quality).
func Annotate(d *document.Document) *Doc {
	out, _ := AnnotateContext(context.Background(), d)
	return out
}

// AnnotateContext is Annotate, stopped when ctx ends (the --deadline of
// a document): a very long document is given up, not annotated on in the
// background after its caller has stopped waiting.
func AnnotateContext(ctx context.Context, d *document.Document) (*Doc, error) {
	out := &Doc{Document: d}
	if d == nil {
		return out, nil
	}
	out.Kind = KindOf(d)
	al := findAliases(d)
	var units []unit
	var sp splitter
	prev := ""
	titles := map[string]sectFlags{}
	var sf *sectFlags
	var sfPath []string
	// The section path of each block is document's (EachBlockPath), the
	// one the corpus's passage index names too.
	sectWords := 0 // words of the current section so far
	d.EachBlockPath(func(ref document.BlockRef, b document.Block, path []string) {
		if sf == nil || !slices.Equal(path, sfPath) {
			f := pathFlags(path, titles)
			sf, sfPath = &f, path
			sectWords = 0
		}
		sectWords += textclean.CountWords(b.Text)
		if sf.formality && !sf.glossary && sectWords > maxFormalityWords {
			// Acknowledgements, apologies or a welcome are a few
			// paragraphs: a "section" that runs on is the document's
			// text under a heading the converter kept while losing the
			// ones after it ("Acknowledgements" over a whole review).
			f := *sf
			f.formality = false
			sf = &f
		}
		base := unit{page: d.Pages[ref.Page].Number, block: ref.Block, row: -1, item: -1, kind: b.Kind, sect: path, sf: sf, split: -1, aliases: al}
		if b.Kind == document.List {
			// Folded only when a list needs its lead-in.
			lead := textclean.Fold(prev)
			if leadInRE.MatchString(lead) {
				base.leadIn = lead
			}
			if changesLeadInRE.MatchString(lead) && feedbackRE.MatchString(lead) {
				base.changesLeadIn = lead
			}
			base.reportedLeadIn = reportedLeadIn(lead)
			if sectorDeliversLeadIn(lead) {
				base.sectorLeadIn = lead
			}
		}
		units = appendUnits(units, &sp, base, b)
		if b.Kind != document.List {
			prev = b.Text
		}
	})
	if err := sp.run(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d.Quality.Warn("sentence splitting failed, blocks kept whole: " + err.Error())
		sp.cuts = make([][]int, len(sp.texts))
	}
	sents, err := sentencesOf(ctx, units, sp.cuts)
	if err != nil {
		return nil, err
	}
	out.Sentences = sents
	carrySurveyScope(out.Sentences)
	markNoTime(out.Sentences)
	warnUnreadable(out)
	return out, nil
}

// parallelUnits is the number of units from which a document's sentences
// are annotated on several cores: below it, starting goroutines costs
// more than it saves.
const parallelUnits = 2048

// sentencesOf splits each unit at its cuts and annotates the sentences,
// in order. A long document's units are shared among the cores in runs
// of consecutive units, each annotated as on one core: a sentence's
// annotations depend on its unit alone, so the result is the same.
func sentencesOf(ctx context.Context, units []unit, cuts [][]int) ([]Sentence, error) {
	workers := runtime.GOMAXPROCS(0)
	if len(units) < parallelUnits {
		workers = 1
	}
	runs := min(workers*4, len(units))
	if workers <= 1 {
		runs = 1
	}
	parts := make([][]Sentence, runs)
	crash.Each(runs, workers, func(k int) {
		lo, hi := k*len(units)/runs, (k+1)*len(units)/runs
		out := make([]Sentence, 0, (hi-lo)*2)
		for ui := lo; ui < hi; ui++ {
			if (ui-lo)%1024 == 0 && ctx.Err() != nil {
				return
			}
			u := units[ui]
			if u.split < 0 {
				out = append(out, sentence(u, u.text))
				continue
			}
			// A quotation may run over several sentences: those after its
			// opening mark, up to its closing one, are someone else's words.
			open, entry := false, false
			for _, s := range pieces(u.text, cuts[u.split]) {
				su := u
				su.quoted, su.afterEntry = open, entry
				out = append(out, sentence(su, s))
				open = quoteOpenAfter(open, s)
				entry = entry || authorYearEntry(s)
			}
		}
		parts[k] = out
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if runs == 1 {
		return parts[0], nil
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	all := make([]Sentence, 0, n)
	for _, p := range parts {
		all = append(all, p...)
	}
	return all, nil
}

var (
	surveyRe = lazyre.New(`\b(survey|surveys|study|questionnaire|poll)\b`)
	// A cited source: "[25]", "(ONS, 2021)", "(2017)".
	citedRe = lazyre.New(`\[\d+(,\s*\d+)*\]|\((?:[A-Z][A-Za-z&.' -]+,?\s+)?(?:19|20)\d\d[a-z]?\)`)
	// The document's own survey starts afresh.
	ownSurveyRe = lazyre.New(`\b(our|we|this) (own |local |online )?(survey|questionnaire)\b|\bwe (surveyed|asked|ran a survey)\b|\blocal survey\b`)
	// What a survey's findings say of the people it asked.
	surveyFindingRe = lazyre.New(`\b(respondents?|participants?|those surveyed|of those who (answered|responded))\b|\b(said|reported|felt|stated|indicated|rated|responded|responses|took part|response rate)\b`)
)

// surveyFindingCues are substrings one of which every match of
// surveyFindingRe contains: the pattern runs on every sentence after a
// cited survey, and most of them have none.
var surveyFindingCues = []string{"respondent", "participant", "surveyed", "answered", "responded", "said", "reported",
	"felt", "stated", "indicated", "rated", "responses", "took part", "response rate"}

// mayNameSurvey is a cheap test for the words surveyRe looks for (their
// tails, so that a capital does not matter).
func mayNameSurvey(s string) bool {
	return strings.Contains(s, "urvey") || strings.Contains(s, "tudy") || strings.Contains(s, "uestionnaire") ||
		strings.Contains(s, "oll") || strings.Contains(s, "URVEY") || strings.Contains(s, "TUDY")
}

// carrySurveyScope: a survey introduced as national or as a cited study
// ("Positive Voices 2017 [25] is a survey of people living with HIV ...
// in England and Wales") is the source of the respondents and what they
// said in the sentences after it, up to the end of its section or the
// document's own survey: those are that survey's findings, not local
// engagement, and take its scope.
func carrySurveyScope(ss []Sentence) {
	var sect []string
	active := false
	for i := range ss {
		s := &ss[i]
		if active && !slices.Equal(s.Section, sect) {
			active = false
		}
		// Most sentences name no survey: a plain substring test keeps
		// the lower-casing and the patterns to those that might.
		if !active && !mayNameSurvey(s.Text) {
			continue
		}
		lower := textclean.ASCIILower(s.Text)
		if mayNameSurvey(s.Text) && surveyRe.MatchString(lower) {
			switch {
			case ownSurveyRe.MatchString(lower):
				active = false
				continue
			case s.Claim.Scope == ScopeNational || citedRe.MatchString(s.Text):
				active, sect = true, s.Section
				s.Claim.Scope = ScopeNational
				continue
			}
		}
		if active && hasAny(lower, surveyFindingCues...) && surveyFindingRe.MatchString(lower) {
			s.Claim.Scope = ScopeNational
		}
	}
}

// unreadableShare is the share of glued sentences above which a document
// is reported as badly read: a few come from any layout, more say the
// reader took columns across.
const unreadableShare = 0.05

// warnUnreadable counts, as a reading problem in the document's quality,
// the sentences that read two columns or two table cells glued together:
// they are never evidence, and a reader should know how much was lost.
func warnUnreadable(out *Doc) {
	glued, text := 0, 0
	for _, s := range out.Sentences {
		switch s.Claim.Form {
		case FormGlued:
			glued++
			text++
		case FormSentence, FormItem, FormRow, FormFragment:
			text++
		}
	}
	if text > 0 && float64(glued) > unreadableShare*float64(text) {
		out.Document.Quality.Warn(fmt.Sprintf("%d of %d sentences read two columns or table cells glued together (a layout the reader took across): they are left out of evidence", glued, text))
	}
}

func appendUnits(units []unit, sp *splitter, base unit, b document.Block) []unit {
	add := func(u unit, s string, long int) {
		u.text = textclean.Fold(s)
		if u.text == "" {
			return
		}
		if len(u.text) > long && mayHaveSentences(u.text) {
			u.split = sp.add(u.text)
		}
		units = append(units, u)
	}
	switch {
	case b.Kind == document.Table && len(b.Rows) > 0:
		cols := headerColumns(b.Rows[0])
		header, _ := joinCells(b.Rows[0])
		for ri, row := range b.Rows {
			u := base
			u.row = ri
			if ri > 0 {
				u.table = cols
				u.header = header
			}
			u.text, u.cells = joinCells(row)
			if u.text != "" {
				units = append(units, u)
			}
		}
	case b.Kind == document.List && len(b.Items) > 0:
		for i, it := range b.Items {
			u := base
			u.item = i
			add(u, it, longUnit)
		}
	case b.Kind == document.Paragraph && GluedList(b.Text):
		// A list a converter ran into one line ("through: o Working
		// with ... o Delivery of a small grants programme ..."): each
		// item is read on its own, as the list it was.
		for _, piece := range bulletPieces(b.Text) {
			add(base, piece, 0)
		}
	case b.Kind == document.Paragraph || b.Kind == document.List || b.Kind == document.Table:
		add(base, b.Text, 0)
	default:
		add(base, b.Text, longUnit)
	}
	return units
}

// joinCells joins a row's folded cells with " | " and returns each cell's
// byte range; empty cells keep their place so columns line up.
func joinCells(row []string) (string, [][2]int) {
	var b strings.Builder
	cells := make([][2]int, len(row))
	filled := false
	for i, c := range row {
		if i > 0 {
			b.WriteString(" | ")
		}
		c = textclean.Fold(c)
		filled = filled || c != ""
		cells[i] = [2]int{b.Len(), b.Len() + len(c)}
		b.WriteString(c)
	}
	if !filled {
		return "", nil
	}
	return b.String(), cells
}

var (
	ownerHeaderRe = lazyre.New(`^(?:lead|leads|owner|owners|responsible|responsibility|accountable|accountability|lead officer|lead officers|lead organisation|lead organisations|lead agency|lead partner|lead partners|who|by whom|responsible officer|responsible lead|action owner|action lead|delivery lead|lead\(s\)|owner\(s\)|named lead|lead/owner|owner/lead|action for|actions for|action by|action to be taken by|lead body|lead bodies|lead agencies|responsible organisation|responsible organisations|responsible agency|responsible agencies|who will lead|who is responsible|who leads)$`)
	// A measures column says how an action in its row will be judged.
	measureHeaderRe = lazyre.New(`^(?:measures?|possible measures|measures? of success|success measures?|outcome measures?|indicators?|key performance indicators?|kpis?|metrics?|targets?|how we will measure( success)?|how will we know|how success will be measured|measure of impact|performance measures?)$`)
	whenHeaderRe    = lazyre.New(`^(?:timescale|timescales|timeframe|time frame|timeframes|deadline|deadlines|by when|when|target date|completion date|due date|date|due|delivery date|target completion|timeline|timing|target completion date|date due|by)$`)
)

func headerColumns(header []string) *tableCols {
	var cols *tableCols
	for i, c := range header {
		h := strings.Trim(textclean.ASCIILower(textclean.Fold(c)), " :*?")
		if cols == nil {
			cols = &tableCols{owner: map[int]bool{}, when: map[int]bool{}, measure: map[int]bool{}, period: map[int]string{}}
		}
		switch {
		case ownerHeaderRe.MatchString(h):
			cols.owner[i] = true
		case whenHeaderRe.MatchString(h):
			cols.when[i] = true
		case measureHeaderRe.MatchString(h):
			cols.measure[i] = true
		default:
			if sub := periodHeader(h); sub != "" {
				cols.period[i] = sub
			}
		}
	}
	if len(cols.owner)+len(cols.when)+len(cols.measure)+len(cols.period) == 0 {
		return nil
	}
	return cols
}

var (
	yearColumnRE   = lazyre.New(`^(?:year [1-9]|year (?:one|two|three|four|five)|y[1-5]|(?:fy ?)?(?:19|20)\d\d ?[/-] ?(?:19|20)?\d\d|(?:fy|financial year) ?(?:19|20)?\d\d|(?:19|20)\d\d)$`)
	annualColumnRE = lazyre.New(`^(?:annual|annually|per year|per annum|each year|£ ?per year|annual cost|annual budget|cost per year|yearly)$`)
)

// periodHeader gives the period a column header sets for the sums below
// it: a financial or programme year, a yearly amount, recurrent or
// one-off money.
func periodHeader(h string) string {
	h = strings.TrimSpace(strings.Trim(h, "()£"))
	switch {
	case yearColumnRE.MatchString(h):
		return SubFinancialYear
	case annualColumnRE.MatchString(h):
		return SubAnnual
	case h == "recurrent" || h == "recurring":
		return SubRecurrent
	case h == "non-recurrent" || h == "non recurrent":
		return SubNonRecurrent
	case h == "one-off" || h == "one off":
		return SubOneOff
	}
	return ""
}

// maxFormalityWords is how long a section of formalities (other than a
// glossary) runs before what follows is taken for the document's text.
const maxFormalityWords = 600

// changesLeadInRE and feedbackRE recognise a sentence that introduces a
// list of changes made because of what people said: "Having reviewed the
// responses, the following key changes have been made to the Strategy:".
var (
	changesLeadInRE = lazyre.New(`(?i)\b(?:changes?|amendments?|updates?|additions?)\b[^.]{0,80}\b(?:made|been made|have made|we made|agreed|include|included|are)\b[^.]{0,120}:\s*$|\b(?:we have|we've)\s+(?:changed|amended|updated|added)\b[^.]{0,120}:\s*$`)
	feedbackRE      = lazyre.New(`(?i)\b(?:responses?|feedback|consultation|engagement|comments|respondents|you said|views|what (?:people|you|residents|patients) (?:said|told us))\b`)
)

// reportedLeadIn is the speaker of a lead-in ending with a colon whose
// last sentence is someone else's report ("Respondents said:", "The main
// gaps identified by respondents were:"), "" for the document's own.
func reportedLeadIn(lead string) string {
	lead = strings.TrimSpace(lead)
	if !strings.HasSuffix(lead, ":") {
		return ""
	}
	if i := strings.LastIndex(lead, ". "); i >= 0 {
		lead = lead[i+2:]
	}
	return speakerOf(newText(lead))
}

// leadInRE recognises a sentence that introduces a list of commitments:
// "We will:", "Our actions are:", "Over the next five years we will:".
var leadInRE = lazyre.New(`(?i)\b(?:we will|we are going to|we plan to|we intend to|we commit to|we have committed to|our (?:actions|commitments|priorities for action) (?:are|will be)|actions? (?:are|include)|we will also|the partnership will|the board will|the icb will)\b[^.]{0,120}:\s*$`)

func sentence(u unit, s string) Sentence {
	t := newText(s)
	as := annotateText(t, u)
	return Sentence{
		Text:        s,
		Page:        u.page,
		Block:       u.block,
		Row:         u.row,
		Item:        u.item,
		Kind:        u.kind,
		Section:     u.sect,
		Header:      u.header,
		Annotations: as,
		Claim:       classify(t, u, as),
	}
}

// annotateText runs every annotator on one sentence, prepared once for
// all of them.
func annotateText(t *text, u unit) []Annotation {
	money := findMoney(t)
	var as []Annotation
	as = append(as, money...)
	as = append(as, findNumbers(t, money)...)
	dates := findDates(t)
	if u.table != nil {
		dates = tableDeadlines(t, u, dates)
		as = append(as, tableOwners(t, u)...)
		as = append(as, tableMeasures(t, u)...)
		as = append(as, tablePeriods(t, u, money)...)
	}
	as = append(as, dates...)
	groups := findGroups(t)
	as = append(as, groups...)
	as = append(as, findBeneficiaries(t, groups)...)
	named := u.aliases.find(t, groups)
	as = append(as, named...)
	as = append(as, findVCS(t)...)
	// A voluntary organisation the document named (an alias) is the
	// doer of an activity as one from the lexicon is.
	as = append(as, sectorAgents(t, named)...)
	as = append(as, sectorFunded(t, named)...)
	if u.sectorLeadIn != "" {
		// The item is what the sector delivers: the lead-in says so.
		as = append(as, Annotation{Kind: VCS, Sub: SubAgent, Unit: u.sectorLeadIn})
	}
	commitments := findCommitments(t)
	if u.leadIn != "" && len(commitments) == 0 {
		// The commitment is the list's lead-in, not in the item itself:
		// an empty span at the start, with the lead-in as its Unit.
		commitments = append(commitments, Annotation{Kind: Commitment, Sub: SubLeadIn, Unit: u.leadIn})
	}
	as = append(as, commitments...)
	as = append(as, u.aliases.dropStaffResponses(findEngagement(t))...)
	if u.changesLeadIn != "" {
		as = append(as, Annotation{Kind: Engagement, Sub: SubChanged, Unit: u.changesLeadIn})
	}
	sortAnnotations(as)
	return as
}

// emptyCells are placeholders, not owners or dates.
var emptyCells = wordSet("", "-", "–", "n/a", "na", "tbc", "tbd", "none", "ongoing", "all", "?")

// filledCells returns the spans of a row's cells in the given columns
// that hold something other than a placeholder.
func filledCells(t *text, u unit, cols map[int]bool) [][2]int {
	var out [][2]int
	for i := range cols {
		if i < len(u.cells) && !emptyCells[strings.ToLower(t.s[u.cells[i][0]:u.cells[i][1]])] {
			out = append(out, u.cells[i])
		}
	}
	return out
}

// tableOwners turns the cells of an owner column ("Lead", "Owner",
// "Responsible") into owned commitments.
func tableOwners(t *text, u unit) []Annotation {
	var out []Annotation
	for _, c := range filledCells(t, u, u.table.owner) {
		if a, b := c[0], c[1]; b-a <= 120 {
			out = append(out, Annotation{Kind: Commitment, Sub: SubOwner, Text: t.s[a:b], Start: a, End: b, Unit: t.s[a:b]})
		}
	}
	return out
}

// tableMeasures marks the cells of a measures column ("Possible
// measures", "KPI"): the row's action has a measure, whatever its words.
func tableMeasures(t *text, u unit) []Annotation {
	var out []Annotation
	for _, c := range filledCells(t, u, u.table.measure) {
		out = append(out, Annotation{Kind: Measure, Text: t.s[c[0]:c[1]], Start: c[0], End: c[1]})
	}
	return out
}

// tablePeriods gives each sum in a period column ("Year 1", "2024/25",
// "Annual") a Period annotation over its cell, naming the column.
func tablePeriods(t *text, u unit, money []Annotation) []Annotation {
	var out []Annotation
	for i, sub := range u.table.period {
		if i >= len(u.cells) {
			continue
		}
		a, b := u.cells[i][0], u.cells[i][1]
		for _, m := range money {
			if m.Start >= a && m.End <= b {
				out = append(out, Annotation{Kind: Period, Sub: sub, Text: t.s[a:b], Start: a, End: b})
				break
			}
		}
	}
	return out
}

// tableDeadlines turns the dates in a deadline column ("Timescale", "By
// when") into one Deadline per cell, replacing the Year and Period
// annotations inside it.
func tableDeadlines(t *text, u unit, dates []Annotation) []Annotation {
	for i := range u.table.when {
		if i >= len(u.cells) {
			continue
		}
		a, b := u.cells[i][0], u.cells[i][1]
		var first *Annotation
		kept := dates[:0:0]
		for k := range dates {
			d := dates[k]
			if d.Start >= a && d.End <= b {
				if first == nil {
					first = &dates[k]
				}
				if d.Kind == Deadline {
					first = &dates[k]
				}
				continue
			}
			kept = append(kept, d)
		}
		if first == nil || first.Value == 0 {
			continue
		}
		if first.Kind == Deadline {
			kept = append(kept, *first)
		} else {
			kept = append(kept, Annotation{Kind: Deadline, Sub: SubDate, Text: t.s[a:b], Start: a, End: b, Value: first.Value, Value2: first.Value2})
		}
		dates = kept
	}
	return dates
}

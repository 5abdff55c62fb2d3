package annotate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
	"github.com/nhsreview/nhsreview/pipeline/textclean"
)

// Claim is what a sentence claims beyond its words: whether a reader can
// read it as a unit (Form), whose statement it is (Voice), what standing
// it has (Status), whether it states an absence (Polarity) and what area
// it is about (Scope). Rules use it so that a signal matches a claim, not
// a word: "£70 million per year" in a national review's recommendation is
// not the plan's money, and "there was no engagement" is not engagement.
//
// Everything here is decided from the sentence's words, its block's kind
// and its section's title, never from the criteria: which claims count for
// what is the rule files' business.
type Claim struct {
	Form  string `json:"form"`
	Voice string `json:"voice"`
	// Speaker, for a reported voice, is who speaks: respondents and
	// other people asked (what they said is not the document's own
	// analysis), a source (a cited study, review, dataset or another
	// body, which a document may take as its own evidence), or a
	// quotation. Empty for the document's own voice.
	Speaker  string `json:"speaker,omitempty"`
	Status   string `json:"status"`
	Polarity string `json:"polarity"`
	Scope    string `json:"scope"`
}

// Forms. Only sentences, list items and table rows under a header are
// units a reader can read (Readable); the rest are never evidence.
const (
	FormSentence  = "sentence"
	FormItem      = "item"      // a list item
	FormRow       = "row"       // a table row below its header row
	FormHeading   = "heading"   // a heading, or a table's header row
	FormFragment  = "fragment"  // too short, cut mid-clause, or no lower-case text
	FormGlued     = "glued"     // two columns or table cells read into one line
	FormContents  = "contents"  // a contents or index entry
	FormFormality = "formality" // meeting formalities, acknowledgements, glossary, a board member's biography
	FormReference = "reference" // a bibliography entry or reference list
)

// String is the claim as the command line prints it: "form=sentence
// voice=reported status=done polarity=positive scope=local
// speaker=respondents" (the speaker only for a reported voice).
func (c Claim) String() string {
	out := fmt.Sprintf("form=%s voice=%s status=%s polarity=%s scope=%s", c.Form, c.Voice, c.Status, c.Polarity, c.Scope)
	if c.Speaker != "" {
		out += " speaker=" + c.Speaker
	}
	return out
}

// Speakers of a reported voice.
const (
	SpeakerRespondents = "respondents" // people asked: respondents, participants, residents, staff
	SpeakerSource      = "source"      // a cited study, review, dataset, guidance or another body
	SpeakerQuotation   = "quotation"   // words in quotation marks
	// SpeakerOwn is what rules call the speaker of the document's own
	// voice, which Claim.Speaker leaves empty.
	SpeakerOwn = "own"
)

// Voices.
const (
	VoiceOwn      = "own"      // the document's own statement
	VoiceReported = "reported" // respondents, a cited study or review, another body, a quotation
)

// Statuses, from most to least settled.
const (
	StatusDone           = "done"           // done or under way
	StatusCommitted      = "committed"      // will be done, with an owner or a date
	StatusPlanned        = "planned"        // will be done
	StatusAim            = "aim"            // an aim, ambition or principle
	StatusRecommendation = "recommendation" // should be done (by anyone)
	StatusNeed           = "need"           // needs to be done, would be needed
	StatusExample        = "example"        // an example, a possibility or a hypothetical
	StatusFact           = "fact"           // a statement of how things are
)

// Polarities and scopes.
const (
	PolarityPositive = "positive"
	PolarityNegative = "negative" // a negation or a stated absence
	ScopeLocal       = "local"
	ScopeNational    = "national" // a national (or other area's) figure with no local one beside it
)

// Claim value lists, for checking rule files.
var (
	Forms  = []string{FormSentence, FormItem, FormRow, FormHeading, FormFragment, FormGlued, FormContents, FormFormality, FormReference}
	Voices = []string{VoiceOwn, VoiceReported}
	// Speakers are the values a rule may ask of Speaker: "own" stands
	// for the document's own voice (no speaker).
	Speakers   = []string{SpeakerOwn, SpeakerRespondents, SpeakerSource, SpeakerQuotation}
	Statuses   = []string{StatusDone, StatusCommitted, StatusPlanned, StatusAim, StatusRecommendation, StatusNeed, StatusExample, StatusFact}
	Polarities = []string{PolarityPositive, PolarityNegative}
	Scopes     = []string{ScopeLocal, ScopeNational}
)

// Readable reports whether the form is a unit a reader can read on its
// own: a whole sentence, a list item or a headed table row.
func (c Claim) Readable() bool {
	return c.Form == FormSentence || c.Form == FormItem || c.Form == FormRow
}

// minWords is the fewest words of a readable unit that does not end like a
// sentence: "36 WTE Sickness" is a label, "Costs rose." a sentence.
const minWords = 4

var (
	// A bibliography: back matter sections and citation-shaped lines.
	referenceSectionRe = lazyre.New(`(?i)^\s*(\d+(\.\d+)*\.?\s*)?(references|bibliography|works cited|sources|endnotes|footnotes|citations|further reading|author details|authors' contributions|competing interests|declarations|availability of data and materials|notes)\s*$`)
	// Citation shapes, each tried only when its cue is in the sentence:
	// one alternation of them all ran over every sentence with a year in
	// brackets and was the costliest test of a claim.
	citationRes = []struct {
		cue string
		re  *lazyre.Regexp
	}{
		{"doi", lazyre.New(`\bdoi\b`)},
		{"available", lazyre.New(`available (from|at):? *https?://`)},
		{"et al", lazyre.New(`\bet al\.?,? \(?(19|20)\d\d`)},
		{"vol", lazyre.New(`\bvol\.? ?\d+`)},
		{"pp.", lazyre.New(`\bpp\. ?\d+`)},
		{"[", lazyre.New(`^\[\d+\]\s`)},
		{".,", lazyre.New(`\b[A-Z][A-Za-z'’-]+,? (?:[A-Z]\.\s?){1,3},`)},
		{"(19", lazyre.New(`^[^.]{0,80}\((?:19|20)\d\d[a-z]?\)\.\s`)},
		{"(20", lazyre.New(`^[^.]{0,80}\((?:19|20)\d\d[a-z]?\)\.\s`)},
	}
	// Contents and index entries: a title, then dot leaders or a page.
	contentsSectionRe = lazyre.New(`(?i)^\s*(table of )?contents\s*$|^\s*index\s*$|^\s*(document )?outline\s*$`)
	dotLeaderRe       = lazyre.New(`(?:\.{4,}|…{2,}|(?:\. ){4,})\s*\d{0,4}`)
	endsPageNumberRe  = lazyre.New(`\s\d{1,3}$`)
	// Formalities of a meeting, acknowledgements and glossaries say
	// nothing about what a plan does.
	formalitySectionRe = lazyre.New(`(?i)^\s*(\d+(\.\d+)*\.?\s*)?(apologies( for absence)?|declarations? of interests?|minutes of the (last|previous) meeting|matters arising|welcome(,)? (and )?(introductions|apologies)|welcome|acknowledge?ments?|thanks|thank you|glossary( of terms)?|abbreviations|acronyms|any other business|date (and time )?of (the )?next meeting|quorum|attendance|present|in attendance|contributors|about the authors?)\b`)
	// formalityRe runs on lower-case text: Go's case folding is slow.
	formalityRe = lazyre.New(`\bthe chair(man|person|woman)? (welcomed|opened|invited|thanked|noted that the meeting|declared)|\bbefore formal business\b|\bapologies (were|for absence|received)\b|\bdeclarations? of interests?\b|\b(approved|accepted|agreed) as an? (accurate|true|correct) record\b|\bminutes of the (previous|last) meeting\b|\bthe meeting was quorate\b|\b(i|we) would (like|wish) to (thank|extend|express)\b|\b(grateful |special |sincere )?thanks (go |goes )?to\b|\bwith (grateful )?thanks to\b|\bthank you (to|for)\b|\bmatters arising\b`)
	// An opening quotation mark: a quotation, someone else's words.
	quotationStartRe = lazyre.New(`^\W{0,3}["“‘']`)
	// A section that reports what people said.
	reportedSectionRe = lazyre.New(`(?i)\bwhat (you|people|residents|patients|they|we|families|carers|children|young people|parents) (told|said|say|heard|shared)|\byou said\b|\bfeedback\b|\bconsultation (responses|findings|feedback|results)|\bsurvey (results|findings|responses)|\bthemes (from|raised)|\bcomments (received|from)|\bwhat matters to|\bquotes\b|\btheir words\b|\bvoices? of\b|\bstories\b|\bstakeholder (perspectives|views|feedback)\b|\blocal views\b|\bpersonal experiences?\b`)
	// "You said / we did": the table is the document's own answer.
	exampleSectionRe   = lazyre.New(`(?i)\bcase stud(y|ies)\b|\bexamples? of\b|\bgood practice\b|\bspotlight\b|\bvignette`)
	recommendSectionRe = lazyre.New(`(?i)\brecommendations?\b`)
	// Sections on national policy, legislation and the literature: what
	// they say is done or recommended is other bodies' (a title that
	// also says "local" is the document's own context).
	policySectionRe = lazyre.New(`(?i)\b(literature|evidence) review\b|\breview of (the )?(literature|evidence)\b|\b(legislation|legislative|policy|national) (and policy )?context\b|\bnational (policy|policies|guidance|drivers)\b|\bgovernment policy\b|\b(recent )?policy,? (and |literature and )?legislation\b|\bpolicy, literature\b|\bwhat the (evidence|literature|research) says\b`)
	localTitleRe    = lazyre.New(`(?i)\blocal\b`)
)

// Word classes. Deciding a claim asks of each sentence whether it has a
// word of some thirty sets, many of them more than once: each token is
// looked up once, in claimWords, for a mask of the classes it belongs to
// (text.classes), and every test after that is a bit test.
var (
	claimWords = map[string]uint64{}
	nextClass  uint
)

// class registers a word class and returns its bit.
func class(words ...string) uint64 {
	if nextClass == 64 {
		panic("annotate: more than 64 word classes")
	}
	bit := uint64(1) << nextClass
	nextClass++
	for _, w := range words {
		claimWords[w] |= bit
	}
	return bit
}

var (
	requiresWord = class("requires", "require")
	nationalWord = class("national")
)

// sectFlags is what a sentence's section titles say about it. The title
// patterns are the costliest part of deciding a claim, and every sentence
// of a section shares them: they are matched once per section path.
type sectFlags struct {
	reference, contents, formality, reported, example, recommend bool
	// glossary: a glossary or list of abbreviations, a formality of any
	// length (other formalities are short: see maxFormalityWords).
	glossary bool
	// policy: a section on national policy, legislation or the
	// literature, where what is done or promised is another body's
	// ("The Labour government set targets ...", "the Murrison report
	// recommends ..."). Like reference, it holds for every section
	// under it.
	policy bool
}

// pathFlags gives the flags of a section path from the flags of its titles,
// each matched once per document (cache). A reference section anywhere in
// the path makes its sentences references; the rest is said by the
// innermost title.
func pathFlags(sect []string, cache map[string]sectFlags) sectFlags {
	var f sectFlags
	for i, title := range sect {
		tf, ok := cache[title]
		if !ok {
			tf = titleFlags(title)
			cache[title] = tf
		}
		f.reference = f.reference || tf.reference
		f.policy = f.policy || tf.policy
		if i == len(sect)-1 {
			ref, pol := f.reference, f.policy
			f = tf
			f.reference, f.policy = ref, pol
		}
	}
	return f
}

func titleFlags(title string) sectFlags {
	// Converted documents have thousands of distinct "titles" (bold
	// lines, long headings): a substring test on the lower-cased title
	// keeps each case-insensitive pattern to the titles that may match.
	lower := strings.ToLower(title)
	return sectFlags{
		reference: referenceSectionRe.MatchString(title),
		contents:  contentsSectionRe.MatchString(title),
		formality: formalitySectionRe.MatchString(title),
		glossary:  hasAny(lower, "glossary", "abbreviation", "acronym"),
		reported:  hasAny(lower, reportedCues...) && reportedSectionRe.MatchString(title),
		example:   hasAny(lower, "case stud", "example", "good practice", "spotlight", "vignette") && exampleSectionRe.MatchString(title),
		recommend: strings.Contains(lower, "recommendation") && recommendSectionRe.MatchString(title),
		policy: hasAny(lower, "review", "context", "national", "polic", "legislat", "says") && policySectionRe.MatchString(title) &&
			!localTitleRe.MatchString(title),
	}
}

// reportedCues are substrings one of which every match of
// reportedSectionRe contains.
var reportedCues = []string{"told", "said", "say", "heard", "shared", "feedback", "consultation", "survey", "themes",
	"comments", "what matters", "quotes", "their words", "voice", "stories", "stakeholder", "local views", "personal experience"}

// Words that, as a subject within a few words of a reporting verb, mark
// what someone other than the document says.
var (
	reporters = class("respondents", "respondent", "participants", "participant", "attendees", "residents", "patients",
		"people", "parents", "carers", "families", "they", "many", "some", "most", "few", "users", "members", "interviewees",
		"children", "pupils", "students", "individuals", "one", "others", "women", "men", "clients", "partners", "stakeholders",
		"professionals", "practitioners", "staff", "colleagues", "everyone", "someone", "groups", "communities", "survivors")
	reportVerbs = class("said", "say", "says", "told", "tell", "felt", "feel", "feels", "reported", "commented", "suggested",
		"suggest", "suggests", "highlighted", "raised", "mentioned", "noted", "expressed", "wanted", "want", "wants", "asked",
		"proposed", "described", "describe", "stated", "indicated", "shared", "believe", "believed", "thought", "think",
		"agreed", "disagreed", "perceived", "emphasised", "emphasized", "stressed", "explained", "complained", "valued", "preferred", "cited")
	sources = class("review", "report", "study", "studies", "research", "evidence", "survey", "audit", "literature",
		"inquiry", "evaluation", "analysis", "paper", "commission", "nice", "ons", "ohid", "fund", "trust", "foundation",
		"authors", "institute", "government", "department", "england", "centre", "center", "university", "data",
		"census", "findings", "figures", "statistics", "estimates", "modelling", "model", "assessment", "jsna",
		// Guidance and the bodies that issue it: "the BASHH guidelines
		// recommend", "PHE state that", "the programme recommends".
		"guidelines", "guideline", "guidance", "standards", "phe", "nhse", "dhsc", "cqc", "nao", "lga", "programme")
	sourceVerbs = class("found", "finds", "find", "shows", "showed", "shown", "show", "suggests", "suggested",
		"recommends", "recommended", "recommend", "concluded", "concludes", "highlighted", "highlights", "identified",
		"identifies", "estimated", "estimates", "reported", "reports", "indicates", "indicated", "argues", "argued", "notes",
		"noted", "states", "stated", "state", "predicts", "predicted", "projects", "projected", "calls", "called", "says", "said",
		"raised", "advises", "advise", "urges", "urged")
	ownDeterminers = class("this", "our", "present", "these")
)

// Modal and status words.
var (
	exampleWords = class("could", "might", "perhaps", "possibly", "hypothetically", "potentially")
	recommend    = class("should", "recommend", "recommends", "recommended", "recommendation", "recommendations", "must", "ought", "advise", "advised", "rec")
	aimWords     = class("aim", "aims", "aiming", "ambition", "ambitions", "ambitious", "vision", "strive", "striving", "aspire",
		"aspiration", "aspirations", "goal", "goals", "hope", "hopes", "seek", "seeks", "objective", "objectives", "principle",
		"principles", "values", "mission", "outcome", "outcomes", "priority", "priorities")
	futureWords = class("will", "shall", "ll")
	// Verbs that make a plan when "to" follows: "we plan to", "going to".
	futureTo = class("plan", "plans", "planning", "going", "intend", "intends", "propose", "proposes")
	pastAux  = class("have", "has", "had", "was", "were", "we", "been", "they", "it")
	// Past forms that do not end in -ed.
	irregularPast = class("held", "ran", "run", "made", "took", "taken", "began", "begun", "built", "brought", "gave",
		"given", "spent", "set", "won", "met", "led", "sent", "spoke", "spoken", "heard", "told", "grew", "grown", "rose",
		"risen", "saw", "seen", "did", "done", "got", "kept", "paid", "put", "wrote", "written", "chose", "chosen", "found",
		"went", "gone", "became", "become", "drew", "drawn", "sought", "taught", "bought", "fell", "fallen", "cut", "shown",
		"undertook", "undertaken", "underwent", "oversaw", "overseen")
	// -ed words that are adjectives more often than verbs after "were"
	// or "have": "were more likely to be deprived".
	edAdjectives = class("based", "deprived", "related", "limited", "needed", "concerned", "interested", "required",
		"skilled", "qualified", "experienced", "prepared", "pleased", "committed", "dedicated", "determined", "linked",
		"expected", "estimated", "projected", "predicted", "placed", "advised", "disadvantaged", "marginalised", "isolated")
	negWords = class("no", "not", "never", "none", "nothing", "without", "nor", "neither", "lack", "lacks", "lacking",
		"lacked", "absence", "absent", "cannot", "unable", "nobody", "t")
	nationalWords = class("nationally", "nationwide", "england", "uk", "britain", "wales", "scotland", "country")
	// What "national" names when the figure or the advice is not local:
	// "the national average", "a national review recommends".
	nationalSources = class("average", "averages", "level", "data", "figure", "figures", "rate", "rates", "review", "report",
		"study", "survey", "estimate", "estimates", "picture", "evidence", "research", "audit", "inquiry", "guidance")
	localWords = class("local", "locally", "our", "we", "county", "city", "borough", "district", "ward", "wards", "here")
)

// classify decides a sentence's claim from its text, its unit and its
// annotations.
func classify(t *text, u unit, as []Annotation) Claim {
	c := Claim{Form: form(t, u), Voice: VoiceOwn, Polarity: PolarityPositive, Scope: ScopeLocal}
	c.Voice, c.Speaker = voice(t, u)
	c.Status = status(t, u, as)
	if c.Voice == VoiceReported && near(t, reporters, reportVerbs, 3, 0) {
		// "Respondents felt services should be local": what the
		// sentence claims is that people said it, which is done; the
		// "should" is theirs.
		c.Status = StatusDone
	}
	if negative(t) {
		c.Polarity = PolarityNegative
	}
	if national(t, as) {
		c.Scope = ScopeNational
	}
	return c
}

func form(t *text, u unit) string {
	s := strings.TrimSpace(t.s)
	if u.sf.reference || u.afterEntry {
		return FormReference
	}
	if citation(t.lower, s) {
		return FormReference
	}
	if hasAny(s, "....", "…", ". . . .") && dotLeaderRe.MatchString(s) || u.sf.contents && (endsPageNumberRe.MatchString(s) || u.kind == document.List) {
		return FormContents
	}
	if u.sf.formality ||
		hasAny(t.lower, "chair", "formal business", "apologies", "declaration", "record", "minutes of", "quorate", "thank", "arising") &&
			formalityRe.MatchString(t.lower) || biography(t) {
		return FormFormality
	}
	switch u.kind {
	case document.Heading:
		return FormHeading
	case document.Table:
		if u.row == 0 {
			return FormHeading
		}
		return rowForm(t, u)
	}
	if glued(t) {
		return FormGlued
	}
	if len(t.toks) < 2 || !hasLower(s) {
		return FormFragment
	}
	if u.kind == document.List {
		// Items of a list often start in lower case after their lead-in
		// ("We will: • expand ..."): they are read with it.
		if cutEnd(s) {
			return FormFragment
		}
		return FormItem
	}
	// A short line that does not end like a sentence is a label or a
	// cell ("36 WTE Sickness"); a list item may be short ("train link
	// workers") because its lead-in carries the rest.
	if len(t.toks) < minWords && !endsSentence(s) || startsLowerRune(s) || cutEnd(s) || openEnd(s) {
		return FormFragment
	}
	return FormSentence
}

var (
	heShe    = class("he", "she")
	bioRoles = class("chair", "chairs", "chaired", "chief", "director", "trustee", "governor", "governors", "non-executive",
		"cbe", "obe", "mbe", "fellow", "professor", "councillor", "career", "appointed", "qualified", "registered", "board",
		"retirement", "retired", "degree", "graduated", "previously", "formerly")
)

// biography reports a sentence about a board member's career ("He was
// Chief Executive of an international health charity"; "She is a Board
// Trustee for ..."): the annual report's account of a person, not of what
// the organisation does, whatever charities or communities it names.
func biography(t *text) bool {
	if !t.has(heShe) || !t.has(bioRoles) {
		return false
	}
	for k := 0; k < len(t.toks) && k < 5; k++ {
		if claimWords[t.toks[k].norm]&heShe != 0 {
			return true
		}
	}
	return false
}

// citation reports a line shaped like a bibliography entry. The patterns
// for a journal's "doi", "vol" and "pp." run on the lower-cased text, the
// ones that need capitals (an author's initials) on the text itself.
func citation(lower, s string) bool {
	for _, c := range citationRes {
		if !strings.Contains(lower, c.cue) {
			continue
		}
		in := lower
		if c.cue == ".," || c.cue == "(19" || c.cue == "(20" {
			in = s
		}
		if c.re.MatchString(in) {
			return true
		}
	}
	// An entry that is only an author and a year, alone or after a
	// title: "Age UK (2019).", "... in care homes; Alzheimer's Society
	// (2022)." The line's end is tested before the pattern, which most
	// lines with a year in brackets fail.
	if strings.HasSuffix(strings.TrimRight(s, " ."), ")") && authorYearRe.MatchString(s) {
		return true
	}
	// Two or more "Author (2024). Title" entries in one line: a reference
	// list read as a table or run together ("Office for National
	// Statistics (2024). Unpaid care ...; Carers UK (2022). Carers' health").
	return strings.Count(s, ").") >= 2 && len(entryYearRe.FindAllStringIndex(s, 2)) >= 2
}

// authorYearEntry reports a sentence that is only a reference entry's
// author and year ("UK Parliament (2019)."): prose never is.
func authorYearEntry(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(strings.TrimRight(s, " ."), ")") && authorYearRe.MatchString(s)
}

// entryYearRe is the year of a reference entry: "(2024)." before a title.
var entryYearRe = lazyre.New(`\((?:19|20)\d\d[a-z]?\)\.`)

// rowForm judges a table row: readable under a header when its cells are
// cells, glued when the cells are pieces of sentences cut by a converter
// that read running text as a table ("and minority ethnic | with SMI to
// at least, | Disease (COPD), driving up").
func rowForm(t *text, u unit) string {
	if u.header == "" {
		return FormFragment
	}
	cut, filled := 0, 0
	for _, cell := range u.cells {
		c := strings.TrimSpace(t.s[cell[0]:cell[1]])
		if c == "" {
			continue
		}
		filled++
		if startsLowerRune(c) || strings.HasSuffix(c, ",") || endsJoiningWord(c) {
			cut++
		}
	}
	if filled == 0 || !hasLower(t.s) && !hasDigit(t.s) {
		return FormFragment
	}
	if cut*2 >= filled && cut >= 2 {
		return FormGlued
	}
	return FormRow
}

// gluedPairs are word pairs that English does not allow and that appear
// when two columns are read across ("in the fifth year of the is now
// growing"): an article or possessive followed by a word that cannot
// begin a noun phrase.
var (
	gluedFirst  = class("the", "a", "an", "our", "their", "its", "your", "my")
	gluedSecond = class("is", "are", "was", "were", "of", "to", "the", "a", "an", "and", "or", "in", "for", "by", "on",
		"with", "be", "has", "have", "will", "which", "from", "at", "as", "our", "their", "this", "these", "would", "can")
)

// sentenceStarters are words written with a capital only at the start
// of a sentence: one in mid-line after a lower-case word, with no stop
// between ("skills, training across health and care, including We
// established ...", "is important As a Health and Wellbeing Board"), is
// where a second column's sentence begins.
var sentenceStarters = wordSet("we", "our", "they", "their", "it", "its", "there", "however", "therefore", "this",
	"these", "as", "if", "when", "while", "whilst", "but", "so", "although", "furthermore", "moreover", "additionally")

func glued(t *text) bool {
	cl := t.classes()
	for k := 1; k < len(t.toks); k++ {
		a, b := t.toks[k-1], t.toks[k]
		if b.brk || !onlySpaceBetween(t.s, a.end, b.start) {
			continue
		}
		if sentenceStarters[b.norm] && isUpperAt(t.s, b.start) && b.end-b.start > 1 && isLowerByte(t.s[a.start]) && isLowerByte(t.s[a.end-1]) {
			return true
		}
		if cl[k-1]&gluedFirst != 0 && cl[k]&gluedSecond != 0 {
			// "a" as a label ("Part A is") or a letter in a list is not
			// an article.
			if a.norm == "a" && t.s[a.start] == 'A' {
				continue
			}
			return true
		}
	}
	return false
}

var joinEnd = wordSet("the", "a", "an", "of", "and", "or", "to", "in", "for", "with", "by", "from", "on", "at", "our",
	"their", "its", "as", "that", "which", "will", "would", "can", "be", "is", "are", "was", "were", "we", "has", "have")

// cutEnd reports a sentence that stops mid-clause: on a joining word, a
// comma, a colon, or a dash.
func cutEnd(s string) bool {
	s = strings.TrimRight(s, " ")
	if s == "" {
		return true
	}
	switch r, _ := utf8.DecodeLastRuneInString(s); r {
	case ',', ':', '-', '–', '(', '/', '&':
		return true
	}
	return endsJoiningWord(s)
}

func endsJoiningWord(s string) bool {
	i := strings.LastIndexAny(s, " (")
	return joinEnd[strings.ToLower(s[i+1:])]
}

// openEnd: a sentence of running text that stops without a full stop or
// the like is a piece: a line that a converter cut from its paragraph, or
// two columns whose lines were taken in turn ("Leeds is trialling an
// innovative").
func openEnd(s string) bool {
	s = strings.TrimRight(s, " ”\"’')*0123456789")
	if s == "" {
		return true
	}
	switch r, _ := utf8.DecodeLastRuneInString(s); r {
	case '.', '!', '?', ';', ':', '…':
		return false
	}
	return true
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " ”\"’')")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?")
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// StartsMidSentence reports a quote that does not start where a
// sentence can: in lower case ("benefit claimant the financial
// security ..."), or with a footnote or reference number before a capital
// ("10 In addition, ...", "21 Maruthappu M, ..."), as a window cut from a
// long run-on line or a converter's glued text does. A list item may
// start in lower case after its lead-in; the caller knows which it has.
func StartsMidSentence(q string) bool {
	if startsLowerRune(q) {
		return true
	}
	return footnoteStartRe.MatchString(q)
}

// inlineBulletRe is a bullet inside a line: a bullet glyph, the
// replacement character a lost bullet glyph becomes, or the lone "o" that
// word processors use for a second-level bullet ("were: o mental health
// o inequalities"), each between spaces.
var inlineBulletRe = lazyre.New(`\s(?:[•●▪■◦‣∙\x{F0B7}\x{FFFD}]|o)\s+\S`)

// GluedList reports a line holding two or more inline bullets: a list
// whose items a converter ran together into one line, which a reader
// cannot take in as one statement.
func GluedList(s string) bool {
	// Every paragraph is asked: most have no bullet glyph and no lone
	// "o", and need not run the pattern.
	if !strings.ContainsAny(s, "•●▪■◦‣∙\uF0B7\uFFFD") && !strings.Contains(s, " o") && !strings.Contains(s, "\to") && !strings.Contains(s, "\no") {
		return false
	}
	return len(inlineBulletRe.FindAllStringIndex(s, 2)) >= 2
}

// bulletPieces cuts a line at its inline bullets: the text before the
// first bullet (the list's lead-in), then each item without its bullet.
func bulletPieces(s string) []string {
	var out []string
	last := 0
	for _, m := range inlineBulletRe.FindAllStringIndex(s, -1) {
		// m spans the space before the bullet, the bullet, the spaces
		// after it and the item's first byte.
		if piece := strings.TrimSpace(s[last:m[0]]); piece != "" {
			out = append(out, piece)
		}
		last = m[1] - 1
	}
	if piece := strings.TrimSpace(s[last:]); piece != "" {
		out = append(out, piece)
	}
	return out
}

// A footnote marker is a run of two or more reference numbers, or one
// number before a word that starts a sentence but never follows a count
// ("10 In addition", not "42 Integrated Care Boards").
func isLowerByte(c byte) bool { return 'a' <= c && c <= 'z' }

var authorYearRe = lazyre.New(`(?:^|; )(?:[A-Z][\w'’&.-]*\s){1,5}\((?:19|20)\d\d[a-z]?\)\.?\s*$`)

var footnoteStartRe = lazyre.New(`^\s*(?:\d{1,3}(?:[–-]\d{1,3})?\s+\d{1,3}(?:[–-]\d{1,3})?\b|\d{1,3}:?\s+(?:In|The|This|These|Those|However|Therefore|Thus|It|We|Our|For|As|Furthermore|Moreover|There|Although|While|Whilst|When|But|And|Such|Overall|Finally|Similarly)\b)`)

func startsLowerRune(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}

// near reports whether a token in first is followed, within n tokens and
// no hard break, by a token in second.
func near(t *text, first, second uint64, n int, skipIf uint64) bool {
	cl := t.classes()
	for k := range t.toks {
		if cl[k]&first == 0 {
			continue
		}
		if skipIf != 0 && k > 0 && cl[k-1]&skipIf != 0 {
			continue
		}
		for j := k + 1; j < len(t.toks) && j <= k+n; j++ {
			if t.toks[j].brk {
				break
			}
			if cl[j]&second != 0 {
				return true
			}
		}
	}
	return false
}

// byWord is "by", for passives whose agent is the speaker;
// passiveReport are past participles that report only with an agent
// ("identified by respondents"): alone they are the document's own ("the
// needs identified").
var (
	byWord        = class("by")
	passiveReport = class("identified", "perceived", "expressed", "voiced", "put", "made", "submitted", "given")
)

// reportedBy reports a passive whose agent is someone other than the
// document: "the gaps identified by respondents", "issues raised by
// participants", "as recommended by the review".
// It looks for a reporting participle followed by "by" and, within three
// words ("by the national review"), a reporter or a source.
func reportedBy(t *text) string {
	cl := t.classes()
	for k := 0; k+2 < len(t.toks); k++ {
		if cl[k]&(reportVerbs|sourceVerbs|passiveReport) == 0 || cl[k+1]&byWord == 0 || t.toks[k+1].brk {
			continue
		}
		for j := k + 2; j < len(t.toks) && j <= k+4; j++ {
			if t.toks[j].brk {
				break
			}
			switch {
			case cl[j]&reporters != 0:
				return SpeakerRespondents
			case cl[j]&sources != 0:
				return SpeakerSource
			}
		}
	}
	return ""
}

// thatWord and ownSubjects serve namedReportsThat: "that" after a
// reporting verb opens what is reported; a subject with one of
// ownSubjects is the document speaking of itself ("we found that", "this
// assessment shows that", "it is recommended that"), or of its own
// figures ("Figure 3 shows that").
var (
	thatWord    = class("that")
	ownSubjects = class("we", "our", "us", "i", "this", "it", "there", "figure", "table", "chart", "graph", "map",
		"appendix", "section", "chapter", "below", "above")
)

// namedReportsThat reports a named speaker's reported clause: a subject
// naming someone ("Parry reports that", "The BASHH guidelines for the
// care of ... recommend that", "Carers UK identified that"), a reporting
// verb, then "that". The subject is the words from the clause's start to
// the verb; it names someone when it holds a capitalised word that is not
// merely the sentence's first (a name, an organisation) or a source or
// reporter word, and nothing that makes it the document's own. The words
// between subject and verb are not limited, as near's three are, since a
// named body's title can be long.
func namedReportsThat(t *text) bool {
	cl := t.classes()
	for k := 1; k+1 < len(t.toks); k++ {
		if cl[k]&(reportVerbs|sourceVerbs) == 0 || cl[k+1]&thatWord == 0 || t.toks[k+1].brk {
			continue
		}
		start := k
		for start > 0 && !t.toks[start].brk {
			start--
		}
		named, own := false, false
		for j := start; j < k; j++ {
			switch {
			case cl[j]&ownSubjects != 0:
				own = true
			case cl[j]&(sources|reporters) != 0:
				named = true
			case textclean.StartsUpper(t.s[t.toks[j].start:t.toks[j].end]) && (j > 0 || k-start == 1):
				// A capitalised first word is a name only when it is
				// the whole subject ("Parry reports that"): "Many
				// parents said" and "Overall, ..." are not names.
				named = true
			}
		}
		if named && !own {
			return true
		}
	}
	return false
}

// whoReports: the World Health Organization, written "WHO", reporting
// ("WHO estimates that"); the relative pronoun ("women who may find it
// hard") is not a source.
func whoReports(t *text) bool {
	cl := t.classes()
	for k, tk := range t.toks {
		if tk.norm != "who" || t.s[tk.start:tk.end] != "WHO" {
			continue
		}
		for j := k + 1; j < len(t.toks) && j <= k+3 && !t.toks[j].brk; j++ {
			if cl[j]&sourceVerbs != 0 {
				return true
			}
		}
	}
	return false
}

// speakerOf is who the sentence's own words say is speaking: people
// reporting ("respondents felt"), a source finding ("the review found"),
// a passive with either as its agent, or "according to" and "et al"; ""
// when the words name no one.
func speakerOf(t *text) string {
	switch {
	case near(t, reporters, reportVerbs, 3, 0):
		return SpeakerRespondents
	case near(t, sources, sourceVerbs, 3, ownDeterminers), whoReports(t):
		return SpeakerSource
	}
	if sp := reportedBy(t); sp != "" {
		return sp
	}
	if namedReportsThat(t) {
		return SpeakerSource
	}
	// "Health visitors told us that ...", "One woman told us: ...": whoever
	// the subject is, "told us" reports what the authors were told, however
	// far the subject is from the verb ("the people we spoke to told us").
	if adjacent(t, "told", "us") || adjacent(t, "tell", "us") || adjacent(t, "telling", "us") {
		return SpeakerRespondents
	}
	if strings.Contains(t.lower, "according to") || strings.Contains(t.lower, " et al") {
		return SpeakerSource
	}
	return ""
}

// quoteOpenAfter says whether a quotation is still open after sentence s,
// given whether one was open before it: curly marks open and close (a
// single one with care, since ’ is also an apostrophe), a straight double
// quote toggles.
func quoteOpenAfter(open bool, s string) bool {
	prev := ' '
	single := false // a single quotation mark opened in this sentence
	for i, r := range s {
		switch r {
		case '“':
			open = true
		case '”':
			open = false
		case '‘':
			// A single mark opens a quotation that may run on only
			// when it opens the sentence; mid-sentence it is a word
			// or two in scare quotes (‘golden hellos’).
			if prev == ' ' || prev == '(' {
				single = true
				if strings.TrimLeft(s[:i], " •-–") == "" {
					open = true
				}
			}
		case '’':
			// ’ is an apostrophe inside a word ("it’s") and after a
			// plural ("patients’ views"); it closes a quotation opened
			// in this sentence at a word's end, and one opened before
			// only after a full stop or comma.
			next, _ := utf8.DecodeRuneInString(s[i+len("’"):])
			switch {
			case single && !unicode.IsLetter(next):
				single, open = false, false
			case open && strings.ContainsRune(".!?,", prev):
				open = false
			}
		case '"':
			open = !open
		}
		prev = r
	}
	return open
}

// closesQuotation: a sentence that ends a quotation it did not open
// ("... having to pay a lot of money for it.”") ends someone's words.
func closesQuotation(s string) bool {
	s = strings.TrimRight(s, " ")
	switch {
	case strings.HasSuffix(s, "”"):
		return !strings.Contains(s, "“")
	case strings.HasSuffix(s, ".’"), strings.HasSuffix(s, "!’"), strings.HasSuffix(s, "?’"):
		return !strings.Contains(s, "‘")
	}
	return false
}

// voice decides whose statement a sentence is, and, when it is not the
// document's own, who speaks.
func voice(t *text, u unit) (string, string) {
	s := strings.TrimSpace(t.s)
	if quotationStartRe.MatchString(s) || u.quoted || closesQuotation(s) {
		return VoiceReported, SpeakerQuotation
	}
	if u.kind != document.Table && u.sf.reported {
		return VoiceReported, SpeakerRespondents
	}
	if u.sf.policy {
		return VoiceReported, SpeakerSource
	}
	if sp := speakerOf(t); sp != "" {
		return VoiceReported, sp
	}
	if u.reportedLeadIn != "" {
		// An item of a list introduced by "Respondents said:" or "The
		// gaps identified by respondents were:" is what they said.
		return VoiceReported, u.reportedLeadIn
	}
	return VoiceOwn, ""
}

func status(t *text, u unit, as []Annotation) string {
	if u.sf.example {
		return StatusExample
	}
	toks := t.toks
	has := t.has
	// A row or sentence under a recommendations heading is a
	// recommendation whatever else it says: "All opportunities should be
	// taken to reduce maternal smoking ... Ensure that ..." may add an
	// "if" or a "may", and a row of its table what "needs" doing.
	if u.sf.recommend {
		return StatusRecommendation
	}
	if needs(t) {
		return StatusNeed
	}
	cl := t.classes()
	willBefore := false // a "will" or "shall" earlier in the sentence
	for k, tk := range toks {
		switch tk.norm {
		case "example", "examples", "instance", "eg", "e":
			// "Public Health will collaborate with partners, for example
			// through consultation on this framework": the examples are
			// of what will be done, which stays a plan.
			if willBefore {
				continue
			}
			fallthrough
		case "if":
			if tk.norm == "if" || tk.norm == "examples" || tk.norm == "example" && k > 0 && toks[k-1].norm == "for" ||
				tk.norm == "instance" && k > 0 && toks[k-1].norm == "for" ||
				tk.norm == "e" && k+1 < len(toks) && toks[k+1].norm == "g" || tk.norm == "eg" {
				return StatusExample
			}
		case "may":
			// "May 2026" is a month.
			if t.s[tk.start] == 'm' {
				return StatusExample
			}
		case "would":
			if k+1 < len(toks) && (toks[k+1].norm == "like" || toks[k+1].norm == "welcome") {
				continue
			}
			return StatusExample
		}
		if cl[k]&futureWords != 0 {
			willBefore = true
		}
	}
	if has(exampleWords) {
		return StatusExample
	}
	if has(recommend) {
		return StatusRecommendation
	}
	future := has(futureWords) || u.leadIn != "" || near(t, futureTo, needTo, 1, 0)
	if aimFramed(t) || adjacent(t, "want", "to") || adjacent(t, "committed", "to") || startsWithInfinitive(t) {
		return StatusAim
	}
	if future && !pastForm(t) {
		for _, a := range as {
			if a.Kind == Commitment && a.Sub == SubOwner || a.Kind == Deadline {
				return StatusCommitted
			}
		}
		return StatusPlanned
	}
	if pastForm(t) || progressive(t) {
		return StatusDone
	}
	if future {
		return StatusPlanned
	}
	return StatusFact
}

// aimFramed: the sentence is framed as an aim ("Our ambition is...", "We
// aim to...", "One of our goals will be..."). An aim word after the verb
// is what the action serves, not its status: "We will invest £8m in these
// priorities" is a plan.
func aimFramed(t *text) bool {
	for _, c := range t.classes() {
		if c&(futureWords|finitePast) != 0 {
			return false
		}
		if c&aimWords != 0 {
			return true
		}
	}
	return false
}

// finitePast ends the search for an aim frame: "We have invested in our
// priorities" reports what was done.
var finitePast = class("have", "has", "had", "was", "were")

var (
	needVerbs  = class("need", "needs")
	needTo     = class("to")
	beWords    = class("is", "are", "be", "was", "were")
	neededWord = class("needed", "required", "necessary", "essential")
)

// needs: "needs to", "will need", "would be needed", "is required". A
// noun "needs" ("health needs", "needs assessment") is not one.
func needs(t *text) bool {
	return near(t, needVerbs, needTo, 1, 0) || adjacent(t, "will", "need") || adjacent(t, "would", "need") ||
		near(t, beWords, neededWord, 1, 0) || t.has(requiresWord)
}

// adjacent reports two adjacent tokens.
func adjacent(t *text, a, b string) bool {
	for k := 1; k < len(t.toks); k++ {
		if t.toks[k-1].norm == a && t.toks[k].norm == b {
			return true
		}
	}
	return false
}

// startsWithInfinitive: "To reduce smoking in pregnancy" states an aim.
func startsWithInfinitive(t *text) bool {
	return len(t.toks) > 1 && t.toks[0].norm == "to" && !t.toks[1].brk && !isNumber(t.toks[1].norm)
}

func isNumber(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// pastForm finds a verb in the past after a subject or auxiliary: "we
// held", "has been launched", "were trained".
func pastForm(t *text) bool {
	cl := t.classes()
	for k := 1; k < len(t.toks); k++ {
		w := t.toks[k].norm
		// "has been launched", "has recently established": "been" or an
		// adverb may stand between the auxiliary and the participle.
		if cl[k-1]&pastAux == 0 && !(k > 1 && cl[k-2]&pastAux != 0 && (t.toks[k-1].norm == "been" || pastAdverb(t.toks[k-1].norm))) {
			continue
		}
		if cl[k]&irregularPast != 0 || strings.HasSuffix(w, "ed") && len(w) > 4 && cl[k]&edAdjectives == 0 {
			return true
		}
	}
	return adjacent(t, "took", "place")
}

// pastAdverb: an adverb between an auxiliary and its participle ("has
// recently established", "have also trained", "were successfully
// completed").
func pastAdverb(w string) bool {
	switch w {
	case "also", "now", "already", "just", "since", "jointly", "together", "further", "previously":
		return true
	}
	return len(w) > 4 && strings.HasSuffix(w, "ly") && w != "only" && w != "early"
}

// progressive: "we are delivering", "is being rolled out".
func progressive(t *text) bool {
	for k := 1; k < len(t.toks); k++ {
		p, w := t.toks[k-1].norm, t.toks[k].norm
		if (p == "are" || p == "is") && (w == "being" || strings.HasSuffix(w, "ing") && len(w) > 5) {
			if k > 1 && (t.toks[k-2].norm == "we" || t.toks[k-2].norm == "which" || t.toks[k-2].norm == "that") || w == "being" {
				return true
			}
		}
	}
	return false
}

// negative finds a negation or a stated absence, leaving out the idioms
// where "no" or "not" does not deny ("no more than 10%", "not only").
func negative(t *text) bool {
	cl := t.classes()
	for k, tk := range t.toks {
		if cl[k]&negWords == 0 {
			continue
		}
		next := ""
		if k+1 < len(t.toks) {
			next = t.toks[k+1].norm
		}
		switch {
		case tk.norm == "t" && (k == 0 || !strings.HasSuffix(t.toks[k-1].norm, "n")):
			continue // "don't" is tokenised "don", "t"; a stray "t" is not
		case tk.norm == "no" && (next == "more" || next == "later" || next == "less" || next == "longer" || next == "fewer"):
			continue
		case tk.norm == "not" && (next == "only" || next == "least" || next == "just"):
			continue
		case tk.norm == "not" && next == "the" && k+2 < len(t.toks) && t.toks[k+2].norm == "only":
			continue // "although not the only vulnerable group"
		case tk.norm == "not" && k > 0 && t.toks[k-1].norm == "or":
			continue // "whether or not"
		}
		return true
	}
	return false
}

// national: a figure or statement about England, the UK or "nationally"
// with nothing local beside it. A comparison ("12% in Crawley against
// 10% nationally") is local.
func national(t *text, as []Annotation) bool {
	if !t.has(nationalWords) && !adjacent(t, "national", "average") && !adjacent(t, "national", "level") &&
		!near(t, nationalWord, nationalSources, 1, 0) {
		return false
	}
	if t.has(localWords) {
		return false
	}
	for _, a := range as {
		if a.Kind == Place {
			return false
		}
	}
	return true
}

package annotate

import (
	"strings"

	"github.com/nhsreview/nhsreview/internal/lazyre"
	"github.com/nhsreview/nhsreview/pipeline/document"
)

// Kinds of document. Not every document is a plan: an annual report looks
// back, a needs assessment describes need, a research review weighs
// evidence, and the rubric asks a plan's questions of them only in part.
const (
	KindStrategy     = "strategy or plan"
	KindBoardPapers  = "board papers"
	KindAnnualReport = "annual report"
	KindNeeds        = "needs assessment"
	KindConsultation = "consultation or engagement report"
	KindResearch     = "research or review"
	KindGuidance     = "guidance or policy"
	KindImpact       = "impact assessment"
	KindOther        = "other"
)

// Kinds lists every kind, for rule files to be checked against.
var Kinds = []string{KindStrategy, KindBoardPapers, KindAnnualReport, KindNeeds, KindConsultation, KindResearch, KindGuidance, KindImpact, KindOther}

// kindRules are tried in order against the title: a "strategy
// consultation report" is a consultation report, an "equality impact
// report" of a strategy an impact assessment, a "brief overview of
// reports ... needs of the NHS" a review. A title that names no kind
// leaves the headings to decide (an abstract and methods: research).
var kindRules = []struct {
	kind string
	re   *lazyre.Regexp
}{
	{KindBoardPapers, lazyre.New(`(?i)\bboard (meeting|papers?|pack)\b|\bpublic board\b|\bagenda\b|\bmeeting of the\b`)},
	{KindConsultation, lazyre.New(`(?i)\bconsultation report\b|\bengagement (report|findings)\b|\bfindings from the (community )?engagement\b|\bwhat (you|people|residents) (told|said)\b|\bevidence and engagement\b|\bparents?\s*/\s*carers of service users\b|\b(national|public|community) engagement\b`)},
	{KindImpact, lazyre.New(`(?i)\b(equality|equalities|health) impact (report|assessment)\b|\bequalities assessment\b`)},
	{KindAnnualReport, lazyre.New(`(?i)\bannual (report|progress report|impact report)\b|\breport and accounts\b|\bannual report of the director\b`)},
	{KindResearch, lazyre.New(`(?i)\bsystematic (literature )?review\b|\brapid review\b|\bliterature review\b|\bresearch (paper|report)\b|\boverview of recent reports\b|\bevaluation\b|\bbrief overview\b|\bindependent review\b|\breview (into|of)\b`)},
	{KindNeeds, lazyre.New(`(?i)\bneeds assessment\b|\bjsna\b|\bpopulation profile\b|\bprofile pack\b|\bdemographics\b|\bhealth needs\b|\bneeds of\b|\bforecasting\b|\bprofile\b`)},
	{KindGuidance, lazyre.New(`(?i)\bguidance\b|\bguidelines?\b|\bplanning framework\b|\bmeasurement guide\b|\bpolicy\b|\bconstitution\b|\bframework for the nhs\b`)},
	{KindStrategy, lazyre.New(`(?i)\bstrateg(y|ies)\b|\bplan\b|\bframework for action\b|\bmanifesto\b|\bpriorities\b|\baction plan\b`)},
}

// researchHeadings: a paper with an abstract and methods is research,
// whatever its title.
var researchHeadings = lazyre.New(`(?i)^(abstract|methods?|methodology|results|discussion|conclusions?|limitations)\b`)

// KindOf recognises what kind of document d is, from its title and its
// headings.
func KindOf(d *document.Document) string {
	t := strings.Join(strings.Fields(d.Title), " ")
	for _, k := range kindRules {
		if k.re.MatchString(t) {
			return k.kind
		}
	}
	n, abstract := 0, false
	var walk func(ss []*document.Section)
	walk = func(ss []*document.Section) {
		for _, s := range ss {
			if s == nil {
				continue
			}
			if t := strings.TrimSpace(s.Title); researchHeadings.MatchString(t) {
				n++
				abstract = abstract || strings.EqualFold(t, "abstract")
			}
			walk(s.Children)
		}
	}
	walk(d.Sections)
	if n >= 3 || abstract && n >= 2 {
		return KindResearch
	}
	return KindOther
}

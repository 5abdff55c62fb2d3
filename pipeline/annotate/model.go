// Package annotate finds, in a document's text, the small facts that rules
// are built from: sentences, sums of money, percentages and rates, dates
// and periods, population groups and places, the voluntary and community
// sector, commitments, and the rungs of the engagement ladder. Annotators
// know nothing of the scoring criteria; rules (package rules) combine their
// annotations into findings.
package annotate

import "github.com/nhsreview/nhsreview/pipeline/document"

// Kinds of annotation. Sub-kinds (Annotation.Sub) refine them; see each
// annotator for its sub-kinds.
const (
	Money      = "money"      // £2.6bn, £450m, "£1.2 million"; Value in pounds
	Percent    = "percent"    // 14%, "19 per cent"; Value in percent
	Rate       = "rate"       // "40-50 per 100,000"; Value per Unit
	Count      = "count"      // "25,200 virtual beds", "1.3 million people"; Unit is what is counted
	Year       = "year"       // 2023, 2023/24, 2025-26
	Period     = "period"     // "over three years", "per year", "recurrent", "one-off", "2024-2029"
	Deadline   = "deadline"   // "by December 2023", "by 2030", "Mar. 2026"
	Group      = "group"      // population groups: Sub core20, plus, ethnicity, disability, clinical-area, ... (groups.go)
	Place      = "place"      // named places (Sub named) and "<Name> ward/PCN/ICB" (Sub area); deprived areas are Group core20
	VCS        = "vcs"        // voluntary and community sector: Sub term, body, patient-voice, alliance, funding, social-prescribing
	Commitment = "commitment" // "we will", "will be delivered by"; Sub owner when an owner is named
	Engagement = "engagement" // Sub inform, consult, involve, coproduce; stakeholders for partners only
	Measure    = "measure"    // a cell of a table's measures column ("Possible measures", "Indicator", "KPI")
	// Beneficiary is a group or area an action is aimed at ("outreach
	// for people experiencing homelessness"); Sub is the group's or
	// place's sub-kind (beneficiary.go).
	Beneficiary = "beneficiary"
)

// Annotation is one finding of an annotator in a sentence's text.
type Annotation struct {
	Kind string `json:"kind"`
	// Sub refines the kind (for example "coproduce" for Engagement,
	// "recurrent" for Period, "core20" for Group).
	Sub string `json:"sub,omitempty"`
	// Text is the matched text, verbatim.
	Text string `json:"text"`
	// Start and End are byte offsets of Text in the sentence.
	Start int `json:"start"`
	End   int `json:"end"`
	// Value is the normalised number (pounds, percent, count, rate, year);
	// Value2 the upper bound of a range (0 when not a range).
	Value  float64 `json:"value,omitempty"`
	Value2 float64 `json:"value2,omitempty"`
	// Unit qualifies Value: "per year", "per head", "per 100,000",
	// "beds", "people", ...
	Unit string `json:"unit,omitempty"`
}

// Sentence is a sentence (or a list item, heading or table row) with its
// place in the document and its annotations.
type Sentence struct {
	Text string `json:"text"`
	// Page is the page number; Block the block index on that page (in
	// document.Page.Blocks); Row the table row for table blocks (-1
	// otherwise).
	Page  int `json:"page"`
	Block int `json:"block"`
	Row   int `json:"row"`
	// Item is the list item for list blocks (-1 otherwise): an item is a
	// unit of meaning the way a paragraph is.
	Item int `json:"item"`
	// Kind is the kind of the block the sentence comes from.
	Kind document.Kind `json:"kind"`
	// Section is the path of section titles enclosing the sentence,
	// outermost first.
	Section []string `json:"section,omitempty"`
	// Header is, for a table row, the text of the table's header row
	// (cells joined with " | " like Text), so that the row can be quoted
	// under its column headers; empty otherwise.
	Header string `json:"header,omitempty"`
	// Annotations are sorted by Start.
	Annotations []Annotation `json:"annotations,omitempty"`
	// Claim is what the sentence claims: form, voice, status, polarity
	// and scope (claim.go).
	Claim Claim `json:"claim"`
}

// Doc is a document with its sentences annotated.
type Doc struct {
	*document.Document
	Sentences []Sentence
	// Kind is what kind of document this is (KindStrategy ...), from its
	// title and headings.
	Kind string
}

// Subs lists the sub-kinds each annotator gives, so that rule files can
// be checked against them (a misspelt sub-kind would silently match
// nothing).
var Subs = map[string][]string{
	Money:       {SubRecurrent, SubNonRecurrent, SubOneOff, SubNew, SubExisting},
	Percent:     nil,
	Rate:        nil,
	Count:       nil,
	Year:        nil,
	Period:      {SubFinancialYear, SubAnnual, SubDuration, SubMultiYear, SubRange, SubRecurrent, SubNonRecurrent, SubOneOff},
	Deadline:    {SubDate, SubRelative},
	Group:       {SubCore20, SubPlus, SubEthnicity, SubDisability, SubAge, SubSex, SubLGBT, SubCarers, SubLowIncome, SubDeprivation, SubRural, SubCoastal, SubProtected, SubClinicalArea},
	Place:       {SubNamedPlace, SubArea},
	VCS:         {SubTerm, SubBody, SubPatientVoice, SubAlliance, SubFunding, SubSocialPrescribing, SubPartnerList, SubAgent, SubFunded},
	Commitment:  {SubOwner, SubLeadIn},
	Engagement:  {SubInform, SubConsult, SubInvolve, SubCoproduce, SubStakeholders, SubChanged, SubNoTime},
	Measure:     nil,
	Beneficiary: {SubCore20, SubPlus, SubEthnicity, SubDisability, SubLGBT, SubLowIncome, SubRural, SubCoastal, SubArea},
}

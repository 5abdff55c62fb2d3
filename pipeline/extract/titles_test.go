package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/internal/testkit/sharedcorpus"
	"github.com/nhsreview/nhsreview/pipeline/annotate"
)

// corpusTitles are the titles a reader would give every document of the
// shared corpus, written down by reading each cover (issue 13): not the
// running head ("WEST SUSSEX"), the publisher alone ("West Sussex County
// Council"), a label ("INTERIM REPORT", "SYSTEMATIC REVIEW") or a file
// name ("CORE20PLUS5_Landscape"). Documents without text have none.
//
// Two are the best the file allows: the Nuffield Trust page says only
// "Timeline" (no heading, no site name), and the BMJ Open conversion runs
// the journal's margin note ("BMJ Open: first published as") into the
// title's lines.
var corpusTitles = map[string]string{
	"conservative-party-manifesto-2024.pdf":                          "The Conservative and Unionist Party Manifesto 2024",
	"cpicb-constitution-v1.6-2025.docx":                              "NHS Cambridgeshire and Peterborough Integrated Care Board CONSTITUTION",
	"dhsc-khan-review-recommendations-visual-2022.pdf":               "The Khan Review: Independent review into smokefree 2030 policies",
	"hee-data-driven-healthcare-2030-full-report-2021.pdf":           "Data Driven Healthcare in 2030: Transformation Requirements of the NHS Digital Technology and Health Informatics Workforce Full Report",
	"hee-data-driven-healthcare-2030-summary-2021.pdf":               "Data Driven Healthcare in 2030: Transformation Requirements of the NHS Digital Technology and Health Informatics Workforce Summary and Recommendations",
	"ltht-uol-research-innovation-strategy-2020.pdf":                 "Shared research and innovation strategy: 2020-2030",
	"nhse-commissioning-policy-individual-funding-requests-2023.pdf": "Commissioning policy: individual funding requests",
	"nhse-core20plus5-adult-infographic-2023.pdf":                    "CORE20 PLUS 5",
	"nhse-core20plus5-cyp-infographic-2022.pdf":                      "",
	"nhse-national-engagement-on-data-cohort2-report-2025.pdf":       "NHS England | National engagement on data",
	"nhse-nnhip-measurement-guide-2025.pdf":                          "Measurement Guide for the National Neighbourhood Health Implementation Programme",
	"nuffieldtrust-nhs-timeline-2010s.html":                          "Timeline",
	"reliability-corrupt-not-a-pdf.pdf":                              "",
	"sussex-icb-crawley-ict-population-profile-pack-2023.pdf":        "Crawley Integrated Community Team Population Profile Pack - DRAFT",
	"tphc-london-digital-data-impact-report-2024-webprint.pdf":       "Digital, data and analytics - Annual Impact Report 2023/24 - Transformation Partners in Health and Care",
	"wscc-alcohol-drugs-needs-assessment-summary.pdf":                "WEST SUSSEX ALCOHOL AND DRUG NEEDS ASSESSMENT",
	"wscc-ccg-joint-dementia-strategy-2020-plaintext.pdf":            "West Sussex Joint Dementia Strategy 2020 - 2023",
	"wscc-ccg-joint-dementia-strategy-2020.pdf":                      "WEST SUSSEX JOINT DEMENTIA STRATEGY 2020 TO 2023",
	"wscc-coastal-health-inequalities-framework-summary-2024.pdf":    "Health and wellbeing of West Sussex coastal communities: A framework for action to reduce coastal health inequalities Summary document",
	"wscc-cyp-disabilities-needs-assessment-2016.pdf":                "Comprehensive Needs Assessment of the Life Pathway for People with Disabilities Final Report",
	"wscc-dap-community-fund-coproduction-evaluation-2026.pdf":       "Community Fund Co-Production Programme Evaluation summary",
	"wscc-director-public-health-annual-report-2021.pdf":             "Director of Public Health Annual Report 2021",
	"wscc-drug-alcohol-partnership-progress-report-2024.pdf":         "West Sussex Drug and Alcohol Partnership Annual Progress Report",
	"wscc-dual-diagnosis-needs-assessment.pdf":                       "DUAL DIAGNOSIS NEEDS ASSESSMENT",
	"wscc-early-years-needs-assessment-summary.pdf":                  "West Sussex Early Years Needs Assessment SUMMARY AND RECOMMENDATIONS",
	"wscc-engagement-parents-report.pdf":                             "West Sussex Mental Health Needs Assessment (Children and Young People) Background Evidence – Parents / Carers of Service Users",
	"wscc-forecasting-future-dependency-2024-accessible.docx":        "Forecasting future co-morbidity prevalence and dependency in West Sussex",
	"wscc-gypsies-travellers-needs-assessment-2010.pdf":              "Health and social care needs of Gypsies and Travellers in West Sussex",
	"wscc-homelessness-health-inequalities-rapid-review-2024.pdf":    "Rapid review of inequalities in health and access to healthcare for people experiencing homelessness in the UK",
	"wscc-hwb-joint-health-wellbeing-strategy-2019.pdf":              "Start Well, Live Well, Age Well: West Sussex Joint Health and Wellbeing Strategy 2019 - 2024",
	"wscc-hwb-strategy-consultation-report-2019.pdf":                 "Start Well, Live Well, Age Well: West Sussex Joint Health and Wellbeing Strategy 2019 – 2024 Consultation report",
	"wscc-hwb-strategy-cost-of-living-addendum-2024.pdf":             "West Sussex Joint Health and Wellbeing Strategy 2019 - 2024 Cost of Living Pressures Addendum",
	"wscc-hwb-strategy-equality-impact-report-2019.pdf":              "Start Well, Live Well, Age Well: West Sussex Joint Strategic Needs Assessment 2019 – 2024 Equality Impact Report",
	"wscc-military-veterans-needs-assessment-2012.pdf":               "Military Veterans Health Needs Assessment – Sussex 2012",
	"wscc-pna-equalities-assessment-2025.pdf":                        "APPENDIX 4 - Pharmaceutical Needs Assessment 2025 - Equalities Impact Assessment",
	"wscc-public-health-outcomes-walkthrough-2017-imageonly.pdf":     "",
	"wscc-sexual-health-needs-assessment-2019.pdf":                   "Integrated Sexual Health & HIV Needs Assessment",
	"wscc-sexual-health-needs-assessment-summary-2025.pdf":           "West Sussex Sexual Health Needs Assessment 2025 Executive Summary",
	"wscc-suicide-prevention-strategy-2017.pdf":                      "West Sussex Suicide Prevention Strategy",
	"wscc-tcna-final-report.pdf":                                     "Tobacco Control Needs Assessment",
	"wscc-tobacco-control-action-plan-table-2022.docx":               "Smoke Free West Sussex Partnership 2019-22 Strategy Extension Action Plan overview; as at November 2022",
	"wscc-tobacco-control-action-plan-table-2022.pdf":                "Smoke Free West Sussex Partnership 2019-22 Strategy Extension Action Plan overview",
	"wscc-tobacco-control-plan-on-a-page-2022.pdf":                   "West Sussex Tobacco Control - Interim Plan on a page",
	"wscc-tobacco-control-strategy-2019.pdf":                         "West Sussex Tobacco Control Strategy 2019-2022",
	"wscc-tobacco-control-strategy-extension-2023.pdf":               "West Sussex Tobacco Control Strategy 2019-2022 Strategy extension 2023",
	"wsjsna-coastal-west-sussex-ccg-deprivation-profile-2018.html":   "Deprivation - West Sussex JSNA Website",
	"wsjsna-crawley-ccg-tobacco-profile-2018.html":                   "Tobacco - West Sussex JSNA Website",
	"youngfoundation-wsx-bame-community-engagement-2015.pdf":         "BAME NEEDS ASSESSMENT WEST SUSSEX",
	"defining-the-integrated-neighbourhood.md":                       "Defining the integrated neighbourhood model: a systematic review of key domains and framework development",
	"dhsc-10-year-health-plan-exec-summary-2025.md":                  "FIT FOR THE FUTURE 10 Year Health Plan for England Executive Summary",
	"identifying-and-understanding.md":                               "Identifying and understanding the factors that influence the functioning of BMJ Open: first published as integrated healthcare systems in the NHS: a systematic literature review",
	"improving-equitable-healthcare-resource-use.md":                 "Improving equitable healthcare resource use: developing a neighbourhood district nurse needs index for staffing allocation",
	"lch-annual-report-2024-25.md":                                   "Annual Report and Accounts 2024-2025",
	"lch-trust-board-public-papers-2025-09.md":                       "Bundle Public Board Meeting 4 September 2025",
	"leeds-demographics-health-inequalities-2024.md":                 "Leeds Demographics & Health Inequalities Context 2024",
	"leeds-health-wellbeing-strategy-2023-2030.md":                   "The Leeds Health and Wellbeing Strategy 2023-2030",
	"leeds-healthy-leeds-plan-exec-summary-draft.md":                 "The Healthy Leeds Plan 2023 - 2028 Summary Document",
	"ltht-annual-report-2024-25.md":                                  "The Leeds Teaching Hospitals NHS Trust Annual Report and Accounts",
	"ltht-people-priorities.md":                                      "People Priorities",
	"lypft-annual-report-accounts-2024-25.md":                        "Leeds and York Partnership NHS Foundation Trust ANNUAL REPORT AND ACCOUNTS",
	"new-organisational-models-primary-care.md":                      "New organisational models of primary care to meet the future needs of the NHS A brief overview of recent reports",
	"nhse-medium-term-planning-framework-2026.md":                    "Medium Term Planning Framework",
	"nhse-neighbourhood-health-guidelines-2025.md":                   "Neighbourhood health guidelines 2025/26",
	"nhse-operational-planning-guidance-2025-26.md":                  "2025/26 priorities and operational planning guidance",
	"nhse-planning-framework-2025.md":                                "Planning framework for the NHS in England",
	"realising-the-nhs.md":                                           "REALISING THE NEIGHBOURHOOD NHS DELIVERING A NEW DEAL FOR PRIMARY CARE IN ENGLAND",
	"reform-getting-into-shape-2017.md":                              "Getting into shape: Delivering a workforce for integrated care",
	"workforce-strategy-2021-25.md":                                  "LCH Workforce Strategy 2021-25 (V1.0)",
}

// corpusKinds are the kinds of the same documents, as a reader would put
// them from the cover and contents (issue 13): what the scorecard says it
// took each for. "other" is a document whose title and headings name no
// kind (a think tank's report, an infographic, a timeline).
var corpusKinds = map[string]string{
	"conservative-party-manifesto-2024.pdf":                          annotate.KindStrategy,
	"cpicb-constitution-v1.6-2025.docx":                              annotate.KindGuidance,
	"dhsc-khan-review-recommendations-visual-2022.pdf":               annotate.KindResearch,
	"hee-data-driven-healthcare-2030-full-report-2021.pdf":           annotate.KindOther,
	"hee-data-driven-healthcare-2030-summary-2021.pdf":               annotate.KindOther,
	"ltht-uol-research-innovation-strategy-2020.pdf":                 annotate.KindStrategy,
	"nhse-commissioning-policy-individual-funding-requests-2023.pdf": annotate.KindGuidance,
	"nhse-core20plus5-adult-infographic-2023.pdf":                    annotate.KindOther,
	"nhse-core20plus5-cyp-infographic-2022.pdf":                      annotate.KindOther,
	"nhse-national-engagement-on-data-cohort2-report-2025.pdf":       annotate.KindConsultation,
	"nhse-nnhip-measurement-guide-2025.pdf":                          annotate.KindGuidance,
	"nuffieldtrust-nhs-timeline-2010s.html":                          annotate.KindOther,
	"sussex-icb-crawley-ict-population-profile-pack-2023.pdf":        annotate.KindNeeds,
	"tphc-london-digital-data-impact-report-2024-webprint.pdf":       annotate.KindAnnualReport,
	"wscc-alcohol-drugs-needs-assessment-summary.pdf":                annotate.KindNeeds,
	"wscc-ccg-joint-dementia-strategy-2020-plaintext.pdf":            annotate.KindStrategy,
	"wscc-ccg-joint-dementia-strategy-2020.pdf":                      annotate.KindStrategy,
	"wscc-coastal-health-inequalities-framework-summary-2024.pdf":    annotate.KindStrategy,
	"wscc-cyp-disabilities-needs-assessment-2016.pdf":                annotate.KindNeeds,
	"wscc-dap-community-fund-coproduction-evaluation-2026.pdf":       annotate.KindResearch,
	"wscc-director-public-health-annual-report-2021.pdf":             annotate.KindAnnualReport,
	"wscc-drug-alcohol-partnership-progress-report-2024.pdf":         annotate.KindAnnualReport,
	"wscc-dual-diagnosis-needs-assessment.pdf":                       annotate.KindNeeds,
	"wscc-early-years-needs-assessment-summary.pdf":                  annotate.KindNeeds,
	"wscc-engagement-parents-report.pdf":                             annotate.KindConsultation,
	"wscc-forecasting-future-dependency-2024-accessible.docx":        annotate.KindNeeds,
	"wscc-gypsies-travellers-needs-assessment-2010.pdf":              annotate.KindNeeds,
	"wscc-homelessness-health-inequalities-rapid-review-2024.pdf":    annotate.KindResearch,
	"wscc-hwb-joint-health-wellbeing-strategy-2019.pdf":              annotate.KindStrategy,
	"wscc-hwb-strategy-consultation-report-2019.pdf":                 annotate.KindConsultation,
	"wscc-hwb-strategy-cost-of-living-addendum-2024.pdf":             annotate.KindStrategy,
	"wscc-hwb-strategy-equality-impact-report-2019.pdf":              annotate.KindImpact,
	"wscc-military-veterans-needs-assessment-2012.pdf":               annotate.KindNeeds,
	"wscc-pna-equalities-assessment-2025.pdf":                        annotate.KindImpact,
	"wscc-public-health-outcomes-walkthrough-2017-imageonly.pdf":     annotate.KindOther,
	"wscc-sexual-health-needs-assessment-2019.pdf":                   annotate.KindNeeds,
	"wscc-sexual-health-needs-assessment-summary-2025.pdf":           annotate.KindNeeds,
	"wscc-suicide-prevention-strategy-2017.pdf":                      annotate.KindStrategy,
	"wscc-tcna-final-report.pdf":                                     annotate.KindNeeds,
	"wscc-tobacco-control-action-plan-table-2022.docx":               annotate.KindStrategy,
	"wscc-tobacco-control-action-plan-table-2022.pdf":                annotate.KindStrategy,
	"wscc-tobacco-control-plan-on-a-page-2022.pdf":                   annotate.KindStrategy,
	"wscc-tobacco-control-strategy-2019.pdf":                         annotate.KindStrategy,
	"wscc-tobacco-control-strategy-extension-2023.pdf":               annotate.KindStrategy,
	"wsjsna-coastal-west-sussex-ccg-deprivation-profile-2018.html":   annotate.KindNeeds,
	"wsjsna-crawley-ccg-tobacco-profile-2018.html":                   annotate.KindNeeds,
	"youngfoundation-wsx-bame-community-engagement-2015.pdf":         annotate.KindNeeds,
	"defining-the-integrated-neighbourhood.md":                       annotate.KindResearch,
	"dhsc-10-year-health-plan-exec-summary-2025.md":                  annotate.KindStrategy,
	"identifying-and-understanding.md":                               annotate.KindResearch,
	"improving-equitable-healthcare-resource-use.md":                 annotate.KindResearch,
	"lch-annual-report-2024-25.md":                                   annotate.KindAnnualReport,
	"lch-trust-board-public-papers-2025-09.md":                       annotate.KindBoardPapers,
	"leeds-demographics-health-inequalities-2024.md":                 annotate.KindNeeds,
	"leeds-health-wellbeing-strategy-2023-2030.md":                   annotate.KindStrategy,
	"leeds-healthy-leeds-plan-exec-summary-draft.md":                 annotate.KindStrategy,
	"ltht-annual-report-2024-25.md":                                  annotate.KindAnnualReport,
	"ltht-people-priorities.md":                                      annotate.KindStrategy,
	"lypft-annual-report-accounts-2024-25.md":                        annotate.KindAnnualReport,
	"new-organisational-models-primary-care.md":                      annotate.KindResearch,
	"nhse-medium-term-planning-framework-2026.md":                    annotate.KindGuidance,
	"nhse-neighbourhood-health-guidelines-2025.md":                   annotate.KindGuidance,
	"nhse-operational-planning-guidance-2025-26.md":                  annotate.KindGuidance,
	"nhse-planning-framework-2025.md":                                annotate.KindGuidance,
	"realising-the-nhs.md":                                           annotate.KindOther,
	"reform-getting-into-shape-2017.md":                              annotate.KindOther,
	"workforce-strategy-2021-25.md":                                  annotate.KindStrategy,
}

func TestCorpusTitles(t *testing.T) {
	real := sharedCorpus(t)
	text := sharedcorpus.Require(t, "corpus", "real-text")
	var files []string
	for _, dir := range []string{real, text} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !e.IsDir() && !strings.HasSuffix(e.Name(), ".tsv") {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		seen[name] = true
		want, ok := corpusTitles[name]
		if !ok {
			t.Errorf("%s: no expected title written down; read its cover and add it", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The titles are those of the text layers: the scanned
			// page's, read by OCR, is held by TestCorpusScannedByOCR.
			d, err := readFile(t, f, Options{OCR: OCRNever})
			if err != nil {
				if want != "" {
					t.Fatalf("read: %v", err)
				}
				return
			}
			if d.Title != want {
				t.Errorf("title %q, want %q", d.Title, want)
			}
			if got, want := annotate.KindOf(d), corpusKinds[name]; got != want {
				t.Errorf("kind %q, want %q", got, want)
			}
		})
	}
	for name := range corpusTitles {
		if !seen[name] {
			t.Errorf("%s: expected a title, but the file is not in the corpus", name)
		}
	}
}

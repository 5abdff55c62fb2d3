package annotate

import (
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// claimOf annotates one block and returns the claim of its first sentence.
func claimOf(t *testing.T, b document.Block, section string) Claim {
	t.Helper()
	d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{b}}}}
	if section != "" {
		d.Pages[0].Blocks = append([]document.Block{{Kind: document.Heading, Text: section, Level: 1}}, b)
		d.Sections = []*document.Section{{Title: section, Level: 1, Start: document.BlockRef{Page: 0, Block: 0}}}
	}
	ad := Annotate(d)
	for _, s := range ad.Sentences {
		if s.Kind != document.Heading || b.Kind == document.Heading {
			return s.Claim
		}
	}
	t.Fatalf("no sentence in %q", b.Text)
	return Claim{}
}

func TestClaimForm(t *testing.T) {
	para := func(s string) document.Block { return document.Block{Kind: document.Paragraph, Text: s} }
	tests := []struct {
		name    string
		block   document.Block
		section string
		want    string
	}{
		{"a sentence", para("We will open two clinics in Bognor Regis."), "", FormSentence},
		{"a short sentence with a full stop", para("Costs rose."), "", FormSentence},
		{"a label", para("36 WTE Sickness"), "", FormFragment},
		{"a clause cut at a comma", para("Targeted in the eastern wards,"), "", FormFragment},
		{"a clause cut at an article", para("due to the commercially sensitive nature of the"), "", FormFragment},
		{"running text that stops without a full stop", para("With funding from the council, the city is trialling an innovative"), "", FormFragment},
		{"a sentence ending in a footnote number", para("Smoking in pregnancy fell to 6.6% in 2023.12"), "", FormSentence},
		{"capitals only", para("CHRONIC RESPIRATORY DISEASE AND EARLY CANCER"), "", FormFragment},
		{"two columns read across", para("The economy be below 3% of GDP in the fifth year of the is now growing faster."), "", FormGlued},
		{"dot leaders", para("Our coastal population ............................ 3"), "", FormContents},
		{"a contents section", para("Risk factors 16"), "Contents", FormContents},
		{"a converter's outline of bookmarks", document.Block{Kind: document.List, Text: "Patient and public involvement", Items: []string{"Patient and public involvement"}}, "Document Outline", FormContents},
		{"meeting formality", para("Before formal business began the Chair invited members to declare interests."), "", FormFormality},
		{"acknowledgements", para("We thank everyone who gave their time to this work."), "Acknowledgements", FormFormality},
		{"a board member's biography", para("He was Chief Executive of an international health charity between 2011 and 2018."), "", FormFormality},
		{"a biography's later sentence", para("During the year she became the Chair of a national charity."), "", FormFormality},
		{"a patient's story is not a biography", para("She told us the clinic changed her life after years of waiting."), "", FormSentence},
		{"a reference list", para("Smith J, Jones K. Co-production in practice. London: Press, 2020."), "References", FormReference},
		{"reference entries read as a table row", document.Block{Kind: document.Table, Rows: [][]string{{"Note", "Source"}, {"137", "Office for National Statistics (2024). Unpaid care expectancy: Carers UK (2022). Carers' health and experiences of primary care."}}}, "", FormReference},
		{"one year in brackets is a sentence", para("Smoking fell (2023). It rose again in 2024."), "", FormSentence},
		{"a citation outside a list", para("Lazar, S., Robin, J., A study of self-medication in adults."), "", FormReference},
		{"a heading", document.Block{Kind: document.Heading, Text: "Our priorities", Level: 2}, "", FormHeading},
		{"a list item in lower case", document.Block{Kind: document.List, Text: "expand outreach to rough sleepers", Items: []string{"expand outreach to rough sleepers"}}, "", FormItem},
		{"a headed table row", document.Block{Kind: document.Table, Rows: [][]string{{"Service", "2023/24"}, {"Urgent care", "£12.1m"}}}, "", FormRow},
		{"table cells cut from running text", document.Block{Kind: document.Table, Rows: [][]string{{"A", "B", "C"}, {"and minority ethnic", "with SMI to at least,", "Disease (COPD), driving up"}}}, "", FormGlued},
	}
	for _, tt := range tests {
		b := tt.block
		if b.Kind == document.Table {
			b.Text = document.TableText(b.Rows)
		}
		got := claimOf(t, b, tt.section)
		if tt.block.Kind == document.Table {
			// the header row comes first: check the data row
			d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{b}}}}
			got = Annotate(d).Sentences[1].Claim
		}
		if got.Form != tt.want {
			t.Errorf("%s: form %q, want %q", tt.name, got.Form, tt.want)
		}
		if got.Readable() != (tt.want == FormSentence || tt.want == FormItem || tt.want == FormRow) {
			t.Errorf("%s: Readable() = %v for form %q", tt.name, got.Readable(), got.Form)
		}
	}
}

func TestClaimVoiceStatusPolarityScope(t *testing.T) {
	tests := []struct {
		name, text, section            string
		voice, status, polarity, scope string
	}{
		{"a commitment with an owner and date", "We will invest £2m in outreach by March 2026, led by the Director of Public Health.", "",
			VoiceOwn, StatusCommitted, PolarityPositive, ScopeLocal},
		{"a plan", "We will expand the stop smoking service to every pharmacy.", "",
			VoiceOwn, StatusPlanned, PolarityPositive, ScopeLocal},
		{"done", "We held twelve workshops with 300 residents in 2024.", "",
			VoiceOwn, StatusDone, PolarityPositive, ScopeLocal},
		{"under way", "We are delivering health checks in the most deprived wards.", "",
			VoiceOwn, StatusDone, PolarityPositive, ScopeLocal},
		{"done, an adverb before the participle", "Independent Lives has recently established a volunteering programme for people with disabilities.", "",
			VoiceOwn, StatusDone, PolarityPositive, ScopeLocal},
		{"not a participle: only", "The service has only three staff.", "",
			VoiceOwn, StatusFact, PolarityPositive, ScopeLocal},
		{"an aim", "Our ambition is that services are more inclusive and better targeted.", "",
			VoiceOwn, StatusAim, PolarityPositive, ScopeLocal},
		{"an aim as an infinitive", "To reduce smoking in pregnancy across the county.", "",
			VoiceOwn, StatusAim, PolarityPositive, ScopeLocal},
		{"a recommendation", "Social prescribing should be more prominent in the plan.", "",
			VoiceOwn, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"the WHO reporting", "WHO estimates that one in four people will have a mental health problem.", "",
			VoiceReported, StatusPlanned, PolarityPositive, ScopeLocal},
		{"a plan with examples of how", "Public Health will collaborate with partners, for example through consultation on this framework.", "",
			VoiceOwn, StatusPlanned, PolarityPositive, ScopeLocal},
		{"an example", "For example, nurses can consult GPs by email.", "",
			VoiceOwn, StatusExample, PolarityPositive, ScopeLocal},
		{"a recommendation whatever else it says, under its heading", "Implement interventions to prevent maternal obesity; services need to reach women who may find them hard to reach.", "Recommendations",
			VoiceOwn, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"a need", "An additional investment of about £700k would be needed.", "",
			VoiceOwn, StatusNeed, PolarityPositive, ScopeLocal},
		{"'not the only' negates nothing", "Although not the only vulnerable group, young parents should be a priority group across all services.", "",
			VoiceOwn, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"a noun 'needs' is no need", "People with complex needs use more services.", "",
			VoiceOwn, StatusFact, PolarityPositive, ScopeLocal},
		{"an example", "For example, a council could fund a community van.", "",
			VoiceOwn, StatusExample, PolarityPositive, ScopeLocal},
		{"a month is not a modal", "We met the board in May 2024 and agreed the plan.", "",
			VoiceOwn, StatusDone, PolarityPositive, ScopeLocal},
		{"respondents", "Respondents felt that funding for the goals is not clear.", "",
			VoiceReported, StatusDone, PolarityNegative, ScopeLocal},
		{"a cited review", "The national review recommends an additional £70 million per year.", "",
			VoiceReported, StatusRecommendation, PolarityPositive, ScopeNational},
		{"this report is the document's own", "This report sets out the needs of carers in the county.", "",
			VoiceOwn, StatusFact, PolarityPositive, ScopeLocal},
		{"guidelines recommend", "The BASHH guidelines recommend that men who have sex with men are tested every year.", "",
			VoiceReported, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"a body states", "For black African communities PHE state that HIV testing should be a priority.", "",
			VoiceReported, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"a named author reports", "Parry reports that previous small studies indicate high infant mortality among Travellers.", "",
			VoiceReported, StatusFact, PolarityPositive, ScopeLocal},
		{"a long named subject", "The British Association for Sexual Health and HIV guidelines for the care of men who have sex with men recommend that there should be 80% uptake.", "",
			VoiceReported, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"told us, the subject far from the verb", "Several people we spoke to told us they had a fear of needles.", "",
			VoiceReported, StatusDone, PolarityPositive, ScopeLocal},
		{"told us, any subject", "When visiting a family, health visitors told us that relatives often called in.", "",
			VoiceReported, StatusFact, PolarityPositive, ScopeLocal},
		{"we found that is our own", "Across the county we found that waiting times are longest in the coastal towns.", "",
			VoiceOwn, StatusDone, PolarityPositive, ScopeLocal},
		{"it is recommended that is our own", "It is recommended that the Council commissions an outreach service.", "",
			VoiceOwn, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"our programme is our own", "Our programme recommends that every practice offers health checks.", "",
			VoiceOwn, StatusRecommendation, PolarityPositive, ScopeLocal},
		{"a quotation", "“There is no indication of how you will fund your goals.”", "",
			VoiceReported, StatusPlanned, PolarityNegative, ScopeLocal},
		{"a section of what people said", "Transport to appointments is hard for older residents.", "What people told us",
			VoiceReported, StatusFact, PolarityPositive, ScopeLocal},
		{"a section on government policy", "The government set targets for new sites and provided £150m over five years.", "Recent policy and legislation",
			VoiceReported, StatusFact, PolarityPositive, ScopeLocal},
		{"a literature review", "Outreach clinics improve access for people experiencing homelessness.", "1.8 Literature review",
			VoiceReported, StatusFact, PolarityPositive, ScopeLocal},
		{"national and local context is the document's own", "The council funds two outreach clinics.", "National and local policy context",
			VoiceOwn, StatusFact, PolarityPositive, ScopeLocal},
		{"a passive whose agent is respondents", "The main gaps identified by respondents were transport and housing.", "",
			VoiceReported, StatusFact, PolarityPositive, ScopeLocal},
		{"issues raised by a review", "Issues raised by the national review include workforce shortages.", "",
			VoiceReported, StatusFact, PolarityPositive, ScopeNational},
		{"needs identified without an agent are the document's", "The needs identified in this assessment are set out below.", "",
			VoiceOwn, StatusFact, PolarityPositive, ScopeLocal},
		{"identified by a test is no report", "People identified by screening are offered treatment.", "",
			VoiceOwn, StatusFact, PolarityPositive, ScopeLocal},
		{"a stated absence", "There was no engagement work on this plan.", "",
			VoiceOwn, StatusFact, PolarityNegative, ScopeLocal},
		{"an idiom is no negation", "Waiting times will be no more than 18 weeks.", "",
			VoiceOwn, StatusPlanned, PolarityPositive, ScopeLocal},
		{"a national figure", "In England in 2023/24, nearly 65,700 households were accepted as homeless.", "",
			VoiceOwn, StatusDone, PolarityPositive, ScopeNational},
		{"a comparison is local", "In Crawley, 6.6% of mothers smoked at delivery against 10.6% nationally.", "",
			VoiceOwn, StatusFact, PolarityPositive, ScopeLocal},
	}
	for _, tt := range tests {
		c := claimOf(t, document.Block{Kind: document.Paragraph, Text: tt.text}, tt.section)
		got := [4]string{c.Voice, c.Status, c.Polarity, c.Scope}
		want := [4]string{tt.voice, tt.status, tt.polarity, tt.scope}
		if got != want {
			t.Errorf("%s: %q\n  got  voice=%s status=%s polarity=%s scope=%s\n  want voice=%s status=%s polarity=%s scope=%s",
				tt.name, tt.text, got[0], got[1], got[2], got[3], want[0], want[1], want[2], want[3])
		}
	}
}

func TestClaimListLeadIn(t *testing.T) {
	d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{
		{Kind: document.Paragraph, Text: "Over the next two years we will:"},
		{Kind: document.List, Text: "open a clinic for rough sleepers\ntrain link workers", Items: []string{"open a clinic for rough sleepers", "train link workers"}},
	}}}}
	for _, s := range Annotate(d).Sentences[1:] {
		if s.Claim.Status != StatusPlanned || s.Claim.Form != FormItem {
			t.Errorf("%q: %+v, want a planned item", s.Text, s.Claim)
		}
	}
}

// The items of a list introduced as what others said are their words;
// those of the document's own lead-in are its own.
func TestClaimReportedLeadIn(t *testing.T) {
	for _, tc := range []struct {
		lead, voice string
	}{
		{"We consulted widely. Gaps that respondents perceived as missing were:", VoiceReported},
		{"The main issues identified by participants were:", VoiceReported},
		{"Respondents told us:", VoiceReported},
		{"Our priorities for the next year are:", VoiceOwn},
		{"Respondents told us about transport. Our priorities are:", VoiceOwn},
		{"Respondents told us about transport", VoiceOwn}, // no colon: not a lead-in
		{"The review found three themes:", VoiceReported},
	} {
		d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{
			{Kind: document.Paragraph, Text: tc.lead},
			{Kind: document.List, Text: "transport to the hospital\nhousing for young people", Items: []string{"transport to the hospital", "housing for young people"}},
		}}}}
		for _, s := range Annotate(d).Sentences {
			if s.Kind == document.List && s.Claim.Voice != tc.voice {
				t.Errorf("after %q: item %q voice %s, want %s", tc.lead, s.Text, s.Claim.Voice, tc.voice)
			}
		}
	}
}

func TestGluedList(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"The gaps were: o mental health support o inequalities o transport", true},
		{"Priorities • housing • transport", true},
		{"Priorities \uFFFD housing \uFFFD transport", true},
		{"• Reduce smoking in pregnancy across the county", false}, // one item
		{"We will work with o ne partner.", false},
		{"Older people o and younger people", false},
	} {
		if got := GluedList(tc.s); got != tc.want {
			t.Errorf("GluedList(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// A quotation may run over several sentences of a paragraph: all of them
// are someone else's words, and what follows the closing mark is not.
func TestClaimQuotationAcrossSentences(t *testing.T) {
	tests := []struct {
		text  string
		voice []string
	}{
		{"‘When I call I am always helped. I am aware of the lack of resources. It’s hard for staff.’ We will fund two posts.",
			[]string{VoiceReported, VoiceReported, VoiceReported, VoiceOwn}},
		{"“We need more money. The service is stretched.” The council agreed to fund it.",
			[]string{VoiceReported, VoiceReported, VoiceOwn}},
		// an apostrophe opens and closes nothing
		{"It’s our plan. We’ll fund the service from April.",
			[]string{VoiceOwn, VoiceOwn}},
		// scare quotes mid-sentence are not a quotation that runs on
		{"Rural areas will get ‘golden hellos’ for dentists. We will fund dental vans.",
			[]string{VoiceOwn, VoiceOwn}},
		{"We heard patients’ views. We will act on them.",
			[]string{VoiceOwn, VoiceOwn}},
	}
	for _, tt := range tests {
		d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: []document.Block{{Kind: document.Paragraph, Text: tt.text}}}}}
		ss := Annotate(d).Sentences
		if len(ss) != len(tt.voice) {
			t.Errorf("%q: %d sentences, want %d", tt.text, len(ss), len(tt.voice))
			continue
		}
		for i, s := range ss {
			if s.Claim.Voice != tt.voice[i] {
				t.Errorf("%q: voice %s, want %s", s.Text, s.Claim.Voice, tt.voice[i])
			}
		}
	}
}

// A document whose text reads columns across is reported in its quality.
func TestWarnUnreadable(t *testing.T) {
	var blocks []document.Block
	for range 5 {
		blocks = append(blocks, document.Block{Kind: document.Paragraph, Text: "The economy be below 3% of GDP in the fifth year of the is now growing faster."})
	}
	for range 10 {
		blocks = append(blocks, document.Block{Kind: document.Paragraph, Text: "We will open two clinics in the most deprived wards."})
	}
	d := &document.Document{Pages: []document.Page{{Number: 1, Blocks: blocks}}}
	Annotate(d)
	if len(d.Quality.Warnings) != 1 || !strings.HasPrefix(d.Quality.Warnings[0], "5 of 15 sentences read two columns") {
		t.Errorf("warnings %q", d.Quality.Warnings)
	}
	clean := &document.Document{Pages: []document.Page{{Number: 1, Blocks: blocks[5:]}}}
	Annotate(clean)
	if len(clean.Quality.Warnings) != 0 {
		t.Errorf("a clean document warned: %q", clean.Quality.Warnings)
	}
}

func TestStartsMidSentence(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"benefit claimant the financial security and independence they need.", true},
		{"10 In addition, integration the facilitators and address the barriers.", true},
		{"20 21 24–26 31 37 38 political action served as barriers to care.", true},
		{"We will open two clinics.", false},
		{"42 Integrated Care Boards were set up in 2022.", false},
		{"“People told us waiting was the worst part.”", false},
		{"2025/26 will be a year of change.", false},
	} {
		if got := StartsMidSentence(tc.q); got != tc.want {
			t.Errorf("StartsMidSentence(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestAuthorYearReference(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"Age UK (2019).", true},
		{"The framework for enhanced health in care homes; Alzheimer’s Society (2022).", true},
		{"Smoking prevalence fell to 12% (2021).", false},
		{"This was reported by Public Health England (2019).", false},
	} {
		if got := citation(strings.ToLower(tc.s), tc.s); got != tc.want {
			t.Errorf("citation(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// Who speaks, when a sentence is not the document's own.
func TestClaimSpeaker(t *testing.T) {
	for _, tc := range []struct {
		text, section, speaker string
	}{
		{"Respondents felt that funding for the goals is not clear.", "", SpeakerRespondents},
		{"The gaps identified by participants were transport and housing.", "", SpeakerRespondents},
		{"The national review recommends an additional £70 million per year.", "", SpeakerSource},
		{"Issues raised by the national review include workforce shortages.", "", SpeakerSource},
		{"According to the ONS, 12% of adults smoke.", "", SpeakerSource},
		{"“There is no indication of how you will fund your goals.”", "", SpeakerQuotation},
		{"Transport to appointments is hard for older residents.", "What people told us", SpeakerRespondents},
		{"The government provided £150m over five years.", "Recent policy and legislation", SpeakerSource},
		{"We will open two clinics in Bognor Regis.", "", ""},
	} {
		c := claimOf(t, document.Block{Kind: document.Paragraph, Text: tc.text}, tc.section)
		if c.Speaker != tc.speaker {
			t.Errorf("%q: speaker %q, want %q (%s)", tc.text, c.Speaker, tc.speaker, c)
		}
		if (c.Speaker == "") != (c.Voice == VoiceOwn) {
			t.Errorf("%q: speaker %q with voice %s", tc.text, c.Speaker, c.Voice)
		}
	}
}

// TestReferenceEntryTitle: a reference entry split into sentences ("Public
// Health England (2018). Health matters: reducing health inequalities in
// mental illness.") is a reference throughout; prose that cites a year is
// not.
func TestReferenceEntryTitle(t *testing.T) {
	d := doc(
		document.Block{Kind: document.Paragraph, Text: "Public Health England (2018). Health matters: reducing health inequalities in mental illness."},
		document.Block{Kind: document.Paragraph, Text: "The review found a social gradient (Marmot, 2010). We will reduce health inequalities in mental illness."},
	)
	want := map[string]string{
		"Public Health England (2018).":                                   FormReference,
		"Health matters: reducing health inequalities in mental illness.": FormReference,
		"We will reduce health inequalities in mental illness.":           FormSentence,
	}
	for _, s := range Annotate(d).Sentences {
		if w, ok := want[s.Text]; ok {
			if s.Claim.Form != w {
				t.Errorf("%q: form %s, want %s", s.Text, s.Claim.Form, w)
			}
			delete(want, s.Text)
		}
	}
	for s := range want {
		t.Errorf("sentence %q not found", s)
	}
}

// TestBulletPieces: a list run into one line is cut at its bullets.
func TestBulletPieces(t *testing.T) {
	got := bulletPieces("infections including through: o Working with the outreach team. o Delivery of a small grants programme. • Reaching Crawley")
	want := []string{"infections including through:", "Working with the outreach team.", "Delivery of a small grants programme.", "Reaching Crawley"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

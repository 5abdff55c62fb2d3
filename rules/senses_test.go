package rules

import (
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

// Who "respondents" are decides whether what they said is the public's:
// in a document that asked front-line workers, their views are not
// public involvement; in one that surveyed residents, they are
// (RUBRIC.md: the public, not staff or partners).
func TestRespondentsArePublicOnlyWhereThePublicWasAsked(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	said := "Respondents said that a named contact would be helpful."
	for _, tc := range []struct {
		name, method string
		want         bool
	}{
		{"front-line workers asked", "Local frontline workers were invited to take part in an online survey.", false},
		{"a national survey cited", "Positive Voices 2017 [25] is a national survey of people living with HIV.", false},
		{"residents asked", "We ran a survey of residents across the county in 2024.", true},
		{"parents asked", "Focus groups with parents were held in six towns.", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := testDoc([]document.Block{head("How we gathered views", 1), para(tc.method), para(said)})
			ev, err := s.Matches(doc, "public-involvement", "people-said")
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, e := range ev {
				if strings.HasPrefix(e.Quote, "Respondents said") {
					got = true
				}
			}
			if got != tc.want {
				t.Errorf("%q counted as what people said: %v, want %v", said, got, tc.want)
			}
		})
	}
}

// A cause is a cause of a problem; an informing passage is the
// document's authors telling the public.
func TestCauseAndInformNeedTheirObject(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		criterion, signal, text string
		want                    bool
	}{
		{"problem-analysis", "cause", "Between 2012 and 2014, an estimated 3,995 deaths were attributable to smoking.", true},
		{"problem-analysis", "cause", "This population growth has been due to migration from within the UK.", false},
		{"public-involvement", "inform", "Annual progress reports will be published for the public on our website.", true},
		{"public-involvement", "inform", "In 2009 the Office for National Statistics published an analysis of data on veterans in England.", false},
	} {
		doc := testDoc([]document.Block{para(tc.text)})
		ev, err := s.Matches(doc, tc.criterion, tc.signal)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ev) == 1; got != tc.want {
			t.Errorf("%s %q: matched %v, want %v", tc.signal, tc.text, got, tc.want)
		}
	}
}

// Words in another sense are not an action on inequalities: an
// organisation's name ("NHS Coastal West Sussex CCG", "Clinical
// Commissioning Group", "Office for Health Improvement and Disparities")
// or "clinically" for "clinic".
func TestSpecificActionSenses(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"We will open outreach clinics for rough sleepers in Crawley.", true},
		{"These are contained within three Clinical Commissioning Groups (CCGs): Coastal West Sussex, Horsham and Crawley.", false},
		{"Steph is passionate about ensuring high quality care for carers and still practices clinically.", false},
		{"The fund was agreed by the Office for Health Improvement and Disparities as part of the grant programme.", false},
		// Health inequalities are in health or care (RUBRIC.md): an
		// action for a group about something else is not one on them.
		{"We will extend the Help to Buy scheme to provide first-time buyers in deprived areas with an equity loan.", false},
		{"We will fund grants for agricultural projects in rural areas to promote economic development.", false},
		{"We will fund a mobile screening van for rural and deprived areas.", true},
	} {
		doc := testDoc([]document.Block{para(tc.text)})
		ev, err := s.Matches(doc, "inequality-actions", "specific-action")
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ev) == 1; got != tc.want {
			t.Errorf("%q: a specific action on inequalities %v, want %v", tc.text, got, tc.want)
		}
	}
}

// Fairness words name health inequalities only beside health or care:
// a fairer tax system is not a health inequality.
func TestFairnessWordsNeedHealthOrCare(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"We will keep cutting National Insurance to make the tax system simpler and fairer.", false},
		{"We delivered equal access to grassroots sporting facilities for women and girls.", false},
		{"We want fairer access to GP services for people in our coastal towns.", true},
		{"Health inequalities persist between the most and least deprived wards.", true},
	} {
		doc := testDoc([]document.Block{para(tc.text)})
		ev, err := s.Matches(doc, "inequality-actions", "inequality-words")
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ev) == 1; got != tc.want {
			t.Errorf("%q: health inequalities named %v, want %v", tc.text, got, tc.want)
		}
	}
}

// Planning one's own care with professionals is involvement in one's own
// care, shown as that, never as a promise to engage the public.
func TestOwnCareIsNotEngagingThePublic(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text             string
		promise, ownCare bool
	}{
		{"Staff will work with each patient to co-produce a care plan which speaks to their needs.", false, true},
		{"It is important to have early conversations with people with dementia and their carers so that they can plan ahead for their future care.", false, true},
		{"We will listen to the voices of local communities as we develop our services.", true, false},
	} {
		doc := testDoc([]document.Block{para(tc.text)})
		for _, c := range []struct {
			signal string
			want   bool
		}{{"engage-promise", tc.promise}, {"care-involvement", tc.ownCare}} {
			ev, err := s.Matches(doc, "public-involvement", c.signal)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(ev) == 1; got != c.want {
				t.Errorf("%q: %s %v, want %v", tc.text, c.signal, got, c.want)
			}
		}
	}
}

// A problem named in general terms is the document's own: not a
// criticism respondents made of the draft, and not "challenge" as a verb.
func TestProblemNamedByTheDocument(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Waiting times for children's mental health services remain a serious pressure.", true},
		{"Respondents felt there was a lack of clarity on the purpose of the strategy.", false},
		{"We will challenge organisations who cannot show a robust approach to waste.", false},
	} {
		doc := testDoc([]document.Block{para(tc.text)})
		ev, err := s.Matches(doc, "problem-analysis", "problem-words")
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ev) == 1; got != tc.want {
			t.Errorf("%q: a problem named by the document %v, want %v", tc.text, got, tc.want)
		}
	}
}

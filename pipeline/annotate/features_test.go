package annotate

import (
	"slices"
	"strings"
	"testing"

	"github.com/nhsreview/nhsreview/pipeline/document"
)

func doc(blocks ...document.Block) *document.Document {
	return &document.Document{Pages: []document.Page{{Number: 1, Blocks: blocks}}}
}

// List items introduced by "We will:" are commitments, each with the
// lead-in; items of other lists are not.
func TestListLeadIn(t *testing.T) {
	d := doc(
		document.Block{Kind: document.Paragraph, Text: "Over the next five years we will:"},
		document.Block{Kind: document.List, Items: []string{"Open two diagnostic centres.", "Recruit 40 nurses."}, Text: "x"},
		document.Block{Kind: document.Paragraph, Text: "The main causes are:"},
		document.Block{Kind: document.List, Items: []string{"Smoking.", "Poor housing."}, Text: "y"},
	)
	ad := Annotate(d)
	lead := map[string]bool{}
	for _, s := range ad.Sentences {
		for _, a := range s.Annotations {
			if a.Kind == Commitment && a.Sub == SubLeadIn {
				lead[s.Text] = true
				if a.Unit != "Over the next five years we will:" {
					t.Errorf("lead-in unit %q", a.Unit)
				}
			}
		}
		if s.Kind == document.List && s.Item < 0 {
			t.Errorf("list sentence %q without an item index", s.Text)
		}
	}
	if !lead["Open two diagnostic centres."] || !lead["Recruit 40 nurses."] || lead["Smoking."] || lead["Poor housing."] {
		t.Errorf("lead-in commitments on %v", lead)
	}
}

// Sums under a "Year 1" or "2024/25" column get that period.
func TestTablePeriodColumns(t *testing.T) {
	d := doc(document.Block{Kind: document.Table, Text: "t", Rows: [][]string{
		{"Item", "Year 1", "Year 2", "Total"},
		{"Community fund", "£40,000", "£25,000", "£65,000"},
	}})
	ad := Annotate(d)
	periods := 0
	for _, s := range ad.Sentences {
		for _, a := range s.Annotations {
			if a.Kind == Period && a.Sub == SubFinancialYear {
				periods++
				if a.Text != "£40,000" && a.Text != "£25,000" {
					t.Errorf("period over %q", a.Text)
				}
			}
		}
	}
	if periods != 2 {
		t.Errorf("%d period annotations, want 2 (the Total column sets none)", periods)
	}
}

// An abbreviation the document defines for a group is that group later.
func TestAliases(t *testing.T) {
	d := doc(
		document.Block{Kind: document.Paragraph, Text: "Health outcomes for people experiencing homelessness (PEH) are poor."},
		document.Block{Kind: document.Paragraph, Text: "We will fund outreach clinics for PEH in Crawley."},
		document.Block{Kind: document.Paragraph, Text: "The National Health Service (NHS) will help."},
	)
	ad := Annotate(d)
	var got []Annotation
	for _, s := range ad.Sentences {
		if s.Text != "We will fund outreach clinics for PEH in Crawley." {
			continue
		}
		for _, a := range s.Annotations {
			if a.Kind == Group {
				got = append(got, a)
			}
		}
	}
	if len(got) != 1 || got[0].Text != "PEH" || got[0].Sub != SubPlus {
		t.Errorf("group annotations %+v, want PEH as an inclusion health group", got)
	}
}

// A name the document says is a voluntary organisation is one wherever it
// appears; the description is read from real shapes of it.
func TestDescribedBodies(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"For this part of the project, OPM worked in partnership with FFT, a national information, advice and advocacy organisation for Gypsies and Travellers.", []string{"FFT"}},
		{"Worthing Churches Homeless Projects Other Services Worthing Churches Homeless Projects (WCHP), a local charity provides a variety of services.", []string{"Worthing Churches Homeless Projects", "WCHP"}},
		{"Combat Stress Combat Stress is a national veterans' mental health charity.", []string{"Combat Stress"}},
		{"Frame of Mind is a local community interest company.", []string{"Frame of Mind"}},
		{"Helen is Chief Executive of Touchstone Leeds, a mental health charity.", []string{"Touchstone Leeds"}},
		{"SANE is a national charity.", []string{"SANE"}},
		// One capitalised common word would match every sentence it begins.
		{"Together is a national charity.", nil},
		// An NHS body's own charity, and "the" charity, are not the sector's.
		{"Leeds Hospitals Charity, a registered charity, funds projects.", nil},
		{"The Leeds Hospitals Charity is the official charity of the Trust.", nil},
		{"Healthwatch, the voluntary community social enterprise, reported.", nil},
		// A list of charities is not one named charity.
		{"National Mental Health Charities Below is a list of national mental health charities.", nil},
		{"We’re a charity.", nil},
	}
	for _, c := range cases {
		if got := describedBodies(c.text); !slices.Equal(got, c.want) {
			t.Errorf("describedBodies(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// A body the document describes is a named voluntary organisation later,
// even where an abbreviation was first defined after a group's name.
func TestDescribedBodyAlias(t *testing.T) {
	d := doc(
		document.Block{Kind: document.Paragraph, Text: "Documents were provided by Friends, Families and Travellers (FFT)."},
		document.Block{Kind: document.Paragraph, Text: "We worked with FFT, a national information, advice and advocacy organisation."},
		document.Block{Kind: document.Paragraph, Text: "A project run by FFT was funded by the county council."},
	)
	ad := Annotate(d)
	for _, s := range ad.Sentences {
		if s.Text != "A project run by FFT was funded by the county council." {
			continue
		}
		// FFT is a named body, and, as what runs the project, the
		// doer of an activity (vcs:agent), whose project was funded
		// (vcs:funded).
		var subs []string
		for _, a := range s.Annotations {
			if a.Text == "FFT" {
				subs = append(subs, a.Kind+":"+a.Sub)
			}
		}
		if want := []string{"vcs:body", "vcs:agent", "vcs:funded"}; !slices.Equal(subs, want) {
			t.Errorf("FFT annotated %q, want %q", subs, want)
		}
		return
	}
	t.Fatal("sentence not found")
}

// TestStaffRespondents: a document that says its respondents are
// professionals ("Respondents were from a range of sectors") does not
// take their responses for the public's engagement; one that does not say
// so does.
func TestStaffRespondents(t *testing.T) {
	consults := func(blocks ...string) int {
		var bs []document.Block
		for _, b := range blocks {
			bs = append(bs, document.Block{Kind: document.Paragraph, Text: b})
		}
		n := 0
		for _, s := range Annotate(doc(bs...)).Sentences {
			for _, a := range s.Annotations {
				if a.Kind == Engagement && a.Sub == SubConsult && strings.EqualFold(a.Text, "respondents") {
					n++
				}
			}
		}
		return n
	}
	said := "Three quarters of respondents were aware of the service for patients."
	if n := consults("Respondents were from a range of sectors including housing, education and primary care.", said); n != 0 {
		t.Errorf("professional respondents: %d consultations of the public, want 0", n)
	}
	if n := consults("We asked residents what mattered to them.", said); n != 1 {
		t.Errorf("respondents not said to be professionals: %d consultations, want 1", n)
	}
}

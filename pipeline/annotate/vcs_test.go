package annotate

import "testing"

func TestFindVCS(t *testing.T) {
	v := func(sub, text string) want { return want{Kind: VCS, Sub: sub, Text: text} }
	runFind(t, FindVCS, []findCase{
		{"Westbrook Community Action is commissioned with £250,000 a year.", []want{v(SubBody, "Community Action"), v(SubFunded, "Community Action"), v(SubFunding, "commissioned with")}},
		{"St Gemma's Hospice runs the service.", []want{v(SubBody, "Hospice"), v(SubAgent, "Hospice")}},
		{"We will take community action on smoking.", nil},
		{"THE HOSPICE", nil},
		{"the voluntary sector and the community sector", []want{v(SubTerm, "voluntary sector"), v(SubTerm, "community sector")}},
		{"VCS, VCSE and VCFSE partners", []want{v(SubTerm, "VCS"), v(SubTerm, "VCSE"), v(SubTerm, "VCFSE partners")}},
		{"the third sector and local charities", []want{v(SubTerm, "third sector"), v(SubTerm, "charities")}},
		{"social enterprises, community groups and faith groups", []want{v(SubTerm, "social enterprises"), v(SubTerm, "community groups"), v(SubTerm, "faith groups")}},
		{"voluntary organisations and community anchors", []want{v(SubTerm, "voluntary organisations"), v(SubTerm, "community anchors")}},
		{"the voluntary, community and social enterprise sector", []want{v(SubTerm, "voluntary, community and social enterprise sector")}},
		{"Age UK, Mind, Macmillan and Citizens Advice", []want{v(SubBody, "Age UK"), v(SubBody, "Mind"), v(SubBody, "Macmillan"), v(SubBody, "Citizens Advice")}},
		{"Alzheimer’s Society and Carers UK", []want{v(SubBody, "Alzheimer’s Society"), v(SubBody, "Carers UK")}},
		{"NCVO and NAVCA", []want{v(SubBody, "NCVO"), v(SubBody, "NAVCA")}},
		{"Healthwatch Leeds", []want{v(SubPatientVoice, "Healthwatch")}},
		{"the VCSE alliance and the VCSE assembly", []want{v(SubAlliance, "VCSE alliance"), v(SubAlliance, "VCSE assembly")}},
		{"a VCSE partnership board", []want{v(SubAlliance, "VCSE partnership board")}},
		{"the voluntary sector has a seat on the board", []want{v(SubTerm, "voluntary sector"), v(SubAlliance, "a seat on the board")}},
		{"a VCSE representative on the Health and Wellbeing Board", []want{v(SubAlliance, "VCSE representative on the Health and Wellbeing Board")}},
		{"a seat on the board", nil},
		{"a small grants programme and a community fund", []want{v(SubFunding, "small grants"), v(SubFunding, "community fund")}},
		{"services commissioned from the voluntary sector", []want{v(SubFunding, "commissioned from"), v(SubTerm, "voluntary sector"), v(SubFunded, "voluntary sector")}},
		{"multi-year funding for VCSE organisations", []want{v(SubFunding, "multi-year funding"), v(SubTerm, "VCSE organisations"), v(SubFunded, "VCSE organisations")}},
		{"multi-year funding for trusts", nil},
		{"grant funding for the capital programme", nil},
		{"social prescribing link workers and community connectors", []want{v(SubSocialPrescribing, "social prescribing link workers"), v(SubSocialPrescribing, "community connectors")}},
		// Exclusions.
		{"voluntary redundancy", nil},
		{"community nursing and community health services", nil},
		{"the trust's charitable funds", nil},
		{"Leeds Hospitals Charity gave £1m in revenue grants", nil},
		{"the Trust's charity and NHS charities", nil},
		{"rules set by the Charity Commissioners", nil},
		{"a local charity runs the service", []want{v(SubTerm, "charity"), v(SubAgent, "charity")}},
		{"all providers - NHS, charity or independent sector", []want{v(SubPartnerList, "NHS, charity"), v(SubTerm, "charity")}},
		// The sector as one of a list of partners is a passing mention.
		{"We work in partnership with the wider NHS, social care and the third sector.", []want{v(SubPartnerList, "care and the third sector"), v(SubTerm, "third sector")}},
		{"public, private and voluntary organisations", []want{v(SubPartnerList, "private and voluntary organisations"), v(SubTerm, "voluntary organisations")}},
		{"voluntary sector organisations, councils and schools", []want{v(SubPartnerList, "voluntary sector organisations, councils"), v(SubTerm, "voluntary sector organisations")}},
		{"The NHS funds the voluntary sector to run it.", []want{v(SubTerm, "voluntary sector"), v(SubFunded, "voluntary sector")}},
		{"charities and community groups", []want{v(SubTerm, "charities"), v(SubTerm, "community groups")}},
		{"The King's Fund and the Young Foundation", nil},
		{"Mind the gap", nil},
		{"peace of Mind", nil},
	})
}

// TestSectorAgents: the sector as the doer of an activity (RUBRIC.md's
// "named organisations delivering services") against the sector named as
// a partner, a funder's object or a modifier. The sentences are from
// documents of ../shared/corpus, shortened.
func TestSectorAgents(t *testing.T) {
	agent := func(s string) bool {
		for _, a := range FindVCS(s) {
			if a.Sub == SubAgent {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"The charity Combat Stress provides psychological support to veterans.", true},
		{"Reaching Families, a third sector organisation which provides factsheets on different disabilities.", true},
		{"Supporting People is run by local government and provided by the voluntary sector.", true},
		{"Drug and Alcohol Treatment services are provided by Change Grow Live (CGL).", true},
		{"Learning and training for family and friend carers through Alzheimer's Society.", true},
		{"There is a universal offer of information, advice and support from Carers Support West Sussex.", true},
		{"The third sector plays an important role in providing opportunities for play.", true},
		{"Local voluntary organisations will deliver the befriending service.", true},
		{"Services are delivered in partnership between the council and Turning Point.", true},
		{"We work in partnership with the wider NHS, social care, the criminal justice system and the third sector.", false},
		{"We will continue to build relationships with the third sector to support our volunteering provision.", false},
		{"The HWB will work with these and other partners, voluntary and community organisations to deliver the strategy.", false},
		{"Both schemes will involve funding community groups focused on increasing life chances.", false},
		{"Partnership working with the VCS is described and delivered through our third sector strategy.", false},
		{"Most services offer crisis support, excluding Mind and Lifecentre.", false},
		{"We have continued our collaboration with third-sector partners, delivering impactful initiatives.", false},
		{"The voluntary sector strategy sets out our approach.", false},
	} {
		if got := agent(c.s); got != c.want {
			t.Errorf("%q: agent %v, want %v (annotations %v)", c.s, got, c.want, FindVCS(c.s))
		}
	}
}

// TestSectorFunded: the sector as the one money goes to, against the
// sector beside commissioners, in a commissioning group's name, or as a
// giver. Sentences from documents of ../shared/corpus, shortened.
func TestSectorFunded(t *testing.T) {
	funded := func(s string) bool {
		for _, a := range FindVCS(s) {
			if a.Sub == SubFunded {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"Jointly commissioned county-wide Short Breaks service for family and friend carers through prime providers - Age UK West Sussex and Carers Trust.", true},
		{"Both schemes will involve funding community groups focused on increasing life chances.", true},
		{"We will give small grants to local charities working with families.", true},
		{"Age UK is commissioned to run the service until 2027.", true},
		{"A project run by Age UK in East Sussex, funded by East Sussex County Council, aimed to increase uptake.", true},
		{"Age UK in East Sussex funded the project.", false},
		{"We hold a contract with Turning Point for the recovery service.", true},
		{"The Strategy provides a framework for the planning, commissioning and provision of services by the NHS Trusts, CCGs, Local Authorities and voluntary sector.", false},
		{"The Board is made up of leaders from the County Council, NHS Clinical Commissioning Groups (CCGs), voluntary sector, and Healthwatch.", false},
		{"Income includes £7.3m in donations from a number of charities who support our services.", false},
		{"Action to be taken by: local authorities, NHS trusts and voluntary and community sectors.", false},
	} {
		if got := funded(c.s); got != c.want {
			t.Errorf("%q: funded %v, want %v (annotations %v)", c.s, got, c.want, FindVCS(c.s))
		}
	}
}

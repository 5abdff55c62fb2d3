package annotate

import "testing"

func TestFindEngagement(t *testing.T) {
	e := func(sub, text string) want { return want{Kind: Engagement, Sub: sub, Text: text} }
	runFind(t, FindEngagement, []findCase{
		// Inform.
		{"We will keep people informed.", []want{e(SubInform, "keep people informed")}},
		{"We will keep you updated through our newsletter.", []want{e(SubInform, "keep you updated"), e(SubInform, "newsletter")}},
		{"We will update the public each year.", []want{e(SubInform, "update the public")}},
		{"We will communicate with residents.", []want{e(SubInform, "communicate with residents")}},
		{"We will publish progress for residents.", []want{e(SubInform, "publish")}},
		{"The report was published in 2019.", nil},
		// Consult.
		{"The public consultation closed in June.", []want{e(SubConsult, "public consultation")}},
		{"We ran a survey of residents and a questionnaire.", []want{e(SubConsult, "survey"), e(SubConsult, "questionnaire")}},
		{"Listening events and focus groups with carers.", []want{e(SubConsult, "Listening events"), e(SubConsult, "focus groups")}},
		{"We received 1,200 responses from patients.", []want{e(SubConsult, "responses")}},
		{"We asked people what matters; their feedback shaped the plan.", []want{e(SubConsult, "We asked"), e(SubConsult, "feedback")}},
		{"GP consultations rose for patients.", nil},
		{"The system limits consultations to 10 minutes for patients.", nil},
		{"93% of sexual health service consultations by residents were local.", nil},
		{"The council is working with reduced public funding.", nil},
		{"Peers can support people to engage with services.", nil},
		{"The staff survey showed that our people feel valued.", nil},
		// Involve.
		{"We involved residents in the design.", []want{e(SubInvolve, "involved")}},
		{"We engaged with local communities.", []want{e(SubInvolve, "engaged with")}},
		{"Workshops with patients and carers.", []want{e(SubInvolve, "Workshops with")}},
		{"Patient participation groups and the citizens' panel.", []want{e(SubInvolve, "Patient participation groups"), e(SubInvolve, "citizens' panel")}},
		{"People with lived experience sit on the steering group.", []want{e(SubInvolve, "lived experience")}},
		{"Healthwatch gathered views.", []want{e(SubInvolve, "Healthwatch")}},
		// "Involve" in the sense of bringing people into the work, and not
		// in the senses of taking part in trouble, or entailing.
		{"We will involve local people in decisions about their services.", []want{e(SubInvolve, "involve")}},
		{"Carers were involved in designing the new pathway.", []want{e(SubInvolve, "involved")}},
		{"The involvement of patients and carers shaped the strategy.", []want{e(SubInvolve, "involvement")}},
		{"People will be actively involved.", []want{e(SubInvolve, "involved")}},
		{"We involved over 400 residents through the summer.", []want{e(SubInvolve, "involved")}},
		{"The team continues to involve those experiencing health inequalities in service improvement projects.", []want{e(SubInvolve, "involve")}},
		{"Veterans who become homeless or involved with the criminal justice system are particularly vulnerable.", nil},
		{"It reflects the UK's involvement in conflicts, such as National Service.", nil},
		{"Further models of collaboration involve extended roles for pharmacists in the community.", nil},
		{"In essence, integration involves bringing organisations together with the aim of improving care for patients.", nil},
		{"Incidents involving restrictive practice occurred to patients recorded as White British.", nil},
		{"Records would allow every health professional involved in a patient's care to see them.", nil},
		// Co-produce.
		{"The strategy was co-produced with residents.", []want{e(SubCoproduce, "co-produced")}},
		{"Services were co-designed with young people.", []want{e(SubCoproduce, "co-designed")}},
		{"Coproduction with the VCSE sector.", []want{e(SubCoproduce, "Coproduction")}},
		{"The plan was designed with people who use services.", []want{e(SubCoproduce, "designed with people")}},
		{"You said, we did: the clinic now opens later.", []want{e(SubCoproduce, "You said, we did")}},
		{"A citizens' assembly and community researchers.", []want{e(SubCoproduce, "citizens' assembly"), e(SubInvolve, "community researchers")}},
		{"A lived experience panel decides how the budget is spent.", []want{e(SubCoproduce, "lived experience")}},
		{"Community-led projects for residents.", []want{e(SubCoproduce, "Community-led")}},
		// Stakeholders and nothing.
		{"We will engage with stakeholders.", []want{e(SubStakeholders, "engage with")}},
		{"Engagement with system partners continues.", []want{e(SubStakeholders, "Engagement with")}},
		{"The plan was co-produced with ICB partners.", []want{e(SubStakeholders, "co-produced")}},
		{"We will co-design the pathway.", nil},
		{"This involves a new pathway.", nil},
		{"improved engagement with resident doctors", []want{e(SubStakeholders, "engagement with")}},
	})
}

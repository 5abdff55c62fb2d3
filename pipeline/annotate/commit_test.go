package annotate

import "testing"

func TestFindCommitments(t *testing.T) {
	c := func(text string) want { return want{Kind: Commitment, Text: text} }
	o := func(text, owner string) want { return want{Kind: Commitment, Sub: SubOwner, Text: text, Unit: owner} }
	runFind(t, FindCommitments, []findCase{
		{"how long we will live and we will all need care", nil},
		{"We will expand the service.", []want{c("We will")}},
		{"we are going to and we plan to", []want{c("we are going to"), c("we plan to")}},
		{"We’ll do it", []want{c("We’ll")}},
		{"The hubs will be delivered by March 2026.", []want{c("will be delivered by")}},
		{"The hubs will be implemented by the end of 2025.", []want{c("will be implemented by")}},
		{"The programme will be led by the Director of Public Health.", []want{o("will be led by the Director of Public Health", "Director of Public Health")}},
		{"The work is led by the Director of Public Health, with partners.", []want{o("led by the Director of Public Health", "Director of Public Health")}},
		{"The ICB is responsible for delivery.", []want{o("ICB is responsible for", "ICB")}},
		{"The Health and Wellbeing Board will lead this work.", []want{o("Health and Wellbeing Board will lead", "Health and Wellbeing Board")}},
		{"This may be because HEE is responsible for training.", []want{o("HEE is responsible for", "HEE")}},
		{"Owner: ICB", []want{o("Owner: ICB", "ICB")}},
		{"Action 3 | Responsible: Public Health team", []want{o("Responsible: Public Health team", "Public Health team")}},
		{"It is responsible for the budget.", []want{c("is responsible for")}},
		{"We will lead the work.", []want{c("We will")}},
		// Not commitments.
		{"This will lead to better outcomes.", nil},
		{"the process was led by communities", nil},
		{"we welcome the plan", nil},
		{"the team lead: a guide", nil},
		{"will be delivered by 2030", []want{c("will be delivered by")}},
	})
}

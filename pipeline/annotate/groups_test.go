package annotate

import "testing"

func TestFindGroups(t *testing.T) {
	g := func(sub, text string) want { return want{Kind: Group, Sub: sub, Text: text} }
	pl := func(sub, text string) want { return want{Kind: Place, Sub: sub, Text: text} }
	runFind(t, FindGroups, []findCase{
		{"the most deprived 20% of the population", []want{g(SubCore20, "most deprived 20%")}},
		{"Core20 and Core20PLUS5", []want{g(SubCore20, "Core20"), g(SubCore20, "Core20PLUS5")}},
		{"the most deprived decile", []want{g(SubCore20, "most deprived decile")}},
		{"in deprived neighbourhoods", []want{g(SubCore20, "deprived neighbourhoods")}},
		{"the 20% most deprived areas", []want{g(SubCore20, "20% most deprived")}},
		{"PLUS groups and inclusion health groups", []want{g(SubPlus, "PLUS groups"), g(SubPlus, "inclusion health groups")}},
		{"people experiencing homelessness and rough sleepers", []want{g(SubPlus, "people experiencing homelessness"), g(SubPlus, "rough sleepers")}},
		{"Gypsy, Roma and Traveller communities", []want{g(SubPlus, "Gypsy, Roma and Traveller communities")}},
		{"sex workers, vulnerable migrants, asylum seekers and refugees", []want{g(SubPlus, "sex workers"), g(SubPlus, "vulnerable migrants"), g(SubPlus, "asylum seekers"), g(SubPlus, "refugees")}},
		{"people leaving prison and people who use drugs", []want{g(SubPlus, "people leaving prison"), g(SubPlus, "people who use drugs")}},
		{"Black, Asian and minority ethnic communities", []want{g(SubEthnicity, "Black, Asian and minority ethnic")}},
		{"Black African and South Asian residents", []want{g(SubEthnicity, "Black African"), g(SubEthnicity, "South Asian")}},
		{"BAME staff and ethnic minority groups", []want{g(SubEthnicity, "BAME"), g(SubEthnicity, "ethnic minority groups")}},
		{"a black cab", nil},
		{"the Black Country", []want{pl(SubNamedPlace, "Black Country")}},
		{"Black Friday", nil},
		{"people with learning disabilities and autistic people", []want{g(SubDisability, "people with learning disabilities"), g(SubDisability, "autistic people")}},
		{"people with SMI", []want{g(SubDisability, "SMI")}},
		{"smi", nil},
		{"serious mental illness", []want{g(SubDisability, "serious mental illness")}},
		{"older people, CYP and over 65s", []want{g(SubAge, "older people"), g(SubAge, "CYP"), g(SubAge, "over 65s")}},
		{"children and young people", []want{g(SubAge, "children and young people")}},
		{"LGBTQ+ people and trans people", []want{g(SubLGBT, "LGBTQ"), g(SubLGBT, "trans people")}},
		{"unpaid carers", []want{g(SubCarers, "unpaid carers")}},
		{"low-income families in fuel poverty", []want{g(SubLowIncome, "low-income families"), g(SubLowIncome, "fuel poverty")}},
		{"rural areas and coastal communities", []want{g(SubRural, "rural areas"), g(SubCoastal, "coastal communities")}},
		{"people with protected characteristics", []want{g(SubProtected, "protected characteristics")}},
		// Core20PLUS5 clinical areas.
		{"maternity continuity of carer", []want{g(SubClinicalArea, "maternity continuity of carer")}},
		{"SMI health checks and hypertension case-finding", []want{g(SubClinicalArea, "SMI health checks"), g(SubClinicalArea, "hypertension case-finding")}},
		{"COPD and early cancer diagnosis", []want{g(SubClinicalArea, "COPD"), g(SubClinicalArea, "early cancer diagnosis")}},
		{"asthma, epilepsy and mental health in children", []want{g(SubClinicalArea, "asthma"), g(SubClinicalArea, "epilepsy"), g(SubClinicalArea, "mental health"), g(SubAge, "children")}},
		{"adult mental health services", nil},
		// Places.
		{"in Crawley, Adur, Worthing and Arun", []want{pl(SubNamedPlace, "Crawley"), pl(SubNamedPlace, "Adur"), pl(SubNamedPlace, "Worthing"), pl(SubNamedPlace, "Arun")}},
		{"Leeds and West Sussex", []want{pl(SubNamedPlace, "Leeds"), pl(SubNamedPlace, "West Sussex")}},
		{"Pudsey Neighbourhood Team and Bewerley ward", []want{pl(SubArea, "Pudsey Neighbourhood"), pl(SubArea, "Bewerley ward")}},
		{"Solihull ICB and Sussex ICB", []want{pl(SubArea, "Solihull ICB"), pl(SubArea, "Sussex ICB")}},
		{"a Virtual Ward and the Home Ward", nil},
		{"The Neighbourhood model", nil},
		{"reading in March", nil},
	})
}

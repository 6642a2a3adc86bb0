package services

import (
	"strings"

	"ethicsops/models"
)

// OpinionVisit is the part of an opinion visit (民意訪查): an officer asks
// citizens or contractors served by an agency about the integrity of one of
// its services, with a short fixed questionnaire, and brings back findings
// and suggestions (興革建議).
type OpinionVisit struct {
	// Service is the agency service concerned (e.g. 建築執照申請).
	Service       string         `json:"service"`
	Respondents   *Respondents   `json:"respondents,omitempty"`
	Questionnaire *Questionnaire `json:"questionnaire,omitempty"`
	Findings      string         `json:"findings"`
	Suggestions   string         `json:"suggestions"`
}

// Respondents are how many people of which kind a visit asked.
type Respondents struct {
	Count int    `json:"count"`
	Type  string `json:"type"`
}

// Questionnaire is the visit's fixed questions. The answers of yes/no
// questions are pointers so that an unanswered one is told from "no".
type Questionnaire struct {
	IntegrityScore   int   `json:"integrity_score"`
	EfficiencyScore  int   `json:"efficiency_score"`
	AskedForFavours  *bool `json:"asked_for_favours"`
	KnowsHowToReport *bool `json:"knows_how_to_report"`
}

// Bounds of an opinion visit.
const (
	MaxRespondents  = 1000
	MinOpinionScore = 1
	MaxOpinionScore = 5
)

// validateOpinionVisit checks the part of an opinion visit. A visit may be
// planned with only its service (offline, before anyone is asked); completing
// it requires whom it asked, the questionnaire and the findings.
func validateOpinionVisit(f Fields, v *OpinionVisit, done bool) {
	if v == nil {
		return
	}
	checkText(f, "opinion_visit.service", v.Service, 100, true, Line)
	checkText(f, "opinion_visit.findings", v.Findings, 4000, done, Prose)
	checkText(f, "opinion_visit.suggestions", v.Suggestions, 4000, false, Prose)
	if r := v.Respondents; r != nil {
		if r.Count < 1 || r.Count > MaxRespondents {
			f.Add("opinion_visit.respondents.count", "must be between 1 and 1000")
		}
		if !oneOf(r.Type, models.RespondentTypes...) {
			f.Add("opinion_visit.respondents.type", "must be one of "+strings.Join(models.RespondentTypes, ", "))
		}
	} else if done {
		f.Add("opinion_visit.respondents", "required to complete")
	}
	q := v.Questionnaire
	if q == nil {
		if done {
			f.Add("opinion_visit.questionnaire", "required to complete")
		}
		return
	}
	for name, score := range map[string]int{"integrity_score": q.IntegrityScore, "efficiency_score": q.EfficiencyScore} {
		if score < MinOpinionScore || score > MaxOpinionScore {
			f.Add("opinion_visit.questionnaire."+name, "must be between 1 and 5")
		}
	}
	if q.AskedForFavours == nil {
		f.Add("opinion_visit.questionnaire.asked_for_favours", "required: true or false")
	}
	if q.KnowsHowToReport == nil {
		f.Add("opinion_visit.questionnaire.knows_how_to_report", "required: true or false")
	}
}

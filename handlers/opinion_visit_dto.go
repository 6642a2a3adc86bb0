package handlers

import "ethicsops/services"

// OpinionVisitDTO is the part of an opinion_visit (民意訪查). service is
// required; respondents, questionnaire and findings are required to complete.
type OpinionVisitDTO struct {
	// Service is the agency service concerned: one line, 1–100 characters.
	Service       string            `json:"service" example:"建築執照申請及使用執照核發" binding:"required"`
	Respondents   *RespondentsDTO   `json:"respondents,omitempty"`
	Questionnaire *QuestionnaireDTO `json:"questionnaire,omitempty"`
	// Findings may hold line breaks; at most 4000 characters.
	Findings string `json:"findings" example:"受訪民眾多表示承辦人員態度良好，惟補件通知未說明法令依據。"`
	// Suggestions are 興革建議; at most 4000 characters.
	Suggestions string `json:"suggestions" example:"建議補件通知單載明法令依據及承辦人聯絡方式。"`
}

// RespondentsDTO is whom a visit asked: 1–1000 people of one type.
type RespondentsDTO struct {
	Count int    `json:"count" example:"12" binding:"required" minimum:"1" maximum:"1000"`
	Type  string `json:"type" enums:"citizen,contractor,other" binding:"required"`
}

// QuestionnaireDTO is the visit's fixed questionnaire: satisfaction with the
// service's integrity and efficiency (1–5), whether anyone asked the
// respondents for money, gifts or favours, whether they know how to report.
type QuestionnaireDTO struct {
	IntegrityScore   int   `json:"integrity_score" example:"4" binding:"required" minimum:"1" maximum:"5"`
	EfficiencyScore  int   `json:"efficiency_score" example:"3" binding:"required" minimum:"1" maximum:"5"`
	AskedForFavours  *bool `json:"asked_for_favours" example:"false" binding:"required"`
	KnowsHowToReport *bool `json:"knows_how_to_report" example:"true" binding:"required"`
}

func (x *OpinionVisitDTO) toService() *services.OpinionVisit {
	if x == nil {
		return nil
	}
	v := &services.OpinionVisit{Service: x.Service, Findings: x.Findings, Suggestions: x.Suggestions}
	if r := x.Respondents; r != nil {
		v.Respondents = &services.Respondents{Count: r.Count, Type: r.Type}
	}
	if q := x.Questionnaire; q != nil {
		v.Questionnaire = &services.Questionnaire{IntegrityScore: q.IntegrityScore, EfficiencyScore: q.EfficiencyScore,
			AskedForFavours: q.AskedForFavours, KnowsHowToReport: q.KnowsHowToReport}
	}
	return v
}

func toOpinionVisitDTO(v *services.OpinionVisit) *OpinionVisitDTO {
	if v == nil {
		return nil
	}
	x := &OpinionVisitDTO{Service: v.Service, Findings: v.Findings, Suggestions: v.Suggestions}
	if r := v.Respondents; r != nil {
		x.Respondents = &RespondentsDTO{Count: r.Count, Type: r.Type}
	}
	if q := v.Questionnaire; q != nil {
		x.Questionnaire = &QuestionnaireDTO{IntegrityScore: q.IntegrityScore, EfficiencyScore: q.EfficiencyScore,
			AskedForFavours: q.AskedForFavours, KnowsHowToReport: q.KnowsHowToReport}
	}
	return x
}

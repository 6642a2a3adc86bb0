package handlers

import (
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// CreateEarlyWarningRequest records an early warning (預警作為) as a draft. id
// is optional (a client-made UUID makes the create safe to resend). Texts
// refuse control and bidirectional characters; subject is one line.
type CreateEarlyWarningRequest struct {
	ID string `json:"id,omitempty" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	// UnitID is the agency or school concerned (an existing unit).
	UnitID string `json:"unit_id" binding:"required" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	// ActivityID optionally links the activity that raised the warning (an
	// existing activity the caller may read).
	ActivityID *string `json:"activity_id,omitempty" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	RiskArea   string  `json:"risk_area" enums:"procurement,construction,personnel,official_secrets,agency_security,other" binding:"required"`
	// Subject is the 主旨: one line, 1–200 characters.
	Subject string `json:"subject" binding:"required" example:"某工程採購案連續三次驗收缺失未改善"`
	// Observed is what was observed: 1–4000 characters, line breaks allowed.
	Observed string `json:"observed" binding:"required" example:"「東區道路改善工程」第1至3次驗收均發現人行道鋪面平整度不符契約規範，廠商迄未改善。"`
	// SuggestedMeasures: at most 4000 characters; required to submit.
	SuggestedMeasures string `json:"suggested_measures,omitempty" example:"建議工務處依契約第17條計罰並限期改善，必要時暫停估驗計價。"`
	// SubmittedToHeadOn is the day (YYYY-MM-DD) it went to the head of the
	// agency: not in the future, not before 1912; required to submit.
	SubmittedToHeadOn string `json:"submitted_to_head_on,omitempty" example:"2026-03-02"`
}

// PatchEarlyWarningRequest changes a draft; absent fields stay. version is
// required. clear_activity removes the link to an activity.
type PatchEarlyWarningRequest struct {
	Version           int     `json:"version" binding:"required" example:"2"`
	UnitID            *string `json:"unit_id,omitempty" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	ActivityID        *string `json:"activity_id,omitempty" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	ClearActivity     bool    `json:"clear_activity,omitempty" example:"false"`
	RiskArea          *string `json:"risk_area,omitempty" enums:"procurement,construction,personnel,official_secrets,agency_security,other"`
	Subject           *string `json:"subject,omitempty" example:"某工程採購案連續三次驗收缺失未改善"`
	Observed          *string `json:"observed,omitempty" example:"第1至3次驗收均發現人行道鋪面平整度不符契約規範。"`
	SuggestedMeasures *string `json:"suggested_measures,omitempty" example:"建議依契約計罰並限期改善。"`
	SubmittedToHeadOn *string `json:"submitted_to_head_on,omitempty" example:"2026-03-02"`
}

// SubmitEarlyWarningRequest submits a draft; submitted_to_head_on may be
// given here or stored before.
type SubmitEarlyWarningRequest struct {
	Version           int     `json:"version" binding:"required" example:"2"`
	SubmittedToHeadOn *string `json:"submitted_to_head_on,omitempty" example:"2026-03-02"`
}

// ReturnEarlyWarningRequest sends a warning back to draft with a comment
// (1–2000 characters).
type ReturnEarlyWarningRequest struct {
	Version int    `json:"version" binding:"required" example:"3"`
	Comment string `json:"comment" binding:"required" example:"請補充歷次驗收紀錄文號，並具體說明建議計罰條款。"`
}

// FollowUpRequest records what the business unit did, on date (YYYY-MM-DD,
// not in the future, not before submitted_to_head_on).
type FollowUpRequest struct {
	Version     int    `json:"version" binding:"required" example:"3"`
	Date        string `json:"date" binding:"required" example:"2026-03-20"`
	ActionTaken string `json:"action_taken" binding:"required" example:"工務處已函請廠商於4月10日前改善，並依契約計罰新臺幣3萬元。"`
}

// CloseEarlyWarningRequest closes a followed-up warning with its outcome
// (1–2000 characters).
type CloseEarlyWarningRequest struct {
	Version int    `json:"version" binding:"required" example:"5"`
	Outcome string `json:"outcome" binding:"required" example:"廠商已完成改善並經複驗合格，本案結案。"`
}

// EarlyWarningDTO is an early warning as the office's staff see it.
type EarlyWarningDTO struct {
	ID                string  `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	UnitID            string  `json:"unit_id" binding:"required" example:"0192f1c4-6a1b-7d2c-8e3f-4a5b6c7d8e9f"`
	OwnerID           string  `json:"owner_id" binding:"required" example:"0192f1c4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"`
	ActivityID        *string `json:"activity_id" binding:"required" extensions:"x-nullable" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	RiskArea          string  `json:"risk_area" binding:"required" enums:"procurement,construction,personnel,official_secrets,agency_security,other"`
	Subject           string  `json:"subject" binding:"required" example:"某工程採購案連續三次驗收缺失未改善"`
	Observed          string  `json:"observed" binding:"required" example:"第1至3次驗收均發現人行道鋪面平整度不符契約規範。"`
	SuggestedMeasures string  `json:"suggested_measures" binding:"required" example:"建議依契約計罰並限期改善。"`
	// SubmittedToHeadOn is null until it is known.
	SubmittedToHeadOn *string `json:"submitted_to_head_on" binding:"required" extensions:"x-nullable" example:"2026-03-02"`
	Status            string  `json:"status" binding:"required" enums:"draft,submitted,following_up,closed"`
	// Year is the year it is listed under: that of submitted_to_head_on, or
	// of its creation (office time zone) before it has one; roc_year is 民國.
	Year        int        `json:"year" binding:"required" example:"2026"`
	ROCYear     int        `json:"roc_year" binding:"required" example:"115"`
	SubmittedAt *time.Time `json:"submitted_at" binding:"required" extensions:"x-nullable" example:"2026-03-02T10:00:00+08:00"`
	// ReturnComment is the last comment a manager returned it with ("" if never).
	ReturnComment string     `json:"return_comment" binding:"required" example:"請補充歷次驗收紀錄文號。"`
	ReturnedBy    *string    `json:"returned_by" binding:"required" extensions:"x-nullable" example:"0192f1c4-5c6d-7e8f-9a0b-1c2d3e4f5a6c"`
	ReturnedAt    *time.Time `json:"returned_at" binding:"required" extensions:"x-nullable" example:"2026-03-03T09:00:00+08:00"`
	Outcome       string     `json:"outcome" binding:"required" example:"廠商已完成改善並經複驗合格，本案結案。"`
	ClosedAt      *time.Time `json:"closed_at" binding:"required" extensions:"x-nullable" example:"2026-04-15T16:00:00+08:00"`
	Version       int        `json:"version" binding:"required" example:"3"`
	CreatedAt     time.Time  `json:"created_at" binding:"required" example:"2026-03-01T14:00:00+08:00"`
	UpdatedAt     time.Time  `json:"updated_at" binding:"required" example:"2026-03-02T10:00:00+08:00"`
}

// FollowUpDTO is one follow-up of a warning.
type FollowUpDTO struct {
	ID          string    `json:"id" binding:"required" example:"0192f1c4-9c3b-7d5e-8f6a-4b7c8d9e0f1a"`
	Date        string    `json:"date" binding:"required" example:"2026-03-20"`
	ActionTaken string    `json:"action_taken" binding:"required" example:"工務處已函請廠商限期改善並依約計罰。"`
	RecordedBy  string    `json:"recorded_by" binding:"required" example:"0192f1c4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"`
	CreatedAt   time.Time `json:"created_at" binding:"required" example:"2026-03-20T15:00:00+08:00"`
}

// EarlyWarningDetailDTO is one warning with its follow-ups in date order.
type EarlyWarningDetailDTO struct {
	EarlyWarningDTO
	FollowUps []FollowUpDTO `json:"follow_ups" binding:"required"`
}

// EarlyWarningList is a page of warnings, newest first.
type EarlyWarningList struct {
	Items      []EarlyWarningDTO `json:"items" binding:"required"`
	NextCursor string            `json:"next_cursor" binding:"required" example:"eyJrIjoiMjAyNi0wMy0wMVQwNjowMDowMFoiLCJpIjoiMDE5MiJ9"`
}

func (r CreateEarlyWarningRequest) input() services.EarlyWarningInput {
	return services.EarlyWarningInput{ID: r.ID, UnitID: r.UnitID, ActivityID: r.ActivityID, RiskArea: r.RiskArea, Subject: r.Subject,
		Observed: r.Observed, SuggestedMeasures: r.SuggestedMeasures, SubmittedToHeadOn: r.SubmittedToHeadOn}
}

func (r PatchEarlyWarningRequest) patch() services.EarlyWarningPatch {
	return services.EarlyWarningPatch{Version: r.Version, UnitID: r.UnitID, ActivityID: r.ActivityID, ClearActivity: r.ClearActivity,
		RiskArea: r.RiskArea, Subject: r.Subject, Observed: r.Observed, SuggestedMeasures: r.SuggestedMeasures, SubmittedToHeadOn: r.SubmittedToHeadOn}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toEarlyWarningDTO(w models.EarlyWarning) EarlyWarningDTO {
	return EarlyWarningDTO{
		ID: w.ID, UnitID: w.UnitID, OwnerID: w.OwnerID, ActivityID: w.ActivityID, RiskArea: w.RiskArea, Subject: w.Subject,
		Observed: w.Observed, SuggestedMeasures: w.SuggestedMeasures, SubmittedToHeadOn: nonEmpty(w.SubmittedToHeadOn), Status: w.Status,
		Year: w.Year, ROCYear: services.ROCYear(w.Year), SubmittedAt: w.SubmittedAt, ReturnComment: w.ReturnComment,
		ReturnedBy: nonEmpty(w.ReturnedBy), ReturnedAt: w.ReturnedAt, Outcome: w.Outcome, ClosedAt: w.ClosedAt, Version: w.Version,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	}
}

func toEarlyWarningDetailDTO(w services.EarlyWarning) EarlyWarningDetailDTO {
	return EarlyWarningDetailDTO{EarlyWarningDTO: toEarlyWarningDTO(w.EarlyWarning), FollowUps: mapSlice(w.FollowUps, func(f models.EarlyWarningFollowUp) FollowUpDTO {
		return FollowUpDTO{ID: f.ID, Date: f.Date, ActionTaken: f.ActionTaken, RecordedBy: f.RecordedBy, CreatedAt: f.CreatedAt}
	})}
}

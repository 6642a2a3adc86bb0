package models

import "time"

// Early-warning risk areas (預警作為 風險類別).
var EarlyWarningRiskAreas = []string{"procurement", "construction", "personnel", "official_secrets", "agency_security", "other"}

// Early-warning statuses: draft → submitted → following_up → closed; a
// manager may return a draft or a submitted one to draft.
const (
	WarningDraft       = "draft"
	WarningSubmitted   = "submitted"
	WarningFollowingUp = "following_up"
	WarningClosed      = "closed"
)

// EarlyWarningStatuses lists the statuses in their order.
var EarlyWarningStatuses = []string{WarningDraft, WarningSubmitted, WarningFollowingUp, WarningClosed}

// EarlyWarning is a 預警作為: early-warning information about risky business
// that an officer writes up to the head of the agency with suggested
// measures, then follows until the business unit has dealt with it.
//
// Dates (SubmittedToHeadOn, and FollowUp.Date) are calendar dates kept as
// "YYYY-MM-DD" strings, as declarations' due dates are (see Declaration).
// Year is the year the warning is listed under: that of SubmittedToHeadOn
// once it has one, before that of its creation in the office time zone; it
// is kept by the one write path in services so that the year filter is an
// indexed equality.
type EarlyWarning struct {
	ID                string     `gorm:"primaryKey;size:36"`
	UnitID            string     `gorm:"size:36;not null;index"`
	OwnerID           string     `gorm:"size:36;not null;index"`
	ActivityID        *string    `gorm:"size:36;index"`
	RiskArea          string     `gorm:"size:32;not null;index"`
	Subject           string     `gorm:"size:200;not null"`
	Observed          string     `gorm:"type:text;not null"`
	SuggestedMeasures string     `gorm:"type:text;not null"`
	SubmittedToHeadOn string     `gorm:"type:char(10);not null;default:''"`
	Status            string     `gorm:"size:16;not null;index"`
	Year              int        `gorm:"not null;index"`
	SubmittedAt       *time.Time `gorm:"precision:6"`
	ReturnComment     string     `gorm:"type:text;not null"`
	ReturnedBy        string     `gorm:"size:36;not null;default:''"`
	ReturnedAt        *time.Time `gorm:"precision:6"`
	Outcome           string     `gorm:"type:text;not null"`
	ClosedAt          *time.Time `gorm:"precision:6"`
	// ContentHash fingerprints the create request (client-id replays).
	ContentHash string    `gorm:"size:64;not null"`
	Version     int       `gorm:"not null"`
	CreatedAt   time.Time `gorm:"precision:6;not null;index"`
	UpdatedAt   time.Time `gorm:"precision:6;not null"`
}

// EarlyWarningFollowUp is one follow-up of a submitted warning: on Date, what
// the business unit did. Follow-ups are appended, never changed.
type EarlyWarningFollowUp struct {
	ID          string    `gorm:"primaryKey;size:36"`
	WarningID   string    `gorm:"size:36;not null;index:idx_warning_followups,priority:1"`
	Date        string    `gorm:"type:char(10);not null;index:idx_warning_followups,priority:2"`
	ActionTaken string    `gorm:"type:text;not null"`
	RecordedBy  string    `gorm:"size:36;not null"`
	CreatedAt   time.Time `gorm:"precision:6;not null"`
}

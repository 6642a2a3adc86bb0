package models

import "time"

// Sign-up statuses.
const (
	SignupActive    = "active"
	SignupCancelled = "cancelled"
)

// SignupStatuses lists every sign-up status.
var SignupStatuses = []string{SignupActive, SignupCancelled}

// Signup is an integrity volunteer's (廉政志工) place at an outreach event.
// There is at most one row per volunteer and event: cancelling sets Status
// and CancelledAt, signing up again reactivates the same row.
type Signup struct {
	ID          string     `gorm:"primaryKey;size:36"`
	ActivityID  string     `gorm:"size:36;not null;uniqueIndex:idx_signups_activity_user,priority:1"`
	UserID      string     `gorm:"size:36;not null;uniqueIndex:idx_signups_activity_user,priority:2;index"`
	Status      string     `gorm:"size:16;not null"`
	CreatedAt   time.Time  `gorm:"precision:6;not null"`
	CancelledAt *time.Time `gorm:"precision:6"`
}

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
	// Decision is a manager's word on the volunteer's attendance: "" (none),
	// AttendanceConfirmed or AttendanceRejected, with who decided, when and
	// why. Without a decision the attendance's status follows from where the
	// volunteer arrived (services.AttendanceOf).
	Decision       string     `gorm:"size:16;not null;default:''"`
	DecidedBy      *string    `gorm:"size:36"`
	DecidedAt      *time.Time `gorm:"precision:6"`
	DecisionReason string     `gorm:"size:500;not null;default:''"`
}

// Attendance statuses: whether a volunteer's hours at an event count.
const (
	AttendanceConfirmed   = "confirmed"   // counted: arrived on site, or a manager confirmed
	AttendanceUnconfirmed = "unconfirmed" // arrived off site; waits for a manager
	AttendanceRejected    = "rejected"    // a manager did not accept the hours
)

// AttendanceStatuses lists every attendance status.
var AttendanceStatuses = []string{AttendanceConfirmed, AttendanceUnconfirmed, AttendanceRejected}

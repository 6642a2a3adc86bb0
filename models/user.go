package models

import (
	"time"
)

// Roles of the people who use ethicsops.
const (
	RoleAdmin     = "admin"
	RoleManager   = "manager"
	RoleOfficer   = "officer"
	RoleVolunteer = "volunteer"
)

// Account statuses.
const (
	StatusActive   = "active"
	StatusPending  = "pending"
	StatusDisabled = "disabled"
	// StatusRejected is a volunteer application a manager turned down, with
	// User.RejectionReason; the applicant can no longer sign in (the sign-in
	// answers account_rejected with the reason).
	StatusRejected = "rejected"
)

// Roles lists every role, most powerful first.
var Roles = []string{RoleAdmin, RoleManager, RoleOfficer, RoleVolunteer}

// UserStatuses lists every account status.
var UserStatuses = []string{StatusActive, StatusPending, StatusDisabled, StatusRejected}

// User is an account: staff of the office or an integrity volunteer (廉政志工).
type User struct {
	ID           string  `gorm:"primaryKey;size:36"`
	Username     string  `gorm:"size:64;not null;uniqueIndex"`
	DisplayName  string  `gorm:"size:100;not null"`
	Role         string  `gorm:"size:16;not null;index"`
	Status       string  `gorm:"size:16;not null;index"`
	UnitID       *string `gorm:"size:36;index"`
	Phone        string  `gorm:"size:32;not null;default:''"`
	Email        string  `gorm:"size:254;not null;default:''"`
	PasswordHash string  `gorm:"size:100;not null"`
	// SessionEpoch counts the times every session of the account was ended
	// at once (password, role or status changed; sign out everywhere). A
	// session is valid only while its Epoch equals this (see Session).
	SessionEpoch int64      `gorm:"not null;default:0"`
	ApprovedAt   *time.Time `gorm:"precision:6"`
	ApprovedBy   *string    `gorm:"size:36"`
	// RejectionReason is why the application was rejected ("" otherwise),
	// shown to the applicant when they sign in.
	RejectionReason string     `gorm:"size:500;not null;default:''"`
	RejectedAt      *time.Time `gorm:"precision:6"`
	RejectedBy      *string    `gorm:"size:36"`
	// ReportHandler marks an officer or manager an admin designated to
	// handle whistle-blowing reports: only they read reports.
	ReportHandler bool      `gorm:"not null;default:false"`
	CreatedAt     time.Time `gorm:"precision:6;not null"`
	UpdatedAt     time.Time `gorm:"precision:6;not null"`
}

// Unit kinds.
const (
	UnitAgency = "agency"
	UnitSchool = "school"
)

// Unit is an agency or a school of the city government that records concern.
type Unit struct {
	ID        string    `gorm:"primaryKey;size:36"`
	Code      string    `gorm:"size:32;not null;uniqueIndex"`
	Name      string    `gorm:"size:100;not null;uniqueIndex"`
	Kind      string    `gorm:"size:16;not null"`
	CreatedAt time.Time `gorm:"precision:6;not null"`
	UpdatedAt time.Time `gorm:"precision:6;not null"`
}

// RefreshToken is one opaque refresh token. Only its SHA-256 is stored. Tokens
// issued from one login form a family; reuse of a spent one revokes the family.
type RefreshToken struct {
	ID        string     `gorm:"primaryKey;size:36"`
	Hash      string     `gorm:"size:64;not null;uniqueIndex"`
	FamilyID  string     `gorm:"size:36;not null;index"`
	UserID    string     `gorm:"size:36;not null;index"`
	ExpiresAt time.Time  `gorm:"precision:6;not null"`
	UsedAt    *time.Time `gorm:"precision:6"`
	RevokedAt *time.Time `gorm:"precision:6"`
	CreatedAt time.Time  `gorm:"precision:6;not null"`
}

// Session is one sign-in: the family of refresh tokens it started (ID is
// their FamilyID) and the access tokens issued with them, which carry its ID
// in their "sid" claim. Every request reads its session together with the
// account in one query, so that ending a session ends its access tokens at
// once, not when they expire.
//
// Epoch is the account's SessionEpoch when the session began: bumping the
// account's counter ends every session of the account in one UPDATE, and a
// sign-in that read the account before the bump starts a session that is
// already over. A counter rather than a time, so that the order of a
// revocation and a sign-in does not depend on clocks (JWT's iat is whole
// seconds, and servers' clocks differ).
type Session struct {
	ID        string     `gorm:"primaryKey;size:36"`
	UserID    string     `gorm:"size:36;not null;index"`
	Epoch     int64      `gorm:"not null"`
	CreatedAt time.Time  `gorm:"precision:6;not null"`
	RevokedAt *time.Time `gorm:"precision:6"`
	// PasswordFailures counts wrong current passwords given to change the
	// password with this session's tokens; enough of them end the session.
	PasswordFailures int `gorm:"not null;default:0"`
}

// LoginThrottle counts sign-in attempts of one key in the database, so that a
// lock holds across restarts and across servers. The keys are an account and
// a client address ("login:<username>|<address>"), an account alone
// ("account:<username>", the ceiling across all addresses), an address for
// unknown usernames ("login-unknown:<address>") and an address for
// registrations ("register:<address>"). Pending counts the attempts reserved
// and not yet judged, so that parallel requests cannot all pass a check made
// before any of them is counted.
type LoginThrottle struct {
	ThrottleKey string     `gorm:"primaryKey;size:128"`
	Failures    int        `gorm:"not null;default:0"`
	Pending     int        `gorm:"not null;default:0"`
	WindowStart time.Time  `gorm:"precision:6;not null"`
	LockedUntil *time.Time `gorm:"precision:6"`
	// AlertedWindow is the window_start of the window whose reaching of the
	// account ceiling was written to the audit trail, so that it is written
	// once per window (whatever the clocks of several servers say).
	AlertedWindow *time.Time `gorm:"precision:6"`
	// ExpiresAt is when the row no longer holds anything (its window and any
	// lock are over); the sweep deletes it after. Rows written before this
	// column existed have none and are swept by their window.
	ExpiresAt *time.Time `gorm:"precision:6;index"`
}

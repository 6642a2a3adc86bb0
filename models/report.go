package models

import "time"

// Whistle-blowing report states (檢舉案件 處理狀態): received → assessing →
// referred or closed.
const (
	ReportReceived  = "received"
	ReportAssessing = "assessing"
	ReportReferred  = "referred"
	ReportClosed    = "closed"
)

// ReportStates lists the states in their order.
var ReportStates = []string{ReportReceived, ReportAssessing, ReportReferred, ReportClosed}

// Report channels (受理管道): how the report reached the office. Reports
// sent through the public page are "web"; a handler records the others.
var ReportChannels = []string{"web", "letter", "phone", "mailbox", "in_person"}

// Report disclosures: what the reporter chose about their identity.
// anonymous: none given; confidential: given, known only to handlers;
// open: given, and may be named when the report is referred.
var ReportDisclosures = []string{"anonymous", "confidential", "open"}

// Report referral targets (移送機關).
var ReportReferralTargets = []string{"aac", "prosecutor", "agency"}

// Report is one whistle-blowing report (檢舉案件).
//
// Everything the reporter wrote (what happened, who is involved, when and
// where, how they know, their identity and contact) is kept only in Sealed,
// encrypted under the reports key (services/reports: Sealer); the columns
// beside it are what the office needs to route, count and keep deadlines
// without opening it. Nothing in them identifies the reporter: there is no
// address, no account and no receipt in clear. ReceiptHash is a slow,
// salted hash of the receipt (scrypt), unique so that a receipt finds its
// report with one indexed lookup.
type Report struct {
	ID          string `gorm:"primaryKey;size:36"`
	ReceiptHash string `gorm:"size:64;not null;uniqueIndex"`
	Channel     string `gorm:"size:16;not null;index"`
	State       string `gorm:"size:16;not null;index"`
	Disclosure  string `gorm:"size:16;not null"`
	// Year is the year of ReceivedAt in the office time zone, for the
	// statistics by year without opening anything.
	Year int `gorm:"not null;index"`
	// Sealed is the report's content (a JSON document) sealed under KeyID.
	Sealed []byte `gorm:"type:mediumblob;not null"`
	KeyID  string `gorm:"size:16;not null;index"`
	// AssigneeID is the handler in charge (nil until assigned).
	AssigneeID *string `gorm:"size:36;index"`
	// Deadlines: the first answer to the reporter and the assessment, set
	// at reception from the office's settings (working days).
	FirstAnswerDue  time.Time  `gorm:"precision:6;not null;index"`
	FirstAnsweredAt *time.Time `gorm:"precision:6"`
	AssessmentDue   time.Time  `gorm:"precision:6;not null;index"`
	AssessedAt      *time.Time `gorm:"precision:6"`
	// ReferredTo is one of ReportReferralTargets once referred ("" before);
	// ReferredOn is the date of the referral letter ("YYYY-MM-DD").
	ReferredTo string     `gorm:"size:16;not null;default:''"`
	ReferredOn string     `gorm:"type:char(10);not null;default:''"`
	ClosedAt   *time.Time `gorm:"precision:6"`
	ReceivedAt time.Time  `gorm:"precision:6;not null;index"`
	UpdatedAt  time.Time  `gorm:"precision:6;not null"`
	Version    int        `gorm:"not null;default:1"`
}

// ReportExclusion hides a report from an account the report is about: a
// handler names, when assigning it, the accounts of the people involved,
// and none of them can read it or be assigned it.
type ReportExclusion struct {
	ReportID  string    `gorm:"primaryKey;size:36"`
	UserID    string    `gorm:"primaryKey;size:36;index"`
	CreatedAt time.Time `gorm:"precision:6;not null"`
}

// ReportMessage is one message of a report's conversation: from the
// reporter, from a handler to the reporter, or a handler's internal note
// (Internal: never shown to the reporter). The text is sealed. AuthorID is
// the handler's account (empty for the reporter) and is never shown to the
// reporter.
type ReportMessage struct {
	ID        string    `gorm:"primaryKey;size:36"`
	ReportID  string    `gorm:"size:36;not null;index"`
	Author    string    `gorm:"size:16;not null"` // "reporter" or "handler"
	AuthorID  string    `gorm:"size:36;not null;default:''"`
	Internal  bool      `gorm:"not null;default:false"`
	Sealed    []byte    `gorm:"type:mediumblob;not null"`
	KeyID     string    `gorm:"size:16;not null;index"`
	CreatedAt time.Time `gorm:"precision:6;not null"`
}

// ReportFile is one evidence file of a report. Its bytes are stored sealed
// in the file store under ObjectKey; its name is sealed in SealedName. Size
// and ContentType are those of the plain file (sniffed as for attachments).
type ReportFile struct {
	ID          string    `gorm:"primaryKey;size:36"`
	ReportID    string    `gorm:"size:36;not null;index"`
	Author      string    `gorm:"size:16;not null"` // "reporter" or "handler"
	ObjectKey   string    `gorm:"size:200;not null"`
	SealedName  []byte    `gorm:"type:mediumblob;not null"`
	Size        int64     `gorm:"not null"`
	ContentType string    `gorm:"size:64;not null"`
	KeyID       string    `gorm:"size:16;not null;index"`
	CreatedAt   time.Time `gorm:"precision:6;not null"`
}

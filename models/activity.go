package models

import (
	"time"
)

// Activity is one piece of recorded field work of any kind. Every kind shares
// this table (the KPI report aggregates over it); the kind-specific part is
// kept in Details as JSON.
//
// Why JSON and not a detail table per part: the parts are small, always read
// and written together with their activity, and never joined or filtered on,
// except for the few values that later issues query. Those are promoted to
// real, indexed columns here (CaseNo for search; Scale, Published and
// VolunteerCapacity for KPIs and volunteer sign-ups) and kept in step by the
// one write path in services. The JSON is never trusted as free-form: it is
// produced only from the typed Go structs of services after validation, so
// it stays typed in practice while a read costs one row and no joins.
type Activity struct {
	ID          string     `gorm:"primaryKey;size:36"`
	Kind        string     `gorm:"size:32;not null;index:idx_activities_kpi,priority:1"`
	Title       string     `gorm:"size:200;not null"`
	UnitID      string     `gorm:"size:36;not null;index"`
	OwnerID     string     `gorm:"size:36;not null;index"`
	SiteName    string     `gorm:"size:100;not null;default:''"`
	SiteAddress string     `gorm:"size:200;not null;default:''"`
	SiteLat     *float64   `gorm:""`
	SiteLng     *float64   `gorm:""`
	SiteRadiusM int        `gorm:"not null;default:0"`
	ScheduledAt time.Time  `gorm:"precision:6;not null;index:idx_activities_scheduled,priority:1"`
	Status      string     `gorm:"size:16;not null;index;index:idx_activities_kpi,priority:2"`
	StartedAt   *time.Time `gorm:"precision:6"`
	CompletedAt *time.Time `gorm:"precision:6;index:idx_activities_kpi,priority:3;index:idx_activities_review,priority:2"`
	Notes       string     `gorm:"type:text"`
	// Details is the kind-specific part as JSON (see the type comment).
	Details string `gorm:"type:text;not null"`
	// CaseNo is procurement.case_no, promoted for search ("" for other kinds).
	CaseNo string `gorm:"size:64;not null;default:'';index"`
	// Scale, Published and VolunteerCapacity are the event part's values,
	// promoted for the KPI report and volunteer sign-ups ("", false, 0 for
	// other kinds).
	Scale             string `gorm:"size:16;not null;default:''"`
	Published         bool   `gorm:"not null;default:false;index"`
	VolunteerCapacity int    `gorm:"not null;default:0"`
	// SignupVersion counts the sign-ups taken at the event. Each sign-up
	// writes it in the transaction that checked the capacity: on a Galera
	// cluster the lock of that check (SELECT … FOR UPDATE) holds on one node
	// only, and two sign-ups on two nodes must write a common row for
	// certification to let only one of them through.
	SignupVersion int64 `gorm:"not null;default:0"`
	// EventEndsAt is event.ends_at, the end of an outreach event or ethics
	// promotion (nil for other kinds), promoted so that volunteers' check-in
	// windows and hours can be computed and queried without decoding Details.
	// Rows older than the column get scheduled_at + DefaultEventLength
	// (backfillEventEnds).
	EventEndsAt *time.Time `gorm:"precision:6"`
	// ContentHash is the SHA-256 of the normalized create request, so that a
	// replayed create with a client id can be told from a conflicting one.
	ContentHash string `gorm:"size:64;not null"`
	// LateEntry marks a completion recorded more than a month after its
	// completed_at (set when the record becomes completed, cleared when it
	// is reopened), for the manager who reviews it.
	LateEntry bool `gorm:"not null;default:false;index"`
	// ReviewStatus is a manager's review (核閱) of the record: ReviewNone
	// while it was never completed (or its owner reopened it), ReviewPending
	// once completed, then ReviewApproved or ReviewReturned (reopened for its
	// owner, with ReviewComment). Indexed with completed_at for the review
	// queue (pending, oldest completion first).
	ReviewStatus string `gorm:"size:16;not null;default:'none';index:idx_activities_review,priority:1"`
	// ReviewComment, ReviewedAt, ReviewedBy and ReviewerName are of the last
	// review; they stay when the record is completed again, and the audit
	// trail keeps every earlier one. ReviewerName is the reviewer's display
	// name when they reviewed, kept with the record so that lists and sync
	// answers show it without a join.
	ReviewComment string     `gorm:"size:500;not null;default:''"`
	ReviewedAt    *time.Time `gorm:"precision:6"`
	ReviewedBy    *string    `gorm:"size:36"`
	ReviewerName  string     `gorm:"size:100;not null;default:''"`
	// OwnerName is the owner's display name as it is now, read with lists
	// and single reads (ActivityService.withOwnerNames), not stored: a
	// renamed officer shows under their new name.
	OwnerName string    `gorm:"-"`
	Version   int       `gorm:"not null"`
	CreatedAt time.Time `gorm:"precision:6;not null;index:idx_activities_created,priority:1"`
	UpdatedAt time.Time `gorm:"precision:6;not null;index:idx_activities_updated,priority:1"`
	// DeletedAt has no index: nearly every row has it NULL, so an index on
	// it selects nothing, and SQLite, which keeps no statistics, took it
	// for the staff's list (deleted_at IS NULL) and sorted the whole table
	// for every page instead of walking idx_activities_scheduled. Migrate
	// drops it from databases made by earlier versions (droppedIndexes).
	DeletedAt *time.Time `gorm:"precision:6"`
}

// DefaultEventLength is how long an event lasts when its end is not given:
// what events were assumed to last before they had an end.
const DefaultEventLength = 3 * time.Hour

// IsEventKind reports whether kind carries the event part.
func IsEventKind(kind string) bool {
	return kind == KindOutreachEvent || kind == KindEthicsPromotion
}

// EventEnd is the end of event a: its stored end, or scheduled_at +
// DefaultEventLength when it has none.
func EventEnd(a Activity) time.Time {
	if a.EventEndsAt != nil {
		return *a.EventEndsAt
	}
	return a.ScheduledAt.Add(DefaultEventLength)
}

// SyncOperations are the operations POST /sync applies.
var SyncOperations = []string{"create_activity", "update_activity", "create_checkin"}

// AttachmentTypes are the content types attachments may have (by content).
var AttachmentTypes = []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}

// Checkin is an arrival at or a departure from an activity's site, as a phone
// captured it.
type Checkin struct {
	ID          string    `gorm:"primaryKey;size:36"`
	ActivityID  string    `gorm:"size:36;not null;index:idx_checkins_activity,priority:1"`
	UserID      string    `gorm:"size:36;not null;index"`
	Type        string    `gorm:"size:16;not null"`
	Lat         float64   `gorm:"not null"`
	Lng         float64   `gorm:"not null"`
	AccuracyM   float64   `gorm:"not null"`
	CapturedAt  time.Time `gorm:"precision:6;not null;index:idx_checkins_activity,priority:2"`
	ReceivedAt  time.Time `gorm:"precision:6;not null"`
	Geofence    string    `gorm:"size:16;not null"`
	DistanceM   *float64  `gorm:""`
	ClockSkewS  float64   `gorm:"not null"`
	ContentHash string    `gorm:"size:64;not null"`
	CreatedAt   time.Time `gorm:"precision:6;not null"`
}

// Attachment is a photo or document of an activity or of an ethics-code
// registration. The bytes live under the data directory by SHA-256; this
// row says whose they are: ActivityID or RegistrationID is set, the other
// is "".
type Attachment struct {
	ID          string    `gorm:"primaryKey;size:36"`
	ActivityID  string    `gorm:"size:36;not null;index"`
	UploaderID  string    `gorm:"size:36;not null"`
	SHA256      string    `gorm:"size:64;not null;index"`
	Size        int64     `gorm:"not null"`
	ContentType string    `gorm:"size:64;not null"`
	Filename    string    `gorm:"size:255;not null;default:''"`
	CreatedAt   time.Time `gorm:"precision:6;not null"`

	RegistrationID string `gorm:"size:36;not null;default:'';index"`
}

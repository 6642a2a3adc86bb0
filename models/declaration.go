package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Declaration types (公職人員財產申報法 申報類別).
const (
	DeclarationRegular      = "regular"       // 定期申報
	DeclarationOnAssumption = "on_assumption" // 就(到)職申報
	DeclarationOnLeaving    = "on_leaving"    // 卸(離)職申報
)

// Declaration statuses, computed against the office's "today"; never stored.
const (
	DeclarationFiledOnTime = "filed_on_time"
	DeclarationFiledLate   = "filed_late"
	DeclarationNotFiled    = "not_filed"
	DeclarationNotYetDue   = "not_yet_due"
)

// DeclarationStatuses lists every computed declaration status.
var DeclarationStatuses = []string{DeclarationFiledOnTime, DeclarationFiledLate, DeclarationNotFiled, DeclarationNotYetDue}

// Declaration is one row of the yearly property-declaration roster
// (財產申報名冊): who must file, by when, and when they did. Asset details are
// deliberately absent: they live in the Ministry of Justice's system, never here.
//
// DueDate is a calendar date kept as the string "YYYY-MM-DD" (CHAR(10)), not a
// DATE column: SQLite has no DATE type, MySQL drivers turn DATE into a
// midnight-UTC time that invites off-by-a-day bugs in Taipei, and ISO strings
// compare correctly as text on both. Deadline is the instant the due date
// ends in the office time zone (the next local midnight, in UTC), derived
// from DueDate when the row is written, so that "filed on time" is a plain
// timestamp comparison in SQL on every database.
type Declaration struct {
	ID            string     `gorm:"primaryKey;size:36"`
	Year          int        `gorm:"not null;uniqueIndex:uq_declaration_person,priority:1"`
	UnitID        string     `gorm:"size:36;not null;uniqueIndex:uq_declaration_person,priority:2;index:idx_declaration_due_unit,priority:2"`
	DeclarantName string     `gorm:"size:100;not null;uniqueIndex:uq_declaration_person,priority:3"`
	Type          string     `gorm:"size:16;not null;uniqueIndex:uq_declaration_person,priority:4"`
	Position      string     `gorm:"size:100;not null"`
	DueDate       string     `gorm:"type:char(10);not null;index:idx_declaration_due_unit,priority:1"`
	Deadline      time.Time  `gorm:"precision:6;not null"`
	FiledAt       *time.Time `gorm:"precision:6"`
	CreatedAt     time.Time  `gorm:"precision:6;not null"`
	UpdatedAt     time.Time  `gorm:"precision:6;not null"`
	Version       int        `gorm:"not null;default:1"`
}

// DeclarationDraw is a public lottery (公開抽籤) of declarations for
// substantive review. It is written once and never updated: CandidateIDs is
// the roster snapshot the draw ran on (ids ordered ascending, one per line),
// SnapshotSHA256 its hash, SelectedIDs the result in draw order.
type DeclarationDraw struct {
	ID             string    `gorm:"primaryKey;size:36"`
	Year           int       `gorm:"not null;index"`
	UnitID         string    `gorm:"size:36;not null;default:''"`
	Type           string    `gorm:"size:16;not null;default:''"`
	Seed           string    `gorm:"size:200;not null"`
	Ratio          *float64  ``
	Count          int       `gorm:"not null"`
	CandidateIDs   string    `gorm:"type:mediumtext;not null"`
	SnapshotSHA256 string    `gorm:"size:64;not null"`
	SelectedIDs    string    `gorm:"type:mediumtext;not null"`
	CreatedBy      string    `gorm:"size:36;not null"`
	CreatedAt      time.Time `gorm:"precision:6;not null;index"`
}

// OnTimeCounts is the aggregate behind the on-time rate.
type OnTimeCounts struct {
	Due    int64
	OnTime int64
}

// CountOnTime counts, in one aggregate query over idx_declaration_due_unit,
// the rows due between from and to (inclusive "YYYY-MM-DD") and before
// today, and how many of them were filed before their deadline. unitID ""
// means every unit.
func CountOnTime(ctx context.Context, db *gorm.DB, from, to, today, unitID string) (OnTimeCounts, error) {
	q := db.WithContext(ctx).Model(&Declaration{}).
		Select("COUNT(*) AS due, COALESCE(SUM(CASE WHEN filed_at IS NOT NULL AND filed_at < deadline THEN 1 ELSE 0 END), 0) AS on_time").
		Where("due_date >= ? AND due_date <= ? AND due_date < ?", from, to, today)
	if unitID != "" {
		q = q.Where("unit_id = ?", unitID)
	}
	var c OnTimeCounts
	err := q.Scan(&c).Error
	return c, err
}

// CountOnTimeBy is CountOnTime grouped by unit ("unit": keys are unit ids)
// or by the month of the due date ("month": keys are "YYYY-MM"), in one
// aggregate query over the same index.
func CountOnTimeBy(ctx context.Context, db *gorm.DB, from, to, today, unitID, by string) (map[string]OnTimeCounts, error) {
	key := "unit_id"
	if by == "month" {
		key = "SUBSTR(due_date, 1, 7)"
	}
	q := db.WithContext(ctx).Model(&Declaration{}).
		Select(key+" AS k, COUNT(*) AS due, COALESCE(SUM(CASE WHEN filed_at IS NOT NULL AND filed_at < deadline THEN 1 ELSE 0 END), 0) AS on_time").
		Where("due_date >= ? AND due_date <= ? AND due_date < ?", from, to, today)
	if unitID != "" {
		q = q.Where("unit_id = ?", unitID)
	}
	var rows []struct {
		K string
		OnTimeCounts
	}
	if err := q.Group(key).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]OnTimeCounts, len(rows))
	for _, r := range rows {
		out[r.K] = r.OnTimeCounts
	}
	return out, nil
}

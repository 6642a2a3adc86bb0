package models

import "time"

// KPITarget is the yearly target of one KPI, as the plan sets it (2019–2022
// installed by the migrations) or as an admin sets it for later years.
type KPITarget struct {
	Year      int       `gorm:"primaryKey;autoIncrement:false"`
	Code      string    `gorm:"primaryKey;size:64"`
	Target    float64   `gorm:"not null"`
	UpdatedBy string    `gorm:"size:36;not null;default:''"`
	UpdatedAt time.Time `gorm:"precision:6;not null"`
}

// KPIRollup counts the completed activities of one KPI, unit and month (of
// the office time zone, as YYYYMM). It is kept up to date in the transaction
// of every activity write, so that a report reads a few thousand rows at most
// instead of scanning the activities table.
//
// The primary key starts with the month, so that a report's range of months
// is one contiguous scan of the clustered index (no lookups).
type KPIRollup struct {
	Month  int    `gorm:"primaryKey;autoIncrement:false"`
	Code   string `gorm:"primaryKey;size:64"`
	UnitID string `gorm:"primaryKey;size:36"`
	Total  int64  `gorm:"not null;default:0"`
	// Reviewed counts those of Total whose review is approved, kept by the
	// same deltas as Total (a column here rather than a count over the
	// activities, so that the report stays one scan of the rollups).
	Reviewed int64 `gorm:"not null;default:0"`
}

// KPIRollupState remembers the time zone the rollups were computed in: after
// the office time zone changes they must be rebuilt.
type KPIRollupState struct {
	ID        int       `gorm:"primaryKey;autoIncrement:false"`
	Timezone  string    `gorm:"size:64;not null"`
	RebuiltAt time.Time `gorm:"precision:6;not null"`
}

// KPIClosedYear is a KPI year that an admin closed after the office reported
// its numbers (to the Agency Against Corruption, 法務部廉政署): while the row
// exists no write may change a count of that year. Reopening deletes the row;
// the audit trail keeps every close and reopen with its reason.
type KPIClosedYear struct {
	Year     int       `gorm:"primaryKey;autoIncrement:false"`
	ClosedAt time.Time `gorm:"precision:6;not null"`
	ClosedBy string    `gorm:"size:36;not null"`
	Reason   string    `gorm:"size:500;not null"`
}

// KPIPeriodGuard is a single row (ID 1) that orders closing and reopening
// against the writes into a year. Every write that could change a count
// reads it with a shared lock in its own transaction; closing and reopening
// lock it exclusively. So a close waits for the writes under way to commit,
// and writes that come after it wait for the close and then see it. A row
// of its own, and not the closed years' rows, because a year that is not
// closed has no row to lock: that would rely on InnoDB gap locks, which the
// READ COMMITTED isolation level (a common MySQL setting) does not take.
type KPIPeriodGuard struct {
	ID int `gorm:"primaryKey;autoIncrement:false"`
}

// TableName is spelt out: gorm's naming reads "IP" in "KPIPeriod" as an
// initialism (kp_iperiod_guards).
func (KPIPeriodGuard) TableName() string { return "kpi_period_guards" }

// TableName is spelt out, like KPIPeriodGuard's.
func (KPIClosedYear) TableName() string { return "kpi_closed_years" }

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
}

// KPIRollupState remembers the time zone the rollups were computed in: after
// the office time zone changes they must be rebuilt.
type KPIRollupState struct {
	ID        int       `gorm:"primaryKey;autoIncrement:false"`
	Timezone  string    `gorm:"size:64;not null"`
	RebuiltAt time.Time `gorm:"precision:6;not null"`
}

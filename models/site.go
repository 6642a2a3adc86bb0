package models

import "time"

// UnitSite is a place registered for a unit (受稽機關的登記地點): its offices,
// schools or work sites, so that an officer picks where a record takes place
// instead of typing an address or coordinates. A unit's site names are
// unique.
type UnitSite struct {
	ID        string    `gorm:"primaryKey;size:36"`
	UnitID    string    `gorm:"size:36;not null;uniqueIndex:uq_unit_site_name,priority:1"`
	Name      string    `gorm:"size:100;not null;uniqueIndex:uq_unit_site_name,priority:2"`
	Address   string    `gorm:"size:200;not null;default:''"`
	Lat       float64   `gorm:"not null"`
	Lng       float64   `gorm:"not null"`
	RadiusM   int       `gorm:"not null"`
	CreatedAt time.Time `gorm:"precision:6;not null"`
}

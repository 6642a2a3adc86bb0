package services

import (
	"context"
	"errors"
	"math"
	"strings"

	"gorm.io/gorm"

	"ethicsops/models"
)

// MaxUnitSites is how many registered sites one unit may have; a list
// answers all of them in one response, so it stays bounded.
const MaxUnitSites = 200

// Bounds of a registered site's geofence: at least 10 m (a phone's GPS is
// rarely closer), at most 5 km (the span of a campus or a district office).
const (
	MinSiteRadiusM = 10
	MaxSiteRadiusM = 5000
)

// NewSite is what a manager gives to register a site of a unit.
type NewSite struct {
	Name    string
	Address string
	Lat     *float64
	Lng     *float64
	RadiusM int
}

// ListSites returns the registered sites of unit unitID, by name (at most
// MaxUnitSites). Staff only: volunteers see an event's place on the event.
// Errors: ErrForbidden, not_found (no such unit).
func (s *UnitService) ListSites(ctx context.Context, actor Actor, unitID string) ([]models.UnitSite, error) {
	if !actor.IsStaff() {
		return nil, Forbidden("only office staff read registered sites")
	}
	db := s.db.WithContext(ctx)
	if err := unitExists(db, unitID); err != nil {
		return nil, err
	}
	var sites []models.UnitSite
	err := db.Where("unit_id = ?", unitID).Order("name, id").Limit(MaxUnitSites).Find(&sites).Error
	return sites, err
}

// CreateSite registers a site of unit unitID. Managers and admins only.
// Errors: ErrForbidden, not_found (no such unit), validation_failed,
// conflict (the unit has a site of that name, or MaxUnitSites already).
func (s *UnitService) CreateSite(ctx context.Context, actor Actor, unitID string, in NewSite) (models.UnitSite, error) {
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return models.UnitSite{}, Forbidden("only a manager or an admin registers sites")
	}
	in.Name, in.Address = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address)
	f := Fields{}
	checkText(f, "name", in.Name, 100, true, Line)
	checkText(f, "address", in.Address, 200, false, Line)
	switch {
	case in.Lat == nil:
		f.Add("lat", "required")
	case math.IsNaN(*in.Lat) || *in.Lat < -90 || *in.Lat > 90:
		f.Add("lat", "must be between -90 and 90")
	}
	switch {
	case in.Lng == nil:
		f.Add("lng", "required")
	case math.IsNaN(*in.Lng) || *in.Lng < -180 || *in.Lng > 180:
		f.Add("lng", "must be between -180 and 180")
	}
	if in.RadiusM < MinSiteRadiusM || in.RadiusM > MaxSiteRadiusM {
		f.Add("radius_m", "must be between 10 and 5000")
	}
	if err := f.Err(); err != nil {
		return models.UnitSite{}, err
	}
	site := models.UnitSite{ID: newID(), UnitID: unitID, Name: in.Name, Address: in.Address, Lat: *in.Lat, Lng: *in.Lng,
		RadiusM: in.RadiusM, CreatedAt: s.now()}
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := unitExists(tx, unitID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&models.UnitSite{}).Where("unit_id = ?", unitID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxUnitSites {
			return Conflict(CodeConflict, "this unit has %d registered sites already", MaxUnitSites)
		}
		if err := tx.Create(&site).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "unit_site.create", EntityType: "unit_site", EntityID: site.ID,
			After: map[string]any{"unit_id": site.UnitID, "name": site.Name, "address": site.Address, "lat": site.Lat, "lng": site.Lng, "radius_m": site.RadiusM}})
	})
	if models.IsDuplicate(err) {
		return models.UnitSite{}, Conflict(CodeConflict, "this unit has a site of this name")
	}
	return site, err
}

// unitExists answers not_found when there is no unit id.
func unitExists(db *gorm.DB, id string) error {
	var u models.Unit
	err := db.Select("id").Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return NotFound("unit")
	}
	return err
}

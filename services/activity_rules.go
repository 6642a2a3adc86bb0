package services

import (
	"math"

	"ethicsops/models"
)

// CanRead reports whether actor may see activity a. Staff read every record of
// the office; an active volunteer reads only published outreach events and
// ethics promotions (and then only their public fields). Deleted records are
// nobody's to read.
func CanRead(actor Actor, a models.Activity) bool {
	if a.DeletedAt != nil {
		return false
	}
	if actor.IsStaff() {
		return true
	}
	return actor.Is(models.RoleVolunteer) && actor.Status == models.StatusActive && IsPublicEvent(a)
}

// IsPublicEvent reports whether a is an event volunteers may see.
func IsPublicEvent(a models.Activity) bool {
	return (a.Kind == models.KindOutreachEvent || a.Kind == models.KindEthicsPromotion) && a.Published
}

// CanEdit reports whether actor may change or delete a: its owner officer,
// and every manager and admin. Reopening a completed record follows the same
// rule.
func CanEdit(actor Actor, a models.Activity) bool {
	if a.DeletedAt != nil {
		return false
	}
	if actor.Is(models.RoleAdmin, models.RoleManager) {
		return true
	}
	return actor.Is(models.RoleOfficer) && a.OwnerID == actor.UserID
}

// CanCheckIn reports whether actor may check in at a: the owner officer, and
// managers and admins (a supervisor who goes along records being there too).
// signedUp is whether actor holds a sign-up for a; it is the hook for
// volunteers: a signed-up volunteer on a published outreach event
// may check in. Until sign-ups exist, callers pass false.
func CanCheckIn(actor Actor, a models.Activity, signedUp bool) bool {
	if a.DeletedAt != nil {
		return false
	}
	if actor.Is(models.RoleVolunteer) {
		return signedUp && actor.Status == models.StatusActive && a.Kind == models.KindOutreachEvent && a.Published
	}
	return CanEdit(actor, a)
}

// CanUpload reports whether actor may attach files to a: its owner only
// (SPEC.md), the person who was there.
func CanUpload(actor Actor, a models.Activity) bool {
	return a.DeletedAt == nil && actor.IsStaff() && a.OwnerID == actor.UserID
}

// earthRadiusM is the mean Earth radius (IUGG), in metres.
const earthRadiusM = 6371008.8

// DistanceM is the great-circle (haversine) distance in metres between two
// points given in degrees.
func DistanceM(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLng := (lng2 - lng1) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Geofence classifies a position against a site: inside when the distance is
// at most the radius plus the fix's accuracy, outside otherwise, unknown when
// the site has no coordinates. The distance is nil when unknown.
func Geofence(siteLat, siteLng *float64, radiusM int, lat, lng, accuracyM float64) (string, *float64) {
	if siteLat == nil || siteLng == nil {
		return "unknown", nil
	}
	d := math.Round(DistanceM(*siteLat, *siteLng, lat, lng)*10) / 10
	if d <= float64(radiusM)+accuracyM {
		return "inside", &d
	}
	return "outside", &d
}

package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
)

// CheckinInput is a check-in as a phone captured it.
type CheckinInput struct {
	ID         string // optional client id (UUID)
	Type       string // arrive or depart
	Lat, Lng   float64
	AccuracyM  float64
	CapturedAt time.Time
}

// CheckIn records an arrival or departure at activity id. The geofence is
// computed against the site; the first arrive moves a planned activity to
// in_progress (through applyWrite). Client ids behave as for Create: a
// replay answers the stored check-in with created false.
// A volunteer checks in only while holding an active sign-up (else
// ErrForbidden) and only with a captured_at within the event's check-in
// window (else validation_failed on captured_at, saying when it opens).
// Errors: ErrNotFound, ErrForbidden, validation_failed, id_conflict,
// conflict (the activity is cancelled).
func (s *ActivityService) CheckIn(ctx context.Context, actor Actor, activityID string, in CheckinInput) (models.Checkin, bool, error) {
	a, found, err := s.current.load(ctx, activityID)
	if err != nil {
		return models.Checkin{}, false, err
	}
	if !found || !CanRead(actor, a) {
		return models.Checkin{}, false, NotFound("activity")
	}
	signedUp := false
	if actor.Is(models.RoleVolunteer) {
		if signedUp, err = hasActiveSignup(s.db.WithContext(ctx), a.ID, actor.UserID); err != nil {
			return models.Checkin{}, false, err
		}
	}
	if !CanCheckIn(actor, a, signedUp) {
		return models.Checkin{}, false, Forbidden("only the owner, a manager, an admin or a signed-up volunteer checks in here")
	}
	now := s.now()
	f := Fields{}
	if in.ID == "" {
		in.ID = newID()
	} else if id, err := uuid.Parse(in.ID); err != nil {
		f.Add("id", "must be a UUID")
	} else {
		in.ID = id.String()
	}
	if !oneOf(in.Type, models.CheckinTypes...) {
		f.Add("type", "must be arrive or depart")
	}
	if in.Lat < -90 || in.Lat > 90 || math.IsNaN(in.Lat) {
		f.Add("lat", "must be between -90 and 90")
	}
	if in.Lng < -180 || in.Lng > 180 || math.IsNaN(in.Lng) {
		f.Add("lng", "must be between -180 and 180")
	}
	if in.AccuracyM < 0 || in.AccuracyM > 10000 || math.IsNaN(in.AccuracyM) {
		f.Add("accuracy_m", "must be between 0 and 10000")
	}
	in.CapturedAt = in.CapturedAt.UTC().Truncate(time.Microsecond)
	switch {
	case in.CapturedAt.IsZero():
		f.Add("captured_at", "required")
	default:
		checkTime(f, "captured_at", in.CapturedAt, now, true)
	}
	if err := f.Err(); err != nil {
		return models.Checkin{}, false, err
	}
	// A volunteer's check-in must fall within the event's check-in window
	// (volunteers.go): hours are credited for being at the event, not for
	// times a phone reports at will. Staff record their work whenever it is.
	if actor.Is(models.RoleVolunteer) {
		if err := checkWindow(a, in.CapturedAt, s.loc); err != nil {
			return models.Checkin{}, false, err
		}
	}
	hash := checkinHash(actor.UserID, a.ID, in)
	if a.Status == models.ActivityCancelled {
		// A replay of a check-in made before the cancellation still answers.
		var old models.Checkin
		if err := s.db.WithContext(ctx).Where("id = ? AND content_hash = ?", in.ID, hash).Take(&old).Error; err == nil {
			return old, false, nil
		}
		return models.Checkin{}, false, Conflict(CodeConflict, "this activity is cancelled")
	}
	fence, dist := Geofence(a.SiteLat, a.SiteLng, a.SiteRadiusM, in.Lat, in.Lng, in.AccuracyM)
	c := models.Checkin{
		ID: in.ID, ActivityID: a.ID, UserID: actor.UserID, Type: in.Type, Lat: in.Lat, Lng: in.Lng, AccuracyM: in.AccuracyM,
		CapturedAt: in.CapturedAt, ReceivedAt: now, Geofence: fence, DistanceM: dist,
		ClockSkewS:  math.Round(now.Sub(in.CapturedAt).Seconds()*1000) / 1000,
		ContentHash: hash, CreatedAt: now,
	}
	entry := AuditEntry{Actor: actor, Action: "checkin.create", EntityType: "checkin", EntityID: c.ID,
		After: map[string]any{"activity_id": c.ActivityID, "type": c.Type, "lat": c.Lat, "lng": c.Lng, "accuracy_m": c.AccuracyM,
			"captured_at": c.CapturedAt, "geofence": c.Geofence, "distance_m": c.DistanceM}}
	// A volunteer's arrival records their attendance only; the office's own
	// first arrival also starts the activity. Check-ins that start nothing
	// (nearly all) are group-committed.
	starts := c.Type == "arrive" && a.Status == models.ActivityPlanned && actor.IsStaff()
	// A volunteer's hours count in the year of the event: at an event of a
	// year that may be closed already, the check-in is written on its own,
	// under the guard of closed years (period_closed).
	guarded := !actor.IsStaff() && s.kpis.closable(a.ScheduledAt)
	switch {
	case starts:
		err = s.checkInAndStart(ctx, actor, a, c, entry)
	case guarded:
		err = s.checkInGuarded(ctx, c, entry, a.ScheduledAt)
	default:
		var ev models.AuditEvent
		if ev, err = newAuditEvent(ctx, s.now, entry); err == nil {
			err = s.checkins.write(ctx, c, ev)
		}
	}
	if errors.Is(err, errDuplicateID) {
		old, err := resolveReplay(ctx, s.db, c.ID, c.ContentHash, "check-in", func(o *models.Checkin) string { return o.ContentHash })
		return old, false, err
	}
	if err != nil {
		return models.Checkin{}, false, err
	}
	return c, true, nil
}

// checkInAndStart records the first arrival at a planned activity and starts
// it, in one transaction.
func (s *ActivityService) checkInAndStart(ctx context.Context, actor Actor, a models.Activity, c models.Checkin, entry AuditEntry) error {
	now := c.ReceivedAt
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			if models.IsDuplicate(err) {
				return errDuplicateID
			}
			return err
		}
		if err := appendAudit(ctx, tx, s.now, entry); err != nil {
			return err
		}
		// The first arrival starts the activity: re-read it locked, since
		// someone may have changed it since the read above.
		before, err := s.load(tx, a.ID, true)
		if err != nil || before.Status != models.ActivityPlanned {
			return err
		}
		after := before
		after.Status, after.StartedAt = models.ActivityInProgress, &c.CapturedAt
		after.Version, after.UpdatedAt = before.Version+1, now
		if err := s.save(tx, before.Version, &after); err != nil {
			return err
		}
		return s.applyWrite(ctx, tx, actor, "activity.start", &before, &after)
	})
}

// checkInGuarded records a volunteer's check-in at an event scheduled at
// scheduled, in a transaction that refuses it when that year is closed. Such
// check-ins (at an event of a year that has ended, sent late from a phone
// that was offline) are rare, so they leave the group commit: the closed
// years must be read in the transaction that writes, or a close committing
// in between would not be seen. The insert comes first so that a replay of
// a check-in stored before the close still answers as a replay.
func (s *ActivityService) checkInGuarded(ctx context.Context, c models.Checkin, entry AuditEntry, scheduled time.Time) error {
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			if models.IsDuplicate(err) {
				return errDuplicateID
			}
			return err
		}
		if err := s.kpis.EnsureOpen(ctx, tx, scheduled); err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, entry)
	})
}

// Checkins lists the check-ins of an activity in the order they were
// captured, to its owner, managers and admins (SPEC.md): where a colleague
// stood and when is the owner's and their supervisors' business.
// Errors: ErrNotFound, ErrForbidden.
func (s *ActivityService) Checkins(ctx context.Context, actor Actor, activityID string) ([]models.Checkin, error) {
	a, err := s.Get(ctx, actor, activityID)
	if err != nil {
		return nil, err
	}
	if !CanEdit(actor, a) {
		return nil, Forbidden("only the record's owner, managers and admins read its check-ins")
	}
	var out []models.Checkin
	err = s.db.WithContext(ctx).Where("activity_id = ?", activityID).Order("captured_at, id").Limit(1000).Find(&out).Error
	if out == nil {
		out = []models.Checkin{}
	}
	return out, err
}

func checkinHash(user, activity string, in CheckinInput) string {
	b, _ := json.Marshal(struct {
		User, Activity string
		In             CheckinInput
	}{user, activity, in})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

package services

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
)

// A change whose audit payload cannot be written as JSON is not made: the
// error fails the transaction (an internal error, never a domain one, so the
// client gets 500 internal), and neither the change nor an event with an
// empty payload is stored.
func TestAuditMarshalErrorFailsTheWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := models.Now()
		clock := func() time.Time { return now }
		for _, tc := range []struct {
			name          string
			before, after any
		}{
			{"NaN in after", nil, map[string]any{"site_lat": math.NaN()}},
			{"channel in before", map[string]any{"x": make(chan int)}, map[string]any{"name": "ok"}},
		} {
			err := inTx(ctx, db, func(tx *gorm.DB) error {
				u := models.Unit{ID: newID(), Code: "T-" + newID()[:8], Name: "測試機關 " + tc.name, Kind: models.UnitAgency, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&u).Error; err != nil {
					return err
				}
				return appendAudit(ctx, tx, clock, AuditEntry{Actor: Actor{UserID: "u", Role: models.RoleAdmin}, Action: "unit.create",
					EntityType: "unit", EntityID: u.ID, Before: tc.before, After: tc.after})
			})
			if err == nil {
				t.Fatalf("%s: the write succeeded", tc.name)
			}
			if _, domain := AsError(err); domain {
				t.Fatalf("%s: %v is a domain error; want an internal one", tc.name, err)
			}
		}
		var units, events int64
		db.Model(&models.Unit{}).Count(&units)
		db.Model(&models.AuditEvent{}).Count(&events)
		if units != 0 || events != 0 {
			t.Fatalf("stored %d units and %d audit events, want none", units, events)
		}
		// The group-committed check-ins build their event before queueing:
		// the same error comes back and nothing is queued.
		if _, err := newAuditEvent(ctx, clock, AuditEntry{Action: "checkin.create", After: map[string]any{"lat": math.Inf(1)}}); err == nil {
			t.Fatal("newAuditEvent accepted +Inf")
		}
	})
}

// A field whose value cannot be written as JSON is never left out of an
// activity's diff as "unchanged": it goes into the event, whose write fails.
func TestAuditDiffKeepsUnmarshalableFields(t *testing.T) {
	far := time.Date(10000, 1, 1, 9, 0, 0, 0, time.UTC)
	before := models.Activity{ID: "a", Title: "x", ScheduledAt: far}
	after := before
	after.Title = "y"
	names := auditDiff(&before, &after)
	if !slices.Contains(names, "scheduled_at") || !slices.Contains(names, "title") {
		t.Fatalf("diff %v, want scheduled_at and title", names)
	}
	b, a := auditDiffPair(&before, &after)
	if _, err := newAuditEvent(context.Background(), models.Now, AuditEntry{Action: "activity.update", Before: b, After: a}); err == nil {
		t.Fatal("an event with year 10000 in it was made")
	}
}

package services

import (
	"context"
	"database/sql/driver"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
)

// batchCheckin is a check-in and its audit event as CheckIn builds them;
// bad ones carry a latitude of NaN, which both engines refuse (SQLite binds
// NaN as NULL into a NOT NULL column, MySQL cannot parse it), standing for
// any value the database itself refuses.
func batchCheckin(bad bool) (models.Checkin, models.AuditEvent) {
	now := models.Now()
	c := models.Checkin{
		ID: uuid.NewString(), ActivityID: uuid.NewString(), UserID: uuid.NewString(), Type: "arrive",
		Lat: 23.48, Lng: 120.45, AccuracyM: 5, CapturedAt: now.Add(-time.Minute), ReceivedAt: now,
		Geofence: "unknown", ContentHash: "h", CreatedAt: now,
	}
	if bad {
		c.Lat = math.NaN()
	}
	ev, err := newAuditEvent(context.Background(), models.Now, AuditEntry{Actor: Actor{UserID: c.UserID, Role: models.RoleOfficer},
		Action: "checkin.create", EntityType: "checkin", EntityID: c.ID})
	if err != nil {
		panic(err)
	}
	return c, ev
}

// A row the database refuses fails only its own check-in: the good ones
// written in the same group commit are stored and answered nil, every bad
// one gets its own error. Many phones at once, through real goroutines.
func TestCheckinBatchRowErrorFailsOnlyItsRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := newCheckinBatcher(db)
		const n = 80
		type sent struct {
			id  string
			bad bool
			err error
		}
		out := make([]sent, 2*n)
		var wg sync.WaitGroup
		for i := range out {
			c, ev := batchCheckin(i%2 == 1)
			out[i] = sent{id: c.ID, bad: i%2 == 1}
			wg.Add(1)
			go func() {
				defer wg.Done()
				out[i].err = b.write(context.Background(), c, ev)
			}()
		}
		wg.Wait()
		var good []string
		for _, s := range out {
			switch {
			case !s.bad && s.err != nil:
				t.Errorf("good check-in %s: %v", s.id, s.err)
			case s.bad && s.err == nil:
				t.Errorf("bad check-in %s answered nil", s.id)
			case s.bad && errors.Is(s.err, errDuplicateID):
				t.Errorf("bad check-in %s answered as a replay", s.id)
			}
			if !s.bad {
				good = append(good, s.id)
			}
		}
		var stored int64
		if err := db.Model(&models.Checkin{}).Count(&stored).Error; err != nil {
			t.Fatal(err)
		}
		var storedGood int64
		if err := db.Model(&models.Checkin{}).Where("id IN ?", good).Count(&storedGood).Error; err != nil {
			t.Fatal(err)
		}
		if stored != n || storedGood != n {
			t.Fatalf("%d check-ins stored (%d of the good ones), want exactly the %d good ones", stored, storedGood, n)
		}
		var events int64
		if err := db.Model(&models.AuditEvent{}).Where("action = ?", "checkin.create").Count(&events).Error; err != nil {
			t.Fatal(err)
		}
		if events != n {
			t.Fatalf("%d audit events, want %d", events, n)
		}
	})
}

// A lost connection is not a row error: the batch is answered with it at
// once, not written again row by row against a database that is away.
func TestCheckinBatchOutageIsNotRetriedRowByRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var attempts atomic.Int32
		err := db.Callback().Create().Before("gorm:create").Register("test:lose_connection", func(tx *gorm.DB) {
			if tx.Statement.Table == "checkins" {
				attempts.Add(1)
				_ = tx.AddError(driver.ErrBadConn)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		b := newCheckinBatcher(db)
		batch := make([]*checkinJob, maxCheckinBatch)
		for i := range batch {
			c, ev := batchCheckin(i == 0)
			batch[i] = &checkinJob{c: c, audit: ev, done: make(chan error, 1)}
		}
		b.flush(batch)
		for i, j := range batch {
			if err := <-j.done; !errors.Is(err, driver.ErrBadConn) {
				t.Fatalf("job %d: %v, want the lost connection", i, err)
			}
		}
		if got := attempts.Load(); got != 1 {
			t.Fatalf("%d writes of a batch of %d while the connection is lost, want 1", got, maxCheckinBatch)
		}
	})
}

// The database going away while a failed batch is being split: the halves
// not yet written are answered with the outage, not tried one by one.
func TestCheckinBatchOutageDuringSplit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var attempts atomic.Int32
		err := db.Callback().Create().Before("gorm:create").Register("test:lose_connection_later", func(tx *gorm.DB) {
			if tx.Statement.Table == "checkins" && attempts.Add(1) > 1 {
				_ = tx.AddError(driver.ErrBadConn)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		b := newCheckinBatcher(db)
		batch := make([]*checkinJob, maxCheckinBatch)
		for i := range batch {
			c, ev := batchCheckin(i == len(batch)-1) // the last one fails the first write
			batch[i] = &checkinJob{c: c, audit: ev, done: make(chan error, 1)}
		}
		b.flush(batch)
		for i, j := range batch {
			if err := <-j.done; !errors.Is(err, driver.ErrBadConn) {
				t.Fatalf("job %d: %v, want the lost connection", i, err)
			}
		}
		if got := attempts.Load(); got != 2 {
			t.Fatalf("%d writes, want 2: the whole batch, then its first half meeting the outage", got)
		}
	})
}

package services

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
)

// TestInTxRetriesOnlyDeadlocks: a transaction MySQL chose as a deadlock
// victim (1213, also a Galera certification failure) or that timed out
// waiting for a lock (1205) runs again, up to maxTxAttempts times in all,
// with nothing of a failed attempt kept; any other error (a rule of the
// service, a duplicate key, a wrapped deadlock excepted) is answered at once.
func TestInTxRetriesOnlyDeadlocks(t *testing.T) {
	deadlock := &mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"}
	lockWait := &mysql.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded; try restarting transaction"}
	duplicate := &mysql.MySQLError{Number: 1062, Message: "Duplicate entry"}
	rule := Conflict(CodeConflict, "a rule of the service said no")
	cases := []struct {
		name string
		// fail is the error of attempt n (1-based); nil lets it commit.
		fail         func(n int) error
		wantAttempts int
		wantErr      error
		wantRows     int64
	}{
		{"deadlock twice, then commits", func(n int) error { return []error{deadlock, deadlock, nil}[n-1] }, 3, nil, 1},
		{"lock wait timeout once", func(n int) error { return []error{lockWait, nil}[n-1] }, 2, nil, 1},
		{"wrapped deadlock", func(n int) error { return []error{fmt.Errorf("write: %w", deadlock), nil}[n-1] }, 2, nil, 1},
		{"deadlock every time: gives up", func(int) error { return deadlock }, maxTxAttempts, deadlock, 0},
		{"a service error is not retried", func(int) error { return rule }, 1, rule, 0},
		{"a duplicate key is not retried", func(int) error { return duplicate }, 1, duplicate, 0},
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				attempts := 0
				code := fmt.Sprintf("TX%d", i)
				err := inTx(ctx, db, func(tx *gorm.DB) error {
					attempts++
					now := models.Now()
					// The same row on every attempt, as a retried create writes it.
					u := models.Unit{ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), Code: code, Name: code, Kind: models.UnitAgency, CreatedAt: now, UpdatedAt: now}
					if err := tx.Create(&u).Error; err != nil {
						return err
					}
					return tc.fail(attempts)
				})
				if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				if attempts != tc.wantAttempts {
					t.Fatalf("%d attempts, want %d", attempts, tc.wantAttempts)
				}
				var rows int64
				if err := db.Model(&models.Unit{}).Where("code = ?", code).Count(&rows).Error; err != nil {
					t.Fatal(err)
				}
				if rows != tc.wantRows {
					t.Fatalf("%d rows stored, want %d", rows, tc.wantRows)
				}
			})
		}
	})
}

// TestInTxStopsWaitingWhenTheRequestEnds: the back-off between attempts
// ends with the request's context.
func TestInTxStopsWaitingWhenTheRequestEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		attempts := 0
		err := inTx(ctx, db, func(*gorm.DB) error {
			attempts++
			cancel()
			return &mysql.MySQLError{Number: 1213}
		})
		if !errors.Is(err, context.Canceled) || attempts != 1 {
			t.Fatalf("%d attempts, %v; want 1 and the cancellation", attempts, err)
		}
	})
}

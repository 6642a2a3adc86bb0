package services_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// TestEnsureOpen is the guard other writes call (e.g. a manager confirming
// a volunteer's hours): period_closed exactly for times in a closed year of
// the office time zone, inside the caller's transaction.
func TestEnsureOpen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Taipei")
		now := func() time.Time { return time.Date(2023, 3, 1, 2, 0, 0, 0, time.UTC) }
		svc := services.New(db, services.Options{Location: loc, Clock: now})
		admin := services.Actor{UserID: "0190a2b4-0000-7000-8000-000000000001", Role: models.RoleAdmin, Status: models.StatusActive}
		if _, err := svc.KPIs.CloseYear(ctx, admin, 2022, "已於 2023-01-20 函報法務部廉政署"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at     time.Time
			closed bool
		}{
			{time.Date(2022, 1, 1, 0, 0, 0, 0, loc), true},
			{time.Date(2022, 12, 31, 15, 59, 59, 0, time.UTC), true}, // 23:59:59 in Taipei
			{time.Date(2022, 12, 31, 16, 0, 0, 0, time.UTC), false},  // 2023-01-01 00:00 in Taipei
			{time.Date(2021, 12, 31, 16, 30, 0, 0, time.UTC), true},  // 2022-01-01 00:30 in Taipei
			{time.Date(2021, 12, 31, 15, 30, 0, 0, time.UTC), false}, // 2021
			{time.Time{}, false}, // no time: nothing to guard
		} {
			err := db.Transaction(func(tx *gorm.DB) error { return svc.KPIs.EnsureOpen(ctx, tx, tc.at) })
			e, ok := services.AsError(err)
			if got := ok && e.Code == services.CodePeriodClosed; got != tc.closed || (err != nil && !ok) {
				t.Errorf("%s: %v, want closed %v", tc.at, err, tc.closed)
			}
		}
		if err := svc.KPIs.EnsureYearsOpen(ctx, db, 2021, 2023); err != nil {
			t.Errorf("open years: %v", err)
		}
		if err := svc.KPIs.EnsureYearsOpen(ctx, db, 2023, 2022); !errors.Is(err, &services.Error{Code: services.CodePeriodClosed}) {
			t.Errorf("a closed year among open ones: %v", err)
		}
		if _, err := svc.KPIs.ReopenYear(ctx, admin, 2022, "更正"); err != nil {
			t.Fatal(err)
		}
		if err := svc.KPIs.EnsureOpen(ctx, db, time.Date(2022, 6, 1, 0, 0, 0, 0, loc)); err != nil {
			t.Errorf("after reopening: %v", err)
		}
	})
}

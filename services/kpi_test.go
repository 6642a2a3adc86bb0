package services_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

var taipei, _ = time.LoadLocation("Asia/Taipei")

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestApplyChangeCountsByTaipeiMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC) }
		k := services.NewKPIService(db, now, taipei, nil)
		apply := func(before, after *services.KPIFact) {
			t.Helper()
			if err := db.Transaction(func(tx *gorm.DB) error { return k.ApplyChange(ctx, tx, before, after) }); err != nil {
				t.Fatal(err)
			}
		}
		done := &services.KPIFact{Kind: models.KindProcurementSupervision, Status: models.ActivityCompleted, UnitID: "u1", CompletedAt: at("2020-12-31T23:30:00Z")}
		apply(nil, done)
		planned := *done
		planned.Status, planned.CompletedAt = models.ActivityPlanned, nil
		apply(nil, &planned)                                                                                                                                        // not completed: no count
		apply(nil, &services.KPIFact{Kind: models.KindOutreachEvent, Scale: "regular", Status: "completed", UnitID: "u1", CompletedAt: at("2021-03-01T00:00:00Z")}) // regular outreach: no count
		apply(nil, &services.KPIFact{Kind: models.KindOutreachEvent, Scale: "large", Status: "completed", UnitID: "u2", CompletedAt: at("2021-03-01T00:00:00Z")})
		report := func(year int, unit string) map[string]float64 {
			t.Helper()
			reps, err := k.Report(ctx, services.Actor{Role: models.RoleManager}, services.KPIFilter{From: year, To: year, UnitID: unit})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, v := range reps[0].KPIs {
				if v.Actual != nil {
					out[v.Code] = *v.Actual
				}
			}
			return out
		}
		if r := report(2021, ""); r[models.KPIProcurementSupervisions] != 1 || r[models.KPIAntiCorruptionEvents] != 1 {
			t.Fatalf("2021: %v", r)
		}
		if r := report(2020, ""); r[models.KPIProcurementSupervisions] != 0 {
			t.Fatalf("2020 counts a record completed on 2021-01-01 in Taipei: %v", r)
		}
		if r := report(2021, "u2"); r[models.KPIProcurementSupervisions] != 0 || r[models.KPIAntiCorruptionEvents] != 1 {
			t.Fatalf("unit u2: %v", r)
		}
		// Reopen, then delete: the count goes away.
		reopened := *done
		reopened.Status = models.ActivityInProgress
		apply(done, &reopened)
		if r := report(2021, ""); r[models.KPIProcurementSupervisions] != 0 {
			t.Fatalf("reopened still counts: %v", r)
		}
		apply(&reopened, done)
		deleted := *done
		deleted.Deleted = true
		apply(done, &deleted)
		if r := report(2021, ""); r[models.KPIProcurementSupervisions] != 0 {
			t.Fatalf("deleted still counts: %v", r)
		}
		// A changed kind or unit moves the count.
		moved := *done
		moved.Kind, moved.UnitID = models.KindInfosecAudit, "u2"
		apply(nil, done)
		apply(done, &moved)
		if r := report(2021, "u2"); r[models.KPIInfosecAudits] != 1 || r[models.KPIProcurementSupervisions] != 0 {
			t.Fatalf("moved: %v", r)
		}
	})
}

func TestReportInProgressYear(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	// Standing on 2021-07-02 12:00 in Taipei: about half the year has passed.
	now := func() time.Time { return time.Date(2021, 7, 2, 4, 0, 0, 0, time.UTC) }
	k := services.NewKPIService(db, now, taipei, nil)
	ctx := context.Background()
	if _, err := k.SetTargets(ctx, services.Actor{Role: models.RoleAdmin}, 2021, map[string]*float64{models.KPIProcurementSupervisions: ptr(250.0)}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 130; i++ {
		f := &services.KPIFact{Kind: models.KindProcurementSupervision, Status: "completed", UnitID: "u", CompletedAt: at("2021-02-01T00:00:00Z")}
		if err := db.Transaction(func(tx *gorm.DB) error { return k.ApplyChange(ctx, tx, nil, f) }); err != nil {
			t.Fatal(err)
		}
	}
	reps, err := k.Report(ctx, services.Actor{Role: models.RoleAdmin}, services.KPIFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if reps[0].Year != 2021 {
		t.Fatalf("default year %d", reps[0].Year)
	}
	var proc services.KPIValue
	for _, v := range reps[0].KPIs {
		if v.Code == models.KPIProcurementSupervisions {
			proc = v
		}
	}
	if proc.ExpectedToDate == nil || *proc.ExpectedToDate < 124 || *proc.ExpectedToDate > 126 || proc.OnTrack == nil || !*proc.OnTrack || proc.Achieved {
		t.Fatalf("in progress: %+v expected %v", proc, proc.ExpectedToDate)
	}
	// Past years get no pace fields.
	reps, _ = k.Report(ctx, services.Actor{Role: models.RoleAdmin}, services.KPIFilter{From: 2020, To: 2020})
	for _, v := range reps[0].KPIs {
		if v.ExpectedToDate != nil || v.OnTrack != nil {
			t.Fatalf("past year has pace: %+v", v)
		}
		if v.Target == nil || (v.Code == models.KPIProcurementSupervisions && *v.Target != 250) {
			t.Fatalf("plan target missing: %+v", v)
		}
	}
	// Later years have no target unless set.
	reps, _ = k.Report(ctx, services.Actor{Role: models.RoleAdmin}, services.KPIFilter{From: 2023, To: 2023})
	if reps[0].KPIs[2].Target != nil || reps[0].KPIs[2].Achieved {
		t.Fatalf("unset target: %+v", reps[0].KPIs[2])
	}
}

func ptr[T any](v T) *T { return &v }

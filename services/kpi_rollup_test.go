package services_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// details returns a part for kind complete enough to finish the record.
func details(kind, scale string) services.Details {
	participants := 120
	switch kind {
	case models.KindProcurementSupervision:
		return services.Details{Procurement: &services.Procurement{CaseNo: "1090315-PW-012", CaseTitle: "道路改善工程", Category: "works", BudgetAmount: 1000000, Stage: "acceptance"}}
	case models.KindSecurityMaintenance:
		return services.Details{Maintenance: &services.Maintenance{EventName: "市長選舉投開票所安全維護", RiskLevel: "medium", Measures: "會同警察局加強巡邏"}}
	case models.KindPetition:
		return services.Details{Petition: &services.Petition{Petitioners: 30, Subject: "反對垃圾轉運站設置", Outcome: "協調說明"}}
	case models.KindSafetyInspection, models.KindInfosecAudit:
		return services.Details{Checklist: []services.ChecklistItem{{Item: "消防設備", Result: "pass"}}}
	default:
		return services.Details{Event: &services.Event{Scale: scale, Audience: "市民", Participants: &participants}}
	}
}

// world drives random writes through ActivityService, as officers would.
type world struct {
	t     testing.TB
	svc   *services.Services
	r     *rand.Rand
	owner services.Actor
	// reviewer approves and returns records (a manager).
	reviewer services.Actor
	units    []string
	ids      []string
}

var scales = []string{"large", "regular"}

// A completion time near the year boundary of Taipei half of the time.
func (w *world) completionTime() time.Time {
	if w.r.IntN(2) == 0 {
		return time.Date(2020, 12, 31, 15, 0, 0, 0, time.UTC).Add(time.Duration(w.r.IntN(7200)) * time.Second)
	}
	return time.Date(2019+w.r.IntN(3), time.Month(1+w.r.IntN(12)), 1+w.r.IntN(28), w.r.IntN(24), 0, 0, 0, time.UTC)
}

func (w *world) step(ctx context.Context) error {
	if len(w.ids) == 0 || w.r.IntN(4) == 0 {
		kind := models.ActivityKinds[w.r.IntN(len(models.ActivityKinds))]
		in := services.ActivityInput{Kind: kind, Title: "隨機紀錄", UnitID: w.units[w.r.IntN(len(w.units))],
			ScheduledAt: time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), Status: models.ActivityPlanned, Details: details(kind, scales[w.r.IntN(2)])}
		if w.r.IntN(2) == 0 {
			c := w.completionTime()
			in.Status, in.CompletedAt = models.ActivityCompleted, &c
		}
		a, _, err := w.svc.Activities.Create(ctx, w.owner, in)
		if err == nil {
			w.ids = append(w.ids, a.ID)
		}
		return err
	}
	id := w.ids[w.r.IntN(len(w.ids))]
	a, err := w.svc.Activities.Get(ctx, w.owner, id)
	if err != nil {
		return err
	}
	p := services.ActivityPatch{Version: a.Version}
	str := func(s string) *string { return &s }
	switch w.r.IntN(9) {
	case 7, 8: // a manager approves or returns it
		d := services.ReviewInput{Decision: services.DecisionApproved, Version: a.Version}
		if w.r.IntN(3) == 0 {
			d.Decision, d.Comment = services.DecisionReturned, "請補正"
		}
		_, err := w.svc.Activities.Review(ctx, w.reviewer, id, d)
		return err
	case 0: // complete, maybe with a client-given time
		if a.Status == models.ActivityCompleted || a.Status == models.ActivityCancelled {
			return nil
		}
		p.Status = str(models.ActivityCompleted)
		c := w.completionTime()
		p.CompletedAt = &c
	case 1: // reopen
		if a.Status != models.ActivityCompleted {
			return nil
		}
		p.Status = str(models.ActivityInProgress)
	case 2: // cancel
		if a.Status == models.ActivityCompleted || a.Status == models.ActivityCancelled {
			return nil
		}
		p.Status = str(models.ActivityCancelled)
	case 3: // another kind (and its part)
		kind := models.ActivityKinds[w.r.IntN(len(models.ActivityKinds))]
		d := details(kind, scales[w.r.IntN(2)])
		p.Kind, p.Details = &kind, &d
	case 4: // another unit
		p.UnitID = &w.units[w.r.IntN(len(w.units))]
	case 5: // another completion time
		if a.Status != models.ActivityCompleted {
			return nil
		}
		c := w.completionTime()
		p.CompletedAt = &c
	case 6:
		return w.svc.Activities.Delete(ctx, w.owner, id)
	}
	_, err = w.svc.Activities.Update(ctx, w.owner, id, p)
	return err
}

func newWorld(t testing.TB, db *gorm.DB, seed uint64) *world {
	ctx := context.Background()
	svc := services.New(db, services.Options{JWTSecret: []byte("x"), Location: taipei, BcryptCost: 4})
	sys := services.Actor{Role: models.RoleAdmin}
	w := &world{t: t, svc: svc, r: rand.New(rand.NewPCG(seed, 7))}
	for i := 0; i < 3; i++ {
		u, err := svc.Units.Create(ctx, sys, services.NewUnit{Code: fmt.Sprintf("U%d-%d", seed, i), Name: fmt.Sprintf("單位%d-%d", seed, i), Kind: models.UnitAgency})
		if err != nil {
			t.Fatal(err)
		}
		w.units = append(w.units, u.ID)
	}
	o, err := svc.Users.Create(ctx, sys, services.NewUser{Username: fmt.Sprintf("officer%d", seed), Password: "correct-horse-battery", DisplayName: "官", Role: models.RoleOfficer})
	if err != nil {
		t.Fatal(err)
	}
	w.owner = services.Actor{UserID: o.ID, Role: o.Role, Status: o.Status}
	m, err := svc.Users.Create(ctx, sys, services.NewUser{Username: fmt.Sprintf("manager%d", seed), Password: "correct-horse-battery", DisplayName: "主管", Role: models.RoleManager})
	if err != nil {
		t.Fatal(err)
	}
	w.reviewer = services.Actor{UserID: m.ID, Role: m.Role, Status: m.Status}
	return w
}

// TestRollupsMatchRecountAfterRandomWrites: whatever sequence of creates,
// completions, reopenings, cancellations, kind, unit and time changes and
// deletions, the rollups equal a recount from the records.
func TestRollupsMatchRecountAfterRandomWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		rejected := 0
		for i := 0; i < 400; i++ {
			if err := w.step(ctx); err != nil {
				if _, ok := services.AsError(err); !ok {
					t.Fatalf("step %d: %v", i, err)
				}
				rejected++ // a rule said no (e.g. a transition): fine, nothing changed
			}
		}
		diffs, err := w.svc.KPIs.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(diffs) > 0 {
			t.Fatalf("%d cells differ, first: %v", len(diffs), diffs[0])
		}
		var n int64
		db.Model(&models.KPIRollup{}).Where("total <> 0").Count(&n)
		if n == 0 {
			t.Fatal("nothing was counted: the test proves nothing")
		}
		var reviewed int64
		db.Model(&models.KPIRollup{}).Where("reviewed <> 0").Count(&reviewed)
		if reviewed == 0 {
			t.Fatal("no approved record was counted: the reviews prove nothing")
		}
		// A wrong reviewed count is found as well.
		db.Exec("UPDATE kpi_rollups SET reviewed = reviewed + 1 WHERE total > 0 AND month = (SELECT m FROM (SELECT MIN(month) AS m FROM kpi_rollups WHERE total > 0) x)")
		if diffs, _ := w.svc.KPIs.Verify(ctx); len(diffs) == 0 {
			t.Fatal("verify missed a wrong reviewed count")
		}
		// Corrupt one cell: verify notices, rebuild repairs.
		db.Exec("UPDATE kpi_rollups SET total = total + 5 WHERE total > 0 AND month = (SELECT m FROM (SELECT MAX(month) AS m FROM kpi_rollups WHERE total > 0) x)")
		if diffs, _ := w.svc.KPIs.Verify(ctx); len(diffs) == 0 {
			t.Fatal("verify missed a corrupted cell")
		}
		if _, err := w.svc.KPIs.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		if diffs, _ := w.svc.KPIs.Verify(ctx); len(diffs) != 0 {
			t.Fatalf("after rebuild: %v", diffs)
		}
		t.Logf("%d rules refused; %d non-zero rollup cells", rejected, n)
	})
}

// TestRollupsUnderConcurrentWriters: eight writers on one MariaDB database
// (shared units, so shared rollup rows) leave counts equal to a recount.
func TestRollupsUnderConcurrentWriters(t *testing.T) {
	dbtest.MySQLOnly(t)
	db := dbtest.Open(t, "mysql")
	ctx := context.Background()
	base := newWorld(t, db, 100)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		w := &world{t: t, svc: base.svc, r: rand.New(rand.NewPCG(uint64(g), 9)), owner: base.owner, units: base.units}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				if err := w.step(ctx); err != nil {
					if _, ok := services.AsError(err); !ok {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("writer: %v", err)
	}
	diffs, err := base.svc.KPIs.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("%d cells differ, first: %v", len(diffs), diffs[0])
	}
}

// TestKPIActivityRule: the records a KPI lists are exactly those
// KPIForActivity counts toward it, for every kind and scale.
func TestKPIActivityRule(t *testing.T) {
	for _, code := range models.KPICodes {
		kinds, scale, ok := services.KPIActivityRule(code)
		if code == models.KPIPropertyDeclarationOnTime {
			if ok {
				t.Fatalf("the rate lists kinds %v", kinds)
			}
			continue
		}
		for _, kind := range models.ActivityKinds {
			for _, sc := range []string{"", "large", "regular"} {
				c, counts := services.KPIForActivity(kind, sc)
				listed := false
				for _, k := range kinds {
					listed = listed || (k == kind && (scale == "" || scale == sc))
				}
				if (counts && c == code) != listed {
					t.Errorf("%s: kind %s scale %q counted %v, listed %v", code, kind, sc, counts && c == code, listed)
				}
			}
		}
	}
}

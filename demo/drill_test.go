package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"ethicsops/demo"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// TestDemoDrillDown: on the demo office, for every KPI counted from records
// and every year, the records GET /kpis/{code}/records lists (every page)
// are as many as the report counts, their approved ones as many as its
// reviewed, and the unit and month groups add up to the number; the review
// queue and the rejected application are there to show.
func TestDemoDrillDown(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds some 1,300 records")
	}
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		loc, _ := time.LoadLocation("Asia/Taipei")
		svc := services.New(db, services.Options{JWTSecret: []byte("demo-secret-0123456789abcdef0123456789"), Location: loc, BcryptCost: bcrypt.MinCost, DataDir: t.TempDir()})
		ctx := context.Background()
		start := time.Now()
		o, err := demo.Seed(ctx, svc)
		if err != nil || o == nil {
			t.Fatalf("seed: %v", err)
		}
		t.Logf("seeded in %s", time.Since(start))
		mgr := o.Users["manager"]
		manager := services.Actor{UserID: mgr.ID, Role: mgr.Role, Status: mgr.Status}
		if diffs, err := svc.KPIs.Verify(ctx); err != nil || len(diffs) != 0 {
			t.Fatalf("demo rollups: %v %v", diffs, err)
		}
		thisYear := time.Now().In(loc).Year()
		checked := 0
		for year := 2019; year <= thisYear; year++ {
			plain, err := svc.KPIs.Report(ctx, manager, services.KPIFilter{From: year, To: year})
			if err != nil {
				t.Fatal(err)
			}
			byUnit, err := svc.KPIs.Report(ctx, manager, services.KPIFilter{From: year, To: year, Group: services.GroupUnit})
			if err != nil {
				t.Fatal(err)
			}
			byMonth, err := svc.KPIs.Report(ctx, manager, services.KPIFilter{From: year, To: year, Group: services.GroupMonth})
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range plain[0].KPIs {
				if v.Unit == services.UnitPercent {
					if _, err := svc.KPIs.Records(ctx, manager, v.Code, services.KPIRecordFilter{Year: year}); err == nil {
						t.Errorf("%s lists records", v.Code)
					}
					continue
				}
				var listed, approved int64
				cursor := ""
				for {
					page, err := svc.KPIs.Records(ctx, manager, v.Code, services.KPIRecordFilter{Year: year, Limit: 200, Cursor: cursor})
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != int64(*v.Actual) {
						t.Errorf("%d %s: total %d, report %v", year, v.Code, page.Total, *v.Actual)
					}
					for _, a := range page.Items {
						listed++
						if a.ReviewStatus == models.ReviewApproved {
							approved++
						}
					}
					if cursor = page.NextCursor; cursor == "" {
						break
					}
				}
				if listed != int64(*v.Actual) || approved != *v.Reviewed {
					t.Errorf("%d %s: %d records listed (%d approved), report %v (%d reviewed)", year, v.Code, listed, approved, *v.Actual, *v.Reviewed)
				}
				for _, rep := range [][]services.KPIGroup{byUnit[0].KPIs[i].Groups, byMonth[0].KPIs[i].Groups} {
					var sum float64
					var rev int64
					for _, g := range rep {
						sum += *g.Actual
						rev += *g.Reviewed
					}
					if sum != *v.Actual || rev != *v.Reviewed {
						t.Errorf("%d %s: groups add up to %v (%d reviewed), report %v (%d)", year, v.Code, sum, rev, *v.Actual, *v.Reviewed)
					}
				}
				if listed > 0 {
					checked++
				}
			}
		}
		if checked < 20 {
			t.Fatalf("only %d KPI-years had records: the test proves little", checked)
		}
		// The review queue: several waiting, of different ages; one returned
		// to the demo officer with its comment; some approved.
		page, err := svc.Activities.List(ctx, manager, services.ActivityFilter{Review: models.ReviewPending, Sort: "completed_at", Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d records wait for review", len(page.Items))
		if n := len(page.Items); n < 4 {
			t.Errorf("%d records wait for review", n)
		} else if age := page.Items[n-1].CompletedAt.Sub(*page.Items[0].CompletedAt); age < 3*24*time.Hour {
			t.Errorf("the queue spans %s only", age)
		}
		var returned []models.Activity
		db.Where("review_status = ?", models.ReviewReturned).Find(&returned)
		if len(returned) != 1 || returned[0].ReviewComment != demo.ReturnComment || returned[0].OwnerID != o.Users["officer"].ID ||
			returned[0].Status != models.ActivityInProgress {
			t.Errorf("returned: %+v", returned)
		}
		// The rejected applicant reads the reason when signing in.
		_, _, err = svc.Auth.Login(ctx, "192.0.2.9", demo.RejectedVolunteer.Username, demo.RejectedVolunteer.Password)
		if e, ok := services.AsError(err); !ok || e.Code != services.CodeAccountRejected || !strings.Contains(e.Reason, "意願書") {
			t.Errorf("rejected sign-in: %v", err)
		}
	})
}

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

// TestSeed checks that the demo office is made through the services at about
// the plan's yearly targets, and only once.
func TestSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds some 1,300 records")
	}
	db := dbtest.Open(t, "sqlite")
	loc, _ := time.LoadLocation("Asia/Taipei")
	svc := services.New(db, services.Options{JWTSecret: []byte("demo-secret-0123456789abcdef0123456789"), Location: loc, BcryptCost: bcrypt.MinCost, DataDir: t.TempDir()})
	ctx := context.Background()
	start := time.Now()
	o, err := demo.Seed(ctx, svc)
	if err != nil || o == nil {
		t.Fatalf("seed: %v", err)
	}
	t.Logf("seeded in %s", time.Since(start))
	for _, y := range []int{2019, 2020, 2021, 2022} {
		from, to := time.Date(y, 1, 1, 0, 0, 0, 0, loc), time.Date(y+1, 1, 1, 0, 0, 0, 0, loc)
		var n int64
		db.Model(&models.Activity{}).Where("kind = ? AND status = ? AND completed_at >= ? AND completed_at < ?",
			models.KindProcurementSupervision, models.ActivityCompleted, from, to).Count(&n)
		if n < 240 || n > 265 {
			t.Errorf("%d: %d procurement supervisions", y, n)
		}
		db.Model(&models.Activity{}).Where("kind = ? AND scale = ? AND completed_at >= ? AND completed_at < ?",
			models.KindOutreachEvent, "large", from, to).Count(&n)
		if n < 1 {
			t.Errorf("%d: no large outreach event", y)
		}
	}
	var planned int64
	db.Model(&models.Activity{}).Where("status = ? AND scheduled_at > ?", models.ActivityPlanned, time.Now()).Count(&planned)
	if planned < 10 {
		t.Errorf("%d upcoming planned records", planned)
	}
	// The demo officer's desk: an overdue record and one in progress from an earlier day.
	var overdue, open int64
	today := time.Now().In(loc).Truncate(time.Hour)
	db.Model(&models.Activity{}).Where("owner_id = ? AND status = ? AND scheduled_at < ?", o.Users["officer"].ID, models.ActivityPlanned, today.Add(-24*time.Hour)).Count(&overdue)
	db.Model(&models.Activity{}).Where("owner_id = ? AND status = ? AND scheduled_at < ?", o.Users["officer"].ID, models.ActivityInProgress, today).Count(&open)
	if overdue < 1 || open < 1 {
		t.Errorf("demo officer: %d overdue, %d in progress", overdue, open)
	}
	// Every demo unit has a registered site to pick in the form.
	for code, u := range o.Units {
		var n int64
		db.Model(&models.UnitSite{}).Where("unit_id = ?", u.ID).Count(&n)
		if n < 1 {
			t.Errorf("unit %s: no registered site", code)
		}
	}
	var signups, attended int64
	db.Model(&models.Signup{}).Where("user_id = ? AND status = ?", o.Users["volunteer"].ID, models.SignupActive).Count(&signups)
	db.Model(&models.Checkin{}).Where("user_id = ? AND type = ?", o.Users["volunteer"].ID, "depart").Count(&attended)
	if signups < 4 || attended < 2 {
		t.Errorf("demo volunteer: %d sign-ups, %d departures", signups, attended)
	}
	// The plan's years are closed as reported; two completions of this year
	// were entered late, none of the backfilled history.
	for y := 2019; y <= 2022; y++ {
		st, err := svc.KPIs.YearStatus(ctx, y)
		if err != nil || st.Closed == nil || !strings.Contains(st.Closed.Reason, "函報法務部廉政署") {
			t.Errorf("%d: %+v %v", y, st, err)
		}
	}
	if st, _ := svc.KPIs.YearStatus(ctx, 2023); st.Closed != nil {
		t.Errorf("2023 closed: %+v", st.Closed)
	}
	var late int64
	db.Model(&models.Activity{}).Where("late_entry = ?", true).Count(&late)
	if late != 2 {
		t.Errorf("%d late entries, want the demo's 2", late)
	}
	// A confirmed and an unconfirmed attendance to show, and events with an end.
	statuses := map[string]int{}
	vol := o.Users["volunteer"]
	for _, y := range []int{time.Now().Year() - 1, time.Now().Year()} {
		p, err := svc.Volunteers.Participation(ctx, services.Actor{UserID: vol.ID, Role: vol.Role, Status: vol.Status}, y)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			statuses[e.Attendance.Status]++
		}
	}
	if statuses[models.AttendanceConfirmed] < 2 || statuses[models.AttendanceUnconfirmed] < 1 {
		t.Errorf("demo attendances: %v", statuses)
	}
	var endless int64
	db.Model(&models.Activity{}).Where("kind IN ? AND event_ends_at IS NULL", []string{models.KindOutreachEvent, models.KindEthicsPromotion}).Count(&endless)
	if endless != 0 {
		t.Errorf("%d demo events without an end", endless)
	}
	// Photos and a record from the phone: the resent photo stored once,
	// names cleaned to what the content is.
	var atts []models.Attachment
	db.Order("filename").Find(&atts)
	names := map[string]int{}
	for _, a := range atts {
		names[a.Filename]++
	}
	if len(atts) != 6 || names["驗收現場照片.png"] != 2 || names["IMG_2048.png"] != 2 || names["驗收紀錄fdp.pdf"] != 2 {
		t.Errorf("demo attachments: %v", names)
	}
	// Early warnings in every state, with follow-ups; opinion visits done and planned.
	for _, st := range models.EarlyWarningStatuses {
		if n := count(db, &models.EarlyWarning{}, "status = ?", st); n < 1 {
			t.Errorf("no demo early warning %s", st)
		}
	}
	if n := count(db, &models.EarlyWarning{}, "return_comment <> '' AND status = ?", models.WarningDraft); n < 1 {
		t.Errorf("no returned demo early warning")
	}
	if n := count(db, &models.EarlyWarning{}, "activity_id IS NOT NULL"); n < 1 {
		t.Errorf("no demo early warning raised by a supervision")
	}
	if n := count(db, &models.EarlyWarningFollowUp{}, ""); n < 4 {
		t.Errorf("%d demo follow-ups", n)
	}
	if n := count(db, &models.Activity{}, "kind = ? AND status = ?", models.KindOpinionVisit, models.ActivityCompleted); n < 3 {
		t.Errorf("%d completed demo opinion visits", n)
	}
	if n := count(db, &models.Activity{}, "kind = ? AND status = ?", models.KindOpinionVisit, models.ActivityPlanned); n < 1 {
		t.Errorf("%d planned demo opinion visits", n)
	}
	// A year of ethics-code registrations up to today, every type, across
	// the units, some notified late; the lobbying ones without a value.
	var regs []models.EthicsRegistration
	db.Find(&regs)
	types, units, lateRegs := map[string]int{}, map[string]bool{}, 0
	yearAgo := time.Now().In(loc).AddDate(-1, 0, -1).Format(time.DateOnly)
	for _, r := range regs {
		types[r.Type]++
		units[r.ServantUnitID] = true
		if r.Late {
			lateRegs++
		}
		if r.EventDate < yearAgo || r.NotifiedDate > time.Now().In(loc).Format(time.DateOnly) {
			t.Errorf("registration %s outside the last year: %s → %s", r.ID, r.EventDate, r.NotifiedDate)
		}
		if (r.Type == models.RegistrationLobbying) != (r.ValueNTD == nil) && r.Type != models.RegistrationOther {
			t.Errorf("registration %s: %s with value %v", r.ID, r.Type, r.ValueNTD)
		}
	}
	if len(regs) < 40 || len(types) != 4 || len(units) < 6 || lateRegs < 4 || lateRegs > len(regs)/3 {
		t.Errorf("demo registrations: %d, types %v, %d units, %d late", len(regs), types, len(units), lateRegs)
	}
	if again, err := demo.Seed(ctx, svc); err != nil || again != nil {
		t.Fatalf("second seed: %v %v", again, err)
	}
}

func count(db *gorm.DB, model any, where string, args ...any) int64 {
	var n int64
	q := db.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	_ = q.Count(&n)
	return n
}

package services

import (
	"testing"
	"time"

	"ethicsops/models"
)

func TestAttendanceOf(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	end := t0.Add(2 * time.Hour)
	ev := models.Activity{Kind: models.KindOutreachEvent, ScheduledAt: t0, EventEndsAt: &end, SiteRadiusM: 100}
	ci := func(typ string, d time.Duration) models.Checkin {
		return models.Checkin{Type: typ, CapturedAt: t0.Add(d), Geofence: "inside", AccuracyM: 10}
	}
	off := func(c models.Checkin) models.Checkin { c.Geofence = "outside"; return c }
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name     string
		in       []models.Checkin
		decision string
		open     bool
		hours    *float64
		status   string
	}{
		{"nothing", nil, "", false, nil, ""},
		{"arrive only: open, never guessed", []models.Checkin{ci("arrive", 0)}, "", true, nil, "confirmed"},
		{"depart only", []models.Checkin{ci("depart", time.Hour)}, "", false, nil, ""},
		{"an hour and a half", []models.Checkin{ci("depart", 90*time.Minute), ci("arrive", 0)}, "", false, f(1.5), "confirmed"},
		{"early arrival counts from the start", []models.Checkin{ci("arrive", -45*time.Minute), ci("depart", time.Hour)}, "", false, f(1), "confirmed"},
		{"late departure counts to the end", []models.Checkin{ci("arrive", 0), ci("depart", 2*time.Hour+50*time.Minute)}, "", false, f(2), "confirmed"},
		{"first arrive, last depart", []models.Checkin{ci("arrive", 30*time.Minute), ci("arrive", 0), ci("depart", time.Hour), ci("depart", 90*time.Minute)}, "", false, f(1.5), "confirmed"},
		{"depart before arrive ignored", []models.Checkin{ci("depart", -time.Hour), ci("arrive", 0)}, "", true, nil, "confirmed"},
		{"outside the window ignored", []models.Checkin{ci("arrive", -2*time.Hour), ci("depart", 4*time.Hour)}, "", false, nil, ""},
		{"rounded to 0.01", []models.Checkin{ci("arrive", 0), ci("depart", 20*time.Minute)}, "", false, f(0.33), "confirmed"},
		{"off site: unconfirmed", []models.Checkin{off(ci("arrive", 0)), ci("depart", time.Hour)}, "", false, f(1), "unconfirmed"},
		{"the on-site arrival counts", []models.Checkin{off(ci("arrive", 0)), ci("arrive", 30*time.Minute), ci("depart", time.Hour)}, "", false, f(0.5), "confirmed"},
		{"inaccurate fix: unconfirmed", []models.Checkin{{Type: "arrive", CapturedAt: t0, Geofence: "inside", AccuracyM: 101}, ci("depart", time.Hour)}, "", false, f(1), "unconfirmed"},
		{"no site coordinates: unconfirmed", []models.Checkin{{Type: "arrive", CapturedAt: t0, Geofence: "unknown"}, ci("depart", time.Hour)}, "", false, f(1), "unconfirmed"},
		{"confirmed by a manager", []models.Checkin{off(ci("arrive", 0)), ci("depart", time.Hour)}, "confirmed", false, f(1), "confirmed"},
		{"rejected by a manager", []models.Checkin{ci("arrive", 0), ci("depart", time.Hour)}, "rejected", false, f(1), "rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := AttendanceOf(tc.in, ev, models.Signup{Decision: tc.decision})
			if a.Open() != tc.open || (a.Hours == nil) != (tc.hours == nil) || (a.Hours != nil && *a.Hours != *tc.hours) || a.Status != tc.status {
				t.Fatalf("open %v hours %v status %q, want %v %v %q", a.Open(), a.Hours, a.Status, tc.open, tc.hours, tc.status)
			}
		})
	}
}

func TestHoursWithin(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	h := time.Hour
	for _, tc := range []struct {
		arrive, depart time.Duration
		want           float64
	}{
		{0, 3 * h, 3}, {-h, 4 * h, 3}, {h, 2 * h, 1}, {-2 * h, -h, 0}, {4 * h, 5 * h, 0}, {2 * h, 10 * h, 1}, {0, 0, 0},
	} {
		if got := HoursWithin(t0.Add(tc.arrive), t0.Add(tc.depart), t0, t0.Add(3*h)); got != tc.want {
			t.Errorf("%v … %v: %v, want %v", tc.arrive, tc.depart, got, tc.want)
		}
	}
}

func TestEventState(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		a    models.Activity
		want string
	}{
		{models.Activity{Published: true, Status: models.ActivityPlanned}, "planned"},
		{models.Activity{Published: true, Status: models.ActivityCancelled}, "cancelled"},
		{models.Activity{Published: false, Status: models.ActivityPlanned}, "unpublished"},
		{models.Activity{Published: true, Status: models.ActivityPlanned, DeletedAt: &now}, "deleted"},
	} {
		if got := EventState(tc.a); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.a, got, tc.want)
		}
	}
}

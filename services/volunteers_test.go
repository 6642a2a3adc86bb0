package services

import (
	"testing"
	"time"

	"ethicsops/models"
)

func TestAttendanceOf(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	ci := func(typ string, d time.Duration) models.Checkin {
		return models.Checkin{Type: typ, CapturedAt: t0.Add(d)}
	}
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name  string
		in    []models.Checkin
		open  bool
		hours *float64
	}{
		{"nothing", nil, false, nil},
		{"arrive only: open, never guessed", []models.Checkin{ci("arrive", 0)}, true, nil},
		{"depart only", []models.Checkin{ci("depart", time.Hour)}, false, nil},
		{"two and a half hours", []models.Checkin{ci("depart", 150*time.Minute), ci("arrive", 0)}, false, f(2.5)},
		{"first arrive, last depart", []models.Checkin{ci("arrive", 30*time.Minute), ci("arrive", 0), ci("depart", time.Hour), ci("depart", 2*time.Hour)}, false, f(2)},
		{"depart before arrive ignored", []models.Checkin{ci("depart", -time.Hour), ci("arrive", 0)}, true, nil},
		{"capped at length + margin", []models.Checkin{ci("arrive", 0), ci("depart", 10*time.Hour)}, false, f(4)},
		{"exactly the cap", []models.Checkin{ci("arrive", 0), ci("depart", 4*time.Hour)}, false, f(4)},
		{"rounded to 0.01", []models.Checkin{ci("arrive", 0), ci("depart", 20*time.Minute)}, false, f(0.33)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := AttendanceOf(tc.in)
			if a.Open() != tc.open || (a.Hours == nil) != (tc.hours == nil) || (a.Hours != nil && *a.Hours != *tc.hours) {
				t.Fatalf("open %v hours %v, want %v %v", a.Open(), a.Hours, tc.open, tc.hours)
			}
		})
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

package reports

import (
	"testing"
	"time"
)

func TestDeadlinesFor(t *testing.T) {
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, taipei)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	day := func(s string) time.Time { return at(s+" 00:00").AddDate(0, 0, 1).Add(-time.Microsecond) }
	cases := []struct {
		name              string
		received          time.Time
		first, assess     int
		wantFirst, wantAs time.Time
	}{
		// 2026-12-01 is a Tuesday: ten working days later is Tuesday 15th.
		{"tuesday", at("2026-12-01 09:30"), 10, 30, day("2026-12-15"), day("2026-12-31")},
		// Received on a Friday evening: Monday is the first working day.
		{"friday evening", at("2026-12-04 21:00"), 1, 1, day("2026-12-07"), day("2026-12-05")},
		// Received on a Saturday: the weekend does not count.
		{"saturday", at("2026-12-05 10:00"), 5, 30, day("2026-12-11"), day("2027-01-04")},
		{"sunday", at("2026-12-06 10:00"), 1, 30, day("2026-12-07"), day("2027-01-05")},
		// Late at night UTC is already the next day in Taipei.
		{"utc evening is taipei morning", time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC), 1, 1, day("2026-12-07"), day("2026-12-05")},
		// Across the year end (no holidays known: 1 January counts).
		{"year end", at("2026-12-30 08:00"), 3, 30, day("2027-01-04"), day("2027-01-29")},
		{"defaults when unset", at("2026-12-01 09:30"), 0, 0, day("2026-12-15"), day("2026-12-31")},
		// 365 working days from a Monday are 73 weeks: a Monday again.
		{"long", at("2026-01-05 09:00"), 365, 365, day("2027-05-31"), day("2027-01-05")},
	}
	for _, c := range cases {
		got := DeadlinesFor(c.received, taipei, c.first, c.assess)
		if !got.FirstAnswer.Equal(c.wantFirst) || !got.Assessment.Equal(c.wantAs) {
			t.Errorf("%s: first %s assess %s, want %s %s", c.name, got.FirstAnswer.In(taipei), got.Assessment.In(taipei), c.wantFirst, c.wantAs)
		}
	}
}

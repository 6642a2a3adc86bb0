package services

import (
	"fmt"
	"time"
)

// The one rule every client-given time and year passes through, whatever
// route brings it (a JSON body, a /sync operation, a query parameter, a CSV
// row). Nothing this office records lies before the first day of the
// Republic of China calendar (民國元年, 1912-01-01), and nothing is planned
// more than two years ahead. A time outside these bounds is a typo or an
// attack: year −1 or 10000 (in UTC: an offset moves "0000-01-01" or
// "9999-12-31" across the edge) cannot be written as RFC 3339, so once
// stored it made every list and report that reads the row fail.

// EarliestTime is the first instant a client time may be: 1912-01-01 UTC,
// the start of ROC year 1.
var EarliestTime = time.Date(1912, 1, 1, 0, 0, 0, 0, time.UTC)

// EarliestYear is the first year a client may name (ROC year 1).
const EarliestYear = 1912

// MaxYearsAhead is how far ahead of now a time may be planned.
const MaxYearsAhead = 2

// latest is the last instant a time may be at now: now + 2 years for a time
// that is planned (scheduled_at, a due date, a filter), now + MaxClockSkew
// for one that records something that already happened (captured_at,
// completed_at, filed_at).
func latest(now time.Time, happened bool) time.Time {
	if happened {
		return now.Add(MaxClockSkew)
	}
	return now.AddDate(MaxYearsAhead, 0, 0)
}

// TimeProblem says what is wrong with the client time t at now, or "" when
// it is within bounds. happened marks a time that records a past event.
// Times compare as instants, so an offset cannot move a value past a bound.
func TimeProblem(t, now time.Time, happened bool) string {
	switch {
	case t.Before(EarliestTime):
		return "must not be before 1912-01-01 (ROC year 1)"
	case happened && t.After(latest(now, true)):
		return "must not be in the future"
	case t.After(latest(now, false)):
		return fmt.Sprintf("must not be more than %d years ahead", MaxYearsAhead)
	}
	return ""
}

// checkTime adds field's problem with the client time t to f, if any.
func checkTime(f Fields, field string, t, now time.Time, happened bool) {
	if msg := TimeProblem(t, now, happened); msg != "" {
		f.Add(field, msg)
	}
}

// LatestYear is the last year a client may name at now (in loc).
func LatestYear(now time.Time, loc *time.Location) int {
	return now.In(loc).Year() + MaxYearsAhead
}

// YearProblem says what is wrong with the client year y at now (in loc), or
// "" when it is within bounds.
func YearProblem(y int, now time.Time, loc *time.Location) string {
	if last := LatestYear(now, loc); y < EarliestYear || y > last {
		return fmt.Sprintf("must be a year from %d to %d", EarliestYear, last)
	}
	return ""
}

// checkYear adds field's problem with the client year y to f, if any.
func checkYear(f Fields, field string, y int, now time.Time, loc *time.Location) {
	if msg := YearProblem(y, now, loc); msg != "" {
		f.Add(field, msg)
	}
}

// queryTime checks a time given as a query parameter: out of bounds is a
// validation_failed naming the parameter, as the same time in a body would
// be (a parameter that is not a time at all stays a bad_request).
func queryTime(name string, t *time.Time, now time.Time) error {
	if t == nil {
		return nil
	}
	if msg := TimeProblem(*t, now, false); msg != "" {
		return Invalid(name, msg)
	}
	return nil
}

// queryYear checks a year given as a query parameter, as queryTime a time.
func queryYear(name string, y int, now time.Time, loc *time.Location) error {
	if msg := YearProblem(y, now, loc); msg != "" {
		return Invalid(name, msg)
	}
	return nil
}

// dateProblem checks a calendar date (YYYY-MM-DD, a day in the office time
// zone loc) by the same rule; a date that is not well-formed is left to the
// caller's own check.
func dateProblem(date string, now time.Time, loc *time.Location, happened bool) string {
	d, err := time.ParseInLocation(time.DateOnly, date, loc)
	switch {
	case err != nil:
		return ""
	case d.Year() < EarliestYear:
		return "must not be before 1912-01-01 (ROC year 1)"
	case happened && d.After(now):
		// A date records a whole day: today is not in the future.
		return "must not be in the future"
	case d.After(latest(now, false)):
		return fmt.Sprintf("must not be more than %d years ahead", MaxYearsAhead)
	}
	return ""
}

package reports

import "time"

// Default handling deadlines (ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS and
// ETHICSOPS_REPORTS_ASSESS_DAYS): the reporter hears from the office within
// ten working days, and the report is assessed within thirty calendar days.
const (
	DefaultFirstAnswerDays = 10
	DefaultAssessDays      = 30
	// MaxDeadlineDays bounds both settings (1..365).
	MaxDeadlineDays = 365
)

// Deadlines are the two handling deadlines of one report.
type Deadlines struct {
	// FirstAnswer is the end of the last working day on which the first
	// answer to the reporter is due.
	FirstAnswer time.Time
	// Assessment is the end of the last calendar day on which the
	// assessment is due.
	Assessment time.Time
}

// DeadlinesFor computes the deadlines of a report received at received:
// the first answer is due by the end of the firstAnswerDays-th working day
// after the day of reception, the assessment by the end of the
// assessDays-th calendar day after it, both days in loc (the office time
// zone); the times are in UTC, as stored. Working days are Monday to Friday: public holidays and make-up
// working days are not known to the service, so a deadline that falls
// after a holiday comes that much early, never late. Days below 1 mean the
// defaults.
func DeadlinesFor(received time.Time, loc *time.Location, firstAnswerDays, assessDays int) Deadlines {
	if loc == nil {
		loc = time.UTC
	}
	if firstAnswerDays < 1 {
		firstAnswerDays = DefaultFirstAnswerDays
	}
	if assessDays < 1 {
		assessDays = DefaultAssessDays
	}
	r := received.In(loc)
	day := time.Date(r.Year(), r.Month(), r.Day(), 0, 0, 0, 0, loc)
	first := day
	for n := 0; n < firstAnswerDays; {
		first = first.AddDate(0, 0, 1)
		if wd := first.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return Deadlines{FirstAnswer: endOfDay(first), Assessment: endOfDay(day.AddDate(0, 0, assessDays))}
}

// endOfDay is the last instant of the local day starting at midnight d, in
// UTC as every stored time: a deadline "by 12 December" still holds at
// 23:59 that day.
func endOfDay(d time.Time) time.Time {
	return d.AddDate(0, 0, 1).Add(-time.Microsecond).UTC()
}

// deadlines are the deadlines of a report received at received under this
// service's settings (Options.FirstAnswerDays, Options.AssessDays).
func (s *Service) deadlines(received time.Time) Deadlines {
	return DeadlinesFor(received, s.loc, s.opts.FirstAnswerDays, s.opts.AssessDays)
}

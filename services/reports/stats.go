package reports

import (
	"context"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// StatsFilter bounds the statistics to the reports received in the years
// From..To (office time zone); 0 leaves a bound open.
type StatsFilter struct {
	From, To int
}

// YearCount is the number of reports of one year, state and channel.
type YearCount struct {
	Year    int
	State   string
	Channel string
	Count   int
}

// Stats are counts of reports, for the 廉政會報 and the yearly analysis:
// nothing of a report's content, no ids.
type Stats struct {
	ByState   map[string]int
	ByChannel map[string]int
	Years     []YearCount
	// Overdue counts the open reports whose next deadline has passed.
	Overdue int
	Total   int
}

// MinStatsYear and MaxStatsYear bound the years asked for.
const (
	MinStatsYear = 2000
	MaxStatsYear = 2200
)

// Stats counts the reports received in the years of f, every report
// included (a handler excluded from some still sees how many there are,
// never which). Who: managers, admins and report handlers.
// Errors: forbidden, validation_failed (year, from, to).
func (s *Service) Stats(ctx context.Context, actor services.Actor, f StatsFilter) (Stats, error) {
	if !actor.Is(models.RoleManager, models.RoleAdmin) {
		if _, err := s.handler(ctx, actor); err != nil {
			return Stats{}, services.Forbidden("the report statistics are for managers, admins and report handlers")
		}
	}
	fs := services.Fields{}
	if f.From != 0 && (f.From < MinStatsYear || f.From > MaxStatsYear) {
		fs.Add("from", "must be a year between 2000 and 2200")
	}
	if f.To != 0 && (f.To < MinStatsYear || f.To > MaxStatsYear) {
		fs.Add("to", "must be a year between 2000 and 2200")
	}
	if f.From != 0 && f.To != 0 && f.To < f.From {
		fs.Add("to", "is before from")
	}
	if err := fs.Err(); err != nil {
		return Stats{}, err
	}
	return s.CountYears(ctx, f)
}

// CountYears is Stats without the caller's check, for the yearly analysis
// whose own rules decide who reads it.
func (s *Service) CountYears(ctx context.Context, f StatsFilter) (Stats, error) {
	st := Stats{ByState: map[string]int{}, ByChannel: map[string]int{}, Years: []YearCount{}}
	for _, v := range models.ReportStates {
		st.ByState[v] = 0
	}
	for _, v := range models.ReportChannels {
		st.ByChannel[v] = 0
	}
	base := func() *gorm.DB {
		q := s.db.WithContext(ctx).Model(&models.Report{})
		if f.From != 0 {
			q = q.Where("year >= ?", f.From)
		}
		if f.To != 0 {
			q = q.Where("year <= ?", f.To)
		}
		return q
	}
	var rows []struct {
		Year    int
		State   string
		Channel string
		N       int
	}
	if err := base().Select("year, state, channel, COUNT(*) AS n").Group("year, state, channel").
		Order("year, state, channel").Scan(&rows).Error; err != nil {
		return st, err
	}
	for _, r := range rows {
		st.Years = append(st.Years, YearCount{Year: r.Year, State: r.State, Channel: r.Channel, Count: r.N})
		st.ByState[r.State] += r.N
		st.ByChannel[r.Channel] += r.N
		st.Total += r.N
	}
	var overdue int64
	if err := base().Where("state IN ('received', 'assessing') AND "+nextDueExpr+" < ?", s.now().UTC()).
		Count(&overdue).Error; err != nil {
		return st, err
	}
	st.Overdue = int(overdue)
	return st, nil
}

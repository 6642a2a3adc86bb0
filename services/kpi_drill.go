package services

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
)

// KPI report groupings (GET /kpis?group=).
const (
	GroupUnit  = "unit"
	GroupMonth = "month"
)

// KPIGroup is one part of a KPI's number: one unit's or one month's.
//
// For a count: Actual and Reviewed are the part's completed records and the
// approved ones among them. By unit, Target is nil: the plan's targets are
// the office's, not split among agencies and schools (no share would be
// more than a guess). By month, Cumulative is January to the month's end,
// and ExpectedToDate the year's target pro-rated to the month's end (the
// pace line the cumulative count is held against).
//
// For the on-time rate: Numerator and Denominator are the part's on-time
// and due filings and Actual their rate (nil when nothing is due); Target
// is the year's target, which a rate sets for every unit and month alike,
// and ExpectedToDate is that target too (a rate is not pro-rated).
type KPIGroup struct {
	Key            string // unit id, or "YYYY-MM"
	Label          string // unit name, or "115年3月"
	Actual         *float64
	Reviewed       *int64
	Target         *float64
	ExpectedToDate *float64
	Cumulative     *float64
	Numerator      *int64
	Denominator    *int64
}

// DeclarationGroups gives the on-time filings and the filings due of a year
// by unit or by month of the due date: the property-declaration KPI's
// groups. The DeclarationService is one.
type DeclarationGroups interface {
	OnTimeBy(ctx context.Context, year int, unitID, group string) (map[string]models.OnTimeCounts, error)
}

// rollupCells sums the rollups of the years of f by KPI and month (group
// month) or by KPI, unit and year (group unit; Month is then the year's
// January): the database adds up the cells of one range scan of the
// rollups' primary key, and no activity is read.
func (s *KPIService) rollupCells(ctx context.Context, f KPIFilter) ([]models.KPIRollup, error) {
	sum := func(from, to int, keys string) ([]models.KPIRollup, error) {
		q := s.db.WithContext(ctx).Model(&models.KPIRollup{}).
			Select(keys+", SUM(total) AS total, SUM(reviewed) AS reviewed").
			Where("month BETWEEN ? AND ?", from, to)
		if f.UnitID != "" {
			q = q.Where("unit_id = ?", f.UnitID)
		}
		var rows []models.KPIRollup
		return rows, q.Group(keys).Scan(&rows).Error
	}
	if f.Group == GroupMonth {
		return sum(f.From*100+1, f.To*100+12, "month, code") // the primary key's order
	}
	var out []models.KPIRollup
	for y := f.From; y <= f.To; y++ {
		rows, err := sum(y*100+1, y*100+12, "code, unit_id")
		if err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i].Month = y*100 + 1
		}
		out = append(out, rows...)
	}
	return out, nil
}

// unitNames maps unit ids to names: every unit, or the one of unitID.
func (s *KPIService) unitNames(ctx context.Context, unitID string) ([]models.Unit, error) {
	q := s.db.WithContext(ctx).Select("id", "name", "code")
	if unitID != "" {
		q = q.Where("id = ?", unitID)
	}
	var units []models.Unit
	return units, q.Order("code").Find(&units).Error
}

// MonthLabel is a month as the office writes it: 115年3月.
func MonthLabel(year, month int) string { return fmt.Sprintf("%d年%d月", ROCYear(year), month) }

// addGroups fills the groups of every KPI of reps (the reports of f).
func (s *KPIService) addGroups(ctx context.Context, f KPIFilter, reps []KPIReport) error {
	cells, err := s.rollupCells(ctx, f)
	if err != nil {
		return err
	}
	var units []models.Unit
	if f.Group == GroupUnit {
		if units, err = s.unitNames(ctx, f.UnitID); err != nil {
			return err
		}
	}
	for i := range reps {
		rep := &reps[i]
		// counts[code][key]
		counts := map[string]map[string]cellCount{}
		for _, c := range cells {
			if c.Month/100 != rep.Year {
				continue
			}
			key := c.UnitID
			if f.Group == GroupMonth {
				key = fmt.Sprintf("%04d-%02d", rep.Year, c.Month%100)
			}
			if counts[c.Code] == nil {
				counts[c.Code] = map[string]cellCount{}
			}
			cc := counts[c.Code][key]
			cc.total += c.Total
			cc.reviewed += c.Reviewed
			counts[c.Code][key] = cc
		}
		for k := range rep.KPIs {
			v := &rep.KPIs[k]
			var groups []KPIGroup
			if v.Unit == UnitPercent {
				if groups, err = s.rateGroups(ctx, f, rep.Year, v.Target, units); err != nil {
					return err
				}
			} else if f.Group == GroupUnit {
				groups = countGroupsByUnit(counts[v.Code], units)
			} else {
				groups = s.countGroupsByMonth(counts[v.Code], rep.Year, v.KPIDef, v.Target)
			}
			v.Groups = groups
		}
	}
	return nil
}

func countGroupsByUnit(counts map[string]cellCount, units []models.Unit) []KPIGroup {
	out := make([]KPIGroup, 0, len(units))
	known := map[string]bool{}
	add := func(id, label string) {
		c := counts[id]
		a, r := float64(c.total), c.reviewed
		out = append(out, KPIGroup{Key: id, Label: label, Actual: &a, Reviewed: &r})
	}
	for _, u := range units {
		known[u.ID] = true
		add(u.ID, u.Name)
	}
	// A count of a unit that is no longer listed still belongs to the total.
	var rest []string
	for id, c := range counts {
		if !known[id] && c.total != 0 {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		add(id, id)
	}
	// The largest share first; equal ones in the units' order.
	sort.SliceStable(out, func(i, j int) bool { return *out[i].Actual > *out[j].Actual })
	return out
}

func (s *KPIService) countGroupsByMonth(counts map[string]cellCount, year int, def KPIDef, target *float64) []KPIGroup {
	out := make([]KPIGroup, 0, 12)
	var cum float64
	for m := 1; m <= 12; m++ {
		key := fmt.Sprintf("%04d-%02d", year, m)
		c := counts[key]
		a, r := float64(c.total), c.reviewed
		cum += a
		cumulative := cum
		g := KPIGroup{Key: key, Label: MonthLabel(year, m), Actual: &a, Reviewed: &r, Cumulative: &cumulative}
		if target != nil {
			monthEnd := time.Date(year, time.Month(m)+1, 1, 0, 0, 0, 0, s.loc)
			e := ExpectedToDate(def, *target, YearFraction(monthEnd, year, s.loc))
			g.ExpectedToDate = &e
		}
		out = append(out, g)
	}
	return out
}

// rateGroups are the on-time rate's groups, from the declaration roster's
// aggregate by unit or by month of the due date.
func (s *KPIService) rateGroups(ctx context.Context, f KPIFilter, year int, target *float64, units []models.Unit) ([]KPIGroup, error) {
	by, ok := s.rates.(DeclarationGroups)
	if !ok {
		return []KPIGroup{}, nil
	}
	counts, err := by.OnTimeBy(ctx, year, f.UnitID, f.Group)
	if err != nil {
		return nil, err
	}
	group := func(key, label string) KPIGroup {
		c := counts[key]
		num, den := c.OnTime, c.Due
		g := KPIGroup{Key: key, Label: label, Actual: Rate(num, den), Numerator: &num, Denominator: &den, Target: target}
		if f.Group == GroupMonth {
			g.Target, g.ExpectedToDate = nil, target
		}
		return g
	}
	var out []KPIGroup
	if f.Group == GroupMonth {
		for m := 1; m <= 12; m++ {
			out = append(out, group(fmt.Sprintf("%04d-%02d", year, m), MonthLabel(year, m)))
		}
		return out, nil
	}
	known := map[string]bool{}
	for _, u := range units {
		known[u.ID] = true
		out = append(out, group(u.ID, u.Name))
	}
	var rest []string
	for id := range counts {
		if !known[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		out = append(out, group(id, id))
	}
	return out, nil
}

// KPIRecordFilter selects the records of one KPI: a year (0: this year in
// the office time zone), optionally one unit, and a page.
type KPIRecordFilter struct {
	Year   int
	UnitID string
	Limit  int
	Cursor string
}

// KPIRecords is a page of the records behind a KPI's number, and how many
// there are in all (the number the report shows).
type KPIRecords struct {
	Page[models.Activity]
	Def   KPIDef
	Year  int
	Total int64
}

// KPIActivityRule says which records count toward a KPI (the inverse of
// KPIForActivity): their kinds, and a scale when only one scale counts.
func KPIActivityRule(code string) (kinds []string, scale string, ok bool) {
	for _, kind := range models.ActivityKinds {
		counted, large, regular := false, false, false
		for _, sc := range []string{"", "large", "regular"} {
			if c, counts := KPIForActivity(kind, sc); counts && c == code {
				counted = true
				large = large || sc == "large"
				regular = regular || sc == "regular"
			}
		}
		if counted {
			kinds = append(kinds, kind)
			if large && !regular {
				scale = "large"
			}
		}
	}
	return kinds, scale, len(kinds) > 0
}

// Records lists the records that make a KPI's number for a year (and
// optionally a unit), in the order of completion: completed, not deleted,
// of the KPI's kinds (outreach events: large only), completed within the
// year in the office time zone. These are exactly the records the rollups
// count (keyOf), read from the activities table. Total is their number,
// the report's actual for the same year and unit.
// Informational lines: opinion_visits lists its records like any counted
// KPI; ethics_registrations and early_warnings_submitted count registers,
// not records, and answer validation_failed naming code.
// Errors: ErrForbidden (not manager/admin), ErrNotFound (no such KPI),
// validation_failed (the on-time rate, which counts declarations, not
// records; an informational line of a register; year out of bounds), bad_request (limit, cursor), conflict
// (rollups of another time zone, as the report).
func (s *KPIService) Records(ctx context.Context, actor Actor, code string, f KPIRecordFilter) (KPIRecords, error) {
	var zero KPIRecords
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return zero, Forbidden("only managers and admins see KPI reports")
	}
	def, ok := kpiDef(code)
	if !ok {
		return zero, NotFound("KPI")
	}
	switch def.Code {
	case KPIEthicsRegistrations:
		return zero, Invalid("code", "counts the ethics-code register, not field records: see GET /ethics-registrations?year=")
	case KPIEarlyWarnings:
		return zero, Invalid("code", "counts early warnings, not field records: see GET /early-warnings?year=")
	}
	if def.Unit == UnitPercent {
		return zero, Invalid("code", "is the on-time rate of the property-declaration roster, which counts declarations, not records: see GET /declarations?year=")
	}
	kinds, scale, _ := KPIActivityRule(code)
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return zero, err
	}
	now := s.now()
	if f.Year == 0 {
		f.Year = now.In(s.loc).Year()
	}
	if msg := YearProblem(f.Year, now, s.loc); msg != "" {
		return zero, Invalid("year", fmt.Sprintf("%s (ROC %d to %d)", msg, ROCYear(EarliestYear), ROCYear(LatestYear(now, s.loc))))
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return zero, err
	}
	if err := s.checkTimezone(ctx); err != nil {
		return zero, err
	}
	start, end := YearBounds(f.Year, s.loc)
	counted := func() *gorm.DB {
		q := s.db.WithContext(ctx).Model(&models.Activity{}).
			Where("status = ? AND deleted_at IS NULL AND completed_at >= ? AND completed_at < ? AND kind IN ?",
				models.ActivityCompleted, start.UTC(), end.UTC(), kinds)
		if scale != "" {
			q = q.Where("scale = ?", scale)
		}
		if f.UnitID != "" {
			q = q.Where("unit_id = ?", f.UnitID)
		}
		return q
	}
	out := KPIRecords{Def: def, Year: f.Year}
	// The total is the report's own number, from the rollups (a COUNT over
	// the records would read every one of them on each page); that it
	// equals the records listed is what the rollups promise, checked by
	// `ethicsops kpi verify` and by the demo test.
	tq := s.db.WithContext(ctx).Model(&models.KPIRollup{}).Select("COALESCE(SUM(total), 0)").
		Where("code = ? AND month BETWEEN ? AND ?", code, f.Year*100+1, f.Year*100+12)
	if f.UnitID != "" {
		tq = tq.Where("unit_id = ?", f.UnitID)
	}
	if err := tq.Scan(&out.Total).Error; err != nil {
		return zero, err
	}
	q, err := afterTimeCursor(counted(), cur, "completed_at", false)
	if err != nil {
		return zero, err
	}
	var rows []models.Activity
	if err := q.Order("completed_at, id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return zero, err
	}
	if err := withOwnerNames(s.db.WithContext(ctx), rows); err != nil {
		return zero, err
	}
	out.Page = pageOf(rows, limit, func(a models.Activity) Cursor { return timeCursor(*a.CompletedAt, a.ID) })
	return out, nil
}

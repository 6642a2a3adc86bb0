package services

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"ethicsops/models"
)

// The yearly analysis (政風狀況整體分析評估): per agency (unit) and for the
// office, the year's ethics-code registrations, early warnings, opinion
// visits, procurement supervisions and KPI counts. Each section is one
// aggregate query over indexed columns (or the KPI rollups), so that the
// analysis costs the same at 100,000 registrations as at 100:
//
//   - registrations: their cells in the KPI rollups (kpi_info.go), by the
//     month of event_date: the same year rule as the register's filter;
//   - early warnings: GROUP BY unit, risk area, status over the year the
//     warning is listed under (its indexed year column);
//   - opinion visits and procurement supervisions: the completed records of
//     the year (completed_at in the office time zone, the rule of the KPI
//     counts) through idx_activities_kpi; their questionnaire and
//     deficiencies live in the JSON part, so those few hundred rows are
//     decoded here rather than summed in SQL;
//   - KPI lines: the same rollups of the year's months by code and unit.

// RegistrationTally counts a year's registrations.
type RegistrationTally struct {
	Total  int64
	Late   int64
	ByType map[string]int64 // every registration type, zero included
}

// WarningTally counts a year's early warnings.
type WarningTally struct {
	Total      int64
	ByRiskArea map[string]int64 // every risk area, zero included
	ByStatus   map[string]int64 // every status, zero included
}

// VisitTally sums a year's completed opinion visits.
type VisitTally struct {
	Completed   int64
	Respondents int64
	// Answered counts the visits with a questionnaire (every completed one
	// since completing requires it; older rows may lack it).
	Answered                    int64
	integritySum, efficiencySum int64
	asked, knows                int64
	// AvgIntegrity and AvgEfficiency are the mean scores (1–5) over the
	// answered visits; nil without any.
	AvgIntegrity, AvgEfficiency *float64
	// AskedForFavoursPct and KnowsHowToReportPct are the shares (0–100) of
	// answered visits where someone was asked for money, gifts or favours,
	// and where the respondents knew how to report; nil without any.
	AskedForFavoursPct, KnowsHowToReportPct *float64
}

// ProcurementTally sums a year's completed procurement supervisions.
type ProcurementTally struct {
	Completed        int64
	WithDeficiencies int64
	Corrected        int64 // of WithDeficiencies, those marked corrected
	// CorrectionPct is Corrected ÷ WithDeficiencies × 100; nil without any
	// deficiency.
	CorrectionPct *float64
}

// AnalysisSection is one agency's (or the office's) figures.
type AnalysisSection struct {
	UnitID, UnitCode, UnitName string
	Registrations              RegistrationTally
	Warnings                   WarningTally
	Visits                     VisitTally
	Procurement                ProcurementTally
	// KPICounts are the year's completed records by KPI code (the counted
	// KPIs of the catalogue, zero included).
	KPICounts map[string]int64
}

// Analysis is the yearly analysis.
type Analysis struct {
	Year, ROCYear int
	Timezone      string
	AsOf          time.Time
	// Units are every unit (by code), then any unit id that has figures but
	// no unit row (a deleted unit), by id.
	Units []AnalysisSection
	// Office sums the units; KPIs are the report's lines of the year with
	// their targets, the informational ones last.
	Office AnalysisSection
	KPIs   []KPIValue
	Stamp  ExportStamp
}

// AnalysisFilter names the year: Year (Gregorian) or ROCYear (民國), not
// both; neither is this year in the office time zone.
type AnalysisFilter struct {
	Year, ROCYear int
}

// Analysis computes the yearly analysis.
// Errors: ErrForbidden (not manager/admin), bad_request (both year and
// roc_year), validation_failed (a year out of bounds), conflict (rollups of
// another time zone).
func (s *KPIService) Analysis(ctx context.Context, actor Actor, f AnalysisFilter) (Analysis, error) {
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return Analysis{}, Forbidden("only managers and admins see the yearly analysis")
	}
	now := s.now()
	year := now.In(s.loc).Year()
	switch {
	case f.Year != 0 && f.ROCYear != 0:
		return Analysis{}, BadRequest("give year or roc_year, not both")
	case f.ROCYear != 0:
		year = FromROCYear(f.ROCYear)
		if err := queryYear("roc_year", year, now, s.loc); err != nil {
			return Analysis{}, err
		}
	case f.Year != 0:
		year = f.Year
		if err := queryYear("year", year, now, s.loc); err != nil {
			return Analysis{}, err
		}
	}
	reps, err := s.Report(ctx, actor, KPIFilter{From: year, To: year})
	if err != nil {
		return Analysis{}, err
	}
	out := Analysis{Year: year, ROCYear: ROCYear(year), Timezone: s.loc.String(), AsOf: now, KPIs: append(reps[0].KPIs, reps[0].Informational...)}
	sections := map[string]*AnalysisSection{}
	sec := func(unitID string) *AnalysisSection {
		if p := sections[unitID]; p != nil {
			return p
		}
		p := newSection(unitID)
		sections[unitID] = p
		return p
	}
	units, err := s.unitNames(ctx, "")
	if err != nil {
		return Analysis{}, err
	}
	for _, u := range units {
		p := sec(u.ID)
		p.UnitCode, p.UnitName = u.Code, u.Name
	}
	db := s.db.WithContext(ctx)

	var warns []struct {
		UnitID   string
		RiskArea string
		Status   string
		N        int64
	}
	if err := db.Model(&models.EarlyWarning{}).
		Select("unit_id, risk_area, status, COUNT(*) AS n").
		Where("year = ?", year).
		Group("unit_id, risk_area, status").Scan(&warns).Error; err != nil {
		return Analysis{}, err
	}
	for _, w := range warns {
		t := &sec(w.UnitID).Warnings
		t.Total += w.N
		t.ByRiskArea[w.RiskArea] += w.N
		t.ByStatus[w.Status] += w.N
	}

	start, end := YearBounds(year, s.loc)
	var acts []models.Activity
	if err := db.Select("id, kind, unit_id, details").
		Where("kind IN ? AND status = ? AND completed_at >= ? AND completed_at < ? AND deleted_at IS NULL",
			[]string{models.KindOpinionVisit, models.KindProcurementSupervision}, models.ActivityCompleted, start.UTC(), end.UTC()).
		Find(&acts).Error; err != nil {
		return Analysis{}, err
	}
	for _, a := range acts {
		// Only the fields summed here: decoding whole parts took twice as long.
		var d struct {
			Procurement *struct {
				Deficiencies []string `json:"deficiencies"`
				Corrected    bool     `json:"corrected"`
			} `json:"procurement"`
			OpinionVisit *OpinionVisit `json:"opinion_visit"`
		}
		_ = json.Unmarshal([]byte(a.Details), &d)
		p := sec(a.UnitID)
		switch a.Kind {
		case models.KindOpinionVisit:
			addVisit(&p.Visits, d.OpinionVisit)
		case models.KindProcurementSupervision:
			p.Procurement.Completed++
			if d.Procurement != nil && len(d.Procurement.Deficiencies) > 0 {
				p.Procurement.WithDeficiencies++
				if d.Procurement.Corrected {
					p.Procurement.Corrected++
				}
			}
		}
	}

	var rolls []struct {
		UnitID string
		Code   string
		N      int64
	}
	if err := db.Model(&models.KPIRollup{}).Select("unit_id, code, SUM(total) AS n").
		Where("month BETWEEN ? AND ?", year*100+1, year*100+12).
		Group("unit_id, code").Scan(&rolls).Error; err != nil {
		return Analysis{}, err
	}
	for _, r := range rolls {
		if r.N == 0 {
			continue
		}
		p := sec(r.UnitID)
		switch {
		case r.Code == CodeRegistrationsLate:
			p.Registrations.Late += r.N
		case strings.HasPrefix(r.Code, codeRegistrationPrefix):
			p.Registrations.ByType[strings.TrimPrefix(r.Code, codeRegistrationPrefix)] += r.N
			p.Registrations.Total += r.N
		default:
			if _, counted := p.KPICounts[r.Code]; counted {
				p.KPICounts[r.Code] += r.N
			}
		}
	}

	known := map[string]bool{}
	for _, u := range units {
		known[u.ID] = true
		out.Units = append(out.Units, *sections[u.ID])
	}
	var orphans []string
	for id := range sections {
		if !known[id] {
			orphans = append(orphans, id)
		}
	}
	sort.Strings(orphans)
	for _, id := range orphans {
		out.Units = append(out.Units, *sections[id])
	}
	office := newSection("")
	for i := range out.Units {
		u := &out.Units[i]
		finishTallies(u)
		addSection(office, u)
	}
	finishTallies(office)
	out.Office = *office

	n, err := names(ctx, s.db, []string{actor.UserID})
	if err != nil {
		return Analysis{}, err
	}
	out.Stamp = stamp(s.now, s.loc, n, actor)
	return out, nil
}

func newSection(unitID string) *AnalysisSection {
	p := &AnalysisSection{UnitID: unitID, KPICounts: map[string]int64{},
		Registrations: RegistrationTally{ByType: map[string]int64{}},
		Warnings:      WarningTally{ByRiskArea: map[string]int64{}, ByStatus: map[string]int64{}}}
	for _, t := range models.RegistrationTypes {
		p.Registrations.ByType[t] = 0
	}
	for _, r := range models.EarlyWarningRiskAreas {
		p.Warnings.ByRiskArea[r] = 0
	}
	for _, st := range models.EarlyWarningStatuses {
		p.Warnings.ByStatus[st] = 0
	}
	for _, d := range KPICatalogue {
		if d.Unit == UnitCount {
			p.KPICounts[d.Code] = 0
		}
	}
	return p
}

func addVisit(t *VisitTally, v *OpinionVisit) {
	t.Completed++
	if v == nil {
		return
	}
	if v.Respondents != nil {
		t.Respondents += int64(v.Respondents.Count)
	}
	q := v.Questionnaire
	if q == nil {
		return
	}
	t.Answered++
	t.integritySum += int64(q.IntegrityScore)
	t.efficiencySum += int64(q.EfficiencyScore)
	if q.AskedForFavours != nil && *q.AskedForFavours {
		t.asked++
	}
	if q.KnowsHowToReport != nil && *q.KnowsHowToReport {
		t.knows++
	}
}

// addSection adds u's counts into sum (the office's).
func addSection(sum, u *AnalysisSection) {
	r := &sum.Registrations
	r.Total += u.Registrations.Total
	r.Late += u.Registrations.Late
	for k, v := range u.Registrations.ByType {
		r.ByType[k] += v
	}
	w := &sum.Warnings
	w.Total += u.Warnings.Total
	for k, v := range u.Warnings.ByRiskArea {
		w.ByRiskArea[k] += v
	}
	for k, v := range u.Warnings.ByStatus {
		w.ByStatus[k] += v
	}
	v := &sum.Visits
	v.Completed += u.Visits.Completed
	v.Respondents += u.Visits.Respondents
	v.Answered += u.Visits.Answered
	v.integritySum += u.Visits.integritySum
	v.efficiencySum += u.Visits.efficiencySum
	v.asked += u.Visits.asked
	v.knows += u.Visits.knows
	p := &sum.Procurement
	p.Completed += u.Procurement.Completed
	p.WithDeficiencies += u.Procurement.WithDeficiencies
	p.Corrected += u.Procurement.Corrected
	for k, n := range u.KPICounts {
		sum.KPICounts[k] += n
	}
}

// finishTallies computes the averages and shares from the sums.
func finishTallies(p *AnalysisSection) {
	v := &p.Visits
	if v.Answered > 0 {
		n := float64(v.Answered)
		v.AvgIntegrity = ptrf(round2(float64(v.integritySum) / n))
		v.AvgEfficiency = ptrf(round2(float64(v.efficiencySum) / n))
		v.AskedForFavoursPct = ptrf(round2(float64(v.asked) * 100 / n))
		v.KnowsHowToReportPct = ptrf(round2(float64(v.knows) * 100 / n))
	}
	pr := &p.Procurement
	if pr.WithDeficiencies > 0 {
		pr.CorrectionPct = ptrf(round2(float64(pr.Corrected) * 100 / float64(pr.WithDeficiencies)))
	}
}

func ptrf(f float64) *float64 { return &f }

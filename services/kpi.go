package services

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// MaxKPIRangeYears is the longest range a report may span.
const MaxKPIRangeYears = 10

// KPIService reports the plan's KPIs against their targets and keeps the
// rollup counts the reports read.
type KPIService struct {
	db    *gorm.DB
	now   Clock
	loc   *time.Location
	rates DeclarationRates
	// volunteers gives the informational volunteer line (nil: none).
	volunteers *VolunteerService
}

// DeclarationRates gives the on-time filings, the filings due and their rate
// for a year (and optionally a unit): the property-declaration KPI. The
// DeclarationService is one.
type DeclarationRates interface {
	OnTimeRate(ctx context.Context, year int, unitID string) (onTime, due int, rate *float64, err error)
}

// NewKPIService builds the service; rates may be nil until declarations exist.
func NewKPIService(db *gorm.DB, now Clock, loc *time.Location, rates DeclarationRates) *KPIService {
	return &KPIService{db: db, now: now, loc: loc, rates: rates}
}

// KPIValue is one KPI of one year's report.
type KPIValue struct {
	KPIDef
	Target *float64
	Actual *float64 // nil for a rate with nothing due yet
	// Reviewed is how many of the records counted in Actual a manager has
	// approved (nil for the rate, which counts no records).
	Reviewed       *int64
	Numerator      *int64
	Denominator    *int64
	Achieved       bool
	ExpectedToDate *float64 // only for the year in progress
	OnTrack        *bool    // only for the year in progress
	// Groups are the parts of the number by unit or month, when the
	// filter's Group asks for them (kpi_drill.go).
	Groups []KPIGroup
}

// KPIReport is the report of one year.
type KPIReport struct {
	Year     int
	ROCYear  int
	Timezone string
	AsOf     time.Time
	KPIs     []KPIValue
	// Informational are the lines beside the plan's KPIs (InformationalKPIs),
	// with a target only where an admin set one. Not frozen by closing a
	// year: they are not the numbers reported against the plan.
	Informational []KPIValue
	// Volunteers is informational, without a target: volunteers who attended
	// outreach events of the year and their hours (see VolunteerService).
	Volunteers YearTotal
	// Closed is set while the year is closed (periods.go): its numbers are
	// the ones reported and no write can change them.
	Closed *ClosedYear
}

// KPIFilter selects the years (From..To inclusive; both zero: this year in
// the office time zone) and optionally one unit.
type KPIFilter struct {
	From, To int
	UnitID   string
	// Group adds each KPI's parts: "" none, GroupUnit or GroupMonth.
	Group string
}

// Report computes the report of every year of f, reading only the rollups,
// the targets and the declaration roster's aggregate.
// Errors: ErrForbidden (not manager/admin), bad_request (range), conflict
// (rollups built for another time zone: run `ethicsops kpi rebuild`).
func (s *KPIService) Report(ctx context.Context, actor Actor, f KPIFilter) ([]KPIReport, error) {
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return nil, Forbidden("only managers and admins see KPI reports")
	}
	now := s.now()
	if f.From == 0 && f.To == 0 {
		f.From = now.In(s.loc).Year()
		f.To = f.From
	}
	if f.To < f.From {
		return nil, BadRequest("to must not be before from")
	}
	if f.To-f.From+1 > MaxKPIRangeYears {
		return nil, BadRequest("a KPI range spans at most %d years", MaxKPIRangeYears)
	}
	if f.Group != "" && f.Group != GroupUnit && f.Group != GroupMonth {
		return nil, BadRequest("group must be unit or month")
	}
	bounds := Fields{}
	for _, y := range []struct {
		field string
		year  int
	}{{"from", f.From}, {"to", f.To}} {
		if f.From == f.To {
			y.field = "year"
		}
		if msg := YearProblem(y.year, now, s.loc); msg != "" {
			bounds.Add(y.field, fmt.Sprintf("%s (ROC %d to %d)", msg, ROCYear(EarliestYear), ROCYear(LatestYear(now, s.loc))))
		}
	}
	if err := bounds.Err(); err != nil {
		return nil, err
	}
	if err := s.checkTimezone(ctx); err != nil {
		return nil, err
	}
	counts, err := s.rollupCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	targets, err := s.targets(ctx, f.From, f.To)
	if err != nil {
		return nil, err
	}
	closed, err := s.closedYears(ctx, f.From, f.To)
	if err != nil {
		return nil, err
	}
	var reports []KPIReport
	for year := f.From; year <= f.To; year++ {
		rep := KPIReport{Year: year, ROCYear: ROCYear(year), Timezone: s.loc.String(), AsOf: now, Closed: closed[year]}
		fraction := YearFraction(now, year, s.loc)
		inProgress := fraction > 0 && fraction < 1
		for _, def := range KPICatalogue {
			v := KPIValue{KPIDef: def}
			if t, ok := targets[year][def.Code]; ok {
				v.Target = &t
			}
			if def.Unit == UnitPercent {
				var onTime, due int
				if s.rates != nil {
					if onTime, due, v.Actual, err = s.rates.OnTimeRate(ctx, year, f.UnitID); err != nil {
						return nil, err
					}
				}
				num, den := int64(onTime), int64(due)
				v.Numerator, v.Denominator = &num, &den
			} else {
				c := counts[year][def.Code]
				a, r := float64(c.total), c.reviewed
				v.Actual, v.Reviewed = &a, &r
			}
			judge(&v, inProgress, fraction)
			rep.KPIs = append(rep.KPIs, v)
		}
		for _, def := range InformationalKPIs {
			v := KPIValue{KPIDef: def}
			if t, ok := targets[year][def.Code]; ok {
				v.Target = &t
			}
			var a float64
			switch def.Code {
			case KPIEthicsRegistrations:
				for _, t := range models.RegistrationTypes {
					a += float64(counts[year][RegistrationCode(t)].total)
				}
			case KPIEarlyWarnings:
				n, err := s.submittedWarnings(ctx, year, f.UnitID)
				if err != nil {
					return nil, err
				}
				a = float64(n)
			default:
				c := counts[year][def.Code]
				a = float64(c.total)
				r := c.reviewed
				v.Reviewed = &r
			}
			v.Actual = &a
			judge(&v, inProgress, fraction)
			rep.Informational = append(rep.Informational, v)
		}
		if s.volunteers != nil {
			if rep.Volunteers, err = s.volunteers.YearTotal(ctx, year, f.UnitID); err != nil {
				return nil, err
			}
		}
		reports = append(reports, rep)
	}
	if f.Group != "" {
		if err := s.addGroups(ctx, f, reports); err != nil {
			return nil, err
		}
	}
	return reports, nil
}

// judge sets whether v reached its target, and for the year in progress
// (fraction of it elapsed) whether it is on track.
func judge(v *KPIValue, inProgress bool, fraction float64) {
	if v.Target != nil && v.Actual != nil {
		v.Achieved = *v.Actual >= *v.Target
	}
	if inProgress && v.Target != nil {
		e := ExpectedToDate(v.KPIDef, *v.Target, fraction)
		v.ExpectedToDate = &e
		onTrack := v.Actual != nil && *v.Actual >= e
		if v.Unit == UnitPercent && v.Actual == nil {
			onTrack = true // nothing due yet, nothing late
		}
		v.OnTrack = &onTrack
	}
}

// submittedWarnings counts the early warnings of year (optionally of one
// unit) that were submitted to the agency head: every status but draft.
func (s *KPIService) submittedWarnings(ctx context.Context, year int, unitID string) (int64, error) {
	q := s.db.WithContext(ctx).Model(&models.EarlyWarning{}).Where("year = ? AND status <> ?", year, models.WarningDraft)
	if unitID != "" {
		q = q.Where("unit_id = ?", unitID)
	}
	var n int64
	return n, q.Count(&n).Error
}

// rollupCounts sums the rollups of the years of f by year and KPI code.
func (s *KPIService) rollupCounts(ctx context.Context, f KPIFilter) (map[int]map[string]cellCount, error) {
	q := s.db.WithContext(ctx).Model(&models.KPIRollup{}).
		Select("code, month, SUM(total) AS total, SUM(reviewed) AS reviewed").
		Where("month BETWEEN ? AND ?", f.From*100+1, f.To*100+12)
	if f.UnitID != "" {
		q = q.Where("unit_id = ?", f.UnitID)
	}
	var rows []struct {
		Code     string
		Month    int
		Total    int64
		Reviewed int64
	}
	if err := q.Group("code, month").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int]map[string]cellCount{}
	for _, r := range rows {
		y := r.Month / 100
		if out[y] == nil {
			out[y] = map[string]cellCount{}
		}
		c := out[y][r.Code]
		c.total += r.Total
		c.reviewed += r.Reviewed
		out[y][r.Code] = c
	}
	return out, nil
}

func (s *KPIService) targets(ctx context.Context, from, to int) (map[int]map[string]float64, error) {
	var rows []models.KPITarget
	if err := s.db.WithContext(ctx).Where("year BETWEEN ? AND ?", from, to).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int]map[string]float64{}
	for _, r := range rows {
		if out[r.Year] == nil {
			out[r.Year] = map[string]float64{}
		}
		out[r.Year][r.Code] = r.Target
	}
	return out, nil
}

// YearTargets are the targets of one year by KPI code.
type YearTargets struct {
	Year    int
	Targets map[string]float64
}

// Targets lists the targets of every year that has any, oldest first.
// Errors: ErrForbidden (not manager/admin).
func (s *KPIService) Targets(ctx context.Context, actor Actor) ([]YearTargets, error) {
	if !actor.Is(models.RoleAdmin, models.RoleManager) {
		return nil, Forbidden("only managers and admins see KPI targets")
	}
	m, err := s.targets(ctx, 0, 99999)
	if err != nil {
		return nil, err
	}
	out := make([]YearTargets, 0, len(m))
	for y, t := range m {
		out = append(out, YearTargets{Year: y, Targets: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// SetTargets sets some or all targets of year; a KPI given null removes its
// target. Admin only; audited with the values before and after.
// Errors: ErrForbidden, validation_failed.
func (s *KPIService) SetTargets(ctx context.Context, actor Actor, year int, targets map[string]*float64) (YearTargets, error) {
	if !actor.Is(models.RoleAdmin) {
		return YearTargets{}, Forbidden("only an admin sets KPI targets")
	}
	f := Fields{}
	checkYear(f, "year", year, s.now(), s.loc)
	if len(targets) == 0 {
		f.Add("targets", "give at least one KPI code with its target")
	}
	defs := map[string]KPIDef{}
	for _, d := range append(append([]KPIDef{}, KPICatalogue...), InformationalKPIs...) {
		defs[d.Code] = d
	}
	for code, v := range targets {
		d, ok := defs[code]
		switch {
		case !ok:
			f.Add("targets."+code, "is not a KPI code")
		case v == nil:
		case math.IsNaN(*v) || *v < 0:
			f.Add("targets."+code, "must be a number ≥ 0")
		case d.Unit == UnitPercent && *v > 100:
			f.Add("targets."+code, "is a percentage: at most 100")
		case d.Unit == UnitCount && (*v != math.Trunc(*v) || *v > 1e9):
			f.Add("targets."+code, "is a count: a whole number")
		}
	}
	if err := f.Err(); err != nil {
		return YearTargets{}, err
	}
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		var old []models.KPITarget
		if err := tx.Where("year = ?", year).Find(&old).Error; err != nil {
			return err
		}
		before, after := map[string]any{}, map[string]any{}
		oldByCode := map[string]float64{}
		for _, o := range old {
			oldByCode[o.Code] = o.Target
		}
		codes := make([]string, 0, len(targets))
		for c := range targets {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, code := range codes {
			v := targets[code]
			if o, ok := oldByCode[code]; ok {
				before[code] = o
			} else {
				before[code] = nil
			}
			if v == nil {
				after[code] = nil
				if err := tx.Where("year = ? AND code = ?", year, code).Delete(&models.KPITarget{}).Error; err != nil {
					return err
				}
				continue
			}
			after[code] = *v
			row := models.KPITarget{Year: year, Code: code, Target: *v, UpdatedBy: actor.UserID, UpdatedAt: s.now()}
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "kpi.targets.set", EntityType: "kpi_targets", EntityID: fmt.Sprint(year), Before: before, After: after})
	})
	if err != nil {
		return YearTargets{}, err
	}
	m, err := s.targets(ctx, year, year)
	if err != nil {
		return YearTargets{}, err
	}
	if m[year] == nil {
		m[year] = map[string]float64{}
	}
	return YearTargets{Year: year, Targets: m[year]}, nil
}

// KPIFact is what of an activity matters to the rollups.
type KPIFact struct {
	Kind        string
	Scale       string
	Status      string
	UnitID      string
	CompletedAt *time.Time
	Deleted     bool
	// Approved: a manager approved the record in review (counted in the
	// rollups' Reviewed beside Total).
	Approved bool
}

type rollupKey struct {
	Code   string
	UnitID string
	Month  int
}

func (s *KPIService) keyOf(f *KPIFact) (rollupKey, bool) {
	if f == nil || f.Deleted || f.Status != models.ActivityCompleted || f.CompletedAt == nil {
		return rollupKey{}, false
	}
	code, ok := KPIForActivity(f.Kind, f.Scale)
	if !ok {
		return rollupKey{}, false
	}
	return rollupKey{Code: code, UnitID: f.UnitID, Month: MonthKey(*f.CompletedAt, s.loc)}, true
}

// ApplyChange moves an activity's count in the rollups from what it was
// (before, nil for a new record) to what it is (after, nil when purged), in
// tx: the transaction of the write itself, so that counts and records never
// disagree. Rows are touched in key order so that concurrent writers lock
// them in the same order.
func (s *KPIService) ApplyChange(ctx context.Context, tx *gorm.DB, before, after *KPIFact) error {
	bk, bok := s.keyOf(before)
	ak, aok := s.keyOf(after)
	br, ar := bok && before.Approved, aok && after.Approved
	if bok == aok && bk == ak && br == ar {
		return nil
	}
	type delta struct {
		k           rollupKey
		d, reviewed int64
	}
	var ds []delta
	if bok {
		ds = append(ds, delta{bk, -1, -b2i(br)})
	}
	if aok {
		if bok && bk == ak {
			// Same cell: only the review changed.
			ds[0] = delta{bk, 0, b2i(ar) - b2i(br)}
		} else {
			ds = append(ds, delta{ak, +1, b2i(ar)})
		}
	}
	sort.Slice(ds, func(i, j int) bool {
		a, b := ds[i].k, ds[j].k
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.UnitID != b.UnitID {
			return a.UnitID < b.UnitID
		}
		return a.Month < b.Month
	})
	for _, d := range ds {
		row := models.KPIRollup{Code: d.k.Code, UnitID: d.k.UnitID, Month: d.k.Month, Total: d.d, Reviewed: d.reviewed}
		err := tx.WithContext(ctx).Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "month"}, {Name: "code"}, {Name: "unit_id"}},
			DoUpdates: clause.Assignments(map[string]any{"total": gorm.Expr("total + ?", d.d),
				"reviewed": gorm.Expr("reviewed + ?", d.reviewed)}),
		}).Create(&row).Error
		if err != nil {
			return fmt.Errorf("kpi rollup: %w", err)
		}
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// checkTimezone refuses reports while the rollups were computed in another
// time zone than the configured one.
func (s *KPIService) checkTimezone(ctx context.Context) error {
	tz, err := s.RollupTimezone(ctx)
	if err != nil {
		return err
	}
	if tz != "" && tz != s.loc.String() {
		return Conflict(CodeConflict, "the KPI counts were computed in time zone %s but the office time zone is now %s: run `ethicsops kpi rebuild`", tz, s.loc.String())
	}
	return nil
}

// RollupTimezone returns the time zone the rollups were computed in ("" when
// never recorded).
func (s *KPIService) RollupTimezone(ctx context.Context) (string, error) {
	var st models.KPIRollupState
	err := s.db.WithContext(ctx).Where("id = 1").Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	return st.Timezone, err
}

// EnsureTimezone records the configured time zone on a database that has no
// rollup state yet, and reports whether the rollups need a rebuild because
// they were computed in another one.
func (s *KPIService) EnsureTimezone(ctx context.Context) (needsRebuild bool, was string, err error) {
	tz, err := s.RollupTimezone(ctx)
	if err != nil {
		return false, "", err
	}
	if tz == "" {
		st := models.KPIRollupState{ID: 1, Timezone: s.loc.String(), RebuiltAt: s.now()}
		return false, "", s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&st).Error
	}
	return tz != s.loc.String(), tz, nil
}

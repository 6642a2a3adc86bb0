package services

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
)

// DefaultMaxExportRows bounds an export of records or roster rows: a file an office
// files or mails is read by people, and a larger one is a dump of the
// database, which is what backups are for. A filter that selects more is
// refused (validation_failed) with a message to narrow it.
const DefaultMaxExportRows = 10000

// auditExportIDs is how many ids an export's audit event lists: the trail's
// text column holds 64 KiB on MySQL, and the filter with the count still
// tells which rows a larger export held.
const auditExportIDs = 1000

func exportBound(n int) int {
	if n > 0 {
		return n
	}
	return DefaultMaxExportRows
}

func tooManyRows(n int) error {
	return E(CodeValidation, "the filters select more than %d rows: narrow them (a shorter period, one unit, one kind)", n)
}

// Names are the display names of accounts and the names of units by id, for
// exports that people read.
type Names struct {
	Users map[string]string
	Units map[string]string
}

// ExportStamp is what a file's title block says of its making: when (in
// the office time zone) and by whom (the caller's display name).
type ExportStamp struct {
	At  time.Time
	Loc *time.Location
	By  string
}

func stamp(now Clock, loc *time.Location, n Names, actor Actor) ExportStamp {
	return ExportStamp{At: now(), Loc: loc, By: n.Users[actor.UserID]}
}

// names looks up the display names of userIDs and the names of every unit.
func names(ctx context.Context, db *gorm.DB, userIDs []string) (Names, error) {
	out := Names{Users: map[string]string{}, Units: map[string]string{}}
	var units []models.Unit
	if err := db.WithContext(ctx).Select("id, name").Find(&units).Error; err != nil {
		return out, err
	}
	for _, u := range units {
		out.Units[u.ID] = u.Name
	}
	seen := map[string]bool{}
	var ids []string
	for _, id := range userIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	// Chunks keep each IN list well below SQLite's bound on variables.
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var users []models.User
		if err := db.WithContext(ctx).Select("id, display_name").Where("id IN ?", ids[:n]).Find(&users).Error; err != nil {
			return out, err
		}
		for _, u := range users {
			out.Users[u.ID] = u.DisplayName
		}
		ids = ids[n:]
	}
	return out, nil
}

// exportAudit is the After of an export's audit event.
func exportAudit(filter map[string]any, format string, ids []string) map[string]any {
	after := map[string]any{"filter": filter, "format": format, "count": len(ids)}
	if len(ids) <= auditExportIDs {
		after["ids"] = ids
	} else {
		after["ids_first"] = ids[:auditExportIDs]
	}
	return after
}

// ActivityExport is the records an export holds, with the names of their
// owners and units.
type ActivityExport struct {
	Items []models.Activity
	Names Names
	Stamp ExportStamp
}

// Export returns every record of f (its Limit and Cursor are ignored), in
// f's order, for staff; audited as activities.export with the filter, the
// format and the ids. It reads the same pages as List, so a filter List
// learns is a filter of the export too.
// Errors: ErrForbidden (not staff), bad_request and validation_failed as
// List, validation_failed when more than DefaultMaxExportRows (Options.MaxExportRows) match.
func (s *ActivityService) Export(ctx context.Context, actor Actor, f ActivityFilter, format string) (ActivityExport, error) {
	if !actor.IsStaff() {
		return ActivityExport{}, Forbidden("only office staff export records")
	}
	f.Limit, f.Cursor = MaxLimit, ""
	var items []models.Activity
	for {
		page, err := s.List(ctx, actor, f)
		if err != nil {
			return ActivityExport{}, err
		}
		items = append(items, page.Items...)
		if bound := exportBound(s.exportMax); len(items) > bound {
			return ActivityExport{}, tooManyRows(bound)
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	owners := make([]string, len(items))
	ids := make([]string, len(items))
	for i, a := range items {
		owners[i], ids[i] = a.OwnerID, a.ID
	}
	n, err := names(ctx, s.db, append(owners, actor.UserID))
	if err != nil {
		return ActivityExport{}, err
	}
	filter := map[string]any{"kind": f.Kind, "status": f.Status, "unit_id": f.UnitID, "owner_id": f.OwnerID, "from": f.From, "to": f.To,
		"q": f.Q, "late_entry": f.LateEntry, "sort": f.Sort}
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "activities.export", EntityType: "activity",
		After: exportAudit(filter, format, ids)}); err != nil {
		return ActivityExport{}, err
	}
	return ActivityExport{Items: items, Names: n, Stamp: stamp(s.now, s.loc, n, actor)}, nil
}

// RosterExport is an event's roster for a download.
type RosterExport struct {
	Roster
	Names Names // the owner's and the caller's names, the units
	Stamp ExportStamp
}

// ExportRoster is Roster for a download: the same rows and rules, with the
// read of the volunteers' names written to the audit trail
// (signups.export: the reader, the event, the format and the volunteers).
// Errors: as Roster.
func (s *VolunteerService) ExportRoster(ctx context.Context, actor Actor, activityID, format string) (RosterExport, error) {
	r, err := s.Roster(ctx, actor, activityID)
	if err != nil {
		return RosterExport{}, err
	}
	n, err := names(ctx, s.db, []string{r.Activity.OwnerID, actor.UserID})
	if err != nil {
		return RosterExport{}, err
	}
	users := make([]string, len(r.Entries))
	for i, e := range r.Entries {
		users[i] = e.Signup.UserID
	}
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "signups.export", EntityType: "activity", EntityID: r.Activity.ID,
		After: exportAudit(map[string]any{"activity_id": r.Activity.ID}, format, users)}); err != nil {
		return RosterExport{}, err
	}
	return RosterExport{Roster: r, Names: n, Stamp: stamp(s.now, s.loc, n, actor)}, nil
}

// DeclarationExport is the roster rows of a download.
type DeclarationExport struct {
	Items []Declaration
	Names Names
	Stamp ExportStamp
}

// Export returns every roster row of f (its Limit and Cursor are ignored)
// ordered by due date, with their statuses and unit names; audited like
// List (declarations.export: the reader, the filter, the format, the rows).
// Errors: ErrForbidden (not staff), bad_request and validation_failed as
// List, validation_failed when more than DefaultMaxExportRows (Options.MaxExportRows) match.
func (s *DeclarationService) Export(ctx context.Context, actor Actor, f DeclarationFilter, format string) (DeclarationExport, error) {
	if err := staffOnly(actor); err != nil {
		return DeclarationExport{}, err
	}
	q, err := s.filtered(ctx, f)
	if err != nil {
		return DeclarationExport{}, err
	}
	var rows []models.Declaration
	bound := exportBound(s.exportMax)
	if err := q.Order("due_date, id").Limit(bound + 1).Find(&rows).Error; err != nil {
		return DeclarationExport{}, err
	}
	if len(rows) > bound {
		return DeclarationExport{}, tooManyRows(bound)
	}
	n, err := names(ctx, s.db, []string{actor.UserID})
	if err != nil {
		return DeclarationExport{}, err
	}
	ids := make([]string, len(rows))
	for i, d := range rows {
		ids[i] = d.ID
	}
	filter := map[string]any{"year": f.Year, "unit_id": f.UnitID, "type": f.Type, "status": f.Status}
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "declarations.export", EntityType: "declaration",
		After: exportAudit(filter, format, ids)}); err != nil {
		return DeclarationExport{}, err
	}
	return DeclarationExport{Items: s.withStatus(rows), Names: n, Stamp: stamp(s.now, s.loc, n, actor)}, nil
}

// KPIUnitCounts is one unit's counts of one year: the rollups of each count
// KPI, and the declaration roster's on-time filings of the unit.
type KPIUnitCounts struct {
	Year   int
	UnitID string
	Counts map[string]int64
	OnTime int
	Due    int
	Rate   *float64
}

// KPIMonthCounts is the rollups of one month (YYYYMM, office time zone) by
// count KPI. Months after the current one are not listed.
type KPIMonthCounts struct {
	Month  int
	Counts map[string]int64
}

// KPIBreakdown splits the count KPIs of a report by unit and by month.
type KPIBreakdown struct {
	ByUnit  []KPIUnitCounts
	ByMonth []KPIMonthCounts
	Units   map[string]string // unit names by id
	Stamp   ExportStamp
}

// UnitAndMonthCounts splits the years of f (as Report reads them; f.UnitID
// narrows to one unit) by unit and by month, from the rollups alone: one
// grouped read, plus the declaration rate of each unit with rows due. Units
// with nothing counted and nothing due are left out.
// Errors: as Report.
func (s *KPIService) UnitAndMonthCounts(ctx context.Context, actor Actor, f KPIFilter) (KPIBreakdown, error) {
	reps, err := s.Report(ctx, actor, f) // the same checks: role, years, time zone
	if err != nil {
		return KPIBreakdown{}, err
	}
	f.From, f.To = reps[0].Year, reps[len(reps)-1].Year
	q := s.db.WithContext(ctx).Model(&models.KPIRollup{}).Select("unit_id, code, month, total").
		Where("month BETWEEN ? AND ?", f.From*100+1, f.To*100+12)
	if f.UnitID != "" {
		q = q.Where("unit_id = ?", f.UnitID)
	}
	var rows []models.KPIRollup
	if err := q.Find(&rows).Error; err != nil {
		return KPIBreakdown{}, err
	}
	type yu struct {
		year int
		unit string
	}
	byUnit := map[yu]map[string]int64{}
	byMonth := map[int]map[string]int64{}
	for _, r := range rows {
		if r.Total == 0 {
			continue
		}
		k := yu{r.Month / 100, r.UnitID}
		if byUnit[k] == nil {
			byUnit[k] = map[string]int64{}
		}
		byUnit[k][r.Code] += r.Total
		if byMonth[r.Month] == nil {
			byMonth[r.Month] = map[string]int64{}
		}
		byMonth[r.Month][r.Code] += r.Total
	}
	n, err := names(ctx, s.db, []string{actor.UserID})
	if err != nil {
		return KPIBreakdown{}, err
	}
	out := KPIBreakdown{Units: n.Units, Stamp: stamp(s.now, s.loc, n, actor)}
	unitIDs := make([]string, 0, len(n.Units))
	for id := range n.Units {
		if f.UnitID == "" || id == f.UnitID {
			unitIDs = append(unitIDs, id)
		}
	}
	sort.Slice(unitIDs, func(i, j int) bool { return n.Units[unitIDs[i]] < n.Units[unitIDs[j]] })
	for year := f.From; year <= f.To; year++ {
		for _, id := range unitIDs {
			u := KPIUnitCounts{Year: year, UnitID: id, Counts: byUnit[yu{year, id}]}
			if s.rates != nil {
				if u.OnTime, u.Due, u.Rate, err = s.rates.OnTimeRate(ctx, year, id); err != nil {
					return KPIBreakdown{}, err
				}
			}
			if len(u.Counts) == 0 && u.Due == 0 {
				continue
			}
			if u.Counts == nil {
				u.Counts = map[string]int64{}
			}
			out.ByUnit = append(out.ByUnit, u)
		}
	}
	last := MonthKey(s.now(), s.loc)
	for year := f.From; year <= f.To; year++ {
		for m := 1; m <= 12; m++ {
			key := year*100 + m
			if key > last {
				break
			}
			c := byMonth[key]
			if c == nil {
				c = map[string]int64{}
			}
			out.ByMonth = append(out.ByMonth, KPIMonthCounts{Month: key, Counts: c})
		}
	}
	return out, nil
}

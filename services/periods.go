package services

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// Closed KPI years. Once the office has reported a year's numbers to the
// Agency Against Corruption (法務部廉政署), an admin closes the year: from
// then on every write that would change a count of that year answers
// period_closed and changes nothing, until an admin reopens it. Years are
// calendar years in the office time zone, as in the report.

// MaxCloseReason bounds the reason given for closing or reopening a year.
const MaxCloseReason = 500

// LateEntryAfter is how long after its completion time a completion may be
// recorded before it is marked as a late entry (late_entry: true).
const LateEntryAfter = 31 * 24 * time.Hour

// ClosedYear is a closed KPI year: when, by whom and why.
type ClosedYear struct {
	Year         int
	ClosedAt     time.Time
	ClosedBy     string // user id
	ClosedByName string // display name ("" when the account is gone)
	Reason       string
}

// YearStatus is whether a KPI year is closed; Closed is nil while it is open.
type YearStatus struct {
	Year   int
	Closed *ClosedYear
}

// EnsureOpen returns period_closed when any of times falls in a closed year
// (office time zone); zero times are ignored. db must be the transaction of
// the write it guards, so that the answer holds until that write commits
// (see lockPeriods); on SQLite any handle will do, every write transaction
// holding the database's write lock.
// Errors: period_closed.
func (s *KPIService) EnsureOpen(ctx context.Context, db *gorm.DB, times ...time.Time) error {
	years := make([]int, 0, len(times))
	for _, t := range times {
		if !t.IsZero() {
			years = append(years, t.In(s.loc).Year())
		}
	}
	return s.EnsureYearsOpen(ctx, db, years...)
}

// closable tells whether the year of t (office time zone) could be closed
// within the next hour: only a year that has ended can be, so writes into
// the year in progress need no guard (the hour covers a write begun just
// before New Year's midnight).
func (s *KPIService) closable(t time.Time) bool {
	return t.In(s.loc).Year() < s.now().Add(time.Hour).In(s.loc).Year()
}

// EnsureYearsOpen is EnsureOpen for calendar years given as numbers (a
// declaration roster's year, the year of a due date).
// Errors: period_closed.
func (s *KPIService) EnsureYearsOpen(ctx context.Context, db *gorm.DB, years ...int) error {
	if len(years) == 0 {
		return nil
	}
	closed, err := lockPeriods(ctx, db, false, years)
	if err != nil {
		return err
	}
	if len(closed) == 0 {
		return nil
	}
	c := closed[0]
	return Conflict(CodePeriodClosed, "the KPI year %d (民國 %d 年) was closed on %s after its numbers were reported; records that count in it cannot change until an admin reopens it",
		c.Year, ROCYear(c.Year), c.ClosedAt.In(s.loc).Format(time.DateOnly))
}

// lockPeriods reads the closed years among years, in db, the transaction of
// the caller. On MySQL it first takes the period guard (KPIPeriodGuard):
// shared for a write that checks its years, exclusive for a close or a
// reopen. Shared locks do not wait for each other, so writes run side by
// side as before; a close waits for the writes already holding the guard
// and the writes after it wait for the close to commit. The closed years
// are then read with a locking read, which sees the latest committed rows
// even when the transaction's snapshot is older. SQLite needs neither: its
// write transactions are BEGIN IMMEDIATE, one at a time.
func lockPeriods(ctx context.Context, db *gorm.DB, exclusive bool, years []int) ([]models.KPIClosedYear, error) {
	q := db.WithContext(ctx)
	if models.IsMySQL(db) {
		var guard models.KPIPeriodGuard
		var g *gorm.DB
		if exclusive {
			g = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
		} else {
			g = q.Clauses(shareLock{})
		}
		if err := g.Where("id = ?", 1).Take(&guard).Error; err != nil {
			return nil, fmt.Errorf("lock KPI periods: %w", err)
		}
		q = q.Clauses(shareLock{})
	}
	var rows []models.KPIClosedYear
	if err := q.Where("year IN ?", years).Order("year").Find(&rows).Error; err != nil {
		return nil, err
	}
	return rows, nil
}

// shareLock renders MySQL's and MariaDB's shared row lock, LOCK IN SHARE
// MODE (gorm's Locking clause writes FOR SHARE, which MariaDB lacks).
type shareLock struct{}

func (shareLock) Name() string { return "FOR" }

func (shareLock) Build(b clause.Builder) { _, _ = b.WriteString("LOCK IN SHARE MODE") }

func (shareLock) MergeClause(c *clause.Clause) { c.Name, c.Expression = "", shareLock{} }

// CloseYear closes a KPI year after its numbers were reported. Admin only;
// the year must have ended in the office time zone; reason is required.
// Closing a closed year is a conflict: the first close and its reason stand.
// Audited as kpi.year.close.
// Errors: ErrForbidden, validation_failed, conflict (already closed).
func (s *KPIService) CloseYear(ctx context.Context, actor Actor, year int, reason string) (YearStatus, error) {
	if !actor.Is(models.RoleAdmin) {
		return YearStatus{}, Forbidden("only an admin closes a KPI year")
	}
	reason = strings.TrimSpace(reason)
	f := s.checkYearRequest(year, reason)
	if year >= s.now().In(s.loc).Year() && f["year"] == "" {
		f.Add("year", "only a year that has ended can be closed")
	}
	if err := f.Err(); err != nil {
		return YearStatus{}, err
	}
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		closed, err := lockPeriods(ctx, tx, true, []int{year})
		if err != nil {
			return err
		}
		if len(closed) > 0 {
			return Conflict(CodeConflict, "the KPI year %d is already closed (since %s)", year, closed[0].ClosedAt.In(s.loc).Format(time.DateOnly))
		}
		row := models.KPIClosedYear{Year: year, ClosedAt: s.now(), ClosedBy: actor.UserID, Reason: reason}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "kpi.year.close", EntityType: "kpi_year", EntityID: fmt.Sprint(year),
			Before: map[string]any{"closed": false}, After: map[string]any{"closed": true, "reason": reason}})
	})
	if err != nil {
		return YearStatus{}, err
	}
	return s.YearStatus(ctx, year)
}

// ReopenYear reopens a closed KPI year, so that its records can be corrected
// (and the corrected numbers reported again). Admin only; reason is
// required. Reopening an open year is a conflict. Audited as
// kpi.year.reopen, with the close it undoes.
// Errors: ErrForbidden, validation_failed, conflict (not closed).
func (s *KPIService) ReopenYear(ctx context.Context, actor Actor, year int, reason string) (YearStatus, error) {
	if !actor.Is(models.RoleAdmin) {
		return YearStatus{}, Forbidden("only an admin reopens a KPI year")
	}
	reason = strings.TrimSpace(reason)
	if err := s.checkYearRequest(year, reason).Err(); err != nil {
		return YearStatus{}, err
	}
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		closed, err := lockPeriods(ctx, tx, true, []int{year})
		if err != nil {
			return err
		}
		if len(closed) == 0 {
			return Conflict(CodeConflict, "the KPI year %d is not closed", year)
		}
		if err := tx.Where("year = ?", year).Delete(&models.KPIClosedYear{}).Error; err != nil {
			return err
		}
		c := closed[0]
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "kpi.year.reopen", EntityType: "kpi_year", EntityID: fmt.Sprint(year),
			Before: map[string]any{"closed": true, "closed_at": c.ClosedAt, "closed_by": c.ClosedBy, "reason": c.Reason},
			After:  map[string]any{"closed": false, "reason": reason}})
	})
	if err != nil {
		return YearStatus{}, err
	}
	return YearStatus{Year: year}, nil
}

func (s *KPIService) checkYearRequest(year int, reason string) Fields {
	f := Fields{}
	if year < 1912 || year > 2200 {
		f.Add("year", "must be a Gregorian year between 1912 and 2200")
	}
	checkText(f, "reason", reason, MaxCloseReason, true, Prose)
	return f
}

// YearStatus tells whether year is closed, and by whom.
func (s *KPIService) YearStatus(ctx context.Context, year int) (YearStatus, error) {
	m, err := s.closedYears(ctx, year, year)
	if err != nil {
		return YearStatus{}, err
	}
	return YearStatus{Year: year, Closed: m[year]}, nil
}

// closedYears returns the closed years between from and to, with the
// display names of who closed them.
func (s *KPIService) closedYears(ctx context.Context, from, to int) (map[int]*ClosedYear, error) {
	var rows []models.KPIClosedYear
	if err := s.db.WithContext(ctx).Where("year BETWEEN ? AND ?", from, to).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int]*ClosedYear{}
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ClosedBy)
	}
	sort.Strings(ids)
	var users []models.User
	if err := s.db.WithContext(ctx).Select("id, display_name").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.DisplayName
	}
	for _, r := range rows {
		out[r.Year] = &ClosedYear{Year: r.Year, ClosedAt: r.ClosedAt, ClosedBy: r.ClosedBy, ClosedByName: names[r.ClosedBy], Reason: r.Reason}
	}
	return out, nil
}

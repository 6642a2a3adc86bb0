package services

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// Rollup codes beside the plan's KPIs. The ethics-code register counts in
// the KPI rollups too, by the month of the event date (the register's year
// rule) and the servant's unit: one cell per type, and one for the late
// ones. Kept in the transaction of every registration write, so that the
// yearly analysis and the informational KPI line read a few hundred rollup
// rows instead of counting the register (a GROUP BY over 100,000
// registrations took 140–200 ms on the test machine; the rollups take a
// millisecond), and recounted by `kpi rebuild` and `kpi verify` like the
// activities' cells. Opinion visits count under CodeOpinionVisits through
// KPIForActivity, as every other kind does.
const (
	codeRegistrationPrefix = "registrations_" // + type
	CodeRegistrationsLate  = "registrations_late"
	CodeOpinionVisits      = "opinion_visits"
)

// RegistrationCode is the rollup code of one registration type.
func RegistrationCode(typ string) string { return codeRegistrationPrefix + typ }

// registrationKeys are the rollup cells r counts in (none when deleted).
func registrationKeys(r *models.EthicsRegistration) []rollupKey {
	if r == nil || r.DeletedAt != nil || len(r.EventDate) < 7 {
		return nil
	}
	y, err1 := strconv.Atoi(r.EventDate[:4])
	m, err2 := strconv.Atoi(r.EventDate[5:7])
	if err1 != nil || err2 != nil {
		return nil
	}
	month := y*100 + m
	keys := []rollupKey{{Code: RegistrationCode(r.Type), UnitID: r.ServantUnitID, Month: month}}
	if r.Late {
		keys = append(keys, rollupKey{Code: CodeRegistrationsLate, UnitID: r.ServantUnitID, Month: month})
	}
	return keys
}

// applyRegistrationCount moves a registration's counts from before (nil for
// a new one) to after, in tx, rows in key order like ApplyChange.
func applyRegistrationCount(ctx context.Context, tx *gorm.DB, before, after *models.EthicsRegistration) error {
	deltas := map[rollupKey]int64{}
	for _, k := range registrationKeys(before) {
		deltas[k]--
	}
	for _, k := range registrationKeys(after) {
		deltas[k]++
	}
	keys := make([]rollupKey, 0, len(deltas))
	for k, d := range deltas {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.UnitID != b.UnitID {
			return a.UnitID < b.UnitID
		}
		return a.Month < b.Month
	})
	for _, k := range keys {
		d := deltas[k]
		row := models.KPIRollup{Code: k.Code, UnitID: k.UnitID, Month: k.Month, Total: d}
		err := tx.WithContext(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "month"}, {Name: "code"}, {Name: "unit_id"}},
			DoUpdates: clause.Assignments(map[string]any{"total": gorm.Expr("total + ?", d)}),
		}).Create(&row).Error
		if err != nil {
			return fmt.Errorf("registration rollup: %w", err)
		}
	}
	return nil
}

// recountRegistrations adds the register's cells to counts.
func recountRegistrations(ctx context.Context, tx *gorm.DB, counts map[rollupKey]cellCount) error {
	var rows []struct {
		ServantUnitID string
		Type          string
		Late          bool
		Ym            string
		N             int64
	}
	err := tx.WithContext(ctx).Model(&models.EthicsRegistration{}).
		Select("servant_unit_id, type, late, substr(event_date, 1, 7) AS ym, COUNT(*) AS n").
		Where("deleted_at IS NULL").Group("servant_unit_id, type, late, substr(event_date, 1, 7)").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		reg := models.EthicsRegistration{ServantUnitID: r.ServantUnitID, Type: r.Type, Late: r.Late, EventDate: r.Ym}
		for _, k := range registrationKeys(&reg) {
			c := counts[k]
			c.total += r.N
			counts[k] = c
		}
	}
	return nil
}

// EnsureRegisterCounts rebuilds the rollups once on a database whose
// registrations or opinion visits were recorded before they were counted
// there (no rollup row of theirs while records exist). It reports whether
// it rebuilt.
func (s *KPIService) EnsureRegisterCounts(ctx context.Context) (bool, error) {
	db := s.db.WithContext(ctx)
	var counted int64
	if err := db.Model(&models.KPIRollup{}).Where("code LIKE ? OR code = ?", codeRegistrationPrefix+"%", CodeOpinionVisits).Limit(1).Count(&counted).Error; err != nil {
		return false, err
	}
	if counted > 0 {
		return false, nil
	}
	var regs, visits int64
	if err := db.Model(&models.EthicsRegistration{}).Where("deleted_at IS NULL").Limit(1).Count(&regs).Error; err != nil {
		return false, err
	}
	if err := db.Model(&models.Activity{}).Where("kind = ? AND status = ? AND deleted_at IS NULL", models.KindOpinionVisit, models.ActivityCompleted).Limit(1).Count(&visits).Error; err != nil {
		return false, err
	}
	if regs == 0 && visits == 0 {
		return false, nil
	}
	_, err := s.Rebuild(ctx)
	return err == nil, err
}

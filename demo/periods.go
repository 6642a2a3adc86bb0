package demo

import (
	"context"
	"fmt"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// reportedOn is the day each plan year's numbers went to the Agency Against
// Corruption (法務部廉政署), in the January after it.
var reportedOn = map[int]string{2019: "2020-01-17", 2020: "2021-01-20", 2021: "2022-01-21", 2022: "2023-01-20"}

// seedPeriods makes the records' history look as an office would have
// entered it, shows two late entries of this year, and closes the plan's
// years 2019–2022 as reported. It runs last: closed years take no more
// records, not even the demo's.
func seedPeriods(ctx context.Context, s *services.Services, o *Office, now time.Time) error {
	// The demo enters four years of history today; the office entered each
	// record when the work was done, so none of the backfill is late.
	if err := s.DB.WithContext(ctx).Model(&models.Activity{}).Where("late_entry = ?", true).Update("late_entry", false).Error; err != nil {
		return err
	}
	officer := o.Users["officer2"]
	staff := services.Actor{UserID: officer.ID, Role: officer.Role, Status: officer.Status}
	pl := places[0]
	late := []struct {
		kind, title, unit string
		ago               int // days since the work was done
	}{
		{models.KindInfosecAudit, "嘉義市政府交通處公務機密維護及資訊安全稽核（紙本紀錄補登）", "CYC-TRF", 45},
		{models.KindSafetyInspection, "嘉義市立蘭潭國民中學機關安全維護狀況檢查（補登）", "SCH-LHJH", 38},
	}
	for _, l := range late {
		done := now.AddDate(0, 0, -l.ago).Truncate(time.Minute)
		items := infosecItems
		if l.kind == models.KindSafetyInspection {
			items = safetyItems
		}
		list := make([]services.ChecklistItem, len(items))
		for i, it := range items {
			list[i] = services.ChecklistItem{Item: it, Result: "pass"}
		}
		_, _, err := s.Activities.Create(ctx, staff, services.ActivityInput{
			Kind: l.kind, Title: l.title, UnitID: o.Units[l.unit].ID,
			Site:        &services.Site{Name: pl.name, Address: pl.address, Lat: &pl.lat, Lng: &pl.lng, RadiusM: 150},
			ScheduledAt: done.Add(-2 * time.Hour), Status: models.ActivityCompleted, CompletedAt: &done,
			Notes:   "當日以紙本紀錄，承辦人出差返回後補登系統",
			Details: services.Details{Checklist: list},
		})
		if err != nil {
			return fmt.Errorf("demo late entry %q: %w", l.title, err)
		}
	}
	admin := o.Users["admin"]
	actor := services.Actor{UserID: admin.ID, Role: admin.Role, Status: admin.Status}
	for year := 2019; year <= 2022; year++ {
		reason := fmt.Sprintf("已於 %s 函報法務部廉政署（民國 %d 年度政風工作績效）", reportedOn[year], year-1911)
		if _, err := s.KPIs.CloseYear(ctx, actor, year, reason); err != nil {
			return fmt.Errorf("demo close %d: %w", year, err)
		}
	}
	return nil
}

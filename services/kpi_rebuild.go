package services

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// RollupDiff is one rollup cell whose stored count disagrees with a recount.
type RollupDiff struct {
	Code    string
	UnitID  string
	Month   int
	Stored  int64
	Counted int64
	// StoredReviewed and CountedReviewed are the approved records among them.
	StoredReviewed  int64
	CountedReviewed int64
}

// cellCount is a rollup cell's two counts.
type cellCount struct{ total, reviewed int64 }

// recount computes the rollups from the activities table by streaming the
// completed, undeleted records (one pass, no GROUP BY on time zones that the
// databases would each do differently), then the register's cells
// (recountRegistrations).
func (s *KPIService) recount(ctx context.Context, tx *gorm.DB) (map[rollupKey]cellCount, error) {
	rows, err := tx.WithContext(ctx).Table("activities").
		Select("kind, scale, unit_id, completed_at, review_status").
		Where("status = ? AND deleted_at IS NULL AND completed_at IS NOT NULL", models.ActivityCompleted).
		Rows()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	counts := map[rollupKey]cellCount{}
	for rows.Next() {
		var (
			kind, scale, unit, review string
			completed                 time.Time
		)
		if err := rows.Scan(&kind, &scale, &unit, &completed, &review); err != nil {
			return nil, err
		}
		f := KPIFact{Kind: kind, Scale: scale, Status: models.ActivityCompleted, UnitID: unit, CompletedAt: &completed,
			Approved: review == models.ReviewApproved}
		if k, ok := s.keyOf(&f); ok {
			c := counts[k]
			c.total++
			c.reviewed += b2i(f.Approved)
			counts[k] = c
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return counts, recountRegistrations(ctx, tx, counts)
}

// lockRollups takes every rollup row (and, on MySQL, the gaps between them)
// for the rest of tx. Writers that change counts then wait for tx; writers
// that already changed them are waited for. The recount that follows thus
// sees exactly the writes the rollups will reflect, and later writes apply
// their deltas on top: rebuilding is safe beside running servers.
func lockRollups(ctx context.Context, tx *gorm.DB) error {
	var n []models.KPIRollup
	return tx.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Select("code").Find(&n).Error
}

// Rebuild recomputes every rollup from the records and records the office
// time zone they were computed in. It returns the number of rollup rows.
func (s *KPIService) Rebuild(ctx context.Context) (int, error) {
	var n int
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := lockRollups(ctx, tx); err != nil {
			return err
		}
		counts, err := s.recount(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.Where("1 = 1").Delete(&models.KPIRollup{}).Error; err != nil {
			return err
		}
		rows := make([]models.KPIRollup, 0, len(counts))
		for k, c := range counts {
			rows = append(rows, models.KPIRollup{Code: k.Code, UnitID: k.UnitID, Month: k.Month, Total: c.total, Reviewed: c.reviewed})
		}
		if len(rows) > 0 {
			if err := tx.CreateInBatches(rows, 500).Error; err != nil {
				return err
			}
		}
		n = len(rows)
		st := models.KPIRollupState{ID: 1, Timezone: s.loc.String(), RebuiltAt: s.now()}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&st).Error
	})
	return n, err
}

// Verify recounts the rollups from the records, in one transaction so that
// both reads see the same moment, and returns every cell that differs (none
// when the counts are right).
func (s *KPIService) Verify(ctx context.Context) ([]RollupDiff, error) {
	var diffs []RollupDiff
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := lockRollups(ctx, tx); err != nil {
			return err
		}
		counted, err := s.recount(ctx, tx)
		if err != nil {
			return err
		}
		var stored []models.KPIRollup
		if err := tx.Find(&stored).Error; err != nil {
			return err
		}
		seen := map[rollupKey]bool{}
		for _, r := range stored {
			k := rollupKey{Code: r.Code, UnitID: r.UnitID, Month: r.Month}
			seen[k] = true
			if c := counted[k]; r.Total != c.total || r.Reviewed != c.reviewed {
				diffs = append(diffs, RollupDiff{Code: k.Code, UnitID: k.UnitID, Month: k.Month, Stored: r.Total, Counted: c.total,
					StoredReviewed: r.Reviewed, CountedReviewed: c.reviewed})
			}
		}
		for k, c := range counted {
			if !seen[k] {
				diffs = append(diffs, RollupDiff{Code: k.Code, UnitID: k.UnitID, Month: k.Month, Counted: c.total, CountedReviewed: c.reviewed})
			}
		}
		return nil
	})
	sort.Slice(diffs, func(i, j int) bool {
		a, b := diffs[i], diffs[j]
		if a.Month != b.Month {
			return a.Month < b.Month
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.UnitID < b.UnitID
	})
	return diffs, err
}

// String renders a difference for the verify command.
func (d RollupDiff) String() string {
	return fmt.Sprintf("%d %s unit %s: stored %d (%d reviewed), recounted %d (%d reviewed)", d.Month, d.Code, d.UnitID,
		d.Stored, d.StoredReviewed, d.Counted, d.CountedReviewed)
}

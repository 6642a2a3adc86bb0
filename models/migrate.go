package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// schema lists every table; features append their models here.
var schema = []any{
	&Unit{},
	&UnitSite{},
	&User{},
	&RefreshToken{},
	&Session{},
	&LoginThrottle{},
	&AuditEvent{},
	&AuditSealState{},
	&KPITarget{},
	&KPIRollup{},
	&KPIRollupState{},
	&KPIClosedYear{},
	&KPIPeriodGuard{},
	&Declaration{},
	&DeclarationDraw{},
	&Activity{},
	&Checkin{},
	&Attachment{},
	&Signup{},
	&EarlyWarning{},
	&EarlyWarningFollowUp{},
	&EthicsRegistration{},
	&Report{},
	&ReportExclusion{},
	&ReportMessage{},
	&ReportFile{},
	&ReportSecret{},
	&ReportChallenge{},
	&ReportThrottle{},
	&ReportIntake{},
}

// Schema returns the model of every table, in migration order, for tools
// that walk every table (backup and restore).
func Schema() []any { return append([]any(nil), schema...) }

// Migrate brings the schema up to date. It is idempotent and safe to run on
// every start; on MySQL tables use InnoDB with utf8mb4.
func Migrate(ctx context.Context, db *gorm.DB) error {
	m := db.WithContext(ctx)
	if IsMySQL(db) {
		m = m.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	if err := m.AutoMigrate(schema...); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, d := range droppedIndexes {
		if m.Migrator().HasIndex(d.model, d.name) {
			if err := m.Migrator().DropIndex(d.model, d.name); err != nil {
				return fmt.Errorf("migrate: drop index %s: %w", d.name, err)
			}
		}
	}
	for _, seed := range seeds {
		if err := seed(ctx, db); err != nil {
			return fmt.Errorf("migrate seed: %w", err)
		}
	}
	return nil
}

// droppedIndexes are indexes earlier versions created that cost more than
// they give. idx_activities_deleted_at matched every live record: on SQLite
// the staff's list of activities used it and sorted all of them for each
// page of 50, which a 30-minute soak (bench -suite soak) showed as half the
// server's processor time at 6,000 records, growing with the table.
var droppedIndexes = []struct {
	model any
	name  string
}{
	{&Activity{}, "idx_activities_deleted_at"},
}

// seeds install reference data that migrations own (idempotent).
var seeds = []func(context.Context, *gorm.DB) error{
	seedPlanTargets,
	backfillSessions,
	backfillEventEnds,
	backfillReviews,
	func(ctx context.Context, db *gorm.DB) error {
		return db.WithContext(ctx).Where(AuditSealState{ID: 1}).FirstOrCreate(&AuditSealState{ID: 1}).Error
	},
	func(ctx context.Context, db *gorm.DB) error {
		return db.WithContext(ctx).Where(KPIPeriodGuard{ID: 1}).FirstOrCreate(&KPIPeriodGuard{ID: 1}).Error
	},
}

// PlanTargets are the targets of the plan's KPI table (關鍵績效指標) for its
// four years, 108–111 of the Republic of China calendar (2019–2022).
var PlanTargets = map[string]float64{
	KPIPropertyDeclarationOnTime: 100,
	KPIProcurementSupervisions:   250,
	KPISecurityAndPetitions:      2,
	KPISafetyInspections:         2,
	KPIInfosecAudits:             1,
	KPIAntiCorruptionEvents:      1,
	KPIEthicsCodePromotions:      3,
}

// seedPlanTargets installs the plan's targets once; an admin's later changes
// to those years are kept.
func seedPlanTargets(ctx context.Context, db *gorm.DB) error {
	for year := 2019; year <= 2022; year++ {
		for _, code := range KPICodes {
			t := KPITarget{Year: year, Code: code, Target: PlanTargets[code], UpdatedAt: Now()}
			if err := db.WithContext(ctx).Where(KPITarget{Year: year, Code: code}).FirstOrCreate(&t).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// backfillEventEnds gives events stored before events had an end the end they
// were always assumed to have: scheduled_at + DefaultEventLength. The value
// is computed here rather than in SQL because SQLite and MySQL add hours to
// a stored time differently; it runs once per row (later starts find none
// left), in batches.
func backfillEventEnds(ctx context.Context, db *gorm.DB) error {
	for {
		var rows []Activity
		err := db.WithContext(ctx).Select("id", "scheduled_at").
			Where("kind IN ? AND event_ends_at IS NULL", []string{KindOutreachEvent, KindEthicsPromotion}).
			Order("id").Limit(500).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			for _, a := range rows {
				end := a.ScheduledAt.Add(DefaultEventLength)
				if err := tx.Model(&Activity{}).Where("id = ? AND event_ends_at IS NULL", a.ID).Update("event_ends_at", end).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// backfillSessions gives every live refresh token family that was issued
// before sessions existed its session, so that nobody signed in is signed
// out by the upgrade. Later families get theirs when they begin, so on later
// starts this inserts nothing.
func backfillSessions(ctx context.Context, db *gorm.DB) error {
	return db.WithContext(ctx).Exec(`INSERT INTO sessions (id, user_id, epoch, created_at, password_failures)
SELECT r.family_id, r.user_id, u.session_epoch, MIN(r.created_at), 0
FROM refresh_tokens r JOIN users u ON u.id = r.user_id
WHERE r.revoked_at IS NULL AND r.used_at IS NULL AND r.expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = r.family_id)
GROUP BY r.family_id, r.user_id, u.session_epoch`, Now()).Error
}

// backfillReviews puts the records completed before reviews existed in the
// review queue. Every completed record is pending or approved by the rules
// of services (a returned one is in progress again), so a completed record
// still at "none" can only be one of those: later starts find none.
func backfillReviews(ctx context.Context, db *gorm.DB) error {
	return db.WithContext(ctx).Model(&Activity{}).
		Where("status = ? AND review_status = ?", ActivityCompleted, ReviewNone).
		Update("review_status", ReviewPending).Error
}

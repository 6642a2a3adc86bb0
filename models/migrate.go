package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// schema lists every table; features append their models here.
var schema = []any{
	&Unit{},
	&User{},
	&RefreshToken{},
	&LoginThrottle{},
	&AuditEvent{},
	&AuditSealState{},
	&Activity{},
	&Checkin{},
	&Attachment{},
}

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
	for _, seed := range seeds {
		if err := seed(ctx, db); err != nil {
			return fmt.Errorf("migrate seed: %w", err)
		}
	}
	return nil
}

// seeds install reference data that migrations own (idempotent).
var seeds = []func(context.Context, *gorm.DB) error{
	func(ctx context.Context, db *gorm.DB) error {
		return db.WithContext(ctx).Where(AuditSealState{ID: 1}).FirstOrCreate(&AuditSealState{ID: 1}).Error
	},
}

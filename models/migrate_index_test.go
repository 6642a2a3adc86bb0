package models_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
)

// The staff's list of activities (deleted_at IS NULL, newest first, a page
// at a time) must walk the scheduled_at index, not sort the whole table: an
// index on deleted_at, which every live record matches, is dropped from a
// database made by an earlier version, and SQLite then plans the page on
// idx_activities_scheduled.
func TestListOfActivitiesWalksTheScheduleIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		// A database of an earlier version had the index.
		if err := db.Exec("CREATE INDEX idx_activities_deleted_at ON activities (deleted_at)").Error; err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		if db.Migrator().HasIndex(&models.Activity{}, "idx_activities_deleted_at") {
			t.Fatal("idx_activities_deleted_at is still there after Migrate")
		}
		if models.IsMySQL(db) {
			return // MariaDB and MySQL chose idx_activities_scheduled with it too
		}
		// The query services.ActivityService.List sends for a staff member's
		// first page.
		rows, err := db.Raw("EXPLAIN QUERY PLAN SELECT * FROM `activities` WHERE deleted_at IS NULL ORDER BY scheduled_at DESC,id DESC LIMIT 51").Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "idx_activities_scheduled") || strings.Contains(p, "TEMP B-TREE FOR ORDER BY") {
			t.Fatalf("the first page sorts the table: %s", p)
		}
	})
}

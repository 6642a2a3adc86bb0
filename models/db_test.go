package models_test

import (
	"context"
	"path/filepath"
	"testing"

	"ethicsops/models"
)

// An acknowledged write must survive a power loss: every connection of the
// embedded default runs WAL with synchronous=FULL (2), which syncs the WAL
// at each commit (NORMAL syncs it only at checkpoints).
func TestSQLiteDefaultIsDurable(t *testing.T) {
	db, err := models.Open(models.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "d.db"), MaxOpen: 4})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	ctx := context.Background()
	for i := range 4 { // hold four at once: four distinct connections
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var sync int
		var mode string
		if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if sync != 2 || mode != "wal" {
			t.Fatalf("connection %d: synchronous=%d journal_mode=%s, want 2 (FULL) and wal", i, sync, mode)
		}
	}
}

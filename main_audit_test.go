package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"ethicsops/models"
	"ethicsops/services"
)

func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	cmd := commandOn(dir)
	if code, out := cmd("audit"); code != 2 || !strings.Contains(out, "usage: ethicsops audit verify") {
		t.Fatalf("audit without verify: %d %q", code, out)
	}
	if code, out := cmd("audit", "verify"); code != 0 || !strings.HasPrefix(out, "audit chain intact: 0 sealed events") {
		t.Fatalf("empty database: %d %q", code, out)
	}

	db, err := models.Open(models.Options{Driver: "sqlite", DSN: filepath.Join(dir, "ethicsops.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(db)
	svc := services.New(db, services.Options{BcryptCost: 4})
	if _, _, err := svc.Users.Bootstrap(context.Background(), "correct-horse-battery"); err != nil {
		t.Fatal(err)
	}
	// The command seals the pending event before it verifies.
	if code, out := cmd("audit", "verify"); code != 0 || !strings.HasPrefix(out, "audit chain intact: 1 sealed events, tail seq 1") || strings.Count(out, "\n") != 1 {
		t.Fatalf("one event: %d %q", code, out)
	}
	if err := db.Exec("UPDATE audit_events SET `after` = ? WHERE seq = 1", `{"role":"volunteer"}`).Error; err != nil {
		t.Fatal(err)
	}
	if code, out := cmd("audit", "verify"); code != 1 || !strings.HasPrefix(out, "audit chain BROKEN at seq 1 ") || !strings.Contains(out, "hash_mismatch") {
		t.Fatalf("tampered: %d %q", code, out)
	}
}

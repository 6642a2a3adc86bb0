package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"ethicsops/models"
)

func TestKPICommands(t *testing.T) {
	dir := t.TempDir()
	cmd := commandOn(dir)
	if code, out := cmd("kpi"); code != 2 || !strings.Contains(out, "usage: ethicsops kpi rebuild|verify") {
		t.Fatalf("kpi alone: %d %q", code, out)
	}
	if code, out := cmd("kpi", "verify"); code != 0 || !strings.HasPrefix(out, "kpi rollups match the records") {
		t.Fatalf("empty database: %d %q", code, out)
	}
	db, err := models.Open(models.Options{Driver: "sqlite", DSN: filepath.Join(dir, "ethicsops.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(db)
	if err := db.Create(&models.KPIRollup{Code: models.KPIInfosecAudits, UnitID: "u", Month: 202101, Total: 3}).Error; err != nil {
		t.Fatal(err)
	}
	if code, out := cmd("kpi", "verify"); code != 1 || !strings.Contains(out, "DIFFER") || !strings.Contains(out, "202101 infosec_audits unit u: stored 3 (0 reviewed), recounted 0 (0 reviewed)") {
		t.Fatalf("corrupted: %d %q", code, out)
	}
	if code, out := cmd("kpi", "rebuild"); code != 0 || !strings.HasPrefix(out, "kpi rollups rebuilt: 0 rows") {
		t.Fatalf("rebuild: %d %q", code, out)
	}
	if code, out := cmd("kpi", "verify"); code != 0 {
		t.Fatalf("after rebuild: %d %q", code, out)
	}
}

// commandOn returns a runner of ethicsops commands on the SQLite database of
// dir, answering the exit code and everything printed.
func commandOn(dir string) func(args ...string) (int, string) {
	env := map[string]string{"ETHICSOPS_DATA_DIR": dir, "ETHICSOPS_LOG_LEVEL": "error"}
	return func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(args, func(k string) string { return env[k] }, &out, &errOut)
		return code, out.String() + errOut.String()
	}
}

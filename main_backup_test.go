package main

import (
	"bytes"
	"context"
	"ethicsops/services/reports"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ethicsops/demo"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// TestBackupAndRestoreCommands: the demo office backed up with `backup
// --to` and brought back with `restore --from` into a fresh database and
// data directory, where every table matches the snapshot, the audit chain is
// intact, the KPI rollups match and every demo photo is byte-identical; a
// second restore into it is refused with exit 2; neither the JWT secret nor
// the reports key is in the backup.
func TestBackupAndRestoreCommands(t *testing.T) {
	const secret = "jwt-secret-of-the-live-server-0123456789"
	const reportsKey = "cmVwb3J0cy1rZXktdGhhdC1tdXN0LXN0YXktYXBhcnQ=" // 32 bytes, base64
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			ctx := context.Background()
			envOf := func(o models.Options, dataDir string) func(args ...string) (int, string, string) {
				env := map[string]string{"ETHICSOPS_DATA_DIR": dataDir, "ETHICSOPS_DB_DRIVER": drv, "ETHICSOPS_LOG_LEVEL": "error"}
				if drv == "mysql" {
					env["ETHICSOPS_DB_DSN"], env["ETHICSOPS_JWT_SECRET"], env["ETHICSOPS_REPORTS_KEY"] = o.DSN, secret, reportsKey
				}
				return func(args ...string) (int, string, string) {
					var out, errOut bytes.Buffer
					code := run(args, func(k string) string { return env[k] }, &out, &errOut)
					return code, out.String(), errOut.String()
				}
			}
			liveDir := t.TempDir()
			liveOpts := dbtest.Options(t, drv)
			if drv == "sqlite" {
				liveOpts.DSN = filepath.Join(liveDir, "ethicsops.db")
			}
			live := envOf(liveOpts, liveDir)
			if code, _, errOut := live("migrate"); code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
			db, err := models.Open(liveOpts)
			if err != nil {
				t.Fatal(err)
			}
			defer closeDB(db)
			svc := services.New(db, services.Options{BcryptCost: 4, DataDir: liveDir})
			office, err := demo.Seed(ctx, svc)
			if err != nil {
				t.Fatal(err)
			}
			// The demo's reports carry sealed evidence files under reports/.
			key, _ := reports.ParseKey(reportsKey)
			if _, err := demo.SeedReports(ctx, svc, office, reports.Options{Key: key, Files: svc.Files, Location: time.UTC}); err != nil {
				t.Fatal(err)
			}
			for name, content := range map[string]string{"jwt-secret": secret, "reports.key": reportsKey} {
				if err := os.WriteFile(filepath.Join(liveDir, name), []byte(content+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}

			if code, _, errOut := live("backup"); code != 2 || !strings.Contains(errOut, "--to DIR is required") {
				t.Fatalf("backup without --to: %d %q", code, errOut)
			}
			bak := filepath.Join(t.TempDir(), "backup")
			code, out, errOut := live("backup", "--to", bak)
			if code != 0 || !strings.HasPrefix(out, "backup written to "+bak) || !strings.Contains(out, "files") {
				t.Fatalf("backup: %d\n%s%s", code, out, errOut)
			}
			err = filepath.WalkDir(bak, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(p)
				if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(reportsKey)) || d.Name() == "jwt-secret" || d.Name() == "reports.key" {
					t.Errorf("a key is in the backup: %s", p)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}

			freshDir := t.TempDir()
			freshOpts := dbtest.Options(t, drv)
			if drv == "sqlite" {
				freshOpts.DSN = filepath.Join(freshDir, "ethicsops.db")
			}
			fresh := envOf(freshOpts, freshDir)
			code, out, errOut = fresh("restore", "--from", bak)
			for _, want := range []string{"every table matches the snapshot", "audit chain intact", "kpi rollups match the records", "JWT secret"} {
				if code != 0 || !strings.Contains(out, want) {
					t.Fatalf("restore (%q): %d\n%s%s", want, code, out, errOut)
				}
			}
			// Every stored file is back, byte for byte.
			var atts []models.Attachment
			if err := db.Find(&atts).Error; err != nil || len(atts) == 0 {
				t.Fatalf("%d demo attachments: %v", len(atts), err)
			}
			for _, a := range atts {
				rel := filepath.Join("attachments", a.SHA256[:2], a.SHA256)
				want, err := os.ReadFile(filepath.Join(liveDir, rel))
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join(freshDir, rel))
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("attachment %s after restore: %v", a.ID, err)
				}
			}
			// The sealed report files are back as they were (still sealed).
			var rfiles []models.ReportFile
			if err := db.Find(&rfiles).Error; err != nil || len(rfiles) == 0 {
				t.Fatalf("%d demo report files: %v", len(rfiles), err)
			}
			for _, f := range rfiles {
				want, err := os.ReadFile(filepath.Join(liveDir, filepath.FromSlash(f.ObjectKey)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join(freshDir, filepath.FromSlash(f.ObjectKey)))
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("report file %s after restore: %v", f.ObjectKey, err)
				}
			}
			if _, err := os.Stat(filepath.Join(freshDir, "reports.key")); err == nil {
				t.Fatal("the reports key came back with the restore")
			}

			code, out, errOut = fresh("restore", "--from", bak)
			if code != 2 || !strings.Contains(errOut, "already has rows") || !strings.Contains(errOut, "nothing was changed") {
				t.Fatalf("restore into a database with rows: %d\n%s%s", code, out, errOut)
			}
		})
	}
}

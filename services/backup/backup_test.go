package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/storage"
)

// office is a running office: services over a database and a data
// directory, an officer and the bytes of every file uploaded.
type office struct {
	t       *testing.T
	db      *gorm.DB
	dataDir string
	svc     *services.Services
	officer services.Actor
	units   []string

	mu    sync.Mutex
	files map[string][]byte // attachment id → bytes
	ids   []string          // activities
}

func newOffice(t *testing.T, db *gorm.DB) *office {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	svc := services.New(db, services.Options{JWTSecret: []byte("0123456789abcdef0123456789abcdef"), BcryptCost: 4, DataDir: dir})
	sys := services.Actor{Role: models.RoleAdmin}
	o := &office{t: t, db: db, dataDir: dir, svc: svc, files: map[string][]byte{}}
	for i, name := range []string{"工務局", "環境保護局"} {
		u, err := svc.Units.Create(ctx, sys, services.NewUnit{Code: fmt.Sprintf("A%02d", i), Name: name, Kind: models.UnitAgency})
		if err != nil {
			t.Fatal(err)
		}
		o.units = append(o.units, u.ID)
	}
	u, err := svc.Users.Create(ctx, sys, services.NewUser{Username: "officer", Password: "correct-horse-battery", DisplayName: "王政風", Role: models.RoleOfficer})
	if err != nil {
		t.Fatal(err)
	}
	o.officer = services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status}
	return o
}

// step is what an officer does in the field: a record (completed half the
// time, so that the KPI rollups move), an arrival there, a photo of it.
func (o *office) step(ctx context.Context, i int) error {
	kind := models.ActivityKinds[i%len(models.ActivityKinds)]
	in := services.ActivityInput{Kind: kind, Title: fmt.Sprintf("現場紀錄 %d", i), UnitID: o.units[i%len(o.units)],
		ScheduledAt: time.Now().UTC().Add(-time.Hour), Status: models.ActivityPlanned, Details: details(kind)}
	if i%2 == 0 {
		done := time.Now().UTC().Add(-time.Minute)
		in.Status, in.CompletedAt = models.ActivityCompleted, &done
	}
	a, _, err := o.svc.Activities.Create(ctx, o.officer, in)
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if in.Status == models.ActivityPlanned {
		c := services.CheckinInput{Type: "arrive", Lat: 25.0375, Lng: 121.5637, AccuracyM: 8, CapturedAt: time.Now().UTC()}
		if _, _, err := o.svc.Activities.CheckIn(ctx, o.officer, a.ID, c); err != nil {
			return fmt.Errorf("check in: %w", err)
		}
	}
	body := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 1500)...)
	_, _ = rand.Read(body[8:])
	att, _, err := o.svc.Attachments.Upload(ctx, o.officer, a.ID, services.UploadInput{Filename: "現場照片.png", Body: bytes.NewReader(body)})
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	o.mu.Lock()
	o.files[att.ID] = body
	o.ids = append(o.ids, a.ID)
	o.mu.Unlock()
	return nil
}

func details(kind string) services.Details {
	participants := 80
	switch kind {
	case models.KindProcurementSupervision:
		return services.Details{Procurement: &services.Procurement{CaseNo: "1130315-PW-012", CaseTitle: "道路改善工程", Category: "works", BudgetAmount: 1000000, Stage: "acceptance"}}
	case models.KindSecurityMaintenance:
		return services.Details{Maintenance: &services.Maintenance{EventName: "市長選舉投開票所安全維護", RiskLevel: "medium", Measures: "會同警察局加強巡邏"}}
	case models.KindPetition:
		return services.Details{Petition: &services.Petition{Petitioners: 30, Subject: "反對垃圾轉運站設置", Outcome: "協調說明"}}
	case models.KindSafetyInspection, models.KindInfosecAudit:
		return services.Details{Checklist: []services.ChecklistItem{{Item: "消防設備", Result: "pass"}}}
	case models.KindOpinionVisit:
		yes, no := true, false
		return services.Details{OpinionVisit: &services.OpinionVisit{Service: "建築執照申請", Findings: "未發現索賄情事",
			Respondents:   &services.Respondents{Count: 10, Type: "citizen"},
			Questionnaire: &services.Questionnaire{IntegrityScore: 4, EfficiencyScore: 3, AskedForFavours: &no, KnowsHowToReport: &yes}}}
	default:
		return services.Details{Event: &services.Event{Scale: "regular", Audience: "市民", Participants: &participants}}
	}
}

// writers runs n officers until stop is closed; done counts their steps.
func (o *office) writers(ctx context.Context, n int, stop <-chan struct{}, done chan<- struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * 1_000_000; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := o.step(ctx, i); err != nil {
					o.t.Errorf("writer %d: %v", w, err)
					return
				}
				select {
				case done <- struct{}{}:
				default:
				}
			}
		}()
	}
	return &wg
}

// restored is a restore into a fresh database and data directory of drv.
type restored struct {
	db      *gorm.DB
	dataDir string
	res     *Result
	err     error
}

func restoreFresh(t *testing.T, drv, dir string) restored {
	t.Helper()
	db, err := models.Open(dbtest.Options(t, drv))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(db) })
	data := t.TempDir()
	res, err := Restore(context.Background(), db, RestoreOptions{Dir: dir, Store: storage.NewLocal(data)})
	return restored{db: db, dataDir: data, res: res, err: err}
}

// checkRestored checks what a user of the restored office would notice: the
// audit trail is intact once sealed, the KPI rollups match the records, and
// every attachment downloads with the bytes that were uploaded.
func checkRestored(t *testing.T, o *office, r restored) []models.Attachment {
	t.Helper()
	ctx := context.Background()
	svc := services.New(r.db, services.Options{JWTSecret: []byte("0123456789abcdef0123456789abcdef"), BcryptCost: 4, DataDir: r.dataDir})
	if _, err := svc.Audit.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := svc.Audit.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.Broken != nil || v.Sealed == 0 {
		t.Fatalf("restored audit trail: %+v", v)
	}
	diffs, err := svc.KPIs.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("restored KPI rollups differ from the records in %d cells, first %v", len(diffs), diffs[0])
	}
	var atts []models.Attachment
	if err := r.db.Order("id").Find(&atts).Error; err != nil {
		t.Fatal(err)
	}
	for _, a := range atts {
		_, f, err := svc.Attachments.Open(ctx, o.officer, a.ID)
		if err != nil {
			t.Fatalf("download %s: %v", a.ID, err)
		}
		got, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		o.mu.Lock()
		want := o.files[a.ID]
		o.mu.Unlock()
		if !bytes.Equal(got, want) {
			t.Fatalf("attachment %s: %d bytes restored, %d uploaded, not the same", a.ID, len(got), len(want))
		}
	}
	return atts
}

// TestBackupUnderWriteLoadRestoresTheSnapshot: officers keep writing
// records, check-ins, photos (and their audit events and KPI counts) while
// the backup runs; the restore into a fresh database and data directory
// matches the snapshot table by table, its audit trail is intact, its KPI
// rollups match its records and every photo downloads as uploaded.
func TestBackupUnderWriteLoadRestoresTheSnapshot(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			ctx := context.Background()
			o := newOffice(t, dbtest.Open(t, drv))
			for i := range 20 {
				if err := o.step(ctx, i); err != nil {
					t.Fatal(err)
				}
			}
			stop, done := make(chan struct{}), make(chan struct{})
			wg := o.writers(ctx, 4, stop, done)
			exited := make(chan struct{})
			go func() { wg.Wait(); close(exited) }()
			dir := filepath.Join(t.TempDir(), "backup")
			// Writes go on between the tables of the backup (for MySQL,
			// between the reads of one transaction; for SQLite, after the
			// VACUUM INTO while its copy is read).
			after := func(table string) {
				for range 2 {
					select {
					case <-done:
					case <-exited: // a writer failed; the test reports it
						return
					}
				}
			}
			m, err := Backup(ctx, o.db, Options{Dir: dir, Store: storage.NewLocal(o.dataDir), Version: "test", afterTable: after})
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if t.Failed() {
				return
			}
			var live int64
			o.db.Model(&models.Activity{}).Count(&live)
			snap := rowsOf(m, "activities")
			if snap < 20 || live <= snap {
				t.Fatalf("the snapshot has %d activities, the live database %d: writes did not go on during the backup", snap, live)
			}
			if rowsOf(m, "attachments") != int64(len(m.Files.Objects)) || rowsOf(m, "checkins") == 0 || rowsOf(m, "kpi_rollups") == 0 {
				t.Fatalf("snapshot: %d attachments, %d files, %d check-ins, %d rollups", rowsOf(m, "attachments"), len(m.Files.Objects), rowsOf(m, "checkins"), rowsOf(m, "kpi_rollups"))
			}

			r := restoreFresh(t, drv, dir)
			if r.err != nil {
				t.Fatal(r.err)
			}
			atts := checkRestored(t, o, r)
			if int64(len(atts)) != rowsOf(m, "attachments") {
				t.Fatalf("%d attachments restored, %d in the snapshot", len(atts), rowsOf(m, "attachments"))
			}
			// The comparison with the manifest is done by Restore; the
			// restored tables also equal the manifest when counted here.
			for _, d := range m.Tables {
				var n int64
				r.db.Table(d.Name).Count(&n)
				if n != d.Rows {
					t.Errorf("%s: %d rows restored, %d in the snapshot", d.Name, n, d.Rows)
				}
			}
		})
	}
}

func closeDB(db *gorm.DB) {
	if s, err := db.DB(); err == nil {
		_ = s.Close()
	}
}

func rowsOf(m *Manifest, table string) int64 {
	for _, d := range m.Tables {
		if d.Name == table {
			return d.Rows
		}
	}
	return -1
}

// TestOnlyASnapshotRestoresConsistently writes a completed record (its row,
// its KPI count, its audit event, in one transaction) between the reads of
// two tables of the backup. Inside one snapshot the backup does not see it
// at all, and the restored rollups match the restored records; a dump that
// reads each table on its own, as a careless one would, restores rollups
// that miss a record it holds, which the KPI check then reports.
func TestOnlyASnapshotRestoresConsistently(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			ctx := context.Background()
			o := newOffice(t, dbtest.Open(t, drv))
			for i := range 6 {
				if err := o.step(ctx, i); err != nil {
					t.Fatal(err)
				}
			}
			var late []string
			for _, inconsistent := range []bool{false, true} {
				dir := filepath.Join(t.TempDir(), "backup")
				after := func(table string) {
					if table == "kpi_rollups" {
						o.mu.Lock()
						n := len(o.ids)
						o.mu.Unlock()
						if err := o.step(ctx, 2*n); err != nil { // an even step: completed, counted
							t.Error(err)
						}
						o.mu.Lock()
						late = append(late, o.ids[len(o.ids)-1])
						o.mu.Unlock()
					}
				}
				if _, err := Backup(ctx, o.db, Options{Dir: dir, Store: storage.NewLocal(o.dataDir), afterTable: after, inconsistent: inconsistent}); err != nil {
					t.Fatal(err)
				}
				r := restoreFresh(t, drv, dir)
				if r.err != nil {
					t.Fatal(r.err) // the rows are as dumped either way
				}
				svc := services.New(r.db, services.Options{DataDir: r.dataDir})
				diffs, err := svc.KPIs.Verify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var n int64
				r.db.Model(&models.Activity{}).Where("id = ?", late[len(late)-1]).Count(&n)
				if !inconsistent {
					if len(diffs) != 0 || n != 0 {
						t.Fatalf("snapshot: %d KPI cells differ, the record written during the backup restored %d times", len(diffs), n)
					}
					checkRestored(t, o, r)
					continue
				}
				if n != 1 || len(diffs) == 0 {
					t.Fatalf("dump without a snapshot: record written during it restored %d times, %d KPI cells differ: the checks would not notice an inconsistent dump", n, len(diffs))
				}
			}
		})
	}
}

// TestRestoreRefusesADatabaseWithRows: a restore never mixes a backup with
// other rows, not even the backup's own a second time.
func TestRestoreRefusesADatabaseWithRows(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			ctx := context.Background()
			o := newOffice(t, dbtest.Open(t, drv))
			if err := o.step(ctx, 0); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "backup")
			if _, err := Backup(ctx, o.db, Options{Dir: dir, Store: storage.NewLocal(o.dataDir)}); err != nil {
				t.Fatal(err)
			}
			// A database that was migrated, even by a server started once,
			// holds only seed rows: fresh.
			r := restoreFresh(t, drv, dir)
			if r.err != nil {
				t.Fatal(r.err)
			}
			_, err := Restore(ctx, r.db, RestoreOptions{Dir: dir, Store: storage.NewLocal(r.dataDir)})
			if !errors.Is(err, ErrNotFresh) || !strings.Contains(err.Error(), "restore only into a new, empty database") {
				t.Fatalf("second restore into the same database: %v", err)
			}
			_, err = Restore(ctx, o.db, RestoreOptions{Dir: dir, Store: storage.NewLocal(t.TempDir())})
			if !errors.Is(err, ErrNotFresh) {
				t.Fatalf("restore over the live database: %v", err)
			}
			var n int64
			o.db.Model(&models.Activity{}).Count(&n)
			if n != 1 {
				t.Fatalf("the refused restore changed the database: %d activities", n)
			}
			// A backup never writes into a directory that holds something.
			if _, err := Backup(ctx, o.db, Options{Dir: dir, Store: storage.NewLocal(o.dataDir)}); err == nil || !strings.Contains(err.Error(), "is not empty") {
				t.Fatalf("backup into a used directory: %v", err)
			}
		})
	}
}

// TestTamperedBackupFailsTheCheck: a changed database file, a changed row
// whose file hash was fixed up to match, and a changed photo each fail the
// restore, naming what differs.
func TestTamperedBackupFailsTheCheck(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			ctx := context.Background()
			o := newOffice(t, dbtest.Open(t, drv))
			for i := range 3 {
				if err := o.step(ctx, i); err != nil {
					t.Fatal(err)
				}
			}
			fresh := func() (string, *Manifest) {
				dir := filepath.Join(t.TempDir(), "backup")
				m, err := Backup(ctx, o.db, Options{Dir: dir, Store: storage.NewLocal(o.dataDir)})
				if err != nil {
					t.Fatal(err)
				}
				return dir, m
			}
			wantMismatch := func(name, dir, say string) {
				t.Helper()
				r := restoreFresh(t, drv, dir)
				var mm *MismatchError
				if !errors.As(r.err, &mm) || !strings.Contains(r.err.Error(), say) {
					t.Fatalf("%s: restore says %v, want a mismatch naming %q", name, r.err, say)
				}
			}

			// The database file's bytes, as a disk or a copy might damage them.
			dir, m := fresh()
			dbFile := SQLiteName
			if m.Database == TablesDir {
				dbFile = TablesDir + "/units.jsonl"
			}
			flipLastByte(t, filepath.Join(dir, dbFile))
			wantMismatch("damaged database file", dir, "backup file "+dbFile+" was changed or damaged")

			// A row changed, and the file's hash in the manifest changed to match.
			dir, m = fresh()
			changeUnitName(t, dir, m)
			wantMismatch("changed row", dir, "units's rows differ from the snapshot's")

			// A photo changed.
			dir, m = fresh()
			if len(m.Files.Objects) != 3 {
				t.Fatalf("%d files in the backup", len(m.Files.Objects))
			}
			flipLastByte(t, filepath.Join(dir, FilesDir, m.Files.Objects[1].Key))
			wantMismatch("changed photo", dir, "backup file "+m.Files.Objects[1].Key+" was changed or damaged")
		})
	}
}

func flipLastByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-2] ^= 0x01 // not the last: a JSONL file ends with a newline
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// changeUnitName renames a unit inside the backup and writes the new
// file's hash into the manifest, so that only the rows' checksum can tell.
func changeUnitName(t *testing.T, dir string, m *Manifest) {
	t.Helper()
	if m.Database == SQLiteName {
		path := filepath.Join(dir, SQLiteName)
		db, err := models.Open(models.Options{Driver: "sqlite", DSN: path})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE units SET name = '竄改局' WHERE code = 'A00'").Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
			t.Fatal(err)
		}
		s, _ := db.DB()
		s.Close()
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		if m.DatabaseSHA256, err = fileSHA256(path); err != nil {
			t.Fatal(err)
		}
	} else {
		path := filepath.Join(dir, TablesDir, "units.jsonl")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c := bytes.Replace(b, []byte("工務局"), []byte("竄改局"), 1)
		if bytes.Equal(b, c) {
			t.Fatal("no unit to change")
		}
		if err := os.WriteFile(path, c, 0o600); err != nil {
			t.Fatal(err)
		}
		for i := range m.Tables {
			if m.Tables[i].Name == "units" {
				if m.Tables[i].FileSHA256, err = fileSHA256(path); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreAcrossEngines: a backup of the embedded SQLite database
// restores into MySQL and a MySQL dump into SQLite, matching the snapshot
// table by table (the checksums do not depend on the engine).
func TestRestoreAcrossEngines(t *testing.T) {
	dbtest.MySQLOnly(t)
	for _, c := range []struct{ from, to string }{{"sqlite", "mysql"}, {"mysql", "sqlite"}} {
		t.Run(c.from+" to "+c.to, func(t *testing.T) {
			ctx := context.Background()
			o := newOffice(t, dbtest.Open(t, c.from))
			for i := range 12 {
				if err := o.step(ctx, i); err != nil {
					t.Fatal(err)
				}
			}
			dir := filepath.Join(t.TempDir(), "backup")
			m, err := Backup(ctx, o.db, Options{Dir: dir, Store: storage.NewLocal(o.dataDir)})
			if err != nil {
				t.Fatal(err)
			}
			r := restoreFresh(t, c.to, dir)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if atts := checkRestored(t, o, r); int64(len(atts)) != rowsOf(m, "attachments") || len(atts) != 12 {
				t.Fatalf("%d attachments restored", len(atts))
			}
		})
	}
}

// TestReferencedFiles: with a remote store the backup lists the objects the
// rows need (key, size, hash) and checks they exist instead of copying
// them; the restore checks they are in the store it is given.
func TestReferencedFiles(t *testing.T) {
	ctx := context.Background()
	o := newOffice(t, dbtest.Open(t, "sqlite"))
	for i := range 3 {
		if err := o.step(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	bucket := storage.NewLocal(o.dataDir) // stands where a bucket would
	dir := filepath.Join(t.TempDir(), "backup")
	m, err := Backup(ctx, o.db, Options{Dir: dir, Store: bucket, Files: FilesReference})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files.Objects) != 3 || m.Files.Objects[0].SHA256 == "" || m.Files.Objects[0].Size != 1508 {
		t.Fatalf("referenced objects: %+v", m.Files.Objects)
	}
	if _, err := os.Stat(filepath.Join(dir, FilesDir)); !os.IsNotExist(err) {
		t.Fatalf("files were copied: %v", err)
	}
	// Into a store that lacks them: refused, naming the object.
	r := restoreFresh(t, "sqlite", dir)
	if r.err == nil || !strings.Contains(r.err.Error(), "referenced file "+m.Files.Objects[0].Key) {
		t.Fatalf("restore without the objects: %v", r.err)
	}
	// Beside the bucket that holds them: restored, downloads intact.
	db, err := models.Open(dbtest.Options(t, "sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(db)
	if _, err := Restore(ctx, db, RestoreOptions{Dir: dir, Store: bucket}); err != nil {
		t.Fatal(err)
	}
	checkRestored(t, o, restored{db: db, dataDir: o.dataDir})
	// An object missing from the bucket fails the backup.
	if err := bucket.Delete(ctx, m.Files.Objects[2].Key); err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, o.db, Options{Dir: filepath.Join(t.TempDir(), "b2"), Store: bucket, Files: FilesReference}); err == nil || !strings.Contains(err.Error(), m.Files.Objects[2].Key) {
		t.Fatalf("backup with a missing object: %v", err)
	}
}

package demo_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ethicsops/demo"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/reports"
	"ethicsops/services/storage"
)

// TestSeedReports: the demo's reports are stored through the reports
// service, sealed, in every state and channel, one overdue, one about a
// handler who cannot see it; the printed receipt opens its report, where
// the reporter reads the office's question and no internal note.
func TestSeedReports(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the whole demo office")
	}
	db := dbtest.Open(t, "sqlite")
	loc, _ := time.LoadLocation("Asia/Taipei")
	dir := t.TempDir()
	svc := services.New(db, services.Options{JWTSecret: []byte("demo-secret-0123456789abcdef0123456789"), Location: loc, BcryptCost: bcrypt.MinCost, DataDir: dir})
	ctx := context.Background()
	o, err := demo.Seed(ctx, svc)
	if err != nil || o == nil {
		t.Fatalf("seed: %v", err)
	}
	opts := reports.Options{Key: []byte("demo-reports-key-0123456789abcde"), Files: storage.NewLocal(dir), Location: loc}
	receipt, err := demo.SeedReports(ctx, svc, o, opts)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := reports.New(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Evidence: the reporter's photo and a scanned letter, sealed in the
	// store (neither holds its plain bytes).
	var files []models.ReportFile
	if err := db.Find(&files).Error; err != nil || len(files) != 2 {
		t.Fatalf("%d demo report files: %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.ObjectKey)))
		if err != nil || bytes.Contains(b, []byte("%PDF")) || bytes.Contains(b, []byte("\x89PNG")) {
			t.Fatalf("demo report file %s: %v (or stored in clear)", f.ObjectKey, err)
		}
	}
	st, err := rs.CountYears(ctx, reports.StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total < 10 || st.Overdue != 1 {
		t.Errorf("total %d, overdue %d", st.Total, st.Overdue)
	}
	for _, k := range models.ReportStates {
		if st.ByState[k] == 0 {
			t.Errorf("no demo report %s", k)
		}
	}
	for _, k := range []string{"web", "letter", "phone", "mailbox", "in_person"} {
		if st.ByChannel[k] == 0 {
			t.Errorf("no demo report by %s", k)
		}
	}
	if len(st.Years) == 0 || st.Years[0].Year >= time.Now().Year() {
		t.Errorf("the demo reports do not span the years: %+v", st.Years)
	}
	var referred models.Report
	if err := db.Where("referred_to = ?", "aac").Take(&referred).Error; err != nil {
		t.Errorf("no referral to 法務部廉政署: %v", err)
	}
	actor := func(name string) services.Actor {
		u := o.Users[name]
		return services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status}
	}
	all, err := rs.Queue(ctx, actor("manager"), reports.QueueFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := rs.Queue(ctx, actor("officer2"), reports.QueueFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) != st.Total || len(mine.Items) != st.Total-1 {
		t.Errorf("manager sees %d, officer2 %d, of %d", len(all.Items), len(mine.Items), st.Total)
	}
	if _, err := rs.Queue(ctx, actor("officer"), reports.QueueFilter{}); err == nil {
		t.Error("the officer who is not a handler reads the queue")
	}
	// Every sealed value stays sealed in the rows.
	var rows []models.Report
	db.Find(&rows)
	for _, r := range rows {
		if strings.Contains(string(r.Sealed), "工務處") {
			t.Fatal("report content in the clear")
		}
	}
	tok, err := rs.Access(ctx, receipt)
	if err != nil {
		t.Fatalf("the printed receipt: %v", err)
	}
	id, err := rs.Reporter(ctx, tok.Token)
	if err != nil {
		t.Fatal(err)
	}
	v, err := rs.Mine(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Messages) != 1 || !strings.Contains(v.Messages[0].Text, "您可以在這裡直接回覆") {
		t.Errorf("the reporter's view: %+v", v.Messages)
	}
}

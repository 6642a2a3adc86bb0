package reports

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/storage"
)

// TestReportWritesRunAgainAfterADeadlock: the intake, a handler's
// recording, a transition, a reply and a reporter's file, each aborted once
// as a deadlock victim (on a Galera cluster: a certification conflict with
// another node), run again and end as if nothing had happened: one report,
// one claim, one audit event, the same answers, and a replay still
// recognised as one.
func TestReportWritesRunAgainAfterADeadlock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		s, err := New(db, Options{Key: newKey(t), Files: storage.NewLocal(t.TempDir()), PowBits: 4})
		if err != nil {
			t.Fatal(err)
		}
		ctx := from("192.0.2.1")
		now := time.Now().UTC().Truncate(time.Microsecond)
		h := models.User{ID: uuid.NewString(), Username: "handler", DisplayName: "陳承辦", Role: models.RoleOfficer, Status: models.StatusActive,
			PasswordHash: "x", ReportHandler: true, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&h).Error; err != nil {
			t.Fatal(err)
		}
		handler := services.Actor{UserID: h.ID, Role: models.RoleOfficer}
		injected := func(c *atomic.Int32) {
			t.Helper()
			if c.Load() != 1 {
				t.Fatal("no deadlock injected; this test would prove nothing")
			}
		}

		// The spent challenge is the claim: the retry must claim it again,
		// not take its own first attempt for a resend.
		sub := submission(s, "採購承辦人收受回扣。")
		sub.Files = oneFile("收據.png", pngBytes(3000))
		c := dbtest.DeadlockOnce(t, db, "create", "report_challenges")
		r, err := s.Submit(ctx, sub)
		if err != nil || r.Replay || r.Receipt == "" {
			t.Fatalf("submit: %+v %v", r, err)
		}
		injected(c)
		if n := dbtest.CountRows(t, db, &models.Report{}, "id = ?", r.ReportID); n != 1 {
			t.Fatalf("%d reports", n)
		}
		if n := dbtest.CountRows(t, db, &models.ReportChallenge{}, "1 = 1"); n != 1 {
			t.Fatalf("%d spent challenges", n)
		}
		if n := dbtest.CountRows(t, db, &models.ReportFile{}, "report_id = ?", r.ReportID); n != 1 {
			t.Fatalf("%d files", n)
		}
		if n := dbtest.CountRows(t, db, &models.AuditEvent{}, "action = ? AND entity_id = ?", "report.receive", r.ReportID); n != 1 {
			t.Fatalf("%d report.receive events", n)
		}
		if _, err := s.Access(ctx, r.Receipt); err != nil {
			t.Fatalf("the receipt opens nothing: %v", err)
		}
		sub.Files = nil
		if again, err := s.Submit(ctx, sub); err != nil || !again.Replay || again.Receipt != r.Receipt {
			t.Fatalf("the same proof again: %+v %v", again, err)
		}

		rec := Recording{Channel: "phone", ClientID: uuid.NewString(), Report: ReportInput{What: "電話檢舉：工地主任索賄。", Disclosure: "anonymous"}}
		c = dbtest.DeadlockOnce(t, db, "create", "audit_events")
		first, err := s.Record(context.Background(), handler, rec)
		if err != nil || first.Replay || first.Ref == "" {
			t.Fatalf("record: %+v %v", first, err)
		}
		injected(c)
		if n := dbtest.CountRows(t, db, &models.ReportIntake{}, "handler_id = ?", h.ID); n != 1 {
			t.Fatalf("%d claims of the client id", n)
		}
		if n := dbtest.CountRows(t, db, &models.Report{}, "1 = 1"); n != 2 {
			t.Fatalf("%d reports, want 2", n)
		}
		if again, err := s.Record(context.Background(), handler, rec); err != nil || !again.Replay || again.Receipt != first.Receipt || again.Ref != first.Ref {
			t.Fatalf("the same client id again: %+v %v (first %+v)", again, err, first)
		}

		// The version is bumped before the audit event fails.
		c = dbtest.DeadlockOnce(t, db, "create", "audit_events")
		d, err := s.Transition(context.Background(), handler, first.ReportID, Transition{To: models.ReportAssessing, Version: 1})
		if err != nil || d.Report.State != models.ReportAssessing || d.Report.Version != 2 {
			t.Fatalf("transition: %v %s v%d", err, d.Report.State, d.Report.Version)
		}
		injected(c)
		if n := dbtest.CountRows(t, db, &models.AuditEvent{}, "action = ? AND entity_id = ?", "report.transition", first.ReportID); n != 1 {
			t.Fatalf("%d report.transition events", n)
		}

		c = dbtest.DeadlockOnce(t, db, "create", "audit_events")
		m, err := s.Reply(context.Background(), handler, first.ReportID, "已收到，將儘速處理。", false)
		if err != nil || m.Text != "已收到，將儘速處理。" {
			t.Fatalf("reply: %+v %v", m, err)
		}
		injected(c)
		if n := dbtest.CountRows(t, db, &models.ReportMessage{}, "report_id = ?", first.ReportID); n != 1 {
			t.Fatalf("%d messages", n)
		}
		if n := dbtest.CountRows(t, db, &models.ReportMessage{}, "id = ?", m.ID); n != 1 {
			t.Fatal("the answer names a message that was not stored")
		}

		c = dbtest.DeadlockOnce(t, db, "create", "audit_events")
		f, err := s.ReporterAddsFile(ctx, r.ReportID, "補充.png", bytes.NewReader(pngBytes(2000)))
		if err != nil {
			t.Fatalf("reporter's file: %v", err)
		}
		injected(c)
		v, err := s.Mine(ctx, r.ReportID)
		if err != nil || len(v.Files) != 2 || (v.Files[0].ID != f.ID && v.Files[1].ID != f.ID) {
			t.Fatalf("the reporter's files: %+v %v", v.Files, err)
		}
		if n := dbtest.CountRows(t, db, &models.AuditEvent{}, "action = ? AND entity_id = ?", "report.reporter_file", r.ReportID); n != 1 {
			t.Fatalf("%d report.reporter_file events", n)
		}
	})
}

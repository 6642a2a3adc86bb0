package services_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

func auditEvents(t *testing.T, db *gorm.DB, action, entityID string) int64 {
	t.Helper()
	return dbtest.CountRows(t, db, &models.AuditEvent{}, "action = ? AND entity_id = ?", action, entityID)
}

// TestWritesRunAgainAfterADeadlock: a write whose transaction is aborted
// once as a deadlock victim (on a Galera cluster: a certification conflict
// with another node) is run again and answers exactly as if nothing had
// happened — one row, one audit event, the same answer — instead of a 503
// the phone has to resend. Each failure comes after the transaction's main
// write, so a retry that kept anything of the failed attempt would show.
func TestWritesRunAgainAfterADeadlock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := services.New(db, services.Options{JWTSecret: []byte("test-secret-0123456789abcdef0123456789"), Location: taipei, BcryptCost: 4, DataDir: t.TempDir()})
		admin := services.Actor{Role: models.RoleAdmin}
		unit, err := svc.Units.Create(ctx, admin, services.NewUnit{Code: "T01", Name: "測試局", Kind: models.UnitAgency})
		if err != nil {
			t.Fatal(err)
		}
		o, err := svc.Users.Create(ctx, admin, services.NewUser{Username: "chen.officer", Password: "correct-horse-battery", DisplayName: "陳專員", Role: models.RoleOfficer})
		if err != nil {
			t.Fatal(err)
		}
		officer := services.Actor{UserID: o.ID, Role: o.Role, Status: o.Status}

		t.Run("token refresh", func(t *testing.T) {
			pair, _, err := svc.Auth.Login(ctx, "192.0.2.7", "chen.officer", "correct-horse-battery")
			if err != nil {
				t.Fatal(err)
			}
			// The old token is spent (an UPDATE), then the new one fails to
			// be stored: a retry that found the old one spent would take the
			// refresh for a stolen token's reuse and sign the officer out.
			injected := dbtest.DeadlockOnce(t, db, "create", "refresh_tokens")
			next, u, err := svc.Auth.Refresh(ctx, pair.RefreshToken)
			if err != nil || u.ID != o.ID || next.RefreshToken == "" || next.RefreshToken == pair.RefreshToken {
				t.Fatalf("refresh: %v %q", err, u.ID)
			}
			if injected.Load() != 1 {
				t.Fatal("no deadlock injected; this test would prove nothing")
			}
			if n := dbtest.CountRows(t, db, &models.RefreshToken{}, "user_id = ?", o.ID); n != 2 {
				t.Fatalf("%d refresh tokens, want the spent one and its successor", n)
			}
			if n := dbtest.CountRows(t, db, &models.RefreshToken{}, "user_id = ? AND used_at IS NOT NULL", o.ID); n != 1 {
				t.Fatalf("%d spent refresh tokens, want 1", n)
			}
			if n := dbtest.CountRows(t, db, &models.AuditEvent{}, "action = ?", "auth.refresh_reuse"); n != 0 {
				t.Fatalf("%d refresh_reuse events", n)
			}
			if _, err := svc.Auth.Authenticate(ctx, next.AccessToken); err != nil {
				t.Fatalf("the new access token: %v", err)
			}
			if _, _, err := svc.Auth.Refresh(ctx, next.RefreshToken); err != nil {
				t.Fatalf("the new refresh token: %v", err)
			}
		})

		t.Run("attachment", func(t *testing.T) {
			a, _, err := svc.Activities.Create(ctx, officer, services.ActivityInput{Kind: models.KindInfosecAudit, Title: "資安稽核", UnitID: unit.ID,
				ScheduledAt: time.Date(2021, 5, 3, 2, 0, 0, 0, time.UTC), Status: models.ActivityPlanned, Details: details(models.KindInfosecAudit, "")})
			if err != nil {
				t.Fatal(err)
			}
			body := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("稽核紀錄 "), 200)...)
			id := uuid.NewString()
			injected := dbtest.DeadlockOnce(t, db, "create", "audit_events")
			att, created, err := svc.Attachments.Upload(ctx, officer, a.ID, services.UploadInput{ID: id, Filename: "稽核.pdf", Body: bytes.NewReader(body)})
			if err != nil || !created || att.ID != id || att.Size != int64(len(body)) {
				t.Fatalf("upload: %v created=%v %+v", err, created, att)
			}
			if injected.Load() != 1 {
				t.Fatal("no deadlock injected; this test would prove nothing")
			}
			if n := dbtest.CountRows(t, db, &models.Attachment{}, "activity_id = ?", a.ID); n != 1 {
				t.Fatalf("%d attachment rows, want 1", n)
			}
			if n := auditEvents(t, db, "attachment.create", id); n != 1 {
				t.Fatalf("%d attachment.create events, want 1", n)
			}
			_, rc, err := svc.Attachments.Open(ctx, officer, id)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("download: %d bytes, %v", len(got), err)
			}
		})

		t.Run("declaration create and update", func(t *testing.T) {
			year := time.Now().In(taipei).Year()
			id := uuid.NewString()
			injected := dbtest.DeadlockOnce(t, db, "create", "audit_events")
			d, created, err := svc.Declarations.Create(ctx, officer, services.NewDeclaration{ID: id, Year: year, DeclarantName: "王大明", Position: "科長",
				UnitID: unit.ID, Type: models.DeclarationTypes[0], DueDate: fmt.Sprintf("%d-11-30", year)})
			if err != nil || !created || d.ID != id || d.Version != 1 {
				t.Fatalf("create: %v created=%v %+v", err, created, d)
			}
			if injected.Load() != 1 {
				t.Fatal("no deadlock injected; this test would prove nothing")
			}
			if n := dbtest.CountRows(t, db, &models.Declaration{}, "id = ?", id); n != 1 {
				t.Fatalf("%d declaration rows, want 1", n)
			}
			if n := auditEvents(t, db, "declaration.create", id); n != 1 {
				t.Fatalf("%d declaration.create events, want 1", n)
			}
			// The version is bumped, then the audit event fails: a retry
			// that saw the bumped version would answer version_conflict.
			injected = dbtest.DeadlockOnce(t, db, "create", "audit_events")
			filed := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
			pos := "副處長"
			u, err := svc.Declarations.Update(ctx, officer, id, services.DeclarationPatch{Version: 1, FiledAtSet: true, FiledAt: &filed, Position: &pos})
			if err != nil || u.Version != 2 || u.Position != pos || u.FiledAt == nil || !u.FiledAt.Equal(filed) {
				t.Fatalf("update: %v %+v", err, u)
			}
			if injected.Load() != 1 {
				t.Fatal("no deadlock injected; this test would prove nothing")
			}
			var stored models.Declaration
			if err := db.Where("id = ?", id).Take(&stored).Error; err != nil || stored.Version != 2 || stored.Position != pos {
				t.Fatalf("stored: %v %+v", err, stored)
			}
			if n := auditEvents(t, db, "declaration.update", id); n != 1 {
				t.Fatalf("%d declaration.update events, want 1", n)
			}
		})

		t.Run("account update by an admin", func(t *testing.T) {
			var before models.User
			if err := db.Where("id = ?", o.ID).Take(&before).Error; err != nil {
				t.Fatal(err)
			}
			// A new password ends the account's sessions (session_epoch + 1)
			// before the audit event fails: the retry must bump it once, not twice.
			injected := dbtest.DeadlockOnce(t, db, "create", "audit_events")
			pw, name := "another-long-passphrase", "陳專員（資安）"
			u, err := svc.Users.Update(ctx, admin, o.ID, services.UserPatch{Password: &pw, DisplayName: &name})
			if err != nil || u.DisplayName != name {
				t.Fatalf("update: %v %+v", err, u)
			}
			if injected.Load() != 1 {
				t.Fatal("no deadlock injected; this test would prove nothing")
			}
			var after models.User
			if err := db.Where("id = ?", o.ID).Take(&after).Error; err != nil {
				t.Fatal(err)
			}
			if after.SessionEpoch != before.SessionEpoch+1 || after.DisplayName != name {
				t.Fatalf("session epoch %d → %d, name %q", before.SessionEpoch, after.SessionEpoch, after.DisplayName)
			}
			if n := auditEvents(t, db, "user.update", o.ID); n != 1 {
				t.Fatalf("%d user.update events, want 1", n)
			}
			if _, _, err := svc.Auth.Login(ctx, "192.0.2.7", "chen.officer", pw); err != nil {
				t.Fatalf("sign-in with the new password: %v", err)
			}
		})
	})
}

package reports

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/storage"
)

// TestRecordingReplayOutlivesAKeyRotation: a report a handler recorded
// with a client id under the old key is answered again with its receipt
// by a server holding only the new key once the rotation re-sealed the
// replay; a rerun re-seals nothing.
func TestRecordingReplayOutlivesAKeyRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Now().UTC().Truncate(time.Microsecond)
		u := models.User{ID: uuid.NewString(), Username: "handler", DisplayName: "陳承辦", Role: models.RoleOfficer, Status: models.StatusActive,
			PasswordHash: "x", ReportHandler: true, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		actor := services.Actor{UserID: u.ID, Role: models.RoleOfficer}
		dir := t.TempDir()
		oldKey, newKey := newKey(t), newKey(t)
		mk := func(k []byte, prev ...[]byte) *Service {
			s, err := New(db, Options{Key: k, PreviousKeys: prev, Files: storage.NewLocal(dir)})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		rec := Recording{Channel: "letter", ClientID: uuid.NewString(),
			Report: ReportInput{What: "來函檢舉：採購承辦人收受回扣。", Disclosure: "anonymous"}}
		first, err := mk(oldKey).Record(context.Background(), actor, rec)
		if err != nil || first.Replay || first.Ref == "" {
			t.Fatalf("record: %+v %v", first, err)
		}
		c, err := mk(newKey, oldKey).Rotate(context.Background(), io.Discard)
		if err != nil || c != (RotateCounts{Reports: 1, Recordings: 1}) {
			t.Fatalf("rotate: %+v %v", c, err)
		}
		if again, err := mk(newKey, oldKey).Rotate(context.Background(), io.Discard); err != nil || again != (RotateCounts{}) {
			t.Fatalf("rerun: %+v %v", again, err)
		}
		got, err := mk(newKey).Record(context.Background(), actor, rec)
		if err != nil || !got.Replay || got.Receipt != first.Receipt || got.ReportID != first.ReportID || got.Ref != first.Ref {
			t.Fatalf("replay under the new key: %+v %v (first %+v)", got, err, first)
		}
		var n int64
		db.Model(&models.Report{}).Count(&n)
		if n != 1 {
			t.Fatalf("%d reports", n)
		}
	})
}

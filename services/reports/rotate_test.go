package reports

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services/storage"
)

// TestRotateReseals: after a rotation everything opens with the new key
// alone and nothing with the old one; a rotation cut short between a
// file's object and its row resumes; a rerun changes nothing.
func TestRotateReseals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := from("192.0.2.1")
		dir := t.TempDir()
		oldKey, newKey := newKey(t), newKey(t)
		mk := func(k []byte, prev ...[]byte) *Service {
			s, err := New(db, Options{Key: k, PreviousKeys: prev, Files: storage.NewLocal(dir), PowBits: 4})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		before := mk(oldKey)
		plain := pngBytes(3*fileChunk + 77)
		var ids, receipts []string
		for i := range 3 {
			sub := submission(before, "舊金鑰的檢舉")
			sub.Files = oneFile("證據.png", plain)
			r, err := before.Submit(ctx, sub)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := before.ReporterSays(ctx, r.ReportID, "補充說明"); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ReportID)
			receipts = append(receipts, r.Receipt)
			_ = i
		}
		during := mk(newKey, oldKey)
		// Cut short: one file's object already re-sealed, its row not.
		var f models.ReportFile
		if err := db.Where("report_id = ?", ids[0]).Take(&f).Error; err != nil {
			t.Fatal(err)
		}
		if err := during.resealObject(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		c, err := during.Rotate(context.Background(), &log)
		if err != nil {
			t.Fatal(err)
		}
		if c != (RotateCounts{Reports: 3, Messages: 3, Files: 3}) {
			t.Fatalf("counts %+v\n%s", c, log.String())
		}
		if again, err := during.Rotate(context.Background(), io.Discard); err != nil || again != (RotateCounts{}) {
			t.Fatalf("rerun: %+v %v", again, err)
		}
		for _, m := range []any{&models.Report{}, &models.ReportMessage{}, &models.ReportFile{}} {
			var n int64
			db.Model(m).Where("key_id <> ?", KeyID(newKey)).Count(&n)
			if n != 0 {
				t.Fatalf("%T: %d rows not under the new key", m, n)
			}
		}
		after, oldOnly := mk(newKey), mk(oldKey)
		for _, id := range ids {
			v, err := after.Mine(ctx, id)
			if err != nil || v.Content.What != "舊金鑰的檢舉" || len(v.Messages) != 1 || len(v.Files) != 1 || v.Files[0].Name != "證據.png" {
				t.Fatalf("after: %+v %v", v, err)
			}
			if _, err := oldOnly.Mine(ctx, id); !errors.Is(err, ErrUnsealable) {
				t.Fatalf("the old key still opens the report: %v", err)
			}
		}
		// The receipts do not depend on the key: they still open their reports.
		for i, rec := range receipts {
			tok, err := after.Access(from("192.0.2.2"), rec)
			if err != nil {
				t.Fatal(err)
			}
			if id, err := after.Reporter(context.Background(), tok.Token); err != nil || id != ids[i] {
				t.Fatalf("receipt after rotation: %q %v", id, err)
			}
		}
		var files []models.ReportFile
		db.Find(&files)
		for _, f := range files {
			rc, err := after.openFile(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("file after rotation: %d bytes, %v", len(got), err)
			}
			if _, err := oldOnly.openFile(context.Background(), f); !errors.Is(err, ErrUnsealable) {
				t.Fatalf("the old key still opens the file: %v", err)
			}
		}
	})
}

// oneFile is a FileSource of one file.
func oneFile(name string, b []byte) FileSource {
	done := false
	return func() (string, io.Reader, error) {
		if done {
			return "", nil, io.EOF
		}
		done = true
		return name, bytes.NewReader(b), nil
	}
}

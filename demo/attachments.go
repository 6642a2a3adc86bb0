package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/google/uuid"

	"ethicsops/models"
	"ethicsops/services"
)

// seedAttachments has the officer add photos and a record to their latest
// acceptance supervisions from the phone, as the field does: each upload
// with the client id the phone keeps, one of them sent twice (the answer to
// the first try was lost on a weak signal) and stored once, and names the
// phone gave cleaned up to what the content is.
func seedAttachments(ctx context.Context, s *services.Services, o *Office) error {
	officer := o.Users["officer"]
	actor := services.Actor{UserID: officer.ID, Role: officer.Role, Status: officer.Status}
	var recent []models.Activity
	err := s.DB.WithContext(ctx).Where("owner_id = ? AND kind = ? AND status = ? AND title LIKE ?",
		officer.ID, models.KindProcurementSupervision, models.ActivityCompleted, "%」驗收").
		Order("completed_at DESC").Limit(2).Find(&recent).Error
	if err != nil {
		return err
	}
	type file struct {
		name string // as the phone named it
		body []byte
	}
	for i, a := range recent {
		files := []file{
			{"驗收現場照片.png", demoPhoto(i, 0)},
			// A photo the phone's gallery app exported under a web page's name.
			{"IMG_2048.html", demoPhoto(i, 1)},
			{"驗收紀錄\u202Efdp.exe", demoPDF(a.Title)},
		}
		for j, f := range files {
			in := services.UploadInput{ID: uuid.NewString(), Filename: f.name}
			tries := 1
			if i == 0 && j == 0 {
				tries = 2 // resent after a lost answer: the same id, stored once
			}
			for range tries {
				in.Body = bytes.NewReader(f.body)
				if _, _, err := s.Attachments.Upload(ctx, actor, a.ID, in); err != nil {
					return fmt.Errorf("demo attachment %s of %q: %w", f.name, a.Title, err)
				}
			}
		}
	}
	return nil
}

// demoPhoto is a small PNG, different for each (record, photo).
func demoPhoto(record, n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for y := range 32 {
		for x := range 48 {
			img.Set(x, y, color.RGBA{uint8(40 + 4*x), uint8(90 + 3*y + 20*n), uint8(120 + 30*record), 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// demoPDF is a one-page PDF naming the record.
func demoPDF(title string) []byte {
	return fmt.Appendf(nil, "%%PDF-1.4\n%% %s 驗收紀錄\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"+
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"+
		"trailer << /Root 1 0 R >>\n%%%%EOF\n", title)
}

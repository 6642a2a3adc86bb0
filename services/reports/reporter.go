package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
	"ethicsops/services"
)

// What the reporter sees of their report with their token: the state, what
// they wrote (not their identity back: they know it), the conversation
// without internal notes, the files; never who handles it.

// ReporterView is GET /reports/mine.
type ReporterView struct {
	State          string
	ReceivedAt     time.Time
	Channel        string
	Disclosure     string
	Content        Content // Identity left empty
	Messages       []ReporterMessage
	Files          []ReporterFile
	FirstAnswerDue time.Time
}

// ReporterMessage is a message as the reporter sees it: From "reporter" or
// "office".
type ReporterMessage struct {
	ID        string
	From      string
	Text      string
	CreatedAt time.Time
}

// ReporterFile is a file as the reporter sees it.
type ReporterFile struct {
	ID          string
	Name        string
	Size        int64
	ContentType string
	From        string
	CreatedAt   time.Time
}

// fromOf is who a message or file is from, as the reporter is told.
func fromOf(author string) string {
	if author == "reporter" {
		return "reporter"
	}
	return "office"
}

// Mine is the report of a reporter's token.
func (s *Service) Mine(ctx context.Context, reportID string) (ReporterView, error) {
	db := s.db.WithContext(ctx)
	var rep models.Report
	if err := db.Where("id = ?", reportID).Take(&rep).Error; err != nil {
		return ReporterView{}, reportNotFound(err)
	}
	c, err := s.openContent(rep.ID, rep.Sealed)
	if err != nil {
		return ReporterView{}, err
	}
	c.Identity = Identity{}
	v := ReporterView{State: rep.State, ReceivedAt: rep.ReceivedAt, Channel: rep.Channel, Disclosure: rep.Disclosure, Content: c,
		FirstAnswerDue: rep.FirstAnswerDue, Messages: []ReporterMessage{}, Files: []ReporterFile{}}
	var msgs []models.ReportMessage
	if err := db.Where("report_id = ? AND internal = ?", rep.ID, false).Order("created_at, id").Find(&msgs).Error; err != nil {
		return ReporterView{}, err
	}
	for _, m := range msgs {
		text, err := s.openText(m.ID, "text", m.Sealed)
		if err != nil {
			return ReporterView{}, err
		}
		v.Messages = append(v.Messages, ReporterMessage{ID: m.ID, From: fromOf(m.Author), Text: text, CreatedAt: m.CreatedAt})
	}
	var files []models.ReportFile
	if err := db.Where("report_id = ?", rep.ID).Order("created_at, id").Find(&files).Error; err != nil {
		return ReporterView{}, err
	}
	for _, f := range files {
		rf, err := s.reporterFile(f)
		if err != nil {
			return ReporterView{}, err
		}
		v.Files = append(v.Files, rf)
	}
	return v, nil
}

func (s *Service) reporterFile(f models.ReportFile) (ReporterFile, error) {
	name, err := s.fileName(f)
	if err != nil {
		return ReporterFile{}, err
	}
	return ReporterFile{ID: f.ID, Name: name, Size: f.Size, ContentType: f.ContentType, From: fromOf(f.Author), CreatedAt: f.CreatedAt}, nil
}

func reportNotFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return services.NotFound("report")
	}
	return err
}

// ReporterSays adds the reporter's message to their report. The audit
// event (report.reporter_message) says nothing of the text.
// Errors: validation (text), not_found.
func (s *Service) ReporterSays(ctx context.Context, reportID, text string) (ReporterMessage, error) {
	f := services.Fields{}
	text = cleanText(f, "text", text, MaxMessage, true)
	if text == "" {
		f.Add("text", "required")
	}
	if err := f.Err(); err != nil {
		return ReporterMessage{}, err
	}
	m := models.ReportMessage{ID: uuid.NewString(), ReportID: reportID, Author: "reporter", KeyID: s.sealer.KeyID(), CreatedAt: s.now()}
	m.Sealed = s.sealText(m.ID, "text", text)
	err := services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := lockReportRow(tx, reportID); err != nil {
			return err
		}
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		return services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Action: "report.reporter_message", EntityType: "report", EntityID: reportID})
	})
	if err != nil {
		return ReporterMessage{}, err
	}
	return ReporterMessage{ID: m.ID, From: "reporter", Text: text, CreatedAt: m.CreatedAt}, nil
}

// lockReportRow locks the report's row for the rest of tx (not_found when
// there is none).
func lockReportRow(tx *gorm.DB, reportID string) error {
	var rep models.Report
	return reportNotFound(tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").Where("id = ?", reportID).Take(&rep).Error)
}

// reporterFiles counts the files the reporter sent with the report.
func reporterFiles(tx *gorm.DB, reportID string) (int64, error) {
	var n int64
	err := tx.Model(&models.ReportFile{}).Where("report_id = ? AND author = ?", reportID, "reporter").Count(&n).Error
	return n, err
}

// ReporterAddsFile adds a file from the reporter: at most MaxReporterFiles
// in all (with those sent with the report), counted again under the
// report's lock once the file is stored, so that uploads at once do not
// pass the cap together. Errors: validation (file), not_found,
// payload_too_large, unsupported_media_type.
func (s *Service) ReporterAddsFile(ctx context.Context, reportID, name string, r io.Reader) (ReporterFile, error) {
	tooMany := services.Invalid("file", fmt.Sprintf("at most %d files may be sent with a report", MaxReporterFiles))
	if n, err := reporterFiles(s.db.WithContext(ctx), reportID); err != nil {
		return ReporterFile{}, err
	} else if n >= MaxReporterFiles {
		return ReporterFile{}, tooMany
	}
	f, err := s.putFile(ctx, reportID, "reporter", name, r)
	if err != nil {
		return ReporterFile{}, err
	}
	err = services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := lockReportRow(tx, reportID); err != nil {
			return err
		}
		if n, err := reporterFiles(tx, reportID); err != nil {
			return err
		} else if n >= MaxReporterFiles {
			return tooMany
		}
		if err := tx.Create(&f).Error; err != nil {
			return err
		}
		return services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Action: "report.reporter_file", EntityType: "report", EntityID: reportID,
			After: map[string]any{"file_id": f.ID, "size": f.Size, "content_type": f.ContentType}})
	})
	if err != nil {
		s.dropFile(f)
		return ReporterFile{}, err
	}
	return s.reporterFile(f)
}

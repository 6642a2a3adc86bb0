package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// Who reads what (the handler side):
//   - report handlers (officers and managers an admin designated with
//     User.ReportHandler, still active) read, assign, move and answer
//     reports, each read audited (report.read);
//   - a handler named as involved in a report (ReportExclusion) gets
//     not_found for it and never sees it in the queue;
//   - managers and admins without the designation see the counts only
//     (Stats), never a report.

// errNotHandler is the answer to every report route for a caller who is not
// a designated handler: the counts (Stats) are all they may see.
var errNotHandler = services.Forbidden("only the designated report handlers read reports")

// handler returns the caller's account when it is an active, designated
// report handler, read afresh so that a withdrawn designation takes effect
// at once. Errors: forbidden.
func (s *Service) handler(ctx context.Context, actor services.Actor) (models.User, error) {
	if actor.UserID == "" || !(actor.Is(models.RoleOfficer, models.RoleManager)) {
		return models.User{}, errNotHandler
	}
	var u models.User
	err := s.db.WithContext(ctx).Where("id = ?", actor.UserID).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.User{}, errNotHandler
	}
	if err != nil {
		return models.User{}, err
	}
	if !u.ReportHandler || u.Status != models.StatusActive || !(u.Role == models.RoleOfficer || u.Role == models.RoleManager) {
		return models.User{}, errNotHandler
	}
	return u, nil
}

// notExcluded narrows a query on reports to those userID is not excluded
// from.
func notExcluded(q *gorm.DB, userID string) *gorm.DB {
	return q.Where("NOT EXISTS (SELECT 1 FROM report_exclusions x WHERE x.report_id = reports.id AND x.user_id = ?)", userID)
}

// takeReport reads report id for handler userID inside tx: not_found when
// there is none or when the handler is excluded from it (the same answer,
// so that an excluded handler does not learn that the report exists).
func takeReport(tx *gorm.DB, id, userID string) (models.Report, error) {
	var r models.Report
	err := notExcluded(tx.Model(&models.Report{}), userID).Where("reports.id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, services.NotFound("report")
	}
	return r, err
}

// refExpr is the report's number within its year (1, 2, …, by reception),
// computed rather than stored so that nothing but the reception order is
// needed: with the year it makes the reference "115-0007".
const refExpr = `(SELECT COUNT(*) FROM reports r2 WHERE r2.year = reports.year AND (r2.received_at < reports.received_at OR (r2.received_at = reports.received_at AND r2.id <= reports.id)))`

// Ref is the office's reference of a report: the year in the Republic of
// China calendar (民國) and the number within it, "115-0007".
func Ref(year, seq int) string { return fmt.Sprintf("%d-%04d", year-1911, seq) }

// Person is a staff account as a handler sees it.
type Person struct {
	ID          string
	DisplayName string
}

// Message is one message of a report as a handler sees it.
type Message struct {
	ID string
	// From is "reporter" or "handler".
	From     string
	Author   *Person // the handler who wrote it; nil for the reporter
	Internal bool
	Text     string
	At       time.Time
}

// FileInfo is one evidence file of a report (without its bytes).
type FileInfo struct {
	ID          string
	Name        string
	Size        int64
	ContentType string
	From        string // "reporter" or "handler"
	At          time.Time
}

// Detail is the whole report as a handler reads it.
type Detail struct {
	Report   models.Report
	Ref      string
	Content  Content
	Assignee *Person
	// Involved are the accounts excluded from the report.
	Involved []Person
	Messages []Message
	Files    []FileInfo
	NextDue  *time.Time
	Overdue  bool
}

// Get reads report id for a handler: decrypted, with the messages (internal
// notes included) and the files. Every read is written to the audit trail
// (report.read) with the reader, in the same transaction: no read without
// its trace. Errors: forbidden (not a handler), not_found (none, or the
// handler is excluded).
func (s *Service) Get(ctx context.Context, actor services.Actor, id string) (Detail, error) {
	if _, err := s.handler(ctx, actor); err != nil {
		return Detail{}, err
	}
	var d Detail
	err := services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		d = Detail{}
		r, err := takeReport(tx, id, actor.UserID)
		if err != nil {
			return err
		}
		d, err = s.detail(ctx, tx, r)
		if err != nil {
			return err
		}
		return services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Actor: actor, Action: "report.read", EntityType: "report", EntityID: r.ID})
	})
	return d, err
}

// detail opens report r and gathers what belongs to it.
func (s *Service) detail(ctx context.Context, tx *gorm.DB, r models.Report) (Detail, error) {
	d := Detail{Report: r}
	var seq int
	if err := tx.Model(&models.Report{}).Select(refExpr).Where("reports.id = ?", r.ID).Scan(&seq).Error; err != nil {
		return d, err
	}
	d.Ref = Ref(r.Year, seq)
	c, err := s.openContent(r.ID, r.Sealed)
	if err != nil {
		return d, err
	}
	d.Content = c
	d.NextDue, d.Overdue = nextDue(r, s.now())
	var ex []models.ReportExclusion
	if err := tx.Where("report_id = ?", r.ID).Order("created_at, user_id").Find(&ex).Error; err != nil {
		return d, err
	}
	var msgs []models.ReportMessage
	if err := tx.Where("report_id = ?", r.ID).Order("created_at, id").Find(&msgs).Error; err != nil {
		return d, err
	}
	ids := []string{}
	if r.AssigneeID != nil {
		ids = append(ids, *r.AssigneeID)
	}
	for _, x := range ex {
		ids = append(ids, x.UserID)
	}
	for _, m := range msgs {
		if m.AuthorID != "" {
			ids = append(ids, m.AuthorID)
		}
	}
	people, err := s.people(ctx, tx, ids)
	if err != nil {
		return d, err
	}
	if r.AssigneeID != nil {
		d.Assignee = people[*r.AssigneeID]
	}
	for _, x := range ex {
		if p := people[x.UserID]; p != nil {
			d.Involved = append(d.Involved, *p)
		}
	}
	for _, m := range msgs {
		text, err := s.openText(m.ID, "text", m.Sealed)
		if err != nil {
			return d, err
		}
		msg := Message{ID: m.ID, From: m.Author, Internal: m.Internal, Text: text, At: m.CreatedAt}
		if m.AuthorID != "" {
			msg.Author = people[m.AuthorID]
		}
		d.Messages = append(d.Messages, msg)
	}
	var files []models.ReportFile
	if err := tx.Where("report_id = ?", r.ID).Order("created_at, id").Find(&files).Error; err != nil {
		return d, err
	}
	for _, f := range files {
		name, err := s.openText(f.ID, "name", f.SealedName)
		if err != nil {
			return d, err
		}
		d.Files = append(d.Files, FileInfo{ID: f.ID, Name: name, Size: f.Size, ContentType: f.ContentType, From: f.Author, At: f.CreatedAt})
	}
	return d, nil
}

// people reads the display names of the accounts ids.
func (s *Service) people(ctx context.Context, tx *gorm.DB, ids []string) (map[string]*Person, error) {
	out := map[string]*Person{}
	if len(ids) == 0 {
		return out, nil
	}
	var users []models.User
	if err := tx.WithContext(ctx).Select("id", "display_name").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		out[u.ID] = &Person{ID: u.ID, DisplayName: u.DisplayName}
	}
	return out, nil
}

// open reports whether a report still has deadlines: received or assessing.
func open(state string) bool {
	return state == models.ReportReceived || state == models.ReportAssessing
}

// nextDue is the next deadline of r, the earlier of the first answer
// (while the reporter has had none) and the assessment, and whether it has
// passed at now; nil for a report referred or closed (assessed). nextDueExpr
// is the same in SQL, for the queue's order.
func nextDue(r models.Report, now time.Time) (*time.Time, bool) {
	if !open(r.State) {
		return nil, false
	}
	due := r.AssessmentDue
	if r.FirstAnsweredAt == nil && r.FirstAnswerDue.Before(due) {
		due = r.FirstAnswerDue
	}
	return &due, now.After(due)
}

const nextDueExpr = `(CASE WHEN reports.first_answered_at IS NULL AND reports.first_answer_due < reports.assessment_due THEN reports.first_answer_due ELSE reports.assessment_due END)`

// OpenFile opens evidence file fileID of report id for a handler: its
// name, type and size and the plain bytes as a stream (the caller closes
// it). Each download is audited (report.file_read) before a byte is sent.
// Errors: forbidden, not_found (no such report or file, or the handler is
// excluded from the report).
func (s *Service) OpenFile(ctx context.Context, actor services.Actor, id, fileID string) (FileInfo, io.ReadCloser, error) {
	if _, err := s.handler(ctx, actor); err != nil {
		return FileInfo{}, nil, err
	}
	var f models.ReportFile
	err := services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		f = models.ReportFile{}
		if _, err := takeReport(tx, id, actor.UserID); err != nil {
			return err
		}
		err := tx.Where("id = ? AND report_id = ?", fileID, id).Take(&f).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return services.NotFound("file")
		}
		if err != nil {
			return err
		}
		return services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Actor: actor, Action: "report.file_read", EntityType: "report", EntityID: id,
			After: map[string]any{"file_id": f.ID}})
	})
	if err != nil {
		return FileInfo{}, nil, err
	}
	name, err := s.fileName(f)
	if err != nil {
		return FileInfo{}, nil, err
	}
	rc, err := s.openFile(ctx, f)
	if err != nil {
		return FileInfo{}, nil, err
	}
	return FileInfo{ID: f.ID, Name: name, Size: f.Size, ContentType: f.ContentType, From: f.Author, At: f.CreatedAt}, rc, nil
}

// Handlers lists the active report handlers (by name), for a handler
// choosing an assignee or the accounts a report is about.
// Errors: forbidden (not a handler).
func (s *Service) Handlers(ctx context.Context, actor services.Actor) ([]Person, error) {
	if _, err := s.handler(ctx, actor); err != nil {
		return nil, err
	}
	var users []models.User
	if err := s.db.WithContext(ctx).Select("id", "display_name").
		Where("report_handler = ? AND status = ? AND role IN ?", true, models.StatusActive, []string{models.RoleOfficer, models.RoleManager}).
		Order("display_name, id").Find(&users).Error; err != nil {
		return nil, err
	}
	out := make([]Person, 0, len(users))
	for _, u := range users {
		out = append(out, Person{ID: u.ID, DisplayName: u.DisplayName})
	}
	return out, nil
}

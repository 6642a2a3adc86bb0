package reports

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// Limits of what handlers write.
const (
	MaxReasonChars = 2000
	MaxAgencyChars = 100
	// MaxInvolvedUsers bounds the accounts named at one assignment.
	MaxInvolvedUsers = 20
)

// Assignment gives a report to a handler and names the accounts of the
// people it is about, who are excluded from it from then on.
type Assignment struct {
	AssigneeID  string
	InvolvedIDs []string
	Version     int
}

// Assign gives report id to a handler. The accounts named as involved are
// excluded from the report for good (ReportExclusion): they can neither
// read it nor be assigned it, even if they are handlers. The assignee must
// be an active handler and not among the involved.
// Errors: forbidden, not_found, validation_failed (assignee_id,
// involved_user_ids), version_conflict.
func (s *Service) Assign(ctx context.Context, actor services.Actor, id string, a Assignment) (Detail, error) {
	if _, err := s.handler(ctx, actor); err != nil {
		return Detail{}, err
	}
	f := services.Fields{}
	if a.AssigneeID == "" {
		f.Add("assignee_id", "is required")
	}
	if len(a.InvolvedIDs) > MaxInvolvedUsers {
		f.Add("involved_user_ids", "at most 20 accounts")
	}
	if a.Version < 1 {
		f.Add("version", "is required")
	}
	if err := f.Err(); err != nil {
		return Detail{}, err
	}
	involved := map[string]bool{}
	for _, u := range a.InvolvedIDs {
		involved[u] = true
	}
	var d Detail
	err := services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		d = Detail{}
		r, err := takeReport(tx, id, actor.UserID)
		if err != nil {
			return err
		}
		if len(involved) > 0 {
			var n int64
			ids := sortedIDs(involved)
			if err := tx.Model(&models.User{}).Where("id IN ?", ids).Count(&n).Error; err != nil {
				return err
			}
			if int(n) != len(ids) {
				return services.Invalid("involved_user_ids", "names an account that does not exist")
			}
		}
		var excluded int64
		if err := tx.Model(&models.ReportExclusion{}).Where("report_id = ? AND user_id = ?", r.ID, a.AssigneeID).Count(&excluded).Error; err != nil {
			return err
		}
		if involved[a.AssigneeID] || excluded > 0 {
			return services.Invalid("assignee_id", "the report is about this account: assign it to another handler")
		}
		var u models.User
		err = tx.Where("id = ?", a.AssigneeID).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (!u.ReportHandler || u.Status != models.StatusActive)) {
			return services.Invalid("assignee_id", "must be an active report handler")
		}
		if err != nil {
			return err
		}
		if r.Version != a.Version {
			return services.ErrVersionConflict
		}
		now := s.now().UTC()
		for _, uid := range sortedIDs(involved) {
			var n int64
			if err := tx.Model(&models.ReportExclusion{}).Where("report_id = ? AND user_id = ?", r.ID, uid).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				if err := tx.Create(&models.ReportExclusion{ReportID: r.ID, UserID: uid, CreatedAt: now}).Error; err != nil {
					return err
				}
			}
		}
		before := map[string]any{"assignee_id": r.AssigneeID}
		res := tx.Model(&models.Report{}).Where("id = ? AND version = ?", r.ID, r.Version).
			Updates(map[string]any{"assignee_id": a.AssigneeID, "updated_at": now, "version": r.Version + 1})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return services.ErrVersionConflict
		}
		after := map[string]any{"assignee_id": a.AssigneeID, "involved_user_ids": sortedIDs(involved)}
		if err := services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Actor: actor, Action: "report.assign", EntityType: "report", EntityID: r.ID, Before: before, After: after}); err != nil {
			return err
		}
		if r, err = takeReport(tx, id, actor.UserID); err != nil {
			return err // the assigner named themself: the report is gone from them
		}
		d, err = s.detail(ctx, tx, r)
		return err
	})
	return d, err
}

// Transition moves a report on: received → assessing → referred or closed.
type Transition struct {
	To string
	// ReferredTo (aac, prosecutor, agency), ReferredAgency (the agency's
	// name, for "agency") and ReferredOn (YYYY-MM-DD) describe a referral.
	ReferredTo     string
	ReferredAgency string
	ReferredOn     string
	// Reason is required to close; an optional note on a referral.
	Reason  string
	Version int
}

// next lists the states each state may move to.
var next = map[string][]string{
	models.ReportReceived:  {models.ReportAssessing},
	models.ReportAssessing: {models.ReportReferred, models.ReportClosed},
}

// Transition moves report id on. A referral names its target and the date
// of the referral letter (not before the report was received, not after
// today); closing needs a reason. Referring or closing ends the assessment
// (AssessedAt). Errors: forbidden, not_found, validation_failed,
// version_conflict (stale version), conflict (not a move the workflow
// allows from the report's state).
func (s *Service) Transition(ctx context.Context, actor services.Actor, id string, t Transition) (Detail, error) {
	if _, err := s.handler(ctx, actor); err != nil {
		return Detail{}, err
	}
	t.ReferredAgency, t.Reason = strings.TrimSpace(t.ReferredAgency), strings.TrimSpace(t.Reason)
	f := services.Fields{}
	if !oneOf(t.To, []string{models.ReportAssessing, models.ReportReferred, models.ReportClosed}) {
		f.Add("to", "must be one of assessing, referred, closed")
	}
	if t.Version < 1 {
		f.Add("version", "is required")
	}
	if utf8.RuneCountInString(t.Reason) > MaxReasonChars {
		f.Add("reason", "at most 2000 characters")
	}
	switch t.To {
	case models.ReportReferred:
		if !oneOf(t.ReferredTo, models.ReportReferralTargets) {
			f.Add("referred_to", "must be one of aac, prosecutor, agency")
		}
		if t.ReferredTo == "agency" && t.ReferredAgency == "" {
			f.Add("referred_agency", "name the agency the report is referred to")
		}
		if t.ReferredTo != "agency" && t.ReferredAgency != "" {
			f.Add("referred_agency", "only for a referral to an agency")
		}
		if utf8.RuneCountInString(t.ReferredAgency) > MaxAgencyChars {
			f.Add("referred_agency", "at most 100 characters")
		}
		if t.ReferredOn == "" {
			f.Add("referred_on", "is required (YYYY-MM-DD)")
		}
	case models.ReportClosed:
		if t.Reason == "" {
			f.Add("reason", "say why the report is closed")
		}
	}
	if t.To != models.ReportReferred && (t.ReferredTo != "" || t.ReferredAgency != "" || t.ReferredOn != "") {
		f.Add("referred_to", "only when referring")
	}
	if err := f.Err(); err != nil {
		return Detail{}, err
	}
	var d Detail
	err := services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		d = Detail{}
		r, err := takeReport(tx, id, actor.UserID)
		if err != nil {
			return err
		}
		if r.Version != t.Version {
			return services.ErrVersionConflict
		}
		if !oneOf(t.To, next[r.State]) {
			return services.Conflict(services.CodeConflict, "a %s report cannot become %s", r.State, t.To)
		}
		now := s.now().UTC()
		if t.To == models.ReportReferred {
			on, err := time.ParseInLocation("2006-01-02", t.ReferredOn, s.loc)
			received := r.ReceivedAt.In(s.loc)
			today := now.In(s.loc)
			switch {
			case err != nil:
				return services.Invalid("referred_on", "must be a date YYYY-MM-DD")
			case on.Before(time.Date(received.Year(), received.Month(), received.Day(), 0, 0, 0, 0, s.loc)):
				return services.Invalid("referred_on", "is before the report was received")
			case on.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)):
				return services.Invalid("referred_on", "is in the future")
			}
		}
		before := map[string]any{"state": r.State}
		after := map[string]any{"state": t.To}
		updates := map[string]any{"state": t.To, "updated_at": now, "version": r.Version + 1}
		if t.To != models.ReportAssessing {
			updates["assessed_at"] = now
			c, err := s.openContent(r.ID, r.Sealed)
			if err != nil {
				return err
			}
			c.Outcome = Outcome{ReferredAgency: t.ReferredAgency, Reason: t.Reason}
			sealed, err := s.sealContent(r.ID, c)
			if err != nil {
				return err
			}
			updates["sealed"], updates["key_id"] = sealed, s.sealer.KeyID()
		}
		if t.To == models.ReportReferred {
			updates["referred_to"], updates["referred_on"] = t.ReferredTo, t.ReferredOn
			after["referred_to"], after["referred_on"] = t.ReferredTo, t.ReferredOn
		}
		if t.To == models.ReportClosed {
			updates["closed_at"] = now
		}
		res := tx.Model(&models.Report{}).Where("id = ? AND version = ?", r.ID, r.Version).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return services.ErrVersionConflict
		}
		// The agency's name and the reason stay out of the trail: they are
		// sealed with the report.
		if err := services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Actor: actor, Action: "report.transition", EntityType: "report", EntityID: r.ID, Before: before, After: after}); err != nil {
			return err
		}
		if r, err = takeReport(tx, id, actor.UserID); err != nil {
			return err
		}
		d, err = s.detail(ctx, tx, r)
		return err
	})
	return d, err
}

// Reply writes a handler's message on report id: to the reporter, or an
// internal note (internal) the reporter never sees. The first message to
// the reporter is the first answer (FirstAnsweredAt).
// Errors: forbidden, not_found, validation_failed (text).
func (s *Service) Reply(ctx context.Context, actor services.Actor, id, text string, internal bool) (Message, error) {
	u, err := s.handler(ctx, actor)
	if err != nil {
		return Message{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Message{}, services.Invalid("text", "is required")
	}
	if utf8.RuneCountInString(text) > MaxMessage {
		return Message{}, services.Invalid("text", "at most 5000 characters")
	}
	var out Message
	err = services.InTx(ctx, s.db, func(tx *gorm.DB) error {
		out = Message{}
		r, err := takeReport(tx, id, actor.UserID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		m := models.ReportMessage{ID: uuid.Must(uuid.NewV7()).String(), ReportID: r.ID, Author: "handler", AuthorID: u.ID,
			Internal: internal, KeyID: s.sealer.KeyID(), CreatedAt: now}
		m.Sealed = s.sealText(m.ID, "text", text)
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		after := map[string]any{"message_id": m.ID, "internal": internal}
		if !internal && r.FirstAnsweredAt == nil {
			res := tx.Model(&models.Report{}).Where("id = ? AND first_answered_at IS NULL", r.ID).
				Updates(map[string]any{"first_answered_at": now, "updated_at": now, "version": gorm.Expr("version + 1")})
			if res.Error != nil {
				return res.Error
			}
			after["first_answered_at"] = now
		}
		out = Message{ID: m.ID, From: m.Author, Author: &Person{ID: u.ID, DisplayName: u.DisplayName}, Internal: internal, Text: text, At: now}
		return services.AppendAudit(ctx, tx, s.now, services.AuditEntry{Actor: actor, Action: "report.message", EntityType: "report", EntityID: r.ID, After: after})
	})
	return out, err
}

func sortedIDs(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
)

// EarlyWarningService keeps the early warnings (預警作為) and their
// follow-ups. It lives beside the activities rather than in a package of its
// own because a warning may point at the activity that raised it, and is
// audited in the same chain by the same private helpers.
type EarlyWarningService struct {
	db  *gorm.DB
	now Clock
	loc *time.Location
}

// NewEarlyWarningService builds the service; loc is the office time zone
// (dates and the year a warning is listed under are days there).
func NewEarlyWarningService(db *gorm.DB, now Clock, loc *time.Location) *EarlyWarningService {
	if loc == nil {
		loc = time.UTC
	}
	return &EarlyWarningService{db: db, now: now, loc: loc}
}

// CanSeeWarning reports whether actor may read w: managers and admins read
// every warning; an officer reads their own and those about their own unit.
func CanSeeWarning(actor Actor, w models.EarlyWarning) bool {
	switch {
	case actor.Is(models.RoleAdmin, models.RoleManager):
		return true
	case actor.Is(models.RoleOfficer):
		return w.OwnerID == actor.UserID || (actor.UnitID != "" && w.UnitID == actor.UnitID)
	}
	return false
}

// CanEditWarning reports whether actor may change w or move it on: managers
// and admins, and the officer who wrote it.
func CanEditWarning(actor Actor, w models.EarlyWarning) bool {
	if actor.Is(models.RoleAdmin, models.RoleManager) {
		return true
	}
	return actor.Is(models.RoleOfficer) && w.OwnerID == actor.UserID
}

// CanReturnWarning reports whether actor may send w back to draft: managers
// and admins, while it is a draft or submitted (once the business unit is
// being followed, the record of what it did stays as it is).
func CanReturnWarning(actor Actor) bool { return actor.Is(models.RoleAdmin, models.RoleManager) }

// EarlyWarningInput is a new warning. ID is optional (a client-made UUID
// makes the create safe to resend). A warning is created as a draft.
type EarlyWarningInput struct {
	ID                string
	UnitID            string
	ActivityID        *string
	RiskArea          string
	Subject           string
	Observed          string
	SuggestedMeasures string
	SubmittedToHeadOn string // YYYY-MM-DD, optional until submitting
}

// EarlyWarningPatch changes a draft; nil fields stay. ClearActivity removes
// the link to an activity. Version must be the one read.
type EarlyWarningPatch struct {
	Version           int
	UnitID            *string
	ActivityID        *string
	ClearActivity     bool
	RiskArea          *string
	Subject           *string
	Observed          *string
	SuggestedMeasures *string
	SubmittedToHeadOn *string
}

// EarlyWarningFilter selects warnings in List; every field is optional.
type EarlyWarningFilter struct {
	UnitID   string
	RiskArea string
	Status   string
	Year     int
	Limit    int
	Cursor   string
}

// EarlyWarning is a warning with its follow-ups in date order.
type EarlyWarning struct {
	models.EarlyWarning
	FollowUps []models.EarlyWarningFollowUp
}

// FollowUpInput is one follow-up: on Date (YYYY-MM-DD), what the business
// unit did.
type FollowUpInput struct {
	Version     int
	Date        string
	ActionTaken string
}

// Bounds of a warning's texts.
const (
	maxWarningText  = 4000
	maxWarningShort = 2000
)

// Create records a draft warning owned by actor (staff). With a client id it
// is idempotent: the same id and content again returns the stored warning
// and created false; the same id with other content is id_conflict.
// Errors: ErrForbidden, validation_failed, id_conflict.
func (s *EarlyWarningService) Create(ctx context.Context, actor Actor, in EarlyWarningInput) (EarlyWarning, bool, error) {
	if !actor.IsStaff() {
		return EarlyWarning{}, false, Forbidden("only office staff record early warnings")
	}
	f := Fields{}
	if in.ID == "" {
		in.ID = newID()
	} else if id, err := uuid.Parse(in.ID); err != nil {
		f.Add("id", "must be a UUID")
	} else {
		in.ID = id.String()
	}
	normalizeWarning(&in)
	hash := warningHash(actor.UserID, in)
	now := s.now()
	s.validate(f, in, now, false)
	if err := s.checkRefs(ctx, s.db, actor, f, in, "", nil); err != nil {
		return EarlyWarning{}, false, err
	}
	if err := f.Err(); err != nil {
		return EarlyWarning{}, false, err
	}
	w := models.EarlyWarning{
		ID: in.ID, UnitID: in.UnitID, OwnerID: actor.UserID, ActivityID: in.ActivityID, RiskArea: in.RiskArea, Subject: in.Subject,
		Observed: in.Observed, SuggestedMeasures: in.SuggestedMeasures, SubmittedToHeadOn: in.SubmittedToHeadOn,
		Status: models.WarningDraft, ContentHash: hash, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	w.Year = s.yearOf(w)
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&w).Error; err != nil {
			if models.IsDuplicate(err) {
				return errDuplicateID
			}
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "early_warning.create", EntityType: "early_warning", EntityID: w.ID,
			After: warningFields(&w)})
	})
	if errors.Is(err, errDuplicateID) {
		old, err := resolveReplay(ctx, s.db, w.ID, hash, "early warning", func(o *models.EarlyWarning) string { return o.ContentHash })
		if err != nil {
			return EarlyWarning{}, false, err
		}
		// The hash holds the owner: a replay is always the caller's own.
		out, err := s.withFollowUps(ctx, s.db, old)
		return out, false, err
	}
	if err != nil {
		return EarlyWarning{}, false, err
	}
	return EarlyWarning{EarlyWarning: w, FollowUps: []models.EarlyWarningFollowUp{}}, true, nil
}

// Get returns one warning actor may read, with its follow-ups.
// Errors: ErrForbidden (not staff), ErrNotFound (also one the caller may not see).
func (s *EarlyWarningService) Get(ctx context.Context, actor Actor, id string) (EarlyWarning, error) {
	if !actor.IsStaff() {
		return EarlyWarning{}, Forbidden("only office staff read early warnings")
	}
	w, err := s.load(s.db.WithContext(ctx), id, false)
	if err != nil {
		return EarlyWarning{}, err
	}
	if !CanSeeWarning(actor, w) {
		return EarlyWarning{}, NotFound("early warning")
	}
	return s.withFollowUps(ctx, s.db, w)
}

// List returns a page of the warnings actor may read, newest first.
// Errors: ErrForbidden, bad_request (filter or cursor), validation_failed (year out of bounds).
func (s *EarlyWarningService) List(ctx context.Context, actor Actor, f EarlyWarningFilter) (Page[models.EarlyWarning], error) {
	var zero Page[models.EarlyWarning]
	if !actor.IsStaff() {
		return zero, Forbidden("only office staff read early warnings")
	}
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return zero, err
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return zero, err
	}
	q := s.db.WithContext(ctx).Model(&models.EarlyWarning{})
	if actor.Is(models.RoleOfficer) {
		if actor.UnitID != "" {
			q = q.Where("(owner_id = ? OR unit_id = ?)", actor.UserID, actor.UnitID)
		} else {
			q = q.Where("owner_id = ?", actor.UserID)
		}
	}
	if f.UnitID != "" {
		q = q.Where("unit_id = ?", f.UnitID)
	}
	if f.RiskArea != "" {
		if !oneOf(f.RiskArea, models.EarlyWarningRiskAreas...) {
			return zero, BadRequest("risk_area must be one of %s", strings.Join(models.EarlyWarningRiskAreas, ", "))
		}
		q = q.Where("risk_area = ?", f.RiskArea)
	}
	if f.Status != "" {
		if !oneOf(f.Status, models.EarlyWarningStatuses...) {
			return zero, BadRequest("status must be one of %s", strings.Join(models.EarlyWarningStatuses, ", "))
		}
		q = q.Where("status = ?", f.Status)
	}
	if f.Year != 0 {
		if err := queryYear("year", f.Year, s.now(), s.loc); err != nil {
			return zero, err
		}
		q = q.Where("year = ?", f.Year)
	}
	if q, err = afterTimeCursor(q, cur, "created_at", true); err != nil {
		return zero, err
	}
	var rows []models.EarlyWarning
	if err := q.Order("created_at DESC").Order("id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return zero, err
	}
	return pageOf(rows, limit, func(w models.EarlyWarning) Cursor { return timeCursor(w.CreatedAt, w.ID) }), nil
}

// Update changes a draft warning (those who CanEditWarning it). A patch that
// changes nothing answers the current warning, so a replay is harmless.
// Errors: ErrNotFound, ErrForbidden, validation_failed, version_conflict,
// conflict (the warning is no longer a draft).
func (s *EarlyWarningService) Update(ctx context.Context, actor Actor, id string, p EarlyWarningPatch) (EarlyWarning, error) {
	return s.change(ctx, actor, id, p.Version, "early_warning.update", func(tx *gorm.DB, w *models.EarlyWarning, now time.Time) (auditExtra, error) {
		if w.Status != models.WarningDraft {
			return nil, Conflict(CodeConflict, "only a draft is changed; a manager returns a submitted warning to draft first")
		}
		in := EarlyWarningInput{ID: w.ID, UnitID: w.UnitID, ActivityID: w.ActivityID, RiskArea: w.RiskArea, Subject: w.Subject,
			Observed: w.Observed, SuggestedMeasures: w.SuggestedMeasures, SubmittedToHeadOn: w.SubmittedToHeadOn}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&in.UnitID, p.UnitID)
		set(&in.RiskArea, p.RiskArea)
		set(&in.Subject, p.Subject)
		set(&in.Observed, p.Observed)
		set(&in.SuggestedMeasures, p.SuggestedMeasures)
		set(&in.SubmittedToHeadOn, p.SubmittedToHeadOn)
		if p.ClearActivity {
			in.ActivityID = nil
		}
		if p.ActivityID != nil {
			a := *p.ActivityID
			in.ActivityID = &a
		}
		normalizeWarning(&in)
		f := Fields{}
		s.validate(f, in, now, false)
		if err := s.checkRefs(ctx, tx, actor, f, in, w.UnitID, w.ActivityID); err != nil {
			return nil, err
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		w.UnitID, w.ActivityID, w.RiskArea, w.Subject = in.UnitID, in.ActivityID, in.RiskArea, in.Subject
		w.Observed, w.SuggestedMeasures, w.SubmittedToHeadOn = in.Observed, in.SuggestedMeasures, in.SubmittedToHeadOn
		return auditExtra{}, nil
	})
}

// Submit moves a draft to submitted: it has been written up to the head of
// the agency on submittedOn (or the date already stored). Suggested measures
// and the date are then required.
// Errors: ErrNotFound, ErrForbidden, validation_failed, version_conflict, conflict.
func (s *EarlyWarningService) Submit(ctx context.Context, actor Actor, id string, version int, submittedOn *string) (EarlyWarning, error) {
	return s.change(ctx, actor, id, version, "early_warning.submit", func(_ *gorm.DB, w *models.EarlyWarning, now time.Time) (auditExtra, error) {
		if w.Status != models.WarningDraft {
			return nil, Conflict(CodeConflict, "only a draft is submitted; this warning is %s", w.Status)
		}
		if submittedOn != nil {
			w.SubmittedToHeadOn = strings.TrimSpace(*submittedOn)
		}
		in := EarlyWarningInput{UnitID: w.UnitID, RiskArea: w.RiskArea, Subject: w.Subject, Observed: w.Observed,
			SuggestedMeasures: w.SuggestedMeasures, SubmittedToHeadOn: w.SubmittedToHeadOn}
		f := Fields{}
		s.validate(f, in, now, true)
		if err := f.Err(); err != nil {
			return nil, err
		}
		w.Status, w.SubmittedAt = models.WarningSubmitted, &now
		return auditExtra{}, nil
	})
}

// Return sends a draft or submitted warning back to draft with a comment
// (managers and admins).
// Errors: ErrNotFound, ErrForbidden, validation_failed, version_conflict, conflict.
func (s *EarlyWarningService) Return(ctx context.Context, actor Actor, id string, version int, comment string) (EarlyWarning, error) {
	if !CanReturnWarning(actor) {
		return EarlyWarning{}, Forbidden("only a manager or an admin returns an early warning")
	}
	comment = normalizeLines(strings.TrimSpace(comment))
	if msg := textProblem(comment, maxWarningShort, true, Prose); msg != "" {
		return EarlyWarning{}, Invalid("comment", msg)
	}
	return s.change(ctx, actor, id, version, "early_warning.return", func(_ *gorm.DB, w *models.EarlyWarning, now time.Time) (auditExtra, error) {
		if w.Status != models.WarningDraft && w.Status != models.WarningSubmitted {
			return nil, Conflict(CodeConflict, "only a draft or a submitted warning is returned; this one is %s", w.Status)
		}
		w.Status, w.SubmittedAt = models.WarningDraft, nil
		w.ReturnComment, w.ReturnedBy, w.ReturnedAt = comment, actor.UserID, &now
		return auditExtra{}, nil
	})
}

// AddFollowUp appends what the business unit did to a submitted or
// followed-up warning; the first follow-up moves it to following_up.
// Errors: ErrNotFound, ErrForbidden, validation_failed, version_conflict, conflict.
func (s *EarlyWarningService) AddFollowUp(ctx context.Context, actor Actor, id string, in FollowUpInput) (EarlyWarning, error) {
	in.Date = strings.TrimSpace(in.Date)
	in.ActionTaken = normalizeLines(strings.TrimSpace(in.ActionTaken))
	return s.change(ctx, actor, id, in.Version, "early_warning.follow_up", func(tx *gorm.DB, w *models.EarlyWarning, now time.Time) (auditExtra, error) {
		if w.Status != models.WarningSubmitted && w.Status != models.WarningFollowingUp {
			return nil, Conflict(CodeConflict, "follow-ups are recorded on a submitted warning; this one is %s", w.Status)
		}
		f := Fields{}
		if s.checkDate(f, "date", in.Date, now, true) && in.Date < w.SubmittedToHeadOn {
			f.Add("date", "must not be before submitted_to_head_on ("+w.SubmittedToHeadOn+")")
		}
		checkText(f, "action_taken", in.ActionTaken, maxWarningShort, true, Prose)
		if err := f.Err(); err != nil {
			return nil, err
		}
		fu := models.EarlyWarningFollowUp{ID: newID(), WarningID: w.ID, Date: in.Date, ActionTaken: in.ActionTaken, RecordedBy: actor.UserID, CreatedAt: now}
		if err := tx.Create(&fu).Error; err != nil {
			return nil, err
		}
		w.Status = models.WarningFollowingUp
		return auditExtra{"follow_up": map[string]any{"id": fu.ID, "date": fu.Date, "action_taken": fu.ActionTaken}}, nil
	})
}

// Close ends a followed-up warning with its outcome.
// Errors: ErrNotFound, ErrForbidden, validation_failed, version_conflict, conflict.
func (s *EarlyWarningService) Close(ctx context.Context, actor Actor, id string, version int, outcome string) (EarlyWarning, error) {
	outcome = normalizeLines(strings.TrimSpace(outcome))
	if msg := textProblem(outcome, maxWarningShort, true, Prose); msg != "" {
		return EarlyWarning{}, Invalid("outcome", msg)
	}
	return s.change(ctx, actor, id, version, "early_warning.close", func(_ *gorm.DB, w *models.EarlyWarning, now time.Time) (auditExtra, error) {
		if w.Status != models.WarningFollowingUp {
			return nil, Conflict(CodeConflict, "only a warning being followed up is closed (record a follow-up first); this one is %s", w.Status)
		}
		w.Status, w.Outcome, w.ClosedAt = models.WarningClosed, outcome, &now
		return auditExtra{}, nil
	})
}

// auditExtra is what a change records in its audit event besides the
// warning's changed fields (a follow-up's content); nil means no change.
type auditExtra map[string]any

// change is the one write path after creation: in one transaction it locks
// the warning, checks who may act and the version, lets apply change it
// (apply answers nil when nothing changed: the current warning is the
// answer), bumps the version and writes the audit event of action.
func (s *EarlyWarningService) change(ctx context.Context, actor Actor, id string, version int, action string,
	apply func(tx *gorm.DB, w *models.EarlyWarning, now time.Time) (auditExtra, error)) (EarlyWarning, error) {
	if !actor.IsStaff() {
		return EarlyWarning{}, Forbidden("only office staff change early warnings")
	}
	if version < 1 {
		return EarlyWarning{}, Invalid("version", "required: the version you last read")
	}
	var out models.EarlyWarning
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		before, err := s.load(tx, id, true)
		if err != nil {
			return err
		}
		if !CanSeeWarning(actor, before) {
			return NotFound("early warning")
		}
		if !CanEditWarning(actor, before) {
			return Forbidden("only the officer who wrote it, a manager or an admin changes this early warning")
		}
		// A patch that changes nothing is answered with the warning whatever
		// its version, as activities' are (a resent patch is harmless); a
		// move of status always needs the version read.
		patch := action == "early_warning.update"
		if !patch && version != before.Version {
			return ErrVersionConflict
		}
		now := s.now()
		after := before
		extra, err := apply(tx, &after, now)
		if err != nil {
			return err
		}
		bf, af := warningFields(&before), warningFields(&after)
		if extra == nil || (patch && sameFields(bf, af)) {
			out = before
			return nil
		}
		if version != before.Version {
			return ErrVersionConflict
		}
		after.Year = s.yearOf(after)
		after.Version, after.UpdatedAt = before.Version+1, now
		res := tx.Model(&models.EarlyWarning{}).Where("id = ? AND version = ?", after.ID, before.Version).Select("*").Updates(&after)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrVersionConflict
		}
		out = after
		b, a := diffFields(bf, warningFields(&after))
		for k, v := range extra {
			a[k] = v
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: action, EntityType: "early_warning", EntityID: after.ID, Before: b, After: a})
	})
	if err != nil {
		return EarlyWarning{}, err
	}
	return s.withFollowUps(ctx, s.db, out)
}

// load reads a warning; forUpdate locks its row on MySQL.
func (s *EarlyWarningService) load(db *gorm.DB, id string, forUpdate bool) (models.EarlyWarning, error) {
	return takeRow[models.EarlyWarning](db, forUpdate, "early warning", "id = ?", id)
}

func (s *EarlyWarningService) withFollowUps(ctx context.Context, db *gorm.DB, w models.EarlyWarning) (EarlyWarning, error) {
	fus := []models.EarlyWarningFollowUp{}
	err := db.WithContext(ctx).Where("warning_id = ?", w.ID).Order("date").Order("created_at").Order("id").Find(&fus).Error
	return EarlyWarning{EarlyWarning: w, FollowUps: fus}, err
}

// yearOf is the year w is listed under (see models.EarlyWarning).
func (s *EarlyWarningService) yearOf(w models.EarlyWarning) int {
	if d, err := time.Parse(time.DateOnly, w.SubmittedToHeadOn); err == nil {
		return d.Year()
	}
	return w.CreatedAt.In(s.loc).Year()
}

// checkDate checks a calendar date field that records a past day; it
// reports whether the date is well-formed and within bounds.
func (s *EarlyWarningService) checkDate(f Fields, field, date string, now time.Time, required bool) bool {
	if date == "" {
		if required {
			f.Add(field, "required")
		}
		return false
	}
	if d, err := time.Parse(time.DateOnly, date); err != nil || d.Format(time.DateOnly) != date {
		f.Add(field, "must be a date such as 2026-03-02")
		return false
	}
	if msg := dateProblem(date, now, s.loc, true); msg != "" {
		f.Add(field, msg)
		return false
	}
	return true
}

// validate checks a warning's own fields; submitting requires the
// suggested measures and the date it went to the head of the agency.
func (s *EarlyWarningService) validate(f Fields, in EarlyWarningInput, now time.Time, submitting bool) {
	if in.UnitID == "" {
		f.Add("unit_id", "required")
	}
	if !oneOf(in.RiskArea, models.EarlyWarningRiskAreas...) {
		f.Add("risk_area", "must be one of "+strings.Join(models.EarlyWarningRiskAreas, ", "))
	}
	checkText(f, "subject", in.Subject, 200, true, Line)
	checkText(f, "observed", in.Observed, maxWarningText, true, Prose)
	checkText(f, "suggested_measures", in.SuggestedMeasures, maxWarningText, submitting, Prose)
	if submitting && in.SubmittedToHeadOn == "" {
		f.Add("submitted_to_head_on", "required to submit")
	} else {
		s.checkDate(f, "submitted_to_head_on", in.SubmittedToHeadOn, now, false)
	}
}

// checkRefs checks that the unit exists and that the linked activity exists
// and is one actor may read; unchanged references (oldUnit, oldActivity) are
// not checked again, so a draft whose activity was deleted can still be
// edited.
func (s *EarlyWarningService) checkRefs(ctx context.Context, db *gorm.DB, actor Actor, f Fields, in EarlyWarningInput, oldUnit string, oldActivity *string) error {
	if in.UnitID != "" && in.UnitID != oldUnit {
		var n int64
		if err := db.WithContext(ctx).Model(&models.Unit{}).Where("id = ?", in.UnitID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			f.Add("unit_id", "no such unit")
		}
	}
	if in.ActivityID == nil || (oldActivity != nil && *oldActivity == *in.ActivityID) {
		return nil
	}
	var a models.Activity
	err := db.WithContext(ctx).Select("id", "kind", "owner_id", "published", "deleted_at").Where("id = ? AND deleted_at IS NULL", *in.ActivityID).Take(&a).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		f.Add("activity_id", "no such activity")
	case err != nil:
		return err
	case !CanRead(actor, a):
		f.Add("activity_id", "no such activity")
	}
	return nil
}

func normalizeWarning(in *EarlyWarningInput) {
	in.UnitID = strings.TrimSpace(in.UnitID)
	in.Subject = strings.TrimSpace(in.Subject)
	in.Observed = normalizeLines(strings.TrimSpace(in.Observed))
	in.SuggestedMeasures = normalizeLines(strings.TrimSpace(in.SuggestedMeasures))
	in.SubmittedToHeadOn = strings.TrimSpace(in.SubmittedToHeadOn)
	if in.ActivityID != nil {
		a := strings.TrimSpace(*in.ActivityID)
		in.ActivityID = &a
		if a == "" {
			in.ActivityID = nil
		}
	}
}

// warningHash fingerprints a create request: the same owner sending the same
// normalized content gets the same hash.
func warningHash(owner string, in EarlyWarningInput) string {
	b, _ := json.Marshal(struct {
		Owner string
		In    EarlyWarningInput
	}{owner, in})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// warningFields is what the audit trail records of a warning.
func warningFields(w *models.EarlyWarning) map[string]any {
	return map[string]any{
		"unit_id": w.UnitID, "owner_id": w.OwnerID, "activity_id": w.ActivityID, "risk_area": w.RiskArea, "subject": w.Subject,
		"observed": w.Observed, "suggested_measures": w.SuggestedMeasures, "submitted_to_head_on": w.SubmittedToHeadOn,
		"status": w.Status, "return_comment": w.ReturnComment, "returned_by": w.ReturnedBy, "outcome": w.Outcome,
	}
}

// sameFields reports whether two field maps write the same JSON.
func sameFields(a, b map[string]any) bool {
	x, y := diffFields(a, b)
	return len(x) == 0 && len(y) == 0
}

// diffFields keeps the fields whose JSON differs, before and after. A value
// that cannot be written as JSON counts as changed (appendAudit then fails
// the write rather than the change going unrecorded).
func diffFields(before, after map[string]any) (map[string]any, map[string]any) {
	ob, oa := map[string]any{}, map[string]any{}
	for k, av := range after {
		bj, berr := json.Marshal(before[k])
		aj, aerr := json.Marshal(av)
		if berr != nil || aerr != nil || string(bj) != string(aj) {
			ob[k], oa[k] = before[k], av
		}
	}
	return ob, oa
}

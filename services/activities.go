package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
)

// MaxClockSkew is how far in the future a client-given time (completed_at,
// captured_at) may lie: phones' clocks drift.
const MaxClockSkew = 5 * time.Minute

// DefaultRadiusM is a site's geofence radius when the client gives none.
const DefaultRadiusM = 100

// ActivityService records field work: activities of every kind, their
// check-ins (checkins.go) and their status flow. Every write that can change
// what the KPI report counts goes through applyWrite.
type ActivityService struct {
	exportMax int // 0: DefaultMaxExportRows
	db        *gorm.DB
	now       Clock
	kpis      *KPIService
	checkins  *checkinBatcher
	// current reads the activity a check-in is for (checkinColumns only),
	// the reads of one moment in one query (coalesce.go).
	current *loader[models.Activity]
	// loc is the office time zone, in which volunteers are told when
	// check-in opens.
	loc *time.Location
}

// checkinColumns are what a check-in needs of its activity (the rules of
// CanRead and CanCheckIn, the status, the geofence, the KPI year of a
// volunteer's hours): a narrow read, since
// one is made for every check-in.
var checkinColumns = []string{"id", "kind", "unit_id", "owner_id", "status", "published", "deleted_at", "site_lat", "site_lng", "site_radius_m",
	"scheduled_at", "event_ends_at"}

// NewActivityService builds the service.
func NewActivityService(db *gorm.DB, now Clock, kpis *KPIService) *ActivityService {
	s := &ActivityService{db: db, now: now, kpis: kpis, checkins: newCheckinBatcher(db), loc: time.UTC}
	if kpis != nil && kpis.loc != nil {
		s.loc = kpis.loc
	}
	s.current = newLoader(s.fetchActivities)
	return s
}

func (s *ActivityService) fetchActivities(ctx context.Context, ids []string) (map[string]models.Activity, error) {
	var rows []models.Activity
	err := s.db.WithContext(ctx).Select(checkinColumns).Where("id IN ? AND deleted_at IS NULL", ids).Find(&rows).Error
	out := make(map[string]models.Activity, len(rows))
	for _, a := range rows {
		out[a.ID] = a
	}
	return out, err
}

// Site is where an activity takes place; lat/lng are optional (both or none).
type Site struct {
	Name    string   `json:"name"`
	Address string   `json:"address"`
	Lat     *float64 `json:"lat"`
	Lng     *float64 `json:"lng"`
	RadiusM int      `json:"radius_m"`
}

// Procurement is the part of a procurement supervision (採購監辦／驗收監驗).
type Procurement struct {
	CaseNo       string   `json:"case_no"`
	CaseTitle    string   `json:"case_title"`
	Category     string   `json:"category"`
	BudgetAmount int64    `json:"budget_amount"`
	Stage        string   `json:"stage"`
	Deficiencies []string `json:"deficiencies"`
	Corrected    bool     `json:"corrected"`
}

// Maintenance is the part of a security maintenance (專案維護).
type Maintenance struct {
	EventName string `json:"event_name"`
	RiskLevel string `json:"risk_level"`
	Measures  string `json:"measures"`
}

// Petition is the part of a petition (陳情請願).
type Petition struct {
	Petitioners int    `json:"petitioners"`
	Subject     string `json:"subject"`
	Outcome     string `json:"outcome"`
}

// ChecklistItem is one line of a safety inspection or infosec audit.
type ChecklistItem struct {
	Item   string `json:"item"`
	Result string `json:"result"`
	Note   string `json:"note"`
}

// MaxEventLength bounds an event's end: a promotion week is the longest
// event the office holds, so an end more than 7 days after the start is a
// typing error (and would let volunteers check in for a week).
const MaxEventLength = 7 * 24 * time.Hour

// Event is the part of an outreach event or ethics promotion. EndsAt is
// optional in a request (older clients send none): it defaults to
// scheduled_at + models.DefaultEventLength, and a stored event always has
// one. omitempty keeps the fingerprint of a request without it what it was
// before events had an end.
type Event struct {
	Scale             string     `json:"scale"`
	Audience          string     `json:"audience"`
	Participants      *int       `json:"participants"`
	VolunteerCapacity int        `json:"volunteer_capacity"`
	Published         bool       `json:"published"`
	EndsAt            *time.Time `json:"ends_at,omitempty"`
}

// Details is the kind-specific part of an activity: exactly the one that
// belongs to its kind is set. It is stored as JSON in activities.details.
type Details struct {
	Procurement  *Procurement    `json:"procurement,omitempty"`
	Maintenance  *Maintenance    `json:"maintenance,omitempty"`
	Petition     *Petition       `json:"petition,omitempty"`
	Checklist    []ChecklistItem `json:"checklist,omitempty"`
	Event        *Event          `json:"event,omitempty"`
	OpinionVisit *OpinionVisit   `json:"opinion_visit,omitempty"`
}

// partOf names the part each kind must carry.
var partOf = map[string]string{
	models.KindProcurementSupervision: "procurement",
	models.KindSecurityMaintenance:    "maintenance",
	models.KindPetition:               "petition",
	models.KindSafetyInspection:       "checklist",
	models.KindInfosecAudit:           "checklist",
	models.KindOutreachEvent:          "event",
	models.KindEthicsPromotion:        "event",
	models.KindOpinionVisit:           "opinion_visit",
}

// DecodeDetails returns the kind-specific part of a stored activity. An
// event's end is the promoted column's (rows stored before events had an
// end got it by migration, their JSON has none).
func DecodeDetails(a models.Activity) Details {
	var d Details
	_ = json.Unmarshal([]byte(a.Details), &d)
	if d.Event != nil && d.Event.EndsAt == nil && models.IsEventKind(a.Kind) {
		end := models.EventEnd(a)
		d.Event.EndsAt = &end
	}
	return d
}

// defaultEventEnd gives an event without an end scheduled_at + length.
func defaultEventEnd(in *ActivityInput, length time.Duration) {
	if e := in.Event; e != nil && e.EndsAt == nil && !in.ScheduledAt.IsZero() {
		end := in.ScheduledAt.Add(length)
		e.EndsAt = &end
	}
}

// ActivityInput is a whole activity as a client creates it. Owner, version
// and timestamps other than CompletedAt are never taken from the client.
type ActivityInput struct {
	ID          string // optional client id (UUID)
	Kind        string
	Title       string
	UnitID      string
	Site        *Site
	ScheduledAt time.Time
	Status      string // default planned
	CompletedAt *time.Time
	Notes       string
	Details
}

// ActivityPatch changes some fields; nil fields stay. Version must be the
// current one. A given part replaces the stored part.
type ActivityPatch struct {
	Version     int
	Kind        *string
	Title       *string
	UnitID      *string
	Site        *Site
	ClearSite   bool
	ScheduledAt *time.Time
	Status      *string
	CompletedAt *time.Time
	Notes       *string
	Details     *Details
}

// transitions are the allowed status changes. A completed record may be
// reopened (to in_progress); a cancelled one may be planned again.
var transitions = map[string][]string{
	models.ActivityPlanned:    {models.ActivityInProgress, models.ActivityCompleted, models.ActivityCancelled},
	models.ActivityInProgress: {models.ActivityCompleted, models.ActivityCancelled},
	models.ActivityCompleted:  {models.ActivityInProgress},
	models.ActivityCancelled:  {models.ActivityPlanned},
}

// errDuplicateID makes a create transaction roll back when the id is taken.
var errDuplicateID = errors.New("duplicate id")

// resolveReplay runs after a create with a client id found the id taken: it
// loads the stored row and tells a replay (the same content hash: the stored
// row is the answer) from a conflict (id_conflict).
func resolveReplay[T any](ctx context.Context, db *gorm.DB, id, hash, what string, hashOf func(*T) string) (T, error) {
	var old T
	if err := db.WithContext(ctx).Where("id = ?", id).Take(&old).Error; err != nil {
		return old, err
	}
	if hashOf(&old) != hash {
		var zero T
		return zero, Conflict(CodeIDConflict, "id %s is already used by a different %s", id, what)
	}
	return old, nil
}

// Create records a new activity owned by actor (staff only). With a client id
// it is idempotent: the same id and content again returns the stored record
// and created false; the same id with other content is id_conflict.
// Errors: ErrForbidden, validation_failed, id_conflict.
func (s *ActivityService) Create(ctx context.Context, actor Actor, in ActivityInput) (models.Activity, bool, error) {
	if !actor.IsStaff() {
		return models.Activity{}, false, Forbidden("only office staff record activities")
	}
	f := Fields{}
	if in.ID == "" {
		in.ID = newID()
	} else if id, err := uuid.Parse(in.ID); err != nil {
		f.Add("id", "must be a UUID")
	} else {
		in.ID = id.String()
	}
	if in.Status == "" {
		in.Status = models.ActivityPlanned
	}
	normalize(&in)
	// The fingerprint is of what the client sent, before server defaults
	// such as a completion time of now, so that a later replay matches.
	hash := contentHash(actor.UserID, in)
	defaultEventEnd(&in, models.DefaultEventLength)
	now := s.now()
	if in.Status == models.ActivityCompleted && in.CompletedAt == nil {
		in.CompletedAt = &now
	}
	s.validate(ctx, f, in, now)
	if err := f.Err(); err != nil {
		return models.Activity{}, false, err
	}
	if err := s.checkUnit(ctx, in.UnitID); err != nil {
		return models.Activity{}, false, err
	}
	a := build(in)
	a.OwnerID = actor.UserID
	a.ContentHash = hash
	a.Version = 1
	a.CreatedAt, a.UpdatedAt = now, now
	if in.Status == models.ActivityInProgress {
		a.StartedAt = &now
	} else if in.Status == models.ActivityCompleted {
		a.StartedAt = in.CompletedAt
	}
	a.LateEntry = lateEntry(a.Status, a.CompletedAt, now)
	a.ReviewStatus = reviewAfterWrite(nil, &a)
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			if models.IsDuplicate(err) {
				return errDuplicateID
			}
			return err
		}
		return s.applyWrite(ctx, tx, actor, "activity.create", nil, &a)
	})
	if errors.Is(err, errDuplicateID) {
		old, err := resolveReplay(ctx, s.db, a.ID, a.ContentHash, "activity", func(o *models.Activity) string { return o.ContentHash })
		return old, false, err
	}
	if err != nil {
		return models.Activity{}, false, err
	}
	return a, true, nil
}

// Get returns one activity actor may read.
// Errors: ErrNotFound (also for one a volunteer may not know of).
func (s *ActivityService) Get(ctx context.Context, actor Actor, id string) (models.Activity, error) {
	a, err := s.load(s.db.WithContext(ctx), id, false)
	if err != nil {
		return a, err
	}
	if !CanRead(actor, a) {
		return models.Activity{}, NotFound("activity")
	}
	if actor.IsStaff() {
		one := []models.Activity{a}
		if err := withOwnerNames(s.db.WithContext(ctx), one); err != nil {
			return a, err
		}
		a = one[0]
	}
	return a, nil
}

// Update changes an activity. Only those who CanEdit it may; version must be
// the stored one. A patch that changes nothing answers the current record,
// so that a replayed update is harmless.
// Errors: ErrNotFound, ErrForbidden, validation_failed, version_conflict.
func (s *ActivityService) Update(ctx context.Context, actor Actor, id string, p ActivityPatch) (models.Activity, error) {
	if p.Version < 1 {
		return models.Activity{}, Invalid("version", "required: the version you last read")
	}
	var out models.Activity
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		before, err := s.load(tx, id, true)
		if err != nil {
			return err
		}
		if !CanRead(actor, before) {
			return NotFound("activity")
		}
		if !CanEdit(actor, before) {
			return Forbidden("only the owner, a manager or an admin changes this activity")
		}
		now := s.now()
		in := inputOf(before)
		applyPatch(&in, p)
		if p.Details == nil || p.Details.Event == nil || p.Details.Event.EndsAt == nil {
			// No end given: the event keeps its length, also when it moves.
			if in.Event != nil {
				in.Event.EndsAt = nil
			}
			length := models.DefaultEventLength
			if models.IsEventKind(before.Kind) {
				length = models.EventEnd(before).Sub(before.ScheduledAt)
			}
			defaultEventEnd(&in, length)
		}
		normalize(&in)
		f := Fields{}
		if in.Status != before.Status {
			if !oneOf(in.Status, transitions[before.Status]...) {
				f.Add("status", fmt.Sprintf("cannot change from %s to %s", before.Status, in.Status))
			}
			if in.Status == models.ActivityCompleted && p.CompletedAt == nil {
				in.CompletedAt = &now
			}
			if in.Status != models.ActivityCompleted && p.CompletedAt == nil {
				in.CompletedAt = nil
			}
		}
		s.validate(ctx, f, in, now)
		if err := f.Err(); err != nil {
			return err
		}
		if in.UnitID != before.UnitID {
			if err := s.checkUnitTx(tx, in.UnitID); err != nil {
				return err
			}
		}
		after := build(in)
		after.ID, after.OwnerID, after.ContentHash, after.CreatedAt = before.ID, before.OwnerID, before.ContentHash, before.CreatedAt
		after.StartedAt = before.StartedAt
		switch {
		case in.Status == models.ActivityPlanned:
			after.StartedAt = nil
		case after.StartedAt == nil && in.Status == models.ActivityInProgress:
			after.StartedAt = &now
		case after.StartedAt == nil && in.Status == models.ActivityCompleted:
			after.StartedAt = after.CompletedAt
		}
		after.LateEntry = before.LateEntry
		if after.Status != before.Status || !sameTime(after.CompletedAt, before.CompletedAt) {
			// Marked when the record becomes completed (or its completion
			// time is corrected), cleared when it is reopened.
			after.LateEntry = lateEntry(after.Status, after.CompletedAt, now)
		}
		if err := checkCapacity(tx, before, after); err != nil {
			return err
		}
		after.ReviewStatus, after.ReviewComment, after.ReviewedAt = before.ReviewStatus, before.ReviewComment, before.ReviewedAt
		after.ReviewedBy, after.ReviewerName = before.ReviewedBy, before.ReviewerName
		if len(auditDiff(&before, &after)) == 0 {
			out = before
			return nil
		}
		if p.Version != before.Version {
			return ErrVersionConflict
		}
		after.Version = before.Version + 1
		after.UpdatedAt = now
		after.ReviewStatus = reviewAfterWrite(&before, &after)
		if err := s.save(tx, before.Version, &after); err != nil {
			return err
		}
		out = after
		return s.applyWrite(ctx, tx, actor, "activity.update", &before, &after)
	})
	return out, err
}

// Delete soft-deletes an activity (those who CanEdit it). Deleting a deleted
// one is not found.
// Errors: ErrNotFound, ErrForbidden.
func (s *ActivityService) Delete(ctx context.Context, actor Actor, id string) error {
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		before, err := s.load(tx, id, true)
		if err != nil {
			return err
		}
		if !CanRead(actor, before) {
			return NotFound("activity")
		}
		if !CanEdit(actor, before) {
			return Forbidden("only the owner, a manager or an admin deletes this activity")
		}
		now := s.now()
		after := before
		after.DeletedAt, after.UpdatedAt, after.Version = &now, now, before.Version+1
		if err := s.save(tx, before.Version, &after); err != nil {
			return err
		}
		return s.applyWrite(ctx, tx, actor, "activity.delete", &before, &after)
	})
}

// applyWrite is the one hook every activity write passes through, inside the
// transaction of the write: create (before nil), update, status change by a
// check-in, delete. It writes the audit event; the KPI issue adds its rollup
// maintenance here and nowhere else.
func (s *ActivityService) applyWrite(ctx context.Context, tx *gorm.DB, actor Actor, action string, before, after *models.Activity) error {
	if err := s.kpis.EnsureOpen(ctx, tx, periodTimes(before, after)...); err != nil {
		return err
	}
	e := AuditEntry{Actor: actor, Action: action, EntityType: "activity", EntityID: after.ID}
	if before == nil {
		e.After = auditFields(after)
	} else {
		e.Before, e.After = auditDiffPair(before, after)
	}
	if err := s.kpis.ApplyChange(ctx, tx, kpiFact(before), kpiFact(after)); err != nil {
		return err
	}
	return appendAudit(ctx, tx, s.now, e)
}

// periodTimes are the times that place a write in KPI years: scheduled_at
// (volunteer hours count by the event's year) and completed_at (the counts),
// before and after the change. A write touching a closed year by any of
// them is refused, so a record can neither change inside a closed year nor
// move into or out of one.
func periodTimes(before, after *models.Activity) []time.Time {
	var ts []time.Time
	for _, a := range []*models.Activity{before, after} {
		if a == nil {
			continue
		}
		ts = append(ts, a.ScheduledAt)
		if a.CompletedAt != nil {
			ts = append(ts, *a.CompletedAt)
		}
	}
	return ts
}

// kpiFact is what of an activity the KPI rollups count (nil for none).
func kpiFact(a *models.Activity) *KPIFact {
	if a == nil {
		return nil
	}
	return &KPIFact{Kind: a.Kind, Scale: a.Scale, Status: a.Status, UnitID: a.UnitID, CompletedAt: a.CompletedAt, Deleted: a.DeletedAt != nil,
		Approved: a.ReviewStatus == models.ReviewApproved}
}

// save writes after over the row whose version is still version.
func (s *ActivityService) save(tx *gorm.DB, version int, after *models.Activity) error {
	res := tx.Model(&models.Activity{}).Where("id = ? AND version = ?", after.ID, version).Select("*").Updates(after)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrVersionConflict
	}
	return nil
}

// load reads an activity that is not deleted; forUpdate locks its row on
// MySQL (SQLite transactions are already exclusive).
func (s *ActivityService) load(db *gorm.DB, id string, forUpdate bool) (models.Activity, error) {
	return takeRow[models.Activity](db, forUpdate, "activity", "id = ? AND deleted_at IS NULL", id)
}

func (s *ActivityService) checkUnit(ctx context.Context, id string) error {
	return s.checkUnitTx(s.db.WithContext(ctx), id)
}

func (s *ActivityService) checkUnitTx(db *gorm.DB, id string) error {
	var n int64
	if err := db.Model(&models.Unit{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return Invalid("unit_id", "no such unit")
	}
	return nil
}

// normalize trims text, stores the line breaks of prose as "\n" and puts
// times in the database's precision.
func normalize(in *ActivityInput) {
	in.Title = strings.TrimSpace(in.Title)
	in.Notes = normalizeLines(strings.TrimSpace(in.Notes))
	in.ScheduledAt = in.ScheduledAt.UTC().Truncate(time.Microsecond)
	if in.CompletedAt != nil {
		t := in.CompletedAt.UTC().Truncate(time.Microsecond)
		in.CompletedAt = &t
	}
	if in.Site != nil && in.Site.RadiusM == 0 {
		in.Site.RadiusM = DefaultRadiusM
	}
	if e := in.Event; e != nil && e.EndsAt != nil {
		t := e.EndsAt.UTC().Truncate(time.Microsecond)
		e.EndsAt = &t
	}
	if p := in.Procurement; p != nil {
		p.CaseNo = strings.TrimSpace(p.CaseNo)
		if p.Deficiencies == nil {
			p.Deficiencies = []string{}
		}
		for i, d := range p.Deficiencies {
			p.Deficiencies[i] = normalizeLines(d)
		}
	}
	if m := in.Maintenance; m != nil {
		m.Measures = normalizeLines(m.Measures)
	}
	if p := in.Petition; p != nil {
		p.Outcome = normalizeLines(p.Outcome)
	}
	for i := range in.Checklist {
		in.Checklist[i].Note = normalizeLines(in.Checklist[i].Note)
	}
	if v := in.OpinionVisit; v != nil {
		v.Service = strings.TrimSpace(v.Service)
		v.Findings, v.Suggestions = normalizeLines(v.Findings), normalizeLines(v.Suggestions)
	}
}

// validate checks a whole activity; completing requires the outcome fields.
func (s *ActivityService) validate(_ context.Context, f Fields, in ActivityInput, now time.Time) {
	if !oneOf(in.Kind, models.ActivityKinds...) {
		f.Add("kind", "must be one of "+strings.Join(models.ActivityKinds, ", "))
	}
	checkText(f, "title", in.Title, 200, true, Line)
	checkText(f, "notes", in.Notes, 4000, false, Prose)
	if in.UnitID == "" {
		f.Add("unit_id", "required")
	}
	if in.ScheduledAt.IsZero() {
		f.Add("scheduled_at", "required")
	} else {
		checkTime(f, "scheduled_at", in.ScheduledAt, now, false)
	}
	if !oneOf(in.Status, models.ActivityStatuses...) {
		f.Add("status", "must be one of "+strings.Join(models.ActivityStatuses, ", "))
	}
	done := in.Status == models.ActivityCompleted
	if in.CompletedAt != nil {
		switch {
		case !done:
			f.Add("completed_at", "only a completed activity has a completion time")
		case !in.ScheduledAt.IsZero() && in.CompletedAt.Before(in.ScheduledAt.Add(-24*time.Hour)):
			// A day of slack for work done on the eve of its planned date
			// (and for time-zone slips); earlier is a typo or a backdating.
			f.Add("completed_at", "must not be more than one day before scheduled_at")
		default:
			checkTime(f, "completed_at", *in.CompletedAt, now, true)
		}
	}
	if st := in.Site; st != nil {
		checkText(f, "site.name", st.Name, 100, false, Line)
		checkText(f, "site.address", st.Address, 200, false, Line)
		if (st.Lat == nil) != (st.Lng == nil) {
			f.Add("site.lat", "give lat and lng together, or neither")
		}
		if st.Lat != nil && (*st.Lat < -90 || *st.Lat > 90) {
			f.Add("site.lat", "must be between -90 and 90")
		}
		if st.Lng != nil && (*st.Lng < -180 || *st.Lng > 180) {
			f.Add("site.lng", "must be between -180 and 180")
		}
		if st.RadiusM < 1 || st.RadiusM > 5000 {
			f.Add("site.radius_m", "must be between 1 and 5000")
		}
	}
	// Exactly the part of the kind; every other part is an error.
	want := partOf[in.Kind]
	present := map[string]bool{
		"procurement": in.Procurement != nil, "maintenance": in.Maintenance != nil, "petition": in.Petition != nil,
		"checklist": in.Checklist != nil, "event": in.Event != nil, "opinion_visit": in.OpinionVisit != nil,
	}
	for part, ok := range present {
		if ok && part != want && want != "" {
			f.Add(part, fmt.Sprintf("not allowed for kind %s (it takes %s)", in.Kind, want))
		}
	}
	if want != "" && !present[want] {
		f.Add(want, "required for kind "+in.Kind)
	}
	switch want {
	case "procurement":
		if p := in.Procurement; p != nil {
			checkText(f, "procurement.case_no", p.CaseNo, 64, true, Line)
			checkText(f, "procurement.case_title", p.CaseTitle, 200, true, Line)
			if !oneOf(p.Category, models.ProcurementCategories...) {
				f.Add("procurement.category", "must be one of "+strings.Join(models.ProcurementCategories, ", "))
			}
			if p.BudgetAmount < 0 {
				f.Add("procurement.budget_amount", "must not be negative")
			}
			if p.Stage != "" && !oneOf(p.Stage, models.ProcurementStages...) {
				f.Add("procurement.stage", "must be one of "+strings.Join(models.ProcurementStages, ", "))
			}
			if done && p.Stage == "" {
				f.Add("procurement.stage", "required to complete")
			}
			if len(p.Deficiencies) > 100 {
				f.Add("procurement.deficiencies", "at most 100")
			}
			for i, d := range p.Deficiencies {
				checkText(f, fmt.Sprintf("procurement.deficiencies[%d]", i), d, 500, true, Prose)
			}
		}
	case "maintenance":
		if m := in.Maintenance; m != nil {
			checkText(f, "maintenance.event_name", m.EventName, 200, true, Line)
			if !oneOf(m.RiskLevel, models.RiskLevels...) {
				f.Add("maintenance.risk_level", "must be one of "+strings.Join(models.RiskLevels, ", "))
			}
			checkText(f, "maintenance.measures", m.Measures, 4000, done, Prose)
		}
	case "petition":
		if p := in.Petition; p != nil {
			if p.Petitioners < 1 {
				f.Add("petition.petitioners", "must be at least 1")
			}
			checkText(f, "petition.subject", p.Subject, 200, true, Line)
			checkText(f, "petition.outcome", p.Outcome, 4000, done, Prose)
		}
	case "checklist":
		if in.Checklist != nil && len(in.Checklist) == 0 {
			f.Add("checklist", "must have at least one item")
		}
		if len(in.Checklist) > 200 {
			f.Add("checklist", "at most 200 items")
		}
		for i, it := range in.Checklist {
			checkText(f, fmt.Sprintf("checklist[%d].item", i), it.Item, 200, true, Line)
			checkText(f, fmt.Sprintf("checklist[%d].note", i), it.Note, 1000, false, Prose)
			switch {
			case it.Result == "" && done:
				f.Add(fmt.Sprintf("checklist[%d].result", i), "required to complete")
			case it.Result != "" && !oneOf(it.Result, models.ChecklistResults...):
				f.Add(fmt.Sprintf("checklist[%d].result", i), "must be one of pass, fail, na")
			}
		}
	case "opinion_visit":
		validateOpinionVisit(f, in.OpinionVisit, done)
	case "event":
		if e := in.Event; e != nil {
			if !oneOf(e.Scale, models.EventScales...) {
				f.Add("event.scale", "must be one of large, regular")
			}
			checkText(f, "event.audience", e.Audience, 200, false, Line)
			if e.Participants != nil && *e.Participants < 0 {
				f.Add("event.participants", "must not be negative")
			}
			if done && e.Participants == nil {
				f.Add("event.participants", "required to complete")
			}
			if e.VolunteerCapacity < 0 || e.VolunteerCapacity > 10000 {
				f.Add("event.volunteer_capacity", "must be between 0 and 10000")
			}
			if e.EndsAt != nil && !in.ScheduledAt.IsZero() {
				switch {
				case !e.EndsAt.After(in.ScheduledAt):
					f.Add("event.ends_at", "must be after scheduled_at")
				case e.EndsAt.Sub(in.ScheduledAt) > MaxEventLength:
					f.Add("event.ends_at", "must be at most 7 days after scheduled_at")
				}
			}
		}
	}
}

// lateEntry tells whether a record with status and completedAt, written at
// now, is a late entry: completed, and recorded more than LateEntryAfter
// after its completion time. Entering late stays possible (offices do); the
// mark tells the reviewing manager.
func lateEntry(status string, completedAt *time.Time, now time.Time) bool {
	return status == models.ActivityCompleted && completedAt != nil && now.Sub(*completedAt) > LateEntryAfter
}

// build makes the stored row's content columns from a validated input.
func build(in ActivityInput) models.Activity {
	d, _ := json.Marshal(in.Details)
	a := models.Activity{
		ID: in.ID, Kind: in.Kind, Title: in.Title, UnitID: in.UnitID, ScheduledAt: in.ScheduledAt,
		Status: in.Status, CompletedAt: in.CompletedAt, Notes: in.Notes, Details: string(d),
	}
	if st := in.Site; st != nil {
		a.SiteName, a.SiteAddress, a.SiteLat, a.SiteLng, a.SiteRadiusM = st.Name, st.Address, st.Lat, st.Lng, st.RadiusM
	}
	if in.Procurement != nil {
		a.CaseNo = in.Procurement.CaseNo
	}
	if e := in.Event; e != nil {
		a.Scale, a.Published, a.VolunteerCapacity = e.Scale, e.Published, e.VolunteerCapacity
		if models.IsEventKind(in.Kind) {
			a.EventEndsAt = e.EndsAt
		}
	}
	return a
}

// SiteOf returns the site of a stored activity, or nil when it has none.
func SiteOf(a models.Activity) *Site {
	if a.SiteName == "" && a.SiteAddress == "" && a.SiteLat == nil && a.SiteRadiusM == 0 {
		return nil
	}
	return &Site{Name: a.SiteName, Address: a.SiteAddress, Lat: a.SiteLat, Lng: a.SiteLng, RadiusM: a.SiteRadiusM}
}

// inputOf turns a stored activity back into an input, for patching.
func inputOf(a models.Activity) ActivityInput {
	return ActivityInput{
		ID: a.ID, Kind: a.Kind, Title: a.Title, UnitID: a.UnitID, Site: SiteOf(a), ScheduledAt: a.ScheduledAt,
		Status: a.Status, CompletedAt: a.CompletedAt, Notes: a.Notes, Details: DecodeDetails(a),
	}
}

func applyPatch(in *ActivityInput, p ActivityPatch) {
	if p.Kind != nil {
		in.Kind = *p.Kind
	}
	if p.Title != nil {
		in.Title = *p.Title
	}
	if p.UnitID != nil {
		in.UnitID = *p.UnitID
	}
	if p.ClearSite {
		in.Site = nil
	}
	if p.Site != nil {
		st := *p.Site
		in.Site = &st
	}
	if p.ScheduledAt != nil {
		in.ScheduledAt = *p.ScheduledAt
	}
	if p.Status != nil {
		in.Status = *p.Status
	}
	if p.CompletedAt != nil {
		in.CompletedAt = p.CompletedAt
	}
	if p.Notes != nil {
		in.Notes = *p.Notes
	}
	if p.Details != nil {
		in.Details = *p.Details
	}
}

// contentHash fingerprints a create request: the same owner sending the same
// normalized content gets the same hash.
func contentHash(owner string, in ActivityInput) string {
	b, _ := json.Marshal(struct {
		Owner string
		In    ActivityInput
	}{owner, in})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// auditFields is what the audit trail records of an activity.
func auditFields(a *models.Activity) map[string]any {
	m := map[string]any{
		"kind": a.Kind, "title": a.Title, "unit_id": a.UnitID, "owner_id": a.OwnerID,
		"site_name": a.SiteName, "site_address": a.SiteAddress, "site_lat": a.SiteLat, "site_lng": a.SiteLng,
		"site_radius_m": a.SiteRadiusM, "scheduled_at": a.ScheduledAt, "status": a.Status,
		"started_at": a.StartedAt, "completed_at": a.CompletedAt, "notes": a.Notes, "details": canonicalDetails(a),
		"deleted_at": a.DeletedAt, "late_entry": a.LateEntry,
		"review_status": a.ReviewStatus, "review_comment": a.ReviewComment, "reviewed_at": a.ReviewedAt, "reviewed_by": a.ReviewedBy,
	}
	return m
}

// canonicalDetails is a's part as the current code writes it, so that a row
// stored before a field existed (an event without ends_at) does not differ
// from the same content written today.
func canonicalDetails(a *models.Activity) json.RawMessage {
	b, err := json.Marshal(DecodeDetails(*a))
	if err != nil {
		return json.RawMessage(a.Details)
	}
	return b
}

// auditDiff lists the fields whose values differ. A value that cannot be
// written as JSON counts as changed, so that the audit event fails the write
// (appendAudit) rather than the change going unrecorded.
func auditDiff(before, after *models.Activity) []string {
	b, a := auditFields(before), auditFields(after)
	var names []string
	for k := range a {
		bj, berr := json.Marshal(b[k])
		aj, aerr := json.Marshal(a[k])
		if berr != nil || aerr != nil || string(bj) != string(aj) {
			names = append(names, k)
		}
	}
	return names
}

func auditDiffPair(before, after *models.Activity) (map[string]any, map[string]any) {
	b, a := auditFields(before), auditFields(after)
	ob, oa := map[string]any{}, map[string]any{}
	for _, k := range auditDiff(before, after) {
		ob[k], oa[k] = b[k], a[k]
	}
	return ob, oa
}

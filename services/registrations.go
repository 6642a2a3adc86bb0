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

// MaxRegistrationExport bounds the rows of one export: a year of the city's
// registrations is a few thousand; more means a filter was forgotten.
const MaxRegistrationExport = 20000

// auditIDsMax is how many ids a read's audit event lists; a larger read
// (an export) records the hash of its id list instead, so that the event
// stays within a TEXT column.
const auditIDsMax = 1000

// RegistrationService keeps the ethics-code register (公務員廉政倫理規範登錄):
// gifts, hospitality, lobbying and other ethics events that civil servants
// reported. It holds personal data: only office staff reach it, and every
// read of a list, a record or an export is written to the audit trail with
// its reader, as reads of the declaration roster are.
type RegistrationService struct {
	db  *gorm.DB
	now Clock
	loc *time.Location
}

// NewRegistrationService builds the service; loc is the office time zone.
func NewRegistrationService(db *gorm.DB, now Clock, loc *time.Location) *RegistrationService {
	return &RegistrationService{db: db, now: now, loc: loc}
}

// EthicsRegistration is a stored registration with what is computed for reading:
// the unit's name and the days from the event to the notice.
type EthicsRegistration struct {
	models.EthicsRegistration
	UnitName     string
	DaysToNotify int
	// Attachments are the registration's files, oldest first (Get only).
	Attachments []models.Attachment
}

// RegistrationFilter selects registrations in List and Export. Year is a
// Gregorian year of event_date, ROCYear the same as a 民國 year (one of the
// two); Late nil means both.
type RegistrationFilter struct {
	Type    string
	UnitID  string
	OwnerID string // who registered it: an officer's own list
	Year    int
	ROCYear int
	Late    *bool
	Limit   int
	Cursor  string
}

func registrationStaff(a Actor) error {
	if !a.IsStaff() {
		return Forbidden("only office staff see ethics-code registrations")
	}
	return nil
}

// Create registers an event for actor (staff only). With a client id it is
// idempotent as activities are: the same id and content again returns the
// stored record and created false; the same id with other content (or from
// another account) is id_conflict; two at once store one record. The id of
// a deleted registration stays spent (id_conflict), so that a phone's late
// resend cannot bring it back.
// Errors: ErrForbidden, validation_failed, id_conflict.
func (s *RegistrationService) Create(ctx context.Context, actor Actor, in RegistrationInput) (EthicsRegistration, bool, error) {
	if err := registrationStaff(actor); err != nil {
		return EthicsRegistration{}, false, err
	}
	f := Fields{}
	if in.ID == "" {
		in.ID = newID()
	} else if id, err := uuid.Parse(in.ID); err != nil {
		f.Add("id", "must be a UUID")
	} else {
		in.ID = id.String()
	}
	now := s.now()
	normalizeRegistration(f, &in, s.loc)
	validateRegistration(f, in, now, s.loc)
	if err := s.checkUnit(s.db.WithContext(ctx), f, in.Servant.UnitID); err != nil {
		return EthicsRegistration{}, false, err
	}
	if err := f.Err(); err != nil {
		return EthicsRegistration{}, false, err
	}
	r := buildRegistration(in)
	r.OwnerID = actor.UserID
	r.ContentHash = registrationHash(actor.UserID, in)
	r.Version = 1
	r.CreatedAt, r.UpdatedAt = now, now
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			if models.IsDuplicate(err) {
				return errDuplicateID
			}
			return err
		}
		if err := applyRegistrationCount(ctx, tx, nil, &r); err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "ethics_registration.create", EntityType: "ethics_registration",
			EntityID: r.ID, After: registrationAuditFields(&r)})
	})
	if errors.Is(err, errDuplicateID) {
		old, err := resolveReplay(ctx, s.db, r.ID, r.ContentHash, "registration",
			func(o *models.EthicsRegistration) string { return o.ContentHash })
		if err != nil {
			return EthicsRegistration{}, false, err
		}
		if old.DeletedAt != nil {
			return EthicsRegistration{}, false, Conflict(CodeIDConflict, "id %s belonged to a registration that was deleted", r.ID)
		}
		out, err := s.view(ctx, old)
		return out, false, err
	}
	if err != nil {
		return EthicsRegistration{}, false, err
	}
	out, err := s.view(ctx, r)
	return out, true, err
}

// Get returns one registration with its files and records the read with
// its reader.
// Errors: ErrForbidden, ErrNotFound.
func (s *RegistrationService) Get(ctx context.Context, actor Actor, id string) (EthicsRegistration, error) {
	if err := registrationStaff(actor); err != nil {
		return EthicsRegistration{}, err
	}
	r, err := s.load(s.db.WithContext(ctx), id, false)
	if err != nil {
		return EthicsRegistration{}, err
	}
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "ethics_registration.read", EntityType: "ethics_registration", EntityID: r.ID}); err != nil {
		return EthicsRegistration{}, err
	}
	out, err := s.view(ctx, r)
	if err != nil {
		return out, err
	}
	out.Attachments = []models.Attachment{}
	err = s.db.WithContext(ctx).Where("registration_id = ?", r.ID).Order("created_at, id").Find(&out.Attachments).Error
	return out, err
}

// Update changes a registration. The officer who registered it, managers
// and admins may; version must be the stored one. A patch that changes
// nothing answers the current record, so that a replayed update is harmless.
// Errors: ErrForbidden, ErrNotFound, validation_failed, version_conflict.
func (s *RegistrationService) Update(ctx context.Context, actor Actor, id string, p RegistrationPatch) (EthicsRegistration, error) {
	if err := registrationStaff(actor); err != nil {
		return EthicsRegistration{}, err
	}
	if p.Version < 1 {
		return EthicsRegistration{}, Invalid("version", "required: the version you last read")
	}
	if p.ClearValueNTD && p.ValueNTD != nil {
		return EthicsRegistration{}, Invalid("clear_value_ntd", "give value_ntd or clear_value_ntd, not both")
	}
	var out models.EthicsRegistration
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		before, err := s.load(tx, id, true)
		if err != nil {
			return err
		}
		if !CanEditRegistration(actor, before) {
			return Forbidden("only the officer who registered it, a manager or an admin changes this registration")
		}
		in := registrationInputOf(before)
		applyRegistrationPatch(&in, p)
		f := Fields{}
		normalizeRegistration(f, &in, s.loc)
		validateRegistration(f, in, s.now(), s.loc)
		if in.Servant.UnitID != before.ServantUnitID {
			if err := s.checkUnit(tx, f, in.Servant.UnitID); err != nil {
				return err
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		after := buildRegistration(in)
		after.ID, after.OwnerID, after.ContentHash, after.CreatedAt = before.ID, before.OwnerID, before.ContentHash, before.CreatedAt
		b, a := registrationAuditDiff(&before, &after)
		if len(a) == 0 {
			out = before
			return nil
		}
		if p.Version != before.Version {
			return ErrVersionConflict
		}
		after.Version = before.Version + 1
		after.UpdatedAt = s.now()
		if err := s.save(tx, before.Version, &after); err != nil {
			return err
		}
		if err := applyRegistrationCount(ctx, tx, &before, &after); err != nil {
			return err
		}
		out = after
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "ethics_registration.update", EntityType: "ethics_registration",
			EntityID: after.ID, Before: b, After: a})
	})
	if err != nil {
		return EthicsRegistration{}, err
	}
	return s.view(ctx, out)
}

// Delete soft-deletes a registration (those who may edit it). Deleting a
// deleted one is not found.
// Errors: ErrForbidden, ErrNotFound.
func (s *RegistrationService) Delete(ctx context.Context, actor Actor, id string) error {
	if err := registrationStaff(actor); err != nil {
		return err
	}
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		before, err := s.load(tx, id, true)
		if err != nil {
			return err
		}
		if !CanEditRegistration(actor, before) {
			return Forbidden("only the officer who registered it, a manager or an admin deletes this registration")
		}
		now := s.now()
		after := before
		after.DeletedAt, after.UpdatedAt, after.Version = &now, now, before.Version+1
		if err := s.save(tx, before.Version, &after); err != nil {
			return err
		}
		if err := applyRegistrationCount(ctx, tx, &before, &after); err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "ethics_registration.delete", EntityType: "ethics_registration",
			EntityID: after.ID, Before: map[string]any{"deleted_at": nil}, After: map[string]any{"deleted_at": now}})
	})
}

// List returns a page of registrations, newest event first, and records the
// read (who, which filter, which ids) in the audit trail.
// Errors: ErrForbidden, bad_request (a bad filter or cursor),
// validation_failed (a year out of bounds).
func (s *RegistrationService) List(ctx context.Context, actor Actor, f RegistrationFilter) (Page[EthicsRegistration], error) {
	if err := registrationStaff(actor); err != nil {
		return Page[EthicsRegistration]{}, err
	}
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return Page[EthicsRegistration]{}, err
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return Page[EthicsRegistration]{}, err
	}
	q, err := s.filtered(ctx, &f)
	if err != nil {
		return Page[EthicsRegistration]{}, err
	}
	if cur != nil {
		q = q.Where("event_date < ? OR (event_date = ? AND id < ?)", cur.Key, cur.Key, cur.ID)
	}
	var rows []models.EthicsRegistration
	if err := q.Order("event_date DESC, id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return Page[EthicsRegistration]{}, err
	}
	page := pageOf(rows, limit, func(r models.EthicsRegistration) Cursor { return Cursor{Key: r.EventDate, ID: r.ID} })
	if err := s.auditRead(ctx, actor, "ethics_registrations.read", f, "", page.Items); err != nil {
		return Page[EthicsRegistration]{}, err
	}
	items, err := s.views(ctx, page.Items)
	return Page[EthicsRegistration]{Items: items, NextCursor: page.NextCursor}, err
}

// Export returns every registration the filter selects (limit and cursor
// are not used), oldest event first as a register is read, and records the
// export (who, format, filter, which ids) in the audit trail.
// Errors: ErrForbidden, bad_request (a bad filter; more than
// MaxRegistrationExport rows), validation_failed (a year out of bounds).
func (s *RegistrationService) Export(ctx context.Context, actor Actor, f RegistrationFilter, format string) ([]EthicsRegistration, error) {
	if err := registrationStaff(actor); err != nil {
		return nil, err
	}
	q, err := s.filtered(ctx, &f)
	if err != nil {
		return nil, err
	}
	var rows []models.EthicsRegistration
	if err := q.Order("event_date, id").Limit(MaxRegistrationExport + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) > MaxRegistrationExport {
		return nil, BadRequest("more than %d registrations match; export one year or one unit at a time", MaxRegistrationExport)
	}
	if err := s.auditRead(ctx, actor, "ethics_registrations.export", f, format, rows); err != nil {
		return nil, err
	}
	return s.views(ctx, rows)
}

// ResolveYear is the Gregorian year a filter names (0: none).
// Errors: bad_request (both year and roc_year), validation_failed (out of bounds).
func (s *RegistrationService) ResolveYear(f RegistrationFilter) (int, error) {
	switch {
	case f.Year != 0 && f.ROCYear != 0:
		return 0, BadRequest("give year or roc_year, not both")
	case f.ROCYear != 0:
		y := FromROCYear(f.ROCYear)
		if err := queryYear("roc_year", y, s.now(), s.loc); err != nil {
			return 0, err
		}
		return y, nil
	case f.Year != 0:
		if err := queryYear("year", f.Year, s.now(), s.loc); err != nil {
			return 0, err
		}
		return f.Year, nil
	}
	return 0, nil
}

// filtered is the query of the rows f selects (not deleted). It resolves
// f.ROCYear into f.Year.
func (s *RegistrationService) filtered(ctx context.Context, f *RegistrationFilter) (*gorm.DB, error) {
	y, err := s.ResolveYear(*f)
	if err != nil {
		return nil, err
	}
	f.Year, f.ROCYear = y, 0
	q := s.db.WithContext(ctx).Model(&models.EthicsRegistration{}).Where("deleted_at IS NULL")
	if f.Type != "" {
		if !oneOf(f.Type, models.RegistrationTypes...) {
			return nil, BadRequest("type must be one of %s", strings.Join(models.RegistrationTypes, ", "))
		}
		q = q.Where("type = ?", f.Type)
	}
	if f.UnitID != "" {
		q = q.Where("servant_unit_id = ?", f.UnitID)
	}
	if f.OwnerID != "" {
		q = q.Where("owner_id = ?", f.OwnerID)
	}
	if f.Year != 0 {
		q = q.Where("event_date >= ? AND event_date <= ?", yearStart(f.Year), yearEnd(f.Year))
	}
	if f.Late != nil {
		q = q.Where("late = ?", *f.Late)
	}
	return q, nil
}

func yearStart(y int) string { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) }
func yearEnd(y int) string   { return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) }

// auditRead records that actor read rows (personal data) through filter f.
func (s *RegistrationService) auditRead(ctx context.Context, actor Actor, action string, f RegistrationFilter, format string, rows []models.EthicsRegistration) error {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var late any
	if f.Late != nil {
		late = *f.Late
	}
	after := map[string]any{
		"filter": map[string]any{"type": f.Type, "unit_id": f.UnitID, "owner_id": f.OwnerID, "year": f.Year, "late": late, "cursor": f.Cursor},
		"count":  len(ids),
	}
	if format != "" {
		after["format"] = format
	}
	if len(ids) <= auditIDsMax {
		after["ids"] = ids
	} else {
		sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
		after["ids_sha256"] = hex.EncodeToString(sum[:])
	}
	return appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: action, EntityType: "ethics_registration", After: after})
}

// view adds the computed fields to one row.
func (s *RegistrationService) view(ctx context.Context, r models.EthicsRegistration) (EthicsRegistration, error) {
	out, err := s.views(ctx, []models.EthicsRegistration{r})
	if err != nil {
		return EthicsRegistration{}, err
	}
	return out[0], nil
}

// views adds the computed fields to rows, reading the units' names in one query.
func (s *RegistrationService) views(ctx context.Context, rows []models.EthicsRegistration) ([]EthicsRegistration, error) {
	ids := map[string]bool{}
	for _, r := range rows {
		ids[r.ServantUnitID] = true
	}
	names := map[string]string{}
	if len(ids) > 0 {
		list := make([]string, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		var units []models.Unit
		if err := s.db.WithContext(ctx).Select("id", "name").Where("id IN ?", list).Find(&units).Error; err != nil {
			return nil, err
		}
		for _, u := range units {
			names[u.ID] = u.Name
		}
	}
	out := make([]EthicsRegistration, len(rows))
	for i, r := range rows {
		out[i] = EthicsRegistration{EthicsRegistration: r, UnitName: names[r.ServantUnitID], DaysToNotify: DaysToNotify(r.EventDate, r.NotifiedDate)}
	}
	return out, nil
}

// load reads a registration that is not deleted; forUpdate locks its row on
// MySQL (SQLite transactions are already exclusive).
func (s *RegistrationService) load(db *gorm.DB, id string, forUpdate bool) (models.EthicsRegistration, error) {
	return takeRow[models.EthicsRegistration](db, forUpdate, "registration", "id = ? AND deleted_at IS NULL", id)
}

// save writes after over the row whose version is still version.
func (s *RegistrationService) save(tx *gorm.DB, version int, after *models.EthicsRegistration) error {
	res := tx.Model(&models.EthicsRegistration{}).Where("id = ? AND version = ?", after.ID, version).Select("*").Updates(after)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrVersionConflict
	}
	return nil
}

// checkUnit adds servant.unit_id to f when the unit does not exist (an
// empty id is validateRegistration's to report).
func (s *RegistrationService) checkUnit(db *gorm.DB, f Fields, id string) error {
	if id == "" {
		return nil
	}
	var n int64
	if err := db.Model(&models.Unit{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		f.Add("servant.unit_id", "no such unit")
	}
	return nil
}

// buildRegistration makes the stored row's content columns from a
// validated input.
func buildRegistration(in RegistrationInput) models.EthicsRegistration {
	r := models.EthicsRegistration{
		ID: in.ID, Type: in.Type, ServantName: in.Servant.Name, ServantUnitID: in.Servant.UnitID, ServantTitle: in.Servant.Title,
		CounterpartyName: in.Counterparty.Name, CounterpartyKind: in.Counterparty.Kind,
		EventDate: in.EventDate, NotifiedDate: in.NotifiedDate, Late: LateNotice(in.EventDate, in.NotifiedDate),
		Description: in.Description, Handling: in.Handling, HandlingNote: in.HandlingNote,
	}
	if in.Counterparty.InterestedParty != nil {
		r.InterestedParty = *in.Counterparty.InterestedParty
	}
	if in.ValueNTD != nil {
		v := *in.ValueNTD
		r.ValueNTD = &v
	}
	return r
}

// registrationInputOf turns a stored registration back into an input, for patching.
func registrationInputOf(r models.EthicsRegistration) RegistrationInput {
	ip := r.InterestedParty
	return RegistrationInput{
		ID: r.ID, Type: r.Type, Servant: Servant{Name: r.ServantName, UnitID: r.ServantUnitID, Title: r.ServantTitle},
		Counterparty: Counterparty{Name: r.CounterpartyName, Kind: r.CounterpartyKind, InterestedParty: &ip},
		EventDate:    r.EventDate, NotifiedDate: r.NotifiedDate, Description: r.Description, ValueNTD: r.ValueNTD,
		Handling: r.Handling, HandlingNote: r.HandlingNote,
	}
}

// registrationHash fingerprints a create request: the same account sending
// the same normalized content gets the same hash.
func registrationHash(owner string, in RegistrationInput) string {
	b, _ := json.Marshal(struct {
		Owner string
		In    RegistrationInput
	}{owner, in})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// registrationAuditFields is what the audit trail records of a registration.
func registrationAuditFields(r *models.EthicsRegistration) map[string]any {
	return map[string]any{
		"type": r.Type, "servant_name": r.ServantName, "servant_unit_id": r.ServantUnitID, "servant_title": r.ServantTitle,
		"counterparty_name": r.CounterpartyName, "counterparty_kind": r.CounterpartyKind, "interested_party": r.InterestedParty,
		"event_date": r.EventDate, "notified_date": r.NotifiedDate, "late": r.Late, "description": r.Description,
		"value_ntd": r.ValueNTD, "handling": r.Handling, "handling_note": r.HandlingNote, "owner_id": r.OwnerID,
	}
}

// registrationAuditDiff returns the changed fields before and after (empty
// when nothing changed).
func registrationAuditDiff(before, after *models.EthicsRegistration) (map[string]any, map[string]any) {
	b, a := registrationAuditFields(before), registrationAuditFields(after)
	ob, oa := map[string]any{}, map[string]any{}
	for k := range a {
		bj, _ := json.Marshal(b[k])
		aj, _ := json.Marshal(a[k])
		if string(bj) != string(aj) {
			ob[k], oa[k] = b[k], a[k]
		}
	}
	return ob, oa
}

// Now is the service's clock, in the office time zone (for an export's
// "as of" line).
func (s *RegistrationService) Now() time.Time { return s.now().In(s.loc) }

// editable returns the registration id when actor may change it (and so
// attach files to it).
// Errors: ErrForbidden, ErrNotFound.
func (s *RegistrationService) editable(ctx context.Context, actor Actor, id string) (models.EthicsRegistration, error) {
	if err := registrationStaff(actor); err != nil {
		return models.EthicsRegistration{}, err
	}
	r, err := s.load(s.db.WithContext(ctx), id, false)
	if err != nil {
		return r, err
	}
	if !CanEditRegistration(actor, r) {
		return r, Forbidden("only the officer who registered it, a manager or an admin adds files to this registration")
	}
	return r, nil
}

// readFile lets office staff read a file of a registration that is not
// deleted, and records the read with its reader. Anyone else, and a file
// of a deleted registration, is not found.
// Errors: ErrNotFound.
func (s *RegistrationService) readFile(ctx context.Context, actor Actor, att models.Attachment) error {
	if !actor.IsStaff() {
		return NotFound("attachment")
	}
	if _, err := s.load(s.db.WithContext(ctx), att.RegistrationID, false); err != nil {
		if errors.Is(err, ErrNotFound) {
			return NotFound("attachment")
		}
		return err
	}
	return appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "ethics_registration.file_read", EntityType: "ethics_registration",
		EntityID: att.RegistrationID, After: map[string]any{"attachment_id": att.ID}})
}

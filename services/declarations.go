package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
)

// DeclarationService keeps the property-declaration roster (公職人員財產申報
// 名冊), its CSV import, the on-time rate of the plan's first KPI, and the
// public draws for substantive review. Only office staff see any of it, and
// every read of roster rows or draws is written to the audit trail.
type DeclarationService struct {
	exportMax int // 0: DefaultMaxExportRows
	db        *gorm.DB
	now       Clock
	loc       *time.Location
	// periods refuses writes into closed KPI years (set by New; nil: none
	// are checked, for tests of the roster alone).
	periods *KPIService
}

// ensureOpen refuses a write to roster rows of years (a roster year) due on
// dueDates ("YYYY-MM-DD"; the rate counts a row in the year of its due
// date) when any of those years is a closed KPI year.
// Errors: period_closed.
func (s *DeclarationService) ensureOpen(ctx context.Context, tx *gorm.DB, years []int, dueDates ...string) error {
	if s.periods == nil {
		return nil
	}
	for _, d := range dueDates {
		if t, err := time.Parse(time.DateOnly, d); err == nil {
			years = append(years, t.Year())
		}
	}
	return s.periods.EnsureYearsOpen(ctx, tx, years...)
}

// NewDeclarationService builds the service; loc is the office time zone.
func NewDeclarationService(db *gorm.DB, now Clock, loc *time.Location) *DeclarationService {
	return &DeclarationService{db: db, now: now, loc: loc}
}

// Declaration is a roster row with its status as of the office's today.
type Declaration struct {
	models.Declaration
	Status string
}

// NewDeclaration is one roster row to create. ID is optional (a client-made
// UUID makes the create safe to retry).
type NewDeclaration struct {
	ID            string
	Year          int
	DeclarantName string
	Position      string
	UnitID        string
	Type          string
	DueDate       string // YYYY-MM-DD
	FiledAt       *time.Time
}

// DeclarationPatch changes a roster row. Version must be the version read.
// FiledAtSet with a nil FiledAt clears the filing (it was recorded by mistake).
type DeclarationPatch struct {
	Version    int
	FiledAtSet bool
	FiledAt    *time.Time
	Position   *string
	DueDate    *string
}

// DeclarationFilter selects roster rows in List.
type DeclarationFilter struct {
	Year   int
	UnitID string
	Type   string
	Status string
	Limit  int
	Cursor string
}

// ImportResult says what an import did.
type ImportResult struct {
	Year      int
	Rows      int
	Created   int
	Unchanged int
	FileHash  string
}

func (s *DeclarationService) today() string { return s.now().In(s.loc).Format(time.DateOnly) }

// deadline is the instant the due date ends in the office time zone: the
// next local midnight.
func (s *DeclarationService) deadline(due string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, due, s.loc)
	return d.AddDate(0, 0, 1).UTC()
}

// statusOf computes a row's status; the same rules as the SQL in List.
func statusOf(d models.Declaration, today string) string {
	switch {
	case d.FiledAt != nil && d.FiledAt.Before(d.Deadline):
		return models.DeclarationFiledOnTime
	case d.FiledAt != nil:
		return models.DeclarationFiledLate
	case d.DueDate < today:
		return models.DeclarationNotFiled
	default:
		return models.DeclarationNotYetDue
	}
}

func (s *DeclarationService) withStatus(ds []models.Declaration) []Declaration {
	today := s.today()
	out := make([]Declaration, len(ds))
	for i, d := range ds {
		out[i] = Declaration{Declaration: d, Status: statusOf(d, today)}
	}
	return out
}

func staffOnly(a Actor) error {
	if !a.IsStaff() {
		return Forbidden("only office staff see property declarations")
	}
	return nil
}

// validYear checks a roster year by the bounds of every client year.
func (s *DeclarationService) validYear(f Fields, field string, y int) {
	checkYear(f, field, y, s.now(), s.loc)
}

// List returns roster rows ordered by due date, and records the read in the
// audit trail (who, which filter, which ids).
// Errors: ErrForbidden, bad_request for a bad filter or cursor.
func (s *DeclarationService) List(ctx context.Context, actor Actor, f DeclarationFilter) (Page[Declaration], error) {
	if err := staffOnly(actor); err != nil {
		return Page[Declaration]{}, err
	}
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return Page[Declaration]{}, err
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return Page[Declaration]{}, err
	}
	q, err := s.filtered(ctx, f)
	if err != nil {
		return Page[Declaration]{}, err
	}
	if cur != nil {
		q = q.Where("due_date > ? OR (due_date = ? AND id > ?)", cur.Key, cur.Key, cur.ID)
	}
	var rows []models.Declaration
	if err := q.Order("due_date, id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return Page[Declaration]{}, err
	}
	page := pageOf(rows, limit, func(d models.Declaration) Cursor { return Cursor{Key: d.DueDate, ID: d.ID} })
	ids := make([]string, len(page.Items))
	for i, d := range page.Items {
		ids[i] = d.ID
	}
	filter := map[string]any{"year": f.Year, "unit_id": f.UnitID, "type": f.Type, "status": f.Status, "cursor": f.Cursor}
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "declarations.read", EntityType: "declaration",
		After: map[string]any{"filter": filter, "count": len(ids), "ids": ids}}); err != nil {
		return Page[Declaration]{}, err
	}
	return Page[Declaration]{Items: s.withStatus(page.Items), NextCursor: page.NextCursor}, nil
}

// Create adds a roster row. The same client id with the same content again
// returns the stored row with created false; nothing new is stored.
// Errors: ErrForbidden, validation_failed, id_conflict (the id holds a
// different row), conflict (this declarant, year and type are on the roster).
func (s *DeclarationService) Create(ctx context.Context, actor Actor, in NewDeclaration) (Declaration, bool, error) {
	if err := staffOnly(actor); err != nil {
		return Declaration{}, false, err
	}
	in.DeclarantName, in.Position = strings.TrimSpace(in.DeclarantName), strings.TrimSpace(in.Position)
	f := Fields{}
	if in.ID != "" {
		u, err := uuid.Parse(in.ID)
		if err != nil || u.String() != in.ID {
			f.Add("id", "must be a lower-case UUID")
		}
	} else {
		in.ID = newID()
	}
	s.validYear(f, "year", in.Year)
	checkText(f, "declarant_name", in.DeclarantName, 100, true, Line)
	checkText(f, "position", in.Position, 100, true, Line)
	if !oneOf(in.Type, models.DeclarationTypes...) {
		f.Add("type", "must be one of regular, on_assumption, on_leaving")
	}
	if d, err := time.Parse(time.DateOnly, in.DueDate); err != nil || d.Format(time.DateOnly) != in.DueDate {
		f.Add("due_date", "must be a date such as 2020-11-30")
	} else if msg := dateProblem(in.DueDate, s.now(), s.loc, false); msg != "" {
		f.Add("due_date", msg)
	}
	if in.FiledAt != nil {
		checkTime(f, "filed_at", *in.FiledAt, s.now(), true)
	}
	if ok, err := s.unitExists(ctx, in.UnitID); err != nil {
		return Declaration{}, false, err
	} else if !ok {
		f.Add("unit_id", "no such unit")
	}
	if err := f.Err(); err != nil {
		return Declaration{}, false, err
	}
	now := s.now()
	d := models.Declaration{
		ID: in.ID, Year: in.Year, UnitID: in.UnitID, DeclarantName: in.DeclarantName, Type: in.Type, Position: in.Position,
		DueDate: in.DueDate, Deadline: s.deadline(in.DueDate), FiledAt: utcPtr(in.FiledAt), CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := s.ensureOpen(ctx, tx, []int{d.Year}, d.DueDate); err != nil {
			return err
		}
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "declaration.create", EntityType: "declaration", EntityID: d.ID, After: declarationFields(d)})
	})
	if models.IsDuplicate(err) {
		// Either the id is taken (a retry, or a clash) or the declarant is
		// already on the roster; the stored row by id tells which.
		var old models.Declaration
		if gerr := s.db.WithContext(ctx).Where("id = ?", d.ID).Take(&old).Error; gerr == nil {
			if sameDeclaration(old, d) {
				return s.withStatus([]models.Declaration{old})[0], false, nil
			}
			return Declaration{}, false, ErrIDConflict
		} else if !errors.Is(gerr, gorm.ErrRecordNotFound) {
			return Declaration{}, false, gerr
		}
		return Declaration{}, false, Conflict(CodeConflict, "%s already has a %s declaration for %d in this unit", d.DeclarantName, d.Type, d.Year)
	}
	if err != nil {
		return Declaration{}, false, err
	}
	return s.withStatus([]models.Declaration{d})[0], true, nil
}

// Update records a filing (or corrects the position or due date) of a
// roster row, with optimistic concurrency; the audit event keeps before and after.
// Errors: ErrForbidden, ErrNotFound, validation_failed, version_conflict.
func (s *DeclarationService) Update(ctx context.Context, actor Actor, id string, p DeclarationPatch) (Declaration, error) {
	if err := staffOnly(actor); err != nil {
		return Declaration{}, err
	}
	f := Fields{}
	if p.Version < 1 {
		f.Add("version", "send the version you read")
	}
	if p.Position != nil {
		*p.Position = strings.TrimSpace(*p.Position)
		checkText(f, "position", *p.Position, 100, true, Line)
	}
	if p.DueDate != nil {
		if d, err := time.Parse(time.DateOnly, *p.DueDate); err != nil || d.Format(time.DateOnly) != *p.DueDate {
			f.Add("due_date", "must be a date such as 2020-11-30")
		} else if msg := dateProblem(*p.DueDate, s.now(), s.loc, false); msg != "" {
			f.Add("due_date", msg)
		}
	}
	if p.FiledAt != nil {
		checkTime(f, "filed_at", *p.FiledAt, s.now(), true)
	}
	if err := f.Err(); err != nil {
		return Declaration{}, err
	}
	var out models.Declaration
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		out = models.Declaration{}
		var d models.Declaration
		if err := tx.Where("id = ?", id).Take(&d).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return NotFound("declaration")
			}
			return err
		}
		if d.Version != p.Version {
			return ErrVersionConflict
		}
		before, after := map[string]any{}, map[string]any{}
		changes := map[string]any{}
		oldDue := d.DueDate
		if p.FiledAtSet && !sameTime(d.FiledAt, p.FiledAt) {
			before["filed_at"], after["filed_at"] = d.FiledAt, utcPtr(p.FiledAt)
			d.FiledAt = utcPtr(p.FiledAt)
			changes["filed_at"] = d.FiledAt
		}
		if p.Position != nil && *p.Position != d.Position {
			before["position"], after["position"] = d.Position, *p.Position
			d.Position = *p.Position
			changes["position"] = d.Position
		}
		if p.DueDate != nil && *p.DueDate != d.DueDate {
			before["due_date"], after["due_date"] = d.DueDate, *p.DueDate
			d.DueDate, d.Deadline = *p.DueDate, s.deadline(*p.DueDate)
			changes["due_date"], changes["deadline"] = d.DueDate, d.Deadline
		}
		if len(changes) == 0 {
			out = d
			return nil
		}
		if err := s.ensureOpen(ctx, tx, []int{d.Year}, oldDue, d.DueDate); err != nil {
			return err
		}
		d.UpdatedAt = s.now()
		changes["updated_at"], changes["version"] = d.UpdatedAt, d.Version+1
		res := tx.Model(&models.Declaration{}).Where("id = ? AND version = ?", d.ID, d.Version).Updates(changes)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrVersionConflict
		}
		d.Version++
		out = d
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "declaration.update", EntityType: "declaration", EntityID: d.ID, Before: before, After: after})
	})
	if err != nil {
		return Declaration{}, err
	}
	return s.withStatus([]models.Declaration{out})[0], nil
}

// Import stores the roster rows of a CSV file for year, all or nothing: any
// bad line (unknown unit, bad date, unknown type, a declarant twice in the
// file or already on the roster with different data) stores nothing and the
// validation_failed error lists every bad line. Rows already on the roster
// with the same data are left alone, so importing a file twice changes
// nothing. The unique key (year, unit, declarant, type) keeps concurrent
// imports from storing a person twice; the loser retries and finds the rows.
// Errors: ErrForbidden, validation_failed, payload_too_large.
func (s *DeclarationService) Import(ctx context.Context, actor Actor, year int, data []byte) (ImportResult, error) {
	if err := staffOnly(actor); err != nil {
		return ImportResult{}, err
	}
	if err := func() error { f := Fields{}; s.validYear(f, "year", year); return f.Err() }(); err != nil {
		return ImportResult{}, err
	}
	if len(data) > MaxImportBytes {
		return ImportResult{}, E(CodeTooLarge, "the file is larger than %d bytes", MaxImportBytes)
	}
	rows, problems, err := ParseDeclarationCSV(data)
	if err != nil {
		return ImportResult{}, err
	}
	sum := sha256.Sum256(data)
	res := ImportResult{Year: year, Rows: len(rows), FileHash: hex.EncodeToString(sum[:])}
	if len(rows) == 0 && len(problems) == 0 {
		return res, Invalid("file", "has no data rows")
	}
	var units []models.Unit
	if err := s.db.WithContext(ctx).Find(&units).Error; err != nil {
		return res, err
	}
	unitOf := map[string]string{}
	for _, u := range units {
		unitOf[strings.ToLower(u.Code)] = u.ID
	}
	for _, u := range units { // a name wins over someone else's code only if no code matches
		if _, ok := unitOf[strings.ToLower(u.Name)]; !ok {
			unitOf[strings.ToLower(u.Name)] = u.ID
		}
	}
	type key struct{ unit, name, typ string }
	firstLine := map[key]int{}
	now := s.now()
	wanted := make([]models.Declaration, 0, len(rows))
	lines := make([]int, 0, len(rows))
	for _, r := range rows {
		unitID, ok := unitOf[strings.ToLower(r.Unit)]
		if !ok && r.Unit != "" {
			problems.Add(r.Line, "unknown unit %q (use a unit code or its full name)", r.Unit)
		}
		// The dates of a file pass the bounds of every client time.
		if msg := dateProblem(r.DueDate, now, s.loc, false); msg != "" {
			problems.Add(r.Line, "due date %s %s", r.DueDate, msg)
		}
		if msg := dateProblem(r.FiledDate, now, s.loc, true); r.FiledDate != "" && msg != "" {
			problems.Add(r.Line, "filing date %s %s", r.FiledDate, msg)
		}
		if len(problems[r.Line]) > 0 {
			continue
		}
		k := key{unitID, r.DeclarantName, r.Type}
		if l, dup := firstLine[k]; dup {
			problems.Add(r.Line, "duplicate of line %d (same declarant, unit and type)", l)
			continue
		}
		firstLine[k] = r.Line
		d := models.Declaration{Year: year, UnitID: unitID, DeclarantName: r.DeclarantName, Type: r.Type, Position: r.Position,
			DueDate: r.DueDate, Deadline: s.deadline(r.DueDate)}
		if r.FiledDate != "" {
			// A filing date without a time is taken as the start of that day
			// in the office time zone: on time exactly when date ≤ due date.
			t, _ := time.ParseInLocation(time.DateOnly, r.FiledDate, s.loc)
			t = t.UTC()
			d.FiledAt = &t
		}
		wanted = append(wanted, d)
		lines = append(lines, r.Line)
	}
	// Lines already known to be bad are still checked against the roster
	// below, so that one answer lists every problem of the file.
	for attempt := 0; ; attempt++ {
		// inTx runs it again when InnoDB picks it as a deadlock victim: with
		// imports of one year at once, the gap locks of their duplicate
		// checks may cross.
		err = inTx(ctx, s.db, func(tx *gorm.DB) error {
			res.Created, res.Unchanged = 0, 0
			var existing []models.Declaration
			if err := tx.Where("year = ?", year).Find(&existing).Error; err != nil {
				return err
			}
			have := map[key]models.Declaration{}
			for _, d := range existing {
				have[key{d.UnitID, d.DeclarantName, d.Type}] = d
			}
			now := s.now()
			var create []models.Declaration
			for i, d := range wanted {
				if old, ok := have[key{d.UnitID, d.DeclarantName, d.Type}]; ok {
					if old.Position == d.Position && old.DueDate == d.DueDate && sameTime(old.FiledAt, d.FiledAt) {
						res.Unchanged++
						continue
					}
					problems.Add(lines[i], "%s is already on the %d roster of this unit with this type but with a different position, due date or filing date; correct it there or in the file", d.DeclarantName, year)
					continue
				}
				d.ID, d.CreatedAt, d.UpdatedAt, d.Version = newID(), now, now, 1
				create = append(create, d)
			}
			if err := problems.Err(); err != nil {
				return err
			}
			if len(create) > 0 {
				// Rows already on the roster unchanged change no count: a
				// file imported again into a closed year still answers.
				dues := make([]string, len(create))
				for i, d := range create {
					dues[i] = d.DueDate
				}
				if err := s.ensureOpen(ctx, tx, []int{year}, dues...); err != nil {
					return err
				}
				if err := tx.CreateInBatches(create, 200).Error; err != nil {
					return err
				}
			}
			res.Created = len(create)
			return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "declarations.import", EntityType: "declaration",
				After: map[string]any{"year": year, "file_sha256": res.FileHash, "rows": res.Rows, "created": res.Created, "unchanged": res.Unchanged}})
		})
		if models.IsDuplicate(err) && attempt < 2 {
			continue // a concurrent import stored some of these rows first
		}
		return res, err
	}
}

// filtered is the roster query of f's year, unit, type and status (not its
// page): List and Export select the same rows.
func (s *DeclarationService) filtered(ctx context.Context, f DeclarationFilter) (*gorm.DB, error) {
	q := s.db.WithContext(ctx).Model(&models.Declaration{})
	if f.Year != 0 {
		if err := queryYear("year", f.Year, s.now(), s.loc); err != nil {
			return nil, err
		}
		q = q.Where("year = ?", f.Year)
	}
	if f.UnitID != "" {
		q = q.Where("unit_id = ?", f.UnitID)
	}
	if f.Type != "" {
		if !oneOf(f.Type, models.DeclarationTypes...) {
			return nil, BadRequest("type must be one of %v", models.DeclarationTypes)
		}
		q = q.Where("type = ?", f.Type)
	}
	today := s.today()
	switch f.Status {
	case "":
	case models.DeclarationFiledOnTime:
		q = q.Where("filed_at IS NOT NULL AND filed_at < deadline")
	case models.DeclarationFiledLate:
		q = q.Where("filed_at IS NOT NULL AND filed_at >= deadline")
	case models.DeclarationNotFiled:
		q = q.Where("filed_at IS NULL AND due_date < ?", today)
	case models.DeclarationNotYetDue:
		q = q.Where("filed_at IS NULL AND due_date >= ?", today)
	default:
		return nil, BadRequest("status must be one of %v", models.DeclarationStatuses)
	}
	return q, nil
}

// OnTimeRate is the plan's first KPI (落實公職人員財產申報: 依限完成申報人數 ÷
// 應申報人數 × 100%) for a calendar year, for one unit or (unitID "") all.
//
// The rule, exactly:
//   - due: roster rows whose due_date (a calendar date in the office time
//     zone) lies in year and is before the office's today, i.e. whose
//     deadline has passed. A declarant due today or later is not counted
//     yet, neither as due nor as on time, even if already filed.
//   - onTime: those of them with filed_at strictly before the end of the
//     due date in the office time zone (the next local midnight), i.e.
//     filed on or before the due date there.
//   - rate: onTime ÷ due × 100 (a percentage, 0–100), nil when due is 0.
//
// It is one aggregate query over the index (due_date, unit_id).
func (s *DeclarationService) OnTimeRate(ctx context.Context, year int, unitID string) (onTime, due int, rate *float64, err error) {
	c, err := models.CountOnTime(ctx, s.db, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year), s.today(), unitID)
	if err != nil {
		return 0, 0, nil, err
	}
	return int(c.OnTime), int(c.Due), Rate(c.OnTime, c.Due), nil
}

// OnTimeBy is OnTimeRate's counts by unit (group "unit") or by the month
// of the due date (group "month", keys "YYYY-MM"), under the same rule.
func (s *DeclarationService) OnTimeBy(ctx context.Context, year int, unitID, group string) (map[string]models.OnTimeCounts, error) {
	return models.CountOnTimeBy(ctx, s.db, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year), s.today(), unitID, group)
}

func (s *DeclarationService) unitExists(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Unit{}).Where("id = ?", id).Count(&n).Error
	return n > 0, err
}

func declarationFields(d models.Declaration) map[string]any {
	return map[string]any{"year": d.Year, "declarant_name": d.DeclarantName, "position": d.Position, "unit_id": d.UnitID,
		"type": d.Type, "due_date": d.DueDate, "filed_at": d.FiledAt}
}

func sameDeclaration(a, b models.Declaration) bool {
	return a.Year == b.Year && a.DeclarantName == b.DeclarantName && a.Position == b.Position && a.UnitID == b.UnitID &&
		a.Type == b.Type && a.DueDate == b.DueDate && sameTime(a.FiledAt, b.FiledAt)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// validSeed refuses seeds that could be written two ways: surrounding
// spaces, control characters (a newline would blur the key's separator).
func validSeed(seed string) string {
	if n := utf8.RuneCountInString(seed); n < 1 || n > 200 {
		return "must be 1 to 200 characters, e.g. the published lottery number"
	}
	if strings.TrimSpace(seed) != seed {
		return "must not start or end with spaces"
	}
	return textProblem(seed, 200, true, Line)
}

package services

import (
	"context"
	"regexp"

	"gorm.io/gorm"

	"ethicsops/models"
)

// UnitService manages the agencies and schools that records concern.
type UnitService struct {
	db  *gorm.DB
	now Clock
}

// NewUnitService builds the service.
func NewUnitService(db *gorm.DB, now Clock) *UnitService { return &UnitService{db: db, now: now} }

var unitCodeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{2,32}$`)

// NewUnit is what an admin gives to create a unit.
type NewUnit struct {
	Code string
	Name string
	Kind string
}

// List returns units ordered by code. Any signed-in staff member or volunteer
// may read them (forms need them).
func (s *UnitService) List(ctx context.Context, limit int, cursor string) (Page[models.Unit], error) {
	limit, err := ClampLimit(limit)
	if err != nil {
		return Page[models.Unit]{}, err
	}
	cur, err := DecodeCursor(cursor)
	if err != nil {
		return Page[models.Unit]{}, err
	}
	q := s.db.WithContext(ctx).Model(&models.Unit{})
	if cur != nil {
		q = q.Where("code > ? OR (code = ? AND id > ?)", cur.Key, cur.Key, cur.ID)
	}
	var units []models.Unit
	if err := q.Order("code, id").Limit(limit + 1).Find(&units).Error; err != nil {
		return Page[models.Unit]{}, err
	}
	return pageOf(units, limit, func(u models.Unit) Cursor { return Cursor{Key: u.Code, ID: u.ID} }), nil
}

// Create adds a unit. Admin only.
// Errors: ErrForbidden, validation_failed, conflict (code or name taken).
func (s *UnitService) Create(ctx context.Context, actor Actor, in NewUnit) (models.Unit, error) {
	if !actor.Is(models.RoleAdmin) {
		return models.Unit{}, Forbidden("only an admin creates units")
	}
	f := Fields{}
	if !unitCodeRe.MatchString(in.Code) {
		f.Add("code", "2 to 32 letters, digits, dash or underscore")
	}
	checkText(f, "name", in.Name, 100, true, Line)
	if !oneOf(in.Kind, models.UnitAgency, models.UnitSchool) {
		f.Add("kind", "must be agency or school")
	}
	if err := f.Err(); err != nil {
		return models.Unit{}, err
	}
	now := s.now()
	u := models.Unit{ID: newID(), Code: in.Code, Name: in.Name, Kind: in.Kind, CreatedAt: now, UpdatedAt: now}
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "unit.create", EntityType: "unit", EntityID: u.ID,
			After: map[string]any{"code": u.Code, "name": u.Name, "kind": u.Kind}})
	})
	if models.IsDuplicate(err) {
		return models.Unit{}, Conflict(CodeConflict, "a unit with this code or name exists")
	}
	return u, err
}

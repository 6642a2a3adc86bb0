package services

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
)

// ActivityFilter selects activities in List. Every field is optional.
type ActivityFilter struct {
	Kind         string
	Status       string
	UnitID       string
	OwnerID      string
	From, To     *time.Time // scheduled_at within [From, To)
	UpdatedSince *time.Time // incremental phone sync; includes soft-deleted rows
	Q            string     // in title or procurement case number
	LateEntry    *bool      // staff only: late entries (true) or the others
	Review       string     // staff only: one of models.ReviewFilters
	Sort         string     // one of ActivitySorts; default -scheduled_at (updated_at with UpdatedSince)
	Limit        int
	Cursor       string
}

// ActivitySorts is the allow-list of List orders ("-" for descending). Ties
// are broken by id, so that keyset pages are stable while rows are added.
// completed_at lists only records that have a completion time (the others
// have no place in that order): the review queue is review=pending with
// sort=completed_at, the oldest completion first.
var ActivitySorts = []string{"scheduled_at", "-scheduled_at", "updated_at", "-updated_at", "created_at", "-created_at",
	"completed_at", "-completed_at"}

// List returns a page of activities actor may read. Volunteers see only
// published events. With UpdatedSince, soft-deleted records changed since
// then are included (their deleted_at set) so that phones can drop them.
// Errors: bad_request for a filter, sort or cursor not allowed.
func (s *ActivityService) List(ctx context.Context, actor Actor, f ActivityFilter) (Page[models.Activity], error) {
	var zero Page[models.Activity]
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return zero, err
	}
	if f.Sort == "" {
		f.Sort = "-scheduled_at"
		if f.UpdatedSince != nil {
			f.Sort = "updated_at"
		}
	}
	now := s.now()
	for _, q := range []struct {
		name string
		t    *time.Time
	}{{"from", f.From}, {"to", f.To}, {"updated_since", f.UpdatedSince}} {
		if err := queryTime(q.name, q.t, now); err != nil {
			return zero, err
		}
	}
	if !oneOf(f.Sort, ActivitySorts...) {
		return zero, BadRequest("sort must be one of %s", strings.Join(ActivitySorts, ", "))
	}
	col, desc := strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return zero, err
	}
	q := s.db.WithContext(ctx).Model(&models.Activity{})
	switch {
	case actor.IsStaff():
		if f.UpdatedSince == nil {
			q = q.Where("deleted_at IS NULL")
		}
	case actor.Is(models.RoleVolunteer) && actor.Status == models.StatusActive:
		q = q.Where("deleted_at IS NULL AND published = ? AND kind IN ?", true, []string{models.KindOutreachEvent, models.KindEthicsPromotion})
	default:
		return zero, Forbidden("your role may not list activities")
	}
	if f.Kind != "" {
		if !oneOf(f.Kind, models.ActivityKinds...) {
			return zero, BadRequest("kind must be one of %s", strings.Join(models.ActivityKinds, ", "))
		}
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		if !oneOf(f.Status, models.ActivityStatuses...) {
			return zero, BadRequest("status must be one of %s", strings.Join(models.ActivityStatuses, ", "))
		}
		q = q.Where("status = ?", f.Status)
	}
	if f.UnitID != "" {
		q = q.Where("unit_id = ?", f.UnitID)
	}
	if f.OwnerID != "" {
		q = q.Where("owner_id = ?", f.OwnerID)
	}
	if f.From != nil {
		q = q.Where("scheduled_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("scheduled_at < ?", f.To.UTC())
	}
	if f.UpdatedSince != nil {
		q = q.Where("updated_at >= ?", f.UpdatedSince.UTC())
	}
	if f.LateEntry != nil {
		if !actor.IsStaff() {
			return zero, BadRequest("late_entry is a filter of the office's staff")
		}
		q = q.Where("late_entry = ?", *f.LateEntry)
	}
	if f.Review != "" {
		if !actor.IsStaff() {
			return zero, BadRequest("review is a filter of the office's staff")
		}
		if !oneOf(f.Review, models.ReviewFilters...) {
			return zero, BadRequest("review must be one of %s", strings.Join(models.ReviewFilters, ", "))
		}
		q = q.Where("review_status = ?", f.Review)
	}
	if col == "completed_at" {
		q = q.Where("completed_at IS NOT NULL")
	}
	if qs := strings.TrimSpace(f.Q); qs != "" {
		if len(qs) > 100 {
			return zero, BadRequest("q must be at most 100 bytes")
		}
		like := "%" + escapeLike(qs) + "%"
		q = q.Where("(title LIKE ? ESCAPE '!' OR case_no LIKE ? ESCAPE '!')", like, like)
	}
	if cur != nil {
		sortName, key, ok := strings.Cut(cur.Key, "|")
		t, terr := time.Parse(time.RFC3339Nano, key)
		if !ok || sortName != f.Sort || terr != nil {
			return zero, BadRequest("cursor is not valid for this sort")
		}
		op := ">"
		if desc {
			op = "<"
		}
		q = q.Where("("+col+" "+op+" ? OR ("+col+" = ? AND id "+op+" ?))", t, t, cur.ID)
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	var rows []models.Activity
	if err := q.Order(col + dir).Order("id" + dir).Limit(limit + 1).Find(&rows).Error; err != nil {
		return zero, err
	}
	if actor.IsStaff() {
		if err := withOwnerNames(s.db.WithContext(ctx), rows); err != nil {
			return zero, err
		}
	}
	return pageOf(rows, limit, func(a models.Activity) Cursor {
		var t time.Time
		switch col {
		case "scheduled_at":
			t = a.ScheduledAt
		case "updated_at":
			t = a.UpdatedAt
		case "completed_at":
			t = *a.CompletedAt // never nil: the query keeps only completed ones
		default:
			t = a.CreatedAt
		}
		return Cursor{Key: f.Sort + "|" + t.UTC().Format(time.RFC3339Nano), ID: a.ID}
	}), nil
}

// escapeLike escapes LIKE wildcards with '!' (the ESCAPE character used by
// List), so that a user's % or _ matches itself.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// withOwnerNames sets OwnerName on rows, one query for the page: the
// manager's lists say whose record each one is.
func withOwnerNames(db *gorm.DB, rows []models.Activity) error {
	seen := map[string]bool{}
	ids := make([]string, 0, len(rows))
	for _, a := range rows {
		if a.OwnerID != "" && !seen[a.OwnerID] {
			seen[a.OwnerID] = true
			ids = append(ids, a.OwnerID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var users []models.User
	if err := db.Select("id", "display_name").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return err
	}
	name := make(map[string]string, len(users))
	for _, u := range users {
		name[u.ID] = u.DisplayName
	}
	for i := range rows {
		rows[i].OwnerName = name[rows[i].OwnerID]
	}
	return nil
}

package services

import (
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"

	"ethicsops/models"
)

// NewDraw asks for a draw: exactly one of Count and Ratio, and a seed
// published beforehand (e.g. a lottery number). UnitID and Type narrow the
// candidates.
type NewDraw struct {
	Year   int
	Count  int
	Ratio  *float64
	Seed   string
	UnitID string
	Type   string
}

// DrawnDeclarant is a selected roster row as a draw shows it.
type DrawnDeclarant struct {
	ID            string
	DeclarantName string
	Position      string
	UnitID        string
	UnitName      string
	Type          string
	DueDate       string
	Missing       bool // the row is no longer on the roster
}

// Draw is a stored draw with its selected declarants (in draw order).
type Draw struct {
	models.DeclarationDraw
	CandidateCount int
	Selected       []DrawnDeclarant
}

// DrawVerification is the outcome of recomputing a stored draw.
type DrawVerification struct {
	DrawID string
	// Match: the stored snapshot hashes to the stored hash, the stored seed
	// and snapshot give the stored selection, and both agree with the audit
	// event written when the draw was made.
	Match                   bool
	SnapshotHashMatches     bool
	SelectionMatches        bool
	AuditRecordMatches      bool
	RecomputedSelectedIDs   []string
	RecomputedSnapshotHash  string
	CurrentRosterDiffers    bool
	CurrentSnapshotHash     string
	CurrentCandidateCount   int
	StoredSnapshotHash      string
	StoredCandidateCount    int
	StoredSelectedCount     int
	StoredSelectedIDsSHA256 string
}

func managerOnly(a Actor) error {
	if !a.Is(models.RoleAdmin, models.RoleManager) {
		return Forbidden("only a manager or an admin runs and reads declaration draws")
	}
	return nil
}

// candidates returns the ids of the roster rows a draw with these filters
// runs on, sorted ascending as bytes (in Go, so no database collation can
// change the order).
func candidates(ctx context.Context, db *gorm.DB, year int, unitID, typ string) ([]string, error) {
	q := db.WithContext(ctx).Model(&models.Declaration{}).Where("year = ?", year)
	if unitID != "" {
		q = q.Where("unit_id = ?", unitID)
	}
	if typ != "" {
		q = q.Where("type = ?", typ)
	}
	var ids []string
	if err := q.Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// CreateDraw runs and stores a draw (see SelectDraw for the function). The
// draw is immutable: there is no method that changes or deletes one.
// Errors: ErrForbidden, validation_failed (bad inputs, no candidates, a
// count larger than the candidates).
func (s *DeclarationService) CreateDraw(ctx context.Context, actor Actor, in NewDraw) (Draw, error) {
	if err := managerOnly(actor); err != nil {
		return Draw{}, err
	}
	f := Fields{}
	s.validYear(f, "year", in.Year)
	if msg := validSeed(in.Seed); msg != "" {
		f.Add("seed", msg)
	}
	switch {
	case in.Count != 0 && in.Ratio != nil:
		f.Add("count", "send count or ratio, not both")
	case in.Ratio != nil:
		if !(*in.Ratio > 0 && *in.Ratio <= 1) {
			f.Add("ratio", "must be more than 0 and at most 1")
		}
	case in.Count < 1:
		f.Add("count", "send count (at least 1) or ratio")
	}
	if in.Type != "" && !oneOf(in.Type, models.DeclarationTypes...) {
		f.Add("type", "must be one of regular, on_assumption, on_leaving")
	}
	if in.UnitID != "" {
		if ok, err := s.unitExists(ctx, in.UnitID); err != nil {
			return Draw{}, err
		} else if !ok {
			f.Add("unit_id", "no such unit")
		}
	}
	if err := f.Err(); err != nil {
		return Draw{}, err
	}
	var out Draw
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		out = Draw{}
		ids, err := candidates(ctx, tx, in.Year, in.UnitID, in.Type)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return Invalid("year", "no declarations on the roster match this draw")
		}
		ratio := 0.0
		if in.Ratio != nil {
			ratio = *in.Ratio
		}
		n := DrawSize(in.Count, ratio, len(ids))
		if n > len(ids) {
			return Invalid("count", "is larger than the number of candidates")
		}
		selected := SelectDraw(in.Seed, ids, n)
		d := models.DeclarationDraw{
			ID: newID(), Year: in.Year, UnitID: in.UnitID, Type: in.Type, Seed: in.Seed, Ratio: in.Ratio, Count: n,
			CandidateIDs: joinIDs(ids), SnapshotSHA256: SnapshotHash(ids), SelectedIDs: joinIDs(selected),
			CreatedBy: actor.UserID, CreatedAt: s.now(),
		}
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
		// The audit event repeats what the draw must prove, so verification can
		// catch a draw row edited behind the service's back.
		if err := appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "declaration_draw.create", EntityType: "declaration_draw", EntityID: d.ID,
			After: drawAuditRecord(d)}); err != nil {
			return err
		}
		out, err = s.drawView(ctx, tx, d)
		return err
	})
	return out, err
}

func drawAuditRecord(d models.DeclarationDraw) map[string]any {
	return map[string]any{"year": d.Year, "unit_id": d.UnitID, "type": d.Type, "seed": d.Seed, "count": d.Count,
		"candidates": len(splitIDs(d.CandidateIDs)), "snapshot_sha256": d.SnapshotSHA256, "selected_sha256": SnapshotHash(splitIDs(d.SelectedIDs))}
}

func (s *DeclarationService) drawView(ctx context.Context, db *gorm.DB, d models.DeclarationDraw) (Draw, error) {
	sel := splitIDs(d.SelectedIDs)
	var rows []struct {
		models.Declaration
		UnitName string
	}
	if len(sel) > 0 {
		if err := db.WithContext(ctx).Table("declarations").Select("declarations.*, units.name AS unit_name").
			Joins("LEFT JOIN units ON units.id = declarations.unit_id").Where("declarations.id IN ?", sel).Scan(&rows).Error; err != nil {
			return Draw{}, err
		}
	}
	byID := map[string]DrawnDeclarant{}
	for _, r := range rows {
		byID[r.ID] = DrawnDeclarant{ID: r.ID, DeclarantName: r.DeclarantName, Position: r.Position, UnitID: r.UnitID, UnitName: r.UnitName, Type: r.Type, DueDate: r.DueDate}
	}
	out := Draw{DeclarationDraw: d, CandidateCount: len(splitIDs(d.CandidateIDs)), Selected: make([]DrawnDeclarant, len(sel))}
	for i, id := range sel {
		if dd, ok := byID[id]; ok {
			out.Selected[i] = dd
		} else {
			out.Selected[i] = DrawnDeclarant{ID: id, Missing: true}
		}
	}
	return out, nil
}

func (s *DeclarationService) takeDraw(ctx context.Context, id string) (models.DeclarationDraw, error) {
	var d models.DeclarationDraw
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, NotFound("draw")
	}
	return d, err
}

// GetDraw shows a draw with its selected declarants, and records the read.
// Errors: ErrForbidden, ErrNotFound.
func (s *DeclarationService) GetDraw(ctx context.Context, actor Actor, id string) (Draw, error) {
	if err := managerOnly(actor); err != nil {
		return Draw{}, err
	}
	d, err := s.takeDraw(ctx, id)
	if err != nil {
		return Draw{}, err
	}
	out, err := s.drawView(ctx, s.db, d)
	if err != nil {
		return Draw{}, err
	}
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "declarations.read", EntityType: "declaration_draw", EntityID: d.ID,
		After: map[string]any{"draw_id": d.ID, "count": len(out.Selected), "selected_sha256": SnapshotHash(splitIDs(d.SelectedIDs))}}); err != nil {
		return Draw{}, err
	}
	return out, nil
}

// DrawFilter selects draws in ListDraws.
type DrawFilter struct {
	Year   int
	Limit  int
	Cursor string
}

// ListDraws returns draws, oldest first, and records the read.
// Errors: ErrForbidden, bad_request for a bad cursor.
func (s *DeclarationService) ListDraws(ctx context.Context, actor Actor, f DrawFilter) (Page[models.DeclarationDraw], error) {
	if err := managerOnly(actor); err != nil {
		return Page[models.DeclarationDraw]{}, err
	}
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return Page[models.DeclarationDraw]{}, err
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return Page[models.DeclarationDraw]{}, err
	}
	q := s.db.WithContext(ctx).Model(&models.DeclarationDraw{})
	if f.Year != 0 {
		if err := queryYear("year", f.Year, s.now(), s.loc); err != nil {
			return Page[models.DeclarationDraw]{}, err
		}
		q = q.Where("year = ?", f.Year)
	}
	if q, err = afterTimeCursor(q, cur, "created_at", false); err != nil {
		return Page[models.DeclarationDraw]{}, err
	}
	var draws []models.DeclarationDraw
	if err := q.Order("created_at, id").Limit(limit + 1).Find(&draws).Error; err != nil {
		return Page[models.DeclarationDraw]{}, err
	}
	page := pageOf(draws, limit, func(d models.DeclarationDraw) Cursor { return timeCursor(d.CreatedAt, d.ID) })
	ids := make([]string, len(page.Items))
	for i, d := range page.Items {
		ids[i] = d.ID
	}
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "declaration_draws.read", EntityType: "declaration_draw",
		After: map[string]any{"year": f.Year, "count": len(ids), "ids": ids}}); err != nil {
		return Page[models.DeclarationDraw]{}, err
	}
	return page, nil
}

// VerifyDraw recomputes a stored draw from its stored seed and snapshot and
// says whether everything agrees, and whether the roster has changed since.
// Errors: ErrForbidden, ErrNotFound.
func (s *DeclarationService) VerifyDraw(ctx context.Context, actor Actor, id string) (DrawVerification, error) {
	if err := managerOnly(actor); err != nil {
		return DrawVerification{}, err
	}
	d, err := s.takeDraw(ctx, id)
	if err != nil {
		return DrawVerification{}, err
	}
	ids := splitIDs(d.CandidateIDs)
	stored := splitIDs(d.SelectedIDs)
	v := DrawVerification{DrawID: d.ID, StoredSnapshotHash: d.SnapshotSHA256, StoredCandidateCount: len(ids), StoredSelectedCount: len(stored),
		StoredSelectedIDsSHA256: SnapshotHash(stored)}
	v.RecomputedSnapshotHash = SnapshotHash(ids)
	// A snapshot must be sorted and without repeats, or the hash would
	// certify an order the draw function never sees.
	sorted := slices.IsSorted(ids) && len(slices.Compact(slices.Clone(ids))) == len(ids)
	v.SnapshotHashMatches = sorted && v.RecomputedSnapshotHash == d.SnapshotSHA256
	v.RecomputedSelectedIDs = SelectDraw(d.Seed, ids, d.Count)
	v.SelectionMatches = d.Count == len(stored) && slices.Equal(v.RecomputedSelectedIDs, stored)
	var ev models.AuditEvent
	err = s.db.WithContext(ctx).Where("action = ? AND entity_type = ? AND entity_id = ?", "declaration_draw.create", "declaration_draw", d.ID).Take(&ev).Error
	switch {
	case err == nil:
		record, err := auditJSON(drawAuditRecord(d))
		v.AuditRecordMatches = err == nil && ev.After == record
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return DrawVerification{}, err
	}
	v.Match = v.SnapshotHashMatches && v.SelectionMatches && v.AuditRecordMatches
	cur, err := candidates(ctx, s.db, d.Year, d.UnitID, d.Type)
	if err != nil {
		return DrawVerification{}, err
	}
	v.CurrentCandidateCount, v.CurrentSnapshotHash = len(cur), SnapshotHash(cur)
	v.CurrentRosterDiffers = v.CurrentSnapshotHash != d.SnapshotSHA256
	if err := appendAudit(ctx, s.db, s.now, AuditEntry{Actor: actor, Action: "declaration_draw.verify", EntityType: "declaration_draw", EntityID: d.ID,
		After: map[string]any{"match": v.Match, "current_roster_differs": v.CurrentRosterDiffers}}); err != nil {
		return DrawVerification{}, err
	}
	return v, nil
}

package services

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
)

// HistoryEntry is one step of a record's history (紀錄歷程), read from the
// audit trail: who did what and when. It names the fields an edit changed
// but never their values, so that the history shows no more than the record
// itself and nothing of the people in it.
type HistoryEntry struct {
	ID     string
	At     time.Time
	Action string // activity.create, activity.update, activity.start, activity.review_approved, activity.review_returned, checkin.create, attachment.create
	// ActorID, ActorName and ActorRole name who did it ("" for the system).
	ActorID, ActorName, ActorRole string
	// Fields are the names the change touched (activity.update), parts as
	// "procurement.stage", sorted.
	Fields []string
	// Status is the record's status after the change, when it set one.
	Status string
	// CheckinType is arrive or leave (checkin.create).
	CheckinType string
	// LateEntry is set when the change marked the record a late entry
	// (補登) for a manager's review, or cleared the mark.
	LateEntry *bool
	// Comment is the reviewer's comment (activity.review_*): the owner reads
	// it on the record anyway, and the history keeps every round of it.
	Comment string
}

// historyActions are the events of a record that its history shows.
var historyActions = []string{"activity.create", "activity.update", "activity.start",
	"activity.review_approved", "activity.review_returned", "checkin.create", "attachment.create"}

// History returns the history of activity id, oldest first, a page at a
// time. Who may read the record's history: office staff who may read the
// record (CanRead); volunteers and anyone else get not_found, as for a record
// they cannot see.
// Errors: not_found, bad_request (limit, cursor).
func (s *ActivityService) History(ctx context.Context, actor Actor, id string, limit int, cursor string) (Page[HistoryEntry], error) {
	limit, err := ClampLimit(limit)
	if err != nil {
		return Page[HistoryEntry]{}, err
	}
	cur, err := DecodeCursor(cursor)
	if err != nil {
		return Page[HistoryEntry]{}, err
	}
	db := s.db.WithContext(ctx)
	a, err := s.load(db, id, false)
	if err != nil {
		return Page[HistoryEntry]{}, err
	}
	if !actor.IsStaff() || !CanRead(actor, a) {
		return Page[HistoryEntry]{}, NotFound("activity")
	}
	q := db.Model(&models.AuditEvent{}).Where("action IN ?", historyActions).Where(
		db.Where("entity_type = ? AND entity_id = ?", "activity", a.ID).
			Or("entity_type = ? AND entity_id IN (?)", "checkin", db.Model(&models.Checkin{}).Select("id").Where("activity_id = ?", a.ID)).
			Or("entity_type = ? AND entity_id IN (?)", "attachment", db.Model(&models.Attachment{}).Select("id").Where("activity_id = ?", a.ID)))
	if q, err = afterTimeCursor(q, cur, "at", false); err != nil {
		return Page[HistoryEntry]{}, err
	}
	var evs []models.AuditEvent
	if err := q.Order("at, id").Limit(limit + 1).Find(&evs).Error; err != nil {
		return Page[HistoryEntry]{}, err
	}
	page := pageOf(evs, limit, func(ev models.AuditEvent) Cursor { return timeCursor(ev.At, ev.ID) })
	names, err := displayNames(db, page.Items)
	if err != nil {
		return Page[HistoryEntry]{}, err
	}
	out := Page[HistoryEntry]{Items: make([]HistoryEntry, 0, len(page.Items)), NextCursor: page.NextCursor}
	for _, ev := range page.Items {
		out.Items = append(out.Items, historyEntry(ev, names[ev.ActorID]))
	}
	return out, nil
}

// displayNames maps the actors of evs to their display names.
func displayNames(db *gorm.DB, evs []models.AuditEvent) (map[string]string, error) {
	ids := map[string]bool{}
	for _, ev := range evs {
		if ev.ActorID != "" {
			ids[ev.ActorID] = true
		}
	}
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	var users []models.User
	if err := db.Select("id", "display_name").Where("id IN ?", list).Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		names[u.ID] = u.DisplayName
	}
	return names, nil
}

// historyEntry reads one audit event. What it cannot decode it leaves out:
// the history is a view of the trail, and the trail's own check is
// AuditService.Verify.
func historyEntry(ev models.AuditEvent, name string) HistoryEntry {
	h := HistoryEntry{ID: ev.ID, At: ev.At, Action: ev.Action, ActorID: ev.ActorID, ActorName: name, ActorRole: ev.ActorRole}
	var before, after map[string]json.RawMessage
	_ = json.Unmarshal([]byte(ev.Before), &before)
	_ = json.Unmarshal([]byte(ev.After), &after)
	switch ev.Action {
	case "checkin.create":
		_ = json.Unmarshal(after["type"], &h.CheckinType)
		return h
	case "attachment.create":
		return h
	}
	_ = json.Unmarshal(after["status"], &h.Status)
	if raw, ok := after["late_entry"]; ok && ev.Action != "activity.create" {
		var late bool
		if json.Unmarshal(raw, &late) == nil {
			h.LateEntry = &late
		}
	}
	if ev.Action == "activity.review_approved" || ev.Action == "activity.review_returned" {
		_ = json.Unmarshal(after["review_comment"], &h.Comment)
		return h
	}
	if ev.Action != "activity.update" {
		return h
	}
	for k := range after {
		switch k {
		case "details":
			h.Fields = append(h.Fields, changedParts(before[k], after[k])...)
		case "late_entry", "started_at", "deleted_at", "review_status", "review_comment", "reviewed_at", "reviewed_by":
			// Marks the server sets, shown by their own entries.
		default:
			h.Fields = append(h.Fields, k)
		}
	}
	sort.Strings(h.Fields)
	return h
}

// changedParts names the fields of the kind-specific parts that differ
// between two details documents: "procurement.stage", "checklist" (a list
// compares whole).
func changedParts(before, after json.RawMessage) []string {
	var b, a map[string]any
	_ = json.Unmarshal(before, &b)
	_ = json.Unmarshal(after, &a)
	var out []string
	for part := range union(b, a) {
		bm, bok := b[part].(map[string]any)
		am, aok := a[part].(map[string]any)
		if !bok || !aok {
			if !reflect.DeepEqual(b[part], a[part]) {
				out = append(out, part)
			}
			continue
		}
		for f := range union(bm, am) {
			if !reflect.DeepEqual(bm[f], am[f]) {
				out = append(out, part+"."+f)
			}
		}
	}
	return out
}

func union(a, b map[string]any) map[string]bool {
	u := map[string]bool{}
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

package services

import (
	"encoding/json"
	"reflect"
	"testing"

	"ethicsops/models"
)

func TestHistoryEntry(t *testing.T) {
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	details := func(stage string, deficiencies ...string) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"procurement": map[string]any{"case_no": "1", "stage": stage, "deficiencies": deficiencies}})
		return b
	}
	yes := true
	for _, tc := range []struct {
		name string
		ev   models.AuditEvent
		want HistoryEntry
	}{
		{"created", models.AuditEvent{Action: "activity.create", After: js(map[string]any{"status": "planned", "notes": "王小明 0912", "late_entry": false})},
			HistoryEntry{Action: "activity.create", Status: "planned"}},
		{"edited: top fields and one field of the part, no server marks", models.AuditEvent{Action: "activity.update",
			Before: js(map[string]any{"notes": "a", "details": details("award"), "started_at": nil}),
			After:  js(map[string]any{"notes": "b", "details": details("acceptance"), "started_at": "2026-03-02T01:00:00Z"})},
			HistoryEntry{Action: "activity.update", Fields: []string{"notes", "procurement.stage"}}},
		{"a list inside a part", models.AuditEvent{Action: "activity.update",
			Before: js(map[string]any{"details": details("award")}), After: js(map[string]any{"details": details("award", "缺失")})},
			HistoryEntry{Action: "activity.update", Fields: []string{"procurement.deficiencies"}}},
		{"completed late", models.AuditEvent{Action: "activity.update",
			Before: js(map[string]any{"status": "in_progress", "completed_at": nil, "late_entry": false}),
			After:  js(map[string]any{"status": "completed", "completed_at": "2026-01-01T00:00:00Z", "late_entry": true})},
			HistoryEntry{Action: "activity.update", Status: "completed", LateEntry: &yes, Fields: []string{"completed_at", "status"}}},
		{"check-in: its type, not its position", models.AuditEvent{Action: "checkin.create", After: js(map[string]any{"type": "arrive", "lat": 23.48, "lng": 120.44})},
			HistoryEntry{Action: "checkin.create", CheckinType: "arrive"}},
		{"returned by the reviewer: the comment and the status, no review fields as edits", models.AuditEvent{Action: "activity.review_returned",
			Before: js(map[string]any{"status": "completed", "review_status": "pending"}),
			After:  js(map[string]any{"status": "in_progress", "review_status": "returned", "review_comment": "缺少驗收照片"})},
			HistoryEntry{Action: "activity.review_returned", Status: "in_progress", Comment: "缺少驗收照片"}},
		{"completed again: the review state the server sets is not an edit", models.AuditEvent{Action: "activity.update",
			Before: js(map[string]any{"status": "in_progress", "review_status": "returned"}),
			After:  js(map[string]any{"status": "completed", "review_status": "pending"})},
			HistoryEntry{Action: "activity.update", Status: "completed", Fields: []string{"status"}}},
		{"undecodable: the action alone", models.AuditEvent{Action: "activity.update", After: "{"},
			HistoryEntry{Action: "activity.update"}},
	} {
		got := historyEntry(tc.ev, "")
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

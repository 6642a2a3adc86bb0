package api_test

import (
	"testing"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
)

// Text no officer types (control characters, bidirectional controls, text
// with nothing visible, line breaks in a title) is refused with 422 naming
// the field, on every route that takes text; nothing is stored.
func TestCleanText(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off, adm := e.Tokens["officer"], e.Tokens["admin"]
		checklist := func(note string) map[string]any {
			return map[string]any{"kind": "safety_inspection", "title": "安全檢查", "unit_id": e.Unit.ID, "scheduled_at": base.Format("2006-01-02T15:04:05Z07:00"),
				"checklist": []any{map[string]any{"item": "消防"}, map[string]any{"item": "門禁", "note": note}}}
		}
		activities := e.Count(&models.Activity{}, "")
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{procurement(e, map[string]any{"title": "photo\u202Egpj.exe"}), "title"},
			{procurement(e, map[string]any{"title": "\u200B\u200B"}), "title"},
			{procurement(e, map[string]any{"title": "第一行\n第二行"}), "title"},
			{procurement(e, map[string]any{"notes": "備註\x00"}), "notes"},
			{procurement(e, map[string]any{"site": map[string]any{"name": "\u2066文化中心", "lat": 23.48, "lng": 120.45}}), "site.name"},
			{procurement(e, map[string]any{"site": map[string]any{"address": " \u3000 "}}), "site.address"},
			{procurement(e, map[string]any{"procurement": map[string]any{"case_no": "A\t1", "case_title": "道路", "category": "works"}}), "procurement.case_no"},
			{procurement(e, map[string]any{"procurement": map[string]any{"case_no": "A1", "case_title": "道路", "category": "works", "deficiencies": []string{"一", "\x1b[2J"}}}), "procurement.deficiencies[1]"},
			{checklist("正常\u202E"), "checklist[1].note"},
		} {
			wantField(t, tc.field, e.Do("POST", "/api/v1/activities", off, tc.body), tc.field)
		}
		if n := e.Count(&models.Activity{}, ""); n != activities {
			t.Fatalf("%d activities stored", n-activities)
		}
		// Prose keeps its line breaks and tabs; a CRLF is stored as "\n".
		got := create(t, e, off, procurement(e, map[string]any{"notes": "一、驗收合格\r\n\t二、無缺失"}))
		if got["notes"] != "一、驗收合格\n\t二、無缺失" {
			t.Fatalf("notes: %q", got["notes"])
		}
		patched := e.Do("PATCH", "/api/v1/activities/"+got["id"].(string), off, map[string]any{"version": 1, "title": "驗收\u202E"})
		wantField(t, "patch title", patched, "title")
		// In /sync too, under the operation's path.
		syncField(t, "sync title", e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []any{
			map[string]any{"op": "create_activity", "body": procurement(e, map[string]any{"id": uuid.NewString(), "title": "\uFEFF"})}}}), "operations[0].body.title")

		// Units, accounts, registration, declarations and the roster file.
		wantField(t, "unit name", e.Do("POST", "/api/v1/units", adm, map[string]any{"code": "CYC-X", "name": "民政處\x00", "kind": "agency"}), "name")
		wantField(t, "user display_name", e.Do("POST", "/api/v1/users", adm, map[string]any{"username": "chen", "password": "a-long-passphrase", "display_name": "陳\u202E員", "role": "officer", "unit_id": e.Unit.ID}), "display_name")
		wantField(t, "user patch display_name", e.Do("PATCH", e.Expand("/api/v1/users/{officer2}"), adm, map[string]any{"display_name": "\u200D"}), "display_name")
		wantField(t, "register display_name", e.Do("POST", "/api/v1/volunteers/register", "", map[string]any{"username": "wang", "password": "a-long-passphrase",
			"display_name": "王\n志工", "phone": "0912-345-678", "email": "wang@example.org"}), "display_name")
		wantField(t, "declarant_name", e.Do("POST", "/api/v1/declarations", off, map[string]any{"year": 2025, "declarant_name": "王\u200F大明", "position": "處長",
			"unit_id": e.Unit.ID, "type": "regular", "due_date": "2025-12-31"}), "declarant_name")
		wantField(t, "position", e.Do("POST", "/api/v1/declarations", off, map[string]any{"year": 2025, "declarant_name": "王大明", "position": "\u2060",
			"unit_id": e.Unit.ID, "type": "regular", "due_date": "2025-12-31"}), "position")
		r := uploadCSV(e, off, "/api/v1/declarations/import?year=2025", "姓名,職稱,機關,申報類別,申報期限\n王\u202E大明,處長,CYC-PW,定期申報,2025-12-31\n李四,科長,CYC-PW,定期申報,2025-12-31\n")
		if f := fieldsOf(t, r); len(f) != 1 || f["line 2"] == nil {
			t.Fatalf("import: %v", f)
		}
		if n := e.Count(&models.Unit{}, ""); n != 2 {
			t.Fatalf("%d units", n)
		}
		if n := e.Count(&models.User{}, "username IN ?", []string{"chen", "wang"}); n != 0 {
			t.Fatalf("%d users stored", n)
		}
		if n := e.Count(&models.Declaration{}, ""); n != 0 {
			t.Fatalf("%d declarations stored", n)
		}
	})
}

package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
)

// base is "now" of these tests: 2026-03-02 09:00 in Taipei.
var base = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// at sets the clock to t and signs everyone in again, so that tokens are
// valid at the test's time.
func at(e *apitest.Env, t time.Time) {
	e.Clock.Set(t)
	for name := range e.Tokens {
		e.Tokens[name] = e.Login(name, apitest.Password)
	}
}

func procurement(e *apitest.Env, extra map[string]any) map[string]any {
	b := map[string]any{
		"kind": "procurement_supervision", "title": "「嘉義市東區道路改善工程」驗收", "unit_id": e.Unit.ID,
		"scheduled_at": base.Add(24 * time.Hour).Format(time.RFC3339),
		"site":         map[string]any{"name": "東區道路", "address": "嘉義市東區民權路", "lat": 23.4801, "lng": 120.4491, "radius_m": 100},
		"procurement": map[string]any{"case_no": "1150301-PW-012", "case_title": "嘉義市東區道路改善工程", "category": "works",
			"budget_amount": 12500000, "stage": "acceptance", "deficiencies": []string{}, "corrected": false},
	}
	for k, v := range extra {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func create(t *testing.T, e *apitest.Env, token string, body map[string]any) map[string]any {
	t.Helper()
	r := e.Do("POST", "/api/v1/activities", token, body)
	if r.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	return r.JSON()
}

func TestActivityKinds(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off := e.Tokens["officer"]
		sched := base.Format(time.RFC3339)
		parts := map[string]map[string]any{
			"procurement_supervision": {"procurement": map[string]any{"case_no": "1150301-PW-001", "case_title": "道路工程", "category": "works", "budget_amount": 100}},
			"security_maintenance":    {"maintenance": map[string]any{"event_name": "選舉安全維護", "risk_level": "high"}},
			"petition":                {"petition": map[string]any{"petitioners": 12, "subject": "反對設置"}},
			"safety_inspection":       {"checklist": []map[string]any{{"item": "消防設備"}, {"item": "門禁"}}},
			"infosec_audit":           {"checklist": []map[string]any{{"item": "密碼原則", "result": "pass"}}},
			"outreach_event":          {"event": map[string]any{"scale": "large", "audience": "市民", "volunteer_capacity": 10, "published": true}},
			"ethics_promotion":        {"event": map[string]any{"scale": "regular", "audience": "公務員"}},
			"opinion_visit":           {"opinion_visit": map[string]any{"service": "建築執照申請"}},
		}
		for _, kind := range models.ActivityKinds {
			body := map[string]any{"kind": kind, "title": "測試 " + kind, "unit_id": e.Unit.ID, "scheduled_at": sched}
			for k, v := range parts[kind] {
				body[k] = v
			}
			got := create(t, e, off, body)
			if got["kind"] != kind || got["status"] != "planned" || got["version"].(float64) != 1 || got["owner_id"] != e.Users["officer"].ID {
				t.Fatalf("%s: %v", kind, got)
			}
			for part := range parts[kind] {
				if got[part] == nil {
					t.Fatalf("%s: part %s missing in %v", kind, part, got)
				}
			}
			// Another kind's part is a validation error.
			wrong := map[string]any{"kind": kind, "title": "x", "unit_id": e.Unit.ID, "scheduled_at": sched}
			for k, v := range parts[kind] {
				wrong[k] = v
			}
			other := "petition"
			if kind == "petition" {
				other = "maintenance"
			}
			for k, v := range parts[map[string]string{"petition": "petition", "maintenance": "security_maintenance"}[other]] {
				wrong[k] = v
			}
			r := e.Do("POST", "/api/v1/activities", off, wrong)
			if r.Code != 422 || !strings.Contains(r.Body, `"`+other+`"`) {
				t.Fatalf("%s with %s part: %d %s", kind, other, r.Code, r.Body)
			}
		}
		// The part of the kind is required.
		r := e.Do("POST", "/api/v1/activities", off, map[string]any{"kind": "petition", "title": "x", "unit_id": e.Unit.ID, "scheduled_at": sched})
		if r.Code != 422 || r.JSON()["error"].(map[string]any)["fields"].(map[string]any)["petition"] == nil {
			t.Fatalf("missing part: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Activity{}, ""); n != 8 {
			t.Fatalf("%d activities stored, want 8", n)
		}
	})
}

func TestActivityValidation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off := e.Tokens["officer"]
		for _, tc := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"bad lat", procurement(e, map[string]any{"site": map[string]any{"lat": 91, "lng": 120}}), "site.lat"},
			{"bad stage", procurement(e, map[string]any{"procurement": map[string]any{"case_no": "1", "case_title": "x", "category": "works", "stage": "party"}}), "procurement.stage"},
			{"completing without stage", procurement(e, map[string]any{"status": "completed", "procurement": map[string]any{"case_no": "1", "case_title": "x", "category": "works"}}), "procurement.stage"},
			{"checklist result", map[string]any{"kind": "safety_inspection", "title": "檢查", "unit_id": e.Unit.ID, "scheduled_at": base, "status": "completed",
				"checklist": []map[string]any{{"item": "a", "result": "pass"}, {"item": "b", "result": "na"}, {"item": "c"}}}, "checklist[2].result"},
			{"event participants", map[string]any{"kind": "outreach_event", "title": "宣導", "unit_id": e.Unit.ID, "scheduled_at": base, "status": "completed",
				"event": map[string]any{"scale": "large"}}, "event.participants"},
			{"completed in the future", procurement(e, map[string]any{"status": "completed", "completed_at": base.Add(10 * time.Minute)}), "completed_at"},
			{"no such unit", procurement(e, map[string]any{"unit_id": uuid.NewString()}), "unit_id"},
			{"bad kind", procurement(e, map[string]any{"kind": "picnic"}), "kind"},
			{"bad client id", procurement(e, map[string]any{"id": "not-a-uuid"}), "id"},
			{"no title", procurement(e, map[string]any{"title": " "}), "title"},
		} {
			r := e.Do("POST", "/api/v1/activities", off, tc.body)
			if r.Code != 422 || r.ErrorCode() != "validation_failed" {
				t.Fatalf("%s: %d %s", tc.name, r.Code, r.Body)
			}
			if _, ok := r.JSON()["error"].(map[string]any)["fields"].(map[string]any)[tc.field]; !ok {
				t.Fatalf("%s: want field %s in %s", tc.name, tc.field, r.Body)
			}
		}
		// Within the skew, a client-given completed_at is kept.
		done := base.Add(3 * time.Minute)
		got := create(t, e, off, procurement(e, map[string]any{"status": "completed", "completed_at": done}))
		if got["completed_at"] != done.Format(time.RFC3339) {
			t.Fatalf("completed_at: %v", got["completed_at"])
		}
		// Server-owned fields are not accepted from the body.
		for _, f := range []string{"owner_id", "version", "created_at", "started_at"} {
			r := e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{f: "x"}))
			if r.Code != 400 {
				t.Fatalf("%s in body: %d %s", f, r.Code, r.Body)
			}
		}
		if n := e.Count(&models.Activity{}, ""); n != 1 {
			t.Fatalf("%d activities stored, want 1", n)
		}
	})
}

func TestActivityRolesAndFlow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		path := "/api/v1/activities/" + a["id"].(string)
		// Volunteers may neither create nor read non-events; officers read all.
		if r := e.Do("POST", "/api/v1/activities", e.Tokens["volunteer"], procurement(e, nil)); r.Code != 403 {
			t.Fatalf("volunteer create: %d", r.Code)
		}
		if r := e.Do("GET", path, e.Tokens["volunteer"], nil); r.Code != 404 {
			t.Fatalf("volunteer read: %d", r.Code)
		}
		if r := e.Do("GET", path, e.Tokens["officer2"], nil); r.Code != 200 {
			t.Fatalf("officer2 read: %d", r.Code)
		}
		// Another officer may not edit or delete.
		if r := e.Do("PATCH", path, e.Tokens["officer2"], map[string]any{"version": 1, "title": "改"}); r.Code != 403 {
			t.Fatalf("officer2 patch: %d %s", r.Code, r.Body)
		}
		if r := e.Do("DELETE", path, e.Tokens["officer2"], nil); r.Code != 403 {
			t.Fatalf("officer2 delete: %d", r.Code)
		}
		// Owner starts it; a stale version is refused and changes nothing.
		r := e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"version": 1, "status": "in_progress"})
		if r.Code != 200 || r.JSON()["version"].(float64) != 2 || r.JSON()["started_at"] == nil {
			t.Fatalf("start: %d %s", r.Code, r.Body)
		}
		r = e.Do("PATCH", path, e.Tokens["manager"], map[string]any{"version": 1, "title": "舊版"})
		if r.Code != 409 || r.ErrorCode() != "version_conflict" {
			t.Fatalf("stale: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Activity{}, "title = ?", "舊版"); n != 0 {
			t.Fatal("stale patch changed the record")
		}
		if r := e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"title": "x"}); r.Code != 422 {
			t.Fatalf("no version: %d", r.Code)
		}
		// A bad transition, then completion by the manager.
		if r := e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"version": 2, "status": "planned"}); r.Code != 422 {
			t.Fatalf("in_progress → planned: %d %s", r.Code, r.Body)
		}
		at(e, base.Add(time.Hour))
		r = e.Do("PATCH", path, e.Tokens["manager"], map[string]any{"version": 2, "status": "completed"})
		if r.Code != 200 || r.JSON()["completed_at"] != base.Add(time.Hour).Format(time.RFC3339) {
			t.Fatalf("complete: %d %s", r.Code, r.Body)
		}
		// Owner reopens; completed_at goes away.
		r = e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"version": 3, "status": "in_progress"})
		if r.Code != 200 || r.JSON()["completed_at"] != nil {
			t.Fatalf("reopen: %d %s", r.Code, r.Body)
		}
		// Changing the kind needs that kind's part.
		if r := e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"version": 4, "kind": "petition"}); r.Code != 422 {
			t.Fatalf("kind change without part: %d %s", r.Code, r.Body)
		}
		// Every write left an audit event with before/after.
		if n := e.Count(&models.AuditEvent{}, "entity_type = ? AND entity_id = ?", "activity", a["id"]); n != 4 {
			t.Fatalf("%d audit events, want 4", n)
		}
		if n := e.Count(&models.AuditEvent{}, "entity_id = ? AND action = ? AND `before` LIKE ? AND `after` LIKE ?", a["id"], "activity.update",
			`%"status":"completed"%`, `%"status":"in_progress"%`); n != 1 {
			t.Fatalf("no audit event of the reopening with before/after (%d)", n)
		}
		// Soft delete: gone for everyone, row kept.
		if r := e.Do("DELETE", path, e.Tokens["officer"], nil); r.Code != 204 {
			t.Fatalf("delete: %d", r.Code)
		}
		if r := e.Do("GET", path, e.Tokens["admin"], nil); r.Code != 404 {
			t.Fatalf("read deleted: %d", r.Code)
		}
		if r := e.Do("DELETE", path, e.Tokens["officer"], nil); r.Code != 404 {
			t.Fatalf("delete twice: %d", r.Code)
		}
		if n := e.Count(&models.Activity{}, "id = ? AND deleted_at IS NOT NULL", a["id"]); n != 1 {
			t.Fatal("soft delete did not keep the row")
		}
	})
}

func TestVolunteerSeesPublishedEventsOnly(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		ev := func(kind string, published bool) map[string]any {
			return map[string]any{"kind": kind, "title": fmt.Sprintf("%s %v", kind, published), "unit_id": e.Unit.ID, "scheduled_at": base,
				"notes": "內部備註", "site": map[string]any{"name": "文化中心", "address": "嘉義市中山路", "lat": 23.48, "lng": 120.45},
				"event": map[string]any{"scale": "large", "audience": "市民", "volunteer_capacity": 5, "published": published}}
		}
		pub := create(t, e, e.Tokens["officer"], ev("outreach_event", true))
		create(t, e, e.Tokens["officer"], ev("ethics_promotion", true))
		hidden := create(t, e, e.Tokens["officer"], ev("outreach_event", false))
		create(t, e, e.Tokens["officer"], procurement(e, nil))
		r := e.Do("GET", "/api/v1/activities", e.Tokens["volunteer"], nil)
		if r.Code != 200 {
			t.Fatalf("list: %d %s", r.Code, r.Body)
		}
		items := r.JSON()["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("volunteer sees %d items: %s", len(items), r.Body)
		}
		for _, leak := range []string{"owner_id", "notes", "内部", "unit_id", "version", "lat", "participants", "scale"} {
			if strings.Contains(r.Body, leak) {
				t.Fatalf("volunteer list leaks %s: %s", leak, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/activities/"+pub["id"].(string), e.Tokens["volunteer"], nil); r.Code != 200 || strings.Contains(r.Body, "owner_id") || r.JSON()["site_name"] != "文化中心" {
			t.Fatalf("volunteer read: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/activities/"+hidden["id"].(string), e.Tokens["volunteer"], nil); r.Code != 404 {
			t.Fatalf("unpublished: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/activities/"+pub["id"].(string)+"/checkins", e.Tokens["volunteer"], nil); r.Code != 403 {
			t.Fatalf("volunteer check-ins: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/activities", e.Tokens["pending"], nil); r.Code != 403 {
			t.Fatalf("pending: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/activities", e.Tokens["manager"], nil); len(r.JSON()["items"].([]any)) != 4 {
			t.Fatalf("manager: %s", r.Body)
		}
	})
}

func TestClientIDReplay(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		id := uuid.Must(uuid.NewV7()).String()
		body := procurement(e, map[string]any{"id": id})
		r1 := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], body)
		if r1.Code != 201 || r1.JSON()["id"] != id {
			t.Fatalf("first: %d %s", r1.Code, r1.Body)
		}
		e.Clock.Advance(time.Minute)
		r2 := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], body)
		if r2.Code != 200 || r2.Body != r1.Body {
			t.Fatalf("replay: %d %s\nfirst: %s", r2.Code, r2.Body, r1.Body)
		}
		// A record completed offline without completed_at replays too, later.
		doneID := uuid.NewString()
		done := procurement(e, map[string]any{"id": doneID, "status": "completed"})
		if r := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], done); r.Code != 201 {
			t.Fatalf("completed create: %d %s", r.Code, r.Body)
		}
		e.Clock.Advance(2 * time.Minute)
		if r := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], done); r.Code != 200 {
			t.Fatalf("completed replay: %d %s", r.Code, r.Body)
		}
		e.DB.Where("id = ?", doneID).Delete(&models.Activity{})
		body["title"] = "不同內容"
		if r := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("different content: %d %s", r.Code, r.Body)
		}
		// Another officer with the same id and body is a conflict, not a read.
		body["title"] = procurement(e, nil)["title"]
		if r := e.Do("POST", "/api/v1/activities", e.Tokens["officer2"], body); r.Code != 409 {
			t.Fatalf("other owner: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Activity{}, ""); n != 1 {
			t.Fatalf("%d rows", n)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "activity.create", id); n != 1 {
			t.Fatalf("%d create audit events", n)
		}
	})
}

func TestListFiltersAndPaging(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		for i := 0; i < 7; i++ {
			b := procurement(e, map[string]any{"scheduled_at": base.Add(time.Duration(i) * time.Hour), "title": fmt.Sprintf("驗收 %d", i)})
			b["procurement"].(map[string]any)["case_no"] = fmt.Sprintf("1150301-PW-%03d", i)
			if i == 3 {
				b["title"] = "100%_完成"
			}
			tok := e.Tokens["officer"]
			if i%2 == 1 {
				tok = e.Tokens["officer2"]
			}
			create(t, e, tok, b)
			e.Clock.Advance(time.Second)
		}
		list := func(q string) (int, []any, string) {
			r := e.Do("GET", "/api/v1/activities?"+q, e.Tokens["manager"], nil)
			if r.Code != 200 {
				return r.Code, nil, ""
			}
			j := r.JSON()
			return r.Code, j["items"].([]any), j["next_cursor"].(string)
		}
		// Pages of 3 walk all 7 in order, even with a row added midway.
		var seen []string
		q := "limit=3&sort=scheduled_at"
		for page := 0; ; page++ {
			_, items, next := list(q)
			for _, it := range items {
				seen = append(seen, it.(map[string]any)["title"].(string))
			}
			if page == 0 {
				create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"scheduled_at": base.Add(-time.Hour), "title": "較早"}))
			}
			if next == "" {
				break
			}
			q = "limit=3&sort=scheduled_at&cursor=" + url.QueryEscape(next)
		}
		if len(seen) != 7 || seen[0] != "驗收 0" || seen[6] != "驗收 6" {
			t.Fatalf("pages: %v", seen)
		}
		for _, tc := range []struct {
			q    string
			want int
		}{
			{"owner_id=" + e.Users["officer2"].ID, 3},
			{"q=" + url.QueryEscape("100%_"), 1},
			{"q=" + url.QueryEscape("%"), 1},
			{"q=PW-005", 1},
			{"kind=procurement_supervision&status=planned", 8},
			{"unit_id=" + e.Unit2.ID, 0},
			{"from=" + url.QueryEscape(base.Add(2*time.Hour).Format(time.RFC3339)) + "&to=" + url.QueryEscape(base.Add(4*time.Hour).Format(time.RFC3339)), 2},
			{"updated_since=" + url.QueryEscape(base.Add(5*time.Second).Format(time.RFC3339)), 3},
			{"sort=-created_at&limit=200", 8},
		} {
			code, items, _ := list(tc.q)
			if code != 200 || len(items) != tc.want {
				t.Errorf("%s: %d, %d items, want %d", tc.q, code, len(items), tc.want)
			}
		}
		for _, bad := range []string{"sort=title", "sort=id;drop", "limit=201", "limit=0x", "color=red", "kind=picnic", "from=yesterday", "cursor=%%%", "kind=a&kind=b"} {
			if code, _, _ := list(bad); code != 400 {
				t.Errorf("%s: %d, want 400", bad, code)
			}
		}
		// A cursor of one sort is not valid for another.
		_, _, next := list("limit=1&sort=scheduled_at")
		if code, _, _ := list("sort=updated_at&cursor=" + next); code != 400 {
			t.Errorf("cursor across sorts: %d", code)
		}
		// Deleted records show up only for updated_since, marked deleted.
		_, items, _ := list("limit=1&sort=scheduled_at")
		id := items[0].(map[string]any)["id"].(string)
		e.Clock.Advance(time.Minute)
		e.Do("DELETE", "/api/v1/activities/"+id, e.Tokens["manager"], nil)
		if _, items, _ := list("sort=scheduled_at"); len(items) != 7 {
			t.Errorf("after delete: %d", len(items))
		}
		_, items, _ = list("updated_since=" + url.QueryEscape(base.Add(time.Minute).Format(time.RFC3339)))
		if len(items) != 1 || items[0].(map[string]any)["deleted_at"] == nil {
			t.Errorf("updated_since after delete: %v", items)
		}
	})
}

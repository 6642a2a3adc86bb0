package api_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
)

// setPath sets the value at a path such as "checklist[2].result" in a JSON
// document decoded into maps and slices.
func setPath(doc any, path string, v any) {
	parts := regexp.MustCompile(`[^.\[\]]+|\[\d+\]`).FindAllString(path, -1)
	cur := doc
	for i, p := range parts {
		last := i == len(parts)-1
		if strings.HasPrefix(p, "[") {
			n, _ := strconv.Atoi(strings.Trim(p, "[]"))
			s := cur.([]any)
			if last {
				s[n] = v
				return
			}
			cur = s[n]
			continue
		}
		m := cur.(map[string]any)
		if last {
			m[p] = v
			return
		}
		cur = m[p]
	}
}

// clone deep-copies a request body through JSON.
func clone(t *testing.T, body any) map[string]any {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Every typed part of an activity and the check-in body, each field given a
// value of the wrong JSON type: the 422 names exactly that field by its path
// in the request (never a Go type such as PartsDTO.procurement.budget_amount,
// always with its index), on the single endpoint and inside /sync.
func TestFieldPathsAsSent(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off := e.Tokens["officer"]
		sched := base.Add(24 * time.Hour).Format(time.RFC3339)
		site := map[string]any{"name": "文化中心", "address": "嘉義市中山路", "lat": 23.4801, "lng": 120.4491, "radius_m": 100}
		item := func(s string) map[string]any { return map[string]any{"item": s, "result": "pass", "note": "無"} }
		bodies := map[string]map[string]any{
			"procurement": procurement(e, map[string]any{"procurement": map[string]any{"case_no": "1150301-PW-012", "case_title": "道路工程", "category": "works",
				"budget_amount": 1500000, "stage": "acceptance", "deficiencies": []string{"缺失一", "缺失二"}, "corrected": false}}),
			"maintenance": {"kind": "security_maintenance", "title": "選舉安全維護", "unit_id": e.Unit.ID, "scheduled_at": sched, "site": site,
				"maintenance": map[string]any{"event_name": "投開票所", "risk_level": "high", "measures": "加強巡邏"}},
			"petition": {"kind": "petition", "title": "陳情", "unit_id": e.Unit.ID, "scheduled_at": sched,
				"petition": map[string]any{"petitioners": 30, "subject": "反對設置", "outcome": "和平離去"}},
			"checklist": {"kind": "safety_inspection", "title": "安全檢查", "unit_id": e.Unit.ID, "scheduled_at": sched,
				"checklist": []any{item("消防"), item("門禁"), item("監視器")}},
			"event": {"kind": "outreach_event", "title": "反貪宣導", "unit_id": e.Unit.ID, "scheduled_at": sched, "notes": "備註",
				"event": map[string]any{"scale": "large", "audience": "市民", "participants": 320, "volunteer_capacity": 20, "published": true}},
		}
		// Each body as given is valid: a wrong type is the only problem.
		for name, b := range bodies {
			b["site"] = site
			if r := e.Do("POST", "/api/v1/activities", off, b); r.Code != 201 {
				t.Fatalf("%s as given: %d %s", name, r.Code, r.Body)
			}
		}
		cases := []struct {
			body, path string
			wrong      any
		}{
			{"procurement", "procurement.case_no", 5},
			{"procurement", "procurement.case_title", true},
			{"procurement", "procurement.category", []any{"works"}},
			{"procurement", "procurement.budget_amount", "1500000"},
			{"procurement", "procurement.budget_amount", 1.5},
			{"procurement", "procurement.stage", 3},
			{"procurement", "procurement.deficiencies", "缺失"},
			{"procurement", "procurement.deficiencies[1]", 7},
			{"procurement", "procurement.corrected", "yes"},
			{"procurement", "procurement", "x"},
			{"maintenance", "maintenance.event_name", 1},
			{"maintenance", "maintenance.risk_level", map[string]any{"x": 1}},
			{"maintenance", "maintenance.measures", false},
			{"petition", "petition.petitioners", "30"},
			{"petition", "petition.subject", 2},
			{"petition", "petition.outcome", []any{}},
			{"checklist", "checklist", map[string]any{"item": "x"}},
			{"checklist", "checklist[0]", "消防"},
			{"checklist", "checklist[2].item", 9},
			{"checklist", "checklist[2].result", 1},
			{"checklist", "checklist[1].note", true},
			{"event", "event.scale", 1},
			{"event", "event.audience", 1},
			{"event", "event.participants", "320"},
			{"event", "event.volunteer_capacity", 2.5},
			{"event", "event.published", "true"},
			{"event", "site.name", 1},
			{"event", "site.address", false},
			{"event", "site.lat", "23.48"},
			{"event", "site.lng", true},
			{"event", "site.radius_m", "100"},
			{"event", "site", []any{}},
			{"event", "title", 5},
			{"event", "kind", 5},
			{"event", "unit_id", 5},
			{"event", "notes", 5},
			{"event", "scheduled_at", 5},
			{"event", "scheduled_at", "明天"},
			{"event", "status", 5},
			{"event", "completed_at", true},
		}
		before := e.Count(&models.Activity{}, "")
		replayed := clone(t, bodies["petition"])
		replayed["id"] = uuid.NewString()
		for _, tc := range cases {
			b := clone(t, bodies[tc.body])
			setPath(b, tc.path, tc.wrong)
			f := fieldsOf(t, e.Do("POST", "/api/v1/activities", off, b))
			if len(f) != 1 || f[tc.path] == nil {
				t.Errorf("%s = %v: fields %v", tc.path, tc.wrong, f)
			}
			b["id"] = uuid.NewString()
			r := e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []any{
				map[string]any{"op": "create_activity", "body": replayed},
				map[string]any{"op": "create_activity", "body": b}}})
			res := r.JSON()["results"].([]any)[1].(map[string]any)
			sf, _ := res["body"].(map[string]any)["error"].(map[string]any)["fields"].(map[string]any)
			if res["status"] != 422.0 || len(sf) != 1 || sf["operations[1].body."+tc.path] == nil {
				t.Errorf("sync %s = %v: %v", tc.path, tc.wrong, res)
			}
		}

		// The check-in body, and the operation's own fields.
		a := create(t, e, off, procurement(e, nil))
		good := map[string]any{"id": uuid.NewString(), "type": "arrive", "lat": 23.4801, "lng": 120.4491, "accuracy_m": 5, "captured_at": base.Format(time.RFC3339)}
		for _, tc := range []struct {
			path  string
			wrong any
		}{{"id", 5}, {"type", 1}, {"lat", "23.48"}, {"lng", []any{1}}, {"accuracy_m", "5"}, {"captured_at", 1700000000}, {"captured_at", "昨天"}} {
			b := clone(t, good)
			setPath(b, tc.path, tc.wrong)
			f := fieldsOf(t, e.Do("POST", "/api/v1/activities/"+a["id"].(string)+"/checkins", off, b))
			if len(f) != 1 || f[tc.path] == nil {
				t.Errorf("check-in %s = %v: fields %v", tc.path, tc.wrong, f)
			}
			r := e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []any{map[string]any{"op": "create_checkin", "activity_id": a["id"], "body": b}}})
			syncField(t, "sync check-in "+tc.path, r, "operations[0].body."+tc.path)
		}
		// A service's own validation is named the same way.
		bad := clone(t, good)
		bad["lat"] = 123.0
		syncField(t, "sync check-in lat range", e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []any{
			map[string]any{"op": "create_checkin", "activity_id": a["id"], "body": bad}}}), "operations[0].body.lat")
		for _, tc := range []struct {
			op    map[string]any
			field string
		}{
			{map[string]any{"op": "create_checkin", "body": good}, "operations[0].activity_id"},
			{map[string]any{"op": "update_activity", "body": map[string]any{"version": 1}}, "operations[0].id"},
			{map[string]any{"op": "fly", "body": good}, "operations[0].op"},
			{map[string]any{"op": "create_checkin", "activity_id": a["id"]}, "operations[0].body"},
		} {
			syncField(t, tc.field, e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []any{tc.op}}), tc.field)
		}
		// A wrong type in the sync request itself names its path there.
		for path, op := range map[string]map[string]any{
			"operations[1].activity_id": {"op": "create_checkin", "activity_id": 5, "body": good},
			"operations[1].id":          {"op": "update_activity", "id": true, "body": good},
			"operations[1].op":          {"op": []any{}, "body": good},
		} {
			r := e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []any{map[string]any{"op": "create_checkin", "activity_id": a["id"], "body": good}, op}})
			if f := fieldsOf(t, r); len(f) != 1 || f[path] == nil {
				t.Errorf("sync request %s: fields %v", path, f)
			}
		}
		if n := e.Count(&models.Activity{}, ""); n != before+2 {
			t.Fatalf("%d activities stored by wrong requests", n-before-2)
		}
	})
}

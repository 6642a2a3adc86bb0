package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/models/dbtest"
)

// registrationRoutes are checked role by role in TestEthicsRegistrationRoles
// (they need records of two officers); listed here for the coverage check.
var registrationRoutes = []string{
	"GET /api/v1/ethics-registrations", "POST /api/v1/ethics-registrations", "GET /api/v1/ethics-registrations/:id",
	"PATCH /api/v1/ethics-registrations/:id", "DELETE /api/v1/ethics-registrations/:id",
	"POST /api/v1/ethics-registrations/:id/attachments",
}

// regNow is 2026-11-28 10:00 in Taipei.
var regNow = time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)

const regPath = "/api/v1/ethics-registrations"

// gift is a valid gift registration of e's first unit; extra replaces keys.
func gift(e *apitest.Env, extra map[string]any) map[string]any {
	b := map[string]any{
		"type":          "gift",
		"servant":       map[string]any{"name": "王建國", "unit_id": e.Unit.ID, "title": "技正"},
		"counterparty":  map[string]any{"name": "大成營造股份有限公司", "kind": "organisation", "interested_party": true},
		"event_date":    "2026-09-22",
		"notified_date": "2026-09-23",
		"description":   "廠商於中秋節前送月餅禮盒一盒至辦公室，當事人即簽報並退還。",
		"value_ntd":     1200,
		"handling":      "returned",
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

func register(t *testing.T, e *apitest.Env, token string, body map[string]any) map[string]any {
	t.Helper()
	r := e.Do("POST", regPath, token, body)
	if r.Code != 201 {
		t.Fatalf("register: %d %s", r.Code, r.Body)
	}
	return r.JSON()
}

func TestEthicsRegistrationRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		rec := register(t, e, e.Tokens["officer"], gift(e, nil))["id"].(string)
		type route struct {
			method, path string
			body         func(n int) any
			fresh        bool     // the path needs a new record of "officer" per call
			upload       bool     // a multipart upload of a small PNG
			allowed      []string // roles that may
			refused      int      // what a signed-in staff member not allowed gets
		}
		staff := []string{"officer", "officer2", "manager", "admin"}
		owners := []string{"officer", "manager", "admin"}
		routes := []route{
			{method: "GET", path: regPath, allowed: staff},
			{method: "GET", path: regPath + "?year=2026&format=csv", allowed: staff},
			{method: "GET", path: regPath + "?roc_year=115&format=xlsx", allowed: staff},
			{method: "POST", path: regPath, allowed: staff, body: func(n int) any {
				return gift(e, map[string]any{"description": fmt.Sprintf("角色測試 %d", n)})
			}},
			{method: "GET", path: regPath + "/" + rec, allowed: staff},
			{method: "PATCH", path: regPath + "/{fresh}", fresh: true, allowed: owners, refused: 403, body: func(n int) any {
				return map[string]any{"version": 1, "description": fmt.Sprintf("更正 %d", n)}
			}},
			{method: "DELETE", path: regPath + "/{fresh}", fresh: true, allowed: owners, refused: 403},
			{method: "POST", path: regPath + "/" + rec + "/attachments", upload: true, allowed: owners, refused: 403},
		}
		n := 0
		for _, rt := range routes {
			for _, who := range []string{"", "pending", "volunteer", "officer", "officer2", "manager", "admin"} {
				n++
				path := rt.path
				if rt.fresh {
					path = strings.ReplaceAll(path, "{fresh}", register(t, e, e.Tokens["officer"], gift(e, map[string]any{"description": fmt.Sprintf("新登錄 %d", n)}))["id"].(string))
				}
				var body any
				if rt.body != nil {
					body = rt.body(n)
				}
				var r *apitest.Response
				if rt.upload {
					r = upload(t, e, path, e.Tokens[who], "file", "gift.png", append([]byte("\x89PNG\r\n\x1a\n"), byte(n), 1, 2, 3))
				} else {
					r = e.Do(rt.method, path, e.Tokens[who], body)
				}
				allowed := contains(rt.allowed, who)
				switch {
				case who == "":
					if r.Code != 401 {
						t.Errorf("%s %s anonymous: %d", rt.method, rt.path, r.Code)
					}
				case !allowed:
					want := 403
					if rt.refused != 0 {
						want = rt.refused
					}
					if r.Code != want {
						t.Errorf("%s %s as %s: %d, want %d: %s", rt.method, rt.path, who, r.Code, want, r.Body)
					}
					if strings.Contains(r.Body, "王建國") {
						t.Errorf("%s %s as %s leaked a name", rt.method, rt.path, who)
					}
				case r.Code >= 400:
					t.Errorf("%s %s as %s: %d %s", rt.method, rt.path, who, r.Code, r.Body)
				}
			}
		}
		// Refused callers left no read in the audit trail.
		for _, who := range []string{"volunteer", "pending"} {
			if k := e.Count(&models.AuditEvent{}, "entity_type = ? AND actor_id = ?", "ethics_registration", e.Users[who].ID); k != 0 {
				t.Errorf("%s: %d audit events", who, k)
			}
		}
	})
}

func TestEthicsRegistrationValidation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		servant := func(k string, v any) map[string]any {
			s := map[string]any{"name": "王建國", "unit_id": e.Unit.ID, "title": "技正"}
			s[k] = v
			return s
		}
		party := func(k string, v any) map[string]any {
			s := map[string]any{"name": "大成營造股份有限公司", "kind": "organisation", "interested_party": true}
			if v == nil {
				delete(s, k)
			} else {
				s[k] = v
			}
			return s
		}
		for _, tc := range []struct {
			name  string
			body  any
			field string
		}{
			{"unknown type", gift(e, map[string]any{"type": "bribe"}), "type"},
			{"event in the future", gift(e, map[string]any{"event_date": "2026-11-29", "notified_date": "2026-11-29"}), "event_date"},
			{"notified in the future", gift(e, map[string]any{"notified_date": "2026-11-29"}), "notified_date"},
			{"notified before the event", gift(e, map[string]any{"event_date": "2026-09-22", "notified_date": "2026-09-21"}), "notified_date"},
			{"before 1912", gift(e, map[string]any{"event_date": "1911-12-31"}), "event_date"},
			{"not a date", gift(e, map[string]any{"event_date": "115/09/22"}), "event_date"},
			{"date of a wrong type", gift(e, map[string]any{"event_date": 20260922}), "event_date"},
			{"negative value", gift(e, map[string]any{"value_ntd": -1}), "value_ntd"},
			{"absurd value", gift(e, map[string]any{"value_ntd": 100000001}), "value_ntd"},
			{"value beyond int64", `{"type":"gift","value_ntd":1e30}`, "value_ntd"},
			{"fractional value", gift(e, map[string]any{"value_ntd": 12.5}), "value_ntd"},
			{"gift without value", gift(e, map[string]any{"value_ntd": nil}), "value_ntd"},
			{"lobbying with value", gift(e, map[string]any{"type": "lobbying", "handling": "reported_to_superior_only"}), "value_ntd"},
			{"unknown handling", gift(e, map[string]any{"handling": "kept"}), "handling"},
			{"other handling without note", gift(e, map[string]any{"handling": "other"}), "handling_note"},
			{"counterparty without name", gift(e, map[string]any{"counterparty": party("name", "")}), "counterparty.name"},
			{"counterparty name missing", gift(e, map[string]any{"counterparty": party("name", nil)}), "counterparty.name"},
			{"counterparty kind", gift(e, map[string]any{"counterparty": party("kind", "firm")}), "counterparty.kind"},
			{"interested party unanswered", gift(e, map[string]any{"counterparty": party("interested_party", nil)}), "counterparty.interested_party"},
			{"no counterparty", gift(e, map[string]any{"counterparty": nil}), "counterparty.name"},
			{"servant unit unknown", gift(e, map[string]any{"servant": servant("unit_id", uuid.NewString())}), "servant.unit_id"},
			{"servant name too long", gift(e, map[string]any{"servant": servant("name", strings.Repeat("王", 51))}), "servant.name"},
			{"servant title control", gift(e, map[string]any{"servant": servant("title", "技\u0007正")}), "servant.title"},
			{"description too long", gift(e, map[string]any{"description": strings.Repeat("字", 2001)}), "description"},
			{"bad id", gift(e, map[string]any{"id": "not-a-uuid"}), "id"},
		} {
			r := e.Do("POST", regPath, e.Tokens["officer"], tc.body)
			if r.Code != 422 {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
				continue
			}
			var env struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			r.Decode(&env)
			if _, ok := env.Error.Fields[tc.field]; !ok {
				t.Errorf("%s: fields %v, want %s", tc.name, env.Error.Fields, tc.field)
			}
		}
		if r := e.Do("POST", regPath, e.Tokens["officer"], gift(e, map[string]any{"extra": 1})); r.Code != 400 {
			t.Errorf("unknown field: %d %s", r.Code, r.Body)
		}
		if k := e.Count(&models.EthicsRegistration{}, ""); k != 0 {
			t.Fatalf("%d rows stored from bad input", k)
		}
		if k := e.Count(&models.AuditEvent{}, "action = ?", "ethics_registration.create"); k != 0 {
			t.Fatalf("%d create events from bad input", k)
		}
		// The bounds hold: the largest value, the first day of ROC year 1.
		ok := register(t, e, e.Tokens["officer"], gift(e, map[string]any{"value_ntd": 100000000, "event_date": "1912-01-01", "notified_date": "1912-01-01"}))
		if ok["value_ntd"] != float64(100000000) {
			t.Fatalf("bound: %v", ok)
		}
	})
}

// TestEthicsRegistrationLateDays checks the 3-day rule at its edges, in
// Taipei calendar days.
func TestEthicsRegistrationLateDays(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		for _, tc := range []struct {
			notified string
			late     bool
			days     float64
		}{
			{"2026-03-04", false, 3},
			{"2026-03-05", true, 4},
			{"2026-03-04T23:59:00+08:00", false, 3},
			{"2026-03-04T15:59:59Z", false, 3}, // 23:59:59 in Taipei
			{"2026-03-04T16:00:00Z", true, 4},  // 00:00 on 03-05 in Taipei, 03-04 in UTC
		} {
			r := register(t, e, e.Tokens["officer"], gift(e, map[string]any{"event_date": "2026-03-01", "notified_date": tc.notified}))
			if r["late"] != tc.late || r["days_to_notify"] != tc.days {
				t.Errorf("notified %s: late %v, days %v; want %v, %v", tc.notified, r["late"], r["days_to_notify"], tc.late, tc.days)
			}
		}
		// "Not in the future" is the Taipei day: at 23:30 on 03-04 in Taipei
		// 03-05 is tomorrow; half an hour past midnight it is today, while
		// UTC is still on 03-04.
		at(e, time.Date(2026, 3, 4, 15, 30, 0, 0, time.UTC))
		if r := e.Do("POST", regPath, e.Tokens["officer"], gift(e, map[string]any{"event_date": "2026-03-01", "notified_date": "2026-03-05"})); r.Code != 422 {
			t.Fatalf("03-05 at 23:30 Taipei: %d %s", r.Code, r.Body)
		}
		at(e, time.Date(2026, 3, 4, 16, 30, 0, 0, time.UTC))
		r := register(t, e, e.Tokens["officer"], gift(e, map[string]any{"event_date": "2026-03-01", "notified_date": "2026-03-05"}))
		if r["late"] != true {
			t.Fatalf("after midnight: %v", r)
		}
	})
}

func TestEthicsRegistrationReplay(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		id := uuid.NewString()
		body := gift(e, map[string]any{"id": id})
		r1 := e.Do("POST", regPath, e.Tokens["officer"], body)
		if r1.Code != 201 || r1.JSON()["id"] != id {
			t.Fatalf("first: %d %s", r1.Code, r1.Body)
		}
		e.Clock.Advance(time.Minute)
		r2 := e.Do("POST", regPath, e.Tokens["officer"], body)
		if r2.Code != 200 || r2.Body != r1.Body {
			t.Fatalf("replay: %d %s\nfirst: %s", r2.Code, r2.Body, r1.Body)
		}
		// A date sent as the Taipei time of the same day is the same content.
		same := gift(e, map[string]any{"id": id, "notified_date": "2026-09-23T09:00:00+08:00"})
		if r := e.Do("POST", regPath, e.Tokens["officer"], same); r.Code != 200 {
			t.Fatalf("replay with a time: %d %s", r.Code, r.Body)
		}
		body["value_ntd"] = 1500
		if r := e.Do("POST", regPath, e.Tokens["officer"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("different content: %d %s", r.Code, r.Body)
		}
		body["value_ntd"] = 1200
		if r := e.Do("POST", regPath, e.Tokens["officer2"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("other officer: %d %s", r.Code, r.Body)
		}
		if k := e.Count(&models.EthicsRegistration{}, ""); k != 1 {
			t.Fatalf("%d rows", k)
		}
		if k := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "ethics_registration.create", id); k != 1 {
			t.Fatalf("%d create events", k)
		}
		// A deleted record's id stays spent.
		if r := e.Do("DELETE", regPath+"/"+id, e.Tokens["officer"], nil); r.Code != 204 {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", regPath, e.Tokens["officer"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("replay after delete: %d %s", r.Code, r.Body)
		}
	})
}

// TestEthicsRegistrationConcurrentCreates fires identical creates with one
// client id at two servers on one database at once: exactly one record.
func TestEthicsRegistrationConcurrentCreates(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			e1 := apitest.New(t, drv)
			e2 := apitest.NewOnDB(t, drv, e1.DB, false)
			e2.Tokens, e2.Users, e2.Unit, e2.Unit2 = e1.Tokens, e1.Users, e1.Unit, e1.Unit2
			id := uuid.NewString()
			body := gift(e1, map[string]any{"id": id})
			const n = 20
			codes := make([]int, n)
			var wg sync.WaitGroup
			envs := []*apitest.Env{e1, e2}
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					codes[i] = envs[i%2].Do("POST", regPath, e1.Tokens["officer"], body).Code
				}(i)
			}
			wg.Wait()
			count := map[int]int{}
			for _, c := range codes {
				count[c]++
			}
			if count[201] != 1 || count[200] != n-1 {
				t.Fatalf("codes: %v", count)
			}
			if k := e1.Count(&models.EthicsRegistration{}, "id = ?", id); k != 1 {
				t.Fatalf("%d rows", k)
			}
			if k := e1.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "ethics_registration.create", id); k != 1 {
				t.Fatalf("%d audit events", k)
			}
		})
	}
}

func TestEthicsRegistrationUpdateDelete(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		id := register(t, e, e.Tokens["officer"], gift(e, nil))["id"].(string)
		path := regPath + "/" + id
		// To lobbying: the value must go, and the handling with it.
		if r := e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"version": 1, "type": "lobbying"}); r.Code != 422 || !strings.Contains(r.Body, "value_ntd") {
			t.Fatalf("lobbying with a value: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"version": 1, "value_ntd": 5, "clear_value_ntd": true}); r.Code != 422 {
			t.Fatalf("value and clear: %d %s", r.Code, r.Body)
		}
		change := map[string]any{"version": 1, "type": "lobbying", "clear_value_ntd": true, "handling": "reported_to_superior_only",
			"description": "議員服務處來電請託，希望加速核發使用執照，當事人婉拒並簽報。", "notified_date": "2026-09-28"}
		r := e.Do("PATCH", path, e.Tokens["officer"], change)
		if r.Code != 200 {
			t.Fatalf("patch: %d %s", r.Code, r.Body)
		}
		got := r.JSON()
		if got["version"] != float64(2) || got["value_ntd"] != nil || got["late"] != true || got["days_to_notify"] != float64(6) {
			t.Fatalf("patched: %v", got)
		}
		// The same patch again changes nothing and answers the record.
		if r := e.Do("PATCH", path, e.Tokens["officer"], change); r.Code != 200 || r.JSON()["version"] != float64(2) {
			t.Fatalf("replayed patch: %d %s", r.Code, r.Body)
		}
		// A stale version of a real change is refused; nothing changes.
		if r := e.Do("PATCH", path, e.Tokens["manager"], map[string]any{"version": 1, "notified_date": "2026-09-23"}); r.Code != 409 || r.ErrorCode() != "version_conflict" {
			t.Fatalf("stale: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", path, e.Tokens["officer2"], map[string]any{"version": 2, "description": "他人修改"}); r.Code != 403 {
			t.Fatalf("other officer: %d %s", r.Code, r.Body)
		}
		var row models.EthicsRegistration
		e.DB.Where("id = ?", id).Take(&row)
		if row.Version != 2 || !row.Late || row.ValueNTD != nil {
			t.Fatalf("stored: %+v", row)
		}
		var ev models.AuditEvent
		if err := e.DB.Where("action = ? AND entity_id = ?", "ethics_registration.update", id).Take(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if ev.ActorID != e.Users["officer"].ID || !strings.Contains(ev.Before, `"value_ntd":1200`) || !strings.Contains(ev.After, `"late":true`) {
			t.Fatalf("update event: %+v", ev)
		}
		if k := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "ethics_registration.update", id); k != 1 {
			t.Fatalf("%d update events", k)
		}
		// A manager may change any; a bad field names its path, nothing stored.
		if r := e.Do("PATCH", path, e.Tokens["manager"], map[string]any{"version": 2, "counterparty": map[string]any{"name": "", "kind": "person", "interested_party": false}}); r.Code != 422 || !strings.Contains(r.Body, "counterparty.name") {
			t.Fatalf("bad patch: %d %s", r.Code, r.Body)
		}
		if r := e.Do("DELETE", path, e.Tokens["officer2"], nil); r.Code != 403 {
			t.Fatalf("other officer deletes: %d %s", r.Code, r.Body)
		}
		if r := e.Do("DELETE", path, e.Tokens["manager"], nil); r.Code != 204 {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", path, e.Tokens["manager"], nil); r.Code != 404 {
			t.Fatalf("read deleted: %d %s", r.Code, r.Body)
		}
		if r := e.Do("DELETE", path, e.Tokens["manager"], nil); r.Code != 404 {
			t.Fatalf("delete again: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", regPath, e.Tokens["manager"], nil); r.Code != 200 || len(r.JSON()["items"].([]any)) != 0 {
			t.Fatalf("list after delete: %d %s", r.Code, r.Body)
		}
		if k := e.Count(&models.EthicsRegistration{}, "id = ? AND deleted_at IS NOT NULL", id); k != 1 {
			t.Fatalf("soft delete kept %d rows", k)
		}
		if k := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ? AND actor_id = ?", "ethics_registration.delete", id, e.Users["manager"].ID); k != 1 {
			t.Fatalf("%d delete events", k)
		}
	})
}

func TestEthicsRegistrationListAndReadAudit(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		tok := e.Tokens["officer"]
		mk := func(extra map[string]any) string { return register(t, e, tok, gift(e, extra))["id"].(string) }
		mk(map[string]any{"event_date": "2025-12-31", "notified_date": "2026-01-02"})                                // 2025, on time
		late := mk(map[string]any{"event_date": "2026-01-05", "notified_date": "2026-01-12"})                        // late
		school := mk(map[string]any{"servant": map[string]any{"name": "郭老師", "unit_id": e.Unit2.ID, "title": "教師"}}) // other unit
		lob := mk(map[string]any{"type": "lobbying", "value_ntd": nil, "handling": "reported_to_superior_only", "event_date": "2026-05-01", "notified_date": "2026-05-02"})
		hosp := mk(map[string]any{"type": "hospitality", "handling": "paid", "event_date": "2026-07-10", "notified_date": "2026-07-10"})
		ids := func(path string) []string {
			t.Helper()
			r := e.Do("GET", path, e.Tokens["manager"], nil)
			if r.Code != 200 {
				t.Fatalf("%s: %d %s", path, r.Code, r.Body)
			}
			var out []string
			for _, it := range r.JSON()["items"].([]any) {
				out = append(out, it.(map[string]any)["id"].(string))
			}
			return out
		}
		for _, tc := range []struct {
			query string
			want  []string // nil: only the count matters
			n     int
		}{
			{"", nil, 5},
			{"?year=2026", nil, 4},
			{"?roc_year=114", nil, 1},
			{"?late=true", []string{late}, 1},
			{"?late=false", nil, 4},
			{"?type=lobbying", []string{lob}, 1},
			{"?unit_id=" + e.Unit2.ID, []string{school}, 1},
			{"?year=2026&type=gift&late=true", []string{late}, 1},
		} {
			got := ids(regPath + tc.query)
			if len(got) != tc.n || (tc.want != nil && strings.Join(got, ",") != strings.Join(tc.want, ",")) {
				t.Errorf("%s: %v, want %d %v", tc.query, got, tc.n, tc.want)
			}
		}
		// Pages of 2, newest event first, every record once.
		seen := map[string]bool{}
		var dates []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			r := e.Do("GET", regPath+"?limit=2&cursor="+url.QueryEscape(cursor), e.Tokens["officer2"], nil)
			if r.Code != 200 {
				t.Fatalf("page: %d %s", r.Code, r.Body)
			}
			body := r.JSON()
			for _, it := range body["items"].([]any) {
				m := it.(map[string]any)
				if seen[m["id"].(string)] {
					t.Fatalf("%s twice", m["id"])
				}
				seen[m["id"].(string)] = true
				dates = append(dates, m["event_date"].(string))
			}
			if cursor = body["next_cursor"].(string); cursor == "" {
				break
			}
		}
		if len(seen) != 5 || dates[0] < dates[len(dates)-1] {
			t.Fatalf("pages: %d records, dates %v", len(seen), dates)
		}
		for _, tc := range []struct {
			query string
			code  int
		}{
			{"?type=bribe", 400}, {"?late=maybe", 400}, {"?year=2026&roc_year=115", 400}, {"?year=abc", 400},
			{"?year=1900", 422}, {"?roc_year=-10", 422}, {"?year=2029", 422}, {"?sort=value", 400}, {"?limit=500", 400},
			{"?format=pdf", 400}, {"?format=csv&limit=10", 400},
		} {
			if r := e.Do("GET", regPath+tc.query, e.Tokens["manager"], nil); r.Code != tc.code {
				t.Errorf("%s: %d %s", tc.query, r.Code, r.Body)
			}
		}
		// An officer's own list: owner_id selects who registered it.
		theirs := register(t, e, e.Tokens["officer2"], gift(e, nil))["id"].(string)
		if got := ids(regPath + "?owner_id=" + e.Users["officer2"].ID); strings.Join(got, ",") != theirs {
			t.Errorf("owner_id officer2: %v, want %s", got, theirs)
		}
		if got := ids(regPath + "?owner_id=" + e.Users["officer"].ID + "&type=hospitality"); strings.Join(got, ",") != hosp {
			t.Errorf("owner_id officer, hospitality: %v, want %s", got, hosp)
		}
		if got := ids(regPath + "?owner_id=" + e.Users["officer"].ID); len(got) != 5 {
			t.Errorf("owner_id officer: %d, want 5", len(got))
		}
		// Every read is audited with its reader: the list with the ids it
		// showed, the single record by id.
		var ev models.AuditEvent
		if err := e.DB.Where("action = ? AND actor_id = ?", "ethics_registrations.read", e.Users["officer2"].ID).Order("at").Take(&ev).Error; err != nil {
			t.Fatalf("list read not audited: %v", err)
		}
		if !strings.Contains(ev.After, `"count":2`) || !strings.Contains(ev.After, `"ids":[`) {
			t.Fatalf("list read event: %s", ev.After)
		}
		if r := e.Do("GET", regPath+"/"+late, e.Tokens["officer2"], nil); r.Code != 200 || r.JSON()["servant"].(map[string]any)["unit_name"] != e.Unit.Name {
			t.Fatalf("get: %d %s", r.Code, r.Body)
		}
		if k := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ? AND actor_id = ?", "ethics_registration.read", late, e.Users["officer2"].ID); k != 1 {
			t.Fatalf("%d single reads audited", k)
		}
		if r := e.Do("GET", regPath+"/"+uuid.NewString(), e.Tokens["manager"], nil); r.Code != 404 {
			t.Fatalf("unknown id: %d", r.Code)
		}
	})
}

func TestEthicsRegistrationExports(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		tok := e.Tokens["officer"]
		register(t, e, tok, gift(e, map[string]any{"value_ntd": 1234567, "event_date": "2026-02-10", "notified_date": "2026-02-20"}))
		register(t, e, tok, gift(e, map[string]any{"type": "lobbying", "value_ntd": nil, "handling": "reported_to_superior_only",
			"counterparty": map[string]any{"name": "=HYPERLINK(\"http://x.example\",\"點我\")", "kind": "person", "interested_party": false},
			"event_date":   "2026-04-01", "notified_date": "2026-04-01"}))
		register(t, e, tok, gift(e, map[string]any{"event_date": "2025-06-01", "notified_date": "2025-06-02"}))

		r := e.Do("GET", regPath+"?year=2026&format=csv", e.Tokens["manager"], nil)
		if r.Code != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "2026.csv") {
			t.Fatalf("csv: %d %v", r.Code, r.Header)
		}
		if !strings.HasPrefix(r.Body, "\uFEFF") {
			t.Fatal("csv without BOM")
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 {
			t.Fatalf("csv rows: %d", len(recs))
		}
		head := strings.Join(recs[0], ",")
		if head != "序號,類別,當事人姓名,服務機關,職稱,對象,對象類別,職務上利害關係,事件日期,知會日期,相隔日數,逾期知會,金額（新臺幣元）,處理方式,處理說明,事由摘要,登錄時間,登錄編號" {
			t.Fatalf("csv header: %s", head)
		}
		g, l := recs[1], recs[2] // oldest first
		if g[1] != "受贈財物" || g[3] != e.Unit.Name || g[7] != "是" || g[10] != "10" || g[11] != "是" || g[12] != "1234567" || g[13] != "退還" {
			t.Fatalf("gift row: %q", g)
		}
		if l[1] != "請託關說" || l[5] != `'=HYPERLINK("http://x.example","點我")` || l[6] != "個人" || l[12] != "" || l[13] != "簽報長官知悉" {
			t.Fatalf("lobbying row: %q", l)
		}
		var ev models.AuditEvent
		if err := e.DB.Where("action = ? AND actor_id = ?", "ethics_registrations.export", e.Users["manager"].ID).Take(&ev).Error; err != nil {
			t.Fatalf("export not audited: %v", err)
		}
		if !strings.Contains(ev.After, `"format":"csv"`) || !strings.Contains(ev.After, `"count":2`) {
			t.Fatalf("export event: %s", ev.After)
		}

		r = e.Do("GET", regPath+"?roc_year=115&format=xlsx", e.Tokens["officer2"], nil)
		if r.Code != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %v", r.Code, r.Header)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = f.Close() }()
		sheet := f.GetSheetName(0)
		title, _ := f.GetCellValue(sheet, "A1")
		if title != "嘉義市政府政風處 115年度公務員廉政倫理規範登錄案件" {
			t.Fatalf("title: %q", title)
		}
		if sub, _ := f.GetCellValue(sheet, "A2"); !strings.Contains(sub, "共 2 件") || !strings.Contains(sub, "逾期知會 1 件") {
			t.Fatalf("subtitle: %q", sub)
		}
		rows, _ := f.GetRows(sheet)
		if len(rows) != 5 || strings.Join(rows[2], ",") != head {
			t.Fatalf("xlsx rows: %d %q", len(rows), rows)
		}
		if v, _ := f.GetCellValue(sheet, "M4"); v != "1,234,567" {
			t.Fatalf("NT$ cell shows %q", v)
		}
		if raw, _ := f.GetCellValue(sheet, "M4", excelize.Options{RawCellValue: true}); raw != "1234567" {
			t.Fatalf("NT$ cell holds %q", raw)
		}
		if ty, _ := f.GetCellType(sheet, "M4"); ty == excelize.CellTypeSharedString || ty == excelize.CellTypeInlineString {
			t.Fatal("NT$ cell is text")
		}
		st, _ := f.GetCellStyle(sheet, "C3")
		style, _ := f.GetStyle(st)
		if style == nil || style.Font == nil || !style.Font.Bold {
			t.Fatal("header is not bold")
		}
		panes, _ := f.GetPanes(sheet)
		if !panes.Freeze || panes.YSplit != 3 {
			t.Fatalf("panes: %+v", panes)
		}
		layout, _ := f.GetPageLayout(sheet)
		if layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" {
			t.Fatalf("page layout: %+v", layout)
		}
		// Widths fitted: the description is wider than the serial number.
		wDesc, _ := f.GetColWidth(sheet, "P")
		wNo, _ := f.GetColWidth(sheet, "A")
		if wDesc <= wNo || wDesc > 40 {
			t.Fatalf("widths: description %v, serial %v", wDesc, wNo)
		}
		// A long header wraps instead of widening a column of 是/否.
		if w, _ := f.GetColWidth(sheet, "H"); w > 10 {
			t.Fatalf("職務上利害關係 column is %v wide", w)
		}
		// The record id is in the sheet but off the printed page.
		area := ""
		for _, dn := range f.GetDefinedName() {
			if dn.Name == "_xlnm.Print_Area" {
				area = dn.RefersTo
			}
		}
		if !strings.HasSuffix(area, "$Q$5") {
			t.Fatalf("print area %q", area)
		}
	})
}

func TestEthicsRegistrationAttachments(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		reg := register(t, e, e.Tokens["officer"], gift(e, nil))["id"].(string)
		other := register(t, e, e.Tokens["officer"], gift(e, map[string]any{"description": "另一筆登錄"}))["id"].(string)
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
		path := regPath + "/" + reg + "/attachments"
		id := uuid.NewString()
		send := func(path, token string, content []byte) *apitest.Response {
			buf, ct := multipartBody(t, "file", "退還禮盒.png", content)
			return e.DoWith("POST", path, token, buf.Bytes(), map[string]string{"Content-Type": ct, "Idempotency-Key": id})
		}
		r := send(path, e.Tokens["officer"], png)
		if r.Code != 201 || r.JSON()["registration_id"] != reg || r.JSON()["activity_id"] != "" || r.JSON()["filename"] != "退還禮盒.png" {
			t.Fatalf("upload: %d %s", r.Code, r.Body)
		}
		if r2 := send(path, e.Tokens["officer"], png); r2.Code != 200 || r2.Body != r.Body {
			t.Fatalf("resend: %d %s", r2.Code, r2.Body)
		}
		if r := send(regPath+"/"+other+"/attachments", e.Tokens["officer"], png); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("same id, other registration: %d %s", r.Code, r.Body)
		}
		// An activity's file id cannot be reused for a registration either.
		act := create(t, e, e.Tokens["officer"], procurement(e, nil))["id"].(string)
		if r := send("/api/v1/activities/"+act+"/attachments", e.Tokens["officer"], png); r.Code != 409 {
			t.Fatalf("same id on an activity: %d %s", r.Code, r.Body)
		}
		if r := upload(t, e, path, e.Tokens["officer2"], "file", "x.png", png); r.Code != 403 {
			t.Fatalf("other officer: %d %s", r.Code, r.Body)
		}
		e.Clock.Advance(time.Minute)
		if r := upload(t, e, path, e.Tokens["manager"], "file", "簽呈.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n")); r.Code != 201 {
			t.Fatalf("manager: %d %s", r.Code, r.Body)
		}
		if r := upload(t, e, path, e.Tokens["officer"], "file", "x.html", []byte("<html><script>alert(1)</script>")); r.Code != 415 {
			t.Fatalf("html: %d %s", r.Code, r.Body)
		}
		if r := upload(t, e, regPath+"/"+uuid.NewString()+"/attachments", e.Tokens["manager"], "file", "x.png", png); r.Code != 404 {
			t.Fatalf("no registration: %d %s", r.Code, r.Body)
		}
		if k := e.Count(&models.Attachment{}, "registration_id = ?", reg); k != 2 {
			t.Fatalf("%d files stored", k)
		}
		g := e.Do("GET", regPath+"/"+reg, e.Tokens["officer2"], nil)
		files, _ := g.JSON()["attachments"].([]any)
		if g.Code != 200 || len(files) != 2 || files[0].(map[string]any)["id"] != id {
			t.Fatalf("get lists files: %d %s", g.Code, g.Body)
		}
		d := e.Do("GET", "/api/v1/attachments/"+id, e.Tokens["officer2"], nil)
		if d.Code != 200 || d.Body != string(png) || d.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("download: %d %v", d.Code, d.Header)
		}
		if k := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ? AND actor_id = ?", "ethics_registration.file_read", reg, e.Users["officer2"].ID); k != 1 {
			t.Fatalf("%d file reads audited", k)
		}
		if d := e.Do("GET", "/api/v1/attachments/"+id, e.Tokens["volunteer"], nil); d.Code != 404 {
			t.Fatalf("volunteer download: %d", d.Code)
		}
		if k := e.Count(&models.AuditEvent{}, "actor_id = ? AND entity_type = ?", e.Users["volunteer"].ID, "ethics_registration"); k != 0 {
			t.Fatalf("volunteer left %d events", k)
		}
		if r := e.Do("DELETE", regPath+"/"+reg, e.Tokens["officer"], nil); r.Code != 204 {
			t.Fatalf("delete: %d", r.Code)
		}
		if d := e.Do("GET", "/api/v1/attachments/"+id, e.Tokens["manager"], nil); d.Code != 404 {
			t.Fatalf("file of a deleted registration: %d", d.Code)
		}
	})
}

package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// outreach is an outreach event at the test site (23.4801, 120.4491, 100 m).
func outreach(e *apitest.Env, at time.Time, capacity int, published bool) map[string]any {
	return map[string]any{
		"kind": "outreach_event", "title": fmt.Sprintf("反貪宣導 %s", at.Format(time.RFC3339)), "unit_id": e.Unit.ID,
		"scheduled_at": at.Format(time.RFC3339), "notes": "內部備註",
		"site":  map[string]any{"name": "文化中心", "address": "嘉義市中山路", "lat": 23.4801, "lng": 120.4491, "radius_m": 100},
		"event": map[string]any{"scale": "regular", "audience": "市民", "volunteer_capacity": capacity, "published": published},
	}
}

// newVolunteer makes an approved volunteer through the service and signs in.
func newVolunteer(t testing.TB, e *apitest.Env, name string) (models.User, string) {
	t.Helper()
	u, err := e.Svc.Users.Create(t.Context(), services.Actor{Role: models.RoleAdmin}, services.NewUser{
		Username: name, Password: apitest.Password, DisplayName: "志工 " + name, Role: models.RoleVolunteer,
		Status: models.StatusActive, Phone: "0912-345-678", Email: name + "@example.org",
	})
	if err != nil {
		t.Fatal(err)
	}
	return u, e.Login(name, apitest.Password)
}

func listed(t *testing.T, e *apitest.Env, token, id string) map[string]any {
	t.Helper()
	r := e.Do("GET", "/api/v1/activities", token, nil)
	if r.Code != 200 {
		t.Fatalf("list: %d %s", r.Code, r.Body)
	}
	for _, it := range r.JSON()["items"].([]any) {
		if m := it.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

func participation(t *testing.T, e *apitest.Env, token string, year int) map[string]any {
	t.Helper()
	r := e.Do("GET", fmt.Sprintf("/api/v1/volunteers/me/participation?year=%d", year), token, nil)
	if r.Code != 200 {
		t.Fatalf("participation: %d %s", r.Code, r.Body)
	}
	return r.JSON()
}

func itemOf(j map[string]any, activityID string) map[string]any {
	for _, it := range j["items"].([]any) {
		if m := it.(map[string]any); m["activity_id"] == activityID {
			return m
		}
	}
	return nil
}

func TestSignups(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		v, v2 := e.Tokens["volunteer"], e.Tokens["volunteer2"]
		_, v3 := newVolunteer(t, e, "volunteer3")
		ev := create(t, e, e.Tokens["officer"], outreach(e, base.Add(48*time.Hour), 2, true))
		id := ev["id"].(string)
		signups := "/api/v1/activities/" + id + "/signups"

		// The volunteers' view: places, nothing internal.
		got := listed(t, e, v, id)
		evt, _ := got["event"].(map[string]any)
		if evt == nil || evt["volunteer_capacity"] != 2.0 || evt["free_places"] != 2.0 || got["signed_up"] != false {
			t.Fatalf("volunteer view: %v", got)
		}
		r1 := e.Do("POST", signups, v, nil)
		r2 := e.Do("POST", signups, v, nil)
		if r1.Code != 201 || r2.Code != 200 || r1.JSON()["id"] != r2.JSON()["id"] || r1.JSON()["status"] != "active" {
			t.Fatalf("sign up twice: %d %d %s", r1.Code, r2.Code, r2.Body)
		}
		got = listed(t, e, v, id)
		if got["event"].(map[string]any)["free_places"] != 1.0 || got["signed_up"] != true {
			t.Fatalf("after sign-up: %v", got)
		}
		if r := e.Do("GET", "/api/v1/activities/"+id, v, nil); r.Code != 200 || r.JSON()["signed_up"] != true || strings.Contains(r.Body, "內部") {
			t.Fatalf("get: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", signups, v2, nil); r.Code != 201 {
			t.Fatalf("volunteer2: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", signups, v3, nil); r.Code != 409 || r.ErrorCode() != "capacity_full" {
			t.Fatalf("third: %d %s", r.Code, r.Body)
		}
		// Cancel (idempotent) frees a place.
		for i := 0; i < 2; i++ {
			if r := e.Do("DELETE", signups+"/me", v2, nil); r.Code != 204 {
				t.Fatalf("cancel %d: %d %s", i, r.Code, r.Body)
			}
		}
		if r := e.Do("DELETE", signups+"/me", v3, nil); r.Code != 204 {
			t.Fatalf("cancel without sign-up: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", signups, v3, nil); r.Code != 201 {
			t.Fatalf("third after cancel: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Signup{}, "activity_id = ? AND status = ?", id, "active"); n != 2 {
			t.Fatalf("%d active sign-ups", n)
		}
		if n := e.Count(&models.AuditEvent{}, "action IN ?", []string{"signup.create", "signup.cancel"}); n != 4 {
			t.Fatalf("%d sign-up audit events", n)
		}
		// Signing up again after cancelling reuses the row.
		if r := e.Do("POST", signups, v2, nil); r.Code != 409 || r.ErrorCode() != "capacity_full" {
			t.Fatalf("volunteer2 again, full: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Signup{}, "activity_id = ?", id); n != 3 {
			t.Fatalf("%d sign-up rows", n)
		}

		// Lowering capacity below the active sign-ups is refused; to 2 is fine.
		patch := func(body map[string]any) *apitest.Response {
			cur := e.Do("GET", "/api/v1/activities/"+id, e.Tokens["officer"], nil).JSON()
			body["version"] = cur["version"]
			return e.Do("PATCH", "/api/v1/activities/"+id, e.Tokens["officer"], body)
		}
		evPart := func(capacity int, published bool) map[string]any {
			return map[string]any{"scale": "regular", "audience": "市民", "volunteer_capacity": capacity, "published": published}
		}
		if r := patch(map[string]any{"event": evPart(1, true)}); r.Code != 422 || !strings.Contains(r.Body, "event.volunteer_capacity") {
			t.Fatalf("lower capacity: %d %s", r.Code, r.Body)
		}
		if r := patch(map[string]any{"event": evPart(3, true)}); r.Code != 200 {
			t.Fatalf("raise capacity: %d %s", r.Code, r.Body)
		}

		// Who may sign up: approved volunteers only; published outreach events only.
		for _, who := range []string{"officer", "manager", "admin", "pending"} {
			if r := e.Do("POST", signups, e.Tokens[who], nil); r.Code != 403 {
				t.Errorf("%s signs up: %d", who, r.Code)
			}
		}
		hidden := create(t, e, e.Tokens["officer"], outreach(e, base.Add(48*time.Hour), 5, false))
		promo := outreach(e, base.Add(48*time.Hour), 5, true)
		promo["kind"] = "ethics_promotion"
		promoted := create(t, e, e.Tokens["officer"], promo)
		proc := create(t, e, e.Tokens["officer"], procurement(e, nil))
		for _, tc := range []struct {
			name, id string
			want     int
		}{
			{"unpublished", hidden["id"].(string), 404},
			{"procurement", proc["id"].(string), 404},
			{"no such", "0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d", 404},
			{"ethics promotion", promoted["id"].(string), 409},
		} {
			if r := e.Do("POST", "/api/v1/activities/"+tc.id+"/signups", v, nil); r.Code != tc.want {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
			}
		}

		// A cancelled event refuses sign-ups and shows as cancelled.
		cancelled := create(t, e, e.Tokens["officer"], outreach(e, base.Add(72*time.Hour), 5, true))
		cid := cancelled["id"].(string)
		if r := e.Do("POST", "/api/v1/activities/"+cid+"/signups", v, nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/activities/"+cid, e.Tokens["officer"], map[string]any{"version": 1, "status": "cancelled"}); r.Code != 200 {
			t.Fatalf("cancel event: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/activities/"+cid+"/signups", v2, nil); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("sign up to cancelled: %d %s", r.Code, r.Body)
		}
		// Unpublishing shows as such too.
		if r := patch(map[string]any{"event": evPart(3, false)}); r.Code != 200 {
			t.Fatalf("unpublish: %d %s", r.Code, r.Body)
		}
		p := participation(t, e, v, 2026)
		if it := itemOf(p, cid); it == nil || it["event_status"] != "cancelled" || it["signup_status"] != "active" {
			t.Fatalf("cancelled event in participation: %v", p)
		}
		if it := itemOf(p, id); it == nil || it["event_status"] != "unpublished" || it["title"] == "" || it["open"] != false || it["hours"] != nil {
			t.Fatalf("unpublished event in participation: %v", p)
		}
		if r := e.Do("POST", signups, v2, nil); r.Code != 404 {
			t.Fatalf("sign up to unpublished: %d", r.Code)
		}
		if r := patch(map[string]any{"event": evPart(3, true)}); r.Code != 200 {
			t.Fatalf("publish: %d %s", r.Code, r.Body)
		}

		// Once started (time passed, or in progress), neither sign-up nor cancellation.
		at(e, base.Add(48*time.Hour))
		if r := e.Do("POST", signups, e.Tokens["volunteer2"], nil); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("sign up after start: %d %s", r.Code, r.Body)
		}
		if r := e.Do("DELETE", signups+"/me", e.Tokens["volunteer"], nil); r.Code != 409 {
			t.Fatalf("cancel after start: %d %s", r.Code, r.Body)
		}
		at(e, base)
		early := create(t, e, e.Tokens["officer"], outreach(e, base.Add(96*time.Hour), 5, true))
		eid := early["id"].(string)
		if r := e.Do("POST", "/api/v1/activities/"+eid+"/signups", e.Tokens["volunteer"], nil); r.Code != 201 {
			t.Fatalf("sign up: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/activities/"+eid+"/checkins", e.Tokens["officer"], checkin("arrive", 23.4801, 120.4491, 5, base)); r.Code != 201 {
			t.Fatalf("officer arrive: %d %s", r.Code, r.Body)
		}
		for _, req := range [][2]string{{"POST", "/signups"}, {"DELETE", "/signups/me"}} {
			if r := e.Do(req[0], "/api/v1/activities/"+eid+req[1], e.Tokens["volunteer"], nil); r.Code != 409 {
				t.Fatalf("%s in progress: %d %s", req[0], r.Code, r.Body)
			}
		}
	})
}

func TestVolunteerAttendanceAndHours(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		ev1 := create(t, e, e.Tokens["officer"], outreach(e, base.Add(time.Hour), 5, true))["id"].(string)
		ev2 := create(t, e, e.Tokens["officer"], outreach(e, base.Add(24*time.Hour), 5, true))["id"].(string)
		for _, id := range []string{ev1, ev2} {
			if r := e.Do("POST", "/api/v1/activities/"+id+"/signups", e.Tokens["volunteer"], nil); r.Code != 201 {
				t.Fatalf("sign up: %d %s", r.Code, r.Body)
			}
		}
		ci := func(id, who, typ string, when time.Time, lat float64) *apitest.Response {
			return e.Do("POST", "/api/v1/activities/"+id+"/checkins", e.Tokens[who], checkin(typ, lat, 120.4491, 10, when))
		}
		at(e, base.Add(time.Hour+20*time.Second))
		// Not signed up: 403, the event exists for volunteers.
		if r := ci(ev1, "volunteer2", "arrive", base.Add(time.Hour), 23.4801); r.Code != 403 {
			t.Fatalf("not signed up: %d %s", r.Code, r.Body)
		}
		r := ci(ev1, "volunteer", "arrive", base.Add(time.Hour), 23.4802)
		if r.Code != 201 {
			t.Fatalf("arrive: %d %s", r.Code, r.Body)
		}
		if j := r.JSON(); j["geofence"] != "inside" || j["clock_skew_s"] != 20.0 || j["distance_m"] == nil {
			t.Fatalf("arrive: %v", j)
		}
		// A volunteer's arrival does not start the office's event.
		if got := e.Do("GET", "/api/v1/activities/"+ev1, e.Tokens["officer"], nil).JSON(); got["status"] != "planned" {
			t.Fatalf("volunteer arrival started the event: %v", got["status"])
		}
		it := itemOf(participation(t, e, e.Tokens["volunteer"], 2026), ev1)
		if it == nil || it["open"] != true || it["hours"] != nil || it["arrived_at"] == nil || it["departed_at"] != nil {
			t.Fatalf("open attendance: %v", it)
		}
		at(e, base.Add(3*time.Hour+30*time.Minute))
		if r := ci(ev1, "volunteer", "depart", base.Add(3*time.Hour+30*time.Minute), 23.4811); r.Code != 201 || r.JSON()["geofence"] != "outside" {
			t.Fatalf("depart: %d %s", r.Code, r.Body)
		}
		// Second event: arrive at the start, depart half an hour after its
		// end: the hours are the event's 3 h.
		at(e, base.Add(28*time.Hour))
		ci(ev2, "volunteer", "arrive", base.Add(24*time.Hour), 23.4801)
		ci(ev2, "volunteer", "depart", base.Add(27*time.Hour+30*time.Minute), 23.4801)
		p := participation(t, e, e.Tokens["volunteer"], 2026)
		if it := itemOf(p, ev1); it == nil || it["hours"] != 2.5 || it["open"] != false {
			t.Fatalf("ev1 hours: %v", it)
		}
		if it := itemOf(p, ev2); it == nil || it["hours"] != 3.0 {
			t.Fatalf("ev2 hours (capped): %v", it)
		}
		if p["total_hours"] != 5.5 || p["timezone"] != "Asia/Taipei" || len(p["items"].([]any)) != 2 {
			t.Fatalf("participation: %v", p)
		}
		if q := participation(t, e, e.Tokens["volunteer"], 2025); len(q["items"].([]any)) != 0 || q["total_hours"] != 0.0 {
			t.Fatalf("2025: %v", q)
		}

		// The roster, for staff.
		r = e.Do("GET", "/api/v1/activities/"+ev1+"/signups", e.Tokens["officer2"], nil)
		if r.Code != 200 {
			t.Fatalf("roster: %d %s", r.Code, r.Body)
		}
		roster := r.JSON()
		items := roster["items"].([]any)
		if len(items) != 1 || roster["free_places"] != 4.0 || roster["signups_count"] != 1.0 {
			t.Fatalf("roster: %v", roster)
		}
		if m := items[0].(map[string]any); m["display_name"] != "測試 volunteer" || m["hours"] != 2.5 || m["status"] != "active" {
			t.Fatalf("roster entry: %v", m)
		}

		// Managers list volunteers with their yearly hours.
		r = e.Do("GET", "/api/v1/volunteers?status=active&year=2026", e.Tokens["manager"], nil)
		if r.Code != 200 {
			t.Fatalf("volunteers: %d %s", r.Code, r.Body)
		}
		hours := map[string]any{}
		for _, it := range r.JSON()["items"].([]any) {
			m := it.(map[string]any)
			hours[m["username"].(string)] = m["hours"]
			if m["status"] != "active" {
				t.Fatalf("status filter: %v", m)
			}
		}
		if len(hours) != 2 || hours["volunteer"] != 5.5 || hours["volunteer2"] != 0.0 {
			t.Fatalf("volunteer hours: %v", hours)
		}
		r = e.Do("GET", "/api/v1/volunteers?status=pending&limit=1", e.Tokens["admin"], nil)
		if items := r.JSON()["items"].([]any); r.Code != 200 || len(items) != 1 || items[0].(map[string]any)["username"] != "pending" {
			t.Fatalf("pending: %d %s", r.Code, r.Body)
		}
		page1 := e.Do("GET", "/api/v1/volunteers?limit=2", e.Tokens["manager"], nil).JSON()
		page2 := e.Do("GET", "/api/v1/volunteers?limit=2&cursor="+page1["next_cursor"].(string), e.Tokens["manager"], nil).JSON()
		if len(page1["items"].([]any)) != 2 || len(page2["items"].([]any)) != 1 || page2["next_cursor"] != "" {
			t.Fatalf("paging: %v / %v", page1, page2)
		}
		for _, bad := range []string{"?status=gone", "?year=abc", "?sort=hours"} {
			if r := e.Do("GET", "/api/v1/volunteers"+bad, e.Tokens["manager"], nil); r.Code != 400 {
				t.Errorf("%s: %d", bad, r.Code)
			}
		}
		if r := e.Do("GET", "/api/v1/volunteers?year=1800", e.Tokens["manager"], nil); r.Code != 422 {
			t.Errorf("?year=1800: %d", r.Code)
		}

		// The KPI report's informational line; the seven KPIs unchanged.
		r = e.Do("GET", "/api/v1/kpis?year=2026", e.Tokens["manager"], nil)
		if r.Code != 200 {
			t.Fatalf("kpis: %d %s", r.Code, r.Body)
		}
		rep := r.JSON()
		vp := rep["volunteer_participation"].(map[string]any)
		if vp["people"] != 1.0 || vp["hours"] != 5.5 || len(rep["kpis"].([]any)) != 7 {
			t.Fatalf("kpi volunteer line: %v", rep)
		}
		if r := e.Do("GET", "/api/v1/kpis?year=2026&format=csv", e.Tokens["manager"], nil); r.Code != 200 || !strings.Contains(r.Body, "volunteer_hours,") || !strings.Contains(r.Body, ",5.5,") {
			t.Fatalf("csv: %s", r.Body)
		}
		if r := e.Do("GET", "/api/v1/kpis?year=2026&unit_id="+e.Unit2.ID, e.Tokens["manager"], nil); r.JSON()["volunteer_participation"].(map[string]any)["people"] != 0.0 {
			t.Fatalf("unit filter: %s", r.Body)
		}
	})
}

func TestVolunteerPrivacy(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		ev := create(t, e, e.Tokens["officer"], outreach(e, base.Add(time.Hour), 5, true))["id"].(string)
		proc := create(t, e, e.Tokens["officer"], procurement(e, nil))["id"].(string)
		if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", e.Tokens["volunteer"], nil); r.Code != 201 {
			t.Fatalf("sign up: %d", r.Code)
		}
		at(e, base.Add(time.Hour))
		e.Do("POST", "/api/v1/activities/"+ev+"/checkins", e.Tokens["volunteer"], checkin("arrive", 23.4801, 120.4491, 5, base.Add(time.Hour)))
		v2 := e.Tokens["volunteer2"]
		// Another volunteer's sign-ups and hours never reach volunteer2.
		if p := participation(t, e, v2, 2026); len(p["items"].([]any)) != 0 || p["total_hours"] != 0.0 {
			t.Fatalf("volunteer2 sees: %v", p)
		}
		if got := listed(t, e, v2, ev); got == nil || got["signed_up"] != false {
			t.Fatalf("volunteer2 list: %v", got)
		}
		for _, tc := range []struct {
			name, method, path string
			want               int
		}{
			{"roster", "GET", "/api/v1/activities/" + ev + "/signups", 403},
			{"check-ins", "GET", "/api/v1/activities/" + ev + "/checkins", 403},
			{"other's participation", "GET", "/api/v1/volunteers/me/participation?user_id=" + e.Users["volunteer"].ID, 400},
			{"other's sign-up", "DELETE", "/api/v1/activities/" + ev + "/signups/" + e.Users["volunteer"].ID, 404},
			{"volunteer list", "GET", "/api/v1/volunteers", 403},
			{"users", "GET", "/api/v1/users", 403},
			{"declarations", "GET", "/api/v1/declarations", 403},
			{"draws", "GET", "/api/v1/declarations/draws", 403},
			{"kpis", "GET", "/api/v1/kpis", 403},
			{"audit", "GET", "/api/v1/audit-events", 403},
			{"procurement", "GET", "/api/v1/activities/" + proc, 404},
			{"procurement sign-up", "POST", "/api/v1/activities/" + proc + "/signups", 404},
			{"procurement check-in", "POST", "/api/v1/activities/" + proc + "/checkins", 404},
		} {
			var body any
			if tc.method == "POST" && strings.HasSuffix(tc.path, "checkins") {
				body = checkin("arrive", 23.4801, 120.4491, 5, base.Add(time.Hour))
			}
			if r := e.Do(tc.method, tc.path, v2, body); r.Code != tc.want {
				t.Errorf("%s: %d, want %d: %s", tc.name, r.Code, tc.want, r.Body)
			}
		}
		r := e.Do("GET", "/api/v1/activities", v2, nil)
		if strings.Contains(r.Body, proc) || strings.Contains(r.Body, e.Users["volunteer"].ID) || strings.Contains(r.Body, "測試 volunteer") {
			t.Fatalf("list leaks: %s", r.Body)
		}
		if r := e.Do("GET", "/api/v1/activities/"+ev, v2, nil); strings.Contains(r.Body, e.Users["volunteer"].ID) || strings.Contains(r.Body, "owner_id") {
			t.Fatalf("get leaks: %s", r.Body)
		}
	})
}

// TestSignupCapacityConcurrent: 50 volunteers press the button at the same
// moment on two servers sharing one database; capacity 10.
func TestSignupCapacityConcurrent(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			e1 := apitest.New(t, drv)
			e2 := apitest.NewOnDB(t, drv, e1.DB, false)
			e2.Tokens, e2.Users, e2.Unit, e2.Unit2 = e1.Tokens, e1.Users, e1.Unit, e1.Unit2
			ev := create(t, e1, e1.Tokens["officer"], outreach(e1, models.Now().Add(48*time.Hour), 10, true))["id"].(string)
			const n = 50
			tokens := make([]string, n)
			for i := range tokens {
				_, tokens[i] = newVolunteer(t, e1, fmt.Sprintf("vol%02d", i))
			}
			codes := make([]*apitest.Response, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					codes[i] = []*apitest.Env{e1, e2}[i%2].Do("POST", "/api/v1/activities/"+ev+"/signups", tokens[i], nil)
				}(i)
			}
			close(start)
			wg.Wait()
			count := map[string]int{}
			for _, r := range codes {
				count[fmt.Sprintf("%d %s", r.Code, r.ErrorCode())]++
			}
			active := e1.Count(&models.Signup{}, "activity_id = ? AND status = ?", ev, "active")
			t.Logf("%s: %d volunteers, %d signed up, %d capacity_full; codes %v", drv, n, active, count["409 capacity_full"], count)
			if count["201 "] != 10 || count["409 capacity_full"] != 40 || active != 10 {
				t.Fatalf("codes %v, %d active", count, active)
			}
		})
	}
}

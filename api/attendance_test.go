package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
)

// Honest attendance of integrity volunteers: check-ins within the event's
// window, hours as the overlap with the event, confirmation of arrivals off
// site. The test site is 23.4801, 120.4491 with a 100 m radius.

func volunteerHours(t *testing.T, e *apitest.Env, username string) (float64, float64) {
	t.Helper()
	r := e.Do("GET", "/api/v1/volunteers?year=2026", e.Tokens["manager"], nil)
	if r.Code != 200 {
		t.Fatalf("volunteers: %d %s", r.Code, r.Body)
	}
	for _, it := range r.JSON()["items"].([]any) {
		if m := it.(map[string]any); m["username"] == username {
			return m["hours"].(float64), m["unconfirmed_hours"].(float64)
		}
	}
	t.Fatalf("%s not listed: %s", username, r.Body)
	return 0, 0
}

func kpiVolunteerHours(t *testing.T, e *apitest.Env) float64 {
	t.Helper()
	r := e.Do("GET", "/api/v1/kpis?year=2026", e.Tokens["manager"], nil)
	if r.Code != 200 {
		t.Fatalf("kpis: %d %s", r.Code, r.Body)
	}
	return r.JSON()["volunteer_participation"].(map[string]any)["hours"].(float64)
}

func rosterEntry(t *testing.T, e *apitest.Env, eventID, userID string) (map[string]any, map[string]any) {
	t.Helper()
	r := e.Do("GET", "/api/v1/activities/"+eventID+"/signups", e.Tokens["officer"], nil)
	if r.Code != 200 {
		t.Fatalf("roster: %d %s", r.Code, r.Body)
	}
	j := r.JSON()
	for _, it := range j["items"].([]any) {
		if m := it.(map[string]any); m["user_id"] == userID {
			return j, m
		}
	}
	t.Fatalf("%s not on the roster: %s", userID, r.Body)
	return nil, nil
}

func fieldMessage(r *apitest.Response, field string) string {
	env, _ := r.JSON()["error"].(map[string]any)
	fields, _ := env["fields"].(map[string]any)
	msg, _ := fields[field].(string)
	return msg
}

// TestVolunteerCannotCreditThemselves replays the attack of a volunteer
// signed up three weeks ahead: arrive 2020-01-01 00:00Z and depart 05:00Z
// from 0,0, a check-in days before the event, then cancelling the sign-up.
// Nothing is stored and no hour is credited anywhere.
func TestVolunteerCannotCreditThemselves(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		start := base.Add(21 * 24 * time.Hour) // 2026-03-23 09:00 in Taipei
		ev := create(t, e, e.Tokens["officer"], outreach(e, start, 5, true))["id"].(string)
		v := e.Tokens["volunteer"]
		if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", v, nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		path := "/api/v1/activities/" + ev + "/checkins"
		for _, tc := range []struct {
			name, typ string
			when      time.Time
			lat, lng  float64
		}{
			{"arrive in 2020 from 0,0", "arrive", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0},
			{"depart in 2020 from 0,0", "depart", time.Date(2020, 1, 1, 5, 0, 0, 0, time.UTC), 0, 0},
			{"arrive days before, on site", "arrive", base, 23.4801, 120.4491},
		} {
			r := e.Do("POST", path, v, checkin(tc.typ, tc.lat, tc.lng, 10, tc.when))
			msg := fieldMessage(r, "captured_at")
			if r.Code != 422 || r.ErrorCode() != "validation_failed" || !strings.Contains(msg, "check-in opens at 2026-03-23 08:00 (Asia/Taipei)") {
				t.Fatalf("%s: %d %s", tc.name, r.Code, r.Body)
			}
		}
		if n := e.Count(&models.Checkin{}, "activity_id = ?", ev); n != 0 {
			t.Fatalf("%d check-ins stored", n)
		}
		if r := e.Do("DELETE", "/api/v1/activities/"+ev+"/signups/me", v, nil); r.Code != 204 {
			t.Fatalf("cancel: %d %s", r.Code, r.Body)
		}
		// Without an active sign-up, not even a check-in within the window.
		at(e, start)
		v = e.Tokens["volunteer"]
		if r := e.Do("POST", path, v, checkin("arrive", 23.4801, 120.4491, 10, start)); r.Code != 403 {
			t.Fatalf("cancelled sign-up checks in: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Checkin{}, "activity_id = ?", ev); n != 0 {
			t.Fatalf("%d check-ins stored", n)
		}
		p := participation(t, e, v, 2026)
		if it := itemOf(p, ev); it == nil || it["hours"] != nil || it["attendance_status"] != "none" || p["total_hours"] != 0.0 {
			t.Fatalf("participation: %v", p)
		}
		if h, u := volunteerHours(t, e, "volunteer"); h != 0 || u != 0 {
			t.Fatalf("volunteers list: %v %v", h, u)
		}
		if h := kpiVolunteerHours(t, e); h != 0 {
			t.Fatalf("kpi volunteer hours: %v", h)
		}
	})
}

// TestVolunteerCheckinWindow: check-in opens 1 h before the start and closes
// 1 h after the end; staff check in whenever.
func TestVolunteerCheckinWindow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		start := base.Add(2 * time.Hour) // 11:00 in Taipei, ends 13:00
		body := outreach(e, start, 5, true)
		body["event"].(map[string]any)["ends_at"] = start.Add(2 * time.Hour).Format(time.RFC3339)
		ev := create(t, e, e.Tokens["officer"], body)["id"].(string)
		if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", e.Tokens["volunteer"], nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		path := "/api/v1/activities/" + ev + "/checkins"
		at(e, start.Add(4*time.Hour))
		for _, tc := range []struct {
			name string
			when time.Time
			want int
			msg  string
		}{
			{"61 minutes early", start.Add(-61 * time.Minute), 422, "check-in opens at 2026-03-02 10:00 (Asia/Taipei)"},
			{"61 minutes after the end", start.Add(3*time.Hour + time.Minute), 422, "check-in closed at 2026-03-02 14:00 (Asia/Taipei)"},
			{"59 minutes early", start.Add(-59 * time.Minute), 201, ""},
			{"59 minutes after the end", start.Add(2*time.Hour + 59*time.Minute), 201, ""},
		} {
			r := e.Do("POST", path, e.Tokens["volunteer"], checkin("arrive", 23.4801, 120.4491, 10, tc.when))
			if r.Code != tc.want || (tc.msg != "" && !strings.Contains(fieldMessage(r, "captured_at"), tc.msg)) {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
			}
		}
		if n := e.Count(&models.Checkin{}, "activity_id = ?", ev); n != 2 {
			t.Fatalf("%d check-ins stored, want 2", n)
		}
		// The office's own check-ins are not bound to the window.
		if r := e.Do("POST", path, e.Tokens["officer"], checkin("arrive", 23.4801, 120.4491, 10, base)); r.Code != 201 {
			t.Fatalf("officer: %d %s", r.Code, r.Body)
		}
	})
}

// TestVolunteerHoursOverlap: hours are the overlap of the stay with the
// event, never more than its length.
func TestVolunteerHoursOverlap(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		start := base.Add(30 * time.Minute)
		body := outreach(e, start, 5, true)
		body["event"].(map[string]any)["ends_at"] = start.Add(2 * time.Hour).Format(time.RFC3339)
		ev := create(t, e, e.Tokens["officer"], body)["id"].(string)
		for _, who := range []string{"volunteer", "volunteer2"} {
			if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", e.Tokens[who], nil); r.Code != 201 {
				t.Fatalf("sign up: %d %s", r.Code, r.Body)
			}
		}
		at(e, start.Add(3*time.Hour))
		ci := func(who, typ string, when time.Time) {
			t.Helper()
			if r := e.Do("POST", "/api/v1/activities/"+ev+"/checkins", e.Tokens[who], checkin(typ, 23.4801, 120.4491, 10, when)); r.Code != 201 {
				t.Fatalf("%s %s: %d %s", who, typ, r.Code, r.Body)
			}
		}
		// 50 minutes early until 50 minutes after the end: the event's 2 h.
		ci("volunteer", "arrive", start.Add(-50*time.Minute))
		ci("volunteer", "depart", start.Add(2*time.Hour+50*time.Minute))
		// From 0:30 to 1:15 into the event: 0.75 h.
		ci("volunteer2", "arrive", start.Add(30*time.Minute))
		ci("volunteer2", "depart", start.Add(75*time.Minute))
		roster, m1 := rosterEntry(t, e, ev, e.Users["volunteer"].ID)
		_, m2 := rosterEntry(t, e, ev, e.Users["volunteer2"].ID)
		if m1["hours"] != 2.0 || m1["attendance_status"] != "confirmed" || m1["confirmed_hours"] != 2.0 {
			t.Fatalf("volunteer: %v", m1)
		}
		if m2["hours"] != 0.75 || m2["confirmed_hours"] != 0.75 {
			t.Fatalf("volunteer2: %v", m2)
		}
		if roster["confirmed_hours"] != 2.75 || roster["unconfirmed_hours"] != 0.0 {
			t.Fatalf("roster totals: %v", roster)
		}
		if p := participation(t, e, e.Tokens["volunteer"], 2026); p["total_hours"] != 2.0 {
			t.Fatalf("participation: %v", p)
		}
		if h := kpiVolunteerHours(t, e); h != 2.75 {
			t.Fatalf("kpi: %v", h)
		}
	})
}

// TestAttendanceConfirmation: an arrival outside the geofence, or with a fix
// less accurate than the site radius, is recorded but its hours count only
// once a manager confirms them, and not after a rejection.
func TestAttendanceConfirmation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		start := base.Add(30 * time.Minute)
		ev := create(t, e, e.Tokens["officer"], outreach(e, start, 5, true))["id"].(string)
		for _, who := range []string{"volunteer", "volunteer2"} {
			if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", e.Tokens[who], nil); r.Code != 201 {
				t.Fatalf("sign up: %d %s", r.Code, r.Body)
			}
		}
		u3, v3 := newVolunteer(t, e, "volunteer3")
		if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", v3, nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		at(e, start.Add(3*time.Hour))
		ci := func(who string, typ string, lat, acc float64, when time.Time) {
			t.Helper()
			r := e.Do("POST", "/api/v1/activities/"+ev+"/checkins", e.Tokens[who], checkin(typ, lat, 120.4491, acc, when))
			if r.Code != 201 {
				t.Fatalf("%s %s: %d %s", who, typ, r.Code, r.Body)
			}
		}
		// volunteer: 1.1 km north of the site. volunteer2: "inside" only
		// thanks to a 500 m fix, worse than the 100 m radius.
		ci("volunteer", "arrive", 23.4901, 10, start)
		ci("volunteer", "depart", 23.4901, 10, start.Add(150*time.Minute))
		ci("volunteer2", "arrive", 23.4821, 500, start)
		ci("volunteer2", "depart", 23.4821, 500, start.Add(time.Hour))
		vol, vol2 := e.Users["volunteer"].ID, e.Users["volunteer2"].ID

		p := participation(t, e, e.Tokens["volunteer"], 2026)
		it := itemOf(p, ev)
		if it == nil || it["attendance_status"] != "unconfirmed" || it["hours"] != 2.5 || it["unconfirmed_hours"] != 2.5 || it["confirmed_hours"] != 0.0 ||
			p["total_hours"] != 0.0 || p["unconfirmed_hours"] != 2.5 {
			t.Fatalf("unconfirmed participation: %v", p)
		}
		roster, m := rosterEntry(t, e, ev, vol2)
		if m["attendance_status"] != "unconfirmed" || m["on_site"] != false || roster["confirmed_hours"] != 0.0 || roster["unconfirmed_hours"] != 3.5 {
			t.Fatalf("roster: %v", roster)
		}
		if h, u := volunteerHours(t, e, "volunteer"); h != 0 || u != 2.5 {
			t.Fatalf("volunteers list: %v %v", h, u)
		}
		if h := kpiVolunteerHours(t, e); h != 0 {
			t.Fatalf("kpi before confirmation: %v", h)
		}

		decide := func(who, userID, verb string, body any) *apitest.Response {
			return e.Do("POST", "/api/v1/activities/"+ev+"/attendance/"+userID+"/"+verb, e.Tokens[who], body)
		}
		// Who may decide, and on what.
		for _, tc := range []struct {
			name, who, user, verb string
			want                  int
		}{
			{"volunteer", "volunteer", vol, "confirm", 403},
			{"officer", "officer", vol, "confirm", 403},
			{"officer rejects", "officer", vol, "reject", 403},
			{"unknown user", "manager", "0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d", "confirm", 404},
			{"user not signed up", "manager", e.Users["officer"].ID, "confirm", 404},
			{"signed up, not arrived", "manager", u3.ID, "confirm", 409},
		} {
			if r := decide(tc.who, tc.user, tc.verb, nil); r.Code != tc.want {
				t.Errorf("%s: %d, want %d: %s", tc.name, r.Code, tc.want, r.Body)
			}
		}
		if r := e.Do("POST", "/api/v1/activities/0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d/attendance/"+vol+"/confirm", e.Tokens["manager"], nil); r.Code != 404 {
			t.Fatalf("unknown event: %d", r.Code)
		}
		if n := e.Count(&models.AuditEvent{}, "action LIKE ?", "attendance.%"); n != 0 {
			t.Fatalf("%d decisions audited before any", n)
		}

		// The manager confirms (twice: the same answer, one audit event).
		for i := 0; i < 2; i++ {
			r := decide("manager", vol, "confirm", map[string]any{"reason": "活動照片確認到場"})
			if j := r.JSON(); r.Code != 200 || j["attendance_status"] != "confirmed" || j["confirmed_hours"] != 2.5 || j["decision_reason"] != "活動照片確認到場" ||
				j["decided_by"] != e.Users["manager"].ID {
				t.Fatalf("confirm %d: %d %s", i, r.Code, r.Body)
			}
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_type = ? AND actor_id = ?", "attendance.confirm", "signup", e.Users["manager"].ID); n != 1 {
			t.Fatalf("%d confirm audit events", n)
		}
		if p := participation(t, e, e.Tokens["volunteer"], 2026); p["total_hours"] != 2.5 || p["unconfirmed_hours"] != 0.0 {
			t.Fatalf("confirmed participation: %v", p)
		}
		if h, u := volunteerHours(t, e, "volunteer"); h != 2.5 || u != 0 {
			t.Fatalf("volunteers list after confirm: %v %v", h, u)
		}
		if h := kpiVolunteerHours(t, e); h != 2.5 {
			t.Fatalf("kpi after confirm: %v", h)
		}

		// The admin rejects volunteer2's hour, and then volunteer's too.
		if r := decide("admin", vol2, "reject", map[string]any{"reason": "定位誤差過大，無法確認到場"}); r.Code != 200 || r.JSON()["attendance_status"] != "rejected" {
			t.Fatalf("reject: %d %s", r.Code, r.Body)
		}
		if r := decide("admin", vol, "reject", nil); r.Code != 200 || r.JSON()["attendance_status"] != "rejected" || r.JSON()["confirmed_hours"] != 0.0 {
			t.Fatalf("reject confirmed: %d %s", r.Code, r.Body)
		}
		if r := decide("manager", vol, "reject", map[string]any{"reason": strings.Repeat("長", 501)}); r.Code != 422 || fieldMessage(r, "reason") == "" {
			t.Fatalf("long reason: %d %s", r.Code, r.Body)
		}
		roster, m = rosterEntry(t, e, ev, vol2)
		if m["attendance_status"] != "rejected" || m["hours"] != 1.0 || m["confirmed_hours"] != 0.0 || m["decision_reason"] != "定位誤差過大，無法確認到場" ||
			roster["confirmed_hours"] != 0.0 || roster["unconfirmed_hours"] != 0.0 {
			t.Fatalf("rejected roster: %v", roster)
		}
		if p := participation(t, e, e.Tokens["volunteer"], 2026); p["total_hours"] != 0.0 || itemOf(p, ev)["attendance_status"] != "rejected" {
			t.Fatalf("rejected participation: %v", p)
		}
		if h := kpiVolunteerHours(t, e); h != 0 {
			t.Fatalf("kpi after reject: %v", h)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "attendance.reject"); n != 2 {
			t.Fatalf("%d reject audit events", n)
		}
		var sg models.Signup
		if err := e.DB.Where("activity_id = ? AND user_id = ?", ev, vol2).Take(&sg).Error; err != nil || sg.Decision != "rejected" ||
			sg.DecidedBy == nil || *sg.DecidedBy != e.Users["admin"].ID || sg.DecidedAt == nil {
			t.Fatalf("stored decision: %+v %v", sg, err)
		}
	})
}

// TestCancelAfterArrival: once arrived, a volunteer cannot cancel.
func TestCancelAfterArrival(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		ev := create(t, e, e.Tokens["officer"], outreach(e, base.Add(30*time.Minute), 5, true))["id"].(string)
		v := e.Tokens["volunteer"]
		if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", v, nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/activities/"+ev+"/checkins", v, checkin("arrive", 23.4801, 120.4491, 10, base)); r.Code != 201 {
			t.Fatalf("arrive: %d %s", r.Code, r.Body)
		}
		r := e.Do("DELETE", "/api/v1/activities/"+ev+"/signups/me", v, nil)
		if r.Code != 409 || r.ErrorCode() != "conflict" || !strings.Contains(r.Body, "arrived") {
			t.Fatalf("cancel after arrival: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Signup{}, "activity_id = ? AND status = ?", ev, "active"); n != 1 {
			t.Fatalf("sign-up not active: %d", n)
		}
	})
}

// TestEventEndsAt: an event's end defaults to start + 3 h (older clients
// send none), is validated, moves with the event, and is shown to staff and
// volunteers.
func TestEventEndsAt(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		start := base.Add(48 * time.Hour)
		off := e.Tokens["officer"]
		old := create(t, e, off, outreach(e, start, 5, true))
		if got := old["event"].(map[string]any)["ends_at"]; got != start.Add(3*time.Hour).Format(time.RFC3339) {
			t.Fatalf("default ends_at: %v", got)
		}
		id := old["id"].(string)
		var row models.Activity
		if err := e.DB.Where("id = ?", id).Take(&row).Error; err != nil || row.EventEndsAt == nil || !row.EventEndsAt.Equal(start.Add(3*time.Hour)) {
			t.Fatalf("stored end: %v %v", row.EventEndsAt, err)
		}
		if got := e.Do("GET", "/api/v1/activities/"+id, e.Tokens["volunteer"], nil).JSON(); got["ends_at"] != start.Add(3*time.Hour).Format(time.RFC3339) {
			t.Fatalf("volunteer view: %v", got)
		}
		for _, tc := range []struct {
			name string
			end  time.Time
		}{{"at the start", start}, {"before the start", start.Add(-time.Hour)}, {"8 days later", start.Add(8 * 24 * time.Hour)}} {
			b := outreach(e, start, 5, true)
			b["event"].(map[string]any)["ends_at"] = tc.end.Format(time.RFC3339)
			if r := e.Do("POST", "/api/v1/activities", off, b); r.Code != 422 || fieldMessage(r, "event.ends_at") == "" {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
			}
		}
		b := outreach(e, start, 5, true)
		b["event"].(map[string]any)["ends_at"] = start.Add(6 * 24 * time.Hour).Format(time.RFC3339)
		if r := e.Do("POST", "/api/v1/activities", off, b); r.Code != 201 {
			t.Fatalf("a 6-day event: %d %s", r.Code, r.Body)
		}
		// Moving the event by a day keeps its length.
		moved := start.Add(24 * time.Hour)
		r := e.Do("PATCH", "/api/v1/activities/"+id, off, map[string]any{"version": 1, "scheduled_at": moved.Format(time.RFC3339)})
		if r.Code != 200 || r.JSON()["event"].(map[string]any)["ends_at"] != moved.Add(3*time.Hour).Format(time.RFC3339) {
			t.Fatalf("moved: %d %s", r.Code, r.Body)
		}
	})
}

// TestEventEndsAtMigration: an event stored before events had an end gets
// scheduled_at + 3 h from the migration, and its window follows.
func TestEventEndsAtMigration(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		start := base.Add(30 * time.Minute)
		ev := create(t, e, e.Tokens["officer"], outreach(e, start, 5, true))["id"].(string)
		// As the row was before: no column value, no ends_at in the JSON.
		oldJSON := `{"event":{"scale":"regular","audience":"市民","participants":null,"volunteer_capacity":5,"published":true}}`
		if err := e.DB.Model(&models.Activity{}).Where("id = ?", ev).
			Updates(map[string]any{"event_ends_at": nil, "details": oldJSON}).Error; err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(context.Background(), e.DB); err != nil {
			t.Fatal(err)
		}
		var row models.Activity
		if err := e.DB.Where("id = ?", ev).Take(&row).Error; err != nil || row.EventEndsAt == nil || !row.EventEndsAt.Equal(start.Add(3*time.Hour)) {
			t.Fatalf("migrated end: %v %v", row.EventEndsAt, err)
		}
		got := e.Do("GET", "/api/v1/activities/"+ev, e.Tokens["officer"], nil).JSON()
		if got["event"].(map[string]any)["ends_at"] != start.Add(3*time.Hour).Format(time.RFC3339) {
			t.Fatalf("ends_at: %v", got)
		}
		// A no-op PATCH of the migrated row changes nothing.
		if r := e.Do("PATCH", "/api/v1/activities/"+ev, e.Tokens["officer"], map[string]any{"version": got["version"], "notes": got["notes"]}); r.Code != 200 ||
			r.JSON()["version"] != got["version"] {
			t.Fatalf("no-op patch: %d %s", r.Code, r.Body)
		}
	})
}

// Hours of a closed KPI year stay as reported: a manager's decision on them
// is period_closed until the year is reopened.
func TestAttendanceDecisionInAClosedYear(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		start := base.Add(30 * time.Minute)
		ev := create(t, e, e.Tokens["officer"], outreach(e, start, 5, true))["id"].(string)
		if r := e.Do("POST", "/api/v1/activities/"+ev+"/signups", e.Tokens["volunteer"], nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		at(e, start.Add(3*time.Hour))
		// 1.1 km off the site: unconfirmed hours.
		for _, c := range []map[string]any{checkin("arrive", 23.4901, 120.4491, 10, start), checkin("depart", 23.4901, 120.4491, 10, start.Add(2*time.Hour))} {
			if r := e.Do("POST", "/api/v1/activities/"+ev+"/checkins", e.Tokens["volunteer"], c); r.Code != 201 {
				t.Fatalf("check-in: %d %s", r.Code, r.Body)
			}
		}
		at(e, time.Date(2027, 2, 1, 2, 0, 0, 0, time.UTC))
		reason := map[string]any{"reason": "已於 2027-01-20 函報法務部廉政署"}
		if r := e.Do("POST", "/api/v1/kpis/years/2026/close", e.Tokens["admin"], reason); r.Code != 200 {
			t.Fatalf("close: %d %s", r.Code, r.Body)
		}
		confirm := "/api/v1/activities/" + ev + "/attendance/" + e.Users["volunteer"].ID + "/confirm"
		if r := e.Do("POST", confirm, e.Tokens["manager"], nil); r.Code != 409 || r.ErrorCode() != "period_closed" {
			t.Fatalf("confirm in a closed year: %d %s", r.Code, r.Body)
		}
		if _, m := rosterEntry(t, e, ev, e.Users["volunteer"].ID); m["attendance_status"] != "unconfirmed" {
			t.Fatalf("decision stored in a closed year: %v", m)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "attendance.confirm"); n != 0 {
			t.Fatalf("%d audit events of a refused decision", n)
		}
		if r := e.Do("POST", "/api/v1/kpis/years/2026/reopen", e.Tokens["admin"], map[string]any{"reason": "補登志工時數"}); r.Code != 200 {
			t.Fatalf("reopen: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", confirm, e.Tokens["manager"], nil); r.Code != 200 {
			t.Fatalf("confirm after reopening: %d %s", r.Code, r.Body)
		}
	})
}

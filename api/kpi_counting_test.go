package api_test

import (
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/services"
)

// actuals reads the report of year as code → actual.
func actuals(t *testing.T, e *apitest.Env, query string) map[string]float64 {
	t.Helper()
	r := e.Do("GET", "/api/v1/kpis?"+query, e.Tokens["manager"], nil)
	if r.Code != 200 {
		t.Fatalf("report %s: %d %s", query, r.Code, r.Body)
	}
	out := map[string]float64{}
	for _, k := range r.JSON()["kpis"].([]any) {
		m := k.(map[string]any)
		if a, ok := m["actual"].(float64); ok {
			out[m["code"].(string)] = a
		}
	}
	return out
}

func TestKPICountingRules(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, time.Date(2021, 3, 1, 4, 0, 0, 0, time.UTC))
		off := e.Tokens["officer"]
		done := func(extra map[string]any) map[string]any {
			b := procurement(e, map[string]any{"status": "completed", "scheduled_at": "2020-12-31T08:00:00Z"})
			for k, v := range extra {
				b[k] = v
			}
			return create(t, e, off, b)
		}
		// 2020-12-31T23:30Z is 2021-01-01 07:30 in Taipei: it counts in 2021.
		boundary := done(map[string]any{"completed_at": "2020-12-31T23:30:00Z"})
		done(map[string]any{"completed_at": "2020-12-31T15:59:59Z"}) // 23:59:59 Taipei: 2020
		cancelled := create(t, e, off, procurement(e, map[string]any{"scheduled_at": "2020-12-01T08:00:00Z"}))
		inProgress := create(t, e, off, procurement(e, map[string]any{"scheduled_at": "2021-01-05T08:00:00Z", "status": "in_progress"}))
		patch := func(a map[string]any, body map[string]any) map[string]any {
			t.Helper()
			body["version"] = a["version"]
			r := e.Do("PATCH", "/api/v1/activities/"+a["id"].(string), off, body)
			if r.Code != 200 {
				t.Fatalf("patch: %d %s", r.Code, r.Body)
			}
			return r.JSON()
		}
		patch(cancelled, map[string]any{"status": "cancelled"})
		event := func(kind, scale string) map[string]any {
			return create(t, e, off, map[string]any{"kind": kind, "title": "反貪宣導", "unit_id": e.Unit2.ID, "scheduled_at": "2021-02-01T02:00:00Z",
				"status": "completed", "completed_at": "2021-02-01T06:00:00Z",
				"event": map[string]any{"scale": scale, "audience": "市民", "participants": 300, "volunteer_capacity": 0, "published": false}})
		}
		event("outreach_event", "large")
		event("outreach_event", "regular") // a regular outreach event is not a 大型反貪活動
		event("ethics_promotion", "regular")

		got := actuals(t, e, "year=2021")
		want := map[string]float64{"procurement_supervisions": 1, "anti_corruption_events": 1, "ethics_code_promotions": 1, "safety_inspections": 0}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("2021 %s = %v, want %v (all: %v)", k, got[k], v, got)
			}
		}
		if got := actuals(t, e, "roc_year=109"); got["procurement_supervisions"] != 1 {
			t.Errorf("2020 (ROC 109) = %v", got)
		}
		if got := actuals(t, e, "year=2021&unit_id="+e.Unit2.ID); got["procurement_supervisions"] != 0 || got["anti_corruption_events"] != 1 {
			t.Errorf("unit filter: %v", got)
		}
		// Completing the one in progress counts it; reopening takes it out; so
		// does deleting a completed record.
		inProgress = patch(inProgress, map[string]any{"status": "completed", "completed_at": "2021-01-06T01:00:00Z"})
		if got := actuals(t, e, "year=2021"); got["procurement_supervisions"] != 2 {
			t.Errorf("after completing: %v", got)
		}
		patch(inProgress, map[string]any{"status": "in_progress"})
		if r := e.Do("DELETE", "/api/v1/activities/"+boundary["id"].(string), off, nil); r.Code != 204 {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}
		if got := actuals(t, e, "year=2021"); got["procurement_supervisions"] != 0 {
			t.Errorf("after reopening and deleting: %v", got)
		}
		if diffs, err := e.Svc.KPIs.Verify(t.Context()); err != nil || len(diffs) > 0 {
			t.Fatalf("rollups differ from a recount: %v %v", diffs, err)
		}
	})
}

// A changed office time zone makes the report refuse until a rebuild.
func TestKPITimezoneChangeNeedsRebuild(t *testing.T) {
	e := apitest.New(t, "sqlite")
	ctx := t.Context()
	if stale, _, err := e.Svc.KPIs.EnsureTimezone(ctx); err != nil || stale {
		t.Fatalf("first start: %v %v", stale, err)
	}
	utc := services.NewKPIService(e.DB, e.Clock.Now, time.UTC, nil)
	stale, was, err := utc.EnsureTimezone(ctx)
	if err != nil || !stale || was != "Asia/Taipei" {
		t.Fatalf("after the change: %v %q %v", stale, was, err)
	}
	if _, err := utc.Report(ctx, services.Actor{Role: "manager"}, services.KPIFilter{From: 2021, To: 2021}); err == nil {
		t.Fatal("a report on stale rollups was answered")
	}
	if _, err := utc.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := utc.Report(ctx, services.Actor{Role: "manager"}, services.KPIFilter{From: 2021, To: 2021}); err != nil {
		t.Fatalf("after rebuild: %v", err)
	}
	// And now the Taipei server is the stale one.
	if r := e.Do("GET", "/api/v1/kpis?year=2021", e.Tokens["manager"], nil); r.Code != 409 || r.ErrorCode() != "conflict" {
		t.Fatalf("report in the old zone: %d %s", r.Code, r.Body)
	}
}

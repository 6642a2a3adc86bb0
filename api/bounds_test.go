package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
)

// outOfBounds are client times no record of the office can carry: before
// 1912-01-01 (ROC year 1) or more than two years ahead, compared as
// instants, so that an offset cannot carry a value across (the first two are
// year −1 and year 10000 in UTC, which poisoned every list that read them).
func outOfBounds() []string {
	return []string{
		"0000-01-01T00:00:00+01:00",
		"9999-12-31T23:00:00-10:00",
		"1911-12-31T23:59:59Z",
		"1912-01-01T07:59:59+08:00",
		base.AddDate(2, 0, 1).Format(time.RFC3339),
	}
}

// notYetHappened are times a completion, check-in or filing cannot have:
// past the clock-skew allowance, though within two years.
func notYetHappened() []string {
	return append(outOfBounds(), base.Add(10*time.Minute).Format(time.RFC3339), base.AddDate(1, 0, 0).Format(time.RFC3339))
}

func fieldsOf(t *testing.T, r *apitest.Response) map[string]any {
	t.Helper()
	if r.Code != 422 || r.ErrorCode() != "validation_failed" {
		t.Fatalf("want 422 validation_failed: %d %s", r.Code, r.Body)
	}
	return r.JSON()["error"].(map[string]any)["fields"].(map[string]any)
}

func wantField(t *testing.T, what string, r *apitest.Response, field string) {
	t.Helper()
	if f := fieldsOf(t, r); f[field] == nil {
		t.Fatalf("%s: fields %v, want %s", what, f, field)
	}
}

// syncField is the field error of the one operation of a /sync answer.
func syncField(t *testing.T, what string, r *apitest.Response, field string) {
	t.Helper()
	if r.Code != 200 {
		t.Fatalf("%s: sync %d %s", what, r.Code, r.Body)
	}
	res := r.JSON()["results"].([]any)[0].(map[string]any)
	body, _ := res["body"].(map[string]any)
	errBody, _ := body["error"].(map[string]any)
	fields, _ := errBody["fields"].(map[string]any)
	if res["status"].(float64) != 422 || fields[field] == nil {
		t.Fatalf("%s: result %v, want 422 naming %s", what, res, field)
	}
}

func TestClientTimesOutOfBounds(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off, vol, mgr := e.Tokens["officer"], e.Tokens["volunteer"], e.Tokens["manager"]
		a := create(t, e, off, procurement(e, nil))
		aid := a["id"].(string)
		ev := create(t, e, off, outreach(e, base.Add(time.Hour), 5, true))
		eid := ev["id"].(string)
		if r := e.Do("POST", "/api/v1/activities/"+eid+"/signups", vol, nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		for _, c := range []struct{ id, token string }{{aid, off}, {eid, vol}} {
			if r := e.Do("POST", "/api/v1/activities/"+c.id+"/checkins", c.token, checkin("arrive", 23.4801, 120.4491, 5, base)); r.Code != 201 {
				t.Fatalf("check-in: %d %s", r.Code, r.Body)
			}
		}
		d := mustCreate(t, e, map[string]any{"year": 2025, "declarant_name": "王大明", "position": "處長", "unit_id": e.Unit.ID, "type": "regular", "due_date": "2025-12-31"})
		did := d["id"].(string)
		activities, checkins, declarations := e.Count(&models.Activity{}, ""), e.Count(&models.Checkin{}, ""), e.Count(&models.Declaration{}, "")

		for _, v := range outOfBounds() {
			wantField(t, "create scheduled_at "+v, e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"scheduled_at": v})), "scheduled_at")
			wantField(t, "patch scheduled_at "+v, e.Do("PATCH", "/api/v1/activities/"+aid, off, map[string]any{"version": 2, "scheduled_at": v}), "scheduled_at")
			syncField(t, "sync create_activity "+v, e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []map[string]any{
				{"op": "create_activity", "body": procurement(e, map[string]any{"id": uuid.NewString(), "scheduled_at": v})}}}), "operations[0].body.scheduled_at")
			syncField(t, "sync update_activity "+v, e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []map[string]any{
				{"op": "update_activity", "id": aid, "body": map[string]any{"version": 2, "scheduled_at": v}}}}), "operations[0].body.scheduled_at")
		}
		for _, v := range notYetHappened() {
			wantField(t, "create completed_at "+v, e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"status": "completed", "completed_at": v})), "completed_at")
			wantField(t, "patch completed_at "+v, e.Do("PATCH", "/api/v1/activities/"+aid, off, map[string]any{"version": 2, "status": "completed", "completed_at": v}), "completed_at")
			wantField(t, "officer captured_at "+v, e.Do("POST", "/api/v1/activities/"+aid+"/checkins", off, map[string]any{"type": "depart", "lat": 23.4801, "lng": 120.4491, "accuracy_m": 5, "captured_at": v}), "captured_at")
			wantField(t, "volunteer captured_at "+v, e.Do("POST", "/api/v1/activities/"+eid+"/checkins", vol, map[string]any{"type": "depart", "lat": 23.4801, "lng": 120.4491, "accuracy_m": 5, "captured_at": v}), "captured_at")
			syncField(t, "sync create_checkin "+v, e.Do("POST", "/api/v1/sync", vol, map[string]any{"operations": []map[string]any{
				{"op": "create_checkin", "activity_id": eid, "body": map[string]any{"id": uuid.NewString(), "type": "depart", "lat": 23.4801, "lng": 120.4491, "accuracy_m": 5, "captured_at": v}}}}), "operations[0].body.captured_at")
			wantField(t, "declaration filed_at "+v, e.Do("POST", "/api/v1/declarations", off, map[string]any{"year": 2025, "declarant_name": "李四", "position": "科長",
				"unit_id": e.Unit.ID, "type": "regular", "due_date": "2025-12-31", "filed_at": v}), "filed_at")
			wantField(t, "patch filed_at "+v, e.Do("PATCH", "/api/v1/declarations/"+did, off, map[string]any{"version": 1, "filed_at": v}), "filed_at")
		}
		for _, v := range []string{"0000-01-01", "1911-12-31", "9999-12-31", base.AddDate(2, 0, 2).Format(time.DateOnly)} {
			wantField(t, "declaration due_date "+v, e.Do("POST", "/api/v1/declarations", off, map[string]any{"year": 2025, "declarant_name": "李四", "position": "科長",
				"unit_id": e.Unit.ID, "type": "regular", "due_date": v}), "due_date")
			wantField(t, "patch due_date "+v, e.Do("PATCH", "/api/v1/declarations/"+did, off, map[string]any{"version": 1, "due_date": v}), "due_date")
		}
		for _, y := range []int{0, 1911, 2029, 10000} {
			wantField(t, fmt.Sprint("declaration year ", y), e.Do("POST", "/api/v1/declarations", off, map[string]any{"year": y, "declarant_name": "李四", "position": "科長",
				"unit_id": e.Unit.ID, "type": "regular", "due_date": "2025-12-31"}), "year")
			wantField(t, fmt.Sprint("draw year ", y), e.Do("POST", "/api/v1/declarations/draws", mgr, map[string]any{"year": y, "count": 1, "seed": "115000123"}), "year")
			wantField(t, fmt.Sprint("targets year ", y), e.Do("PUT", fmt.Sprintf("/api/v1/kpis/targets/%d", y), e.Tokens["admin"], map[string]any{"targets": map[string]any{}}), "year")
		}
		// A roster file: each line is checked by the same rule.
		csv := "姓名,職稱,機關,申報類別,申報期限,申報日期\n" +
			"李四,科長,CYC-PW,定期申報,2025-12-31,2026-03-03\n" +
			"張三,科長,CYC-PW,定期申報,2029-12-31,\n" +
			"王五,科長,CYC-PW,定期申報,2025-12-31,1911/12/31\n" +
			"趙六,科長,CYC-PW,定期申報,2025-12-31,2025-11-30\n"
		r := uploadCSV(e, off, "/api/v1/declarations/import?year=2025", csv)
		f := fieldsOf(t, r)
		if len(f) != 3 || f["line 2"] == nil || f["line 3"] == nil || f["line 4"] == nil {
			t.Fatalf("import: %v", f)
		}
		if r := uploadCSV(e, off, "/api/v1/declarations/import?year=2029", "姓名,職稱,機關,申報類別,申報期限\n李四,科長,CYC-PW,定期申報,2025-12-31\n"); fieldsOf(t, r)["year"] == nil {
			t.Fatalf("import year 2029: %s", r.Body)
		}

		// Nothing was stored or changed.
		if n := e.Count(&models.Activity{}, ""); n != activities {
			t.Fatalf("%d activities, want %d", n, activities)
		}
		if n := e.Count(&models.Checkin{}, ""); n != checkins {
			t.Fatalf("%d check-ins, want %d", n, checkins)
		}
		if n := e.Count(&models.Declaration{}, ""); n != declarations {
			t.Fatalf("%d declarations, want %d", n, declarations)
		}
		if got := e.Do("GET", "/api/v1/activities/"+aid, off, nil).JSON(); got["version"] != 2.0 || got["status"] != "in_progress" {
			t.Fatalf("activity changed: %v", got)
		}
		if n := e.Count(&models.Declaration{}, "id = ? AND version = 1 AND filed_at IS NULL", did); n != 1 {
			t.Fatal("declaration changed")
		}
		// Every list and report still answers.
		for _, c := range []struct{ path, token string }{
			{"/api/v1/activities", off},
			{"/api/v1/activities?updated_since=" + url.QueryEscape(base.Add(-time.Hour).Format(time.RFC3339)), off},
			{"/api/v1/activities", vol},
			{"/api/v1/kpis?year=2026", mgr},
			{"/api/v1/kpis?year=2026&format=csv", mgr},
			{"/api/v1/kpis?year=2026&format=xlsx", mgr},
			{"/api/v1/kpis?from=2019&to=2028", mgr},
			{"/api/v1/volunteers", mgr},
			{"/api/v1/declarations", off},
			{"/api/v1/volunteers/me/participation", vol},
			{"/api/v1/activities/" + eid + "/signups", off},
			{"/api/v1/activities/" + eid + "/checkins", off},
			{"/api/v1/activities/" + aid + "/checkins", off},
		} {
			if r := e.Do("GET", c.path, c.token, nil); r.Code != 200 {
				t.Errorf("GET %s: %d %s", c.path, r.Code, r.Body)
			}
		}
	})
}

// Query parameters pass the same rule: out of bounds is a 422 naming the
// parameter, as in a body.
func TestQueryTimesOutOfBounds(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off, mgr, vol := e.Tokens["officer"], e.Tokens["manager"], e.Tokens["volunteer"]
		var paths []struct{ path, token string }
		for _, v := range outOfBounds() {
			for _, p := range []string{"from", "to", "updated_since"} {
				paths = append(paths, struct{ path, token string }{"/api/v1/activities?" + p + "=" + url.QueryEscape(v), off})
			}
		}
		for _, q := range []string{"year=1911", "year=2029", "roc_year=0", "roc_year=118", "from=1911&to=1912", "from=2027&to=2029", "year=-1"} {
			paths = append(paths, struct{ path, token string }{"/api/v1/kpis?" + q, mgr}, struct{ path, token string }{"/api/v1/kpis?format=csv&" + q, mgr})
		}
		for _, y := range []string{"1911", "2029", "-5"} {
			paths = append(paths,
				struct{ path, token string }{"/api/v1/volunteers/me/participation?year=" + y, vol},
				struct{ path, token string }{"/api/v1/volunteers?year=" + y, mgr},
				struct{ path, token string }{"/api/v1/declarations?year=" + y, off},
				struct{ path, token string }{"/api/v1/declarations/draws?year=" + y, mgr})
		}
		for _, c := range paths {
			if r := e.Do("GET", c.path, c.token, nil); r.Code != 422 || r.ErrorCode() != "validation_failed" || len(r.JSON()["error"].(map[string]any)["fields"].(map[string]any)) == 0 {
				t.Errorf("GET %s: %d %s", c.path, r.Code, r.Body)
			}
		}
		// The edges themselves are fine.
		for _, c := range []struct{ path, token string }{
			{"/api/v1/kpis?year=1912", mgr}, {"/api/v1/kpis?year=2028", mgr}, {"/api/v1/kpis?roc_year=1", mgr},
			{"/api/v1/activities?from=1912-01-01T00:00:00Z&to=" + url.QueryEscape(base.AddDate(2, 0, 0).Format(time.RFC3339)), off},
			{"/api/v1/volunteers/me/participation?year=2028", vol},
		} {
			if r := e.Do("GET", c.path, c.token, nil); r.Code != 200 {
				t.Errorf("GET %s: %d %s", c.path, r.Code, r.Body)
			}
		}
	})
}

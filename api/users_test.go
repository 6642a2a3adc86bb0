package api_test

import (
	"fmt"
	"testing"

	"ethicsops/apitest"
	"ethicsops/models"
)

func TestVolunteerRegistrationAndApproval(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		reg := map[string]string{"username": "Vol.Lee", "password": "a-long-passphrase", "display_name": "李志工", "phone": "0912-000-111", "email": "lee@example.org"}
		r := e.Do("POST", "/api/v1/volunteers/register", "", reg)
		if r.Code != 201 || r.JSON()["status"] != "pending" || r.JSON()["role"] != "volunteer" || r.JSON()["username"] != "vol.lee" {
			t.Fatalf("register: %d %s", r.Code, r.Body)
		}
		id := r.JSON()["id"].(string)
		if r := e.Do("POST", "/api/v1/volunteers/register", "", reg); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("duplicate: %d %s", r.Code, r.Body)
		}
		// Mass assignment: a registrant cannot make themselves an admin.
		bad := map[string]any{"username": "sneaky", "password": "a-long-passphrase", "display_name": "x", "phone": "0912-000-111", "email": "x@example.org", "role": "admin"}
		if r := e.Do("POST", "/api/v1/volunteers/register", "", bad); r.Code != 400 {
			t.Fatalf("role in registration: %d %s", r.Code, r.Body)
		}
		invalid := map[string]string{"username": "x", "password": "short", "display_name": "", "phone": "call me", "email": "not-an-email"}
		r = e.Do("POST", "/api/v1/volunteers/register", "", invalid)
		if r.Code != 422 {
			t.Fatalf("invalid: %d %s", r.Code, r.Body)
		}
		fields := r.JSON()["error"].(map[string]any)["fields"].(map[string]any)
		for _, f := range []string{"username", "password", "display_name", "phone", "email"} {
			if fields[f] == nil {
				t.Errorf("no error for %s: %v", f, fields)
			}
		}
		tok := e.Login("vol.lee", "a-long-passphrase")
		if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 403 {
			t.Fatalf("pending volunteer reads units: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/users/"+id+"/approve", e.Tokens["officer"], nil); r.Code != 403 {
			t.Fatalf("officer approves: %d", r.Code)
		}
		r = e.Do("POST", "/api/v1/users/"+id+"/approve", e.Tokens["manager"], nil)
		if r.Code != 200 || r.JSON()["status"] != "active" || r.JSON()["approved_at"] == nil {
			t.Fatalf("approve: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/users/"+id+"/approve", e.Tokens["manager"], nil); r.Code != 200 {
			t.Fatalf("approve again: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "volunteer.approve", id); n != 1 {
			t.Fatalf("approval audited %d times", n)
		}
		// The same token works now: approval takes effect at once.
		if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 200 {
			t.Fatalf("approved volunteer reads units: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/users/"+e.Users["officer"].ID+"/approve", e.Tokens["manager"], nil); r.Code != 409 {
			t.Fatalf("approve an officer: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/users/nope/approve", e.Tokens["manager"], nil); r.Code != 404 {
			t.Fatalf("approve unknown: %d", r.Code)
		}
	})
}

func TestRegistrationThrottle(t *testing.T) {
	e := apitest.New(t, "sqlite")
	for i := 0; i < 12; i++ {
		reg := map[string]string{"username": fmt.Sprintf("vol%02d", i), "password": "a-long-passphrase", "display_name": "志工", "phone": "0912-000-111", "email": "v@example.org"}
		r := e.Do("POST", "/api/v1/volunteers/register", "", reg)
		switch {
		case i < 10 && r.Code != 201:
			t.Fatalf("registration %d: %d %s", i, r.Code, r.Body)
		case i >= 10 && (r.Code != 429 || r.Header.Get("Retry-After") == ""):
			t.Fatalf("registration %d not throttled: %d %s", i, r.Code, r.Body)
		}
	}
}

func TestUserAdministration(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Tokens["admin"]
		r := e.Do("POST", "/api/v1/users", admin, map[string]any{"username": "chen", "password": "a-long-password", "display_name": "陳專員", "role": "officer", "unit_id": e.Unit.ID})
		if r.Code != 201 || r.JSON()["unit_id"] != e.Unit.ID {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		id := r.JSON()["id"].(string)
		if r := e.Do("POST", "/api/v1/users", admin, map[string]any{"username": "wu", "password": "a-long-password", "display_name": "吳", "role": "king", "unit_id": "nope"}); r.Code != 422 {
			t.Fatalf("invalid create: %d %s", r.Code, r.Body)
		}
		r = e.Do("PATCH", "/api/v1/users/"+id, admin, map[string]any{"role": "manager", "unit_id": e.Unit2.ID})
		if r.Code != 200 || r.JSON()["role"] != "manager" || r.JSON()["unit_id"] != e.Unit2.ID {
			t.Fatalf("patch: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "user.update", id); n != 1 {
			t.Fatalf("role change audited %d times", n)
		}
		// An admin cannot lock themselves out.
		if r := e.Do("PATCH", "/api/v1/users/"+e.Users["admin"].ID, admin, map[string]any{"status": "disabled"}); r.Code != 422 {
			t.Fatalf("self-disable: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/users/nope", admin, map[string]any{"display_name": "x"}); r.Code != 404 {
			t.Fatalf("patch unknown: %d", r.Code)
		}
		// Password change: the old one stops working.
		if r := e.Do("PATCH", "/api/v1/users/"+id, admin, map[string]any{"password": "another-long-password"}); r.Code != 200 {
			t.Fatalf("password: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "chen", "password": "a-long-password"}); r.Code != 401 {
			t.Fatalf("old password works: %d", r.Code)
		}
		e.Login("chen", "another-long-password")
		r = e.Do("GET", "/api/v1/users?role=volunteer&status=pending", admin, nil)
		var page struct{ Items []map[string]any }
		r.Decode(&page)
		if len(page.Items) != 1 || page.Items[0]["username"] != "pending" {
			t.Fatalf("filter: %s", r.Body)
		}
		if r := e.Do("GET", "/api/v1/users?role=king", admin, nil); r.Code != 400 {
			t.Fatalf("bad filter: %d", r.Code)
		}
	})
}

func TestMetaLabels(t *testing.T) {
	e := apitest.New(t, "sqlite")
	r := e.Do("GET", "/api/v1/meta", "", nil)
	var meta map[string][]map[string]string
	r.Decode(&meta)
	if len(meta["activity_kinds"]) != 8 || len(meta["kpis"]) != 7 {
		t.Fatalf("meta: %s", r.Body)
	}
	// Opinion visits are a kind with a label, and count toward no KPI.
	if k := meta["activity_kinds"][7]; k["value"] != "opinion_visit" || k["zh_tw"] != "民意訪查" {
		t.Fatalf("opinion_visit: %v", k)
	}
	for name, values := range meta {
		for _, v := range values {
			if v["zh_tw"] == "" || v["en"] == "" {
				t.Errorf("%s.%s lacks a label", name, v["value"])
			}
		}
	}
}

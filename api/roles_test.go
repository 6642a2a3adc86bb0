package api_test

import (
	"fmt"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
)

// route is one row of the authorization matrix: who may call it. Allowed
// callers must get neither 401 nor 403; everyone else exactly 401
// (anonymous) or 403.
type route struct {
	method, path string
	body         func(e *apitest.Env, n int) any
	public       bool     // anyone, signed in or not
	allowed      []string // roles (the env's account names) allowed
}

var everyone = []string{"admin", "manager", "officer", "volunteer"}

func foundationRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/meta", public: true},
		{method: "GET", path: "/healthz", public: true},
		{method: "GET", path: "/readyz", public: true},
		{method: "GET", path: "/swagger/doc.json", public: true},
		{method: "GET", path: "/api/v1/me", allowed: append([]string{"pending"}, everyone...)},
		{method: "GET", path: "/api/v1/units", allowed: everyone},
		{method: "POST", path: "/api/v1/units", allowed: []string{"admin"}, body: func(_ *apitest.Env, n int) any {
			return map[string]string{"code": fmt.Sprintf("U-%d", n), "name": fmt.Sprintf("單位%d", n), "kind": "agency"}
		}},
		{method: "GET", path: "/api/v1/users", allowed: []string{"admin"}},
		{method: "POST", path: "/api/v1/users", allowed: []string{"admin"}, body: func(_ *apitest.Env, n int) any {
			return map[string]string{"username": fmt.Sprintf("user%d", n), "password": "a-long-password", "display_name": "新同仁", "role": "officer"}
		}},
		{method: "PATCH", path: "/api/v1/users/{officer2}", allowed: []string{"admin"}, body: func(_ *apitest.Env, n int) any {
			return map[string]string{"display_name": fmt.Sprintf("陳專員%d", n)}
		}},
		{method: "POST", path: "/api/v1/users/{pending}/approve", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis?year=2020", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis?year=2020&format=csv", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis/targets", allowed: []string{"admin", "manager"}},
		{method: "PUT", path: "/api/v1/kpis/targets/2027", allowed: []string{"admin"}, body: func(_ *apitest.Env, n int) any {
			return map[string]any{"targets": map[string]any{"infosec_audits": n % 5}}
		}},
		{method: "POST", path: "/api/v1/auth/logout", allowed: append([]string{"pending"}, everyone...), body: func(*apitest.Env, int) any {
			return map[string]string{"refresh_token": "unknown"}
		}},
	}
}

// volunteerRoutes are the routes of issue 6, over an upcoming published
// outreach event.
func volunteerRoutes(t *testing.T, e *apitest.Env) []route {
	ev := create(t, e, e.Tokens["officer"], outreach(e, models.Now().Add(30*24*time.Hour), 5, true))["id"].(string)
	staff := []string{"admin", "manager", "officer"}
	return []route{
		{method: "GET", path: "/api/v1/volunteers?status=pending", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/volunteers/me/participation", allowed: []string{"volunteer"}},
		{method: "POST", path: "/api/v1/activities/" + ev + "/signups", allowed: []string{"volunteer"}},
		{method: "GET", path: "/api/v1/activities/" + ev + "/signups", allowed: staff},
		{method: "DELETE", path: "/api/v1/activities/" + ev + "/signups/me", allowed: []string{"volunteer"}},
		{method: "GET", path: "/api/v1/activities/" + ev, allowed: everyone},
	}
}

func TestRouteRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		n := 0 // the issue-6 routes run first, while "pending" is not yet approved
		for _, rt := range append(volunteerRoutes(t, e), foundationRoutes()...) {
			path := e.Expand(rt.path)
			for _, who := range []string{"", "pending", "volunteer", "officer", "manager", "admin"} {
				n++
				var body any
				if rt.body != nil {
					body = rt.body(e, n)
				}
				r := e.Do(rt.method, path, e.Tokens[who], body)
				allowed := rt.public || contains(rt.allowed, who)
				switch {
				case allowed && (r.Code == 401 || r.Code == 403):
					t.Errorf("%s %s as %q: refused %d %s", rt.method, rt.path, who, r.Code, r.Body)
				case !allowed && who == "" && r.Code != 401:
					t.Errorf("%s %s anonymous: %d, want 401", rt.method, rt.path, r.Code)
				case !allowed && who != "" && r.Code != 403:
					t.Errorf("%s %s as %q: %d, want 403", rt.method, rt.path, who, r.Code)
				case allowed && r.Code >= 400:
					t.Errorf("%s %s as %q: %d %s", rt.method, rt.path, who, r.Code, r.Body)
				}
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

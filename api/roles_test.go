package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

// route is one row of the authorization matrix: who may call it. Allowed
// callers must get neither 401 nor 403; everyone else exactly 401
// (anonymous) or 403.
type route struct {
	method, path string
	body         func(e *apitest.Env, n int) any
	public       bool           // anyone, signed in or not
	allowed      []string       // roles (the env's account names) allowed
	denied       int            // what a signed-in, active caller not allowed gets (default 403; 404 where the record is hidden)
	deniedBy     map[string]int // per role, where a caller is refused otherwise than denied says
	upload       bool           // multipart upload of a small PNG instead of a JSON body
	pat          string         // the router's pattern, where pattern(path) does not give it
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
		{method: "GET", path: "/api/v1/units/{unit}/sites", allowed: []string{"admin", "manager", "officer"}},
		{method: "POST", path: "/api/v1/units/{unit}/sites", allowed: []string{"admin", "manager"}, body: func(_ *apitest.Env, n int) any {
			return map[string]any{"name": fmt.Sprintf("工務處第%d辦公室", n), "address": "嘉義市東區中山路199號", "lat": 23.4811, "lng": 120.4536, "radius_m": 150}
		}},
		{method: "GET", path: "/api/v1/users", allowed: []string{"admin"}},
		{method: "POST", path: "/api/v1/users", allowed: []string{"admin"}, body: func(_ *apitest.Env, n int) any {
			return map[string]string{"username": fmt.Sprintf("user%d", n), "password": "a-long-password", "display_name": "新同仁", "role": "officer"}
		}},
		{method: "PATCH", path: "/api/v1/users/{officer2}", allowed: []string{"admin"}, body: func(_ *apitest.Env, n int) any {
			return map[string]string{"display_name": fmt.Sprintf("陳專員%d", n)}
		}},
		{method: "POST", path: "/api/v1/users/{pending}/approve", allowed: []string{"admin", "manager"}},
		{method: "POST", path: "/api/v1/users/{applicant}/reject", allowed: []string{"admin", "manager"}, body: func(*apitest.Env, int) any {
			return map[string]any{"reason": "名額已滿"}
		}},
		{method: "GET", path: "/api/v1/kpis?year=2020", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis?year=2020&format=csv", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/ethics-analysis?roc_year=109", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/ethics-analysis?year=2020&format=xlsx", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis?roc_year=109&format=xlsx", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis/targets", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis?year=2020&group=unit", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis?roc_year=109&group=month", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/kpis/procurement_supervisions/records?year=2020", pat: "/api/v1/kpis/:code/records", allowed: []string{"admin", "manager"}},
		{method: "PUT", path: "/api/v1/kpis/targets/2027", pat: "/api/v1/kpis/targets/:year", allowed: []string{"admin"}, body: func(_ *apitest.Env, n int) any {
			return map[string]any{"targets": map[string]any{"infosec_audits": n % 5}}
		}},
		{method: "POST", path: "/api/v1/kpis/years/2020/close", pat: "/api/v1/kpis/years/:year/close", allowed: []string{"admin"}, body: func(*apitest.Env, int) any {
			return map[string]any{"reason": "已於 2021-01-20 函報法務部廉政署"}
		}},
		{method: "POST", path: "/api/v1/kpis/years/2020/reopen", pat: "/api/v1/kpis/years/:year/reopen", allowed: []string{"admin"}, body: func(*apitest.Env, int) any {
			return map[string]any{"reason": "更正誤植"}
		}},
		{method: "POST", path: "/api/v1/auth/logout", allowed: append([]string{"pending"}, everyone...), body: func(*apitest.Env, int) any {
			return map[string]string{"refresh_token": "unknown"}
		}},
	}
}

// recordRoutes are the field-record and audit routes. {activity} is an
// unpublished activity of "officer", {attachment} a photo of it, {fresh} a
// new activity of "officer" for each call (so that DELETE can succeed for
// every allowed role).
func recordRoutes() []route {
	staff := []string{"officer", "manager", "admin"}
	return []route{
		{method: "GET", path: "/api/v1/activities", allowed: everyone},
		{method: "POST", path: "/api/v1/activities", allowed: staff, body: func(e *apitest.Env, n int) any {
			return procurement(e, map[string]any{"title": fmt.Sprintf("角色測試 %d", n)})
		}},
		{method: "GET", path: "/api/v1/activities/{activity}", allowed: staff, denied: 404},
		{method: "GET", path: "/api/v1/activities/export?format=csv", allowed: staff},
		{method: "GET", path: "/api/v1/activities/export?format=xlsx", allowed: staff},
		{method: "GET", path: "/api/v1/declarations/export?format=csv&year=2020", allowed: staff},
		{method: "PATCH", path: "/api/v1/activities/{fresh}", allowed: staff, denied: 403, body: func(*apitest.Env, int) any {
			return map[string]any{"version": 1, "notes": "角色測試"}
		}},
		{method: "DELETE", path: "/api/v1/activities/{fresh}", allowed: staff},
		// Review: officers are refused, volunteers do not know the record.
		{method: "POST", path: "/api/v1/activities/{completed}/review", allowed: []string{"manager", "admin"}, deniedBy: map[string]int{"volunteer": 404},
			body: func(*apitest.Env, int) any { return map[string]any{"decision": "approved", "version": 1} }},
		{method: "POST", path: "/api/v1/activities/{activity}/checkins", allowed: staff, denied: 404, body: func(*apitest.Env, int) any {
			return checkin("arrive", 23.4801, 120.4491, 5, time.Now().Add(-time.Minute))
		}},
		{method: "GET", path: "/api/v1/activities/{activity}/checkins", allowed: staff},
		{method: "GET", path: "/api/v1/activities/{activity}/history", allowed: staff, denied: 404},
		// Uploads: the owner only (SPEC.md); managers and admins are refused too.
		{method: "POST", path: "/api/v1/activities/{activity}/attachments", allowed: []string{"officer"}, upload: true},
		{method: "GET", path: "/api/v1/attachments/{attachment}", allowed: staff, denied: 404},
		{method: "POST", path: "/api/v1/sync", allowed: everyone, body: func(*apitest.Env, int) any {
			return map[string]any{"operations": []any{map[string]any{"op": "create_checkin", "activity_id": uuid.NewString(),
				"body": checkin("arrive", 23.4801, 120.4491, 5, time.Now().Add(-time.Minute))}}}
		}},
		{method: "GET", path: "/api/v1/audit-events", allowed: []string{"admin"}},
		{method: "GET", path: "/api/v1/audit-events/verify", allowed: []string{"admin"}},
		{method: "POST", path: "/api/v1/auth/login", public: true, body: func(*apitest.Env, int) any {
			return map[string]string{"username": "manager", "password": apitest.Password}
		}},
		{method: "POST", path: "/api/v1/volunteers/register", public: true, body: func(_ *apitest.Env, n int) any {
			return map[string]string{"username": fmt.Sprintf("reg%d", n), "password": "a-long-passphrase", "display_name": "志工", "phone": "0912-000-111", "email": "v@example.org"}
		}},
	}
}

// volunteerRoutes are the routes of issue 6; {event} is an upcoming
// published outreach event of "officer", {attended} one starting soon at
// which "volunteer" has arrived.
func volunteerRoutes() []route {
	staff := []string{"admin", "manager", "officer"}
	return []route{
		{method: "GET", path: "/api/v1/volunteers?status=pending", allowed: []string{"admin", "manager"}},
		{method: "GET", path: "/api/v1/volunteers/me/participation", allowed: []string{"volunteer"}},
		{method: "POST", path: "/api/v1/activities/{event}/signups", allowed: []string{"volunteer"}},
		{method: "GET", path: "/api/v1/activities/{event}/signups", allowed: staff},
		{method: "GET", path: "/api/v1/activities/{event}/signups/export?format=xlsx", allowed: staff},
		{method: "DELETE", path: "/api/v1/activities/{event}/signups/me", allowed: []string{"volunteer"}},
		{method: "GET", path: "/api/v1/activities/{event}", allowed: everyone},
		{method: "POST", path: "/api/v1/activities/{attended}/attendance/{volunteer}/confirm", pat: "/api/v1/activities/:id/attendance/:user_id/confirm",
			allowed: []string{"admin", "manager"}},
		{method: "POST", path: "/api/v1/activities/{attended}/attendance/{volunteer}/reject", pat: "/api/v1/activities/:id/attendance/:user_id/reject",
			allowed: []string{"admin", "manager"}},
	}
}

// declarationRoutes are checked role by role in TestDeclarationRoutesRoles
// (they need a roster and a draw); listed here for the coverage check.
var declarationRoutes = []string{
	"GET /api/v1/declarations", "POST /api/v1/declarations", "PATCH /api/v1/declarations/:id",
	"POST /api/v1/declarations/import", "GET /api/v1/declarations/draws", "POST /api/v1/declarations/draws",
	"GET /api/v1/declarations/draws/:id", "GET /api/v1/declarations/draws/:id/verify",
}

// reportPublicRoutes are checked role by role in TestReportPublicRoutesRoles
// (api/reports_public_test.go): each report needs a fresh proof, and the
// reporter's routes take a reporter's token, which no role holds.
var reportPublicRoutes = []string{
	"GET /api/v1/reports/challenge", "POST /api/v1/reports", "POST /api/v1/reports/access",
	"GET /api/v1/reports/mine", "POST /api/v1/reports/mine/messages", "POST /api/v1/reports/mine/files",
}

// uncheckedRoutes need no role check here: the refresh route takes no access
// token (its refresh token is tested in auth_test.go), and the static files
// and Swagger catch-alls are public. Signing out everywhere and changing
// one's password end the caller's sessions, which the matrix's tokens must
// survive: every role is checked on them in sessions_test.go.
// The web client's routes are tested in web_test.go.
var uncheckedRoutes = []string{"POST /api/v1/auth/refresh", "GET /swagger/*any", "GET /static/*path", "GET /", "HEAD /", "GET /sw.js",
	"POST /api/v1/auth/logout-all", "POST /api/v1/me/password"}

// pattern turns a table path into the router's pattern: no query, and each
// {placeholder} segment a :id.
func pattern(method, path string) string {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = ":id"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

// TestEveryRouteInRoleTable fails when a route of the router is in none of
// the role tables, so that a new route cannot ship without its check.
func TestEveryRouteInRoleTable(t *testing.T) {
	e := apitest.New(t, "sqlite")
	covered := map[string]bool{}
	for _, rt := range append(append(append(foundationRoutes(), recordRoutes()...), volunteerRoutes()...), earlyWarningRoutes()...) {
		if rt.pat != "" {
			covered[rt.method+" "+rt.pat] = true
		} else {
			covered[pattern(rt.method, rt.path)] = true
		}
	}
	for _, s := range append(append(append(append([]string{}, declarationRoutes...), registrationRoutes...), uncheckedRoutes...), reportPublicRoutes...) {
		covered[s] = true
	}
	for _, s := range reportHandlingRoutes {
		covered[s] = true
	}
	engine, ok := e.Router.(*gin.Engine)
	if !ok {
		t.Fatalf("router is %T, not *gin.Engine", e.Router)
	}
	for _, r := range engine.Routes() {
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("%s %s is in no role table (api/roles_test.go)", r.Method, r.Path)
		}
	}
}

func TestRouteRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		act := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"title": "角色測試"}))
		actPath := "/api/v1/activities/" + act["id"].(string)
		att := upload(t, e, actPath+"/attachments", e.Tokens["officer"], "file", "p.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...))
		if att.Code != 201 {
			t.Fatalf("upload: %d %s", att.Code, att.Body)
		}
		attID := att.JSON()["id"].(string)
		ev := create(t, e, e.Tokens["officer"], outreach(e, models.Now().Add(30*24*time.Hour), 5, true))["id"].(string)
		attended := create(t, e, e.Tokens["officer"], outreach(e, models.Now().Add(30*time.Minute), 5, true))["id"].(string)
		if r := e.Do("POST", "/api/v1/activities/"+attended+"/signups", e.Tokens["volunteer"], nil); r.Code != 201 {
			t.Fatalf("sign up: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/activities/"+attended+"/checkins", e.Tokens["volunteer"], checkin("arrive", 23.4801, 120.4491, 5, models.Now())); r.Code != 201 {
			t.Fatalf("arrive: %d %s", r.Code, r.Body)
		}
		n := 0
		// The record and volunteer routes first: the foundation table approves "pending".
		for _, rt := range append(append(append(volunteerRoutes(), recordRoutes()...), earlyWarningRoutes()...), foundationRoutes()...) {
			for _, who := range []string{"", "pending", "volunteer", "officer", "manager", "admin"} {
				n++
				path := e.Expand(rt.path)
				path = strings.ReplaceAll(path, "{activity}", act["id"].(string))
				path = strings.ReplaceAll(path, "{attachment}", attID)
				path = strings.ReplaceAll(path, "{event}", ev)
				path = strings.ReplaceAll(path, "{attended}", attended)
				path = strings.ReplaceAll(path, "{unit}", e.Unit.ID)
				path = expandWarnings(t, e, path)
				if strings.Contains(path, "{fresh}") {
					fresh := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"title": fmt.Sprintf("新紀錄 %d", n)}))
					path = strings.ReplaceAll(path, "{fresh}", fresh["id"].(string))
				}
				if strings.Contains(path, "{applicant}") {
					u, err := e.Svc.Users.Create(t.Context(), services.Actor{Role: models.RoleAdmin}, services.NewUser{Username: fmt.Sprintf("applicant%d", n),
						Password: apitest.Password, DisplayName: "申請人", Role: models.RoleVolunteer, Status: models.StatusPending})
					if err != nil {
						t.Fatal(err)
					}
					path = strings.ReplaceAll(path, "{applicant}", u.ID)
				}
				if strings.Contains(path, "{completed}") {
					done := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"title": fmt.Sprintf("已完成 %d", n), "status": "completed"}))
					path = strings.ReplaceAll(path, "{completed}", done["id"].(string))
				}
				var body any
				if rt.body != nil {
					body = rt.body(e, n)
				}
				var r *apitest.Response
				if rt.upload {
					r = upload(t, e, path, e.Tokens[who], "file", "p.png", append([]byte("\x89PNG\r\n\x1a\n"), byte(n), 1, 2, 3))
				} else {
					r = e.Do(rt.method, path, e.Tokens[who], body)
				}
				allowed := rt.public || contains(rt.allowed, who)
				denied := 403
				if rt.denied != 0 && who != "pending" {
					denied = rt.denied
				}
				if d, ok := rt.deniedBy[who]; ok {
					denied = d
				}
				switch {
				case allowed && (r.Code == 401 || r.Code == 403):
					t.Errorf("%s %s as %q: refused %d %s", rt.method, rt.path, who, r.Code, r.Body)
				case !allowed && who == "" && r.Code != 401:
					t.Errorf("%s %s anonymous: %d, want 401", rt.method, rt.path, r.Code)
				case !allowed && who != "" && r.Code != denied:
					t.Errorf("%s %s as %q: %d, want %d", rt.method, rt.path, who, r.Code, denied)
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

package api_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/reports"
)

// reportHandlingRoutes are checked caller by caller in
// TestReportHandlingRoles (they need designated handlers and a report);
// listed here for the coverage check.
var reportHandlingRoutes = []string{
	"GET /api/v1/reports/stats", "GET /api/v1/reports", "GET /api/v1/reports/:id",
	"POST /api/v1/reports/:id/assign", "POST /api/v1/reports/:id/transition", "POST /api/v1/reports/:id/messages",
}

// handlers designates report handlers for the tests: "handler" (officer),
// "handler2" (manager) and "named" (an officer handler whom reports are
// about), each signed in.
func designateHandlers(t *testing.T, e *apitest.Env) {
	t.Helper()
	for _, a := range []struct{ name, role string }{{"handler", models.RoleOfficer}, {"handler2", models.RoleManager}, {"named", models.RoleOfficer}} {
		u, err := e.Svc.Users.Create(t.Context(), services.Actor{Role: models.RoleAdmin}, services.NewUser{Username: a.name, Password: apitest.Password,
			DisplayName: map[string]string{"handler": "陳承辦", "handler2": "林科長", "named": "王專員"}[a.name], Role: a.role, Status: models.StatusActive, UnitID: &e.Unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		r := e.Do("PATCH", "/api/v1/users/"+u.ID, e.Tokens["admin"], map[string]any{"report_handler": true})
		if r.Code != 200 || r.JSON()["report_handler"] != true {
			t.Fatalf("designate %s: %d %s", a.name, r.Code, r.Body)
		}
		e.Users[a.name] = u
		e.Tokens[a.name] = e.Login(a.name, apitest.Password)
	}
}

// seedReport stores a report received at `at` as the intake does: content
// sealed under the test key, deadlines from the defaults.
func seedReport(t *testing.T, e *apitest.Env, at time.Time, channel, disclosure string, c reports.Content) string {
	t.Helper()
	sealer, err := reports.NewSealer(apitest.ReportsKey)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	doc, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	salt := make([]byte, 32)
	_, _ = rand.Read(salt)
	at = at.UTC().Truncate(time.Microsecond)
	d := reports.DeadlinesFor(at, e.Location, 0, 0)
	r := models.Report{ID: id, ReceiptHash: hex.EncodeToString(salt), Channel: channel, State: models.ReportReceived, Disclosure: disclosure,
		Year: at.In(e.Location).Year(), Sealed: sealer.Seal(doc, []byte("ethicsops/report/"+id+"/content")), KeyID: sealer.KeyID(),
		FirstAnswerDue: d.FirstAnswer, AssessmentDue: d.Assessment, ReceivedAt: at, UpdatedAt: at, Version: 1}
	if err := e.DB.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

func bribery(what string) reports.Content {
	return reports.Content{What: what, Involved: reports.Involved{Agency: "嘉義市政府工務處", Person: "王○○", Role: "採購承辦人"},
		When: "115年10月中旬", Where: "嘉義市西區某餐廳", HowKnown: "同桌親眼所見"}
}

func taipei(t *testing.T, e *apitest.Env, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, e.Location)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestReportHandlerDesignation(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		off := e.Users["officer"].ID
		r := e.Do("PATCH", "/api/v1/users/"+off, e.Tokens["admin"], map[string]any{"report_handler": true})
		if r.Code != 200 || r.JSON()["report_handler"] != true {
			t.Fatalf("designate: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/me", e.Tokens["officer"], nil); r.JSON()["report_handler"] != true {
			t.Errorf("/me: %s", r.Body)
		}
		if r := e.Do("GET", "/api/v1/users?role=officer", e.Tokens["admin"], nil); !strings.Contains(r.Body, `"report_handler":true`) || !strings.Contains(r.Body, `"report_handler":false`) {
			t.Errorf("/users does not show the flag: %s", r.Body)
		}
		var ev models.AuditEvent
		if err := e.DB.Where("action = ? AND entity_id = ?", "user.update", off).Order("at DESC").Take(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(ev.After), `"report_handler":true`) || !strings.Contains(string(ev.Before), `"report_handler":false`) {
			t.Errorf("audit: before %s after %s", ev.Before, ev.After)
		}
		for _, who := range []string{"volunteer", "admin"} {
			r := e.Do("PATCH", "/api/v1/users/"+e.Users[who].ID, e.Tokens["admin"], map[string]any{"report_handler": true})
			if r.Code != 422 || !strings.Contains(r.Body, `"report_handler"`) {
				t.Errorf("%s designated: %d %s", who, r.Code, r.Body)
			}
		}
		if r := e.Do("PATCH", "/api/v1/users/"+e.Users["manager"].ID, e.Tokens["admin"], map[string]any{"role": "volunteer", "report_handler": true}); r.Code != 422 {
			t.Errorf("made a volunteer handler: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/users/"+off, e.Tokens["manager"], map[string]any{"report_handler": false}); r.Code != 403 {
			t.Errorf("a manager withdrew a designation: %d", r.Code)
		}
		// A handler who becomes a volunteer stops handling reports.
		r = e.Do("PATCH", "/api/v1/users/"+off, e.Tokens["admin"], map[string]any{"role": "volunteer"})
		if r.Code != 200 || r.JSON()["report_handler"] != false {
			t.Errorf("role change kept the flag: %d %s", r.Code, r.Body)
		}
	})
}

// TestReportHandlingRoles: who gets what on every handler route. Only
// designated handlers read and act; managers, admins and other officers
// get 403 (the counts only, for managers and admins); a handler the report
// is about gets 404 and never sees it listed.
func TestReportHandlingRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		now := e.Clock.Now()
		var id string
		fresh := func() string {
			id = seedReport(t, e, now.Add(-time.Hour), "web", "anonymous", bribery("角色測試"))
			r := e.Do("POST", "/api/v1/reports/"+id+"/assign", e.Tokens["handler"], map[string]any{"assignee_id": e.Users["handler"].ID,
				"involved_user_ids": []string{e.Users["named"].ID}, "version": 1})
			if r.Code != 200 {
				t.Fatalf("assign: %d %s", r.Code, r.Body)
			}
			return id
		}
		type row struct {
			method, path string
			body         func() any
			want         map[string]int // caller → status; the rest 403 (401 anonymous)
		}
		ok := func(code int) map[string]int { return map[string]int{"handler": code, "handler2": code, "named": 404} }
		rows := []row{
			{"GET", "/api/v1/reports/stats", nil, map[string]int{"handler": 200, "handler2": 200, "named": 200, "manager": 200, "admin": 200}},
			{"GET", "/api/v1/reports", nil, map[string]int{"handler": 200, "handler2": 200, "named": 200}},
			{"GET", "/api/v1/reports/{id}", nil, ok(200)},
			{"POST", "/api/v1/reports/{id}/assign", func() any {
				return map[string]any{"assignee_id": e.Users["handler2"].ID, "version": 2}
			}, ok(200)},
			{"POST", "/api/v1/reports/{id}/transition", func() any { return map[string]any{"to": "assessing", "version": 2} }, ok(200)},
			{"POST", "/api/v1/reports/{id}/messages", func() any { return map[string]any{"text": "請問是否有收據？"} }, ok(201)},
		}
		for _, rw := range rows {
			for _, who := range []string{"", "pending", "volunteer", "officer", "manager", "admin", "handler", "handler2", "named"} {
				path := rw.path
				if strings.Contains(path, "{id}") {
					path = strings.ReplaceAll(path, "{id}", fresh())
				}
				var body any
				if rw.body != nil {
					body = rw.body()
				}
				want, found := rw.want[who]
				if !found {
					want = 403
					if who == "" {
						want = 401
					}
				}
				if r := e.Do(rw.method, path, e.Tokens[who], body); r.Code != want {
					t.Errorf("%s %s as %q: %d %s, want %d", rw.method, rw.path, who, r.Code, r.Body, want)
				}
			}
		}
	})
}

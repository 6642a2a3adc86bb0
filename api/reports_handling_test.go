package api_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

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
	"GET /api/v1/reports/:id/files/:file_id", "POST /api/v1/reports/intake",
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

// setClock fixes the test clock at `at` and signs everyone in again: the
// access tokens of another day have expired.
func setClock(t *testing.T, e *apitest.Env, at time.Time) {
	t.Helper()
	e.Clock.Set(at)
	for name := range e.Tokens {
		if name != "pending" {
			e.Tokens[name] = e.Login(name, apitest.Password)
		}
	}
}

// recordLetter records a letter with a PDF enclosure as "handler" and
// returns the receipt.
func recordLetter(t *testing.T, e *apitest.Env, letter map[string]any, pdf []byte) string {
	t.Helper()
	doc, _ := json.Marshal(letter)
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	pw, _ := mw.CreateFormField("report")
	_, _ = pw.Write(doc)
	fw, _ := mw.CreateFormFile("file", "來函.pdf")
	_, _ = fw.Write(pdf)
	_ = mw.Close()
	r := e.DoWith("POST", "/api/v1/reports/intake", e.Tokens["handler"], body.String(), map[string]string{"Content-Type": mw.FormDataContentType()})
	if r.Code != 201 {
		t.Fatalf("record: %d %s", r.Code, r.Body)
	}
	return r.JSON()["receipt"].(string)
}

var aLetter = map[string]any{"channel": "letter", "what": "來函檢舉：環保局稽查員疑於稽查時向業者索取紅包。", "involved": map[string]any{"agency": "嘉義市政府環境保護局", "role": "稽查員"},
	"when": "115年9月", "disclosure": "confidential", "identity": map[string]any{"name": "黃老闆", "phone": "05-2345678"}}

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
		// A letter with its enclosure, about "named".
		recordLetter(t, e, aLetter, []byte("%PDF-1.4\n%%EOF\n"))
		var withFile models.ReportFile
		if err := e.DB.Take(&withFile).Error; err != nil {
			t.Fatal(err)
		}
		if r := e.Do("POST", "/api/v1/reports/"+withFile.ReportID+"/assign", e.Tokens["handler"], map[string]any{"assignee_id": e.Users["handler"].ID,
			"involved_user_ids": []string{e.Users["named"].ID}, "version": 1}); r.Code != 200 {
			t.Fatalf("assign: %d %s", r.Code, r.Body)
		}
		rows = append(rows,
			row{"GET", "/api/v1/reports/" + withFile.ReportID + "/files/" + withFile.ID, nil, ok(200)},
			row{"POST", "/api/v1/reports/intake", func() any { return aLetter }, map[string]int{"handler": 201, "handler2": 201, "named": 201}})
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

type queuePage struct {
	Items []struct {
		ID              string     `json:"id"`
		Ref             string     `json:"ref"`
		State           string     `json:"state"`
		NextDue         *time.Time `json:"next_due"`
		Overdue         bool       `json:"overdue"`
		FirstAnsweredAt *time.Time `json:"first_answered_at"`
		Unread          int        `json:"unread_from_reporter"`
		Version         int        `json:"version"`
		Assignee        *struct {
			ID string `json:"id"`
		} `json:"assignee"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func queue(t *testing.T, e *apitest.Env, who string, q url.Values) queuePage {
	t.Helper()
	r := e.Do("GET", "/api/v1/reports?"+q.Encode(), e.Tokens[who], nil)
	if r.Code != 200 {
		t.Fatalf("queue %v as %s: %d %s", q, who, r.Code, r.Body)
	}
	var p queuePage
	r.Decode(&p)
	return p
}

// TestReportQueueOrderAndOverdue: the queue lists the open reports by their
// next deadline (most urgent first), marks the overdue ones against the
// clock, filters, and pages without losing or repeating a report.
func TestReportQueueOrderAndOverdue(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		// Tuesday 1 December 2026, 10:00 in Taipei.
		setClock(t, e, taipei(t, e, "2026-12-01 10:00"))
		old := seedReport(t, e, taipei(t, e, "2026-11-02 09:00"), "letter", "open", bribery("十一月初的檢舉"))        // first answer due 16 Nov: overdue
		mid := seedReport(t, e, taipei(t, e, "2026-11-20 09:00"), "web", "anonymous", bribery("十一月下旬的檢舉"))     // due 4 Dec
		newer := seedReport(t, e, taipei(t, e, "2026-11-30 09:00"), "phone", "confidential", bribery("昨天的檢舉")) // due 14 Dec
		answered := seedReport(t, e, taipei(t, e, "2026-11-10 09:00"), "web", "anonymous", bribery("已回覆的檢舉"))
		if r := e.Do("POST", "/api/v1/reports/"+answered+"/messages", e.Tokens["handler"], map[string]any{"text": "已收到，將進行評估。"}); r.Code != 201 {
			t.Fatalf("answer: %d %s", r.Code, r.Body)
		}
		// answered: first answer given, assessment due 10 Dec: after mid, before newer.
		closed := seedReport(t, e, taipei(t, e, "2026-10-01 09:00"), "mailbox", "anonymous", bribery("已結案"))
		for i, step := range []map[string]any{{"to": "assessing", "version": 1}, {"to": "closed", "reason": "查無具體事證", "version": 2}} {
			if r := e.Do("POST", "/api/v1/reports/"+closed+"/transition", e.Tokens["handler"], step); r.Code != 200 {
				t.Fatalf("step %d: %d %s", i, r.Code, r.Body)
			}
		}
		p := queue(t, e, "handler", nil)
		var got []string
		for _, it := range p.Items {
			got = append(got, it.ID)
		}
		want := []string{old, mid, answered, newer, closed}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("order %v, want %v", got, want)
		}
		if !p.Items[0].Overdue || p.Items[1].Overdue || p.Items[4].Overdue || p.Items[4].NextDue != nil {
			t.Errorf("overdue marks: %+v", p.Items)
		}
		if !p.Items[0].NextDue.Equal(taipei(t, e, "2026-11-16 00:00").Add(24*time.Hour - time.Microsecond)) {
			t.Errorf("next due of the oldest: %v", p.Items[0].NextDue)
		}
		if p.Items[0].Ref != "115-0002" || p.Items[4].Ref != "115-0001" {
			t.Errorf("refs: %s %s", p.Items[0].Ref, p.Items[4].Ref)
		}
		if o := queue(t, e, "handler", url.Values{"overdue": {"true"}}); len(o.Items) != 1 || o.Items[0].ID != old {
			t.Errorf("overdue filter: %+v", o.Items)
		}
		// Time passes: on 5 December mid is overdue too.
		setClock(t, e, taipei(t, e, "2026-12-05 08:00"))
		if o := queue(t, e, "handler", url.Values{"overdue": {"true"}}); len(o.Items) != 2 || o.Items[1].ID != mid {
			t.Errorf("overdue on 5 Dec: %+v", o.Items)
		}
		if s := queue(t, e, "handler", url.Values{"state": {"closed"}}); len(s.Items) != 1 || s.Items[0].ID != closed {
			t.Errorf("state filter: %+v", s.Items)
		}
		if r := e.Do("GET", "/api/v1/reports?state=lost", e.Tokens["handler"], nil); r.Code != 422 {
			t.Errorf("unknown state: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/reports/"+mid+"/assign", e.Tokens["handler"], map[string]any{"assignee_id": e.Users["handler2"].ID, "version": 1}); r.Code != 200 {
			t.Fatalf("assign: %d %s", r.Code, r.Body)
		}
		if m := queue(t, e, "handler2", url.Values{"assigned": {"me"}}); len(m.Items) != 1 || m.Items[0].ID != mid || m.Items[0].Assignee.ID != e.Users["handler2"].ID {
			t.Errorf("assigned=me: %+v", m.Items)
		}
		// Pages of two: the same five, in the same order.
		var paged []string
		cursor := ""
		for range 5 {
			q := url.Values{"limit": {"2"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			pg := queue(t, e, "handler", q)
			for _, it := range pg.Items {
				paged = append(paged, it.ID)
			}
			if cursor = pg.NextCursor; cursor == "" {
				break
			}
		}
		if strings.Join(paged, ",") != strings.Join(want, ",") {
			t.Errorf("paged %v, want %v", paged, want)
		}
	})
}

// TestReportWorkflow: transitions in order only, with versions; a referral
// needs its target, agency and a date within bounds; closing a reason; the
// first message to the reporter is the first answer, an internal note is
// not; every read is audited and the audit chain verifies.
func TestReportWorkflow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		setClock(t, e, taipei(t, e, "2026-12-01 10:00"))
		c := bribery("工務處採購承辦人於驗收前收受廠商招待。")
		c.Identity = reports.Identity{Name: "李小華", Phone: "0912-345-678"}
		id := seedReport(t, e, taipei(t, e, "2026-11-25 09:00"), "web", "confidential", c)
		path := "/api/v1/reports/" + id
		tr := func(body map[string]any) *apitest.Response {
			return e.Do("POST", path+"/transition", e.Tokens["handler"], body)
		}
		if r := tr(map[string]any{"to": "closed", "reason": "x", "version": 1}); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Errorf("received → closed: %d %s", r.Code, r.Body)
		}
		if r := tr(map[string]any{"to": "assessing", "version": 1}); r.Code != 200 || r.JSON()["state"] != "assessing" || r.JSON()["version"] != 2.0 {
			t.Fatalf("assess: %d %s", r.Code, r.Body)
		}
		if r := tr(map[string]any{"to": "referred", "referred_to": "aac", "referred_on": "2026-12-01", "version": 1}); r.Code != 409 || r.ErrorCode() != "version_conflict" {
			t.Errorf("stale version: %d %s", r.Code, r.Body)
		}
		for name, body := range map[string]map[string]any{
			"referred_on":     {"to": "referred", "referred_to": "aac", "referred_on": "2026-11-24", "version": 2},
			"referred_on ":    {"to": "referred", "referred_to": "aac", "referred_on": "2026-12-02", "version": 2},
			"referred_agency": {"to": "referred", "referred_to": "agency", "referred_on": "2026-12-01", "version": 2},
			"referred_to":     {"to": "referred", "referred_to": "police", "referred_on": "2026-12-01", "version": 2},
			"reason":          {"to": "closed", "version": 2},
		} {
			r := tr(body)
			if r.Code != 422 || !strings.Contains(r.Body, `"`+strings.TrimSpace(name)+`"`) {
				t.Errorf("%s: %d %s", name, r.Code, r.Body)
			}
		}
		// Messages: an internal note is not an answer; the first message to
		// the reporter is.
		if r := e.Do("POST", path+"/messages", e.Tokens["handler"], map[string]any{"text": "檢舉人具名，先確認工務處驗收紀錄。", "internal": true}); r.Code != 201 || r.JSON()["internal"] != true {
			t.Fatalf("note: %d %s", r.Code, r.Body)
		}
		get := func() map[string]any {
			r := e.Do("GET", path, e.Tokens["handler"], nil)
			if r.Code != 200 {
				t.Fatalf("get: %d %s", r.Code, r.Body)
			}
			return r.JSON()
		}
		if d := get(); d["first_answered_at"] != nil {
			t.Errorf("an internal note counted as the first answer")
		}
		setClock(t, e, taipei(t, e, "2026-12-02 11:00"))
		if r := e.Do("POST", path+"/messages", e.Tokens["handler"], map[string]any{"text": "您好，本處已收到您的檢舉，請問餐敘的日期？"}); r.Code != 201 {
			t.Fatalf("answer: %d %s", r.Code, r.Body)
		}
		d := get()
		if at, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(d["first_answered_at"])); !at.Equal(taipei(t, e, "2026-12-02 11:00")) {
			t.Errorf("first_answered_at %v", d["first_answered_at"])
		}
		if d["content"].(map[string]any)["what"] != c.What || d["identity"].(map[string]any)["name"] != "李小華" {
			t.Errorf("content: %#v %#v (want %q)", d["content"], d["identity"], c.What)
		}
		msgs := d["messages"].([]any)
		if len(msgs) != 2 || msgs[0].(map[string]any)["author"].(map[string]any)["display_name"] != "陳承辦" {
			t.Errorf("messages: %v", msgs)
		}
		v := int(d["version"].(float64))
		r := tr(map[string]any{"to": "referred", "referred_to": "agency", "referred_agency": "嘉義市政府政風處", "referred_on": "2026-12-02", "version": v})
		if r.Code != 200 {
			t.Fatalf("refer: %d %s", r.Code, r.Body)
		}
		ref := r.JSON()["referral"].(map[string]any)
		if ref["to"] != "agency" || ref["agency"] != "嘉義市政府政風處" || ref["on"] != "2026-12-02" || r.JSON()["assessed_at"] == nil || r.JSON()["next_due"] != nil {
			t.Errorf("referral: %s", r.Body)
		}
		if r := tr(map[string]any{"to": "closed", "reason": "x", "version": v + 1}); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Errorf("referred → closed: %d %s", r.Code, r.Body)
		}
		// The agency's name is sealed: not in the row, not in the trail.
		var raw models.Report
		e.DB.Where("id = ?", id).Take(&raw)
		if strings.Contains(string(raw.Sealed), "政風處") {
			t.Error("the agency is in the clear in the row")
		}
		var events []models.AuditEvent
		e.DB.Where("entity_id = ?", id).Order("at").Find(&events)
		reads := 0
		for _, ev := range events {
			if strings.Contains(string(ev.Before)+string(ev.After), "政風處") || strings.Contains(string(ev.After), "餐敘") {
				t.Errorf("audit event %s carries report text: %s", ev.Action, ev.After)
			}
			if ev.Action == "report.read" {
				reads++
				if ev.ActorID != e.Users["handler"].ID {
					t.Errorf("read by %s", ev.ActorID)
				}
			}
		}
		if reads != 2 {
			t.Errorf("%d reads audited, want 2", reads)
		}
		if _, err := e.Svc.Audit.Seal(t.Context()); err != nil {
			t.Fatal(err)
		}
		if r := e.Do("GET", "/api/v1/audit-events/verify", e.Tokens["admin"], nil); r.Code != 200 || r.JSON()["ok"] != true {
			t.Errorf("audit chain: %d %s", r.Code, r.Body)
		}
	})
}

// TestReportExclusionAndStats: a handler named in a report gets 404 on it,
// never sees it in the queue, cannot be assigned it; the statistics count
// every report exactly, for managers and admins too, without ids or text.
func TestReportExclusionAndStats(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		setClock(t, e, taipei(t, e, "2026-12-01 10:00"))
		about := seedReport(t, e, taipei(t, e, "2026-11-30 09:00"), "web", "anonymous", bribery("王專員收受招待"))
		seedReport(t, e, taipei(t, e, "2025-03-03 09:00"), "letter", "open", bribery("去年的書面檢舉"))
		seedReport(t, e, taipei(t, e, "2025-06-03 09:00"), "phone", "anonymous", bribery("去年的電話檢舉"))
		seedReport(t, e, taipei(t, e, "2026-11-02 09:00"), "web", "confidential", bribery("逾期未回覆"))
		path := "/api/v1/reports/" + about
		if r := e.Do("POST", path+"/assign", e.Tokens["handler"], map[string]any{"assignee_id": e.Users["named"].ID, "involved_user_ids": []string{e.Users["named"].ID}, "version": 1}); r.Code != 422 || !strings.Contains(r.Body, "assignee_id") {
			t.Errorf("assigned to the handler it is about: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", path+"/assign", e.Tokens["handler"], map[string]any{"assignee_id": e.Users["officer"].ID, "version": 1}); r.Code != 422 {
			t.Errorf("assigned to a non-handler: %d %s", r.Code, r.Body)
		}
		r := e.Do("POST", path+"/assign", e.Tokens["handler"], map[string]any{"assignee_id": e.Users["handler2"].ID, "involved_user_ids": []string{e.Users["named"].ID}, "version": 1})
		if r.Code != 200 || !strings.Contains(r.Body, "王專員") {
			t.Fatalf("assign: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", path+"/assign", e.Tokens["handler"], map[string]any{"assignee_id": e.Users["named"].ID, "version": 2}); r.Code != 422 {
			t.Errorf("re-assigned to an excluded handler: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", path, e.Tokens["named"], nil); r.Code != 404 {
			t.Errorf("the handler it is about read it: %d", r.Code)
		}
		for _, it := range queue(t, e, "named", nil).Items {
			if it.ID == about {
				t.Error("the handler it is about sees it in the queue")
			}
		}
		if n := len(queue(t, e, "handler", nil).Items); n != 4 {
			t.Errorf("handler's queue: %d", n)
		}
		want := map[string]any{
			"by_state":   map[string]any{"received": 4.0, "assessing": 0.0, "referred": 0.0, "closed": 0.0},
			"by_channel": map[string]any{"web": 2.0, "letter": 1.0, "phone": 1.0, "mailbox": 0.0, "in_person": 0.0},
			// Overdue: the two of 2025 never answered, and November's.
			"overdue": 3.0, "total": 4.0,
		}
		for _, who := range []string{"manager", "admin", "named", "handler"} {
			r := e.Do("GET", "/api/v1/reports/stats", e.Tokens[who], nil)
			if r.Code != 200 {
				t.Fatalf("stats as %s: %d", who, r.Code)
			}
			got := r.JSON()
			for k, v := range want {
				if fmt.Sprint(got[k]) != fmt.Sprint(v) {
					t.Errorf("stats as %s: %s = %v, want %v", who, k, got[k], v)
				}
			}
			if strings.Contains(r.Body, about) || strings.Contains(r.Body, "招待") {
				t.Errorf("stats carry a report: %s", r.Body)
			}
		}
		r = e.Do("GET", "/api/v1/reports/stats?year=2025", e.Tokens["manager"], nil)
		years := r.JSON()["years"].([]any)
		if len(years) != 2 || r.JSON()["total"] != 2.0 || fmt.Sprint(years[0]) != "map[channel:letter count:1 state:received year:2025]" {
			t.Errorf("2025: %s", r.Body)
		}
		if r := e.Do("GET", "/api/v1/reports/stats?from=2026&to=2025", e.Tokens["manager"], nil); r.Code != 422 {
			t.Errorf("to before from: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/reports/stats?year=2026&from=2025", e.Tokens["manager"], nil); r.Code != 400 {
			t.Errorf("year with from: %d", r.Code)
		}
	})
}

// TestReportIntakeByHandlerAndReporterView: a handler records a letter with
// its enclosure; the receipt opens it for the reporter, who reads the
// office's answer but never an internal note nor a handler's name; the
// handler downloads the enclosure decrypted, the download audited.
func TestReportIntakeByHandlerAndReporterView(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		letter := aLetter
		if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["manager"], letter); r.Code != 403 {
			t.Errorf("a manager who is not a handler recorded a report: %d", r.Code)
		}
		web := map[string]any{}
		for k, v := range letter {
			web[k] = v
		}
		web["channel"] = "web"
		if r := e.Do("POST", "/api/v1/reports/intake", e.Tokens["handler"], web); r.Code != 422 || !strings.Contains(r.Body, `"channel"`) {
			t.Errorf("channel web recorded by hand: %d %s", r.Code, r.Body)
		}
		pdf := append([]byte("%PDF-1.4\n"), []byte(strings.Repeat("掃描檔", 100))...)
		receipt := recordLetter(t, e, letter, pdf)
		p := queue(t, e, "handler", nil)
		if len(p.Items) != 1 {
			t.Fatalf("queue: %+v", p.Items)
		}
		id := p.Items[0].ID
		path := "/api/v1/reports/" + id
		for _, m := range []map[string]any{{"text": "王專員曾處理該業者陳情，指派時排除。", "internal": true}, {"text": "黃先生您好，來函已收到，本處將依規定處理。"}} {
			if r := e.Do("POST", path+"/messages", e.Tokens["handler"], m); r.Code != 201 {
				t.Fatalf("message: %d %s", r.Code, r.Body)
			}
		}
		d := e.Do("GET", path, e.Tokens["handler"], nil).JSON()
		if d["channel"] != "letter" || d["identity"].(map[string]any)["name"] != "黃老闆" {
			t.Errorf("recorded report: %v", d)
		}
		file := d["files"].([]any)[0].(map[string]any)
		fr := e.Do("GET", path+"/files/"+file["id"].(string), e.Tokens["handler"], nil)
		if fr.Code != 200 || fr.Body != string(pdf) || fr.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(fr.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %d %q %v", fr.Code, fr.Header.Get("Content-Type"), fr.Header)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ? AND actor_id = ?", "report.file_read", id, e.Users["handler"].ID); n != 1 {
			t.Errorf("%d downloads audited", n)
		}
		for _, who := range []string{"manager", "admin", "officer"} {
			if r := e.Do("GET", path+"/files/"+file["id"].(string), e.Tokens[who], nil); r.Code != 403 {
				t.Errorf("download as %s: %d", who, r.Code)
			}
		}
		if r := e.Do("GET", path+"/files/"+uuid.NewString(), e.Tokens["handler"], nil); r.Code != 404 {
			t.Errorf("unknown file: %d", r.Code)
		}
		// The reporter's side.
		acc := e.Do("POST", "/api/v1/reports/access", "", map[string]any{"receipt": receipt})
		if acc.Code != 200 {
			t.Fatalf("access: %d %s", acc.Code, acc.Body)
		}
		mine := e.Do("GET", "/api/v1/reports/mine", acc.JSON()["access_token"].(string), nil)
		if mine.Code != 200 {
			t.Fatalf("mine: %d %s", mine.Code, mine.Body)
		}
		for _, secret := range []string{"王專員", "陳承辦", e.Users["handler"].ID, "handler", "internal"} {
			if strings.Contains(mine.Body, secret) {
				t.Errorf("the reporter sees %q: %s", secret, mine.Body)
			}
		}
		if !strings.Contains(mine.Body, "黃先生您好") || mine.JSON()["state"] != "received" {
			t.Errorf("the reporter does not see the answer: %s", mine.Body)
		}
		if r := e.Do("GET", path, acc.JSON()["access_token"].(string), nil); r.Code != 401 && r.Code != 403 {
			t.Errorf("the reporter's token read the handler view: %d", r.Code)
		}
	})
}

// TestReportMetaLabels: the report enumerations come with the office's
// words, in the workflow's order.
func TestReportMetaLabels(t *testing.T) {
	e := apitest.New(t, "sqlite")
	var meta map[string][]map[string]string
	e.Do("GET", "/api/v1/meta", "", nil).Decode(&meta)
	want := map[string]string{
		"report_states":           "received:已收件 assessing:評估中 referred:已移送 closed:已結案",
		"report_channels":         "web:網路 letter:書面 phone:電話 mailbox:檢舉信箱 in_person:親自",
		"report_disclosures":      "anonymous:匿名 confidential:保密（身分僅承辦人知悉） open:具名",
		"report_referral_targets": "aac:法務部廉政署 prosecutor:地方檢察署 agency:權責機關",
	}
	for name, w := range want {
		var got []string
		for _, v := range meta[name] {
			got = append(got, v["value"]+":"+v["zh_tw"])
			if v["en"] == "" {
				t.Errorf("%s.%s has no English label", name, v["value"])
			}
		}
		if strings.Join(got, " ") != w {
			t.Errorf("%s: %v, want %s", name, got, w)
		}
	}
}

// TestReportsInYearlyAnalysis: the yearly analysis counts the year's
// reports by state and channel, in its JSON and in a sheet of the
// workbook, without a word of any report.
func TestReportsInYearlyAnalysis(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		designateHandlers(t, e)
		setClock(t, e, taipei(t, e, "2026-12-01 10:00"))
		seedReport(t, e, taipei(t, e, "2025-12-31 23:30"), "web", "anonymous", bribery("去年最後一天的檢舉")) // 2025 in Taipei
		seedReport(t, e, taipei(t, e, "2026-01-01 00:30"), "web", "anonymous", bribery("新年第一件"))
		seedReport(t, e, taipei(t, e, "2026-03-01 09:00"), "letter", "open", bribery("書面檢舉"))
		closed := seedReport(t, e, taipei(t, e, "2026-05-01 09:00"), "web", "confidential", bribery("結案的檢舉"))
		for _, step := range []map[string]any{{"to": "assessing", "version": 1}, {"to": "closed", "reason": "查無不法", "version": 2}} {
			if r := e.Do("POST", "/api/v1/reports/"+closed+"/transition", e.Tokens["handler"], step); r.Code != 200 {
				t.Fatalf("transition: %d %s", r.Code, r.Body)
			}
		}
		r := e.Do("GET", "/api/v1/ethics-analysis?year=2026", e.Tokens["manager"], nil)
		if r.Code != 200 {
			t.Fatalf("analysis: %d %s", r.Code, r.Body)
		}
		var a struct {
			Reports struct {
				Total     int              `json:"total"`
				ByState   map[string]int   `json:"by_state"`
				ByChannel map[string]int   `json:"by_channel"`
				Cells     []map[string]any `json:"cells"`
			} `json:"reports"`
		}
		r.Decode(&a)
		if a.Reports.Total != 3 || a.Reports.ByState["received"] != 2 || a.Reports.ByState["closed"] != 1 || a.Reports.ByChannel["web"] != 2 ||
			a.Reports.ByChannel["letter"] != 1 || len(a.Reports.Cells) != 20 {
			t.Errorf("reports section: %+v", a.Reports)
		}
		for _, word := range []string{"新年第一件", "書面檢舉", "查無不法", closed} {
			if strings.Contains(r.Body, word) {
				t.Errorf("the analysis carries %q", word)
			}
		}
		x := e.Do("GET", "/api/v1/ethics-analysis?year=2026&format=xlsx", e.Tokens["manager"], nil)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = f.Close() }()
		rows, err := f.GetRows("檢舉案件")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range rows[4:] {
			got = append(got, strings.Join(row, ","))
		}
		want := []string{"受理管道,已收件,評估中,已移送,已結案,合計", "網路,1,0,0,1,2", "書面,1,0,0,0,1", "電話,0,0,0,0,0", "檢舉信箱,0,0,0,0,0", "親自,0,0,0,0,0", "合計,2,0,0,1,3"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("sheet:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

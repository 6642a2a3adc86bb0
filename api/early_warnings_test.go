package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/models/dbtest"
)

const warningsPath = "/api/v1/early-warnings"

// warning is a draft early warning's body about e.Unit; extra overrides
// fields (nil removes one).
func warning(e *apitest.Env, extra map[string]any) map[string]any {
	b := map[string]any{
		"unit_id": e.Unit.ID, "risk_area": "procurement", "subject": "某工程採購案連續三次驗收缺失未改善",
		"observed":           "「東區道路改善工程」第1至3次驗收均發現人行道鋪面平整度不符契約規範，廠商迄未改善。",
		"suggested_measures": "建議工務處依契約計罰並限期改善，必要時暫停估驗計價。",
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

func createWarning(t testing.TB, e *apitest.Env, token string, body map[string]any) map[string]any {
	t.Helper()
	r := e.Do("POST", warningsPath, token, body)
	if r.Code != http.StatusCreated {
		t.Fatalf("create warning: %d %s", r.Code, r.Body)
	}
	return r.JSON()
}

// warningAction posts an action and fails the test unless it answers want.
func warningAction(t testing.TB, e *apitest.Env, token, id, action string, want int, body map[string]any) map[string]any {
	t.Helper()
	r := e.Do("POST", warningsPath+"/"+id+"/"+action, token, body)
	if r.Code != want {
		t.Fatalf("%s: %d %s, want %d", action, r.Code, r.Body, want)
	}
	if want >= 400 {
		return map[string]any{"code": r.ErrorCode()}
	}
	return r.JSON()
}

// warningIn makes a warning of "officer" and moves it to status (draft,
// submitted, following_up, closed) through the API; it returns its id.
func warningIn(t testing.TB, e *apitest.Env, status string) string {
	t.Helper()
	tok := e.Tokens["officer"]
	w := createWarning(t, e, tok, warning(e, nil))
	id := w["id"].(string)
	if status == "draft" {
		return id
	}
	warningAction(t, e, tok, id, "submit", 200, map[string]any{"version": 1, "submitted_to_head_on": "2026-03-02"})
	if status == "submitted" {
		return id
	}
	warningAction(t, e, tok, id, "follow-ups", 200, map[string]any{"version": 2, "date": "2026-03-02", "action_taken": "工務處函請廠商限期改善"})
	if status == "following_up" {
		return id
	}
	warningAction(t, e, tok, id, "close", 200, map[string]any{"version": 3, "outcome": "廠商改善完成，複驗合格"})
	return id
}

// earlyWarningRoutes are the 預警作為 routes. {wdraft}, {wsubmitted} and
// {wfollowing} are new warnings of "officer" in that status for each call.
func earlyWarningRoutes() []route {
	staff := []string{"officer", "manager", "admin"}
	return []route{
		{method: "GET", path: warningsPath + "?roc_year=115", allowed: staff},
		{method: "POST", path: warningsPath, allowed: staff, body: func(e *apitest.Env, n int) any {
			return warning(e, map[string]any{"subject": fmt.Sprintf("角色測試 %d", n)})
		}},
		{method: "GET", path: warningsPath + "/{wdraft}", allowed: staff},
		{method: "PATCH", path: warningsPath + "/{wdraft}", allowed: staff, body: func(*apitest.Env, int) any {
			return map[string]any{"version": 1, "observed": "補充：第4次驗收仍未改善。"}
		}},
		{method: "POST", path: warningsPath + "/{wdraft}/submit", allowed: staff, body: func(*apitest.Env, int) any {
			return map[string]any{"version": 1, "submitted_to_head_on": "2026-03-02"}
		}},
		{method: "POST", path: warningsPath + "/{wsubmitted}/return", allowed: []string{"manager", "admin"}, body: func(*apitest.Env, int) any {
			return map[string]any{"version": 2, "comment": "請補充驗收紀錄文號"}
		}},
		{method: "POST", path: warningsPath + "/{wsubmitted}/follow-ups", allowed: staff, body: func(*apitest.Env, int) any {
			return map[string]any{"version": 2, "date": "2026-03-02", "action_taken": "工務處已函請廠商改善"}
		}},
		{method: "POST", path: warningsPath + "/{wfollowing}/close", allowed: staff, body: func(*apitest.Env, int) any {
			return map[string]any{"version": 3, "outcome": "改善完成"}
		}},
	}
}

// expandWarnings replaces the warning placeholders of earlyWarningRoutes.
func expandWarnings(t testing.TB, e *apitest.Env, path string) string {
	for ph, status := range map[string]string{"{wdraft}": "draft", "{wsubmitted}": "submitted", "{wfollowing}": "following_up"} {
		if strings.Contains(path, ph) {
			path = strings.ReplaceAll(path, ph, warningIn(t, e, status))
		}
	}
	return path
}

func TestEarlyWarningFlow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base) // 2026-03-02 09:00 in Taipei
		off, mgr := e.Tokens["officer"], e.Tokens["manager"]
		w := createWarning(t, e, off, warning(e, map[string]any{"suggested_measures": nil}))
		id := w["id"].(string)
		if w["status"] != "draft" || w["version"].(float64) != 1 || w["owner_id"] != e.Users["officer"].ID || w["submitted_to_head_on"] != nil ||
			len(w["follow_ups"].([]any)) != 0 || w["year"].(float64) != 2026 || w["roc_year"].(float64) != 115 {
			t.Fatalf("created: %v", w)
		}
		// Submitting needs the measures and the date.
		r := e.Do("POST", warningsPath+"/"+id+"/submit", off, map[string]any{"version": 1})
		fields := errFields(t, r, 422)
		if fields["suggested_measures"] == nil || fields["submitted_to_head_on"] == nil {
			t.Fatalf("submit without measures: %s", r.Body)
		}
		p := e.Do("PATCH", warningsPath+"/"+id, off, map[string]any{"version": 1, "suggested_measures": "建議依約計罰並限期改善。"})
		if p.Code != 200 || p.JSON()["version"].(float64) != 2 {
			t.Fatalf("patch: %d %s", p.Code, p.Body)
		}
		// A stale version changes nothing.
		if r := e.Do("POST", warningsPath+"/"+id+"/submit", off, map[string]any{"version": 1, "submitted_to_head_on": "2026-03-02"}); r.Code != 409 || r.ErrorCode() != "version_conflict" {
			t.Fatalf("stale submit: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", warningsPath+"/"+id, off, map[string]any{"version": 1, "subject": "另一主旨"}); r.Code != 409 || r.ErrorCode() != "version_conflict" {
			t.Fatalf("stale patch: %d %s", r.Code, r.Body)
		}
		// Not in the future (tomorrow in Taipei), not before 1912.
		for _, d := range []string{"2026-03-03", "1911-12-31", "2026-02-30", "115-03-02"} {
			r := e.Do("POST", warningsPath+"/"+id+"/submit", off, map[string]any{"version": 2, "submitted_to_head_on": d})
			if errFields(t, r, 422)["submitted_to_head_on"] == nil {
				t.Fatalf("submit on %s: %s", d, r.Body)
			}
		}
		// Follow-ups and closing are refused on a draft.
		warningAction(t, e, off, id, "follow-ups", 409, map[string]any{"version": 2, "date": "2026-03-02", "action_taken": "x"})
		warningAction(t, e, off, id, "close", 409, map[string]any{"version": 2, "outcome": "x"})
		s := warningAction(t, e, off, id, "submit", 200, map[string]any{"version": 2, "submitted_to_head_on": "2026-02-26"})
		if s["status"] != "submitted" || s["submitted_to_head_on"] != "2026-02-26" || s["submitted_at"] == nil || s["version"].(float64) != 3 {
			t.Fatalf("submitted: %v", s)
		}
		// A submitted warning is no longer edited, nor submitted again, nor closed before a follow-up.
		if r := e.Do("PATCH", warningsPath+"/"+id, off, map[string]any{"version": 3, "subject": "改"}); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("patch submitted: %d %s", r.Code, r.Body)
		}
		if c := warningAction(t, e, off, id, "submit", 409, map[string]any{"version": 3})["code"]; c != "conflict" {
			t.Fatalf("submit again: %v", c)
		}
		warningAction(t, e, off, id, "close", 409, map[string]any{"version": 3, "outcome": "x"})
		// A follow-up is not dated before the submission, nor in the future.
		for _, d := range []string{"2026-02-25", "2026-03-03", ""} {
			r := e.Do("POST", warningsPath+"/"+id+"/follow-ups", off, map[string]any{"version": 3, "date": d, "action_taken": "工務處函請廠商改善"})
			if errFields(t, r, 422)["date"] == nil {
				t.Fatalf("follow-up on %q: %s", d, r.Body)
			}
		}
		f1 := warningAction(t, e, off, id, "follow-ups", 200, map[string]any{"version": 3, "date": "2026-03-01", "action_taken": "工務處依約計罰新臺幣3萬元"})
		if f1["status"] != "following_up" || f1["version"].(float64) != 4 {
			t.Fatalf("follow-up: %v", f1)
		}
		// A manager records one too, dated earlier: follow-ups are listed by date.
		f2 := warningAction(t, e, mgr, id, "follow-ups", 200, map[string]any{"version": 4, "date": "2026-02-27", "action_taken": "工務處函請廠商限期改善"})
		fus := f2["follow_ups"].([]any)
		if len(fus) != 2 || fus[0].(map[string]any)["date"] != "2026-02-27" || fus[1].(map[string]any)["date"] != "2026-03-01" ||
			fus[0].(map[string]any)["recorded_by"] != e.Users["manager"].ID {
			t.Fatalf("follow-ups: %v", fus)
		}
		// Following up: not returned, and closing needs an outcome.
		warningAction(t, e, mgr, id, "return", 409, map[string]any{"version": 5, "comment": "退回"})
		if errFields(t, e.Do("POST", warningsPath+"/"+id+"/close", off, map[string]any{"version": 5, "outcome": " \u3000"}), 422)["outcome"] == nil {
			t.Fatal("blank outcome accepted")
		}
		c := warningAction(t, e, off, id, "close", 200, map[string]any{"version": 5, "outcome": "廠商已完成改善並經複驗合格，本案結案。"})
		if c["status"] != "closed" || c["closed_at"] == nil || c["outcome"] == "" {
			t.Fatalf("closed: %v", c)
		}
		for a, body := range map[string]map[string]any{
			"follow-ups": {"version": 6, "date": "2026-03-02", "action_taken": "x"},
			"close":      {"version": 6, "outcome": "x"},
			"submit":     {"version": 6},
		} {
			warningAction(t, e, off, id, a, 409, body)
		}
		// GET shows the same; every step is in the audit trail.
		g := e.Do("GET", warningsPath+"/"+id, off, nil)
		if g.Code != 200 || g.JSON()["status"] != "closed" || len(g.JSON()["follow_ups"].([]any)) != 2 {
			t.Fatalf("get: %d %s", g.Code, g.Body)
		}
		for action, n := range map[string]int64{"early_warning.create": 1, "early_warning.update": 1, "early_warning.submit": 1,
			"early_warning.follow_up": 2, "early_warning.close": 1, "early_warning.return": 0} {
			if got := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", action, id); got != n {
				t.Errorf("%s: %d audit events, want %d", action, got, n)
			}
		}
		if n := e.Count(&models.EarlyWarningFollowUp{}, "warning_id = ?", id); n != 2 {
			t.Fatalf("%d follow-up rows", n)
		}
		// The second follow-up changes no field of the warning; its event still says what was done.
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ? AND after LIKE ?", "early_warning.follow_up", id, "%工務處函請廠商限期改善%"); n != 1 {
			t.Fatalf("%d follow-up events with the manager's text", n)
		}
	})
}

func TestEarlyWarningReturn(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off, mgr := e.Tokens["officer"], e.Tokens["manager"]
		id := warningIn(t, e, "submitted")
		// Officers do not return (the route's guard); a comment is required.
		if r := e.Do("POST", warningsPath+"/"+id+"/return", off, map[string]any{"version": 2, "comment": "x"}); r.Code != 403 {
			t.Fatalf("officer returns: %d %s", r.Code, r.Body)
		}
		if errFields(t, e.Do("POST", warningsPath+"/"+id+"/return", mgr, map[string]any{"version": 2, "comment": ""}), 422)["comment"] == nil {
			t.Fatal("empty comment accepted")
		}
		r := warningAction(t, e, mgr, id, "return", 200, map[string]any{"version": 2, "comment": "請補充歷次驗收紀錄文號。"})
		if r["status"] != "draft" || r["return_comment"] != "請補充歷次驗收紀錄文號。" || r["returned_by"] != e.Users["manager"].ID || r["submitted_at"] != nil {
			t.Fatalf("returned: %v", r)
		}
		// A draft can be returned too (a note to its writer); the officer edits and resubmits.
		warningAction(t, e, mgr, id, "return", 200, map[string]any{"version": 3, "comment": "另請註明廠商名稱。"})
		if p := e.Do("PATCH", warningsPath+"/"+id, off, map[string]any{"version": 4, "observed": "補充：廠商為某營造公司。"}); p.Code != 200 {
			t.Fatalf("edit returned draft: %d %s", p.Code, p.Body)
		}
		s := warningAction(t, e, off, id, "submit", 200, map[string]any{"version": 5})
		if s["status"] != "submitted" || s["submitted_to_head_on"] != "2026-03-02" {
			t.Fatalf("resubmitted: %v", s)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "early_warning.return", id); n != 2 {
			t.Fatalf("%d return events", n)
		}
	})
}

func TestEarlyWarningVisibility(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off, off2, mgr := e.Tokens["officer"], e.Tokens["officer2"], e.Tokens["manager"]
		// Both officers belong to e.Unit.
		own := createWarning(t, e, off, warning(e, nil))["id"].(string)
		unitOfOther := createWarning(t, e, off2, warning(e, map[string]any{"risk_area": "official_secrets", "subject": "考試題庫保管外洩風險"}))["id"].(string)
		elsewhere := createWarning(t, e, off2, warning(e, map[string]any{"unit_id": e.Unit2.ID, "risk_area": "personnel", "subject": "代理教師甄選口試委員迴避疑義"}))["id"].(string)
		ids := func(token, query string) []string {
			t.Helper()
			r := e.Do("GET", warningsPath+query, token, nil)
			if r.Code != 200 {
				t.Fatalf("list %s: %d %s", query, r.Code, r.Body)
			}
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			r.Decode(&page)
			out := []string{}
			for _, it := range page.Items {
				out = append(out, it.ID)
			}
			return out
		}
		same := func(got []string, want ...string) bool { return strings.Join(got, ",") == strings.Join(want, ",") }
		// Newest first.
		if got := ids(off, ""); !same(got, unitOfOther, own) {
			t.Fatalf("officer sees %v", got)
		}
		if got := ids(off2, ""); !same(got, elsewhere, unitOfOther, own) {
			t.Fatalf("officer2 sees %v", got)
		}
		if got := ids(mgr, ""); !same(got, elsewhere, unitOfOther, own) {
			t.Fatalf("manager sees %v", got)
		}
		if r := e.Do("GET", warningsPath+"/"+elsewhere, off, nil); r.Code != 404 {
			t.Fatalf("officer reads another unit's warning of another officer: %d", r.Code)
		}
		if r := e.Do("GET", warningsPath+"/"+unitOfOther, off, nil); r.Code != 200 {
			t.Fatalf("officer reads their unit's warning: %d", r.Code)
		}
		// Reading a unit's warning is not editing it; another's stays hidden.
		if r := e.Do("PATCH", warningsPath+"/"+unitOfOther, off, map[string]any{"version": 1, "subject": "改"}); r.Code != 403 {
			t.Fatalf("officer edits a colleague's warning: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", warningsPath+"/"+unitOfOther+"/submit", off, map[string]any{"version": 1, "submitted_to_head_on": "2026-03-01"}); r.Code != 403 {
			t.Fatalf("officer submits a colleague's warning: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", warningsPath+"/"+elsewhere, off, map[string]any{"version": 1, "subject": "改"}); r.Code != 404 {
			t.Fatalf("officer edits a hidden warning: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", warningsPath+"/"+elsewhere, mgr, map[string]any{"version": 1, "subject": "代理教師甄選口試委員迴避疑義（修正）"}); r.Code != 200 {
			t.Fatalf("manager edits: %d %s", r.Code, r.Body)
		}
		for _, tok := range []string{e.Tokens["volunteer"]} {
			if r := e.Do("GET", warningsPath, tok, nil); r.Code != 403 {
				t.Fatalf("volunteer lists: %d", r.Code)
			}
			if r := e.Do("GET", warningsPath+"/"+own, tok, nil); r.Code != 403 {
				t.Fatalf("volunteer reads: %d", r.Code)
			}
		}
		// Filters, within what the caller sees.
		warningAction(t, e, off, own, "submit", 200, map[string]any{"version": 1, "submitted_to_head_on": "2025-12-30"})
		for q, want := range map[string][]string{
			"?risk_area=official_secrets":    {unitOfOther},
			"?status=submitted":              {own},
			"?status=draft":                  {elsewhere, unitOfOther},
			"?unit_id=" + e.Unit2.ID:         {elsewhere},
			"?year=2025":                     {own},
			"?roc_year=114":                  {own},
			"?roc_year=115":                  {elsewhere, unitOfOther},
			"?year=2026&risk_area=personnel": {elsewhere},
		} {
			if got := ids(mgr, q); !same(got, want...) {
				t.Errorf("manager %s: %v, want %v", q, got, want)
			}
		}
		if got := ids(off, "?unit_id="+e.Unit2.ID); len(got) != 0 {
			t.Errorf("officer filters another unit: %v", got)
		}
		// Keyset pages.
		first := e.Do("GET", warningsPath+"?limit=2", mgr, nil).JSON()
		next := first["next_cursor"].(string)
		second := e.Do("GET", warningsPath+"?limit=2&cursor="+next, mgr, nil).JSON()
		if len(first["items"].([]any)) != 2 || len(second["items"].([]any)) != 1 || second["next_cursor"] != "" ||
			second["items"].([]any)[0].(map[string]any)["id"] != own {
			t.Fatalf("pages: %v / %v", first, second)
		}
		for q, want := range map[string]int{"?risk_area=fraud": 400, "?status=open": 400, "?year=1800": 422, "?roc_year=0": 422,
			"?year=2026&roc_year=115": 400, "?year=abc": 400, "?sort=subject": 400, "?cursor=zzz": 400, "?limit=500": 400} {
			if r := e.Do("GET", warningsPath+q, mgr, nil); r.Code != want {
				t.Errorf("%s: %d, want %d (%s)", q, r.Code, want, r.Body)
			}
		}
	})
}

func TestEarlyWarningClientID(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		id := uuid.Must(uuid.NewV7()).String()
		body := warning(e, map[string]any{"id": id})
		r1 := e.Do("POST", warningsPath, e.Tokens["officer"], body)
		if r1.Code != 201 || r1.JSON()["id"] != id {
			t.Fatalf("first: %d %s", r1.Code, r1.Body)
		}
		e.Clock.Advance(60e9)
		if r2 := e.Do("POST", warningsPath, e.Tokens["officer"], body); r2.Code != 200 || r2.Body != r1.Body {
			t.Fatalf("replay: %d %s\nfirst: %s", r2.Code, r2.Body, r1.Body)
		}
		body["observed"] = "不同內容"
		if r := e.Do("POST", warningsPath, e.Tokens["officer"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("different content: %d %s", r.Code, r.Body)
		}
		body["observed"] = warning(e, nil)["observed"]
		if r := e.Do("POST", warningsPath, e.Tokens["officer2"], body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("other owner: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.EarlyWarning{}, ""); n != 1 {
			t.Fatalf("%d rows", n)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "early_warning.create", id); n != 1 {
			t.Fatalf("%d create events", n)
		}
	})
}

// TestEarlyWarningConcurrentCreates fires identical creates with one client
// id at two servers on one database at once: exactly one warning.
func TestEarlyWarningConcurrentCreates(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			e1 := apitest.New(t, drv)
			e2 := apitest.NewOnDB(t, drv, e1.DB, false)
			e2.Tokens, e2.Users, e2.Unit, e2.Unit2 = e1.Tokens, e1.Users, e1.Unit, e1.Unit2
			id := uuid.NewString()
			body := warning(e1, map[string]any{"id": id})
			const n = 20
			codes := make([]int, n)
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					codes[i] = []*apitest.Env{e1, e2}[i%2].Do("POST", warningsPath, e1.Tokens["officer"], body).Code
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
			if k := e1.Count(&models.EarlyWarning{}, "id = ?", id); k != 1 {
				t.Fatalf("%d rows", k)
			}
			if k := e1.Count(&models.AuditEvent{}, "entity_id = ?", id); k != 1 {
				t.Fatalf("%d audit events", k)
			}
		})
	}
}

// TestEarlyWarningConcurrentFollowUps: two follow-ups sent with the same
// version at once: one is stored, the other is a version_conflict.
func TestEarlyWarningConcurrentFollowUps(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		id := warningIn(t, e, "submitted")
		codes := make([]string, 2)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := e.Do("POST", warningsPath+"/"+id+"/follow-ups", e.Tokens["officer"], map[string]any{"version": 2, "date": "2026-03-02", "action_taken": fmt.Sprintf("第%d次追蹤", i+1)})
				codes[i] = fmt.Sprint(r.Code, r.ErrorCode())
			}(i)
		}
		wg.Wait()
		if strings.Join(codes, " ") != "200 409version_conflict" && strings.Join(codes, " ") != "409version_conflict 200" {
			t.Fatalf("codes: %v", codes)
		}
		if n := e.Count(&models.EarlyWarningFollowUp{}, "warning_id = ?", id); n != 1 {
			t.Fatalf("%d follow-ups", n)
		}
	})
}

func TestEarlyWarningBounds(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off := e.Tokens["officer"]
		act := create(t, e, off, procurement(e, nil))
		gone := create(t, e, off, procurement(e, map[string]any{"title": "已刪除"}))["id"].(string)
		if r := e.Do("DELETE", "/api/v1/activities/"+gone, off, nil); r.Code != 204 {
			t.Fatalf("delete: %d", r.Code)
		}
		long := strings.Repeat("驗", 4001)
		for _, c := range []struct {
			name  string
			extra map[string]any
			field string
		}{
			{"risk area", map[string]any{"risk_area": "fraud"}, "risk_area"},
			{"no risk area", map[string]any{"risk_area": nil}, "risk_area"},
			{"no observed", map[string]any{"observed": nil}, "observed"},
			{"blank observed", map[string]any{"observed": "\u200b \u3000"}, "observed"},
			{"long observed", map[string]any{"observed": long}, "observed"},
			{"long measures", map[string]any{"suggested_measures": long}, "suggested_measures"},
			{"bidi", map[string]any{"observed": "驗收\u202e缺失"}, "observed"},
			{"subject line break", map[string]any{"subject": "一\n二"}, "subject"},
			{"no subject", map[string]any{"subject": nil}, "subject"},
			{"no unit", map[string]any{"unit_id": nil}, "unit_id"},
			{"unknown unit", map[string]any{"unit_id": uuid.NewString()}, "unit_id"},
			{"unknown activity", map[string]any{"activity_id": uuid.NewString()}, "activity_id"},
			{"deleted activity", map[string]any{"activity_id": gone}, "activity_id"},
			{"future date", map[string]any{"submitted_to_head_on": "2026-03-03"}, "submitted_to_head_on"},
			{"1911", map[string]any{"submitted_to_head_on": "1911-12-31"}, "submitted_to_head_on"},
			{"not a date", map[string]any{"submitted_to_head_on": "2026/03/01"}, "submitted_to_head_on"},
			{"bad id", map[string]any{"id": "not-a-uuid"}, "id"},
			{"date type", map[string]any{"submitted_to_head_on": 20260301}, "submitted_to_head_on"},
		} {
			r := e.Do("POST", warningsPath, off, warning(e, c.extra))
			if errFields(t, r, 422)[c.field] == nil {
				t.Errorf("%s: %d %s, want 422 on %s", c.name, r.Code, r.Body, c.field)
			}
		}
		if r := e.Do("POST", warningsPath, off, warning(e, map[string]any{"status": "closed"})); r.Code != 400 {
			t.Errorf("unknown field: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.EarlyWarning{}, ""); n != 0 {
			t.Fatalf("%d warnings stored from bad input", n)
		}
		// The link to an activity is kept; follow-up texts are bounded.
		w := createWarning(t, e, off, warning(e, map[string]any{"activity_id": act["id"]}))
		if w["activity_id"] != act["id"] {
			t.Fatalf("activity link: %v", w)
		}
		id := w["id"].(string)
		if p := e.Do("PATCH", warningsPath+"/"+id, off, map[string]any{"version": 1, "clear_activity": true}); p.Code != 200 || p.JSON()["activity_id"] != nil {
			t.Fatalf("clear activity: %d %s", p.Code, p.Body)
		}
		if p := e.Do("PATCH", warningsPath+"/"+id, off, map[string]any{"version": 2, "risk_area": "bribery"}); errFields(t, p, 422)["risk_area"] == nil {
			t.Fatalf("patch risk area: %s", p.Body)
		}
		warningAction(t, e, off, id, "submit", 200, map[string]any{"version": 2, "submitted_to_head_on": "2026-03-02"})
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"version": 3, "date": "2026-03-02", "action_taken": strings.Repeat("改", 2001)}, "action_taken"},
			{map[string]any{"version": 3, "date": "2026-03-02"}, "action_taken"},
			{map[string]any{"version": 3, "date": "03/02/2026", "action_taken": "x"}, "date"},
			{map[string]any{"date": "2026-03-02", "action_taken": "x"}, "version"},
		} {
			if errFields(t, e.Do("POST", warningsPath+"/"+id+"/follow-ups", off, c.body), 422)[c.field] == nil {
				t.Errorf("follow-up %v: want 422 on %s", c.body, c.field)
			}
		}
		if n := e.Count(&models.EarlyWarningFollowUp{}, ""); n != 0 {
			t.Fatalf("%d follow-ups stored from bad input", n)
		}
	})
}

// errFields returns the error's fields, failing unless the answer has status want.
func errFields(t testing.TB, r *apitest.Response, want int) map[string]any {
	t.Helper()
	if r.Code != want {
		t.Fatalf("status %d, want %d: %s", r.Code, want, r.Body)
	}
	f, _ := r.JSON()["error"].(map[string]any)["fields"].(map[string]any)
	if f == nil {
		f = map[string]any{}
	}
	return f
}

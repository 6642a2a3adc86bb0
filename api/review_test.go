package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
)

// kpiOf returns the KPI code's value of the report of year.
func kpiOf(t *testing.T, e *apitest.Env, token string, year int, code, query string) map[string]any {
	t.Helper()
	r := e.Do("GET", fmt.Sprintf("/api/v1/kpis?year=%d%s", year, query), token, nil)
	if r.Code != 200 {
		t.Fatalf("kpis: %d %s", r.Code, r.Body)
	}
	for _, k := range r.JSON()["kpis"].([]any) {
		if m := k.(map[string]any); m["code"] == code {
			return m
		}
	}
	t.Fatalf("no %s in %s", code, r.Body)
	return nil
}

// completedProcurement records a completed procurement supervision of the
// officer, completed at done.
func completedProcurement(t *testing.T, e *apitest.Env, title string, done time.Time) map[string]any {
	t.Helper()
	return create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"title": title, "status": "completed",
		"scheduled_at": done.Add(-time.Hour).Format(time.RFC3339), "completed_at": done.Format(time.RFC3339)}))
}

func review(e *apitest.Env, token, id string, body map[string]any) *apitest.Response {
	return e.Do("POST", "/api/v1/activities/"+id+"/review", token, body)
}

func TestReviewFlow(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		mgr, off := e.Tokens["manager"], e.Tokens["officer"]
		a := completedProcurement(t, e, "驗收：東區道路", base.Add(-2*time.Hour))
		id := a["id"].(string)
		if a["review_status"] != "pending" || a["review_comment"] != "" || a["reviewed_at"] != nil || a["reviewed_by"] != nil {
			t.Fatalf("a completed record waits for review: %v", a)
		}
		planned := create(t, e, off, procurement(e, map[string]any{"title": "尚未辦理"}))
		if planned["review_status"] != "none" {
			t.Fatalf("a planned record has no review: %v", planned["review_status"])
		}
		k := kpiOf(t, e, mgr, 2026, "procurement_supervisions", "")
		if k["actual"] != 1.0 || k["reviewed"] != 0.0 {
			t.Fatalf("before review: %v", k)
		}
		if d := kpiOf(t, e, mgr, 2026, "property_declaration_on_time_rate", ""); d["reviewed"] != nil {
			t.Fatalf("the rate has no reviewed count: %v", d)
		}
		ok := map[string]any{"decision": "approved", "comment": "", "version": 1}

		// Who may review, and what is refused.
		if r := review(e, off, id, ok); r.Code != 403 {
			t.Fatalf("officer: %d %s", r.Code, r.Body)
		}
		if r := review(e, e.Tokens["volunteer"], id, ok); r.Code != 404 {
			t.Fatalf("volunteer: %d %s", r.Code, r.Body)
		}
		if r := review(e, "", id, ok); r.Code != 401 {
			t.Fatalf("anonymous: %d", r.Code)
		}
		if r := review(e, mgr, "0192f1c4-0000-7000-8000-000000000000", ok); r.Code != 404 {
			t.Fatalf("unknown record: %d", r.Code)
		}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"comment": "x", "version": 1}, "decision"},
			{map[string]any{"decision": "maybe", "version": 1}, "decision"},
			{map[string]any{"decision": "returned", "version": 1}, "comment"},
			{map[string]any{"decision": "returned", "comment": "  \u3000 ", "version": 1}, "comment"},
			{map[string]any{"decision": "approved", "comment": strings.Repeat("核", 501), "version": 1}, "comment"},
			{map[string]any{"decision": "approved", "comment": "ok\u202Egpj", "version": 1}, "comment"},
			{map[string]any{"decision": "approved"}, "version"},
		} {
			r := review(e, mgr, id, tc.body)
			if r.Code != 422 || r.JSON()["error"].(map[string]any)["fields"].(map[string]any)[tc.field] == nil {
				t.Fatalf("%v: %d %s", tc.body, r.Code, r.Body)
			}
		}
		if r := review(e, mgr, id, map[string]any{"decision": "approved", "version": 1, "grade": "A"}); r.Code != 400 {
			t.Fatalf("unknown field: %d", r.Code)
		}
		if r := review(e, mgr, id, map[string]any{"decision": "approved", "version": 7}); r.Code != 409 || r.ErrorCode() != "version_conflict" {
			t.Fatalf("stale version: %d %s", r.Code, r.Body)
		}
		if r := review(e, mgr, planned["id"].(string), map[string]any{"decision": "approved", "version": 1}); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("planned record: %d %s", r.Code, r.Body)
		}
		// A manager's own record is reviewed by someone else.
		own := create(t, e, mgr, procurement(e, map[string]any{"title": "主管自辦", "status": "completed"}))
		if r := review(e, mgr, own["id"].(string), map[string]any{"decision": "approved", "version": 1}); r.Code != 403 {
			t.Fatalf("own record: %d %s", r.Code, r.Body)
		}
		if r := review(e, e.Tokens["admin"], own["id"].(string), map[string]any{"decision": "approved", "version": 1}); r.Code != 200 {
			t.Fatalf("someone else's: %d %s", r.Code, r.Body)
		}
		if r := e.Do("DELETE", "/api/v1/activities/"+own["id"].(string), mgr, nil); r.Code != 204 {
			t.Fatalf("delete own: %d", r.Code)
		}
		if n := e.Count(&models.AuditEvent{}, "action LIKE ? AND entity_id = ?", "activity.review%", id); n != 0 {
			t.Fatalf("refused reviews audited: %d", n)
		}

		// Approve.
		r := review(e, mgr, id, map[string]any{"decision": "approved", "comment": "資料齊全", "version": 1})
		if r.Code != 200 {
			t.Fatalf("approve: %d %s", r.Code, r.Body)
		}
		got := r.JSON()
		by, _ := got["reviewed_by"].(map[string]any)
		if got["review_status"] != "approved" || got["review_comment"] != "資料齊全" || got["status"] != "completed" || got["version"] != 2.0 ||
			got["reviewed_at"] == nil || by["id"] != e.Users["manager"].ID || by["display_name"] != "測試 manager" {
			t.Fatalf("approved: %s", r.Body)
		}
		k = kpiOf(t, e, mgr, 2026, "procurement_supervisions", "")
		if k["actual"] != 1.0 || k["reviewed"] != 1.0 {
			t.Fatalf("after approval: %v", k)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "activity.review_approved", id); n != 1 {
			t.Fatalf("approval audited %d times", n)
		}
		// The owner reads it back, on the record and in lists.
		if r := e.Do("GET", "/api/v1/activities/"+id, off, nil); r.JSON()["review_status"] != "approved" {
			t.Fatalf("owner's read: %s", r.Body)
		}

		// An edit of the approved record asks for a review again.
		r = e.Do("PATCH", "/api/v1/activities/"+id, off, map[string]any{"version": 2, "notes": "補充：驗收紀錄已歸檔"})
		if r.Code != 200 || r.JSON()["review_status"] != "pending" {
			t.Fatalf("edit after approval: %d %s", r.Code, r.Body)
		}
		if k = kpiOf(t, e, mgr, 2026, "procurement_supervisions", ""); k["reviewed"] != 0.0 {
			t.Fatalf("an edited approval still counted: %v", k)
		}

		// Return it: back to its owner, out of the count.
		comment := "缺少驗收紀錄照片，請補上後再送核閱"
		r = review(e, mgr, id, map[string]any{"decision": "returned", "comment": comment, "version": 3})
		if r.Code != 200 {
			t.Fatalf("return: %d %s", r.Code, r.Body)
		}
		got = r.JSON()
		if got["status"] != "in_progress" || got["completed_at"] != nil || got["review_status"] != "returned" || got["review_comment"] != comment {
			t.Fatalf("returned: %s", r.Body)
		}
		if k = kpiOf(t, e, mgr, 2026, "procurement_supervisions", ""); k["actual"] != 0.0 || k["reviewed"] != 0.0 {
			t.Fatalf("a returned record still counted: %v", k)
		}
		if r := review(e, mgr, id, map[string]any{"decision": "approved", "version": 4}); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("review of a returned record: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/activities?review=returned", off, nil); !strings.Contains(r.Body, id) {
			t.Fatalf("returned list: %s", r.Body)
		}

		// The owner completes it again: pending, the comment still shown.
		r = e.Do("PATCH", "/api/v1/activities/"+id, off, map[string]any{"version": 4, "status": "completed"})
		if r.Code != 200 {
			t.Fatalf("complete again: %d %s", r.Code, r.Body)
		}
		if got = r.JSON(); got["review_status"] != "pending" || got["review_comment"] != comment {
			t.Fatalf("completed again: %s", r.Body)
		}
		if k = kpiOf(t, e, mgr, 2026, "procurement_supervisions", ""); k["actual"] != 1.0 || k["reviewed"] != 0.0 {
			t.Fatalf("completed again: %v", k)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "activity.review_returned", id); n != 1 {
			t.Fatalf("return audited %d times", n)
		}
		// The owner reads the return and its comment in the record's history.
		h := e.Do("GET", "/api/v1/activities/"+id+"/history", off, nil)
		var returned map[string]any
		for _, it := range h.JSON()["items"].([]any) {
			if m := it.(map[string]any); m["action"] == "activity.review_returned" {
				returned = m
			}
		}
		if h.Code != 200 || returned == nil || returned["comment"] != comment || returned["status"] != "in_progress" {
			t.Fatalf("history of the return: %d %s", h.Code, h.Body)
		}
		// The owner reopening a pending record takes it out of review.
		r = e.Do("PATCH", "/api/v1/activities/"+id, off, map[string]any{"version": 5, "status": "in_progress"})
		if r.Code != 200 || r.JSON()["review_status"] != "none" {
			t.Fatalf("reopened: %d %s", r.Code, r.Body)
		}
		// An admin reviews too.
		e.Do("PATCH", "/api/v1/activities/"+id, off, map[string]any{"version": 6, "status": "completed"})
		if r := review(e, e.Tokens["admin"], id, map[string]any{"decision": "approved", "version": 7}); r.Code != 200 {
			t.Fatalf("admin: %d %s", r.Code, r.Body)
		}
		if diffs, err := e.Svc.KPIs.Verify(t.Context()); err != nil || len(diffs) != 0 {
			t.Fatalf("rollups after reviews: %v %v", diffs, err)
		}
	})
}

func TestReviewQueue(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		mgr := e.Tokens["manager"]
		var ids []string
		// Completed 5, 3 and 1 days ago, recorded in another order.
		for _, days := range []int{3, 1, 5} {
			a := completedProcurement(t, e, fmt.Sprintf("驗收 %d 日前", days), base.Add(-time.Duration(days)*24*time.Hour))
			ids = append(ids, a["id"].(string))
		}
		want := []string{ids[2], ids[0], ids[1]}
		// The approved one leaves the queue.
		approvedID := completedProcurement(t, e, "已核閱", base.Add(-6*24*time.Hour))["id"].(string)
		if r := review(e, mgr, approvedID, map[string]any{"decision": "approved", "version": 1}); r.Code != 200 {
			t.Fatal(r.Body)
		}
		create(t, e, e.Tokens["officer"], procurement(e, nil)) // planned: never in the queue
		var got []string
		cursor := ""
		for page := 0; page < 10; page++ {
			r := e.Do("GET", "/api/v1/activities?review=pending&sort=completed_at&limit=1&cursor="+cursor, mgr, nil)
			if r.Code != 200 {
				t.Fatalf("queue: %d %s", r.Code, r.Body)
			}
			var list struct {
				Items []struct {
					ID           string `json:"id"`
					ReviewStatus string `json:"review_status"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			r.Decode(&list)
			for _, it := range list.Items {
				if it.ReviewStatus != "pending" {
					t.Fatalf("queue holds %s", it.ReviewStatus)
				}
				got = append(got, it.ID)
			}
			if cursor = list.NextCursor; cursor == "" {
				break
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("queue order %v, want oldest first %v", got, want)
		}
		r := e.Do("GET", "/api/v1/activities?sort=-completed_at&limit=2", mgr, nil)
		var list struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		r.Decode(&list)
		if len(list.Items) != 2 || list.Items[0].ID != ids[1] || list.Items[1].ID != ids[0] {
			t.Fatalf("-completed_at: %s", r.Body)
		}
		if r := e.Do("GET", "/api/v1/activities?review=approved", mgr, nil); !strings.Contains(r.Body, approvedID) || strings.Contains(r.Body, ids[0]) {
			t.Fatalf("approved filter: %s", r.Body)
		}
		for _, bad := range []string{"review=none", "review=PENDING", "review=all"} {
			if r := e.Do("GET", "/api/v1/activities?"+bad, mgr, nil); r.Code != 400 {
				t.Fatalf("%s: %d", bad, r.Code)
			}
		}
		if r := e.Do("GET", "/api/v1/activities?review=pending", e.Tokens["volunteer"], nil); r.Code != 400 {
			t.Fatalf("volunteer review filter: %d", r.Code)
		}
		// A cursor of one sort is refused by another.
		r = e.Do("GET", "/api/v1/activities?review=pending&sort=completed_at&limit=1", mgr, nil)
		next := r.JSON()["next_cursor"].(string)
		if r := e.Do("GET", "/api/v1/activities?sort=scheduled_at&cursor="+next, mgr, nil); r.Code != 400 {
			t.Fatalf("cursor of another sort: %d", r.Code)
		}
	})
}

func TestReviewClosedYear(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		mgr := e.Tokens["manager"]
		old := completedProcurement(t, e, "去年的驗收", time.Date(2025, 12, 30, 2, 0, 0, 0, time.UTC))
		if r := e.Do("POST", "/api/v1/kpis/years/2025/close", e.Tokens["admin"], map[string]any{"reason": "已函報"}); r.Code != 200 {
			t.Fatalf("close: %d %s", r.Code, r.Body)
		}
		for _, d := range []map[string]any{
			{"decision": "approved", "version": 1},
			{"decision": "returned", "comment": "請補件", "version": 1},
		} {
			if r := review(e, mgr, old["id"].(string), d); r.Code != http.StatusConflict || r.ErrorCode() != "period_closed" {
				t.Fatalf("%v in a closed year: %d %s", d["decision"], r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/activities/"+old["id"].(string), mgr, nil); r.JSON()["review_status"] != "pending" {
			t.Fatalf("refused review changed the record: %s", r.Body)
		}
	})
}

// TestReviewMigration: a database from before reviews (no review columns,
// no reviewed count, no rejection columns) upgrades in place: its completed
// records wait for review, the others have none, the counts stay right.
func TestReviewMigration(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		done := completedProcurement(t, e, "升級前完成", base.Add(-time.Hour))
		planned := create(t, e, e.Tokens["officer"], procurement(e, nil))
		m := e.DB.Migrator()
		if err := m.DropIndex(&models.Activity{}, "idx_activities_review"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"review_status", "review_comment", "reviewed_at", "reviewed_by", "reviewer_name"} {
			if err := m.DropColumn(&models.Activity{}, c); err != nil {
				t.Fatalf("drop %s: %v", c, err)
			}
		}
		if err := m.DropColumn(&models.KPIRollup{}, "reviewed"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"rejection_reason", "rejected_at", "rejected_by"} {
			if err := m.DropColumn(&models.User{}, c); err != nil {
				t.Fatalf("drop %s: %v", c, err)
			}
		}
		if err := models.Migrate(t.Context(), e.DB); err != nil {
			t.Fatal(err)
		}
		mgr := e.Tokens["manager"]
		for id, want := range map[string]string{done["id"].(string): "pending", planned["id"].(string): "none"} {
			if r := e.Do("GET", "/api/v1/activities/"+id, mgr, nil); r.Code != 200 || r.JSON()["review_status"] != want {
				t.Fatalf("after the upgrade: %d %s", r.Code, r.Body)
			}
		}
		if k := kpiOf(t, e, mgr, 2026, "procurement_supervisions", ""); k["actual"] != 1.0 || k["reviewed"] != 0.0 {
			t.Fatalf("after the upgrade: %v", k)
		}
		if r := review(e, mgr, done["id"].(string), map[string]any{"decision": "approved", "version": 1}); r.Code != 200 {
			t.Fatalf("review after the upgrade: %d %s", r.Code, r.Body)
		}
		if diffs, err := e.Svc.KPIs.Verify(t.Context()); err != nil || len(diffs) != 0 {
			t.Fatalf("after the upgrade: %v %v", diffs, err)
		}
		if r := e.Do("GET", "/api/v1/users?status=active", e.Tokens["admin"], nil); r.Code != 200 {
			t.Fatalf("users after the upgrade: %d %s", r.Code, r.Body)
		}
	})
}

// The manager's lists and reads say whose record it is.
func TestActivityOwnerNamed(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		a := completedProcurement(t, e, "驗收：西區排水", base.Add(-time.Hour))
		id := a["id"].(string)
		if a["owner"] != nil {
			t.Fatalf("a write's answer names no owner: %v", a["owner"])
		}
		want := map[string]any{"id": e.Users["officer"].ID, "display_name": e.Users["officer"].DisplayName}
		for _, path := range []string{"/api/v1/activities?review=pending", "/api/v1/kpis/procurement_supervisions/records?year=2026"} {
			r := e.Do("GET", path, e.Tokens["manager"], nil)
			items, _ := r.JSON()["items"].([]any)
			if r.Code != 200 || len(items) != 1 || fmt.Sprint(items[0].(map[string]any)["owner"]) != fmt.Sprint(want) {
				t.Errorf("%s: %d %s", path, r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/activities/"+id, e.Tokens["manager"], nil); fmt.Sprint(r.JSON()["owner"]) != fmt.Sprint(want) {
			t.Errorf("read: %s", r.Body)
		}
	})
}

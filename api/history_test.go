package api_test

import (
	"strings"
	"testing"
	"time"

	"ethicsops/apitest"
)

// TestActivityHistory walks a record through its life and reads the history
// back as each role: who did what and when, which fields an edit touched,
// nothing of their values, and nothing of another record.
func TestActivityHistory(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		a := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"notes": "初稿：廠商聯絡人王小明 0912-345-678", "scheduled_at": base.Add(-40 * 24 * time.Hour)}))
		id := a["id"].(string)
		path := "/api/v1/activities/" + id
		other := create(t, e, e.Tokens["officer2"], procurement(e, map[string]any{"title": "另一筆"}))
		if r := e.Do("POST", "/api/v1/activities/"+other["id"].(string)+"/checkins", e.Tokens["officer2"], checkin("arrive", 23.4801, 120.4491, 5, base)); r.Code != 201 {
			t.Fatalf("other arrive: %d %s", r.Code, r.Body)
		}
		e.Clock.Set(base.Add(time.Minute))
		if r := e.Do("PATCH", path, e.Tokens["officer"], map[string]any{"version": 1, "notes": "已聯絡",
			"procurement": map[string]any{"case_no": "1150301-PW-012", "case_title": "嘉義市東區道路改善工程", "category": "works",
				"budget_amount": 12500000, "stage": "bid_opening", "deficiencies": []string{}, "corrected": false}}); r.Code != 200 {
			t.Fatalf("edit: %d %s", r.Code, r.Body)
		}
		e.Clock.Set(base.Add(2 * time.Minute))
		if r := e.Do("POST", path+"/checkins", e.Tokens["officer"], checkin("arrive", 23.4801, 120.4491, 5, base.Add(2*time.Minute))); r.Code != 201 {
			t.Fatalf("arrive: %d %s", r.Code, r.Body)
		}
		// Completed by the manager, dated 40 days back: a late entry.
		e.Clock.Set(base.Add(3 * time.Minute))
		if r := e.Do("PATCH", path, e.Tokens["manager"], map[string]any{"version": 3, "status": "completed", "completed_at": base.Add(-40 * 24 * time.Hour)}); r.Code != 200 {
			t.Fatalf("complete: %d %s", r.Code, r.Body)
		}

		type entry struct {
			Action string
			At     time.Time
			Actor  *struct {
				ID, Role    string
				DisplayName string `json:"display_name"`
			}
			Fields      []string
			Status      string
			CheckinType string `json:"checkin_type"`
			LateEntry   *bool  `json:"late_entry"`
		}
		read := func(token, query string) ([]entry, string, int, string) {
			r := e.Do("GET", path+"/history"+query, token, nil)
			var out struct {
				Items      []entry
				NextCursor string `json:"next_cursor"`
			}
			if r.Code == 200 {
				r.Decode(&out)
			}
			return out.Items, out.NextCursor, r.Code, r.Body
		}
		for _, who := range []string{"officer", "officer2", "manager", "admin"} {
			items, _, code, body := read(e.Tokens[who], "")
			if code != 200 {
				t.Fatalf("%s: %d %s", who, code, body)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Action)
			}
			want := "activity.create activity.update checkin.create activity.start activity.update"
			if strings.Join(got, " ") != want && strings.Join(got, " ") != "activity.create activity.update activity.start checkin.create activity.update" {
				t.Fatalf("%s: actions %v, want %s", who, got, want)
			}
			if items[0].Actor == nil || items[0].Actor.DisplayName != "測試 officer" || items[0].Actor.Role != "officer" || items[0].Status != "planned" {
				t.Errorf("%s: created %+v", who, items[0])
			}
			if f := strings.Join(items[1].Fields, ","); f != "notes,procurement.stage" {
				t.Errorf("%s: edited fields %q", who, f)
			}
			last := items[4]
			if last.Actor == nil || last.Actor.DisplayName != "測試 manager" || last.Status != "completed" || last.LateEntry == nil || !*last.LateEntry {
				t.Errorf("%s: completion %+v", who, last)
			}
			for _, it := range items {
				if it.Action == "checkin.create" && it.CheckinType != "arrive" {
					t.Errorf("%s: check-in %+v", who, it)
				}
			}
			for _, leak := range []string{"王小明", "0912", "已聯絡", "bid_opening", "23.48", "120.44", "測試 officer2", "password"} {
				if strings.Contains(body, leak) {
					t.Errorf("%s: history shows %q: %s", who, leak, body)
				}
			}
		}
		// Paged: two, two, one, oldest first.
		var all []entry
		cursor := ""
		for i := 0; i < 4; i++ {
			q := "?limit=2"
			if cursor != "" {
				q += "&cursor=" + cursor
			}
			items, next, code, body := read(e.Tokens["officer"], q)
			if code != 200 {
				t.Fatalf("page %d: %d %s", i, code, body)
			}
			all = append(all, items...)
			if cursor = next; cursor == "" {
				break
			}
		}
		if len(all) != 5 || all[0].Action != "activity.create" || all[4].Status != "completed" {
			t.Fatalf("paged: %d entries %+v", len(all), all)
		}
		for i := 1; i < len(all); i++ {
			if all[i].At.Before(all[i-1].At) {
				t.Fatalf("paged: not oldest first: %+v", all)
			}
		}
		if _, _, code, _ := read(e.Tokens["volunteer"], ""); code != 404 {
			t.Errorf("volunteer: %d, want 404", code)
		}
		if _, _, code, _ := read("", ""); code != 401 {
			t.Errorf("anonymous: %d, want 401", code)
		}
		if _, _, code, _ := read(e.Tokens["officer"], "?limit=500"); code != 400 {
			t.Errorf("limit 500: %d, want 400", code)
		}
		if r := e.Do("GET", "/api/v1/activities/no-such-record/history", e.Tokens["officer"], nil); r.Code != 404 {
			t.Errorf("unknown record: %d", r.Code)
		}
		// A deleted record has no history to show, as it has no page.
		if r := e.Do("DELETE", path, e.Tokens["manager"], nil); r.Code != 204 {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}
		if _, _, code, _ := read(e.Tokens["manager"], ""); code != 404 {
			t.Errorf("deleted: %d, want 404", code)
		}
	})
}

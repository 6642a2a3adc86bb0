package api_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
)

// reason2022 is how the office writes down why 2022 was closed.
var reason2022 = map[string]any{"reason": "已於 2023-01-20 函報法務部廉政署"}

// yearReport reads the one-year KPI report of year.
func yearReport(t *testing.T, e *apitest.Env, year int) map[string]any {
	t.Helper()
	r := e.Do("GET", fmt.Sprintf("/api/v1/kpis?year=%d", year), e.Tokens["manager"], nil)
	if r.Code != 200 {
		t.Fatalf("report %d: %d %s", year, r.Code, r.Body)
	}
	return r.JSON()
}

func TestCloseAndReopenKPIYear(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, time.Date(2023, 3, 1, 2, 0, 0, 0, time.UTC))
		close2022, reopen2022 := "/api/v1/kpis/years/2022/close", "/api/v1/kpis/years/2022/reopen"
		for _, who := range []string{"manager", "officer", "volunteer"} {
			for _, p := range []string{close2022, reopen2022} {
				if r := e.Do("POST", p, e.Tokens[who], reason2022); r.Code != 403 || r.ErrorCode() != "forbidden" {
					t.Errorf("%s %s: %d %s", who, p, r.Code, r.Body)
				}
			}
		}
		if r := e.Do("POST", close2022, "", reason2022); r.Code != 401 {
			t.Errorf("anonymous close: %d", r.Code)
		}
		a := e.Tokens["admin"]
		for _, tc := range []struct {
			path  string
			body  any
			field string
		}{
			{close2022, map[string]any{"reason": "  "}, "reason"},
			{close2022, map[string]any{}, "reason"},
			{close2022, map[string]any{"reason": strings.Repeat("理", 501)}, "reason"},
			{"/api/v1/kpis/years/2023/close", reason2022, "year"}, // the year in progress
			{"/api/v1/kpis/years/2024/close", reason2022, "year"},
			{"/api/v1/kpis/years/1800/close", reason2022, "year"},
		} {
			r := e.Do("POST", tc.path, a, tc.body)
			if r.Code != 422 || r.JSON()["error"].(map[string]any)["fields"].(map[string]any)[tc.field] == nil {
				t.Errorf("%s %v: %d %s", tc.path, tc.body, r.Code, r.Body)
			}
		}
		if r := e.Do("POST", "/api/v1/kpis/years/abc/close", a, reason2022); r.Code != 400 {
			t.Errorf("year abc: %d", r.Code)
		}
		if r := e.Do("POST", close2022, a, map[string]any{"reason": "x", "closed_by": "someone"}); r.Code != 400 {
			t.Errorf("unknown field: %d", r.Code)
		}
		if n := e.Count(&models.KPIClosedYear{}, ""); n != 0 {
			t.Fatalf("refused closes stored %d rows", n)
		}
		if r := e.Do("POST", reopen2022, a, map[string]any{"reason": "更正"}); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("reopen an open year: %d %s", r.Code, r.Body)
		}

		r := e.Do("POST", close2022, a, reason2022)
		if r.Code != 200 {
			t.Fatalf("close: %d %s", r.Code, r.Body)
		}
		st := r.JSON()
		if st["year"] != 2022.0 || st["roc_year"] != 111.0 || st["closed"] != true || st["closed_by"] != e.Users["admin"].ID ||
			st["closed_by_name"] != "測試 admin" || st["closed_reason"] != reason2022["reason"] || st["closed_at"] == nil {
			t.Fatalf("close answer: %s", r.Body)
		}
		if r := e.Do("POST", close2022, a, map[string]any{"reason": "再關一次"}); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("close a closed year: %d %s", r.Code, r.Body)
		}

		// The report says so, for the year and for each year of a range.
		rep := yearReport(t, e, 2022)
		if rep["closed"] != true || rep["closed_by"] != e.Users["admin"].ID || rep["closed_reason"] != reason2022["reason"] ||
			!strings.HasPrefix(rep["closed_at"].(string), "2023-03-01T02:00:00") {
			t.Fatalf("report 2022: %v", rep)
		}
		if rep := yearReport(t, e, 2021); rep["closed"] != false || rep["closed_at"] != nil || rep["closed_by"] != nil {
			t.Fatalf("report 2021: %v", rep)
		}
		r = e.Do("GET", "/api/v1/kpis?from=2021&to=2022", e.Tokens["manager"], nil)
		years := r.JSON()["years"].([]any)
		if years[0].(map[string]any)["closed"] != false || years[1].(map[string]any)["closed"] != true {
			t.Fatalf("range: %s", r.Body)
		}
		r = e.Do("GET", "/api/v1/kpis?from=2021&to=2022&format=csv", e.Tokens["manager"], nil)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil || len(recs[0]) != 17 {
			t.Fatalf("csv: %v %v", err, recs[0])
		}
		for _, rec := range recs[1:] {
			want := "否"
			if rec[1] == "2022" {
				want = "是"
				if rec[14] != "112/03/01 10:00" || rec[15] != "測試 admin" || rec[16] != reason2022["reason"] {
					t.Fatalf("csv closed cells: %v", rec)
				}
			}
			if rec[13] != want {
				t.Fatalf("csv row %v: closed %q", rec, rec[13])
			}
		}

		r = e.Do("POST", reopen2022, a, map[string]any{"reason": "廉政署來函更正採購件數"})
		if r.Code != 200 || r.JSON()["closed"] != false || r.JSON()["closed_at"] != nil {
			t.Fatalf("reopen: %d %s", r.Code, r.Body)
		}
		if rep := yearReport(t, e, 2022); rep["closed"] != false {
			t.Fatalf("report after reopen: %v", rep)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_type = ? AND entity_id = ? AND actor_id = ?", "kpi.year.close", "kpi_year", "2022", e.Users["admin"].ID); n != 1 {
			t.Errorf("close audit events: %d", n)
		}
		var ev models.AuditEvent
		if err := e.DB.Where("action = ? AND entity_id = ?", "kpi.year.reopen", "2022").Take(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ev.After, "廉政署來函更正採購件數") || !strings.Contains(ev.Before, reason2022["reason"].(string)) {
			t.Errorf("reopen audit: before %s after %s", ev.Before, ev.After)
		}
	})
}

// closedYearFixture is 2022's records, made in December 2022, seen from
// 2023-03-01 with 2022 closed.
type closedYearFixture struct {
	done, planned, event, decl map[string]any
}

func newClosedYearFixture(t *testing.T, e *apitest.Env) closedYearFixture {
	t.Helper()
	at(e, time.Date(2022, 12, 20, 2, 0, 0, 0, time.UTC))
	off := e.Tokens["officer"]
	var fx closedYearFixture
	fx.done = create(t, e, off, procurement(e, map[string]any{"status": "completed", "scheduled_at": "2022-12-01T02:00:00Z", "completed_at": "2022-12-01T06:00:00Z"}))
	fx.planned = create(t, e, off, procurement(e, map[string]any{"title": "年底驗收", "scheduled_at": "2022-12-22T02:00:00Z"}))
	fx.event = create(t, e, off, outreach(e, time.Date(2022, 12, 28, 2, 0, 0, 0, time.UTC), 5, true))
	if r := e.Do("POST", "/api/v1/activities/"+fx.event["id"].(string)+"/signups", e.Tokens["volunteer"], nil); r.Code != 201 {
		t.Fatalf("sign up: %d %s", r.Code, r.Body)
	}
	body := newDecl(e, "王大明", "regular", "2022-11-30", nil)
	body["year"] = 2022
	fx.decl = mustCreate(t, e, body)
	at(e, time.Date(2023, 3, 1, 2, 0, 0, 0, time.UTC))
	return fx
}

// snapshot is what a refused write must leave as it was.
type snapshot struct {
	actuals                                       map[string]float64
	volunteerHours                                any
	activities, checkins, declarations, rollupSum int64
	// audits are the audit events other than reads: a refused write
	// leaves none.
	audits int64
}

func takeSnapshot(t *testing.T, e *apitest.Env) snapshot {
	t.Helper()
	var sum struct{ N int64 }
	e.DB.Model(&models.KPIRollup{}).Select("COALESCE(SUM(total), 0) AS n").Scan(&sum)
	return snapshot{
		actuals:        actuals(t, e, "year=2022"),
		volunteerHours: yearReport(t, e, 2022)["volunteer_participation"],
		activities:     e.Count(&models.Activity{}, "deleted_at IS NULL"),
		checkins:       e.Count(&models.Checkin{}, ""),
		declarations:   e.Count(&models.Declaration{}, ""),
		rollupSum:      sum.N,
		audits:         e.Count(&models.AuditEvent{}, "action NOT LIKE ?", "%.read"),
	}
}

func TestWritesIntoAClosedYear(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		fx := newClosedYearFixture(t, e)
		off, a := e.Tokens["officer"], e.Tokens["admin"]
		// An activity of 2023, to be moved into 2022.
		// 2023-01-01 10:00 in Taipei.
		open := create(t, e, off, procurement(e, map[string]any{"status": "completed", "scheduled_at": "2023-01-01T02:00:00Z", "completed_at": "2023-01-01T06:00:00Z"}))
		if r := e.Do("POST", "/api/v1/kpis/years/2022/close", a, reason2022); r.Code != 200 {
			t.Fatalf("close: %d %s", r.Code, r.Body)
		}
		before := takeSnapshot(t, e)
		if before.actuals["procurement_supervisions"] != 1 {
			t.Fatalf("2022 before: %v", before.actuals)
		}
		id := func(m map[string]any) string { return m["id"].(string) }
		ver := func(m map[string]any) any { return m["version"] }
		upload := func(csvText string) func() *apitest.Response {
			return func() *apitest.Response { return uploadCSV(e, off, "/api/v1/declarations/import?year=2022", csvText) }
		}
		writes := []struct {
			name string
			do   func() *apitest.Response
		}{
			{"create completed in 2022", func() *apitest.Response {
				return e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"status": "completed", "scheduled_at": "2022-11-01T02:00:00Z", "completed_at": "2022-11-01T06:00:00Z"}))
			}},
			{"create planned in 2022", func() *apitest.Response {
				return e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"scheduled_at": "2022-12-30T02:00:00Z"}))
			}},
			{"create scheduled 2022, completed 2023", func() *apitest.Response {
				return e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"status": "completed", "scheduled_at": "2022-12-31T08:00:00Z", "completed_at": "2023-01-01T02:00:00Z"}))
			}},
			{"edit the notes of a completed 2022 record", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/activities/"+id(fx.done), off, map[string]any{"version": ver(fx.done), "notes": "補充"})
			}},
			{"reopen a completed 2022 record", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/activities/"+id(fx.done), off, map[string]any{"version": ver(fx.done), "status": "in_progress"})
			}},
			{"delete a completed 2022 record", func() *apitest.Response {
				return e.Do("DELETE", "/api/v1/activities/"+id(fx.done), off, nil)
			}},
			{"complete a planned 2022 record", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/activities/"+id(fx.planned), off, map[string]any{"version": ver(fx.planned), "status": "completed", "completed_at": "2022-12-22T06:00:00Z"})
			}},
			{"cancel a planned 2022 record", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/activities/"+id(fx.planned), off, map[string]any{"version": ver(fx.planned), "status": "cancelled"})
			}},
			{"move a 2022 record out to 2023", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/activities/"+id(fx.planned), off, map[string]any{"version": ver(fx.planned), "scheduled_at": "2023-03-05T02:00:00Z"})
			}},
			{"move a 2023 record into 2022", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/activities/"+id(open), off, map[string]any{"version": ver(open), "scheduled_at": "2022-12-30T02:00:00Z", "completed_at": "2022-12-30T06:00:00Z"})
			}},
			{"move a 2023 completion back into 2022 (23:00 in Taipei)", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/activities/"+id(open), off, map[string]any{"version": ver(open), "completed_at": "2022-12-31T15:00:00Z"})
			}},
			{"the office's arrival that starts a 2022 record", func() *apitest.Response {
				return e.Do("POST", "/api/v1/activities/"+id(fx.planned)+"/checkins", off, checkin("arrive", 23.4801, 120.4491, 5, time.Date(2022, 12, 22, 2, 0, 0, 0, time.UTC)))
			}},
			{"a volunteer's arrival at a 2022 event", func() *apitest.Response {
				return e.Do("POST", "/api/v1/activities/"+id(fx.event)+"/checkins", e.Tokens["volunteer"], checkin("arrive", 23.4801, 120.4491, 5, time.Date(2022, 12, 28, 2, 5, 0, 0, time.UTC)))
			}},
			{"create a 2022 declaration", func() *apitest.Response {
				b := newDecl(e, "李小華", "regular", "2022-11-30", nil)
				b["year"] = 2022
				return e.Do("POST", "/api/v1/declarations", off, b)
			}},
			{"create a declaration due in 2022", func() *apitest.Response {
				b := newDecl(e, "張志明", "on_leaving", "2022-12-31", nil)
				b["year"] = 2023
				return e.Do("POST", "/api/v1/declarations", off, b)
			}},
			{"record a filing of a 2022 declaration", func() *apitest.Response {
				return e.Do("PATCH", "/api/v1/declarations/"+id(fx.decl), off, map[string]any{"version": ver(fx.decl), "filed_at": "2022-11-20T02:00:00Z"})
			}},
			{"import a 2022 roster", upload("姓名,職稱,機關,申報類別,申報期限,申報日期\n陳美玲,技正,CYC-PW,定期申報,2022-11-30,2022-11-15\n")},
			{"a /sync create into 2022", func() *apitest.Response {
				r := e.Do("POST", "/api/v1/sync", off, map[string]any{"operations": []map[string]any{{"op": "create_activity",
					"body": procurement(e, map[string]any{"status": "completed", "scheduled_at": "2022-10-01T02:00:00Z", "completed_at": "2022-10-01T06:00:00Z"})}}})
				res := r.JSON()["results"].([]any)[0].(map[string]any)
				b, _ := res["body"].(map[string]any)
				errBody, _ := b["error"].(map[string]any)
				code, _ := errBody["code"].(string)
				return &apitest.Response{T: t, Code: int(res["status"].(float64)), Body: fmt.Sprintf(`{"error":{"code":%q}}`, code)}
			}},
		}
		for _, w := range writes {
			if r := w.do(); r.Code != 409 || r.ErrorCode() != "period_closed" {
				t.Errorf("%s: %d %s", w.name, r.Code, r.Body)
			}
		}
		after := takeSnapshot(t, e)
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("a refused write changed something:\nbefore %v\nafter  %v", before, after)
		}
		var done models.Activity
		e.DB.Where("id = ?", id(fx.done)).Take(&done)
		if done.Version != 1 || done.Notes != "" || done.Status != "completed" {
			t.Fatalf("2022 record changed: %+v", done)
		}
		// A re-import of rows already on the roster changes no count: it
		// still answers while the year is closed.
		if r := uploadCSV(e, off, "/api/v1/declarations/import?year=2022", "姓名,職稱,機關,申報類別,申報期限\n王大明,科長,CYC-PW,定期申報,2022-11-30\n"); r.Code != 200 {
			t.Errorf("re-import of the roster as it is: %d %s", r.Code, r.Body)
		}
		// The office's own check-in that starts nothing still records where
		// they were, and writes outside 2022 go on.
		if r := e.Do("POST", "/api/v1/activities/"+id(fx.done)+"/checkins", off, checkin("depart", 23.4801, 120.4491, 5, time.Date(2022, 12, 1, 7, 0, 0, 0, time.UTC))); r.Code != 201 {
			t.Errorf("check-in at a completed 2022 record: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/activities/"+id(open), off, map[string]any{"version": ver(open), "notes": "2023 年的紀錄照常修改"}); r.Code != 200 {
			t.Errorf("2023 edit: %d %s", r.Code, r.Body)
		}
		// Years are the office's: 2022-12-31T17:00Z is 2023-01-01 01:00 in Taipei.
		if r := e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"status": "completed",
			"scheduled_at": "2022-12-31T17:00:00Z", "completed_at": "2022-12-31T18:00:00Z"})); r.Code != 201 {
			t.Errorf("New Year's night in Taipei: %d %s", r.Code, r.Body)
		}
		if got := actuals(t, e, "year=2022"); fmt.Sprint(got) != fmt.Sprint(before.actuals) {
			t.Errorf("2022 moved: %v, was %v", got, before.actuals)
		}

		// Reopened, the same writes go through.
		if r := e.Do("POST", "/api/v1/kpis/years/2022/reopen", a, map[string]any{"reason": "補登漏列案件"}); r.Code != 200 {
			t.Fatalf("reopen: %d %s", r.Code, r.Body)
		}
		for _, w := range []string{"create completed in 2022", "edit the notes of a completed 2022 record", "the office's arrival that starts a 2022 record",
			"a volunteer's arrival at a 2022 event", "create a 2022 declaration", "import a 2022 roster"} {
			for _, ww := range writes {
				if ww.name == w {
					if r := ww.do(); r.Code != 200 && r.Code != 201 {
						t.Errorf("after reopen, %s: %d %s", w, r.Code, r.Body)
					}
				}
			}
		}
		if got := actuals(t, e, "year=2022")["procurement_supervisions"]; got != 2 {
			t.Fatalf("2022 after reopen and a new record: %v", got)
		}
	})
}

func TestCompletedBeforeScheduled(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off := e.Tokens["officer"]
		sched := base.Add(-10 * 24 * time.Hour)
		for _, tc := range []struct {
			completed time.Time
			want      int
		}{
			{sched.Add(-24*time.Hour - time.Second), 422},
			{sched.Add(-30 * 24 * time.Hour), 422},
			{sched.Add(-23 * time.Hour), 201}, // the eve of the planned day
			{sched.Add(time.Hour), 201},
		} {
			r := e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"status": "completed",
				"scheduled_at": sched.Format(time.RFC3339), "completed_at": tc.completed.Format(time.RFC3339)}))
			if r.Code != tc.want {
				t.Fatalf("completed %s for %s: %d %s", tc.completed, sched, r.Code, r.Body)
			}
			if tc.want == 422 && r.JSON()["error"].(map[string]any)["fields"].(map[string]any)["completed_at"] == nil {
				t.Fatalf("422 without completed_at: %s", r.Body)
			}
		}
		if n := e.Count(&models.Activity{}, ""); n != 2 {
			t.Fatalf("stored %d activities, want 2", n)
		}
		// The same by PATCH: completing now a record planned for next week,
		// or moving a completed record's plan more than a day after it.
		later := create(t, e, off, procurement(e, map[string]any{"scheduled_at": base.Add(7 * 24 * time.Hour).Format(time.RFC3339)}))
		r := e.Do("PATCH", "/api/v1/activities/"+later["id"].(string), off, map[string]any{"version": later["version"], "status": "completed"})
		if r.Code != 422 || r.JSON()["error"].(map[string]any)["fields"].(map[string]any)["completed_at"] == nil {
			t.Fatalf("complete a week early: %d %s", r.Code, r.Body)
		}
		var a models.Activity
		e.DB.Where("id = ?", later["id"]).Take(&a)
		if a.Status != "planned" || a.Version != 1 {
			t.Fatalf("stored: %+v", a)
		}
	})
}

func TestLateEntries(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off, m := e.Tokens["officer"], e.Tokens["manager"]
		day := 24 * time.Hour
		doneAt := func(ago time.Duration) map[string]any {
			c := base.Add(-ago)
			return create(t, e, off, procurement(e, map[string]any{"status": "completed",
				"scheduled_at": c.Format(time.RFC3339), "completed_at": c.Format(time.RFC3339)}))
		}
		late := doneAt(45 * day)
		inTime := doneAt(31*day - time.Minute)
		if late["late_entry"] != true || inTime["late_entry"] != false {
			t.Fatalf("late_entry: %v / %v", late["late_entry"], inTime["late_entry"])
		}
		// Completed by PATCH: the mark is set then, from the time it is recorded.
		planned := create(t, e, off, procurement(e, map[string]any{"scheduled_at": base.Add(-60 * day).Format(time.RFC3339)}))
		if planned["late_entry"] != false {
			t.Fatalf("planned: %v", planned)
		}
		r := e.Do("PATCH", "/api/v1/activities/"+planned["id"].(string), off, map[string]any{"version": planned["version"], "status": "completed",
			"completed_at": base.Add(-60 * day).Format(time.RFC3339)})
		if r.Code != 200 || r.JSON()["late_entry"] != true {
			t.Fatalf("completed late by PATCH: %d %s", r.Code, r.Body)
		}
		planned = r.JSON()

		ids := func(q string) map[string]bool {
			t.Helper()
			r := e.Do("GET", "/api/v1/activities?"+q, m, nil)
			if r.Code != 200 {
				t.Fatalf("list %s: %d %s", q, r.Code, r.Body)
			}
			out := map[string]bool{}
			for _, it := range r.JSON()["items"].([]any) {
				out[it.(map[string]any)["id"].(string)] = true
			}
			return out
		}
		if got := ids("late_entry=true"); len(got) != 2 || !got[late["id"].(string)] || !got[planned["id"].(string)] {
			t.Fatalf("late_entry=true: %v", got)
		}
		if got := ids("late_entry=false"); len(got) != 1 || !got[inTime["id"].(string)] {
			t.Fatalf("late_entry=false: %v", got)
		}
		for _, q := range []string{"late_entry=yes", "late_entry=1", "late_entry="} {
			if r := e.Do("GET", "/api/v1/activities?"+q, m, nil); r.Code != 400 && !(q == "late_entry=" && r.Code == 200) {
				t.Errorf("%s: %d", q, r.Code)
			}
		}
		if r := e.Do("GET", "/api/v1/activities?late_entry=true", e.Tokens["volunteer"], nil); r.Code != 400 {
			t.Errorf("volunteer filters late entries: %d", r.Code)
		}

		// Reopened, the mark goes; completed again now, it comes back.
		r = e.Do("PATCH", "/api/v1/activities/"+late["id"].(string), off, map[string]any{"version": late["version"], "status": "in_progress"})
		if r.Code != 200 || r.JSON()["late_entry"] != false {
			t.Fatalf("reopened: %d %s", r.Code, r.Body)
		}
		if got := ids("late_entry=true"); got[late["id"].(string)] {
			t.Fatalf("reopened record still listed as late")
		}
		r = e.Do("PATCH", "/api/v1/activities/"+late["id"].(string), off, map[string]any{"version": r.JSON()["version"], "status": "completed",
			"completed_at": base.Add(-45 * day).Format(time.RFC3339)})
		if r.Code != 200 || r.JSON()["late_entry"] != true {
			t.Fatalf("completed again: %d %s", r.Code, r.Body)
		}
		// A change of something else keeps the mark.
		r = e.Do("PATCH", "/api/v1/activities/"+late["id"].(string), off, map[string]any{"version": r.JSON()["version"], "notes": "補登"})
		if r.Code != 200 || r.JSON()["late_entry"] != true {
			t.Fatalf("notes: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Activity{}, "late_entry = ?", true); n != 2 {
			t.Fatalf("stored late entries: %d", n)
		}
	})
}

// TestCloseRacesWrites closes a year while officers keep recording work of
// that year: no write may slip in after the close. The numbers read right
// after the close answered must be the ones left when every writer is done.
// Five years, one after the other, so that a slip has five chances to show.
func TestCloseRacesWrites(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, time.Date(2023, 3, 1, 2, 0, 0, 0, time.UTC))
		off := e.Tokens["officer"]
		const writers, each = 8, 15
		raced := 0
		for year := 2018; year <= 2022; year++ {
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				statuses = map[int]int{}
			)
			start := make(chan struct{})
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					<-start
					for i := 0; i < each; i++ {
						day := time.Date(year, time.Month(1+(w+i)%12), 1+i, 2, 0, 0, 0, time.UTC)
						r := e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"status": "completed",
							"scheduled_at": day.Format(time.RFC3339), "completed_at": day.Add(4 * time.Hour).Format(time.RFC3339)}))
						mu.Lock()
						statuses[r.Code]++
						mu.Unlock()
					}
				}(w)
			}
			close(start)
			time.Sleep(20 * time.Millisecond)
			if r := e.Do("POST", fmt.Sprintf("/api/v1/kpis/years/%d/close", year), e.Tokens["admin"], reason2022); r.Code != 200 {
				t.Fatalf("close %d: %d %s", year, r.Code, r.Body)
			}
			atClose := actuals(t, e, fmt.Sprintf("year=%d", year))["procurement_supervisions"]
			wg.Wait()
			final := actuals(t, e, fmt.Sprintf("year=%d", year))["procurement_supervisions"]
			if final != atClose {
				t.Fatalf("%d was %v when the close answered, %v after the writers finished (%v)", year, atClose, final, statuses)
			}
			if int(final) != statuses[201] || statuses[201]+statuses[409] != writers*each {
				t.Fatalf("%d: answers %v, counted %v", year, statuses, final)
			}
			if statuses[201] > 0 && statuses[409] > 0 {
				raced++
			}
		}
		if raced == 0 {
			t.Logf("no close fell among the writes: the race was not exercised")
		}
	})
}

package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

// uploadCSV posts a CSV file as multipart form field "file".
func uploadCSV(e *apitest.Env, token, path, csv string) *apitest.Response {
	e.T.Helper()
	return upload(e.T, e, path, token, "file", "roster.csv", []byte(csv))
}

func newDecl(e *apitest.Env, name, typ, due string, filed *time.Time) map[string]any {
	body := map[string]any{"year": 2020, "declarant_name": name, "position": "科長", "unit_id": e.Unit.ID, "type": typ, "due_date": due}
	if filed != nil {
		body["filed_at"] = filed.Format(time.RFC3339)
	}
	return body
}

func mustCreate(t *testing.T, e *apitest.Env, body map[string]any) map[string]any {
	t.Helper()
	r := e.Do("POST", "/api/v1/declarations", e.Tokens["officer"], body)
	if r.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Code, r.Body)
	}
	return r.JSON()
}

func TestDeclarationRoutesRoles(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		d := mustCreate(t, e, newDecl(e, "王大明", "regular", "2020-12-31", nil))
		r := e.Do("POST", "/api/v1/declarations/draws", e.Tokens["manager"], map[string]any{"year": 2020, "count": 1, "seed": "s"})
		if r.Code != 201 {
			t.Fatalf("draw: %d %s", r.Code, r.Body)
		}
		drawID := r.JSON()["id"].(string)
		csv := "姓名,職稱,機關,申報類別,申報期限\n李四,科員,CYC-PW,定期申報,109/12/31\n"
		type route struct {
			method, path string
			body         any
			allowed      []string // roles that pass the guard
		}
		staff := []string{"officer", "manager", "admin"}
		mgr := []string{"manager", "admin"}
		routes := []route{
			{"GET", "/api/v1/declarations?year=2020", nil, staff},
			{"POST", "/api/v1/declarations", "csv-less", staff},
			{"PATCH", "/api/v1/declarations/" + d["id"].(string), map[string]any{"version": 99}, staff},
			{"POST", "/api/v1/declarations/import?year=2020", "import", staff},
			{"GET", "/api/v1/declarations/draws", nil, mgr},
			{"POST", "/api/v1/declarations/draws", map[string]any{"year": 2020, "count": 1, "seed": "t"}, mgr},
			{"GET", "/api/v1/declarations/draws/" + drawID, nil, mgr},
			{"GET", "/api/v1/declarations/draws/" + drawID + "/verify", nil, mgr},
		}
		for _, rt := range routes {
			for _, who := range []string{"", "volunteer", "pending", "officer", "manager", "admin"} {
				var r *apitest.Response
				switch rt.body {
				case "import":
					r = uploadCSV(e, e.Tokens[who], rt.path, csv)
				case "csv-less":
					r = e.Do(rt.method, rt.path, e.Tokens[who], newDecl(e, "新人"+who, "regular", "2020-12-31", nil))
				default:
					r = e.Do(rt.method, rt.path, e.Tokens[who], rt.body)
				}
				allowed := false
				for _, a := range rt.allowed {
					allowed = allowed || a == who
				}
				switch {
				case who == "":
					if r.Code != 401 {
						t.Errorf("%s %s anonymous: %d", rt.method, rt.path, r.Code)
					}
				case !allowed:
					if r.Code != 403 {
						t.Errorf("%s %s %s: %d %s", rt.method, rt.path, who, r.Code, r.Body)
					}
					if strings.Contains(r.Body, "王大明") {
						t.Errorf("%s %s %s leaked a name", rt.method, rt.path, who)
					}
				default:
					if r.Code >= 400 && r.Code != 409 { // 409: the stale PATCH version
						t.Errorf("%s %s %s: %d %s", rt.method, rt.path, who, r.Code, r.Body)
					}
				}
			}
		}
		// Volunteers and anonymous callers left no read in the audit trail.
		if n := e.Count(&models.AuditEvent{}, "action = ? AND actor_id = ?", "declarations.read", e.Users["volunteer"].ID); n != 0 {
			t.Fatalf("volunteer reads recorded: %d", n)
		}
	})
}

func TestDeclarationCreateUpdateList(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		tok := e.Tokens["officer"]
		id := "0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"
		body := newDecl(e, "王大明", "regular", "2020-12-31", nil)
		body["id"] = id
		if r := e.Do("POST", "/api/v1/declarations", tok, body); r.Code != 201 || r.JSON()["status"] != "not_yet_due" && r.JSON()["status"] != "not_filed" {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/declarations", tok, body); r.Code != 200 || r.JSON()["id"] != id {
			t.Fatalf("resend: %d %s", r.Code, r.Body)
		}
		body["position"] = "處長"
		if r := e.Do("POST", "/api/v1/declarations", tok, body); r.Code != 409 || r.ErrorCode() != "id_conflict" {
			t.Fatalf("id conflict: %d %s", r.Code, r.Body)
		}
		delete(body, "id")
		body["position"] = "科長"
		if r := e.Do("POST", "/api/v1/declarations", tok, body); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("same declarant: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Declaration{}, ""); n != 1 {
			t.Fatalf("rows: %d", n)
		}
		bad := map[string]any{"year": 1800, "declarant_name": "", "position": "x", "unit_id": "nope", "type": "annual", "due_date": "109/12/31"}
		if r := e.Do("POST", "/api/v1/declarations", tok, bad); r.Code != 422 || len(r.JSON()["error"].(map[string]any)["fields"].(map[string]any)) != 5 {
			t.Fatalf("invalid: %d %s", r.Code, r.Body)
		}

		// Record the filing; a stale version is refused; the audit keeps before/after.
		at(e, time.Date(2021, 1, 5, 12, 0, 0, 0, time.UTC))
		tok = e.Tokens["officer"]
		filed := "2020-12-31T15:59:59Z" // 23:59:59 on the due date in Taipei
		r := e.Do("PATCH", "/api/v1/declarations/"+id, tok, map[string]any{"version": 1, "filed_at": filed})
		if r.Code != 200 || r.JSON()["status"] != "filed_on_time" || r.JSON()["version"].(float64) != 2 {
			t.Fatalf("patch: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/declarations/"+id, tok, map[string]any{"version": 1, "filed_at": filed}); r.Code != 409 || r.ErrorCode() != "version_conflict" {
			t.Fatalf("stale: %d %s", r.Code, r.Body)
		}
		var ev models.AuditEvent
		if err := e.DB.Where("action = ? AND entity_id = ?", "declaration.update", id).Take(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ev.Before, `"filed_at":null`) || !strings.Contains(ev.After, "2020-12-31T15:59:59Z") {
			t.Fatalf("audit: %s → %s", ev.Before, ev.After)
		}
		if r := e.Do("PATCH", "/api/v1/declarations/"+id, tok, map[string]any{"version": 2, "filed_at": "2020-12-31T16:00:00Z"}); r.Code != 200 || r.JSON()["status"] != "filed_late" {
			t.Fatalf("late: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PATCH", "/api/v1/declarations/"+id, tok, map[string]any{"version": 3, "filed_at": nil}); r.Code != 200 || r.JSON()["status"] != "not_filed" || r.JSON()["filed_at"] != nil {
			t.Fatalf("clear: %d %s", r.Code, r.Body)
		}

		// Filters by status, and pagination.
		mustCreate(t, e, newDecl(e, "甲", "regular", "2021-02-01", nil))
		f := time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)
		mustCreate(t, e, newDecl(e, "乙", "on_leaving", "2020-06-30", &f))
		for status, want := range map[string]int{"not_filed": 1, "not_yet_due": 1, "filed_on_time": 1, "filed_late": 0} {
			r := e.Do("GET", "/api/v1/declarations?year=2020&status="+status, tok, nil)
			if r.Code != 200 || len(r.JSON()["items"].([]any)) != want {
				t.Errorf("status %s: %d %s", status, r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/declarations?status=late", tok, nil); r.Code != 400 {
			t.Fatalf("bad status: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/declarations?sort=name", tok, nil); r.Code != 400 {
			t.Fatalf("unknown param: %d", r.Code)
		}
		seen := 0
		cursor := ""
		for i := 0; i < 5; i++ {
			r := e.Do("GET", "/api/v1/declarations?year=2020&limit=2&cursor="+cursor, e.Tokens["manager"], nil)
			seen += len(r.JSON()["items"].([]any))
			cursor = r.JSON()["next_cursor"].(string)
			if cursor == "" {
				break
			}
		}
		if seen != 3 {
			t.Fatalf("paged %d rows", seen)
		}
		// Every read is in the audit trail, with who and which rows.
		var reads []models.AuditEvent
		e.DB.Where("action = ? AND actor_id = ?", "declarations.read", e.Users["manager"].ID).Find(&reads)
		if len(reads) != 2 || !strings.Contains(reads[0].After, `"ids":[`) || !strings.Contains(reads[0].After, `"count":2`) {
			t.Fatalf("read audit: %+v", reads)
		}
	})
}

const goodCSV = "\ufeff姓名,職稱,機關,申報類別,申報期限,申報日期\n" +
	"黃敏惠,市長,CYC-PW,定期申報,109/12/31,109/11/20\n" +
	"林副座,副市長,嘉義市政府工務處,就(到)職申報,109-03-31,109.04.02\n" +
	"張校長,國中校長,SCH-CYJH,卸(離)職申報,2020-08-31,\n"

func TestDeclarationImport(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, time.Date(2021, 1, 10, 0, 0, 0, 0, time.UTC))
		tok := e.Tokens["officer"]
		r := uploadCSV(e, tok, "/api/v1/declarations/import?year=2020", goodCSV)
		if r.Code != 200 || r.JSON()["created"].(float64) != 3 || r.JSON()["unchanged"].(float64) != 0 {
			t.Fatalf("import: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND actor_id = ?", "declarations.import", e.Users["officer"].ID); n != 1 {
			t.Fatalf("import audit: %d", n)
		}
		// Again: nothing changes.
		r = uploadCSV(e, tok, "/api/v1/declarations/import?year=2020", goodCSV)
		if r.Code != 200 || r.JSON()["created"].(float64) != 0 || r.JSON()["unchanged"].(float64) != 3 {
			t.Fatalf("re-import: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.Declaration{}, ""); n != 3 {
			t.Fatalf("rows after re-import: %d", n)
		}
		var vp models.Declaration
		e.DB.Where("declarant_name = ?", "林副座").Take(&vp)
		if vp.Type != "on_assumption" || vp.DueDate != "2020-03-31" || vp.FiledAt == nil || !vp.FiledAt.Equal(time.Date(2020, 4, 1, 16, 0, 0, 0, time.UTC)) || vp.UnitID != e.Unit.ID {
			t.Fatalf("row: %+v", vp)
		}
		ontime, due, _, _ := e.Svc.Declarations.OnTimeRate(context.Background(), 2020, "")
		if ontime != 1 || due != 3 {
			t.Fatalf("rate after import: %d/%d", ontime, due)
		}

		// A mixed file: good rows and bad ones; nothing is stored, every bad line is named.
		mixed := "declarant_name,position,unit,type,due_date,filed_at\n" +
			"新人甲,科長,CYC-PW,regular,2020-12-31,\n" + // line 2: good
			"新人乙,科長,NO-SUCH,regular,2020-12-31,\n" + // line 3: unknown unit
			"新人丙,科長,CYC-PW,regular,109/02/30,\n" + // line 4: bad date
			"新人丁,科長,CYC-PW,annual,2020-12-31,\n" + // line 5: unknown type
			"新人甲,科長,CYC-PW,定期申報,2020-12-31,\n" + // line 6: duplicate of line 2
			"黃敏惠,市長,CYC-PW,regular,2020-12-15,\n" // line 7: on the roster with other data
		r = uploadCSV(e, tok, "/api/v1/declarations/import?year=2020", mixed)
		if r.Code != 422 {
			t.Fatalf("mixed: %d %s", r.Code, r.Body)
		}
		fields := r.JSON()["error"].(map[string]any)["fields"].(map[string]any)
		want := map[string]string{"line 3": "unknown unit", "line 4": "bad due date", "line 5": "unknown type", "line 6": "duplicate of line 2", "line 7": "already on the 2020 roster"}
		if len(fields) != len(want) {
			t.Fatalf("fields: %v", fields)
		}
		for k, v := range want {
			if s, _ := fields[k].(string); !strings.Contains(s, v) {
				t.Errorf("%s: %q, want %q", k, s, v)
			}
		}
		if n := e.Count(&models.Declaration{}, ""); n != 3 {
			t.Fatalf("rows after a bad file: %d", n)
		}
		// File-level problems, size, and the form itself.
		if r := uploadCSV(e, tok, "/api/v1/declarations/import?year=2020", "name,position\nx,y\n"); r.Code != 422 {
			t.Fatalf("missing columns: %d %s", r.Code, r.Body)
		}
		if r := uploadCSV(e, tok, "/api/v1/declarations/import", goodCSV); r.Code != 400 {
			t.Fatalf("no year: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/declarations/import?year=2020", tok, goodCSV); r.Code != 415 {
			t.Fatalf("not multipart: %d %s", r.Code, r.Body)
		}
		big := "declarant_name,position,unit,type,due_date\n" + strings.Repeat("x", services.MaxImportBytes)
		if r := uploadCSV(e, tok, "/api/v1/declarations/import?year=2020", big); r.Code != 413 {
			t.Fatalf("too large: %d %s", r.Code, r.Body[:min(200, len(r.Body))])
		}
		// A larger-than-JSON (over 1 MiB) but valid file is accepted.
		var sb strings.Builder
		sb.WriteString("declarant_name,position,unit,type,due_date\n")
		for i := 0; sb.Len() < 1<<20+1000; i++ {
			fmt.Fprintf(&sb, "申報人%05d,%s,CYC-PW,regular,2021-12-31\n", i, strings.Repeat("職", 60))
		}
		if r := uploadCSV(e, tok, "/api/v1/declarations/import?year=2021", sb.String()); r.Code != 200 {
			t.Fatalf("1 MiB+ file: %d %s", r.Code, r.Body[:min(300, len(r.Body))])
		}
	})
}

func TestOnTimeRate(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		svc := e.Svc.Declarations
		tp := func(y int, m time.Month, d, h, min int) time.Time {
			return time.Date(y, m, d, h, min, 0, 0, e.Location)
		}
		onTimeEdge := tp(2020, 12, 31, 23, 59) // the last minute of the due date, Taipei
		late := tp(2021, 1, 1, 0, 0)           // the first minute after it
		early := tp(2020, 11, 1, 9, 0)         // well before
		mustCreate(t, e, newDecl(e, "準時", "regular", "2020-12-31", &onTimeEdge))
		mustCreate(t, e, newDecl(e, "遲交", "regular", "2020-12-31", &late))
		mustCreate(t, e, newDecl(e, "未交", "regular", "2020-12-31", nil))
		mustCreate(t, e, newDecl(e, "早交", "on_leaving", "2020-12-30", &early))
		// Due in January 2020: counts in 2020 even though filed for a 2019 roster.
		jan := newDecl(e, "一月", "regular", "2020-01-02", nil)
		jan["year"] = 2019
		mustCreate(t, e, jan)
		other := newDecl(e, "他機關", "regular", "2020-12-31", &early)
		other["unit_id"] = e.Unit2.ID
		mustCreate(t, e, other)

		check := func(at time.Time, unit string, wantOn, wantDue int) {
			t.Helper()
			e.Clock.Set(at)
			on, due, rate, err := svc.OnTimeRate(ctx, 2020, unit)
			if err != nil || on != wantOn || due != wantDue {
				t.Fatalf("at %s unit %q: %d/%d (%v), want %d/%d", at, unit, on, due, err, wantOn, wantDue)
			}
			if (rate == nil) != (due == 0) || (rate != nil && *rate != float64(on)/float64(due)*100) {
				t.Fatalf("rate %v for %d/%d", rate, on, due)
			}
		}
		check(tp(2020, 1, 2, 23, 59), "", 0, 0)  // due today: not counted yet
		check(tp(2020, 1, 3, 0, 0), "", 0, 1)    // the day after: due, not filed
		check(tp(2020, 12, 30, 23, 0), "", 0, 1) // the 30th is still running
		check(tp(2020, 12, 31, 0, 0), "", 1, 2)  // the 30th has passed
		// 2020-12-31 16:00 UTC is already 2021-01-01 in Taipei: the 31st has passed.
		check(time.Date(2020, 12, 31, 15, 59, 0, 0, time.UTC), "", 1, 2)
		check(time.Date(2020, 12, 31, 16, 0, 0, 0, time.UTC), "", 3, 6)
		check(time.Date(2020, 12, 31, 16, 0, 0, 0, time.UTC), e.Unit.ID, 2, 5)
		check(time.Date(2020, 12, 31, 16, 0, 0, 0, time.UTC), e.Unit2.ID, 1, 1)
		e.Clock.Set(tp(2022, 1, 1, 0, 0))
		if on, due, _, _ := svc.OnTimeRate(ctx, 2019, ""); on != 0 || due != 0 {
			t.Fatalf("2019: %d/%d", on, due)
		}
	})
}

func TestDeclarationDraws(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		mgr := e.Tokens["manager"]
		for i := 0; i < 12; i++ {
			mustCreate(t, e, newDecl(e, fmt.Sprintf("申報人%02d", i), "regular", "2020-12-31", nil))
		}
		draw := func(body map[string]any) map[string]any {
			t.Helper()
			r := e.Do("POST", "/api/v1/declarations/draws", mgr, body)
			if r.Code != 201 {
				t.Fatalf("draw: %d %s", r.Code, r.Body)
			}
			return r.JSON()
		}
		a := draw(map[string]any{"year": 2020, "ratio": 0.25, "seed": "109000123"})
		b := draw(map[string]any{"year": 2020, "count": 3, "seed": "109000123"})
		c := draw(map[string]any{"year": 2020, "count": 3, "seed": "109000124"})
		if a["count"].(float64) != 3 || fmt.Sprint(a["selected_ids"]) != fmt.Sprint(b["selected_ids"]) || a["snapshot_sha256"] != b["snapshot_sha256"] {
			t.Fatalf("same inputs, different draws:\n%v\n%v", a, b)
		}
		if fmt.Sprint(a["selected_ids"]) == fmt.Sprint(c["selected_ids"]) {
			t.Fatal("another seed drew the same declarants")
		}
		sel := a["selected"].([]any)
		if len(sel) != 3 || sel[0].(map[string]any)["declarant_name"] == "" || sel[0].(map[string]any)["unit_name"] != e.Unit.Name {
			t.Fatalf("selected: %v", sel)
		}
		// The stored selection is the pure function of seed and snapshot.
		ids := []string{}
		for _, id := range a["candidate_ids"].([]any) {
			ids = append(ids, id.(string))
		}
		if services.SnapshotHash(ids) != a["snapshot_sha256"] || fmt.Sprint(services.SelectDraw("109000123", ids, 3)) != fmt.Sprint(a["selected_ids"]) {
			t.Fatal("stored draw is not the documented function")
		}
		for _, bad := range []map[string]any{
			{"year": 2020, "seed": "x"}, {"year": 2020, "count": 1, "ratio": 0.5, "seed": "x"}, {"year": 2020, "ratio": 1.5, "seed": "x"},
			{"year": 2020, "count": 13, "seed": "x"}, {"year": 2020, "count": 1}, {"year": 2020, "count": 1, "seed": " x"}, {"year": 2031, "count": 1, "seed": "x"},
		} {
			if r := e.Do("POST", "/api/v1/declarations/draws", mgr, bad); r.Code != 422 {
				t.Errorf("%v: %d %s", bad, r.Code, r.Body)
			}
		}

		// Show and verify; the reads are audited.
		id := a["id"].(string)
		if r := e.Do("GET", "/api/v1/declarations/draws/"+id, mgr, nil); r.Code != 200 || r.JSON()["seed"] != "109000123" {
			t.Fatalf("show: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ? AND actor_id = ?", "declarations.read", id, e.Users["manager"].ID); n != 1 {
			t.Fatalf("show audit: %d", n)
		}
		verify := func(id string) map[string]any {
			t.Helper()
			r := e.Do("GET", "/api/v1/declarations/draws/"+id+"/verify", e.Tokens["admin"], nil)
			if r.Code != 200 {
				t.Fatalf("verify: %d %s", r.Code, r.Body)
			}
			return r.JSON()
		}
		if v := verify(id); v["match"] != true || v["current_roster_differs"] != false {
			t.Fatalf("verify: %v", v)
		}
		if r := e.Do("GET", "/api/v1/declarations/draws?year=2020", mgr, nil); r.Code != 200 || len(r.JSON()["items"].([]any)) != 3 {
			t.Fatalf("list: %d %s", r.Code, r.Body)
		}
		// Pages in the order of making, each draw once.
		p1 := e.Do("GET", "/api/v1/declarations/draws?year=2020&limit=2", mgr, nil).JSON()
		p2 := e.Do("GET", "/api/v1/declarations/draws?year=2020&limit=2&cursor="+p1["next_cursor"].(string), mgr, nil).JSON()
		var order []any
		for _, p := range []map[string]any{p1, p2} {
			for _, it := range p["items"].([]any) {
				order = append(order, it.(map[string]any)["id"])
			}
		}
		if fmt.Sprint(order) != fmt.Sprint([]any{a["id"], b["id"], c["id"]}) || p2["next_cursor"] != "" {
			t.Fatalf("pages: %v then %v", order, p2["next_cursor"])
		}
		if r := e.Do("GET", "/api/v1/declarations/draws/0192f1c4-0000-7000-8000-000000000000", mgr, nil); r.Code != 404 {
			t.Fatalf("missing: %d", r.Code)
		}
		// No route changes or deletes a draw.
		for _, m := range []string{"PATCH", "PUT", "DELETE"} {
			if r := e.Do(m, "/api/v1/declarations/draws/"+id, mgr, map[string]any{}); r.Code != 404 {
				t.Errorf("%s draw: %d", m, r.Code)
			}
		}

		// A changed roster: a new draw records a different snapshot; the old one
		// still verifies and says the roster has moved on.
		mustCreate(t, e, newDecl(e, "後來者", "regular", "2020-12-31", nil))
		d2 := draw(map[string]any{"year": 2020, "count": 3, "seed": "109000123"})
		if d2["snapshot_sha256"] == a["snapshot_sha256"] || d2["candidate_count"].(float64) != 13 {
			t.Fatalf("changed roster, same snapshot: %v", d2["snapshot_sha256"])
		}
		if v := verify(id); v["match"] != true || v["current_roster_differs"] != true {
			t.Fatalf("verify after roster change: %v", v)
		}

		// Tampering with a stored draw is detected, whichever column is edited.
		first := ids[0]
		for name, sql := range map[string]string{
			"selected": "UPDATE declaration_draws SET selected_ids = ? WHERE id = ?",
			"seed":     "UPDATE declaration_draws SET seed = ? WHERE id = ?",
		} {
			v := first
			if name == "seed" {
				v = "999999999"
			}
			id := draw(map[string]any{"year": 2020, "count": 3, "seed": "109000123"})["id"].(string)
			if err := e.DB.Exec(sql, v, id).Error; err != nil {
				t.Fatal(err)
			}
			if got := verify(id); got["match"] != false {
				t.Errorf("tampered %s: %v", name, got)
			}
		}
		// Candidates and their hash rewritten together still disagree with the audit trail.
		id3 := draw(map[string]any{"year": 2020, "count": 3, "seed": "109000123"})["id"].(string)
		fewer := ids[1:]
		if err := e.DB.Exec("UPDATE declaration_draws SET candidate_ids = ?, snapshot_sha256 = ?, selected_ids = ? WHERE id = ?",
			strings.Join(fewer, "\n"), services.SnapshotHash(fewer), strings.Join(services.SelectDraw("109000123", fewer, 3), "\n"), id3).Error; err != nil {
			t.Fatal(err)
		}
		if got := verify(id3); got["match"] != false || got["selection_matches"] != true || got["audit_record_matches"] != false {
			t.Errorf("consistent rewrite: %v", got)
		}
	})
}

func TestDeclarationImportConcurrent(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		const n = 4
		codes := make(chan int, n)
		for i := 0; i < n; i++ {
			go func() {
				codes <- uploadCSV(e, e.Tokens["officer"], "/api/v1/declarations/import?year=2020", goodCSV).Code
			}()
		}
		for i := 0; i < n; i++ {
			if c := <-codes; c != 200 {
				t.Errorf("concurrent import answered %d", c)
			}
		}
		if got := e.Count(&models.Declaration{}, ""); got != 3 {
			t.Fatalf("%d rows after %d concurrent imports of 3", got, n)
		}
	})
}

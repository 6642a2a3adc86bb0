package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
)

// opinionVisit is a planned opinion visit (民意訪查) at the building office;
// part overrides fields of the opinion_visit part (nil removes one).
func opinionVisit(e *apitest.Env, extra, part map[string]any) map[string]any {
	p := map[string]any{"service": "建築執照申請及使用執照核發"}
	for k, v := range part {
		if v == nil {
			delete(p, k)
		} else {
			p[k] = v
		}
	}
	b := map[string]any{
		"kind": "opinion_visit", "title": "工務處建管科民意訪查", "unit_id": e.Unit.ID,
		"scheduled_at":  base.Add(-2 * time.Hour).Format(time.RFC3339),
		"site":          map[string]any{"name": "工務處建管科櫃台", "address": "嘉義市東區中山路199號", "lat": 23.4801, "lng": 120.4491, "radius_m": 80},
		"opinion_visit": p,
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

// answered is a complete opinion visit part.
func answered() map[string]any {
	return map[string]any{
		"service":     "建築執照申請及使用執照核發",
		"respondents": map[string]any{"count": 12, "type": "citizen"},
		"questionnaire": map[string]any{"integrity_score": 4, "efficiency_score": 3, "asked_for_favours": false,
			"knows_how_to_report": true},
		"findings":    "受訪民眾多表示承辦人員態度良好，惟補件通知未說明法令依據。",
		"suggestions": "建議補件通知單載明法令依據及承辦人聯絡方式。",
	}
}

func TestOpinionVisitCreateAndComplete(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off := e.Tokens["officer"]
		a := create(t, e, off, opinionVisit(e, nil, nil))
		id := a["id"].(string)
		ov := a["opinion_visit"].(map[string]any)
		if a["kind"] != "opinion_visit" || ov["service"] != "建築執照申請及使用執照核發" || ov["questionnaire"] != nil {
			t.Fatalf("created: %v", a)
		}
		// Completing requires whom it asked, the questionnaire and the findings.
		r := e.Do("PATCH", "/api/v1/activities/"+id, off, map[string]any{"version": 1, "status": "completed"})
		f := errFields(t, r, 422)
		for _, k := range []string{"opinion_visit.questionnaire", "opinion_visit.findings", "opinion_visit.respondents"} {
			if f[k] == nil {
				t.Errorf("complete without %s: %s", k, r.Body)
			}
		}
		// Check in at the counter, as with every kind.
		c := e.Do("POST", "/api/v1/activities/"+id+"/checkins", off, checkin("arrive", 23.4802, 120.4491, 5, base.Add(-time.Minute)))
		if c.Code != 201 || c.JSON()["geofence"] != "inside" {
			t.Fatalf("check-in: %d %s", c.Code, c.Body)
		}
		if up := upload(t, e, "/api/v1/activities/"+id+"/attachments", off, "file", "訪查問卷.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)); up.Code != 201 {
			t.Fatalf("attachment: %d %s", up.Code, up.Body)
		}
		cur := e.Do("GET", "/api/v1/activities/"+id, off, nil).JSON()
		done := e.Do("PATCH", "/api/v1/activities/"+id, off, map[string]any{"version": cur["version"], "status": "completed", "opinion_visit": answered()})
		if done.Code != 200 {
			t.Fatalf("complete: %d %s", done.Code, done.Body)
		}
		got := done.JSON()
		q := got["opinion_visit"].(map[string]any)["questionnaire"].(map[string]any)
		if got["status"] != "completed" || q["integrity_score"].(float64) != 4 || q["asked_for_favours"] != false || q["knows_how_to_report"] != true {
			t.Fatalf("completed: %v", got)
		}
		// Opinion visits count toward none of the plan's seven KPIs, only
		// toward the informational line opinion_visits (one rollup cell).
		if n := e.Count(&models.KPIRollup{}, "code = ? AND total = 1", "opinion_visits"); n != 1 || e.Count(&models.KPIRollup{}, "") != 1 {
			t.Fatalf("rollups: %d opinion_visits cells", n)
		}
		rep := e.Do("GET", "/api/v1/kpis?year=2026", e.Tokens["manager"], nil)
		if rep.Code != 200 {
			t.Fatalf("kpis: %d %s", rep.Code, rep.Body)
		}
		for _, k := range rep.JSON()["kpis"].([]any) {
			if k := k.(map[string]any); k["unit"] == "count" && k["actual"].(float64) != 0 {
				t.Errorf("%s counts %v", k["code"], k["actual"])
			}
		}
		for _, k := range rep.JSON()["informational_kpis"].([]any) {
			if k := k.(map[string]any); k["code"] == "opinion_visits" && k["actual"].(float64) != 1 {
				t.Errorf("opinion_visits line: %v", k["actual"])
			}
		}
		if list := e.Do("GET", "/api/v1/activities?kind=opinion_visit", off, nil); list.Code != 200 || len(list.JSON()["items"].([]any)) != 1 {
			t.Fatalf("kind filter: %d %s", list.Code, list.Body)
		}
	})
}

func TestOpinionVisitBounds(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		off := e.Tokens["officer"]
		with := func(k string, v any) map[string]any {
			p := answered()
			p[k] = v
			return p
		}
		q := func(k string, v any) map[string]any {
			qq := answered()["questionnaire"].(map[string]any)
			if v == nil {
				delete(qq, k)
			} else {
				qq[k] = v
			}
			return with("questionnaire", qq)
		}
		for _, c := range []struct {
			name  string
			part  map[string]any
			field string
		}{
			{"no service", with("service", ""), "opinion_visit.service"},
			{"long service", with("service", strings.Repeat("建", 101)), "opinion_visit.service"},
			{"service line break", with("service", "建築\n執照"), "opinion_visit.service"},
			{"no respondents", with("respondents", map[string]any{"count": 0, "type": "citizen"}), "opinion_visit.respondents.count"},
			{"too many respondents", with("respondents", map[string]any{"count": 1001, "type": "citizen"}), "opinion_visit.respondents.count"},
			{"respondent type", with("respondents", map[string]any{"count": 3, "type": "tourist"}), "opinion_visit.respondents.type"},
			{"integrity 0", q("integrity_score", 0), "opinion_visit.questionnaire.integrity_score"},
			{"efficiency 6", q("efficiency_score", 6), "opinion_visit.questionnaire.efficiency_score"},
			{"favours unanswered", q("asked_for_favours", nil), "opinion_visit.questionnaire.asked_for_favours"},
			{"reporting unanswered", q("knows_how_to_report", nil), "opinion_visit.questionnaire.knows_how_to_report"},
			{"score not a number", q("integrity_score", "很好"), "opinion_visit.questionnaire.integrity_score"},
			{"long findings", with("findings", strings.Repeat("查", 4001)), "opinion_visit.findings"},
			{"bidi suggestions", with("suggestions", "建議\u202e改善"), "opinion_visit.suggestions"},
		} {
			r := e.Do("POST", "/api/v1/activities", off, opinionVisit(e, nil, c.part))
			if r.Code != 422 || errFields(t, r, 422)[c.field] == nil {
				t.Errorf("%s: %d %s, want 422 on %s", c.name, r.Code, r.Body, c.field)
			}
		}
		// Another kind's part on an opinion visit, and this part on another kind.
		if f := errFields(t, e.Do("POST", "/api/v1/activities", off, opinionVisit(e, map[string]any{"petition": map[string]any{"petitioners": 3, "subject": "x"}}, nil)), 422); f["petition"] == nil {
			t.Errorf("petition part accepted: %v", f)
		}
		if f := errFields(t, e.Do("POST", "/api/v1/activities", off, procurement(e, map[string]any{"opinion_visit": answered()})), 422); f["opinion_visit"] == nil {
			t.Errorf("opinion_visit part on a procurement accepted: %v", f)
		}
		if n := e.Count(&models.Activity{}, ""); n != 0 {
			t.Fatalf("%d activities stored from bad input", n)
		}
	})
}

// TestOpinionVisitSync: a visit done offline arrives through /sync, created
// completed with its check-in; the batch replays harmlessly, and a bad
// answer is named by its path in the batch.
func TestOpinionVisitSync(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base)
		id, cid := uuid.NewString(), uuid.NewString()
		c := checkin("arrive", 23.4801, 120.4491, 8, base.Add(-90*time.Minute))
		c["id"] = cid
		bad := answered()
		bad["questionnaire"].(map[string]any)["integrity_score"] = 9
		ops := map[string]any{"operations": []map[string]any{
			{"op": "create_activity", "body": opinionVisit(e, map[string]any{"id": id, "status": "completed",
				"completed_at": base.Add(-time.Hour).Format(time.RFC3339)}, answered())},
			{"op": "create_checkin", "activity_id": id, "body": c},
			{"op": "create_activity", "body": opinionVisit(e, map[string]any{"id": uuid.NewString()}, bad)},
		}}
		for round, want := range [][]int{{201, 201, 422}, {200, 200, 422}} {
			r := e.Do("POST", "/api/v1/sync", e.Tokens["officer"], ops)
			if r.Code != 200 {
				t.Fatalf("sync: %d %s", r.Code, r.Body)
			}
			res := r.JSON()["results"].([]any)
			for i, w := range want {
				if got := int(res[i].(map[string]any)["status"].(float64)); got != w {
					t.Errorf("round %d op %d: %d, want %d: %v", round, i, got, w, res[i])
				}
			}
			fields := res[2].(map[string]any)["body"].(map[string]any)["error"].(map[string]any)["fields"].(map[string]any)
			if fields["operations[2].body.opinion_visit.questionnaire.integrity_score"] == nil {
				t.Errorf("bad answer's path: %v", fields)
			}
		}
		if n := e.Count(&models.Activity{}, ""); n != 1 {
			t.Fatalf("%d activities", n)
		}
		if n := e.Count(&models.Checkin{}, "activity_id = ?", id); n != 1 {
			t.Fatalf("%d check-ins", n)
		}
		a := e.Do("GET", "/api/v1/activities/"+id, e.Tokens["manager"], nil).JSON()
		if a["status"] != "completed" || a["opinion_visit"].(map[string]any)["respondents"].(map[string]any)["count"].(float64) != 12 {
			t.Fatalf("synced visit: %v", a)
		}
	})
}

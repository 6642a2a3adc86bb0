package api_test

import (
	"fmt"
	"testing"
	"time"

	"ethicsops/apitest"
)

type groupDTO struct {
	Key            string   `json:"key"`
	Label          string   `json:"label"`
	Actual         *float64 `json:"actual"`
	Reviewed       *int64   `json:"reviewed"`
	Target         *float64 `json:"target"`
	ExpectedToDate *float64 `json:"expected_to_date"`
	Cumulative     *float64 `json:"cumulative"`
	Numerator      *int64   `json:"numerator"`
	Denominator    *int64   `json:"denominator"`
}

type kpiDTO struct {
	Code     string     `json:"code"`
	Target   *float64   `json:"target"`
	Actual   *float64   `json:"actual"`
	Reviewed *int64     `json:"reviewed"`
	Groups   []groupDTO `json:"groups"`
}

func kpiReport(t *testing.T, e *apitest.Env, query string) map[string]kpiDTO {
	t.Helper()
	r := e.Do("GET", "/api/v1/kpis?"+query, e.Tokens["manager"], nil)
	if r.Code != 200 {
		t.Fatalf("kpis?%s: %d %s", query, r.Code, r.Body)
	}
	var rep struct {
		KPIs []kpiDTO `json:"kpis"`
	}
	r.Decode(&rep)
	out := map[string]kpiDTO{}
	for _, k := range rep.KPIs {
		out[k.Code] = k
	}
	return out
}

func TestKPIGroupsAndRecords(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, base) // 2026-03-02
		mgr := e.Tokens["manager"]
		// 2026: two in January and one in February for Unit, one in
		// February for Unit2 (approved); one deleted and one planned
		// that do not count; a large and a regular outreach event.
		jan1 := completedProcurement(t, e, "一月驗收甲", time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC))
		completedProcurement(t, e, "一月驗收乙", time.Date(2026, 1, 20, 2, 0, 0, 0, time.UTC))
		completedProcurement(t, e, "二月驗收", time.Date(2026, 2, 3, 2, 0, 0, 0, time.UTC))
		// 2026-01-31 23:30 in Taipei is January there (15:30 UTC).
		edge := completedProcurement(t, e, "一月底", time.Date(2026, 1, 31, 15, 30, 0, 0, time.UTC))
		other := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"title": "他單位", "unit_id": e.Unit2.ID, "status": "completed",
			"scheduled_at": time.Date(2026, 2, 10, 1, 0, 0, 0, time.UTC).Format(time.RFC3339), "completed_at": time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC).Format(time.RFC3339)}))
		if r := review(e, mgr, other["id"].(string), map[string]any{"decision": "approved", "version": 1}); r.Code != 200 {
			t.Fatal(r.Body)
		}
		gone := completedProcurement(t, e, "刪除", time.Date(2026, 2, 4, 2, 0, 0, 0, time.UTC))
		if r := e.Do("DELETE", "/api/v1/activities/"+gone["id"].(string), e.Tokens["officer"], nil); r.Code != 204 {
			t.Fatalf("delete: %d", r.Code)
		}
		create(t, e, e.Tokens["officer"], procurement(e, nil))
		for i, scale := range []string{"large", "regular"} {
			d := time.Date(2026, 2, 14+i, 2, 0, 0, 0, time.UTC)
			create(t, e, e.Tokens["officer"], map[string]any{"kind": "outreach_event", "title": "反貪宣導 " + scale, "unit_id": e.Unit.ID, "status": "completed",
				"scheduled_at": d.Add(-2 * time.Hour).Format(time.RFC3339), "completed_at": d.Format(time.RFC3339),
				"event": map[string]any{"scale": scale, "audience": "市民", "participants": 100}})
		}

		plain := kpiReport(t, e, "year=2026")
		if p := plain["procurement_supervisions"]; *p.Actual != 5 || *p.Reviewed != 1 || p.Groups != nil {
			t.Fatalf("plain report: %+v", p)
		}

		// By unit.
		byUnit := kpiReport(t, e, "year=2026&group=unit")
		p := byUnit["procurement_supervisions"]
		if len(p.Groups) != 2 {
			t.Fatalf("unit groups: %+v", p.Groups)
		}
		g0, g1 := p.Groups[0], p.Groups[1]
		if g0.Key != e.Unit.ID || g0.Label != "嘉義市政府工務處" || *g0.Actual != 4 || *g0.Reviewed != 0 || g0.Target != nil ||
			g1.Key != e.Unit2.ID || *g1.Actual != 1 || *g1.Reviewed != 1 {
			t.Fatalf("unit groups: %+v %+v", g0, g1)
		}
		if ev := byUnit["anti_corruption_events"]; *ev.Actual != 1 || *ev.Groups[0].Actual != 1 {
			t.Fatalf("large events by unit: %+v", ev)
		}
		if d := byUnit["property_declaration_on_time_rate"]; len(d.Groups) != 2 || d.Groups[0].Reviewed != nil || d.Groups[0].Denominator == nil {
			t.Fatalf("rate by unit: %+v", d)
		}
		if one := kpiReport(t, e, "year=2026&group=unit&unit_id="+e.Unit2.ID)["procurement_supervisions"]; len(one.Groups) != 1 || *one.Groups[0].Actual != 1 {
			t.Fatalf("one unit: %+v", one)
		}

		// By month (roc_year): twelve months, January holds the edge record.
		byMonth := kpiReport(t, e, "roc_year=115&group=month")
		p = byMonth["procurement_supervisions"]
		if len(p.Groups) != 12 {
			t.Fatalf("%d month groups", len(p.Groups))
		}
		jan, feb, dec := p.Groups[0], p.Groups[1], p.Groups[11]
		if jan.Key != "2026-01" || jan.Label != "115年1月" || *jan.Actual != 3 || *jan.Cumulative != 3 ||
			feb.Key != "2026-02" || *feb.Actual != 2 || *feb.Reviewed != 1 || *feb.Cumulative != 5 || *dec.Cumulative != 5 {
			t.Fatalf("months: %+v %+v %+v", jan, feb, dec)
		}
		// The demo targets are not set for 2026 here: set one and read the pace.
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", e.Tokens["admin"], map[string]any{"targets": map[string]any{"procurement_supervisions": 365}}); r.Code != 200 {
			t.Fatal(r.Body)
		}
		p = kpiReport(t, e, "year=2026&group=month")["procurement_supervisions"]
		if *p.Groups[0].ExpectedToDate != 31 || *p.Groups[1].ExpectedToDate != 59 || *p.Groups[11].ExpectedToDate != 365 {
			t.Fatalf("expected to date: %v %v %v", *p.Groups[0].ExpectedToDate, *p.Groups[1].ExpectedToDate, *p.Groups[11].ExpectedToDate)
		}
		if r := e.Do("GET", "/api/v1/kpis?year=2026&group=agency", mgr, nil); r.Code != 400 {
			t.Fatalf("bad group: %d", r.Code)
		}
		// A range has groups in every year.
		r := e.Do("GET", "/api/v1/kpis?from=2025&to=2026&group=month", mgr, nil)
		if r.Code != 200 {
			t.Fatalf("range: %d %s", r.Code, r.Body)
		}
		// The exports of a grouped request stay the plain report.
		if r := e.Do("GET", "/api/v1/kpis?year=2026&group=unit&format=csv", mgr, nil); r.Code != 200 {
			t.Fatalf("csv: %d", r.Code)
		}

		// The records behind the number: the same five, oldest first, paged.
		var ids []string
		cursor := ""
		for i := 0; i < 10; i++ {
			r := e.Do("GET", "/api/v1/kpis/procurement_supervisions/records?year=2026&limit=2&cursor="+cursor, mgr, nil)
			if r.Code != 200 {
				t.Fatalf("records: %d %s", r.Code, r.Body)
			}
			var list struct {
				Total   int64  `json:"total"`
				ROCYear int    `json:"roc_year"`
				Next    string `json:"next_cursor"`
				Items   []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			r.Decode(&list)
			if list.Total != 5 || list.ROCYear != 115 {
				t.Fatalf("records: %s", r.Body)
			}
			for _, it := range list.Items {
				ids = append(ids, it.ID)
			}
			if cursor = list.Next; cursor == "" {
				break
			}
		}
		if len(ids) != 5 || ids[0] != jan1["id"] || ids[2] != edge["id"] {
			t.Fatalf("records %v", ids)
		}
		for q, want := range map[string]float64{
			"procurement_supervisions/records?roc_year=115&unit_id=" + e.Unit2.ID: 1,
			"anti_corruption_events/records?year=2026":                            1,
			"ethics_code_promotions/records?year=2026":                            0,
			"procurement_supervisions/records?year=2025":                          0,
		} {
			r := e.Do("GET", "/api/v1/kpis/"+q, mgr, nil)
			if r.Code != 200 || r.JSON()["total"] != want || float64(len(r.JSON()["items"].([]any))) != want {
				t.Fatalf("%s: %d %s", q, r.Code, r.Body)
			}
		}
		for q, want := range map[string]int{
			"nothing/records?year=2026":                                  404,
			"property_declaration_on_time_rate/records?year=2026":        422,
			"procurement_supervisions/records?year=1800":                 422,
			"procurement_supervisions/records?year=2026&roc_year=115":    400,
			"procurement_supervisions/records?year=twenty":               400,
			"procurement_supervisions/records?year=2026&sort=title":      400,
			"procurement_supervisions/records?year=2026&limit=500":       400,
			"procurement_supervisions/records?year=2026&cursor=nonsense": 400,
		} {
			if r := e.Do("GET", "/api/v1/kpis/"+q, mgr, nil); r.Code != want {
				t.Fatalf("%s: %d, want %d: %s", q, r.Code, want, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/kpis/procurement_supervisions/records", mgr, nil); r.Code != 200 || r.JSON()["year"] != 2026.0 {
			t.Fatalf("default year: %d %s", r.Code, r.Body)
		}
		_ = fmt.Sprint
	})
}

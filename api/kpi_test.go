package api_test

import (
	"testing"

	"ethicsops/apitest"
	"ethicsops/models"
)

func TestKPIReportQueries(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		m := e.Tokens["manager"]
		r := e.Do("GET", "/api/v1/kpis?roc_year=109", m, nil)
		if r.Code != 200 {
			t.Fatalf("roc_year: %d %s", r.Code, r.Body)
		}
		body := r.JSON()
		if body["year"].(float64) != 2020 || body["roc_year"].(float64) != 109 || body["timezone"] != "Asia/Taipei" || len(body["kpis"].([]any)) != 7 {
			t.Fatalf("report: %s", r.Body)
		}
		first := body["kpis"].([]any)[1].(map[string]any)
		if first["code"] != models.KPIProcurementSupervisions || first["target"].(float64) != 250 || first["actual"].(float64) != 0 || first["achieved"] != false {
			t.Fatalf("procurement row: %v", first)
		}
		r = e.Do("GET", "/api/v1/kpis?from=2019&to=2022", m, nil)
		if r.Code != 200 || len(r.JSON()["years"].([]any)) != 4 {
			t.Fatalf("range: %d %s", r.Code, r.Body)
		}
		for _, q := range []string{"from=2010&to=2020", "from=2020&to=2019", "year=abc", "year=2020&roc_year=109", "from=2019", "format=pdf", "year=2020&sort=code", "year=2020%3BDROP%20TABLE%20kpi_targets"} {
			if r := e.Do("GET", "/api/v1/kpis?"+q, m, nil); r.Code != 400 {
				t.Errorf("%s: %d %s", q, r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/kpis?from=2013&to=2022", m, nil); r.Code != 200 {
			t.Errorf("10 years: %d", r.Code)
		}
		for _, who := range []string{"officer", "volunteer", "pending"} {
			if r := e.Do("GET", "/api/v1/kpis?year=2020", e.Tokens[who], nil); r.Code != 403 {
				t.Errorf("%s reads KPIs: %d", who, r.Code)
			}
		}
		if r := e.Do("GET", "/api/v1/kpis?year=2020", "", nil); r.Code != 401 {
			t.Errorf("anonymous: %d", r.Code)
		}
	})
}

func TestKPITargets(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := e.Tokens["admin"]
		r := e.Do("GET", "/api/v1/kpis/targets", e.Tokens["manager"], nil)
		if r.Code != 200 || len(r.JSON()["items"].([]any)) != 4 {
			t.Fatalf("plan targets: %d %s", r.Code, r.Body)
		}
		r = e.Do("PUT", "/api/v1/kpis/targets/2026", a, map[string]any{"targets": map[string]any{"procurement_supervisions": 260, "property_declaration_on_time_rate": 100}})
		if r.Code != 200 || r.JSON()["roc_year"].(float64) != 115 || r.JSON()["targets"].(map[string]any)["procurement_supervisions"].(float64) != 260 {
			t.Fatalf("put: %d %s", r.Code, r.Body)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "kpi.targets.set", "2026"); n != 1 {
			t.Fatalf("audit %d", n)
		}
		for _, bad := range []map[string]any{
			{"targets": map[string]any{"no_such_kpi": 1}},
			{"targets": map[string]any{"property_declaration_on_time_rate": 120}},
			{"targets": map[string]any{"procurement_supervisions": -1}},
			{"targets": map[string]any{"procurement_supervisions": 2.5}},
			{"targets": map[string]any{}},
		} {
			if r := e.Do("PUT", "/api/v1/kpis/targets/2026", a, bad); r.Code != 422 {
				t.Errorf("%v: %d %s", bad, r.Code, r.Body)
			}
		}
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", a, map[string]any{"targets": map[string]any{"procurement_supervisions": "lots"}}); r.Code != 422 {
			t.Errorf("string target: %d", r.Code)
		}
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", e.Tokens["manager"], map[string]any{"targets": map[string]any{"procurement_supervisions": 1}}); r.Code != 403 {
			t.Errorf("manager sets targets: %d", r.Code)
		}
		r = e.Do("GET", "/api/v1/kpis?year=2026", e.Tokens["manager"], nil)
		if k := r.JSON()["kpis"].([]any)[1].(map[string]any); k["target"].(float64) != 260 {
			t.Fatalf("report target: %v", k)
		}
	})
}

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

const analysisPath = "/api/v1/ethics-analysis"

// seedAnalysis writes a small year by hand, straight into the tables, with
// records on both sides of every rule the analysis applies: the year's
// edges in Taipei, deleted and unfinished records, another year.
func seedAnalysis(t *testing.T, e *apitest.Env) {
	t.Helper()
	now := e.Clock.Now()
	owner := e.Users["officer"].ID
	reg := func(unit, typ, event, notified string, late, deleted bool) {
		r := models.EthicsRegistration{ID: uuid.NewString(), Type: typ, ServantName: "王建國", ServantUnitID: unit, ServantTitle: "技正",
			CounterpartyName: "大成營造", CounterpartyKind: "organisation", EventDate: event, NotifiedDate: notified, Late: late,
			Description: "測試", Handling: "returned", OwnerID: owner, Version: 1, CreatedAt: now, UpdatedAt: now}
		if deleted {
			r.DeletedAt = &now
		}
		if err := e.DB.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
	}
	u1, u2 := e.Unit.ID, e.Unit2.ID
	reg(u1, "gift", "2026-01-01", "2026-01-09", true, false)
	reg(u1, "gift", "2026-12-31", "2026-12-31", false, false) // the year's last day (a date, not an instant)
	reg(u1, "lobbying", "2026-05-01", "2026-05-02", false, false)
	reg(u1, "hospitality", "2026-05-01", "2026-05-02", false, true) // deleted
	reg(u1, "gift", "2025-12-31", "2026-01-02", false, false)       // last year
	reg(u2, "other", "2026-03-01", "2026-03-10", true, false)

	warn := func(unit, area, status string, year int) {
		w := models.EarlyWarning{ID: uuid.NewString(), UnitID: unit, OwnerID: owner, RiskArea: area, Subject: "測試", Observed: "測試",
			SuggestedMeasures: "測試", Status: status, Year: year, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := e.DB.Create(&w).Error; err != nil {
			t.Fatal(err)
		}
	}
	warn(u1, "procurement", models.WarningSubmitted, 2026)
	warn(u1, "personnel", models.WarningClosed, 2026)
	warn(u2, "other", models.WarningDraft, 2026)
	warn(u1, "procurement", models.WarningClosed, 2025)

	yes, no := true, false
	act := func(unit, kind, status string, completed *time.Time, d services.Details) {
		b, _ := json.Marshal(d)
		a := models.Activity{ID: uuid.NewString(), Kind: kind, Title: "測試", UnitID: unit, OwnerID: owner, ScheduledAt: now, Status: status,
			CompletedAt: completed, Details: string(b), Version: 1, CreatedAt: now, UpdatedAt: now, ReviewStatus: "none"}
		if err := e.DB.Create(&a).Error; err != nil {
			t.Fatal(err)
		}
	}
	tp := func(s string) *time.Time { v, _ := time.Parse(time.RFC3339, s); return &v }
	visit := func(n, integrity, efficiency int, asked, knows *bool) services.Details {
		return services.Details{OpinionVisit: &services.OpinionVisit{Service: "建築執照申請", Respondents: &services.Respondents{Count: n, Type: "citizen"},
			Questionnaire: &services.Questionnaire{IntegrityScore: integrity, EfficiencyScore: efficiency, AskedForFavours: asked, KnowsHowToReport: knows}, Findings: "良好"}}
	}
	done := models.ActivityCompleted
	act(u1, models.KindOpinionVisit, done, tp("2026-06-01T02:00:00Z"), visit(10, 5, 4, &yes, &yes))
	act(u1, models.KindOpinionVisit, done, tp("2025-12-31T16:30:00Z"), visit(5, 4, 3, &no, &yes)) // 00:30 on 1 January in Taipei
	act(u1, models.KindOpinionVisit, done, tp("2025-12-31T15:30:00Z"), visit(7, 1, 1, &yes, &no)) // 23:30 on 31 December: last year
	act(u1, models.KindOpinionVisit, models.ActivityPlanned, nil, services.Details{OpinionVisit: &services.OpinionVisit{Service: "建築執照申請"}})
	proc := func(defs []string, corrected bool) services.Details {
		return services.Details{Procurement: &services.Procurement{CaseNo: "CY-1", CaseTitle: "道路工程", Category: "construction", BudgetAmount: 1000000,
			Deficiencies: defs, Corrected: corrected}}
	}
	act(u2, models.KindProcurementSupervision, done, tp("2026-03-01T02:00:00Z"), proc(nil, false))
	act(u2, models.KindProcurementSupervision, done, tp("2026-03-02T02:00:00Z"), proc([]string{"鋪面平整度不符"}, true))
	act(u2, models.KindProcurementSupervision, done, tp("2026-03-03T02:00:00Z"), proc([]string{"數量不足"}, false))

	// The rows went in behind the services' back: count them as `kpi
	// rebuild` does, then add cells of kinds not seeded here.
	if _, err := e.Svc.KPIs.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, r := range []models.KPIRollup{
		{Month: 202512, Code: models.KPIProcurementSupervisions, UnitID: u2, Total: 7},
		{Month: 202601, Code: models.KPISafetyInspections, UnitID: u1, Total: 2},
	} {
		if err := e.DB.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func TestEthicsAnalysisNumbers(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		seedAnalysis(t, e)
		r := e.Do("GET", analysisPath+"?roc_year=115", e.Tokens["manager"], nil)
		if r.Code != 200 {
			t.Fatalf("%d %s", r.Code, r.Body)
		}
		var a struct {
			Year   int `json:"year"`
			Units  []map[string]any
			Office map[string]any
			KPIs   []map[string]any
		}
		r.Decode(&a)
		if a.Year != 2026 {
			t.Fatalf("year %d", a.Year)
		}
		byID := map[string]map[string]any{}
		for _, u := range a.Units {
			byID[u["unit_id"].(string)] = u
		}
		u1, u2 := byID[e.Unit.ID], byID[e.Unit2.ID]
		if u1 == nil || u2 == nil || u1["unit_name"] != e.Unit.Name {
			t.Fatalf("units: %v", a.Units)
		}
		js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		for _, tc := range []struct {
			name string
			got  any
			want string
		}{
			{"unit 1 registrations", u1["registrations"], `{"gift":2,"hospitality":0,"late":1,"lobbying":1,"other":0,"total":3}`},
			{"unit 2 registrations", u2["registrations"], `{"gift":0,"hospitality":0,"late":1,"lobbying":0,"other":1,"total":1}`},
			{"office registrations", a.Office["registrations"], `{"gift":2,"hospitality":0,"late":2,"lobbying":1,"other":1,"total":4}`},
			{"unit 1 warnings", u1["early_warnings"], `{"by_risk_area":{"agency_security":0,"construction":0,"official_secrets":0,"other":0,"personnel":1,"procurement":1},"by_status":{"closed":1,"draft":0,"following_up":0,"submitted":1},"total":2}`},
			{"office warnings", a.Office["early_warnings"], `{"by_risk_area":{"agency_security":0,"construction":0,"official_secrets":0,"other":1,"personnel":1,"procurement":1},"by_status":{"closed":1,"draft":1,"following_up":0,"submitted":1},"total":3}`},
			{"unit 1 visits", u1["opinion_visits"], `{"answered":2,"asked_for_favours_pct":50,"avg_efficiency":3.5,"avg_integrity":4.5,"completed":2,"knows_how_to_report_pct":100,"respondents":15}`},
			{"unit 2 visits", u2["opinion_visits"], `{"answered":0,"asked_for_favours_pct":null,"avg_efficiency":null,"avg_integrity":null,"completed":0,"knows_how_to_report_pct":null,"respondents":0}`},
			{"unit 2 procurement", u2["procurement"], `{"completed":3,"corrected":1,"correction_pct":50,"with_deficiencies":2}`},
			{"unit 1 procurement", u1["procurement"], `{"completed":0,"corrected":0,"correction_pct":null,"with_deficiencies":0}`},
			{"office procurement", a.Office["procurement"], `{"completed":3,"corrected":1,"correction_pct":50,"with_deficiencies":2}`},
			{"unit 2 kpis", u2["kpi_counts"].(map[string]any)[models.KPIProcurementSupervisions], `3`},
			{"office kpis", a.Office["kpi_counts"].(map[string]any)[models.KPISafetyInspections], `2`},
		} {
			if g := js(tc.got); g != tc.want {
				t.Errorf("%s: %s, want %s", tc.name, g, tc.want)
			}
		}
		if len(a.KPIs) != len(services.KPICatalogue)+len(services.InformationalKPIs) || a.KPIs[9]["code"] != "opinion_visits" || a.KPIs[9]["actual"] != float64(2) || a.KPIs[1]["code"] != models.KPIProcurementSupervisions || a.KPIs[1]["actual"] != float64(3) {
			t.Errorf("kpi lines: %v", a.KPIs)
		}
		// Last year's figures are last year's.
		r = e.Do("GET", analysisPath+"?year=2025", e.Tokens["admin"], nil)
		var b struct{ Office map[string]any }
		r.Decode(&b)
		if g := js(b.Office["registrations"]); g != `{"gift":1,"hospitality":0,"late":0,"lobbying":0,"other":0,"total":1}` {
			t.Errorf("2025 registrations: %s", g)
		}
		if g := js(b.Office["opinion_visits"].(map[string]any)["completed"]); g != "1" {
			t.Errorf("2025 visits: %s", g)
		}
		for _, tc := range []struct {
			query string
			code  int
		}{
			{"?year=1911", 422}, {"?roc_year=0", 422}, {"?roc_year=-5", 422}, {"?year=2029", 422}, {"?year=abc", 400},
			{"?year=2026&roc_year=115", 400}, {"?format=pdf", 400}, {"?lang=en", 400}, {"?unit_id=x", 400}, {"", 200},
		} {
			if r := e.Do("GET", analysisPath+tc.query, e.Tokens["manager"], nil); r.Code != tc.code {
				t.Errorf("%s: %d %s", tc.query, r.Code, r.Body)
			}
		}
		for _, who := range []string{"officer", "volunteer"} {
			if r := e.Do("GET", analysisPath, e.Tokens[who], nil); r.Code != 403 {
				t.Errorf("%s: %d", who, r.Code)
			}
		}
	})
}

func TestEthicsAnalysisWorkbook(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		seedAnalysis(t, e)
		r := e.Do("GET", analysisPath+"?roc_year=115&format=xlsx", e.Tokens["manager"], nil)
		if r.Code != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") || !strings.Contains(r.Header.Get("Content-Disposition"), "115") {
			t.Fatalf("xlsx: %d %v", r.Code, r.Header)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = f.Close() }()
		if got := strings.Join(f.GetSheetList(), ","); got != "廉政倫理登錄,預警作為,民意訪查,採購監辦,績效指標依機關,績效指標,檢舉案件" {
			t.Fatalf("sheets: %s", got)
		}
		for _, sh := range f.GetSheetList() {
			if title, _ := f.GetCellValue(sh, "A1"); title != "嘉義市政府政風處 115年度政風狀況整體分析評估" {
				t.Fatalf("%s title: %q", sh, title)
			}
			if by, _ := f.GetCellValue(sh, "A3"); !strings.Contains(by, "製表人") {
				t.Fatalf("%s produced line: %q", sh, by)
			}
			panes, _ := f.GetPanes(sh)
			if !panes.Freeze || panes.YSplit != 5 {
				t.Fatalf("%s panes: %+v", sh, panes)
			}
			layout, _ := f.GetPageLayout(sh)
			if layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" {
				t.Fatalf("%s layout: %+v", sh, layout)
			}
			st, _ := f.GetCellStyle(sh, "A5")
			if style, _ := f.GetStyle(st); style == nil || style.Font == nil || !style.Font.Bold {
				t.Fatalf("%s header not bold", sh)
			}
		}
		rows, _ := f.GetRows("廉政倫理登錄")
		if strings.Join(rows[4], ",") != "機關代碼,機關,受贈財物,飲宴應酬,請託關說,其他,合計,逾期通報" {
			t.Fatalf("registrations header: %q", rows[4])
		}
		last := rows[len(rows)-1]
		if strings.Join(last[1:], ",") != "全處合計,2,0,1,1,4,2" {
			t.Fatalf("office row: %q", last)
		}
		// The correction rate is a number with a percent format.
		pr, _ := f.GetRows("採購監辦")
		row := 0
		for i, rr := range pr {
			if len(rr) > 1 && rr[1] == e.Unit2.Name {
				row = i + 1
			}
		}
		cell := "F" + itoa(row)
		if v, _ := f.GetCellValue("採購監辦", cell); v != "50.00%" {
			t.Fatalf("correction rate shows %q", v)
		}
		if raw, _ := f.GetCellValue("採購監辦", cell, excelize.Options{RawCellValue: true}); raw != "0.5" {
			t.Fatalf("correction rate holds %q", raw)
		}
		// CSV: the registrations sheet.
		c := e.Do("GET", analysisPath+"?year=2026&format=csv&lang=en", e.Tokens["admin"], nil)
		if c.Code != 200 || !strings.HasPrefix(c.Body, "\uFEFFUnit code,Unit,Gifts,") {
			t.Fatalf("csv: %d %.80s", c.Code, c.Body)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestEthicsAnalysisFollowsWrites registers, changes and deletes through the
// API: the analysis's counts follow each write, and `kpi verify` finds the
// rollups right.
func TestEthicsAnalysisFollowsWrites(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		tok := e.Tokens["officer"]
		regs := func() string {
			t.Helper()
			r := e.Do("GET", analysisPath+"?year=2026", e.Tokens["manager"], nil)
			var a struct{ Office map[string]any }
			r.Decode(&a)
			b, _ := json.Marshal(a.Office["registrations"])
			return string(b)
		}
		id := register(t, e, tok, gift(e, map[string]any{"event_date": "2026-01-05", "notified_date": "2026-01-12"}))["id"].(string)
		register(t, e, tok, gift(e, map[string]any{"event_date": "2025-12-30", "notified_date": "2025-12-31"}))
		if g := regs(); g != `{"gift":1,"hospitality":0,"late":1,"lobbying":0,"other":0,"total":1}` {
			t.Fatalf("after create: %s", g)
		}
		if r := e.Do("PATCH", regPath+"/"+id, tok, map[string]any{"version": 1, "type": "hospitality", "notified_date": "2026-01-06"}); r.Code != 200 {
			t.Fatalf("patch: %d %s", r.Code, r.Body)
		}
		if g := regs(); g != `{"gift":0,"hospitality":1,"late":0,"lobbying":0,"other":0,"total":1}` {
			t.Fatalf("after update: %s", g)
		}
		if diffs, err := e.Svc.KPIs.Verify(context.Background()); err != nil || len(diffs) != 0 {
			t.Fatalf("verify: %v %v", diffs, err)
		}
		if r := e.Do("DELETE", regPath+"/"+id, tok, nil); r.Code != 204 {
			t.Fatalf("delete: %d", r.Code)
		}
		if g := regs(); g != `{"gift":0,"hospitality":0,"late":0,"lobbying":0,"other":0,"total":0}` {
			t.Fatalf("after delete: %s", g)
		}
		if diffs, err := e.Svc.KPIs.Verify(context.Background()); err != nil || len(diffs) != 0 {
			t.Fatalf("verify: %v %v", diffs, err)
		}
	})
}

// TestInformationalKPILines checks the lines beside the plan's KPIs: counted
// from the registers, without a target until an admin sets one, in the
// downloads, and the drill-down's answer for each.
func TestInformationalKPILines(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		seedAnalysis(t, e)
		lines := func() map[string]map[string]any {
			t.Helper()
			r := e.Do("GET", "/api/v1/kpis?year=2026", e.Tokens["manager"], nil)
			if r.Code != 200 {
				t.Fatalf("report: %d %s", r.Code, r.Body)
			}
			body := r.JSON()
			if n := len(body["kpis"].([]any)); n != 7 {
				t.Fatalf("the plan's lines changed: %d", n)
			}
			out := map[string]map[string]any{}
			for _, l := range body["informational_kpis"].([]any) {
				m := l.(map[string]any)
				out[m["code"].(string)] = m
			}
			return out
		}
		got := lines()
		for code, want := range map[string]float64{"ethics_registrations": 4, "early_warnings_submitted": 2, "opinion_visits": 2} {
			l := got[code]
			if l == nil || l["actual"] != want || l["target"] != nil || l["informational"] != true || l["achieved"] != false || l["on_track"] != nil {
				t.Errorf("%s: %v, want actual %v without target", code, l, want)
			}
		}
		// An admin gives one a target; managers may not.
		put := map[string]any{"targets": map[string]any{"ethics_registrations": 3}}
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", e.Tokens["manager"], put); r.Code != 403 {
			t.Fatalf("manager sets a target: %d", r.Code)
		}
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", e.Tokens["admin"], put); r.Code != 200 {
			t.Fatalf("admin sets a target: %d %s", r.Code, r.Body)
		}
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", e.Tokens["admin"], map[string]any{"targets": map[string]any{"opinion_visits": 2.5}}); r.Code != 422 {
			t.Fatalf("fractional count target: %d %s", r.Code, r.Body)
		}
		l := lines()["ethics_registrations"]
		if l["target"] != 3.0 || l["achieved"] != true || l["expected_to_date"] == nil || l["on_track"] != true {
			t.Fatalf("with a target: %v", l)
		}
		// The downloads list them after the plan's lines.
		c := e.Do("GET", "/api/v1/kpis?year=2026&format=csv", e.Tokens["manager"], nil)
		if c.Code != 200 || !strings.Contains(c.Body, "ethics_registrations,公務員廉政倫理規範登錄案件（參考）") || !strings.Contains(c.Body, "opinion_visits,民意訪查（參考）") {
			t.Fatalf("csv: %d %s", c.Code, c.Body)
		}
		if x := e.Do("GET", "/api/v1/kpis?year=2026&format=xlsx", e.Tokens["manager"], nil); x.Code != 200 {
			t.Fatalf("xlsx: %d", x.Code)
		}
		// Drill-down: visits are records; the registers are not.
		r := e.Do("GET", "/api/v1/kpis/opinion_visits/records?year=2026", e.Tokens["manager"], nil)
		if r.Code != 200 || r.JSON()["total"] != 2.0 || len(r.JSON()["items"].([]any)) != 2 {
			t.Fatalf("visit records: %d %s", r.Code, r.Body)
		}
		for _, code := range []string{"ethics_registrations", "early_warnings_submitted"} {
			r := e.Do("GET", "/api/v1/kpis/"+code+"/records?year=2026", e.Tokens["manager"], nil)
			if r.Code != 422 || !strings.Contains(r.Body, `"code"`) {
				t.Errorf("%s records: %d %s", code, r.Code, r.Body)
			}
		}
		// One unit: the lines follow the filter.
		r = e.Do("GET", "/api/v1/kpis?year=2026&unit_id="+e.Unit2.ID, e.Tokens["manager"], nil)
		for _, x := range r.JSON()["informational_kpis"].([]any) {
			m := x.(map[string]any)
			want := map[string]float64{"ethics_registrations": 1, "early_warnings_submitted": 0, "opinion_visits": 0}[m["code"].(string)]
			if m["actual"] != want {
				t.Errorf("unit 2 %s: %v, want %v", m["code"], m["actual"], want)
			}
		}
	})
}

// TestEnsureRegisterCounts: a database whose registrations were recorded
// before they were counted in the rollups is counted once at start.
func TestEnsureRegisterCounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, regNow)
		ctx := context.Background()
		if rebuilt, err := e.Svc.KPIs.EnsureRegisterCounts(ctx); err != nil || rebuilt {
			t.Fatalf("empty database: %v %v", rebuilt, err)
		}
		now := e.Clock.Now()
		r := models.EthicsRegistration{ID: uuid.NewString(), Type: "gift", ServantName: "王建國", ServantUnitID: e.Unit.ID, ServantTitle: "技正",
			CounterpartyName: "大成營造", CounterpartyKind: "organisation", EventDate: "2026-02-01", NotifiedDate: "2026-02-09", Late: true,
			Description: "測試", Handling: "returned", OwnerID: e.Users["officer"].ID, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := e.DB.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		if rebuilt, err := e.Svc.KPIs.EnsureRegisterCounts(ctx); err != nil || !rebuilt {
			t.Fatalf("uncounted registration: %v %v", rebuilt, err)
		}
		if k := e.Count(&models.KPIRollup{}, "code IN ? AND month = ? AND total = 1", []string{"registrations_gift", "registrations_late"}, 202602); k != 2 {
			t.Fatalf("%d cells", k)
		}
		if rebuilt, err := e.Svc.KPIs.EnsureRegisterCounts(ctx); err != nil || rebuilt {
			t.Fatalf("second start: %v %v", rebuilt, err)
		}
	})
}

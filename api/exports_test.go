package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

// exportNow is the exports' "now": 2026-11-28 10:00 in Taipei (民國 115).
var exportNow = time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)

func readCSV(t *testing.T, r *apitest.Response) [][]string {
	t.Helper()
	if r.Code != 200 || !strings.HasPrefix(r.Body, "\uFEFF") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v %.200s", r.Code, r.Header, r.Body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func readXLSX(t *testing.T, r *apitest.Response) *excelize.File {
	t.Helper()
	if r.Code != 200 || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx: %d %v %.200s", r.Code, r.Header, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// numFmt is the built-in number format id of a cell, or -1 with a custom one
// (whose code is returned).
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) (int, string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return -1, *st.CustomNumFmt
	}
	return st.NumFmt, ""
}

func cellValue(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// unset says that a cell was never written: neither a value nor "".
func unset(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	ct, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return ct == excelize.CellTypeUnset && cellValue(t, f, sheet, cell) == ""
}

// checkLayout checks what every exported sheet shares: the title block, the
// bold header row at headRow frozen and repeated on printed pages, and an
// A4 landscape page one page wide.
func checkLayout(t *testing.T, f *excelize.File, sheet, title string, headRow int) {
	t.Helper()
	if v := cellValue(t, f, sheet, "A1"); v != title {
		t.Errorf("%s A1 = %q, want %q", sheet, v, title)
	}
	if v := cellValue(t, f, sheet, fmt.Sprintf("A%d", headRow-2)); !strings.Contains(v, "製表時間：115年11月28日 10:00") || !strings.Contains(v, "製表人：測試 ") {
		t.Errorf("%s produced line %q", sheet, v)
	}
	id, _ := f.GetCellStyle(sheet, fmt.Sprintf("A%d", headRow))
	if st, err := f.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("%s header not bold: %+v %v", sheet, st, err)
	}
	p, err := f.GetPanes(sheet)
	if err != nil || !p.Freeze || p.YSplit != headRow || p.TopLeftCell != fmt.Sprintf("A%d", headRow+1) {
		t.Errorf("%s panes %+v %v", sheet, p, err)
	}
	pl, err := f.GetPageLayout(sheet)
	if err != nil || pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" ||
		pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("%s page layout %+v %v", sheet, pl, err)
	}
	if sp, err := f.GetSheetProps(sheet); err != nil || sp.FitToPage == nil || !*sp.FitToPage {
		t.Errorf("%s fit to page: %+v %v", sheet, sp, err)
	}
	found := false
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" && d.Scope == sheet && d.RefersTo == fmt.Sprintf("'%s'!$%d:$%d", sheet, headRow, headRow) {
			found = true
		}
	}
	if !found {
		t.Errorf("%s: no repeated header row in %+v", sheet, f.GetDefinedName())
	}
}

func TestKPIExportXLSX(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, exportNow)
		off, m := e.Tokens["officer"], e.Tokens["manager"]
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", e.Tokens["admin"], map[string]any{"targets": map[string]any{
			"procurement_supervisions": 2600, "property_declaration_on_time_rate": 100}}); r.Code != 200 {
			t.Fatalf("targets: %d %s", r.Code, r.Body)
		}
		done := func(unit, completed string) {
			create(t, e, off, procurement(e, map[string]any{"unit_id": unit, "scheduled_at": "2026-03-03T01:00:00Z", "status": "completed", "completed_at": completed}))
		}
		done(e.Unit.ID, "2026-03-03T06:00:00Z")
		done(e.Unit.ID, "2026-05-10T06:00:00Z")
		done(e.Unit2.ID, "2026-05-31T17:00:00Z") // 2026-06-01 01:00 in Taipei: June
		filed := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
		d := newDecl(e, "王大明", "regular", "2026-03-31", &filed)
		d["year"] = 2026
		mustCreate(t, e, d)

		r := e.Do("GET", "/api/v1/kpis?roc_year=115&format=xlsx", m, nil)
		cd := r.Header.Get("Content-Disposition")
		if !strings.Contains(cd, `filename="ethicsops-kpi-115_.xlsx"`) || !strings.Contains(cd, "filename*=UTF-8''ethicsops-kpi-115%E5%B9%B4.xlsx") {
			t.Errorf("roc_year file name: %q", cd)
		}
		f := readXLSX(t, r)
		if got := f.GetSheetList(); strings.Join(got, ",") != "績效指標,依機關,依月份" {
			t.Fatalf("sheets %v", got)
		}
		const kpi = "績效指標"
		for _, sh := range f.GetSheetList() {
			checkLayout(t, f, sh, "嘉義市政府政風處 115年度施政計畫績效指標執行情形", 5)
		}
		if v := cellValue(t, f, kpi, "A2"); v != "統計期間：115年1月1日至115年11月28日（年度進行中）" {
			t.Errorf("period %q", v)
		}
		if v := cellValue(t, f, kpi, "A3"); !strings.Contains(v, "製表人：測試 manager") {
			t.Errorf("produced by %q", v)
		}
		if v := cellValue(t, f, kpi, "G5"); v != "目標值" {
			t.Errorf("header G5 %q", v)
		}
		// Row 6: the on-time rate (1 of 1 filed on time: 100%); row 7 procurement.
		if v := cellValue(t, f, kpi, "C6"); v != models.KPIPropertyDeclarationOnTime {
			t.Fatalf("row 6 is %q", v)
		}
		if v, _ := strconv.ParseFloat(cellValue(t, f, kpi, "H6"), 64); v != 1 {
			t.Errorf("rate stored as %v, want the fraction 1 (100%%)", v)
		}
		for _, c := range []string{"G6", "H6", "L6"} {
			if id, _ := numFmt(t, f, kpi, c); id != 10 {
				t.Errorf("%s number format %d, want 10 (0.00%%)", c, id)
			}
		}
		if v := cellValue(t, f, kpi, "F6") + cellValue(t, f, kpi, "F7"); v != "%件" {
			t.Errorf("units %q", v)
		}
		if v := cellValue(t, f, kpi, "H7"); v != "3" {
			t.Errorf("procurement actual %q", v)
		}
		for _, c := range []string{"G7", "H7", "I6", "J6", "L7"} {
			if id, _ := numFmt(t, f, kpi, c); id != 3 {
				t.Errorf("%s number format %d, want 3 (#,##0)", c, id)
			}
		}
		// Expected to date: 2600 × the part of 2026 passed, rounded up.
		frac := services.YearFraction(exportNow, 2026, e.Location)
		want := services.ExpectedToDate(services.KPICatalogue[1], 2600, frac)
		if v := cellValue(t, f, kpi, "L7"); v != strconv.Itoa(int(want+0.999999)) || strings.Contains(v, ".") {
			t.Errorf("expected to date %q from %v", v, want)
		}
		for _, c := range []string{"I7", "J7", "G8", "O7", "P7", "Q7"} {
			if !unset(t, f, kpi, c) {
				t.Errorf("%s should be empty, is %q", c, cellValue(t, f, kpi, c))
			}
		}
		if v := cellValue(t, f, kpi, "K7") + cellValue(t, f, kpi, "M7") + cellValue(t, f, kpi, "N7"); v != "否否否" {
			t.Errorf("booleans %q", v)
		}
		// The volunteer hours row: hours format.
		rows, _ := f.GetRows(kpi)
		if len(rows) != 5+12 { // the seven, three informational lines, two volunteer lines
			t.Fatalf("%d rows", len(rows))
		}
		if v := cellValue(t, f, kpi, "D13"); v != "公務員廉政倫理規範登錄案件（參考）" {
			t.Errorf("informational line %q", v)
		}
		if _, code := numFmt(t, f, kpi, "H17"); code != "#,##0.0" || cellValue(t, f, kpi, "F17") != "小時" || cellValue(t, f, kpi, "F16") != "人" {
			t.Errorf("volunteer rows: %q %q %q", code, cellValue(t, f, kpi, "F16"), cellValue(t, f, kpi, "F17"))
		}
		// Widths: the longest KPI name (22 characters of Han) is not cut off.
		if w, err := f.GetColWidth(kpi, "D"); err != nil || w < 44 {
			t.Errorf("column D width %v %v", w, err)
		}
		if w, _ := f.GetColWidth(kpi, "B"); w > 20 {
			t.Errorf("column B width %v: a year needs no more", w)
		}

		// By unit: each unit's counts and its declaration rate.
		units, _ := f.GetRows("依機關")
		if len(units) != 5+2 || units[4][1] != "機關" {
			t.Fatalf("by unit: %v", units)
		}
		byName := map[string][]string{}
		for _, row := range units[5:] {
			byName[row[1]] = row
		}
		if row := byName[e.Unit.Name]; len(row) < 11 || row[2] != "2" || row[8] != "1" || row[9] != "1" || row[10] != "100.00%" {
			t.Errorf("unit 1 row %v", row)
		}
		if row := byName[e.Unit2.Name]; len(row) < 3 || row[2] != "1" {
			t.Errorf("unit 2 row %v", row)
		}
		if id, _ := numFmt(t, f, "依機關", "K6"); id != 10 {
			t.Errorf("unit rate format %d", id)
		}
		// By month: January to November (the current month), counts in the
		// office time zone's months.
		months, _ := f.GetRows("依月份")
		if len(months) != 5+11 || months[5][0] != "115年01月" || months[15][0] != "115年11月" {
			t.Fatalf("by month: %v", months)
		}
		if months[7][1] != "1" || months[9][1] != "1" || months[10][1] != "1" || months[8][1] != "0" {
			t.Errorf("monthly counts %v", months[5:])
		}

		// Asked by Gregorian year: named by it; English on request.
		r = e.Do("GET", "/api/v1/kpis?year=2026&format=xlsx&lang=en", m, nil)
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="ethicsops-kpi-2026.xlsx"` {
			t.Errorf("year file name %q", cd)
		}
		f = readXLSX(t, r)
		if got := strings.Join(f.GetSheetList(), ","); got != "KPIs,By unit,By month" {
			t.Errorf("English sheets %s", got)
		}
		if v := cellValue(t, f, "KPIs", "A1"); !strings.Contains(v, "ROC year 115 (2026)") {
			t.Errorf("English title %q", v)
		}
		if v := cellValue(t, f, "KPIs", "K7"); v != "no" {
			t.Errorf("English boolean %q", v)
		}
		// A past year is not in progress; its period is the whole year.
		f = readXLSX(t, e.Do("GET", "/api/v1/kpis?roc_year=109&format=xlsx", m, nil))
		if v := cellValue(t, f, "績效指標", "A2"); v != "統計期間：109年1月1日至109年12月31日" {
			t.Errorf("past period %q", v)
		}
		if months, _ := f.GetRows("依月份"); len(months) != 5+12 {
			t.Errorf("a past year has 12 months: %d rows", len(months))
		}
		// A range: one title for the years.
		f = readXLSX(t, e.Do("GET", "/api/v1/kpis?from=2025&to=2026&format=xlsx&unit_id="+e.Unit2.ID, m, nil))
		if v := cellValue(t, f, "績效指標", "A1"); v != "嘉義市政府政風處 114至115年度施政計畫績效指標執行情形" {
			t.Errorf("range title %q", v)
		}
		if v := cellValue(t, f, "績效指標", "A2"); !strings.HasSuffix(v, "機關："+e.Unit2.Name) {
			t.Errorf("unit in the period line %q", v)
		}
	})
}

func TestKPIExportCSV(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, exportNow)
		m := e.Tokens["manager"]
		if r := e.Do("PUT", "/api/v1/kpis/targets/2026", e.Tokens["admin"], map[string]any{"targets": map[string]any{"procurement_supervisions": 257}}); r.Code != 200 {
			t.Fatalf("targets: %d", r.Code)
		}
		r := e.Do("GET", "/api/v1/kpis?roc_year=115&format=csv", m, nil)
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''ethicsops-kpi-115%E5%B9%B4.csv") {
			t.Errorf("file name %q", cd)
		}
		recs := readCSV(t, r)
		if len(recs) != 1+12 || strings.Join(recs[0][:7], ",") != "民國年度,西元年度,指標代碼,關鍵績效指標,衡量標準,單位,目標值" {
			t.Fatalf("csv %v", recs)
		}
		units := []string{}
		for _, row := range recs[1:] {
			units = append(units, row[5])
			for _, cell := range row {
				if strings.Contains(cell, "yes") || strings.Contains(cell, "no") || cell == "percent" || cell == "count" {
					t.Errorf("English in zh-TW mode: %q in %v", cell, row)
				}
			}
		}
		if got := strings.Join(units, ","); got != "%,件,件,件,件,次,次,件,件,件,人,小時" {
			t.Errorf("units %s", got)
		}
		proc := recs[2]
		frac := services.YearFraction(exportNow, 2026, e.Location)
		exact := 257 * frac
		if got, _ := strconv.Atoi(proc[11]); proc[11] == "" || float64(got) < exact || float64(got)-exact >= 1 {
			t.Errorf("expected to date %q for %.3f: rounded up to whole records", proc[11], exact)
		}
		if proc[10] != "否" || proc[12] != "否" || proc[13] != "否" {
			t.Errorf("booleans %v", proc)
		}
		en := readCSV(t, e.Do("GET", "/api/v1/kpis?year=2026&format=csv&lang=en", m, nil))
		if en[0][0] != "ROC year" || en[2][5] != "cases" || en[2][10] != "no" || en[1][5] != "%" || en[8][5] != "cases" || en[11][5] != "people" || en[12][5] != "hours" {
			t.Errorf("English csv %v", en[:3])
		}
		if en[2][3] != "Procurement supervisions and acceptance inspections" || en[2][4] != "Cases completed in the year" {
			t.Errorf("English name and measure %q %q", en[2][3], en[2][4])
		}
		for _, row := range en[1:] {
			for _, cell := range row {
				for _, r := range cell {
					if r >= 0x4E00 && r <= 0x9FFF {
						t.Errorf("Chinese in lang=en: %q in %v", cell, row)
						break
					}
				}
			}
		}
		for _, q := range []string{"year=2026&format=csv&lang=fr", "year=2026&lang=en", "year=2026&format=json&lang=en"} {
			if r := e.Do("GET", "/api/v1/kpis?"+q, m, nil); r.Code != 400 {
				t.Errorf("%s: %d", q, r.Code)
			}
		}
	})
}

func TestActivityExport(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, exportNow)
		off := e.Tokens["officer"]
		a := create(t, e, off, procurement(e, map[string]any{"title": "=HYPERLINK(\"http://evil.example\",\"點我\")", "scheduled_at": "2026-11-20T01:00:00Z"}))
		create(t, e, off, procurement(e, map[string]any{"title": "東區道路驗收", "scheduled_at": "2026-11-21T01:00:00Z", "status": "completed", "completed_at": "2026-11-21T05:00:00Z"}))
		create(t, e, e.Tokens["officer2"], outreach(e, exportNow.Add(48*time.Hour), 5, true))

		recs := readCSV(t, e.Do("GET", "/api/v1/activities/export?format=csv&kind=procurement_supervision", off, nil))
		if len(recs) != 3 || strings.Join(recs[0][:6], ",") != "排定時間,類別,標題,受稽機關／學校,承辦人,狀態" {
			t.Fatalf("csv %v", recs)
		}
		// Newest first, as the list.
		if recs[1][2] != "東區道路驗收" || recs[1][0] != "115/11/21 09:00" || recs[1][1] != "採購監辦" || recs[1][3] != e.Unit.Name ||
			recs[1][4] != "測試 officer" || recs[1][5] != "已結案" || recs[1][11] != "115/11/21 13:00" || recs[1][12] != "否" {
			t.Errorf("row %v", recs[1])
		}
		if recs[2][2] != `'=HYPERLINK("http://evil.example","點我")` || recs[2][14] != a["id"] || recs[2][11] != "" {
			t.Errorf("formula not neutralised: %v", recs[2])
		}
		if all := readCSV(t, e.Do("GET", "/api/v1/activities/export?format=csv", off, nil)); len(all) != 4 {
			t.Errorf("unfiltered: %d rows", len(all))
		}
		if en := readCSV(t, e.Do("GET", "/api/v1/activities/export?format=csv&lang=en&q="+url.QueryEscape("東區"), off, nil)); len(en) != 2 || en[0][0] != "Scheduled at" ||
			en[1][1] != "Procurement supervision" || en[1][5] != "Completed" || en[1][0] != "2026-11-21 09:00" {
			t.Errorf("English %v", en)
		}
		// The review queue downloads as the screen lists it.
		if q := readCSV(t, e.Do("GET", "/api/v1/activities/export?format=csv&review=pending&sort=completed_at", e.Tokens["manager"], nil)); len(q) != 2 || q[1][2] != "東區道路驗收" {
			t.Errorf("review queue: %v", q)
		}
		r := e.Do("GET", "/api/v1/activities/export?format=xlsx&from=2026-11-01T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00", e.Tokens["manager"], nil)
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="ethicsops-activities-20261128.xlsx"` {
			t.Errorf("file name %q", cd)
		}
		f := readXLSX(t, r)
		checkLayout(t, f, "業務紀錄", "嘉義市政府政風處 業務紀錄清冊", 5)
		if v := cellValue(t, f, "業務紀錄", "A2"); v != "排定期間：115年11月1日至115年11月30日" {
			t.Errorf("period %q", v)
		}
		rows, _ := f.GetRows("業務紀錄")
		if len(rows) != 5+3 {
			t.Fatalf("rows %v", rows)
		}
		// A planned record has no completion: its cell is empty, not "".
		for i := 6; i <= 8; i++ {
			if cellValue(t, f, "業務紀錄", fmt.Sprintf("C%d", i)) == a["title"] && !unset(t, f, "業務紀錄", fmt.Sprintf("L%d", i)) {
				t.Errorf("completed_at of a planned record is written")
			}
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND actor_id = ?", "activities.export", e.Users["officer"].ID); n != 3 {
			t.Errorf("officer's exports audited %d times", n)
		}
		for _, q := range []string{"", "format=pdf", "format=csv&limit=5", "format=csv&kind=nope", "format=csv&lang=de", "format=csv&review=maybe"} {
			if r := e.Do("GET", "/api/v1/activities/export?"+q, off, nil); r.Code != 400 {
				t.Errorf("%q: %d %s", q, r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/activities/export?format=csv", e.Tokens["volunteer"], nil); r.Code != 403 {
			t.Errorf("volunteer: %d", r.Code)
		}
		// The route does not shadow the record's own.
		if r := e.Do("GET", "/api/v1/activities/"+a["id"].(string), off, nil); r.Code != 200 || r.JSON()["id"] != a["id"] {
			t.Errorf("GET /activities/{id}: %d", r.Code)
		}
	})
}

func TestExportBound(t *testing.T) {
	for _, drv := range []string{"sqlite"} {
		e := apitest.New(t, drv, func(o *services.Options) { o.MaxExportRows = 2 })
		at(e, exportNow)
		for i := range 3 {
			create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"title": fmt.Sprintf("紀錄 %d", i)}))
			mustCreate(t, e, map[string]any{"year": 2026, "declarant_name": fmt.Sprintf("申報人%d", i), "position": "科長", "unit_id": e.Unit.ID,
				"type": "regular", "due_date": "2026-12-31"})
		}
		for _, p := range []string{"/api/v1/activities/export?format=csv", "/api/v1/declarations/export?format=xlsx"} {
			if r := e.Do("GET", p, e.Tokens["officer"], nil); r.Code != 422 || r.ErrorCode() != "validation_failed" || !strings.Contains(r.Body, "narrow") {
				t.Errorf("%s over the bound: %d %s", p, r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/activities/export?format=csv&q="+url.QueryEscape("紀錄 1"), e.Tokens["officer"], nil); r.Code != 200 {
			t.Errorf("narrowed: %d", r.Code)
		}
		if n := e.Count(&models.AuditEvent{}, "action IN ?", []string{"activities.export", "declarations.export"}); n != 1 {
			t.Errorf("refused exports audited: %d", n)
		}
	}
}

func TestSignupExport(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, exportNow)
		ev := create(t, e, e.Tokens["officer"], outreach(e, exportNow.Add(48*time.Hour), 5, true))
		id := ev["id"].(string)
		for _, v := range []string{"volunteer", "volunteer2"} {
			if r := e.Do("POST", "/api/v1/activities/"+id+"/signups", e.Tokens[v], nil); r.Code != 201 {
				t.Fatalf("sign up: %d %s", r.Code, r.Body)
			}
		}
		if r := e.Do("DELETE", "/api/v1/activities/"+id+"/signups/me", e.Tokens["volunteer2"], nil); r.Code != 204 {
			t.Fatalf("cancel: %d", r.Code)
		}
		recs := readCSV(t, e.Do("GET", "/api/v1/activities/"+id+"/signups/export?format=csv", e.Tokens["manager"], nil))
		if len(recs) != 3 || recs[0][1] != "志工" || recs[1][1] != "測試 volunteer" || recs[1][2] != "已報名" || recs[1][7] != "未到" ||
			recs[2][2] != "已取消報名" || recs[2][4] == "" || recs[1][9] != "" {
			t.Errorf("roster csv %v", recs)
		}
		r := e.Do("GET", "/api/v1/activities/"+id+"/signups/export?format=xlsx", e.Tokens["officer"], nil)
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "ethicsops-roster-20261130-"+id[:8]+".xlsx") {
			t.Errorf("file name %q", cd)
		}
		f := readXLSX(t, r)
		checkLayout(t, f, "志工名冊", "嘉義市政府政風處 志工名冊", 5)
		if v := cellValue(t, f, "志工名冊", "A2"); !strings.HasPrefix(v, ev["title"].(string)) || !strings.Contains(v, "測試 officer") {
			t.Errorf("event line %q", v)
		}
		// Personal data: each download is audited with its reader and the volunteers.
		var evs []models.AuditEvent
		if err := e.DB.Where("action = ? AND entity_id = ?", "signups.export", id).Order("at").Find(&evs).Error; err != nil || len(evs) != 2 {
			t.Fatalf("audit %v %v", evs, err)
		}
		if evs[0].ActorID != e.Users["manager"].ID || !strings.Contains(evs[0].After, e.Users["volunteer"].ID) || !strings.Contains(evs[0].After, `"format":"csv"`) {
			t.Errorf("audit event %+v", evs[0])
		}
		if r := e.Do("GET", "/api/v1/activities/"+id+"/signups/export?format=csv", e.Tokens["volunteer"], nil); r.Code != 403 {
			t.Errorf("volunteer: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/activities/00000000-0000-7000-8000-000000000000/signups/export?format=csv", e.Tokens["officer"], nil); r.Code != 404 {
			t.Errorf("unknown event: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/activities/"+id+"/signups/export", e.Tokens["officer"], nil); r.Code != 400 {
			t.Errorf("no format: %d", r.Code)
		}
	})
}

func TestDeclarationExport(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		at(e, exportNow)
		filed := time.Date(2026, 4, 2, 2, 0, 0, 0, time.UTC)
		for _, d := range []map[string]any{
			newDecl(e, "王大明", "regular", "2026-03-31", &filed),
			newDecl(e, "@李小華", "on_assumption", "2026-12-31", nil),
			newDecl(e, "陳志明", "regular", "2025-12-31", nil),
		} {
			d["year"] = 2026
			mustCreate(t, e, d)
		}
		recs := readCSV(t, e.Do("GET", "/api/v1/declarations/export?format=csv&year=2026", e.Tokens["officer"], nil))
		if len(recs) != 4 || strings.Join(recs[0], ",") != "申報年度（民國）,機關,申報人,職稱,申報類別,申報期限,申報時間,申報狀態" {
			t.Fatalf("csv %v", recs)
		}
		if strings.Join(recs[1], ",") != "115,"+e.Unit.Name+",陳志明,科長,定期申報,114/12/31,,逾期未申報" {
			t.Errorf("row 1 %v", recs[1])
		}
		if recs[2][5] != "115/03/31" || recs[2][6] != "115/04/02 10:00" || recs[2][7] != "逾期申報" {
			t.Errorf("row 2 %v", recs[2])
		}
		if recs[3][2] != "'@李小華" || recs[3][7] != "尚未到期" || recs[3][4] != "就（到）職申報" {
			t.Errorf("row 3 %v", recs[3])
		}
		r := e.Do("GET", "/api/v1/declarations/export?format=xlsx&year=2026&status=not_filed", e.Tokens["manager"], nil)
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="ethicsops-declarations-2026.xlsx"` {
			t.Errorf("file name %q", cd)
		}
		f := readXLSX(t, r)
		checkLayout(t, f, "財產申報名冊", "嘉義市政府政風處 公職人員財產申報名冊", 5)
		if rows, _ := f.GetRows("財產申報名冊"); len(rows) != 6 || rows[5][2] != "陳志明" || !unset(t, f, "財產申報名冊", "G6") {
			t.Errorf("xlsx rows %v", rows)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "declarations.export"); n != 2 {
			t.Errorf("audited %d", n)
		}
		// The list stays JSON: a format there is 400.
		if r := e.Do("GET", "/api/v1/declarations?format=csv", e.Tokens["officer"], nil); r.Code != 400 {
			t.Errorf("list with format: %d", r.Code)
		}
		if r := e.Do("GET", "/api/v1/declarations/export?format=csv", e.Tokens["volunteer"], nil); r.Code != 403 {
			t.Errorf("volunteer: %d", r.Code)
		}
	})
}

package handlers

import (
	"fmt"
	"math"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// kpiColumns are the KPI sheet's headers (and the CSV's).
var kpiColumns = []exportCol{
	{"民國年度", "ROC year"}, {"西元年度", "Year"}, {"指標代碼", "Code"}, {"關鍵績效指標", "KPI"}, {"衡量標準", "Measure"}, {"單位", "Unit"},
	{"目標值", "Target"}, {"實績", "Actual"}, {"分子", "Numerator"}, {"分母", "Denominator"}, {"達成", "Achieved"},
	{"應達進度", "Expected to date"}, {"進度正常", "On track"},
	{"年度已關帳", "Year closed"}, {"關帳時間", "Closed at"}, {"關帳者", "Closed by"}, {"關帳理由", "Reason"},
}

// kpiUnits are the units a clerk counts each KPI in (the plan's 衡量標準:
// 件數 for cases, 次數 for events), in each language.
var kpiUnits = map[string][2]string{
	models.KPIPropertyDeclarationOnTime: {"%", "%"},
	models.KPIProcurementSupervisions:   {"件", "cases"},
	models.KPISecurityAndPetitions:      {"件", "cases"},
	models.KPISafetyInspections:         {"件", "cases"},
	models.KPIInfosecAudits:             {"件", "cases"},
	models.KPIAntiCorruptionEvents:      {"次", "times"},
	models.KPIEthicsCodePromotions:      {"次", "times"},
	services.KPIEthicsRegistrations:     {"件", "cases"},
	services.KPIEarlyWarnings:           {"件", "cases"},
	services.KPIOpinionVisits:           {"件", "cases"},
	"volunteer_people":                  {"人", "people"},
	"volunteer_hours":                   {"小時", "hours"},
}

// kpiShort are the KPIs' short names, the headers of the breakdown sheets.
var kpiShort = map[string][2]string{
	models.KPIProcurementSupervisions: {"採購監辦", "Procurement"},
	models.KPISecurityAndPetitions:    {"專案維護及陳情請願", "Security & petitions"},
	models.KPISafetyInspections:       {"安全檢查", "Safety inspections"},
	models.KPIInfosecAudits:           {"資安稽核", "Infosec audits"},
	models.KPIAntiCorruptionEvents:    {"大型反貪活動", "Anti-corruption events"},
	models.KPIEthicsCodePromotions:    {"廉政倫理宣導", "Ethics promotions"},
}

// measuresEn are the plan's 衡量標準 in English, for lang=en.
var measuresEn = map[string]string{
	models.KPIPropertyDeclarationOnTime: "Declarants who filed on time ÷ declarants due × 100%",
	models.KPIProcurementSupervisions:   "Cases completed in the year",
	models.KPISecurityAndPetitions:      "Security maintenance projects and petitions handled in the year",
	models.KPISafetyInspections:         "Cases completed in the year",
	models.KPIInfosecAudits:             "Cases completed in the year",
	models.KPIAntiCorruptionEvents:      "Events held in the year",
	models.KPIEthicsCodePromotions:      "Events held in the year",
	services.KPIEthicsRegistrations:     "Registrations by the year of the event",
	services.KPIEarlyWarnings:           "Early warnings submitted to agency heads in the year",
	services.KPIOpinionVisits:           "Opinion visits completed in the year",
	"volunteer_people":                  "Volunteers who attended an event in the year",
	"volunteer_hours":                   "Hours from check-in to check-out, confirmed",
}

// measure is a KPI's measure in one language.
func measure(code, zh string, en bool) string {
	if m := measuresEn[code]; en && m != "" {
		return m
	}
	return zh
}

func pick(pair [2]string, en bool) string {
	if en {
		return pair[1]
	}
	return pair[0]
}

// expectedRecords is the expected-to-date of a count KPI in whole records:
// rounded up, because on_track is actual ≥ expected and an actual is a whole
// number, so the rounded-up figure is exactly the number of records that
// makes the row "on track" (236.2 expected: 236 records are behind, 237 are
// not). Rounding down or to the nearest would show rows as behind while the
// actual equals the figure shown. The 1e-9 absorbs float error (225.0000001).
func expectedRecords(e float64) float64 { return math.Ceil(e - 1e-9) }

// closedCells are a year's closed columns of every row of that year: a
// spreadsheet filtered or sorted by row still tells which numbers are the
// reported, frozen ones.
func closedCells(r KPIReportDTO, en bool) []any {
	if !r.Closed {
		return []any{yesNo(false, en), nil, nil, nil}
	}
	loc, err := time.LoadLocation(r.Timezone)
	if err != nil {
		loc = time.UTC
	}
	by := *r.ClosedByName
	if by == "" {
		by = *r.ClosedBy // the account is gone: its id still says who
	}
	return []any{yesNo(true, en), when(*r.ClosedAt, loc, en), by, *r.ClosedReason}
}

// kpiValue is a KPI's number typed for its unit.
func kpiValue(unit string, p *float64) any {
	if p == nil {
		return nil
	}
	if unit == services.UnitPercent {
		return percent(*p)
	}
	return count(*p)
}

func optCount(p *int64) any {
	if p == nil {
		return nil
	}
	return count(*p)
}

// kpiRows flattens reports to one row per KPI per year.
func kpiRows(reports []KPIReportDTO, en bool) [][]any {
	var rows [][]any
	for _, r := range reports {
		for _, k := range append(append([]KPIValueDTO{}, r.KPIs...), r.InformationalKPIs...) {
			name := k.NameZh
			if en {
				name = k.NameEn
			}
			if k.Informational {
				name += pick([2]string{"（參考）", " (informational)"}, en)
			}
			var expected, onTrack any
			if k.ExpectedToDate != nil {
				e := *k.ExpectedToDate
				if k.Unit != services.UnitPercent {
					e = expectedRecords(e)
				}
				expected = kpiValue(k.Unit, &e)
			}
			if k.OnTrack != nil {
				onTrack = yesNo(*k.OnTrack, en)
			}
			rows = append(rows, append([]any{
				plain(r.ROCYear), plain(r.Year), k.Code, name, measure(k.Code, k.Measure, en), pick(kpiUnits[k.Code], en),
				kpiValue(k.Unit, k.Target), kpiValue(k.Unit, k.Actual), optCount(k.Numerator), optCount(k.Denominator),
				yesNo(k.Achieved, en), expected, onTrack,
			}, closedCells(r, en)...))
		}
		// Informational lines, without a target: integrity volunteers.
		v := r.VolunteerParticipation
		people, hrs := "廉政志工參與人數（參考，無目標）", "廉政志工服務時數（參考，無目標）"
		if en {
			people, hrs = "Integrity volunteers who took part (informational)", "Integrity volunteer hours (informational)"
		}
		rows = append(rows,
			append([]any{plain(r.ROCYear), plain(r.Year), "volunteer_people", people, measure("volunteer_people", "年度內曾出席活動之志工人數", en), pick(kpiUnits["volunteer_people"], en),
				nil, count(v.People), nil, nil, nil, nil, nil}, closedCells(r, en)...),
			append([]any{plain(r.ROCYear), plain(r.Year), "volunteer_hours", hrs, measure("volunteer_hours", "簽到至簽退時數合計", en), pick(kpiUnits["volunteer_hours"], en),
				nil, hours(v.Hours), nil, nil, nil, nil, nil}, closedCells(r, en)...))
	}
	return rows
}

// countCodes are the KPIs counted from records, in the plan's order: the
// columns of the breakdown sheets.
func countCodes() []string {
	var out []string
	for _, d := range services.KPICatalogue {
		if d.Unit == services.UnitCount {
			out = append(out, d.Code)
		}
	}
	return out
}

func countHeaders(en bool) []exportCol {
	var cols []exportCol
	for _, code := range countCodes() {
		cols = append(cols, exportCol{fmt.Sprintf("%s（%s）", kpiShort[code][0], kpiUnits[code][0]), fmt.Sprintf("%s (%s)", kpiShort[code][1], kpiUnits[code][1])})
	}
	return cols
}

// kpiUnitSheet is the breakdown by unit: each unit's counts of each year and
// its declaration filings.
func kpiUnitSheet(b services.KPIBreakdown, en bool) exportSheet {
	cols := append([]exportCol{{"民國年度", "ROC year"}, {"機關", "Unit"}}, countHeaders(en)...)
	cols = append(cols, exportCol{"財產申報應申報（人）", "Declarations due (people)"}, exportCol{"依限申報（人）", "Filed on time (people)"},
		exportCol{"依限申報率", "On-time rate"})
	sh := exportSheet{name: pick([2]string{"依機關", "By unit"}, en), cols: cols}
	for _, u := range b.ByUnit {
		name := b.Units[u.UnitID]
		if name == "" {
			name = u.UnitID
		}
		row := []any{plain(services.ROCYear(u.Year)), name}
		for _, code := range countCodes() {
			row = append(row, count(u.Counts[code]))
		}
		var rate any
		if u.Rate != nil {
			rate = percent(*u.Rate)
		}
		sh.rows = append(sh.rows, append(row, count(u.Due), count(u.OnTime), rate))
	}
	return sh
}

// kpiMonthSheet is the breakdown by month of the counted KPIs.
func kpiMonthSheet(b services.KPIBreakdown, en bool) exportSheet {
	cols := append([]exportCol{{"年月", "Month"}}, countHeaders(en)...)
	sh := exportSheet{name: pick([2]string{"依月份", "By month"}, en), cols: cols}
	for _, m := range b.ByMonth {
		label := fmt.Sprintf("%d年%02d月", services.ROCYear(m.Month/100), m.Month%100)
		if en {
			label = fmt.Sprintf("%d-%02d", m.Month/100, m.Month%100)
		}
		row := []any{label}
		for _, code := range countCodes() {
			row = append(row, count(m.Counts[code]))
		}
		sh.rows = append(sh.rows, row)
	}
	return sh
}

// kpiTitle is the title block of a KPI report.
func kpiTitle(reports []KPIReportDTO, b services.KPIBreakdown, unitID string, en bool) []string {
	first, last := reports[0], reports[len(reports)-1]
	loc := b.Stamp.Loc
	start := time.Date(first.Year, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(last.Year, 12, 31, 0, 0, 0, 0, loc)
	now := b.Stamp.At.In(loc)
	inProgress := !now.Before(start) && now.Before(end.AddDate(0, 0, 1))
	if inProgress {
		end = b.Stamp.At.In(loc)
	}
	var title, period string
	if en {
		years := fmt.Sprintf("ROC year %d (%d)", first.ROCYear, first.Year)
		if len(reports) > 1 {
			years = fmt.Sprintf("ROC years %d–%d (%d–%d)", first.ROCYear, last.ROCYear, first.Year, last.Year)
		}
		title = fmt.Sprintf("%s: performance indicators of the annual plan, %s", office(en), years)
		period = fmt.Sprintf("Period: %s to %s", start.Format("2006-01-02"), end.Format("2006-01-02"))
		if inProgress {
			period += " (year in progress)"
		}
	} else {
		years := fmt.Sprintf("%d", first.ROCYear)
		if len(reports) > 1 {
			years = fmt.Sprintf("%d至%d", first.ROCYear, last.ROCYear)
		}
		title = fmt.Sprintf("%s %s年度施政計畫績效指標執行情形", office(en), years)
		period = fmt.Sprintf("統計期間：%s至%s", rocDate(start, loc), rocDate(end, loc))
		if inProgress {
			period += "（年度進行中）"
		}
	}
	if unitID != "" {
		name := b.Units[unitID]
		if name == "" {
			name = unitID
		}
		period += pick([2]string{"　機關：", "; unit: "}, en) + name
	}
	return []string{title, period, producedLine(b.Stamp.At, loc, b.Stamp.By, en)}
}

// kpiDoc is the KPI workbook: the report, then the breakdowns.
func kpiDoc(reports []KPIReportDTO, b services.KPIBreakdown, unitID string, en bool) exportDoc {
	return exportDoc{title: kpiTitle(reports, b, unitID, en), sheets: []exportSheet{
		{name: pick([2]string{"績效指標", "KPIs"}, en), cols: kpiColumns, rows: kpiRows(reports, en)},
		kpiUnitSheet(b, en), kpiMonthSheet(b, en),
	}}
}

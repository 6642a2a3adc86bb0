package handlers

import (
	"fmt"

	"ethicsops/models"
	"ethicsops/services"
)

// analysisWords are the headers' words for the analysis's enum values.
var analysisWords = map[string][2]string{
	"reg." + models.RegistrationGift:        {"受贈財物", "Gifts"},
	"reg." + models.RegistrationHospitality: {"飲宴應酬", "Hospitality"},
	"reg." + models.RegistrationLobbying:    {"請託關說", "Lobbying"},
	"reg." + models.RegistrationOther:       {"其他", "Other"},
	"risk.procurement":                      {"採購", "Procurement"},
	"risk.construction":                     {"工程", "Construction"},
	"risk.personnel":                        {"人事", "Personnel"},
	"risk.official_secrets":                 {"公務機密", "Official secrets"},
	"risk.agency_security":                  {"機關安全", "Agency security"},
	"risk.other":                            {"其他", "Other"},
	"status." + models.WarningDraft:         {"草稿", "Draft"},
	"status." + models.WarningSubmitted:     {"已陳報", "Submitted"},
	"status." + models.WarningFollowingUp:   {"追蹤中", "Following up"},
	"status." + models.WarningClosed:        {"已結案", "Closed"},
}

func analysisCol(key string) exportCol {
	w := analysisWords[key]
	return exportCol{w[0], w[1]}
}

// optPercent is a share cell, empty when there is nothing to share.
func optPercent(p *float64) any {
	if p == nil {
		return nil
	}
	return percent(*p)
}

// optScore is an average score: shown with one decimal, as hours are.
func optScore(p *float64) any {
	if p == nil {
		return nil
	}
	return hours(*p)
}

// analysisRows gives each unit's row by row(section), then the office's
// total row.
func analysisRows(a services.Analysis, en bool, row func(services.AnalysisSection) []any) [][]any {
	var rows [][]any
	for _, u := range a.Units {
		name := u.UnitName
		if name == "" {
			name = u.UnitID
		}
		rows = append(rows, append([]any{u.UnitCode, name}, row(u)...))
	}
	return append(rows, append([]any{nil, pick([2]string{"全處合計", "Office total"}, en)}, row(a.Office)...))
}

var unitCols = []exportCol{{"機關代碼", "Unit code"}, {"機關", "Unit"}}

// analysisDoc is the yearly analysis workbook: a sheet per section, in the
// layout of the filed KPI workbook.
func analysisDoc(a services.Analysis, en bool) exportDoc {
	loc := a.Stamp.Loc
	title := fmt.Sprintf("%s %d年度政風狀況整體分析評估", office(en), a.ROCYear)
	period := fmt.Sprintf("統計期間：%d年1月1日至%d年12月31日", a.ROCYear, a.ROCYear)
	if en {
		title = fmt.Sprintf("%s: overall analysis of the ethics situation, ROC year %d (%d)", office(en), a.ROCYear, a.Year)
		period = fmt.Sprintf("Period: %d-01-01 to %d-12-31", a.Year, a.Year)
	}
	doc := exportDoc{title: []string{title, period, producedLine(a.Stamp.At, loc, a.Stamp.By, en)}}

	regCols := append([]exportCol{}, unitCols...)
	for _, t := range models.RegistrationTypes {
		regCols = append(regCols, analysisCol("reg."+t))
	}
	regCols = append(regCols, exportCol{"合計", "Total"}, exportCol{"逾期通報", "Notified late"})
	doc.sheets = append(doc.sheets, exportSheet{name: pick([2]string{"廉政倫理登錄", "Registrations"}, en), cols: regCols,
		rows: analysisRows(a, en, func(s services.AnalysisSection) []any {
			var r []any
			for _, t := range models.RegistrationTypes {
				r = append(r, count(s.Registrations.ByType[t]))
			}
			return append(r, count(s.Registrations.Total), count(s.Registrations.Late))
		})})

	warnCols := append([]exportCol{}, unitCols...)
	for _, r := range models.EarlyWarningRiskAreas {
		warnCols = append(warnCols, analysisCol("risk."+r))
	}
	for _, st := range models.EarlyWarningStatuses {
		warnCols = append(warnCols, analysisCol("status."+st))
	}
	warnCols = append(warnCols, exportCol{"合計", "Total"})
	doc.sheets = append(doc.sheets, exportSheet{name: pick([2]string{"預警作為", "Early warnings"}, en), cols: warnCols,
		rows: analysisRows(a, en, func(s services.AnalysisSection) []any {
			var r []any
			for _, k := range models.EarlyWarningRiskAreas {
				r = append(r, count(s.Warnings.ByRiskArea[k]))
			}
			for _, k := range models.EarlyWarningStatuses {
				r = append(r, count(s.Warnings.ByStatus[k]))
			}
			return append(r, count(s.Warnings.Total))
		})})

	doc.sheets = append(doc.sheets, exportSheet{name: pick([2]string{"民意訪查", "Opinion visits"}, en),
		cols: append(append([]exportCol{}, unitCols...), exportCol{"完成件數", "Completed"}, exportCol{"受訪人數", "Respondents"},
			exportCol{"有效問卷", "Answered"}, exportCol{"廉潔平均分數（1–5）", "Integrity score (1–5)"}, exportCol{"效率平均分數（1–5）", "Efficiency score (1–5)"},
			exportCol{"曾遭索求比率", "Asked for favours"}, exportCol{"知悉檢舉管道比率", "Know how to report"}),
		rows: analysisRows(a, en, func(s services.AnalysisSection) []any {
			v := s.Visits
			return []any{count(v.Completed), count(v.Respondents), count(v.Answered), optScore(v.AvgIntegrity), optScore(v.AvgEfficiency),
				optPercent(v.AskedForFavoursPct), optPercent(v.KnowsHowToReportPct)}
		})})

	doc.sheets = append(doc.sheets, exportSheet{name: pick([2]string{"採購監辦", "Procurement"}, en),
		cols: append(append([]exportCol{}, unitCols...), exportCol{"完成件數", "Completed"}, exportCol{"發現缺失件數", "With deficiencies"},
			exportCol{"已改善件數", "Corrected"}, exportCol{"改善率", "Correction rate"}),
		rows: analysisRows(a, en, func(s services.AnalysisSection) []any {
			p := s.Procurement
			return []any{count(p.Completed), count(p.WithDeficiencies), count(p.Corrected), optPercent(p.CorrectionPct)}
		})})

	doc.sheets = append(doc.sheets, exportSheet{name: pick([2]string{"績效指標依機關", "KPIs by unit"}, en),
		cols: append(append([]exportCol{}, unitCols...), countHeaders(en)...),
		rows: analysisRows(a, en, func(s services.AnalysisSection) []any {
			var r []any
			for _, code := range countCodes() {
				r = append(r, count(s.KPICounts[code]))
			}
			return r
		})})

	kpiSheet := exportSheet{name: pick([2]string{"績效指標", "KPIs"}, en),
		cols: []exportCol{{"指標代碼", "Code"}, {"關鍵績效指標", "KPI"}, {"單位", "Unit"}, {"目標值", "Target"}, {"實績", "Actual"}, {"達成", "Achieved"}}}
	for _, k := range a.KPIs {
		name := k.NameZh
		if en {
			name = k.NameEn
		}
		if k.Informational {
			name += pick([2]string{"（參考）", " (informational)"}, en)
		}
		num := func(p *float64) any {
			switch {
			case p == nil:
				return nil
			case k.Unit == services.UnitPercent:
				return percent(*p)
			}
			return count(*p)
		}
		kpiSheet.rows = append(kpiSheet.rows, []any{k.Code, name, pick(kpiUnits[k.Code], en), num(k.Target), num(k.Actual), yesNo(k.Achieved, en)})
	}
	doc.sheets = append(doc.sheets, kpiSheet)
	return doc
}

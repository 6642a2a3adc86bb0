package services

import (
	"math"
	"time"

	"ethicsops/models"
)

// KPIDef describes one KPI of the plan's table.
type KPIDef struct {
	Code    string
	NameZh  string
	NameEn  string
	Measure string // the plan's 衡量標準
	Unit    string // "percent" or "count"
	// Informational lines are not the plan's KPIs: they have no target
	// unless an admin sets one, and are reported beside the seven.
	Informational bool
}

// KPI units.
const (
	UnitPercent = "percent"
	UnitCount   = "count"
)

// KPICatalogue is the plan's seven KPIs in its order.
var KPICatalogue = []KPIDef{
	{models.KPIPropertyDeclarationOnTime, "落實公職人員財產申報", "On-time filing of public officials' property declarations", "依限完成申報人數／應申報人數×100%", UnitPercent, false},
	{models.KPIProcurementSupervisions, "參與採購案件驗收監驗工作", "Procurement supervisions and acceptance inspections", "年度內完成件數", UnitCount, false},
	{models.KPISecurityAndPetitions, "辦理專案維護並落實執行及協助處理陳情請願工作", "Security maintenance projects and petitions handled", "年度內辦理專案維護及陳情請願件數", UnitCount, false},
	{models.KPISafetyInspections, "安全維護及預防措施安全狀況檢查", "Safety inspections", "年度內完成件數", UnitCount, false},
	{models.KPIInfosecAudits, "公務機密維護資訊使用管理安全稽核", "Information security audits", "年度內完成件數", UnitCount, false},
	{models.KPIAntiCorruptionEvents, "辦理大型反貪活動", "Large anti-corruption events", "年度內辦理次數", UnitCount, false},
	{models.KPIEthicsCodePromotions, "宣導公務員廉政倫理規範", "Ethics code promotions", "年度內辦理次數", UnitCount, false},
}

// Informational line codes.
const (
	KPIEthicsRegistrations = "ethics_registrations"
	KPIEarlyWarnings       = "early_warnings_submitted"
	KPIOpinionVisits       = CodeOpinionVisits
)

// InformationalKPIs are the lines reported beside the plan's KPIs: the
// work its strategies name without a target in its table. How each is
// counted: registrations from their rollup cells (kpi_info.go: the month of
// the event date); opinion visits from their rollup cell like any counted
// kind (completed_at in the office time zone, so the drill-down lists
// them); early warnings by a COUNT over their indexed year column, the
// warnings no longer drafts (a year has tens of them, and a warning's
// status moves back and forth, which a rollup would have to follow in
// every transition for no gain).
var InformationalKPIs = []KPIDef{
	{KPIEthicsRegistrations, "公務員廉政倫理規範登錄案件", "Ethics-code registrations", "年度內登錄件數（依事件日期）", UnitCount, true},
	{KPIEarlyWarnings, "預警作為陳報件數", "Early warnings submitted to agency heads", "年度內陳報機關首長件數", UnitCount, true},
	{KPIOpinionVisits, "民意訪查", "Opinion visits completed", "年度內完成件數", UnitCount, true},
}

// kpiDef finds a line of the catalogue or an informational one.
func kpiDef(code string) (KPIDef, bool) {
	for _, d := range append(append([]KPIDef{}, KPICatalogue...), InformationalKPIs...) {
		if d.Code == code {
			return d, true
		}
	}
	return KPIDef{}, false
}

// KPIForActivity says which KPI a completed activity counts toward: by kind,
// and for outreach events only the large ones. Opinion visits (民意訪查) count
// toward the informational line CodeOpinionVisits (no target unless an
// admin sets one: the plan's table has no line for them).
func KPIForActivity(kind, scale string) (string, bool) {
	switch kind {
	case models.KindProcurementSupervision:
		return models.KPIProcurementSupervisions, true
	case models.KindSecurityMaintenance, models.KindPetition:
		return models.KPISecurityAndPetitions, true
	case models.KindSafetyInspection:
		return models.KPISafetyInspections, true
	case models.KindInfosecAudit:
		return models.KPIInfosecAudits, true
	case models.KindOutreachEvent:
		return models.KPIAntiCorruptionEvents, scale == "large"
	case models.KindEthicsPromotion:
		return models.KPIEthicsCodePromotions, true
	case models.KindOpinionVisit:
		return CodeOpinionVisits, true
	}
	return "", false
}

// ROCYear converts a Gregorian year to the Republic of China calendar (民國).
func ROCYear(year int) int { return year - 1911 }

// FromROCYear converts a ROC year to the Gregorian one.
func FromROCYear(roc int) int { return roc + 1911 }

// YearBounds returns the first instant of year and of the next year in loc.
func YearBounds(year int, loc *time.Location) (time.Time, time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)
}

// MonthKey is the YYYYMM of t in loc: the month a completion counts in.
func MonthKey(t time.Time, loc *time.Location) int {
	l := t.In(loc)
	return l.Year()*100 + int(l.Month())
}

// YearFraction is how much of year has passed at now in loc: 0 before it,
// 1 after it.
func YearFraction(now time.Time, year int, loc *time.Location) float64 {
	start, end := YearBounds(year, loc)
	switch {
	case !now.After(start):
		return 0
	case !now.Before(end):
		return 1
	}
	return float64(now.Sub(start)) / float64(end.Sub(start))
}

// ExpectedToDate prorates a yearly target to the fraction of the year passed.
// A rate is not prorated: 100% on time is expected at every moment.
func ExpectedToDate(def KPIDef, target, fraction float64) float64 {
	if def.Unit == UnitPercent {
		return target
	}
	return round1(target * fraction)
}

// Rate is numerator ÷ denominator × 100, rounded to 0.01; nil without a denominator.
func Rate(numerator, denominator int64) *float64 {
	if denominator == 0 {
		return nil
	}
	r := math.Round(float64(numerator)*10000/float64(denominator)) / 100
	return &r
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

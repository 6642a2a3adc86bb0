package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/reports"
)

// RegistrationTallyDTO counts a year's ethics-code registrations (by the
// year of event_date), deleted ones left out.
type RegistrationTallyDTO struct {
	Total       int64 `json:"total" example:"42" binding:"required"`
	Late        int64 `json:"late" example:"5" binding:"required"`
	Gift        int64 `json:"gift" example:"20" binding:"required"`
	Hospitality int64 `json:"hospitality" example:"12" binding:"required"`
	Lobbying    int64 `json:"lobbying" example:"6" binding:"required"`
	Other       int64 `json:"other" example:"4" binding:"required"`
}

// WarningRiskAreasDTO counts early warnings by risk area.
type WarningRiskAreasDTO struct {
	Procurement     int64 `json:"procurement" example:"4" binding:"required"`
	Construction    int64 `json:"construction" example:"2" binding:"required"`
	Personnel       int64 `json:"personnel" example:"1" binding:"required"`
	OfficialSecrets int64 `json:"official_secrets" example:"1" binding:"required"`
	AgencySecurity  int64 `json:"agency_security" example:"0" binding:"required"`
	Other           int64 `json:"other" example:"0" binding:"required"`
}

// WarningStatusesDTO counts early warnings by status.
type WarningStatusesDTO struct {
	Draft       int64 `json:"draft" example:"1" binding:"required"`
	Submitted   int64 `json:"submitted" example:"2" binding:"required"`
	FollowingUp int64 `json:"following_up" example:"3" binding:"required"`
	Closed      int64 `json:"closed" example:"2" binding:"required"`
}

// WarningTallyDTO counts the early warnings listed under the year.
type WarningTallyDTO struct {
	Total      int64               `json:"total" example:"8" binding:"required"`
	ByRiskArea WarningRiskAreasDTO `json:"by_risk_area" binding:"required"`
	ByStatus   WarningStatusesDTO  `json:"by_status" binding:"required"`
}

// VisitTallyDTO sums the opinion visits (民意訪查) completed in the year.
// The averages and shares are over the visits with a questionnaire
// (answered), rounded to 2 decimals; null without any.
type VisitTallyDTO struct {
	Completed           int64    `json:"completed" example:"12" binding:"required"`
	Respondents         int64    `json:"respondents" example:"96" binding:"required"`
	Answered            int64    `json:"answered" example:"12" binding:"required"`
	AvgIntegrity        *float64 `json:"avg_integrity" example:"4.25" extensions:"x-nullable" binding:"required"`
	AvgEfficiency       *float64 `json:"avg_efficiency" example:"3.92" extensions:"x-nullable" binding:"required"`
	AskedForFavoursPct  *float64 `json:"asked_for_favours_pct" example:"8.33" extensions:"x-nullable" binding:"required"`
	KnowsHowToReportPct *float64 `json:"knows_how_to_report_pct" example:"75" extensions:"x-nullable" binding:"required"`
}

// ProcurementTallyDTO sums the procurement supervisions completed in the
// year: those that found deficiencies, and of them those corrected.
type ProcurementTallyDTO struct {
	Completed        int64    `json:"completed" example:"40" binding:"required"`
	WithDeficiencies int64    `json:"with_deficiencies" example:"8" binding:"required"`
	Corrected        int64    `json:"corrected" example:"6" binding:"required"`
	CorrectionPct    *float64 `json:"correction_pct" example:"75" extensions:"x-nullable" binding:"required"`
}

// AnalysisSectionDTO is one agency's figures (unit_* empty for the office).
type AnalysisSectionDTO struct {
	UnitID        string               `json:"unit_id" example:"0190a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b" binding:"required"`
	UnitCode      string               `json:"unit_code" example:"PW" binding:"required"`
	UnitName      string               `json:"unit_name" example:"嘉義市政府工務處" binding:"required"`
	Registrations RegistrationTallyDTO `json:"registrations" binding:"required"`
	EarlyWarnings WarningTallyDTO      `json:"early_warnings" binding:"required"`
	OpinionVisits VisitTallyDTO        `json:"opinion_visits" binding:"required"`
	Procurement   ProcurementTallyDTO  `json:"procurement" binding:"required"`
	// KPICounts are the year's completed records by KPI code (the counted
	// KPIs; the on-time declaration rate is office-wide, in kpis).
	KPICounts map[string]int64 `json:"kpi_counts" binding:"required" example:"procurement_supervisions:40,safety_inspections:3"`
}

// AnalysisKPIDTO is one line of the year's KPI report.
type AnalysisKPIDTO struct {
	Code     string   `json:"code" example:"procurement_supervisions" binding:"required"`
	NameZh   string   `json:"name_zh" example:"參與採購案件驗收監驗工作" binding:"required"`
	NameEn   string   `json:"name_en" example:"Procurement supervisions and acceptance inspections" binding:"required"`
	Unit     string   `json:"unit" enums:"percent,count" example:"count" binding:"required"`
	Target   *float64 `json:"target" example:"250" extensions:"x-nullable" binding:"required"`
	Actual   *float64 `json:"actual" example:"187" extensions:"x-nullable" binding:"required"`
	Achieved bool     `json:"achieved" example:"false" binding:"required"`
	// Informational marks the lines beside the plan's seven (no target
	// unless an admin set one).
	Informational bool `json:"informational" example:"false" binding:"required"`
}

// EthicsAnalysisDTO is the yearly analysis (政風狀況整體分析評估).
type EthicsAnalysisDTO struct {
	Year     int                  `json:"year" example:"2026" binding:"required"`
	ROCYear  int                  `json:"roc_year" example:"115" binding:"required"`
	Timezone string               `json:"timezone" example:"Asia/Taipei" binding:"required"`
	AsOf     time.Time            `json:"as_of" example:"2026-11-28T09:00:00+08:00" binding:"required"`
	Units    []AnalysisSectionDTO `json:"units" binding:"required"`
	Office   AnalysisSectionDTO   `json:"office" binding:"required"`
	KPIs     []AnalysisKPIDTO     `json:"kpis" binding:"required"`
	// Reports (檢舉案件) counts the whistle-blowing reports received in the
	// year by state and channel: office-wide, never content.
	Reports ReportYearTallyDTO `json:"reports" binding:"required"`
}

func toAnalysisSectionDTO(s services.AnalysisSection) AnalysisSectionDTO {
	r, w, v, p := s.Registrations, s.Warnings, s.Visits, s.Procurement
	return AnalysisSectionDTO{UnitID: s.UnitID, UnitCode: s.UnitCode, UnitName: s.UnitName,
		Registrations: RegistrationTallyDTO{Total: r.Total, Late: r.Late, Gift: r.ByType[models.RegistrationGift],
			Hospitality: r.ByType[models.RegistrationHospitality], Lobbying: r.ByType[models.RegistrationLobbying], Other: r.ByType[models.RegistrationOther]},
		EarlyWarnings: WarningTallyDTO{Total: w.Total,
			ByRiskArea: WarningRiskAreasDTO{Procurement: w.ByRiskArea["procurement"], Construction: w.ByRiskArea["construction"],
				Personnel: w.ByRiskArea["personnel"], OfficialSecrets: w.ByRiskArea["official_secrets"],
				AgencySecurity: w.ByRiskArea["agency_security"], Other: w.ByRiskArea["other"]},
			ByStatus: WarningStatusesDTO{Draft: w.ByStatus[models.WarningDraft], Submitted: w.ByStatus[models.WarningSubmitted],
				FollowingUp: w.ByStatus[models.WarningFollowingUp], Closed: w.ByStatus[models.WarningClosed]}},
		OpinionVisits: VisitTallyDTO{Completed: v.Completed, Respondents: v.Respondents, Answered: v.Answered,
			AvgIntegrity: v.AvgIntegrity, AvgEfficiency: v.AvgEfficiency, AskedForFavoursPct: v.AskedForFavoursPct, KnowsHowToReportPct: v.KnowsHowToReportPct},
		Procurement: ProcurementTallyDTO{Completed: p.Completed, WithDeficiencies: p.WithDeficiencies, Corrected: p.Corrected, CorrectionPct: p.CorrectionPct},
		KPICounts:   s.KPICounts,
	}
}

func toEthicsAnalysisDTO(a services.Analysis) EthicsAnalysisDTO {
	out := EthicsAnalysisDTO{Year: a.Year, ROCYear: a.ROCYear, Timezone: a.Timezone, AsOf: a.AsOf,
		Units: mapSlice(a.Units, toAnalysisSectionDTO), Office: toAnalysisSectionDTO(a.Office)}
	for _, k := range a.KPIs {
		out.KPIs = append(out.KPIs, AnalysisKPIDTO{Code: k.Code, NameZh: k.NameZh, NameEn: k.NameEn, Unit: k.Unit,
			Target: k.Target, Actual: k.Actual, Achieved: k.Achieved, Informational: k.Informational})
	}
	if out.KPIs == nil {
		out.KPIs = []AnalysisKPIDTO{}
	}
	return out
}

// EthicsAnalysis godoc
//
//	@Summary		The yearly ethics analysis by agency
//	@Description	政風狀況整體分析評估: for one year (`year`, or `roc_year` 民國年; neither: this year in the office time zone), per agency (unit) and for the whole office: ethics-code registrations by type and late ones (by the year of event_date, as the register's year filter), early warnings by risk area and status (the year each is listed under), opinion visits completed in the year (count, respondents, average integrity and efficiency scores, shares asked for favours and knowing how to report), procurement supervisions completed in the year with deficiencies and their correction rate, and the KPI counts from the same numbers as the KPI report (completed_at in the office time zone); `reports` (檢舉案件) counts the whistle-blowing reports received in the year, office-wide, by state and channel (counts only, never content; its own sheet in the workbook); `kpis` are the office's KPI lines with targets, then the informational lines (informational: true). `format=xlsx` downloads it as a workbook, a sheet per section, titled 嘉義市政府政風處 ○○○年度政風狀況整體分析評估 (produced at and by, bold frozen header repeated on every printed page, A4 landscape); `format=csv` the registrations sheet only (UTF-8 with BOM). `lang=en` for English headers. Who: managers and admins. Read-only.
//	@ID				ethicsAnalysis
//	@Tags			kpis
//	@Produce		json
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			year		query		int					false	"Gregorian year"
//	@Param			roc_year	query		int					false	"ROC year (民國), e.g. 115 for 2026"
//	@Param			format		query		string				false	"json (default), csv or xlsx"				Enums(json,csv,xlsx)
//	@Param			lang		query		string				false	"language of a csv or xlsx (default zh-TW)"	Enums(zh-TW,en)
//	@Success		200			{object}	EthicsAnalysisDTO
//	@Failure		400			{object}	ErrorResponse
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse
//	@Failure		409			{object}	ErrorResponse	"the KPI counts must be rebuilt after a time-zone change"
//	@Failure		422			{object}	ErrorResponse	"a year out of bounds (before 1912, or too far ahead)"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/ethics-analysis [get]
func (h *Handler) EthicsAnalysis(c *gin.Context) {
	get, err := query(c, "year", "roc_year", "format", "lang")
	if err != nil {
		fail(c, err)
		return
	}
	var f services.AnalysisFilter
	for name, dst := range map[string]*int{"year": &f.Year, "roc_year": &f.ROCYear} {
		if v := get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				fail(c, services.BadRequest("%s must be a year (an integer)", name))
				return
			}
			if n == 0 {
				fail(c, services.Invalid(name, "must be a year"))
				return
			}
			*dst = n
		}
	}
	format, en, err := reportParams(get)
	if err != nil {
		fail(c, err)
		return
	}
	a, err := h.KPIs.Analysis(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, err)
		return
	}
	rs, err := h.Reports.CountYears(c.Request.Context(), reports.StatsFilter{From: a.Year, To: a.Year})
	if err != nil {
		fail(c, err)
		return
	}
	if format == "csv" || format == "xlsx" {
		doc := analysisDoc(a, en)
		doc.sheets = append(doc.sheets, reportsSheet(rs, en))
		name := fmt.Sprintf("ethicsops-analysis-%d", a.Year)
		if f.ROCYear != 0 {
			name = fmt.Sprintf("ethicsops-analysis-%d年", a.ROCYear)
		}
		writeExport(c, format, name, doc, en)
		return
	}
	out := toEthicsAnalysisDTO(a)
	out.Reports = toReportYearTally(rs)
	c.JSON(http.StatusOK, out)
}

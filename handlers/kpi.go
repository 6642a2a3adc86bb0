package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// KPIValueDTO is one KPI of a yearly report.
type KPIValueDTO struct {
	Code    string   `json:"code" example:"procurement_supervisions" binding:"required"`
	NameZh  string   `json:"name_zh" example:"參與採購案件驗收監驗工作" binding:"required"`
	NameEn  string   `json:"name_en" example:"Procurement supervisions and acceptance inspections" binding:"required"`
	Measure string   `json:"measure" example:"年度內完成件數" binding:"required"`
	Unit    string   `json:"unit" enums:"percent,count" binding:"required"`
	Target  *float64 `json:"target" example:"250" extensions:"x-nullable" binding:"required"`
	Actual  *float64 `json:"actual" example:"187" extensions:"x-nullable" binding:"required"`
	// Reviewed is how many of the records counted in actual a manager has
	// approved (核閱); null for the on-time rate, which counts no records.
	Reviewed       *int64   `json:"reviewed" example:"150" extensions:"x-nullable" binding:"required"`
	Numerator      *int64   `json:"numerator,omitempty" example:"32"`
	Denominator    *int64   `json:"denominator,omitempty" example:"40"`
	Achieved       bool     `json:"achieved" binding:"required" example:"true"`
	ExpectedToDate *float64 `json:"expected_to_date,omitempty" example:"228.5"`
	OnTrack        *bool    `json:"on_track,omitempty" example:"true"`
	// Informational is true on the lines beside the plan's KPIs (in
	// informational_kpis): no target unless an admin sets one.
	Informational bool `json:"informational,omitempty" example:"false"`
	// Groups are the parts of the number, only when the report is asked
	// with group=unit or group=month (see KPIGroupDTO).
	Groups []KPIGroupDTO `json:"groups,omitempty"`
}

// KPIReportDTO is the report of one year.
type KPIReportDTO struct {
	Year     int           `json:"year" example:"2020" binding:"required"`
	ROCYear  int           `json:"roc_year" example:"109" binding:"required"`
	Timezone string        `json:"timezone" example:"Asia/Taipei" binding:"required"`
	AsOf     time.Time     `json:"as_of" binding:"required" example:"2026-11-28T09:00:00+08:00"`
	KPIs     []KPIValueDTO `json:"kpis" binding:"required"`
	// InformationalKPIs are lines beside the plan's seven, each with
	// informational: true: ethics-code registrations (by the event date's
	// year), early warnings submitted (the year each is listed under) and
	// opinion visits completed. target is null unless an admin set one
	// (PUT /kpis/targets/{year} takes their codes too).
	InformationalKPIs []KPIValueDTO `json:"informational_kpis" binding:"required"`
	// VolunteerParticipation is informational, beside the plan's seven KPIs
	// and without a target.
	VolunteerParticipation VolunteerParticipationDTO `json:"volunteer_participation" binding:"required"`
	KPIYearClosedDTO
}

// KPIYearClosedDTO tells whether a KPI year is closed: reported, and frozen
// until an admin reopens it (writes that would change its numbers answer 409
// period_closed). The closed_* fields are null while the year is open.
type KPIYearClosedDTO struct {
	Closed       bool       `json:"closed" binding:"required" example:"false"`
	ClosedAt     *time.Time `json:"closed_at" extensions:"x-nullable" binding:"required" example:"2026-01-20T10:00:00+08:00"`
	ClosedBy     *string    `json:"closed_by" extensions:"x-nullable" example:"0190a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b" binding:"required"`
	ClosedByName *string    `json:"closed_by_name" extensions:"x-nullable" example:"系統管理員" binding:"required"`
	ClosedReason *string    `json:"closed_reason" extensions:"x-nullable" example:"已於 2023-01-20 函報法務部廉政署" binding:"required"`
}

// KPIYearStatusDTO is the answer to closing or reopening a KPI year.
type KPIYearStatusDTO struct {
	Year    int `json:"year" example:"2020" binding:"required"`
	ROCYear int `json:"roc_year" example:"109" binding:"required"`
	KPIYearClosedDTO
}

// KPIYearRequest gives the reason for closing or reopening a KPI year.
type KPIYearRequest struct {
	Reason string `json:"reason" example:"已於 2023-01-20 函報法務部廉政署" maxLength:"500" binding:"required"`
}

func toKPIYearClosedDTO(c *services.ClosedYear) KPIYearClosedDTO {
	if c == nil {
		return KPIYearClosedDTO{}
	}
	at, by, name, reason := c.ClosedAt, c.ClosedBy, c.ClosedByName, c.Reason
	return KPIYearClosedDTO{Closed: true, ClosedAt: &at, ClosedBy: &by, ClosedByName: &name, ClosedReason: &reason}
}

// VolunteerParticipationDTO is the year's integrity volunteers (廉政志工):
// people with a confirmed attendance at an event scheduled in the year
// (office time zone), and their confirmed hours (closed attendances; hours
// waiting for a manager's confirmation are not counted; see the hours rule
// in the README).
type VolunteerParticipationDTO struct {
	People int     `json:"people" example:"12" binding:"required"`
	Hours  float64 `json:"hours" example:"86.5" binding:"required"`
}

// KPIRangeDTO is the report of a range of years.
type KPIRangeDTO struct {
	From     int            `json:"from" example:"2019" binding:"required"`
	To       int            `json:"to" example:"2022" binding:"required"`
	Timezone string         `json:"timezone" example:"Asia/Taipei" binding:"required"`
	AsOf     time.Time      `json:"as_of" binding:"required"`
	Years    []KPIReportDTO `json:"years" binding:"required"`
}

func toKPIReportDTO(r services.KPIReport) KPIReportDTO {
	out := KPIReportDTO{Year: r.Year, ROCYear: r.ROCYear, Timezone: r.Timezone, AsOf: r.AsOf, KPIs: make([]KPIValueDTO, len(r.KPIs)),
		VolunteerParticipation: VolunteerParticipationDTO{People: r.Volunteers.People, Hours: r.Volunteers.Hours},
		KPIYearClosedDTO:       toKPIYearClosedDTO(r.Closed)}
	for i, v := range r.KPIs {
		out.KPIs[i] = toKPIValueDTO(v)
	}
	out.InformationalKPIs = mapSlice(r.Informational, toKPIValueDTO)
	if out.InformationalKPIs == nil {
		out.InformationalKPIs = []KPIValueDTO{}
	}
	return out
}

func toKPIValueDTO(v services.KPIValue) KPIValueDTO {
	return KPIValueDTO{
		Code: v.Code, NameZh: v.NameZh, NameEn: v.NameEn, Measure: v.Measure, Unit: v.Unit,
		Target: v.Target, Actual: v.Actual, Reviewed: v.Reviewed, Numerator: v.Numerator, Denominator: v.Denominator,
		Achieved: v.Achieved, ExpectedToDate: v.ExpectedToDate, OnTrack: v.OnTrack, Groups: toKPIGroupDTOs(v.Groups),
		Informational: v.Informational,
	}
}

// KPITargetsDTO are the targets of one year by KPI code.
type KPITargetsDTO struct {
	Year    int                `json:"year" example:"2020" binding:"required"`
	ROCYear int                `json:"roc_year" example:"109" binding:"required"`
	Targets map[string]float64 `json:"targets" binding:"required"`
}

// KPITargetsList lists the targets of every year that has any.
type KPITargetsList struct {
	Items []KPITargetsDTO `json:"items" binding:"required"`
}

// SetKPITargetsRequest sets targets of a year; null removes a target.
type SetKPITargetsRequest struct {
	Targets map[string]*float64 `json:"targets" binding:"required"`
}

// KPIReport godoc
//
//	@Summary		The plan's KPIs against their targets
//	@Description	One year (`year`, or `roc_year` 民國年) or a range (`from`..`to`, at most 10 years; Gregorian years). Without any, the current year in the office time zone. Counts come from completed records by the year of `completed_at` in the office time zone. `format=csv` (UTF-8 with BOM) or `format=xlsx` downloads the same numbers, one row per KPI per year, in Traditional Chinese (`lang=en`: English), units as a clerk counts them (%, 件, 次, 人, 小時), yes/no as 是/否, expected-to-date of a count rounded up to whole records (the number that makes the row on track). The XLSX has a title block (office, 民國 year, period, produced at and by), a bold header row frozen and repeated on every printed page, percent and thousands formats, A4 landscape one page wide, and two more sheets: by unit (依機關, with each unit's declaration filings) and by month (依月份). The file is named by the year as asked: `ethicsops-kpi-115年.xlsx` for roc_year=115, `ethicsops-kpi-2026.xlsx` for year=2026 (Content-Disposition has an ASCII filename and the UTF-8 filename*). Who: managers and admins. Read-only.
//	@ID				kpiReport
//	@Tags			kpis
//	@Produce		json
//	@Produce		text/csv
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			year		query		int				false	"Gregorian year"
//	@Param			roc_year	query		int				false	"ROC year (民國), e.g. 109 for 2020"
//	@Param			from		query		int				false	"first year of a range"
//	@Param			to			query		int				false	"last year of a range"
//	@Param			unit_id		query		string			false	"only this unit"
//	@Param			group		query		string			false	"add each KPI's parts (JSON only): by unit or by month; see KPIGroupDTO"	Enums(unit,month)
//	@Param			format		query		string			false	"json (default), csv or xlsx"				Enums(json,csv,xlsx)
//	@Param			lang		query		string			false	"language of a csv or xlsx (default zh-TW)"	Enums(zh-TW,en)
//	@Success		200			{object}	KPIReportDTO	"one year; for from/to the answer is a KPIRangeDTO: {from, to, timezone, as_of, years: [KPIReportDTO…]}"
//	@Failure		400			{object}	ErrorResponse
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse
//	@Failure		409			{object}	ErrorResponse	"the counts must be rebuilt after a time-zone change"
//	@Failure		422			{object}	ErrorResponse	"a time or year out of bounds (before 1912, or too far ahead)"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/kpis [get]
func (h *Handler) KPIReport(c *gin.Context) {
	get, err := query(c, "year", "roc_year", "from", "to", "unit_id", "format", "lang", "group")
	if err != nil {
		fail(c, err)
		return
	}
	f, isRange, err := kpiFilter(get)
	if err != nil {
		fail(c, err)
		return
	}
	f.Group = get("group")
	format, en, err := reportParams(get)
	if err != nil {
		fail(c, err)
		return
	}
	reports, err := h.KPIs.Report(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, err)
		return
	}
	dtos := mapSlice(reports, toKPIReportDTO)
	// The file is named by the year as the user asked for it: 民國 when
	// asked by roc_year.
	name := fmt.Sprintf("ethicsops-kpi-%d", dtos[0].Year)
	switch {
	case isRange:
		name = fmt.Sprintf("ethicsops-kpi-%d-%d", f.From, f.To)
	case get("roc_year") != "":
		name = fmt.Sprintf("ethicsops-kpi-%d年", dtos[0].ROCYear)
	}
	switch format {
	case "csv":
		writeCSV(c, name+".csv", en, exportSheet{cols: kpiColumns, rows: kpiRows(dtos, en)})
	case "xlsx":
		b, err := h.KPIs.UnitAndMonthCounts(c.Request.Context(), actor(c), f)
		if err != nil {
			fail(c, err)
			return
		}
		writeXLSX(c, name+".xlsx", kpiDoc(dtos, b, f.UnitID, en), en)
	default:
		if isRange {
			c.JSON(http.StatusOK, KPIRangeDTO{From: f.From, To: f.To, Timezone: dtos[0].Timezone, AsOf: dtos[0].AsOf, Years: dtos})
			return
		}
		c.JSON(http.StatusOK, dtos[0])
	}
}

// kpiFilter reads year | roc_year | from&to; none (zero years) means this year.
func kpiFilter(get func(string) string) (services.KPIFilter, bool, error) {
	f := services.KPIFilter{UnitID: get("unit_id")}
	num := func(name string) (int, error) {
		n, err := strconv.Atoi(get(name))
		if err != nil {
			return 0, services.BadRequest("%s must be a year (an integer)", name)
		}
		return n, nil
	}
	given := 0
	for _, k := range []string{"year", "roc_year", "from"} {
		if get(k) != "" {
			given++
		}
	}
	if given > 1 || (get("from") == "") != (get("to") == "") {
		return f, false, services.BadRequest("give one of: year, roc_year, or from and to")
	}
	var err error
	switch {
	case get("year") != "":
		f.From, err = num("year")
		f.To = f.From
	case get("roc_year") != "":
		var roc int
		roc, err = num("roc_year")
		f.From = services.FromROCYear(roc)
		f.To = f.From
	case get("from") != "":
		if f.From, err = num("from"); err == nil {
			f.To, err = num("to")
		}
		return f, true, err
	}
	return f, false, err
}

// KPITargets godoc
//
//	@Summary		Yearly KPI targets
//	@Description	The targets of every KPI for each year that has some. Who: managers and admins. Read-only.
//	@ID				kpiTargets
//	@Tags			kpis
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	KPITargetsList
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/kpis/targets [get]
func (h *Handler) KPITargets(c *gin.Context) {
	if _, err := query(c); err != nil {
		fail(c, err)
		return
	}
	ts, err := h.KPIs.Targets(c.Request.Context(), actor(c))
	if err != nil {
		fail(c, err)
		return
	}
	out := KPITargetsList{Items: make([]KPITargetsDTO, len(ts))}
	for i, t := range ts {
		out.Items[i] = KPITargetsDTO{Year: t.Year, ROCYear: services.ROCYear(t.Year), Targets: t.Targets}
	}
	c.JSON(http.StatusOK, out)
}

// SetKPITargets godoc
//
//	@Summary		Set the KPI targets of a year
//	@Description	Codes not given keep their target; a code given null loses it. Percentages are 0–100, counts whole numbers. Audited. Who: admins. Idempotent: the same targets again change nothing.
//	@ID				setKpiTargets
//	@Tags			kpis
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	path		int						true	"Gregorian year"
//	@Param			body	body		SetKPITargetsRequest	true	"targets by KPI code"
//	@Success		200		{object}	KPITargetsDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/kpis/targets/{year} [put]
func (h *Handler) SetKPITargets(c *gin.Context) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		fail(c, services.BadRequest("year must be an integer"))
		return
	}
	var req SetKPITargetsRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	t, err := h.KPIs.SetTargets(c.Request.Context(), actor(c), year, req.Targets)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, KPITargetsDTO{Year: t.Year, ROCYear: services.ROCYear(t.Year), Targets: t.Targets})
}

// CloseKPIYear godoc
//
//	@Summary		Close a KPI year
//	@Description	After the office has reported a year's numbers (e.g. to the Agency Against Corruption, 法務部廉政署), an admin closes the year: from then on every write that would change a count of that year (an activity whose scheduled_at or completed_at lies in it, before or after the change; a declaration roster row of that year or due in it; a volunteer's check-in at an event of that year) answers 409 period_closed and changes nothing. Only a year that has ended (office time zone) can be closed. Closing a closed year is 409 conflict: the first close and its reason stand. Audited as kpi.year.close with the reason. Who: admins.
//	@ID				closeKpiYear
//	@Tags			kpis
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	path		int				true	"Gregorian year"
//	@Param			body	body		KPIYearRequest	true	"why (required, at most 500 characters)"
//	@Success		200		{object}	KPIYearStatusDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"conflict: already closed"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"year (not ended, out of range) or reason"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/kpis/years/{year}/close [post]
func (h *Handler) CloseKPIYear(c *gin.Context) {
	h.kpiYear(c, h.KPIs.CloseYear)
}

// ReopenKPIYear godoc
//
//	@Summary		Reopen a closed KPI year
//	@Description	Lets the records of a closed year be corrected again (their numbers then differ from the ones reported, so say why). Reopening an open year is 409 conflict. Audited as kpi.year.reopen with the reason and the close it undoes. Who: admins.
//	@ID				reopenKpiYear
//	@Tags			kpis
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	path		int				true	"Gregorian year"
//	@Param			body	body		KPIYearRequest	true	"why (required, at most 500 characters)"
//	@Success		200		{object}	KPIYearStatusDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"conflict: not closed"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"year or reason"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/kpis/years/{year}/reopen [post]
func (h *Handler) ReopenKPIYear(c *gin.Context) {
	h.kpiYear(c, h.KPIs.ReopenYear)
}

func (h *Handler) kpiYear(c *gin.Context, do func(context.Context, services.Actor, int, string) (services.YearStatus, error)) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		fail(c, services.BadRequest("year must be an integer"))
		return
	}
	var req KPIYearRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	st, err := do(c.Request.Context(), actor(c), year, req.Reason)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, KPIYearStatusDTO{Year: st.Year, ROCYear: services.ROCYear(st.Year), KPIYearClosedDTO: toKPIYearClosedDTO(st.Closed)})
}

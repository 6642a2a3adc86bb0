package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// KPIGroupDTO is one part of a KPI's number (GET /kpis?group=unit|month).
//
// Counts: actual is the part's completed records, reviewed the approved
// ones among them. By unit (key: unit id, label: its name; every unit, the
// largest share first), target is null: the plan's targets are the whole
// office's, not split among agencies and schools. By month (key "2026-03",
// label "115年3月", January to December), cumulative is January through that
// month and expected_to_date the year's target pro-rated to the month's end
// (cumulative, the pace line; null without a target).
//
// The on-time rate (property_declaration_on_time_rate): numerator and
// denominator are the part's on-time and due filings, actual their rate
// (null when nothing is due), reviewed null. By unit, target is the year's
// target (a rate applies to each unit alike); by month (of the due date),
// expected_to_date is that target (a rate is not pro-rated).
type KPIGroupDTO struct {
	Key            string   `json:"key" example:"2026-03" binding:"required"`
	Label          string   `json:"label" example:"115年3月" binding:"required"`
	Actual         *float64 `json:"actual" example:"21" extensions:"x-nullable" binding:"required"`
	Reviewed       *int64   `json:"reviewed" example:"18" extensions:"x-nullable" binding:"required"`
	Target         *float64 `json:"target" example:"100" extensions:"x-nullable" binding:"required"`
	ExpectedToDate *float64 `json:"expected_to_date" example:"62.5" extensions:"x-nullable" binding:"required"`
	Cumulative     *float64 `json:"cumulative" example:"58" extensions:"x-nullable" binding:"required"`
	Numerator      *int64   `json:"numerator,omitempty" example:"32"`
	Denominator    *int64   `json:"denominator,omitempty" example:"40"`
}

func toKPIGroupDTOs(gs []services.KPIGroup) []KPIGroupDTO {
	if gs == nil {
		return nil
	}
	out := make([]KPIGroupDTO, len(gs))
	for i, g := range gs {
		out[i] = KPIGroupDTO{Key: g.Key, Label: g.Label, Actual: g.Actual, Reviewed: g.Reviewed, Target: g.Target,
			ExpectedToDate: g.ExpectedToDate, Cumulative: g.Cumulative, Numerator: g.Numerator, Denominator: g.Denominator}
	}
	return out
}

// KPIRecordList is a page of the records behind one KPI's number.
type KPIRecordList struct {
	Code    string `json:"code" example:"procurement_supervisions" binding:"required"`
	NameZh  string `json:"name_zh" example:"參與採購案件驗收監驗工作" binding:"required"`
	Year    int    `json:"year" example:"2026" binding:"required"`
	ROCYear int    `json:"roc_year" example:"115" binding:"required"`
	// Total is how many records there are in all (every page): the
	// report's actual for the same year and unit.
	Total      int64         `json:"total" example:"187" binding:"required"`
	Items      []ActivityDTO `json:"items" binding:"required"`
	NextCursor string        `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

// KPIRecords godoc
//
//	@Summary		The records behind one KPI's number
//	@Description	The records the report counts for the KPI in the year (`year`, or `roc_year` 民國年; default this year), under exactly the counting rule: completed, not deleted, of the KPI's kinds (anti_corruption_events: large outreach events only), completed_at within the year in the office time zone; optionally one unit. Ordered by completed_at (oldest first); keyset pages. total is the number of all of them, the report's actual. The on-time rate (property_declaration_on_time_rate) counts declarations, not records: 422 with fields.code (read GET /declarations?year= instead). Informational lines: opinion_visits lists the completed opinion visits of the year; ethics_registrations and early_warnings_submitted count registers, not records: 422 with fields.code (read GET /ethics-registrations?year= or GET /early-warnings?year=). Who: managers and admins. Read-only.
//	@ID				kpiRecords
//	@Tags			kpis
//	@Produce		json
//	@Security		BearerAuth
//	@Param			code		path		string	true	"KPI code"	Enums(procurement_supervisions,security_maintenance_and_petitions,safety_inspections,infosec_audits,anti_corruption_events,ethics_code_promotions,property_declaration_on_time_rate)
//	@Param			year		query		int		false	"Gregorian year"
//	@Param			roc_year	query		int		false	"ROC year (民國), e.g. 115 for 2026"
//	@Param			unit_id		query		string	false	"only this unit"
//	@Param			limit		query		int		false	"page size (1-200, default 50)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	KPIRecordList
//	@Failure		400			{object}	ErrorResponse
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse
//	@Failure		404			{object}	ErrorResponse	"no such KPI"
//	@Failure		409			{object}	ErrorResponse	"the counts must be rebuilt after a time-zone change"
//	@Failure		422			{object}	ErrorResponse	"code: the on-time rate counts declarations, an informational line counts a register; year out of bounds"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/kpis/{code}/records [get]
func (h *Handler) KPIRecords(c *gin.Context) {
	get, limit, err := listQuery(c, "year", "roc_year", "unit_id")
	if err != nil {
		fail(c, err)
		return
	}
	f := services.KPIRecordFilter{UnitID: get("unit_id"), Limit: limit, Cursor: get("cursor")}
	if get("year") != "" && get("roc_year") != "" {
		fail(c, services.BadRequest("give year or roc_year, not both"))
		return
	}
	if f.Year, err = intParam(get, "year"); err != nil {
		fail(c, err)
		return
	}
	if get("roc_year") != "" {
		roc, err := intParam(get, "roc_year")
		if err != nil {
			fail(c, err)
			return
		}
		f.Year = services.FromROCYear(roc)
	}
	recs, err := h.KPIs.Records(c.Request.Context(), actor(c), c.Param("code"), f)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, KPIRecordList{Code: recs.Def.Code, NameZh: recs.Def.NameZh, Year: recs.Year, ROCYear: services.ROCYear(recs.Year),
		Total: recs.Total, Items: mapSlice(recs.Items, toActivityDTO), NextCursor: recs.NextCursor})
}

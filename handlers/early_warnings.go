package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// ListEarlyWarnings godoc
//
//	@Summary		List early warnings (預警作為)
//	@Description	Newest first, in keyset pages. Who: officers (their own warnings and those about their own unit), managers and admins (all). year (or roc_year, 民國) is the year a warning is listed under: that of submitted_to_head_on, or of its creation before it has one. Read-only.
//	@ID				listEarlyWarnings
//	@Tags			early-warnings
//	@Produce		json
//	@Security		BearerAuth
//	@Param			unit_id		query		string	false	"unit concerned"
//	@Param			risk_area	query		string	false	"risk area"	Enums(procurement,construction,personnel,official_secrets,agency_security,other)
//	@Param			status		query		string	false	"status"	Enums(draft,submitted,following_up,closed)
//	@Param			year		query		int		false	"year (Gregorian)"
//	@Param			roc_year	query		int		false	"year (ROC, 民國), e.g. 115 for 2026; not with year"
//	@Param			limit		query		int		false	"page size (1-200, default 50)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	EarlyWarningList
//	@Failure		400			{object}	ErrorResponse
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse
//	@Failure		422			{object}	ErrorResponse	"a year out of bounds (before 1912, or too far ahead)"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings [get]
func (h *Handler) ListEarlyWarnings(c *gin.Context) {
	get, limit, err := listQuery(c, "unit_id", "risk_area", "status", "year", "roc_year")
	if err != nil {
		fail(c, err)
		return
	}
	year, err := yearOrROC(get)
	if err != nil {
		fail(c, err)
		return
	}
	page, err := h.EarlyWarnings.List(c.Request.Context(), actor(c), services.EarlyWarningFilter{
		UnitID: get("unit_id"), RiskArea: get("risk_area"), Status: get("status"), Year: year, Limit: limit, Cursor: get("cursor"),
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, EarlyWarningList{Items: mapSlice(page.Items, toEarlyWarningDTO), NextCursor: page.NextCursor})
}

// yearOrROC reads the optional year or roc_year (not both) as a Gregorian
// year; 0 when neither is given.
func yearOrROC(get func(string) string) (int, error) {
	y, r := get("year"), get("roc_year")
	switch {
	case y != "" && r != "":
		return 0, services.BadRequest("give year or roc_year, not both")
	case y != "":
		n, err := strconv.Atoi(y)
		if err != nil {
			return 0, services.BadRequest("year must be an integer")
		}
		return n, nil
	case r != "":
		n, err := strconv.Atoi(r)
		if err != nil {
			return 0, services.BadRequest("roc_year must be an integer")
		}
		if n < 1 {
			return 0, services.Invalid("roc_year", "must be 1 or later")
		}
		return services.FromROCYear(n), nil
	}
	return 0, nil
}

// CreateEarlyWarning godoc
//
//	@Summary		Record an early warning (預警作為)
//	@Description	Created as a draft owned by the caller. With a client-made id: 201 the first time, 200 and the same warning when resent with the same content, 409 id_conflict with different content; two identical requests at once store one warning. Who: officers, managers and admins.
//	@ID				createEarlyWarning
//	@Tags			early-warnings
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateEarlyWarningRequest	true	"the warning"
//	@Success		201		{object}	EarlyWarningDetailDTO
//	@Success		200		{object}	EarlyWarningDetailDTO	"replay of an earlier create"
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"id_conflict"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"fields such as risk_area, observed, submitted_to_head_on, activity_id"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings [post]
func (h *Handler) CreateEarlyWarning(c *gin.Context) {
	var req CreateEarlyWarningRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	w, created, err := h.EarlyWarnings.Create(c.Request.Context(), actor(c), req.input())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(createdStatus(created), toEarlyWarningDetailDTO(w))
}

// GetEarlyWarning godoc
//
//	@Summary		One early warning with its follow-ups
//	@Description	Follow-ups in date order. Who: officers (their own and those about their own unit; 404 for others), managers and admins. Read-only.
//	@ID				getEarlyWarning
//	@Tags			early-warnings
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"warning id"
//	@Success		200	{object}	EarlyWarningDetailDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings/{id} [get]
func (h *Handler) GetEarlyWarning(c *gin.Context) {
	w, err := h.EarlyWarnings.Get(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toEarlyWarningDetailDTO(w))
}

// UpdateEarlyWarning godoc
//
//	@Summary		Change a draft early warning
//	@Description	Only a draft changes (409 conflict otherwise; a manager returns a submitted one to draft first). Send the version you read; a stale one gets 409 version_conflict. A patch that changes nothing answers 200 with the warning. Who: the officer who wrote it, managers and admins (an officer who only sees it through their unit gets 403).
//	@ID				updateEarlyWarning
//	@Tags			early-warnings
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string						true	"warning id"
//	@Param			body	body		PatchEarlyWarningRequest	true	"fields to change"
//	@Success		200		{object}	EarlyWarningDetailDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict; conflict (not a draft)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings/{id} [patch]
func (h *Handler) UpdateEarlyWarning(c *gin.Context) {
	var req PatchEarlyWarningRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	h.warningResult(c)(h.EarlyWarnings.Update(c.Request.Context(), actor(c), c.Param("id"), req.patch()))
}

// SubmitEarlyWarning godoc
//
//	@Summary		Submit a draft early warning to the head of the agency
//	@Description	draft → submitted. Requires suggested_measures and submitted_to_head_on (given here or stored before): 422 naming them otherwise. 409 conflict when the warning is not a draft; 409 version_conflict for a stale version. Audited. Who: the officer who wrote it, managers and admins.
//	@ID				submitEarlyWarning
//	@Tags			early-warnings
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string						true	"warning id"
//	@Param			body	body		SubmitEarlyWarningRequest	true	"version, and the date if not stored"
//	@Success		200		{object}	EarlyWarningDetailDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict; conflict (not a draft)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"suggested_measures, submitted_to_head_on"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings/{id}/submit [post]
func (h *Handler) SubmitEarlyWarning(c *gin.Context) {
	var req SubmitEarlyWarningRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	h.warningResult(c)(h.EarlyWarnings.Submit(c.Request.Context(), actor(c), c.Param("id"), req.Version, req.SubmittedToHeadOn))
}

// ReturnEarlyWarning godoc
//
//	@Summary		Return an early warning to draft (manager, admin)
//	@Description	draft or submitted → draft, with a comment the officer sees (return_comment). 409 conflict once it is being followed up or closed; 409 version_conflict for a stale version. Audited. Who: managers and admins.
//	@ID				returnEarlyWarning
//	@Tags			early-warnings
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string						true	"warning id"
//	@Param			body	body		ReturnEarlyWarningRequest	true	"version and comment"
//	@Success		200		{object}	EarlyWarningDetailDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict; conflict (not a draft or submitted)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"comment"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings/{id}/return [post]
func (h *Handler) ReturnEarlyWarning(c *gin.Context) {
	var req ReturnEarlyWarningRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	h.warningResult(c)(h.EarlyWarnings.Return(c.Request.Context(), actor(c), c.Param("id"), req.Version, req.Comment))
}

// AddEarlyWarningFollowUp godoc
//
//	@Summary		Record a follow-up of an early warning
//	@Description	What the business unit did, on a date (not in the future, not before submitted_to_head_on). Appended to follow_ups; the first one moves submitted → following_up. 409 conflict on a draft or closed warning; 409 version_conflict for a stale version. Audited. Who: the officer who wrote it, managers and admins.
//	@ID				addEarlyWarningFollowUp
//	@Tags			early-warnings
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"warning id"
//	@Param			body	body		FollowUpRequest	true	"the follow-up"
//	@Success		200		{object}	EarlyWarningDetailDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict; conflict (not submitted or following up)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"date, action_taken"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings/{id}/follow-ups [post]
func (h *Handler) AddEarlyWarningFollowUp(c *gin.Context) {
	var req FollowUpRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	h.warningResult(c)(h.EarlyWarnings.AddFollowUp(c.Request.Context(), actor(c), c.Param("id"),
		services.FollowUpInput{Version: req.Version, Date: req.Date, ActionTaken: req.ActionTaken}))
}

// CloseEarlyWarning godoc
//
//	@Summary		Close an early warning with its outcome
//	@Description	following_up → closed (record at least one follow-up first). 409 conflict from any other status; 409 version_conflict for a stale version. Audited. Who: the officer who wrote it, managers and admins.
//	@ID				closeEarlyWarning
//	@Tags			early-warnings
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string						true	"warning id"
//	@Param			body	body		CloseEarlyWarningRequest	true	"version and outcome"
//	@Success		200		{object}	EarlyWarningDetailDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict; conflict (not following up)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"outcome"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/early-warnings/{id}/close [post]
func (h *Handler) CloseEarlyWarning(c *gin.Context) {
	var req CloseEarlyWarningRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	h.warningResult(c)(h.EarlyWarnings.Close(c.Request.Context(), actor(c), c.Param("id"), req.Version, req.Outcome))
}

// warningResult answers a warning or an error.
func (h *Handler) warningResult(c *gin.Context) func(services.EarlyWarning, error) {
	return func(w services.EarlyWarning, err error) {
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toEarlyWarningDetailDTO(w))
	}
}

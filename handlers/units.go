package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// ListUnits godoc
//
//	@Summary		List agencies and schools
//	@Description	Agencies and schools, by code. Who: every signed-in, active account. Read-only.
//	@ID				listUnits
//	@Tags			units
//	@Produce		json
//	@Security		BearerAuth
//	@Param			limit	query		int		false	"page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	UnitList
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"account pending approval"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/units [get]
func (h *Handler) ListUnits(c *gin.Context) {
	get, limit, err := listQuery(c)
	if err != nil {
		fail(c, err)
		return
	}
	page, err := h.Units.List(c.Request.Context(), limit, get("cursor"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, UnitList{Items: mapSlice(page.Items, toUnitDTO), NextCursor: page.NextCursor})
}

// CreateUnit godoc
//
//	@Summary		Add an agency or school
//	@Description	Adds an agency or school; its code is unique (409 conflict). Who: admins. Not idempotent: a second create with the same code is a 409.
//	@ID				createUnit
//	@Tags			units
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateUnitRequest	true	"the unit"
//	@Success		201		{object}	UnitDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/units [post]
func (h *Handler) CreateUnit(c *gin.Context) {
	var req CreateUnitRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	u, err := h.Units.Create(c.Request.Context(), actor(c), services.NewUnit{Code: req.Code, Name: req.Name, Kind: req.Kind})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toUnitDTO(u))
}

// Meta godoc
//
//	@Summary		Enumerations with zh-TW and English labels
//	@Description	Activity kinds, statuses, procurement categories and stages, risk levels, checklist results, event scales, declaration types, KPI codes, roles… for building forms. Who: anyone, without signing in. Read-only.
//	@ID				meta
//	@Tags			meta
//	@Produce		json
//	@Success		200	{object}	MetaResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/meta [get]
func (h *Handler) Meta(c *gin.Context) {
	m := services.GetMeta()
	out := MetaResponse{}
	for name, ls := range m {
		out[name] = mapSlice(ls, func(l services.Label) LabelDTO { return LabelDTO{Value: l.Value, ZhTW: l.ZhTW, En: l.En} })
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, out)
}

// Healthz godoc
//
//	@Summary		Liveness
//	@Description	Liveness: the process answers. No sign-in; touches nothing.
//	@ID				healthz
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	HealthResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/healthz [get]
func (h *Handler) Healthz(c *gin.Context) {
	c.JSON(http.StatusOK, HealthResponse{Status: "ok"})
}

// Readyz godoc
//
//	@Summary		Readiness: the database answers
//	@Description	Readiness: the database answers within 2 s, else 503 with Retry-After. No sign-in; touches nothing.
//	@ID				readyz
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	HealthResponse
//	@Failure		503	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/readyz [get]
func (h *Handler) Readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := h.Ping(ctx); err != nil {
		fail(c, services.ErrUnavailable)
		return
	}
	c.JSON(http.StatusOK, HealthResponse{Status: "ready"})
}

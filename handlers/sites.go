package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/models"
	"ethicsops/services"
)

// UnitSiteDTO is a registered site of a unit: the place a record's site is
// copied from.
type UnitSiteDTO struct {
	ID        string    `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c2e"`
	UnitID    string    `json:"unit_id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Name      string    `json:"name" binding:"required" example:"嘉義市政府（市府大樓）"`
	Address   string    `json:"address" binding:"required" example:"嘉義市東區中山路199號"`
	Lat       float64   `json:"lat" binding:"required" example:"23.4811"`
	Lng       float64   `json:"lng" binding:"required" example:"120.4536"`
	RadiusM   int       `json:"radius_m" binding:"required" example:"150"`
	CreatedAt time.Time `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
}

func toUnitSiteDTO(s models.UnitSite) UnitSiteDTO {
	return UnitSiteDTO{ID: s.ID, UnitID: s.UnitID, Name: s.Name, Address: s.Address, Lat: s.Lat, Lng: s.Lng, RadiusM: s.RadiusM, CreatedAt: s.CreatedAt}
}

// UnitSiteList is every registered site of a unit, by name (at most 200).
type UnitSiteList struct {
	Items []UnitSiteDTO `json:"items" binding:"required"`
}

// CreateUnitSiteRequest registers a site of a unit.
type CreateUnitSiteRequest struct {
	// Name is 1 to 100 characters, one line, unique within the unit.
	Name string `json:"name" binding:"required" example:"嘉義市政府（市府大樓）"`
	// Address is at most 200 characters, one line.
	Address string   `json:"address" example:"嘉義市東區中山路199號"`
	Lat     *float64 `json:"lat" binding:"required" example:"23.4811"`
	Lng     *float64 `json:"lng" binding:"required" example:"120.4536"`
	// RadiusM is the geofence radius, 10 to 5000 metres.
	RadiusM int `json:"radius_m" binding:"required" example:"150"`
}

// ListUnitSites godoc
//
//	@Summary		The registered sites of a unit
//	@Description	The places registered for an agency or school (offices, campuses, work sites), by name, at most 200: a form copies the chosen one into a record's site. Who: officers, managers and admins; volunteers are refused. Read-only.
//	@ID				listUnitSites
//	@Tags			units
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"unit id"
//	@Success		200	{object}	UnitSiteList
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse	"no such unit"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/units/{id}/sites [get]
func (h *Handler) ListUnitSites(c *gin.Context) {
	sites, err := h.Units.ListSites(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, UnitSiteList{Items: mapSlice(sites, toUnitSiteDTO)})
}

// CreateUnitSite godoc
//
//	@Summary		Register a site of a unit
//	@Description	Registers a place of an agency or school with its position and geofence radius (10–5000 m). A unit's site names are unique (409 conflict), and a unit has at most 200 sites (409). Audited. Who: managers and admins. Not idempotent: a second create with the same name is a 409.
//	@ID				createUnitSite
//	@Tags			units
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"unit id"
//	@Param			body	body		CreateUnitSiteRequest	true	"the site"
//	@Success		201		{object}	UnitSiteDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse	"no such unit"
//	@Failure		409		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/units/{id}/sites [post]
func (h *Handler) CreateUnitSite(c *gin.Context) {
	var req CreateUnitSiteRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	s, err := h.Units.CreateSite(c.Request.Context(), actor(c), c.Param("id"),
		services.NewSite{Name: req.Name, Address: req.Address, Lat: req.Lat, Lng: req.Lng, RadiusM: req.RadiusM})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toUnitSiteDTO(s))
}

// HistoryEntryDTO is one step of a record's history. It names the fields an
// edit changed, never their values.
type HistoryEntryDTO struct {
	ID     string    `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c3f"`
	At     time.Time `json:"at" binding:"required" example:"2026-11-28T10:05:00+08:00"`
	Action string    `json:"action" binding:"required" enums:"activity.create,activity.update,activity.start,activity.review_approved,activity.review_returned,checkin.create,attachment.create"`
	// Actor is who did it; null for the system.
	Actor *HistoryActorDTO `json:"actor" extensions:"x-nullable"`
	// Fields changed by an edit (activity.update), parts as "procurement.stage"; empty otherwise.
	Fields []string `json:"fields" binding:"required" example:"notes,procurement.stage"`
	// Status is the record's status after the change, when the change set one ("" otherwise).
	Status string `json:"status" binding:"required" enums:",planned,in_progress,completed,cancelled"`
	// CheckinType is arrive or leave for checkin.create ("" otherwise).
	CheckinType string `json:"checkin_type" binding:"required" enums:",arrive,leave"`
	// LateEntry is true when the change marked the record a late entry for a manager's review, false when it cleared the mark, null when it did neither.
	LateEntry *bool `json:"late_entry" example:"true" extensions:"x-nullable"`
	// Comment is the reviewer's comment on activity.review_approved and activity.review_returned ("" otherwise).
	Comment string `json:"comment" binding:"required" example:"缺少驗收紀錄照片，請補上後再送核閱"`
}

// HistoryActorDTO names who made a change: their display name and role only.
type HistoryActorDTO struct {
	ID          string `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	DisplayName string `json:"display_name" binding:"required" example:"林專員"`
	Role        string `json:"role" binding:"required" enums:"admin,manager,officer,volunteer"`
}

// HistoryList is a page of a record's history, oldest first.
type HistoryList struct {
	Items      []HistoryEntryDTO `json:"items" binding:"required"`
	NextCursor string            `json:"next_cursor" binding:"required" example:"eyJrIjoiMjAyNi0xMS0yOFQwMjowNTowMFoiLCJpIjoiMDE5MiJ9"`
}

func toHistoryEntryDTO(e services.HistoryEntry) HistoryEntryDTO {
	d := HistoryEntryDTO{ID: e.ID, At: e.At, Action: e.Action, Fields: e.Fields, Status: e.Status, CheckinType: e.CheckinType, LateEntry: e.LateEntry, Comment: e.Comment}
	if d.Fields == nil {
		d.Fields = []string{}
	}
	if e.ActorID != "" {
		d.Actor = &HistoryActorDTO{ID: e.ActorID, DisplayName: e.ActorName, Role: e.ActorRole}
	}
	return d
}

// ActivityHistory godoc
//
//	@Summary		The history of a record
//	@Description	Who created the record, edited it (which fields, not their values), started, completed or cancelled it, checked in and added photos, and when; a completion recorded late is marked for a manager's review. Read from the audit trail, oldest first, paged. Who: officers, managers and admins; volunteers get 404, as for a record they cannot see. Read-only.
//	@ID				activityHistory
//	@Tags			activities
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"activity id"
//	@Param			limit	query		int		false	"page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	HistoryList
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"account pending approval"
//	@Failure		404		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/history [get]
func (h *Handler) ActivityHistory(c *gin.Context) {
	get, limit, err := listQuery(c)
	if err != nil {
		fail(c, err)
		return
	}
	page, err := h.Activities.History(c.Request.Context(), actor(c), c.Param("id"), limit, get("cursor"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, HistoryList{Items: mapSlice(page.Items, toHistoryEntryDTO), NextCursor: page.NextCursor})
}

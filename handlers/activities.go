package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// ListActivities godoc
//
//	@Summary		List activities
//	@Description	Staff get ActivityList; volunteers get PublicActivityList (published outreach_event/ethics_promotion only, no internal fields; with event.volunteer_capacity, event.free_places and their own signed_up; pass from=now for the upcoming ones). Keyset pages: stable while records are added. With updated_since (for phone sync) records deleted since are included with deleted_at set, and the default sort is updated_at. Who: every active account (staff read every record; volunteers only published events). Read-only.
//	@ID				listActivities
//	@Tags			activities
//	@Produce		json
//	@Security		BearerAuth
//	@Param			kind			query		string	false	"kind"		Enums(procurement_supervision,security_maintenance,petition,safety_inspection,infosec_audit,outreach_event,ethics_promotion,opinion_visit)
//	@Param			status			query		string	false	"status"	Enums(planned,in_progress,completed,cancelled)
//	@Param			unit_id			query		string	false	"unit"
//	@Param			owner_id		query		string	false	"owner (officer)"
//	@Param			from			query		string	false	"scheduled_at at or after (RFC 3339)"
//	@Param			to				query		string	false	"scheduled_at before (RFC 3339)"
//	@Param			updated_since	query		string	false	"changed at or after (RFC 3339)"
//	@Param			q				query		string	false	"words in the title or the procurement case number"
//	@Param			late_entry		query		bool	false	"staff only: completions recorded more than 31 days after completed_at (true) or not (false)"
//	@Param			review			query		string	false	"staff only: review state (the review queue is review=pending&sort=completed_at)"	Enums(pending,approved,returned)
//	@Param			sort			query		string	false	"order (default -scheduled_at); completed_at and -completed_at list only records with a completion time"	Enums(scheduled_at,-scheduled_at,updated_at,-updated_at,created_at,-created_at,completed_at,-completed_at)
//	@Param			limit			query		int		false	"page size (1-200, default 50)"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	ActivityList
//	@Failure		400				{object}	ErrorResponse
//	@Failure		401				{object}	ErrorResponse
//	@Failure		403				{object}	ErrorResponse
//	@Failure		422				{object}	ErrorResponse	"a time or year out of bounds (before 1912, or too far ahead)"
//	@Failure		500				{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503				{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503				{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities [get]
func (h *Handler) ListActivities(c *gin.Context) {
	get, limit, err := listQuery(c, "kind", "status", "unit_id", "owner_id", "from", "to", "updated_since", "q", "sort", "late_entry", "review")
	if err != nil {
		fail(c, err)
		return
	}
	f, err := activityFilter(get, "updated_since")
	if err != nil {
		fail(c, err)
		return
	}
	f.Cursor, f.Limit = get("cursor"), limit
	act := actor(c)
	page, err := h.Activities.List(c.Request.Context(), act, f)
	if err != nil {
		fail(c, err)
		return
	}
	if act.IsStaff() {
		c.JSON(http.StatusOK, ActivityList{Items: mapSlice(page.Items, toActivityDTO), NextCursor: page.NextCursor})
		return
	}
	items, err := h.publicActivities(c.Request.Context(), act, page.Items)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, PublicActivityList{Items: items, NextCursor: page.NextCursor})
}

// activityFilter reads the list's filters from the query: the record list
// and its download select the same records. times names the time filters
// the caller accepts beside from and to.
func activityFilter(get func(string) string, times ...string) (services.ActivityFilter, error) {
	f := services.ActivityFilter{Kind: get("kind"), Status: get("status"), UnitID: get("unit_id"), OwnerID: get("owner_id"),
		Q: get("q"), Sort: get("sort"), Review: get("review")}
	switch get("late_entry") {
	case "":
	case "true", "false":
		late := get("late_entry") == "true"
		f.LateEntry = &late
	default:
		return f, services.BadRequest("late_entry must be true or false")
	}
	dst := map[string]**time.Time{"from": &f.From, "to": &f.To, "updated_since": &f.UpdatedSince}
	for _, name := range append([]string{"from", "to"}, times...) {
		t, err := timeParam(get, name)
		if err != nil {
			return f, err
		}
		*dst[name] = t
	}
	return f, nil
}

// CreateActivity godoc
//
//	@Summary		Record an activity
//	@Description	Send exactly the part of the kind. With a client-made id: 201 the first time, 200 and the same record when resent with the same content, 409 id_conflict with different content. owner_id is the caller. Who: officers, managers and admins; the caller becomes the owner.
//	@ID				createActivity
//	@Tags			activities
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateActivityRequest	true	"the activity"
//	@Success		201		{object}	ActivityDTO
//	@Success		200		{object}	ActivityDTO	"replay of an earlier create"
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"id_conflict; period_closed (scheduled_at or completed_at in a closed KPI year)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"fields such as procurement.stage, site.lat, checklist[2].result"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities [post]
func (h *Handler) CreateActivity(c *gin.Context) {
	var req CreateActivityRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	respond(c)(h.createActivity(c.Request.Context(), actor(c), req))
}

func (h *Handler) createActivity(ctx context.Context, act services.Actor, req CreateActivityRequest) (int, any, error) {
	a, created, err := h.Activities.Create(ctx, act, req.input())
	if err != nil {
		return 0, nil, err
	}
	return createdStatus(created), toActivityDTO(a), nil
}

// GetActivity godoc
//
//	@Summary		One activity
//	@Description	Staff get ActivityDTO; a volunteer gets PublicActivityDTO of a published event and 404 for anything else. Who: every active account. Read-only.
//	@ID				getActivity
//	@Tags			activities
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"activity id"
//	@Success		200	{object}	ActivityDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id} [get]
func (h *Handler) GetActivity(c *gin.Context) {
	act := actor(c)
	a, err := h.Activities.Get(c.Request.Context(), act, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	respond(c)(func() (int, any, error) {
		v, err := h.activityView(c.Request.Context(), act, a)
		return http.StatusOK, v, err
	}())
}

// UpdateActivity godoc
//
//	@Summary		Change an activity (owner, manager, admin)
//	@Description	Send the version you read; a stale one gets 409 version_conflict and nothing changes. Status flow: planned → in_progress → completed, or cancelled; completed → in_progress reopens; cancelled → planned restores. Completing needs the outcome fields (procurement.stage; every checklist[i].result; event.participants; petition.outcome; maintenance.measures; opinion_visit.respondents, .questionnaire and .findings) and sets completed_at (yours if sent, never more than 5 minutes ahead). A patch that changes nothing answers 200 with the record. Who: the owning officer, managers and admins. A patch that changes nothing answers 200, so a replay is harmless.
//	@ID				updateActivity
//	@Tags			activities
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"activity id"
//	@Param			body	body		PatchActivityRequest	true	"fields to change"
//	@Success		200		{object}	ActivityDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict; period_closed (scheduled_at or completed_at, before or after, in a closed KPI year)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"also event.volunteer_capacity below the active volunteer sign-ups"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id} [patch]
func (h *Handler) UpdateActivity(c *gin.Context) {
	var req PatchActivityRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	respond(c)(h.updateActivity(c.Request.Context(), actor(c), c.Param("id"), req))
}

func (h *Handler) updateActivity(ctx context.Context, act services.Actor, id string, req PatchActivityRequest) (int, any, error) {
	a, err := h.Activities.Update(ctx, act, id, req.patch())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toActivityDTO(a), nil
}

// DeleteActivity godoc
//
//	@Summary		Delete an activity (soft; owner, manager, admin)
//	@Description	Soft-deletes the record (deleted_at is set; updated_since lists show it). Who: the owning officer, managers and admins. Idempotent in effect: deleting a deleted record is a 404 and changes nothing. 409 period_closed when the record lies in a closed KPI year.
//	@ID				deleteActivity
//	@Tags			activities
//	@Security		BearerAuth
//	@Param			id	path	string	true	"activity id"
//	@Success		204
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse	"period_closed (scheduled_at or completed_at in a closed KPI year)"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id} [delete]
func (h *Handler) DeleteActivity(c *gin.Context) {
	if err := h.Activities.Delete(c.Request.Context(), actor(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// CreateCheckin godoc
//
//	@Summary		Check in at an activity's site
//	@Description	geofence is inside when the great-circle distance to the site is at most radius_m + accuracy_m, outside otherwise, unknown when the site has no coordinates; clock_skew_s is received − captured. The first arrive moves a planned activity to in_progress. Who: the owner officer, managers and admins, and a volunteer holding an active sign-up for a published outreach_event (403 without one; a volunteer's arrive records attendance and does not start the event). A volunteer's captured_at must lie within the event's check-in window, 1 h before scheduled_at to 1 h after event.ends_at: outside it, 422 validation_failed on captured_at saying when check-in opens or closed (office time zone), and nothing is stored; staff are not bound to the window. Client ids as for activities (201, 200 on replay, 409 id_conflict).
//	@ID				createCheckin
//	@Tags			check-ins
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"activity id"
//	@Param			body	body		CheckinRequest	true	"the check-in"
//	@Success		201		{object}	CheckinDTO
//	@Success		200		{object}	CheckinDTO	"replay of an earlier check-in"
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"id_conflict, or conflict (cancelled activity), or period_closed (a volunteer at an event of a closed KPI year; the arrival that would start a record of one)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"validation_failed, also a volunteer's check-in outside the event's window"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/checkins [post]
func (h *Handler) CreateCheckin(c *gin.Context) {
	var req CheckinRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	respond(c)(h.createCheckin(c.Request.Context(), actor(c), c.Param("id"), req))
}

func (h *Handler) createCheckin(ctx context.Context, act services.Actor, activityID string, req CheckinRequest) (int, any, error) {
	in, err := req.input()
	if err != nil {
		return 0, nil, err
	}
	ci, created, err := h.Activities.CheckIn(ctx, act, activityID, in)
	if err != nil {
		return 0, nil, err
	}
	return createdStatus(created), toCheckinDTO(ci), nil
}

// ListCheckins godoc
//
//	@Summary		The check-ins of an activity (staff)
//	@Description	Every check-in of the activity, oldest first, with geofence, distance and clock skew. Who: officers, managers and admins. Read-only.
//	@ID				listCheckins
//	@Tags			check-ins
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"activity id"
//	@Success		200	{object}	CheckinList
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/checkins [get]
func (h *Handler) ListCheckins(c *gin.Context) {
	list, err := h.Activities.Checkins(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, CheckinList{Items: mapSlice(list, toCheckinDTO)})
}

// respond writes what a (status, body, err) helper returned.
func respond(c *gin.Context) func(int, any, error) {
	return func(status int, body any, err error) {
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(status, body)
	}
}

// timeParam parses an optional RFC 3339 query value.
func timeParam(get func(string) string, name string) (*time.Time, error) {
	v := get(name)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil, services.BadRequest("%s must be an RFC 3339 time such as 2026-03-01T09:00:00+08:00", name)
	}
	return &t, nil
}

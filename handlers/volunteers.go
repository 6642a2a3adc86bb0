package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/models"
	"ethicsops/services"
)

// PublicEventDTO is what a volunteer sees of an event's places. Sign-ups are
// open on outreach_event only; free_places is 0 elsewhere.
type PublicEventDTO struct {
	Audience          string `json:"audience" example:"市民朋友" binding:"required"`
	VolunteerCapacity int    `json:"volunteer_capacity" example:"10" binding:"required"`
	SignupsCount      int    `json:"signups_count" example:"7" binding:"required"`
	FreePlaces        int    `json:"free_places" example:"3" binding:"required"`
}

// SignupDTO is a volunteer's place at an event.
type SignupDTO struct {
	ID          string     `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	ActivityID  string     `json:"activity_id" binding:"required" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	UserID      string     `json:"user_id" binding:"required" example:"0192f1c4-4d5e-7f6a-8b9c-0d1e2f3a4b5c"`
	Status      string     `json:"status" enums:"active,cancelled" binding:"required"`
	CreatedAt   time.Time  `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
	CancelledAt *time.Time `json:"cancelled_at" extensions:"x-nullable" binding:"required" example:"2026-11-20T18:30:00+08:00"`
}

// AttendanceDTO is what check-ins say of one volunteer at one event. hours
// is the part of arrive … depart that lies within the event (scheduled_at …
// event.ends_at), so never more than its length; open is true (hours null)
// while an arrive has no depart. The arrival is the first one on site, or
// the first one when none was. attendance_status: none (not arrived),
// confirmed (arrived on site: inside the geofence with a fix no worse than
// the site radius; or confirmed by a manager), unconfirmed (arrived off
// site, or at a site without coordinates: waits for a manager), rejected (a
// manager did not accept it). Only confirmed hours count;
// confirmed_hours and unconfirmed_hours split hours accordingly.
type AttendanceDTO struct {
	ArrivedAt        *time.Time `json:"arrived_at" extensions:"x-nullable" binding:"required" example:"2026-11-28T09:05:00+08:00"`
	DepartedAt       *time.Time `json:"departed_at" extensions:"x-nullable" binding:"required" example:"2026-11-28T12:10:00+08:00"`
	Open             bool       `json:"open" binding:"required" example:"false"`
	Hours            *float64   `json:"hours" example:"2.5" extensions:"x-nullable" binding:"required"`
	AttendanceStatus string     `json:"attendance_status" enums:"none,confirmed,unconfirmed,rejected" binding:"required"`
	OnSite           bool       `json:"on_site" binding:"required" example:"false"`
	ConfirmedHours   float64    `json:"confirmed_hours" example:"2.5" binding:"required"`
	UnconfirmedHours float64    `json:"unconfirmed_hours" example:"0" binding:"required"`
	// DecidedAt and DecisionReason are a manager's decision, if any.
	DecidedAt      *time.Time `json:"decided_at" extensions:"x-nullable" binding:"required" example:"2026-11-29T10:00:00+08:00"`
	DecisionReason string     `json:"decision_reason" example:"現場照片確認到場" binding:"required"`
}

// RosterEntryDTO is one volunteer on an event's roster.
type RosterEntryDTO struct {
	SignupID    string     `json:"signup_id" binding:"required" example:"0192f1c5-2b3c-7d4e-8f5a-6b7c8d9e0f1a"`
	UserID      string     `json:"user_id" binding:"required" example:"0192f1c4-4d5e-7f6a-8b9c-0d1e2f3a4b5c"`
	DisplayName string     `json:"display_name" example:"王志工" binding:"required"`
	Status      string     `json:"status" enums:"active,cancelled" binding:"required"`
	SignedUpAt  time.Time  `json:"signed_up_at" binding:"required" example:"2026-11-20T14:30:00+08:00"`
	CancelledAt *time.Time `json:"cancelled_at" extensions:"x-nullable" binding:"required" example:"2026-11-20T18:30:00+08:00"`
	// DecidedBy is the manager who confirmed or rejected the attendance.
	DecidedBy *string `json:"decided_by" extensions:"x-nullable" binding:"required" example:"0192f1c4-3e4f-7a5b-8c6d-7e8f9a0b1c2d"`
	AttendanceDTO
}

// RosterDTO is the sign-ups of an event (staff). confirmed_hours and
// unconfirmed_hours sum the active sign-ups' hours.
type RosterDTO struct {
	ActivityID        string           `json:"activity_id" binding:"required" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	ScheduledAt       time.Time        `json:"scheduled_at" binding:"required" example:"2026-11-28T09:00:00+08:00"`
	EndsAt            time.Time        `json:"ends_at" binding:"required" example:"2026-11-28T12:00:00+08:00"`
	VolunteerCapacity int              `json:"volunteer_capacity" example:"10" binding:"required"`
	SignupsCount      int              `json:"signups_count" example:"7" binding:"required"`
	FreePlaces        int              `json:"free_places" example:"3" binding:"required"`
	ConfirmedHours    float64          `json:"confirmed_hours" example:"17.5" binding:"required"`
	UnconfirmedHours  float64          `json:"unconfirmed_hours" example:"3" binding:"required"`
	Items             []RosterEntryDTO `json:"items" binding:"required"`
}

// AttendanceDecisionRequest is the optional body of a confirm or reject.
type AttendanceDecisionRequest struct {
	Reason string `json:"reason,omitempty" example:"現場照片確認到場"`
}

// ParticipationItemDTO is one of the caller's sign-ups. event_status tells
// whether the event is still on: planned, in_progress, completed,
// cancelled, unpublished (taken off the public list) or deleted.
type ParticipationItemDTO struct {
	SignupID     string     `json:"signup_id" binding:"required" example:"0192f1c5-2b3c-7d4e-8f5a-6b7c8d9e0f1a"`
	ActivityID   string     `json:"activity_id" binding:"required" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	Title        string     `json:"title" binding:"required" example:"廉政志工反賄選宣導活動"`
	Kind         string     `json:"kind" enums:"outreach_event,ethics_promotion" binding:"required"`
	ScheduledAt  time.Time  `json:"scheduled_at" binding:"required" example:"2026-11-28T09:00:00+08:00"`
	EndsAt       time.Time  `json:"ends_at" binding:"required" example:"2026-11-28T12:00:00+08:00"`
	SiteName     string     `json:"site_name" binding:"required" example:"嘉義市文化公園"`
	SiteAddress  string     `json:"site_address" binding:"required" example:"嘉義市東區中山路199號"`
	EventStatus  string     `json:"event_status" enums:"planned,in_progress,completed,cancelled,unpublished,deleted" binding:"required"`
	SignupStatus string     `json:"signup_status" enums:"active,cancelled" binding:"required"`
	SignedUpAt   time.Time  `json:"signed_up_at" binding:"required" example:"2026-11-20T14:30:00+08:00"`
	CancelledAt  *time.Time `json:"cancelled_at" extensions:"x-nullable" binding:"required" example:"2026-11-20T18:30:00+08:00"`
	AttendanceDTO
}

// ParticipationDTO is the caller's year as a volunteer: total_hours are the
// confirmed hours (those that count), unconfirmed_hours those waiting for a
// manager.
type ParticipationDTO struct {
	Year             int                    `json:"year" example:"2026" binding:"required"`
	Timezone         string                 `json:"timezone" example:"Asia/Taipei" binding:"required"`
	TotalHours       float64                `json:"total_hours" example:"12.5" binding:"required"`
	UnconfirmedHours float64                `json:"unconfirmed_hours" example:"3" binding:"required"`
	Items            []ParticipationItemDTO `json:"items" binding:"required"`
}

// VolunteerDTO is a volunteer with their year's attendance (managers).
type VolunteerDTO struct {
	ID             string     `json:"id" binding:"required" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	Username       string     `json:"username" binding:"required" example:"volunteer.wang"`
	DisplayName    string     `json:"display_name" example:"王志工" binding:"required"`
	Status         string     `json:"status" enums:"active,pending,disabled,rejected" binding:"required"`
	Phone          string     `json:"phone" example:"0912-345-678" binding:"required"`
	Email          string     `json:"email" example:"wang@example.org" binding:"required"`
	CreatedAt      time.Time  `json:"created_at" binding:"required" example:"2026-11-20T14:00:00+08:00"`
	ApprovedAt     *time.Time `json:"approved_at" extensions:"x-nullable" binding:"required" example:"2026-03-02T10:15:00+08:00"`
	Year           int        `json:"year" example:"2026" binding:"required"`
	EventsAttended int        `json:"events_attended" example:"4" binding:"required"`
	Hours          float64    `json:"hours" example:"11.25" binding:"required"`
	// UnconfirmedHours wait for a manager; they are not in hours.
	UnconfirmedHours float64 `json:"unconfirmed_hours" example:"2" binding:"required"`
	// RejectionReason is why the application was rejected ("" unless
	// status is rejected).
	RejectionReason string `json:"rejection_reason" example:"本年度志工名額已滿，歡迎明年再報名" binding:"required"`
}

// VolunteerList is a page of volunteers.
type VolunteerList struct {
	Items      []VolunteerDTO `json:"items" binding:"required"`
	NextCursor string         `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

func toAttendanceDTO(a services.Attendance, sg models.Signup) AttendanceDTO {
	dto := AttendanceDTO{ArrivedAt: a.ArrivedAt, DepartedAt: a.DepartedAt, Open: a.Open(), Hours: a.Hours, AttendanceStatus: a.Status,
		OnSite: a.OnSite, ConfirmedHours: a.ConfirmedHours(), UnconfirmedHours: a.UnconfirmedHours()}
	if dto.AttendanceStatus == "" {
		dto.AttendanceStatus = "none"
	}
	if sg.Decision != "" {
		dto.DecidedAt, dto.DecisionReason = sg.DecidedAt, sg.DecisionReason
	}
	return dto
}

func toRosterEntryDTO(e services.RosterEntry) RosterEntryDTO {
	return RosterEntryDTO{SignupID: e.Signup.ID, UserID: e.Signup.UserID, DisplayName: e.DisplayName, Status: e.Signup.Status,
		SignedUpAt: e.Signup.CreatedAt, CancelledAt: e.Signup.CancelledAt, DecidedBy: e.Signup.DecidedBy,
		AttendanceDTO: toAttendanceDTO(e.Attendance, e.Signup)}
}

func toSignupDTO(s models.Signup) SignupDTO {
	return SignupDTO{ID: s.ID, ActivityID: s.ActivityID, UserID: s.UserID, Status: s.Status, CreatedAt: s.CreatedAt, CancelledAt: s.CancelledAt}
}

// SignUp godoc
//
//	@Summary		Sign up for an outreach event (approved volunteer)
//	@Description	201 the first time, 200 with the same sign-up when already signed up. Never more active sign-ups than event.volunteer_capacity, also under concurrent requests on several servers (409 capacity_full). 409 conflict when the event is not an outreach_event, is cancelled, or has started (scheduled_at passed, or in_progress/completed). 404 for an event that is not published or does not exist. Who: approved volunteers. Idempotent: signing up again answers 200 with the same sign-up.
//	@ID				signUp
//	@Tags			volunteers
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"activity id"
//	@Success		201	{object}	SignupDTO
//	@Success		200	{object}	SignupDTO	"already signed up"
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse	"capacity_full, or conflict"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/signups [post]
func (h *Handler) SignUp(c *gin.Context) {
	s, created, err := h.Volunteers.SignUp(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(createdStatus(created), toSignupDTO(s))
}

// CancelSignup godoc
//
//	@Summary		Cancel one's sign-up (approved volunteer)
//	@Description	Idempotent: 204 also when there is no active sign-up. 409 conflict once the event has started, or once the volunteer has checked in (arrived) at it. Who: approved volunteers, for their own sign-up.
//	@ID				cancelSignup
//	@Tags			volunteers
//	@Security		BearerAuth
//	@Param			id	path	string	true	"activity id"
//	@Success		204
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse	"conflict: the event has started"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/signups/me [delete]
func (h *Handler) CancelSignup(c *gin.Context) {
	if err := h.Volunteers.Cancel(c.Request.Context(), actor(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// ListSignups godoc
//
//	@Summary		The volunteers' roster of an event (staff)
//	@Description	Active and cancelled sign-ups with names, attendance and hours. hours is the overlap of the volunteer's stay with the event (scheduled_at … event.ends_at); attendance_status says whether they count (confirmed), wait for a manager (unconfirmed: arrived outside the geofence, with a fix less accurate than the site radius, or at a site without coordinates) or were rejected. confirmed_hours and unconfirmed_hours sum the active sign-ups. Who: officers, managers and admins. Read-only.
//	@ID				listSignups
//	@Tags			volunteers
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"activity id"
//	@Success		200	{object}	RosterDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/signups [get]
func (h *Handler) ListSignups(c *gin.Context) {
	r, err := h.Volunteers.Roster(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := RosterDTO{ActivityID: r.Activity.ID, ScheduledAt: r.Activity.ScheduledAt, EndsAt: models.EventEnd(r.Activity),
		VolunteerCapacity: r.Activity.VolunteerCapacity, SignupsCount: r.Places.SignedUp, FreePlaces: r.Places.Free(r.Activity),
		ConfirmedHours: r.ConfirmedHours, UnconfirmedHours: r.UnconfirmedHours, Items: mapSlice(r.Entries, toRosterEntryDTO)}
	c.JSON(http.StatusOK, out)
}

// MyParticipation godoc
//
//	@Summary		The caller's sign-ups, attendance and hours in a year (volunteer)
//	@Description	Sign-ups for events scheduled in the year (office time zone), also cancelled ones and those of events since cancelled, unpublished or deleted (event_status says so). Each item shows its attendance_status and hours; total_hours sums the confirmed hours (the ones that count) and unconfirmed_hours those waiting for a manager, of active sign-ups at events not deleted. Who: volunteers. Read-only.
//	@ID				myParticipation
//	@Tags			volunteers
//	@Produce		json
//	@Security		BearerAuth
//	@Param			year	query		int	false	"calendar year (default this year)"
//	@Success		200		{object}	ParticipationDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"a time or year out of bounds (before 1912, or too far ahead)"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/volunteers/me/participation [get]
func (h *Handler) MyParticipation(c *gin.Context) {
	get, err := query(c, "year")
	if err != nil {
		fail(c, err)
		return
	}
	year, err := intParam(get, "year")
	if err != nil {
		fail(c, err)
		return
	}
	p, err := h.Volunteers.Participation(c.Request.Context(), actor(c), year)
	if err != nil {
		fail(c, err)
		return
	}
	out := ParticipationDTO{Year: p.Year, Timezone: p.Timezone, TotalHours: p.TotalHours, UnconfirmedHours: p.UnconfirmedHours,
		Items: make([]ParticipationItemDTO, len(p.Entries))}
	for i, e := range p.Entries {
		out.Items[i] = ParticipationItemDTO{SignupID: e.Signup.ID, ActivityID: e.Activity.ID, Title: e.Activity.Title, Kind: e.Activity.Kind,
			ScheduledAt: e.Activity.ScheduledAt, EndsAt: models.EventEnd(e.Activity), SiteName: e.Activity.SiteName, SiteAddress: e.Activity.SiteAddress,
			EventStatus: services.EventState(e.Activity), SignupStatus: e.Signup.Status, SignedUpAt: e.Signup.CreatedAt,
			CancelledAt: e.Signup.CancelledAt, AttendanceDTO: toAttendanceDTO(e.Attendance, e.Signup)}
	}
	c.JSON(http.StatusOK, out)
}

// ListVolunteers godoc
//
//	@Summary		List volunteers with their yearly hours (manager, admin)
//	@Description	Oldest registration first. hours and events_attended count confirmed attendance at events scheduled in year (office time zone); unconfirmed_hours wait for a manager. Who: managers and admins; status=pending lists the volunteers waiting for approval. Read-only.
//	@ID				listVolunteers
//	@Tags			volunteers
//	@Produce		json
//	@Security		BearerAuth
//	@Param			status	query		string	false	"account status"	Enums(pending,active,disabled,rejected)
//	@Param			year	query		int		false	"year of the hours (default this year)"
//	@Param			limit	query		int		false	"page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	VolunteerList
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"a time or year out of bounds (before 1912, or too far ahead)"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/volunteers [get]
func (h *Handler) ListVolunteers(c *gin.Context) {
	get, limit, err := listQuery(c, "status", "year")
	if err != nil {
		fail(c, err)
		return
	}
	f := services.VolunteerFilter{Status: get("status"), Cursor: get("cursor"), Limit: limit}
	if f.Year, err = intParam(get, "year"); err != nil {
		fail(c, err)
		return
	}
	page, err := h.Volunteers.List(c.Request.Context(), actor(c), f)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, VolunteerList{NextCursor: page.NextCursor, Items: mapSlice(page.Items, func(v services.VolunteerSummary) VolunteerDTO {
		u := v.User
		return VolunteerDTO{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Status: u.Status, Phone: u.Phone, Email: u.Email,
			CreatedAt: u.CreatedAt, ApprovedAt: u.ApprovedAt, Year: v.Year, EventsAttended: v.Total.Events, Hours: v.Total.Hours,
			UnconfirmedHours: v.Total.UnconfirmedHours, RejectionReason: u.RejectionReason}
	})})
}

// ConfirmAttendance godoc
//
//	@Summary		Confirm a volunteer's hours at an event (manager, admin)
//	@Description	The attendance counts from then on (participation totals, rosters, the volunteers list, the KPI report's volunteer line), wherever the volunteer arrived. Audited (attendance.confirm). Idempotent: confirming a confirmed attendance changes nothing. A rejected attendance may be confirmed. The body is optional. Who: managers and admins.
//	@ID				confirmAttendance
//	@Tags			volunteers
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string						true	"activity id"
//	@Param			user_id	path		string						true	"the volunteer's user id"
//	@Param			body	body		AttendanceDecisionRequest	false	"optional reason"
//	@Success		200		{object}	RosterEntryDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse	"no such event, or the user has no sign-up for it"
//	@Failure		409		{object}	ErrorResponse	"conflict: the volunteer has not arrived; period_closed: the event's KPI year is closed"
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/attendance/{user_id}/confirm [post]
func (h *Handler) ConfirmAttendance(c *gin.Context) {
	h.decideAttendance(c, h.Volunteers.ConfirmAttendance)
}

// RejectAttendance godoc
//
//	@Summary		Reject a volunteer's hours at an event (manager, admin)
//	@Description	The attendance never counts, even if the volunteer arrived on site; it stays on the roster as rejected. Audited (attendance.reject). Idempotent: rejecting a rejected attendance changes nothing. A confirmed attendance may be rejected. The body is optional. Who: managers and admins.
//	@ID				rejectAttendance
//	@Tags			volunteers
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string						true	"activity id"
//	@Param			user_id	path		string						true	"the volunteer's user id"
//	@Param			body	body		AttendanceDecisionRequest	false	"optional reason"
//	@Success		200		{object}	RosterEntryDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse	"no such event, or the user has no sign-up for it"
//	@Failure		409		{object}	ErrorResponse	"conflict: the volunteer has not arrived; period_closed: the event's KPI year is closed"
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/attendance/{user_id}/reject [post]
func (h *Handler) RejectAttendance(c *gin.Context) {
	h.decideAttendance(c, h.Volunteers.RejectAttendance)
}

type attendanceDecision func(ctx context.Context, actor services.Actor, activityID, userID, reason string) (services.RosterEntry, bool, error)

// decideAttendance binds the optional body and calls decide.
func (h *Handler) decideAttendance(c *gin.Context, decide attendanceDecision) {
	var req AttendanceDecisionRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			fail(c, err)
			return
		}
	}
	e, _, err := decide(c.Request.Context(), actor(c), c.Param("id"), c.Param("user_id"), req.Reason)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toRosterEntryDTO(e))
}

package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// ListUsers godoc
//
//	@Summary		List accounts
//	@Description	Accounts, filtered by role and status. Who: admins (managers list volunteers, pending ones included, with GET /api/v1/volunteers). Read-only.
//	@ID				listUsers
//	@Tags			users
//	@Produce		json
//	@Security		BearerAuth
//	@Param			role	query		string	false	"filter by role"	Enums(admin,manager,officer,volunteer)
//	@Param			status	query		string	false	"filter by status"	Enums(active,pending,disabled,rejected)
//	@Param			limit	query		int		false	"page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	UserList
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/users [get]
func (h *Handler) ListUsers(c *gin.Context) {
	get, limit, err := listQuery(c, "role", "status")
	if err != nil {
		fail(c, err)
		return
	}
	page, err := h.Users.List(c.Request.Context(), actor(c), services.UserFilter{Role: get("role"), Status: get("status"), Limit: limit, Cursor: get("cursor")})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, UserList{Items: mapSlice(page.Items, toUserDTO), NextCursor: page.NextCursor})
}

// CreateUser godoc
//
//	@Summary		Create an account
//	@Description	Creates an active account of any role; the username is unique (409 conflict). Who: admins. Not idempotent.
//	@ID				createUser
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateUserRequest	true	"the account"
//	@Success		201		{object}	UserDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"username taken"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"invalid: username not 3–64 characters of a–z, 0–9, '.', '_', '-' (starting with a letter or digit), password not 12–72 bytes, display name over 100 characters, or another field"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached, or too many passwords are being checked at once; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/users [post]
func (h *Handler) CreateUser(c *gin.Context) {
	var req CreateUserRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	u, err := h.Users.Create(c.Request.Context(), actor(c), services.NewUser{
		Username: req.Username, Password: req.Password, DisplayName: req.DisplayName, Role: req.Role,
		Status: req.Status, UnitID: req.UnitID, Phone: req.Phone, Email: req.Email,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toUserDTO(u))
}

// UpdateUser godoc
//
//	@Summary		Change an account (role, unit, status, password…)
//	@Description	Changes the fields sent; a role or status change takes effect on the account's next request. Who: admins. Idempotent: the same patch again changes nothing more.
//	@ID				updateUser
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"user id"
//	@Param			body	body		PatchUserRequest	true	"fields to change"
//	@Success		200		{object}	UserDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"invalid: a new password not 12–72 bytes (a password set before stays valid), display name over 100 characters, report_handler on an account that is not an officer or a manager, or another field"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached, or too many passwords are being checked at once; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/users/{id} [patch]
func (h *Handler) UpdateUser(c *gin.Context) {
	var req PatchUserRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	u, err := h.Users.Update(c.Request.Context(), actor(c), c.Param("id"), services.UserPatch{
		DisplayName: req.DisplayName, Role: req.Role, Status: req.Status, UnitID: req.UnitID,
		Password: req.Password, Phone: req.Phone, Email: req.Email, ReportHandler: req.ReportHandler,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserDTO(u))
}

// ApproveUser godoc
//
//	@Summary		Approve a pending volunteer
//	@Description	Makes a pending volunteer active. Who: managers and admins. Approving an account that is not pending is a 409 and changes nothing.
//	@ID				approveUser
//	@Tags			users
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"user id"
//	@Success		200	{object}	UserDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		404	{object}	ErrorResponse
//	@Failure		409	{object}	ErrorResponse	"not a volunteer, disabled, or rejected (an admin sets a rejected application back to pending with PATCH /users/{id} first)"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/users/{id}/approve [post]
func (h *Handler) ApproveUser(c *gin.Context) {
	u, err := h.Users.Approve(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserDTO(u))
}

// RejectUserRequest gives the reason for rejecting a volunteer application.
type RejectUserRequest struct {
	// Reason is shown to the applicant when they sign in: 1–500
	// characters, line breaks allowed.
	Reason string `json:"reason" example:"本年度志工名額已滿，歡迎明年再報名" maxLength:"500" binding:"required"`
}

// RejectUser godoc
//
//	@Summary		Reject a pending volunteer application
//	@Description	Sets a pending volunteer's status to rejected with the reason (required, 1–500 characters), and ends the applicant's sessions. From then on their sign-in with the right password answers 403 account_rejected with the reason in error.reason (and in error.message) and no tokens; a wrong password stays 401 unauthenticated. Rejecting a rejected application again answers 200 and keeps the first reason. An approved (active) or disabled account is 409. Approving a rejected application is 409 until an admin sets it back to pending with PATCH /users/{id}. Audited as volunteer.reject. Who: managers and admins.
//	@ID				rejectUser
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"user id"
//	@Param			body	body		RejectUserRequest	true	"why"
//	@Success		200		{object}	UserDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"not a volunteer, or not pending (active or disabled)"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"reason"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/users/{id}/reject [post]
func (h *Handler) RejectUser(c *gin.Context) {
	var req RejectUserRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	u, err := h.Users.Reject(c.Request.Context(), actor(c), c.Param("id"), req.Reason)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserDTO(u))
}

// RegisterVolunteer godoc
//
//	@Summary		Register as an integrity volunteer (廉政志工)
//	@Description	The account is pending until a manager approves it. Throttled per client address. Who: anyone, without signing in. At most ETHICSOPS_REGISTER_PER_HOUR registrations (default 10) per client address per hour, then 429 with Retry-After. Not idempotent: the same username again is 409 conflict.
//	@ID				registerVolunteer
//	@Tags			volunteers
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RegisterRequest	true	"the volunteer"
//	@Success		201		{object}	UserDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"username taken"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"invalid: username not 3–64 characters of a–z, 0–9, '.', '_', '-' (starting with a letter or digit), password not 12–72 bytes, display name over 100 characters, or another field"
//	@Failure		429		{object}	ErrorResponse	"too many registrations from this address; see Retry-After"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached, or too many passwords are being checked at once; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Header			429		{integer}	Retry-After		"seconds until the throttle lets this address or account try again"
//	@Router			/api/v1/volunteers/register [post]
func (h *Handler) RegisterVolunteer(c *gin.Context) {
	var req RegisterRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	u, err := h.Users.Register(c.Request.Context(), c.ClientIP(), services.Registration{
		Username: req.Username, Password: req.Password, DisplayName: req.DisplayName, Phone: req.Phone, Email: req.Email,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toUserDTO(u))
}

package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Login godoc
//
//	@Summary		Sign in
//	@Description	Each attempt is counted before its password is compared, per account and client address: 5 failures in 15 minutes lock that account from that address for 15 minutes (other addresses are not affected). Above 50 failures an hour on one account from all addresses together, every address gets one attempt per interval (1 s, doubling, at most 5 minutes) and 429 with Retry-After in between. A username no account can have (not 3–64 characters of a–z, 0–9, ".", "_", "-") is a plain 401 with nothing stored. Anyone may call it. Not idempotent: each success opens a new session.
//	@ID				login
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"credentials"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse	"wrong username or password, a name no account can have, or a disabled account"
//	@Failure		403		{object}	ErrorResponse	"account_rejected: the right password of a rejected volunteer application; error.reason is the manager's reason, and no tokens are issued"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		429		{object}	ErrorResponse	"locked for this address after 5 failures, or the account slowed down above 50 failures an hour; see Retry-After"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached, or too many passwords are being checked at once; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Header			429		{integer}	Retry-After		"seconds until the throttle lets this address or account try again"
//	@Router			/api/v1/auth/login [post]
func (h *Handler) Login(c *gin.Context) {
	var req LoginRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	pair, u, err := h.Auth.Login(c.Request.Context(), c.ClientIP(), req.Username, req.Password)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toTokenResponse(pair, u))
}

// Refresh godoc
//
//	@Summary		Exchange a refresh token for a new pair
//	@Description	The old refresh token is spent. Presenting a spent token again ends its whole session (family): its refresh tokens are refused and its access tokens answer 401 from the next request. A token of an ended session (sign-out, password, role or status change) is refused. Who: anyone holding a refresh token (no access token needed). Not idempotent: each success spends the token it was given.
//	@ID				refresh
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RefreshRequest	true	"refresh token"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/auth/refresh [post]
func (h *Handler) Refresh(c *gin.Context) {
	var req RefreshRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	pair, u, err := h.Auth.Refresh(c.Request.Context(), req.RefreshToken)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toTokenResponse(pair, u))
}

// Logout godoc
//
//	@Summary		Sign out: end the refresh token's session
//	@Description	Ends the session (refresh token family) of the refresh token sent: its refresh tokens are refused and its access tokens answer 401 from the next request. The caller's other sessions (other devices) go on. Who: any signed-in caller. Idempotent: signing out an already ended session answers 204 too.
//	@ID				logout
//	@Tags			auth
//	@Accept			json
//	@Security		BearerAuth
//	@Param			body	body	RefreshRequest	true	"refresh token"
//	@Success		204
//	@Failure		400	{object}	ErrorResponse
//	@Failure		401	{object}	ErrorResponse
//	@Failure		413	{object}	ErrorResponse
//	@Failure		415	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/auth/logout [post]
func (h *Handler) Logout(c *gin.Context) {
	var req RefreshRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := h.Auth.Logout(c.Request.Context(), actor(c), req.RefreshToken); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// LogoutAll godoc
//
//	@Summary		Sign out everywhere
//	@Description	Ends every session of the caller at once, this one included: every access token of the account answers 401 from its next request and every refresh token is refused. Recorded in the audit trail as auth.logout_all. Who: any signed-in caller. Idempotent in effect: a second call finds no session left (its own token is already refused).
//	@ID				logoutAll
//	@Tags			auth
//	@Security		BearerAuth
//	@Success		204
//	@Failure		401	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/auth/logout-all [post]
func (h *Handler) LogoutAll(c *gin.Context) {
	if err := h.Auth.LogoutAll(c.Request.Context(), actor(c)); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// ChangePassword godoc
//
//	@Summary		Change one's own password
//	@Description	Any signed-in account, pending volunteers too. A wrong current_password is a 422 naming it; after 5 wrong ones the session that sent them ends (401). On success every session of the account ends, this one included: sign in again with the new password. Recorded as user.password_change. Not idempotent: the second call has no session left.
//	@ID				changePassword
//	@Tags			me
//	@Accept			json
//	@Security		BearerAuth
//	@Param			body	body	PasswordChangeRequest	true	"current and new password"
//	@Success		204
//	@Failure		400	{object}	ErrorResponse
//	@Failure		401	{object}	ErrorResponse
//	@Failure		413	{object}	ErrorResponse
//	@Failure		415	{object}	ErrorResponse
//	@Failure		422	{object}	ErrorResponse	"current_password wrong, or new_password not 12–72 bytes"
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/me/password [post]
func (h *Handler) ChangePassword(c *gin.Context) {
	var req PasswordChangeRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := h.Users.ChangePassword(c.Request.Context(), actor(c), req.CurrentPassword, req.NewPassword); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Me godoc
//
//	@Summary		The signed-in caller
//	@Description	Works for pending volunteers too, so that they can see their approval status. Who: every signed-in account. Read-only.
//	@ID				me
//	@Tags			me
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	UserDTO
//	@Failure		401	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/me [get]
func (h *Handler) Me(c *gin.Context) {
	u, err := h.Users.Get(c.Request.Context(), actor(c).UserID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserDTO(u))
}

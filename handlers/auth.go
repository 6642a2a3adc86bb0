package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Login godoc
//
//	@Summary	Sign in
//	@ID			login
//	@Tags		auth
//	@Accept		json
//	@Produce	json
//	@Param		body	body		LoginRequest	true	"credentials"
//	@Success	200		{object}	TokenResponse
//	@Failure	400		{object}	ErrorResponse
//	@Failure	401		{object}	ErrorResponse
//	@Failure	413		{object}	ErrorResponse
//	@Failure	415		{object}	ErrorResponse
//	@Failure	429		{object}	ErrorResponse	"locked after 5 failures; see Retry-After"
//	@Failure	503		{object}	ErrorResponse	"too many passwords being checked at once; see Retry-After"
//	@Router		/api/v1/auth/login [post]
func (h *Handler) Login(c *gin.Context) {
	var req LoginRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	pair, u, err := h.Auth.Login(c.Request.Context(), req.Username, req.Password)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toTokenResponse(pair, u))
}

// Refresh godoc
//
//	@Summary		Exchange a refresh token for a new pair
//	@Description	The old refresh token is spent. Presenting a spent token again revokes its whole family.
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
//	@Summary	Sign out: revoke the refresh token's family
//	@ID			logout
//	@Tags		auth
//	@Accept		json
//	@Security	BearerAuth
//	@Param		body	body	RefreshRequest	true	"refresh token"
//	@Success	204
//	@Failure	400	{object}	ErrorResponse
//	@Failure	401	{object}	ErrorResponse
//	@Failure	413	{object}	ErrorResponse
//	@Failure	415	{object}	ErrorResponse
//	@Router		/api/v1/auth/logout [post]
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

// Me godoc
//
//	@Summary		The signed-in caller
//	@Description	Works for pending volunteers too, so that they can see their approval status.
//	@ID				me
//	@Tags			auth
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	UserDTO
//	@Failure		401	{object}	ErrorResponse
//	@Router			/api/v1/me [get]
func (h *Handler) Me(c *gin.Context) {
	u, err := h.Users.Get(c.Request.Context(), actor(c).UserID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserDTO(u))
}

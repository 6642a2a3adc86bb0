package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// ReviewActivity godoc
//
//	@Summary		Review a completed record (核閱; manager, admin)
//	@Description	decision approved keeps the record completed (review_status approved); returned sends it back to its owner: status in_progress, completed_at cleared, so its KPI count is removed until the owner completes it again (then review_status is pending again), review_status returned and review_comment kept for the owner. comment: at most 500 characters, required (not blank) when returning. Send the version you read: a stale one is 409 version_conflict. Only a completed record can be reviewed: anything else is 409 conflict. A record in a closed KPI year is 409 period_closed (the review changes that year's reviewed count, or its actual count when returning). Audited as activity.review_approved or activity.review_returned. Who: managers and admins; officers get 403, volunteers 404. An approved record may be reviewed again while it stays completed.
//	@ID				reviewActivity
//	@Tags			activities
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"activity id"
//	@Param			body	body		ReviewRequest	true	"the decision"
//	@Success		200		{object}	ActivityDTO
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse
//	@Failure		404		{object}	ErrorResponse
//	@Failure		409		{object}	ErrorResponse	"version_conflict; conflict (not completed); period_closed"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"decision, comment or version"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/activities/{id}/review [post]
func (h *Handler) ReviewActivity(c *gin.Context) {
	var req ReviewRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	a, err := h.Activities.Review(c.Request.Context(), actor(c), c.Param("id"),
		services.ReviewInput{Decision: req.Decision, Comment: req.Comment, Version: req.Version})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toActivityDTO(a))
}

package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
)

// MaxSyncOperations caps one sync batch; a phone with more sends several.
const MaxSyncOperations = 100

// Sync operation names.
const (
	OpCreateActivity = "create_activity"
	OpUpdateActivity = "update_activity"
	OpCreateCheckin  = "create_checkin"
)

// SyncRequest is what a phone queued offline, in the order it happened.
type SyncRequest struct {
	Operations []SyncOperation `json:"operations" binding:"required"`
}

// SyncOperation is one queued call. body is the request of the single
// endpoint: CreateActivityRequest, PatchActivityRequest or CheckinRequest.
// id names the activity of update_activity; activity_id that of create_checkin.
type SyncOperation struct {
	Op         string          `json:"op" enums:"create_activity,update_activity,create_checkin" binding:"required"`
	ID         string          `json:"id,omitempty" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d"`
	ActivityID string          `json:"activity_id,omitempty" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	Body       json.RawMessage `json:"body" swaggertype:"object" binding:"required"`
}

// SyncResult answers one operation with the status and body the single
// endpoint would have given (an ActivityDTO, a CheckinDTO or an ErrorResponse).
type SyncResult struct {
	Index  int    `json:"index" binding:"required" example:"0"`
	Op     string `json:"op" binding:"required" example:"create_activity"` // echoed as sent, even when it is not a known op
	Status int    `json:"status" example:"201" binding:"required"`
	Body   any    `json:"body" swaggertype:"object" binding:"required"`
}

// SyncResponse answers every operation, in order.
type SyncResponse struct {
	Results []SyncResult `json:"results" binding:"required"`
}

// Sync godoc
//
//	@Summary		Apply operations queued offline
//	@Description	Each operation runs on its own, in order, and is answered with its own status and body (as the single endpoint would: create_activity → POST /activities, update_activity → PATCH /activities/{id}, create_checkin → POST /activities/{activity_id}/checkins). A failed operation does not undo the others. Creates carry client ids and updates a version, so replaying a whole batch changes nothing (creates answer 200, unchanged updates 200). At most 100 operations per batch. A 422 names its fields by their path in this request: operations[3].body.site.lat for the body, operations[3].id or operations[3].activity_id for the operation's own fields. Who: every active account; each operation is allowed exactly as its own endpoint would allow it. Resending a batch is safe: creates carry client ids, and a patch that changes nothing answers 200.
//	@ID				sync
//	@Tags			sync
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		SyncRequest	true	"the queued operations"
//	@Success		200		{object}	SyncResponse
//	@Failure		400		{object}	ErrorResponse
//	@Failure		401		{object}	ErrorResponse
//	@Failure		403		{object}	ErrorResponse	"account waiting for approval"
//	@Failure		413		{object}	ErrorResponse
//	@Failure		415		{object}	ErrorResponse
//	@Failure		422		{object}	ErrorResponse	"no operations, or more than 100"
//	@Failure		500		{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503		{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503		{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/sync [post]
func (h *Handler) Sync(c *gin.Context) {
	var req SyncRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if len(req.Operations) == 0 || len(req.Operations) > MaxSyncOperations {
		fail(c, services.Invalid("operations", "send 1 to 100 operations"))
		return
	}
	ctx, act := c.Request.Context(), actor(c)
	out := SyncResponse{Results: make([]SyncResult, len(req.Operations))}
	for i, op := range req.Operations {
		var (
			status int
			body   any
			err    error
		)
		// Fields are named by their path in the sync request: the
		// operation's own (operations[3].activity_id) or its body's
		// (operations[3].body.site.lat), whether decoding or a service
		// found the problem.
		opPath := fmt.Sprintf("operations[%d].", i)
		bodyPath := opPath + "body."
		switch op.Op {
		case OpCreateActivity:
			var r CreateActivityRequest
			if err = decodeStrict(op.Body, &r, opPath); err == nil {
				status, body, err = h.createActivity(ctx, act, r)
				err = within(bodyPath, err)
			}
		case OpUpdateActivity:
			var r PatchActivityRequest
			if op.ID == "" {
				err = services.Invalid(opPath+"id", "required: the activity to change")
			} else if err = decodeStrict(op.Body, &r, opPath); err == nil {
				status, body, err = h.updateActivity(ctx, act, op.ID, r)
				err = within(bodyPath, err)
			}
		case OpCreateCheckin:
			var r CheckinRequest
			if op.ActivityID == "" {
				err = services.Invalid(opPath+"activity_id", "required: the activity to check in at")
			} else if err = decodeStrict(op.Body, &r, opPath); err == nil {
				status, body, err = h.createCheckin(ctx, act, op.ActivityID, r)
				err = within(bodyPath, err)
			}
		default:
			err = services.Invalid(opPath+"op", "must be create_activity, update_activity or create_checkin")
		}
		if err != nil {
			status, body = h.describe(c, err)
		}
		out.Results[i] = SyncResult{Index: i, Op: op.Op, Status: status, Body: body}
	}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) describe(c *gin.Context, err error) (int, ErrorResponse) {
	if h.Describe != nil {
		return h.Describe(c, err)
	}
	return http.StatusInternalServerError, ErrorResponse{Error: ErrorBody{Code: services.CodeInternal, Message: "internal error"}}
}

// decodeStrict decodes one operation's body as bindJSON does a request's;
// fields are named under opPath (operations[3].).
func decodeStrict(raw json.RawMessage, dst any, opPath string) error {
	if len(raw) == 0 {
		return services.Invalid(opPath+"body", "required")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return within(opPath+"body.", decodeError(err, raw, dst))
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return services.BadRequest("the body must hold one JSON value")
	}
	return nil
}

// within names the fields of a validation error as paths under prefix; any
// other error is returned as it is.
func within(prefix string, err error) error {
	e, ok := services.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		out.Fields[prefix+k] = v
	}
	return &out
}

package handlers

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/models"
	"ethicsops/services"
)

// AuditEventDTO is one entry of the audit trail. seq, prev_hash and hash are
// set by the sealer shortly after the change commits: seq is null (and the
// hashes empty) until then.
type AuditEventDTO struct {
	ID         string          `json:"id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
	Seq        *int64          `json:"seq" example:"42" extensions:"x-nullable" binding:"required"` // position in the chain, in the order of sealing; null until sealed
	At         time.Time       `json:"at" binding:"required" example:"2026-11-28T09:05:12+08:00"`   // when the change was made
	ActorID    string          `json:"actor_id" binding:"required" example:"0192f1c4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"`
	ActorRole  string          `json:"actor_role" example:"admin" binding:"required"`
	Action     string          `json:"action" example:"user.update" binding:"required"`
	EntityType string          `json:"entity_type" example:"user" binding:"required"`
	EntityID   string          `json:"entity_id" binding:"required" example:"0192f1c4-8b2a-7c4d-9e5f-3a6b7c8d9e0f"`
	RequestID  string          `json:"request_id" binding:"required" example:"8c1f3a9e2b7d4c60"`
	Before     json.RawMessage `json:"before" swaggertype:"object" extensions:"x-nullable" binding:"required"`                                  // the changed fields before (null when none)
	After      json.RawMessage `json:"after" swaggertype:"object" extensions:"x-nullable" binding:"required"`                                   // the changed fields after (null when none)
	Hash       string          `json:"hash" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" binding:"required"`      // SHA-256 (hex) of the event, seq and prev_hash; "" until sealed
	PrevHash   string          `json:"prev_hash" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"` // hash of the event of seq-1 ("" for seq 1)
}

func toAuditEventDTO(ev models.AuditEvent) AuditEventDTO {
	return AuditEventDTO{
		ID: ev.ID, Seq: ev.Seq, At: ev.At, ActorID: ev.ActorID, ActorRole: ev.ActorRole, Action: ev.Action,
		EntityType: ev.EntityType, EntityID: ev.EntityID, RequestID: ev.RequestID,
		Before: rawJSON(ev.Before), After: rawJSON(ev.After), Hash: ev.Hash, PrevHash: ev.PrevHash,
	}
}

// rawJSON passes stored JSON through as an object; nothing stored (or, never
// expected, text that is not JSON) is null.
func rawJSON(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// AuditEventList is a page of audit events, newest first.
type AuditEventList struct {
	Items      []AuditEventDTO `json:"items" binding:"required"`
	NextCursor string          `json:"next_cursor" binding:"required" example:"eyJ0IjoiMjAyNi0xMS0yOFQwMTowMDowMFoiLCJpZCI6IjAxOTIifQ"`
}

// AuditVerifyResponse is the outcome of walking the audit chain.
type AuditVerifyResponse struct {
	OK       bool             `json:"ok" binding:"required" example:"true"`
	Sealed   int64            `json:"sealed" example:"1234" binding:"required"`
	Unsealed int64            `json:"unsealed" example:"2" binding:"required"`
	TailSeq  int64            `json:"tail_seq" example:"1234" binding:"required"`
	TailHash string           `json:"tail_hash" binding:"required" example:"9f2c4e1a7b3d5f60812a4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b"`
	Broken   *AuditBrokenLink `json:"broken" extensions:"x-nullable" binding:"required"`
}

// AuditBrokenLink is the first place where the chain does not hold.
type AuditBrokenLink struct {
	Seq     int64  `json:"seq" example:"17" binding:"required"`
	EventID string `json:"event_id" binding:"required" example:"0192f1c5-3c4d-7e5f-8a6b-7c8d9e0f1a2b"`
	Reason  string `json:"reason" enums:"hash_mismatch,prev_hash_mismatch,seq_gap,tail_mismatch" binding:"required"`
	Detail  string `json:"detail" binding:"required" example:"stored hash differs from the recomputed one"`
}

// ListAuditEvents godoc
//
//	@Summary		List the audit trail
//	@Description	Newest first. Every create, update, delete, check-in, upload, sign-in and role change, with who, when, the request id and the changed fields before and after. Who: admins. Read-only.
//	@ID				listAuditEvents
//	@Tags			audit
//	@Produce		json
//	@Security		BearerAuth
//	@Param			actor_id	query		string	false	"who acted (user id)"
//	@Param			action		query		string	false	"e.g. user.update, auth.login"
//	@Param			entity_type	query		string	false	"e.g. user, activity"
//	@Param			entity_id	query		string	false	"the id of the entity"
//	@Param			from		query		string	false	"at or after (RFC 3339)"
//	@Param			to			query		string	false	"before (RFC 3339)"
//	@Param			limit		query		int		false	"page size (1-200, default 50)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	AuditEventList
//	@Failure		400			{object}	ErrorResponse
//	@Failure		401			{object}	ErrorResponse
//	@Failure		403			{object}	ErrorResponse
//	@Failure		422			{object}	ErrorResponse	"a time or year out of bounds (before 1912, or too far ahead)"
//	@Failure		500			{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503			{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503			{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/audit-events [get]
func (h *Handler) ListAuditEvents(c *gin.Context) {
	get, limit, err := listQuery(c, "actor_id", "action", "entity_type", "entity_id", "from", "to")
	if err != nil {
		fail(c, err)
		return
	}
	page, err := h.Audit.List(c.Request.Context(), actor(c), services.AuditFilter{
		ActorID: get("actor_id"), Action: get("action"), EntityType: get("entity_type"), EntityID: get("entity_id"),
		From: get("from"), To: get("to"), Limit: limit, Cursor: get("cursor"),
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, AuditEventList{Items: mapSlice(page.Items, toAuditEventDTO), NextCursor: page.NextCursor})
}

// VerifyAuditTrail godoc
//
//	@Summary		Verify the audit chain
//	@Description	Walks the sealed chain in seq order, recomputes every hash and reports the first broken link (an edited, deleted or re-hashed event). Events not sealed yet (sealing runs about every second) are counted in unsealed. 200 either way: ok says whether the chain is intact. Who: admins. Read-only: it seals nothing.
//	@ID				verifyAuditTrail
//	@Tags			audit
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	AuditVerifyResponse
//	@Failure		400	{object}	ErrorResponse
//	@Failure		401	{object}	ErrorResponse
//	@Failure		403	{object}	ErrorResponse
//	@Failure		500	{object}	ErrorResponse	"internal: a bug, logged with the request id"
//	@Failure		503	{object}	ErrorResponse	"unavailable: the database cannot be reached; retry after Retry-After seconds"
//	@Header			503	{integer}	Retry-After		"seconds to wait before retrying"
//	@Router			/api/v1/audit-events/verify [get]
func (h *Handler) VerifyAuditTrail(c *gin.Context) {
	if _, err := query(c); err != nil {
		fail(c, err)
		return
	}
	res, err := h.Audit.Verify(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	out := AuditVerifyResponse{OK: res.OK, Sealed: res.Sealed, Unsealed: res.Unsealed, TailSeq: res.TailSeq, TailHash: res.TailHash}
	if b := res.Broken; b != nil {
		out.Broken = &AuditBrokenLink{Seq: b.Seq, EventID: b.EventID, Reason: b.Reason, Detail: b.Detail}
	}
	c.JSON(http.StatusOK, out)
}

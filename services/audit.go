package services

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
)

// AuditEntry is what a service says about a change it makes.
type AuditEntry struct {
	Actor      Actor
	Action     string // e.g. "user.create", "auth.login"
	EntityType string // e.g. "user"
	EntityID   string
	Before     any // nil, or the changed fields before
	After      any // nil, or the changed fields after
}

// appendAudit writes e to the audit trail inside tx, the transaction of the
// change itself, so that a change and its audit event commit or fail together.
// An event whose before or after cannot be written as JSON fails the change:
// a change the trail cannot describe is not made.
func appendAudit(ctx context.Context, tx *gorm.DB, now Clock, e AuditEntry) error {
	ev, err := newAuditEvent(ctx, now, e)
	if err != nil {
		return err
	}
	return tx.WithContext(ctx).Create(&ev).Error
}

// AppendAudit is appendAudit for the domains in packages of their own
// (services/reports): e is written inside tx, the change's transaction.
func AppendAudit(ctx context.Context, tx *gorm.DB, now Clock, e AuditEntry) error {
	return appendAudit(ctx, tx, now, e)
}

// newAuditEvent makes the row of e, for writers that insert several at once.
// Errors: the marshal error of e.Before or e.After (an internal error).
func newAuditEvent(ctx context.Context, now Clock, e AuditEntry) (models.AuditEvent, error) {
	before, err := auditJSON(e.Before)
	if err != nil {
		return models.AuditEvent{}, fmt.Errorf("audit %s: before: %w", e.Action, err)
	}
	after, err := auditJSON(e.After)
	if err != nil {
		return models.AuditEvent{}, fmt.Errorf("audit %s: after: %w", e.Action, err)
	}
	return models.AuditEvent{
		ID:         uuid.Must(uuid.NewV7()).String(),
		At:         now(),
		ActorID:    e.Actor.UserID,
		ActorRole:  e.Actor.Role,
		Action:     e.Action,
		EntityType: e.EntityType,
		EntityID:   clip(e.EntityID, 64), // a failed sign-in's username may be longer than any account's
		RequestID:  RequestID(ctx),
		Before:     before,
		After:      after,
	}, nil
}

// clip shortens s to at most n bytes, on a UTF-8 boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// auditJSON is v as the trail stores it: "" for nil, else its JSON.
func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// newID returns a new UUIDv7 as a string.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

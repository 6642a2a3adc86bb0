package services

import (
	"context"
	"time"

	"ethicsops/models"
)

// Actor is the signed-in caller on whose behalf a service method runs.
type Actor struct {
	UserID string
	Role   string
	Status string
	UnitID string
	// SessionID is the session of the access token the caller sent (empty
	// when the service acts for nobody signed in).
	SessionID string
}

// Is reports whether the actor has one of roles.
func (a Actor) Is(roles ...string) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// IsStaff reports whether the actor works for the office (not a volunteer).
func (a Actor) IsStaff() bool {
	return a.Is(models.RoleAdmin, models.RoleManager, models.RoleOfficer)
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id, which audit events record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

type clientAddrKey struct{}

// WithClientAddr returns ctx carrying the caller's network address (as the
// router determined it, proxies considered), by which the HashGate takes
// turns between clients.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr returns the caller's address carried by ctx, or "".
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}

// Clock tells the time; tests inject a fixed one.
type Clock func() time.Time

// SystemClock is the real clock, in the database's precision.
func SystemClock() time.Time { return models.Now() }

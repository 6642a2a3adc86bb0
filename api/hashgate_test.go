package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// TestPasswordHashesWaitForTheGate: with the process's one bcrypt slot held
// (a flood of sign-ins in progress), a sign-in or an account creation waits
// its turn and is answered 503 unavailable with Retry-After, nothing stored
// and no failure counted; requests that hash nothing are not held up, and
// once the slot is free the same sign-in succeeds.
func TestPasswordHashesWaitForTheGate(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			gate := services.NewHashGate(1, 100*time.Millisecond)
			e := apitest.New(t, drv, func(o *services.Options) { o.HashGate = gate })
			release, err := gate.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			held := true
			defer func() {
				if held {
					release()
				}
			}()
			// More wrong passwords than the lockout allows: none is judged.
			for i := 0; i < services.MaxLoginFailure+1; i++ {
				r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": "wrong-password-guess"})
				if r.Code != http.StatusServiceUnavailable || r.ErrorCode() != "unavailable" || r.Header.Get("Retry-After") == "" {
					t.Fatalf("sign-in while the gate is held: %d %s (Retry-After %q)", r.Code, r.Body, r.Header.Get("Retry-After"))
				}
			}
			if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}); r.Code != http.StatusServiceUnavailable {
				t.Fatalf("right password while the gate is held: %d %s", r.Code, r.Body)
			}
			r := e.Do("POST", "/api/v1/users", e.Tokens["admin"], map[string]any{"username": "chen", "password": "a-long-password", "display_name": "陳專員", "role": "officer", "unit_id": e.Unit.ID})
			if r.Code != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
				t.Fatalf("create user while the gate is held: %d %s", r.Code, r.Body)
			}
			if n := e.Count(&models.User{}, "username = ?", "chen"); n != 0 {
				t.Fatalf("%d accounts stored by a refused creation", n)
			}
			// Each attempt was reserved before its hash and given back when
			// the gate refused it: nothing counted, nothing locked, nothing
			// left in flight.
			if n := e.Count(&models.LoginThrottle{}, "failures > 0 OR pending > 0 OR locked_until IS NOT NULL"); n != 0 {
				t.Fatalf("%d throttle rows counting sign-ins that were never judged", n)
			}
			if n := e.Count(&models.AuditEvent{}, "action IN ?", []string{"auth.login_failed", "auth.lockout"}); n != 0 {
				t.Fatalf("%d failed sign-ins recorded for sign-ins never judged", n)
			}
			// Requests that hash nothing go on as usual.
			if r := e.Do("GET", "/api/v1/me", e.Tokens["officer"], nil); r.Code != http.StatusOK {
				t.Fatalf("me while the gate is held: %d %s", r.Code, r.Body)
			}

			release()
			held = false
			if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}); r.Code != http.StatusOK {
				t.Fatalf("sign-in once the gate is free: %d %s", r.Code, r.Body)
			}
		})
	}
}

package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

// Usernames, passwords and display names are bounded on every route that
// sets them; a password is measured in bytes (bcrypt's limit).
func TestIdentityBoundsOnEveryRoute(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Tokens["admin"]
		user := func(username, password, name string) map[string]any {
			return map[string]any{"username": username, "password": password, "display_name": name, "role": "officer", "unit_id": e.Unit.ID}
		}
		for _, c := range []struct {
			name, username, password, display, field string
		}{
			{"username of two", "ab", "a-long-password", "陳專員", "username"},
			{"username of 65", strings.Repeat("a", 65), "a-long-password", "陳專員", "username"},
			{"username of 130 (a 500 on MariaDB once)", strings.Repeat("b", 130), "a-long-password", "陳專員", "username"},
			{"username with a space", "chen yi", "a-long-password", "陳專員", "username"},
			{"username starting with a dot", ".chen", "a-long-password", "陳專員", "username"},
			{"password of 11 bytes", "chen", "elevenbytes", "陳專員", "password"},
			{"password of 73 bytes", "chen", strings.Repeat("x", 73), "陳專員", "password"},
			{"password of 25 characters, 75 bytes", "chen", strings.Repeat("密", 25), "陳專員", "password"},
			{"display name of 101", "chen", "a-long-password", strings.Repeat("陳", 101), "display_name"},
		} {
			r := e.Do("POST", "/api/v1/users", admin, user(c.username, c.password, c.display))
			if r.Code != 422 || r.ErrorCode() != "validation_failed" || !strings.Contains(r.Body, `"`+c.field+`"`) {
				t.Errorf("%s: %d %s", c.name, r.Code, r.Body)
			}
		}
		if n := e.Count(&models.User{}, ""); n != 7 {
			t.Fatalf("%d accounts after refused creations", n)
		}
		// At the bounds: 3 and 64 characters, 12 and 72 bytes (four Chinese
		// characters are 12 bytes), a display name of 100.
		for i, c := range []struct{ username, password, display string }{
			{"lin", strings.Repeat("密", 4), strings.Repeat("林", 100)},
			{strings.Repeat("l", 64), strings.Repeat("y", 72), "林"},
			{"volunteer.pending2", "twelve-bytes", "張志工"},
		} {
			if r := e.Do("POST", "/api/v1/users", admin, user(c.username, c.password, c.display)); r.Code != 201 {
				t.Fatalf("at the bounds %d: %d %s", i, r.Code, r.Body)
			}
			if r := loginFrom(e, "198.51.100."+strconv.Itoa(i+1), c.username, c.password); r.Code != 200 {
				t.Fatalf("sign-in at the bounds %d: %d %s", i, r.Code, r.Body)
			}
		}

		// A change of password or display name: the same bounds, nothing stored.
		officer := e.Users["officer"]
		for _, body := range []map[string]any{
			{"password": "elevenbytes"},
			{"password": strings.Repeat("密", 25)},
			{"display_name": strings.Repeat("林", 101)},
		} {
			if r := e.Do("PATCH", "/api/v1/users/"+officer.ID, admin, body); r.Code != 422 {
				t.Fatalf("patch %v: %d %s", body, r.Code, r.Body)
			}
		}
		e.Login("officer", apitest.Password)

		// Registration: the same bounds.
		for _, c := range []struct{ username, password, display, field string }{
			{"wang", "elevenbytes", "王志工", "password"},
			{"wang", strings.Repeat("x", 73), "王志工", "password"},
			{"wa", "a-long-password", "王志工", "username"},
			{strings.Repeat("w", 65), "a-long-password", "王志工", "username"},
			{"wang", "a-long-password", strings.Repeat("王", 101), "display_name"},
		} {
			reg := map[string]string{"username": c.username, "password": c.password, "display_name": c.display, "phone": "0912-345-678", "email": "wang@example.org"}
			if r := e.Do("POST", "/api/v1/volunteers/register", "", reg); r.Code != 422 || !strings.Contains(r.Body, `"`+c.field+`"`) {
				t.Fatalf("register with a bad %s: %d %s", c.field, r.Code, r.Body)
			}
		}
		if n := e.Count(&models.User{}, "username = ?", "wang"); n != 0 {
			t.Fatal("a refused registration was stored")
		}
	})
}

// A password set before the 12-byte minimum keeps working: only a password
// being set is checked.
func TestOlderShortPasswordStillSignsIn(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		hash, err := e.Svc.Auth.HashPassword("ten-bytes!")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DB.Model(&models.User{}).Where("id = ?", e.Users["officer2"].ID).Update("password_hash", hash).Error; err != nil {
			t.Fatal(err)
		}
		e.Login("officer2", "ten-bytes!")
		// Setting it again is refused.
		if r := e.Do("PATCH", "/api/v1/users/"+e.Users["officer2"].ID, e.Tokens["admin"], map[string]any{"password": "ten-bytes!"}); r.Code != 422 {
			t.Fatalf("setting a short password: %d %s", r.Code, r.Body)
		}
	})
}

// A name no account can have (too long, or not of the alphabet) is a plain
// 401 at sign-in, with nothing stored: no throttle row, no audit event.
func TestLoginWithImpossibleNameStoresNothing(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		rows, events := e.Count(&models.LoginThrottle{}, ""), e.Count(&models.AuditEvent{}, "")
		for _, name := range []string{
			strings.Repeat("a", 123), // a 500 ("Data too long") on MariaDB once
			strings.Repeat("v", 500<<10),
			"no such user!",
			"a",
			"admin\x00",
		} {
			r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": name, "password": "wrong-password-x"})
			if r.Code != 401 || r.ErrorCode() != "unauthenticated" {
				t.Fatalf("name of %d bytes: %d %s", len(name), r.Code, r.Body)
			}
		}
		if n := e.Count(&models.LoginThrottle{}, ""); n != rows {
			t.Fatalf("throttle rows %d → %d", rows, n)
		}
		if n := e.Count(&models.AuditEvent{}, ""); n != events {
			t.Fatalf("audit events %d → %d", events, n)
		}
	})
}

// Unknown usernames are counted per address under one key: made-up names
// add one row per address, and the address waits after five.
func TestUnknownNamesAreCountedPerAddress(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(e.Clock.Now()) // stands still from here
		const ip = "203.0.113.50"
		before := e.Count(&models.LoginThrottle{}, "")
		for i := 1; i <= 8; i++ {
			r := loginFrom(e, ip, "nobody"+strconv.Itoa(i), "wrong-password-x")
			switch {
			case i < services.MaxLoginFailure && r.Code != 401:
				t.Fatalf("unknown name %d: %d %s", i, r.Code, r.Body)
			case i >= services.MaxLoginFailure:
				retryAfter(t, r)
			}
		}
		if n := e.Count(&models.LoginThrottle{}, ""); n != before+1 {
			t.Fatalf("8 unknown names from one address added %d throttle rows, want 1", n-before)
		}
		if n := e.Count(&models.LoginThrottle{}, "throttle_key LIKE ?", "%nobody%"); n != 0 {
			t.Fatalf("%d rows keyed on made-up names", n)
		}
		// Real accounts from that address are not in the way.
		if r := loginFrom(e, ip, "officer", apitest.Password); r.Code != 200 {
			t.Fatalf("a real account from the address: %d %s", r.Code, r.Body)
		}
	})
}

// IPv6 clients are counted by their /64 network, so that a fresh address per
// attempt does not dodge the lock, and another network is not in the way.
func TestIPv6AttackerIsCountedByNetwork(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(e.Clock.Now()) // stands still from here
		for i := 1; i <= services.MaxLoginFailure+1; i++ {
			r := loginFrom(e, "2001:db8:1:2::"+strconv.Itoa(i), "manager", "wrong-password-x")
			if i < services.MaxLoginFailure && r.Code != 401 {
				t.Fatalf("attempt %d: %d %s", i, r.Code, r.Body)
			}
			if i > services.MaxLoginFailure {
				retryAfter(t, r)
			}
		}
		retryAfter(t, loginFrom(e, "2001:db8:1:2:ffff::1", "manager", apitest.Password))
		if r := loginFrom(e, "2001:db8:9::1", "manager", apitest.Password); r.Code != 200 {
			t.Fatalf("another network: %d %s", r.Code, r.Body)
		}
	})
}

// Throttle rows are deleted once their window and lock are over, by the
// sweep the server runs in the background; rows still in force stay.
func TestThrottleRowsExpireAndAreSwept(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(e.Clock.Now()) // stands still from here
		ctx := context.Background()
		for i := range services.MaxLoginFailure {
			loginFrom(e, "203.0.113.9", "officer", "wrong-password-"+strconv.Itoa(i))
		}
		loginFrom(e, "203.0.113.10", "nobody", "wrong-password-x")
		if n := e.Count(&models.LoginThrottle{}, ""); n == 0 {
			t.Fatal("no throttle rows")
		}
		// Nothing is over yet: nothing goes.
		if n, err := e.Svc.Auth.SweepThrottles(ctx); err != nil || n != 0 {
			t.Fatalf("sweep at once: %d, %v", n, err)
		}
		// After the lock, the pairs and the unknown-name address go; the
		// account's hour-long count stays.
		e.Clock.Advance(services.LockoutPeriod + time.Second)
		if n, err := e.Svc.Auth.SweepThrottles(ctx); err != nil || n == 0 {
			t.Fatalf("sweep after the lock: %d, %v", n, err)
		}
		if n := e.Count(&models.LoginThrottle{}, "throttle_key LIKE ?", "login%"); n != 0 {
			t.Fatalf("%d pair rows left after their lock", n)
		}
		if n := e.Count(&models.LoginThrottle{}, "throttle_key = ?", "account:officer"); n != 1 {
			t.Fatalf("the account's count was swept within its hour (%d rows)", n)
		}
		// The server's background sweep takes the rest once the hour is over.
		e.Clock.Advance(services.AccountCeilingWindow)
		sweepCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			e.Svc.Auth.SweepThrottlesEvery(sweepCtx, 10*time.Millisecond, func(err error) { t.Error(err) })
		}()
		deadline := time.Now().Add(5 * time.Second)
		for e.Count(&models.LoginThrottle{}, "") != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%d rows left by the background sweep", e.Count(&models.LoginThrottle{}, ""))
			}
			time.Sleep(10 * time.Millisecond)
		}
		stop()
		<-done
		// A swept account signs in as before.
		if r := loginFrom(e, "203.0.113.9", "officer", apitest.Password); r.Code != 200 {
			t.Fatalf("after the sweep: %d %s", r.Code, r.Body)
		}
	})
}

package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/apitest"
	"ethicsops/models"
)

// device is one signed-in device: its access and refresh tokens.
type device struct{ access, refresh string }

func signIn(t *testing.T, e *apitest.Env, username, password string) device {
	t.Helper()
	r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	if r.Code != http.StatusOK {
		t.Fatalf("sign in %s: %d %s", username, r.Code, r.Body)
	}
	j := r.JSON()
	return device{j["access_token"].(string), j["refresh_token"].(string)}
}

// sessionsEnv stands at base with an activity of "officer" to check in to.
func sessionsEnv(t *testing.T, e *apitest.Env) (checkins string) {
	at(e, base)
	a := create(t, e, e.Tokens["officer"], procurement(e, nil))
	return "/api/v1/activities/" + a["id"].(string) + "/checkins"
}

// works fails t unless d's access token reads /me and checks in, used
// several times so that the server remembers it (token_cache.go).
func works(t *testing.T, e *apitest.Env, what string, d device, checkins string) {
	t.Helper()
	for range 2 {
		if r := e.Do("GET", "/api/v1/me", d.access, nil); r.Code != 200 {
			t.Fatalf("%s: GET /me %d %s", what, r.Code, r.Body)
		}
	}
	if checkins != "" {
		if r := e.Do("POST", checkins, d.access, checkin("arrive", 23.4801, 120.4491, 5, base.Add(-time.Minute))); r.Code != 201 {
			t.Fatalf("%s: check-in %d %s", what, r.Code, r.Body)
		}
	}
}

// ended fails t unless d's access token answers 401 on /me and on a
// check-in (which stores nothing), and its refresh token is refused.
func ended(t *testing.T, e *apitest.Env, what string, d device, checkins string) {
	t.Helper()
	if r := e.Do("GET", "/api/v1/me", d.access, nil); r.Code != 401 || r.ErrorCode() != "unauthenticated" {
		t.Fatalf("%s: old access token on GET /me: %d %s", what, r.Code, r.Body)
	}
	if checkins != "" {
		before := e.Count(&models.Checkin{}, "")
		if r := e.Do("POST", checkins, d.access, checkin("depart", 23.4801, 120.4491, 5, base.Add(-time.Minute))); r.Code != 401 {
			t.Fatalf("%s: old access token checks in: %d %s", what, r.Code, r.Body)
		}
		if n := e.Count(&models.Checkin{}, ""); n != before {
			t.Fatalf("%s: a check-in was stored with an ended session", what)
		}
	}
	if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": d.refresh}); r.Code != 401 {
		t.Fatalf("%s: old refresh token: %d %s", what, r.Code, r.Body)
	}
}

// liveRefreshTokens counts the refresh tokens of name nobody revoked.
func liveRefreshTokens(e *apitest.Env, name string) int64 {
	return e.Count(&models.RefreshToken{}, "user_id = ? AND revoked_at IS NULL", e.Users[name].ID)
}

func TestAdminPasswordResetEndsSessions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		phone, laptop := signIn(t, e, "officer", apitest.Password), signIn(t, e, "officer", apitest.Password)
		works(t, e, "before", phone, path)
		r := e.Do("PATCH", e.Expand("/api/v1/users/{officer}"), e.Tokens["admin"], map[string]string{"password": "a-new-password-from-admin"})
		if r.Code != 200 {
			t.Fatalf("reset: %d %s", r.Code, r.Body)
		}
		ended(t, e, "phone", phone, path)
		ended(t, e, "laptop", laptop, path)
		if n := liveRefreshTokens(e, "officer"); n != 0 {
			t.Fatalf("%d refresh tokens left alive", n)
		}
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}); r.Code != 401 {
			t.Fatalf("old password: %d", r.Code)
		}
		works(t, e, "signed in with the new password", signIn(t, e, "officer", "a-new-password-from-admin"), path)
		// The admin's own session and other accounts go on.
		works(t, e, "admin", device{access: e.Tokens["admin"]}, "")
		works(t, e, "manager", device{access: e.Tokens["manager"]}, path)
	})
}

func TestDisableEndsSessionsAndReEnableRevivesNone(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		phone := signIn(t, e, "officer", apitest.Password)
		works(t, e, "before", phone, path)
		user := e.Expand("/api/v1/users/{officer}")
		if r := e.Do("PATCH", user, e.Tokens["admin"], map[string]string{"status": "disabled"}); r.Code != 200 {
			t.Fatalf("disable: %d %s", r.Code, r.Body)
		}
		ended(t, e, "disabled", phone, path)
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}); r.Code != 401 {
			t.Fatalf("disabled account signs in: %d", r.Code)
		}
		if r := e.Do("PATCH", user, e.Tokens["admin"], map[string]string{"status": "active"}); r.Code != 200 {
			t.Fatalf("re-enable: %d %s", r.Code, r.Body)
		}
		ended(t, e, "re-enabled", phone, path)
		if n := liveRefreshTokens(e, "officer"); n != 0 {
			t.Fatalf("re-enabling revived %d refresh tokens", n)
		}
		works(t, e, "signed in after re-enabling", signIn(t, e, "officer", apitest.Password), path)
	})
}

func TestRoleChangeEndsSessions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		phone := signIn(t, e, "officer", apitest.Password)
		works(t, e, "before", phone, path)
		if r := e.Do("PATCH", e.Expand("/api/v1/users/{officer}"), e.Tokens["admin"], map[string]string{"role": "manager"}); r.Code != 200 {
			t.Fatalf("role: %d %s", r.Code, r.Body)
		}
		ended(t, e, "role changed", phone, path)
		d := signIn(t, e, "officer", apitest.Password)
		if r := e.Do("GET", "/api/v1/kpis/targets", d.access, nil); r.Code != 200 {
			t.Fatalf("signed in again as a manager: %d %s", r.Code, r.Body)
		}
		// A change that is not a role, password or status leaves sessions alone.
		if r := e.Do("PATCH", e.Expand("/api/v1/users/{officer}"), e.Tokens["admin"], map[string]string{"display_name": "林專員"}); r.Code != 200 {
			t.Fatalf("rename: %d %s", r.Code, r.Body)
		}
		works(t, e, "after a rename", d, path)
	})
}

func TestLogoutEndsOneDeviceOnly(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		phone, laptop := signIn(t, e, "officer", apitest.Password), signIn(t, e, "officer", apitest.Password)
		works(t, e, "phone", phone, path)
		works(t, e, "laptop", laptop, path)
		if r := e.Do("POST", "/api/v1/auth/logout", phone.access, map[string]string{"refresh_token": phone.refresh}); r.Code != 204 {
			t.Fatalf("logout: %d %s", r.Code, r.Body)
		}
		ended(t, e, "phone after its logout", phone, path)
		works(t, e, "laptop after the phone's logout", laptop, path)
		r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": laptop.refresh})
		if r.Code != 200 {
			t.Fatalf("laptop refresh: %d %s", r.Code, r.Body)
		}
		works(t, e, "laptop's refreshed token", device{access: r.JSON()["access_token"].(string)}, path)
		works(t, e, "signed in again", signIn(t, e, "officer", apitest.Password), path)
	})
}

func TestLogoutAllEndsEverySession(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		phone, laptop := signIn(t, e, "officer", apitest.Password), signIn(t, e, "officer", apitest.Password)
		// A refreshed pair of the laptop is a session too.
		r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": laptop.refresh})
		if r.Code != 200 {
			t.Fatalf("refresh: %d %s", r.Code, r.Body)
		}
		laptop2 := device{r.JSON()["access_token"].(string), r.JSON()["refresh_token"].(string)}
		works(t, e, "phone", phone, path)
		works(t, e, "laptop", laptop2, path)
		if r := e.Do("POST", "/api/v1/auth/logout-all", "", nil); r.Code != 401 {
			t.Fatalf("anonymous logout-all: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/auth/logout-all", phone.access, nil); r.Code != 204 || r.Body != "" {
			t.Fatalf("logout-all: %d %s", r.Code, r.Body)
		}
		ended(t, e, "phone", phone, path)
		ended(t, e, "laptop", laptop2, path)
		if r := e.Do("GET", "/api/v1/me", laptop.access, nil); r.Code != 401 {
			t.Fatalf("laptop's first access token: %d", r.Code)
		}
		if n := liveRefreshTokens(e, "officer"); n != 0 {
			t.Fatalf("%d refresh tokens left alive", n)
		}
		if n := e.Count(&models.AuditEvent{}, "action = ? AND actor_id = ? AND entity_id = ?", "auth.logout_all", e.Users["officer"].ID, e.Users["officer"].ID); n != 1 {
			t.Fatalf("audit events: %d", n)
		}
		works(t, e, "signed in again", signIn(t, e, "officer", apitest.Password), path)
		works(t, e, "another account", device{access: e.Tokens["officer2"]}, "")
		// Every signed-in account may sign out everywhere, a pending one too.
		for _, name := range []string{"admin", "manager", "volunteer", "pending"} {
			d := signIn(t, e, name, apitest.Password)
			if r := e.Do("POST", "/api/v1/auth/logout-all", d.access, nil); r.Code != 204 {
				t.Fatalf("%s: logout-all %d %s", name, r.Code, r.Body)
			}
			ended(t, e, name, d, "")
		}
	})
}

func TestRefreshReuseEndsTheFamilysAccessTokens(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		phone, laptop := signIn(t, e, "officer", apitest.Password), signIn(t, e, "officer", apitest.Password)
		r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": phone.refresh})
		if r.Code != 200 {
			t.Fatalf("refresh: %d %s", r.Code, r.Body)
		}
		thief := device{r.JSON()["access_token"].(string), r.JSON()["refresh_token"].(string)}
		works(t, e, "refreshed", thief, path)
		// The spent token presented again: the whole family ends, access tokens too.
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": phone.refresh}); r.Code != 401 {
			t.Fatalf("reuse: %d %s", r.Code, r.Body)
		}
		ended(t, e, "refreshed pair", thief, path)
		if r := e.Do("GET", "/api/v1/me", phone.access, nil); r.Code != 401 {
			t.Fatalf("first access token of the family: %d", r.Code)
		}
		works(t, e, "another device", laptop, path)
		works(t, e, "signed in again", signIn(t, e, "officer", apitest.Password), path)
	})
}

func TestChangeOwnPassword(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		phone, laptop := signIn(t, e, "officer", apitest.Password), signIn(t, e, "officer", apitest.Password)
		works(t, e, "before", phone, path)
		const next = "a-brand-new-passphrase"
		if r := e.Do("POST", "/api/v1/me/password", "", map[string]string{"current_password": apitest.Password, "new_password": next}); r.Code != 401 {
			t.Fatalf("anonymous: %d", r.Code)
		}
		// A wrong current password or a bad new one changes nothing.
		for _, tc := range []struct {
			body  map[string]string
			field string
		}{
			{map[string]string{"current_password": "not-my-password", "new_password": next}, "current_password"},
			{map[string]string{"current_password": "", "new_password": next}, "current_password"},
			{map[string]string{"current_password": apitest.Password, "new_password": "short"}, "new_password"},
			{map[string]string{"current_password": apitest.Password, "new_password": strings.Repeat("密", 25)}, "new_password"}, // 75 bytes
		} {
			r := e.Do("POST", "/api/v1/me/password", phone.access, tc.body)
			if r.Code != 422 || r.ErrorCode() != "validation_failed" {
				t.Fatalf("%v: %d %s", tc.body, r.Code, r.Body)
			}
			if f, _ := r.JSON()["error"].(map[string]any)["fields"].(map[string]any); f[tc.field] == nil {
				t.Fatalf("%v: fields %v", tc.body, f)
			}
		}
		works(t, e, "after refused changes", phone, path)
		r := e.Do("POST", "/api/v1/me/password", phone.access, map[string]string{"current_password": apitest.Password, "new_password": next})
		if r.Code != 204 {
			t.Fatalf("change: %d %s", r.Code, r.Body)
		}
		ended(t, e, "the device that changed it", phone, path)
		ended(t, e, "another device", laptop, path)
		if n := liveRefreshTokens(e, "officer"); n != 0 {
			t.Fatalf("%d refresh tokens left alive", n)
		}
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}); r.Code != 401 {
			t.Fatalf("old password: %d", r.Code)
		}
		works(t, e, "new password", signIn(t, e, "officer", next), path)
		if n := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "user.password_change", e.Users["officer"].ID); n != 1 {
			t.Fatalf("audit events: %d", n)
		}
		// A pending volunteer may change theirs too.
		p := signIn(t, e, "pending", apitest.Password)
		if r := e.Do("POST", "/api/v1/me/password", p.access, map[string]string{"current_password": apitest.Password, "new_password": next}); r.Code != 204 {
			t.Fatalf("pending: %d %s", r.Code, r.Body)
		}
	})
}

// A stolen access token cannot be used to guess the password: five wrong
// current passwords end the session that sent them, and only that one.
func TestPasswordGuessesEndTheSession(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		stolen, own := signIn(t, e, "officer", apitest.Password), signIn(t, e, "officer", apitest.Password)
		guess := map[string]string{"current_password": "guess-number-x", "new_password": "a-brand-new-passphrase"}
		for i := 1; i <= 4; i++ {
			if r := e.Do("POST", "/api/v1/me/password", stolen.access, guess); r.Code != 422 {
				t.Fatalf("guess %d: %d %s", i, r.Code, r.Body)
			}
		}
		if r := e.Do("POST", "/api/v1/me/password", stolen.access, guess); r.Code != 401 {
			t.Fatalf("fifth guess: %d %s", r.Code, r.Body)
		}
		ended(t, e, "the guessing session", stolen, path)
		works(t, e, "the owner's session", own, path)
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}); r.Code != 200 {
			t.Fatalf("the password was changed: %d", r.Code)
		}
	})
}

// JWT times are whole seconds. A sign-in in the same second as a revocation
// (here the very same instant: the clock stands still) gets a working token,
// and a token issued in that second before the revocation does not.
func TestRevocationWithinOneSecond(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		path := sessionsEnv(t, e)
		e.Clock.Set(base.Add(400 * time.Millisecond))
		before := signIn(t, e, "officer", apitest.Password)
		works(t, e, "before", before, path)
		if r := e.Do("POST", "/api/v1/auth/logout-all", before.access, nil); r.Code != 204 {
			t.Fatalf("logout-all: %d", r.Code)
		}
		after := signIn(t, e, "officer", apitest.Password)
		ended(t, e, "issued the same second, before", before, path)
		works(t, e, "issued the same second, after", after, path)
		e.Clock.Advance(300 * time.Millisecond)
		if r := e.Do("PATCH", e.Expand("/api/v1/users/{officer}"), e.Tokens["admin"], map[string]string{"password": "a-new-password-from-admin"}); r.Code != 200 {
			t.Fatalf("reset: %d %s", r.Code, r.Body)
		}
		ended(t, e, "signed in the same second as the reset", after, path)
		works(t, e, "signed in after the reset, same second", signIn(t, e, "officer", "a-new-password-from-admin"), path)
	})
}

// Sessions begun before sessions were stored (a refresh token with no
// session row) get theirs from the migration, so that the upgrade signs
// nobody out.
func TestMigrationKeepsEarlierSessions(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		d := signIn(t, e, "officer", apitest.Password)
		var rt models.RefreshToken
		if err := e.DB.Where("user_id = ? AND used_at IS NULL AND revoked_at IS NULL", e.Users["officer"].ID).Order("created_at DESC").Take(&rt).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.DB.Where("id = ?", rt.FamilyID).Delete(&models.Session{}).Error; err != nil {
			t.Fatal(err)
		}
		if err := models.Migrate(context.Background(), e.DB); err != nil {
			t.Fatal(err)
		}
		if n := e.Count(&models.Session{}, "id = ? AND user_id = ? AND revoked_at IS NULL", rt.FamilyID, e.Users["officer"].ID); n != 1 {
			t.Fatalf("sessions of the earlier family: %d", n)
		}
		r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": d.refresh})
		if r.Code != 200 {
			t.Fatalf("refresh of an earlier session: %d %s", r.Code, r.Body)
		}
		works(t, e, "refreshed", device{access: r.JSON()["access_token"].(string)}, "")
	})
}

// The session is checked in the read each request makes of its account
// anyway: an authenticated request that reads nothing else of accounts or
// sessions makes exactly one query on them, and it joins both.
func TestSessionCheckIsTheAccountRead(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		var (
			mu   sync.Mutex
			seen []string
		)
		record := func(db *gorm.DB) {
			sql := strings.ToLower(db.Statement.SQL.String())
			if strings.Contains(sql, "sessions") || strings.Contains(sql, "users") {
				mu.Lock()
				seen = append(seen, sql)
				mu.Unlock()
			}
		}
		if err := e.DB.Callback().Query().After("gorm:query").Register("test:count_account_reads", record); err != nil {
			t.Fatal(err)
		}
		if err := e.DB.Callback().Row().After("gorm:row").Register("test:count_account_rows", record); err != nil {
			t.Fatal(err)
		}
		if r := e.Do("GET", "/api/v1/units", e.Tokens["officer"], nil); r.Code != 200 {
			t.Fatalf("GET /units: %d %s", r.Code, r.Body)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 1 || !strings.Contains(seen[0], "sessions") || !strings.Contains(seen[0], "users") {
			t.Fatalf("account and session queries of one request: %q; want one that reads both", seen)
		}
	})
}

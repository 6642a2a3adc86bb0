package api_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

func TestLoginRefreshLogout(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "Officer ", "password": apitest.Password})
		if r.Code != http.StatusOK {
			t.Fatalf("login: %d %s", r.Code, r.Body)
		}
		body := r.JSON()
		if body["token_type"] != "Bearer" || body["expires_in"].(float64) != 900 {
			t.Fatalf("token response: %v", body)
		}
		if strings.Contains(r.Body, "password") {
			t.Fatalf("login answer mentions a password: %s", r.Body)
		}
		access, refresh := body["access_token"].(string), body["refresh_token"].(string)
		if var1 := e.Count(&models.RefreshToken{}, "hash = ?", refresh); var1 != 0 {
			t.Fatal("the refresh token is stored in clear")
		}
		if r := e.Do("GET", "/api/v1/me", access, nil); r.Code != 200 || r.JSON()["username"] != "officer" {
			t.Fatalf("me: %d %s", r.Code, r.Body)
		}

		// Refresh spends the old token and yields a working new pair.
		r = e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh})
		if r.Code != 200 {
			t.Fatalf("refresh: %d %s", r.Code, r.Body)
		}
		refresh2 := r.JSON()["refresh_token"].(string)
		// Reusing the spent token is refused and revokes the family...
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh}); r.Code != 401 || r.ErrorCode() != "unauthenticated" {
			t.Fatalf("reuse: %d %s", r.Code, r.Body)
		}
		// ...so the new one, issued before the reuse, no longer works either.
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh2}); r.Code != 401 {
			t.Fatalf("family not revoked: %d %s", r.Code, r.Body)
		}

		// Logout revokes the family of a fresh session.
		r = e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password})
		access, refresh = r.JSON()["access_token"].(string), r.JSON()["refresh_token"].(string)
		if r := e.Do("POST", "/api/v1/auth/logout", access, map[string]string{"refresh_token": refresh}); r.Code != 204 {
			t.Fatalf("logout: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": refresh}); r.Code != 401 {
			t.Fatalf("refresh after logout: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/auth/logout", "", map[string]string{"refresh_token": refresh}); r.Code != 401 {
			t.Fatalf("logout without token: %d", r.Code)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		bad := map[string]string{"username": "officer", "password": "wrong-password-1"}
		for i := 1; i <= services.MaxLoginFailure; i++ {
			// A forged X-Forwarded-For must not reset or dodge the count.
			r := e.DoWith("POST", "/api/v1/auth/login", "", bad, map[string]string{"X-Forwarded-For": "10.0.0." + string(rune('0'+i))})
			want := 401
			if i == services.MaxLoginFailure {
				want = 429
			}
			if r.Code != want {
				t.Fatalf("attempt %d: %d %s", i, r.Code, r.Body)
			}
		}
		good := map[string]string{"username": "officer", "password": apitest.Password}
		r := e.Do("POST", "/api/v1/auth/login", "", good)
		if r.Code != 429 || r.ErrorCode() != "too_many_requests" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("locked account: %d %s %v", r.Code, r.Body, r.Header)
		}
		// Another account is not affected.
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "manager", "password": apitest.Password}); r.Code != 200 {
			t.Fatalf("other account: %d", r.Code)
		}
		// The lock is in the database: a second server on it refuses too.
		e2 := apitest.NewOnDB(t, e.Driver, e.DB, false)
		e2.Clock.Set(e.Clock.Now())
		if r := e2.Do("POST", "/api/v1/auth/login", "", good); r.Code != 429 {
			t.Fatalf("second server: %d", r.Code)
		}
		e.Clock.Advance(services.LockoutPeriod + time.Second)
		if r := e.Do("POST", "/api/v1/auth/login", "", good); r.Code != 200 {
			t.Fatalf("after lockout: %d %s", r.Code, r.Body)
		}
	})
}

func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenTampering(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		sub := e.Users["admin"].ID
		sessionOf := func(name string) string {
			var s models.Session
			if err := e.DB.Where("user_id = ?", e.Users[name].ID).Take(&s).Error; err != nil {
				t.Fatal(err)
			}
			return s.ID
		}
		now := time.Now()
		good := jwt.MapClaims{"sub": sub, "sid": sessionOf("admin"), "role": "admin", "iss": services.TokenIssuer, "aud": services.TokenAudience, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}
		with := func(k string, v any) jwt.MapClaims {
			c := jwt.MapClaims{}
			for kk, vv := range good {
				c[kk] = vv
			}
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
			return c
		}
		none := forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good)
		header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS512","typ":"JWT"}`))
		parts := strings.Split(forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), good), ".")
		cases := []struct {
			name  string
			token string
			want  int
		}{
			{"valid", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), good), 200},
			{"alg none", none, 401},
			{"other key", forge(t, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef0123"), good), 401},
			{"HS512 with the right key", forge(t, jwt.SigningMethodHS512, []byte(apitest.Secret), good), 401},
			{"header swapped to HS512", header + "." + parts[1] + "." + parts[2], 401},
			{"expired", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("exp", now.Add(-time.Minute).Unix())), 401},
			{"no exp", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("exp", nil)), 401},
			{"wrong aud", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("aud", "another-api")), 401},
			{"wrong iss", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("iss", "evil")), 401},
			{"unknown subject", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("sub", "nobody")), 401},
			{"no session", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("sid", nil)), 401},
			{"unknown session", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("sid", "nobody")), 401},
			{"another account's session", forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), with("sid", sessionOf("officer"))), 401},
			{"garbage", "not.a.token", 401},
		}
		for _, tc := range cases {
			r := e.Do("GET", "/api/v1/users", tc.token, nil)
			if r.Code != tc.want {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
			}
			if tc.want == 401 && r.ErrorCode() != "unauthenticated" {
				t.Errorf("%s: code %q", tc.name, r.ErrorCode())
			}
		}
		// The role claim is not trusted: the account's role is re-read.
		officer := with("sub", e.Users["officer"].ID)
		officer["sid"] = sessionOf("officer")
		officerAsAdmin := forge(t, jwt.SigningMethodHS256, []byte(apitest.Secret), officer)
		if r := e.Do("GET", "/api/v1/users", officerAsAdmin, nil); r.Code != 403 {
			t.Errorf("role claim trusted: %d", r.Code)
		}
	})
}

func TestDisabledAndPendingAccounts(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		tok := e.Tokens["officer2"]
		if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 200 {
			t.Fatalf("before: %d", r.Code)
		}
		r := e.Do("PATCH", "/api/v1/users/"+e.Users["officer2"].ID, e.Tokens["admin"], map[string]string{"status": "disabled"})
		if r.Code != 200 {
			t.Fatalf("disable: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 401 {
			t.Fatalf("disabled account's token still works: %d", r.Code)
		}
		if r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer2", "password": apitest.Password}); r.Code != 401 {
			t.Fatalf("disabled login: %d", r.Code)
		}
		// A pending volunteer sees their own status and nothing else.
		p := e.Tokens["pending"]
		if r := e.Do("GET", "/api/v1/me", p, nil); r.Code != 200 || r.JSON()["status"] != "pending" {
			t.Fatalf("pending me: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/units", p, nil); r.Code != 403 {
			t.Fatalf("pending units: %d", r.Code)
		}
	})
}

// A token the server has verified before (and remembers) still stops working
// the moment it expires, and still follows the account: a role change ends
// it at once (the cache remembers what a token says, never that it is good).
func TestVerifiedTokenExpiresAndFollowsTheAccount(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(time.Now())
		tok := e.Login("officer2", apitest.Password)
		for range 3 {
			if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 200 {
				t.Fatalf("fresh token: %d", r.Code)
			}
		}
		if r := e.Do("GET", "/api/v1/users", tok, nil); r.Code != 403 {
			t.Fatalf("officer lists users: %d", r.Code)
		}
		if r := e.Do("PATCH", "/api/v1/users/"+e.Users["officer2"].ID, e.Tokens["admin"], map[string]string{"role": "admin"}); r.Code != 200 {
			t.Fatalf("promote: %d %s", r.Code, r.Body)
		}
		if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 401 {
			t.Fatalf("the remembered token outlived a role change: %d", r.Code)
		}
		tok = e.Login("officer2", apitest.Password)
		if r := e.Do("GET", "/api/v1/users", tok, nil); r.Code != 200 {
			t.Fatalf("signed in again under the new role: %d", r.Code)
		}
		e.Clock.Advance(services.AccessTTL - time.Second)
		if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 200 {
			t.Fatalf("a second before expiry: %d", r.Code)
		}
		e.Clock.Advance(time.Second)
		if r := e.Do("GET", "/api/v1/units", tok, nil); r.Code != 401 {
			t.Fatalf("expired but remembered token accepted: %d", r.Code)
		}
	})
}

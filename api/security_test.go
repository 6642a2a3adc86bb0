package api_test

// The security suite, one group per applicable item of the OWASP API
// Security Top 10 (2023). Items covered elsewhere are named where they are:
// API2's tampering cases in auth_test.go (TestTokenTampering,
// TestLoginRefreshLogout, TestDisabledAndPendingAccounts), API5 in
// roles_test.go (every route as every role), API4's slow headers in
// ../slowheaders_test.go (a real listener), and the panic-without-internals
// 500 in errors_test.go.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"ethicsops/api"
	"ethicsops/apitest"
	"ethicsops/handlers"
	"ethicsops/models"
	"ethicsops/services"
)

// API1:2023 Broken Object Level Authorization.
func TestSecurityAPI1ObjectLevel(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		mine := create(t, e, e.Tokens["officer"], procurement(e, nil))
		path := "/api/v1/activities/" + mine["id"].(string)
		png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
		att := upload(t, e, path+"/attachments", e.Tokens["officer"], "file", "p.png", png)
		if att.Code != 201 {
			t.Fatalf("upload: %d %s", att.Code, att.Body)
		}
		attPath := "/api/v1/attachments/" + att.JSON()["id"].(string)
		other := e.Tokens["officer2"]
		for _, tc := range []struct {
			name, method, path, token string
			body                      any
			want                      []int
		}{
			{"another officer edits", "PATCH", path, other, map[string]any{"version": 1, "title": "改掉"}, []int{403, 404}},
			{"another officer deletes", "DELETE", path, other, nil, []int{403, 404}},
			{"another officer checks in", "POST", path + "/checkins", other, checkin("arrive", 23.48, 120.44, 5, time.Now().Add(-time.Minute)), []int{403, 404}},
			{"volunteer reads an unpublished record", "GET", path, e.Tokens["volunteer"], nil, []int{404}},
			{"volunteer reads its attachment", "GET", attPath, e.Tokens["volunteer"], nil, []int{404}},
			{"volunteer lists its check-ins", "GET", path + "/checkins", e.Tokens["volunteer"], nil, []int{403, 404}},
			{"volunteer lists declarations", "GET", "/api/v1/declarations?year=2020", e.Tokens["volunteer"], nil, []int{403}},
			{"volunteer creates a declaration", "POST", "/api/v1/declarations", e.Tokens["volunteer"], newDecl(e, "王大明", "regular", "2020-12-31", nil), []int{403}},
		} {
			r := e.Do(tc.method, tc.path, tc.token, tc.body)
			if !containsInt(tc.want, r.Code) {
				t.Errorf("%s: %d %s, want one of %v", tc.name, r.Code, r.Body, tc.want)
			}
		}
		if r := upload(t, e, path+"/attachments", other, "file", "x.png", png); r.Code != 403 && r.Code != 404 {
			t.Errorf("another officer uploads: %d %s", r.Code, r.Body)
		}
		got := e.Do("GET", path, e.Tokens["officer"], nil).JSON()
		if got["title"] != mine["title"] || got["version"].(float64) != 1 || e.Count(&models.Attachment{}, "activity_id = ?", mine["id"]) != 1 {
			t.Errorf("the record changed: %v", got)
		}

		// Another user's refresh token on logout does nothing.
		victim := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "manager", "password": apitest.Password}).JSON()
		if r := e.Do("POST", "/api/v1/auth/logout", e.Tokens["volunteer"], map[string]string{"refresh_token": victim["refresh_token"].(string)}); r.Code != 204 && r.Code != 403 && r.Code != 404 {
			t.Errorf("logout with another's refresh token: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": victim["refresh_token"].(string)}); r.Code != 200 {
			t.Errorf("the victim's session was revoked by another user's logout: %d %s", r.Code, r.Body)
		}
	})
}

// API2:2023 Broken Authentication: RS256/HS256 key confusion (the other
// cases are in auth_test.go).
func TestSecurityAPI2KeyConfusion(t *testing.T) {
	e := apitest.New(t, "sqlite")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	now := time.Now()
	claims := jwt.MapClaims{"sub": e.Users["admin"].ID, "role": "admin", "iss": services.TokenIssuer, "aud": services.TokenAudience, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}
	for name, tok := range map[string]string{
		"RS256 with a generated key":        forge(t, jwt.SigningMethodRS256, key, claims),
		"HS256 with the public key as HMAC": forge(t, jwt.SigningMethodHS256, pubPEM, claims),
		"PS256":                             forge(t, jwt.SigningMethodPS256, key, claims),
	} {
		if r := e.Do("GET", "/api/v1/users", tok, nil); r.Code != 401 || r.ErrorCode() != "unauthenticated" {
			t.Errorf("%s: %d %s", name, r.Code, r.Body)
		}
	}
}

// API3:2023 Broken Object Property Level Authorization: server-owned
// properties in create and patch bodies are refused, never applied; no
// response carries a password hash or a content hash.
func TestSecurityAPI3MassAssignment(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		apath := "/api/v1/activities/" + a["id"].(string)
		evil := map[string]any{"owner_id": e.Users["officer2"].ID, "version": 42, "created_at": "2000-01-01T00:00:00Z",
			"updated_at": "2000-01-01T00:00:00Z", "deleted_at": "2000-01-01T00:00:00Z", "content_hash": "x", "role": "admin", "password_hash": "x"}
		for field, v := range evil {
			bodies := []struct {
				method, path, token string
				body                map[string]any
			}{
				{"POST", "/api/v1/activities", e.Tokens["officer"], procurement(e, map[string]any{field: v})},
				{"POST", "/api/v1/volunteers/register", "", map[string]any{"username": "mass" + field, "password": "a-long-passphrase", "display_name": "志工", "phone": "0912", "email": "m@example.org", field: v}},
				{"POST", "/api/v1/units", e.Tokens["admin"], map[string]any{"code": "M-" + field, "name": "單位", "kind": "agency", field: v}},
				{"POST", "/api/v1/declarations", e.Tokens["officer"], withField(newDecl(e, "陳"+field, "regular", "2020-12-31", nil), field, v)},
				{"POST", "/api/v1/users", e.Tokens["admin"], map[string]any{"username": "u" + field, "password": "a-long-password", "display_name": "新", "role": "officer", field: v}},
			}
			if field != "version" { // version is the optimistic-concurrency input of a patch
				bodies = append(bodies, struct {
					method, path, token string
					body                map[string]any
				}{"PATCH", apath, e.Tokens["officer"], map[string]any{"version": 1, field: v}})
			}
			for _, b := range bodies {
				if field == "role" && b.path == "/api/v1/users" {
					continue // an admin sets roles
				}
				r := e.Do(b.method, b.path, b.token, b.body)
				if r.Code != 400 || !strings.Contains(r.Body, "unknown field") {
					t.Errorf("%s %s with %s: %d %s, want 400 unknown field", b.method, b.path, field, r.Code, r.Body)
				}
			}
		}
		// A volunteer cannot make itself active or change its role through
		// /users (admin only) either; its own account is untouched.
		if r := e.Do("PATCH", e.Expand("/api/v1/users/{volunteer}"), e.Tokens["volunteer"], map[string]any{"role": "admin"}); r.Code != 403 {
			t.Errorf("volunteer patches itself: %d", r.Code)
		}
		got := e.Do("GET", apath, e.Tokens["officer"], nil).JSON()
		if got["owner_id"] != e.Users["officer"].ID || got["version"].(float64) != 1 {
			t.Errorf("activity changed: %v", got)
		}
		// No secret property in any answer.
		for _, r := range []*apitest.Response{
			e.Do("GET", "/api/v1/users", e.Tokens["admin"], nil),
			e.Do("GET", "/api/v1/me", e.Tokens["officer"], nil),
			e.Do("GET", apath, e.Tokens["officer"], nil),
			e.Do("GET", "/api/v1/activities", e.Tokens["manager"], nil),
			e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": apitest.Password}),
			e.Do("GET", "/api/v1/audit-events?limit=200", e.Tokens["admin"], nil),
		} {
			for _, secret := range []string{"password_hash", "content_hash", "$2a$", "token_hash"} {
				if strings.Contains(r.Body, secret) {
					t.Errorf("answer contains %q: %.300s", secret, r.Body)
				}
			}
		}
	})
}

func withField(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

// API4:2023 Unrestricted Resource Consumption.
func TestSecurityAPI4ResourceConsumption(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, nil))
		huge := `{"kind":"petition","title":"` + strings.Repeat("長", 400_000) + `"}` // 1.2 MB
		if r := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], huge); r.Code != 413 || r.ErrorCode() != "payload_too_large" {
			t.Errorf("huge JSON body: %d %.200s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/auth/login", "", huge); r.Code != 413 {
			t.Errorf("huge login body: %d", r.Code)
		}
		for _, p := range []string{"/api/v1/activities?limit=100000", "/api/v1/activities?limit=-1", "/api/v1/users?limit=1000000000000", "/api/v1/audit-events?limit=201", "/api/v1/declarations?year=2020&limit=99999"} {
			tok := e.Tokens["admin"]
			if r := e.Do("GET", p, tok, nil); r.Code != 400 {
				t.Errorf("%s: %d, want 400", p, r.Code)
			}
		}
		for _, p := range []string{"/api/v1/kpis?from=2010-01-01&to=2021-01-02", "/api/v1/kpis?from=0001-01-01&to=9999-12-31"} {
			if r := e.Do("GET", p, e.Tokens["manager"], nil); r.Code != 400 {
				t.Errorf("%s: %d %s, want 400", p, r.Code, r.Body)
			}
		}
		// A year far out of bounds is refused before anything is read.
		if r := e.Do("GET", "/api/v1/kpis?year=99999999", e.Tokens["manager"], nil); r.Code != 422 {
			t.Errorf("year=99999999: %d %s, want 422", r.Code, r.Body)
		}
		// Upload bomb: a 15 MiB + 1 byte PNG is refused with 413, with or
		// without a Content-Length that tells.
		bomb := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, services.MaxAttachmentSize-7)...)
		path := "/api/v1/activities/" + a["id"].(string) + "/attachments"
		if r := upload(t, e, path, e.Tokens["officer"], "file", "bomb.png", bomb); r.Code != 413 {
			t.Errorf("15 MiB + 1 upload: %d %.200s", r.Code, r.Body)
		}
		if n := e.Count(&models.Attachment{}, ""); n != 0 {
			t.Errorf("%d attachments stored", n)
		}
		// A sync batch over the cap.
		ops := make([]any, 101)
		for i := range ops {
			ops[i] = map[string]any{"op": "create_checkin", "activity_id": a["id"], "body": checkin("arrive", 23.48, 120.44, 5, time.Now().Add(-time.Minute))}
		}
		if r := e.Do("POST", "/api/v1/sync", e.Tokens["officer"], map[string]any{"operations": ops}); r.Code != 422 && r.Code != 413 {
			t.Errorf("sync of 101 operations: %d %.200s", r.Code, r.Body)
		}
		if n := e.Count(&models.Checkin{}, ""); n != 0 {
			t.Errorf("an over-cap batch stored %d check-ins", n)
		}
	})
}

// API8:2023 Security Misconfiguration: client addresses from
// X-Forwarded-For only behind configured proxies; security headers on API
// and web answers (CORS and gin's release mode are in errors_test.go).
func TestSecurityAPI8ProxiesAndHeaders(t *testing.T) {
	e := apitest.New(t, "sqlite")
	register := func(h http.Handler, i int, xff string) int {
		body := fmt.Sprintf(`{"username":"xff%d","password":"a-long-passphrase","display_name":"志工","phone":"0912-000-111","email":"x@example.org"}`, i)
		req := httptest.NewRequest("POST", "/api/v1/volunteers/register", strings.NewReader(body))
		req.RemoteAddr = "192.0.2.1:40000"
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		apitest.CheckContract(t, req, w)
		return w.Code
	}
	// No proxies configured: a forged X-Forwarded-For does not dodge the
	// per-address registration throttle (10 per window).
	codes := []int{}
	for i := 0; i < 11; i++ {
		codes = append(codes, register(e.Router, i, fmt.Sprintf("203.0.113.%d", i)))
	}
	if codes[9] != 201 || codes[10] != 429 {
		t.Errorf("without trusted proxies, X-Forwarded-For was honoured: %v", codes)
	}
	// Behind a configured proxy the forwarded address is the client's.
	r, err := api.NewRouter(api.Deps{Handler: handlers.New(e.Svc), Auth: e.Svc.Auth, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: []string{"192.0.2.1"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 100; i < 111; i++ {
		if c := register(r, i, fmt.Sprintf("198.51.100.%d", i)); c != 201 {
			t.Errorf("behind a trusted proxy, client %d was throttled with the proxy's address: %d", i, c)
		}
	}
	// Security headers on the web client as well as the API.
	for _, p := range []string{"/", "/api/v1/meta", "/api/v1/nope"} {
		w := httptest.NewRecorder()
		req := httptest.NewRequest("GET", p, nil)
		e.Router.ServeHTTP(w, req)
		apitest.CheckContract(t, req, w)
		for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"} {
			if w.Header().Get(h) == "" {
				t.Errorf("%s: no %s", p, h)
			}
		}
		if strings.Contains(w.Body.String(), "goroutine ") || strings.Contains(w.Body.String(), ".go:") {
			t.Errorf("%s: internals in the body", p)
		}
	}
}

// Injection (API8/API10 family): SQL in every free-text filter and sort
// parameter answers 200 or 400, never 500, and leaves the data intact.
func TestSecuritySQLInjection(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		create(t, e, e.Tokens["officer"], procurement(e, nil))
		mustCreate(t, e, newDecl(e, "王大明", "regular", "2020-12-31", nil))
		tables := []any{&models.Activity{}, &models.User{}, &models.Unit{}, &models.Declaration{}}
		before := make([]int64, len(tables))
		for i, m := range tables {
			before[i] = e.Count(m, "")
		}
		payloads := []string{
			"' OR '1'='1", "'; DROP TABLE activities; --", "\" OR 1=1 --", "1) OR (1=1", "%' UNION SELECT password_hash FROM users --",
			"scheduled_at; DELETE FROM users", "-scheduled_at,(SELECT 1)", "\\'; DROP TABLE users; #", "`users`", "%", "_",
		}
		params := map[string][]string{
			"/api/v1/activities":   {"q", "kind", "status", "unit_id", "owner_id", "from", "to", "updated_since", "sort", "cursor"},
			"/api/v1/audit-events": {"actor_id", "action", "entity_type", "entity_id", "from", "to", "cursor"},
			"/api/v1/declarations": {"year", "unit_id", "type", "status", "cursor"},
			"/api/v1/users":        {"role", "status", "cursor"},
			"/api/v1/kpis":         {"year", "roc_year", "from", "to", "unit_id", "format"},
		}
		for path, names := range params {
			for _, name := range names {
				for _, p := range payloads {
					q := url.Values{name: {p}}
					if path == "/api/v1/declarations" && name != "year" {
						q.Set("year", "2020")
					}
					r := e.Do("GET", path+"?"+q.Encode(), e.Tokens["admin"], nil)
					if r.Code != 200 && r.Code != 400 {
						t.Errorf("%s %s=%q: %d %.200s", path, name, p, r.Code, r.Body)
					}
					if r.Code == 200 && (strings.Contains(r.Body, "$2a$") || strings.Contains(r.Body, "password_hash")) {
						t.Errorf("%s %s=%q leaked a hash", path, name, p)
					}
				}
			}
		}
		for i, m := range tables {
			if n := e.Count(m, ""); n != before[i] {
				t.Errorf("%T: %d rows before, %d after", m, before[i], n)
			}
		}
		// The q filter matches the injection text literally, not as SQL.
		if r := e.Do("GET", "/api/v1/activities?q="+url.QueryEscape("' OR '1'='1"), e.Tokens["admin"], nil); r.Code != 200 || len(r.JSON()["items"].([]any)) != 0 {
			t.Errorf("q injection matched rows: %d %.300s", r.Code, r.Body)
		}
	})
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

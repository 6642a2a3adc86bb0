package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"ethicsops/api"
	"ethicsops/apitest"
	"ethicsops/handlers"
	"ethicsops/models"
)

func TestRequestErrors(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Tokens["admin"]
		valid := `{"code":"CYC-X1","name":"測試機關","kind":"agency"}`
		cases := []struct {
			name     string
			body     string
			ctype    string
			want     int
			wantCode string
		}{
			{"malformed", `{"code":`, "application/json", 400, "bad_request"},
			{"syntax error", `{"code" "x"}`, "application/json", 400, "bad_request"},
			{"unknown field", `{"code":"CYC-X2","name":"n","kind":"agency","owner":"me"}`, "application/json", 400, "bad_request"},
			{"trailing value", valid + ` {"a":1}`, "application/json", 400, "bad_request"},
			{"empty body", ``, "application/json", 400, "bad_request"},
			{"array", `[1,2]`, "application/json", 400, "bad_request"},
			{"wrong type", `{"code":12,"name":"n","kind":"agency"}`, "application/json", 422, "validation_failed"},
			{"text/plain", valid, "text/plain", 415, "unsupported_media_type"},
			{"no content type", valid, "", 415, "unsupported_media_type"},
			{"over 1 MiB", `{"code":"` + strings.Repeat("x", api.MaxJSONBody) + `"}`, "application/json", 413, "payload_too_large"},
			{"excess after a valid value", valid + strings.Repeat(" ", api.MaxJSONBody), "application/json", 413, "payload_too_large"},
			{"invalid fields", `{"code":"x","name":"","kind":"castle"}`, "application/json", 422, "validation_failed"},
		}
		for _, tc := range cases {
			r := e.DoWith("POST", "/api/v1/units", admin, tc.body, map[string]string{"Content-Type": tc.ctype})
			if r.Code != tc.want || r.ErrorCode() != tc.wantCode {
				t.Errorf("%s: %d %s", tc.name, r.Code, r.Body)
				continue
			}
			env := r.JSON()["error"].(map[string]any)
			if env["request_id"] == "" || env["message"] == "" || r.Header.Get("X-Request-ID") != env["request_id"] {
				t.Errorf("%s: envelope incomplete: %s", tc.name, r.Body)
			}
		}
		// Nothing of the refused requests was stored.
		if n := e.Count(&models.Unit{}, ""); n != 2 {
			t.Errorf("units stored: %d, want the 2 seeded", n)
		}
		r := e.DoWith("POST", "/api/v1/units", admin, `{"code":"x","name":"","kind":"castle"}`, nil)
		f := r.JSON()["error"].(map[string]any)["fields"].(map[string]any)
		for _, k := range []string{"code", "name", "kind"} {
			if f[k] == nil {
				t.Errorf("fields lacks %s: %v", k, f)
			}
		}
		if r := e.Do("POST", "/api/v1/units", admin, valid); r.Code != 201 {
			t.Errorf("valid: %d %s", r.Code, r.Body)
		}
		if r := e.Do("POST", "/api/v1/units", admin, valid); r.Code != 409 || r.ErrorCode() != "conflict" {
			t.Errorf("duplicate: %d %s", r.Code, r.Body)
		}
		// Query strings: unknown keys and bad values are 400s.
		for _, q := range []string{"?sort=name", "?limit=abc", "?limit=201", "?limit=-1", "?cursor=%%%", "?cursor=bm9wZQ", "?limit=1&limit=2"} {
			if r := e.Do("GET", "/api/v1/units"+q, admin, nil); r.Code != 400 || r.ErrorCode() != "bad_request" {
				t.Errorf("query %s: %d %s", q, r.Code, r.Body)
			}
		}
		if r := e.Do("GET", "/api/v1/nowhere", admin, nil); r.Code != 404 || r.ErrorCode() != "not_found" {
			t.Errorf("no route: %d %s", r.Code, r.Body)
		}
	})
}

func TestPagination(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		seen := map[string]bool{}
		cursor := ""
		pages := 0
		for {
			r := e.Do("GET", "/api/v1/users?limit=3&cursor="+cursor, e.Tokens["admin"], nil)
			if r.Code != 200 {
				t.Fatalf("page: %d %s", r.Code, r.Body)
			}
			var page handlers.UserList
			r.Decode(&page)
			for _, u := range page.Items {
				if seen[u.ID] {
					t.Fatalf("user %s twice", u.ID)
				}
				seen[u.ID] = true
			}
			pages++
			if page.NextCursor == "" {
				break
			}
			cursor = page.NextCursor
		}
		if len(seen) != len(e.Users) || pages != 3 {
			t.Fatalf("saw %d users in %d pages, want %d in 3", len(seen), pages, len(e.Users))
		}
	})
}

// A handler that panics, a handler that hits a dead database: the envelope
// says internal / unavailable and nothing else.
func TestPanicAndDatabaseDown(t *testing.T) {
	e := apitest.New(t, "sqlite")
	var logs strings.Builder
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := handlers.New(e.Svc)
	r, err := api.NewRouter(api.Deps{Handler: h, Auth: e.Svc.Auth, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	r.GET("/boom", func(c *gin.Context) { panic("secret internal detail") })
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret") || !strings.Contains(w.Body.String(), `"code":"internal"`) {
		t.Fatalf("panic: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "secret internal detail") || !strings.Contains(logs.String(), w.Header().Get("X-Request-ID")) {
		t.Fatalf("panic not logged with the request id: %s", logs.String())
	}

	// Close the pool: every database call now fails as if the server were gone.
	sqlDB, _ := e.DB.DB()
	_ = sqlDB.Close()
	for _, path := range []string{"/readyz", "/api/v1/units"} {
		w := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+e.Tokens["admin"])
		r.ServeHTTP(w, req)
		apitest.CheckContract(t, req, w)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), `"code":"unavailable"`) {
			t.Errorf("%s with the database down: %d %s", path, w.Code, w.Body)
		}
	}
}

func TestSecurityHeadersAndCORS(t *testing.T) {
	e := apitest.New(t, "sqlite")
	r := e.DoWith("OPTIONS", "/api/v1/units", "", nil, map[string]string{"Origin": "https://app.example.gov.tw", "Access-Control-Request-Method": "POST"})
	if r.Code != 204 || r.Header.Get("Access-Control-Allow-Origin") != "https://app.example.gov.tw" {
		t.Errorf("allowed preflight: %d %v", r.Code, r.Header)
	}
	r = e.DoWith("OPTIONS", "/api/v1/units", "", nil, map[string]string{"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
	if r.Code != 403 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign preflight: %d %v", r.Code, r.Header)
	}
	r = e.DoWith("GET", "/api/v1/meta", "", nil, map[string]string{"Origin": "https://evil.example.com"})
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed")
	}
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy", "X-Request-ID"} {
		if r.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	if gin.Mode() != gin.ReleaseMode {
		t.Errorf("gin mode %s", gin.Mode())
	}
}

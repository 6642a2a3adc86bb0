package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ethicsops/apitest"
)

// The web client is served at / with its strict policy, and does not shadow
// the API's JSON 404, the health checks or Swagger. (Through the router
// directly: the client's files are not API routes in docs/swagger.json.)
func TestWebClientRoutes(t *testing.T) {
	e := apitest.New(t, "sqlite")
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		e.Router.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	tests := []struct {
		path, wantType, wantBody string
		wantStatus               int
		wantCSP                  string
	}{
		{"/", "text/html", `<script type="module" src="/static/js/app.js">`, 200, "script-src 'self'"},
		{"/static/js/app.js", "javascript", "import * as api", 200, "connect-src 'self'"},
		{"/static/js/api.js", "javascript", "export async function login", 200, "img-src 'self' blob: data:"},
		{"/static/css/app.css", "text/css", ".tabs", 200, "style-src 'self'"},
		{"/sw.js", "javascript", "caches.open", 200, "default-src 'none'"},
		{"/static/nothing.js", "text/plain", "not found", 404, ""},
		{"/api/v1/nothing", "application/json", `"code":"not_found"`, 404, "default-src 'none'"},
		{"/healthz", "application/json", `"status":"ok"`, 200, ""},
		{"/swagger/index.html", "text/html", "swagger", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := get(tt.path)
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %.200s", w.Code, tt.wantStatus, w.Body.String())
			}
			if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("body lacks %q: %.200s", tt.wantBody, w.Body.String())
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, tt.wantCSP) {
				t.Errorf("CSP %q lacks %q", csp, tt.wantCSP)
			}
		})
	}
	// No inline script or style anywhere in the page: the policy would block it.
	page := get("/").Body.String()
	for _, bad := range []string{"<script>", "style=", "<style", "onclick=", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
}

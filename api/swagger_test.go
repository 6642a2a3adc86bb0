package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ethicsops/api"
	"ethicsops/apitest"
	"ethicsops/handlers"
)

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// TestSwaggerUIPolicy: every file of the Swagger UI, which shares the web
// client's origin (and so its tokens in localStorage), is served with a
// policy that runs only this server's own scripts and styles.
func TestSwaggerUIPolicy(t *testing.T) {
	e := apitest.New(t, "sqlite")
	for _, tc := range []struct{ path, wantType, wantBody string }{
		{"/swagger/index.html", "text/html", `<script src="./swagger-initializer.js">`},
		{"/swagger/index.css", "text/css", ".swagger-icons"},
		{"/swagger/swagger-initializer.js", "javascript", "SwaggerUIBundle("},
		{"/swagger/swagger-ui-bundle.js", "javascript", "SwaggerUIBundle"},
		{"/swagger/swagger-ui.css", "text/css", ".swagger-ui"},
		{"/swagger/doc.json", "application/json", `"swagger"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := get(e.Router, tc.path)
			if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), tc.wantType) || !strings.Contains(w.Body.String(), tc.wantBody) {
				t.Fatalf("%d %q: %.200s", w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			csp := w.Header().Get("Content-Security-Policy")
			if csp != api.SwaggerCSP {
				t.Fatalf("CSP %q, want the Swagger UI's", csp)
			}
			for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "http:", "https:"} {
				if strings.Contains(csp, bad) {
					t.Errorf("CSP %q allows %q", csp, bad)
				}
			}
		})
	}
	page := get(e.Router, "/swagger/index.html").Body.String()
	for _, bad := range []string{"style=", "<style", "<script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page has inline %q, which its policy refuses", bad)
		}
	}
}

// TestSwaggerUIOff: ETHICSOPS_SWAGGER_UI=off answers 404 for the UI's page
// and files, while the document stays for managers' tools.
func TestSwaggerUIOff(t *testing.T) {
	e := apitest.New(t, "sqlite")
	r, err := api.NewRouter(api.Deps{Handler: handlers.New(e.Svc), Auth: e.Svc.Auth, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SwaggerUIOff: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/swagger/index.html", "/swagger/index.css", "/swagger/swagger-initializer.js", "/swagger/swagger-ui-bundle.js", "/swagger/swagger-ui.css", "/swagger/favicon-32x32.png"} {
		if w := get(r, path); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `"code":"not_found"`) {
			t.Errorf("%s with the UI off: %d %.200s", path, w.Code, w.Body.String())
		}
	}
	w := get(r, "/swagger/doc.json")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"/api/v1/auth/login"`) {
		t.Fatalf("doc.json with the UI off: %d %.200s", w.Code, w.Body.String())
	}
	// The same router with the UI on (the default) serves the page.
	if w := get(e.Router, "/swagger/index.html"); w.Code != http.StatusOK {
		t.Fatalf("UI on: %d", w.Code)
	}
}

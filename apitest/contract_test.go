package apitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the contract check's complaints.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// TestContractCatches: the check refuses what a client generated from the
// document would trip on: a field the document does not list (a renamed
// one), a required field missing, and errors (500, 503, unknown routes)
// that are not exactly the documented envelope. A response as documented
// passes.
func TestContractCatches(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	envelope := `{"error":{"code":"unavailable","message":"the database is unavailable; try again shortly","request_id":"r-1"}}`
	for _, tc := range []struct {
		name, method, path string
		status             int
		body, want         string // want: a substring of the complaint; "" for none
	}{
		{"as documented", "GET", "/healthz", 200, `{"status":"ok"}`, ""},
		{"an undocumented (renamed) field", "GET", "/healthz", 200, `{"state":"ok"}`, `"state" is unsupported`},
		{"a required field missing", "GET", "/api/v1/units", 200, `{"items":[]}`, `"next_cursor" is missing`},
		{"a 503 as documented", "GET", "/api/v1/units", 503, envelope, ""},
		{"a 503 without its request id", "GET", "/api/v1/units", 503, `{"error":{"code":"unavailable","message":"down"}}`, `"request_id" is missing`},
		{"a 500 with internals", "GET", "/api/v1/units", 500, `{"error":{"code":"internal","message":"boom","request_id":"r","stack":"main.go:12"}}`, `"stack" is unsupported`},
		{"an unknown error code", "GET", "/api/v1/units", 503, strings.Replace(envelope, "unavailable", "db_down", 1), "db_down"},
		{"an unknown route's envelope", "GET", "/api/v1/nope", 404, `{"error":{"code":"not_found","message":"route not found","request_id":"r"}}`, ""},
		{"an unknown route answering HTML", "GET", "/api/v1/nope", 404, `<h1>404</h1>`, "not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			req := httptest.NewRequest(tc.method, tc.path, nil)
			checkContract(rec, req, tc.status, json, []byte(tc.body))
			got := strings.Join(rec.errs, "\n")
			switch {
			case tc.want == "" && got != "":
				t.Fatalf("refused a documented response: %s", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Fatalf("want a complaint with %q, got %q", tc.want, got)
			}
		})
	}
}

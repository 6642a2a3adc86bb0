package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"ethicsops/apitest"
)

// fuzzBody sends each fuzzed body to one create route of the real router on
// SQLite (decode, validate, store) and requires a well-formed answer: never
// a 500 (a panic becomes one), and every error in the one envelope. The seed
// corpora are in testdata/fuzz/<target>/.
func fuzzBody(f *testing.F, method string, path func(e *apitest.Env) string, who string) {
	e := apitest.New(f, "sqlite")
	p := path(e)
	token := e.Tokens[who]
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(method, p, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		// A fresh address per request, so that the registration throttle
		// does not hide the handler behind 429s.
		i := n.Add(1)
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", i>>16&255, i>>8&255, i&255)
		w := httptest.NewRecorder()
		e.Router.ServeHTTP(w, req)
		apitest.CheckContract(t, req, w)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, p, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var env struct {
				Error struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Error.Code == "" {
				t.Fatalf("%s %s %q: %d not in the error envelope: %s", method, p, body, w.Code, w.Body)
			}
		}
	})
}

func activityPath(e *apitest.Env) string {
	// A fixed activity of "officer" for check-ins (the fuzzed bodies may
	// name any unit; this one exists).
	r := e.Do("POST", "/api/v1/activities", e.Tokens["officer"], map[string]any{
		"id": "01a21b86-bc2f-778d-b77f-288b05a2969b", "kind": "petition", "title": "fuzz", "unit_id": e.Unit.ID,
		"scheduled_at": "2026-03-02T09:00:00+08:00", "petition": map[string]any{"petitioners": 1, "subject": "s", "outcome": "o"}})
	if r.Code != 201 {
		e.T.Fatalf("activity: %d %s", r.Code, r.Body)
	}
	return "/api/v1/activities/01a21b86-bc2f-778d-b77f-288b05a2969b/checkins"
}

func fixed(p string) func(*apitest.Env) string { return func(*apitest.Env) string { return p } }

func FuzzActivityCreate(f *testing.F) {
	fuzzBody(f, "POST", fixed("/api/v1/activities"), "officer")
}

func FuzzActivityPatch(f *testing.F) {
	fuzzBody(f, "PATCH", func(e *apitest.Env) string {
		return strings.TrimSuffix(activityPath(e), "/checkins")
	}, "officer")
}

func FuzzCheckinCreate(f *testing.F) { fuzzBody(f, "POST", activityPath, "officer") }
func FuzzDeclarationCreate(f *testing.F) {
	fuzzBody(f, "POST", fixed("/api/v1/declarations"), "officer")
}
func FuzzUnitCreate(f *testing.F) { fuzzBody(f, "POST", fixed("/api/v1/units"), "admin") }
func FuzzUserCreate(f *testing.F) { fuzzBody(f, "POST", fixed("/api/v1/users"), "admin") }
func FuzzRegister(f *testing.F)   { fuzzBody(f, "POST", fixed("/api/v1/volunteers/register"), "") }
func FuzzSync(f *testing.F)       { fuzzBody(f, "POST", fixed("/api/v1/sync"), "officer") }
func FuzzKPITargets(f *testing.F) { fuzzBody(f, "PUT", fixed("/api/v1/kpis/targets/2027"), "admin") }
func FuzzDrawCreate(f *testing.F) {
	fuzzBody(f, "POST", fixed("/api/v1/declarations/draws"), "manager")
}
func FuzzLogin(f *testing.F) { fuzzBody(f, "POST", fixed("/api/v1/auth/login"), "") }

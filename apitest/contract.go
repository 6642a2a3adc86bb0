package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"ethicsops/docs"
)

// The contract check: every response an HTTP test receives is validated
// against the committed Swagger document (converted to OpenAPI 3), so the
// document cannot drift from what the server sends. Errors are validated
// like successes (500 and 503 are documented on every operation), a field
// the document does not list fails (objects are closed), and a field it
// marks required must be there: a JSON name changed in a DTO without the
// document following fails here as well as in the drift check.
var (
	contractOnce   sync.Once
	contractRouter routers.Router
	contractErr    error
)

func loadContract() (routers.Router, error) {
	contractOnce.Do(func() {
		var v2 openapi2.T
		if contractErr = json.Unmarshal([]byte(docs.SwaggerInfo.ReadDoc()), &v2); contractErr != nil {
			return
		}
		var v3 *openapi3.T
		if v3, contractErr = openapi2conv.ToV3(&v2); contractErr != nil {
			return
		}
		v3.Servers = openapi3.Servers{{URL: "/"}}
		closeObjects(v3)
		contractRouter, contractErr = legacy.NewRouter(v3)
	})
	return contractRouter, contractErr
}

// closeObjects forbids properties the document does not list, in every
// schema that lists some (Swagger 2.0 leaves objects open, and swag cannot
// say otherwise), so an undocumented or renamed field is an error.
func closeObjects(doc *openapi3.T) {
	no := false
	for _, ref := range doc.Components.Schemas {
		if s := ref.Value; s != nil && len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			s.AdditionalProperties.Has = &no
		}
	}
}

// unionResponses are answers whose shape depends on the caller or the
// query, which Swagger 2.0 (no oneOf) cannot express: a volunteer reads
// activities as PublicActivityDTO, and GET /kpis?from=&to= answers the
// years of a range. Their descriptions say so; they are still checked to be
// documented statuses, and their errors are checked in full.
var unionResponses = map[string]bool{"listActivities": true, "getActivity": true, "kpiReport": true}

// notFoundSchema is the error envelope every unknown route answers with.
var notFoundSchema = func() *openapi3.Schema {
	var s openapi3.Schema
	_ = json.Unmarshal([]byte(`{"type":"object","additionalProperties":false,"required":["error"],"properties":{"error":{"type":"object","required":["code","message","request_id"],"properties":{"code":{"type":"string","enum":["not_found","method_not_allowed"]},"message":{"type":"string"},"request_id":{"type":"string"}}}}}`), &s)
	return &s
}()

// checkContract fails t when the response to req does not match the
// document: an undocumented route or status, or a body of another shape.
func checkContract(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	router, err := loadContract()
	if err != nil {
		t.Fatalf("contract: load docs/swagger.json: %v", err)
	}
	// Not the API: the document itself, Swagger UI, the web client's files
	// and CORS preflights (answered by the CORS middleware before any route).
	if strings.HasPrefix(req.URL.Path, "/swagger/") || req.Method == http.MethodOptions ||
		(!strings.HasPrefix(req.URL.Path, "/api/") && req.URL.Path != "/healthz" && req.URL.Path != "/readyz") {
		return
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			// Unknown routes are in no document; their answer is still the
			// error envelope and nothing else.
			var v any
			if json.Unmarshal(body, &v) != nil {
				t.Errorf("contract: %s %s → %d: not JSON: %.300s", req.Method, req.URL.Path, status, body)
			} else if err := notFoundSchema.VisitJSON(v); err != nil {
				t.Errorf("contract: %s %s → %d: not the error envelope: %v\nbody: %.300s", req.Method, req.URL.Path, status, err, body)
			}
			return
		}
		t.Errorf("contract: %s %s is not documented: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true, IncludeResponseStatus: true, MultiError: true},
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if ct := header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		out.Options.ExcludeResponseBody = true // files and exports: the status and headers are checked
	}
	if status < 300 && unionResponses[route.Operation.OperationID] {
		out.Options.ExcludeResponseBody = true
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("contract: %s %s → %d does not match docs/swagger.json: %v\nbody: %.300s", req.Method, req.URL.Path, status, err, body)
	}
}

// CheckContract is the contract check for a test that calls the router
// itself (a fuzz target, a request with a forged address or length) rather
// than through Env.Do: its response is held to the document all the same.
func CheckContract(t testing.TB, req *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	checkContract(t, req, w.Code, w.Header(), w.Body.Bytes())
}

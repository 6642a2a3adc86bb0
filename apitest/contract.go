package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
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
// document cannot drift from what the server sends.
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
		contractRouter, contractErr = legacy.NewRouter(v3)
	})
	return contractRouter, contractErr
}

// checkContract fails t when the response to req does not match the
// document: an undocumented route or status, or a body of another shape.
func checkContract(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	router, err := loadContract()
	if err != nil {
		t.Fatalf("contract: load docs/swagger.json: %v", err)
	}
	if req.URL.Path == "/swagger/doc.json" || strings.HasPrefix(req.URL.Path, "/swagger/") || req.Method == http.MethodOptions {
		return
	}
	if status == http.StatusInternalServerError || status == http.StatusServiceUnavailable {
		// Any route can fail so; the envelope is what must hold.
		var env struct {
			Error struct{ Code, Message, RequestID string } `json:"error"`
		}
		if json.Unmarshal(body, &env) != nil || env.Error.Code == "" {
			t.Errorf("contract: %d without the error envelope: %.300s", status, body)
		}
		return
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return // unknown routes answer 404, which no document lists
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
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("contract: %s %s → %d does not match docs/swagger.json: %v\nbody: %.300s", req.Method, req.URL.Path, status, err, body)
	}
}

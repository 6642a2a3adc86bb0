// Package handlers is the HTTP edge of ethicsops: each handler binds a request
// DTO, calls one service method and writes a response DTO. Errors go to
// c.Error; the api package renders them in the one error envelope.
package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ethicsops/services"
	"ethicsops/services/reports"
)

// Handler holds the services the handlers call.
type Handler struct {
	Auth  *services.AuthService
	Users *services.UserService
	Units *services.UnitService
	KPIs  *services.KPIService

	Declarations *services.DeclarationService

	Audit *services.AuditService

	// Activities and Attachments serve the field records.
	Activities  *services.ActivityService
	Attachments *services.AttachmentService
	// Volunteers serves sign-ups, participation and the volunteer list.
	Volunteers *services.VolunteerService
	// EarlyWarnings serves the 預警作為 register.
	EarlyWarnings *services.EarlyWarningService
	// Registrations serves the ethics-code register.
	Registrations *services.RegistrationService
	// Reports serves the whistle-blowing intake and its handlers; main (and
	// the tests) build it beside the services and set it here.
	Reports *reports.Service
	// Describe renders an error as the api package would (status and
	// envelope); the router sets it. Sync uses it to answer each operation.
	Describe func(c *gin.Context, err error) (int, ErrorResponse)
	// Ping checks the database for /readyz.
	Ping func(context.Context) error
}

// New builds the handlers over the services of the process.
func New(svc *services.Services) *Handler {
	return &Handler{Auth: svc.Auth, Users: svc.Users, Units: svc.Units, KPIs: svc.KPIs, Declarations: svc.Declarations, Audit: svc.Audit, Ping: svc.Ping,
		Activities: svc.Activities, Attachments: svc.Attachments, Volunteers: svc.Volunteers, EarlyWarnings: svc.EarlyWarnings,
		Registrations: svc.Registrations}
}

// ActorKey is the gin context key under which the api package stores the
// authenticated services.Actor.
const ActorKey = "ethicsops.actor"

// ErrorResponse is the one shape of every error answer.
type ErrorResponse struct {
	Error ErrorBody `json:"error" binding:"required"`
}

// ErrorBody describes what went wrong.
type ErrorBody struct {
	// Code is one of services/errors.go's codes; README's error table says
	// when each is sent.
	Code    string            `json:"code" example:"validation_failed" binding:"required" enums:"bad_request,unauthenticated,forbidden,not_found,id_conflict,version_conflict,capacity_full,conflict,period_closed,account_rejected,payload_too_large,unsupported_media_type,validation_failed,too_many_requests,internal,unavailable"`
	Message string            `json:"message" example:"some fields are invalid" binding:"required"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Reason is a person's words to show as written: with account_rejected,
	// the reason the manager gave for rejecting the volunteer application
	// (message carries it too, in an English sentence).
	Reason    string `json:"reason,omitempty" example:"本年度志工名額已滿，歡迎明年再報名"`
	RequestID string `json:"request_id" example:"0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d" binding:"required"`
}

// actor returns the signed-in caller set by the auth middleware.
func actor(c *gin.Context) services.Actor {
	a, _ := c.Get(ActorKey)
	act, _ := a.(services.Actor)
	return act
}

// fail hands err to the api error renderer and stops the chain.
func fail(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}

// bindJSON decodes a JSON body into dst strictly: JSON content type, no
// unknown fields, one value only, within the body limit set by the api.
// It never runs gin's validator (no ShouldBind anywhere): the DTOs'
// `binding:"required"` tags only tell swag which fields the document marks
// required; the services decide what a request needs and name the field.
func bindJSON(c *gin.Context, dst any) error {
	ct := c.GetHeader("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return services.E(services.CodeUnsupportedType, "send the body as application/json")
	}
	// The whole body is read first (it is at most MaxJSONBody): an oversized
	// one is refused even when a valid value comes first, and a bad time can
	// be traced back to its field (decodeError).
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return decodeError(err, nil, nil)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, body, dst)
	}
	// Trailing data after the value is malformed.
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err == nil {
			return services.BadRequest("the body must hold one JSON value")
		}
		return decodeError(err, nil, nil)
	}
	return nil
}

// decodeError turns an error of decoding body into dst into a domain error:
// a value of the wrong type (or a time that is not RFC 3339) is a 422 naming
// its path in the request; a body that is not JSON at all is a 400.
func decodeError(err error, body []byte, dst any) error {
	var (
		maxErr    *http.MaxBytesError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &maxErr):
		return services.E(services.CodeTooLarge, "the body is larger than %d bytes", maxErr.Limit)
	case errors.Is(err, io.EOF):
		return services.BadRequest("the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return services.BadRequest("the JSON body ends too early")
	case errors.As(err, &syntaxErr):
		return services.BadRequest("malformed JSON at byte %d", syntaxErr.Offset)
	}
	var offset int64 = -1
	if errors.As(err, &typeErr) {
		offset = typeErr.Offset
	}
	bad := findBadValue(body, dst, offset)
	switch {
	case bad.ok:
		// An UnmarshalJSON method refused the value: the request's times
		// are the only values that decode themselves.
		return services.Invalid(bad.unmarshaler, "must be a time in RFC 3339, such as 2026-03-01T09:00:00+08:00")
	case typeErr != nil && bad.atOffset != "":
		return services.Invalid(bad.atOffset, fmt.Sprintf("must be %s, not %s", jsonType(typeErr.Type.String()), typeErr.Value))
	case typeErr != nil:
		return services.BadRequest("the body must be a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return services.BadRequest("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	default:
		return services.BadRequest("malformed JSON: %s", err.Error())
	}
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "string"), strings.Contains(goType, "Time"):
		return "a string"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	default:
		return "an object"
	}
}

// query checks that the query string has only allowed keys, each once, and
// returns an accessor. Anything else is a bad_request, never SQL.
func query(c *gin.Context, allowed ...string) (func(string) string, error) {
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		// URL.Query would silently drop the malformed pair instead.
		return nil, services.BadRequest("malformed query string")
	}
	for k, vs := range q {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return nil, services.BadRequest("unknown query parameter %q", k)
		}
		if len(vs) > 1 {
			return nil, services.BadRequest("query parameter %q given more than once", k)
		}
	}
	return q.Get, nil
}

// listQuery is query for a list: the filters given plus limit and cursor,
// with limit parsed.
func listQuery(c *gin.Context, filters ...string) (get func(string) string, limit int, err error) {
	if get, err = query(c, append(filters, "limit", "cursor")...); err != nil {
		return nil, 0, err
	}
	limit, err = intParam(get, "limit")
	return get, limit, err
}

// createdStatus is 201 for a new record, 200 for a replay of a create with
// the same client id and content.
func createdStatus(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

// intParam parses an optional integer query value.
func intParam(get func(string) string, name string) (int, error) {
	v := get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, services.BadRequest("%s must be an integer", name)
	}
	return n, nil
}

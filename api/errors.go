package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"ethicsops/handlers"
	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/storage"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	services.CodeBadRequest:      http.StatusBadRequest,
	services.CodeUnauthenticated: http.StatusUnauthorized,
	services.CodeForbidden:       http.StatusForbidden,
	services.CodeNotFound:        http.StatusNotFound,
	services.CodeIDConflict:      http.StatusConflict,
	services.CodeVersionConflict: http.StatusConflict,
	services.CodeCapacityFull:    http.StatusConflict,
	services.CodeConflict:        http.StatusConflict,
	services.CodePeriodClosed:    http.StatusConflict,
	services.CodeAccountRejected: http.StatusForbidden,
	services.CodeTooLarge:        http.StatusRequestEntityTooLarge,
	services.CodeUnsupportedType: http.StatusUnsupportedMediaType,
	services.CodeValidation:      http.StatusUnprocessableEntity,
	services.CodeTooManyRequests: http.StatusTooManyRequests,
	services.CodeInternal:        http.StatusInternalServerError,
	services.CodeUnavailable:     http.StatusServiceUnavailable,
}

// unavailableRetry is the Retry-After sent while the database is down.
const unavailableRetry = 5 * time.Second

// classify turns any error into a domain error: domain errors pass through,
// database outages become unavailable, and anything else is internal.
func classify(err error) (e *services.Error, internal bool) {
	if de, ok := services.AsError(err); ok {
		return de, false
	}
	if isUnavailable(err) {
		return &services.Error{Code: services.CodeUnavailable, Message: "the database is not reachable; try again shortly", RetryAfter: unavailableRetry}, false
	}
	if errors.Is(err, storage.ErrUnavailable) {
		return &services.Error{Code: services.CodeUnavailable, Message: "the file store is not reachable; try again shortly", RetryAfter: unavailableRetry}, false
	}
	return &services.Error{Code: services.CodeInternal, Message: "internal error; quote the request id when reporting it"}, true
}

// isUnavailable reports whether err means the database cannot be reached
// (as opposed to a bug): refused or dropped connections, timeouts.
func isUnavailable(err error) bool { return models.IsUnreachable(err) }

// writeError renders err in the one envelope. 500s are logged with the
// request id; the client never sees internals.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	status, body := describe(c, log, err)
	c.AbortWithStatusJSON(status, body)
}

// describe is writeError without writing: the status, the envelope, and the
// Retry-After header. Batch answers (sync) use it per operation.
func describe(c *gin.Context, log *slog.Logger, err error) (int, handlers.ErrorResponse) {
	if log == nil {
		log = slog.Default()
	}
	de, internal := classify(err)
	if internal {
		log.Error("internal error", "request_id", requestID(c), "method", c.Request.Method, "path", c.FullPath(), "error", err.Error())
	} else if de.Code == services.CodeUnavailable {
		log.Warn("unavailable", "request_id", requestID(c), "error", err.Error())
	}
	if de.Code == services.CodeUnavailable && de.RetryAfter == 0 {
		de = &services.Error{Code: de.Code, Message: de.Message, RetryAfter: unavailableRetry}
	}
	status, ok := statusOf[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if de.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int((de.RetryAfter+time.Second-1)/time.Second)))
	}
	return status, handlers.ErrorResponse{Error: handlers.ErrorBody{
		Code: de.Code, Message: de.Message, Fields: de.Fields, Reason: de.Reason, RequestID: requestID(c),
	}}
}

// renderErrors writes the first error a handler reported, unless it already
// wrote a response.
func renderErrors(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		writeError(c, log, c.Errors[0].Err)
	}
}

// Package services holds the rules of ethicsops: who may do what, how records
// are validated, counted and audited. It speaks in domain errors (this file);
// the api package alone turns them into HTTP statuses.
package services

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Error codes, as SPEC.md names them.
const (
	CodeBadRequest      = "bad_request"
	CodeUnauthenticated = "unauthenticated"
	CodeForbidden       = "forbidden"
	CodeNotFound        = "not_found"
	CodeIDConflict      = "id_conflict"
	CodeVersionConflict = "version_conflict"
	CodeCapacityFull    = "capacity_full"
	CodeConflict        = "conflict"
	// CodePeriodClosed: the write would change a count of a closed KPI year.
	CodePeriodClosed = "period_closed"
	// CodeAccountRejected: the right password of a volunteer application a
	// manager rejected; the error's Reason is the manager's reason.
	CodeAccountRejected = "account_rejected"
	CodeTooLarge        = "payload_too_large"
	CodeUnsupportedType = "unsupported_media_type"
	CodeValidation      = "validation_failed"
	CodeTooManyRequests = "too_many_requests"
	CodeInternal        = "internal"
	CodeUnavailable     = "unavailable"
)

// Error is a domain error: a code from the list above, a message safe to show
// to the caller, and for validation the failing fields.
type Error struct {
	Code       string
	Message    string
	Fields     map[string]string
	RetryAfter time.Duration
	// Reason is a person's words the caller is to be shown as written (the
	// reason an application was rejected), apart from Message.
	Reason string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + e.Fields[k]
	}
	return e.Code + ": " + e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Is makes errors.Is(err, ErrNotFound) true for every not_found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrBadRequest      = &Error{Code: CodeBadRequest, Message: "bad request"}
	ErrUnauthenticated = &Error{Code: CodeUnauthenticated, Message: "authentication required"}
	ErrForbidden       = &Error{Code: CodeForbidden, Message: "not allowed"}
	ErrNotFound        = &Error{Code: CodeNotFound, Message: "not found"}
	ErrIDConflict      = &Error{Code: CodeIDConflict, Message: "this id is already used by a different record"}
	ErrVersionConflict = &Error{Code: CodeVersionConflict, Message: "the record was changed by someone else; reload it and try again"}
	ErrCapacityFull    = &Error{Code: CodeCapacityFull, Message: "no free places left"}
	ErrConflict        = &Error{Code: CodeConflict, Message: "conflict"}
	ErrValidation      = &Error{Code: CodeValidation, Message: "validation failed"}
	ErrTooManyRequests = &Error{Code: CodeTooManyRequests, Message: "too many requests"}
	ErrUnavailable     = &Error{Code: CodeUnavailable, Message: "the service is temporarily unavailable"}
)

// E makes an Error with a code and a message.
func E(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound says that a thing does not exist (or the caller may not know it does).
func NotFound(what string) *Error { return E(CodeNotFound, "%s not found", what) }

// Forbidden says that the caller is known but not allowed.
func Forbidden(why string) *Error { return E(CodeForbidden, "%s", why) }

// BadRequest says that the request itself is malformed.
func BadRequest(format string, args ...any) *Error { return E(CodeBadRequest, format, args...) }

// Conflict makes a 409-class error with one of the conflict codes.
func Conflict(code, format string, args ...any) *Error { return E(code, format, args...) }

// Fields collects field-level validation problems; its Err is nil when empty.
type Fields map[string]string

// Add records a problem with field; the first problem of a field wins.
func (f Fields) Add(field, problem string) {
	if _, ok := f[field]; !ok {
		f[field] = problem
	}
}

// Err returns a validation_failed *Error, or nil when no problem was added.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: CodeValidation, Message: "some fields are invalid", Fields: f}
}

// Invalid is a one-field validation error.
func Invalid(field, problem string) error { return Fields{field: problem}.Err() }

// TooMany is a 429 with the time after which the caller may try again.
func TooMany(retryAfter time.Duration, msg string) *Error {
	return &Error{Code: CodeTooManyRequests, Message: msg, RetryAfter: retryAfter}
}

// AsError returns err as a domain *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

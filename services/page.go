package services

import (
	"encoding/base64"
	"encoding/json"
)

// Page limits of every list.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Page is one page of a list and the cursor of the next one ("" at the end).
type Page[T any] struct {
	Items      []T
	NextCursor string
}

// Cursor is the position after the last row of a page: the sort key's value
// and the id that breaks ties. It travels base64-encoded and is opaque to
// clients.
type Cursor struct {
	Key string `json:"k"`
	ID  string `json:"i"`
}

// EncodeCursor makes the opaque cursor string.
func EncodeCursor(c Cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor string; "" is the first page. A cursor that was
// not made by EncodeCursor is a bad_request.
func DecodeCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return nil, BadRequest("cursor is not valid")
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
		return nil, BadRequest("cursor is not valid")
	}
	return &c, nil
}

// ClampLimit applies the default and the maximum page size. A limit outside
// 1..MaxLimit is a bad_request rather than silently changed.
func ClampLimit(limit int) (int, error) {
	if limit == 0 {
		return DefaultLimit, nil
	}
	if limit < 1 || limit > MaxLimit {
		return 0, BadRequest("limit must be between 1 and %d", MaxLimit)
	}
	return limit, nil
}

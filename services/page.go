package services

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"gorm.io/gorm"
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

// timeCursor is the cursor of a row in a list ordered by (a time, id).
func timeCursor(t time.Time, id string) Cursor {
	return Cursor{Key: t.UTC().Format(time.RFC3339Nano), ID: id}
}

// afterTimeCursor narrows q to the rows after cur (nil: the first page) in
// the order (col, id), ascending, or descending when desc: the order of a
// list whose cursors are timeCursor. col is a column name from the code,
// never from a request.
func afterTimeCursor(q *gorm.DB, cur *Cursor, col string, desc bool) (*gorm.DB, error) {
	if cur == nil {
		return q, nil
	}
	t, err := time.Parse(time.RFC3339Nano, cur.Key)
	if err != nil {
		return nil, BadRequest("cursor is not valid")
	}
	op := ">"
	if desc {
		op = "<"
	}
	// UTC always: SQLite compares the stored text.
	t = t.UTC()
	return q.Where("("+col+" "+op+" ? OR ("+col+" = ? AND id "+op+" ?))", t, t, cur.ID), nil
}

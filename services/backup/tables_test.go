package backup

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestCanonicalLine: every engine's form of a value gives the same line,
// and the line reads back (as restore reads it) to the values it holds.
func TestCanonicalLine(t *testing.T) {
	cols := []Column{{"title", "string"}, {"at", "time"}, {"n", "int"}, {"ok", "bool"}, {"lat", "float"}, {"blob", "bytes"}, {"gone", "time"}}
	order := []int{1, 5, 6, 3, 4, 2, 0}
	at := time.Date(2026, 11, 28, 7, 0, 0, 123456000, time.FixedZone("CST", 8*3600))
	title := "政風 \"查核\" \\ a<b>&c\n\t\x01 完"
	forms := [][]any{
		{title, at, int64(42), int64(1), 25.0375, []byte{0, 1, 2}, nil},                               // SQLite
		{[]byte(title), at.UTC(), []byte("42"), []byte("1"), []byte("25.0375"), []byte{0, 1, 2}, nil}, // MySQL, text protocol
		{title, "2026-11-27 23:00:00.123456+00:00", "42", true, "25.0375", "\x00\x01\x02", nil},       // text forms
	}
	var lines [][]byte
	for _, raw := range forms {
		vals := make([]any, len(cols))
		for i, c := range cols {
			v, err := canonical(c.Type, raw[i])
			if err != nil {
				t.Fatal(err)
			}
			vals[i] = v
		}
		lines = append(lines, appendLine(nil, cols, order, vals))
	}
	for _, l := range lines[1:] {
		if !bytes.Equal(l, lines[0]) {
			t.Fatalf("forms of one row differ:\n%s\n%s", lines[0], l)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(lines[0]))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil {
		t.Fatalf("%s: %v", lines[0], err)
	}
	want := map[string]any{"title": title, "at": at.UTC(), "n": int64(42), "ok": true, "lat": 25.0375, "blob": []byte{0, 1, 2}, "gone": nil}
	for _, c := range cols {
		got, err := argument(c.Type, row[c.Name])
		if err != nil {
			t.Fatal(err)
		}
		w := want[c.Name]
		if b, ok := w.([]byte); ok {
			if !bytes.Equal(got.([]byte), b) {
				t.Errorf("%s: %v, want %v", c.Name, got, w)
			}
			continue
		}
		if tm, ok := w.(time.Time); ok {
			if !got.(time.Time).Equal(tm) {
				t.Errorf("%s: %v, want %v", c.Name, got, w)
			}
			continue
		}
		if got != w {
			t.Errorf("%s: %#v, want %#v", c.Name, got, w)
		}
	}
}

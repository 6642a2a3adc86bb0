package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"ethicsops/models"
)

// The pprof listener's /debug/dbstats shows the pool as it is: a connection
// held by a caller is counted open and in use, and is idle once given back.
func TestDBStatsHandler(t *testing.T) {
	db, err := models.Open(models.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "stats.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB(db)
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	stats := func() map[string]float64 {
		rec := httptest.NewRecorder()
		dbStatsHandler(db).ServeHTTP(rec, httptest.NewRequest("GET", "/debug/dbstats", nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		var m map[string]float64
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m := stats(); m["in_use"] != 1 || m["open_connections"] < 1 {
		t.Fatalf("a held connection: %v", m)
	}
	_ = conn.Close()
	if m := stats(); m["in_use"] != 0 || m["idle"] < 1 {
		t.Fatalf("a returned connection: %v", m)
	}
}

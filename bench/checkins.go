package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// benchCheckins compares (a) raw single-row INSERTs into a copy of the
// check-ins table through the bare driver with (b) check-in POSTs through the
// server, at the same concurrency and count. With -rounds above 1 the two
// alternate, round after round, and the verdict is on the medians: on a
// small machine shared by the client, the server and the database, one
// run's throughput varies by ±15%.
func benchCheckins(o options, dsn string, srv *server) error {
	fmt.Printf("\n== check-ins: %d each, concurrency %d, %d round(s)\n", o.n, o.c, o.rounds)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(o.c)
	db.SetMaxIdleConns(o.c)
	// Same columns and indexes as the real table: a fair floor.
	if _, err := db.Exec("CREATE TABLE bench_raw_checkins LIKE checkins"); err != nil {
		return err
	}
	rawLoad := func() *result {
		return load("raw INSERT (bare driver)", o.n, o.c, func(w, i int) error {
			now := time.Now().UTC()
			_, err := db.Exec("INSERT INTO bench_raw_checkins (id, activity_id, user_id, type, lat, lng, accuracy_m, captured_at, received_at, geofence, distance_m, clock_skew_s, content_hash, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
				newUUID(), fmt.Sprintf("activity-%02d", w), "bench-user", "arrive", 23.48, 120.45, 10.0, now, now, "inside", 12.5, 0.4, "0000000000000000000000000000000000000000000000000000000000000000", now)
			return err
		})
	}

	// One officer, one activity per worker (check-ins of one phone go to its
	// own visit), with a site so that the geofence is computed.
	token, unitID, err := srv.staff("officer")
	if err != nil {
		return err
	}
	acts := make([]string, o.c)
	for w := range acts {
		var a struct {
			ID string `json:"id"`
		}
		body := map[string]any{
			"kind": "safety_inspection", "title": fmt.Sprintf("壓測安全維護檢查 %d", w), "unit_id": unitID,
			"site":         map[string]any{"name": "嘉義市政府", "address": "嘉義市東區中山路199號", "lat": 23.4800, "lng": 120.4491, "radius_m": 150},
			"scheduled_at": time.Now().UTC().Format(time.RFC3339), "checklist": []map[string]string{{"item": "消防設備"}},
		}
		if _, err := srv.do("POST", "/api/v1/activities", token, body, &a); err != nil {
			return err
		}
		acts[w] = a.ID
	}
	apiLoad := func() *result {
		return load("check-in POST (through the server)", o.n, o.c, func(w, i int) error {
			body := map[string]any{
				"id": newUUID(), "type": "arrive", "lat": 23.4800 + rand.Float64()*0.002, "lng": 120.4491 + rand.Float64()*0.002,
				"accuracy_m": 8 + rand.Float64()*20, "captured_at": time.Now().UTC().Add(-2 * time.Second).Format(time.RFC3339Nano),
			}
			_, err := srv.do("POST", "/api/v1/activities/"+acts[w]+"/checkins", token, body, nil)
			return err
		})
	}

	srv.peakRSS.Store(0)
	var raws, apis []*result
	var ratios []float64
	for r := 1; r <= o.rounds; r++ {
		raw, api := rawLoad(), apiLoad()
		raws, apis = append(raws, raw), append(apis, api)
		ratios = append(ratios, api.perSec()/raw.perSec())
		if o.rounds > 1 {
			fmt.Printf("  round %d\n", r)
		}
		raw.print()
		api.print()
		if raw.errs > 0 || api.errs > 0 {
			return fmt.Errorf("errors during the check-in suite")
		}
	}
	ratio := median(ratios)
	p99 := median(values(apis, func(r *result) float64 { return float64(r.pct(0.99)) }))
	peak := float64(srv.peakRSS.Load()) / 1024
	hwm := float64(procStatusKB(srv.cmd.Process.Pid, "VmHWM:")) / 1024
	if o.rounds > 1 {
		fmt.Printf("  medians of %d rounds: raw %.0f/s, server %.0f/s\n", o.rounds,
			median(values(raws, (*result).perSec)), median(values(apis, (*result).perSec)))
	}
	fmt.Printf("  throughput ratio server/raw = %.2f (target ≥ 0.60) %s\n", ratio, verdict(ratio >= 0.6))
	fmt.Printf("  server p99 = %s (target ≤ 50ms) %s\n", ms(time.Duration(p99)), verdict(p99 <= float64(50*time.Millisecond)))
	fmt.Printf("  server peak RSS while serving = %.1f MiB (VmHWM since start %.1f MiB; target ≤ 60 MiB) %s\n", peak, hwm, verdict(peak <= 60))
	return nil
}

// values is f of each result.
func values(rs []*result, f func(*result) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

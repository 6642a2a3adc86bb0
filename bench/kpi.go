package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// kindWeights approximate an office's yearly mix (procurement dominates).
var kindWeights = []struct {
	kind   string
	weight int
}{
	{"procurement_supervision", 70}, {"security_maintenance", 5}, {"petition", 5}, {"safety_inspection", 5},
	{"infosec_audit", 3}, {"outreach_event", 6}, {"ethics_promotion", 6},
}

// kpiOf mirrors services.KPIForActivity, for checking the raw query.
func kpiOf(kind, scale string) (string, bool) {
	switch kind {
	case "procurement_supervision":
		return "procurement_supervisions", true
	case "security_maintenance", "petition":
		return "security_maintenance_and_petitions", true
	case "safety_inspection":
		return "safety_inspections", true
	case "infosec_audit":
		return "infosec_audits", true
	case "outreach_event":
		return "anti_corruption_events", scale == "large"
	case "ethics_promotion":
		return "ethics_code_promotions", true
	}
	return "", false
}

// benchKPI loads o.activities records over ten years, rebuilds the rollups
// with the server's own command, then times the report against a GROUP BY.
func benchKPI(o options, dsn, bin string, srv *server) error {
	fmt.Printf("\n== KPI report at %d activities (year %d)\n", o.activities, o.year)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	t0 := time.Now()
	if err := loadActivities(db, o.activities); err != nil {
		return err
	}
	fmt.Printf("  loaded %d activities in %v\n", o.activities, time.Since(t0).Round(time.Millisecond))
	rebuild := exec.Command(bin, "kpi", "rebuild")
	rebuild.Env = srv.cmd.Env
	out, err := rebuild.CombinedOutput()
	if err != nil {
		return fmt.Errorf("kpi rebuild: %v: %s", err, out)
	}
	fmt.Printf("  %s", lastLine(string(out)))
	var rollups int
	_ = db.QueryRow("SELECT COUNT(*) FROM kpi_rollups").Scan(&rollups)
	fmt.Printf("  rollup rows in all: %d\n", rollups)

	token, _, err := srv.staff("manager")
	if err != nil {
		return err
	}
	var report struct {
		KPIs []struct {
			Code   string   `json:"code"`
			Actual *float64 `json:"actual"`
		} `json:"kpis"`
	}
	path := fmt.Sprintf("/api/v1/kpis?year=%d", o.year)
	if _, err := srv.do("GET", path, token, nil, &report); err != nil {
		return err
	}
	api := load("KPI report over HTTP", 300, 1, func(int, int) error {
		_, err := srv.do("GET", path, token, nil, nil)
		return err
	})

	loc, _ := time.LoadLocation("Asia/Taipei")
	from, to := time.Date(o.year, 1, 1, 0, 0, 0, 0, loc).UTC(), time.Date(o.year+1, 1, 1, 0, 0, 0, 0, loc).UTC()
	const q = "SELECT kind, scale, COUNT(*) FROM activities WHERE status = 'completed' AND deleted_at IS NULL AND completed_at >= ? AND completed_at < ? GROUP BY kind, scale"
	var rawCounts map[string]int64
	raw := load("GROUP BY over activities", 20, 1, func(int, int) error {
		rows, err := db.Query(q, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		counts := map[string]int64{}
		for rows.Next() {
			var kind, scale string
			var n int64
			if err := rows.Scan(&kind, &scale, &n); err != nil {
				return err
			}
			if code, ok := kpiOf(kind, scale); ok {
				counts[code] += n
			}
		}
		rawCounts = counts
		return rows.Err()
	})
	// The drill-down reads the same rollups: by unit, by month, and the
	// first page of the records behind one number.
	var grouped [2]*result
	for i, g := range []string{"unit", "month"} {
		gpath := path + "&group=" + g
		grouped[i] = load("KPI report group="+g, 100, 1, func(int, int) error {
			_, err := srv.do("GET", gpath, token, nil, nil)
			return err
		})
	}
	recPath := fmt.Sprintf("/api/v1/kpis/procurement_supervisions/records?year=%d&limit=50", o.year)
	records := load("records behind procurement_supervisions (page of 50)", 100, 1, func(int, int) error {
		_, err := srv.do("GET", recPath, token, nil, nil)
		return err
	})
	api.print()
	grouped[0].print()
	grouped[1].print()
	records.print()
	raw.print()
	same := true
	var lines []string
	for _, k := range report.KPIs {
		if k.Code == "property_declaration_on_time_rate" {
			continue
		}
		got := int64(-1)
		if k.Actual != nil {
			got = int64(*k.Actual)
		}
		if got != rawCounts[k.Code] {
			same = false
		}
		lines = append(lines, fmt.Sprintf("%s report %d / GROUP BY %d", k.Code, got, rawCounts[k.Code]))
	}
	sort.Strings(lines)
	fmt.Printf("  numbers: %s\n", strings.Join(lines, "; "))
	speedup := float64(raw.pct(0.5)) / float64(api.pct(0.5))
	fmt.Printf("  identical numbers: %s\n", verdict(same))
	fmt.Printf("  report p50 = %s (target ≤ 20ms) %s\n", ms(api.pct(0.5)), verdict(api.pct(0.5) <= 20*time.Millisecond))
	fmt.Printf("  speed-up over GROUP BY (p50) = %.1f× (target ≥ 10×) %s\n", speedup, verdict(speedup >= 10))
	if !same {
		return fmt.Errorf("the report and the GROUP BY disagree")
	}
	return nil
}

// loadActivities inserts n activities in multi-row batches: ten years up to
// 2026, ~80% completed, some cancelled, in progress or deleted, 40 units.
// Rows are generated in time order with UUIDv7 ids, as a live office writes
// them, so that every index grows at its end (random keys would make the
// load disk-bound on a small buffer pool, not the report).
func loadActivities(db *sql.DB, n int) error {
	const batch = 2000
	cols := "(id, kind, title, unit_id, owner_id, site_name, site_address, site_radius_m, scheduled_at, status, started_at, completed_at, notes, details, case_no, scale, published, volunteer_capacity, content_hash, version, created_at, updated_at, deleted_at, event_ends_at)"
	ph := "(?,?,?,?,?,'','',0,?,?,?,?,'',?,'',?,0,0,'',1,?,?,?,?)"
	r := rand.New(rand.NewPCG(1, 2))
	units := make([]string, 40)
	for i := range units {
		units[i] = fmt.Sprintf("bench-unit-%02d", i)
	}
	total := 0
	for _, w := range kindWeights {
		total += w.weight
	}
	start := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Sub(start)
	for done := 0; done < n; done += batch {
		m := min(batch, n-done)
		args := make([]any, 0, m*16)
		for i := 0; i < m; i++ {
			x := r.IntN(total)
			kind := kindWeights[0].kind
			for _, w := range kindWeights {
				if x < w.weight {
					kind = w.kind
					break
				}
				x -= w.weight
			}
			sched := start.Add(time.Duration(float64(span) * float64(done+i) / float64(n))).Add(time.Duration(r.IntN(3600)) * time.Second)
			scale, ends := "", any(nil)
			if kind == "outreach_event" || kind == "ethics_promotion" {
				scale, ends = []string{"large", "regular", "regular"}[r.IntN(3)], sched.Add(3*time.Hour)
			}
			status := "completed"
			switch p := r.IntN(100); {
			case p < 8:
				status = "cancelled"
			case p < 14:
				status = "in_progress"
			case p < 18:
				status = "planned"
			}
			var started, completed, deleted any
			if status == "completed" || status == "in_progress" {
				started = sched
			}
			if status == "completed" {
				completed = sched.Add(time.Duration(r.IntN(8*3600)) * time.Second)
			}
			if r.IntN(100) < 2 {
				deleted = sched.Add(48 * time.Hour)
			}
			args = append(args, uuid.Must(uuid.NewV7()).String(), kind, "壓測紀錄", units[r.IntN(len(units))], "bench-owner",
				sched, status, started, completed, "{}", scale, sched, sched, deleted, ends)
		}
		stmt := "INSERT INTO activities " + cols + " VALUES " + strings.TrimSuffix(strings.Repeat(ph+",", m), ",")
		if _, err := db.Exec(stmt, args...); err != nil {
			return err
		}
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1] + "\n"
}

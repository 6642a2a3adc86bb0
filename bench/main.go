// Command bench measures the performance targets of SPEC.md side by side in
// one run, and prints the ratios:
//
//   - checkins (MariaDB/MySQL) and sqlite (the embedded default, WAL with
//     synchronous=FULL): authenticated check-in POSTs through the running
//     server against two hand-written baselines on the same database at the
//     same concurrency — single-row autocommit INSERTs (information) and a
//     database/sql check-in doing the server's work in one transaction
//     (target: the server at least as fast) — with p50/p99 and the server's
//     peak resident memory;
//   - kpi: the KPI report over HTTP versus a GROUP BY over the activities
//     table, for one year at N activities (default 1,000,000), with a check
//     that both give the same numbers;
//   - analysis (both databases): the yearly ethics analysis over HTTP at
//     100,000 ethics-code registrations in the year measured (target: p50
//     ≤ 50 ms), with a check of its count against COUNT(*);
//   - login (SQLite) and login-mysql: 16 clients flooding the sign-in with
//     wrong passwords while another measures GET /me (target: p50 ≤ 2× the
//     same measurement without the flood) and real sign-ins (target: ≤ 2 s). `all` runs it on both
//     databases, after the check-in suite, on the same server.
//   - soak (not part of all): a field office's mix held for -duration
//     (30 minutes) at half the mix's measured throughput, on MariaDB/MySQL
//     and SQLite side by side (-engine), sampling RSS, goroutines, pool
//     connections, database size and p50/p99 per route every -sample; the
//     verdict wants them flat from -from on, no error, and a clean
//     `ethicsops audit verify` and `kpi verify` afterwards (soak.go).
//
// Usage:
//
//	go run ./bench -dsn 'root@tcp(127.0.0.1:3306)/' [-suite all|checkins|kpi|sqlite|login|login-mysql|analysis|soak]
//	    [-n 20000] [-c 32] [-rounds 3] [-activities 1000000] [-registrations 100000] [-flood 20s] [-bin ./ethicsops] [-keep]
//	    [-engine both] [-duration 30m] [-sample 1m] [-from 5m] [-calibrate 10s] [-calibrate-with mix|checkins] [-rate 0]
//
// On MariaDB/MySQL it creates a fresh database (ethicsops_bench_<pid>),
// builds and starts the server on it, and drops the database at the end
// unless -keep is given. The sqlite suite needs no MySQL: the server runs on
// a SQLite file in a temporary data directory, removed at the end.
package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/google/uuid"

	"ethicsops/models"
)

type options struct {
	dsn        string
	suite      string
	n          int
	c          int
	activities int
	// registrations are loaded for the analysis suite.
	registrations int
	// analysisActivities are the visits and supervisions of the analysis suite.
	analysisActivities int
	keep               bool
	year               int
	rounds             int
	flood              time.Duration
	bin                string
	// The soak suite's settings (soak.go).
	duration      time.Duration
	sample        time.Duration
	soakFrom      time.Duration
	calibrate     time.Duration
	rate          float64
	calibrateWith string
	engine        string
}

func main() {
	var o options
	flag.StringVar(&o.dsn, "dsn", envOr("ETHICSOPS_BENCH_DSN", "root@tcp(127.0.0.1:3306)/"), "MySQL/MariaDB server (its user must create databases)")
	flag.StringVar(&o.suite, "suite", "all", "all, checkins, kpi, login-mysql (MariaDB/MySQL), sqlite or login (SQLite), analysis (both), soak (-engine; not part of all)")
	flag.IntVar(&o.n, "n", 20000, "requests (and raw INSERTs) in the check-in suite")
	flag.IntVar(&o.c, "c", 32, "concurrency of the check-in suite")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds of the check-in suite (raw then server, alternating); the verdict is on the medians")
	flag.IntVar(&o.activities, "activities", 1_000_000, "activities loaded for the KPI suite")
	flag.IntVar(&o.registrations, "registrations", 100_000, "ethics-code registrations loaded for the analysis suite")
	flag.IntVar(&o.analysisActivities, "analysis-activities", 600, "completed opinion visits and procurement supervisions in the analysis suite's year")
	flag.IntVar(&o.year, "year", 2021, "year of the KPI report measured")
	flag.BoolVar(&o.keep, "keep", false, "keep the bench database")
	flag.DurationVar(&o.flood, "flood", 20*time.Second, "how long the sign-in flood is measured")
	flag.StringVar(&o.bin, "bin", "", "a server binary to measure instead of building this tree's (e.g. an older version)")
	flag.DurationVar(&o.duration, "duration", 30*time.Minute, "how long the soak suite holds the load")
	flag.DurationVar(&o.sample, "sample", time.Minute, "how often the soak suite samples the server")
	flag.DurationVar(&o.soakFrom, "from", 5*time.Minute, "start of the soak suite's verdict window (the load before it is warm-up)")
	flag.DurationVar(&o.calibrate, "calibrate", 10*time.Second, "length of the check-in run that sets the soak rate (half its throughput)")
	flag.Float64Var(&o.rate, "rate", 0, "the soak's requests per second (0: half the throughput of a -calibrate check-in run)")
	flag.StringVar(&o.calibrateWith, "calibrate-with", "mix", "what the soak's calibration measures: mix (the soak's own mix) or checkins")
	flag.StringVar(&o.engine, "engine", "both", "the soak suite's databases: mysql, sqlite or both (side by side)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.n < 1 || o.c < 1 || o.rounds < 1 || o.flood < time.Second {
		return fmt.Errorf("-n, -c and -rounds must be at least 1, -flood at least 1s")
	}
	switch o.suite {
	case "all", "checkins", "kpi", "sqlite", "login", "login-mysql", "analysis", "soak":
	default:
		return fmt.Errorf("-suite must be all, checkins, kpi, sqlite, login, login-mysql, analysis or soak")
	}
	bin := o.bin
	if bin == "" {
		var err error
		if bin, err = buildServer(); err != nil {
			return err
		}
		defer os.RemoveAll(filepath.Dir(bin))
	}
	fmt.Printf("ethicsops bench — %d cores on this machine\n", numCPU())
	if o.suite == "soak" {
		return runSoak(o, bin)
	}
	if o.suite != "sqlite" && o.suite != "login" {
		if err := runMySQL(o, bin); err != nil {
			return err
		}
	}
	if o.suite == "all" || o.suite == "sqlite" || o.suite == "login" || o.suite == "analysis" {
		return runSQLite(o, bin)
	}
	return nil
}

// runMySQL runs the check-in and KPI suites on a fresh MariaDB/MySQL
// database.
func runMySQL(o options, bin string) error {
	base, err := mysql.ParseDSN(o.dsn)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("ethicsops_bench_%d", os.Getpid())
	root := *base
	root.DBName = ""
	admin, err := sql.Open("mysql", root.FormatDSN())
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return err
	}
	if !o.keep {
		defer func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS `" + name + "`") }()
	}
	cfg := *base
	cfg.DBName = name
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	// The baselines use the driver at its fastest, as the server does:
	// one round trip per statement.
	cfg.InterpolateParams = true
	dsn := cfg.FormatDSN()
	fmt.Printf("MariaDB/MySQL database %s\n", name)

	dataDir, err := os.MkdirTemp("", "ethicsops-bench-data")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	srv, err := startServer(bin, "ETHICSOPS_DB_DRIVER=mysql", "ETHICSOPS_DB_DSN="+dsn, "ETHICSOPS_DATA_DIR="+dataDir)
	if err != nil {
		return err
	}
	defer srv.stop()
	if o.suite == "all" || o.suite == "analysis" {
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := benchAnalysis(o, "MariaDB/MySQL", bin, db, srv); err != nil {
			return err
		}
	}
	if o.suite == "all" || o.suite == "checkins" {
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := benchCheckins(o, checkinTarget{name: "MariaDB/MySQL", db: db, copyTable: mysqlCopyTable}, srv); err != nil {
			return err
		}
	}
	if o.suite == "all" || o.suite == "kpi" {
		if err := benchKPI(o, dsn, bin, srv); err != nil {
			return err
		}
	}
	if o.suite == "all" || o.suite == "login-mysql" {
		if err := benchLogin(o, "MariaDB/MySQL", srv); err != nil {
			return err
		}
	}
	return nil
}

// runSQLite runs the check-in suite on the embedded default: the server on
// a SQLite file with its default settings, the baselines on the same file
// opened the way the server opens it (models.Open: the same driver, WAL,
// synchronous=FULL, busy timeout, immediate transactions).
func runSQLite(o options, bin string) error {
	dir, err := os.MkdirTemp("", "ethicsops-bench-sqlite")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	fmt.Printf("\nSQLite database %s\n", filepath.Join(dir, "ethicsops.db"))
	srv, err := startServer(bin, "ETHICSOPS_DB_DRIVER=sqlite", "ETHICSOPS_DB_DSN="+filepath.Join(dir, "ethicsops.db"), "ETHICSOPS_DATA_DIR="+dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	gdb, err := models.Open(models.Options{Driver: "sqlite", DSN: filepath.Join(dir, "ethicsops.db")})
	if err != nil {
		return err
	}
	db, err := gdb.DB()
	if err != nil {
		return err
	}
	defer db.Close()
	var sync int
	var mode string
	if err := db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
		return err
	}
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	name := fmt.Sprintf("SQLite (journal_mode=%s, synchronous=%d)", mode, sync)
	if o.suite == "all" || o.suite == "analysis" {
		if err := benchAnalysis(o, "SQLite", bin, db, srv); err != nil {
			return err
		}
		if o.suite == "analysis" {
			return nil
		}
	}
	if o.suite != "login" {
		if err := benchCheckins(o, checkinTarget{name: name, db: db, copyTable: sqliteCopyTable}, srv); err != nil {
			return err
		}
	}
	if o.suite == "all" || o.suite == "login" {
		return benchLogin(o, "SQLite", srv)
	}
	return nil
}

// ---- the server under test ----

type server struct {
	cmd     *exec.Cmd
	base    string
	admin   string // admin access token
	peakRSS atomic.Int64
	stopRSS chan struct{}
	log     *bytes.Buffer
}

const (
	benchSecret     = "bench-secret-0123456789abcdef0123456789"
	benchReportsKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	adminPassword   = "bench-admin-password"
)

func buildServer() (string, error) {
	dir, err := os.MkdirTemp("", "ethicsops-bench")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "ethicsops")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the server: %w", err)
	}
	return bin, nil
}

// startServer starts the server with env (its database settings) added to
// the bench's environment.
func startServer(bin string, env ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &server{base: "http://127.0.0.1:" + strconv.Itoa(port), stopRSS: make(chan struct{}), log: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(append(os.Environ(), env...),
		"ETHICSOPS_JWT_SECRET="+benchSecret, "ETHICSOPS_REPORTS_KEY="+benchReportsKey,
		"ETHICSOPS_ADMIN_PASSWORD="+adminPassword, "ETHICSOPS_ADDR=127.0.0.1:"+strconv.Itoa(port),
		"ETHICSOPS_LOG_LEVEL=warn",
		// The bench is the server's proxy: the sign-in flood names its own
		// client addresses (X-Forwarded-For).
		"ETHICSOPS_TRUSTED_PROXIES=127.0.0.1")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("server did not become ready:\n%s", s.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	go s.sampleRSS()
	tok, err := s.login("admin", adminPassword)
	if err != nil {
		return nil, err
	}
	s.admin = tok
	return s, nil
}

func (s *server) stop() {
	select {
	case <-s.stopRSS:
	default:
		close(s.stopRSS)
	}
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
}

// sampleRSS keeps the server's peak resident memory (VmRSS) every 20 ms.
func (s *server) sampleRSS() {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stopRSS:
			return
		case <-t.C:
			if kb := procStatusKB(s.cmd.Process.Pid, "VmRSS:"); kb > s.peakRSS.Load() {
				s.peakRSS.Store(kb)
			}
		}
	}
}

func procStatusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}, Timeout: 30 * time.Second}

func (s *server) do(method, path, token string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(b, out)
	}
	return resp.StatusCode, nil
}

func (s *server) login(user, pw string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	_, err := s.do("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pw}, &out)
	return out.AccessToken, err
}

// staff creates an account of role in a new unit and signs it in.
func (s *server) staff(role string) (token, unitID string, err error) {
	var unit struct {
		ID string `json:"id"`
	}
	code := fmt.Sprintf("B-%d", rand.IntN(1_000_000))
	if _, err = s.do("POST", "/api/v1/units", s.admin, map[string]string{"code": code, "name": "壓測單位 " + code, "kind": "agency"}, &unit); err != nil {
		return "", "", err
	}
	user := fmt.Sprintf("bench.%s.%d", role, rand.IntN(1_000_000))
	if _, err = s.do("POST", "/api/v1/users", s.admin, map[string]any{"username": user, "password": "bench-password-123", "display_name": "壓測", "role": role, "unit_id": unit.ID}, nil); err != nil {
		return "", "", err
	}
	token, err = s.login(user, "bench-password-123")
	return token, unit.ID, err
}

// ---- measuring ----

type result struct {
	name     string
	n        int
	errs     int64
	elapsed  time.Duration
	lat      []time.Duration
	firstErr error
}

func (r *result) perSec() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r *result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat)-1) * p)
	return r.lat[i]
}

// load runs fn n times over c workers and records each call's latency.
func load(name string, n, c int, fn func(worker, i int) error) *result {
	r := &result{name: name, n: n}
	lat := make([][]time.Duration, c)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				err := fn(w, i)
				lat[w] = append(lat[w], time.Since(t0))
				if err != nil {
					atomic.AddInt64(&r.errs, 1)
					once.Do(func() { r.firstErr = err })
				}
			}
		}(w)
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	for _, l := range lat {
		r.lat = append(r.lat, l...)
	}
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r
}

func (r *result) print() {
	fmt.Printf("  %-34s %8d ops %10.0f/s   p50 %8s   p99 %8s   errors %d\n", r.name, r.n, r.perSec(), ms(r.pct(0.50)), ms(r.pct(0.99)), r.errs)
	if r.firstErr != nil {
		fmt.Printf("    first error: %v\n", r.firstErr)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func newUUID() string { return uuid.NewString() }

// Command ethicsops is the field-operations and KPI service of the Department
// of Civil Service Ethics (政風處): `serve` (default), `migrate`, `version`,
// `audit verify`, `kpi rebuild|verify`, `backup --to DIR`, `restore --from DIR`.
//
//	@title						ethicsops API
//	@version					1.0
//	@description				Field records, check-ins, volunteers, property declarations and the plan's KPIs of a city government's Department of Civil Service Ethics (政風處). Every error answers {"error": {"code", "message", "fields", "request_id"}}.
//	@BasePath					/
//	@schemes					http https
//	@tag.name					auth
//	@tag.description			登入與工作階段 Sign-in and sessions: access and refresh tokens.
//	@tag.name					me
//	@tag.description			目前使用者 The signed-in caller, pending volunteers included.
//	@tag.name					activities
//	@tag.description			工作紀錄 Field records: the eight kinds of activity (opinion visits 民意訪查 among them), their parts and statuses.
//	@tag.name					check-ins
//	@tag.description			到離簽到 Arrive and depart check-ins at an activity's site, with geofence and clock skew.
//	@tag.name					attachments
//	@tag.description			附件 Photos and files of an activity.
//	@tag.name					sync
//	@tag.description			離線同步 A phone's queued writes sent in one batch.
//	@tag.name					volunteers
//	@tag.description			廉政志工 Integrity volunteers: registration, sign-ups, attendance and hours.
//	@tag.name					early-warnings
//	@tag.description			預警作為 Early warnings written up to an agency's head, and their follow-up until closed.
//	@tag.name					declarations
//	@tag.description			財產申報 Property declaration rosters and their verifiable draws.
//	@tag.name					ethics-registrations
//	@tag.description			廉政倫理規範登錄 Gifts, hospitality, lobbying and other ethics events civil servants reported; late notices; exports.
//	@tag.name					kpis
//	@tag.description			績效指標 The four-year plan's KPIs: report, exports, targets, closing a year.
//	@tag.name					units
//	@tag.description			機關學校 Agencies and schools.
//	@tag.name					reports
//	@tag.description			檢舉 Whistle-blowing reports: the public intake without an account (challenge, proof of work, report, receipt) and the reporter's follow-up with the receipt; sealed at rest, read only by designated handlers.
//	@tag.name					users
//	@tag.description			帳號管理 Accounts and approval of volunteers.
//	@tag.name					audit
//	@tag.description			稽核軌跡 The hash-chained audit trail.
//	@tag.name					meta
//	@tag.description			代碼表 Enumerations with their zh-TW and English labels.
//	@tag.name					operations
//	@tag.description			維運 Liveness and readiness probes.
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by the access token from /api/v1/auth/login.
//	@securityDefinitions.apikey	ReportAccess
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by the reporter's access token from /api/v1/reports/access (scoped to one report; refused everywhere else).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	_ "time/tzdata" // the office time zone must load on images without zoneinfo

	"gorm.io/gorm"

	"ethicsops/api"
	"ethicsops/config"
	"ethicsops/demo"
	"ethicsops/handlers"
	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/reports"
	"ethicsops/services/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code (2 for a usage or
// configuration error, 1 for a failure at run time).
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd, sub := "serve", ""
	var bak backupArgs
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "ethicsops", versionString())
		return 0
	case "healthcheck":
		return healthcheck(getenv, stderr)
	case "serve", "migrate":
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			fmt.Fprintln(stderr, "ethicsops: usage: ethicsops audit verify [flags]")
			return 2
		}
		args = args[1:]
	case "kpi":
		if len(args) == 0 || (args[0] != "rebuild" && args[0] != "verify") {
			fmt.Fprintln(stderr, "ethicsops: usage: ethicsops kpi rebuild|verify [flags]")
			return 2
		}
		sub, args = args[0], args[1:]
	case "reports":
		if len(args) == 0 || args[0] != "rotate-key" {
			fmt.Fprintln(stderr, "ethicsops: usage: ethicsops reports rotate-key [flags]")
			return 2
		}
		args = args[1:]
	case "backup", "restore":
		var err error
		if bak, args, err = splitBackupArgs(cmd, args); err != nil {
			fmt.Fprintf(stderr, "ethicsops: %v (usage: ethicsops backup --to DIR [--files copy|reference] | ethicsops restore --from DIR, with the server's settings)\n", err)
			return 2
		}
	default:
		fmt.Fprintf(stderr, "ethicsops: unknown command %q (commands: serve, migrate, version, healthcheck, audit verify, kpi rebuild, kpi verify, backup --to DIR, restore --from DIR, reports rotate-key)\n", cmd)
		return 2
	}
	cfg, err := config.Load(args, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops:", err)
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "ethicsops:", err)
		return 2
	}
	if cmd == "backup" || cmd == "restore" {
		// No JWT secret is made or read to copy or bring back data.
		return backupCommand(cmd, bak, cfg, stdout, stderr)
	}
	var ln net.Listener
	if cmd == "serve" {
		// The port is taken before anything is written (the JWT secret, the
		// schema, the demo office, the first admin): a server that cannot
		// listen says so in one line and leaves the database as it was.
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			fmt.Fprintln(stderr, listenProblem(cfg.Addr, err))
			return 2
		}
		defer ln.Close()
	}
	logOut := stdout
	if cmd == "audit" || cmd == "kpi" || cmd == "reports" {
		logOut = stderr // stdout carries the result
	}
	log := newLogger(cfg.LogLevel, logOut)
	slog.SetDefault(log)
	if err := cfg.EnsureJWTSecret(); err != nil {
		fmt.Fprintln(stderr, "ethicsops:", err)
		return 2
	}
	keyFiles := false
	if cmd == "reports" {
		keyFiles, err = cfg.BeginReportsRotation()
	} else if err = cfg.EnsureReportsKey(); err == nil {
		err = cfg.LoadReportsOldKey()
	}
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops:", err)
		return 2
	}
	log.Info("configuration", "config", cfg.Fields(), "version", versionString())
	if cfg.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: the collector works harder near it rather than letting
		// the heap double, which keeps a small server's footprint small.
		debug.SetMemoryLimit(int64(cfg.MemoryLimit) << 20)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := models.Open(models.Options{Driver: cfg.DBDriver, DSN: cfg.DBDSN, MaxOpen: cfg.DBMaxOpen, MaxIdle: cfg.DBMaxIdle, ConnLifetime: cfg.DBConnLifetime})
	if err != nil {
		log.Error("open database", "error", err.Error())
		return 1
	}
	defer closeDB(db)
	if err := models.Migrate(ctx, db); err != nil {
		log.Error("migrate", "error", err.Error())
		return 1
	}
	log.Info("migrations applied")
	if cmd == "migrate" {
		return 0
	}
	files, err := openFiles(ctx, cfg, cmd == "serve")
	if err != nil {
		log.Error("file store", "error", err.Error())
		fmt.Fprintln(stderr, "ethicsops:", err)
		return 1
	}
	svc := services.New(db, services.Options{JWTSecret: []byte(cfg.JWTSecret), Location: cfg.Location, DataDir: cfg.DataDir, Files: files, RegisterPerHour: cfg.RegisterPerHour})
	if cmd == "audit" {
		return auditVerify(ctx, svc.Audit, stdout, stderr)
	}
	if cmd == "kpi" {
		return kpiCommand(ctx, sub, svc.KPIs, stdout, stderr)
	}
	if cmd == "reports" {
		return rotateReportsKey(ctx, cfg, svc, keyFiles, stdout, stderr)
	}
	if stale, was, err := svc.KPIs.EnsureTimezone(ctx); err != nil {
		log.Error("kpi time zone", "error", err.Error())
		return 1
	} else if stale {
		log.Error("the KPI counts were computed in another time zone; KPI reports answer 409 until `ethicsops kpi rebuild` is run",
			"counted_in", was, "office_timezone", cfg.Timezone)
	} else if rebuilt, err := svc.KPIs.EnsureRegisterCounts(ctx); err != nil {
		log.Error("kpi register counts", "error", err.Error())
		return 1
	} else if rebuilt {
		log.Info("the KPI counts were rebuilt to include the ethics-code register and opinion visits")
	}
	if err := prepareData(ctx, svc, cfg, stderr); err != nil {
		log.Error("prepare data", "error", err.Error())
		return 1
	}
	return serve(ctx, cfg, svc, ln, log, stderr)
}

// newReports builds the whistle-blowing service with the configured key
// (config.EnsureReportsKey has filled it) over the process's file store.
func newReports(cfg *config.Config, svc *services.Services) (*reports.Service, error) {
	o, err := reportsOptions(cfg, svc.Files)
	if err != nil {
		return nil, err
	}
	return reports.New(svc.DB, o)
}

// reportsOptions are the reports service's options from the configuration,
// over the process's file store.
func reportsOptions(cfg *config.Config, files storage.Store) (reports.Options, error) {
	key, err := reports.ParseKey(cfg.ReportsKey)
	if err != nil {
		return reports.Options{}, err
	}
	var previous [][]byte
	if cfg.ReportsOldKey != "" {
		// A rotation is under way (`ethicsops reports rotate-key`): what the
		// old key sealed still opens until everything is re-sealed.
		old, err := reports.ParseKey(cfg.ReportsOldKey)
		if err != nil {
			return reports.Options{}, err
		}
		previous = append(previous, old)
	}
	return reports.Options{Key: key, PreviousKeys: previous, Files: files, Location: cfg.Location,
		FirstAnswerDays: cfg.ReportsFirstAnswerDays, AssessDays: cfg.ReportsAssessDays, PowBits: cfg.ReportsPowBits}, nil
}

// rotateReportsKey re-seals every report under the new key (cfg's
// ReportsKey; the old one is ReportsOldKey) and prints what it did. It can
// be run again after an interruption, and again after the end (it then
// re-seals nothing). With the embedded default's key files, reports.key.old
// is removed at the end.
func rotateReportsKey(ctx context.Context, cfg *config.Config, svc *services.Services, keyFiles bool, stdout, stderr io.Writer) int {
	rep, err := newReports(cfg, svc)
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops:", err)
		return 2
	}
	c, err := rep.Rotate(ctx, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "ethicsops: rotate-key stopped: %v (run it again to go on; servers keep opening both keys meanwhile)\n", err)
		return 1
	}
	if keyFiles {
		if err := cfg.EndReportsRotation(); err != nil {
			fmt.Fprintln(stderr, "ethicsops:", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "done: %d reports, %d messages, %d files re-sealed under key %s\n", c.Reports, c.Messages, c.Files, reports.KeyID(mustKey(cfg.ReportsKey)))
	return 0
}

func mustKey(s string) []byte {
	k, _ := reports.ParseKey(s)
	return k
}

// listenProblem is the one line printed when the server cannot listen on
// addr: what went wrong and the two ways to choose another address.
func listenProblem(addr string, err error) string {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Sprintf("ethicsops: %s is already in use by another program; choose another address with --addr 127.0.0.1:8081 or ETHICSOPS_ADDR=127.0.0.1:8081 (位址已被占用，請以 --addr 或 ETHICSOPS_ADDR 指定其他位址)", addr)
	}
	return fmt.Sprintf("ethicsops: cannot listen on %s (%v); choose another address with --addr or ETHICSOPS_ADDR (無法在此位址提供服務，請以 --addr 或 ETHICSOPS_ADDR 指定其他位址)", addr, errors.Unwrap(err))
}

// prepareData seeds the demo office (with --demo) or the first admin account
// on an empty database, and prints the sign-ins once, outside the logs.
func prepareData(ctx context.Context, svc *services.Services, cfg *config.Config, out io.Writer) error {
	if cfg.Demo {
		office, err := demo.SeedWithAdmin(ctx, svc, cfg.AdminPassword)
		if err != nil {
			return err
		}
		receipt := ""
		if office != nil {
			opts, err := reportsOptions(cfg, svc.Files)
			if err != nil {
				return err
			}
			if receipt, err = demo.SeedReports(ctx, svc, office, opts); err != nil {
				return err
			}
			fmt.Fprintln(out, "\nDemo office created. Sign in with (username / password):")
		} else {
			fmt.Fprintln(out, "\nThe database already has accounts; demo data was not added. Demo sign-ins, if this is the demo database:")
		}
		for _, a := range demo.Accounts {
			pw := a.Password
			if a.Role == models.RoleAdmin && cfg.AdminPassword != "" {
				pw = "(the password in ETHICSOPS_ADMIN_PASSWORD)"
			}
			fmt.Fprintf(out, "  %-10s %-10s / %s\n", a.Role, a.Username, pw)
		}
		fmt.Fprintf(out, "  %-10s %s / %s (registered, waiting for a manager's approval)\n", "volunteer", demo.PendingVolunteer.Username, demo.PendingVolunteer.Password)
		fmt.Fprintf(out, "  %-10s %s / %s (application rejected: sign-in shows the reason)\n", "volunteer", demo.RejectedVolunteer.Username, demo.RejectedVolunteer.Password)
		fmt.Fprintln(out, "  Report handlers (檢舉承辦人): manager and officer2.")
		if receipt != "" {
			// A demo receipt only: a real one is shown to its reporter alone.
			fmt.Fprintf(out, "  Whistle-blower receipt of a demo report (follow it up at #/report/follow): %s\n", receipt)
		}
		return nil
	}
	created, generated, err := svc.Users.Bootstrap(ctx, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("create the first admin account: %w", err)
	}
	switch {
	case created && generated != "":
		fmt.Fprintf(out, "\nFirst start: account 'admin' created with password %s\nIt is shown only this once; change it after signing in.\n\n", generated)
	case created:
		fmt.Fprintln(out, "\nFirst start: account 'admin' created with the password from ETHICSOPS_ADMIN_PASSWORD.")
	}
	return nil
}

func serve(ctx context.Context, cfg *config.Config, svc *services.Services, ln net.Listener, log *slog.Logger, out io.Writer) int {
	h := handlers.New(svc)
	var err error
	if h.Reports, err = newReports(cfg, svc); err != nil {
		log.Error("reports", "error", err.Error())
		return 2
	}
	router, err := api.NewRouter(api.Deps{Handler: h, Auth: svc.Auth, Log: log, TrustedProxies: cfg.TrustedProxies, CORSOrigins: cfg.CORSOrigins, SwaggerUIOff: cfg.SwaggerUI == "off"})
	if err != nil {
		log.Error("router", "error", err.Error())
		return 2
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           router,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second, // a 15 MiB photo over a weak signal
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	base := baseURL(ln.Addr())
	swagger := base + "/swagger/index.html"
	if cfg.SwaggerUI == "off" {
		swagger = base + "/swagger/doc.json (the UI is off: ETHICSOPS_SWAGGER_UI=off)"
	}
	fmt.Fprintf(out, "\nethicsops %s listening on %s\n  App:     %s/ (the mobile web client)\n  API:     %s/api/v1\n  Swagger: %s\n\n", versionString(), base, base, base, swagger)
	log.Info("listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if cfg.PprofAddr != "" {
		go servePprof(cfg.PprofAddr, log, svc.DB)
	}
	// Seal committed audit events about every second (see services.AuditService.Seal).
	sealCtx, stopSealing := context.WithCancel(ctx)
	defer stopSealing()
	sealerDone := make(chan struct{})
	go func() {
		defer close(sealerDone)
		svc.Audit.SealEvery(sealCtx, time.Second, func(err error) { log.Error("seal audit events", "error", err.Error()) })
	}()
	// Delete expired sign-in throttle rows every minute (see
	// services.AuthService.SweepThrottles); several servers sweeping one
	// database delete the same rows, which is harmless. It stops when the
	// server starts shutting down.
	go svc.Auth.SweepThrottlesEvery(ctx, services.ThrottleSweepInterval, func(err error) { log.Error("sweep sign-in throttles", "error", err.Error()) })
	// Remove every hour the attachment files no row names that are older
	// than a day (uploads whose row failed; see
	// services.AttachmentService.SweepOrphans).
	go svc.Attachments.SweepOrphansEvery(ctx, services.AttachmentSweepInterval, func(err error) { log.Error("sweep orphaned attachment files", "error", err.Error()) })
	select {
	case err := <-errc:
		log.Error("serve", "error", err.Error())
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight", "budget", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "error", err.Error())
		return 1
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve", "error", err.Error())
	}
	// No request is in flight any more: seal what the last ones wrote.
	stopSealing()
	<-sealerDone
	if _, err := svc.Audit.Seal(sctx); err != nil {
		log.Error("seal audit events", "error", err.Error())
	}
	log.Info("stopped")
	return 0
}

// auditVerify seals the events committed so far (so that the check covers
// them; sealing beside running servers is safe, sealers take turns) and walks
// the chain. It prints one line and returns 0 when the chain is intact, 1 when
// it is broken or cannot be read.
func auditVerify(ctx context.Context, audit *services.AuditService, stdout, stderr io.Writer) int {
	if _, err := audit.Seal(ctx); err != nil {
		fmt.Fprintln(stderr, "ethicsops: audit verify: seal pending events:", err)
		return 1
	}
	res, err := audit.Verify(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops: audit verify:", err)
		return 1
	}
	if b := res.Broken; b != nil {
		fmt.Fprintf(stdout, "audit chain BROKEN at seq %d (event %q): %s: %s; %d events verified before it, %d unsealed\n",
			b.Seq, b.EventID, b.Reason, b.Detail, res.Sealed, res.Unsealed)
		return 1
	}
	fmt.Fprintf(stdout, "audit chain intact: %d sealed events, tail seq %d hash %s, %d unsealed\n", res.Sealed, res.TailSeq, res.TailHash, res.Unsealed)
	return 0
}

// kpiCommand rebuilds the KPI rollups from the records, or verifies them
// against a recount (exit 1 and one line per difference when they differ).
func kpiCommand(ctx context.Context, sub string, kpis *services.KPIService, stdout, stderr io.Writer) int {
	start := time.Now()
	if sub == "rebuild" {
		n, err := kpis.Rebuild(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "ethicsops: kpi rebuild:", err)
			return 1
		}
		fmt.Fprintf(stdout, "kpi rollups rebuilt: %d rows in %v\n", n, time.Since(start).Round(time.Millisecond))
		return 0
	}
	diffs, err := kpis.Verify(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops: kpi verify:", err)
		return 1
	}
	if len(diffs) > 0 {
		fmt.Fprintf(stdout, "kpi rollups DIFFER from the records in %d cells (run `ethicsops kpi rebuild`):\n", len(diffs))
		for _, d := range diffs {
			fmt.Fprintln(stdout, "  "+d.String())
		}
		return 1
	}
	fmt.Fprintf(stdout, "kpi rollups match the records (checked in %v)\n", time.Since(start).Round(time.Millisecond))
	return 0
}

func baseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("http://localhost:%d", tcp.Port)
		}
		return "http://" + a.String()
	}
	return "http://" + tcp.String()
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + bi.GoVersion
	}
	return v
}

// healthcheck asks the local server's /readyz, for container health checks on
// images without curl. Exit 0 when ready.
func healthcheck(getenv func(string) string, stderr io.Writer) int {
	addr := getenv("ETHICSOPS_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops healthcheck:", err)
		return 2
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/readyz")
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops healthcheck:", err)
		return 1
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "ethicsops healthcheck: /readyz answered", resp.Status)
		return 1
	}
	return 0
}

// servePprof serves the runtime profiles on their own (loopback) listener,
// and next to them the database pool's counters (/debug/dbstats), which no
// profile shows: a soak run reads there whether connections leak.
func servePprof(addr string, log *slog.Logger, db *gorm.DB) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.Handle("/debug/dbstats", dbStatsHandler(db))
	log.Info("pprof listening", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("pprof", "error", err.Error())
	}
}

// dbStatsHandler answers the pool's sql.DBStats as JSON (open, in use and
// idle connections, waits). It is served only on the pprof listener, never
// on the public API.
func dbStatsHandler(db *gorm.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		sqlDB, err := db.DB()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		st := sqlDB.Stats()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"max_open_connections": st.MaxOpenConnections,
			"open_connections":     st.OpenConnections,
			"in_use":               st.InUse,
			"idle":                 st.Idle,
			"wait_count":           st.WaitCount,
			"wait_duration_ms":     st.WaitDuration.Milliseconds(),
			"max_idle_closed":      st.MaxIdleClosed,
			"max_lifetime_closed":  st.MaxLifetimeClosed,
		})
	})
}

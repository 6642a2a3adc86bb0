// Package config reads the service's settings from ETHICSOPS_* environment
// variables (and command-line flags that mirror them), validates them once at
// start, and prints them with secrets masked.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Drivers the service can store its data with.
const (
	DriverSQLite = "sqlite"
	DriverMySQL  = "mysql"
)

// DemoAddr is where `serve --demo` listens when no address is given.
const DemoAddr = "127.0.0.1:8080"

// MinSecretLen is the shortest JWT secret accepted (HS256 wants ≥ 256 bits).
const MinSecretLen = 32

// Config is the effective configuration of one process.
type Config struct {
	Addr            string
	DBDriver        string
	DBDSN           string
	DataDir         string
	JWTSecret       string
	Timezone        string
	AdminPassword   string
	TrustedProxies  []string
	CORSOrigins     []string
	LogLevel        string
	DBMaxOpen       int
	DBMaxIdle       int
	DBConnLifetime  time.Duration
	ShutdownTimeout time.Duration
	Demo            bool
	// PprofAddr, when set, serves net/http/pprof on its own listener (keep it
	// on loopback): for profiling, never on the public address.
	PprofAddr string
	// MemoryLimit is the Go runtime's soft memory limit in MiB (0: none).
	MemoryLimit int
	// RegisterPerHour is how many volunteer registrations one client address
	// may make per hour: a recruitment booth behind one shared connection
	// needs more than a home does.
	RegisterPerHour int
	// SwaggerUI serves the Swagger UI at /swagger/index.html ("on", the
	// default, or "off"); /swagger/doc.json is served either way.
	SwaggerUI string
	// ReportsKey seals whistle-blowing reports: the standard base64 of 32
	// random bytes (ETHICSOPS_REPORTS_KEY). With the embedded default one is
	// made once into the data directory; with mysql it is required, so that
	// every server seals and opens with the same key.
	ReportsKey string
	// ReportsFirstAnswerDays (working days) and ReportsAssessDays (calendar
	// days) are the handling deadlines of a report: the first answer to the
	// reporter and the assessment (1..365 each).
	ReportsFirstAnswerDays int
	ReportsAssessDays      int
	// ReportsOldKey is the previous reports key while a rotation is under
	// way (ETHICSOPS_REPORTS_OLD_KEY): content sealed under it still opens.
	ReportsOldKey string
	// ReportsPowBits is the proof-of-work difficulty of the public intake
	// in leading zero bits (0..28; 0: any nonce, the challenge is still
	// required).
	ReportsPowBits int

	// S3 puts the files (attachments, sealed reports) in a bucket of an
	// S3-compatible store instead of the data directory, so that several
	// servers share them. Off while S3.Endpoint is empty.
	S3 S3Config

	// Location is Timezone loaded; set by Validate.
	Location *time.Location
}

// S3Config locates the bucket of the files (ETHICSOPS_S3_*).
type S3Config struct {
	Endpoint  string // http:// or https:// URL of the store, without a path
	Bucket    string
	AccessKey string
	SecretKey string // environment only; masked in Fields
	Region    string
	PathStyle string // "on" (endpoint/bucket/key, self-hosted stores) or "off" (bucket.endpoint/key)
	// Prefix is put before every key (e.g. "ethicsops/"), so that one
	// bucket can hold several installations.
	Prefix string
	// CreateBucket lets the server create a missing bucket at start ("on")
	// rather than refuse to start ("off").
	CreateBucket string
}

// ValidationError lists every setting that is wrong, so an operator fixes them
// in one go rather than one restart at a time.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string {
	return "invalid configuration: " + strings.Join(e.Problems, "; ")
}

// Load builds a Config from the environment (getenv) and the flags in args.
// Flags win over the environment. It does not validate; call Validate.
func Load(args []string, getenv func(string) string) (*Config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv("ETHICSOPS_" + name)); v != "" {
			return v
		}
		return def
	}
	c := &Config{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&c.Addr, "addr", env("ADDR", ":8080"), "listen address (ETHICSOPS_ADDR)")
	fs.StringVar(&c.DBDriver, "db-driver", env("DB_DRIVER", DriverSQLite), "sqlite or mysql (ETHICSOPS_DB_DRIVER)")
	fs.StringVar(&c.DBDSN, "db-dsn", env("DB_DSN", ""), "database DSN (ETHICSOPS_DB_DSN)")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", "./data"), "data directory (ETHICSOPS_DATA_DIR)")
	fs.StringVar(&c.Timezone, "timezone", env("TIMEZONE", "Asia/Taipei"), "office time zone (ETHICSOPS_TIMEZONE)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (ETHICSOPS_LOG_LEVEL)")
	fs.BoolVar(&c.Demo, "demo", false, "fill an empty database with a demo office (listens on "+DemoAddr+" unless --addr or ETHICSOPS_ADDR is given)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("PPROF_ADDR", ""), "serve net/http/pprof here, e.g. 127.0.0.1:6060 (ETHICSOPS_PPROF_ADDR)")
	fs.StringVar(&c.SwaggerUI, "swagger-ui", env("SWAGGER_UI", "on"), "on or off: serve the Swagger UI at /swagger/index.html; /swagger/doc.json stays (ETHICSOPS_SWAGGER_UI)")
	memLimit := fs.Int("memory-limit-mib", atoi(env("MEMORY_LIMIT_MIB", "24")), "Go soft memory limit in MiB, 0 for none (ETHICSOPS_MEMORY_LIMIT_MIB)")
	regPerHour := fs.Int("register-per-hour", atoi(env("REGISTER_PER_HOUR", "10")), "volunteer registrations per client address per hour (ETHICSOPS_REGISTER_PER_HOUR)")
	firstAnswer := fs.Int("reports-first-answer-days", atoi(env("REPORTS_FIRST_ANSWER_DAYS", "10")), "working days to give a reporter a first answer (ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS)")
	assess := fs.Int("reports-assess-days", atoi(env("REPORTS_ASSESS_DAYS", "30")), "calendar days to assess a report (ETHICSOPS_REPORTS_ASSESS_DAYS)")
	powBits := fs.Int("reports-pow-bits", atoi(env("REPORTS_POW_BITS", "18")), "proof-of-work difficulty of the public report intake, 0..28 bits (ETHICSOPS_REPORTS_POW_BITS)")
	trusted := fs.String("trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated proxy IPs/CIDRs (ETHICSOPS_TRUSTED_PROXIES)")
	cors := fs.String("cors-origins", env("CORS_ORIGINS", ""), "comma-separated allowed origins (ETHICSOPS_CORS_ORIGINS)")
	maxOpen := fs.Int("db-max-open", poolSize(env("DB_MAX_OPEN", "")), "max open DB connections, 0 for the driver's default (ETHICSOPS_DB_MAX_OPEN)")
	maxIdle := fs.Int("db-max-idle", poolSize(env("DB_MAX_IDLE", "")), "max idle DB connections, 0 for as many as open (ETHICSOPS_DB_MAX_IDLE)")
	lifetime := fs.Duration("db-conn-lifetime", dur(env("DB_CONN_LIFETIME", "5m")), "max DB connection lifetime (ETHICSOPS_DB_CONN_LIFETIME)")
	shutdown := fs.Duration("shutdown-timeout", dur(env("SHUTDOWN_TIMEOUT", "8s")), "graceful shutdown budget (ETHICSOPS_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.S3.Endpoint, "s3-endpoint", env("S3_ENDPOINT", ""), "S3-compatible store for the files, http(s)://host:port; empty keeps them in the data directory (ETHICSOPS_S3_ENDPOINT)")
	fs.StringVar(&c.S3.Bucket, "s3-bucket", env("S3_BUCKET", ""), "bucket of the files (ETHICSOPS_S3_BUCKET)")
	fs.StringVar(&c.S3.Region, "s3-region", env("S3_REGION", "us-east-1"), "region of the bucket (ETHICSOPS_S3_REGION)")
	fs.StringVar(&c.S3.PathStyle, "s3-path-style", env("S3_PATH_STYLE", "on"), "on: endpoint/bucket/key (SeaweedFS, MinIO); off: bucket.endpoint/key (ETHICSOPS_S3_PATH_STYLE)")
	fs.StringVar(&c.S3.Prefix, "s3-prefix", env("S3_PREFIX", ""), "key prefix in the bucket, e.g. ethicsops/ (ETHICSOPS_S3_PREFIX)")
	fs.StringVar(&c.S3.CreateBucket, "s3-create-bucket", env("S3_CREATE_BUCKET", "off"), "on: create a missing bucket at start (ETHICSOPS_S3_CREATE_BUCKET)")
	// Secrets are environment-only: flags show up in `ps`.
	c.S3.AccessKey = strings.TrimSpace(getenv("ETHICSOPS_S3_ACCESS_KEY"))
	c.S3.SecretKey = strings.TrimSpace(getenv("ETHICSOPS_S3_SECRET_KEY"))
	c.JWTSecret = getenv("ETHICSOPS_JWT_SECRET")
	c.AdminPassword = getenv("ETHICSOPS_ADMIN_PASSWORD")
	c.ReportsKey = strings.TrimSpace(getenv("ETHICSOPS_REPORTS_KEY"))
	c.ReportsOldKey = strings.TrimSpace(getenv("ETHICSOPS_REPORTS_OLD_KEY"))
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	// The demo prints its passwords: unless told where to listen, it listens
	// on this machine only, not on every interface.
	addrGiven := env("ADDR", "") != ""
	fs.Visit(func(f *flag.Flag) { addrGiven = addrGiven || f.Name == "addr" })
	if c.Demo && !addrGiven {
		c.Addr = DemoAddr
	}
	c.TrustedProxies = splitList(*trusted)
	c.CORSOrigins = splitList(*cors)
	c.DBMaxOpen, c.DBMaxIdle, c.DBConnLifetime, c.ShutdownTimeout = *maxOpen, *maxIdle, *lifetime, *shutdown
	c.MemoryLimit = *memLimit
	c.RegisterPerHour = *regPerHour
	c.ReportsFirstAnswerDays, c.ReportsAssessDays = *firstAnswer, *assess
	c.ReportsPowBits = *powBits
	return c, nil
}

// Validate checks every setting, fills derived values (Location, default DSN)
// and returns a *ValidationError naming all problems found.
func (c *Config) Validate() error {
	var p []string
	switch c.DBDriver {
	case DriverSQLite:
		if c.DBDSN == "" {
			c.DBDSN = filepath.Join(c.DataDir, "ethicsops.db")
		}
	case DriverMySQL:
		if c.DBDSN == "" {
			p = append(p, "ETHICSOPS_DB_DSN is required with ETHICSOPS_DB_DRIVER=mysql")
		}
		if len(c.JWTSecret) < MinSecretLen {
			p = append(p, fmt.Sprintf("ETHICSOPS_JWT_SECRET must be at least %d bytes with ETHICSOPS_DB_DRIVER=mysql (every server must share it)", MinSecretLen))
		}
		if c.ReportsKey == "" {
			p = append(p, "ETHICSOPS_REPORTS_KEY is required with ETHICSOPS_DB_DRIVER=mysql (every server must seal reports with the same key; make one with `openssl rand -base64 32`)")
		}
	default:
		p = append(p, fmt.Sprintf("ETHICSOPS_DB_DRIVER must be %q or %q, not %q", DriverSQLite, DriverMySQL, c.DBDriver))
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < MinSecretLen {
		if c.DBDriver != DriverMySQL { // mysql already reported above
			p = append(p, fmt.Sprintf("ETHICSOPS_JWT_SECRET must be at least %d bytes", MinSecretLen))
		}
	}
	if c.ReportsKey != "" && !validReportsKey(c.ReportsKey) {
		p = append(p, fmt.Sprintf("ETHICSOPS_REPORTS_KEY must be the standard base64 encoding of %d random bytes (e.g. `openssl rand -base64 32`)", ReportsKeySize))
	}
	if loc, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		p = append(p, fmt.Sprintf("ETHICSOPS_TIMEZONE %q is not a known IANA time zone", c.Timezone))
	} else {
		c.Location = loc
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		p = append(p, fmt.Sprintf("ETHICSOPS_ADDR %q is not host:port", c.Addr))
	}
	for _, tp := range c.TrustedProxies {
		if net.ParseIP(tp) == nil {
			if _, _, err := net.ParseCIDR(tp); err != nil {
				p = append(p, fmt.Sprintf("ETHICSOPS_TRUSTED_PROXIES entry %q is not an IP or CIDR", tp))
			}
		}
	}
	for _, o := range c.CORSOrigins {
		if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			p = append(p, fmt.Sprintf("ETHICSOPS_CORS_ORIGINS entry %q must start with http:// or https://", o))
		}
		if o == "*" {
			p = append(p, "ETHICSOPS_CORS_ORIGINS may not be * for an API that takes bearer tokens; list the origins")
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		p = append(p, fmt.Sprintf("ETHICSOPS_LOG_LEVEL must be debug, info, warn or error, not %q", c.LogLevel))
	}
	if c.DBMaxOpen == 0 {
		c.DBMaxOpen = DefaultMaxOpen[c.DBDriver]
	}
	if c.DBMaxIdle == 0 {
		c.DBMaxIdle = c.DBMaxOpen
	}
	if c.DBMaxOpen < 1 || c.DBMaxIdle < 0 || c.DBMaxIdle > c.DBMaxOpen {
		p = append(p, "ETHICSOPS_DB_MAX_OPEN must be ≥ 1 and ETHICSOPS_DB_MAX_IDLE between 0 and it")
	}
	if c.PprofAddr != "" {
		if host, _, err := net.SplitHostPort(c.PprofAddr); err != nil || (host != "127.0.0.1" && host != "localhost" && host != "::1") {
			p = append(p, fmt.Sprintf("ETHICSOPS_PPROF_ADDR %q must be a loopback host:port such as 127.0.0.1:6060", c.PprofAddr))
		}
	}
	if c.SwaggerUI != "on" && c.SwaggerUI != "off" {
		p = append(p, fmt.Sprintf("ETHICSOPS_SWAGGER_UI must be on or off, not %q", c.SwaggerUI))
	}
	if c.MemoryLimit < 0 {
		p = append(p, "ETHICSOPS_MEMORY_LIMIT_MIB must be a number of MiB ≥ 0")
	}
	if c.RegisterPerHour < 1 || c.RegisterPerHour > 100000 {
		p = append(p, "ETHICSOPS_REGISTER_PER_HOUR must be a number between 1 and 100000")
	}
	if c.ReportsFirstAnswerDays < 1 || c.ReportsFirstAnswerDays > 365 {
		p = append(p, "ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS must be a number of working days between 1 and 365")
	}
	if c.ReportsAssessDays < 1 || c.ReportsAssessDays > 365 {
		p = append(p, "ETHICSOPS_REPORTS_ASSESS_DAYS must be a number of days between 1 and 365")
	}
	if c.ReportsPowBits < 0 || c.ReportsPowBits > 28 {
		p = append(p, "ETHICSOPS_REPORTS_POW_BITS must be a number of bits between 0 and 28")
	}
	if c.ReportsOldKey != "" && !validReportsKey(c.ReportsOldKey) {
		p = append(p, fmt.Sprintf("ETHICSOPS_REPORTS_OLD_KEY must be the standard base64 encoding of %d random bytes", ReportsKeySize))
	}
	if c.DBConnLifetime <= 0 || c.ShutdownTimeout <= 0 {
		p = append(p, "ETHICSOPS_DB_CONN_LIFETIME and ETHICSOPS_SHUTDOWN_TIMEOUT must be positive durations")
	}
	p = append(p, c.S3.problems()...)
	if len(p) > 0 {
		return &ValidationError{Problems: p}
	}
	return nil
}

// problems checks the S3 settings: all or none (the endpoint decides).
func (s *S3Config) problems() []string {
	var p []string
	if s.PathStyle != "on" && s.PathStyle != "off" {
		p = append(p, fmt.Sprintf("ETHICSOPS_S3_PATH_STYLE must be on or off, not %q", s.PathStyle))
	}
	if s.CreateBucket != "on" && s.CreateBucket != "off" {
		p = append(p, fmt.Sprintf("ETHICSOPS_S3_CREATE_BUCKET must be on or off, not %q", s.CreateBucket))
	}
	if s.Endpoint == "" {
		for name, v := range map[string]string{"ETHICSOPS_S3_BUCKET": s.Bucket, "ETHICSOPS_S3_ACCESS_KEY": s.AccessKey, "ETHICSOPS_S3_SECRET_KEY": s.SecretKey, "ETHICSOPS_S3_PREFIX": s.Prefix} {
			if v != "" {
				p = append(p, name+" is set but ETHICSOPS_S3_ENDPOINT is not: set the endpoint to keep the files in S3, or unset "+name+" to keep them in the data directory")
			}
		}
		sort.Strings(p)
		return p
	}
	if u, err := url.Parse(s.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		p = append(p, fmt.Sprintf("ETHICSOPS_S3_ENDPOINT %q must be an http:// or https:// URL of host[:port] without a path, e.g. http://127.0.0.1:8333", s.Endpoint))
	}
	if s.Bucket == "" {
		p = append(p, "ETHICSOPS_S3_BUCKET is required with ETHICSOPS_S3_ENDPOINT")
	} else if !validBucket(s.Bucket) {
		p = append(p, fmt.Sprintf("ETHICSOPS_S3_BUCKET %q is not a bucket name (3–63 lowercase letters, digits, '-' and '.')", s.Bucket))
	}
	if s.AccessKey == "" || s.SecretKey == "" {
		p = append(p, "ETHICSOPS_S3_ACCESS_KEY and ETHICSOPS_S3_SECRET_KEY are required with ETHICSOPS_S3_ENDPOINT")
	}
	if s.Prefix != "" {
		s.Prefix = strings.TrimSuffix(s.Prefix, "/") + "/"
		if !validPrefix(s.Prefix) {
			p = append(p, fmt.Sprintf("ETHICSOPS_S3_PREFIX %q must be segments of letters, digits, '.', '_' and '-' separated by '/'", s.Prefix))
		}
	}
	return p
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 || b[0] == '-' || b[0] == '.' || b[len(b)-1] == '-' || b[len(b)-1] == '.' {
		return false
	}
	for _, r := range b {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func validPrefix(p string) bool {
	for _, seg := range strings.Split(strings.TrimSuffix(p, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Fields returns the effective configuration as key/value pairs with every
// secret masked, for the start-up log.
func (c *Config) Fields() map[string]any {
	return map[string]any{
		"addr":              c.Addr,
		"db_driver":         c.DBDriver,
		"db_dsn":            MaskDSN(c.DBDSN),
		"data_dir":          c.DataDir,
		"jwt_secret":        mask(c.JWTSecret),
		"reports_key":       mask(c.ReportsKey),
		"timezone":          c.Timezone,
		"admin_password":    mask(c.AdminPassword),
		"trusted_proxies":   c.TrustedProxies,
		"cors_origins":      c.CORSOrigins,
		"log_level":         c.LogLevel,
		"db_max_open":       c.DBMaxOpen,
		"db_max_idle":       c.DBMaxIdle,
		"db_conn_lifetime":  c.DBConnLifetime.String(),
		"shutdown_timeout":  c.ShutdownTimeout.String(),
		"demo":              c.Demo,
		"pprof_addr":        c.PprofAddr,
		"memory_limit_mib":  c.MemoryLimit,
		"register_per_hour": c.RegisterPerHour,
		"swagger_ui":        c.SwaggerUI,

		"reports_first_answer_days": c.ReportsFirstAnswerDays,
		"reports_assess_days":       c.ReportsAssessDays,
		"reports_pow_bits":          c.ReportsPowBits,
		"reports_old_key":           mask(c.ReportsOldKey),
		"s3_endpoint":               c.S3.Endpoint,
		"s3_bucket":                 c.S3.Bucket,
		"s3_access_key":             c.S3.AccessKey,
		"s3_secret_key":             mask(c.S3.SecretKey),
		"s3_region":                 c.S3.Region,
		"s3_path_style":             c.S3.PathStyle,
		"s3_prefix":                 c.S3.Prefix,
		"s3_create_bucket":          c.S3.CreateBucket,
	}
}

// String renders Fields in a stable order; secrets are masked.
func (c *Config) String() string {
	f := c.Fields()
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", k, f[k])
	}
	return b.String()
}

// MaskDSN hides the password of a MySQL DSN (user:password@tcp(...)/db).
func MaskDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return dsn
	}
	creds := dsn[:at]
	if colon := strings.Index(creds, ":"); colon >= 0 {
		return creds[:colon] + ":***" + dsn[at:]
	}
	return dsn
}

func mask(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "***"
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// atoi and dur return -1/0 on garbage so that Validate reports it.
// DefaultMaxOpen is the connection pool by driver. SQLite writes one
// transaction at a time and its pure-Go engine keeps a page cache per
// connection: beyond a few connections a larger pool only costs memory
// (under the check-in benchmark, A/B: 40 connections 60–63 MiB peak
// resident, 8 connections 54–55 MiB, at the same throughput;
// docs/OPERATIONS.md).
var DefaultMaxOpen = map[string]int{DriverMySQL: 40, DriverSQLite: 8}

// poolSize reads a pool size; unset is 0, "the default".
func poolSize(s string) int {
	if s == "" {
		return 0
	}
	return atoi(s)
}

func atoi(s string) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		return -1
	}
	return n
}

func dur(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0
	}
	return d
}

// IsValidation reports whether err came from Validate.
func IsValidation(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve)
}

// EnsureJWTSecret fills JWTSecret for the embedded default: a random secret
// is made once and kept in the data directory, so tokens survive restarts.
// It does nothing when a secret is configured.
func (c *Config) EnsureJWTSecret() error {
	if c.JWTSecret != "" {
		return nil
	}
	if c.DBDriver != DriverSQLite {
		return errors.New("ETHICSOPS_JWT_SECRET is required")
	}
	path := filepath.Join(c.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= MinSecretLen {
		c.JWTSecret = strings.TrimSpace(string(b))
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	secret := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("keep the JWT secret in %s: %w", path, err)
	}
	c.JWTSecret = secret
	return nil
}

// ReportsKeySize is the length of the decoded reports key (AES-256).
const ReportsKeySize = 32

// ReportsKeyFile is where the embedded default keeps its reports key, beside
// the database. A backup of the data directory must not carry it along with
// the database: the sealed reports are only as safe as the key kept apart.
const ReportsKeyFile = "reports.key"

func validReportsKey(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(b) == ReportsKeySize
}

// EnsureReportsKey fills ReportsKey for the embedded default: a random key
// is made once and kept in the data directory (mode 0600), so reports
// sealed before a restart still open after it. It does nothing when a key
// is configured.
func (c *Config) EnsureReportsKey() error {
	if c.ReportsKey != "" {
		return nil
	}
	if c.DBDriver != DriverSQLite {
		return errors.New("ETHICSOPS_REPORTS_KEY is required")
	}
	path := filepath.Join(c.DataDir, ReportsKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		k := strings.TrimSpace(string(b))
		if !validReportsKey(k) {
			return fmt.Errorf("%s does not hold a reports key (the standard base64 of %d bytes); restore it from where it was kept", path, ReportsKeySize)
		}
		c.ReportsKey = k
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read the reports key %s: %w", path, err)
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	raw := make([]byte, ReportsKeySize)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	key := base64.StdEncoding.EncodeToString(raw)
	// O_EXCL: two processes starting at once on one data directory must not
	// each make a key and seal with different ones.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return c.EnsureReportsKey()
	}
	if err != nil {
		return fmt.Errorf("keep the reports key in %s: %w", path, err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("keep the reports key in %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("keep the reports key in %s: %w", path, err)
	}
	c.ReportsKey = key
	return nil
}

// ReportsOldKeyFile keeps the previous reports key of the embedded default
// while `ethicsops reports rotate-key` re-seals; it is removed at the end.
const ReportsOldKeyFile = "reports.key.old"

// LoadReportsOldKey fills ReportsOldKey, for the embedded default, from
// reports.key.old when a rotation was cut short: a server started then
// still opens what the old key sealed.
func (c *Config) LoadReportsOldKey() error {
	if c.ReportsOldKey != "" || c.DBDriver != DriverSQLite {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(c.DataDir, ReportsOldKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if k := strings.TrimSpace(string(b)); validReportsKey(k) && k != c.ReportsKey {
		c.ReportsOldKey = k
	}
	return nil
}

// BeginReportsRotation sets ReportsKey (new) and ReportsOldKey (old) for
// `ethicsops reports rotate-key`. With keys from the environment both must
// be set (ETHICSOPS_REPORTS_KEY the new one, ETHICSOPS_REPORTS_OLD_KEY the
// old one). With the embedded default's key file, the old key is first
// copied to reports.key.old, then a new key replaces reports.key (written
// aside and renamed: reports.key is never missing, so nothing can make
// another key in its place), and a rotation cut short is resumed with the
// two files as they are. fromFiles says which it was (EndReportsRotation
// removes reports.key.old then).
func (c *Config) BeginReportsRotation() (fromFiles bool, err error) {
	if c.ReportsKey != "" || c.DBDriver != DriverSQLite {
		if c.ReportsKey == "" || c.ReportsOldKey == "" {
			return false, errors.New("rotate-key needs ETHICSOPS_REPORTS_KEY (the new key) and ETHICSOPS_REPORTS_OLD_KEY (the key in use until now)")
		}
		if c.ReportsKey == c.ReportsOldKey {
			return false, errors.New("ETHICSOPS_REPORTS_KEY and ETHICSOPS_REPORTS_OLD_KEY are the same key")
		}
		return false, nil
	}
	if err := c.EnsureReportsKey(); err != nil {
		return true, err
	}
	oldPath := filepath.Join(c.DataDir, ReportsOldKeyFile)
	old := c.ReportsKey
	if b, err := os.ReadFile(oldPath); err == nil {
		old = strings.TrimSpace(string(b))
		if !validReportsKey(old) {
			return true, fmt.Errorf("%s does not hold a reports key; restore it from where it was kept", oldPath)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return true, err
	} else if err := writeKeyFile(oldPath, old); err != nil {
		return true, err
	}
	if c.ReportsKey == old {
		// Not yet replaced: make the new key.
		raw := make([]byte, ReportsKeySize)
		if _, err := rand.Read(raw); err != nil {
			return true, err
		}
		key := base64.StdEncoding.EncodeToString(raw)
		path := filepath.Join(c.DataDir, ReportsKeyFile)
		if err := writeKeyFile(path+".new", key); err != nil {
			return true, err
		}
		if err := os.Rename(path+".new", path); err != nil {
			return true, err
		}
		c.ReportsKey = key
	}
	c.ReportsOldKey = old
	return true, nil
}

// EndReportsRotation removes reports.key.old once everything is re-sealed.
func (c *Config) EndReportsRotation() error {
	err := os.Remove(filepath.Join(c.DataDir, ReportsOldKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// writeKeyFile writes a key file (mode 0600) and syncs it.
func writeKeyFile(path, key string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		problem string // substring of the error; "" means valid
	}{
		{"defaults", nil, nil, ""},
		{"bad driver", map[string]string{"ETHICSOPS_DB_DRIVER": "oracle"}, nil, "ETHICSOPS_DB_DRIVER"},
		{"mysql without secret", map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "u:p@tcp(db:3306)/x"}, nil, "ETHICSOPS_JWT_SECRET must be at least 32 bytes"},
		{"mysql short secret", map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "u:p@tcp(db:3306)/x", "ETHICSOPS_JWT_SECRET": "short"}, nil, "ETHICSOPS_JWT_SECRET"},
		{"mysql ok", map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "u:p@tcp(db:3306)/x", "ETHICSOPS_JWT_SECRET": strings.Repeat("k", 32), "ETHICSOPS_REPORTS_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}, nil, ""},
		{"mysql without reports key", map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "u:p@tcp(db:3306)/x", "ETHICSOPS_JWT_SECRET": strings.Repeat("k", 32)}, nil, "ETHICSOPS_REPORTS_KEY is required"},
		{"reports key too short", map[string]string{"ETHICSOPS_REPORTS_KEY": "AAECAwQFBgcICQoLDA0ODw=="}, nil, "ETHICSOPS_REPORTS_KEY must be"},
		{"reports key not base64", map[string]string{"ETHICSOPS_REPORTS_KEY": "not base64 at all!"}, nil, "ETHICSOPS_REPORTS_KEY must be"},
		{"mysql without dsn", map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_JWT_SECRET": strings.Repeat("k", 32)}, nil, "ETHICSOPS_DB_DSN"},
		{"sqlite short secret", map[string]string{"ETHICSOPS_JWT_SECRET": "short"}, nil, "ETHICSOPS_JWT_SECRET"},
		{"bad time zone", map[string]string{"ETHICSOPS_TIMEZONE": "Mars/Olympus"}, nil, "ETHICSOPS_TIMEZONE"},
		{"bad addr", nil, []string{"--addr", "8080"}, "ETHICSOPS_ADDR"},
		{"bad proxy", map[string]string{"ETHICSOPS_TRUSTED_PROXIES": "10.0.0.1,not-an-ip"}, nil, "not-an-ip"},
		{"wildcard cors", map[string]string{"ETHICSOPS_CORS_ORIGINS": "*"}, nil, "ETHICSOPS_CORS_ORIGINS"},
		{"bad pool", map[string]string{"ETHICSOPS_DB_MAX_OPEN": "many"}, nil, "ETHICSOPS_DB_MAX_OPEN"},
		{"register per hour zero", map[string]string{"ETHICSOPS_REGISTER_PER_HOUR": "0"}, nil, "ETHICSOPS_REGISTER_PER_HOUR"},
		{"register per hour not a number", map[string]string{"ETHICSOPS_REGISTER_PER_HOUR": "many"}, nil, "ETHICSOPS_REGISTER_PER_HOUR"},
		{"register per hour for a booth", map[string]string{"ETHICSOPS_REGISTER_PER_HOUR": "60"}, nil, ""},
		{"reports first answer zero", map[string]string{"ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS": "0"}, nil, "ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS"},
		{"reports first answer not a number", map[string]string{"ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS": "ten"}, nil, "ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS"},
		{"reports assess too long", map[string]string{"ETHICSOPS_REPORTS_ASSESS_DAYS": "366"}, nil, "ETHICSOPS_REPORTS_ASSESS_DAYS"},
		{"pow bits too many", map[string]string{"ETHICSOPS_REPORTS_POW_BITS": "29"}, nil, "ETHICSOPS_REPORTS_POW_BITS"},
		{"pow bits negative", map[string]string{"ETHICSOPS_REPORTS_POW_BITS": "-1"}, nil, "ETHICSOPS_REPORTS_POW_BITS"},
		{"pow off", map[string]string{"ETHICSOPS_REPORTS_POW_BITS": "0"}, nil, ""},
		{"pow hardest", map[string]string{"ETHICSOPS_REPORTS_POW_BITS": "28"}, nil, ""},
		{"old reports key not a key", map[string]string{"ETHICSOPS_REPORTS_OLD_KEY": "abc"}, nil, "ETHICSOPS_REPORTS_OLD_KEY"},
		{"reports deadlines set", map[string]string{"ETHICSOPS_REPORTS_FIRST_ANSWER_DAYS": "7", "ETHICSOPS_REPORTS_ASSESS_DAYS": "365"}, nil, ""},
		{"flag wins", map[string]string{"ETHICSOPS_DB_DRIVER": "oracle"}, []string{"--db-driver", "sqlite"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.args, env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			switch {
			case tc.problem == "" && err != nil:
				t.Fatalf("unexpected: %v", err)
			case tc.problem != "" && (err == nil || !strings.Contains(err.Error(), tc.problem)):
				t.Fatalf("want %q, got %v", tc.problem, err)
			case tc.problem != "" && !IsValidation(err):
				t.Fatalf("not a ValidationError: %v", err)
			}
		})
	}
}

// TestRegisterPerHour: the registration throttle is 10 per address and hour
// unless ETHICSOPS_REGISTER_PER_HOUR (or --register-per-hour) says otherwise.
func TestRegisterPerHour(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want int
	}{
		{nil, nil, 10},
		{map[string]string{"ETHICSOPS_REGISTER_PER_HOUR": "60"}, nil, 60},
		{map[string]string{"ETHICSOPS_REGISTER_PER_HOUR": "60"}, []string{"--register-per-hour", "25"}, 25},
	} {
		c, err := Load(tc.args, env(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.RegisterPerHour != tc.want {
			t.Errorf("%v %v: RegisterPerHour = %d, want %d", tc.env, tc.args, c.RegisterPerHour, tc.want)
		}
		if !strings.Contains(c.String(), "register_per_hour") {
			t.Errorf("the start-up log does not show register_per_hour: %s", c.String())
		}
	}
}

func TestMasking(t *testing.T) {
	c, _ := Load(nil, env(map[string]string{
		"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "app:hunter2-db@tcp(db:3306)/ethicsops",
		"ETHICSOPS_JWT_SECRET": "super-secret-jwt-key-0123456789abcdef", "ETHICSOPS_ADMIN_PASSWORD": "admin-pass-xyz",
	}))
	s := c.String()
	for _, secret := range []string{"hunter2-db", "super-secret-jwt-key", "admin-pass-xyz"} {
		if strings.Contains(s, secret) {
			t.Errorf("String() shows %q: %s", secret, s)
		}
	}
	if !strings.Contains(s, "app:***@tcp(db:3306)/ethicsops") {
		t.Errorf("DSN not masked usefully: %s", s)
	}
}

func TestEnsureJWTSecretIsKept(t *testing.T) {
	dir := t.TempDir()
	c := &Config{DBDriver: DriverSQLite, DataDir: dir}
	if err := c.EnsureJWTSecret(); err != nil {
		t.Fatal(err)
	}
	first := c.JWTSecret
	if len(first) < MinSecretLen {
		t.Fatalf("secret too short: %d", len(first))
	}
	st, err := os.Stat(filepath.Join(dir, "jwt-secret"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", st, err)
	}
	c2 := &Config{DBDriver: DriverSQLite, DataDir: dir}
	if err := c2.EnsureJWTSecret(); err != nil || c2.JWTSecret != first {
		t.Fatalf("secret not kept across restarts")
	}
}

// The pool follows the driver unless set: SQLite gains nothing from many
// connections and pays memory for each.
func TestPoolDefaultsByDriver(t *testing.T) {
	secret := strings.Repeat("k", 32)
	for _, tc := range []struct {
		env            map[string]string
		wantOpen, idle int
	}{
		{nil, 8, 8},
		{map[string]string{"ETHICSOPS_DB_DRIVER": "mysql", "ETHICSOPS_DB_DSN": "u:p@tcp(db:3306)/x", "ETHICSOPS_JWT_SECRET": secret, "ETHICSOPS_REPORTS_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}, 40, 40},
		{map[string]string{"ETHICSOPS_DB_MAX_OPEN": "12"}, 12, 12},
		{map[string]string{"ETHICSOPS_DB_MAX_OPEN": "12", "ETHICSOPS_DB_MAX_IDLE": "3"}, 12, 3},
	} {
		c, err := Load(nil, env(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.DBMaxOpen != tc.wantOpen || c.DBMaxIdle != tc.idle {
			t.Errorf("%v: pool %d open / %d idle, want %d / %d", tc.env, c.DBMaxOpen, c.DBMaxIdle, tc.wantOpen, tc.idle)
		}
	}
}

// TestDemoListensOnLoopback: the demo prints its passwords, so unless an
// address is given it listens on this machine only; a given address (flag
// or environment) wins, and a normal server keeps listening everywhere.
func TestDemoListensOnLoopback(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"demo", []string{"--demo"}, nil, "127.0.0.1:8080"},
		{"demo with --addr", []string{"--demo", "--addr", ":9090"}, nil, ":9090"},
		{"demo with ETHICSOPS_ADDR", []string{"--demo"}, map[string]string{"ETHICSOPS_ADDR": "0.0.0.0:9091"}, "0.0.0.0:9091"},
		{"not a demo", nil, nil, ":8080"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.args, env(tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tc.want {
				t.Fatalf("addr %q, want %q", c.Addr, tc.want)
			}
		})
	}
}

// TestSwaggerUISetting: the Swagger UI is on unless ETHICSOPS_SWAGGER_UI (or
// --swagger-ui) says off; anything else is a configuration error.
func TestSwaggerUISetting(t *testing.T) {
	for _, tc := range []struct {
		env, want, problem string
		args               []string
	}{
		{"", "on", "", nil},
		{"off", "off", "", nil},
		{"on", "on", "", nil},
		{"", "off", "", []string{"--swagger-ui", "off"}},
		{"no", "no", "ETHICSOPS_SWAGGER_UI must be on or off", nil},
	} {
		c, err := Load(tc.args, env(map[string]string{"ETHICSOPS_SWAGGER_UI": tc.env}))
		if err != nil {
			t.Fatal(err)
		}
		err = c.Validate()
		if c.SwaggerUI != tc.want || (tc.problem == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.problem)) {
			t.Fatalf("ETHICSOPS_SWAGGER_UI=%q %v: %q, %v", tc.env, tc.args, c.SwaggerUI, err)
		}
	}
}

// TestEnsureReportsKey: the embedded default makes its reports key once,
// keeps it in the data directory readable by the owner only, and finds the
// same key on the next start; a damaged key file stops the start.
func TestEnsureReportsKey(t *testing.T) {
	dir := t.TempDir()
	c := &Config{DBDriver: DriverSQLite, DataDir: dir}
	if err := c.EnsureReportsKey(); err != nil {
		t.Fatal(err)
	}
	if !validReportsKey(c.ReportsKey) {
		t.Fatalf("made key %q is not 32 bytes of base64", c.ReportsKey)
	}
	st, err := os.Stat(filepath.Join(dir, ReportsKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, st.Mode())
	}
	again := &Config{DBDriver: DriverSQLite, DataDir: dir}
	if err := again.EnsureReportsKey(); err != nil || again.ReportsKey != c.ReportsKey {
		t.Fatalf("second start: %v, same key %v", err, again.ReportsKey == c.ReportsKey)
	}
	if err := os.WriteFile(filepath.Join(dir, ReportsKeyFile), []byte("garbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (&Config{DBDriver: DriverSQLite, DataDir: dir}).EnsureReportsKey(); err == nil {
		t.Fatal("a damaged key file was accepted (a new key would make every sealed report unreadable)")
	}
	if err := (&Config{DBDriver: DriverMySQL, DataDir: t.TempDir()}).EnsureReportsKey(); err == nil {
		t.Fatal("mysql made its own key")
	}
}

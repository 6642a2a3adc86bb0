package chaos

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"ethicsops/apitest"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"ethicsops/models/dbtest"
)

// EnvChaos turns the harness on; without it every test here skips at once.
const EnvChaos = "ETHICSOPS_CHAOS"

const (
	secret = "chaos-secret-0123456789abcdef0123456789abcdef"
	// reportsKey seals the whistle-blowing reports of the servers under test.
	reportsKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	adminPwd   = "chaos-admin-password"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// requireChaos skips unless ETHICSOPS_CHAOS=1 and a MySQL DSN is configured.
func requireChaos(t *testing.T) {
	t.Helper()
	if os.Getenv(EnvChaos) != "1" {
		t.Skipf("set %s=1 to run the chaos and multi-server harness (restarts MariaDB)", EnvChaos)
	}
	if os.Getenv(dbtest.EnvDSN) == "" {
		t.Fatalf("%s=1 needs %s", EnvChaos, dbtest.EnvDSN)
	}
}

// binary builds the ethicsops command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ethicsops-chaos-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "ethicsops")
		_, file, _, _ := runtime.Caller(0)
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = filepath.Join(filepath.Dir(file), "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// freePort returns a loopback address nobody listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is one ethicsops process.
type server struct {
	t    *testing.T
	addr string
	env  []string
	cmd  *exec.Cmd
	out  *apitest.SyncBuffer
	done chan struct{}
}

// startServer runs the binary on dsn and waits until /readyz answers 200.
func startServer(t *testing.T, dsn, dataDir string) *server {
	t.Helper()
	s := &server{t: t, addr: freePort(t), out: &apitest.SyncBuffer{}}
	s.env = append(os.Environ(),
		"ETHICSOPS_ADDR="+s.addr, "ETHICSOPS_DB_DRIVER=mysql", "ETHICSOPS_DB_DSN="+dsn,
		"ETHICSOPS_JWT_SECRET="+secret, "ETHICSOPS_REPORTS_KEY="+reportsKey, "ETHICSOPS_ADMIN_PASSWORD="+adminPwd,
		"ETHICSOPS_DATA_DIR="+dataDir, "ETHICSOPS_LOG_LEVEL=warn")
	s.start()
	t.Cleanup(s.kill)
	return s
}

func (s *server) start() {
	s.t.Helper()
	s.cmd = exec.Command(binary(s.t), "serve")
	s.cmd.Env = s.env
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(s.cmd, s.done)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.url("/readyz")); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		select {
		case <-s.done:
			s.t.Fatalf("server exited at start:\n%s", s.out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.t.Fatalf("server not ready after 30 s:\n%s", s.out.String())
}

// kill sends SIGKILL and waits for the process to go.
func (s *server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

func (s *server) url(path string) string { return "http://" + s.addr + path }

// client is an HTTP client with short timeouts, so that a dead server is
// noticed quickly.
var client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// call sends one JSON request; err is a transport error (no answer).
func call(base, method, path, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// mustCall is call that fails the test unless the answer has status want.
func mustCall(t *testing.T, base, method, path, token string, body any, want int) map[string]any {
	t.Helper()
	code, b, err := call(base, method, path, token, body)
	if err != nil || code != want {
		t.Fatalf("%s %s: %d %v %s", method, path, code, err, b)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// login returns an access token.
func login(t *testing.T, base, user, pwd string) string {
	t.Helper()
	return mustCall(t, base, "POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pwd}, 200)["access_token"].(string)
}

// freshDB makes a new database on the test server and returns the DSN for
// the service and an open handle for the checks.
func freshDB(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := dbtest.Options(t, "mysql").DSN
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return dsn, db
}

// mysqlAddr is the host:port of the test server.
func mysqlAddr(t *testing.T) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(os.Getenv(dbtest.EnvDSN))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Addr
}

// mariadbUp reports whether MariaDB answers a ping.
func mariadbUp(addr string) bool {
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "mysqladmin", "-uroot", "-h"+host, "-P"+port, "ping").Run() == nil
}

// startMariaDB starts mariadbd as CI does and waits until it answers.
func startMariaDB(t *testing.T, addr string) {
	t.Helper()
	if mariadbUp(addr) {
		return
	}
	if _, err := os.Stat("/run/mysqld"); os.IsNotExist(err) {
		_ = os.MkdirAll("/run/mysqld", 0o755)
		_ = exec.Command("chown", "mysql:mysql", "/run/mysqld").Run()
	}
	if out, err := exec.Command("start-stop-daemon", "--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd").CombinedOutput(); err != nil {
		t.Errorf("start mariadbd: %v %s", err, out)
	}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if mariadbUp(addr) {
			return
		}
	}
	t.Fatal("MariaDB did not come back within 60 s")
}

// stopMariaDB shuts MariaDB down and waits until it no longer answers.
func stopMariaDB(t *testing.T, addr string) {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	if out, err := exec.Command("mysqladmin", "-uroot", "-h"+host, "-P"+port, "shutdown").CombinedOutput(); err != nil {
		t.Fatalf("mysqladmin shutdown: %v %s", err, out)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if !mariadbUp(addr) {
			return
		}
	}
	t.Fatal("MariaDB still answers 30 s after shutdown")
}

// answer is a body with the Retry-After header.
type answer struct {
	b          []byte
	retryAfter string
}

// callWithHeaders posts body as JSON and returns the body and Retry-After.
func callWithHeaders(base, path, token string, body any) (int, answer, error) {
	j, err := json.Marshal(body)
	if err != nil {
		return 0, answer{}, err
	}
	req, err := http.NewRequest("POST", base+path, bytes.NewReader(j))
	if err != nil {
		return 0, answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, answer{}, err
	}
	return resp.StatusCode, answer{b: b, retryAfter: resp.Header.Get("Retry-After")}, nil
}

// Package apitest runs the real router over a fresh database for HTTP tests:
// one account of each role, signed in, and a clock the test can set.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"ethicsops/api"
	"ethicsops/handlers"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
	"ethicsops/services/reports"
	"ethicsops/services/storage"
)

// Secret is the JWT secret of test servers.
const Secret = "test-secret-0123456789abcdef0123456789abcdef"

// Password is the password of every test account.
const Password = "correct-horse-battery"

// Clock is a settable clock; the zero value tells the real time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the set time, or the real time when none is set.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return models.Now()
	}
	return c.now
}

// Set fixes the time (UTC, microseconds); the zero time returns to real time.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC().Truncate(time.Microsecond)
}

// Advance moves a fixed clock forward.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Env is one test server.
type Env struct {
	T        testing.TB
	Driver   string
	DB       *gorm.DB
	Svc      *services.Services
	Reports  *reports.Service
	DataDir  string // the server's data directory (files)
	Router   http.Handler
	Clock    *Clock
	Location *time.Location
	Users    map[string]models.User // by role name: admin, manager, officer, officer2, volunteer, pending
	Tokens   map[string]string      // access tokens by the same names
	Unit     models.Unit            // a unit the staff belong to
	Unit2    models.Unit
}

// ReportsKey is the test servers' whistle-blowing reports key (32 bytes).
var ReportsKey = []byte("ethicsops-test-reports-key-32byt")

// TestPowBits is the test servers' proof-of-work difficulty for reports:
// enough for a wrong nonce to fail (1 in 256 passes), cheap to solve.
const TestPowBits = 8

// Each runs fn once per driver (SQLite, and MySQL when configured), each on a
// fresh database with a fresh server.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) { fn(t, New(t, drv)) })
	}
}

// Option adjusts the services' options of a test server.
type Option func(*services.Options)

// New builds a server on a fresh database of driver.
func New(t testing.TB, driver string, opts ...Option) *Env {
	t.Helper()
	return NewOnDB(t, driver, dbtest.Open(t, driver), true, opts...)
}

// NewOnDB builds a server over an existing database; with seed it creates the
// test accounts and units (a second "server" on the same database passes false
// and shares the first one's Users and Tokens by copying them).
func NewOnDB(t testing.TB, driver string, db *gorm.DB, seed bool, opts ...Option) *Env {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Taipei")
	clock := &Clock{}
	o := services.Options{JWTSecret: []byte(Secret), Location: loc, Clock: clock.Now, BcryptCost: bcrypt.MinCost, DataDir: t.TempDir(),
		// The pace of sign-ins per address is tested on its own (a test
		// passes its own gate); everywhere else it stays out of the way, so
		// that what the throttle tests see is the throttle's doing.
		SignInGate: services.NewAddressGate(services.GateLimits{Burst: 1 << 20}),
	}
	for _, opt := range opts {
		opt(&o)
	}
	svc := services.New(db, o)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rep, err := reports.New(db, reports.Options{Key: ReportsKey, Files: storage.NewLocal(o.DataDir), Location: loc, Clock: clock.Now, PowBits: TestPowBits})
	if err != nil {
		t.Fatal(err)
	}
	h := handlers.New(svc)
	h.Reports = rep
	r, err := api.NewRouter(api.Deps{Handler: h, Auth: svc.Auth, Log: log, CORSOrigins: []string{"https://app.example.gov.tw"}})
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, Driver: driver, DB: db, Svc: svc, Reports: rep, DataDir: o.DataDir, Router: r, Clock: clock, Location: loc, Users: map[string]models.User{}, Tokens: map[string]string{}}
	if seed {
		e.seed()
	}
	return e
}

func (e *Env) seed() {
	ctx := context.Background()
	sys := services.Actor{Role: models.RoleAdmin}
	var err error
	if e.Unit, err = e.Svc.Units.Create(ctx, sys, services.NewUnit{Code: "CYC-PW", Name: "嘉義市政府工務處", Kind: models.UnitAgency}); err != nil {
		e.T.Fatal(err)
	}
	if e.Unit2, err = e.Svc.Units.Create(ctx, sys, services.NewUnit{Code: "SCH-CYJH", Name: "嘉義市立嘉義國民中學", Kind: models.UnitSchool}); err != nil {
		e.T.Fatal(err)
	}
	for _, a := range []struct{ name, role, status string }{
		{"admin", models.RoleAdmin, models.StatusActive},
		{"manager", models.RoleManager, models.StatusActive},
		{"officer", models.RoleOfficer, models.StatusActive},
		{"officer2", models.RoleOfficer, models.StatusActive},
		{"volunteer", models.RoleVolunteer, models.StatusActive},
		{"volunteer2", models.RoleVolunteer, models.StatusActive},
		{"pending", models.RoleVolunteer, models.StatusPending},
	} {
		nu := services.NewUser{Username: a.name, Password: Password, DisplayName: "測試 " + a.name, Role: a.role, Status: a.status}
		if a.role != models.RoleVolunteer {
			nu.UnitID = &e.Unit.ID
		} else {
			nu.Phone, nu.Email = "0912-345-678", a.name+"@example.org"
		}
		u, err := e.Svc.Users.Create(ctx, sys, nu)
		if err != nil {
			e.T.Fatal(err)
		}
		e.Users[a.name] = u
		e.Tokens[a.name] = e.Login(a.name, Password)
	}
}

// Login signs in through the API and returns the access token.
func (e *Env) Login(username, password string) string {
	e.T.Helper()
	r := e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
	if r.Code != http.StatusOK {
		e.T.Fatalf("login %s: %d %s", username, r.Code, r.Body)
	}
	return r.JSON()["access_token"].(string)
}

// Response is a recorded answer.
type Response struct {
	T      testing.TB
	Code   int
	Body   string
	Header http.Header
}

// JSON decodes the body as an object.
func (r *Response) JSON() map[string]any {
	r.T.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		r.T.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// Decode decodes the body into v.
func (r *Response) Decode(v any) {
	r.T.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		r.T.Fatalf("decode body: %v: %s", err, r.Body)
	}
}

// ErrorCode returns error.code of an error envelope ("" if none).
func (r *Response) ErrorCode() string {
	var env struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal([]byte(r.Body), &env)
	return env.Error.Code
}

// Do sends a request with an optional bearer token. body may be nil, a
// string or []byte (sent as is), or any value (sent as JSON).
func (e *Env) Do(method, path, token string, body any) *Response {
	e.T.Helper()
	return e.DoWith(method, path, token, body, nil)
}

// DoWith is Do with extra headers (which may override Content-Type).
func (e *Env) DoWith(method, path, token string, body any, headers map[string]string) *Response {
	e.T.Helper()
	return e.send(method, path, token, body, headers, "")
}

// DoFrom is Do from another client: ip is the address the request comes
// from (its RemoteAddr; without it every request comes from 192.0.2.1).
func (e *Env) DoFrom(ip, method, path, token string, body any) *Response {
	e.T.Helper()
	return e.send(method, path, token, body, nil, net.JoinHostPort(ip, "40000"))
}

func (e *Env) send(method, path, token string, body any, headers map[string]string, remote string) *Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if remote != "" {
		req.RemoteAddr = remote
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.Router.ServeHTTP(w, req)
	checkContract(e.T, req, w.Code, w.Header(), w.Body.Bytes())
	return &Response{T: e.T, Code: w.Code, Body: w.Body.String(), Header: w.Header()}
}

// Count returns the number of rows of model matching where.
func (e *Env) Count(model any, where string, args ...any) int64 {
	e.T.Helper()
	var n int64
	q := e.DB.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		e.T.Fatal(err)
	}
	return n
}

// Expand replaces {name} in path with the id of the test account name
// (e.g. /api/v1/users/{officer2}).
func (e *Env) Expand(path string) string {
	for name, u := range e.Users {
		path = strings.ReplaceAll(path, "{"+name+"}", u.ID)
	}
	return path
}

// SyncBuffer is a bytes.Buffer safe for a server goroutine (or process
// output) writing and a test reading.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

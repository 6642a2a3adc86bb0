package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"ethicsops/apitest"
)

// TestServeOnBusyPort: when the address is taken, serve (with or without
// --demo, the address from the flag or the environment) says so in one
// human line naming --addr and ETHICSOPS_ADDR, exits 2, and writes nothing:
// no log lines, no JWT secret, no database, no demo office.
func TestServeOnBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"demo, --addr", []string{"serve", "--demo", "--addr", addr}, nil},
		{"demo, ETHICSOPS_ADDR", []string{"--demo"}, map[string]string{"ETHICSOPS_ADDR": addr}},
		{"first start", []string{"serve"}, map[string]string{"ETHICSOPS_ADDR": addr, "ETHICSOPS_ADMIN_PASSWORD": "busy-port-admin-pass"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"ETHICSOPS_DATA_DIR": dir}
			for k, v := range tc.env {
				env[k] = v
			}
			var out, errOut bytes.Buffer
			code := run(tc.args, func(k string) string { return env[k] }, &out, &errOut)
			lines := strings.Split(strings.TrimRight(errOut.String(), "\n"), "\n")
			if code != 2 || out.Len() != 0 || len(lines) != 1 {
				t.Fatalf("exit %d (want 2), stdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
			}
			for _, want := range []string{addr, "--addr", "ETHICSOPS_ADDR", "in use"} {
				if !strings.Contains(lines[0], want) {
					t.Fatalf("the line does not say %q: %s", want, lines[0])
				}
			}
			if strings.HasPrefix(lines[0], "{") {
				t.Fatalf("a log line instead of a sentence: %s", lines[0])
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("the data directory was written to: %v", entries)
			}
		})
	}
}

// TestDemoDefaultsToLoopback: with no address given, the demo wants
// 127.0.0.1:8080, not every interface. The test holds that address (or finds
// it held by someone else) so that nothing is served or seeded.
func TestDemoDefaultsToLoopback(t *testing.T) {
	if ln, err := net.Listen("tcp", "127.0.0.1:8080"); err == nil {
		defer ln.Close()
	}
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := run([]string{"serve", "--demo"}, func(k string) string { return map[string]string{"ETHICSOPS_DATA_DIR": dir}[k] }, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "127.0.0.1:8080 is already in use") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("the data directory was written to: %v", entries)
	}
}

// TestDemoTakesTheAdminPasswordFromTheEnvironment: with --demo, the admin
// signs in with ETHICSOPS_ADMIN_PASSWORD (not the printed demo password),
// and the console says where the password came from without printing it.
func TestDemoTakesTheAdminPasswordFromTheEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	const secretPW = "env-admin-password-for-the-demo"
	env := map[string]string{"ETHICSOPS_ADMIN_PASSWORD": secretPW, "ETHICSOPS_ADDR": addr, "ETHICSOPS_DATA_DIR": t.TempDir()}
	var out apitest.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--demo"}, func(k string) string { return env[k] }, io.Discard, &out)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(90 * time.Second)
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			_ = resp.Body.Close()
			break
		}
		select {
		case code := <-done:
			t.Fatalf("server stopped with %d:\n%s", code, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	login := func(pw string) int {
		b, _ := json.Marshal(map[string]string{"username": "admin", "password": pw})
		resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	envCode, demoCode := login(secretPW), login("demo-admin-2026")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("server still running 15 s after SIGTERM")
	}
	if envCode != http.StatusOK || demoCode != http.StatusUnauthorized {
		t.Fatalf("admin with the environment's password %d (want 200), with the demo password %d (want 401)", envCode, demoCode)
	}
	console := out.String()
	if strings.Contains(console, secretPW) || !strings.Contains(console, "ETHICSOPS_ADMIN_PASSWORD") {
		t.Fatalf("console:\n%s", console)
	}
	if !strings.Contains(console, "demo-officer-2026") {
		t.Fatalf("the other demo sign-ins are not printed:\n%s", console)
	}
}

package main

import (
	"ethicsops/apitest"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestSlowHeadersCut (OWASP API4:2023, resource consumption): a client that
// sends its headers a line a second (slowloris) is cut off by the server's
// ReadHeaderTimeout (5 s) on a real listener, and other clients are served
// meanwhile.
func TestSlowHeadersCut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server and waits for its header timeout")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	env := map[string]string{"ETHICSOPS_ADMIN_PASSWORD": "slow-headers-password", "ETHICSOPS_ADDR": addr, "ETHICSOPS_DATA_DIR": t.TempDir()}
	var out apitest.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"serve"}, func(k string) string { return env[k] }, &out, io.Discard) }()
	defer func() {
		_ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	}()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			_ = resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", out.String())
		}
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	cut := make(chan time.Duration, 1)
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := conn.Read(buf); err != nil {
				cut <- time.Since(start)
				return
			}
		}
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case d := <-cut:
			if d < 4*time.Second || d > 8*time.Second {
				t.Fatalf("slow client cut after %v, want about 5 s", d)
			}
			t.Logf("slow-header client cut after %v", d.Round(10*time.Millisecond))
			return
		case <-tick.C:
			if i == 2 { // the server still serves others meanwhile
				if resp, err := http.Get("http://" + addr + "/healthz"); err != nil || resp.StatusCode != 200 {
					t.Errorf("healthz while a slow client holds a connection: %v", err)
				} else {
					_ = resp.Body.Close()
				}
			}
			_, _ = io.WriteString(conn, "X-Slow: a\r\n") // never the blank line
			if time.Since(start) > 15*time.Second {
				t.Fatal("slow client still connected after 15 s")
			}
		}
	}
}

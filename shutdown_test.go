package main

import (
	"ethicsops/apitest"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdown sends SIGTERM while requests are in flight: every
// request accepted before the signal gets its answer, and the server stops
// well within 10 seconds.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	env := map[string]string{"ETHICSOPS_ADMIN_PASSWORD": "shutdown-test-password", "ETHICSOPS_ADDR": addr, "ETHICSOPS_DATA_DIR": t.TempDir()}
	var out apitest.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"serve"}, func(k string) string { return env[k] }, &out, io.Discard) }()
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			_ = resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Phones on a weak signal: each request's body arrives in two halves a
	// second apart, so the requests are surely in flight at the signal, and
	// the server's wait does not hinge on CPU (bcrypt under -race would).
	const n = 16
	var wg sync.WaitGroup
	results := make(chan string, n)
	started := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr, pw := io.Pipe()
			go func() {
				_, _ = pw.Write([]byte(`{"refresh_token":`))
				started <- struct{}{}
				time.Sleep(time.Second)
				_, _ = pw.Write([]byte(`"not-a-token"}`))
				_ = pw.Close()
			}()
			resp, err := http.Post(base+"/api/v1/auth/refresh", "application/json", pr)
			if err != nil {
				results <- "error: " + err.Error()
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			results <- fmt.Sprint(resp.StatusCode)
		}()
	}
	for i := 0; i < n; i++ {
		<-started
	}
	time.Sleep(150 * time.Millisecond) // let the requests reach the server
	sent := time.Now()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d:\n%s", code, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server still running 10 s after SIGTERM")
	}
	took := time.Since(sent)
	wg.Wait()
	close(results)
	ok := 0
	for r := range results {
		if r == "401" { // the server read the whole body and answered
			ok++
		} else {
			t.Errorf("a request in flight got %s", r)
		}
	}
	t.Logf("%d/%d requests in flight completed; server stopped %v after SIGTERM", ok, n, took.Round(time.Millisecond))
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// floodClients is how many clients flood the sign-in with wrong passwords.
const floodClients = 16

// benchLogin measures what a flood of bogus sign-ins does to everyone else:
// GET /me (p50 quiet and under the flood; target ≤ 2× quiet) and a real
// sign-in (p50 and max under the flood; target ≤ 2 s). The flood comes
// from one client address, the real user from another (X-Forwarded-For; the
// server trusts the bench as its proxy), and each bogus attempt names its
// own unknown account, so that no per-account lockout steps in: what keeps
// the server answering is the bound on bcrypt work (and whatever the
// sign-in throttle does per address, which the flood's answers show: 429).
func benchLogin(o options, name string, srv *server) error {
	fmt.Printf("\n== sign-in flood on %s: %d clients sending wrong passwords for %s\n", name, floodClients, o.flood)
	const pw = "bench-login-password-123"
	user := fmt.Sprintf("bench.login.%d", time.Now().UnixNano()%1_000_000)
	var unit struct {
		ID string `json:"id"`
	}
	code := fmt.Sprintf("L-%d", time.Now().UnixNano()%1_000_000)
	if _, err := srv.do("POST", "/api/v1/units", srv.admin, map[string]string{"code": code, "name": "壓測單位 " + code, "kind": "agency"}, &unit); err != nil {
		return err
	}
	if _, err := srv.do("POST", "/api/v1/users", srv.admin, map[string]any{"username": user, "password": pw, "display_name": "壓測登入", "role": "officer", "unit_id": unit.ID}, nil); err != nil {
		return err
	}
	token, err := srv.login(user, pw)
	if err != nil {
		return err
	}
	const (
		attackerAddr = "198.51.100.1" // the flood's one client
		realAddr     = "203.0.113.7"  // the real user's own address
	)
	me := func() (time.Duration, error) {
		t0 := time.Now()
		_, err := srv.do("GET", "/api/v1/me", token, nil, nil)
		return time.Since(t0), err
	}
	signIn := func() (time.Duration, int, error) {
		t0 := time.Now()
		st, err := postLogin(srv, user, pw, realAddr)
		return time.Since(t0), st, err
	}

	// Idle, back to back: /me one after another, then a few real sign-ins.
	var idleMe, idleSign []time.Duration
	for i := 0; i < 300; i++ {
		d, err := me()
		if err != nil {
			return err
		}
		idleMe = append(idleMe, d)
	}
	for i := 0; i < 5; i++ {
		d, st, err := signIn()
		if err != nil || st != http.StatusOK {
			return fmt.Errorf("idle sign-in: %d %v", st, err)
		}
		idleSign = append(idleSign, d)
	}

	// A person's use, measured twice the same way: quiet, then under the
	// flood. The target compares these two, so that nothing differs but the
	// flood: a request every 20 ms finds the server's threads parked and
	// the processor's caches cold more often than requests back to back do,
	// and the person's own sign-ins (a hash every 500 ms) are in both.
	quiet, err := measureUse(o.flood, me, signIn)
	if err != nil {
		return fmt.Errorf("quiet: %w", err)
	}

	stop := make(chan struct{})
	var (
		wg       sync.WaitGroup
		seq      atomic.Int64
		statusMu sync.Mutex
		statuses = map[int]int{}
	)
	for w := 0; w < floodClients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := seq.Add(1)
				st, _ := postLogin(srv, fmt.Sprintf("nobody.%d.%d", w, n), "wrong-password-guess", attackerAddr)
				statusMu.Lock()
				statuses[st]++
				statusMu.Unlock()
			}
		}(w)
	}
	time.Sleep(time.Second) // let the flood fill the queue
	flood, err := measureUse(o.flood, me, signIn)
	close(stop)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("under the flood: %w", err)
	}

	quietP50, floodP50 := pctOf(quiet.me, 0.5), pctOf(flood.me, 0.5)
	ratio := float64(floodP50) / float64(quietP50)
	fmt.Printf("  flood answers: %v (%.0f attempts/s)\n", statuses, float64(seq.Load())/(o.flood.Seconds()+1))
	fmt.Printf("  GET /me back to back: p50 %s  p99 %s  (%d requests)\n", ms(pctOf(idleMe, 0.5)), ms(pctOf(idleMe, 0.99)), len(idleMe))
	fmt.Printf("  GET /me quiet:        p50 %s  p99 %s  (%d requests, one every 20 ms)\n", ms(quietP50), ms(pctOf(quiet.me, 0.99)), len(quiet.me))
	fmt.Printf("  GET /me under flood:  p50 %s  p99 %s  (%d requests, one every 20 ms)\n", ms(floodP50), ms(pctOf(flood.me, 0.99)), len(flood.me))
	fmt.Printf("  /me p50 under flood ÷ back to back = %.2f\n", float64(floodP50)/float64(pctOf(idleMe, 0.5)))
	fmt.Printf("  /me p50 under flood ÷ quiet = %.2f (target ≤ 2.00) %s\n", ratio, verdict(ratio <= 2))
	fmt.Printf("  real sign-in back to back: p50 %s  max %s\n", ms(pctOf(idleSign, 0.5)), ms(pctOf(idleSign, 1)))
	fmt.Printf("  real sign-in quiet:        p50 %s  max %s  answers %v\n", ms(pctOf(quiet.sign, 0.5)), ms(pctOf(quiet.sign, 1)), quiet.status)
	signMax := pctOf(flood.sign, 1)
	fmt.Printf("  real sign-in under flood:  p50 %s  max %s  answers %v (target ≤ 2 s, every one 200) %s\n",
		ms(pctOf(flood.sign, 0.5)), ms(signMax), flood.status, verdict(len(flood.sign) > 0 && signMax <= 2*time.Second && len(flood.status) == 1))
	return nil
}

// use is what one person met during a measurement: GET /me's durations,
// the durations of the sign-ins answered 200, and every sign-in's status.
type use struct {
	me, sign []time.Duration
	status   map[int]int
}

// measureUse is a person's use for d: GET /me every 20 ms and a sign-in
// every 500 ms, side by side.
func measureUse(d time.Duration, me func() (time.Duration, error), signIn func() (time.Duration, int, error)) (use, error) {
	u := use{status: map[int]int{}}
	var (
		wg    sync.WaitGroup
		meErr error
	)
	start := time.Now()
	wg.Add(2)
	go func() {
		defer wg.Done()
		for time.Since(start) < d {
			t, err := me()
			if err != nil {
				meErr = err
				return
			}
			u.me = append(u.me, t)
			time.Sleep(20 * time.Millisecond) // a person, not a second flood
		}
	}()
	go func() {
		defer wg.Done()
		for time.Since(start) < d {
			t, st, _ := signIn()
			u.status[st]++
			if st == http.StatusOK {
				u.sign = append(u.sign, t)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()
	wg.Wait()
	if meErr != nil {
		return u, fmt.Errorf("GET /me: %w", meErr)
	}
	return u, nil
}

// postLogin signs in from addr (X-Forwarded-For) and returns the status.
func postLogin(srv *server, user, pw, addr string) (int, error) {
	b, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	req, err := http.NewRequest("POST", srv.base+"/api/v1/auth/login", bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// pctOf is the p-th quantile of ds (p = 1: the maximum).
func pctOf(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

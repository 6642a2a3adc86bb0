package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ethicsops/apitest"
	"ethicsops/models"
	"ethicsops/services"
)

// loginFrom signs in as username from the client address ip.
func loginFrom(e *apitest.Env, ip, username, password string) *apitest.Response {
	e.T.Helper()
	return e.DoFrom(ip, "POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password})
}

// retryAfter is the Retry-After of a 429, failing t when there is none.
func retryAfter(t *testing.T, r *apitest.Response) int {
	t.Helper()
	if r.Code != http.StatusTooManyRequests || r.ErrorCode() != "too_many_requests" {
		t.Fatalf("want 429 too_many_requests, got %d %s", r.Code, r.Body)
	}
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n < 1 {
		t.Fatalf("429 without a usable Retry-After: %q", r.Header.Get("Retry-After"))
	}
	return n
}

// Twenty wrong passwords for one account at the same moment, from one
// address, half of them to a second server on the same database: at most
// five are judged, the rest wait with Retry-After.
func TestParallelWrongPasswordsAreJudgedAtMostFive(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e2 := apitest.NewOnDB(t, e.Driver, e.DB, false)
		const n = 20
		codes := make([]int, n)
		retry := make([]string, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			srv := e
			if i%2 == 1 {
				srv = e2
			}
			wg.Go(func() {
				<-start
				r := srv.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": "wrong-password-" + strconv.Itoa(i)})
				codes[i], retry[i] = r.Code, r.Header.Get("Retry-After")
			})
		}
		close(start)
		wg.Wait()
		judged, refused := 0, 0
		for i, c := range codes {
			switch c {
			case 401:
				judged++
			case 429:
				refused++
				if retry[i] == "" {
					t.Errorf("429 without Retry-After")
				}
			default:
				t.Errorf("attempt %d: %d", i, c)
			}
		}
		if judged > services.MaxLoginFailure || judged+refused != n {
			t.Fatalf("%d judged (401) and %d refused (429) of %d parallel wrong passwords; want at most %d judged", judged, refused, n, services.MaxLoginFailure)
		}
		// Each judged failure is in the trail; no refused attempt is.
		if got := e.Count(&models.AuditEvent{}, "action = ? AND entity_id = ?", "auth.login_failed", "officer"); got > services.MaxLoginFailure {
			t.Fatalf("%d failures recorded", got)
		}
		// The pair is locked now, on both servers, even for the right password.
		retryAfter(t, e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}))
		retryAfter(t, e2.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "officer", "password": apitest.Password}))
	})
}

// Fifty parallel attempts, the right password sent among the later ones,
// once the first ones fill the limit: at most five are judged, the right one
// gets 429, and its arrival does not clear the failures of the others.
func TestRightPasswordAmongParallelWrongOnesIsRefused(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		const n, right = 50, 25
		codes := make([]int, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		send := func(i int) {
			wg.Go(func() {
				<-start
				pw := "wrong-password-" + strconv.Itoa(i)
				if i == right {
					pw = apitest.Password
				}
				codes[i] = e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "manager", "password": pw}).Code
			})
		}
		for i := range right {
			send(i)
		}
		close(start)
		// The later half goes once the first attempts have filled the
		// limit (reserved or judged) or locked the account.
		deadline := time.Now().Add(10 * time.Second)
		for e.Count(&models.LoginThrottle{}, "throttle_key LIKE ? AND (failures + pending >= ? OR locked_until IS NOT NULL)", "login:manager%", services.MaxLoginFailure) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the first attempts never filled the limit")
			}
			time.Sleep(time.Millisecond)
		}
		start = make(chan struct{})
		for i := right; i < n; i++ {
			send(i)
		}
		close(start)
		wg.Wait()
		judged := 0
		for i, c := range codes {
			switch c {
			case 401, 200:
				judged++
			case 429:
			default:
				t.Errorf("attempt %d: %d", i, c)
			}
		}
		if judged > services.MaxLoginFailure {
			t.Fatalf("%d of %d parallel attempts judged; want at most %d: %v", judged, n, services.MaxLoginFailure, codes)
		}
		if codes[right] != 429 {
			t.Fatalf("the right password sent after the limit was filled: %d, want 429", codes[right])
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "auth.login"); n != 7 { // the seed's seven sign-ins
			t.Fatalf("%d sign-ins recorded", n)
		}
		// The lock holds afterwards: nothing cleared it.
		retryAfter(t, e.Do("POST", "/api/v1/auth/login", "", map[string]string{"username": "manager", "password": apitest.Password}))
	})
}

// An attacker at one address locks only that address out of the account:
// the owner signs in from another.
func TestLockoutIsPerAccountAndAddress(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(e.Clock.Now()) // stands still from here
		const attacker, owner = "203.0.113.7", "198.51.100.20"
		for i := 1; i <= services.MaxLoginFailure; i++ {
			r := loginFrom(e, attacker, "admin", "wrong-password-"+strconv.Itoa(i))
			if i < services.MaxLoginFailure && r.Code != 401 {
				t.Fatalf("attempt %d: %d %s", i, r.Code, r.Body)
			}
			if i == services.MaxLoginFailure {
				retryAfter(t, r)
			}
		}
		retryAfter(t, loginFrom(e, attacker, "admin", apitest.Password))
		if r := loginFrom(e, owner, "admin", apitest.Password); r.Code != 200 {
			t.Fatalf("the owner at another address: %d %s", r.Code, r.Body)
		}
		// The same address is not locked out of other accounts either.
		if r := loginFrom(e, attacker, "officer", apitest.Password); r.Code != 200 {
			t.Fatalf("another account from the attacker's address: %d %s", r.Code, r.Body)
		}
		var lockout []models.AuditEvent
		e.DB.Where("action = ?", "auth.lockout").Find(&lockout)
		if len(lockout) != 1 || lockout[0].EntityID != "admin" || !strings.Contains(string(lockout[0].After), attacker) {
			t.Fatalf("lockout events: %+v", lockout)
		}
		e.Clock.Advance(services.LockoutPeriod + time.Second)
		if r := loginFrom(e, attacker, "admin", apitest.Password); r.Code != 200 {
			t.Fatalf("after the lock: %d %s", r.Code, r.Body)
		}
	})
}

// Above the ceiling of failures across all addresses every address is slowed
// down, with a growing Retry-After, but never locked; the account's admins
// see one auth.account_under_attack event for the window.
func TestAccountCeilingSlowsEveryAddress(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Clock.Set(e.Clock.Now())                             // stands still from here
		e.Tokens["admin"] = e.Login("admin", apitest.Password) // for the audit trail, at this clock
		const owner = "198.51.100.20"
		attackers := services.AccountFailureCeiling / services.MaxLoginFailure
		for a := range attackers {
			ip := "203.0.113." + strconv.Itoa(10+a)
			for i := range services.MaxLoginFailure {
				if r := loginFrom(e, ip, "officer", "wrong-password-"+strconv.Itoa(i)); r.Code != 401 && r.Code != 429 {
					t.Fatalf("attacker %s: %d %s", ip, r.Code, r.Body)
				}
			}
		}
		// Below the ceiling the owner was never in the way; at it, every
		// address takes its turn: one attempt, then a growing wait.
		last := 0
		for round := range 4 {
			if r := loginFrom(e, owner, "officer", "wrong-password-x"); r.Code != 401 {
				t.Fatalf("round %d: the turn's attempt: %d %s", round, r.Code, r.Body)
			}
			wait := retryAfter(t, loginFrom(e, owner, "officer", apitest.Password))
			if wait <= last {
				t.Fatalf("round %d: Retry-After %d after %d; want it to grow", round, wait, last)
			}
			// Another address waits as well.
			retryAfter(t, loginFrom(e, "192.0.2.200", "officer", apitest.Password))
			last = wait
			e.Clock.Advance(time.Duration(wait) * time.Second)
		}
		if r := loginFrom(e, owner, "officer", apitest.Password); r.Code != 200 {
			t.Fatalf("the owner after waiting: %d %s", r.Code, r.Body)
		}
		q := url.Values{"action": {"auth.account_under_attack"}}
		l := listAudit(t, e, q)
		if len(l.Items) != 1 || l.Items[0].EntityID != e.Users["officer"].ID {
			t.Fatalf("under-attack events: %+v", l.Items)
		}
		// A new window that reaches the ceiling again is reported again.
		e.Clock.Advance(services.AccountCeilingWindow)
		for a := range attackers {
			ip := "203.0.114." + strconv.Itoa(10+a)
			for i := range services.MaxLoginFailure {
				loginFrom(e, ip, "officer", "wrong-password-"+strconv.Itoa(i))
			}
		}
		if n := e.Count(&models.AuditEvent{}, "action = ?", "auth.account_under_attack"); n != 2 {
			t.Fatalf("%d under-attack events after two windows", n)
		}
	})
}

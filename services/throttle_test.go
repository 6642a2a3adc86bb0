package services

import (
	"strings"
	"testing"
	"time"

	"ethicsops/models"
)

func TestAddressKey(t *testing.T) {
	same := [][2]string{
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"}, // one /64
		{"::ffff:192.0.2.7", "192.0.2.7"},                       // IPv4 mapped
		{"fe80::1%eth0", "fe80::2"},                             // zone dropped
	}
	for _, p := range same {
		if a, b := addressKey(p[0]), addressKey(p[1]); a != b {
			t.Errorf("%s → %s, %s → %s: want one key", p[0], a, p[1], b)
		}
	}
	if addressKey("2001:db8:1:2::1") == addressKey("2001:db8:1:3::1") {
		t.Error("two /64 networks share a key")
	}
	if addressKey("192.0.2.7") == addressKey("192.0.2.8") {
		t.Error("two IPv4 addresses share a key")
	}
	for _, odd := range []string{"", "not an address", strings.Repeat("x", 10000)} {
		if k := addressKey(odd); len(k) > 46 || k == "" {
			t.Errorf("%q → %q: want a short key", odd, k)
		}
	}
}

func TestSlowdownGrowsToItsBound(t *testing.T) {
	last := time.Duration(0)
	for n := range 40 {
		d := slowdown(n)
		if d < last || d > MaxSlowdown || d <= 0 {
			t.Fatalf("slowdown(%d) = %v after %v", n, d, last)
		}
		last = d
	}
	if slowdown(0) != time.Second || last != MaxSlowdown {
		t.Fatalf("from %v to %v", slowdown(0), last)
	}
}

// A success forgives the pair's failures only when it is the last attempt
// in flight; the account's count is never forgiven.
func TestSuccessForgivesOnlyWhenAlone(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	pair := &models.LoginThrottle{WindowStart: now}
	for range 3 {
		if w := pairRule.reserve(pair, now); w != 0 {
			t.Fatalf("reserve: wait %v", w)
		}
	}
	pairRule.fail(pair, now) // 1 failure, 2 in flight
	pairRule.succeed(pair)   // 1 in flight: the failure stays
	if pair.Failures != 1 || pair.Pending != 1 {
		t.Fatalf("after a success beside one in flight: %+v", pair)
	}
	pairRule.fail(pair, now) // 2 failures, none in flight
	if w := pairRule.reserve(pair, now); w != 0 {
		t.Fatal(w)
	}
	pairRule.succeed(pair) // alone: forgiven
	if pair.Failures != 0 || pair.Pending != 0 {
		t.Fatalf("after a success alone: %+v", pair)
	}

	acct := &models.LoginThrottle{WindowStart: now, Failures: 7}
	accountRule.reserve(acct, now)
	accountRule.succeed(acct)
	if acct.Failures != 7 || acct.Pending != 0 {
		t.Fatalf("account after a success: %+v", acct)
	}
}

// The limit counts attempts in flight: the sixth reservation waits even
// before any of the five is judged, and the fifth failure locks.
func TestReservationsFillTheLimit(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	pair := &models.LoginThrottle{WindowStart: now}
	for i := range MaxLoginFailure {
		if w := pairRule.reserve(pair, now); w != 0 {
			t.Fatalf("reservation %d: wait %v", i, w)
		}
	}
	if w := pairRule.reserve(pair, now); w != inFlightWait {
		t.Fatalf("sixth reservation: wait %v", w)
	}
	locks := 0
	for range MaxLoginFailure {
		if pairRule.fail(pair, now) {
			locks++
		}
	}
	if locks != 1 || pair.LockedUntil == nil || !pair.LockedUntil.Equal(now.Add(LockoutPeriod)) {
		t.Fatalf("%d locks: %+v", locks, pair)
	}
	if w := pairRule.reserve(pair, now.Add(time.Minute)); w != LockoutPeriod-time.Minute {
		t.Fatalf("while locked: wait %v", w)
	}
	if w := pairRule.reserve(pair, now.Add(LockoutPeriod)); w != 0 || pair.Failures != 0 || pair.Pending != 1 {
		t.Fatalf("after the lock: wait %v, %+v", w, pair)
	}
	if !pair.ExpiresAt.Equal(now.Add(2 * LockoutPeriod)) {
		t.Fatalf("expires %v", pair.ExpiresAt)
	}
}

package services

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tooMany fails t unless err is a too_many_requests with a Retry-After.
func tooMany(t *testing.T, err error, what string) {
	t.Helper()
	de, ok := AsError(err)
	if !ok || de.Code != CodeTooManyRequests || de.RetryAfter <= 0 {
		t.Fatalf("%s: %v, want too_many_requests with Retry-After", what, err)
	}
}

// An address makes its burst at once; the next attempts are held until
// their turn when it comes within the wait, and past that held for the wait
// and refused with the time until its turn.
func TestAddressGateHoldsAttemptsUntilTheirTurn(t *testing.T) {
	l := GateLimits{Burst: 3, Interval: 200 * time.Millisecond, Wait: 450 * time.Millisecond}
	g := NewAddressGate(l)
	ctx := context.Background()
	for i := range 3 {
		t0 := time.Now()
		if err := g.Wait(ctx, "198.51.100.1"); err != nil {
			t.Fatalf("attempt %d of the burst: %v", i+1, err)
		}
		if d := time.Since(t0); d > l.Interval/2 {
			t.Fatalf("attempt %d of the burst held %s", i+1, d)
		}
	}
	// Three at once: their turns are 200, 400 and 600 ms away; the last
	// one's is beyond the 450 ms wait.
	type result struct {
		err error
		d   time.Duration
	}
	results := make([]result, 3)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			t0 := time.Now()
			err := g.Wait(ctx, "198.51.100.1")
			results[i] = result{err, time.Since(t0)}
		})
	}
	wg.Wait()
	passed, refused := 0, 0
	for _, r := range results {
		if r.d < l.Interval-20*time.Millisecond {
			t.Errorf("an attempt beyond the burst answered after %s, before any turn came", r.d)
		}
		if r.err == nil {
			passed++
			continue
		}
		refused++
		tooMany(t, r.err, "the attempt whose turn is beyond the wait")
		if r.d < l.Wait-20*time.Millisecond {
			t.Errorf("refused after %s, want held for the wait (%s)", r.d, l.Wait)
		}
	}
	if passed != 2 || refused != 1 {
		t.Fatalf("%d passed and %d refused; want 2 held until their turn and 1 refused", passed, refused)
	}
	if g.Held() != 0 {
		t.Fatalf("%d attempts still counted as held", g.Held())
	}
}

// Sixteen clients sending sign-ins one after another from one address for
// a second get through at most the burst and one per interval, and each of
// their connections gets at most one answer per wait: the flood's turns are
// bounded whatever its speed, and another address is not held meanwhile.
func TestAddressGateBoundsAClosedLoopFlood(t *testing.T) {
	l := GateLimits{Burst: 5, Interval: 100 * time.Millisecond, Wait: 200 * time.Millisecond}
	g := NewAddressGate(l)
	const clients, span = 16, time.Second
	var passed, answered atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if g.Wait(context.Background(), "198.51.100.1") == nil {
					passed.Add(1)
				}
				answered.Add(1)
			}
		})
	}
	start := time.Now()
	time.Sleep(l.Interval) // the flood is on
	var colleague []time.Duration
	for time.Since(start) < span-l.Interval {
		t0 := time.Now()
		if err := g.Wait(context.Background(), "203.0.113.7"); err != nil {
			t.Errorf("the colleague at another address: %v", err)
		}
		colleague = append(colleague, time.Since(t0))
		time.Sleep(3 * l.Interval) // within the colleague's own pace
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	// Turns: the burst, one per interval, and one held across the end.
	maxPassed := int64(l.Burst) + int64(elapsed/l.Interval) + 1
	// Answers: the turns, and per client one refusal per wait (and one more
	// in progress when stopped).
	maxAnswered := maxPassed + clients*(int64(elapsed/l.Wait)+1)
	if passed.Load() > maxPassed || answered.Load() > maxAnswered {
		t.Fatalf("in %s, %d attempts of the flood passed (at most %d) and %d were answered (at most %d)",
			elapsed, passed.Load(), maxPassed, answered.Load(), maxAnswered)
	}
	if passed.Load() < int64(l.Burst) {
		t.Fatalf("only %d attempts passed; the burst is %d", passed.Load(), l.Burst)
	}
	for _, d := range colleague {
		if d >= l.Wait {
			t.Fatalf("the colleague at another address was held %s", d)
		}
	}
}

// The attempts held at once are bounded per address and in all; past the
// bound an attempt is refused at once.
func TestAddressGateBoundsTheAttemptsItHolds(t *testing.T) {
	l := GateLimits{Burst: 1, Interval: time.Minute, Wait: time.Second, HeldPerAddress: 2, Held: 3}
	g := NewAddressGate(l)
	ctx := context.Background()
	for _, a := range []string{"198.51.100.1", "198.51.100.2"} {
		if err := g.Wait(ctx, a); err != nil {
			t.Fatalf("%s's first attempt: %v", a, err)
		}
	}
	var wg sync.WaitGroup
	hold := func(addr string, n int) {
		for range n {
			wg.Go(func() { _ = g.Wait(ctx, addr) })
		}
	}
	waitHeld := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(l.Wait / 2); g.Held() != n; {
			if time.Now().After(deadline) {
				t.Fatalf("%d attempts held, want %d", g.Held(), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	immediate := func(addr, what string) {
		t.Helper()
		t0 := time.Now()
		tooMany(t, g.Wait(ctx, addr), what)
		if d := time.Since(t0); d > l.Wait/4 {
			t.Fatalf("%s: held %s, want answered at once", what, d)
		}
	}
	hold("198.51.100.1", 2)
	waitHeld(2)
	immediate("198.51.100.1", "a third attempt of an address holding two")
	hold("198.51.100.2", 1)
	waitHeld(3)
	immediate("198.51.100.2", "an attempt while three are held in all")
	wg.Wait()
	if g.Held() != 0 {
		t.Fatalf("%d attempts still counted as held", g.Held())
	}
}

// The gate remembers a bounded number of addresses, and forgets an
// address once it has all its turns back.
func TestAddressGateMemoryIsBounded(t *testing.T) {
	g := NewAddressGate(GateLimits{Burst: 2, Interval: time.Minute, Addresses: 100})
	ctx := context.Background()
	for i := range 5000 {
		if err := g.Wait(ctx, fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255)); err != nil {
			t.Fatalf("first attempt of address %d: %v", i, err)
		}
		if n := g.Addresses(); n > 100 {
			t.Fatalf("%d addresses remembered after %d, want at most 100", n, i+1)
		}
	}
	// An address whose turns are all back is forgotten by the next new one.
	g = NewAddressGate(GateLimits{Burst: 2, Interval: 20 * time.Millisecond})
	for i := range 50 {
		_ = g.Wait(ctx, fmt.Sprintf("10.0.0.%d", i))
	}
	time.Sleep(50 * time.Millisecond)
	_ = g.Wait(ctx, "10.0.1.1")
	if n := g.Addresses(); n != 1 {
		t.Fatalf("%d addresses remembered, want only the one with a turn taken", n)
	}
}

// Addresses are counted as the sign-in throttle counts them: an IPv6
// subscriber's /64 is one address; an IPv4 address seen as IPv6 is itself.
func TestAddressGateCountsIPv6ByItsNetwork(t *testing.T) {
	g := NewAddressGate(GateLimits{Burst: 1, Interval: time.Minute, Wait: time.Millisecond})
	ctx := context.Background()
	for _, a := range []string{"2001:db8:1:2::1", "198.51.100.1"} {
		if err := g.Wait(ctx, a); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	tooMany(t, g.Wait(ctx, "2001:db8:1:2:ffff::9"), "another address of the same /64")
	tooMany(t, g.Wait(ctx, "::ffff:198.51.100.1"), "the same IPv4 address written as IPv6")
	if err := g.Wait(ctx, "2001:db8:1:3::1"); err != nil {
		t.Fatalf("another /64: %v", err)
	}
}

// A held attempt whose client goes away is let go at once.
func TestAddressGateLetsGoWhenTheClientLeaves(t *testing.T) {
	g := NewAddressGate(GateLimits{Burst: 1, Interval: time.Minute, Wait: 10 * time.Second})
	_ = g.Wait(context.Background(), "198.51.100.1")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	tooMany(t, g.Wait(ctx, "198.51.100.1"), "held attempt whose client left")
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("held %s after the client left", d)
	}
	if g.Held() != 0 {
		t.Fatalf("%d attempts still counted as held", g.Held())
	}
}

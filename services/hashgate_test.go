package services

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHashGateBoundsConcurrency: of 24 slow hashes started at once, never
// more than the gate's slots run together, and all of them run.
func TestHashGateBoundsConcurrency(t *testing.T) {
	g := NewHashGate(3, 5*time.Second)
	var running, peak, done atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := g.Do(context.Background(), func() {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(10 * time.Millisecond) // a fake slow hash
				running.Add(-1)
				done.Add(1)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if peak.Load() > 3 || done.Load() != 24 {
		t.Fatalf("peak %d at once (bound 3), %d of 24 done", peak.Load(), done.Load())
	}
}

// TestHashGateRefusesPastItsWait: with every slot held, a caller is refused
// after the wait with an unavailable error carrying Retry-After, without
// running its hash; once a slot is given back, the next caller gets it.
func TestHashGateRefusesPastItsWait(t *testing.T) {
	g := NewHashGate(1, 50*time.Millisecond)
	release, err := g.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	start := time.Now()
	err = g.Do(context.Background(), func() { ran = true })
	waited := time.Since(start)
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeUnavailable || de.RetryAfter <= 0 || ran {
		t.Fatalf("held gate: err %v, ran %v", err, ran)
	}
	if waited < 50*time.Millisecond || waited > 2*time.Second {
		t.Fatalf("refused after %v, want about the 50ms wait", waited)
	}

	// A caller who goes away stops waiting at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Do(ctx, func() { ran = true }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("cancelled caller: err %v, ran %v", err, ran)
	}

	release()
	if err := g.Do(context.Background(), func() { ran = true }); err != nil || !ran {
		t.Fatalf("after release: err %v, ran %v", err, ran)
	}
	// Callers who gave up leave nothing behind.
	if len(g.clients) != 0 || g.free != 1 || g.waiting != 0 {
		t.Fatalf("the gate keeps %d addresses, %d free, %d waiting", len(g.clients), g.free, g.waiting)
	}
}

// TestHashGateLeavesAProcessorFree: the process-wide gate runs one hash
// less than GOMAXPROCS at once (at least one) and waits HashWait.
func TestHashGateLeavesAProcessorFree(t *testing.T) {
	g := NewHashGate(0, 0)
	want := runtime.GOMAXPROCS(0) - 1
	if want < 1 {
		want = 1
	}
	if g.free != want || g.wait != HashWait {
		t.Fatalf("slots %d (want %d), wait %v", g.free, want, g.wait)
	}
}

// TestHashGateTakesTurnsBetweenClients: while one address has a sign-in
// being judged and many waiting, a sign-in from another address gets the
// next slot, not the last; the address's own sign-ins keep their order.
func TestHashGateTakesTurnsBetweenClients(t *testing.T) {
	g := NewHashGate(1, 10*time.Second)
	attacker := WithClientAddr(context.Background(), "198.51.100.1")
	colleague := WithClientAddr(context.Background(), "203.0.113.7")
	hold, err := g.Acquire(attacker)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	queued := func(n int) { // wait until n callers are queued
		for {
			g.mu.Lock()
			k := g.waiting
			g.mu.Unlock()
			if k == n {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	start := func(ctx context.Context, who string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.Do(ctx, func() {
				mu.Lock()
				order = append(order, who)
				mu.Unlock()
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	for i := 0; i < 6; i++ {
		start(attacker, fmt.Sprint("attacker ", i))
		queued(i + 1)
	}
	start(colleague, "colleague")
	queued(7)
	hold()
	wg.Wait()
	want := []string{"colleague", "attacker 0", "attacker 1", "attacker 2", "attacker 3", "attacker 4", "attacker 5"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("served in the order %v, want %v", order, want)
	}
	if len(g.clients) != 0 || g.free != 1 || g.waiting != 0 {
		t.Fatalf("the gate keeps %d addresses, %d free, %d waiting after all are done", len(g.clients), g.free, g.waiting)
	}
}

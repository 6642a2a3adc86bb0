package services

import (
	"context"
	"errors"
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
}

// TestHashGateDefaultsToGOMAXPROCS: the process-wide gate has one slot per
// processor the scheduler uses and waits HashWait.
func TestHashGateDefaultsToGOMAXPROCS(t *testing.T) {
	g := NewHashGate(0, 0)
	if cap(g.slots) != runtime.GOMAXPROCS(0) || g.wait != HashWait {
		t.Fatalf("slots %d wait %v", cap(g.slots), g.wait)
	}
}

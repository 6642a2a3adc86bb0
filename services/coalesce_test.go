package services

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedFetch is a fetch that records its calls and, while gate is open,
// blocks until it is released, so that tests can pile jobs up behind it.
type gatedFetch struct {
	mu      sync.Mutex
	calls   [][]string
	gate    chan struct{}
	started chan struct{}
	rows    map[string]int
	err     error
	panics  bool
}

func (g *gatedFetch) fetch(_ context.Context, keys []string) (map[string]int, error) {
	g.mu.Lock()
	g.calls = append(g.calls, append([]string(nil), keys...))
	g.mu.Unlock()
	if g.started != nil {
		g.started <- struct{}{}
	}
	if g.gate != nil {
		<-g.gate
	}
	if g.panics {
		panic("boom")
	}
	out := map[string]int{}
	for _, k := range keys {
		if v, ok := g.rows[k]; ok {
			out[k] = v
		}
	}
	return out, g.err
}

func (g *gatedFetch) callCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.calls)
}

func TestLoaderCoalescesWaitingReads(t *testing.T) {
	rows := map[string]int{}
	for i := range 40 {
		rows[fmt.Sprint("k", i)] = i
	}
	g := &gatedFetch{rows: rows, gate: make(chan struct{}), started: make(chan struct{}, 100)}
	l := newLoader(g.fetch)
	var wg sync.WaitGroup
	var wrong atomic.Int32
	get := func(i int) {
		defer wg.Done()
		key := fmt.Sprint("k", i%50) // k40..k49 do not exist
		v, found, err := l.load(context.Background(), key)
		if err != nil || found != (i%50 < 40) || (found && v != i%50) {
			wrong.Add(1)
		}
	}
	// Reads hold every worker at the database...
	for i := range loaderWorkers {
		wg.Add(1)
		go get(i)
		<-g.started
	}
	// ...while 100 more (50 distinct keys) queue behind them.
	for i := range 100 {
		wg.Add(1)
		go get(loaderWorkers + i)
	}
	for len(l.c.jobs) < min(100, cap(l.c.jobs)) {
		time.Sleep(time.Millisecond)
	}
	close(g.gate)
	wg.Wait()
	if wrong.Load() != 0 {
		t.Fatalf("%d loads got a wrong answer", wrong.Load())
	}
	// The first loads, one per worker, then the queue in batches of at most
	// loaderBatch jobs: two, and a few more if the workers split it.
	if n := g.callCount(); n > 3*loaderWorkers+2 {
		t.Fatalf("%d fetches for %d loads, 100 of them waiting together", n, loaderWorkers+100)
	}
	for _, keys := range g.calls {
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				t.Fatalf("key %s fetched twice in one query: %v", k, keys)
			}
			seen[k] = true
		}
		if len(keys) > loaderBatch {
			t.Fatalf("a query of %d keys; the limit is %d", len(keys), loaderBatch)
		}
	}
}

// A load never shares a read that started before it was asked for: that
// read may predate a change the caller must see (an account disabled just
// before the request).
func TestLoaderNeverAnswersFromAnEarlierRead(t *testing.T) {
	g := &gatedFetch{rows: map[string]int{"u": 1}, gate: make(chan struct{}), started: make(chan struct{}, 10)}
	l := newLoader(g.fetch)
	// Occupy every worker with a read that is at the database.
	first := make(chan error, loaderWorkers)
	for range loaderWorkers {
		go func() { _, _, err := l.load(context.Background(), "u"); first <- err }()
		<-g.started
	}
	// Asked for while those reads are in flight: it must get a read of its own.
	late := make(chan int, 1)
	go func() { v, _, _ := l.load(context.Background(), "u"); late <- v }()
	time.Sleep(20 * time.Millisecond)
	g.rows = map[string]int{"u": 2} // what the database holds from now on
	for range loaderWorkers {
		g.gate <- struct{}{}
	}
	<-g.started
	g.gate <- struct{}{}
	for range loaderWorkers {
		if err := <-first; err != nil {
			t.Fatal(err)
		}
	}
	if v := <-late; v != 2 {
		t.Fatalf("the late load got %d, from a read that started before it", v)
	}
	if n := g.callCount(); n != loaderWorkers+1 {
		t.Fatalf("%d fetches, want %d", n, loaderWorkers+1)
	}
}

func TestLoaderErrorsAndPanicsReachEveryCaller(t *testing.T) {
	dbErr := errors.New("database away")
	g := &gatedFetch{err: dbErr}
	l := newLoader(g.fetch)
	if _, _, err := l.load(context.Background(), "a"); !errors.Is(err, dbErr) {
		t.Fatalf("err = %v, want the fetch's error", err)
	}
	g.err, g.panics = nil, true
	if _, _, err := l.load(context.Background(), "a"); err == nil {
		t.Fatal("a panicking fetch answered no error")
	}
	// The workers survived the panic.
	g.panics, g.rows = false, map[string]int{"a": 7}
	for range 4 {
		if v, ok, err := l.load(context.Background(), "a"); err != nil || !ok || v != 7 {
			t.Fatalf("after a panic: %d %v %v", v, ok, err)
		}
	}
}

func TestLoaderCallerGivesUp(t *testing.T) {
	g := &gatedFetch{rows: map[string]int{"a": 1}, gate: make(chan struct{}), started: make(chan struct{}, 10)}
	l := newLoader(g.fetch)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, _, err := l.load(ctx, "a"); done <- err }()
	<-g.started
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's", err)
	}
	close(g.gate) // the read finishes; its answer goes nowhere and blocks nothing
	if v, _, err := l.load(context.Background(), "a"); err != nil || v != 1 {
		t.Fatalf("after a caller gave up: %d %v", v, err)
	}
}

// A read that does not come back in loaderTimeout is abandoned: its callers
// get the deadline's error and the worker serves the next reads.
func TestLoaderReadIsBounded(t *testing.T) {
	hang := true
	var mu sync.Mutex
	l := newLoader(func(ctx context.Context, keys []string) (map[string]int, error) {
		mu.Lock()
		h := hang
		hang = false
		mu.Unlock()
		if h {
			<-ctx.Done() // a database that stopped answering, until the deadline
			return nil, ctx.Err()
		}
		return map[string]int{"a": 1}, nil
	})
	if loaderTimeout > 30*time.Second {
		t.Fatalf("loaderTimeout %s: a hung database would hold every request that long", loaderTimeout)
	}
	defer func(d time.Duration) { loaderTimeout = d }(loaderTimeout)
	loaderTimeout = 50 * time.Millisecond
	start := time.Now()
	if _, _, err := l.load(context.Background(), "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
	if v, ok, err := l.load(context.Background(), "a"); err != nil || !ok || v != 1 {
		t.Fatalf("after the timeout: %d %v %v", v, ok, err)
	}
}

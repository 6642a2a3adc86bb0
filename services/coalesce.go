package services

import (
	"context"
	"fmt"
	"time"
)

// Coalescing: at a busy moment many phones call at once, and each request
// would make its own round trip to the database for the same kind of work.
// A coalescer hands the jobs waiting at one moment to one flush: the
// check-in writer (checkin_batch.go) commits them in one transaction, a
// loader reads their rows with one SELECT … WHERE id IN (…).
//
// Nothing waits on purpose. A worker takes the first job as soon as it comes
// and adds only those already queued, so at low load a flush holds one job
// and costs what a direct call would; under load the queue fills while the
// previous flush is at the database, and the next one takes it all.
//
// Every job is flushed after it was submitted. A loader's answer is
// therefore a read that started after the request arrived — never an older
// read shared with it — so a change committed before the request (an
// account disabled, say) is seen, exactly as with a read of its own.
type coalescer[J any] struct {
	jobs  chan J
	max   int
	flush func([]J)
}

// newCoalescer starts workers goroutines that flush at most max jobs at a
// time. They live as long as the process, like the connection pool.
func newCoalescer[J any](workers, max int, flush func([]J)) *coalescer[J] {
	c := &coalescer[J]{jobs: make(chan J, 4*max), max: max, flush: flush}
	for range workers {
		go c.loop()
	}
	return c
}

// submit queues j, or gives up when ctx ends first (the queue is full and
// the client has gone).
func (c *coalescer[J]) submit(ctx context.Context, j J) error {
	select {
	case c.jobs <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *coalescer[J]) loop() {
	for first := range c.jobs {
		batch := []J{first}
	more:
		for len(batch) < c.max {
			select {
			case j := <-c.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		c.run(batch)
	}
}

// run flushes a batch. A panic in flush is answered to the batch's callers
// as an error (each job that can fail) instead of killing the process.
func (c *coalescer[J]) run(batch []J) {
	defer func() {
		if r := recover(); r != nil {
			for _, j := range batch {
				if f, ok := any(j).(interface{ fail(error) }); ok {
					f.fail(fmt.Errorf("panic in a coalesced flush: %v", r))
				}
			}
		}
	}()
	c.flush(batch)
}

// loader reads rows by primary key, the reads of one moment in one query.
type loader[V any] struct {
	c *coalescer[*loadJob[V]]
}

type loadJob[V any] struct {
	key  string
	done chan loadResult[V]
}

type loadResult[V any] struct {
	v     V
	found bool
	err   error
}

// fail answers err unless the job was answered already (never blocks).
func (j *loadJob[V]) fail(err error) {
	select {
	case j.done <- loadResult[V]{err: err}:
	default:
	}
}

// loaderBatch bounds the keys of one query (its IN list). One worker per
// loader: a second one split the reads of a busy moment into two queries of
// half the size, which cost the database more (benchmark, OPERATIONS.md).
const (
	loaderBatch   = 64
	loaderWorkers = 1
)

// loaderTimeout bounds one read of a loader (a variable for the tests).
var loaderTimeout = 10 * time.Second

// newLoader makes a loader over fetch, which returns the rows of keys that
// exist, by key.
func newLoader[V any](fetch func(ctx context.Context, keys []string) (map[string]V, error)) *loader[V] {
	return &loader[V]{c: newCoalescer(loaderWorkers, loaderBatch, func(batch []*loadJob[V]) {
		keys := make([]string, 0, len(batch))
		seen := make(map[string]bool, len(batch))
		for _, j := range batch {
			if !seen[j.key] {
				seen[j.key] = true
				keys = append(keys, j.key)
			}
		}
		// Not a caller's context: the read serves them all. Bounded, so that
		// a database that stopped answering frees the worker and its callers
		// get an error (503) instead of waiting as long as TCP does.
		ctx, cancel := context.WithTimeout(context.Background(), loaderTimeout)
		rows, err := fetch(ctx, keys)
		cancel()
		for _, j := range batch {
			v, ok := rows[j.key]
			j.done <- loadResult[V]{v: v, found: ok, err: err}
		}
	})}
}

// load returns the row of key, found false when there is none. The query
// runs even if ctx ends while it is queued behind others; the caller stops
// waiting then.
func (l *loader[V]) load(ctx context.Context, key string) (V, bool, error) {
	j := &loadJob[V]{key: key, done: make(chan loadResult[V], 1)}
	var zero V
	if err := l.c.submit(ctx, j); err != nil {
		return zero, false, err
	}
	select {
	case r := <-j.done:
		return r.v, r.found, r.err
	case <-ctx.Done():
		return zero, false, ctx.Err()
	}
}

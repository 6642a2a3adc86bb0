package services

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// HashWait is how long a password check or hash waits for a free slot of
// the HashGate before the request is answered 503 with Retry-After. Past it
// the caller is better told to come back than kept waiting, and a flood of
// bogus sign-ins queues at most this long instead of growing without bound.
const HashWait = 2 * time.Second

// HashGate bounds how many bcrypt computations (comparing a password at
// sign-in, hashing a new one) run at once in the process. bcrypt is built to
// cost CPU: without a bound, sixteen bogus sign-ins take every core and every
// other request (a check-in, GET /me) waits behind them.
//
// Callers beyond the bound wait, at most the gate's wait, in one queue per
// client address, and a freed slot goes to the addresses in turn (round
// robin): sixteen sign-ins from one attacker then delay a colleague's
// sign-in from another address by about one hash, not by sixteen. (A flood
// from as many addresses as requests is not told apart by this; past the
// wait its requests are answered 503, so the queue stays bounded.)
type HashGate struct {
	wait time.Duration

	mu   sync.Mutex
	free int
	// queues holds the waiters of each client address; turn lists the
	// addresses with waiters in the order their turn comes.
	queues map[string][]*hashWaiter
	turn   []string
}

// hashWaiter is one caller waiting for a slot; granted is set (under the
// gate's lock) when a releasing caller hands it the slot.
type hashWaiter struct {
	ready   chan struct{}
	granted bool
}

// NewHashGate makes a gate of n slots whose callers wait at most wait (0
// means HashWait). n < 1 means DefaultHashSlots.
func NewHashGate(n int, wait time.Duration) *HashGate {
	if n < 1 {
		n = DefaultHashSlots()
	}
	if wait <= 0 {
		wait = HashWait
	}
	return &HashGate{wait: wait, free: n, queues: map[string][]*hashWaiter{}}
}

// DefaultHashSlots is one less than GOMAXPROCS (at least one): one
// processor stays free for every request that is not a sign-in. Measured on
// 2 cores with 16 clients flooding the sign-in (docs/OPERATIONS.md): with
// GOMAXPROCS slots, GET /me's median went from under 1 ms to 17 ms, as
// each request waited for the scheduler to preempt a hash; with one slot
// fewer it stayed within 1.3× its idle value, and a real sign-in still took
// under a second.
func DefaultHashSlots() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// errBusy is what a caller gets when no slot freed up within the wait.
func (g *HashGate) errBusy() *Error {
	return &Error{Code: CodeUnavailable, Message: "the server is busy checking passwords; try again in a moment", RetryAfter: g.wait}
}

// Acquire takes a slot for the client address of ctx (ClientAddr), waiting
// at most the gate's wait. It returns the function that gives the slot
// back, or an unavailable *Error (503 with Retry-After) when none came in
// time, or ctx's error when the caller went away.
func (g *HashGate) Acquire(ctx context.Context) (release func(), err error) {
	key := ClientAddr(ctx)
	g.mu.Lock()
	if g.free > 0 && len(g.turn) == 0 {
		g.free--
		g.mu.Unlock()
		return g.release, nil
	}
	w := &hashWaiter{ready: make(chan struct{}, 1)}
	if len(g.queues[key]) == 0 {
		g.turn = append(g.turn, key)
	}
	g.queues[key] = append(g.queues[key], w)
	g.mu.Unlock()

	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case <-w.ready:
		return g.release, nil
	case <-t.C:
		err = g.errBusy()
	case <-ctx.Done():
		err = ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.granted { // handed the slot as the wait ran out: take it after all
		return g.release, nil
	}
	g.remove(key, w)
	return nil, err
}

// release hands the slot to the first waiter of the address whose turn it
// is (that address then goes to the back of the line), or frees it.
func (g *HashGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.turn) == 0 {
		g.free++
		return
	}
	key := g.turn[0]
	g.turn = g.turn[1:]
	q := g.queues[key]
	w := q[0]
	if len(q) == 1 {
		delete(g.queues, key)
	} else {
		g.queues[key] = q[1:]
		g.turn = append(g.turn, key)
	}
	w.granted = true
	w.ready <- struct{}{}
}

// remove takes a waiter that gave up out of its address's queue.
func (g *HashGate) remove(key string, w *hashWaiter) {
	q := g.queues[key]
	for i, x := range q {
		if x == w {
			q = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	if len(q) > 0 {
		g.queues[key] = q
		return
	}
	delete(g.queues, key)
	for i, k := range g.turn {
		if k == key {
			g.turn = append(g.turn[:i:i], g.turn[i+1:]...)
			break
		}
	}
}

// Do runs fn in a slot of the gate; see Acquire for the errors.
func (g *HashGate) Do(ctx context.Context, fn func()) error {
	release, err := g.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	fn()
	return nil
}

// checkPassword compares password with hash in a slot of the gate. It
// reports whether they match; err is not nil only when the comparison could
// not be made (the gate refused: not a wrong password, and not to be
// counted as one).
func (s *AuthService) checkPassword(ctx context.Context, hash []byte, password string) (match bool, err error) {
	err = s.hashes.Do(ctx, func() { match = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil })
	return match, err
}

// hashPassword hashes password with bcrypt in a slot of the gate.
func (s *AuthService) hashPassword(ctx context.Context, password string) ([]byte, error) {
	var (
		h    []byte
		herr error
	)
	if err := s.hashes.Do(ctx, func() { h, herr = bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost) }); err != nil {
		return nil, err
	}
	if herr != nil {
		return nil, fmt.Errorf("hash password: %w", herr)
	}
	return h, nil
}

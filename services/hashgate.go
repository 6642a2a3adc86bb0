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
// Callers beyond the bound wait, at most the gate's wait, and a freed slot
// goes to the client address served least recently (among equals, the one
// waiting longest): while one attacker has sixteen sign-ins waiting, a
// colleague's sign-in from another address gets the next slot, not the
// seventeenth. (A flood from as many addresses as requests is not told
// apart by this; past the wait its requests are answered 503, so the queue
// stays bounded.)
type HashGate struct {
	wait time.Duration

	mu      sync.Mutex
	free    int
	waiting int
	seq     uint64
	clients map[string]*hashClient // addresses holding or waiting for a slot
}

// hashClient is one address's share of the gate.
type hashClient struct {
	waiters []*hashWaiter
	holding int
	served  uint64 // the gate's seq when it last got a slot (0: never)
}

// hashWaiter is one caller waiting for a slot; granted is set (under the
// gate's lock) when a releasing caller hands it the slot.
type hashWaiter struct {
	ready   chan struct{}
	granted bool
	seq     uint64
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
	return &HashGate{wait: wait, free: n, clients: map[string]*hashClient{}}
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
	release = func() { g.release(key) }
	g.mu.Lock()
	c := g.clients[key]
	if c == nil {
		c = &hashClient{}
		g.clients[key] = c
	}
	if g.free > 0 && g.waiting == 0 {
		g.free--
		g.grant(c)
		g.mu.Unlock()
		return release, nil
	}
	g.seq++
	w := &hashWaiter{ready: make(chan struct{}, 1), seq: g.seq}
	c.waiters = append(c.waiters, w)
	g.waiting++
	g.mu.Unlock()

	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case <-w.ready:
		return release, nil
	case <-t.C:
		err = g.errBusy()
	case <-ctx.Done():
		err = ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.granted { // handed the slot as the wait ran out: take it after all
		return release, nil
	}
	for i, x := range c.waiters {
		if x == w {
			c.waiters = append(c.waiters[:i:i], c.waiters[i+1:]...)
			break
		}
	}
	g.waiting--
	g.forget(key, c)
	return nil, err
}

// grant counts a slot as taken by c.
func (g *HashGate) grant(c *hashClient) {
	g.seq++
	c.holding++
	c.served = g.seq
}

// release gives key's slot to the next waiter, or frees it.
func (g *HashGate) release(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.clients[key]
	c.holding--
	g.forget(key, c)
	if g.waiting == 0 {
		g.free++
		return
	}
	var next *hashClient
	for _, o := range g.clients {
		if len(o.waiters) > 0 && (next == nil || o.served < next.served ||
			(o.served == next.served && o.waiters[0].seq < next.waiters[0].seq)) {
			next = o
		}
	}
	w := next.waiters[0]
	next.waiters = next.waiters[1:]
	g.waiting--
	g.grant(next)
	w.granted = true
	w.ready <- struct{}{}
}

// forget drops an address that neither holds nor waits for a slot.
func (g *HashGate) forget(key string, c *hashClient) {
	if c.holding == 0 && len(c.waiters) == 0 {
		delete(g.clients, key)
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

package services

import (
	"context"
	"fmt"
	"runtime"
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
// other request (a check-in, GET /me) waits behind them. With at most
// GOMAXPROCS hashes at once, the scheduler keeps room for the rest, and
// sign-ins beyond the bound queue in arrival order (a channel's waiting
// senders are served first come, first served), up to HashWait.
type HashGate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewHashGate makes a gate of n slots (n < 1 means GOMAXPROCS) whose
// callers wait at most wait (0 means HashWait).
func NewHashGate(n int, wait time.Duration) *HashGate {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = HashWait
	}
	return &HashGate{slots: make(chan struct{}, n), wait: wait}
}

// errBusy is what a caller gets when no slot freed up within the wait.
func (g *HashGate) errBusy() *Error {
	return &Error{Code: CodeUnavailable, Message: "the server is busy checking passwords; try again in a moment", RetryAfter: g.wait}
}

// Acquire takes a slot, waiting at most the gate's wait. It returns the
// function that gives the slot back, or an unavailable *Error (503 with
// Retry-After) when none freed up in time, or ctx's error when the caller
// went away.
func (g *HashGate) Acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, g.errBusy()
	case <-ctx.Done():
		return nil, ctx.Err()
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

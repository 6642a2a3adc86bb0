package services

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// AddressGate paces the sign-in attempts of each client address before any
// work is done for them: no body read, no database query, no hash. An
// address may make Burst attempts at once and then one every Interval; an
// attempt beyond that is held until its turn when the turn comes within
// Wait (queued), and otherwise held for Wait and then answered 429 with
// Retry-After (a tarpit).
//
// Why held and not refused at once: a flood is a closed loop, each client
// sending its next attempt when the last is answered. Refusals answered at
// once, however cheap, only make the loop spin faster and take the CPU that
// everyone else needs (measured in docs/OPERATIONS.md: a cheaper refusal made
// GET /me slower). Held, each of the flooder's connections gets one answer
// per Wait, and the attempts that reach the database are at most one per
// Interval per address, whatever the number of connections.
//
// The holding is bounded: at most HeldPerAddress attempts of one address and
// Held in all are held at once; past that an attempt is answered 429 at once.
// The gate remembers at most Addresses addresses (the least recently seen are
// forgotten first, and an address whose turns are all back is forgotten as
// soon as it is the least recent), so its memory is bounded whatever the
// number of addresses. Addresses are counted as the sign-in throttle counts
// them: IPv4 as it is, IPv6 by its /64 (addressKey).
//
// The gate is per process; the throttle in the database (throttle.go) is
// what holds across servers. Time here is the real clock, not the services'
// Clock: the gate paces the processor, not the office's calendar.
type AddressGate struct {
	limits GateLimits
	now    func() time.Time

	mu    sync.Mutex
	held  int
	addrs map[string]*list.Element
	lru   list.List // of *gateAddr, the most recently seen first
}

// GateLimits configure an AddressGate; a zero field takes its value from
// DefaultSignInLimits.
type GateLimits struct {
	Burst          int           // attempts an address may make at once
	Interval       time.Duration // then one attempt per Interval
	Wait           time.Duration // the longest an attempt is held
	HeldPerAddress int           // attempts of one address held at once
	Held           int           // attempts held at once in all
	Addresses      int           // addresses remembered
}

// DefaultSignInLimits pace POST /auth/login: 20 at once and 5 a second from
// one address (more than an office behind one address signs in, and more
// than the bcrypt gate can judge on a small server anyway), held at most 2 s
// (as long as the bcrypt gate's wait). At about 10 KiB per held attempt (its
// goroutine and buffers, which its open connection takes anyway), 1,024
// held attempts are about 10 MiB.
var DefaultSignInLimits = GateLimits{
	Burst:          20,
	Interval:       200 * time.Millisecond,
	Wait:           2 * time.Second,
	HeldPerAddress: 64,
	Held:           1024,
	Addresses:      4096,
}

// gateAddr is what the gate remembers of one address.
type gateAddr struct {
	key string
	// due is when the address has all its attempts back: each attempt
	// moves it Interval later (from now at the latest), and an attempt may
	// go on while due stays within Burst intervals from now.
	due  time.Time
	held int
}

// NewAddressGate makes a gate with limits l.
func NewAddressGate(l GateLimits) *AddressGate {
	d := DefaultSignInLimits
	for _, f := range []struct {
		v   *int
		def int
	}{{&l.Burst, d.Burst}, {&l.HeldPerAddress, d.HeldPerAddress}, {&l.Held, d.Held}, {&l.Addresses, d.Addresses}} {
		if *f.v <= 0 {
			*f.v = f.def
		}
	}
	if l.Interval <= 0 {
		l.Interval = d.Interval
	}
	if l.Wait <= 0 {
		l.Wait = d.Wait
	}
	return &AddressGate{limits: l, now: time.Now, addrs: map[string]*list.Element{}}
}

// Wait lets one attempt from addr go on, holding it until its turn when
// that comes within the gate's Wait.
// Errors: too_many_requests with Retry-After (when the address has a turn
// again) when the turn is further away, after holding the attempt for Wait,
// or at once when the hold bounds are full. When ctx ends while the attempt
// is held, the same error, at once (nobody reads it).
func (g *AddressGate) Wait(ctx context.Context, addr string) error {
	l := g.limits
	g.mu.Lock()
	now := g.now()
	a := g.address(addressKey(addr), now)
	due := a.due
	if due.Before(now) {
		due = now
	}
	due = due.Add(l.Interval)
	delay := due.Sub(now) - time.Duration(l.Burst)*l.Interval
	if delay <= 0 {
		a.due = due
		g.mu.Unlock()
		return nil
	}
	refused := TooMany(delay, "too many sign-ins from your network address; try again later")
	if a.held >= l.HeldPerAddress || g.held >= l.Held {
		g.mu.Unlock()
		return refused
	}
	turn := delay <= l.Wait
	hold := l.Wait
	if turn {
		a.due, hold = due, delay
	} else {
		refused.RetryAfter = delay - l.Wait
	}
	a.held++
	g.held++
	g.mu.Unlock()

	t := time.NewTimer(hold)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
		turn = false
	}
	g.mu.Lock()
	a.held--
	g.held--
	g.mu.Unlock()
	if !turn {
		return refused
	}
	return nil
}

// address returns what the gate remembers of key, remembering it anew if
// need be, as the most recently seen. It forgets the least recently seen
// addresses while they have all their attempts back and nothing held, and
// beyond the Addresses bound whatever their state (an address forgotten
// too early only gets its burst again; the database throttle still counts
// its failures).
func (g *AddressGate) address(key string, now time.Time) *gateAddr {
	if el, ok := g.addrs[key]; ok {
		g.lru.MoveToFront(el)
		return el.Value.(*gateAddr)
	}
	for g.lru.Len() > 0 {
		back := g.lru.Back()
		old := back.Value.(*gateAddr)
		if g.lru.Len() < g.limits.Addresses && (old.held > 0 || old.due.After(now)) {
			break
		}
		g.lru.Remove(back)
		delete(g.addrs, old.key)
	}
	a := &gateAddr{key: key, due: now}
	g.addrs[key] = g.lru.PushFront(a)
	return a
}

// Addresses is how many addresses the gate remembers.
func (g *AddressGate) Addresses() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.addrs)
}

// Held is how many attempts the gate holds at this moment.
func (g *AddressGate) Held() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held
}

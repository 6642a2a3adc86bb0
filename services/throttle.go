package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// Sign-in throttling (OWASP Authentication Cheat Sheet: lock the pair, slow
// the account). Failures are counted per account and client address: five in
// 15 minutes lock that pair for 15 minutes, so an attacker at one address
// cannot lock the owner out at another. Across all addresses an account
// takes AccountFailureCeiling failures an hour; above that every address is
// slowed down (one attempt per growing interval, answered 429 with
// Retry-After in between) rather than locked, and the first time in a window
// the audit event auth.account_under_attack is written. Failures for
// usernames that do not exist are counted per address only, under one key,
// so that made-up names add at most one row per address.
//
// Every attempt is reserved in the database before its password is compared
// (reserve, then judge): the reservation and the check of the limits are one
// transaction on locked rows, so of any number of parallel attempts, on one
// server or on several over one database, at most the limit are compared.
const (
	AccountFailureCeiling = 50
	AccountCeilingWindow  = time.Hour
	// MaxSlowdown bounds the interval between attempts above the ceiling.
	MaxSlowdown = 5 * time.Minute
	// ThrottleSweepInterval is how often the server deletes expired rows.
	ThrottleSweepInterval = time.Minute
	// inFlightWait is the Retry-After while the attempts in flight fill a
	// pair's limit: their outcome, known within moments, decides.
	inFlightWait = 2 * time.Second
)

// throttleRule is how one kind of key counts.
type throttleRule struct {
	max    int           // attempts (judged and in flight) a window allows
	window time.Duration // fixed window, from its first attempt
	lock   time.Duration // > 0: lock this long at max failures; 0: slow down above max
}

var (
	pairRule    = throttleRule{max: MaxLoginFailure, window: LockoutPeriod, lock: LockoutPeriod}
	accountRule = throttleRule{max: AccountFailureCeiling, window: AccountCeilingWindow}
)

// reserve counts one attempt in flight on t, or says how long the caller
// must wait (and changes nothing that matters then: the transaction is
// rolled back).
func (r throttleRule) reserve(t *models.LoginThrottle, now time.Time) time.Duration {
	if !now.Before(t.WindowStart.Add(r.window)) {
		// The window is over: counting starts again at this attempt.
		t.Failures, t.Pending, t.WindowStart = 0, 0, now
	}
	if t.LockedUntil != nil && now.Before(*t.LockedUntil) {
		return t.LockedUntil.Sub(now)
	}
	over := t.Failures + t.Pending - r.max
	switch {
	case over < 0:
	case r.lock > 0:
		// Only attempts in flight can fill the limit without having locked
		// it: they are judged within moments and decide.
		return inFlightWait
	default:
		// Above the ceiling this attempt goes on and the next one on the
		// account, from any address, waits: the longer the further above.
		next := now.Add(slowdown(over))
		t.LockedUntil = &next
	}
	t.Pending++
	r.expire(t)
	return 0
}

// fail judges a reserved attempt as a failure; it reports whether this
// failure locked the key.
func (r throttleRule) fail(t *models.LoginThrottle, now time.Time) bool {
	release(t)
	t.Failures++
	locked := false
	if r.lock > 0 && t.Failures >= r.max && (t.LockedUntil == nil || !now.Before(*t.LockedUntil)) {
		until := now.Add(r.lock)
		t.LockedUntil, t.Failures, t.WindowStart, locked = &until, 0, now, true
	}
	r.expire(t)
	return locked
}

// succeed judges a reserved attempt as a success. A success releases its own
// reservation; it forgives the failures of the window only when no other
// attempt is in flight, so that a right password sent among parallel wrong
// ones never clears the failures they are about to record. The account's
// count across addresses is never forgiven: it measures an attack on the
// account, which the owner's success does not end.
func (r throttleRule) succeed(t *models.LoginThrottle) {
	release(t)
	if r.lock > 0 && t.Pending == 0 {
		t.Failures = 0
	}
}

// alert reports whether the ceiling is reached for the first time in this
// window (the caller writes the audit event once) and marks it.
func (r throttleRule) alert(t *models.LoginThrottle) bool {
	if t.Failures < r.max || (t.AlertedWindow != nil && t.AlertedWindow.Equal(t.WindowStart)) {
		return false
	}
	w := t.WindowStart
	t.AlertedWindow = &w
	return true
}

// release forgets a reserved attempt that is not judged (or is judged now).
func release(t *models.LoginThrottle) {
	if t.Pending > 0 {
		t.Pending--
	}
}

// expire sets when t holds nothing any more: its window and its lock over.
func (r throttleRule) expire(t *models.LoginThrottle) {
	end := t.WindowStart.Add(r.window)
	if t.LockedUntil != nil && t.LockedUntil.After(end) {
		end = *t.LockedUntil
	}
	t.ExpiresAt = &end
}

// slowdown is the interval after the n-th attempt above the ceiling (from
// 0): one second, doubling, at most MaxSlowdown.
func slowdown(n int) time.Duration {
	if n > 16 {
		return MaxSlowdown
	}
	return min(time.Second<<n, MaxSlowdown)
}

// addressKey is how a client address is counted: an IPv4 address as it is,
// an IPv6 address by its /64 network (what one subscriber gets, so that an
// attacker cannot take a fresh address per attempt), anything else hashed to
// a fixed length.
func addressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	switch {
	case err != nil:
		sum := sha256.Sum256([]byte(addr))
		return "x" + hex.EncodeToString(sum[:8])
	case ip.Is4In6():
		return ip.Unmap().String()
	case ip.Is6():
		p, _ := ip.WithZone("").Prefix(64)
		return p.String()
	}
	return ip.String()
}

// attempt is one sign-in attempt reserved in the throttle rows.
type attempt struct {
	username string
	address  string // the client address as counted (addressKey)
	account  string // the account's key across addresses; "" for an unknown name
	pair     string // the key of the account and address, or of the address for unknown names
	judged   bool
}

// reserve counts one sign-in attempt of username from clientAddr before its
// password is compared. known tells whether the account exists.
// Errors: too_many_requests with Retry-After while the pair is locked, its
// limit is filled by attempts in flight, or the account is slowed down.
func (s *AuthService) reserve(ctx context.Context, username, clientAddr string, known bool) (*attempt, error) {
	a := &attempt{username: username, address: addressKey(clientAddr)}
	first := "login-unknown:" + a.address
	if known {
		a.account, a.pair = "account:"+username, "login:"+username+"|"+a.address
		first = a.account
	} else {
		a.pair = first
	}
	// The first key is created outside the transaction (once per account or
	// unknown-name address): inserting it in there would make parallel
	// first attempts deadlock on MySQL. The pair row of a known account is
	// created under the account row's lock, so never by two at once, and
	// only when the account lets the attempt on.
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.LoginThrottle{ThrottleKey: first, WindowStart: s.now(), ExpiresAt: ptrTime(s.now().Add(AccountCeilingWindow))}).Error; err != nil {
		return nil, err
	}
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.now()
		var acct *models.LoginThrottle
		if a.account != "" {
			var err error
			if acct, err = lockThrottle(tx, a.account, now); err != nil {
				return err
			}
			if wait := accountRule.reserve(acct, now); wait > 0 {
				return TooMany(wait, "too many failed sign-ins for this account; try again later")
			}
		}
		pair, err := lockThrottle(tx, a.pair, now)
		if err != nil {
			return err
		}
		if wait := pairRule.reserve(pair, now); wait > 0 {
			return TooMany(wait, "too many failed sign-ins; try again later")
		}
		return saveThrottles(tx, acct, pair)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// judgeFailure records a failed attempt and its audit events: the failure,
// the lock it caused, and the account reaching its ceiling (once a window).
// It runs whether or not the client is still waiting, so that hanging up
// cannot hide a failure. It reports whether this failure locked the pair.
func (s *AuthService) judgeFailure(ctx context.Context, a *attempt, userID string) (bool, error) {
	ctx = context.WithoutCancel(ctx)
	var locked bool
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.now()
		locked = false
		acct, pair, err := lockAttempt(tx, a, now)
		if err != nil {
			return err
		}
		attack := false
		if acct != nil {
			acct.Failures++
			release(acct)
			accountRule.expire(acct)
			attack = accountRule.alert(acct)
		}
		locked = pairRule.fail(pair, now)
		if err := saveThrottles(tx, acct, pair); err != nil {
			return err
		}
		where := map[string]any{"client_address": a.address}
		if err := appendAudit(ctx, tx, s.now, AuditEntry{Action: "auth.login_failed", EntityType: "account", EntityID: a.username, After: where}); err != nil {
			return err
		}
		if locked {
			if err := appendAudit(ctx, tx, s.now, AuditEntry{Action: "auth.lockout", EntityType: "account", EntityID: a.username, After: where}); err != nil {
				return err
			}
		}
		if attack {
			return appendAudit(ctx, tx, s.now, AuditEntry{Action: "auth.account_under_attack", EntityType: "user", EntityID: userID,
				After: map[string]any{"username": a.username, "failures": acct.Failures, "window_start": acct.WindowStart}})
		}
		return nil
	})
	if err == nil {
		a.judged = true
	}
	return locked, err
}

// judgeSuccess records a successful attempt inside tx, the transaction that
// signs the account in.
func (s *AuthService) judgeSuccess(tx *gorm.DB, a *attempt) error {
	acct, pair, err := lockAttempt(tx, a, s.now())
	if err != nil {
		return err
	}
	if acct != nil {
		accountRule.succeed(acct)
	}
	pairRule.succeed(pair)
	return saveThrottles(tx, acct, pair)
}

// abandon releases a reservation that was never judged (the comparison was
// refused or the database failed), so that it does not hold a place in the
// limit until the window ends.
func (s *AuthService) abandon(ctx context.Context, a *attempt) {
	if a == nil || a.judged {
		return
	}
	_ = inTx(context.WithoutCancel(ctx), s.db, func(tx *gorm.DB) error {
		acct, pair, err := lockAttempt(tx, a, s.now())
		if err != nil {
			return err
		}
		if acct != nil {
			release(acct)
		}
		release(pair)
		return saveThrottles(tx, acct, pair)
	})
}

// lockAttempt locks the rows of a, the account's first as everywhere, so
// that two transactions never wait for each other's row.
func lockAttempt(tx *gorm.DB, a *attempt, now time.Time) (acct, pair *models.LoginThrottle, err error) {
	if a.account != "" {
		if acct, err = lockThrottle(tx, a.account, now); err != nil {
			return nil, nil, err
		}
	}
	pair, err = lockThrottle(tx, a.pair, now)
	return acct, pair, err
}

// lockThrottle reads key's row for update inside tx, creating it when it is
// missing (new, or swept a moment ago).
func lockThrottle(tx *gorm.DB, key string, now time.Time) (*models.LoginThrottle, error) {
	var t models.LoginThrottle
	err := tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).Where("throttle_key = ?", key).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		t = models.LoginThrottle{ThrottleKey: key, WindowStart: now, ExpiresAt: ptrTime(now.Add(AccountCeilingWindow))}
		err = tx.Create(&t).Error
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func saveThrottles(tx *gorm.DB, rows ...*models.LoginThrottle) error {
	for _, t := range rows {
		if t == nil {
			continue
		}
		err := tx.Model(&models.LoginThrottle{}).Where("throttle_key = ?", t.ThrottleKey).Updates(map[string]any{
			"failures": t.Failures, "pending": t.Pending, "window_start": t.WindowStart,
			"locked_until": t.LockedUntil, "alerted_window": t.AlertedWindow, "expires_at": t.ExpiresAt,
		}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// SweepThrottles deletes the throttle rows that hold nothing any more (their
// window and lock are over) and returns how many it deleted. Rows written
// before expires_at existed go when their longest window is over.
func (s *AuthService) SweepThrottles(ctx context.Context) (int64, error) {
	now := s.now()
	var n int64
	// inTx: servers on several Galera nodes sweep the same expired rows at
	// about the same minute, and all but the first fail certification.
	err := inTx(ctx, s.db, func(tx *gorm.DB) error {
		res := tx.Where("expires_at < ? OR (expires_at IS NULL AND window_start < ? AND (locked_until IS NULL OR locked_until < ?))", now, now.Add(-AccountCeilingWindow), now).
			Delete(&models.LoginThrottle{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// SweepThrottlesEvery runs SweepThrottles every interval until ctx ends,
// reporting errors to onErr (the next round tries again).
func (s *AuthService) SweepThrottlesEvery(ctx context.Context, interval time.Duration, onErr func(error)) {
	every(ctx, interval, func(ctx context.Context) error { _, err := s.SweepThrottles(ctx); return err }, onErr)
}

func ptrTime(t time.Time) *time.Time { return &t }

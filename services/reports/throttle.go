package reports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
	"ethicsops/services"
)

// Throttles of the public side, per client address and across all of them,
// in fixed windows counted in the database (report_throttles) so that every
// server of a cluster counts the same attempts.
//
// No address is ever stored, logged or kept: a window's key is an HMAC of
// the address under a key derived from the reports key and the date (UTC),
// so a database dump alone does not tell which addresses reported, and
// the same address has another key tomorrow. An IPv6 address counts by its
// /64 network (what one subscriber gets).
//
// README works out what the receipt limits mean for a brute-force search.

// Limits are the throttles of the public side, per window.
type Limits struct {
	// Window is the length of a counting window (default one hour).
	Window time.Duration
	// IntakePerAddress and IntakeGlobal bound the reports sent through
	// the public page (defaults 5 and 200).
	IntakePerAddress, IntakeGlobal int
	// AccessPerAddress and AccessGlobal bound the wrong receipts (defaults
	// 10 and 1000).
	AccessPerAddress, AccessGlobal int
}

// DefaultLimits are the throttles unless Options.Limits says otherwise.
var DefaultLimits = Limits{Window: time.Hour, IntakePerAddress: 5, IntakeGlobal: 200, AccessPerAddress: 10, AccessGlobal: 1000}

// limits is Options.Limits with the defaults filled in.
func (s *Service) limits() Limits {
	l, d := s.opts.Limits, DefaultLimits
	if l.Window <= 0 {
		l.Window = d.Window
	}
	for _, p := range []struct {
		v *int
		d int
	}{{&l.IntakePerAddress, d.IntakePerAddress}, {&l.IntakeGlobal, d.IntakeGlobal}, {&l.AccessPerAddress, d.AccessPerAddress}, {&l.AccessGlobal, d.AccessGlobal}} {
		if *p.v <= 0 {
			*p.v = p.d
		}
	}
	return l
}

// throttleKind names what is counted: "intake" or "access".
type throttleKind string

const (
	kindIntake throttleKind = "intake"
	kindAccess throttleKind = "access"
)

// addressKey is the window key of the client address of ctx for kind.
func (s *Service) addressKey(ctx context.Context, kind throttleKind) string {
	addr := services.ClientAddr(ctx)
	if a, err := netip.ParseAddr(addr); err == nil {
		a = a.Unmap()
		if a.Is6() {
			p, _ := a.Prefix(64)
			addr = p.String()
		} else {
			addr = a.String()
		}
	}
	day := s.now().UTC().Format("2006-01-02")
	m := hmac.New(sha256.New, derive(s.opts.Key, "throttle "+day))
	m.Write([]byte(addr))
	return string(kind) + ":" + hex.EncodeToString(m.Sum(nil)[:24])
}

func globalKey(kind throttleKind) string { return "global:" + string(kind) }

// reserve counts one attempt of kind for the caller's address and for all,
// or refuses it with a 429 and the time until a window frees a place. It
// returns the keys it counted, for release.
func (s *Service) reserve(ctx context.Context, kind throttleKind) ([]string, error) {
	l := s.limits()
	perAddr, global := l.IntakePerAddress, l.IntakeGlobal
	if kind == kindAccess {
		perAddr, global = l.AccessPerAddress, l.AccessGlobal
	}
	addr := s.addressKey(ctx, kind)
	if err := s.take(ctx, addr, perAddr, l.Window); err != nil {
		return nil, err
	}
	if err := s.take(ctx, globalKey(kind), global, l.Window); err != nil {
		return nil, err
	}
	return []string{addr, globalKey(kind)}, nil
}

// release gives back the attempts reserve counted (a right receipt is not
// a wrong one).
func (s *Service) release(ctx context.Context, keys []string) {
	for _, k := range keys {
		_ = s.db.WithContext(ctx).Model(&models.ReportThrottle{}).Where("`key` = ? AND count > 0", k).
			Update("count", gorm.Expr("count - 1")).Error
	}
}

// take counts one attempt on key, whose window allows limit, each statement
// one atomic row change (on any number of servers): count within the
// window while below limit; else start a new window if the old one is over;
// else make the row; else refuse.
func (s *Service) take(ctx context.Context, key string, limit int, window time.Duration) error {
	db := s.db.WithContext(ctx)
	for range 3 {
		now := s.now()
		res := db.Model(&models.ReportThrottle{}).Where("`key` = ? AND window_start > ? AND count < ?", key, now.Add(-window), limit).
			Update("count", gorm.Expr("count + 1"))
		if res.Error != nil || res.RowsAffected == 1 {
			return res.Error
		}
		res = db.Model(&models.ReportThrottle{}).Where("`key` = ? AND window_start <= ?", key, now.Add(-window)).
			Updates(map[string]any{"count": 1, "window_start": now, "expires_at": now.Add(window)})
		if res.Error != nil || res.RowsAffected == 1 {
			return res.Error
		}
		res = db.Clauses(clause.OnConflict{DoNothing: true}).Create(&models.ReportThrottle{Key: key, Count: 1, WindowStart: now, ExpiresAt: now.Add(window)})
		if res.Error != nil || res.RowsAffected == 1 {
			return res.Error
		}
		var t models.ReportThrottle
		if err := db.Where("`key` = ?", key).Take(&t).Error; err != nil {
			continue // gone meanwhile (swept): try again
		}
		if end := t.WindowStart.Add(window); t.Count >= limit && now.Before(end) {
			return services.TooMany(max(end.Sub(now), time.Second), "too many attempts; try again later")
		}
	}
	return services.TooMany(time.Second, "too many attempts; try again later")
}

package services

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// Token settings. Access tokens are short so that a stolen one is worth little;
// every request still re-reads the account, so disabling works at once.
const (
	AccessTTL       = 15 * time.Minute
	RefreshTTL      = 30 * 24 * time.Hour
	TokenIssuer     = "ethicsops"
	TokenAudience   = "ethicsops-api"
	MaxLoginFailure = 5
	LockoutPeriod   = 15 * time.Minute
)

// AuthService signs people in and checks their tokens.
type AuthService struct {
	db         *gorm.DB
	secret     []byte
	now        Clock
	bcryptCost int
	// dummyHash is compared against when the account does not exist, so that
	// a wrong username costs as long as a wrong password.
	dummyHash []byte
	// accounts re-reads the account of every authenticated request, the
	// reads of one moment in one query (coalesce.go).
	accounts *loader[accountRow]
	// verified skips parsing a token already verified (token_cache.go).
	verified verifiedTokens
	// hashes bounds the bcrypt work running at once (hashgate.go).
	hashes *HashGate
	// signIns paces sign-in attempts per client address (addrgate.go).
	signIns *AddressGate
}

// accountRow is what each request re-reads of its session and account.
type accountRow struct {
	SessionID    string
	SessionUser  string
	Epoch        int64
	RevokedAt    *time.Time
	ID           string
	Role         string
	Status       string
	UnitID       *string
	SessionEpoch int64
}

// NewAuthService builds the service; bcryptCost 0 means bcrypt.DefaultCost+2.
func NewAuthService(db *gorm.DB, secret []byte, now Clock, bcryptCost int) *AuthService {
	if bcryptCost == 0 {
		bcryptCost = bcrypt.DefaultCost + 2
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcryptCost)
	s := &AuthService{db: db, secret: secret, now: now, bcryptCost: bcryptCost, dummyHash: h, hashes: NewHashGate(0, 0), signIns: NewAddressGate(GateLimits{})}
	s.accounts = newLoader(s.fetchAccounts)
	return s
}

// fetchAccounts reads sessions with their accounts, by session id. The
// session and its account come in one query (a join on two primary keys), so
// that checking revocation costs the request no round trip of its own: this
// is the read every authenticated request makes anyway.
func (s *AuthService) fetchAccounts(ctx context.Context, sids []string) (map[string]accountRow, error) {
	var rows []accountRow
	err := s.db.WithContext(ctx).Table("sessions").
		Select("sessions.id AS session_id, sessions.user_id AS session_user, sessions.epoch, sessions.revoked_at, "+
			"users.id, users.role, users.status, users.unit_id, users.session_epoch").
		Joins("JOIN users ON users.id = sessions.user_id").
		Where("sessions.id IN ?", sids).Find(&rows).Error
	out := make(map[string]accountRow, len(rows))
	for _, r := range rows {
		out[r.SessionID] = r
	}
	return out, err
}

// TokenPair is what a successful login or refresh returns.
type TokenPair struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int
}

// Claims are the access token's claims. SessionID (the refresh token
// family) names the session the token belongs to: ending it ends the token.
type Claims struct {
	Role      string `json:"role"`
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// HashPassword hashes a password with bcrypt, in a slot of the HashGate
// (an unavailable *Error when none frees up within HashWait).
func (s *AuthService) HashPassword(pw string) (string, error) {
	h, err := s.hashPassword(context.Background(), pw)
	return string(h), err
}

// Login checks a username and password from clientAddr (the client's
// address as the router determines it). It returns ErrUnauthenticated for a
// wrong pair, a name no account can have, or a disabled account, and a
// too_many_requests *Error with Retry-After while the account and address
// are locked or the account is slowed down (throttle.go), and an unavailable
// *Error when the HashGate has no slot within HashWait: that attempt is not
// judged, so it is neither a failure nor a success (its reservation is
// given back).
func (s *AuthService) Login(ctx context.Context, clientAddr, username, password string) (TokenPair, models.User, error) {
	username = NormalizeUsername(username)
	if !ValidUsername(username) {
		// No account has such a name: answered at once, with nothing stored
		// and no hash compared, so that a long or odd name costs nothing.
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "wrong username or password")
	}
	var u models.User
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return TokenPair{}, models.User{}, err
	}
	known := err == nil
	// The attempt is counted before the password is compared, so that
	// parallel attempts cannot all pass the limit before any is counted.
	att, err := s.reserve(ctx, username, clientAddr, known)
	if err != nil {
		return TokenPair{}, models.User{}, err
	}
	defer s.abandon(ctx, att)
	hash := s.dummyHash
	if known {
		hash = []byte(u.PasswordHash)
	}
	match, gerr := s.checkPassword(ctx, hash, password)
	if gerr != nil {
		return TokenPair{}, models.User{}, gerr // not judged: not a failure (abandon gives the place back)
	}
	if !match || !known {
		locked, err := s.judgeFailure(ctx, att, u.ID)
		if err != nil {
			return TokenPair{}, models.User{}, err
		}
		if locked {
			return TokenPair{}, models.User{}, TooMany(LockoutPeriod, "too many failed sign-ins; try again later")
		}
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "wrong username or password")
	}
	var pair TokenPair
	err = inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := s.judgeSuccess(tx, att); err != nil {
			return err
		}
		if !canSignIn(u.Status) {
			return nil
		}
		var err error
		pair, err = s.issue(tx, u, newID())
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{
			Actor: Actor{UserID: u.ID, Role: u.Role}, Action: "auth.login", EntityType: "user", EntityID: u.ID,
		})
	})
	if err != nil {
		return TokenPair{}, models.User{}, err
	}
	att.judged = true
	if u.Status == models.StatusDisabled {
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "this account is disabled")
	}
	if u.Status == models.StatusRejected {
		// Only after the right password, so that the answer tells nobody
		// else that the application exists or was rejected.
		e := E(CodeAccountRejected, "your volunteer application was not approved")
		if u.RejectionReason != "" {
			e.Message += ": " + u.RejectionReason
		}
		e.Reason = u.RejectionReason
		return TokenPair{}, models.User{}, e
	}
	return pair, u, nil
}

// PaceSignIn holds a sign-in attempt from the client address of ctx
// (ClientAddr) until its turn, before anything of it is read (AddressGate).
// Errors: too_many_requests with Retry-After when the address has sent more
// than its share.
func (s *AuthService) PaceSignIn(ctx context.Context) error {
	return s.signIns.Wait(ctx, ClientAddr(ctx))
}

// Refresh spends a refresh token and returns a new pair of the same family.
// A spent, revoked or unknown token gets ErrUnauthenticated; presenting a
// spent one also revokes every token of its family (it was probably stolen).
func (s *AuthService) Refresh(ctx context.Context, refreshToken string) (TokenPair, models.User, error) {
	now := s.now()
	var rt models.RefreshToken
	err := s.db.WithContext(ctx).Where("hash = ?", hashToken(refreshToken)).Take(&rt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "unknown refresh token")
	} else if err != nil {
		return TokenPair{}, models.User{}, err
	}
	if rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "refresh token expired or revoked")
	}
	var (
		pair  TokenPair
		u     models.User
		reuse bool
	)
	err = inTx(ctx, s.db, func(tx *gorm.DB) error {
		pair, u, reuse = TokenPair{}, models.User{}, false
		// Spend it only if nobody has: of two racing refreshes, one wins.
		res := tx.Model(&models.RefreshToken{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", rt.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			reuse = true
			return nil
		}
		if err := tx.Where("id = ?", rt.UserID).Take(&u).Error; err != nil {
			return err
		}
		if !canSignIn(u.Status) {
			return E(CodeUnauthenticated, "this account is disabled")
		}
		// The family's session may have ended since (another device signed
		// out everywhere, the password changed): its refresh tokens end too.
		var sess models.Session
		if err := tx.Where("id = ?", rt.FamilyID).Take(&sess).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return E(CodeUnauthenticated, "this session has ended; sign in again")
		} else if err != nil {
			return err
		}
		if !sessionLive(sess.RevokedAt, sess.Epoch, u.SessionEpoch) {
			return E(CodeUnauthenticated, "this session has ended; sign in again")
		}
		var err error
		pair, err = s.tokens(tx, u, rt.FamilyID)
		return err
	})
	if err != nil {
		return TokenPair{}, models.User{}, err
	}
	if reuse {
		// Someone presented a spent token: probably stolen. Recorded on the
		// account, without an actor (the presenter is not known).
		if err := s.revokeFamily(ctx, rt.FamilyID, AuditEntry{Action: "auth.refresh_reuse", EntityType: "user", EntityID: rt.UserID}); err != nil {
			return TokenPair{}, models.User{}, err
		}
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "refresh token already used; signed out everywhere for safety")
	}
	return pair, u, nil
}

// Logout revokes the family of refreshToken when it belongs to actor. An
// unknown token is not an error: the caller is signed out either way.
func (s *AuthService) Logout(ctx context.Context, actor Actor, refreshToken string) error {
	var rt models.RefreshToken
	err := s.db.WithContext(ctx).Where("hash = ?", hashToken(refreshToken)).Take(&rt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if rt.UserID != actor.UserID {
		return nil
	}
	return s.revokeFamily(ctx, rt.FamilyID, AuditEntry{Actor: actor, Action: "auth.logout", EntityType: "user", EntityID: actor.UserID})
}

// LogoutAll ends every session of actor at once ("sign out everywhere"):
// their access tokens answer 401 from the next request, their refresh
// tokens are refused.
func (s *AuthService) LogoutAll(ctx context.Context, actor Actor) error {
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := endSessions(tx, s.now(), actor.UserID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, AuditEntry{Actor: actor, Action: "auth.logout_all", EntityType: "user", EntityID: actor.UserID})
	})
}

// revokeFamily ends the session of a token family (its access tokens and
// refresh tokens) and records why (audit) with it.
func (s *AuthService) revokeFamily(ctx context.Context, family string, audit AuditEntry) error {
	return inTx(ctx, s.db, func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&models.Session{}).
			Where("id = ? AND revoked_at IS NULL", family).Update("revoked_at", now).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.RefreshToken{}).
			Where("family_id = ? AND revoked_at IS NULL", family).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, audit)
	})
}

// endSessions ends every session of the account userID inside tx, the
// transaction of the change that calls for it (a new password, a new role,
// a disabled account, sign out everywhere). Bumping the account's
// session_epoch is what ends them, also a session begun by a sign-in that
// read the account before this commit (see models.Session); the sessions
// and refresh tokens are marked revoked as well, so that no later change of
// the account (re-enabling it) brings any of them back.
func endSessions(tx *gorm.DB, now time.Time, userID string) error {
	if err := tx.Model(&models.User{}).Where("id = ?", userID).
		UpdateColumn("session_epoch", gorm.Expr("session_epoch + 1")).Error; err != nil {
		return err
	}
	if err := tx.Model(&models.Session{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error; err != nil {
		return err
	}
	return tx.Model(&models.RefreshToken{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error
}

// sessionLive reports whether a session neither ended on its own (revoked)
// nor with every session of its account (epoch behind the account's).
// canSignIn reports whether an account of status may hold a session: not a
// disabled account, nor a rejected application.
func canSignIn(status string) bool {
	return status != models.StatusDisabled && status != models.StatusRejected
}

func sessionLive(revokedAt *time.Time, epoch, accountEpoch int64) bool {
	return revokedAt == nil && epoch == accountEpoch
}

// Authenticate checks an access token and re-reads its session and the
// account, so that an ended session, a disabled account or a changed role
// takes effect at once. It returns ErrUnauthenticated for any bad token, an
// ended session or a disabled/unknown account.
func (s *AuthService) Authenticate(ctx context.Context, token string) (Actor, error) {
	subject, sid, err := s.verify(token)
	if err != nil {
		return Actor{}, err
	}
	// The session and the account are read again on every request (not
	// trusted from the token or from the verified-token cache), in one query.
	u, found, err := s.accounts.load(ctx, sid)
	if err != nil {
		return Actor{}, err
	}
	if !found || u.SessionUser != subject {
		return Actor{}, E(CodeUnauthenticated, "this session has ended; sign in again")
	}
	if !canSignIn(u.Status) {
		return Actor{}, E(CodeUnauthenticated, "this account is disabled")
	}
	if !sessionLive(u.RevokedAt, u.Epoch, u.SessionEpoch) {
		return Actor{}, E(CodeUnauthenticated, "this session has ended; sign in again")
	}
	a := Actor{UserID: u.ID, Role: u.Role, Status: u.Status, SessionID: u.SessionID}
	if u.UnitID != nil {
		a.UnitID = *u.UnitID
	}
	return a, nil
}

// verify checks an access token and returns its subject and session.
func (s *AuthService) verify(token string) (subject, session string, err error) {
	now := s.now()
	if sub, sid, ok := s.verified.get(token, now); ok {
		return sub, sid, nil
	}
	claims := &Claims{}
	_, err = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(TokenIssuer),
		jwt.WithAudience(TokenAudience),
		jwt.WithTimeFunc(func() time.Time { return now }),
	).ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return s.secret, nil })
	if err != nil || claims.Subject == "" || claims.SessionID == "" || claims.ExpiresAt == nil {
		return "", "", E(CodeUnauthenticated, "invalid or expired access token")
	}
	s.verified.put(token, claims.Subject, claims.SessionID, claims.ExpiresAt.Time, now)
	return claims.Subject, claims.SessionID, nil
}

// issue begins a session (refresh token family) for u and makes its first
// pair inside tx. u must have been read before its password was compared:
// if every session of the account was ended since (a password reset racing
// this sign-in), the sign-in is refused rather than outliving the reset.
func (s *AuthService) issue(tx *gorm.DB, u models.User, family string) (TokenPair, error) {
	var epoch int64
	if err := tx.Model(&models.User{}).Where("id = ?", u.ID).Select("session_epoch").Scan(&epoch).Error; err != nil {
		return TokenPair{}, err
	}
	if epoch != u.SessionEpoch {
		return TokenPair{}, E(CodeUnauthenticated, "the account changed while signing in; sign in again")
	}
	if err := tx.Create(&models.Session{ID: family, UserID: u.ID, Epoch: u.SessionEpoch, CreatedAt: s.now()}).Error; err != nil {
		return TokenPair{}, err
	}
	return s.tokens(tx, u, family)
}

// tokens makes an access token and a refresh token of the session family
// inside tx.
func (s *AuthService) tokens(tx *gorm.DB, u models.User, family string) (TokenPair, error) {
	now := s.now()
	claims := Claims{
		Role:      u.Role,
		SessionID: family,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   u.ID,
			Issuer:    TokenIssuer,
			Audience:  jwt.ClaimStrings{TokenAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL)),
			ID:        newID(),
		},
	}
	access, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.secret)
	if err != nil {
		return TokenPair{}, fmt.Errorf("sign access token: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return TokenPair{}, err
	}
	refresh := base64.RawURLEncoding.EncodeToString(raw)
	rt := models.RefreshToken{
		ID: newID(), Hash: hashToken(refresh), FamilyID: family, UserID: u.ID,
		ExpiresAt: now.Add(RefreshTTL), CreatedAt: now,
	}
	if err := tx.Create(&rt).Error; err != nil {
		return TokenPair{}, err
	}
	return TokenPair{AccessToken: access, RefreshToken: refresh, ExpiresIn: int(AccessTTL / time.Second)}, nil
}

// lockedFor returns how long key is still locked (0 when it is not).
func lockedFor(ctx context.Context, db *gorm.DB, now Clock, key string) (time.Duration, error) {
	var t models.LoginThrottle
	err := db.WithContext(ctx).Where("throttle_key = ?", key).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if t.LockedUntil != nil && now().Before(*t.LockedUntil) {
		return t.LockedUntil.Sub(now()).Round(time.Second) + time.Second, nil
	}
	return 0, nil
}

// countAttempt adds one attempt to key within window; when the count reaches
// limit the key is locked for lock and the count restarts. It reports whether
// this attempt locked the key.
func countAttempt(ctx context.Context, db *gorm.DB, clock Clock, key string, limit int, window, lock time.Duration) (bool, error) {
	now := clock()
	db = db.WithContext(ctx)
	// The row holds nothing once its window and any lock are over; the
	// later of the two ends from now is a bound the sweep may go by.
	expires := now.Add(max(window, lock))
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.LoginThrottle{ThrottleKey: key, WindowStart: now, ExpiresAt: &expires}).Error; err != nil {
		return false, err
	}
	// A window that has run out starts again at this attempt.
	err := db.Model(&models.LoginThrottle{}).Where("throttle_key = ?", key).Updates(map[string]any{
		"failures":     gorm.Expr("CASE WHEN window_start < ? THEN 1 ELSE failures + 1 END", now.Add(-window)),
		"window_start": gorm.Expr("CASE WHEN window_start < ? THEN ? ELSE window_start END", now.Add(-window), now),
		"expires_at":   expires,
	}).Error
	if err != nil {
		return false, err
	}
	res := db.Model(&models.LoginThrottle{}).Where("throttle_key = ? AND failures >= ?", key, limit).
		Updates(map[string]any{"failures": 0, "window_start": now, "locked_until": now.Add(lock)})
	return res.RowsAffected > 0, res.Error
}

// NormalizeUsername lower-cases and trims a username.
func NormalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

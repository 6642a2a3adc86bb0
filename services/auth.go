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
}

// accountRow is what each request re-reads of its account.
type accountRow struct {
	ID     string
	Role   string
	Status string
	UnitID *string
}

// NewAuthService builds the service; bcryptCost 0 means bcrypt.DefaultCost+2.
func NewAuthService(db *gorm.DB, secret []byte, now Clock, bcryptCost int) *AuthService {
	if bcryptCost == 0 {
		bcryptCost = bcrypt.DefaultCost + 2
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcryptCost)
	s := &AuthService{db: db, secret: secret, now: now, bcryptCost: bcryptCost, dummyHash: h, hashes: NewHashGate(0, 0)}
	s.accounts = newLoader(s.fetchAccounts)
	return s
}

func (s *AuthService) fetchAccounts(ctx context.Context, ids []string) (map[string]accountRow, error) {
	var rows []accountRow
	err := s.db.WithContext(ctx).Model(&models.User{}).Select("id, role, status, unit_id").Where("id IN ?", ids).Find(&rows).Error
	out := make(map[string]accountRow, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, err
}

// TokenPair is what a successful login or refresh returns.
type TokenPair struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int
}

// Claims are the access token's claims.
type Claims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// HashPassword hashes a password with bcrypt, in a slot of the HashGate
// (an unavailable *Error when none frees up within HashWait).
func (s *AuthService) HashPassword(pw string) (string, error) {
	h, err := s.hashPassword(context.Background(), pw)
	return string(h), err
}

// Login checks a username and password. It returns ErrUnauthenticated for a
// wrong pair or a disabled account, and a too_many_requests *Error while the
// account is locked after MaxLoginFailure failures, and an unavailable *Error
// when the HashGate has no slot within HashWait (not counted as a failure).
func (s *AuthService) Login(ctx context.Context, username, password string) (TokenPair, models.User, error) {
	username = NormalizeUsername(username)
	key := "login:" + username
	if wait, err := s.lockedFor(ctx, key); err != nil {
		return TokenPair{}, models.User{}, err
	} else if wait > 0 {
		return TokenPair{}, models.User{}, TooMany(wait, "too many failed sign-ins; try again later")
	}
	var u models.User
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return TokenPair{}, models.User{}, err
	}
	hash := s.dummyHash
	if err == nil {
		hash = []byte(u.PasswordHash)
	}
	match, gerr := s.checkPassword(ctx, hash, password)
	if gerr != nil {
		return TokenPair{}, models.User{}, gerr // not judged: not a failure
	}
	if !match || err != nil {
		if aerr := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return appendAudit(ctx, tx, s.now, AuditEntry{Action: "auth.login_failed", EntityType: "account", EntityID: username})
		}); aerr != nil {
			return TokenPair{}, models.User{}, aerr
		}
		locked, ferr := s.recordFailure(ctx, key)
		if ferr != nil {
			return TokenPair{}, models.User{}, ferr
		}
		if locked {
			return TokenPair{}, models.User{}, TooMany(LockoutPeriod, "too many failed sign-ins; try again later")
		}
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "wrong username or password")
	}
	if u.Status == models.StatusDisabled {
		return TokenPair{}, models.User{}, E(CodeUnauthenticated, "this account is disabled")
	}
	var pair TokenPair
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("throttle_key = ?", key).Delete(&models.LoginThrottle{}).Error; err != nil {
			return err
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
	return pair, u, err
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
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
		if u.Status == models.StatusDisabled {
			return E(CodeUnauthenticated, "this account is disabled")
		}
		var err error
		pair, err = s.issue(tx, u, rt.FamilyID)
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

// revokeFamily revokes a token family and records why (audit) with it.
func (s *AuthService) revokeFamily(ctx context.Context, family string, audit AuditEntry) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.RefreshToken{}).
			Where("family_id = ? AND revoked_at IS NULL", family).Update("revoked_at", s.now()).Error; err != nil {
			return err
		}
		return appendAudit(ctx, tx, s.now, audit)
	})
}

// Authenticate checks an access token and re-reads the account, so that a
// disabled account or a changed role takes effect at once. It returns
// ErrUnauthenticated for any bad token or a disabled/unknown account.
func (s *AuthService) Authenticate(ctx context.Context, token string) (Actor, error) {
	subject, err := s.verify(token)
	if err != nil {
		return Actor{}, err
	}
	// The account is read again on every request (not trusted from the
	// token), so that disabling it or changing its role takes effect at once.
	u, found, err := s.accounts.load(ctx, subject)
	if err != nil {
		return Actor{}, err
	}
	if !found {
		return Actor{}, E(CodeUnauthenticated, "account no longer exists")
	}
	if u.Status == models.StatusDisabled {
		return Actor{}, E(CodeUnauthenticated, "this account is disabled")
	}
	a := Actor{UserID: u.ID, Role: u.Role, Status: u.Status}
	if u.UnitID != nil {
		a.UnitID = *u.UnitID
	}
	return a, nil
}

// verify checks an access token and returns its subject.
func (s *AuthService) verify(token string) (string, error) {
	now := s.now()
	if sub, ok := s.verified.get(token, now); ok {
		return sub, nil
	}
	claims := &Claims{}
	_, err := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(TokenIssuer),
		jwt.WithAudience(TokenAudience),
		jwt.WithTimeFunc(func() time.Time { return now }),
	).ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return s.secret, nil })
	if err != nil || claims.Subject == "" || claims.ExpiresAt == nil {
		return "", E(CodeUnauthenticated, "invalid or expired access token")
	}
	s.verified.put(token, claims.Subject, claims.ExpiresAt.Time, now)
	return claims.Subject, nil
}

// issue makes an access token and a refresh token of family inside tx.
func (s *AuthService) issue(tx *gorm.DB, u models.User, family string) (TokenPair, error) {
	now := s.now()
	claims := Claims{
		Role: u.Role,
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
func (s *AuthService) lockedFor(ctx context.Context, key string) (time.Duration, error) {
	return lockedFor(ctx, s.db, s.now, key)
}

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

// recordFailure counts one failure of key and locks it once MaxLoginFailure
// failures fall within LockoutPeriod. The increment is one UPDATE, so that
// concurrent failures on several servers are all counted.
func (s *AuthService) recordFailure(ctx context.Context, key string) (locked bool, err error) {
	locked, err = countAttempt(ctx, s.db, s.now, key, MaxLoginFailure, LockoutPeriod, LockoutPeriod)
	if locked && err == nil {
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return appendAudit(ctx, tx, s.now, AuditEntry{Action: "auth.lockout", EntityType: "account", EntityID: strings.TrimPrefix(key, "login:")})
		})
	}
	return locked, err
}

// countAttempt adds one attempt to key within window; when the count reaches
// max the key is locked for lock and the count restarts. It reports whether
// this attempt locked the key.
func countAttempt(ctx context.Context, db *gorm.DB, clock Clock, key string, max int, window, lock time.Duration) (bool, error) {
	now := clock()
	db = db.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.LoginThrottle{ThrottleKey: key, WindowStart: now}).Error; err != nil {
		return false, err
	}
	// A window that has run out starts again at this attempt.
	err := db.Model(&models.LoginThrottle{}).Where("throttle_key = ?", key).Updates(map[string]any{
		"failures":     gorm.Expr("CASE WHEN window_start < ? THEN 1 ELSE failures + 1 END", now.Add(-window)),
		"window_start": gorm.Expr("CASE WHEN window_start < ? THEN ? ELSE window_start END", now.Add(-window), now),
	}).Error
	if err != nil {
		return false, err
	}
	res := db.Model(&models.LoginThrottle{}).Where("throttle_key = ? AND failures >= ?", key, max).
		Updates(map[string]any{"failures": 0, "window_start": now, "locked_until": now.Add(lock)})
	return res.RowsAffected > 0, res.Error
}

// NormalizeUsername lower-cases and trims a username.
func NormalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

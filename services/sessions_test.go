package services

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
)

func sessionFixture(t *testing.T, db *gorm.DB) (*AuthService, models.User) {
	t.Helper()
	now := models.Now()
	auth := NewAuthService(db, []byte("test-secret-0123456789abcdef0123456789"), func() time.Time { return now }, bcrypt.MinCost)
	users := NewUserService(db, auth, auth.now, DefaultRegistrationsPerHour)
	u, err := users.Create(context.Background(), Actor{Role: models.RoleAdmin}, NewUser{
		Username: "lin.officer", Password: "correct-horse-battery", DisplayName: "林專員", Role: models.RoleOfficer})
	if err != nil {
		t.Fatal(err)
	}
	return auth, u
}

// The verified-token cache remembers what a token says, never that it is
// still good: a token it holds answers unauthenticated once its session ends.
func TestVerifiedTokenCacheDoesNotOutliveRevocation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		auth, _ := sessionFixture(t, db)
		pair, _, err := auth.Login(ctx, "192.0.2.10", "lin.officer", "correct-horse-battery")
		if err != nil {
			t.Fatal(err)
		}
		var a Actor
		for range 2 {
			if a, err = auth.Authenticate(ctx, pair.AccessToken); err != nil {
				t.Fatalf("fresh token: %v", err)
			}
		}
		if _, _, ok := auth.verified.get(pair.AccessToken, auth.now()); !ok {
			t.Fatal("the token was not remembered; this test would prove nothing")
		}
		if err := auth.LogoutAll(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, _, ok := auth.verified.get(pair.AccessToken, auth.now()); !ok {
			t.Fatal("the token left the cache; this test would prove nothing")
		}
		_, err = auth.Authenticate(ctx, pair.AccessToken)
		if de, ok := AsError(err); !ok || de.Code != CodeUnauthenticated {
			t.Fatalf("a remembered token of an ended session: %v", err)
		}
	})
}

// A sign-in that read the account before every session of it was ended (a
// password reset committed while bcrypt was comparing) starts no session.
func TestSignInRacingARevocationStartsNoSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		auth, u := sessionFixture(t, db)
		if err := inTx(ctx, db, func(tx *gorm.DB) error { return endSessions(tx, auth.now(), u.ID) }); err != nil {
			t.Fatal(err)
		}
		err := inTx(ctx, db, func(tx *gorm.DB) error {
			_, err := auth.issue(tx, u, newID()) // u as read before the revocation
			return err
		})
		if de, ok := AsError(err); !ok || de.Code != CodeUnauthenticated {
			t.Fatalf("sign-in with the account read before the revocation: %v", err)
		}
		for _, m := range []any{&models.Session{}, &models.RefreshToken{}} {
			var n int64
			if err := db.Model(m).Where("user_id = ?", u.ID).Count(&n).Error; err != nil || n != 0 {
				t.Fatalf("%T stored: %d %v", m, n, err)
			}
		}
	})
}

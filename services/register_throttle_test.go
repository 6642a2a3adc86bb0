package services_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

// TestRegisterPerHourSetting: the registrations one address may make per hour
// follow Options.RegisterPerHour (a recruitment booth behind one shared
// connection needs more than 10); the one past the limit is a 429 that stores
// no account, and another address is not affected.
func TestRegisterPerHourSetting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) }
		for _, tc := range []struct {
			name    string
			setting int
			allowed int
		}{
			{"default", 0, services.DefaultRegistrationsPerHour},
			{"booth", 14, 14},
			{"strict", 2, 2},
		} {
			svc := services.New(db, services.Options{Clock: now, BcryptCost: bcrypt.MinCost, RegisterPerHour: tc.setting})
			addr := "203.0.113.7-" + tc.name
			reg := func(i int, addr string) error {
				_, err := svc.Users.Register(ctx, addr, services.Registration{
					Username: fmt.Sprintf("booth.%s.%d", tc.name, i), Password: "a-long-passphrase",
					DisplayName: "王志工", Phone: "0912-345-678", Email: "wang@example.org",
				})
				return err
			}
			for i := 0; i < tc.allowed; i++ {
				if err := reg(i, addr); err != nil {
					t.Fatalf("%s: registration %d of %d refused: %v", tc.name, i+1, tc.allowed, err)
				}
			}
			err := reg(tc.allowed, addr)
			var se *services.Error
			if !errors.As(err, &se) || se.Code != services.CodeTooManyRequests {
				t.Fatalf("%s: registration %d: want too_many_requests, got %v", tc.name, tc.allowed+1, err)
			}
			var n int64
			db.Model(&models.User{}).Where("username = ?", fmt.Sprintf("booth.%s.%d", tc.name, tc.allowed)).Count(&n)
			if n != 0 {
				t.Fatalf("%s: the throttled registration was stored", tc.name)
			}
			if err := reg(1000, "198.51.100.9-"+tc.name); err != nil {
				t.Fatalf("%s: another address was throttled: %v", tc.name, err)
			}
		}
	})
}

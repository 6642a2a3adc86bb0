package demo_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ethicsops/demo"
	"ethicsops/models"
	"ethicsops/models/dbtest"
	"ethicsops/services"
)

func TestSeedDeclarations(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	loc, _ := time.LoadLocation("Asia/Taipei")
	svc := services.New(db, services.Options{JWTSecret: []byte("test-secret-0123456789abcdef0123456789abcdef"), Location: loc, BcryptCost: bcrypt.MinCost})
	ctx := context.Background()
	if o, err := demo.Seed(ctx, svc); err != nil || o == nil {
		t.Fatalf("seed: %v", err)
	}
	for _, year := range []int{2019, 2020, 2021, 2022} {
		on, due, rate, err := svc.Declarations.OnTimeRate(ctx, year, "")
		if err != nil || due != 20 || on == due || on < due*3/4 || rate == nil {
			t.Errorf("%d: %d/%d %v", year, on, due, err)
		}
	}
	var draws int64
	db.Model(&models.DeclarationDraw{}).Count(&draws)
	if draws != 5 {
		t.Fatalf("draws: %d", draws)
	}
}

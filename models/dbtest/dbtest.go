// Package dbtest gives each test a fresh, migrated database: SQLite always,
// and MySQL/MariaDB when ETHICSOPS_TEST_MYSQL_DSN is set (CI sets it and
// requires it). Each MySQL test gets its own database, dropped afterwards.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"ethicsops/models"
)

// EnvDSN names the variable holding the MySQL/MariaDB server to test against;
// its user must be allowed to create and drop databases.
const EnvDSN = "ETHICSOPS_TEST_MYSQL_DSN"

// Drivers returns the drivers to run a test on. Under CI=true a missing
// MySQL DSN fails the test rather than silently skipping MySQL.
func Drivers(t testing.TB) []string {
	t.Helper()
	if os.Getenv(EnvDSN) != "" {
		return []string{"sqlite", "mysql"}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s must be set in CI", EnvDSN)
	}
	return []string{"sqlite"}
}

// MySQLOnly skips the test unless a MySQL DSN is configured (and fails it
// under CI=true without one).
func MySQLOnly(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvDSN) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s must be set in CI", EnvDSN)
		}
		t.Skipf("%s not set", EnvDSN)
	}
}

// Each runs fn as a subtest once per driver, each on a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	for _, drv := range Drivers(t) {
		t.Run(drv, func(t *testing.T) { fn(t, Open(t, drv)) })
	}
}

// Open returns a fresh migrated database of driver, closed (and for MySQL
// dropped) when the test ends.
func Open(t testing.TB, driver string) *gorm.DB {
	t.Helper()
	o := Options(t, driver)
	db, err := models.Open(o)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate %s: %v", driver, err)
	}
	return db
}

// Options makes a fresh empty database of driver and returns how to open it
// (for tests that start several "servers" on one database).
func Options(t testing.TB, driver string) models.Options {
	t.Helper()
	switch driver {
	case "sqlite":
		return models.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "test.db")}
	case "mysql":
		return models.Options{Driver: "mysql", DSN: freshMySQL(t), MaxOpen: 64, MaxIdle: 64}
	}
	t.Fatalf("unknown driver %q", driver)
	return models.Options{}
}

func freshMySQL(t testing.TB) string {
	t.Helper()
	base, err := mysql.ParseDSN(os.Getenv(EnvDSN))
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "ethicsops_t_" + hex.EncodeToString(b)
	admin := *base
	admin.DBName = ""
	adminDSN, err := models.MySQLDSN(admin.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	root, err := models.Open(models.Options{Driver: "mysql", DSN: adminDSN, MaxOpen: 2})
	if err != nil {
		t.Fatalf("connect to MySQL: %v", err)
	}
	if err := root.Exec(fmt.Sprintf("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", name)).Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_ = root.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS `%s`", name)).Error
		if sqlDB, err := root.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	cfg := *base
	cfg.DBName = name
	return cfg.FormatDSN()
}

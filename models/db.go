// Package models holds the gorm schema, the migrations and the queries of
// ethicsops. It knows the database and nothing of HTTP.
package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// MySQL8SQLMode is MySQL 8's default sql_mode; sessions use it on MariaDB too
// so that what passes here passes on production MySQL 8.
const MySQL8SQLMode = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

// Options are the connection settings handed down from config.
type Options struct {
	Driver       string // "sqlite" or "mysql"
	DSN          string
	MaxOpen      int
	MaxIdle      int
	ConnLifetime time.Duration
}

// Now is the database clock: UTC, truncated to the microsecond so that a value
// written and read back compares equal on MySQL's DATETIME(6) and on SQLite.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Open connects to the database. SQLite files are created (with their
// directory) when missing; MySQL DSNs get parseTime, UTC and MySQL 8's sql_mode.
func Open(o Options) (*gorm.DB, error) {
	cfg := &gorm.Config{
		Logger:                                   logger.Default.LogMode(logger.Silent),
		NowFunc:                                  Now,
		TranslateError:                           true,
		DisableForeignKeyConstraintWhenMigrating: true,
	}
	var (
		db  *gorm.DB
		err error
	)
	switch o.Driver {
	case "sqlite":
		dsn, derr := sqliteDSN(o.DSN)
		if derr != nil {
			return nil, derr
		}
		db, err = gorm.Open(sqlite.Open(dsn), cfg)
	case "mysql":
		dsn, derr := MySQLDSN(o.DSN)
		if derr != nil {
			return nil, derr
		}
		db, err = gorm.Open(gormmysql.New(gormmysql.Config{DSN: dsn, DefaultDatetimePrecision: ptr(6)}), cfg)
	default:
		return nil, fmt.Errorf("unknown database driver %q", o.Driver)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", o.Driver, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if o.MaxOpen > 0 {
		sqlDB.SetMaxOpenConns(o.MaxOpen)
	}
	if o.MaxIdle > 0 {
		sqlDB.SetMaxIdleConns(o.MaxIdle)
	}
	if o.ConnLifetime > 0 {
		sqlDB.SetConnMaxLifetime(o.ConnLifetime)
	}
	sqlDB.SetConnMaxIdleTime(time.Minute)
	return db, nil
}

// sqliteDSN turns a path (or file: URI) into a DSN with WAL, a busy timeout
// and immediate transactions, so that concurrent writers queue instead of
// failing with "database is locked".
func sqliteDSN(dsn string) (string, error) {
	path := dsn
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	path = strings.TrimPrefix(path, "file:")
	if path != "" && path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return "", fmt.Errorf("create database directory: %w", err)
		}
	}
	if strings.Contains(dsn, "?") {
		return dsn, nil
	}
	return dsn + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate", nil
}

// MySQLDSN adds what the service relies on to a MySQL DSN: parseTime, UTC,
// utf8mb4, client-side parameter interpolation and MySQL 8's sql_mode.
func MySQLDSN(dsn string) (string, error) {
	c, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("ETHICSOPS_DB_DSN: %w", err)
	}
	c.ParseTime = true
	c.Loc = time.UTC
	// One round trip per statement instead of prepare, execute and close:
	// the driver escapes the arguments itself (safe with utf8mb4), which
	// triples the throughput of short statements such as a check-in's.
	c.InterpolateParams = true
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	if _, ok := c.Params["sql_mode"]; !ok {
		c.Params["sql_mode"] = "'" + MySQL8SQLMode + "'"
	}
	if _, ok := c.Params["time_zone"]; !ok {
		c.Params["time_zone"] = "'+00:00'"
	}
	if _, ok := c.Params["charset"]; !ok {
		c.Params["charset"] = "utf8mb4"
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	return c.FormatDSN(), nil
}

// Ping checks that the database answers within ctx.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// IsDuplicate reports whether err is a unique-key violation.
func IsDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}

// IsMySQL reports whether db talks to MySQL/MariaDB.
func IsMySQL(db *gorm.DB) bool { return db.Dialector.Name() == "mysql" }

func ptr[T any](v T) *T { return &v }

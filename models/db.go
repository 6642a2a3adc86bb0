// Package models holds the gorm schema, the migrations and the queries of
// ethicsops. It knows the database and nothing of HTTP.
package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
// failing with "database is locked". synchronous is FULL: in WAL mode NORMAL
// syncs the log only at checkpoints, so a commit already answered could be
// lost on power loss; FULL syncs it at every commit, and the group commit of
// check-ins shares one sync among the check-ins of a busy moment. A DSN with
// its own parameters is taken as it is.
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
	return dsn + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate", nil
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

// ErrNodeNotReady is a Galera node that answers but cannot serve: it is
// outside the primary component or still joining, and refuses every
// statement on a table with 1047 (WSREP has not yet prepared node for
// application use) while its pings still succeed.
var ErrNodeNotReady = errors.New("the database node is not ready (wsrep_ready is not ON)")

// Ping checks that the database answers within ctx and, on a MariaDB
// Galera node, that the node is ready to serve: a plain ping succeeds on a
// node that refuses every query, and /readyz must not send traffic there.
// MySQL has no wsrep variables; MariaDB without Galera has wsrep_on=OFF.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil || !IsMySQL(db) {
		return err
	}
	// MariaDB builds with Galera support report wsrep_ready OFF when
	// replication is off (wsrep_on=OFF): only a node with wsrep_on is asked.
	var name, on, ready string
	err = sqlDB.QueryRowContext(ctx, "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'").Scan(&name, &on)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case !strings.EqualFold(on, "ON"):
		return nil
	}
	err = sqlDB.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'wsrep_ready'").Scan(&name, &ready)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case !strings.EqualFold(ready, "ON"):
		return ErrNodeNotReady
	}
	return nil
}

// IsDuplicate reports whether err is a unique-key violation.
func IsDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}

// IsUnreachable reports whether err means the database cannot be reached
// or cannot take the statement now (as opposed to a bug or a bad value):
// refused or dropped connections, timeouts, a server shutting down, lock
// waits and deadlocks (the client may retry).
func IsUnreachable(err error) bool {
	var (
		netErr   net.Error
		opErr    *net.OpError
		mysqlErr *mysql.MySQLError
	)
	switch {
	case err == nil:
		return false
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded), errors.As(err, &opErr):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case strings.Contains(err.Error(), "sql: database is closed"):
		// database/sql does not export this error; a closed pool cannot serve.
		return true
	case errors.Is(err, ErrNodeNotReady):
		return true
	case errors.As(err, &mysqlErr):
		// 1040 too many connections, 1047 a Galera node outside the primary
		// component or still joining (WSREP has not yet prepared node for
		// application use), 1053 server shutdown, 1205 lock wait timeout,
		// 1213 deadlock or Galera certification failure (the client may
		// retry), 2006/2013 server gone/lost.
		switch mysqlErr.Number {
		case 1040, 1047, 1053, 1205, 1213, 2006, 2013:
			return true
		}
	}
	return false
}

// IsDatabaseWide reports whether err is about the database as a whole — it
// is unreachable (IsUnreachable), the statement was cancelled, the server is
// shutting down, busy, locked, out of disk or memory, read-only or corrupt —
// rather than about the values of the rows a statement wrote (a duplicate
// key, a constraint, a value out of range or of the wrong type, which the
// server or the driver refuses). The same statement without those rows
// would meet a database-wide error as well; it would not meet a row error.
func IsDatabaseWide(err error) bool {
	if err == nil {
		return false
	}
	if IsUnreachable(err) || errors.Is(err, context.Canceled) {
		return true
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return mysqlServerWide[me.Number]
	}
	// The SQLite driver's errors carry the result code; the low byte is
	// the primary code.
	var se interface{ Code() int }
	if errors.As(err, &se) {
		return sqliteDatabaseWide[se.Code()&0xff]
	}
	return false
}

// sqliteDatabaseWide are SQLite's primary result codes about the database
// file or the engine: BUSY, LOCKED, NOMEM, READONLY, INTERRUPT, IOERR,
// CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB.
var sqliteDatabaseWide = map[int]bool{5: true, 6: true, 7: true, 8: true, 9: true, 10: true, 11: true, 13: true, 14: true, 15: true, 26: true}

// mysqlServerWide are the MySQL/MariaDB errors about the server or the
// connection, not the rows of a statement: connections refused, lost or
// killed, shutdown, a Galera node not ready (1047), lock waits, deadlocks and
// certification failures (retried whole), a full disk or table, read-only
// mode, a statement timeout.
var mysqlServerWide = map[uint16]bool{
	1021: true, 1040: true, 1047: true, 1042: true, 1043: true, 1053: true, 1077: true, 1078: true, 1079: true, 1080: true,
	1114: true, 1152: true, 1153: true, 1154: true, 1155: true, 1156: true, 1157: true, 1158: true, 1159: true,
	1160: true, 1161: true, 1184: true, 1205: true, 1213: true, 1290: true, 1836: true, 1927: true, 2006: true,
	2013: true, 3024: true,
}

// IsMySQL reports whether db talks to MySQL/MariaDB.
func IsMySQL(db *gorm.DB) bool { return db.Dialector.Name() == "mysql" }

func ptr[T any](v T) *T { return &v }

package models_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"ethicsops/models"
)

// An acknowledged write must survive a power loss: every connection of the
// embedded default runs WAL with synchronous=FULL (2), which syncs the WAL
// at each commit (NORMAL syncs it only at checkpoints).
func TestSQLiteDefaultIsDurable(t *testing.T) {
	db, err := models.Open(models.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "d.db"), MaxOpen: 4})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	ctx := context.Background()
	for i := range 4 { // hold four at once: four distinct connections
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var sync int
		var mode string
		if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if sync != 2 || mode != "wal" {
			t.Fatalf("connection %d: synchronous=%d journal_mode=%s, want 2 (FULL) and wal", i, sync, mode)
		}
	}
}

// What fails a whole group-commit batch (the database is away) and what is
// about the rows written (a bad value, a duplicate) are told apart.
func TestIsDatabaseWide(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{driver.ErrBadConn, true},
		{fmt.Errorf("insert: %w", mysql.ErrInvalidConn), true},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{context.DeadlineExceeded, true},
		{context.Canceled, true},
		{&mysql.MySQLError{Number: 1053, Message: "Server shutdown in progress"}, true},
		{&mysql.MySQLError{Number: 1047, Message: "WSREP has not yet prepared node for application use"}, true},
		{models.ErrNodeNotReady, true},
		{&mysql.MySQLError{Number: 1114, Message: "The table is full"}, true},
		{&mysql.MySQLError{Number: 1062, Message: "Duplicate entry"}, false},
		{&mysql.MySQLError{Number: 1292, Message: "Incorrect datetime value"}, false},
		{&mysql.MySQLError{Number: 1054, Message: "Unknown column 'NaN'"}, false},
		{errors.New("year is not in the range [1, 9999]: -1"), false},
		{gorm.ErrDuplicatedKey, false},
		{sqliteErr(5), true},     // SQLITE_BUSY
		{sqliteErr(13), true},    // SQLITE_FULL
		{sqliteErr(1299), false}, // SQLITE_CONSTRAINT_NOTNULL
		{sqliteErr(20), false},   // SQLITE_MISMATCH
	} {
		if got := models.IsDatabaseWide(tc.err); got != tc.want {
			t.Errorf("IsDatabaseWide(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// sqliteErr has the shape of the SQLite driver's errors: a result code.
type sqliteErr int

func (e sqliteErr) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e sqliteErr) Code() int     { return int(e) }

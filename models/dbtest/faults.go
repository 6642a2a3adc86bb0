package dbtest

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

var deadlockHooks atomic.Int32

// DeadlockOnce makes the next write of op ("create" or "update") to table
// fail as MySQL fails a deadlock victim, and as Galera fails a transaction
// that lost certification (1213): once, after whatever the transaction
// wrote before it. It returns how many failures it injected, for the test
// to check that it did. The hook stays registered on db (a test's own
// database) and does nothing after the first failure.
func DeadlockOnce(t testing.TB, db *gorm.DB, op, table string) *atomic.Int32 {
	t.Helper()
	var injected atomic.Int32
	fail := func(tx *gorm.DB) {
		if tx.Statement.Table == table && injected.CompareAndSwap(0, 1) {
			_ = tx.AddError(&mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"})
		}
	}
	name := fmt.Sprintf("test:deadlock_once_%d", deadlockHooks.Add(1))
	var err error
	switch op {
	case "create":
		err = db.Callback().Create().Before("gorm:create").Register(name, fail)
	case "update":
		err = db.Callback().Update().Before("gorm:update").Register(name, fail)
	default:
		t.Fatalf("DeadlockOnce: op %q", op)
	}
	if err != nil {
		t.Fatal(err)
	}
	return &injected
}

// CountRows counts the rows of model that where matches.
func CountRows(t testing.TB, db *gorm.DB, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

package services

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// maxTxAttempts bounds how often a transaction is retried after MySQL chose
// it as a deadlock victim.
const maxTxAttempts = 4

// inTx runs fn in a transaction and retries it when MySQL/MariaDB aborts it
// as a deadlock victim (1213) or after a lock wait timeout (1205): with
// concurrent writers on shared rows (rollup counts, sign-up capacity) InnoDB
// may pick either transaction, and the right answer is to run it again. fn
// must be safe to re-run: it may only have effects through tx, and
// whatever of the caller it assigns it must assign afresh on each attempt.
// Any other error (a services *Error, a duplicate key, a lost connection) is
// returned as it is, at once. On a Galera cluster a certification failure
// arrives as 1213 too, at COMMIT: the whole transaction was rolled back, so
// running it again is as safe as after a deadlock.
func inTx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		err = db.WithContext(ctx).Transaction(fn)
		if err == nil || !retryable(err) || attempt == maxTxAttempts {
			return err
		}
		// Back off a little, with jitter, so the contenders do not collide again.
		d := time.Duration(attempt*attempt)*5*time.Millisecond + time.Duration(rand.IntN(5000))*time.Microsecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return err
}

// InTx is inTx for the domains in packages of their own (services/reports):
// fn runs in a transaction, again on a deadlock, a lock wait timeout or a
// Galera certification failure, so it must be safe to re-run.
func InTx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	return inTx(ctx, db, fn)
}

// takeRow reads the one row of T that where matches; forUpdate locks it on
// MySQL/MariaDB (SQLite transactions are BEGIN IMMEDIATE: already
// exclusive). No such row is not_found naming what.
func takeRow[T any](db *gorm.DB, forUpdate bool, what, where string, args ...any) (T, error) {
	var row T
	q := db
	if forUpdate && models.IsMySQL(db) {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	err := q.Where(where, args...).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, NotFound(what)
	}
	return row, err
}

// retryable reports whether err is MySQL's deadlock (1213, also Galera's
// certification failure) or lock wait timeout (1205), and nothing else.
func retryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

package services

import (
	"context"

	"gorm.io/gorm"

	"ethicsops/models"
)

// Group commit of check-ins. At a busy moment many phones send check-ins at
// once; each needs its row and its audit event written in one transaction.
// Instead of one transaction (BEGIN, two INSERTs, COMMIT) per check-in, the
// check-ins waiting at that moment (coalesce.go) are written together: two
// multi-row INSERTs in one transaction, the audit events already chained
// (sealOnInsert). Every request is still answered only
// after the COMMIT that holds its row, so an acknowledged check-in is
// durable as before; at low load a batch is a single check-in.

// checkinWriters write batches side by side; maxCheckinBatch bounds one.
// One writer: with two, a busy moment's check-ins went out as twice the
// transactions of half the size, and the database's work per check-in grew
// (benchmark, OPERATIONS.md).
const (
	checkinWriters  = 1
	maxCheckinBatch = 64
)

type checkinJob struct {
	c     models.Checkin
	audit models.AuditEvent
	done  chan error
}

// fail answers err unless the job was answered already (never blocks).
func (j *checkinJob) fail(err error) {
	select {
	case j.done <- err:
	default:
	}
}

type checkinBatcher struct {
	db *gorm.DB
	c  *coalescer[*checkinJob]
}

func newCheckinBatcher(db *gorm.DB) *checkinBatcher {
	b := &checkinBatcher{db: db}
	b.c = newCoalescer(checkinWriters, maxCheckinBatch, b.flush)
	return b
}

// write stores c and its audit event and returns when they are committed
// (errDuplicateID when c's id is taken). Once queued, the write goes on and
// is waited for even if ctx ends: the client may be gone, but a replay of
// the same id will find it.
func (b *checkinBatcher) write(ctx context.Context, c models.Checkin, audit models.AuditEvent) error {
	j := &checkinJob{c: c, audit: audit, done: make(chan error, 1)}
	if err := b.c.submit(ctx, j); err != nil {
		return err
	}
	return <-j.done
}

func (b *checkinBatcher) flush(batch []*checkinJob) {
	b.answer(batch, nil)
}

// answer writes batch and answers each of its jobs. A batch that fails on
// an error about its rows (a replayed id, a value the database or the
// driver refuses) is split in halves and each written on its own, down to
// the single check-in that fails, so that one bad row costs its neighbours
// nothing and a batch of 64 with one bad row takes about a dozen
// transactions, not 64. A database-wide error — the connection lost, the
// database down, busy, full or read-only (models.IsDatabaseWide) — is not
// about the rows: every job of the batch is answered with it at once, and
// so are the jobs of a split still waiting (down is that error, met by a
// half written before), so that an outage never becomes a long series of
// doomed single writes while phones wait. answer returns the database-wide
// error it met, if any.
func (b *checkinBatcher) answer(batch []*checkinJob, down error) error {
	err := down
	if err == nil {
		err = b.insert(batch)
	}
	if err != nil && down == nil && len(batch) > 1 && !models.IsDatabaseWide(err) {
		mid := len(batch) / 2
		down = b.answer(batch[:mid], nil)
		return b.answer(batch[mid:], down)
	}
	for _, j := range batch {
		j.done <- err
	}
	if models.IsDatabaseWide(err) {
		return err
	}
	return nil
}

func (b *checkinBatcher) insert(batch []*checkinJob) error {
	rows := make([]models.Checkin, len(batch))
	events := make([]models.AuditEvent, len(batch))
	for i, j := range batch {
		rows[i], events[i] = j.c, j.audit
	}
	return inTx(context.Background(), b.db, func(tx *gorm.DB) error {
		if err := tx.Create(&rows).Error; err != nil {
			if models.IsDuplicate(err) {
				return errDuplicateID
			}
			return err
		}
		// The events go in sealed (audit_trail.go), after the check-ins, so
		// that a replayed id fails the batch before the seal lock is taken.
		if err := sealOnInsert(tx, events); err != nil {
			return err
		}
		return tx.Create(&events).Error
	})
}

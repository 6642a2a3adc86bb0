package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ethicsops/models"
)

// The audit trail is tamper-evident: appendAudit writes events unsealed (no
// seq, no hash) inside the transaction of each change, so that writers never
// wait for one another; the sealer then chains committed events shortly after
// commit. The group commit of check-ins, the busiest writer, instead chains
// its events as it inserts them (sealOnInsert), under the same lock. Each
// sealed event gets
//
//	seq       the next number of the chain (1, 2, 3…): the order of sealing;
//	prev_hash the hash of the event of seq-1 ("" for seq 1);
//	hash      HashAuditEvent of its content, seq and prev_hash.
//
// seq is the order in which events were sealed, `at` the time of the change.
// The two usually agree, but an event whose transaction commits after later
// events were already sealed simply gets a later seq than they did.
//
// AuditSealState (row 1) keeps the tail (last seq and hash), so that deleting
// the newest events is detected too.

// SealBatch is how many events one sealing transaction chains at most, so
// that a backlog is sealed in short transactions rather than one long one.
const SealBatch = 500

// auditHashVersion opens the canonical encoding; a future change of the
// encoding would use a new version string.
const auditHashVersion = "ethicsops-audit-v1"

// HashAuditEvent returns the lower-case hex SHA-256 of the canonical encoding
// of ev: the line "ethicsops-audit-v1", then for each field in this order
//
//	id, at, actor_id, actor_role, action, entity_type, entity_id,
//	request_id, before, after, seq, prev_hash
//
// the field's byte length in decimal, ":", the field's bytes and "\n". at is
// written in RFC 3339 with nanoseconds in UTC (time.RFC3339Nano), seq in
// decimal, before and after as the JSON text stored ("" when absent). The
// length prefixes make the encoding unambiguous whatever a field contains.
func HashAuditEvent(ev models.AuditEvent) string {
	var seq int64
	if ev.Seq != nil {
		seq = *ev.Seq
	}
	return hashAudit(ev, seq, ev.PrevHash)
}

func hashAudit(ev models.AuditEvent, seq int64, prevHash string) string {
	h := sha256.New()
	h.Write([]byte(auditHashVersion + "\n"))
	for _, f := range []string{
		ev.ID,
		ev.At.UTC().Format(time.RFC3339Nano),
		ev.ActorID,
		ev.ActorRole,
		ev.Action,
		ev.EntityType,
		ev.EntityID,
		ev.RequestID,
		ev.Before,
		ev.After,
		strconv.FormatInt(seq, 10),
		prevHash,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditService seals, verifies and lists the audit trail.
type AuditService struct {
	db *gorm.DB
	// now bounds the times of List's filters; services.New sets the
	// process clock.
	now Clock
}

// NewAuditService builds the service. The events themselves are written by
// the other services, through appendAudit, in their own transactions.
func NewAuditService(db *gorm.DB) *AuditService {
	return &AuditService{db: db, now: SystemClock}
}

// errSealRace aborts a sealing transaction that found an event already sealed,
// which the seal-state lock should make impossible.
var errSealRace = errors.New("audit seal: event sealed concurrently")

// Seal chains every committed, unsealed event, in batches of SealBatch, and
// returns how many it sealed. Events are taken in (at, id) order.
//
// Only sealers are serialized, by one database lock: each batch is a
// transaction that first locks the AuditSealState row (SELECT … FOR UPDATE on
// MySQL; on SQLite the connection opens every transaction with BEGIN
// IMMEDIATE, which takes the database's write lock), so two servers never
// seal at once, while appendAudit stays a plain INSERT that does not wait for
// sealing. It returns the database's error, if any.
func (s *AuditService) Seal(ctx context.Context) (sealed int, err error) {
	// A cheap look first, so that an idle server does not take the write
	// lock every second; an event committed just after is sealed next time.
	var pending []string
	if err := s.db.WithContext(ctx).Model(&models.AuditEvent{}).Where("seq IS NULL").Limit(1).Pluck("id", &pending).Error; err != nil || len(pending) == 0 {
		return 0, err
	}
	for {
		n, err := s.sealBatch(ctx)
		sealed += n
		if retryable(err) {
			// Another sealer moved the chain meanwhile: on a Galera
			// cluster the seal state's lock holds on its own node only, and
			// of the sealers of servers on different nodes all but one fail
			// certification (1213) at commit. The winner sealed; what is
			// left waits for the next round. Not an error, and not retried
			// here: a retry at once would only meet the next sealer again.
			return sealed, nil
		}
		if err != nil || n < SealBatch {
			return sealed, err
		}
	}
}

func (s *AuditService) sealBatch(ctx context.Context) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := lockSealState(tx)
		if err != nil {
			return err
		}
		// Read the unsealed events after taking the lock, in the same
		// transaction: on MySQL's REPEATABLE READ the snapshot starts at this
		// first plain read, so it sees every batch sealed before the lock was
		// granted. It is a plain read on purpose: a locking read would take gap
		// locks on the seq index and make appendAudit's INSERTs wait.
		var evs []models.AuditEvent
		if err := tx.Where("seq IS NULL").Order("at, id").Limit(SealBatch).Find(&evs).Error; err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		seq, prev := st.LastSeq, st.LastHash
		links := make([]sealLink, len(evs))
		for i, ev := range evs {
			seq++
			hash := hashAudit(ev, seq, prev)
			links[i] = sealLink{id: ev.ID, seq: seq, prev: prev, hash: hash}
			prev = hash
		}
		for start := 0; start < len(links); start += sealChunk {
			chunk := links[start:min(start+sealChunk, len(links))]
			stmt, args := sealStatement(models.IsMySQL(tx), chunk)
			res := tx.Exec(stmt, args...)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != int64(len(chunk)) {
				return errSealRace
			}
		}
		if err := moveSealState(tx, st, seq, prev); err != nil {
			return err
		}
		n = len(evs)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// lockSealState reads the tail of the chain and locks it until the end of
// tx: SELECT … FOR UPDATE on MySQL; on SQLite every transaction already
// holds the database's write lock (BEGIN IMMEDIATE).
func lockSealState(tx *gorm.DB) (models.AuditSealState, error) {
	var st models.AuditSealState
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", 1).Take(&st).Error; err != nil {
		return st, fmt.Errorf("lock audit seal state: %w", err)
	}
	return st, nil
}

// moveSealState moves the tail from st to (seq, hash).
func moveSealState(tx *gorm.DB, st models.AuditSealState, seq int64, hash string) error {
	res := tx.Model(&models.AuditSealState{}).Where("id = ? AND last_seq = ?", 1, st.LastSeq).
		Updates(map[string]any{"last_seq": seq, "last_hash": hash})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errSealRace
	}
	return nil
}

// sealOnInsert chains events that tx is about to insert: it takes the seal
// lock, gives them the next seqs with their hashes, and moves the tail, so
// that they are stored sealed and the sealer never has to rewrite them.
// The group commit of check-ins (checkin_batch.go), the busiest writer of
// events, uses it: sealing as a second write a second later (an UPDATE of
// the row and of its seq index) was a third of the database's CPU per
// check-in in the benchmark. The lock is held to the COMMIT, like the
// sealer's, so the chain stays one sequence; other writers of events keep
// plain INSERTs and leave sealing to the sealer.
func sealOnInsert(tx *gorm.DB, events []models.AuditEvent) error {
	st, err := lockSealState(tx)
	if err != nil {
		return err
	}
	seq, prev := st.LastSeq, st.LastHash
	for i := range events {
		ev := &events[i]
		// Hash what the database will give back: microseconds, UTC.
		ev.At = ev.At.UTC().Truncate(time.Microsecond)
		seq++
		s := seq
		ev.Seq, ev.PrevHash = &s, prev
		ev.Hash = hashAudit(*ev, s, prev)
		prev = ev.Hash
	}
	return moveSealState(tx, st, seq, prev)
}

// sealLink is what sealing writes to one event.
type sealLink struct {
	id, prev, hash string
	seq            int64
}

// sealChunk events are sealed per UPDATE statement: one round trip instead of
// one per event, so that sealing keeps up with a busy office cheaply.
const sealChunk = 100

// sealStatement is the statement sealing the events of links at once, and
// its arguments. Only its shape depends on len(links); every value is a
// bound parameter. "seq IS NULL" keeps a concurrent sealer from sealing an
// event twice: the row count then falls short.
//
// On MySQL and MariaDB it joins the events with the links as a derived
// table: one primary-key lookup per event. The portable form, three CASEs of
// len(links) branches each, compares every row against every id under the
// table's collation, and took twice the database's CPU per sealed event
// (86 against 40 µs on MariaDB, 100 events a statement); sealing was a third
// of the database's work in the check-in benchmark. SQLite, whose
// comparisons are cheap and which has no UPDATE … JOIN, keeps the CASEs.
func sealStatement(mysql bool, links []sealLink) (string, []any) {
	n := len(links)
	args := make([]any, 0, n*7)
	if mysql {
		for _, l := range links {
			args = append(args, l.id, l.seq, l.prev, l.hash)
		}
		return "UPDATE audit_events e JOIN (SELECT ? AS id, ? AS seq, ? AS prev_hash, ? AS hash" +
			strings.Repeat(" UNION ALL SELECT ?, ?, ?, ?", n-1) +
			") l ON e.id = l.id SET e.seq = l.seq, e.prev_hash = l.prev_hash, e.hash = l.hash WHERE e.seq IS NULL", args
	}
	when := strings.Repeat(" WHEN ? THEN ?", n)
	for _, l := range links {
		args = append(args, l.id, l.seq)
	}
	for _, l := range links {
		args = append(args, l.id, l.prev)
	}
	for _, l := range links {
		args = append(args, l.id, l.hash)
	}
	for _, l := range links {
		args = append(args, l.id)
	}
	return "UPDATE audit_events SET seq = CASE id" + when + " END, prev_hash = CASE id" + when +
		" END, hash = CASE id" + when + " END WHERE seq IS NULL AND id IN (?" + strings.Repeat(", ?", n-1) + ")", args
}

// SealEvery seals every interval until ctx ends; errors go to onErr and the
// loop goes on (a database that is briefly away is tried again next tick).
// The caller seals once more after its writers have stopped.
func (s *AuditService) SealEvery(ctx context.Context, interval time.Duration, onErr func(error)) {
	every(ctx, interval, func(ctx context.Context) error { _, err := s.Seal(ctx); return err }, onErr)
}

// Reasons for a broken link.
const (
	BrokenHash     = "hash_mismatch"      // the event's content, seq or prev_hash no longer gives its hash
	BrokenPrevHash = "prev_hash_mismatch" // prev_hash is not the hash of the event before
	BrokenSeqGap   = "seq_gap"            // an event of the chain is missing (deleted, or unsealed by hand)
	BrokenTail     = "tail_mismatch"      // the chain's end differs from the seal state
)

// BrokenLink is the first place where the chain does not hold.
type BrokenLink struct {
	Seq     int64  // the seq at which the break was found
	EventID string // the event found there ("" for a tail mismatch with no such event)
	Reason  string // one of the Broken… constants
	Detail  string // a sentence for people
}

// VerifyResult is the outcome of walking the chain.
type VerifyResult struct {
	OK       bool
	Sealed   int64 // events walked (the sealed chain up to the tail)
	Unsealed int64 // committed events not sealed yet
	TailSeq  int64
	TailHash string
	Broken   *BrokenLink // nil when OK
}

// Verify walks the sealed chain in seq order, SealBatch events at a time,
// recomputes every hash and reports the first broken link: a hash or
// prev_hash that does not match, a gap in seq (a deleted event), or an end of
// the chain that differs from the seal state. It does not seal; events not
// yet sealed are counted in Unsealed. It returns only database errors.
func (s *AuditService) Verify(ctx context.Context) (VerifyResult, error) {
	db := s.db.WithContext(ctx)
	var (
		res    VerifyResult
		last   int64 // seq of the last event checked
		prev   string
		lastID string
	)
	st, err := s.sealState(db)
	if err != nil {
		return res, err
	}
	for {
		// Walk up to the tail read before: the events up to it committed
		// with it. Sealers may extend the chain meanwhile; then walk on.
		for last < st.LastSeq {
			var evs []models.AuditEvent
			if err := db.Where("seq > ? AND seq <= ?", last, st.LastSeq).Order("seq").Limit(SealBatch).Find(&evs).Error; err != nil {
				return res, err
			}
			if len(evs) == 0 {
				break
			}
			for _, ev := range evs {
				if b := checkLink(ev, last, prev); b != nil {
					res.Broken = b
					return s.finish(db, res)
				}
				last, prev, lastID = *ev.Seq, ev.Hash, ev.ID
				res.Sealed++
			}
		}
		// An event with a seq beyond the tail was not chained by a sealer
		// (which moves the tail in the same transaction), unless a sealer
		// committed just now: then the tail has moved, and the walk goes on.
		var beyond models.AuditEvent
		if err := db.Where("seq > ?", st.LastSeq).Order("seq").Limit(1).Find(&beyond).Error; err != nil {
			return res, err
		}
		next, err := s.sealState(db)
		if err != nil {
			return res, err
		}
		if next.LastSeq != st.LastSeq {
			st = next
			continue
		}
		res.TailSeq, res.TailHash = last, prev
		switch {
		case last != st.LastSeq:
			res.Broken = &BrokenLink{Seq: last + 1, Reason: BrokenTail,
				Detail: fmt.Sprintf("the chain ends at seq %d but the seal state's tail is seq %d: the newest events are missing", last, st.LastSeq)}
		case prev != st.LastHash:
			res.Broken = &BrokenLink{Seq: last, EventID: lastID, Reason: BrokenTail,
				Detail: fmt.Sprintf("the hash of seq %d is not the seal state's last hash", last)}
		case beyond.ID != "":
			res.Broken = &BrokenLink{Seq: *beyond.Seq, EventID: beyond.ID, Reason: BrokenTail,
				Detail: fmt.Sprintf("seq %d lies beyond the seal state's tail, seq %d", *beyond.Seq, st.LastSeq)}
		}
		return s.finish(db, res)
	}
}

// checkLink checks the event that follows seq last (hash prev).
func checkLink(ev models.AuditEvent, last int64, prev string) *BrokenLink {
	seq := *ev.Seq
	switch {
	case seq != last+1:
		return &BrokenLink{Seq: seq, EventID: ev.ID, Reason: BrokenSeqGap,
			Detail: fmt.Sprintf("seq %d follows seq %d: %d event(s) missing", seq, last, seq-last-1)}
	case ev.PrevHash != prev:
		return &BrokenLink{Seq: seq, EventID: ev.ID, Reason: BrokenPrevHash,
			Detail: fmt.Sprintf("prev_hash of seq %d is not the hash of seq %d", seq, last)}
	case hashAudit(ev, seq, ev.PrevHash) != ev.Hash:
		return &BrokenLink{Seq: seq, EventID: ev.ID, Reason: BrokenHash,
			Detail: fmt.Sprintf("the content of seq %d does not give its hash: the event was changed", seq)}
	}
	return nil
}

func (s *AuditService) finish(db *gorm.DB, res VerifyResult) (VerifyResult, error) {
	res.OK = res.Broken == nil
	if err := db.Model(&models.AuditEvent{}).Where("seq IS NULL").Count(&res.Unsealed).Error; err != nil {
		return res, err
	}
	return res, nil
}

func (s *AuditService) sealState(db *gorm.DB) (models.AuditSealState, error) {
	var st models.AuditSealState
	err := db.Where("id = ?", 1).Take(&st).Error
	return st, err
}

// AuditFilter selects events in List. From and To are RFC 3339 times: From
// inclusive, To exclusive.
type AuditFilter struct {
	ActorID    string
	Action     string
	EntityType string
	EntityID   string
	From       string
	To         string
	Limit      int
	Cursor     string
}

// List returns audit events newest first (by at, then id), filtered. Admin
// only. Errors: ErrForbidden, bad_request for a bad time, limit or cursor.
func (s *AuditService) List(ctx context.Context, actor Actor, f AuditFilter) (Page[models.AuditEvent], error) {
	var none Page[models.AuditEvent]
	if !actor.Is(models.RoleAdmin) {
		return none, Forbidden("only an admin reads the audit trail")
	}
	limit, err := ClampLimit(f.Limit)
	if err != nil {
		return none, err
	}
	cur, err := DecodeCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	q := s.db.WithContext(ctx).Model(&models.AuditEvent{})
	for col, v := range map[string]string{"actor_id": f.ActorID, "action": f.Action, "entity_type": f.EntityType, "entity_id": f.EntityID} {
		if v != "" {
			q = q.Where(clause.Eq{Column: clause.Column{Name: col}, Value: v})
		}
	}
	for _, b := range []struct {
		name, v, op string
	}{{"from", f.From, ">="}, {"to", f.To, "<"}} {
		if b.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, b.v)
		if err != nil {
			return none, BadRequest("%s must be an RFC 3339 time such as 2026-03-01T09:00:00+08:00", b.name)
		}
		if err := queryTime(b.name, &t, s.now()); err != nil {
			return none, err
		}
		// UTC always: SQLite compares the stored text.
		q = q.Where("at "+b.op+" ?", t.UTC())
	}
	if q, err = afterTimeCursor(q, cur, "at", true); err != nil {
		return none, err
	}
	var evs []models.AuditEvent
	if err := q.Order("at DESC, id DESC").Limit(limit + 1).Find(&evs).Error; err != nil {
		return none, err
	}
	return pageOf(evs, limit, func(ev models.AuditEvent) Cursor { return timeCursor(ev.At, ev.ID) }), nil
}

package services

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/models/dbtest"
)

func fixedEvent() models.AuditEvent {
	seq := int64(7)
	return models.AuditEvent{
		ID:         "0192f1c4-7a8e-7b3e-9c1d-2f5e8a9b0c1d",
		At:         time.Date(2021, 1, 1, 7, 0, 0, 123456000, time.FixedZone("Asia/Taipei", 8*3600)),
		ActorID:    "0192f1c4-0000-7000-8000-000000000001",
		ActorRole:  "admin",
		Action:     "user.update",
		EntityType: "user",
		EntityID:   "0192f1c4-0000-7000-8000-000000000002",
		RequestID:  "req-1",
		Before:     `{"role":"officer"}`,
		After:      `{"role":"manager"}`,
		Seq:        &seq,
		PrevHash:   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	}
}

// The hash is part of the stored data: a change of the encoding would break
// every existing chain, so a fixed event must keep giving this digest.
func TestHashAuditEventIsStable(t *testing.T) {
	const want = "3cfbef7514514aaa8837ea621729ed41bc7525fac13ddbefebd1a1251e74147d" // also computed from the documented encoding in Python
	if got := HashAuditEvent(fixedEvent()); got != want {
		t.Fatalf("HashAuditEvent = %s, want %s", got, want)
	}
	// The time zone of at does not matter, only the instant.
	ev := fixedEvent()
	ev.At = ev.At.UTC()
	if got := HashAuditEvent(ev); got != want {
		t.Fatalf("same instant in UTC hashes to %s", got)
	}
}

func TestHashAuditEventCoversEveryField(t *testing.T) {
	base := HashAuditEvent(fixedEvent())
	changes := map[string]func(*models.AuditEvent){
		"id":          func(e *models.AuditEvent) { e.ID += "x" },
		"at":          func(e *models.AuditEvent) { e.At = e.At.Add(time.Microsecond) },
		"actor_id":    func(e *models.AuditEvent) { e.ActorID = "" },
		"actor_role":  func(e *models.AuditEvent) { e.ActorRole = "manager" },
		"action":      func(e *models.AuditEvent) { e.Action = "user.create" },
		"entity_type": func(e *models.AuditEvent) { e.EntityType = "unit" },
		"entity_id":   func(e *models.AuditEvent) { e.EntityID += "0" },
		"request_id":  func(e *models.AuditEvent) { e.RequestID = "req-2" },
		"before":      func(e *models.AuditEvent) { e.Before = `{"role":"admin"}` },
		"after":       func(e *models.AuditEvent) { e.After = `{"role":"admin"}` },
		"seq":         func(e *models.AuditEvent) { s := *e.Seq + 1; e.Seq = &s },
		"prev_hash":   func(e *models.AuditEvent) { e.PrevHash = "" },
		// Moving bytes from one field to the next must not give the same
		// encoding: the length prefixes see to it.
		"boundary": func(e *models.AuditEvent) { e.ActorRole, e.Action = "adminu", "ser.update" },
	}
	for name, change := range changes {
		ev := fixedEvent()
		change(&ev)
		if HashAuditEvent(ev) == base {
			t.Errorf("changing %s leaves the hash unchanged", name)
		}
	}
}

// appendN appends n events, each in its own transaction as services do.
func appendN(t testing.TB, db *gorm.DB, n int, action string) {
	t.Helper()
	ctx := WithRequestID(context.Background(), "req-test")
	for i := 0; i < n; i++ {
		err := db.Transaction(func(tx *gorm.DB) error {
			return appendAudit(ctx, tx, SystemClock, AuditEntry{
				Actor: Actor{UserID: "u1", Role: models.RoleAdmin}, Action: action, EntityType: "user", EntityID: fmt.Sprint(i),
				Before: map[string]any{"n": i}, After: map[string]any{"n": i + 1, "名": "政風"},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func sealedChain(t *testing.T, db *gorm.DB) []models.AuditEvent {
	t.Helper()
	var evs []models.AuditEvent
	if err := db.Where("seq IS NOT NULL").Order("seq").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	return evs
}

func mustVerify(t *testing.T, a *AuditService) VerifyResult {
	t.Helper()
	res, err := a.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSealChainsEventsInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		a := NewAuditService(db)
		if res := mustVerify(t, a); !res.OK || res.Sealed != 0 || res.Unsealed != 0 {
			t.Fatalf("empty trail: %+v", res)
		}
		appendN(t, db, 7, "test.first")
		if res := mustVerify(t, a); !res.OK || res.Sealed != 0 || res.Unsealed != 7 {
			t.Fatalf("before sealing: %+v", res)
		}
		if n, err := a.Seal(ctx); err != nil || n != 7 {
			t.Fatalf("Seal = %d, %v; want 7", n, err)
		}
		if n, err := a.Seal(ctx); err != nil || n != 0 {
			t.Fatalf("second Seal = %d, %v; want 0", n, err)
		}
		appendN(t, db, 3, "test.second")
		if n, err := a.Seal(ctx); err != nil || n != 3 {
			t.Fatalf("third Seal = %d, %v; want 3", n, err)
		}
		evs := sealedChain(t, db)
		if len(evs) != 10 {
			t.Fatalf("%d sealed events, want 10", len(evs))
		}
		prev := ""
		for i, ev := range evs {
			if *ev.Seq != int64(i+1) || ev.PrevHash != prev || ev.Hash != HashAuditEvent(ev) || len(ev.Hash) != 64 {
				t.Fatalf("event %d: seq %d prev %q hash %q (previous hash %q)", i, *ev.Seq, ev.PrevHash, ev.Hash, prev)
			}
			// Sealing order follows the time of the change.
			if (i < 7) != (ev.Action == "test.first") {
				t.Fatalf("seq %d is %s", *ev.Seq, ev.Action)
			}
			prev = ev.Hash
		}
		var st models.AuditSealState
		db.Take(&st, 1)
		if st.LastSeq != 10 || st.LastHash != prev {
			t.Fatalf("seal state %+v, want tail 10 %s", st, prev)
		}
		res := mustVerify(t, a)
		if !res.OK || res.Sealed != 10 || res.Unsealed != 0 || res.TailSeq != 10 || res.TailHash != prev || res.Broken != nil {
			t.Fatalf("verify: %+v", res)
		}
	})
}

func TestSealWorksInBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		const n = 2*SealBatch + 37
		now := SystemClock()
		rows := make([]models.AuditEvent, n)
		for i := range rows {
			rows[i] = models.AuditEvent{ID: newID(), At: now.Add(time.Duration(i) * time.Microsecond), Action: "test.bulk", EntityType: "user", After: `{"i":1}`}
		}
		if err := db.CreateInBatches(rows, 200).Error; err != nil {
			t.Fatal(err)
		}
		a := NewAuditService(db)
		if got, err := a.Seal(context.Background()); err != nil || got != n {
			t.Fatalf("Seal = %d, %v; want %d", got, err, n)
		}
		if res := mustVerify(t, a); !res.OK || res.Sealed != n || res.TailSeq != n {
			t.Fatalf("verify: %+v", res)
		}
	})
}

// Each way of tampering with a sealed chain is reported at its first broken
// link, with the reason.
func TestVerifyReportsFirstBrokenLink(t *testing.T) {
	cases := []struct {
		name       string
		tamper     func(db *gorm.DB, evs []models.AuditEvent) error
		wantSeq    int64
		wantEvent  int // index into the chain, -1 for none
		wantReason string
	}{
		{"edited after", func(db *gorm.DB, evs []models.AuditEvent) error {
			return db.Exec("UPDATE audit_events SET `after` = ? WHERE seq = ?", `{"n":999}`, 3).Error
		}, 3, 2, BrokenHash},
		{"edited actor", func(db *gorm.DB, evs []models.AuditEvent) error {
			return db.Exec("UPDATE audit_events SET actor_id = ? WHERE seq = ?", "someone-else", 5).Error
		}, 5, 4, BrokenHash},
		{"deleted row", func(db *gorm.DB, evs []models.AuditEvent) error {
			return db.Exec("DELETE FROM audit_events WHERE seq = ?", 3).Error
		}, 4, 3, BrokenSeqGap},
		{"changed hash", func(db *gorm.DB, evs []models.AuditEvent) error {
			return db.Exec("UPDATE audit_events SET hash = ? WHERE seq = ?", HashAuditEvent(models.AuditEvent{ID: "forged"}), 3).Error
		}, 3, 2, BrokenHash},
		{"edited and re-hashed", func(db *gorm.DB, evs []models.AuditEvent) error {
			ev := evs[2]
			ev.After = `{"n":999}`
			return db.Exec("UPDATE audit_events SET `after` = ?, hash = ? WHERE seq = ?", ev.After, HashAuditEvent(ev), 3).Error
		}, 4, 3, BrokenPrevHash},
		{"deleted newest", func(db *gorm.DB, evs []models.AuditEvent) error {
			return db.Exec("DELETE FROM audit_events WHERE seq = ?", 6).Error
		}, 6, -1, BrokenTail},
		{"forged event beyond the tail", func(db *gorm.DB, evs []models.AuditEvent) error {
			return db.Exec("UPDATE audit_events SET seq = ? WHERE seq IS NULL", 7).Error
		}, 7, 6, BrokenTail},
	}
	for _, drv := range dbtest.Drivers(t) {
		for _, tc := range cases {
			t.Run(drv+"/"+tc.name, func(t *testing.T) {
				db := dbtest.Open(t, drv)
				a := NewAuditService(db)
				appendN(t, db, 6, "test.event")
				if _, err := a.Seal(context.Background()); err != nil {
					t.Fatal(err)
				}
				appendN(t, db, 1, "test.unsealed")
				evs := sealedChain(t, db)
				var unsealed models.AuditEvent
				db.Where("seq IS NULL").Take(&unsealed)
				evs = append(evs, unsealed)
				if err := tc.tamper(db, evs); err != nil {
					t.Fatal(err)
				}
				res := mustVerify(t, a)
				wantID := ""
				if tc.wantEvent >= 0 {
					wantID = evs[tc.wantEvent].ID
				}
				if res.OK || res.Broken == nil || res.Broken.Seq != tc.wantSeq || res.Broken.EventID != wantID || res.Broken.Reason != tc.wantReason || res.Broken.Detail == "" {
					t.Fatalf("verify: %+v broken %+v; want seq %d event %q reason %s", res, res.Broken, tc.wantSeq, wantID, tc.wantReason)
				}
			})
		}
	}
}

// Two servers seal the same database while writers keep appending: no seq is
// given twice, none is skipped, every event ends up sealed, the chain holds.
func TestConcurrentSealersAndWriters(t *testing.T) {
	for _, drv := range dbtest.Drivers(t) {
		t.Run(drv, func(t *testing.T) {
			opts := dbtest.Options(t, drv)
			var dbs [2]*gorm.DB
			for i := range dbs {
				db, err := models.Open(opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					if sqlDB, err := db.DB(); err == nil {
						_ = sqlDB.Close()
					}
				})
				dbs[i] = db
			}
			if err := models.Migrate(context.Background(), dbs[0]); err != nil {
				t.Fatal(err)
			}
			sealers := [2]*AuditService{NewAuditService(dbs[0]), NewAuditService(dbs[1])}
			const writers, perWriter = 4, 60
			var (
				wg      sync.WaitGroup
				done    atomic.Bool
				sealed  atomic.Int64
				sealErr = make(chan error, 2)
			)
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					appendN(t, dbs[w%2], perWriter, fmt.Sprintf("test.writer%d", w))
				}()
			}
			var sw sync.WaitGroup
			for _, a := range sealers {
				sw.Add(1)
				go func() {
					defer sw.Done()
					for !done.Load() {
						n, err := a.Seal(context.Background())
						if err != nil {
							sealErr <- err
							return
						}
						sealed.Add(int64(n))
					}
				}()
			}
			wg.Wait()
			done.Store(true)
			sw.Wait()
			close(sealErr)
			for err := range sealErr {
				t.Fatalf("a sealer failed: %v", err)
			}
			n, err := sealers[1].Seal(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			sealed.Add(int64(n))
			const total = writers * perWriter
			if got := sealed.Load(); got != total {
				t.Fatalf("sealers report %d sealed, want %d (each exactly once)", got, total)
			}
			var stats struct {
				N, Distinct, Top int64
			}
			if err := dbs[0].Raw("SELECT COUNT(seq) AS n, COUNT(DISTINCT seq) AS distinct_seqs, MAX(seq) AS top FROM audit_events").Row().Scan(&stats.N, &stats.Distinct, &stats.Top); err != nil {
				t.Fatal(err)
			}
			if stats.N != total || stats.Distinct != total || stats.Top != total {
				t.Fatalf("seqs: %+v, want %d distinct up to %d", stats, total, total)
			}
			res := mustVerify(t, sealers[0])
			if !res.OK || res.Sealed != total || res.Unsealed != 0 {
				t.Fatalf("verify: %+v %+v", res, res.Broken)
			}
		})
	}
}

// A sealer holding the lock does not hold up the writes that produce events
// (on MySQL; SQLite has one writer at a time by design).
func TestSealLockDoesNotBlockWriters(t *testing.T) {
	dbtest.MySQLOnly(t)
	db := dbtest.Open(t, "mysql")
	tx := db.Begin()
	defer tx.Rollback()
	var st models.AuditSealState
	if err := tx.Raw("SELECT * FROM audit_seal_states WHERE id = 1 FOR UPDATE").Scan(&st).Error; err != nil {
		t.Fatal(err)
	}
	// Also hold what a sealer reads, as it reads it.
	var pending []models.AuditEvent
	tx.Where("seq IS NULL").Order("at, id").Limit(SealBatch).Find(&pending)
	start := time.Now()
	done := make(chan struct{})
	go func() { defer close(done); appendN(t, db, 5, "test.write") }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("appending events waited for the sealer's lock")
	}
	t.Logf("5 events appended in %v while the seal lock was held", time.Since(start))
}

func TestSealEveryStopsOnCancel(t *testing.T) {
	db := dbtest.Open(t, "sqlite")
	a := NewAuditService(db)
	appendN(t, db, 3, "test.loop")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); a.SealEvery(ctx, 10*time.Millisecond, func(err error) { t.Error(err) }) }()
	deadline := time.Now().Add(5 * time.Second)
	for mustVerify(t, a).Sealed != 3 {
		if time.Now().After(deadline) {
			t.Fatal("the loop did not seal")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
		t.Fatal("SealEvery did not return after cancel")
	}
}

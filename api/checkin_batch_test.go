package api_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"ethicsops/apitest"
	"ethicsops/models"
)

// TestGroupCommittedCheckins: many phones checking in at once (their
// check-ins are written together) each get their own answer, and every row
// and audit event is stored once; a replayed id among them changes nothing
// for the others.
func TestGroupCommittedCheckins(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"status": "in_progress"}))
		path := "/api/v1/activities/" + a["id"].(string) + "/checkins"
		replayed := uuid.NewString()
		first := checkin("depart", 23.4801, 120.4491, 5, time.Now().Add(-time.Minute))
		first["id"] = replayed
		if r := e.Do("POST", path, e.Tokens["officer"], first); r.Code != 201 {
			t.Fatalf("first: %d %s", r.Code, r.Body)
		}
		const n = 40
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				body := checkin("arrive", 23.4801, 120.4491+float64(i)*1e-5, 5, time.Now().Add(-time.Minute))
				body["id"] = uuid.NewString()
				if i%10 == 0 {
					body = first // a phone resending what it already sent
				}
				codes[i] = e.Do("POST", path, e.Tokens["officer"], body).Code
			}(i)
		}
		wg.Wait()
		created, replays := 0, 0
		for i, c := range codes {
			switch {
			case i%10 == 0 && c == 200:
				replays++
			case i%10 != 0 && c == 201:
				created++
			default:
				t.Errorf("request %d: %d", i, c)
			}
		}
		if created != 36 || replays != 4 {
			t.Fatalf("created %d, replays %d", created, replays)
		}
		if got := e.Count(&models.Checkin{}, "activity_id = ?", a["id"]); got != 37 {
			t.Fatalf("%d check-ins stored, want 37", got)
		}
		if got := e.Count(&models.AuditEvent{}, "action = ?", "checkin.create"); got != 37 {
			t.Fatalf("%d audit events, want 37", got)
		}
		// Group-committed check-ins are stored sealed (no sealer runs in
		// this test); all 37, since the visit was started already.
		if got := e.Count(&models.AuditEvent{}, "action = ? AND seq IS NOT NULL", "checkin.create"); got != 37 {
			t.Fatalf("%d of 37 check-in events sealed as written", got)
		}
		verifyChain(t, e)
	})
}

// verifyChain seals what is left and checks the whole chain.
func verifyChain(t *testing.T, e *apitest.Env) {
	t.Helper()
	if _, err := e.Svc.Audit.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, err := e.Svc.Audit.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := e.Count(&models.AuditEvent{}, "")
	if !res.OK || res.Unsealed != 0 || res.Sealed != total || res.TailSeq != total {
		t.Fatalf("chain: %+v, %d events", res, total)
	}
}

// Check-ins sealed as they are written, other writes sealed by the sealer,
// the sealer running all the while: one chain, no gap, every hash right.
func TestCheckinSealingBesideTheSealer(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"status": "in_progress"}))
		path := "/api/v1/activities/" + a["id"].(string) + "/checkins"
		ctx, stop := context.WithCancel(context.Background())
		sealerDone := make(chan struct{})
		go func() {
			defer close(sealerDone)
			e.Svc.Audit.SealEvery(ctx, 5*time.Millisecond, func(err error) { t.Errorf("sealer: %v", err) })
		}()
		var wg sync.WaitGroup
		var failed atomic.Int32
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 15 {
					var code int
					if w%4 == 0 { // a record, sealed by the sealer
						code = e.Do("POST", "/api/v1/activities", e.Tokens["officer"], procurement(e, nil)).Code
					} else {
						body := checkin("arrive", 23.4801, 120.4491+float64(i)*1e-5, 5, time.Now().Add(-time.Minute))
						code = e.Do("POST", path, e.Tokens["officer"], body).Code
					}
					if code != 201 {
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		stop()
		<-sealerDone
		if failed.Load() != 0 {
			t.Fatalf("%d writes failed", failed.Load())
		}
		if got := e.Count(&models.Checkin{}, "activity_id = ?", a["id"]); got != 90 {
			t.Fatalf("%d check-ins, want 90", got)
		}
		verifyChain(t, e)
	})
}

// Bad check-ins sent beside good ones at the same moment: 80 × 201 and
// 80 × 422. The bad value (a capture time in year −1 once in UTC) is refused
// at the edge; before that it reached the group commit, where the MySQL
// driver refused it and failed the good check-ins of its batch with it
// (services' TestCheckinBatchRowErrorFailsOnlyItsRow keeps that isolation
// for any row error).
func TestBadCheckinsBesideGoodOnes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		a := create(t, e, e.Tokens["officer"], procurement(e, map[string]any{"status": "in_progress"}))
		path := "/api/v1/activities/" + a["id"].(string) + "/checkins"
		const n = 80
		codes := make([]int, 2*n)
		ids := make([]string, 2*n)
		var wg sync.WaitGroup
		for i := range codes {
			ids[i] = uuid.NewString()
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := checkin("arrive", 23.4801, 120.4491+float64(i)*1e-6, 5, time.Now().Add(-time.Minute))
				if i%2 == 1 {
					body["captured_at"] = "0000-01-01T00:00:00+01:00"
				}
				body["id"] = ids[i]
				codes[i] = e.Do("POST", path, e.Tokens["officer"], body).Code
			}()
		}
		wg.Wait()
		var good []string
		for i, c := range codes {
			switch {
			case i%2 == 0 && c != 201:
				t.Errorf("good check-in %d: %d", i, c)
			case i%2 == 1 && c != 422:
				t.Errorf("bad check-in %d: %d, want 422", i, c)
			}
			if i%2 == 0 {
				good = append(good, ids[i])
			}
		}
		if got := e.Count(&models.Checkin{}, "id IN ?", good); got != n {
			t.Fatalf("%d of the %d good check-ins stored", got, n)
		}
		if got := e.Count(&models.Checkin{}, "1 = 1"); got != n {
			t.Fatalf("%d check-ins stored, want only the %d good ones", got, n)
		}
	})
}

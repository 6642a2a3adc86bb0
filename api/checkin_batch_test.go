package api_test

import (
	"sync"
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
	})
}

package chaos

import (
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
)

// TestTwoServersOneDatabase runs two server processes (no shared memory) on
// one MariaDB database, requests alternated between them: identical
// client-id creates make one row, the login lock holds on both, and
// volunteer sign-ups never exceed the capacity.
func TestTwoServersOneDatabase(t *testing.T) {
	requireChaos(t)
	dsn, db := freshDB(t)
	s1 := startServer(t, dsn, t.TempDir())
	s2 := startServer(t, dsn, t.TempDir())
	checkSharedDatabase(t, []string{s1.url(""), s2.url("")}, db)
}

// checkSharedDatabase runs the multi-server checks with requests spread
// over the servers in bases, all on one database (db, for the counts):
// identical client-id creates make one row, the login lock holds on every
// server, and volunteer sign-ups never exceed the capacity.
func checkSharedDatabase(t *testing.T, bases []string, db *sql.DB) {
	t.Helper()
	servers := len(bases)
	admin := login(t, bases[0], "admin", adminPwd)
	unit := mustCall(t, bases[1], "POST", "/api/v1/units", admin, map[string]string{"code": "TWO", "name": "雙伺服器測試", "kind": "agency"}, 201)["id"].(string)

	t.Run("identical creates", func(t *testing.T) {
		const rounds, perServer = 20, 4
		for i := 0; i < rounds; i++ {
			id := uuid.NewString()
			body := map[string]any{"id": id, "kind": "petition", "title": fmt.Sprintf("陳情 %d", i), "unit_id": unit,
				"scheduled_at": "2026-03-02T09:00:00+08:00", "petition": map[string]any{"petitioners": 3, "subject": "路燈", "outcome": "已協調"}}
			var wg sync.WaitGroup
			codes := make(chan int, servers*perServer)
			for j := 0; j < servers*perServer; j++ {
				wg.Add(1)
				go func(base string) {
					defer wg.Done()
					code, _, err := call(base, "POST", "/api/v1/activities", admin, body)
					if err != nil {
						t.Error(err)
					}
					codes <- code
				}(bases[j%servers])
			}
			wg.Wait()
			close(codes)
			created := 0
			for c := range codes {
				switch c {
				case 201:
					created++
				case 200:
				default:
					t.Errorf("round %d: answer %d", i, c)
				}
			}
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM activities WHERE id = ?", id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if created != 1 || n != 1 {
				t.Errorf("round %d: %d answered 201, %d rows; want 1 and 1", i, created, n)
			}
		}
	})

	t.Run("login throttle", func(t *testing.T) {
		mustCall(t, bases[0], "POST", "/api/v1/users", admin, map[string]any{"username": "officer.two", "password": "a-long-password", "display_name": "雙", "role": "officer", "unit_id": unit}, 201)
		bad := map[string]string{"username": "officer.two", "password": "wrong-password"}
		for i := 1; i <= 5; i++ {
			code, b, err := call(bases[i%servers], "POST", "/api/v1/auth/login", "", bad)
			want := 401
			if i == 5 {
				want = 429
			}
			if err != nil || code != want {
				t.Fatalf("failure %d on server %d: %d %v %s, want %d", i, i%servers+1, code, err, b, want)
			}
		}
		good := map[string]string{"username": "officer.two", "password": "a-long-password"}
		for i, base := range bases {
			if code, b, _ := call(base, "POST", "/api/v1/auth/login", "", good); code != 429 {
				t.Errorf("right password on server %d after 5 failures over all: %d %s, want 429", i+1, code, b)
			}
		}
	})

	t.Run("signup capacity", func(t *testing.T) {
		const capacity, volunteers = 3, 10
		ev := mustCall(t, bases[0], "POST", "/api/v1/activities", admin, map[string]any{"kind": "outreach_event", "title": "反貪宣導園遊會", "unit_id": unit,
			"scheduled_at": "2026-12-02T09:00:00+08:00",
			"event":        map[string]any{"scale": "large", "audience": "市民", "participants": 0, "volunteer_capacity": capacity, "published": true}}, 201)
		path := "/api/v1/activities/" + ev["id"].(string) + "/signups"
		tokens := make([]string, volunteers)
		for i := range tokens {
			name := fmt.Sprintf("vol%d", i)
			mustCall(t, bases[i%servers], "POST", "/api/v1/users", admin, map[string]any{"username": name, "password": "a-long-password", "display_name": name, "role": "volunteer", "status": "active", "phone": "0912-345-678", "email": name + "@example.org"}, 201)
			tokens[i] = login(t, bases[i%servers], name, "a-long-password")
		}
		if code, b, _ := call(bases[0], "POST", path, tokens[0], map[string]any{}); code != 201 {
			t.Fatalf("first sign-up: %d %s", code, b)
		}
		var wg sync.WaitGroup
		codes := make(chan int, volunteers)
		for i := 1; i < volunteers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				code, _, _ := call(bases[i%servers], "POST", path, tokens[i], map[string]any{})
				codes <- code
			}(i)
		}
		wg.Wait()
		close(codes)
		ok, full := 1, 0
		for c := range codes {
			switch c {
			case 200, 201:
				ok++
			case 409:
				full++
			default:
				t.Errorf("sign-up: %d", c)
			}
		}
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM signups WHERE activity_id = ? AND cancelled_at IS NULL", ev["id"]).Scan(&n); err != nil {
			t.Fatalf("count sign-ups: %v", err)
		}
		if ok != capacity || n != capacity {
			t.Errorf("capacity %d: %d accepted, %d rows, %d refused", capacity, ok, n, full)
		}
	})
}

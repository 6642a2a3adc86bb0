package chaos

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// op is one create a client sent, with what it learned of it.
type op struct {
	kind  string // "activity" or "checkin"
	id    string
	path  string
	body  map[string]any
	base  string // the server its client talks to
	acked bool   // some answer was 2xx
}

// tally counts what the clients saw.
type tally struct {
	sent, ok, got503, noAnswer, resent atomic.Int64
	mu                                 sync.Mutex
	unexpected                         []string        // 5xx other than 503, and any 4xx
	bad503                             []string        // 503 without code unavailable or Retry-After
	latencies                          []time.Duration // of the 2xx answers
}

func (tl *tally) note(list *[]string, s string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if len(*list) < 20 {
		*list = append(*list, s)
	}
}

// send sends o once and records the outcome; it reports whether o is acked.
func (tl *tally) send(base, token string, o *op) bool {
	tl.sent.Add(1)
	start := time.Now()
	code, body, err := callWithHeaders(base, o.path, token, o.body)
	switch {
	case err != nil:
		tl.noAnswer.Add(1)
		return false
	case code >= 200 && code < 300:
		took := time.Since(start)
		tl.ok.Add(1)
		tl.mu.Lock()
		tl.latencies = append(tl.latencies, took)
		o.acked = true
		tl.mu.Unlock()
		return true
	case code == 503:
		tl.got503.Add(1)
		var env struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.Unmarshal(body.b, &env)
		if env.Error.Code != "unavailable" || body.retryAfter == "" {
			tl.note(&tl.bad503, fmt.Sprintf("%s %s: %s (Retry-After %q)", o.kind, o.id, body.b, body.retryAfter))
		}
		return false
	default:
		tl.note(&tl.unexpected, fmt.Sprintf("%s %s: %d %s", o.kind, o.id, code, body.b))
		return false
	}
}

func (tl *tally) summary(name string, rows map[string]int64) string {
	return fmt.Sprintf("%s: sent %d, 2xx %d, 503 %d, no answer %d, resent %d, rows %v",
		name, tl.sent.Load(), tl.ok.Load(), tl.got503.Load(), tl.noAnswer.Load(), tl.resent.Load(), rows)
}

// loadRun is many clients creating activities and check-ins with client ids.
type loadRun struct {
	t       *testing.T
	bases   []string // client c talks to bases[c % len(bases)]
	token   string
	unitID  string
	name    string
	tl      tally
	stop    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	ops     []*op
	targets []string // one activity per client for its check-ins
}

const clients = 16

func newLoad(t *testing.T, base, name string) *loadRun {
	t.Helper()
	return newLoadOn(t, []string{base}, name)
}

// newLoadOn is a load whose clients are spread over several servers, each
// client on one of them.
func newLoadOn(t *testing.T, bases []string, name string) *loadRun {
	t.Helper()
	base := bases[0]
	l := &loadRun{t: t, bases: bases, name: name, stop: make(chan struct{})}
	l.token = login(t, base, "admin", adminPwd)
	unit := mustCall(t, base, "POST", "/api/v1/units", l.token, map[string]string{"code": "CH-" + name, "name": "混沌測試單位 " + name, "kind": "agency"}, 201)
	l.unitID = unit["id"].(string)
	for c := 0; c < clients; c++ {
		a := mustCall(t, base, "POST", "/api/v1/activities", l.token, l.activityBody(fmt.Sprintf("target c%d", c), ""), 201)
		l.targets = append(l.targets, a["id"].(string))
	}
	return l
}

func (l *loadRun) activityBody(title, id string) map[string]any {
	b := map[string]any{
		"kind": "security_maintenance", "title": l.name + " " + title, "unit_id": l.unitID,
		"scheduled_at": "2026-03-02T09:00:00+08:00",
		"site":         map[string]any{"name": "市政府", "lat": 23.4801, "lng": 120.4491, "radius_m": 100},
		"maintenance":  map[string]any{"event_name": "混沌測試", "risk_level": "low", "measures": "none"},
	}
	if id != "" {
		b["id"] = id
	}
	return b
}

// run starts the clients; they send until stopLoad.
func (l *loadRun) run() {
	for c := 0; c < clients; c++ {
		l.wg.Add(1)
		go func(c int) {
			defer l.wg.Done()
			base := l.bases[c%len(l.bases)]
			last := time.Now().Add(-time.Minute)
			for n := 0; ; n++ {
				select {
				case <-l.stop:
					return
				default:
				}
				var o *op
				if n%2 == 0 {
					id := uuid.NewString()
					o = &op{kind: "activity", id: id, base: base, path: "/api/v1/activities", body: l.activityBody(fmt.Sprintf("c%d #%d", c, n), id)}
				} else {
					// Strictly increasing capture times per client: equal
					// content on one activity would be a duplicate.
					at := time.Now().Truncate(time.Millisecond).Add(-2 * time.Second)
					if !at.After(last) {
						at = last.Add(time.Millisecond)
					}
					last = at
					id := uuid.NewString()
					o = &op{kind: "checkin", id: id, base: base, path: "/api/v1/activities/" + l.targets[c] + "/checkins",
						body: map[string]any{"id": id, "type": "arrive", "lat": 23.4801, "lng": 120.4491, "accuracy_m": 5, "captured_at": at.Format(time.RFC3339Nano)}}
				}
				l.mu.Lock()
				l.ops = append(l.ops, o)
				l.mu.Unlock()
				if !l.tl.send(base, l.token, o) {
					time.Sleep(50 * time.Millisecond) // no hot loop against a dead server
				}
			}
		}(c)
	}
}

func (l *loadRun) stopLoad() {
	close(l.stop)
	l.wg.Wait()
}

// resend sends every op that got no 2xx again, with the same id and body,
// until it gets one (bounded).
func (l *loadRun) resend() {
	l.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for _, o := range l.ops {
		for !o.acked {
			if time.Now().After(deadline) {
				l.t.Fatalf("resend: %s %s still unanswered after 60 s", o.kind, o.id)
			}
			l.tl.resent.Add(1)
			if !l.tl.send(o.base, l.token, o) {
				time.Sleep(200 * time.Millisecond)
			}
		}
	}
}

// verify checks in the database that every op is stored exactly once and
// nothing else of this run is stored.
func (l *loadRun) verify(db *sql.DB) map[string]int64 {
	l.t.Helper()
	want := map[string]map[string]bool{"activity": {}, "checkin": {}}
	for _, o := range l.ops {
		want[o.kind][o.id] = true
	}
	for _, id := range l.targets {
		want["activity"][id] = true
	}
	rows := map[string]int64{}
	for kind, table := range map[string]string{"activity": "activities", "checkin": "checkins"} {
		counts := map[string]int{}
		r, err := db.Query("SELECT id FROM " + table)
		if err != nil {
			l.t.Fatal(err)
		}
		for r.Next() {
			var id string
			if err := r.Scan(&id); err != nil {
				l.t.Fatal(err)
			}
			counts[id]++
			rows[table]++
		}
		if err := r.Close(); err != nil {
			l.t.Fatal(err)
		}
		for id := range want[kind] {
			if counts[id] != 1 {
				l.t.Errorf("%s %s stored %d times, want exactly once", kind, id, counts[id])
			}
		}
		for id, n := range counts {
			if !want[kind][id] {
				l.t.Errorf("%s %s stored %d times but never sent", kind, id, n)
			}
		}
	}
	// No content stored twice under another id.
	for _, q := range []string{
		"SELECT COUNT(*) FROM (SELECT title FROM activities GROUP BY title HAVING COUNT(*) > 1) d",
		"SELECT COUNT(*) FROM (SELECT activity_id, captured_at FROM checkins GROUP BY activity_id, captured_at HAVING COUNT(*) > 1) d",
	} {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			l.t.Fatal(err)
		}
		if n != 0 {
			l.t.Errorf("%d duplicate contents: %s", n, q)
		}
	}
	if len(l.tl.unexpected) > 0 {
		l.t.Errorf("unexpected answers (never 500, never 4xx for valid creates):\n%s", strings.Join(l.tl.unexpected, "\n"))
	}
	if len(l.tl.bad503) > 0 {
		l.t.Errorf("503 without code unavailable and Retry-After:\n%s", strings.Join(l.tl.bad503, "\n"))
	}
	return rows
}

// TestServerKilledMidLoad: SIGKILL the server under load, restart it, resend
// what got no answer; every acknowledged create is stored exactly once.
func TestServerKilledMidLoad(t *testing.T) {
	requireChaos(t)
	dsn, db := freshDB(t)
	srv := startServer(t, dsn, t.TempDir())
	l := newLoad(t, srv.url(""), "kill")
	l.run()
	time.Sleep(3 * time.Second)
	srv.kill()
	killedAt := l.tl.sent.Load()
	time.Sleep(time.Second) // clients meet a dead server
	srv.start()
	time.Sleep(2 * time.Second)
	l.stopLoad()
	l.resend()
	rows := l.verify(db)
	t.Logf("%s (killed after ~%d requests)", l.tl.summary("server SIGKILL", rows), killedAt)
	if l.tl.noAnswer.Load() == 0 {
		t.Error("no request went unanswered: the kill did not land mid-load")
	}
}

// TestDatabaseRestartedMidLoad: MariaDB shut down and started again under
// load; the server answers 503 unavailable meanwhile (never 500), recovers
// by itself, and every acknowledged create is stored exactly once.
func TestDatabaseRestartedMidLoad(t *testing.T) {
	requireChaos(t)
	addr := mysqlAddr(t)
	dsn, db := freshDB(t)
	srv := startServer(t, dsn, t.TempDir())
	l := newLoad(t, srv.url(""), "dbrestart")
	defer startMariaDB(t, addr) // whatever happens, MariaDB runs again after this test
	l.run()
	time.Sleep(2 * time.Second)
	stopMariaDB(t, addr)
	downAt := time.Now()
	time.Sleep(3 * time.Second)
	if code, _, err := call(srv.url(""), "GET", "/readyz", "", nil); err != nil || code != 503 {
		t.Errorf("/readyz with MariaDB down: %d %v, want 503", code, err)
	}
	startMariaDB(t, addr)
	upAt := time.Now()
	recovered := time.Duration(0)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if code, _, err := call(srv.url(""), "GET", "/readyz", "", nil); err == nil && code == 200 {
			recovered = time.Since(upAt)
			break
		}
	}
	if recovered == 0 {
		t.Fatalf("server not ready 30 s after MariaDB came back:\n%s", srv.out.String())
	}
	time.Sleep(2 * time.Second)
	l.stopLoad()
	select {
	case <-srv.done:
		t.Fatalf("server exited while MariaDB was down:\n%s", srv.out.String())
	default:
	}
	l.resend()
	rows := l.verify(db)
	t.Logf("%s (MariaDB down %v; server ready %v after MariaDB)", l.tl.summary("MariaDB restart", rows), upAt.Sub(downAt).Round(time.Millisecond), recovered.Round(time.Millisecond))
	if l.tl.got503.Load() == 0 {
		t.Error("no 503 seen while MariaDB was down")
	}
}

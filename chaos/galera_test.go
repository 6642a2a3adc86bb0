package chaos

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvGalera turns the Galera tests on: they start a three-node cluster on
// loopback with chaos/galera.sh (ports 3311-3313), kill and restart its
// nodes, and leave it running for the next test (chaos/galera.sh stop
// removes it). They never touch the MariaDB of ETHICSOPS_TEST_MYSQL_DSN.
const EnvGalera = "ETHICSOPS_GALERA"

// EnvGaleraFigures adds TestGaleraLoadFigures, the measurement of
// docs/OPERATIONS.md, to the Galera tests.
const EnvGaleraFigures = "ETHICSOPS_GALERA_FIGURES"

// galeraNodes is the size of the cluster galera.sh starts.
const galeraNodes = 3

// syncWait is the session setting the services use on the cluster:
// wsrep_sync_wait=1 makes every read (SELECT, and the locking reads of the
// transactions) wait until the node has applied what the cluster committed
// before it, so that a record created through one node is found through
// another at once (read your writes across nodes), and a locking read does
// not read a row another node has already changed (which certification
// would then abort).
const syncWait = "wsrep_sync_wait=1"

var (
	galeraOnce sync.Once
	galeraErr  error
)

func galeraScript() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "galera.sh")
}

// galera runs chaos/galera.sh with args.
func galera(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(galeraScript(), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("galera.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// requireGalera skips unless ETHICSOPS_GALERA=1, then makes sure the
// cluster runs with its three nodes ready.
func requireGalera(t *testing.T) {
	t.Helper()
	if os.Getenv(EnvGalera) != "1" {
		t.Skipf("set %s=1 to run the Galera cluster tests (starts MariaDB nodes on 3311-3313)", EnvGalera)
	}
	galeraOnce.Do(func() {
		out, err := exec.Command(galeraScript(), "start").CombinedOutput()
		if err != nil {
			galeraErr = fmt.Errorf("galera.sh start: %v\n%s", err, out)
		}
	})
	if galeraErr != nil {
		t.Fatal(galeraErr)
	}
	galera(t, "start") // a node an earlier test left down comes back
}

// nodeAddr is the SQL address of node n (1-3).
func nodeAddr(n int) string { return fmt.Sprintf("127.0.0.1:%d", 3310+n) }

// galeraDB makes a new database on the cluster and returns, per node, the
// DSN a server on that node uses and a handle for the checks.
func galeraDB(t *testing.T) ([]string, []*sql.DB) {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "ethicsops_g_" + hex.EncodeToString(b)
	root, err := sql.Open("mysql", "root@tcp("+nodeAddr(1)+")/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = root.Exec("DROP DATABASE IF EXISTS `" + name + "`")
		_ = root.Close()
	})
	if _, err := root.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatal(err)
	}
	var dsns []string
	var dbs []*sql.DB
	for n := 1; n <= galeraNodes; n++ {
		dsn := "root@tcp(" + nodeAddr(n) + ")/" + name + "?" + syncWait
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		dsns, dbs = append(dsns, dsn), append(dbs, db)
	}
	return dsns, dbs
}

// startOnNodes starts one server per node; the migration runs once, on the
// first, before the others start.
func startOnNodes(t *testing.T, dsns []string) ([]*server, []string) {
	t.Helper()
	var srvs []*server
	var bases []string
	for _, dsn := range dsns {
		s := startServer(t, dsn, t.TempDir())
		srvs, bases = append(srvs, s), append(bases, s.url(""))
	}
	return srvs, bases
}

// wsrepCounters sums, over the nodes that answer, the transactions the
// cluster aborted for a conflict with another node's: certification
// failures (at commit) and brute-force aborts (a replicated write set
// overrode a local transaction).
func wsrepCounters(t *testing.T, dbs []*sql.DB) (certFailures, bfAborts int64) {
	t.Helper()
	for _, db := range dbs {
		rows, err := db.Query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts')")
		if err != nil {
			continue
		}
		for rows.Next() {
			var name string
			var v int64
			if rows.Scan(&name, &v) == nil {
				if name == "wsrep_local_cert_failures" {
					certFailures += v
				} else {
					bfAborts += v
				}
			}
		}
		_ = rows.Close()
	}
	return certFailures, bfAborts
}

// verifyCommands runs `ethicsops kpi verify` and `ethicsops audit verify`
// against dsn, waiting for the sealers to chain every event first.
func verifyCommands(t *testing.T, s *server, db *sql.DB) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var unsealed int
		if err := db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE seq IS NULL").Scan(&unsealed); err != nil {
			t.Fatal(err)
		}
		if unsealed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d audit events still unsealed after 30 s", unsealed)
		}
	}
	for _, args := range [][]string{{"kpi", "verify"}, {"audit", "verify"}} {
		cmd := exec.Command(binary(t), args...)
		cmd.Env = s.env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("ethicsops %s: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		t.Logf("ethicsops %s: %s", strings.Join(args, " "), strings.TrimSpace(string(out)))
	}
}

// noSealErrors fails the test if a server logged a failed sealing: on a
// cluster the sealers of the servers on different nodes conflict at
// certification, and the loser must run again, not report an error.
func noSealErrors(t *testing.T, srvs ...*server) {
	t.Helper()
	for _, s := range srvs {
		for _, line := range strings.Split(s.out.String(), "\n") {
			if strings.Contains(line, `"seal audit events"`) {
				t.Errorf("server %s: %s", s.addr, line)
			}
		}
	}
}

// percentile is the p-th percentile (0-100) of sorted durations.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[(len(d)-1)*p/100]
}

// figures is a line of throughput and latency of a finished load.
func (l *loadRun) figures(took time.Duration) string {
	l.tl.mu.Lock()
	d := slices.Clone(l.tl.latencies)
	l.tl.mu.Unlock()
	slices.Sort(d)
	return fmt.Sprintf("%d acknowledged creates in %v: %.0f/s, p50 %v, p99 %v",
		len(d), took.Round(time.Millisecond), float64(len(d))/took.Seconds(),
		percentile(d, 50).Round(100*time.Microsecond), percentile(d, 99).Round(100*time.Microsecond))
}

// TestGaleraServersOnThreeNodes runs the multi-server checks with each
// ethicsops server on a different node of the cluster: identical client-id
// creates make one record, the login throttle holds across nodes, sign-ups
// never exceed the capacity, and the KPI rollups and the audit chain verify.
func TestGaleraServersOnThreeNodes(t *testing.T) {
	requireGalera(t)
	dsns, dbs := galeraDB(t)
	srvs, bases := startOnNodes(t, dsns)
	checkSharedDatabase(t, bases, dbs[1])
	verifyCommands(t, srvs[2], dbs[2])
	noSealErrors(t, srvs...)
}

// TestGaleraSignupCapacityRace is the sign-up race at its sharpest: three
// servers on three nodes, many volunteers at once, a capacity of one place
// per round. Without the write to the event's row in the sign-up
// transaction, each node's lock holds on that node only and two sign-ups on
// two nodes both commit.
func TestGaleraSignupCapacityRace(t *testing.T) {
	requireGalera(t)
	dsns, dbs := galeraDB(t)
	_, bases := startOnNodes(t, dsns)
	admin := login(t, bases[0], "admin", adminPwd)
	unit := mustCall(t, bases[0], "POST", "/api/v1/units", admin, map[string]string{"code": "GAL", "name": "叢集測試", "kind": "agency"}, 201)["id"].(string)
	const volunteers, rounds = 9, 5
	tokens := make([]string, volunteers)
	for i := range tokens {
		name := fmt.Sprintf("gvol%d", i)
		mustCall(t, bases[i%3], "POST", "/api/v1/users", admin, map[string]any{"username": name, "password": "a-long-password", "display_name": name, "role": "volunteer", "status": "active", "phone": "0912-345-678", "email": name + "@example.org"}, 201)
		tokens[i] = login(t, bases[i%3], name, "a-long-password")
	}
	for r := 0; r < rounds; r++ {
		ev := mustCall(t, bases[r%3], "POST", "/api/v1/activities", admin, map[string]any{"kind": "outreach_event", "title": fmt.Sprintf("廉政講座 %d", r), "unit_id": unit,
			"scheduled_at": "2026-12-02T09:00:00+08:00",
			"event":        map[string]any{"scale": "regular", "audience": "市民", "participants": 0, "volunteer_capacity": 1, "published": true}}, 201)
		path := "/api/v1/activities/" + ev["id"].(string) + "/signups"
		var wg sync.WaitGroup
		codes := make(chan int, volunteers)
		for i := 0; i < volunteers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				code, b, _ := call(bases[i%3], "POST", path, tokens[i], map[string]any{})
				if code != 201 && code != 409 {
					t.Errorf("round %d sign-up: %d %s", r, code, b)
				}
				codes <- code
			}(i)
		}
		wg.Wait()
		close(codes)
		accepted := 0
		for c := range codes {
			if c == 201 {
				accepted++
			}
		}
		for n, db := range dbs {
			var rows int
			if err := db.QueryRow("SELECT COUNT(*) FROM signups WHERE activity_id = ? AND status = 'active'", ev["id"]).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if accepted != 1 || rows != 1 {
				t.Errorf("round %d, node %d: %d accepted, %d rows; capacity 1", r, n+1, accepted, rows)
			}
		}
	}
}

// TestGaleraNodeNotReady isolates node 3 from the others (gmcast.isolate):
// it still answers pings but refuses every query with 1047. Its server
// must say so (503 unavailable, and /readyz 503, so that a load balancer
// stops sending it requests), never 500, and serve again once the node
// has rejoined.
func TestGaleraNodeNotReady(t *testing.T) {
	requireGalera(t)
	dsns, dbs := galeraDB(t)
	srvs, bases := startOnNodes(t, dsns)
	token := login(t, bases[2], "admin", adminPwd)
	isolate := func(on int) {
		if _, err := dbs[2].Exec(fmt.Sprintf("SET GLOBAL wsrep_provider_options='gmcast.isolate=%d'", on)); err != nil {
			t.Fatal(err)
		}
	}
	defer func() {
		_, _ = dbs[2].Exec("SET GLOBAL wsrep_provider_options='gmcast.isolate=0'")
		galera(t, "wait", "3")
	}()
	isolate(1)
	var ready string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		var name string
		if err := dbs[2].QueryRow("SHOW GLOBAL STATUS LIKE 'wsrep_ready'").Scan(&name, &ready); err == nil && ready == "OFF" {
			break
		}
	}
	if ready != "OFF" {
		t.Fatalf("node 3 still ready 30 s after gmcast.isolate=1")
	}
	if code, b, err := call(bases[2], "GET", "/readyz", "", nil); err != nil || code != 503 {
		t.Errorf("/readyz on the isolated node: %d %v %s, want 503", code, err, b)
	}
	code, ans, err := callWithHeaders(bases[2], "/api/v1/units", token, map[string]string{"code": "ISO", "name": "孤立節點", "kind": "agency"})
	if err != nil || code != 503 || !strings.Contains(string(ans.b), `"unavailable"`) || ans.retryAfter == "" {
		t.Errorf("create on the isolated node: %d %v %s (Retry-After %q), want 503 unavailable", code, err, ans.b, ans.retryAfter)
	}
	// The other two nodes keep the primary component and serve.
	mustCall(t, bases[0], "POST", "/api/v1/units", token, map[string]string{"code": "PRI", "name": "主要元件", "kind": "agency"}, 201)
	isolate(0)
	galera(t, "wait", "3")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if code, _, err := call(bases[2], "GET", "/readyz", "", nil); err == nil && code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server on node 3 not ready 30 s after the node rejoined:\n%s", srvs[2].out.String())
		}
	}
	mustCall(t, bases[2], "POST", "/api/v1/units", token, map[string]string{"code": "ISO", "name": "孤立節點", "kind": "agency"}, 201)
	var n int
	if err := dbs[0].QueryRow("SELECT COUNT(*) FROM units WHERE code IN ('ISO', 'PRI')").Scan(&n); err != nil || n != 2 {
		t.Errorf("units after the rejoin, seen from node 1: %d %v, want 2", n, err)
	}
}

// TestGaleraNodeKilledMidLoad: SIGKILL one node under a load spread over
// three servers, one per node. Every write acknowledged before the kill is
// on the surviving nodes while it is down; the server on the killed node
// answers 503 unavailable (never 500) and recovers by itself when the node
// has rejoined; after the resend every acknowledged create is stored
// exactly once, as seen from every node, and the KPI rollups and the audit
// chain verify.
func TestGaleraNodeKilledMidLoad(t *testing.T) {
	requireGalera(t)
	dsns, dbs := galeraDB(t)
	srvs, bases := startOnNodes(t, dsns)
	cert0, bf0 := wsrepCounters(t, dbs)
	l := newLoadOn(t, bases, "gkill")
	defer galera(t, "start")
	start := time.Now()
	l.run()
	time.Sleep(3 * time.Second)
	galera(t, "kill", "2")
	killedAt := time.Now()
	// What was acknowledged up to the kill (a 2xx answered before it).
	l.mu.Lock()
	var acked []*op
	for _, o := range l.ops {
		l.tl.mu.Lock()
		if o.acked {
			acked = append(acked, o)
		}
		l.tl.mu.Unlock()
	}
	l.mu.Unlock()
	time.Sleep(3 * time.Second)
	if code, _, err := call(bases[1], "GET", "/readyz", "", nil); err != nil || code != 503 {
		t.Errorf("/readyz of the server on the killed node: %d %v, want 503", code, err)
	}
	got503 := l.tl.got503.Load()
	if got503 == 0 {
		t.Error("no 503 from the server on the killed node")
	}
	for _, n := range []int{0, 2} {
		missing := 0
		for _, o := range acked {
			table := map[string]string{"activity": "activities", "checkin": "checkins"}[o.kind]
			var c int
			if err := dbs[n].QueryRow("SELECT COUNT(*) FROM "+table+" WHERE id = ?", o.id).Scan(&c); err != nil {
				t.Fatal(err)
			}
			if c != 1 {
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("node %d (surviving): %d of %d writes acknowledged before the kill are missing", n+1, missing, len(acked))
		}
	}
	t.Logf("while node 2 was down: all %d writes acknowledged before the kill are on nodes 1 and 3", len(acked))
	restartAt := time.Now()
	galera(t, "restart", "2")
	rejoined := time.Since(restartAt)
	var recovered time.Duration
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if code, _, err := call(bases[1], "GET", "/readyz", "", nil); err == nil && code == 200 {
			recovered = time.Since(restartAt)
			break
		}
	}
	if recovered == 0 {
		t.Fatalf("server on node 2 not ready 30 s after the node rejoined:\n%s", srvs[1].out.String())
	}
	time.Sleep(2 * time.Second)
	l.stopLoad()
	took := time.Since(start)
	select {
	case <-srvs[1].done:
		t.Fatalf("server on node 2 exited while its node was down:\n%s", srvs[1].out.String())
	default:
	}
	l.resend()
	for n, db := range dbs {
		rows := l.verify(db)
		t.Logf("node %d: rows %v", n+1, rows)
	}
	cert1, bf1 := wsrepCounters(t, dbs)
	t.Logf("%s; %s; node 2 down %v, rejoined (Synced) %v after its restart, its server ready %v after the restart; certification failures %d, brute-force aborts %d",
		l.tl.summary("node SIGKILL", nil), l.figures(took), restartAt.Sub(killedAt).Round(time.Millisecond),
		rejoined.Round(time.Millisecond), recovered.Round(time.Millisecond), cert1-cert0, bf1-bf0)
	verifyCommands(t, srvs[0], dbs[0])
	noSealErrors(t, srvs[0], srvs[2]) // the server on node 2 could not seal while its node was down
}

// TestGaleraLoadFigures measures the harness's load (16 clients creating
// activities and check-ins) with every client on the server of node 1, then
// spread over three servers on three nodes, for docs/OPERATIONS.md. It
// asserts what the other tests do: every create stored exactly once, as
// seen from every node, and the KPI rollups and the audit chain verify.
func TestGaleraLoadFigures(t *testing.T) {
	requireGalera(t)
	if os.Getenv(EnvGaleraFigures) != "1" {
		t.Skipf("set %s=1 to measure (about a minute; CI leaves it out)", EnvGaleraFigures)
	}
	const period = 10 * time.Second
	for _, spread := range []int{1, 3} {
		dsns, dbs := galeraDB(t)
		srvs, bases := startOnNodes(t, dsns[:spread])
		cert0, bf0 := wsrepCounters(t, dbs)
		l := newLoadOn(t, bases, fmt.Sprintf("fig%d", spread))
		start := time.Now()
		l.run()
		time.Sleep(period)
		l.stopLoad()
		took := time.Since(start)
		l.resend()
		for _, db := range dbs {
			l.verify(db)
		}
		verifyCommands(t, srvs[0], dbs[galeraNodes-1])
		noSealErrors(t, srvs...)
		cert1, bf1 := wsrepCounters(t, dbs)
		t.Logf("servers on %d node(s): %s; 503 %d; certification failures %d, brute-force aborts %d",
			spread, l.figures(took), l.tl.got503.Load(), cert1-cert0, bf1-bf0)
	}
}

// TestGaleraReadYourWritesAcrossNodes creates an activity through the
// server on node 1 and reads it at once through the server on node 2: with
// wsrep_sync_wait=1 in the DSN the read always finds it. The same rounds
// without the setting are counted for docs/OPERATIONS.md (not asserted: how
// often node 2 has not applied the write yet depends on the moment).
func TestGaleraReadYourWritesAcrossNodes(t *testing.T) {
	requireGalera(t)
	const rounds = 150
	for _, wait := range []bool{true, false} {
		dsns, _ := galeraDB(t)
		if !wait {
			for i := range dsns {
				dsns[i] = strings.TrimSuffix(dsns[i], "?"+syncWait)
			}
		}
		_, bases := startOnNodes(t, dsns[:2])
		token := login(t, bases[0], "admin", adminPwd)
		unit := mustCall(t, bases[0], "POST", "/api/v1/units", token, map[string]string{"code": "RYW", "name": "讀己所寫", "kind": "agency"}, 201)["id"].(string)
		missed := 0
		for r := 0; r < rounds; r++ {
			a := mustCall(t, bases[0], "POST", "/api/v1/activities", token, map[string]any{"kind": "petition", "title": fmt.Sprintf("陳情 %d", r), "unit_id": unit,
				"scheduled_at": "2026-03-02T09:00:00+08:00", "petition": map[string]any{"petitioners": 1, "subject": "路燈", "outcome": "已協調"}}, 201)
			code, b, err := call(bases[1], "GET", "/api/v1/activities/"+a["id"].(string), token, nil)
			switch {
			case err == nil && code == 200:
			case err == nil && code == 404:
				missed++
			default:
				t.Fatalf("read on node 2: %d %v %s", code, err, b)
			}
		}
		t.Logf("wsrep_sync_wait=1 %v: %d of %d creates on node 1 not found on node 2 right after the 201", wait, missed, rounds)
		if wait && missed > 0 {
			t.Errorf("with wsrep_sync_wait=1, %d of %d creates were not found on the other node", missed, rounds)
		}
	}
}

// TestGaleraRacingEditsAcrossNodes: the same edit of one record sent at
// once through the three servers, one per node, as two officers (or one
// phone resending) would. A loser on another node than the winner's fails
// certification (1213) at commit; run again (services.InTx) it answers as
// it would on one server: a declaration's stale version is 409
// version_conflict, a volunteer approved meanwhile is approved, 200. Never
// 503, and one change and one audit event on every node.
func TestGaleraRacingEditsAcrossNodes(t *testing.T) {
	requireGalera(t)
	dsns, dbs := galeraDB(t)
	srvs, bases := startOnNodes(t, dsns)
	admin := login(t, bases[0], "admin", adminPwd)
	unit := mustCall(t, bases[0], "POST", "/api/v1/units", admin, map[string]string{"code": "RACE", "name": "競寫測試", "kind": "agency"}, 201)["id"].(string)
	const racers, rounds = 9, 5
	// race sends racers requests at once, request i to the server of node
	// i%3, and returns how many got each status.
	race := func(method, path string, body func(i int) any) map[int]int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		for i := 0; i < racers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				code, b, err := call(bases[i%3], method, path, admin, body(i))
				if err != nil {
					t.Errorf("%s %s: %v", method, path, err)
				}
				if code == 503 || code >= 500 {
					t.Logf("%s %s: %d %s", method, path, code, b)
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}(i)
		}
		wg.Wait()
		return codes
	}
	events := func(action, id string) []int {
		var out []int
		for _, db := range dbs {
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = ? AND entity_id = ?", action, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}
	cert0, bf0 := wsrepCounters(t, dbs)
	year := time.Now().Year()
	declCodes, approveCodes := map[int]int{}, map[int]int{}
	for r := 0; r < rounds; r++ {
		d := mustCall(t, bases[r%3], "POST", "/api/v1/declarations", admin, map[string]any{"year": year, "declarant_name": fmt.Sprintf("申報人%d", r),
			"position": "科員", "unit_id": unit, "type": "regular", "due_date": fmt.Sprintf("%d-12-31", year)}, 201)
		id := d["id"].(string)
		codes := race("PATCH", "/api/v1/declarations/"+id, func(i int) any { return map[string]any{"version": 1, "position": fmt.Sprintf("職稱%d", i)} })
		for c, n := range codes {
			declCodes[c] += n
		}
		if codes[200] != 1 || codes[409] != racers-1 {
			t.Errorf("round %d, declaration: answers %v, want one 200 and %d × 409", r, codes, racers-1)
		}
		for n, db := range dbs {
			var v int
			if err := db.QueryRow("SELECT version FROM declarations WHERE id = ?", id).Scan(&v); err != nil || v != 2 {
				t.Errorf("round %d, node %d: declaration version %d %v, want 2", r, n+1, v, err)
			}
		}
		if ev := events("declaration.update", id); !slices.Equal(ev, []int{1, 1, 1}) {
			t.Errorf("round %d: declaration.update events per node %v, want one", r, ev)
		}

		name := fmt.Sprintf("gpend%d", r)
		v := mustCall(t, bases[r%3], "POST", "/api/v1/users", admin, map[string]any{"username": name, "password": "a-long-password", "display_name": name,
			"role": "volunteer", "status": "pending", "phone": "0912-345-678", "email": name + "@example.org"}, 201)
		uid := v["id"].(string)
		codes = race("POST", "/api/v1/users/"+uid+"/approve", func(int) any { return nil })
		for c, n := range codes {
			approveCodes[c] += n
		}
		if codes[200] != racers {
			t.Errorf("round %d, approval: answers %v, want %d × 200", r, codes, racers)
		}
		if ev := events("volunteer.approve", uid); !slices.Equal(ev, []int{1, 1, 1}) {
			t.Errorf("round %d: volunteer.approve events per node %v, want one", r, ev)
		}
	}
	cert1, bf1 := wsrepCounters(t, dbs)
	t.Logf("%d rounds of %d racers over three nodes: declaration edits %v, approvals %v; certification failures %d, brute-force aborts %d",
		rounds, racers, declCodes, approveCodes, cert1-cert0, bf1-bf0)
	noSealErrors(t, srvs...)
}
